/* kept: what a server process keeps of its database between requests when
 * the database is PostgreSQL (issue 14): the sessions behind recent
 * tokens, and (api_list.c) the lists' snapshots.
 *
 * Every API request names its token, and the session behind it was read
 * by a query each time: on PostgreSQL a round trip, made in
 * libmicrohttpd's polling thread, and 9 of the 22 statements of a clerk's
 * sync (10,836 in the city's burst of 1,204 syncs); two more were the
 * snapshots of the sync's two probes (limit 0) of the registry and the
 * candidates.  doc/BENCHMARKS.md has what keeping them saves.  What is
 * kept must not outlive a change to it, so:
 *  - every such change (a token revoked or deleted, an operator changed,
 *    disabled or deleted, an operator's kelurahan, any meta row: the
 *    snapshots) notifies the channel sigacor_changed from a trigger
 *    (db_pg.c), whichever process or tool makes it, and a thread here
 *    that LISTENs on a connection of its own empties what is kept when a
 *    notification arrives, a network round trip after the change's
 *    commit;
 *  - what this process revokes itself (a logout, a login that replaces a
 *    device's token) empties it before the answer goes out;
 *  - nothing read before an emptying is kept after it: what is kept
 *    carries the generation its query began in (kept_generation), and an
 *    emptying starts a new one;
 *  - while the listening connection is down nothing is kept or served
 *    from here (it may have missed a notification); quiet for 10 s, it is
 *    asked whether it still answers, and made anew when it does not
 *    within 10 s more (still_listening);
 *  - anything kept is read again after KEPT_MAX_AGE_S (server.h) whatever
 *    happens.
 * On SQLite everything is read every time: the queries run inside the
 * process (tens of microseconds), and the admin commands write the same
 * file from another process, which cannot notify.  Sessions of deposit
 * tokens (a locked laptop's sync, rare) are not kept. */
#include "config.h"
#include "server.h"
#include "common.h"
#include "sdb.h"

#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SESSION_SLOTS 16384             /* direct mapped: a collision costs a query */
#define KEPT_CHANNEL "sigacor_changed"
#define LISTEN_RETRY_MS 1000
#define LISTEN_CHECK_MS 10000           /* a quiet connection is asked this often */

struct entry {
	char hash[PROTO_SHA256_LEN + 1];
	uint64_t generation;
	int64_t cached_at, last_used;
	struct session session;
};

static struct {
	pthread_mutex_t lock;
	uint64_t generation;
	bool listening;
	unsigned long long hits, misses;
	struct entry *slots;
} cache = { .lock = PTHREAD_MUTEX_INITIALIZER };

static struct {
	pthread_t thread;
	bool running, stopping;         /* stopping: under cache.lock */
	int wake[2];
	char *conninfo;
} listener = { .wake = { -1, -1 } };

/* by the hash's first hex digits (a SHA-256: evenly spread) */
static struct entry *slot_of(const char *hash)
{
	unsigned prefix = 0;
	for (int i = 0; i < 8 && hash[i] != '\0'; i++)
		prefix = prefix * 16 + (unsigned)(hash[i] <= '9' ? hash[i] - '0' : hash[i] - 'a' + 10);
	return &cache.slots[prefix % SESSION_SLOTS];
}

uint64_t kept_generation(void)
{
	pthread_mutex_lock(&cache.lock);
	uint64_t generation = cache.listening ? cache.generation : 0;
	pthread_mutex_unlock(&cache.lock);
	return generation;
}

bool kept_session_get(const char *hash, struct session *s, int64_t *last_used)
{
	int64_t now = util_now();
	pthread_mutex_lock(&cache.lock);
	bool found = false;
	if (cache.listening) {
		const struct entry *e = slot_of(hash);
		found = e->generation == cache.generation && strcmp(e->hash, hash) == 0
			&& now - e->cached_at < KEPT_MAX_AGE_S;
		if (found) {
			*s = e->session;
			*last_used = e->last_used;
		}
		found ? cache.hits++ : cache.misses++;
	}
	pthread_mutex_unlock(&cache.lock);
	return found;
}

void kept_session_put(uint64_t generation, const char *hash, const struct session *s,
	int64_t last_used)
{
	pthread_mutex_lock(&cache.lock);
	if (generation != 0 && cache.listening && generation == cache.generation) {
		struct entry *e = slot_of(hash);
		snprintf(e->hash, sizeof e->hash, "%s", hash);
		e->generation = generation;
		e->cached_at = util_now();
		e->last_used = last_used;
		e->session = *s;
	}
	pthread_mutex_unlock(&cache.lock);
}

