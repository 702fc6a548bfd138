/* migrate_pg: a SQLite data folder's records moved into PostgreSQL, when a
 * kelurahan's or a pilot's server grows into a city's
 * (`use-postgresql CONNINFO --data DIR` on a folder that has server.db).
 *
 * All or nothing: every table is copied (COPY FROM STDIN) in one
 * PostgreSQL transaction, the rows counted against SQLite's, and only
 * after its COMMIT is DIR/database written; server.db is then kept beside
 * as server.db.before-postgresql.  A move stopped anywhere leaves the
 * folder on SQLite (and the database empty, or, stopped between the
 * COMMIT and DIR/database, full: a second move then refuses it and says
 * so).  No serve process may run meanwhile (DIR/serve.lock), and
 * SQLite's write lock is held from the first row read to the end, so
 * nothing written to server.db is left behind.
 *
 * The rows go in as they are: the tables' own triggers (the progress
 * feed) are disabled for the copy, since their tables are copied too;
 * identities continue after the highest id copied (or SQLite's
 * AUTOINCREMENT counter); the meta rows replace those the new schema
 * made. */
#include "config.h"
#include "server.h"
#include "common.h"
#include "sdb.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#define MAX_TABLES 64
#define MAX_COLUMNS 64

struct table {
	char name[64];
	char *columns[MAX_COLUMNS];     /* PostgreSQL's order */
	int n_columns;
	bool copied;
};

struct move {
	sdb *lite, *pg;
	struct table tables[MAX_TABLES];
	int n_tables;
};

static void say_db(sdb *db)
{
	fprintf(stderr, "sigacor-server: %s: %s\n", sdb_backend_name(db), sdb_errmsg(db));
}

static void refuse(const char *what, const char *why)
{
	fprintf(stderr, "sigacor-server: %s: %s\n", what, why);
}

/* the first column of every row of sql (?1 bound to arg when given) */
static int column_list(sdb *db, const char *sql, const char *arg, char **out, int max)
{
	sdb_stmt *st;
	if (sdb_prepare(db, sql, -1, &st, NULL) != SDB_OK)
		return -1;
	if (arg != NULL)
		sdb_bind_text(st, 1, arg, -1, SDB_STATIC);
	int n = 0, rc;
	while ((rc = sdb_step(st)) == SDB_ROW && n < max)
		out[n++] = strdup((const char *)sdb_column_text(st, 0));
	sdb_finalize(st);
	return rc == SDB_DONE ? n : -1;
}

static void free_list(char **list, int n)
{
	for (int i = 0; i < n; i++)
		free(list[i]);
}

static bool same_set(char **a, int na, char **b, int nb, const char **missing)
{
	for (int i = 0; i < na; i++) {
		int j = 0;
		while (j < nb && strcmp(a[i], b[j]) != 0)
			j++;
		if (j == nb) {
			*missing = a[i];
			return false;
		}
	}
	return na == nb;
}

/* both schemas hold the same tables with the same columns */
static bool read_tables(struct move *m)
{
	char *lite[MAX_TABLES], *pg[MAX_TABLES];
	int nl = column_list(m->lite, "SELECT name FROM sqlite_master WHERE type = 'table' "
		"AND name NOT LIKE 'sqlite_%' ORDER BY name", NULL, lite, MAX_TABLES);
	int np = column_list(m->pg, "SELECT table_name FROM information_schema.tables "
		"WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1",
		NULL, pg, MAX_TABLES);
	const char *odd = NULL;
	bool ok = nl > 0 && np > 0 && same_set(lite, nl, pg, np, &odd) && same_set(pg, np, lite, nl, &odd);
	if (!ok && nl > 0 && np > 0)
		refuse(odd != NULL ? odd : "", _("tabel ini tidak ada di kedua basis data"));
	for (int i = 0; ok && i < nl; i++) {
		struct table *t = &m->tables[m->n_tables++];
		snprintf(t->name, sizeof t->name, "%s", lite[i]);
		char *lc[MAX_COLUMNS];
		int nlc = column_list(m->lite, "SELECT name FROM pragma_table_info(?1)", t->name, lc,
			MAX_COLUMNS);
		t->n_columns = column_list(m->pg, "SELECT column_name FROM information_schema.columns "
			"WHERE table_schema = current_schema() AND table_name = ?1 ORDER BY ordinal_position",
			t->name, t->columns, MAX_COLUMNS);
		odd = NULL;
		ok = nlc > 0 && t->n_columns > 0 && same_set(lc, nlc, t->columns, t->n_columns, &odd);
		if (!ok)
			refuse(t->name, _("kolom tabel ini berbeda di SQLite dan PostgreSQL"));
		free_list(lc, nlc > 0 ? nlc : 0);
	}
	free_list(lite, nl > 0 ? nl : 0);
	free_list(pg, np > 0 ? np : 0);
	return ok;
}

