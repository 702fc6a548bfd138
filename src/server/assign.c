/* assign: the city hands households (by KK) to operators, not only
 * kelurahan to operators.  `assign OPERATOR --kelurahan K [--rw RW] [--rt RT]`
 * or `assign OPERATOR --kk-file FILE`; `reassign --from A --to B` moves what
 * A has not verified yet (a clerk off sick).  The candidates download
 * carries the assignee of each household (doc/PROTOCOL.md). */
#include "config.h"
#include "server.h"
#include "admin_int.h"
#include "i18n.h"
#include "nik.h"
#include "sdb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const assign_commands_help = N_(
"Penugasan rumah tangga ke petugas:\n"
"  assign PETUGAS --kelurahan KODE [--rw RW] [--rt RT] --data FOLDER\n"
"        rumah tangga sasaran kelurahan itu (RW/RT itu) ditugaskan ke petugas\n"
"  assign PETUGAS --kk-file BERKAS --data FOLDER\n"
"        nomor KK dari berkas (satu per baris) ditugaskan ke petugas\n"
"  reassign --from PETUGAS --to PETUGAS --data FOLDER\n"
"        pindahkan rumah tangga yang belum diverifikasi (petugas sakit); yang\n"
"        sudah diverifikasi tetap pada petugas pertama\n");

/* A household is done once any record names one of its candidates: it
 * stays with whoever did it. */
#define HOUSEHOLD_DONE "EXISTS (SELECT 1 FROM candidates c JOIN verifications v ON v.nik = c.nik " \
	"WHERE c.kk = a.kk)"

/* active: a disabled operator does not count (one to give work to) */
static long long operator_id(sdb *db, const char *name, bool active)
{
	sdb_stmt *st;
	long long id = -1;
	if (sdb_prepare(db, "SELECT id FROM operators WHERE name = ?1 AND (?2 = 0 OR disabled = 0)",
		-1, &st, NULL) != SDB_OK)
		return -1;
	sdb_bind_text(st, 1, name, -1, SDB_STATIC);
	sdb_bind_int(st, 2, active);
	if (sdb_step(st) == SDB_ROW)
		id = sdb_column_int64(st, 0);
	sdb_finalize(st);
	if (id < 0)
		fprintf(stderr, "sigacor-server: %s: %s\n", name, _("petugas tidak ada atau nonaktif"));
	return id;
}

/* "7" and "007" are the same RT/RW; "" matches every one. */
static bool section_arg(const char *text, char out[4])
{
	out[0] = '\0';
	if (text == NULL)
		return true;
	char *end;
	long v = strtol(text, &end, 10);
	if (*text == '\0' || *end != '\0' || v < 1 || v > 999)
		return false;
	snprintf(out, 4, "%03ld", v);
	return true;
}

/* Run one statement with text parameters (NULL binds nothing); the rows it
 * changed, -1 on failure. */
static long long run(sdb *db, const char *sql, const char *const *params, int n)
{
	sdb_stmt *st;
	if (sdb_prepare(db, sql, -1, &st, NULL) != SDB_OK) {
		fprintf(stderr, "sigacor-server: %s\n", sdb_errmsg(db));
		return -1;
	}
	for (int i = 0; i < n; i++)
		if (params[i] != NULL)
			sdb_bind_text(st, i + 1, params[i], -1, SDB_STATIC);
	int rc = sdb_step(st);
	sdb_finalize(st);
	return rc == SDB_DONE ? sdb_changes64(db) : -1;
}

/* The households of one kelurahan (optionally one RW, one RT: the section
 * of the candidate's registry row) go to the operator. */
static long long assign_section(sdb *db, const char *op, const struct admin_options *o)
{
	char rw[4], rt[4];
	if (!section_arg(o->rw, rw) || !section_arg(o->rt, rt)) {
		fprintf(stderr, "sigacor-server: %s\n", _("--rw dan --rt: angka 1-999"));
		return -1;
	}
	const char *params[] = { op, o->kelurahan, rw, rt };
	return run(db, "INSERT INTO assignments(kk, operator_id, assigned_at) "
		"SELECT DISTINCT c.kk, (SELECT id FROM operators WHERE name = ?1), unixepoch() "
		"FROM candidates c LEFT JOIN residents r ON r.nik = c.nik WHERE c.kelurahan = ?2 "
		"AND (?3 = '' OR r.rw = ?3) AND (?4 = '' OR r.rt = ?4) "
		"AND c.kelurahan IN (SELECT kelurahan FROM operator_kelurahan k JOIN operators p "
		"ON p.id = k.operator_id WHERE p.name = ?1) "
		"ON CONFLICT(kk) DO UPDATE SET operator_id = excluded.operator_id, "
		"assigned_at = excluded.assigned_at", params, 4);
}

/* One KK a line (a header "kk", blank lines and spaces are allowed); a KK
 * that is no candidate household of the operator's kelurahan is named and
 * nothing is assigned. */
