/* store/meta: small settings kept with the data (cursors, server URL, ...). */
#include "config.h"
#include "store.h"
#include "format.h"
#include "store_int.h"
#include "i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool store_meta_get(struct store *s, const char *key, char *buf, size_t len)
{
	sqlite3_stmt *st;
	if (store_prepare(s, "SELECT value FROM meta WHERE key = ?", &st) != STORE_OK)
		return false;
	store_bind_text(st, 1, key);
	bool found = sqlite3_step(st) == SQLITE_ROW;
	if (found)
		store_column_text(st, 0, buf, len);
	sqlite3_finalize(st);
	return found;
}

/* Inside a transaction the caller already holds. */
enum store_status store_meta_put(struct store *s, const char *key, const char *value)
{
	sqlite3_stmt *st;
	enum store_status rc = store_prepare(s,
		"INSERT INTO meta (key, value) VALUES (?, ?)"
		" ON CONFLICT (key) DO UPDATE SET value = excluded.value", &st);
	if (rc != STORE_OK)
		return rc;
	store_bind_text(st, 1, key);
	store_bind_text(st, 2, value);
	return store_run(s, st, "meta");
}

enum store_status store_meta_set(struct store *s, const char *key, const char *value)
{
	enum store_status rc = store_begin(s);
	if (rc != STORE_OK)
		return rc;
	if ((rc = store_meta_put(s, key, value)) != STORE_OK) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s);
}

int64_t store_meta_int(struct store *s, const char *key)
{
	char buf[32] = "";
	if (!store_meta_get(s, key, buf, sizeof buf))
		return 0;
	return strtoll(buf, NULL, 10);
}

enum store_status store_meta_put_int(struct store *s, const char *key, int64_t value)
{
	char buf[32];
	snprintf(buf, sizeof buf, "%lld", (long long)value);
	return store_meta_put(s, key, buf);
}

enum store_status store_finish(struct store *s, enum store_status rc)
{
	if (rc == STORE_OK)
		return store_commit(s);
	store_rollback(s);
	return rc;
}

/* "<prefix>.<name>" */
static const char *pull_key(char *buf, size_t len, const char *prefix, const char *name)
{
	snprintf(buf, len, "%s.%s", prefix, name);
	return buf;
}

void store_pull_state_load(struct store *s, const char *prefix, struct store_pull_state *out)
{
	char k[96];
	memset(out, 0, sizeof *out);
	store_meta_get(s, pull_key(k, sizeof k, prefix, "cursor"), out->cursor, sizeof out->cursor);
	store_meta_get(s, pull_key(k, sizeof k, prefix, "snapshot"), out->snapshot,
		sizeof out->snapshot);
	store_meta_get(s, pull_key(k, sizeof k, prefix, "done_snapshot"), out->done_snapshot,
		sizeof out->done_snapshot);
	out->batch = store_meta_int(s, pull_key(k, sizeof k, prefix, "batch"));
	out->received = store_meta_int(s, pull_key(k, sizeof k, prefix, "received"));
	out->total = store_meta_int(s, pull_key(k, sizeof k, prefix, "total"));
}

enum store_status store_pull_state_begin(struct store *s, const char *prefix, int64_t batch,
	const char *snapshot, int64_t total)
{
	char k[96];
	enum store_status rc = store_meta_put_int(s, pull_key(k, sizeof k, prefix, "batch"), batch);
	if (rc == STORE_OK)
		rc = store_meta_put(s, pull_key(k, sizeof k, prefix, "snapshot"), snapshot);
	if (rc == STORE_OK)
		rc = store_meta_put(s, pull_key(k, sizeof k, prefix, "cursor"), "");
	if (rc == STORE_OK)
		rc = store_meta_put_int(s, pull_key(k, sizeof k, prefix, "received"), 0);
	if (rc == STORE_OK)
		rc = store_meta_put_int(s, pull_key(k, sizeof k, prefix, "total"), total);
	return rc;
}

