/* store/import: a CSV of the population registry into the local copy, in
 * one transaction, so a broken row or a crash leaves the copy as it was.
 *
 * The rows reach the table sorted by NIK.  A file already in NIK order (a
 * registry export often is) goes in as it is read (insert_in_file_order).
 * Otherwise SQLite's own sorter sorts them
 * (in memory up to the cache size, the rest in runs merged from temp files,
 * which the vault encrypts in a keyed profile): the CSV is read through a
 * virtual table, in one `INSERT INTO residents ... SELECT ... FROM
 * sigacor_import_rows ORDER BY nik, line ON CONFLICT ...`.  In
 * file order the NIKs fall at random over the primary key's B-tree, and a
 * cache bounded for the memory goal spills and re-reads its pages over and
 * over (each an AEAD in an encrypted profile); in NIK order every page is
 * filled once (doc/BENCHMARKS.md, 2026-12-05).
 *
 * What the clerk is told stays what a row-by-row import in file order told:
 * the first faulty line of the file.  Reading stops at the first invalid
 * row; the rows before it are sorted and a NIK twice among them shows as two
 * neighbours; the earlier of the two faults in the file is reported. */
#include "config.h"
#include "store.h"
#include "store_int.h"
#include "csv.h"
#include "i18n.h"
#include "nik.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

/* Above this file size the secondary indexes are dropped during the import
 * and built again at the end: one sort is far cheaper than a million
 * scattered index inserts. */
#define BIG_IMPORT_BYTES (16L * 1024 * 1024)
#define PROGRESS_EVERY 8192
/* Memory of a big import (goal: a peak of 32 MB for the whole program, on
 * old laptops with other programs open; the program alone is about 6 MB).
 * The sorter keeps up to cache_size bytes of rows in memory (the rest in
 * runs on disk: temp_store FILE, set at open: SQLITE_TMPDIR, TMPDIR or
 * /tmp, unlinked at once, encrypted by the vault in a keyed profile) and
 * ignores the soft heap limit; the page cache gives way to it under that
 * limit, and rows that come in NIK order need few cached pages.  Then
 * CREATE INDEX's sorter and the name index's term buffer (FTS5 hashsize),
 * with the cache shrunk before them.  Measured with 2,000,000 residents
 * (BENCHMARKS.md, 2026-12-05): a 12 MiB sort under an 18 MiB limit peaks
 * at 25 MB; a 24 MiB limit lets the cache grow to 31 MB for nothing; a
 * 4 MiB sort makes more runs to merge and costs 2 s more. */
#define IMPORT_CACHE_KIB 12288
#define IMPORT_SORT_CACHE_KIB 4096
#define IMPORT_HEAP_LIMIT (18LL << 20)
#define DEFAULT_CACHE_KIB 2000

#define RESIDENT_COLUMNS "nik, kk, name, sex, birth_place, birth_date, address, rt, rw, kelurahan"
#define ROWS_MODULE "sigacor_import_rows"
#define TWICE_FUNCTION "sigacor_import_twice"

struct import {
	struct store *s;
	FILE *file;
	off_t start;                 /* where the file starts, -1: it cannot be read again */
	struct csv_reader *csv;
	int index[REGISTRY_FIELD_COUNT];        /* field position of each column, or -1 */
	size_t fields;               /* fields in the header */
	void (*progress)(long bytes, long rows, void *ctx);
	void *ctx;
	int64_t batch;
	time_t today;
	long line;
	long rows;                   /* valid rows read */
	/* the row the virtual table stands on, and its line */
	struct resident row;
	long row_line;
	bool at_end;
	/* reading in file order: a row whose NIK sorts before the last one's
	 * ends the reading and sets out_of_order */
	bool check_order, out_of_order;
	char last_nik[NIK_LEN + 1];
	/* the first faulty line, when reading stopped at one (0: none) */
	long fault_line;
	enum store_status fault_status;
	char fault[STORE_ERR_MAX];
};

/* Trim spaces at both ends, in place. */
static char *trim(char *t)
{
	while (*t == ' ' || *t == '\t')
		t++;
	size_t n = strlen(t);
	while (n > 0 && (t[n - 1] == ' ' || t[n - 1] == '\t'))
		t[--n] = '\0';
	return t;
}

/* ---- reading the file ---- */

