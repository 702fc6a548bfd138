/* guard: slow connections are cut (slowloris, issue 8).
 *
 * libmicrohttpd bounds idleness (MHD_OPTION_CONNECTION_TIMEOUT) and, per
 * address, the number of connections (MHD_OPTION_PER_IP_CONNECTION_LIMIT),
 * but a client that sends one header line every 20 s, or a body one byte at
 * a time, is never idle and held a thread and a connection slot for ever:
 * 2,100 of them kept every real client out.  It has no option for a rate.
 * So every connection is followed here from accept to close, and a
 * watchdog thread shuts down (shutdown(2); libmicrohttpd then sees the end
 * of the stream and closes it itself) the connections that
 *  - take longer than HEADER_DEADLINE_S to send the headers of a request
 *    (counted from the connection or from the end of the previous request,
 *    so an idle keep-alive connection also goes after that time), or
 *  - send a body slower than BODY_MIN_RATE bytes/s on average, once
 *    BODY_GRACE_S have passed since the headers.
 * A request being worked on (an Argon2id check, a database write) is never
 * timed: only what the client has to send.
 *
 * The fd is only touched under the lock and only while the connection is
 * listed; libmicrohttpd tells guard_close before it closes the socket, so a
 * number reused by a new connection is never shut down by mistake. */
#include "config.h"
#include "server.h"

#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum guard_phase { PHASE_HEADERS, PHASE_BODY, PHASE_WORK };

struct guard_conn {
	struct guard_conn *prev, *next;
	int fd;
	enum guard_phase phase;
	int64_t since_ms;            /* start of the phase */
	long long body_bytes;
	bool cut;                    /* shut down by the watchdog */
};

static struct guard_conn *head;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static pthread_t watchdog;
static bool running, stopping;
static struct guard_limits limits;
static unsigned long long cut_headers, cut_bodies;

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool too_slow(const struct guard_conn *g, int64_t now)
{
	int64_t spent = now - g->since_ms;
	if (g->phase == PHASE_HEADERS)
		return spent > (int64_t)limits.header_deadline_s * 1000;
	if (g->phase == PHASE_BODY)
		return spent > (int64_t)limits.body_grace_s * 1000
			&& g->body_bytes * 1000 < spent * (int64_t)limits.body_min_rate;
	return false;
}

static void *watch(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lock);
	while (!stopping) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += 250 * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&wake, &lock, &until);
		int64_t now = now_ms();
		for (struct guard_conn *g = head; g != NULL; g = g->next)
			if (!g->cut && too_slow(g, now)) {
				g->cut = true;
				if (g->phase == PHASE_HEADERS)
					cut_headers++;
				else
					cut_bodies++;
				shutdown(g->fd, SHUT_RDWR);
			}
	}
	pthread_mutex_unlock(&lock);
	return NULL;
}

bool guard_start(const struct guard_limits *l)
{
	limits = *l;
	stopping = false;
	running = pthread_create(&watchdog, NULL, watch, NULL) == 0;
	return running;
}

void guard_stop(void)
{
	if (!running)
		return;
	pthread_mutex_lock(&lock);
	stopping = true;
	pthread_cond_signal(&wake);
	pthread_mutex_unlock(&lock);
	pthread_join(watchdog, NULL);
	running = false;
}

struct guard_conn *guard_open(int fd)
{
	struct guard_conn *g = calloc(1, sizeof *g);
	if (g == NULL)
		return NULL;
	g->fd = fd;
	g->phase = PHASE_HEADERS;
	g->since_ms = now_ms();
	pthread_mutex_lock(&lock);
	g->next = head;
	if (head != NULL)
		head->prev = g;
	head = g;
	pthread_mutex_unlock(&lock);
	return g;
}

void guard_close(struct guard_conn *g)
{
	if (g == NULL)
		return;
	pthread_mutex_lock(&lock);
	if (g->prev != NULL)
		g->prev->next = g->next;
	else
		head = g->next;
	if (g->next != NULL)
		g->next->prev = g->prev;
	pthread_mutex_unlock(&lock);
	free(g);
}

static void set_phase(struct guard_conn *g, enum guard_phase phase)
{
	if (g == NULL)
		return;
	pthread_mutex_lock(&lock);
	g->phase = phase;
	g->since_ms = now_ms();
	g->body_bytes = 0;
	pthread_mutex_unlock(&lock);
}

void guard_headers_done(struct guard_conn *g, bool body_follows)
{
	set_phase(g, body_follows ? PHASE_BODY : PHASE_WORK);
}

void guard_body(struct guard_conn *g, size_t bytes)
{
	if (g == NULL)
		return;
	pthread_mutex_lock(&lock);
	g->body_bytes += (long long)bytes;
	pthread_mutex_unlock(&lock);
}

void guard_body_done(struct guard_conn *g)
{
	set_phase(g, PHASE_WORK);
}

void guard_request_done(struct guard_conn *g)
{
	set_phase(g, PHASE_HEADERS);
}

void guard_counts(unsigned long long *headers, unsigned long long *bodies)
{
	pthread_mutex_lock(&lock);
	*headers = cut_headers;
	*bodies = cut_bodies;
	pthread_mutex_unlock(&lock);
}