/* The page's items, one prepared statement; a broken item names its line. */
static enum store_status write_items(struct store *s, const struct store_pull_list *l,
	const void *items, size_t n, int64_t batch, int64_t first)
{
	sqlite3_stmt *st = NULL;
	enum store_status rc = store_prepare(s, l->insert_sql, &st);
	for (size_t i = 0; rc == STORE_OK && i < n; i++) {
		const void *item = (const char *)items + i * l->item_size;
		int64_t line = first + (int64_t)i;
		if (!l->item_ok(item)) {
			rc = store_fail(s, STORE_REJECTED, _("%s dari server rusak (baris %lld)."),
				gettext(l->name), (long long)line);
			break;
		}
		l->bind(st, item, batch, line);
		int step = sqlite3_step(st);
		if (step != SQLITE_DONE)
			rc = store_fail_sql(s, step, l->table);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return rc;
}

/* The total the server announced when the pass began; -1: none (an
 * older server's -1, or a pass begun before the total was kept). */
static int64_t announced_total(struct store *s, const char *prefix)
{
	char k[96], buf[32] = "";
	if (!store_meta_get(s, pull_key(k, sizeof k, prefix, "total"), buf, sizeof buf)
		|| buf[0] == '\0')
		return -1;
	return strtoll(buf, NULL, 10);
}

/* The copy a finished pass made holds what the server announced; else a
 * page went missing (or the server's pages and total disagree), and the
 * copy is not the city's. */
static enum store_status check_whole(struct store *s, const struct store_pull_list *l,
	bool *short_pass)
{
	int64_t total = announced_total(s, l->prefix);
	if (l->held == NULL || total < 0)
		return STORE_OK;
	int64_t held = l->held(s);
	if (held == total)
		return STORE_OK;
	*short_pass = true;
	return store_fail(s, STORE_REJECTED, _("%s dari server tidak lengkap: %lld dari %lld. "
		"Salinan yang lama tetap dipakai; sinkronisasi berikutnya mencoba lagi."),
		gettext(l->name), (long long)held, (long long)total);
}

/* A pass whose pages do not add up is dropped (after its last page was
 * rolled back): resumed, it would only end the same way. */
static void drop_pass(struct store *s, const char *prefix)
{
	char k[96], err[sizeof s->err];
	snprintf(err, sizeof err, "%s", s->err);
	enum store_status rc = store_begin(s);
	if (rc == STORE_OK)
		rc = store_meta_put_int(s, pull_key(k, sizeof k, prefix, "batch"), 0);
	if (rc == STORE_OK)
		rc = store_meta_put(s, pull_key(k, sizeof k, prefix, "cursor"), "");
	store_finish(s, rc);
	snprintf(s->err, sizeof s->err, "%s", err);
}

enum store_status store_pull_page(struct store *s, const struct store_pull_list *l,
	const void *items, size_t n, const char *next_cursor, bool last)
{
	bool short_pass = false;
	char k[96];
	bool journaled = last && l->big_finish && store_journal_mode(s, "truncate");
	enum store_status rc = store_begin(s);
	int64_t batch = 0, received = 0;
	if (rc == STORE_OK) {
		batch = store_meta_int(s, pull_key(k, sizeof k, l->prefix, "batch"));
		received = store_meta_int(s, pull_key(k, sizeof k, l->prefix, "received"));
		if (batch <= 0 || (l->pass_ready != NULL && !l->pass_ready(s)))
			rc = store_fail(s, STORE_REJECTED, "%s", gettext(l->not_begun));
	}
	if (rc == STORE_OK)
		rc = write_items(s, l, items, n, batch, received + 1);
	if (rc == STORE_OK)
		rc = store_meta_put_int(s, pull_key(k, sizeof k, l->prefix, "received"),
			received + (int64_t)n);
	if (rc == STORE_OK)
		rc = store_meta_put(s, pull_key(k, sizeof k, l->prefix, "cursor"),
			last ? "" : next_cursor);
	if (rc == STORE_OK && last)
		rc = l->finish(s, batch);
	if (rc == STORE_OK && last)
		rc = check_whole(s, l, &short_pass);
	if (rc == STORE_OK && last) {
		/* the pass is whole: its snapshot is the one done, no pass open */
		char snapshot[64] = "";
		store_meta_get(s, pull_key(k, sizeof k, l->prefix, "snapshot"), snapshot,
			sizeof snapshot);
		rc = store_meta_put(s, pull_key(k, sizeof k, l->prefix, "done_snapshot"), snapshot);
		if (rc == STORE_OK)
			rc = store_meta_put_int(s, pull_key(k, sizeof k, l->prefix, "batch"), 0);
	}
	rc = store_finish(s, rc);
	if (journaled)
		store_journal_mode(s, "wal");
	if (short_pass)
		drop_pass(s, l->prefix);
	return rc;
}

enum store_status store_pull_begin(struct store *s, const char *prefix, const char *seq_key,
	const char *snapshot, int64_t total, enum store_status (*prepare)(struct store *s))
{
	enum store_status rc = store_begin(s);
	int64_t batch = 0;
	if (rc == STORE_OK && prepare != NULL)
		rc = prepare(s);
	if (rc == STORE_OK) {
		/* a fresh number, never used before (rows of an abandoned pass are
		 * never taken for the new one's) */
		batch = store_meta_int(s, seq_key) + 1;
		rc = store_meta_put_int(s, seq_key, batch);
	}
	if (rc == STORE_OK)
		rc = store_pull_state_begin(s, prefix, batch, snapshot, total);
	return store_finish(s, rc);
}