static enum store_status read_header(struct import *im)
{
	const char **f;
	size_t n;
	enum csv_status cs = csv_next(im->csv, &f, &n, &im->line);
	if (cs == CSV_EOF)
		return store_fail(im->s, STORE_REJECTED, _("File CSV kosong: baris judul "
			"(nik,kk,name,kelurahan,...) tidak ada."));
	if (cs != CSV_ROW)
		return store_fail(im->s, STORE_REJECTED, _("Baris %ld: %s"), im->line,
			gettext(csv_status_message(cs)));
	for (int c = 0; c < REGISTRY_FIELD_COUNT; c++)
		im->index[c] = -1;
	for (size_t i = 0; i < n; i++) {
		char name[64];
		if (!store_copy(name, sizeof name, f[i]))
			continue;     /* an unknown, very long column: ignored */
		const char *t = trim(name);
		for (int c = 0; c < REGISTRY_FIELD_COUNT; c++) {
			if (strcasecmp(t, registry_field_name(c)) != 0)
				continue;
			if (im->index[c] >= 0)
				return store_fail(im->s, STORE_REJECTED, _("Baris %ld: kolom %s "
					"muncul dua kali di baris judul."), im->line, registry_field_name(c));
			im->index[c] = (int)i;
		}
	}
	for (int c = 0; c < REGISTRY_FIELD_COUNT; c++)
		if (registry_field_required(c) && im->index[c] < 0)
			return store_fail(im->s, STORE_REJECTED, _("Baris judul tidak punya kolom "
				"wajib %s (wajib: nik,kk,name,kelurahan)."), registry_field_name(c));
	im->fields = n;
	return STORE_OK;
}

/* Reading stops here: keep the sentence for when the sorted rows before
 * this line turn out to hold no earlier fault (rows read in file order go
 * in as they are read: a NIK twice among them is found first). */
