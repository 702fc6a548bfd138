/* admin: the city's commands on the data folder (operators, imports,
 * reviews, exports).  They run beside a live server: SQLite's WAL and the
 * busy timeout let both write. */
#include "config.h"
#include "server.h"
#include "format.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <getopt.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <termios.h>
#include <unistd.h>

#include "csv.h"
#include "nik.h"
#include "registry.h"
#include "snapshot.h"

#define MAX_SHOWN_PROBLEMS 20

struct admin_options {
	const char *dir;
	const char *kelurahan;
	const char *outcome;
	const char *note;
	const char *format;
	const char *arg;            /* the one positional argument, if any */
	bool replace_all;           /* imports: the file may drop most of the list */
	bool allow_skipped;         /* imports: bad rows are skipped, the rest goes in */
};

static void admin_usage(const char *command)
{
	fprintf(stderr, _("Pemakaian: sigacor-server %s (lihat sigacor-server --help)\n"), command);
}

/* --data and the options of one command; positional: how many (0 or 1) */
static bool parse_admin(int argc, char **argv, int positional, struct admin_options *o)
{
	static const struct option options[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "kelurahan", required_argument, NULL, 'k' },
		{ "outcome", required_argument, NULL, 'o' },
		{ "note", required_argument, NULL, 'n' },
		{ "format", required_argument, NULL, 'f' },
		{ "replace-all", no_argument, NULL, 'R' },
		{ "allow-skipped", no_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 },
	};
	memset(o, 0, sizeof *o);
	int ch;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (ch) {
		case 'd': o->dir = optarg; break;
		case 'k': o->kelurahan = optarg; break;
		case 'o': o->outcome = optarg; break;
		case 'n': o->note = optarg; break;
		case 'f': o->format = optarg; break;
		case 'R': o->replace_all = true; break;
		case 'S': o->allow_skipped = true; break;
		default:
			admin_usage(argv[0]);
			return false;
		}
	}
	if (argc - optind != positional || o->dir == NULL) {
		if (o->dir == NULL)
			fprintf(stderr, "sigacor-server: %s\n", _("--data FOLDER wajib diisi"));
		admin_usage(argv[0]);
		return false;
	}
	o->arg = positional > 0 ? argv[optind] : NULL;
	return true;
}

/* Open the data folder; create: make it when missing. */
static sqlite3 *admin_open(const char *dir, bool create)
{
	if (sodium_init() < 0 || !db_prepare_dir(dir, create))
		return NULL;
	return db_open(dir);
}

static int finish(sqlite3 *db, int status)
{
	sqlite3_close(db);
	return status;
}

static bool exec_bound(sqlite3 *db, const char *sql, long long a, const char *b)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return false;
	sqlite3_bind_int64(st, 1, a);
	if (b != NULL)
		sqlite3_bind_text(st, 2, b, -1, SQLITE_STATIC);
	bool ok = sqlite3_step(st) == SQLITE_DONE;
	sqlite3_finalize(st);
	return ok;
}

/* ---------------------------------------------------------------- operators */

