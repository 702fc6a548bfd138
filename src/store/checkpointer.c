/* store/checkpointer: while a sync writes the registry page after page, the
 * WAL is copied back into the database by a thread of its own, on a
 * connection of its own, instead of by the writer at every thousandth
 * page.  In a keyed profile that copy was a third of the CPU of a 1 %
 * registry change (20,000 renamed residents of 2,000,000), which the writer
 * paid between its pages while the machine's other core waited; the thread
 * copies each page as it is sealed (vault_copy_sealed).
 *
 * A PASSIVE checkpoint never waits for the writer nor holds it up (SQLite's
 * checkpoint and write locks are apart); the writer starts the WAL afresh
 * at its next transaction once everything in it is copied, as it does with
 * its own checkpoints.  A kill at any moment leaves what SQLite leaves of
 * any checkpoint: the WAL still holds every page the database lacks. */
#include "config.h"
#include "store_int.h"
#include "vault.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

int store_checkpointer_wal_max = STORE_CHECKPOINTER_WAL_MAX;

struct checkpointer {
	sqlite3 *db;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	pthread_cond_t idle;         /* a pass ended with nothing more due */
	bool due, copying, stop;
	int wal_pages;               /* in the WAL at the writer's last commit */
};

static void *run(void *arg)
{
	struct checkpointer *c = arg;
	pthread_mutex_lock(&c->lock);
	for (;;) {
		while (!c->due && !c->stop)
			pthread_cond_wait(&c->wake, &c->lock);
		if (!c->due)
			break;
		c->due = false;
		c->copying = true;
		pthread_mutex_unlock(&c->lock);
		vault_copy_sealed(true);
		sqlite3_wal_checkpoint_v2(c->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		vault_copy_sealed(false);
		pthread_mutex_lock(&c->lock);
		c->copying = false;
		if (!c->due)
			pthread_cond_broadcast(&c->idle);
	}
	pthread_mutex_unlock(&c->lock);
	return NULL;
}

/* the writer's commits: each one's pages are for the thread to copy */
static int on_commit(void *arg, sqlite3 *db, const char *name, int pages)
{
	(void)db;
	(void)name;
	struct checkpointer *c = arg;
	if (pages > 0) {
		pthread_mutex_lock(&c->lock);
		c->wal_pages = pages;
		c->due = true;
		pthread_cond_signal(&c->wake);
		pthread_mutex_unlock(&c->lock);
	}
	return SQLITE_OK;
}

static sqlite3 *open_second(struct store *s)
{
	char path[PATH_MAX];
	sqlite3 *db = NULL;
	if (snprintf(path, sizeof path, "%s/sigacor.db", s->dir) >= (int)sizeof path)
		return NULL;
	int rc = s->vault != NULL ? vault_open(s->vault, path, SQLITE_OPEN_READWRITE, &db)
		: sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL);
	/* the checkpoint's fsyncs are its connection's: as durable as the writer's */
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, "PRAGMA synchronous = FULL", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		sqlite3_close(db);
		return NULL;
	}
	return db;
}

void store_checkpointer_start(struct store *s)
{
	if (s->checkpointer != NULL)
		return;
	struct checkpointer *c = calloc(1, sizeof *c);
	if (c == NULL)
		return;
	c->db = open_second(s);
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->wake, NULL);
	pthread_cond_init(&c->idle, NULL);
	if (c->db == NULL || pthread_create(&c->thread, NULL, run, c) != 0) {
		/* the writer checkpoints by itself, as without */
		sqlite3_close(c->db);
		pthread_mutex_destroy(&c->lock);
		pthread_cond_destroy(&c->wake);
		pthread_cond_destroy(&c->idle);
		free(c);
		return;
	}
	sqlite3_wal_hook(s->db, on_commit, c);     /* in place of the writer's own */
	s->checkpointer = c;
}

void store_checkpointer_stop(struct store *s)
{
	struct checkpointer *c = s->checkpointer;
	if (c == NULL)
		return;
	sqlite3_wal_autocheckpoint(s->db, STORE_WAL_AUTOCHECKPOINT);
	pthread_mutex_lock(&c->lock);
	c->stop = true;
	pthread_cond_signal(&c->wake);
	pthread_mutex_unlock(&c->lock);
	pthread_join(c->thread, NULL);
	sqlite3_close(c->db);
	pthread_mutex_destroy(&c->lock);
	pthread_cond_destroy(&c->wake);
	pthread_cond_destroy(&c->idle);
	free(c);
	s->checkpointer = NULL;
}

/* The writer starts the WAL afresh only at a transaction it begins with
 * everything copied; the thread copies one commit while the writer makes
 * the next, so without a pause the WAL grew by every page (78 MB for a 1 %
 * change of 2,000,000, each frame a new block of the file, all of them
 * freed at the close).  Past the bound the writer waits for the copy. */
void store_checkpointer_pace(struct store *s)
{
	struct checkpointer *c = s->checkpointer;
	if (c == NULL)
		return;
	pthread_mutex_lock(&c->lock);
	if (c->wal_pages >= store_checkpointer_wal_max)
		while (c->due || c->copying)
			pthread_cond_wait(&c->idle, &c->lock);
	pthread_mutex_unlock(&c->lock);
}
