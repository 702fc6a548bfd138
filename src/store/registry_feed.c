/* registry_feed: the registry copy kept current by the city's changes
 * (GET /residents/changes, issue 14 item 4) instead of a whole download
 * for each new snapshot.  The cursor is saved only for a copy the city
 * sent whole (a pass, or a copy the server says is current); an entry
 * gives the resident as now, so an entry applied twice, or a cursor older
 * than the copy, changes nothing.  The name index (FTS5 over residents,
 * external content) is told of each row it loses and gains.  While the
 * pages come, a thread copies the WAL back (checkpointer.c): in a keyed
 * profile a third of a change's CPU, on the other core. */
#include "config.h"
#include "store_int.h"
#include "i18n.h"

#include <stdio.h>
#include <string.h>

#define KEY_REGISTRY_CURSOR "sync.residents.registry_cursor"
#define KEY_DONE_SNAPSHOT "sync.residents.done_snapshot"
#define FEED_CACHE_PRAGMA "PRAGMA cache_size = -12288"

/* the cursor's value after a CSV import by hand: that copy is not the
 * city's, the city's changes do not apply to it, and it takes no cursor
 * until a pass replaces it */
#define NOT_THE_CITYS "-"

bool store_sync_registry_cursor(struct store *s, char *buf, size_t len)
{
	if (len > 0)
		buf[0] = '\0';
	if (!store_meta_get(s, KEY_REGISTRY_CURSOR, buf, len) || strcmp(buf, NOT_THE_CITYS) == 0)
		buf[0] = '\0';
	return buf[0] != '\0';
}

enum store_status store_sync_registry_cursor_save(struct store *s, const char *cursor)
{
	return store_meta_put(s, KEY_REGISTRY_CURSOR, cursor);
}

enum store_status store_sync_registry_cursor_adopt(struct store *s, const char *cursor)
{
	char now[64] = "";
	store_meta_get(s, KEY_REGISTRY_CURSOR, now, sizeof now);
	return now[0] == '\0' ? store_meta_put(s, KEY_REGISTRY_CURSOR, cursor) : STORE_OK;
}

enum store_status store_sync_registry_not_the_citys(struct store *s)
{
	return store_meta_put(s, KEY_REGISTRY_CURSOR, NOT_THE_CITYS);
}

/* A page's statements, prepared once for all its items. */
struct feed_statements {
	sqlite3_stmt *held;          /* rowid, name, kelurahan of a NIK */
	sqlite3_stmt *unindex;       /* the name index forgets a row */
	sqlite3_stmt *index;         /* ... and learns one */
	sqlite3_stmt *remove;
	sqlite3_stmt *put;           /* in place when the NIK is held (its rowid kept) */
	sqlite3_stmt *same_kk;       /* a held row whose KK stays: its KK index untouched */
};

static enum store_status prepare_all(struct store *s, struct feed_statements *f)
{
	memset(f, 0, sizeof *f);
	enum store_status rc = store_prepare(s, "SELECT rowid, name, kelurahan, kk FROM residents"
		" WHERE nik = ?", &f->held);
	if (rc == STORE_OK)
		rc = store_prepare(s, "INSERT INTO residents_name (residents_name, rowid, name)"
			" VALUES ('delete', ?, ?)", &f->unindex);
	if (rc == STORE_OK)
		rc = store_prepare(s, "INSERT INTO residents_name (rowid, name) VALUES (?, ?)", &f->index);
	if (rc == STORE_OK)
		rc = store_prepare(s, "DELETE FROM residents WHERE rowid = ?", &f->remove);
	if (rc == STORE_OK)
		rc = store_prepare(s, "INSERT INTO residents (nik, kk, name, sex, birth_place,"
			" birth_date, address, rt, rw, kelurahan) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
			" ON CONFLICT (nik) DO UPDATE SET kk = excluded.kk, name = excluded.name,"
			" sex = excluded.sex, birth_place = excluded.birth_place,"
			" birth_date = excluded.birth_date, address = excluded.address, rt = excluded.rt,"
			" rw = excluded.rw, kelurahan = excluded.kelurahan", &f->put);
	if (rc == STORE_OK)
		rc = store_prepare(s, "UPDATE residents SET name = ?3, sex = ?4, birth_place = ?5,"
			" birth_date = ?6, address = ?7, rt = ?8, rw = ?9, kelurahan = ?10"
			" WHERE rowid = ?11 AND nik = ?1 AND kk = ?2", &f->same_kk);
	return rc;
}

static void finalize_all(struct feed_statements *f)
{
	sqlite3_finalize(f->held);
	sqlite3_finalize(f->unindex);
	sqlite3_finalize(f->index);
	sqlite3_finalize(f->remove);
	sqlite3_finalize(f->put);
	sqlite3_finalize(f->same_kk);
}

/* Steps st (its bindings set) and resets it for the next item. */
static enum store_status step(struct store *s, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? STORE_OK : store_fail_sql(s, rc, what);
}

/* The row held for the NIK (rowid 0: none), its name and kelurahan. */
struct held_row {
	int64_t rowid;
	char name[RECORD_NAME_MAX];
	char kelurahan[16];
	char kk[NIK_LEN + 1];
};