/* nothing but the rows its schema made: a folder's records are never
 * mixed into another's */
static bool pg_empty(struct move *m)
{
	for (int i = 0; i < m->n_tables; i++) {
		if (strcmp(m->tables[i].name, "meta") == 0)
			continue;
		char sql[160];
		snprintf(sql, sizeof sql, "SELECT 1 FROM \"%s\" LIMIT 1", m->tables[i].name);
		sdb_stmt *st;
		if (sdb_prepare(m->pg, sql, -1, &st, NULL) != SDB_OK) {
			say_db(m->pg);
			return false;
		}
		int rc = sdb_step(st);
		sdb_finalize(st);
		if (rc == SDB_ROW) {
			refuse(m->tables[i].name, _("basis data PostgreSQL itu sudah berisi data (pemindahan "
				"sebelumnya berhenti setelah menyalin?): pakai basis data kosong"));
			return false;
		}
	}
	return true;
}

/* (parent) tables a table's foreign keys name, in PostgreSQL's catalogue */
static bool parents_copied(struct move *m, const struct table *t, bool *ok)
{
	char *parents[MAX_TABLES];
	int n = column_list(m->pg, "SELECT DISTINCT p.relname FROM pg_constraint c "
		"JOIN pg_class r ON r.oid = c.conrelid JOIN pg_class p ON p.oid = c.confrelid "
		"WHERE c.contype = 'f' AND r.relname = ?1 AND p.relname <> ?1", t->name, parents,
		MAX_TABLES);
	*ok = n >= 0;
	bool all = true;
	for (int i = 0; i < n; i++)
		for (int j = 0; j < m->n_tables; j++)
			if (strcmp(m->tables[j].name, parents[i]) == 0 && !m->tables[j].copied)
				all = false;
	free_list(parents, n > 0 ? n : 0);
	return all;
}

static bool triggers(struct move *m, bool enable)
{
	for (int i = 0; i < m->n_tables; i++) {
		char sql[160];
		snprintf(sql, sizeof sql, "ALTER TABLE \"%s\" %s TRIGGER USER", m->tables[i].name,
			enable ? "ENABLE" : "DISABLE");
		if (!db_exec(m->pg, sql))
			return false;
	}
	return true;
}

/* "a", "b", "c" */
static void column_names(const struct table *t, char *out, size_t cap)
{
	size_t at = 0;
	out[0] = '\0';
	for (int i = 0; i < t->n_columns && at < cap; i++)
		at += (size_t)snprintf(out + at, cap - at, "%s\"%s\"", i > 0 ? ", " : "", t->columns[i]);
}

