/* throttle: how often a login may be tried, counted exactly.
 *
 * Before (issue 8) failures lived in a 1,024-slot table keyed by a hash of
 * the operator name: another name in the same slot reset them (so an
 * attacker alternating two names was never stopped), five failures by
 * anyone locked the real operator out for 15 minutes, and a spray of
 * unknown names met no limit while every try ran Argon2id.  Now:
 *
 * - per (operator name, address) pair, exact (the whole strings compared):
 *   the first PAIR_FREE failures cost nothing, each one after blocks the
 *   pair for a wait that doubles (PAIR_BASE_WAIT s, 2x, ... up to
 *   PAIR_MAX_WAIT); a right password ends it, PAIR_FORGET s without a try
 *   forget it.  An attacker
 *   elsewhere never delays the real operator's own laptop;
 * - per address, any name (known or not): at most ADDR_MAX_FAILURES failed
 *   tries within ADDR_WINDOW, and at most ADDR_MAX_IN_FLIGHT password checks
 *   at once (an office logging in together), one at a time once the
 *   address has ADDR_SUSPECT_FAILURES failures (a spray then never holds
 *   more than one Argon2id slot).  A refused try answers 429 before Argon2id runs, so a spray
 *   costs the server almost nothing and does not queue ahead of real logins.
 *
 * IPv6 addresses count by their /64 (one customer's network).  The state is
 * in memory (a restart forgets it) and bounded: at most TABLE_MAX entries;
 * when full, expired ones go first, then the one idle longest. */
#include "config.h"
#include "server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define PAIR_FREE 4                 /* failures without a wait; the next one starts it */
#define PAIR_BASE_WAIT 30
#define PAIR_MAX_WAIT 900
#define PAIR_FORGET 900             /* a pair with no failure for this long starts afresh */
#define ADDR_MAX_FAILURES 30
#define ADDR_WINDOW 900
#define ADDR_MAX_IN_FLIGHT 8        /* as many as Argon2id runs at once at most */
#define ADDR_SUSPECT_FAILURES 5     /* after these, one check at a time */
#define TABLE_BUCKETS 4096
#define TABLE_MAX 65536

struct entry {
	struct entry *next;
	char *key;                       /* "a\taddress" or "p\tname\taddress" */
	int failures;
	int in_flight;                   /* address entries: checks running */
	int64_t first, last;             /* first failure of the window, last activity */
	int64_t blocked_until;
};

static struct entry *buckets[TABLE_BUCKETS];
static size_t entries;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static uint32_t key_hash(const char *key)
{
	uint32_t h = 2166136261u;
	for (; *key != '\0'; key++)
		h = (h ^ (unsigned char)*key) * 16777619u;
	return h;
}

static bool expired(const struct entry *e, int64_t now)
{
	return e->in_flight == 0 && now - e->last >= PAIR_FORGET && now >= e->blocked_until;
}

static void drop(struct entry **link)
{
	struct entry *e = *link;
	*link = e->next;
	free(e->key);
	free(e);
	entries--;
}

/* Make room: expired entries first, else the one idle longest. */
static void evict(int64_t now)
{
	struct entry **oldest = NULL;
	for (size_t b = 0; b < TABLE_BUCKETS; b++)
		for (struct entry **l = &buckets[b]; *l != NULL;) {
			if (expired(*l, now)) {
				drop(l);
				continue;
			}
			if ((*l)->in_flight == 0 && (oldest == NULL || (*l)->last < (*oldest)->last))
				oldest = l;
			l = &(*l)->next;
		}
	if (entries >= TABLE_MAX && oldest != NULL)
		drop(oldest);
}

/* The entry of key, made when missing (NULL when out of memory). */
static struct entry *find(const char *key, int64_t now)
{
	struct entry **head = &buckets[key_hash(key) % TABLE_BUCKETS];
	for (struct entry *e = *head; e != NULL; e = e->next)
		if (strcmp(e->key, key) == 0)
			return e;
	if (entries >= TABLE_MAX)
		evict(now);
	struct entry *e = calloc(1, sizeof *e);
	if (e == NULL || (e->key = strdup(key)) == NULL) {
		free(e);
		return NULL;
	}
	e->last = now;
	e->next = *head;
	*head = e;
	entries++;
	return e;
}

