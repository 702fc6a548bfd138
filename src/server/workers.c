/* workers: the API's answers are made by a bounded pool of threads, the
 * logins' password checks by a queue of their own (issue 14 item 3).
 *
 * Before, libmicrohttpd ran a thread per connection and each made its
 * answer itself: with 1,204 clerks syncing at once, 1,204 runnable threads
 * shared two cores with the database's one writer, and a burst of first
 * logins held 1,204 threads asleep on Argon2id's slots.  Now
 * libmicrohttpd's few polling threads only move bytes; a request whose
 * body has arrived is suspended and queued here, a worker makes its answer
 * and resumes it.  Two queues, each first in, first out (a login waits
 * behind the logins that came before it, never behind a city's records,
 * and no record waits behind a burst of Argon2id):
 *  - WORK_API: every API answer but the login, sixteen workers a core (a
 *    worker waiting for the group commit of its record holds no core);
 *  - WORK_LOGIN: one worker a core (at most 8): Argon2id takes a core and
 *    64 MiB, more at once only takes longer.
 * Admission: a queue whose oldest item has waited longer than its bound
 * refuses new ones with 503 and Retry-After (the delay it measures, not
 * one it guesses: API items differ a hundredfold, a read against a
 * photo's fsync, and a guess from their mean turned away a burst that
 * was being answered within 2 s).  The login queue also refuses a login
 * that would wait past the bound by its expected wait (the logins queued
 * before it times the moving average of a check: Argon2id costs the same
 * every time), so that a burst of a city's first logins is never queued
 * past the client's 60 s patience.  A client told to come back in N
 * seconds costs nothing; one whose answer comes after its own timeout
 * costs the work twice. */
#include "config.h"
#include "server.h"
#include "common.h"

#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#define WORKERS_MAX 64

struct queue {
	const char *name;
	struct work_item *head, *tail;
	unsigned waiting;
	unsigned workers;
	int64_t wait_max_us;              /* admission bound */
	bool by_estimate;                 /* also refuse by the expected wait (logins) */
	int64_t mean_us;                  /* moving average of an item's time; 0: none yet */
	pthread_t threads[WORKERS_MAX];
	unsigned started;
	pthread_cond_t wake;              /* an item came: one of this queue's idle workers */
};

static struct queue queues[WORK_QUEUE_COUNT] = {
	[WORK_API] = { .name = "api", .wake = PTHREAD_COND_INITIALIZER },
	[WORK_LOGIN] = { .name = "login", .wake = PTHREAD_COND_INITIALIZER },
};
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static bool stopping;

static struct work_item *take(struct queue *q)
{
	while (q->head == NULL && !stopping)
		pthread_cond_wait(&q->wake, &lock);
	struct work_item *w = q->head;
	if (w != NULL) {
		q->head = w->next;
		if (q->head == NULL)
			q->tail = NULL;
		q->waiting--;
	}
	return w;
}

/* A worker drains its queue even while stopping: every suspended
 * connection is resumed before libmicrohttpd stops. */
static void *work(void *arg)
{
	struct queue *q = arg;
	pthread_mutex_lock(&lock);
	struct work_item *w;
	while ((w = take(q)) != NULL) {
		pthread_mutex_unlock(&lock);
		int64_t t0 = common_now_us();
		w->run(w);
		int64_t took = common_now_us() - t0;
		pthread_mutex_lock(&lock);
		/* an eighth of the newest: steady under noise, a minute to follow a change */
		q->mean_us = q->mean_us == 0 ? took : q->mean_us + (took - q->mean_us) / 8;
	}
	pthread_mutex_unlock(&lock);
	return NULL;
}

static unsigned clamp_workers(unsigned n)
{
	return n < 1 ? 1 : n > WORKERS_MAX ? WORKERS_MAX : n;
}

bool workers_start(const struct workers_config *cfg)
{
	queues[WORK_API].workers = clamp_workers(cfg->api_workers);
	queues[WORK_API].wait_max_us = (int64_t)cfg->api_wait_max_ms * 1000;
	queues[WORK_LOGIN].workers = clamp_workers(cfg->login_workers);
	queues[WORK_LOGIN].wait_max_us = (int64_t)cfg->login_wait_max_ms * 1000;
	queues[WORK_LOGIN].by_estimate = true;
	queues[WORK_LOGIN].mean_us = cfg->login_seed_us;
	stopping = false;
	for (int k = 0; k < WORK_QUEUE_COUNT; k++) {
		struct queue *q = &queues[k];
		for (q->started = 0; q->started < q->workers; q->started++)
			if (pthread_create(&q->threads[q->started], NULL, work, q) != 0) {
				workers_stop();
				return false;
			}
	}
	return true;
}

void workers_stop(void)
{
	pthread_mutex_lock(&lock);
	stopping = true;
	for (int k = 0; k < WORK_QUEUE_COUNT; k++)
		pthread_cond_broadcast(&queues[k].wake);
	pthread_mutex_unlock(&lock);
	for (int k = 0; k < WORK_QUEUE_COUNT; k++) {
		struct queue *q = &queues[k];
		for (unsigned i = 0; i < q->started; i++)
			pthread_join(q->threads[i], NULL);
		q->started = 0;
	}
}

/* How long an item queued now would wait for a worker (µs): what the
 * oldest one has waited, or for the logins the items ahead times the
 * mean, whichever is longer. */
static int64_t expected_wait_us(const struct queue *q, int64_t now)
{
	int64_t waited = q->head != NULL ? now - q->head->queued_us : 0;
	int64_t ahead = q->by_estimate ? (int64_t)q->waiting * q->mean_us / q->workers : 0;
	return waited > ahead ? waited : ahead;
}

bool workers_submit(enum work_queue k, struct work_item *w, int *retry_after_s)
{
	struct queue *q = &queues[k];
	int64_t now = common_now_us();
	pthread_mutex_lock(&lock);
	int64_t wait = expected_wait_us(q, now);
	bool admitted = !stopping && q->started > 0 && (q->wait_max_us <= 0 || wait <= q->wait_max_us);
	if (admitted) {
		w->next = NULL;
		w->queued_us = now;
		if (q->tail != NULL)
			q->tail->next = w;
		else
			q->head = w;
		q->tail = w;
		q->waiting++;
		/* one idle worker of this queue: waking all of them (64 on four
		 * cores) for one item was 6 % of the server's CPU in the city's
		 * burst, spent in futex wake-ups and context switches */
		pthread_cond_signal(&q->wake);
	}
	pthread_mutex_unlock(&lock);
	if (!admitted)
		*retry_after_s = (int)(wait / 1000000) + 1;
	return admitted;
}

unsigned workers_waiting(enum work_queue k)
{
	pthread_mutex_lock(&lock);
	unsigned n = queues[k].waiting;
	pthread_mutex_unlock(&lock);
	return n;
}