static long long assign_file(sdb *db, const char *op, const char *path)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	if (f == NULL) {
		perror(path);
		return -1;
	}
	char line[256], kk[NIK_LEN + 1];
	long n = 0, bad = 0;
	long long total = 0;
	while (fgets(line, sizeof line, f) != NULL) {
		n++;
		size_t k = 0;
		for (const char *p = line; *p != '\0' && k <= NIK_LEN; p++)
			if (*p >= '0' && *p <= '9')
				kk[k++] = *p;
			else if (*p != ' ' && *p != '\r' && *p != '\n' && *p != ',' && *p != '"')
				k = NIK_LEN + 1;    /* letters: a header or a broken line */
		if (k == 0)
			continue;
		if (k != NIK_LEN) {
			if (n > 1 || strstr(line, "kk") == NULL) {
				fprintf(stderr, _("baris %ld: bukan nomor KK 16 angka\n"), n);
				bad++;
			}
			continue;
		}
		kk[NIK_LEN] = '\0';
		const char *params[] = { op, kk };
		long long done = run(db, "INSERT INTO assignments(kk, operator_id, assigned_at) "
			"SELECT DISTINCT c.kk, p.id, unixepoch() FROM candidates c "
			"JOIN operator_kelurahan k ON k.kelurahan = c.kelurahan "
			"JOIN operators p ON p.id = k.operator_id AND p.name = ?1 WHERE c.kk = ?2 "
			"ON CONFLICT(kk) DO UPDATE SET operator_id = excluded.operator_id, "
			"assigned_at = excluded.assigned_at", params, 2);
		if (done < 0)
			return -1;
		if (done == 0) {
			fprintf(stderr, _("baris %ld: KK %s bukan rumah tangga sasaran di kelurahan "
				"petugas ini\n"), n, kk);
			bad++;
		}
		total += done;
	}
	if (f != stdin)
		fclose(f);
	if (bad > 0) {
		fprintf(stderr, _("%ld baris bermasalah; tidak ada yang ditugaskan\n"), bad);
		return -1;
	}
	return total;
}

int admin_assign(int argc, char **argv)
{
	struct admin_options o;
	if (!admin_parse(argc, argv, 1, &o))
		return 2;
	if ((o.kelurahan == NULL) == (o.kk_file == NULL)) {
		fprintf(stderr, "sigacor-server: %s\n",
			_("pilih salah satu: --kelurahan K [--rw RW] [--rt RT] atau --kk-file BERKAS"));
		return 2;
	}
	sdb *db = admin_open(o.dir, false);
	if (db == NULL)
		return 1;
	if (operator_id(db, o.arg, true) < 0)
		return admin_finish(db, 1);
	if (!db_begin(db))
		return admin_finish(db, 1);
	long long n = o.kk_file != NULL ? assign_file(db, o.arg, o.kk_file)
		: assign_section(db, o.arg, &o);
	/* the clients see the new assignee at their next candidates download */
	if (n < 0 || !db_meta_set(db, "candidates_snapshot", db_meta_get(db, "candidates_snapshot") + 1)
		|| !db_commit(db)) {
		db_rollback(db);
		return admin_finish(db, 1);
	}
	printf(_("%lld rumah tangga ditugaskan ke %s\n"), n, o.arg);
	if (n == 0 && o.kelurahan != NULL)
		fprintf(stderr, _("tidak ada rumah tangga sasaran di %s (RW/RT itu) dalam kelurahan "
			"petugas %s\n"), o.kelurahan, o.arg);
	return admin_finish(db, 0);
}

int admin_reassign(int argc, char **argv)
{
	struct admin_options o;
	if (!admin_parse(argc, argv, 0, &o))
		return 2;
	if (o.from == NULL || o.to == NULL) {
		fprintf(stderr, "sigacor-server: %s\n", _("--from PETUGAS dan --to PETUGAS wajib diisi"));
		return 2;
	}
	sdb *db = admin_open(o.dir, false);
	if (db == NULL)
		return 1;
	long long from = operator_id(db, o.from, false);    /* the sick one may be disabled */
	if (from < 0 || operator_id(db, o.to, true) < 0 || !db_begin(db))
		return admin_finish(db, 1);
	/* not verified yet and in the new operator's kelurahan: moved; the
	 * rest stays with the first operator (done: the work is theirs) */
	const char *params[] = { o.from, o.to };
	long long moved = run(db, "UPDATE assignments AS a SET operator_id = "
		"(SELECT id FROM operators WHERE name = ?2), assigned_at = unixepoch() "
		"WHERE operator_id = (SELECT id FROM operators WHERE name = ?1) AND NOT " HOUSEHOLD_DONE
		" AND EXISTS (SELECT 1 FROM candidates c JOIN operator_kelurahan k ON k.kelurahan = c.kelurahan "
		"JOIN operators p ON p.id = k.operator_id AND p.name = ?2 WHERE c.kk = a.kk)", params, 2);
	long long kept = -1;
	sdb_stmt *st;
	if (moved >= 0 && sdb_prepare(db, "SELECT count(*), coalesce(sum(CASE WHEN " HOUSEHOLD_DONE " THEN 1 ELSE 0 END), 0) "
		"FROM assignments a WHERE operator_id = ?", -1, &st, NULL) == SDB_OK) {
		sdb_bind_int64(st, 1, from);
		if (sdb_step(st) == SDB_ROW) {
			kept = sdb_column_int64(st, 0);
			long long done = sdb_column_int64(st, 1);
			printf(_("%lld rumah tangga dipindahkan dari %s ke %s; %lld tetap pada %s "
				"(%lld sudah diverifikasi, %lld di luar kelurahan %s)\n"),
				moved, o.from, o.to, kept, o.from, done, kept - done, o.to);
		}
		sdb_finalize(st);
	}
	if (kept < 0 || !db_meta_set(db, "candidates_snapshot", db_meta_get(db, "candidates_snapshot") + 1)
		|| !db_commit(db)) {
		db_rollback(db);
		return admin_finish(db, 1);
	}
	return admin_finish(db, 0);
}
