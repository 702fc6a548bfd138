/* test_store: the store against a real SQLite file in a temp folder. */
#include "config.h"
#include "store.h"
#include "photo.h"
#include "tap.h"
#include "store/fixture.h"

#include <dirent.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <utime.h>

/* Registry people: A and B share KK1, C is in KK2; D is not in the registry. */
#define NIK_A "3671011503850002"
#define NIK_B "3671075503850002"
#define NIK_C "3671137112990001"
#define NIK_D "3671090101000001"
#define KK1 "3671010101090001"
#define KK2 "3671130101100002"
#define HEADER "nik,kk,name,sex,birth_place,birth_date,address,rt,rw,kelurahan\n"
#define ROW_A NIK_A "," KK1 ",Budi Santoso,L,Tangerang,1985-03-15,Jl. Merdeka 1,1,2,36.71.01.1001\n"
#define ROW_B NIK_B "," KK1 ",\"Siti Aminah, S.Pd\",p,Jakarta,1985-03-15,Jl. Merdeka 1,001,002,3671011001\n"
#define ROW_C NIK_C "," KK2 ",Dewi Lestari,P,Tangerang,1999-12-31,Jl. Ciledug 5,7,3,36.71.13.1001\n"

static char root[4096], dir[4200], files[4200];

static void path_in(char *buf, size_t len, const char *base, const char *name)
{
	snprintf(buf, len, "%s/%s", base, name);
}

static struct store *open_store(void)
{
	struct store *s = NULL;
	char err[512];
	enum store_status st = store_open(dir, &s, err, sizeof err);
	if (st != STORE_OK)
		tap_diag("store_open: %s", err);
	return s;
}

static enum store_status import_text(struct store *s, const char *text, long *rows)
{
	char path[4300];
	path_in(path, sizeof path, files, "residents.csv");
	fixture_write_text(path, text);
	FILE *f = fopen(path, "rb");
	enum store_status st = store_import_residents(s, f, NULL, NULL, rows);
	fclose(f);
	return st;
}

static void make_photo(const char *name, double lat, double lon, bool gps, const char *salt,
	char *path, size_t len)
{
	struct fixture_photo spec = { gps, lat, lon, "2025:03:14 09:21:05", salt };
	path_in(path, len, files, name);
	fixture_jpeg(path, &spec);
}

static int count_photo_files(void)
{
	char photos[4300];
	path_in(photos, sizeof photos, dir, "photos");
	int n = 0;
	DIR *d = opendir(photos);
	struct dirent *e;
	while (d != NULL && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		char sub[4600];
		path_in(sub, sizeof sub, photos, e->d_name);
		DIR *sd = opendir(sub);
		struct dirent *f;
		while (sd != NULL && (f = readdir(sd)) != NULL)
			n += f->d_name[0] != '.' || strncmp(f->d_name, ".tmp-", 5) == 0;
		if (sd != NULL)
			closedir(sd);
	}
	if (d != NULL)
		closedir(d);
	return n;
}

/* one number from the database of a profile's folder (read-only) */
static long long profile_int(const char *folder, const char *sql)
{
	char db[4400];
	path_in(db, sizeof db, folder, "sigacor.db");
	sqlite3 *h;
	sqlite3_stmt *st;
	long long v = -1;
	if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
		sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			v = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	sqlite3_close(h);
	return v;
}

static long long query_int(const char *sql)
{
	return profile_int(dir, sql);
}

/* ---------------------------------------------------------------- open */

