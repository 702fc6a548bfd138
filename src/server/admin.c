/* admin: the city's commands on the data folder (operators, imports,
 * reviews, exports).  They run beside a live server: SQLite's WAL and the
 * busy timeout let both write. */
#include "config.h"
#include "server.h"
#include "format.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <sodium.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <termios.h>
#include <unistd.h>

#include "csv.h"
#include "nik.h"
#include "admin_int.h"
#include "sdb.h"


static void admin_usage(const char *command)
{
	fprintf(stderr, _("Pemakaian: sigacor-server %s (lihat sigacor-server --help)\n"), command);
}

/* --data and the options of one command; positional: how many (0 or 1) */
bool admin_parse(int argc, char **argv, int positional, struct admin_options *o)
{
	memset(o, 0, sizeof *o);
	const struct command_option options[] = {
		{ "data", &o->dir, NULL, N_("--data FOLDER wajib diisi") },
		{ "kelurahan", &o->kelurahan, NULL, NULL },
		{ "outcome", &o->outcome, NULL, NULL },
		{ "note", &o->note, NULL, NULL },
		{ "format", &o->format, NULL, NULL },
		{ "replace-all", NULL, &o->replace_all, NULL },
		{ "allow-skipped", NULL, &o->allow_skipped, NULL },
		{ "rw", &o->rw, NULL, NULL },
		{ "rt", &o->rt, NULL, NULL },
		{ "kk-file", &o->kk_file, NULL, NULL },
		{ "from", &o->from, NULL, NULL },
		{ "to", &o->to, NULL, NULL },
		{ "since", &o->since, NULL, NULL },
		{ "db", &o->db, NULL, NULL },
		{ NULL, NULL, NULL, NULL },
	};
	if (!util_parse_options(argc, argv, options, positional, &o->arg)) {
		admin_usage(argv[0]);
		return false;
	}
	return true;
}

/* Open the data folder; create: make it when missing. */
sdb *admin_open(const char *dir, bool create)
{
	if (sodium_init() < 0 || !db_prepare_dir(dir, create))
		return NULL;
	return db_open(dir);
}

int admin_finish(sdb *db, int status)
{
	sdb_close(db);
	return status;
}

