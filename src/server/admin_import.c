/* admin_import: import-residents and import-candidates, the city's files
 * that replace the registry and the candidate list (rows checked by core's
 * rules, doc/REGISTRY.md; refusals of bad rows and wipes, doc/SECURITY.md). */
#include "config.h"
#include "server.h"
#include "format.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "csv.h"
#include "nik.h"
#include "registry.h"
#include "snapshot.h"
#include "admin_int.h"
#include "sdb.h"

struct import_report {
	long imported, skipped;
};

static void import_problem(struct import_report *rep, long line, const char *why)
{
	if (rep->skipped++ < MAX_SHOWN_PROBLEMS)
		fprintf(stderr, _("baris %ld dilewati: %s\n"), line, why);
}

/* The header as the client's import reads it: names in any case and order,
 * other columns ignored.  map[i] = the column of want[i], or -1 when absent;
 * the first `required` names must be there. */
static bool map_header(const char **f, size_t count, const char *const *want, size_t n,
	size_t required, int *map)
{
	for (size_t i = 0; i < n; i++) {
		map[i] = -1;
		for (size_t c = 0; c < count; c++)
			if (strcasecmp(f[c], want[i]) == 0) {
				if (map[i] >= 0)
					return false;       /* a column named twice */
				map[i] = (int)c;
			}
		if (i < required && map[i] < 0)
			return false;
	}
	return true;
}

/* the row's fields in the canonical order; absent columns are "" */
static void pick_fields(const char **f, size_t count, const int *map, size_t n, const char **out)
{
	for (size_t i = 0; i < n; i++)
		out[i] = map[i] >= 0 && (size_t)map[i] < count ? f[map[i]] : "";
}

/* The registry's rule (core): why goes "kolom sex: ..." as the laptop's
 * import says it. */
static bool resident_ok(const char **f, time_t today, struct resident *out, char *why,
	size_t len)
{
	struct registry_verdict v = registry_parse(f, today, out);
	if (v.problem == REGISTRY_OK)
		return true;
	snprintf(why, len, _("kolom %s: %s"), registry_field_name(registry_problem_field(v.problem)),
		gettext(registry_verdict_message(v)));
	return false;
}

static bool insert_resident(sdb_stmt *ins, const struct resident *r)
{
	sdb_reset(ins);
	for (int f = 0; f < REGISTRY_FIELD_COUNT; f++)
		sdb_bind_text(ins, f + 1, registry_field_value(r, (enum registry_field)f), -1,
			SDB_STATIC);
	return sdb_step(ins) == SDB_DONE;
}

/* src into dst when it fits, else bad (a value core refuses for that field) */
static void copy_or(char *dst, size_t size, const char *src, const char *bad)
{
	snprintf(dst, size, "%s", strlen(src) < size ? src : bad);
}

/* The candidate rule of core; the kelurahan may be written as 10 digits,
 * it is stored dotted. */
static bool candidate_ok(const char **f, time_t today, const char **kel, char *why, size_t len)
{
	struct candidate c;
	memset(&c, 0, sizeof c);
	copy_or(c.kk, sizeof c.kk, f[0], "");
	copy_or(c.nik, sizeof c.nik, f[1], "");
	copy_or(c.program, sizeof c.program, f[3], "?");
	*kel = util_kelurahan(f[2]);
	snprintf(c.kelurahan, sizeof c.kelurahan, "%s", *kel != NULL ? *kel : "");
	const char *problem = registry_candidate_problem(&c, today);
	if (problem != NULL)
		snprintf(why, len, "%s", gettext(problem));
	return problem == NULL;
}

enum import_kind { IMPORT_RESIDENTS, IMPORT_CANDIDATES };

static bool count_rows(sdb *db, const char *table, long long *out)
{
	char sql[64];
	sdb_stmt *st;
	snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
	if (sdb_prepare(db, sql, -1, &st, NULL) != SDB_OK)
		return false;
	bool ok = sdb_step(st) == SDB_ROW;
	*out = ok ? sdb_column_int64(st, 0) : 0;
	sdb_finalize(st);
	return ok;
}