static void test_open(void)
{
	struct store *s = open_store();
	ok(s != NULL, "open creates the profile");
	struct stat sb;
	ok(stat(dir, &sb) == 0 && (sb.st_mode & 0777) == 0700, "profile folder is 0700");
	char db[4300];
	path_in(db, sizeof db, dir, "sigacor.db");
	ok(stat(db, &sb) == 0 && (sb.st_mode & 0777) == 0600, "database file is 0600");
	is_int(query_int("PRAGMA user_version"), 12, "schema version 12");
	is_int(query_int("PRAGMA application_id"), 0x53494741, "application_id marks the file");
	char mode[16] = "";
	sqlite3 *h;
	sqlite3_open(db, &h);
	sqlite3_stmt *st;
	sqlite3_prepare_v2(h, "PRAGMA journal_mode", -1, &st, NULL);
	if (sqlite3_step(st) == SQLITE_ROW)
		snprintf(mode, sizeof mode, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(h);
	is_str(mode, "wal", "journal mode is WAL");
	is_str(store_operator(s), strrchr(dir, '/') + 1, "operator is the profile folder's name");
	store_close(s);
	s = open_store();
	ok(s != NULL, "reopening (migrations already done) works");
	store_close(s);

	/* somebody else's database in the profile's place */
	char other[4300], odb[4400], err[512];
	path_in(other, sizeof other, root, "other");
	mkdir(other, 0700);
	path_in(odb, sizeof odb, other, "sigacor.db");
	sqlite3_open(odb, &h);
	sqlite3_exec(h, "CREATE TABLE t (x)", NULL, NULL, NULL);
	sqlite3_close(h);
	enum store_status rc = store_open(other, &s, err, sizeof err);
	ok(rc == STORE_IO && s == NULL, "a foreign database is refused");
	ok(strstr(err, "bukan data sigacor") != NULL, "... saying so: %s", err);
	is_int(query_int("SELECT count(*) FROM residents"), 0, "our database untouched");

	/* a database from a newer sigacor */
	char newer[4300], ndb[4400];
	path_in(newer, sizeof newer, root, "newer");
	s = NULL;
	char err2[512];
	store_open(newer, &s, err2, sizeof err2);
	store_close(s);
	path_in(ndb, sizeof ndb, newer, "sigacor.db");
	sqlite3_open(ndb, &h);
	sqlite3_exec(h, "PRAGMA user_version = 99", NULL, NULL, NULL);
	sqlite3_close(h);
	rc = store_open(newer, &s, err, sizeof err);
	ok(rc == STORE_IO && strstr(err, "lebih baru") != NULL, "a newer schema is refused: %s", err);

	/* a file where the profile folder should be */
	char notdir[4300];
	path_in(notdir, sizeof notdir, root, "plainfile");
	fixture_write_text(notdir, "x");
	ok(store_open(notdir, &s, err, sizeof err) == STORE_IO, "a file in the folder's place: STORE_IO (%s)", err);
}

/* ---------------------------------------------------------------- residents */

static void test_import_good(struct store *s)
{
	long rows = -1;
	enum store_status st = import_text(s, "\xEF\xBB\xBF" HEADER ROW_A ROW_B ROW_C "\n", &rows);
	is_int(st, STORE_OK, "import a good file (BOM, quoted comma, trailing blank line)");
	is_int(rows, 3, "3 rows imported");
	is_int(store_resident_count(s), 3, "registry holds 3");
	struct resident r;
	is_int(store_resident_get(s, NIK_B, &r), STORE_OK, "lookup B");
	is_str(r.name, "Siti Aminah, S.Pd", "name with a comma");
	is_str(r.sex, "P", "sex upper-cased");
	is_str(r.kelurahan, "36.71.01.1001", "10-digit kelurahan stored dotted");
	is_str(r.kk, KK1, "kk");
	is_int(store_resident_get(s, NIK_C, &r), STORE_OK, "lookup C");
	is_str(r.rt, "007", "rt zero-padded");
	is_str(r.rw, "003", "rw zero-padded");
	is_str(r.birth_date, "1999-12-31", "birth date");
	is_int(store_resident_get(s, "3671-0115-0385-0002", &r), STORE_OK, "lookup with dashes");
	is_int(store_resident_get(s, NIK_D, &r), STORE_NOT_FOUND, "a NIK not in the registry");
	ok(strstr(store_error(s), NIK_D) != NULL, "... the message names it");
	is_int(store_resident_get(s, "36710115038500x2", &r), STORE_NOT_FOUND, "letters: not found");

	/* minimal columns, other order, unknown column ignored, upsert */
	st = import_text(s, "Kelurahan,extra,NAME,nik,kk\r\n36.71.01.1001,zz,Budi S.," NIK_A "," KK1 "\r\n", &rows);
	is_int(st, STORE_OK, "only the required columns, any order, CRLF");
	is_int(store_resident_count(s), 3, "re-import updates (upsert), adds none");
	store_resident_get(s, NIK_A, &r);
	is_str(r.name, "Budi S.", "the name is updated");
	is_str(r.birth_place, "", "a column absent from the file is emptied");

	struct resident many[8];
	is_int(store_residents_by_kk(s, KK1, many, 8), 2, "two members in KK1");
	is_int(store_residents_search(s, "367113", many, 8), 1, "search by NIK prefix");
	is_str(many[0].nik, NIK_C, "... finds C");
	is_int(store_residents_search(s, "aminah", many, 8), 1, "search by part of the name, any case");
	is_int(store_residents_search(s, "%", many, 8), 0, "a %% is not a wildcard");
	/* one keying slip from a registered NIK */
	is_int(store_residents_near_nik(s, "3671011503850003", NULL, many, 8), 1, "near: one digit replaced");
	is_str(many[0].nik, NIK_A, "... finds A");
	is_int(store_residents_near_nik(s, "3671011503850020", NULL, many, 8), 1, "near: two neighbours swapped");
	is_str(many[0].nik, NIK_A, "... finds A");
	is_int(store_residents_near_nik(s, "3671011503850003", "36.71.13.1001", many, 8), 0,
		"near: only in the kelurahan asked for");
	is_int(store_residents_near_nik(s, "3671011503850003", "36.71.01.1001", many, 8), 1,
		"near: ... A is in its own");
	is_int(store_residents_near_nik(s, NIK_A, NULL, many, 8), 0, "near: a registered NIK is not its own neighbour");
	is_int(store_residents_near_nik(s, "3671011503850113", NULL, many, 8), 0, "near: two digits off is not near");
	is_int(store_residents_near_nik(s, "3671011503850003", NULL, many, 0), 0, "near: max 0");
	char buf[32];
	ok(store_meta_get(s, "residents_import_rows", buf, sizeof buf) && strcmp(buf, "1") == 0,
		"import rows kept in meta");
}

/* A resident found without the NIK: by the beginning of the words of the
 * name (any case, accents ignored) or by KK; the index follows every import. */
static void test_find(void)
{
	char finder[4300], err[512];
	path_in(finder, sizeof finder, root, "profile/finder");
	struct store *s = NULL;
	if (store_open(finder, &s, err, sizeof err) != STORE_OK) {
		ok(false, "open a second profile: %s", err);
		return;
	}
	long rows = 0;
	is_int(import_text(s, HEADER
		NIK_A "," KK1 ",Jos\xC3\xA9 S\xC3\xB9trisno,L,,,Jl. Merdeka 1,1,2,36.71.01.1001\n"
		NIK_B "," KK1 ",SITI AMINAH,P,,,Jl. Merdeka 1,1,2,36.71.01.1001\n"
		NIK_C "," KK2 ",Siti Nurhaliza,P,,,Jl. Ciledug 5,7,3,36.71.13.1001\n", &rows),
		STORE_OK, "import three residents, one name with accents");
	struct resident found[8];
	is_int(store_residents_find(s, "jose", found, 8), 1, "'jose' finds Jos\xC3\xA9 (accent and case ignored)");
	is_str(found[0].nik, NIK_A, "... the NIK is A's");
	is_int(store_residents_find(s, "SUTRI", found, 8), 1, "'SUTRI' finds S\xC3\xB9trisno (a word's beginning)");
	is_int(store_residents_find(s, "siti", found, 8), 2, "'siti' finds both Sitis");
	is_str(found[0].name, "SITI AMINAH", "... by name: Aminah first");
	is_str(found[1].name, "Siti Nurhaliza", "... then Nurhaliza");
	is_int(store_residents_find(s, "siti nur", found, 8), 1, "'siti nur': every word must match");
	is_str(found[0].nik, NIK_C, "... Nurhaliza");
	is_int(store_residents_find(s, "amin", found, 8), 1, "the beginning of the second word");
	is_int(store_residents_find(s, "minah", found, 8), 0, "the middle of a word is not a match");
	is_int(store_residents_find(s, "siti", found, 1), 1, "at most max");
	is_int(store_residents_find(s, "\"*) OR", found, 8), 0, "FTS syntax is taken as words, not run");
	is_int(store_residents_find(s, "", found, 8), 0, "nothing typed: nothing found");
	is_int(store_residents_find(s, KK1, found, 8), 2, "by KK: both members of KK1");
	is_int(store_residents_find(s, "3671 1301 0110 0002", found, 8), 1, "by KK typed with spaces");
	is_str(found[0].nik, NIK_C, "... C");
	is_int(store_residents_find(s, "367101", found, 8), 2, "by the beginning of a KK");
	is_int(import_text(s, "nik,kk,name,kelurahan\n" NIK_C "," KK2 ",Dewi Lestari,36.71.13.1001\n", &rows),
		STORE_OK, "a re-import renames C");
	is_int(store_residents_find(s, "nurhaliza", found, 8), 0, "the old name is no longer found");
	is_int(store_residents_find(s, "dewi", found, 8), 1, "the new one is");
	store_close(s);
}

/* a profile's residents made as schema 10 had them: the NIK the table's
 * primary key; the rowids spread apart (as deletions leave them) and the
 * name index made over them */
#define RESIDENTS_SCHEMA_10 "CREATE TABLE residents_v10 (" \
	" nik TEXT PRIMARY KEY NOT NULL CHECK (length(nik) = 16), kk TEXT NOT NULL," \
	" name TEXT NOT NULL, sex TEXT NOT NULL DEFAULT '', birth_place TEXT NOT NULL DEFAULT ''," \
	" birth_date TEXT NOT NULL DEFAULT '', address TEXT NOT NULL DEFAULT ''," \
	" rt TEXT NOT NULL DEFAULT '', rw TEXT NOT NULL DEFAULT '', kelurahan TEXT NOT NULL," \
	" import_batch INTEGER NOT NULL DEFAULT 0, import_line INTEGER NOT NULL DEFAULT 0);" \
	" INSERT INTO residents_v10 (rowid, nik, kk, name, sex, birth_place, birth_date, address," \
	" rt, rw, kelurahan, import_batch, import_line) SELECT rowid * 7, nik, kk, name, sex," \
	" birth_place, birth_date, address, rt, rw, kelurahan, import_batch, import_line" \
	" FROM residents; DROP TABLE residents; ALTER TABLE residents_v10 RENAME TO residents;" \
	" CREATE INDEX residents_kk ON residents (kk);" \
	" INSERT INTO residents_name (residents_name) VALUES ('rebuild'); PRAGMA user_version = 10"

/* Schema 11 makes the NIK unique by an index, not the primary key: a copy
 * of schema 10 keeps its rows, their rowids (the name index points at
 * them) and a NIK that stays unique.  Schema 12 makes the name index
 * again, without the names' sizes. */
static void test_residents_migration(void)
{
	char finder[4300], db[4400], err[512];
	path_in(finder, sizeof finder, root, "profile/finder");
	path_in(db, sizeof db, finder, "sigacor.db");
	sqlite3 *h;
	ok(sqlite3_open(db, &h) == SQLITE_OK && sqlite3_exec(h, RESIDENTS_SCHEMA_10, NULL, NULL,
		NULL) == SQLITE_OK, "the copy made as schema 10 had it (NIK the primary key)");
	sqlite3_close(h);
	long long rowid_c = profile_int(finder, "SELECT rowid FROM residents WHERE nik = '" NIK_C "'");
	struct store *s = NULL;
	if (store_open(finder, &s, err, sizeof err) != STORE_OK) {
		ok(false, "a schema-10 profile opens: %s", err);
		return;
	}
	is_int(profile_int(finder, "PRAGMA user_version"), 12, "migrated to schema 12");
	is_int(profile_int(finder, "SELECT count(*) FROM sqlite_master WHERE name = 'residents_name_docsize'"),
		0, "the name index keeps no size of each name (schema 12)");
	is_int(profile_int(finder, "SELECT count(*) FROM sqlite_master WHERE name = 'residents_nik'"
		" AND sql LIKE 'CREATE UNIQUE INDEX%'"), 1, "the NIK's unique index is there");
	is_int(profile_int(finder, "SELECT rowid FROM residents WHERE nik = '" NIK_C "'"), rowid_c,
		"a resident keeps its rowid");
	struct resident found[8], r;
	is_int(store_residents_find(s, "dewi", found, 8), 1, "the name index still finds Dewi");
	is_str(found[0].nik, NIK_C, "... as C");
	ok(store_resident_get(s, NIK_A, &r) == STORE_OK && strcmp(r.kk, KK1) == 0,
		"a resident found by NIK");
	long rows = 0;
	is_int(import_text(s, "nik,kk,name,kelurahan\n" NIK_C "," KK2 ",Dewi Lestari Putri,"
		"36.71.13.1001\n", &rows), STORE_OK, "an import onto the migrated copy");
	is_int(profile_int(finder, "SELECT count(*) FROM residents WHERE nik = '" NIK_C "'"), 1,
		"the NIK once, renamed in place");
	store_close(s);
}

struct bad_case {
	const char *row;
	const char *expect;       /* in the message */
	const char *what;
};

static void test_import_bad(struct store *s)
{
	static const struct bad_case cases[] = {
		{ "36710115038500x2," KK1 ",X,L,,,,,,36.71.01.1001\n", "kolom nik", "letters in NIK" },
		{ "3671011513850001," KK1 ",X,L,,,,,,36.71.01.1001\n", "kolom nik", "month 13 in NIK" },
		{ NIK_D ",367101010109000,X,L,,,,,,36.71.01.1001\n", "kolom kk", "15-digit KK" },
		{ NIK_D "," KK1 ",,L,,,,,,36.71.01.1001\n", "kolom name", "empty name" },
		{ NIK_D "," KK1 ",X,X,,,,,,36.71.01.1001\n", "kolom sex", "sex X" },
		{ NIK_D "," KK1 ",X,L,,2000-02-30,,,,36.71.01.1001\n", "kolom birth_date", "30 February" },
		{ NIK_D "," KK1 ",X,L,,2999-01-01,,,,36.71.01.1001\n", "kolom birth_date", "future birth date" },
		{ NIK_D "," KK1 ",X,L,,,,1234,,36.71.01.1001\n", "kolom rt", "4-digit RT" },
		{ NIK_D "," KK1 ",X,L,,,,,,36.03.01.1001\n", "kolom kelurahan", "kelurahan outside the city" },
		{ NIK_D "," KK1 ",X\x01Y,L,,,,,,36.71.01.1001\n", "kolom name", "control character" },
		{ NIK_D "," KK1 ",\xC3\x28,L,,,,,,36.71.01.1001\n", "kolom name", "broken UTF-8" },
		{ NIK_D "," KK1 ",X,L,,,,,36.71.01.1001\n", "seharusnya 10", "a column missing" },
		{ NIK_D "," KK1 ",\"X,L,,,,,,36.71.01.1001\n", "Baris 4", "unterminated quote" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char text[1024];
		/* two good new rows first: they must not survive the broken third */
		snprintf(text, sizeof text, HEADER "3671011503850003," KK2 ",Good One,L,,,,,,36.71.01.1001\n"
			"3671011503850004," KK2 ",Good Two,L,,,,,,36.71.01.1001\n%s", cases[i].row);
		long rows = -1;
		enum store_status st = import_text(s, text, &rows);
		ok(st == STORE_REJECTED && strstr(store_error(s), cases[i].expect) != NULL &&
			(strstr(store_error(s), "Baris 4") != NULL),
			"%s: rejected at line 4 (%s)", cases[i].what, store_error(s));
		ok(store_resident_count(s) == 3 && rows == 0, "... nothing imported");
	}
	long rows;
	enum store_status st = import_text(s, HEADER ROW_C "3671011503850009," KK2 ",X,L,,,,,,36.71.01.1001\n" ROW_C, &rows);
	ok(st == STORE_REJECTED && strstr(store_error(s), "Baris 4") != NULL &&
		strstr(store_error(s), "baris 2") != NULL, "a NIK twice in the file names both lines: %s",
		store_error(s));
	is_int(store_resident_count(s), 3, "... nothing imported");
	st = import_text(s, "nik,kk,name\n" NIK_D "," KK1 ",X\n", &rows);
	ok(st == STORE_REJECTED && strstr(store_error(s), "kelurahan") != NULL,
		"a header without kelurahan: %s", store_error(s));
	st = import_text(s, "nik,kk,name,kelurahan,nik\n", &rows);
	ok(st == STORE_REJECTED && strstr(store_error(s), "dua kali") != NULL,
		"a column twice in the header: %s", store_error(s));
	st = import_text(s, "", &rows);
	ok(st == STORE_REJECTED && strstr(store_error(s), "kosong") != NULL, "an empty file: %s",
		store_error(s));
	st = import_text(s, "nik,kk,name,kelurahan\n", &rows);
	ok(st == STORE_OK && rows == 0, "a header alone imports nothing, fine");
}

/* The rows go into the table sorted by NIK (store/import.c), yet the fault
 * reported is still the first in the file, as a row-by-row import in file
 * order would find it: a NIK twice against an invalid row, and two NIKs
 * twice whose order by NIK is not their order in the file. */
#define LOW "3671011503850005"        /* sorts before HIGH */
#define HIGH "3671137112990005"
#define LOW_ROW(name) LOW "," KK2 "," name ",,,,,,,36.71.01.1001\n"
#define HIGH_ROW(name) HIGH "," KK2 "," name ",,,,,,,36.71.13.1001\n"
#define BAD_ROW NIK_D "," KK1 ",X,X,,,,,,36.71.01.1001\n"

static void test_import_first_fault(struct store *s)
{
	static const struct bad_case cases[] = {
		{ HEADER HIGH_ROW("Satu") HIGH_ROW("Dua") LOW_ROW("Tiga") LOW_ROW("Empat"),
			"Baris 3, kolom nik: NIK " HIGH " sudah ada di baris 2",
			"two NIKs twice, the later one by NIK first in the file" },
		{ HEADER LOW_ROW("Satu") LOW_ROW("Dua") HIGH_ROW("Tiga") HIGH_ROW("Empat"),
			"Baris 3, kolom nik: NIK " LOW " sudah ada di baris 2",
			"two NIKs twice, the earlier one by NIK first in the file" },
		{ HEADER HIGH_ROW("Satu") LOW_ROW("Dua") HIGH_ROW("Tiga") HIGH_ROW("Empat"),
			"Baris 4, kolom nik: NIK " HIGH " sudah ada di baris 2",
			"a NIK three times: its second line, naming the first" },
		{ HEADER HIGH_ROW("Satu") HIGH_ROW("Dua") BAD_ROW,
			"Baris 3, kolom nik", "a NIK twice before an invalid row: the NIK" },
		{ HEADER HIGH_ROW("Satu") BAD_ROW HIGH_ROW("Dua"),
			"Baris 3, kolom sex", "an invalid row before a NIK twice: the row" },
		{ HEADER LOW_ROW("Satu") "3671011503850006,X\n" LOW_ROW("Dua"),
			"Baris 3: ada 2 kolom", "a short row before a NIK twice: the row" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		long rows = -1;
		enum store_status st = import_text(s, cases[i].row, &rows);
		ok(st == STORE_REJECTED && strstr(store_error(s), cases[i].expect) != NULL,
			"%s (%s)", cases[i].what, store_error(s));
		ok(store_resident_count(s) == 3 && rows == 0, "... nothing imported");
	}
}

/* A file in NIK order goes in as it is read; the first row out of order
 * undoes what went in and the file is read again, sorted (store/import.c).
 * Each way the registry ends the same: every row once, as in the file. */
#define MID "3671075503850002"         /* between LOW and HIGH */
#define MID_ROW(name) MID "," KK1 "," name ",,,,,,,36.71.07.1001\n"

static void test_import_order(void)
{
	char other[4300], err[512];
	path_in(other, sizeof other, root, "profile/order");
	struct store *s = NULL;
	if (store_open(other, &s, err, sizeof err) != STORE_OK) {
		ok(false, "open a profile for the order: %s", err);
		return;
	}
	static const struct { const char *csv, *mid_name, *what; } cases[] = {
		{ HEADER LOW_ROW("Satu") MID_ROW("Dua") HIGH_ROW("Tiga"), "Dua",
			"a file in NIK order" },
		{ HEADER LOW_ROW("Empat") HIGH_ROW("Lima") MID_ROW("Enam"), "Enam",
			"in NIK order but its last row (read again, sorted; the first try undone)" },
		{ HEADER HIGH_ROW("Tujuh") MID_ROW("Delapan") LOW_ROW("Sembilan"), "Delapan",
			"in reverse order" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		long rows = -1;
		struct resident r;
		enum store_status st = import_text(s, cases[i].csv, &rows);
		ok(st == STORE_OK && rows == 3 && store_resident_count(s) == 3 &&
			store_resident_get(s, MID, &r) == STORE_OK && strcmp(r.name, cases[i].mid_name) == 0,
			"%s: 3 rows, each once, as in the file (%s)", cases[i].what, store_error(s));
	}
	/* a pipe cannot be read twice: sorted whatever its order */
	FILE *pipe = popen("printf '" HEADER HIGH_ROW("Sepuluh") LOW_ROW("Sebelas") "'", "r");
	long rows = -1;
	ok(pipe != NULL && store_import_residents(s, pipe, NULL, NULL, &rows) == STORE_OK &&
		rows == 2, "out of order from a pipe: 2 rows (%s)", store_error(s));
	if (pipe != NULL)
		pclose(pipe);
	struct resident r;
	ok(store_resident_get(s, LOW, &r) == STORE_OK && strcmp(r.name, "Sebelas") == 0,
		"... as in the pipe");
	store_close(s);
}

/* ---------------------------------------------------------------- photos */

static void test_photo_import(struct store *s, char sha_out[65])
{
	char path[4300], stored[4400];
	struct record_photo slot;
	make_photo("rumah.jpg", -6.190364, 106.626122, true, "one", path, sizeof path);
	is_int(store_photo_import(s, path, &slot), STORE_OK, "import a photo");
	char want[65];
	photo_sha256_file(path, want);
	is_str(slot.sha256, want, "slot has the file's SHA-256");
	ok(slot.attached && slot.has_gps && slot.lat < -6.19 && slot.lat > -6.191 &&
		slot.lon > 106.626 && slot.lon < 106.627, "slot has the EXIF position");
	is_str(slot.original_name, "rumah.jpg", "original name is the file name, not the path");
	is_str(slot.taken_at, "2025-03-14 09:21:05", "taken_at from EXIF");
	ok(store_photo_path(s, slot.sha256, stored, sizeof stored), "stored path");
	char expect_tail[80];
	snprintf(expect_tail, sizeof expect_tail, "/photos/%.2s/%s.jpg", want, want);
	ok(strstr(stored, expect_tail) != NULL, "stored as photos/ab/<sha256>.jpg");
	struct stat sb;
	ok(stat(stored, &sb) == 0 && (sb.st_mode & 0777) == 0600 && sb.st_size == slot.size,
		"stored file is 0600 and whole");
	char got[65];
	ok(photo_sha256_file(stored, got) && strcmp(got, want) == 0, "stored file has the right hash");
	struct record_photo again;
	is_int(store_photo_import(s, path, &again), STORE_OK, "import the same photo again");
	is_int(count_photo_files(), 1, "the file is reused, no temp file left");
	memcpy(sha_out, want, 65);
	ok(strcmp(slot.original_sha256, want) == 0 && slot.original_size == slot.size &&
		slot.original_width == 1 && slot.original_height == 1,
		"a small photo is kept as it is: the original is the file");

	/* a phone-sized photo: the kept file is its smaller copy, the slot
	 * says what the clerk picked */
	char big[4300];
	struct fixture_photo spec = { true, -6.190364, 106.626122, "2025:03:14 09:21:05",
		"big", 2400, 1800 };
	path_in(big, sizeof big, files, "IMG_2031.jpg");
	fixture_jpeg(big, &spec);
	struct photo_facts orig, kept;
	photo_read(big, PHOTO_READ_EXIF | PHOTO_READ_HASH, &orig);
	struct record_photo copy;
	is_int(store_photo_import(s, big, &copy), STORE_OK, "import a 2400x1800 photo");
	ok(strcmp(copy.original_sha256, orig.sha256) == 0 && copy.original_size == orig.size &&
		copy.original_width == 2400 && copy.original_height == 1800,
		"the slot keeps the original's SHA-256, size and pixel size");
	ok(strcmp(copy.sha256, orig.sha256) != 0 && copy.size < orig.size,
		"the kept file is the smaller copy (%lld bytes from %lld)", (long long)copy.size,
		(long long)orig.size);
	ok(store_photo_path(s, copy.sha256, stored, sizeof stored) &&
		photo_read(stored, PHOTO_READ_EXIF | PHOTO_READ_HASH, &kept) == PHOTO_ERR_NONE &&
		strcmp(kept.sha256, copy.sha256) == 0 && kept.size == copy.size,
		"the copy is stored under its own hash, whole");
	ok(kept.gps.present && kept.gps.lat == orig.gps.lat && kept.gps.lon == orig.gps.lon &&
		strcmp(kept.taken_at, orig.taken_at) == 0, "the copy keeps the position and time");
	ok(copy.has_gps && copy.lat == orig.gps.lat, "the slot has the position");
	is_int(count_photo_files(), 2, "one more file, no temp file left");
	struct stat whole;
	char orig_path[4300];
	path_in(orig_path, sizeof orig_path, files, "IMG_2031.jpg");
	stat(orig_path, &whole);
	ok(truncate(orig_path, whole.st_size / 2) == 0, "cut the photo at half");
	ok(store_photo_import(s, orig_path, &copy) == STORE_REJECTED &&
		strstr(store_error(s), "terpotong") != NULL, "a cut photo: %s", store_error(s));
	is_int(count_photo_files(), 2, "nothing copied for the cut photo");

	/* what is not a photo */
	char empty[4300], png[4300];
	path_in(empty, sizeof empty, files, "empty.jpg");
	fixture_write(empty, "", 0);
	ok(store_photo_import(s, empty, &slot) == STORE_REJECTED &&
		strstr(store_error(s), "0 byte") != NULL, "a 0-byte file: %s", store_error(s));
	ok(store_photo_import(s, files, &slot) == STORE_REJECTED &&
		strstr(store_error(s), "folder") != NULL, "a directory: %s", store_error(s));
	path_in(png, sizeof png, files, "x.png");
	fixture_write(png, "\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);
	ok(store_photo_import(s, png, &slot) == STORE_REJECTED &&
		strstr(store_error(s), "JPEG") != NULL, "a PNG: %s", store_error(s));
	path_in(png, sizeof png, files, "missing.jpg");
	ok(store_photo_import(s, png, &slot) == STORE_REJECTED, "a missing file: %s", store_error(s));
	is_int(count_photo_files(), 2, "nothing copied for rejected files");
}

/* ---------------------------------------------------------------- records */

static void attach(struct store *s, struct record *r, enum photo_kind k, const char *salt,
	bool gps)
{
	char path[4300], name[64];
	snprintf(name, sizeof name, "%s.jpg", salt);
	make_photo(name, -6.190364, 106.626122, gps, salt, path, sizeof path);
	if (store_photo_import(s, path, &r->photos[k]) != STORE_OK)
		tap_diag("attach %s: %s", salt, store_error(s));
}

static void full_record(struct store *s, struct record *r, const char *nik, const char *salt)
{
	memset(r, 0, sizeof *r);
	snprintf(r->nik, sizeof r->nik, "%s", nik);
	snprintf(r->name, sizeof r->name, "Nama %s", salt);
	snprintf(r->kk, sizeof r->kk, "%s", strcmp(nik, NIK_C) == 0 ? KK2 : KK1);
	r->decision = DECISION_LAYAK;
	char ktp[32], kk[32], rumah[32];
	snprintf(ktp, sizeof ktp, "%s-ktp", salt);
	snprintf(kk, sizeof kk, "%s-kk", salt);
	snprintf(rumah, sizeof rumah, "%s-rumah", salt);
	attach(s, r, PHOTO_KIND_KTP, ktp, false);
	attach(s, r, PHOTO_KIND_KK, kk, false);
	attach(s, r, PHOTO_KIND_RUMAH, rumah, true);
	r->has_coord = true;
	r->lat = r->photos[PHOTO_KIND_RUMAH].lat;
	r->lon = r->photos[PHOTO_KIND_RUMAH].lon;
	r->coord_source = COORD_EXIF;
}

static void test_drafts(struct store *s, struct record *r)
{
	memset(r, 0, sizeof *r);
	snprintf(r->nik, sizeof r->nik, "%s", NIK_A);
	struct resident res;
	is_int(store_resident_get(s, NIK_A, &res), STORE_OK, "the NIK is in the registry");
	registry_fill_record(&res, r, NULL);
	snprintf(r->notes, sizeof r->notes, "rumah\nsemi permanen");
	attach(s, r, PHOTO_KIND_KTP, "draft-ktp", false);
	is_int(store_record_save(s, r), STORE_OK, "save a draft with one photo");
	is_int(strlen(r->uuid), 36, "a uuid was made");
	ok(r->uuid[14] == '4', "uuid version 4: %s", r->uuid);
	ok(r->in_registry, "the store keeps in_registry as the fill-in set it");
	ok(r->state == STATE_DRAFT && r->created_at > 0 && r->updated_at >= r->created_at,
		"state and times");
	is_str(r->operator_name, store_operator(s), "operator defaults to the profile");
	struct record *g = calloc(1, sizeof *g);
	is_int(store_record_get(s, r->uuid, g), STORE_OK, "get it back");
	is_str(g->notes, r->notes, "notes (two lines) kept");
	ok(g->photos[PHOTO_KIND_KTP].attached && !g->photos[PHOTO_KIND_KK].attached &&
		strcmp(g->photos[PHOTO_KIND_KTP].sha256, r->photos[PHOTO_KIND_KTP].sha256) == 0,
		"photo rows come back");
	ok(!g->has_coord, "no coordinate: NULL, not 0,0");
	char uuid[40];
	memcpy(uuid, r->uuid, sizeof uuid);
	snprintf(r->notes, sizeof r->notes, "diubah");
	r->photos[PHOTO_KIND_KTP].attached = false;
	is_int(store_record_save(s, r), STORE_OK, "update the draft, photo detached");
	store_record_get(s, uuid, g);
	ok(strcmp(g->notes, "diubah") == 0 && !g->photos[PHOTO_KIND_KTP].attached, "update kept");
	is_int(query_int("SELECT count(*) FROM record_photos"), 0, "its photo row is gone");

	struct record *bad = calloc(1, sizeof *bad);
	*bad = *r;
	memcpy(bad->nik, "36710115038500x2", 17);
	is_int(store_record_save(s, bad), STORE_REJECTED, "letters in the NIK: rejected");
	*bad = *r;
	snprintf(bad->uuid, sizeof bad->uuid, "00000000-0000-4000-8000-000000000000");
	is_int(store_record_save(s, bad), STORE_NOT_FOUND, "an unknown uuid: not found");
	*bad = *r;
	bad->photos[PHOTO_KIND_KK].attached = true;
	memset(bad->photos[PHOTO_KIND_KK].sha256, 'a', 64);
	bad->photos[PHOTO_KIND_KK].size = 10;
	ok(store_record_save(s, bad) == STORE_REJECTED && strstr(store_error(s), "kk") != NULL,
		"a photo not in the store: %s", store_error(s));
	*bad = *r;
	bad->uuid[0] = '\0';
	snprintf(bad->kelurahan, sizeof bad->kelurahan, "36.03.01.1001");
	is_int(store_record_save(s, bad), STORE_REJECTED, "an unknown kelurahan: rejected");
	ok(bad->uuid[0] == '\0', "... and the record is left as it was");
	is_int(query_int("SELECT count(*) FROM records"), 1, "nothing half-written");
	free(bad);
	free(g);
}

static void test_finalise(struct store *s, struct record *r)
{
	full_record(s, r, NIK_A, "fin");
	r->photos[PHOTO_KIND_RUMAH].attached = false;
	r->has_coord = false;
	unsigned problems = 0;
	enum store_status st = store_record_finalise(s, r, &problems);
	ok(st == STORE_REJECTED, "finalise without the house photo: rejected (%s)", store_error(s));
	ok(problems & (1u << RECORD_ERR_PHOTO_RUMAH), "... photo_rumah problem");
	ok(problems & (1u << RECORD_ERR_COORD), "... coord problem");
	ok(r->uuid[0] == '\0', "... no id handed out");
	is_int(query_int("SELECT count(*) FROM records WHERE state <> 'draft'"), 0, "nothing final");

	full_record(s, r, NIK_A, "fin");
	is_int(store_record_finalise(s, r, &problems), STORE_OK, "finalise a complete record");
	ok(r->state == STATE_FINAL && r->finalised_at > 0 && problems == 0, "state final");
	is_int(store_outbox_count(s), 1, "queued in the outbox");
	is_int(query_int("SELECT count(*) FROM record_photos"), 3, "three photo rows");

	/* frozen */
	struct record *copy = calloc(1, sizeof *copy);
	*copy = *r;
	snprintf(copy->notes, sizeof copy->notes, "ubah setelah final");
	is_int(store_record_save(s, copy), STORE_FROZEN, "saving a final record: frozen");
	is_int(store_record_finalise(s, copy, NULL), STORE_FROZEN, "finalising it again: frozen");
	is_int(store_record_delete_draft(s, r->uuid), STORE_FROZEN, "deleting it: frozen");
	store_record_get(s, r->uuid, copy);
	is_str(copy->notes, "", "its notes did not change");

	/* the database itself refuses, whatever code runs */
	char db[4300], sql[256];
	path_in(db, sizeof db, dir, "sigacor.db");
	sqlite3 *h;
	sqlite3_open(db, &h);
	snprintf(sql, sizeof sql, "UPDATE records SET notes = 'x' WHERE uuid = '%s'", r->uuid);
	ok(sqlite3_exec(h, sql, NULL, NULL, NULL) == SQLITE_CONSTRAINT, "trigger: no UPDATE of a final record");
	snprintf(sql, sizeof sql, "DELETE FROM record_photos WHERE uuid = '%s'", r->uuid);
	ok(sqlite3_exec(h, sql, NULL, NULL, NULL) == SQLITE_CONSTRAINT, "trigger: its photos stay");
	sqlite3_close(h);
	free(copy);
}

static void test_supersede(struct store *s, const struct record *final, struct record *r)
{
	full_record(s, r, NIK_A, "fix");
	snprintf(r->supersedes, sizeof r->supersedes, "%s", final->uuid);
	r->decision = DECISION_TIDAK_LAYAK;
	r->reason = REASON_PINDAH;
	is_int(store_record_finalise(s, r, NULL), STORE_OK, "a correction supersedes the final record");
	struct record *g = calloc(1, sizeof *g);
	store_record_get(s, r->uuid, g);
	is_str(g->supersedes, final->uuid, "supersedes kept");
	store_record_get(s, final->uuid, g);
	ok(g->state == STATE_FINAL && g->decision == DECISION_LAYAK, "the old record is unchanged");
	free(g);

	struct record *bad = calloc(1, sizeof *bad);
	full_record(s, bad, NIK_C, "fixbad");
	snprintf(bad->supersedes, sizeof bad->supersedes, "00000000-0000-4000-8000-000000000000");
	is_int(store_record_save(s, bad), STORE_REJECTED, "supersedes a missing record: rejected");
	bad->supersedes[0] = '\0';
	store_record_save(s, bad);
	struct record *corr = calloc(1, sizeof *corr);
	full_record(s, corr, NIK_C, "fixbad2");
	snprintf(corr->supersedes, sizeof corr->supersedes, "%s", bad->uuid);
	ok(store_record_save(s, corr) == STORE_REJECTED && strstr(store_error(s), "draf") != NULL,
		"supersedes a draft: rejected (%s)", store_error(s));
	store_record_delete_draft(s, bad->uuid);
	free(corr);
	free(bad);
}

static void test_warnings(struct store *s, const struct record *fixrec, const char *draft)
{
	is_int(store_record_delete_draft(s, draft), STORE_OK, "delete the first draft");
	is_int(query_int("SELECT count(*) FROM record_photos WHERE uuid NOT IN"
		" (SELECT uuid FROM records)"), 0, "... no photo row left behind");
	struct record *r = calloc(1, sizeof *r);
	full_record(s, r, NIK_A, "fix");     /* the same photos as the correction */
	unsigned w = store_record_warnings(s, r);
	ok(w & (1u << RECORD_WARN_NIK_DUPLICATE), "another record of the NIK: nik_duplicate");
	ok(w & (1u << RECORD_WARN_PHOTO_REUSED), "photos used by another record: photo_reused");

	full_record(s, r, NIK_A, "fresh");
	snprintf(r->supersedes, sizeof r->supersedes, "%s", fixrec->uuid);
	w = store_record_warnings(s, r);
	ok(!(w & (1u << RECORD_WARN_NIK_DUPLICATE)), "a further correction of the same line: no nik_duplicate");
	ok(!(w & (1u << RECORD_WARN_PHOTO_REUSED)), "new photos: no photo_reused");

	full_record(s, r, NIK_B, "member");
	w = store_record_warnings(s, r);
	ok(!(w & (1u << RECORD_WARN_KK_LAYAK)),
		"KK1: A's layak record was corrected to tidak layak: no kk_layak");
	is_int(store_record_save(s, r), STORE_OK, "B marked layak (draft)");
	full_record(s, r, NIK_C, "other-kk");
	w = store_record_warnings(s, r);
	ok(!(w & (1u << RECORD_WARN_KK_LAYAK)) && !(w & (1u << RECORD_WARN_NIK_DUPLICATE)),
		"a record of another KK: no kk_layak, no nik_duplicate");
	is_int(store_record_save(s, r), STORE_OK, "C marked layak (draft)");
	struct record *d = calloc(1, sizeof *d);
	full_record(s, d, NIK_D, "outsider");
	snprintf(d->kk, sizeof d->kk, "%s", KK2);
	w = store_record_warnings(s, d);
	ok(w & (1u << RECORD_WARN_KK_LAYAK), "another member of KK2 already layak: kk_layak");
	full_record(s, d, NIK_A, "member2");
	d->kk[0] = '\0';                 /* from the registry: KK1 */
	w = store_record_warnings(s, d);
	ok(w & (1u << RECORD_WARN_KK_LAYAK), "KK taken from the registry: B (KK1) is layak: kk_layak");
	free(d);
	free(r);
}

static bool collect(const struct record *r, void *ctx)
{
	char *out = ctx;
	size_t n = strlen(out);
	snprintf(out + n, 2048 - n, "%s:%s;", r->nik, record_state_code(r->state));
	return true;
}

static bool first_only(const struct record *r, void *ctx)
{
	(*(int *)ctx)++;
	return false;
}

static void test_lists(struct store *s)
{
	int64_t counts[STATE_COUNT];
	store_record_counts(s, counts);
	ok(counts[STATE_DRAFT] == 2 && counts[STATE_FINAL] == 2 && counts[STATE_ACCEPTED] == 0,
		"counts: 2 draft, 2 final (%lld, %lld)", (long long)counts[STATE_DRAFT],
		(long long)counts[STATE_FINAL]);
	char out[2048] = "";
	struct store_filter f = { NULL, -1, NULL, 0, 0 };
	is_int(store_record_list(s, &f, collect, out), 4, "list all: 4");
	out[0] = '\0';
	f.state = STATE_FINAL;
	is_int(store_record_list(s, &f, collect, out), 2, "list final: 2");
	ok(strstr(out, "draft") == NULL, "... none is a draft: %s", out);
	f.state = -1;
	f.text = "367113";
	out[0] = '\0';
	ok(store_record_list(s, &f, collect, out) == 1 && strstr(out, NIK_C) != NULL,
		"filter by NIK prefix: %s", out);
	f.text = "fresh";
	is_int(store_record_list(s, &f, collect, out), 0, "filter by name: no such name");
	f.text = "NAMA OTHER";
	is_int(store_record_list(s, &f, collect, out), 1, "filter by part of the name, any case");
	f.text = NULL;
	f.rw = "3";
	out[0] = '\0';
	ok(store_record_list(s, &f, collect, out) == 1 && strstr(out, NIK_C) != NULL,
		"filter by RW (registry, 3 = 003): %s", out);
	f.rw = NULL;
	f.limit = 1;
	f.offset = 1;
	is_int(store_record_list(s, &f, collect, out), 1, "limit and offset");
	f.limit = 0;
	f.offset = 0;
	int seen = 0;
	is_int(store_record_list(s, &f, first_only, &seen), 1, "stops when each returns false");
}

static void test_outbox(struct store *s, const struct record *final)
{
	struct store_outbox_item items[4];
	size_t n = store_outbox_due(s, time(NULL), items, 4);
	is_int(n, 2, "two records due");
	is_int(store_outbox_sending(s, final->uuid), STORE_OK, "mark sending");
	struct record *g = calloc(1, sizeof *g);
	store_record_get(s, final->uuid, g);
	is_int(g->state, STATE_SENDING, "state sending");
	is_int(store_outbox_retry(s, final->uuid, time(NULL) + 600, "timeout"), STORE_OK, "retry later");
	is_int(store_outbox_due(s, time(NULL), items, 4), 1, "not due until then");
	is_int(store_record_settle(s, final->uuid, STATE_ACCEPTED, ""), STORE_OK, "accepted");
	store_record_get(s, final->uuid, g);
	ok(g->state == STATE_ACCEPTED && g->decision == DECISION_LAYAK, "state accepted, content intact");
	is_int(store_outbox_count(s), 1, "out of the queue");
	is_int(store_record_settle(s, final->uuid, STATE_DRAFT, ""), STORE_REJECTED, "settle to draft: refused");
	is_int(store_outbox_sending(s, "nope"), STORE_NOT_FOUND, "unknown uuid: not found");
	free(g);
}

static void test_discard(struct store *s)
{
	char path[4300], stored[4400];
	struct record_photo slot;
	make_photo("loose.jpg", 0, 0, false, "loose", path, sizeof path);
	store_photo_import(s, path, &slot);
	store_photo_path(s, slot.sha256, stored, sizeof stored);
	struct stat sb;
	ok(stat(stored, &sb) == 0, "a photo no record names");
	is_int(store_photo_discard(s, slot.sha256), STORE_OK, "discard it");
	ok(stat(stored, &sb) != 0, "... the file is gone");
	int before = count_photo_files();
	char sha[65];
	if (query_int("SELECT count(*) FROM record_photos") > 0) {
		char db[4300];
		path_in(db, sizeof db, dir, "sigacor.db");
		sqlite3 *h;
		sqlite3_stmt *st;
		sqlite3_open(db, &h);
		sqlite3_prepare_v2(h, "SELECT sha256 FROM record_photos LIMIT 1", -1, &st, NULL);
		sqlite3_step(st);
		snprintf(sha, sizeof sha, "%s", (const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
		sqlite3_close(h);
		store_photo_discard(s, sha);
	}
	is_int(count_photo_files(), before, "a photo a record names is kept");
}

static void test_busy(struct store *s)
{
	struct store *s2 = open_store();
	ok(s2 != NULL, "a second connection on the same profile");
	is_int(store_meta_set(s2, "k", "v2"), STORE_OK, "it writes");
	char buf[16] = "";
	ok(store_meta_get(s, "k", buf, sizeof buf) && strcmp(buf, "v2") == 0, "the first sees it");
	char db[4300];
	path_in(db, sizeof db, dir, "sigacor.db");
	sqlite3 *holder;
	sqlite3_open(db, &holder);
	ok(sqlite3_exec(holder, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK,
		"another process holds the write lock");
	store_set_busy_timeout(s, 100);
	struct record r;
	memset(&r, 0, sizeof r);
	snprintf(r.nik, sizeof r.nik, "%s", NIK_C);
	enum store_status st = store_record_save(s, &r);
	ok(st == STORE_BUSY, "a save meanwhile: STORE_BUSY");
	ok(strstr(store_error(s), "dipakai") != NULL, "... said plainly: %s", store_error(s));
	ok(r.uuid[0] == '\0', "... nothing handed out");
	ok(store_resident_count(s) == 3, "reading still works meanwhile");
	sqlite3_exec(holder, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(holder);
	is_int(store_record_save(s, &r), STORE_OK, "the same save once the lock is free");
	store_record_delete_draft(s, r.uuid);
	store_set_busy_timeout(s, 5000);
	store_close(s2);
}

static void test_tidy(void)
{
	char shard[4400], stale[4500], fresh[4500];
	snprintf(shard, sizeof shard, "%s/photos/00", dir);
	mkdir(shard, 0700);
	snprintf(stale, sizeof stale, "%s/.tmp-stale1", shard);
	snprintf(fresh, sizeof fresh, "%s/.tmp-fresh1", shard);
	fixture_write_text(stale, "half");
	fixture_write_text(fresh, "half");
	struct utimbuf old = { time(NULL) - 7200, time(NULL) - 7200 };
	utime(stale, &old);
	struct store *s = open_store();
	struct stat sb;
	ok(stat(stale, &sb) != 0, "a temp file left by a crash hours ago is removed at open");
	ok(stat(fresh, &sb) == 0, "a fresh one (an import running now) is kept");
	unlink(fresh);
	store_close(s);
}

int main(void)
{
	if (!fixture_tmpdir("test_store", root, sizeof root)) {
		printf("Bail out! no temp folder\n");
		return 1;
	}
	snprintf(dir, sizeof dir, "%s/profile/petugas1", root);
	snprintf(files, sizeof files, "%s/files", root);
	mkdir(files, 0700);
	test_open();
	struct store *s = open_store();
	if (s == NULL) {
		printf("Bail out! cannot open the store\n");
		return 1;
	}
	test_import_good(s);
	test_import_bad(s);
	test_import_first_fault(s);
	test_import_order();
	test_find();
	test_residents_migration();
	char sha[65];
	test_photo_import(s, sha);
	struct record *r = calloc(1, sizeof *r), *final = calloc(1, sizeof *final);
	struct record *fix = calloc(1, sizeof *fix);
	test_drafts(s, r);
	test_finalise(s, final);
	test_supersede(s, final, fix);
	test_warnings(s, fix, r->uuid);
	test_lists(s);
	test_outbox(s, final);
	test_discard(s);
	test_busy(s);
	store_close(s);
	test_tidy();
	free(r);
	free(final);
	free(fix);
	fixture_rmdir(root);
	return tap_done();
}