static bool copy_table(struct move *m, struct table *t)
{
	char cols[4096], sql[4400];
	column_names(t, cols, sizeof cols);
	snprintf(sql, sizeof sql, "SELECT %s FROM \"%s\"", cols, t->name);
	sdb_stmt *st;
	if (sdb_prepare(m->lite, sql, -1, &st, NULL) != SDB_OK) {
		say_db(m->lite);
		return false;
	}
	snprintf(sql, sizeof sql, "COPY \"%s\" (%s) FROM STDIN", t->name, cols);
	bool ok = sdb_pg_copy_begin(m->pg, sql);
	long long read = 0, taken = -1;
	int rc = SDB_DONE;
	const char *values[MAX_COLUMNS];
	while (ok && (rc = sdb_step(st)) == SDB_ROW) {
		for (int i = 0; i < t->n_columns; i++)
			values[i] = (const char *)sdb_column_text(st, i);
		ok = sdb_pg_copy_row(m->pg, values, t->n_columns);
		read++;
	}
	sdb_finalize(st);
	if (rc != SDB_DONE) {
		say_db(m->lite);
		ok = false;
	}
	/* ended even after a failure, so that the connection can roll back */
	ok = sdb_pg_copy_end(m->pg, &taken) && ok;
	if (!ok) {
		say_db(m->pg);
		return false;
	}
	if (taken != read) {
		refuse(t->name, _("jumlah baris yang disalin tidak sama"));
		return false;
	}
	printf("  %-22s %lld\n", t->name, read);
	t->copied = true;
	return true;
}

/* meta: SQLite's rows over those the new schema made */
static bool copy_meta(struct move *m)
{
	sdb_stmt *from, *to;
	if (sdb_prepare(m->lite, "SELECT key, value FROM meta WHERE key <> 'schema_version'", -1,
		&from, NULL) != SDB_OK)
		return false;
	if (sdb_prepare(m->pg, "INSERT INTO meta(key, value) VALUES (?1, ?2) "
		"ON CONFLICT (key) DO UPDATE SET value = excluded.value", -1, &to, NULL) != SDB_OK) {
		sdb_finalize(from);
		return false;
	}
	int rc;
	bool ok = true;
	while (ok && (rc = sdb_step(from)) == SDB_ROW) {
		sdb_bind_text(to, 1, (const char *)sdb_column_text(from, 0), -1, SDB_TRANSIENT);
		sdb_bind_int64(to, 2, sdb_column_int64(from, 1));
		ok = sdb_step(to) == SDB_DONE;
		sdb_reset(to);
	}
	sdb_finalize(from);
	sdb_finalize(to);
	for (int i = 0; i < m->n_tables; i++)
		if (strcmp(m->tables[i].name, "meta") == 0)
			m->tables[i].copied = true;
	return ok;
}

/* the tables in an order their foreign keys accept */
static bool copy_all(struct move *m)
{
	if (!copy_meta(m)) {
		say_db(m->pg);
		return false;
	}
	for (int done = 1; done < m->n_tables;) {
		int before = done;
		for (int i = 0; i < m->n_tables; i++) {
			struct table *t = &m->tables[i];
			bool ok = true;
			if (t->copied || !parents_copied(m, t, &ok)) {
				if (!ok)
					return false;
				continue;
			}
			if (!copy_table(m, t))
				return false;
			done++;
		}
		if (done == before) {
			refuse("PostgreSQL", _("urutan kunci asing antartabel tidak bisa dipenuhi"));
			return false;
		}
	}
	return true;
}

/* SQLite's AUTOINCREMENT counter of a table (0: none) */
static long long sqlite_sequence(sdb *lite, const char *table)
{
	sdb_stmt *st;
	long long v = 0;
	if (sdb_prepare(lite, "SELECT seq FROM sqlite_sequence WHERE name = ?1", -1, &st, NULL)
		!= SDB_OK)
		return 0;       /* no AUTOINCREMENT table at all */
	sdb_bind_text(st, 1, table, -1, SDB_STATIC);
	if (sdb_step(st) == SDB_ROW)
		v = sdb_column_int64(st, 0);
	sdb_finalize(st);
	return v;
}

