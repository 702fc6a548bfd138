/* registry_changes: a new registry replaces the old one as a difference,
 * and the difference is the feed GET /residents/changes reads (issue 14
 * item 4).  The import stages its rows in a temporary table; then, in the
 * import's transaction, every resident that left a kelurahan (removed, or
 * moved to another) and every one added or changed gets an entry, and
 * the residents table is updated in place (an unchanged row keeps its id,
 * so full downloads still page by kelurahan and id). */
#include "config.h"
#include "server.h"
#include "sdb.h"

#include <stdio.h>

/* The feed keeps at most this many entries per resident of the city (and
 * at least REGISTRY_CHANGES_MIN): a laptop further behind downloads its
 * kelurahan whole, which then costs less than the changes. */
#define REGISTRY_CHANGES_SHARE 2        /* 1/2 */
#define REGISTRY_CHANGES_MIN 1024

#define STAGING_CREATE "CREATE TEMP TABLE IF NOT EXISTS incoming(" \
	" nik TEXT PRIMARY KEY, kk TEXT NOT NULL, name TEXT NOT NULL, sex TEXT NOT NULL," \
	" birth_place TEXT NOT NULL, birth_date TEXT NOT NULL, address TEXT NOT NULL," \
	" rt TEXT NOT NULL, rw TEXT NOT NULL, kelurahan TEXT NOT NULL)"
#define STAGING_EMPTY "DELETE FROM incoming;"

/* who left a kelurahan: not in the new registry there */
#define LEFT_SQL "INSERT INTO registry_changes(seq, kelurahan, nik)" \
	" SELECT ?1 + row_number() OVER (ORDER BY r.kelurahan, r.nik), r.kelurahan, r.nik" \
	" FROM residents r WHERE NOT EXISTS (SELECT 1 FROM incoming i" \
	"  WHERE i.nik = r.nik AND i.kelurahan = r.kelurahan)"

/* who is new or different, field by field */
#define CHANGED_SQL "INSERT INTO registry_changes(seq, kelurahan, nik)" \
	" SELECT ?1 + row_number() OVER (ORDER BY i.kelurahan, i.nik), i.kelurahan, i.nik" \
	" FROM incoming i WHERE NOT EXISTS (SELECT 1 FROM residents r WHERE r.nik = i.nik" \
	"  AND r.kk = i.kk AND r.name = i.name AND r.sex = i.sex AND r.birth_place = i.birth_place" \
	"  AND r.birth_date = i.birth_date AND r.address = i.address AND r.rt = i.rt" \
	"  AND r.rw = i.rw AND r.kelurahan = i.kelurahan)"

#define APPLY_SQL "DELETE FROM residents WHERE NOT EXISTS" \
	" (SELECT 1 FROM incoming i WHERE i.nik = residents.nik);" \
	"INSERT INTO residents(nik, kk, name, sex, birth_place, birth_date, address, rt, rw," \
	" kelurahan) SELECT nik, kk, name, sex, birth_place, birth_date, address, rt, rw," \
	" kelurahan FROM incoming WHERE true ON CONFLICT(nik) DO UPDATE SET" \
	" kk = excluded.kk, name = excluded.name, sex = excluded.sex," \
	" birth_place = excluded.birth_place, birth_date = excluded.birth_date," \
	" address = excluded.address, rt = excluded.rt, rw = excluded.rw," \
	" kelurahan = excluded.kelurahan WHERE residents.kk != excluded.kk" \
	" OR residents.name != excluded.name OR residents.sex != excluded.sex" \
	" OR residents.birth_place != excluded.birth_place" \
	" OR residents.birth_date != excluded.birth_date OR residents.address != excluded.address" \
	" OR residents.rt != excluded.rt OR residents.rw != excluded.rw" \
	" OR residents.kelurahan != excluded.kelurahan;" \
	"DROP TABLE incoming;"

const char *const registry_staging_insert_sql =
	"INSERT INTO incoming(nik, kk, name, sex, birth_place, birth_date, address, rt, rw,"
	" kelurahan) VALUES (?,?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING";

bool registry_staging_open(sdb *db)
{
	/* SQLite: keyed by the NIK alone, no rowid beside it */
	return db_exec(db, sdb_is_postgresql(db) ? STAGING_CREATE ";" STAGING_EMPTY
		: STAGING_CREATE " WITHOUT ROWID;" STAGING_EMPTY);
}

/* Entries numbered from *seq + 1 by sql; *seq moves past them. */
static bool add_entries(sdb *db, const char *sql, long long *seq)
{
	sdb_stmt *st;
	if (sdb_prepare(db, sql, -1, &st, NULL) != SDB_OK)
		return false;
	sdb_bind_int64(st, 1, *seq);
	bool ok = sdb_step(st) == SDB_DONE;
	*seq += sdb_changes(db);
	sdb_finalize(st);
	return ok;
}

/* The oldest entries go while the feed is longer than its share of the
 * registry; the floor says where a cursor becomes too old (410). */
static bool prune(sdb *db, long long seq, long long residents)
{
	long long keep = residents / REGISTRY_CHANGES_SHARE;
	if (keep < REGISTRY_CHANGES_MIN)
		keep = REGISTRY_CHANGES_MIN;
	long long floor = seq - keep;
	if (floor <= db_meta_get(db, "registry_floor"))
		return true;
	sdb_stmt *st;
	if (sdb_prepare(db, "DELETE FROM registry_changes WHERE seq <= ?", -1, &st, NULL)
		!= SDB_OK)
		return false;
	sdb_bind_int64(st, 1, floor);
	bool ok = sdb_step(st) == SDB_DONE;
	sdb_finalize(st);
	return ok && db_meta_set(db, "registry_floor", floor);
}

bool registry_staging_apply(sdb *db, long long before, long long after)
{
	long long seq = db_meta_get(db, "registry_seq");
	if (seq < 0)
		return false;
	if (before == 0) {
		/* a first registry: no laptop holds any of it, so the feed starts
		 * here and a cursor from before (an empty copy) downloads whole */
		seq++;
		return db_exec(db, APPLY_SQL) && db_meta_set(db, "registry_seq", seq)
			&& db_meta_set(db, "registry_floor", seq);
	}
	return add_entries(db, LEFT_SQL, &seq) && add_entries(db, CHANGED_SQL, &seq)
		&& db_exec(db, APPLY_SQL) && db_meta_set(db, "registry_seq", seq)
		&& prune(db, seq, after);
}
