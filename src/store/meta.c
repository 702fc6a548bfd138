/* store/meta: small settings kept with the data (cursors, server URL, ...). */
#include "config.h"
#include "store.h"
#include "store_int.h"

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