static struct held_row held(struct feed_statements *f, const char *nik)
{
	struct held_row h = { 0, "", "", "" };
	store_bind_text(f->held, 1, nik);
	if (sqlite3_step(f->held) == SQLITE_ROW) {
		h.rowid = sqlite3_column_int64(f->held, 0);
		store_column_text(f->held, 1, h.name, sizeof h.name);
		store_column_text(f->held, 2, h.kelurahan, sizeof h.kelurahan);
		store_column_text(f->held, 3, h.kk, sizeof h.kk);
	}
	sqlite3_reset(f->held);
	return h;
}

static enum store_status name_index(struct store *s, sqlite3_stmt *st, int64_t rowid, const char *name)
{
	sqlite3_bind_int64(st, 1, rowid);
	store_bind_text(st, 2, name);
	return step(s, st, "residents_name");
}

/* Gone from its kelurahan: a copy of the resident in another kelurahan
 * (moved, with an entry of its own) is not this one. */
static enum store_status remove_resident(struct store *s, struct feed_statements *f,
	const struct resident *r)
{
	struct held_row h = held(f, r->nik);
	if (h.rowid == 0 || strcmp(h.kelurahan, r->kelurahan) != 0)
		return STORE_OK;
	enum store_status rc = name_index(s, f->unindex, h.rowid, h.name);
	if (rc != STORE_OK)
		return rc;
	sqlite3_bind_int64(f->remove, 1, h.rowid);
	return step(s, f->remove, "residents");
}

static enum store_status put_resident(struct store *s, struct feed_statements *f,
	const struct resident *r)
{
	struct held_row h = held(f, r->nik);
	/* the name index and the KK index are written only where they change:
	 * a change is mostly one field (a name, an address), and an index
	 * entry written again as it was still costs a scattered page (a 1 %
	 * change of 2,000,000 residents: 2.7 s with the KK rewritten, 1.35 s
	 * without) */
	bool is_held = h.rowid != 0;
	bool same_name = is_held && strcmp(h.name, r->name) == 0;
	enum store_status rc = STORE_OK;
	if (is_held && !same_name)
		rc = name_index(s, f->unindex, h.rowid, h.name);
	sqlite3_stmt *st = is_held && strcmp(h.kk, r->kk) == 0 ? f->same_kk : f->put;
	for (int i = 0; rc == STORE_OK && i < REGISTRY_FIELD_COUNT; i++)
		store_bind_text(st, i + 1, registry_field_value(r, (enum registry_field)i));
	if (st == f->same_kk)
		sqlite3_bind_int64(st, REGISTRY_FIELD_COUNT + 1, h.rowid);
	if (rc == STORE_OK)
		rc = step(s, st, "residents");
	if (rc == STORE_OK && !is_held)
		h.rowid = sqlite3_last_insert_rowid(s->db);
	return rc == STORE_OK && !same_name ? name_index(s, f->index, h.rowid, r->name) : rc;
}

enum store_status store_sync_registry_page(struct store *s, const struct store_registry_change *items,
	size_t n, const char *next_cursor, const char *snapshot, bool last)
{
	struct feed_statements f = { NULL, NULL, NULL, NULL, NULL, NULL };
	/* each change touches the rows, the NIK index and the name index at
	 * scattered places of a registry of millions: the import's page cache
	 * for the feed (within the import's memory bound), the usual after */
	sqlite3_exec(s->db, FEED_CACHE_PRAGMA, NULL, NULL, NULL);
	store_checkpointer_start(s);
	store_checkpointer_pace(s);
	/* The page's commit is not synced: the city's rows with their cursor,
	 * all or nothing as ever, and a power cut that takes the last pages
	 * back takes their cursor with them (the next sync asks again).  The
	 * WAL is synced before any of it reaches the database (the
	 * checkpoint's own sync) and by the next synced commit; everything
	 * else of this connection, the clerk's work above all, is synced as
	 * before (restored below).  With the checkpointer's syncs beside the
	 * writer's, a 1 % change of 2,000,000 by hand: 0.73-0.81 s against
	 * 0.82-0.96 s synced. */
	sqlite3_exec(s->db, "PRAGMA synchronous = NORMAL", NULL, NULL, NULL);
	enum store_status rc = store_begin(s);
	if (rc == STORE_OK)
		rc = prepare_all(s, &f);
	for (size_t i = 0; rc == STORE_OK && i < n; i++) {
		const struct store_registry_change *c = &items[i];
		if (!c->removed && registry_check(&c->resident, REGISTRY_ANY_DAY).problem != REGISTRY_OK)
			rc = store_fail(s, STORE_REJECTED, _("Data penduduk dari server rusak (NIK %s)."),
				c->resident.nik);
		else
			rc = c->removed ? remove_resident(s, &f, &c->resident)
				: put_resident(s, &f, &c->resident);
	}
	finalize_all(&f);
	if (rc == STORE_OK)
		rc = store_meta_put(s, KEY_REGISTRY_CURSOR, next_cursor);
	/* the copy is as current as the snapshot the feed answered at */
	if (rc == STORE_OK && last && snapshot[0] != '\0')
		rc = store_meta_put(s, KEY_DONE_SNAPSHOT, snapshot);
	rc = store_finish(s, rc);
	sqlite3_exec(s->db, STORE_SYNCHRONOUS_PRAGMA, NULL, NULL, NULL);
	if (last || rc != STORE_OK) {
		sqlite3_exec(s->db, STORE_USUAL_CACHE_PRAGMA, NULL, NULL, NULL);
		store_checkpointer_stop(s);
	}
	return rc;
}

void store_sync_registry_end(struct store *s)
{
	if (s != NULL)
		store_checkpointer_stop(s);
}