static void stop_at_fault(struct import *im, long line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void stop_at_fault(struct import *im, long line, const char *fmt, ...)
{
	im->at_end = true;
	if (im->fault_line != 0 && im->fault_line < line)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(im->fault, sizeof im->fault, fmt, ap);
	va_end(ap);
	im->fault_line = line;
	im->fault_status = STORE_REJECTED;
}

static bool blank_row(const char **f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (const char *p = f[i]; *p != '\0'; p++)
			if (*p != ' ' && *p != '\t')
				return false;
	return true;
}

/* One CSV row into im->row; false (and a fault kept) when it is not valid. */
static bool parse_row(struct import *im, const char **f, size_t n)
{
	if (n != im->fields) {
		stop_at_fault(im, im->line, _("Baris %ld: ada %zu kolom, seharusnya %zu seperti "
			"baris judul (koma di dalam nama? beri tanda kutip \"...\")."), im->line, n,
			im->fields);
		return false;
	}
	const char *v[REGISTRY_FIELD_COUNT];
	for (int c = 0; c < REGISTRY_FIELD_COUNT; c++)
		v[c] = im->index[c] >= 0 ? f[im->index[c]] : "";
	struct registry_verdict verdict = registry_parse(v, im->today, &im->row);
	if (verdict.problem == REGISTRY_OK)
		return true;
	stop_at_fault(im, im->line, _("Baris %ld, kolom %s: %s"), im->line,
		registry_field_name(registry_problem_field(verdict.problem)),
		gettext(registry_verdict_message(verdict)));
	return false;
}

/* The next valid row into im->row, or im->at_end (at the end of the file
 * or at the first faulty line). */
static void next_row(struct import *im)
{
	for (;;) {
		const char **f;
		size_t n;
		enum csv_status cs = csv_next(im->csv, &f, &n, &im->line);
		if (cs == CSV_EOF) {
			im->at_end = true;
			return;
		}
		if (cs != CSV_ROW) {
			stop_at_fault(im, im->line, _("Baris %ld: %s"), im->line,
				gettext(csv_status_message(cs)));
			return;
		}
		if (blank_row(f, n))
			continue;
		if (!parse_row(im, f, n))
			return;
		if (im->check_order && strcmp(im->row.nik, im->last_nik) < 0) {
			im->out_of_order = im->at_end = true;
			return;
		}
		memcpy(im->last_nik, im->row.nik, sizeof im->last_nik);
		im->row_line = im->line;
		if (++im->rows % PROGRESS_EVERY == 0 && im->progress != NULL)
			im->progress(csv_bytes_read(im->csv), im->rows, im->ctx);
		return;
	}
}

/* ---- the file as a table: sigacor_import_rows (eponymous, one scan) ---- */

struct rows_table {
	sqlite3_vtab base;
	struct import *im;
};

enum { ROWS_COLUMN_LINE = REGISTRY_FIELD_COUNT };

static int rows_connect(sqlite3 *db, void *aux, int argc, const char *const *argv,
	sqlite3_vtab **out, char **err)
{
	(void)argc; (void)argv; (void)err;
	int rc = sqlite3_declare_vtab(db, "CREATE TABLE x (" RESIDENT_COLUMNS ", line)");
	if (rc != SQLITE_OK)
		return rc;
	struct rows_table *t = sqlite3_malloc(sizeof *t);
	if (t == NULL)
		return SQLITE_NOMEM;
	memset(t, 0, sizeof *t);
	t->im = aux;
	*out = &t->base;
	return SQLITE_OK;
}

static int rows_disconnect(sqlite3_vtab *vt)
{
	sqlite3_free(vt);
	return SQLITE_OK;
}

static int rows_best_index(sqlite3_vtab *vt, sqlite3_index_info *info)
{
	(void)vt;
	info->estimatedCost = 1e9;       /* one pass over the file, whatever is asked */
	info->estimatedRows = 1000000;
	return SQLITE_OK;
}

static int rows_open(sqlite3_vtab *vt, sqlite3_vtab_cursor **out)
{
	sqlite3_vtab_cursor *c = sqlite3_malloc(sizeof *c);
	if (c == NULL)
		return SQLITE_NOMEM;
	memset(c, 0, sizeof *c);
	(void)vt;
	*out = c;
	return SQLITE_OK;
}

static int rows_close(sqlite3_vtab_cursor *c)
{
	sqlite3_free(c);
	return SQLITE_OK;
}

static struct import *import_of(sqlite3_vtab_cursor *c)
{
	return ((struct rows_table *)c->pVtab)->im;
}

static int rows_filter(sqlite3_vtab_cursor *c, int idx, const char *idx_str, int argc,
	sqlite3_value **argv)
{
	(void)idx; (void)idx_str; (void)argc; (void)argv;
	next_row(import_of(c));       /* the file is read once: a second scan sees its end */
	return SQLITE_OK;
}

static int rows_next(sqlite3_vtab_cursor *c)
{
	next_row(import_of(c));
	return SQLITE_OK;
}

static int rows_eof(sqlite3_vtab_cursor *c)
{
	return import_of(c)->at_end;
}

static int rows_column(sqlite3_vtab_cursor *c, sqlite3_context *ctx, int col)
{
	struct import *im = import_of(c);
	if (col == ROWS_COLUMN_LINE)
		sqlite3_result_int64(ctx, im->row_line);
	else
		sqlite3_result_text(ctx, registry_field_value(&im->row, (enum registry_field)col), -1,
			SQLITE_TRANSIENT);
	return SQLITE_OK;
}

static int rows_rowid(sqlite3_vtab_cursor *c, sqlite3_int64 *rowid)
{
	*rowid = import_of(c)->row_line;
	return SQLITE_OK;
}

static const sqlite3_module rows_module = {
	.iVersion = 1,
	.xCreate = NULL,               /* eponymous only: never in the schema */
	.xConnect = rows_connect,
	.xBestIndex = rows_best_index,
	.xDisconnect = rows_disconnect,
	.xDestroy = rows_disconnect,
	.xOpen = rows_open,
	.xClose = rows_close,
	.xFilter = rows_filter,
	.xNext = rows_next,
	.xEof = rows_eof,
	.xColumn = rows_column,
	.xRowid = rows_rowid,
};

/* ---- into the table ---- */

static enum store_status next_batch(struct import *im)
{
	char buf[32] = "";
	store_meta_get(im->s, "residents_import_batch", buf, sizeof buf);
	im->batch = strtoll(buf, NULL, 10) + 1;
	snprintf(buf, sizeof buf, "%lld", (long long)im->batch);
	return store_meta_put(im->s, "residents_import_batch", buf);
}

/* sigacor_import_twice(nik, line, first): the upsert's guard when a row
 * meets one of the same import (the NIK twice in the file): keeps the
 * fault and answers 0, so the first row stays as it is. */
static void note_twice(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	struct import *im = sqlite3_user_data(ctx);
	long line = (long)sqlite3_value_int64(argv[1]);
	sqlite3_result_int(ctx, 0);
	if (im->fault_line != 0 && im->fault_line < line)
		return;
	char why[160];
	snprintf(why, sizeof why, _("NIK %s sudah ada di baris %ld (NIK ganda dalam file)"),
		(const char *)sqlite3_value_text(argv[0]), (long)sqlite3_value_int64(argv[2]));
	snprintf(im->fault, sizeof im->fault, _("Baris %ld, kolom %s: %s"), line,
		registry_field_name(REGISTRY_NIK), why);
	im->fault_line = line;
	im->fault_status = STORE_REJECTED;
}

/* Every valid row, sorted by NIK (the line after it: of a NIK twice, the
 * earlier line goes in and the later one is the fault), into the table in
 * one statement.  A row of an earlier import is replaced; a row of this
 * one is kept, and the guard notes the fault; after a fault the rest still
 * goes in, to find an earlier one (the transaction is rolled back).
 * sorted: the rows come in that order already (im->check_order sees to it). */
#define INSERT_ROWS(ORDER) "INSERT INTO residents (" RESIDENT_COLUMNS \
		", import_batch, import_line) SELECT " RESIDENT_COLUMNS ", ?, line FROM " \
		ROWS_MODULE " WHERE true" ORDER \
		" ON CONFLICT (nik) DO UPDATE SET kk = excluded.kk, name = excluded.name," \
		" sex = excluded.sex, birth_place = excluded.birth_place," \
		" birth_date = excluded.birth_date, address = excluded.address," \
		" rt = excluded.rt, rw = excluded.rw, kelurahan = excluded.kelurahan," \
		" import_batch = excluded.import_batch, import_line = excluded.import_line" \
		" WHERE residents.import_batch <> excluded.import_batch" \
		" OR " TWICE_FUNCTION "(excluded.nik, excluded.import_line, residents.import_line)"

static enum store_status insert_rows(struct import *im, bool sorted)
{
	sqlite3_stmt *st;
	enum store_status rc = store_prepare(im->s, sorted ? INSERT_ROWS("")
		: INSERT_ROWS(" ORDER BY nik, line"), &st);
	if (rc != STORE_OK)
		return rc;
	sqlite3_bind_int64(st, 1, im->batch);
	rc = store_run(im->s, st, "residents");
	if (rc == STORE_OK && im->fault_line != 0)
		rc = store_fail(im->s, im->fault_status, "%s", im->fault);
	return rc;
}

/* The file from its start again, its header read (a new reader: the old
 * one holds the rows it read ahead). */
static enum store_status read_again(struct import *im)
{
	if (fseeko(im->file, im->start, SEEK_SET) != 0)
		return store_fail(im->s, STORE_IO, _("File CSV tidak bisa dibaca ulang."));
	csv_free(im->csv);
	im->csv = csv_open(im->file);
	if (im->csv == NULL)
		return store_fail(im->s, STORE_IO, _("Memori tidak cukup."));
	im->line = im->rows = im->row_line = im->fault_line = 0;
	im->at_end = im->out_of_order = false;
	im->last_nik[0] = '\0';
	return read_header(im);
}

/* Try the rows in file order, without the sorter: its runs through temp
 * files (encrypted in a keyed profile) were a third of the time of a file
 * already sorted.  *sorted: the whole file was in order and went in (or
 * stopped at a fault, which a sorted reading would report the same).  The
 * first row out of order undoes what went in and reads the file again
 * from its start; in a file in random order that is at its second or
 * third row. */
static enum store_status insert_in_file_order(struct import *im, bool *sorted)
{
	enum store_status st = store_exec(im->s, "SAVEPOINT file_order");
	if (st != STORE_OK)
		return st;
	im->check_order = true;
	st = insert_rows(im, true);
	im->check_order = false;
	*sorted = !im->out_of_order;
	if (*sorted)
		return st == STORE_OK ? store_exec(im->s, "RELEASE file_order") : st;
	st = store_exec(im->s, "ROLLBACK TO file_order");
	if (st == STORE_OK)
		st = store_exec(im->s, "RELEASE file_order");
	return st == STORE_OK ? read_again(im) : st;
}

static enum store_status import_rows(struct import *im)
{
	sqlite3 *db = im->s->db;
	if (sqlite3_create_module_v2(db, ROWS_MODULE, &rows_module, im, NULL) != SQLITE_OK ||
		sqlite3_create_function(db, TWICE_FUNCTION, 3, SQLITE_UTF8 | SQLITE_DIRECTONLY, im,
			note_twice, NULL, NULL) != SQLITE_OK)
		return store_fail_sql(im->s, sqlite3_errcode(db), "residents");
	enum store_status st = next_batch(im);
	bool sorted = false;
	if (st == STORE_OK && im->start >= 0)
		st = insert_in_file_order(im, &sorted);
	if (st == STORE_OK && !sorted)
		st = insert_rows(im, false);
	/* gone again: both point at this import */
	sqlite3_create_function(db, TWICE_FUNCTION, 3, SQLITE_UTF8, NULL, NULL, NULL, NULL);
	sqlite3_create_module_v2(db, ROWS_MODULE, NULL, NULL, NULL);
	return st;
}

/* ---- the whole import ---- */

/* where the file starts, when it can be read again from there (a file on
 * disk, not a pipe); -1 otherwise */
static off_t seekable_start(FILE *csv)
{
	struct stat sb;
	if (fstat(fileno(csv), &sb) != 0 || !S_ISREG(sb.st_mode))
		return -1;
	return ftello(csv);
}

static bool big_file(FILE *csv)
{
	struct stat sb;
	return fstat(fileno(csv), &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size >= BIG_IMPORT_BYTES;
}

static void set_cache_kib(struct store *s, int kib)
{
	char pragma[64];
	snprintf(pragma, sizeof pragma, "PRAGMA cache_size = -%d", kib);
	sqlite3_exec(s->db, pragma, NULL, NULL, NULL);
}

/* Bound the page cache and everything SQLite allocates for a big import;
 * returns the heap limit to restore.  The soft limit is process-wide, which
 * is fine: an import runs in a CLI command of its own. */
static sqlite3_int64 import_memory_bound(struct store *s)
{
	set_cache_kib(s, IMPORT_CACHE_KIB);
	return sqlite3_soft_heap_limit64(IMPORT_HEAP_LIMIT);
}

static void import_memory_restore(struct store *s, sqlite3_int64 heap_limit)
{
	sqlite3_soft_heap_limit64(heap_limit);
	set_cache_kib(s, DEFAULT_CACHE_KIB);
}

static enum store_status finish_import(struct import *im, bool big)
{
	char buf[32];
	enum store_status st = STORE_OK;
	if (big) {
		/* the sorter keeps up to cache_size bytes in memory beside the
		 * page cache (and ignores the heap limit): shrink the cache so
		 * both fit the bound; the rest is merged from temp files */
		set_cache_kib(im->s, IMPORT_SORT_CACHE_KIB);
		st = store_exec(im->s, STORE_RESIDENTS_KK_INDEX);
	}
	if (st == STORE_OK)
		st = store_residents_name_rebuild(im->s);
	snprintf(buf, sizeof buf, "%lld", (long long)store_now());
	if (st == STORE_OK)
		st = store_meta_put(im->s, "residents_imported_at", buf);
	snprintf(buf, sizeof buf, "%ld", im->rows);
	if (st == STORE_OK)
		st = store_meta_put(im->s, "residents_import_rows", buf);
	/* no longer the copy the city sent: its changes do not apply to it */
	if (st == STORE_OK)
		st = store_sync_registry_not_the_citys(im->s);
	return st;
}

enum store_status store_import_residents(struct store *s, FILE *csv,
	void (*progress)(long bytes, long rows, void *ctx), void *ctx, long *rows_out)
{
	struct import im = { .s = s, .today = time(NULL), .progress = progress, .ctx = ctx,
		.file = csv, .start = seekable_start(csv) };
	if (rows_out != NULL)
		*rows_out = 0;
	im.csv = csv_open(csv);
	if (im.csv == NULL)
		return store_fail(s, STORE_IO, _("Memori tidak cukup."));
	bool big = big_file(csv);
	bool journaled = big && store_journal_mode(s, "truncate");
	enum store_status st = store_begin(s);
	if (st == STORE_OK)
		st = read_header(&im);
	sqlite3_int64 heap_limit = -1;
	if (st == STORE_OK && big) {
		heap_limit = import_memory_bound(s);
		st = store_exec(s, "DROP INDEX residents_kk");
	}
	if (st == STORE_OK)
		st = import_rows(&im);
	if (st == STORE_OK)
		st = finish_import(&im, big);
	long bytes = csv_bytes_read(im.csv);
	csv_free(im.csv);
	if (st == STORE_OK)
		st = store_commit(s);     /* durable here: synchronous=FULL */
	else
		store_rollback(s);
	if (heap_limit >= 0)
		import_memory_restore(s, heap_limit);
	if (journaled)
		store_journal_mode(s, "wal");
	if (big) {
		/* the kk index was dropped and built again: plan the cached
		 * look-ups afresh rather than rely on SQLite noticing */
		store_stmt_flush(s);
	}
	if (st == STORE_OK && progress != NULL)
		progress(bytes, im.rows, ctx);
	if (st == STORE_OK && rows_out != NULL)
		*rows_out = im.rows;
	return st;
}