static void pair_key(const char *name, const char *addr, char *out, size_t cap)
{
	snprintf(out, cap, "p\t%s\t%s", name, addr);
}

static void addr_key(const char *addr, char *out, size_t cap)
{
	snprintf(out, cap, "a\t%s", addr);
}

void throttle_address(const struct sockaddr *sa, char *out, size_t cap)
{
	snprintf(out, cap, "?");
	if (sa == NULL)
		return;
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)(const void *)sa;
		inet_ntop(AF_INET, &in->sin_addr, out, (socklen_t)cap);
	} else if (sa->sa_family == AF_INET6) {
		struct in6_addr net = ((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
		if (IN6_IS_ADDR_V4MAPPED(&net)) {
			inet_ntop(AF_INET, &net.s6_addr[12], out, (socklen_t)cap);
			return;
		}
		memset(&net.s6_addr[8], 0, 8);           /* the /64 */
		char text[INET6_ADDRSTRLEN];
		inet_ntop(AF_INET6, &net, text, sizeof text);
		snprintf(out, cap, "%s/64", text);
	}
}

int throttle_login_begin(const char *name, const char *addr, int64_t now)
{
	char key[PROTO_OPERATOR_MAX + 96];
	int wait = 0;
	pthread_mutex_lock(&lock);
	addr_key(addr, key, sizeof key);
	struct entry *a = find(key, now);
	pair_key(name, addr, key, sizeof key);
	struct entry *p = a != NULL ? find(key, now) : NULL;
	if (a == NULL || p == NULL)
		wait = 1;                                 /* out of memory: try again soon */
	else {
		if (a->failures > 0 && now - a->first >= ADDR_WINDOW)
			a->failures = 0;
		if (now - p->last >= PAIR_FORGET && now >= p->blocked_until)
			p->failures = 0;
		if (a->failures >= ADDR_MAX_FAILURES)
			wait = (int)(a->first + ADDR_WINDOW - now);
		else if (now < p->blocked_until)
			wait = (int)(p->blocked_until - now);
		else if (a->in_flight >= (a->failures >= ADDR_SUSPECT_FAILURES ? 1 : ADDR_MAX_IN_FLIGHT))
			wait = 1;
		if (wait <= 0) {
			wait = 0;
			a->in_flight++;
		}
		a->last = p->last = now;
	}
	pthread_mutex_unlock(&lock);
	return wait;
}

void throttle_login_done(const char *name, const char *addr, int64_t now,
	enum throttle_outcome outcome)
{
	char key[PROTO_OPERATOR_MAX + 96];
	pthread_mutex_lock(&lock);
	addr_key(addr, key, sizeof key);
	struct entry *a = find(key, now);
	pair_key(name, addr, key, sizeof key);
	struct entry *p = a != NULL ? find(key, now) : NULL;
	if (a != NULL && a->in_flight > 0)
		a->in_flight--;
	if (a != NULL && p != NULL && outcome != THROTTLE_NOT_CHECKED) {
		if (outcome == THROTTLE_GOOD) {
			p->failures = 0;
			p->blocked_until = 0;
		} else {
			if (a->failures == 0)
				a->first = now;
			a->failures++;
			if (++p->failures > PAIR_FREE) {
				int shift = p->failures - PAIR_FREE - 1;
				int64_t w = shift >= 5 ? PAIR_MAX_WAIT : (int64_t)PAIR_BASE_WAIT << shift;
				p->blocked_until = now + (w > PAIR_MAX_WAIT ? PAIR_MAX_WAIT : w);
			}
		}
		a->last = p->last = now;
	}
	pthread_mutex_unlock(&lock);
}
