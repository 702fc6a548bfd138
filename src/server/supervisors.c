/* supervisors: the dashboard's accounts.  A supervisor reads (and reviews)
 * the records of a scope: the whole city, one kecamatan or one kelurahan.
 * The scope is kept as the region code itself, so "covers" is one prefix
 * rule, the same in C (supervisor_covers) and in SQL (web_data.c). */
#include "config.h"
#include "server.h"
#include "web.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "wilayah.h"
#include "sdb.h"

bool supervisor_covers(const struct supervisor *s, const char *kelurahan)
{
	size_t n = strlen(s->scope);
	return n > 0 && kelurahan != NULL && strncmp(kelurahan, s->scope, n) == 0
		&& (kelurahan[n] == '\0' || kelurahan[n] == '.');
}

const char *supervisor_scope_kind(const char *scope)
{
	size_t n = strlen(scope);
	return n == strlen(WILAYAH_KOTA_TANGERANG) ? "kota" : n == 8 ? "kecamatan" : "kelurahan";
}

const char *supervisor_scope_name(const char *scope)
{
	if (strcmp(scope, WILAYAH_KOTA_TANGERANG) == 0) {
		const struct wilayah_region *city = wilayah_regency("3671");
		return city != NULL ? city->name : scope;
	}
	for (size_t i = 0; i < wilayah_kelurahan_count(); i++) {
		const struct wilayah_kelurahan *k = wilayah_kelurahan_at(i);
		if (strcmp(scope, k->code) == 0)
			return k->name;
		if (strcmp(scope, k->kecamatan_code) == 0)
			return k->kecamatan_name;
	}
	return scope;
}

/* "36.71.01" or "367101": the dotted code of a Kota Tangerang kecamatan */
static const char *kecamatan_code(const char *text)
{
	for (size_t i = 0; i < wilayah_kelurahan_count(); i++) {
		const struct wilayah_kelurahan *k = wilayah_kelurahan_at(i);
		const char *c = k->kecamatan_code;
		char digits[8];
		snprintf(digits, sizeof digits, "%.2s%.2s%.2s", c, c + 3, c + 6);
		if (strcmp(text, c) == 0 || strcmp(text, digits) == 0)
			return c;
	}
	return NULL;
}

struct supervisor_args {
	const char *name, *dir, *scope;
};

/* NAME --scope city | --scope kecamatan CODE | --scope kelurahan CODE, --data DIR */
static bool parse_args(int argc, char **argv, struct supervisor_args *a)
{
	memset(a, 0, sizeof *a);
	for (int i = 1; i < argc; i++) {
		const char *kind = NULL;
		if (strcmp(argv[i], "--data") == 0 && i + 1 < argc)
			a->dir = argv[++i];
		else if (strncmp(argv[i], "--data=", 7) == 0)
			a->dir = argv[i] + 7;
		else if (strcmp(argv[i], "--scope") == 0 && i + 1 < argc)
			kind = argv[++i];
		else if (argv[i][0] != '-' && a->name == NULL)
			a->name = argv[i];
		else
			return false;
		if (kind == NULL)
			continue;
		if (a->scope != NULL)
			return false;
		if (strcmp(kind, "city") == 0 || strcmp(kind, "kota") == 0) {
			a->scope = WILAYAH_KOTA_TANGERANG;
			continue;
		}
		if (i + 1 >= argc)
			return false;
		const char *code = argv[++i];
		if (strcmp(kind, "kecamatan") == 0)
			a->scope = kecamatan_code(code);
		else if (strcmp(kind, "kelurahan") == 0)
			a->scope = util_kelurahan(code);
		else
			return false;
		if (a->scope == NULL) {
			fprintf(stderr, "sigacor-server: %s: %s\n", code,
				_("bukan kode kecamatan atau kelurahan Kota Tangerang"));
			return false;
		}
	}
	return a->name != NULL && a->dir != NULL && a->scope != NULL;
}

static bool save_supervisor(sdb *db, const struct supervisor_args *a, const char *hash,
	bool *existed)
{
	sdb_stmt *st;
	*existed = false;
	/* an update ends the supervisor's sessions: a new password or scope
	 * must not leave an old cookie working */
	if (sdb_prepare(db, "DELETE FROM web_sessions WHERE supervisor_id = "
		"(SELECT id FROM supervisors WHERE name = ?)", -1, &st, NULL) != SDB_OK)
		return false;
	sdb_bind_text(st, 1, a->name, -1, SDB_STATIC);
	bool ok = sdb_step(st) == SDB_DONE;
	*existed = sdb_changes(db) > 0;
	sdb_finalize(st);
	if (!ok || sdb_prepare(db, "INSERT INTO supervisors(name, pwhash, scope, created_at) "
		"VALUES (?1, ?2, ?3, ?4) ON CONFLICT(name) DO UPDATE SET pwhash = ?2, scope = ?3, "
		"disabled = 0", -1, &st, NULL) != SDB_OK)
		return false;
	sdb_bind_text(st, 1, a->name, -1, SDB_STATIC);
	sdb_bind_text(st, 2, hash, -1, SDB_STATIC);
	sdb_bind_text(st, 3, a->scope, -1, SDB_STATIC);
	sdb_bind_int64(st, 4, util_now());
	ok = sdb_step(st) == SDB_DONE;
	sdb_finalize(st);
	return ok;
}

int admin_add_supervisor(int argc, char **argv)
{
	struct supervisor_args a;
	if (!parse_args(argc, argv, &a)) {
		fprintf(stderr, "%s", _("Pemakaian: sigacor-server add-supervisor NAMA --scope city|"
			"kecamatan KODE|kelurahan KODE --data FOLDER\n"));
		return 2;
	}
	if (!proto_is_operator_name(a.name)) {
		fprintf(stderr, "sigacor-server: %s: %s\n", a.name,
			_("nama hanya boleh huruf kecil a-z, angka, titik, garis bawah dan tanda hubung (maks. 63)"));
		return 2;
	}
	char hash[crypto_pwhash_STRBYTES];
	int status = admin_password_hash(hash);
	if (status != 0)
		return status;
	if (!db_prepare_dir(a.dir, true))
		return 1;
	sdb *db = db_open(a.dir);
	bool existed = false;
	if (db == NULL || !db_begin(db) || !save_supervisor(db, &a, hash, &existed) || !db_commit(db)) {
		if (db != NULL) {
			db_rollback(db);
			sdb_close(db);
		}
		return 1;
	}
	sdb_close(db);
	printf(_("pengawas %s disimpan (wilayah: %s %s)\n"), a.name, supervisor_scope_kind(a.scope),
		a.scope);
	return 0;
}