/* every identity continues after the highest id it was given */
static bool identities(struct move *m)
{
	char *cols[MAX_TABLES];
	int n = column_list(m->pg, "SELECT table_name || '.' || column_name FROM "
		"information_schema.columns WHERE table_schema = current_schema() "
		"AND is_identity = 'YES'", NULL, cols, MAX_TABLES);
	bool ok = n >= 0;
	for (int i = 0; ok && i < n; i++) {
		char *dot = strchr(cols[i], '.'), sql[400];
		*dot = '\0';
		snprintf(sql, sizeof sql, "SELECT setval(pg_get_serial_sequence(?1, ?2), "
			"greatest((SELECT max(\"%s\") FROM \"%s\"), ?3, 1), "
			"(SELECT count(*) FROM \"%s\") > 0 OR ?3 > 0)", dot + 1, cols[i], cols[i]);
		sdb_stmt *st;
		ok = sdb_prepare(m->pg, sql, -1, &st, NULL) == SDB_OK;
		if (ok) {
			sdb_bind_text(st, 1, cols[i], -1, SDB_STATIC);
			sdb_bind_text(st, 2, dot + 1, -1, SDB_STATIC);
			sdb_bind_int64(st, 3, sqlite_sequence(m->lite, cols[i]));
			ok = sdb_step(st) == SDB_ROW;
			sdb_finalize(st);
		}
	}
	free_list(cols, n > 0 ? n : 0);
	return ok;
}

/* One transaction on each side: SQLite's write lock keeps its writers
 * out, PostgreSQL's holds every row until the COMMIT. */
static bool move_rows(struct move *m)
{
	if (!db_begin(m->lite)) {
		say_db(m->lite);
		return false;
	}
	bool ok = db_begin(m->pg) && read_tables(m) && pg_empty(m) && triggers(m, false)
		&& copy_all(m) && triggers(m, true) && identities(m);
	if (ok && !db_commit(m->pg))
		ok = false;
	if (!ok) {
		if (sdb_errmsg(m->pg)[0] != '\0')
			say_db(m->pg);
		db_rollback(m->pg);
	}
	db_rollback(m->lite);       /* it only read */
	for (int i = 0; i < m->n_tables; i++)
		free_list(m->tables[i].columns, m->tables[i].n_columns > 0 ? m->tables[i].n_columns : 0);
	return ok;
}

int db_dir_lock(const char *dir, bool alone)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/serve.lock", dir);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		perror(path);
		return -1;
	}
	if (flock(fd, (alone ? LOCK_EX : LOCK_SH) | LOCK_NB) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* server.db and its WAL files kept beside under their new name */
static bool set_aside(const char *dir)
{
	static const char *const suffix[] = { "", "-wal", "-shm" };
	for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
		char from[4096], to[4200];
		snprintf(from, sizeof from, "%s/server.db%s", dir, suffix[i]);
		snprintf(to, sizeof to, "%s/server.db.before-postgresql%s", dir, suffix[i]);
		if (rename(from, to) != 0 && errno != ENOENT) {
			perror(from);
			return false;
		}
	}
	return common_fsync_dir(dir);
}

int db_pg_move_from_sqlite(const char *dir, const char *conninfo)
{
	int lock = db_dir_lock(dir, true);
	if (lock < 0) {
		refuse(dir, _("server masih berjalan pada folder ini; hentikan dulu"));
		return 1;
	}
	struct move m = { .lite = db_open(dir) };
	if (m.lite == NULL || sdb_is_postgresql(m.lite)) {
		sdb_close(m.lite);
		close(lock);
		return 1;
	}
	m.pg = db_pg_open(conninfo, DB_SCHEMA_VERSION);
	printf(_("memindahkan rekaman %s/server.db ke PostgreSQL:\n"), dir);
	bool ok = m.pg != NULL && move_rows(&m);
	sdb_close(m.pg);
	sdb_close(m.lite);
	if (!ok || !db_pg_save_conninfo(dir, conninfo)) {
		close(lock);
		fprintf(stderr, "sigacor-server: %s\n",
			_("pemindahan dibatalkan; folder data tetap memakai SQLite"));
		return 1;
	}
	ok = set_aside(dir);
	close(lock);
	if (!ok) {
		/* DIR/database is written: the folder is PostgreSQL's already */
		fprintf(stderr, "sigacor-server: %s\n", _("folder data memakai PostgreSQL, tetapi "
			"server.db tidak bisa diganti namanya; pindahkan sendiri (tidak dipakai lagi)"));
		return 1;
	}
	printf(_("folder data %s memakai PostgreSQL (skema versi %d); server.db lama disimpan "
		"sebagai server.db.before-postgresql\n"), dir, DB_SCHEMA_VERSION);
	return 0;
}