static bool exec_bound(sdb *db, const char *sql, long long a, const char *b)
{
	sdb_stmt *st;
	if (sdb_prepare(db, sql, -1, &st, NULL) != SDB_OK)
		return false;
	sdb_bind_int64(st, 1, a);
	if (b != NULL)
		sdb_bind_text(st, 2, b, -1, SDB_STATIC);
	bool ok = sdb_step(st) == SDB_DONE;
	sdb_finalize(st);
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

static bool save_operator(sdb *db, const char *name, const char *hash,
	char list[PROTO_KELURAHAN_MAX][16], size_t n, bool *existed)
{
	sdb_stmt *st;
	long long id = -1;
	if (sdb_prepare(db, "SELECT id FROM operators WHERE name = ?", -1, &st, NULL) != SDB_OK)
		return false;
	sdb_bind_text(st, 1, name, -1, SDB_STATIC);
	if (sdb_step(st) == SDB_ROW)
		id = sdb_column_int64(st, 0);
	sdb_finalize(st);
	*existed = id >= 0;
	int64_t now = util_now();
	if (id < 0) {
		if (sdb_prepare(db, "INSERT INTO operators(name, pwhash, created_at) VALUES (?,?,?) "
			"RETURNING id", -1, &st, NULL) != SDB_OK)
			return false;
		sdb_bind_text(st, 1, name, -1, SDB_STATIC);
		sdb_bind_text(st, 2, hash, -1, SDB_STATIC);
		sdb_bind_int64(st, 3, now);
		if (sdb_step(st) == SDB_ROW)
			id = sdb_column_int64(st, 0);
		bool ok = id >= 0 && sdb_step(st) == SDB_DONE;
		sdb_finalize(st);
		if (!ok)
			return false;
	} else {
		/* a new password (and scope) ends every session of the operator */
		if (!exec_bound(db, "UPDATE operators SET pwhash = ?2, disabled = 0 WHERE id = ?1", id, hash)
			|| !exec_bound(db, "UPDATE tokens SET revoked_at = unixepoch() "
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
	if (!admin_parse(argc, argv, 1, &o))
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
	sdb *db = admin_open(o.dir, true);
	if (db == NULL)
		return 1;
	bool existed;
	if (!db_begin(db) || !save_operator(db, o.arg, hash, list, n, &existed) || !db_commit(db)) {
		db_rollback(db);
		return admin_finish(db, 1);
	}
	printf(existed ? _("petugas %s diperbarui (%zu kelurahan; sesi lama dicabut)\n")
		: _("petugas %s ditambahkan (%zu kelurahan)\n"), o.arg, n);
	return admin_finish(db, 0);
}

int admin_disable_operator(int argc, char **argv)
{
	struct admin_options o;
	if (!admin_parse(argc, argv, 1, &o))
		return 2;
	sdb *db = admin_open(o.dir, false);
	if (db == NULL)
		return 1;
	sdb_stmt *st;
	long long id = -1;
	if (sdb_prepare(db, "SELECT id FROM operators WHERE name = ?", -1, &st, NULL) == SDB_OK) {
		sdb_bind_text(st, 1, o.arg, -1, SDB_STATIC);
		if (sdb_step(st) == SDB_ROW)
			id = sdb_column_int64(st, 0);
		sdb_finalize(st);
	}
	if (id < 0) {
		fprintf(stderr, "sigacor-server: %s: %s\n", o.arg, _("petugas tidak ada"));
		return admin_finish(db, 1);
	}
	if (!db_begin(db)
		|| !exec_bound(db, "UPDATE operators SET disabled = 1 WHERE id = ?", id, NULL)
		|| !exec_bound(db, "UPDATE tokens SET revoked_at = unixepoch() "
			"WHERE operator_id = ? AND revoked_at IS NULL", id, NULL)
		|| !db_commit(db)) {
		db_rollback(db);
		return admin_finish(db, 1);
	}
	printf(_("petugas %s dinonaktifkan; semua sesinya dicabut\n"), o.arg);
	return admin_finish(db, 0);
}

int admin_review(int argc, char **argv)
{
	struct admin_options o;
	if (!admin_parse(argc, argv, 1, &o))
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
	sdb *db = admin_open(o.dir, false);
	if (db == NULL)
		return 1;
	bool found = false, waiting = false;
	/* the history names who reviewed: here, the account running the command */
	const struct passwd *pw = getpwuid(geteuid());
	const char *reviewer = pw != NULL && pw->pw_name != NULL ? pw->pw_name : "server";
	if (!db_begin(db) || !ledger_review_allowed(db, o.arg, o.outcome, &waiting)
		|| !ledger_review(db, o.arg, o.outcome, note, reviewer, util_now(), &found)
		|| !db_commit(db)) {
		db_rollback(db);
		if (waiting)
			fprintf(stderr, "sigacor-server: %s: %s\n", o.arg, _("rekaman ini masih menunggu "
				"foto; belum dapat diterima (confirmed), hanya rejected atau revisit"));
		return admin_finish(db, 1);
	}
	if (!found) {
		fprintf(stderr, "sigacor-server: %s: %s\n", o.arg, _("rekaman tidak ada"));
		return admin_finish(db, 1);
	}
	printf(_("hasil pemeriksaan disimpan; petugas melihatnya setelah sinkronisasi berikutnya\n"));
	return admin_finish(db, 0);
}

/* ---------------------------------------------------------------- export */

static const char *col(sdb_stmt *st, int i)
{
	const unsigned char *v = sdb_column_text(st, i);
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
	/* a record sent before its photos: "menunggu foto" until they all
	 * arrived, then "lengkap" */
	{ "photo_state", "CASE WHEN EXISTS (SELECT 1 FROM waiting_photos w WHERE w.verification_id = v.id) "
		"THEN 'menunggu foto' ELSE 'lengkap' END", EXPORT_CODE },
};
#define EXPORT_COLS (sizeof export_columns / sizeof export_columns[0])

static bool export_prepare(sdb *db, sdb_stmt **st)
{
	char sql[2048] = "SELECT ";
	size_t len = strlen(sql);
	for (size_t i = 0; i < EXPORT_COLS; i++)
		len += (size_t)snprintf(sql + len, sizeof sql - len, "%s%s", i > 0 ? ", " : "",
			export_columns[i].sql);
	snprintf(sql + len, sizeof sql - len, " FROM verifications v JOIN operators o "
		"ON o.id = v.operator_id ORDER BY v.received_at, v.id");
	if (sdb_prepare(db, sql, -1, st, NULL) != SDB_OK)
		return false;
	sdb_stream(*st);        /* a city's records, not held whole in memory */
	return true;
}

/* the value of column i as CSV text */
static void export_text(sdb_stmt *st, int i, char *buf, size_t cap)
{
	switch (export_columns[i].kind) {
	case EXPORT_FLAGS:
		flags_text((unsigned)sdb_column_int(st, i), buf, cap);
		break;
	case EXPORT_TIME: {
		char t[21];
		proto_time_format(sdb_column_int64(st, i), t);
		snprintf(buf, cap, "%s", t);
		break;
	}
	case EXPORT_COORD:
		if (sdb_column_type(st, i) != SDB_NULL)
			snprintf(buf, cap, "%.7f", sdb_column_double(st, i));
		else
			buf[0] = '\0';
		break;
	case EXPORT_BOOL:
		snprintf(buf, cap, "%d", sdb_column_int(st, i) != 0);
		break;
	default:
		snprintf(buf, cap, "%s", col(st, i));
		break;
	}
}

static bool export_csv_row(sdb_stmt *st)
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

static cJSON *export_json_value(sdb_stmt *st, int i)
{
	char buf[RECORD_TEXT_MAX];
	switch (export_columns[i].kind) {
	case EXPORT_COORD:
		return sdb_column_type(st, i) == SDB_NULL ? cJSON_CreateNull()
			: cJSON_CreateNumber(sdb_column_double(st, i));
	case EXPORT_BOOL:
		return cJSON_CreateBool(sdb_column_int(st, i) != 0);
	case EXPORT_FLAGS: {
		cJSON *arr = cJSON_CreateArray();
		unsigned flags = (unsigned)sdb_column_int(st, i);
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

static bool export_json_row(sdb_stmt *st, bool first)
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
		if (sdb_column_type(st, (int)i) == SDB_NULL)
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
	if (!admin_parse(argc, argv, 0, &o))
		return 2;
	bool json = o.format != NULL && strcmp(o.format, "json") == 0;
	if (o.format == NULL || (!json && strcmp(o.format, "csv") != 0)) {
		fprintf(stderr, "sigacor-server: %s\n", _("--format harus csv atau json"));
		return 2;
	}
	sdb *db = admin_open(o.dir, false);
	sdb_stmt *st;
	if (db == NULL)
		return 1;
	if (!export_prepare(db, &st)) {
		fprintf(stderr, "sigacor-server: %s: %s\n", sdb_backend_name(db), sdb_errmsg(db));
		return admin_finish(db, 1);
	}
	if (json)
		printf("[\n");
	else
		for (size_t i = 0; i < EXPORT_COLS; i++)
			csv_write_field(stdout, export_columns[i].name, false,
				i + 1 < EXPORT_COLS ? ',' : '\n');
	int rc;
	bool first = true, ok = true;
	while (ok && (rc = sdb_step(st)) == SDB_ROW) {
		ok = json ? export_json_row(st, first) : export_csv_row(st);
		first = false;
	}
	sdb_finalize(st);
	if (json)
		printf("%s]\n", first ? "" : "\n");
	if (!ok || rc != SDB_DONE || fflush(stdout) != 0) {
		fprintf(stderr, "sigacor-server: %s\n", _("ekspor gagal"));
		return admin_finish(db, 1);
	}
	return admin_finish(db, 0);
}

/* NIKs with a flagged record: verified more than once, or registry doubts. */
int admin_flagged(int argc, char **argv)
{
	struct admin_options o;
	if (!admin_parse(argc, argv, 0, &o))
		return 2;
	sdb *db = admin_open(o.dir, false);
	sdb_stmt *st;
	if (db == NULL)
		return 1;
	/* SQLite (before 3.44) has no string_agg, PostgreSQL no group_concat */
	bool pg = sdb_is_postgresql(db);
	char sql[512];
	snprintf(sql, sizeof sql, "SELECT v.nik, count(*), %s, %s, "
		"(SELECT count(*) FROM verifications w WHERE w.nik = v.nik "
		"AND w.review = '') FROM verifications v JOIN operators o ON o.id = v.operator_id "
		"WHERE v.nik IN (SELECT nik FROM verifications WHERE flags != 0) "
		"GROUP BY v.nik ORDER BY v.nik",
		pg ? "string_agg(DISTINCT o.name, ',')" : "group_concat(DISTINCT o.name)",
		pg ? "string_agg(v.id, ';')" : "group_concat(v.id, ';')");
	if (sdb_prepare(db, sql, -1, &st, NULL) != SDB_OK) {
		fprintf(stderr, "sigacor-server: %s: %s\n", sdb_backend_name(db), sdb_errmsg(db));
		return admin_finish(db, 1);
	}
	printf("nik,records,operators,flags,unreviewed,ids\n");
	int rc;
	while ((rc = sdb_step(st)) == SDB_ROW) {
		/* the union of the flags of the NIK's records */
		sdb_stmt *fq;
		unsigned flags = 0;
		if (sdb_prepare(db, "SELECT flags FROM verifications WHERE nik = ?", -1, &fq,
			NULL) == SDB_OK) {
			sdb_bind_text(fq, 1, col(st, 0), -1, SDB_TRANSIENT);
			while (sdb_step(fq) == SDB_ROW)
				flags |= (unsigned)sdb_column_int(fq, 0);
			sdb_finalize(fq);
		}
		char ftext[128];
		flags_text(flags, ftext, sizeof ftext);
		char ops[1024];
		snprintf(ops, sizeof ops, "%s", col(st, 2));
		for (char *c = ops; *c != '\0'; c++)
			if (*c == ',')
				*c = ';';
		printf("%s,%lld,", col(st, 0), (long long)sdb_column_int64(st, 1));
		csv_write_field(stdout, ops, false, ',');
		csv_write_field(stdout, ftext, false, ',');
		printf("%lld,", (long long)sdb_column_int64(st, 4));
		csv_write_field(stdout, col(st, 3), false, '\n');
	}
	sdb_finalize(st);
	return admin_finish(db, rc == SDB_DONE && fflush(stdout) == 0 ? 0 : 1);
}