/* The password: one line of stdin; at a terminal asked twice without echo. */
static bool read_password(char *out, size_t cap)
{
	bool tty = isatty(STDIN_FILENO);
	struct termios saved, quiet;
	char again[PROTO_PASSWORD_MAX + 2];
	if (tty) {
		fprintf(stderr, "%s", _("Kata sandi: "));
		tcgetattr(STDIN_FILENO, &saved);
		quiet = saved;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	bool ok = fgets(out, (int)cap, stdin) != NULL;
	if (tty) {
		fprintf(stderr, "\n%s", _("Ulangi kata sandi: "));
		ok = ok && fgets(again, sizeof again, stdin) != NULL;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
		fprintf(stderr, "\n");
	}
	if (!ok)
		return false;
	out[strcspn(out, "\r\n")] = '\0';
	if (tty) {
		again[strcspn(again, "\r\n")] = '\0';
		bool same = strcmp(out, again) == 0;
		sodium_memzero(again, sizeof again);
		if (!same) {
			fprintf(stderr, "sigacor-server: %s\n", _("kata sandi tidak sama"));
			return false;
		}
	}
	return true;
}

int admin_password_hash(char *hash)
{
	char password[PROTO_PASSWORD_MAX + 2];
	if (!read_password(password, sizeof password)) {
		fprintf(stderr, "sigacor-server: %s\n", _("kata sandi dibaca dari stdin (satu baris)"));
		return 2;
	}
	size_t plen = strlen(password);
	if (plen < 8 || plen > PROTO_PASSWORD_MAX) {
		sodium_memzero(password, sizeof password);
		fprintf(stderr, "sigacor-server: %s\n", _("kata sandi harus 8 sampai 1024 karakter"));
		return 2;
	}
	int rc = sodium_init() < 0 ? -1 : crypto_pwhash_str(hash, password, plen,
		crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE);
	sodium_memzero(password, sizeof password);
	if (rc != 0) {
		fprintf(stderr, "sigacor-server: %s\n", _("memori tidak cukup untuk Argon2id"));
		return 1;
	}
	return 0;
}

/* "36.71.01.1001,3671011002" -> the dotted codes, each once */
static bool parse_kelurahan_list(const char *text, char list[PROTO_KELURAHAN_MAX][16], size_t *n)
{
	*n = 0;
	char buf[1024];
	if (text == NULL || strlen(text) >= sizeof buf) {
		fprintf(stderr, "sigacor-server: %s\n", _("--kelurahan KODE[,KODE...] wajib diisi"));
		return false;
	}
	snprintf(buf, sizeof buf, "%s", text);
	char *save = NULL;
	for (char *tok = strtok_r(buf, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
		const char *code = util_kelurahan(tok);
		if (code == NULL) {
			fprintf(stderr, "sigacor-server: %s: %s\n", tok,
				_("bukan kode kelurahan Kota Tangerang"));
			return false;
		}
		bool seen = false;
		for (size_t i = 0; i < *n; i++)
			seen = seen || strcmp(list[i], code) == 0;
		if (seen)
			continue;
		if (*n == PROTO_KELURAHAN_MAX) {
			fprintf(stderr, "sigacor-server: %s\n", _("paling banyak 16 kelurahan per petugas"));
			return false;
		}
		snprintf(list[(*n)++], 16, "%s", code);
	}
	return *n > 0;
}

static bool save_operator(sqlite3 *db, const char *name, const char *hash,
	char list[PROTO_KELURAHAN_MAX][16], size_t n, bool *existed)
{
	sqlite3_stmt *st;
	long long id = -1;
	if (sqlite3_prepare_v2(db, "SELECT id FROM operators WHERE name = ?", -1, &st, NULL) != SQLITE_OK)
		return false;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	*existed = id >= 0;
	int64_t now = util_now();
	if (id < 0) {
		if (sqlite3_prepare_v2(db, "INSERT INTO operators(name, pwhash, created_at) VALUES (?,?,?)",
			-1, &st, NULL) != SQLITE_OK)
			return false;
		sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, hash, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, now);
		bool ok = sqlite3_step(st) == SQLITE_DONE;
		sqlite3_finalize(st);
		if (!ok)
			return false;
		id = sqlite3_last_insert_rowid(db);
	} else {
		/* a new password (and scope) ends every session of the operator */
		if (!exec_bound(db, "UPDATE operators SET pwhash = ?2, disabled = 0 WHERE id = ?1", id, hash)
			|| !exec_bound(db, "UPDATE tokens SET revoked_at = strftime('%s','now') "
				"WHERE operator_id = ? AND revoked_at IS NULL", id, NULL)
			|| !exec_bound(db, "DELETE FROM operator_kelurahan WHERE operator_id = ?", id, NULL))
			return false;
	}
	for (size_t i = 0; i < n; i++)
		if (!exec_bound(db, "INSERT INTO operator_kelurahan(operator_id, kelurahan) VALUES (?,?)",
			id, list[i]))
			return false;
	return true;
}

int admin_add_operator(int argc, char **argv)
{
	struct admin_options o;
	if (!parse_admin(argc, argv, 1, &o))
		return 2;
	char list[PROTO_KELURAHAN_MAX][16];
	size_t n;
	if (!proto_is_operator_name(o.arg)) {
		fprintf(stderr, "sigacor-server: %s: %s\n", o.arg,
			_("nama petugas hanya boleh huruf kecil a-z, angka, titik, garis bawah dan tanda hubung (maks. 63)"));
		return 2;
	}
	if (!parse_kelurahan_list(o.kelurahan, list, &n))
		return 2;
	char hash[crypto_pwhash_STRBYTES];
	int status = admin_password_hash(hash);
	if (status != 0)
		return status;
	sqlite3 *db = admin_open(o.dir, true);
	if (db == NULL)
		return 1;
	bool existed;
	if (!db_begin(db) || !save_operator(db, o.arg, hash, list, n, &existed) || !db_commit(db)) {
		db_rollback(db);
		return finish(db, 1);
	}
	printf(existed ? _("petugas %s diperbarui (%zu kelurahan; sesi lama dicabut)\n")
		: _("petugas %s ditambahkan (%zu kelurahan)\n"), o.arg, n);
	return finish(db, 0);
}

int admin_disable_operator(int argc, char **argv)
{
	struct admin_options o;
	if (!parse_admin(argc, argv, 1, &o))
		return 2;
	sqlite3 *db = admin_open(o.dir, false);
	if (db == NULL)
		return 1;
	sqlite3_stmt *st;
	long long id = -1;
	if (sqlite3_prepare_v2(db, "SELECT id FROM operators WHERE name = ?", -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, o.arg, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW)
			id = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	if (id < 0) {
		fprintf(stderr, "sigacor-server: %s: %s\n", o.arg, _("petugas tidak ada"));
		return finish(db, 1);
	}
	if (!db_begin(db)
		|| !exec_bound(db, "UPDATE operators SET disabled = 1 WHERE id = ?", id, NULL)
		|| !exec_bound(db, "UPDATE tokens SET revoked_at = strftime('%s','now') "
			"WHERE operator_id = ? AND revoked_at IS NULL", id, NULL)
		|| !db_commit(db)) {
		db_rollback(db);
		return finish(db, 1);
	}
	printf(_("petugas %s dinonaktifkan; semua sesinya dicabut\n"), o.arg);
	return finish(db, 0);
}

int admin_review(int argc, char **argv)
{
	struct admin_options o;
	if (!parse_admin(argc, argv, 1, &o))
		return 2;
	if (o.outcome == NULL || !review_outcome_valid(o.outcome)) {
		fprintf(stderr, "sigacor-server: %s\n",
			_("--outcome harus confirmed, rejected atau revisit"));
		return 2;
	}
	const char *note = o.note != NULL ? o.note : "";
	if (strlen(note) >= RECORD_TEXT_MAX) {
		fprintf(stderr, "sigacor-server: %s\n", _("catatan terlalu panjang (maks. 1023 byte)"));
		return 2;
	}
	sqlite3 *db = admin_open(o.dir, false);
	if (db == NULL)
		return 1;
	bool found = false;
	if (!db_begin(db) || !ledger_review(db, o.arg, o.outcome, note, util_now(), &found)
		|| !db_commit(db)) {
		db_rollback(db);
		return finish(db, 1);
	}
	if (!found) {
		fprintf(stderr, "sigacor-server: %s: %s\n", o.arg, _("rekaman tidak ada"));
		return finish(db, 1);
	}
	printf(_("hasil pemeriksaan disimpan; petugas melihatnya setelah sinkronisasi berikutnya\n"));
	return finish(db, 0);
}

/* ---------------------------------------------------------------- imports */

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

static bool insert_resident(sqlite3_stmt *ins, const struct resident *r)
{
	const char *text[] = { r->nik, r->kk, r->name, r->sex, r->birth_place, r->birth_date,
		r->address, r->rt, r->rw, r->kelurahan };
	sqlite3_reset(ins);
	for (int i = 0; i < REGISTRY_FIELD_COUNT; i++)
		sqlite3_bind_text(ins, i + 1, text[i], -1, SQLITE_STATIC);
	return sqlite3_step(ins) == SQLITE_DONE;
}

static const char *candidate_problem(const char **f, time_t today, const char **kel)
{
	struct nik_info info;
	if (!format_nik_digits(f[0]))
		return N_("nomor KK harus tepat 16 angka");
	nik_check(f[1], today, &info);
	if (!info.valid || strlen(f[1]) != NIK_LEN)
		return N_("NIK tidak sah");
	*kel = util_kelurahan(f[2]);
	if (*kel == NULL)
		return N_("bukan kode kelurahan Kota Tangerang");
	size_t n = strlen(f[3]);
	if (n >= 16)
		return N_("program paling banyak 15 huruf");
	for (size_t i = 0; i < n; i++) {
		char c = f[3][i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
			return N_("program hanya boleh huruf, angka dan tanda hubung");
	}
	return NULL;
}

static bool candidate_ok(const char **f, time_t today, const char **kel, char *why, size_t len)
{
	const char *problem = candidate_problem(f, today, kel);
	if (problem != NULL)
		snprintf(why, len, "%s", gettext(problem));
	return problem == NULL;
}

enum import_kind { IMPORT_RESIDENTS, IMPORT_CANDIDATES };

static bool count_rows(sqlite3 *db, const char *table, long long *out)
{
	char sql[64];
	sqlite3_stmt *st;
	snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return false;
	bool ok = sqlite3_step(st) == SQLITE_ROW;
	*out = ok ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
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
 * (410) instead of mixing two versions. */
static int run_import(int argc, char **argv, enum import_kind kind)
{
	static const char *const resident_cols[] = {
#define REGISTRY_FIELD_NAME(e, name, required) name,
		REGISTRY_FIELDS(REGISTRY_FIELD_NAME)
#undef REGISTRY_FIELD_NAME
	};
	static const char *const candidate_cols[] = { "kk", "nik", "kelurahan", "program" };
	int map[10];
	size_t columns = 0;
	struct admin_options o;
	if (!parse_admin(argc, argv, 1, &o))
		return 2;
	FILE *in = strcmp(o.arg, "-") == 0 ? stdin : fopen(o.arg, "rb");
	if (in == NULL) {
		fprintf(stderr, "sigacor-server: %s: %s\n", o.arg, strerror(errno));
		return 1;
	}
	sqlite3 *db = admin_open(o.dir, true);
	struct csv_reader *r = csv_open(in);
	sqlite3_stmt *ins = NULL;
	bool resident = kind == IMPORT_RESIDENTS;
	const char *table = resident ? "residents" : "candidates";
	char sql[256];
	snprintf(sql, sizeof sql, "DELETE FROM %s", table);
	int status = 1;
	long long before = 0;
	if (db == NULL || r == NULL || !db_begin(db) || !count_rows(db, table, &before)
		|| !db_exec(db, sql)
		|| sqlite3_prepare_v2(db, resident
			? "INSERT INTO residents(nik, kk, name, sex, birth_place, birth_date, address, rt, rw, "
			  "kelurahan) VALUES (?,?,?,?,?,?,?,?,?,?)"
			: "INSERT INTO candidates(kk, nik, kelurahan, program) VALUES (?,?,?,?)",
			-1, &ins, NULL) != SQLITE_OK)
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
			sqlite3_reset(ins);
			sqlite3_bind_text(ins, 1, f[0], -1, SQLITE_STATIC);
			sqlite3_bind_text(ins, 2, f[1], -1, SQLITE_STATIC);
			sqlite3_bind_text(ins, 3, kel, -1, SQLITE_STATIC);
			sqlite3_bind_text(ins, 4, f[3], -1, SQLITE_STATIC);
			ok = sqlite3_step(ins) == SQLITE_DONE;
		}
		if (ok)
			rep.imported++;
		else if (sqlite3_extended_errcode(db) == SQLITE_CONSTRAINT_UNIQUE)
			import_problem(&rep, line, _("NIK ganda (sudah ada di baris sebelumnya)"));
		else {
			fprintf(stderr, "sigacor-server: SQLite: %s\n", sqlite3_errmsg(db));
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
	sqlite3_finalize(ins);
	ins = NULL;
	if (!db_meta_set(db, key, db_meta_get(db, key) + 1) || !db_commit(db))
		goto done;
	printf(_("%ld baris diimpor, %ld dilewati\n"), rep.imported, rep.skipped);
	status = 0;
done:
	sqlite3_finalize(ins);
	if (db != NULL) {
		db_rollback(db);
		sqlite3_close(db);
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

/* ---------------------------------------------------------------- export */

static const char *col(sqlite3_stmt *st, int i)
{
	const unsigned char *v = sqlite3_column_text(st, i);
	return v != NULL ? (const char *)v : "";
}

static void flags_text(unsigned flags, char *out, size_t cap)
{
	size_t len = 0;
	out[0] = '\0';
	for (int f = 0; f < FLAG_COUNT; f++)
		if (flags & (1u << f)) {
			int n = snprintf(out + len, cap - len, "%s%s", len > 0 ? ";" : "",
				flag_code((enum flag)f));
			if (n > 0 && (size_t)n < cap - len)
				len += (size_t)n;
		}
}

/* What a column holds decides how CSV and JSON write it: free text is what
 * a person typed (neutralised against spreadsheet formulas in CSV). */
enum export_kind { EXPORT_CODE, EXPORT_FREE_TEXT, EXPORT_BOOL, EXPORT_COORD, EXPORT_FLAGS,
	EXPORT_TIME, EXPORT_PHOTO };

struct export_column {
	const char *name;
	const char *sql;            /* over verifications v, operators o */
	enum export_kind kind;
};

#define PHOTO_SQL(kind) "(SELECT sha256 FROM verification_photos p " \
	"WHERE p.verification_id = v.id AND kind = '" kind "')"

/* Everything the clerk sent (notes, address, the reason for typed
 * coordinates, whether the NIK was in the laptop's registry) and what the
 * city added (flags, review). */
static const struct export_column export_columns[] = {
	{ "id", "v.id", EXPORT_CODE },
	{ "nik", "v.nik", EXPORT_CODE },
	{ "in_registry", "v.in_registry", EXPORT_BOOL },
	{ "kk", "v.kk", EXPORT_CODE },
	{ "name", "v.name", EXPORT_FREE_TEXT },
	{ "address", "v.address", EXPORT_FREE_TEXT },
	{ "kelurahan", "v.kelurahan", EXPORT_CODE },
	{ "decision", "v.decision", EXPORT_CODE },
	{ "reason", "v.reason", EXPORT_CODE },
	{ "reason_text", "v.reason_text", EXPORT_FREE_TEXT },
	{ "notes", "v.notes", EXPORT_FREE_TEXT },
	{ "lat", "v.lat", EXPORT_COORD },
	{ "lon", "v.lon", EXPORT_COORD },
	{ "coord_source", "v.coord_source", EXPORT_CODE },
	{ "coord_reason", "v.coord_reason", EXPORT_FREE_TEXT },
	{ "operator", "o.name", EXPORT_CODE },
	{ "device", "v.device", EXPORT_FREE_TEXT },
	{ "flags", "v.flags", EXPORT_FLAGS },
	{ "review", "v.review", EXPORT_CODE },
	{ "review_note", "v.review_note", EXPORT_FREE_TEXT },
	{ "supersedes", "v.supersedes", EXPORT_CODE },
	{ "superseded_by", "v.superseded_by", EXPORT_CODE },
	{ "finalised_at", "v.finalised_at", EXPORT_TIME },
	{ "received_at", "v.received_at", EXPORT_TIME },
	{ "photo_ktp", PHOTO_SQL("ktp"), EXPORT_PHOTO },
	{ "photo_kk", PHOTO_SQL("kk"), EXPORT_PHOTO },
	{ "photo_rumah", PHOTO_SQL("rumah"), EXPORT_PHOTO },
};
#define EXPORT_COLS (sizeof export_columns / sizeof export_columns[0])

static bool export_prepare(sqlite3 *db, sqlite3_stmt **st)
{
	char sql[2048] = "SELECT ";
	size_t len = strlen(sql);
	for (size_t i = 0; i < EXPORT_COLS; i++)
		len += (size_t)snprintf(sql + len, sizeof sql - len, "%s%s", i > 0 ? ", " : "",
			export_columns[i].sql);
	snprintf(sql + len, sizeof sql - len, " FROM verifications v JOIN operators o "
		"ON o.id = v.operator_id ORDER BY v.received_at, v.id");
	return sqlite3_prepare_v2(db, sql, -1, st, NULL) == SQLITE_OK;
}

/* the value of column i as CSV text */
static void export_text(sqlite3_stmt *st, int i, char *buf, size_t cap)
{
	switch (export_columns[i].kind) {
	case EXPORT_FLAGS:
		flags_text((unsigned)sqlite3_column_int(st, i), buf, cap);
		break;
	case EXPORT_TIME: {
		char t[21];
		proto_time_format(sqlite3_column_int64(st, i), t);
		snprintf(buf, cap, "%s", t);
		break;
	}
	case EXPORT_COORD:
		if (sqlite3_column_type(st, i) != SQLITE_NULL)
			snprintf(buf, cap, "%.7f", sqlite3_column_double(st, i));
		else
			buf[0] = '\0';
		break;
	case EXPORT_BOOL:
		snprintf(buf, cap, "%d", sqlite3_column_int(st, i) != 0);
		break;
	default:
		snprintf(buf, cap, "%s", col(st, i));
		break;
	}
}

static bool export_csv_row(sqlite3_stmt *st)
{
	char buf[RECORD_TEXT_MAX];
	bool ok = true;
	for (size_t i = 0; i < EXPORT_COLS; i++) {
		export_text(st, (int)i, buf, sizeof buf);
		ok = csv_write_field(stdout, buf, export_columns[i].kind == EXPORT_FREE_TEXT,
			i + 1 < EXPORT_COLS ? ',' : '\n') && ok;
	}
	return ok;
}

static cJSON *export_json_value(sqlite3_stmt *st, int i)
{
	char buf[RECORD_TEXT_MAX];
	switch (export_columns[i].kind) {
	case EXPORT_COORD:
		return sqlite3_column_type(st, i) == SQLITE_NULL ? cJSON_CreateNull()
			: cJSON_CreateNumber(sqlite3_column_double(st, i));
	case EXPORT_BOOL:
		return cJSON_CreateBool(sqlite3_column_int(st, i) != 0);
	case EXPORT_FLAGS: {
		cJSON *arr = cJSON_CreateArray();
		unsigned flags = (unsigned)sqlite3_column_int(st, i);
		for (int f = 0; arr != NULL && f < FLAG_COUNT; f++)
			if (flags & (1u << f))
				cJSON_AddItemToArray(arr, cJSON_CreateString(flag_code((enum flag)f)));
		return arr;
	}
	default:
		export_text(st, i, buf, sizeof buf);
		return cJSON_CreateString(buf);
	}
}

static bool export_json_row(sqlite3_stmt *st, bool first)
{
	cJSON *o = cJSON_CreateObject();
	cJSON *photos = cJSON_CreateArray();
	bool ok = o != NULL && photos != NULL;
	for (size_t i = 0; ok && i < EXPORT_COLS; i++) {
		if (export_columns[i].kind != EXPORT_PHOTO) {
			cJSON *v = export_json_value(st, (int)i);
			ok = v != NULL && cJSON_AddItemToObject(o, export_columns[i].name, v);
			continue;
		}
		if (sqlite3_column_type(st, (int)i) == SQLITE_NULL)
			continue;
		cJSON *p = cJSON_CreateObject();
		/* "photo_ktp" -> "ktp" */
		cJSON_AddStringToObject(p, "kind", export_columns[i].name + strlen("photo_"));
		cJSON_AddStringToObject(p, "sha256", col(st, (int)i));
		cJSON_AddItemToArray(photos, p);
	}
	ok = ok && cJSON_AddItemToObject(o, "photos", photos);
	if (!ok)
		cJSON_Delete(photos);
	char *text = ok ? cJSON_PrintUnformatted(o) : NULL;
	cJSON_Delete(o);
	if (text == NULL)
		return false;
	printf("%s%s", first ? "" : ",\n", text);
	free(text);
	return true;
}

int admin_export(int argc, char **argv)
{
	struct admin_options o;
	if (!parse_admin(argc, argv, 0, &o))
		return 2;
	bool json = o.format != NULL && strcmp(o.format, "json") == 0;
	if (o.format == NULL || (!json && strcmp(o.format, "csv") != 0)) {
		fprintf(stderr, "sigacor-server: %s\n", _("--format harus csv atau json"));
		return 2;
	}
	sqlite3 *db = admin_open(o.dir, false);
	sqlite3_stmt *st;
	if (db == NULL)
		return 1;
	if (!export_prepare(db, &st)) {
		fprintf(stderr, "sigacor-server: SQLite: %s\n", sqlite3_errmsg(db));
		return finish(db, 1);
	}
	if (json)
		printf("[\n");
	else
		for (size_t i = 0; i < EXPORT_COLS; i++)
			csv_write_field(stdout, export_columns[i].name, false,
				i + 1 < EXPORT_COLS ? ',' : '\n');
	int rc;
	bool first = true, ok = true;
	while (ok && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		ok = json ? export_json_row(st, first) : export_csv_row(st);
		first = false;
	}
	sqlite3_finalize(st);
	if (json)
		printf("%s]\n", first ? "" : "\n");
	if (!ok || rc != SQLITE_DONE || fflush(stdout) != 0) {
		fprintf(stderr, "sigacor-server: %s\n", _("ekspor gagal"));
		return finish(db, 1);
	}
	return finish(db, 0);
}

/* NIKs with a flagged record: verified more than once, or registry doubts. */
int admin_flagged(int argc, char **argv)
{
	struct admin_options o;
	if (!parse_admin(argc, argv, 0, &o))
		return 2;
	sqlite3 *db = admin_open(o.dir, false);
	sqlite3_stmt *st;
	if (db == NULL)
		return 1;
	if (sqlite3_prepare_v2(db, "SELECT v.nik, count(*), group_concat(DISTINCT o.name), "
		"group_concat(v.id, ';'), (SELECT count(*) FROM verifications w WHERE w.nik = v.nik "
		"AND w.review = '') FROM verifications v JOIN operators o ON o.id = v.operator_id "
		"WHERE v.nik IN (SELECT nik FROM verifications WHERE flags != 0) "
		"GROUP BY v.nik ORDER BY v.nik", -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "sigacor-server: SQLite: %s\n", sqlite3_errmsg(db));
		return finish(db, 1);
	}
	printf("nik,records,operators,flags,unreviewed,ids\n");
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		/* the union of the flags of the NIK's records */
		sqlite3_stmt *fq;
		unsigned flags = 0;
		if (sqlite3_prepare_v2(db, "SELECT flags FROM verifications WHERE nik = ?", -1, &fq,
			NULL) == SQLITE_OK) {
			sqlite3_bind_text(fq, 1, col(st, 0), -1, SQLITE_TRANSIENT);
			while (sqlite3_step(fq) == SQLITE_ROW)
				flags |= (unsigned)sqlite3_column_int(fq, 0);
			sqlite3_finalize(fq);
		}
		char ftext[128];
		flags_text(flags, ftext, sizeof ftext);
		char ops[1024];
		snprintf(ops, sizeof ops, "%s", col(st, 2));
		for (char *c = ops; *c != '\0'; c++)
			if (*c == ',')
				*c = ';';
		printf("%s,%lld,", col(st, 0), (long long)sqlite3_column_int64(st, 1));
		csv_write_field(stdout, ops, false, ',');
		csv_write_field(stdout, ftext, false, ',');
		printf("%lld,", (long long)sqlite3_column_int64(st, 4));
		csv_write_field(stdout, col(st, 3), false, '\n');
	}
	sqlite3_finalize(st);
	return finish(db, rc == SQLITE_DONE && fflush(stdout) == 0 ? 0 : 1);
}
