/* stats: the campaign's figures per kelurahan, kecamatan, city and operator,
 * counted from the records by queries each time they are asked for (never a
 * stored copy of a count).  `sigacor-server report` prints them; the web
 * dashboard shows them.  Not a public header: only src/server/ includes it.
 *
 * What is counted (doc/REPORTS.md says the same for the reader):
 * - a household is a NIK; a NIK's current records are those no correction
 *   superseded; when a NIK has several (duplicate_nik), one decides: a
 *   record the city confirmed, else the one received last;
 * - assigned: NIKs on the candidate list of the kelurahan (a NIK in two
 *   programmes counts once); assigned_verified: of them, those with a
 *   current record anywhere;
 * - verified = layak + tidak_layak + not_found, by the deciding record's
 *   kelurahan; not_found is "tidak layak" with reason tidak-ditemukan,
 *   tidak_layak every other reason (by_reason splits it);
 * - flagged: households with a current record that carries a flag;
 * - confirmed / rejected / revisit: the city's review of the deciding record;
 * - an operator's row counts their own current records (a NIK verified by
 *   two operators counts for each), and has no assigned figures. */
#ifndef SIGACOR_SERVER_STATS_H
#define SIGACOR_SERVER_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "record.h"

struct sdb;

/* Which of a NIK's current records decides (above): an ORDER BY over
 * verifications' columns, first row wins.  The figures and the clerks'
 * shared progress (GET /progress) read it alike. */
#define DECIDING_ORDER "review = 'confirmed' DESC, received_at DESC, id DESC"

struct stats_counts {
	long long assigned, assigned_verified;
	long long verified, layak, tidak_layak, not_found;
	long long by_reason[REASON_COUNT];     /* tidak layak by reason; [REASON_TIDAK_DITEMUKAN] = not_found */
	long long flagged;
	long long confirmed, rejected, revisit;
};

enum stats_level { STATS_CITY, STATS_KECAMATAN, STATS_KELURAHAN, STATS_OPERATOR, STATS_LEVEL_COUNT };

struct stats_row {
	char code[64];          /* "36.71", "36.71.01", "36.71.01.1001" or the operator's name */
	char name[64];          /* "Kota Tangerang", the kecamatan's or kelurahan's name, the operator's name */
	char parent[16];        /* the kecamatan code of a kelurahan, else "" */
	struct stats_counts c;
};

struct stats {
	struct stats_row *rows[STATS_LEVEL_COUNT];
	size_t n[STATS_LEVEL_COUNT];
};

/* Count everything within scope: NULL or "" or "36.71" for the whole city,
 * a kecamatan "36.71.01" or a kelurahan "36.71.01.1001" (a supervisor's
 * scope).  Kelurahan and kecamatan rows are there for every region in
 * scope, with zeros where nothing happened; operator rows only for
 * operators with records in scope.  Reads in one transaction, so the
 * levels agree with each other.  false on a database error (out zeroed). */
bool stats_collect(struct sdb *db, const char *scope, struct stats *out);
/* "36.71", a kecamatan or a kelurahan code of the city (dotted) */
bool stats_scope_valid(const char *code);
/* --wilayah: NULL (the whole city) or a valid scope; otherwise says so on stderr */
bool stats_scope_option_ok(const char *wilayah);
void stats_free(struct stats *s);

/* One household as the figures count it: its deciding record, or (id "")
 * an assigned household nobody verified yet.  Strings are valid during the
 * callback only; rt, rw, and for a pending household name and address,
 * come from the registry ("" when the NIK is not in it). */
struct stats_household {
	const char *id;             /* the deciding record's UUID, "" when pending */
	const char *kelurahan;      /* dotted code */
	const char *decision;       /* "layak", "tidak-layak", "" when pending */
	const char *reason, *reason_text, *review;
	bool flagged;               /* one of the NIK's current records has a flag */
	bool has_coord;
	double lat, lon;
	const char *name, *address, *nik, *rt, *rw;
	const char *operator_name;  /* "" when pending */
};

/* Every household within scope (as stats_collect), ordered by kelurahan,
 * RW, RT (unknown last), name; with_pending adds the assigned households without a
 * record.  each returns false to stop early.  false on a database error. */
bool stats_each_household(struct sdb *db, const char *scope, bool with_pending,
	bool (*each)(const struct stats_household *h, void *ctx), void *ctx);

const char *stats_level_code(enum stats_level l);     /* "city", "kecamatan", ... */
const char *stats_level_title(enum stats_level l);    /* untranslated Indonesian */

/* The figures as columns, in one order for every output (CSV, JSON, xlsx,
 * the dashboard): key ("assigned", "reason_meninggal", ...) and an
 * untranslated Indonesian heading. */
size_t stats_column_count(void);
const char *stats_column_key(size_t i);
const char *stats_column_title(size_t i);
long long stats_column_value(const struct stats_counts *c, size_t i);
/* whether column i means nothing for an operator row (assigned figures) */
bool stats_column_area_only(size_t i);

/* Households still to verify (assigned - assigned_verified), and progress in
 * tenths of a percent of the assigned (0 when none is assigned). */
long long stats_remaining(const struct stats_counts *c);
int stats_progress_permille(const struct stats_counts *c);

/* The results commands' shared steps (report.c): open the data folder
 * (it must exist); open the output (NULL = stdout); close it, saying why
 * when writing failed (ok false: failed before). */
struct sdb *results_open(const char *dir);
FILE *results_out_open(const char *path);
bool results_out_close(FILE *f, const char *path, bool ok);

#endif