/* The file replaces the whole list, and every laptop's copy follows it: a
 * file with bad rows, or one that would drop more than half of the list (an
 * empty file, a truncated export, a wrong column), is refused unless the
 * city says so with --allow-skipped / --replace-all.  Both problems are
 * told before nothing is imported. */
static bool import_acceptable(const struct admin_options *o, bool resident,
	const struct import_report *rep, long long before)
{
	bool ok = true;
	if (rep->skipped > 0 && !o->allow_skipped) {
		fprintf(stderr, _("sigacor-server: %ld baris bermasalah (di atas); tidak ada yang "
			"diimpor. Perbaiki berkasnya, atau jalankan lagi dengan --allow-skipped "
			"untuk mengimpor %ld baris yang baik saja.\n"), rep->skipped, rep->imported);
		ok = false;
	}
	if (snapshot_shrink_suspicious(before, rep->imported) && !o->replace_all) {
		fprintf(stderr, resident
			? _("sigacor-server: data penduduk di server sekarang %lld baris, berkas ini "
			    "hanya %ld baris yang baik: impor akan membuang %lld penduduk (lebih dari "
			    "separuh), dan setiap laptop akan ikut membuangnya. Tidak ada yang "
			    "diimpor. Jika memang itu maksudnya, jalankan lagi dengan --replace-all.\n")
			: _("sigacor-server: daftar sasaran di server sekarang %lld baris, berkas ini "
			    "hanya %ld baris yang baik: impor akan membuang %lld rumah tangga (lebih "
			    "dari separuh). Tidak ada yang diimpor. Jika memang itu maksudnya, "
			    "jalankan lagi dengan --replace-all.\n"),
			before, rep->imported, before - rep->imported);
		ok = false;
	}
	return ok;
}

/* Replace the registry (or the candidate list) with the file, in one
 * transaction, and move its snapshot on: downloads in progress restart
 * (410) instead of mixing two versions.  The registry's differences go
 * into its changes feed, which laptops with a copy read instead. */
