/* store/schema: the schema as forward migrations, run at open.  The
 * version is PRAGMA user_version; application_id marks the file as ours. */
#include "config.h"
#include "store.h"
#include "store_int.h"
#include "i18n.h"

#include <stdio.h>

/* "SIGA": marks the file as ours, so a stray database is never migrated. */
#define STORE_APPLICATION_ID 0x53494741

/* Forward migrations: migrations[i] takes user_version i to i + 1.  Never
 * edit a step that has shipped; add a new one. */
static const char *const migrations[] = {
	/* 1: the first schema */
	"CREATE TABLE residents ("
	"  nik TEXT PRIMARY KEY NOT NULL CHECK (length(nik) = 16),"
	"  kk TEXT NOT NULL,"
	"  name TEXT NOT NULL,"
	"  sex TEXT NOT NULL DEFAULT '',"
	"  birth_place TEXT NOT NULL DEFAULT '',"
	"  birth_date TEXT NOT NULL DEFAULT '',"
	"  address TEXT NOT NULL DEFAULT '',"
	"  rt TEXT NOT NULL DEFAULT '',"
	"  rw TEXT NOT NULL DEFAULT '',"
	"  kelurahan TEXT NOT NULL,"
	/* which import wrote the row and from which line: finds duplicates
	 * inside one file without a second index */
	"  import_batch INTEGER NOT NULL DEFAULT 0,"
	"  import_line INTEGER NOT NULL DEFAULT 0"
	");"
	"CREATE INDEX residents_kk ON residents (kk);"

	"CREATE TABLE records ("
	"  uuid TEXT PRIMARY KEY NOT NULL CHECK (length(uuid) = 36),"
	"  nik TEXT NOT NULL,"
	"  in_registry INTEGER NOT NULL DEFAULT 0,"
	"  name TEXT NOT NULL DEFAULT '',"
	"  address TEXT NOT NULL DEFAULT '',"
	"  kelurahan TEXT NOT NULL DEFAULT '',"
	"  kk TEXT NOT NULL DEFAULT '',"
	"  decision TEXT NOT NULL DEFAULT '',"
	"  reason TEXT NOT NULL DEFAULT '',"
	"  reason_text TEXT NOT NULL DEFAULT '',"
	"  notes TEXT NOT NULL DEFAULT '',"
	"  lat REAL,"
	"  lon REAL,"
	"  coord_source TEXT NOT NULL DEFAULT '',"
	"  coord_reason TEXT NOT NULL DEFAULT '',"
	"  operator TEXT NOT NULL DEFAULT '',"
	"  supersedes TEXT REFERENCES records (uuid),"
	"  state TEXT NOT NULL DEFAULT 'draft',"
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL,"
	"  finalised_at INTEGER,"
	"  server_message TEXT NOT NULL DEFAULT ''"
	");"
	"CREATE INDEX records_nik ON records (nik);"
	"CREATE INDEX records_kk ON records (kk);"
	"CREATE INDEX records_state ON records (state);"
	"CREATE INDEX records_updated ON records (updated_at);"
	"CREATE INDEX records_supersedes ON records (supersedes);"

	"CREATE TABLE record_photos ("
	"  uuid TEXT NOT NULL REFERENCES records (uuid) ON DELETE CASCADE,"
	"  kind TEXT NOT NULL CHECK (kind IN ('ktp', 'kk', 'rumah')),"
	"  sha256 TEXT NOT NULL CHECK (length(sha256) = 64),"
	"  size INTEGER NOT NULL CHECK (size > 0),"
	"  has_gps INTEGER NOT NULL DEFAULT 0,"
	"  lat REAL,"
	"  lon REAL,"
	"  taken_at TEXT NOT NULL DEFAULT '',"
	"  original_name TEXT NOT NULL DEFAULT '',"
	"  PRIMARY KEY (uuid, kind)"
	") WITHOUT ROWID;"
	"CREATE INDEX record_photos_sha256 ON record_photos (sha256);"

	/* The sync engine's queue: a row exists from the moment a record is
	 * final until the server has answered for it for good.  A crash at any
	 * step leaves the row, so the record is simply sent again (the server
	 * dedupes by uuid). */
	"CREATE TABLE outbox ("
	"  uuid TEXT PRIMARY KEY NOT NULL REFERENCES records (uuid),"
	"  state TEXT NOT NULL DEFAULT 'pending',"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  next_attempt_at INTEGER NOT NULL DEFAULT 0,"
	"  last_error TEXT NOT NULL DEFAULT '',"
	"  queued_at INTEGER NOT NULL"
	") WITHOUT ROWID;"
	"CREATE INDEX outbox_due ON outbox (next_attempt_at);"

	"CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL) WITHOUT ROWID;"

	/* A final record is frozen in the database itself, whatever code runs:
	 * only its state, server message and updated_at may still move. */
	"CREATE TRIGGER records_frozen_update BEFORE UPDATE ON records"
	" WHEN OLD.state <> 'draft' AND (NEW.state = 'draft'"
	"  OR NEW.uuid IS NOT OLD.uuid OR NEW.nik IS NOT OLD.nik"
	"  OR NEW.in_registry IS NOT OLD.in_registry OR NEW.name IS NOT OLD.name"
	"  OR NEW.address IS NOT OLD.address OR NEW.kelurahan IS NOT OLD.kelurahan"
	"  OR NEW.kk IS NOT OLD.kk OR NEW.decision IS NOT OLD.decision"
	"  OR NEW.reason IS NOT OLD.reason OR NEW.reason_text IS NOT OLD.reason_text"
	"  OR NEW.notes IS NOT OLD.notes OR NEW.lat IS NOT OLD.lat OR NEW.lon IS NOT OLD.lon"
	"  OR NEW.coord_source IS NOT OLD.coord_source OR NEW.coord_reason IS NOT OLD.coord_reason"
	"  OR NEW.operator IS NOT OLD.operator OR NEW.supersedes IS NOT OLD.supersedes"
	"  OR NEW.created_at IS NOT OLD.created_at OR NEW.finalised_at IS NOT OLD.finalised_at)"
	" BEGIN SELECT RAISE(ABORT, 'sigacor: frozen record'); END;"
	"CREATE TRIGGER records_frozen_delete BEFORE DELETE ON records"
	" WHEN OLD.state <> 'draft'"
	" BEGIN SELECT RAISE(ABORT, 'sigacor: frozen record'); END;"
	"CREATE TRIGGER record_photos_frozen_insert BEFORE INSERT ON record_photos"
	" WHEN (SELECT state FROM records WHERE uuid = NEW.uuid) <> 'draft'"
	" BEGIN SELECT RAISE(ABORT, 'sigacor: frozen record'); END;"
	"CREATE TRIGGER record_photos_frozen_update BEFORE UPDATE ON record_photos"
	" WHEN (SELECT state FROM records WHERE uuid = OLD.uuid) <> 'draft'"
	" BEGIN SELECT RAISE(ABORT, 'sigacor: frozen record'); END;"
	"CREATE TRIGGER record_photos_frozen_delete BEFORE DELETE ON record_photos"
	" WHEN (SELECT state FROM records WHERE uuid = OLD.uuid) <> 'draft'"
	" BEGIN SELECT RAISE(ABORT, 'sigacor: frozen record'); END;",

	/* 2: the households assigned for verification (GET /candidates).  A
	 * household may be in several programs: one row per (nik, program).
	 * batch: the download pass that wrote the row; a finished pass removes
	 * the rows of earlier ones. */
	"CREATE TABLE candidates ("
	"  nik TEXT NOT NULL CHECK (length(nik) = 16),"
	"  program TEXT NOT NULL DEFAULT '',"
	"  kk TEXT NOT NULL,"
	"  kelurahan TEXT NOT NULL,"
	"  batch INTEGER NOT NULL DEFAULT 0,"
	"  PRIMARY KEY (nik, program)"
	") WITHOUT ROWID;"
	"CREATE INDEX candidates_batch ON candidates (batch);",

	/* 3: a photo is kept as a smaller copy (doc/PHOTOS.md); the row keeps
	 * what the clerk picked, so a reviewer can still ask for it */
	"ALTER TABLE record_photos ADD COLUMN original_sha256 TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE record_photos ADD COLUMN original_size INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE record_photos ADD COLUMN original_width INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE record_photos ADD COLUMN original_height INTEGER NOT NULL DEFAULT 0;",

	/* 4: a resident found by name when the NIK is not known: an FTS5
	 * index of the names over the residents table (its rowid), case- and
	 * accent-insensitive.  Rebuilt whole at the end of each import and
	 * each registry download (residents.c, sync_store.c): one pass over
	 * the table is far cheaper than a trigger per row.  Prefix indexes of
	 * 2-4 letters: "sri"* is read from one, not merged from every word
	 * starting so (p99 9 ms instead of 80 ms among 2,000,000 residents,
	 * doc/BENCHMARKS.md). */
	"CREATE VIRTUAL TABLE residents_name USING fts5 (name, content = 'residents',"
	"  content_rowid = 'rowid', tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3 4');"
	"INSERT INTO residents_name (residents_name) VALUES ('rebuild');",

	/* 5: the operator the city assigned each household to (GET
	 * /candidates' assigned_to; "" for nobody or an older server) */
	"ALTER TABLE candidates ADD COLUMN assigned_to TEXT NOT NULL DEFAULT '';",

	/* 6: where the clerk's phone was when it uploaded a photo without GPS
	 * to the photo inbox, by the photo's hash (phone.c) */
	"CREATE TABLE phone_positions ("
	"  sha256 TEXT PRIMARY KEY,"
	"  lat REAL NOT NULL,"
	"  lon REAL NOT NULL,"
	"  accuracy_m REAL NOT NULL"
	") WITHOUT ROWID;",

	/* 7: the city's reviews of this laptop's records, each kept by its
	 * server id (a history: a later review never replaces an earlier one),
	 * and the review a correction answers (frozen with the record) */
	"CREATE TABLE reviews ("
	"  id INTEGER PRIMARY KEY,"
	"  uuid TEXT NOT NULL REFERENCES records (uuid),"
	"  outcome TEXT NOT NULL CHECK (outcome IN ('confirmed', 'rejected', 'revisit')),"
	"  note TEXT NOT NULL DEFAULT '',"
	"  reviewer TEXT NOT NULL DEFAULT '',"
	"  at INTEGER NOT NULL DEFAULT 0"
	");"
	"CREATE INDEX reviews_uuid ON reviews (uuid, id);"
	"ALTER TABLE records ADD COLUMN answers_review INTEGER NOT NULL DEFAULT 0;"
	"CREATE TRIGGER records_answers_frozen BEFORE UPDATE OF answers_review ON records"
	" WHEN OLD.state <> 'draft' AND NEW.answers_review IS NOT OLD.answers_review"
	" BEGIN SELECT RAISE(ABORT, 'sigacor: frozen record'); END;",

	/* 8: the photos of records the server took before them (outbox.c,
	 * doc/PROTOCOL.md "Records before their photos"), one row each until
	 * the server holds it */
	"CREATE TABLE photo_queue ("
	"  uuid TEXT NOT NULL REFERENCES records (uuid) ON DELETE CASCADE,"
	"  kind TEXT NOT NULL CHECK (kind IN ('ktp', 'kk', 'rumah')),"
	"  sha256 TEXT NOT NULL CHECK (length(sha256) = 64),"
	"  size INTEGER NOT NULL,"
	"  PRIMARY KEY (uuid, kind)"
	") WITHOUT ROWID;",

	/* 9: less to lose (issue 12): when the server accepted a record, when
	 * it was purged (purge.c: its personal fields emptied, its photo rows
	 * gone), and the photo files a purge still has to remove.  The frozen
	 * record lets a purge through, and nothing else: only once, only for
	 * a record the server holds, only emptying.  accepted_at of records
	 * accepted before this version: their last change, the best guess. */
	"ALTER TABLE records ADD COLUMN accepted_at INTEGER;"
	"ALTER TABLE records ADD COLUMN purged_at INTEGER;"
	"UPDATE records SET accepted_at = updated_at WHERE state IN ('accepted', 'flagged');"
	"CREATE TABLE purge_files (sha256 TEXT PRIMARY KEY NOT NULL) WITHOUT ROWID;"
	"DROP TRIGGER records_frozen_update;"
	"CREATE TRIGGER records_frozen_update BEFORE UPDATE ON records"
	" WHEN OLD.state <> 'draft' AND (NEW.state = 'draft'"
	"  OR NEW.uuid IS NOT OLD.uuid OR NEW.nik IS NOT OLD.nik"
	"  OR NEW.in_registry IS NOT OLD.in_registry OR NEW.kelurahan IS NOT OLD.kelurahan"
	"  OR NEW.kk IS NOT OLD.kk OR NEW.decision IS NOT OLD.decision"
	"  OR NEW.reason IS NOT OLD.reason OR NEW.coord_source IS NOT OLD.coord_source"
	"  OR NEW.operator IS NOT OLD.operator OR NEW.supersedes IS NOT OLD.supersedes"
	"  OR NEW.created_at IS NOT OLD.created_at OR NEW.finalised_at IS NOT OLD.finalised_at"
	"  OR (NEW.purged_at IS NOT OLD.purged_at AND (OLD.purged_at IS NOT NULL"
	"   OR OLD.state NOT IN ('accepted', 'flagged')"
	"   OR NEW.name <> '' OR NEW.address <> '' OR NEW.reason_text <> '' OR NEW.notes <> ''"
	"   OR NEW.lat IS NOT NULL OR NEW.lon IS NOT NULL OR NEW.coord_reason <> ''))"
	"  OR (NEW.purged_at IS OLD.purged_at AND (NEW.name IS NOT OLD.name"
	"   OR NEW.address IS NOT OLD.address OR NEW.reason_text IS NOT OLD.reason_text"
	"   OR NEW.notes IS NOT OLD.notes OR NEW.lat IS NOT OLD.lat OR NEW.lon IS NOT OLD.lon"
	"   OR NEW.coord_reason IS NOT OLD.coord_reason)))"
	" BEGIN SELECT RAISE(ABORT, 'sigacor: frozen record'); END;"
	"DROP TRIGGER record_photos_frozen_delete;"
	"CREATE TRIGGER record_photos_frozen_delete BEFORE DELETE ON record_photos"
	" WHEN (SELECT state FROM records WHERE uuid = OLD.uuid) <> 'draft'"
	"  AND (SELECT purged_at FROM records WHERE uuid = OLD.uuid) IS NULL"
	" BEGIN SELECT RAISE(ABORT, 'sigacor: frozen record'); END;",

	/* 10: the kelurahan's shared progress (GET /progress): per NIK, the
	 * outcome of its deciding record at the city and who verified it, by
	 * any operator of the kelurahan; never their records or photos */
	"CREATE TABLE progress ("
	"  nik TEXT PRIMARY KEY NOT NULL CHECK (length(nik) = 16),"
	"  kelurahan TEXT NOT NULL,"
	"  decision TEXT NOT NULL CHECK (decision IN ('layak', 'tidak-layak')),"
	"  reason TEXT NOT NULL DEFAULT '',"
	"  operator TEXT NOT NULL DEFAULT '',"
	"  verified_at INTEGER NOT NULL DEFAULT 0,"
	"  flagged INTEGER NOT NULL DEFAULT 0,"
	"  review TEXT NOT NULL DEFAULT '',"
	"  seq INTEGER NOT NULL DEFAULT 0"
	") WITHOUT ROWID;",

	/* 11: the residents' NIK kept unique by an index of its own, not as
	 * the table's primary key, so a finished registry pull makes its
	 * staged pages the copy by a rename and builds the NIK index once
	 * (sync_store.c) instead of copying every row a second time.  The
	 * rows keep their rowids: the name index (version 4) stays valid.
	 * The columns are STORE_RESIDENTS_COLUMNS (store_int.h), which the
	 * pull's staging table takes too.  A big copy pays the rows' copy
	 * once, here. */
	"CREATE TABLE residents_next (" STORE_RESIDENTS_COLUMNS ");"
	"INSERT INTO residents_next (rowid, nik, kk, name, sex, birth_place, birth_date, address,"
	"  rt, rw, kelurahan, import_batch, import_line)"
	"  SELECT rowid, nik, kk, name, sex, birth_place, birth_date, address, rt, rw, kelurahan,"
	"  import_batch, import_line FROM residents;"
	"DROP TABLE residents;"
	"ALTER TABLE residents_next RENAME TO residents;"
	STORE_RESIDENTS_NIK_INDEX ";" STORE_RESIDENTS_KK_INDEX ";",

	/* 12: the name index (version 4) without the size of each name
	 * (columnsize = 0): it served only FTS5's ranking, which the search
	 * never asks for (it lists matches as the registry holds them), and
	 * it was a row for every resident that every rebuild wrote and every
	 * changed name read and wrote again at a scattered place (a 1 %
	 * change of 2,000,000 residents: 1.30 → 1.03 s; a rebuild 2.5 → 1.3 s,
	 * doc/BENCHMARKS.md).  Rebuilt once here. */
	"DROP TABLE residents_name;"
	"CREATE VIRTUAL TABLE residents_name USING fts5 (name, content = 'residents',"
	"  content_rowid = 'rowid', tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3 4',"
	"  columnsize = 0);"
	"INSERT INTO residents_name (residents_name) VALUES ('rebuild');",
};
#define STORE_SCHEMA_VERSION ((int)(sizeof migrations / sizeof migrations[0]))