void kept_session_used(const char *hash, int64_t when)
{
	pthread_mutex_lock(&cache.lock);
	if (cache.slots != NULL) {
		struct entry *e = slot_of(hash);
		if (strcmp(e->hash, hash) == 0)
			e->last_used = when;
	}
	pthread_mutex_unlock(&cache.lock);
}

void kept_forget(void)
{
	pthread_mutex_lock(&cache.lock);
	cache.generation++;
	pthread_mutex_unlock(&cache.lock);
}

static void set_listening(bool listening)
{
	pthread_mutex_lock(&cache.lock);
	cache.listening = listening;
	cache.generation++;
	pthread_mutex_unlock(&cache.lock);
}

static bool stopping(void)
{
	pthread_mutex_lock(&cache.lock);
	bool stop = listener.stopping;
	pthread_mutex_unlock(&cache.lock);
	return stop;
}

/* Whether the listening connection still answers, asked when it has been
 * quiet a while.  A firewall or NAT between the server and a remote
 * PostgreSQL may drop an idle connection without a word; notifications
 * would then stop while nothing said so.  Nothing is kept while asking,
 * and a connection that does not answer within LISTEN_CHECK_MS is given
 * up and made anew (it would take TCP's minutes to fail, and hold the
 * server's stop as long). */
static bool still_listening(sdb *db)
{
	set_listening(false);
	if (!sdb_pg_answers(db, listener.wake[0], LISTEN_CHECK_MS))
		return false;
	set_listening(true);
	return true;
}

/* until stopped: listen, empty what is kept at each notification, and
 * connect again (after a pause) when the connection is lost */
static void *listen_loop(void *arg)
{
	(void)arg;
	bool told = false;
	while (!stopping()) {
		char *why = NULL;
		sdb *db = sdb_pg_connect(listener.conninfo, &why);
		if (db != NULL && sdb_pg_listen(db, KEPT_CHANNEL)) {
			set_listening(true);
			told = false;
			int n;
			while ((n = sdb_pg_wait_notifications(db, listener.wake[0], LISTEN_CHECK_MS))
				>= 0 && !stopping() && (n > 0 || still_listening(db)))
				if (n > 0)
					kept_forget();
			set_listening(false);
		}
		if (!told && !stopping()) {
			fprintf(stderr, "sigacor-server: PostgreSQL: %s%s%s\n",
				_("sesi dibaca dari basis data setiap kali (pemberitahuan tidak tersambung)"),
				why != NULL ? ": " : "", why != NULL ? why : "");
			told = true;
		}
		free(why);
		sdb_close(db);
		struct pollfd p = { .fd = listener.wake[0], .events = POLLIN };
		if (!stopping())
			poll(&p, 1, LISTEN_RETRY_MS);
	}
	return NULL;
}

bool kept_start(const char *dir)
{
	listener.conninfo = db_pg_conninfo(dir);
	if (listener.conninfo == NULL)
		return true;            /* SQLite: every session is read */
	cache.slots = calloc(SESSION_SLOTS, sizeof *cache.slots);
	if (cache.slots == NULL || pipe(listener.wake) != 0) {
		perror("sigacor-server");
		return false;
	}
	listener.running = pthread_create(&listener.thread, NULL, listen_loop, NULL) == 0;
	return listener.running;
}

void kept_stop(void)
{
	if (listener.running) {
		pthread_mutex_lock(&cache.lock);
		listener.stopping = true;
		pthread_mutex_unlock(&cache.lock);
		if (write(listener.wake[1], "x", 1) != 1)
			perror("sigacor-server");
		pthread_join(listener.thread, NULL);
		listener.running = false;
	}
	for (int i = 0; i < 2; i++)
		if (listener.wake[i] >= 0)
			close(listener.wake[i]);
	listener.wake[0] = listener.wake[1] = -1;
	free(listener.conninfo);
	listener.conninfo = NULL;
	pthread_mutex_lock(&cache.lock);
	cache.listening = false;
	free(cache.slots);
	cache.slots = NULL;
	pthread_mutex_unlock(&cache.lock);
}

void kept_counts(struct kept_counts *c)
{
	pthread_mutex_lock(&cache.lock);
	c->hits = cache.hits;
	c->misses = cache.misses;
	c->listening = cache.listening;
	c->in_use = cache.slots != NULL;
	pthread_mutex_unlock(&cache.lock);
}