static int run_import(int argc, char **argv, enum import_kind kind)
{
	static const char *const resident_cols[] = {
#define REGISTRY_FIELD_NAME(e, member, required) #member,
		REGISTRY_FIELDS(REGISTRY_FIELD_NAME)
#undef REGISTRY_FIELD_NAME
	};
	static const char *const candidate_cols[] = { "kk", "nik", "kelurahan", "program" };
	int map[10];
	size_t columns = 0;
	struct admin_options o;
	if (!admin_parse(argc, argv, 1, &o))
		return 2;
	FILE *in = strcmp(o.arg, "-") == 0 ? stdin : fopen(o.arg, "rb");
	if (in == NULL) {
		fprintf(stderr, "sigacor-server: %s: %s\n", o.arg, strerror(errno));
		return 1;
	}
	sdb *db = admin_open(o.dir, true);
	struct csv_reader *r = csv_open(in);
	sdb_stmt *ins = NULL;
	bool resident = kind == IMPORT_RESIDENTS;
	const char *table = resident ? "residents" : "candidates";
	int status = 1;
	long long before = 0;
	/* residents are staged and applied as a difference (registry_changes.c);
	 * the candidate list is replaced */
	if (db == NULL || r == NULL || !db_begin(db) || !count_rows(db, table, &before)
		|| !(resident ? registry_staging_open(db) : db_exec(db, "DELETE FROM candidates"))
		|| sdb_prepare(db, resident ? registry_staging_insert_sql
			: "INSERT INTO candidates(kk, nik, kelurahan, program) VALUES (?,?,?,?)",
			-1, &ins, NULL) != SDB_OK)
		goto done;
	struct import_report rep = { 0, 0 };
	const char **row;
	const char *f[10];
	size_t count;
	long line;
	enum csv_status cs;
	bool header = true;
	time_t today = (time_t)util_now();
	while ((cs = csv_next(r, &row, &count, &line)) == CSV_ROW) {
		if (header) {
			header = false;
			columns = count;
			/* residents: nik, kk, name, kelurahan required; candidates: kk, nik, kelurahan */
			bool good = resident
				? map_header(row, count, resident_cols, 10, 3, map) && map[9] >= 0
				: map_header(row, count, candidate_cols, 4, 3, map);
			if (!good) {
				fprintf(stderr, "sigacor-server: %s: %s\n", o.arg, resident
					? _("baris judul harus memuat nik, kk, name dan kelurahan (juga boleh sex, birth_place, birth_date, address, rt, rw)")
					: _("baris judul harus memuat kk, nik dan kelurahan (juga boleh program)"));
				goto done;
			}
			continue;
		}
		if (count != columns) {
			import_problem(&rep, line, _("jumlah kolom salah"));
			continue;
		}
		pick_fields(row, count, map, resident ? 10 : 4, f);
		const char *kel = NULL;
		struct resident res;
		char why[256];
		if (resident ? !resident_ok(f, today, &res, why, sizeof why)
			: !candidate_ok(f, today, &kel, why, sizeof why)) {
			import_problem(&rep, line, why);
			continue;
		}
		bool ok;
		if (resident)
			ok = insert_resident(ins, &res);
		else {
			sdb_reset(ins);
			sdb_bind_text(ins, 1, f[0], -1, SDB_STATIC);
			sdb_bind_text(ins, 2, f[1], -1, SDB_STATIC);
			sdb_bind_text(ins, 3, kel, -1, SDB_STATIC);
			sdb_bind_text(ins, 4, f[3], -1, SDB_STATIC);
			ok = sdb_step(ins) == SDB_DONE;
		}
		/* a NIK met before is not staged again (a failed statement would
		 * end PostgreSQL's transaction): no row changed */
		bool again = ok && resident && sdb_changes(db) == 0;
		if (ok && !again)
			rep.imported++;
		else if (again)
			import_problem(&rep, line, _("NIK ganda (sudah ada di baris sebelumnya)"));
		else {
			fprintf(stderr, "sigacor-server: %s: %s\n", sdb_backend_name(db), sdb_errmsg(db));
			goto done;
		}
	}
	if (cs != CSV_EOF) {
		fprintf(stderr, _("baris %ld: %s; tidak ada yang diimpor\n"), line, csv_status_message(cs));
		goto done;
	}
	if (rep.skipped > MAX_SHOWN_PROBLEMS)
		fprintf(stderr, _("... dan %ld baris lain dilewati\n"), rep.skipped - MAX_SHOWN_PROBLEMS);
	if (!import_acceptable(&o, resident, &rep, before))
		goto done;
	const char *key = resident ? "residents_snapshot" : "candidates_snapshot";
	long long snapshot = db_meta_get(db, key) + 1;
	sdb_finalize(ins);
	ins = NULL;
	if ((resident && !registry_staging_apply(db, before, rep.imported))
		|| (resident && !api_residents_counts_keep(db, snapshot))
		|| !db_meta_set(db, key, snapshot) || !db_commit(db)) {
		fprintf(stderr, "sigacor-server: %s: %s\n", sdb_backend_name(db), sdb_errmsg(db));
		goto done;
	}
	printf(_("%ld baris diimpor, %ld dilewati\n"), rep.imported, rep.skipped);
	status = 0;
done:
	sdb_finalize(ins);
	if (db != NULL) {
		db_rollback(db);
		sdb_close(db);
	}
	csv_free(r);
	if (in != stdin)
		fclose(in);
	return status;
}

int admin_import_residents(int argc, char **argv)
{
	return run_import(argc, argv, IMPORT_RESIDENTS);
}

int admin_import_candidates(int argc, char **argv)
{
	return run_import(argc, argv, IMPORT_CANDIDATES);
}