static int pragma_int(struct store *s, const char *sql, int *out)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return rc;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*out = sqlite3_column_int(st, 0);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc;
}

/* A database we did not make (another program's file) is never touched. */
static enum store_status check_ours(struct store *s, int version)
{
	int app = 0, tables = 0;
	int rc = pragma_int(s, "PRAGMA application_id", &app);
	if (rc == SQLITE_OK)
		rc = pragma_int(s, "SELECT count(*) FROM sqlite_master", &tables);
	if (rc != SQLITE_OK)
		return store_fail_sql(s, rc, "open");
	if ((app != 0 && app != STORE_APPLICATION_ID) || (version == 0 && tables > 0))
		return store_fail(s, STORE_IO, _("File %s/sigacor.db bukan data sigacor."), s->dir);
	if (version > STORE_SCHEMA_VERSION)
		return store_fail(s, STORE_IO, _("Data di %s dibuat oleh versi sigacor yang lebih "
			"baru (skema %d). Pasang versi terbaru."), s->dir, version);
	return STORE_OK;
}

enum store_status store_migrate(struct store *s)
{
	int version = 0;
	int rc = pragma_int(s, "PRAGMA user_version", &version);
	if (rc != SQLITE_OK)
		return store_fail_sql(s, rc, "user_version");
	enum store_status st = check_ours(s, version);
	if (st != STORE_OK || version == STORE_SCHEMA_VERSION)
		return st;
	if ((st = store_begin(s)) != STORE_OK)
		return st;
	/* read again under the write lock: another process may have migrated */
	rc = pragma_int(s, "PRAGMA user_version", &version);
	if (rc != SQLITE_OK) {
		store_rollback(s);
		return store_fail_sql(s, rc, "user_version");
	}
	for (int v = version; v < STORE_SCHEMA_VERSION; v++) {
		if ((st = store_exec(s, migrations[v])) != STORE_OK) {
			store_rollback(s);
			return st;
		}
	}
	char sql[96];
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d; PRAGMA application_id = %d",
		STORE_SCHEMA_VERSION, STORE_APPLICATION_ID);
	if ((st = store_exec(s, sql)) != STORE_OK) {
		store_rollback(s);
		return st;
	}
	return store_commit(s);
}

