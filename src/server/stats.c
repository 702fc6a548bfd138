/* stats: the campaign's figures, counted from the records on each call
 * (what is counted: stats.h), and the households behind them one by one.  Three grouped queries fill the kelurahan and
 * operator rows; kecamatan and city rows are sums of their kelurahan rows
 * made here, in the same call, so the levels always add up. */
#include "config.h"
#include "stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "wilayah.h"
#include "sdb.h"
#include "server.h"

/* ---------------------------------------------------------------- columns */

enum column_kind { COL_FIELD, COL_REASON, COL_REMAINING, COL_UNREVIEWED };

struct column {
	const char *key;
	const char *title;
	enum column_kind kind;
	size_t offset;              /* COL_FIELD: into struct stats_counts */
	enum reason reason;         /* COL_REASON */
	bool area_only;
};

#define FIELD(key, title, member, area) \
	{ key, title, COL_FIELD, offsetof(struct stats_counts, member), REASON_NONE, area }
#define REASON(key, title, r) { key, title, COL_REASON, 0, r, false }

/* the reasons below are every reason but none and tidak-ditemukan */
_Static_assert(REASON_COUNT == 9, "a new reason needs its column in stats.c");

static const struct column columns[] = {
	FIELD("assigned", N_("Sasaran"), assigned, true),
	FIELD("assigned_verified", N_("Sasaran terverifikasi"), assigned_verified, true),
	{ "remaining", N_("Sisa sasaran"), COL_REMAINING, 0, REASON_NONE, true },
	FIELD("verified", N_("Diverifikasi"), verified, false),
	FIELD("layak", N_("Layak"), layak, false),
	FIELD("tidak_layak", N_("Tidak layak"), tidak_layak, false),
	REASON("reason_meninggal", N_("Meninggal"), REASON_MENINGGAL),
	REASON("reason_sudah_mampu", N_("Sudah mampu"), REASON_SUDAH_MAMPU),
	REASON("reason_menolak", N_("Menolak"), REASON_MENOLAK),
	REASON("reason_kepesertaan_ganda", N_("Kepesertaan ganda"), REASON_KEPESERTAAN_GANDA),
	REASON("reason_pindah", N_("Pindah"), REASON_PINDAH),
	REASON("reason_pekerja_migran", N_("Pekerja migran"), REASON_PEKERJA_MIGRAN),
	REASON("reason_lainnya", N_("Alasan lain"), REASON_LAINNYA),
	FIELD("not_found", N_("Tidak ditemukan"), not_found, false),
	FIELD("flagged", N_("Ditandai"), flagged, false),
	FIELD("confirmed", N_("Dikonfirmasi kota"), confirmed, false),
	FIELD("rejected", N_("Ditolak kota"), rejected, false),
	FIELD("revisit", N_("Kunjungan ulang"), revisit, false),
	{ "unreviewed", N_("Belum diperiksa"), COL_UNREVIEWED, 0, REASON_NONE, false },
};
#define N_COLUMNS (sizeof columns / sizeof columns[0])

size_t stats_column_count(void) { return N_COLUMNS; }

const char *stats_column_key(size_t i) { return i < N_COLUMNS ? columns[i].key : ""; }

const char *stats_column_title(size_t i) { return i < N_COLUMNS ? columns[i].title : ""; }

bool stats_column_area_only(size_t i) { return i < N_COLUMNS && columns[i].area_only; }

long long stats_remaining(const struct stats_counts *c)
{
	return c->assigned - c->assigned_verified;
}

int stats_progress_permille(const struct stats_counts *c)
{
	return c->assigned > 0 ? (int)(c->assigned_verified * 1000 / c->assigned) : 0;
}

long long stats_column_value(const struct stats_counts *c, size_t i)
{
	if (i >= N_COLUMNS)
		return 0;
	const struct column *col = &columns[i];
	switch (col->kind) {
	case COL_FIELD:
		return *(const long long *)(const void *)((const char *)c + col->offset);
	case COL_REASON:
		return c->by_reason[col->reason];
	case COL_REMAINING:
		return stats_remaining(c);
	case COL_UNREVIEWED:
		return c->verified - c->confirmed - c->rejected - c->revisit;
	}
	return 0;
}

static const char *const level_codes[STATS_LEVEL_COUNT] = { "city", "kecamatan", "kelurahan",
	"operator" };
static const char *const level_titles[STATS_LEVEL_COUNT] = { N_("Kota"), N_("Kecamatan"),
	N_("Kelurahan"), N_("Petugas") };

const char *stats_level_code(enum stats_level l) { return l < STATS_LEVEL_COUNT ? level_codes[l] : ""; }

const char *stats_level_title(enum stats_level l) { return l < STATS_LEVEL_COUNT ? level_titles[l] : ""; }

/* ---------------------------------------------------------------- counting */

/* One outcome group (decision, reason, review) of n records, f of them flagged. */
static void add_outcome(struct stats_counts *c, const char *decision, const char *reason,
	const char *review, long long n, long long f)
{
	c->verified += n;
	c->flagged += f;
	enum reason r = REASON_NONE;
	record_reason_parse(reason, &r);
	switch (record_outcome_of(decision, reason)) {
	case OUTCOME_LAYAK: c->layak += n; break;
	case OUTCOME_NOT_FOUND: c->not_found += n; c->by_reason[r] += n; break;
	default: c->tidak_layak += n; c->by_reason[r] += n; break;
	}
	if (strcmp(review, "confirmed") == 0)
		c->confirmed += n;
	else if (strcmp(review, "rejected") == 0)
		c->rejected += n;
	else if (strcmp(review, "revisit") == 0)
		c->revisit += n;
}

static void add_counts(struct stats_counts *to, const struct stats_counts *from)
{
	for (size_t i = 0; i < sizeof *to / sizeof(long long); i++)
		((long long *)(void *)to)[i] += ((const long long *)(const void *)from)[i];
}

static const char *text(sdb_stmt *st, int i)
{
	const unsigned char *v = sdb_column_text(st, i);
	return v != NULL ? (const char *)v : "";
}

bool stats_scope_valid(const char *code)
{
	for (size_t i = 0; i < wilayah_kelurahan_count(); i++) {
		const struct wilayah_kelurahan *k = wilayah_kelurahan_at(i);
		if (strcmp(code, k->code) == 0 || strcmp(code, k->kecamatan_code) == 0)
			return true;
	}
	return strcmp(code, WILAYAH_KOTA_TANGERANG) == 0;
}

bool stats_scope_option_ok(const char *wilayah)
{
	if (wilayah == NULL || stats_scope_valid(wilayah))
		return true;
	fprintf(stderr, "sigacor-server: %s: %s\n", wilayah,
		_("bukan kode kecamatan atau kelurahan Kota Tangerang"));
	return false;
}

static bool in_scope(const char *code, const char *scope)
{
	return strncmp(code, scope, strlen(scope)) == 0;
}

static struct stats_row *find_row(struct stats *s, enum stats_level l, const char *code)
{
	for (size_t i = 0; i < s->n[l]; i++)
		if (strcmp(s->rows[l][i].code, code) == 0)
			return &s->rows[l][i];
	return NULL;
}

/* the regions in scope, zeroed, in code order */
static bool make_region_rows(struct stats *s, const char *scope)
{
	size_t total = wilayah_kelurahan_count();
	s->rows[STATS_KELURAHAN] = calloc(total, sizeof(struct stats_row));
	s->rows[STATS_KECAMATAN] = calloc(total, sizeof(struct stats_row));
	s->rows[STATS_CITY] = calloc(1, sizeof(struct stats_row));
	if (s->rows[STATS_KELURAHAN] == NULL || s->rows[STATS_KECAMATAN] == NULL
		|| s->rows[STATS_CITY] == NULL)
		return false;
	s->n[STATS_CITY] = 1;
	snprintf(s->rows[STATS_CITY][0].code, sizeof s->rows[0][0].code, "%s", WILAYAH_KOTA_TANGERANG);
	snprintf(s->rows[STATS_CITY][0].name, sizeof s->rows[0][0].name, "Kota Tangerang");
	for (size_t i = 0; i < total; i++) {
		const struct wilayah_kelurahan *k = wilayah_kelurahan_at(i);
		if (!in_scope(k->code, scope))
			continue;
		struct stats_row *row = &s->rows[STATS_KELURAHAN][s->n[STATS_KELURAHAN]++];
		snprintf(row->code, sizeof row->code, "%s", k->code);
		snprintf(row->name, sizeof row->name, "%s", k->name);
		snprintf(row->parent, sizeof row->parent, "%s", k->kecamatan_code);
		if (find_row(s, STATS_KECAMATAN, k->kecamatan_code) == NULL) {
			row = &s->rows[STATS_KECAMATAN][s->n[STATS_KECAMATAN]++];
			snprintf(row->code, sizeof row->code, "%s", k->kecamatan_code);
			snprintf(row->name, sizeof row->name, "%s", k->kecamatan_name);
			snprintf(row->parent, sizeof row->parent, "%s", WILAYAH_KOTA_TANGERANG);
		}
	}
	return true;
}

/* Assigned households per kelurahan, and how many of them have a current record. */
#define ASSIGNED_SQL \
	"SELECT c.kelurahan, count(*), coalesce(sum(CASE WHEN EXISTS (SELECT 1 FROM verifications v" \
	" WHERE v.nik = c.nik AND v.superseded_by IS NULL) THEN 1 ELSE 0 END), 0)" \
	" FROM (SELECT DISTINCT kelurahan, nik FROM candidates) c GROUP BY c.kelurahan"

/* Each NIK's current records ranked: rank 1 is the deciding record
 * (stats.h); any_flag: one of them carries a flag. */
#define CURRENT_CTE \
	"WITH cur AS (SELECT *," \
	"  row_number() OVER (PARTITION BY nik ORDER BY " DECIDING_ORDER ") AS rank," \
	"  max(CASE WHEN flags != 0 THEN 1 ELSE 0 END) OVER (PARTITION BY nik) AS any_flag" \
	"  FROM verifications WHERE superseded_by IS NULL)"

/* The deciding records, grouped by outcome. */
#define DECIDING_SQL CURRENT_CTE \
	" SELECT kelurahan, decision, reason, review, count(*), sum(any_flag)" \
	" FROM cur WHERE rank = 1 GROUP BY kelurahan, decision, reason, review"

/* The households one by one: deciding records, then (?2) the assigned
 * households without a current record, with the registry's RT/RW. */
#define HOUSEHOLDS_SQL CURRENT_CTE \
	" SELECT * FROM (" \
	" SELECT c.id, c.kelurahan, c.decision, c.reason, c.reason_text, c.review, c.any_flag," \
	"  c.lat, c.lon, c.name, c.address, c.nik, coalesce(r.rt, '') AS rt," \
	"  coalesce(r.rw, '') AS rw, o.name AS operator_name" \
	" FROM cur c JOIN operators o ON o.id = c.operator_id LEFT JOIN residents r ON r.nik = c.nik" \
	" WHERE c.rank = 1 AND substr(c.kelurahan, 1, length(CAST(?1 AS TEXT))) = ?1" \
	" UNION ALL" \
	" SELECT '', k.kelurahan, '', '', '', '', 0, NULL, NULL, coalesce(r.name, ''), coalesce(r.address, '')," \
	"  k.nik, coalesce(r.rt, ''), coalesce(r.rw, ''), ''" \
	" FROM (SELECT DISTINCT kelurahan, nik FROM candidates" \
	"   WHERE substr(kelurahan, 1, length(CAST(?1 AS TEXT))) = ?1) k LEFT JOIN residents r ON r.nik = k.nik" \
	" WHERE ?2 <> 0 AND NOT EXISTS (SELECT 1 FROM verifications v" \
	"  WHERE v.nik = k.nik AND v.superseded_by IS NULL)) AS h" \
	" ORDER BY kelurahan, rw = '', rw, rt = '', rt, lower(name), nik"

/* An operator's own current records in scope. */
#define OPERATOR_SQL \
	"SELECT o.name, v.decision, v.reason, v.review, count(*), sum(CASE WHEN v.flags != 0 THEN 1 ELSE 0 END)" \
	" FROM verifications v JOIN operators o ON o.id = v.operator_id" \
	" WHERE v.superseded_by IS NULL AND substr(v.kelurahan, 1, length(CAST(?1 AS TEXT))) = ?1" \
	" GROUP BY o.name, v.decision, v.reason, v.review ORDER BY o.name"

static bool count_assigned(sdb *db, struct stats *s)
{
	sdb_stmt *st;
	if (sdb_prepare(db, ASSIGNED_SQL, -1, &st, NULL) != SDB_OK)
		return false;
	int rc;
	while ((rc = sdb_step(st)) == SDB_ROW) {
		struct stats_row *row = find_row(s, STATS_KELURAHAN, text(st, 0));
		if (row == NULL)
			continue;           /* out of scope */
		row->c.assigned += sdb_column_int64(st, 1);
		row->c.assigned_verified += sdb_column_int64(st, 2);
	}
	sdb_finalize(st);
	return rc == SDB_DONE;
}

static bool count_outcomes(sdb *db, struct stats *s)
{
	sdb_stmt *st;
	if (sdb_prepare(db, DECIDING_SQL, -1, &st, NULL) != SDB_OK)
		return false;
	int rc;
	while ((rc = sdb_step(st)) == SDB_ROW) {
		struct stats_row *row = find_row(s, STATS_KELURAHAN, text(st, 0));
		if (row != NULL)
			add_outcome(&row->c, text(st, 1), text(st, 2), text(st, 3),
				sdb_column_int64(st, 4), sdb_column_int64(st, 5));
	}
	sdb_finalize(st);
	return rc == SDB_DONE;
}

static struct stats_row *operator_row(struct stats *s, const char *name)
{
	struct stats_row *row = find_row(s, STATS_OPERATOR, name);
	if (row != NULL)
		return row;
	struct stats_row *grown = realloc(s->rows[STATS_OPERATOR],
		(s->n[STATS_OPERATOR] + 1) * sizeof *grown);
	if (grown == NULL)
		return NULL;
	s->rows[STATS_OPERATOR] = grown;
	row = &grown[s->n[STATS_OPERATOR]++];
	memset(row, 0, sizeof *row);
	snprintf(row->code, sizeof row->code, "%s", name);
	snprintf(row->name, sizeof row->name, "%s", name);
	return row;
}

static bool count_operators(sdb *db, struct stats *s, const char *scope)
{
	sdb_stmt *st;
	if (sdb_prepare(db, OPERATOR_SQL, -1, &st, NULL) != SDB_OK)
		return false;
	sdb_bind_text(st, 1, scope, -1, SDB_STATIC);
	int rc;
	while ((rc = sdb_step(st)) == SDB_ROW) {
		struct stats_row *row = operator_row(s, text(st, 0));
		if (row == NULL)
			break;
		add_outcome(&row->c, text(st, 1), text(st, 2), text(st, 3),
			sdb_column_int64(st, 4), sdb_column_int64(st, 5));
	}
	sdb_finalize(st);
	return rc == SDB_DONE;
}

static void sum_regions(struct stats *s)
{
	for (size_t i = 0; i < s->n[STATS_KELURAHAN]; i++) {
		const struct stats_row *k = &s->rows[STATS_KELURAHAN][i];
		add_counts(&find_row(s, STATS_KECAMATAN, k->parent)->c, &k->c);
		add_counts(&s->rows[STATS_CITY][0].c, &k->c);
	}
}

bool stats_collect(struct sdb *db, const char *scope, struct stats *out)
{
	memset(out, 0, sizeof *out);
	if (scope == NULL || strcmp(scope, WILAYAH_KOTA_TANGERANG) == 0)
		scope = "";
	/* one read transaction: every query sees the same records */
	bool own = sdb_autocommit(db) && db_begin_read(db);
	bool ok = make_region_rows(out, scope) && count_assigned(db, out) && count_outcomes(db, out)
		&& count_operators(db, out, scope);
	if (own)
		sdb_exec(db, "COMMIT", NULL);
	if (!ok) {
		fprintf(stderr, "sigacor-server: %s: %s\n", sdb_backend_name(db), sdb_errmsg(db));
		stats_free(out);
		return false;
	}
	sum_regions(out);
	return true;
}

bool stats_each_household(struct sdb *db, const char *scope, bool with_pending,
	bool (*each)(const struct stats_household *h, void *ctx), void *ctx)
{
	if (scope == NULL || strcmp(scope, WILAYAH_KOTA_TANGERANG) == 0)
		scope = "";
	sdb_stmt *st;
	if (sdb_prepare(db, HOUSEHOLDS_SQL, -1, &st, NULL) != SDB_OK) {
		fprintf(stderr, "sigacor-server: %s: %s\n", sdb_backend_name(db), sdb_errmsg(db));
		return false;
	}
	sdb_stream(st);         /* a city's households, not held whole in memory */
	sdb_bind_text(st, 1, scope, -1, SDB_STATIC);
	sdb_bind_int(st, 2, with_pending);
	int rc;
	while ((rc = sdb_step(st)) == SDB_ROW) {
		struct stats_household h = {
			.id = text(st, 0), .kelurahan = text(st, 1), .decision = text(st, 2),
			.reason = text(st, 3), .reason_text = text(st, 4), .review = text(st, 5),
			.flagged = sdb_column_int(st, 6) != 0,
			.has_coord = sdb_column_type(st, 7) != SDB_NULL
				&& sdb_column_type(st, 8) != SDB_NULL,
			.lat = sdb_column_double(st, 7), .lon = sdb_column_double(st, 8),
			.name = text(st, 9), .address = text(st, 10), .nik = text(st, 11),
			.rt = text(st, 12), .rw = text(st, 13), .operator_name = text(st, 14),
		};
		if (!each(&h, ctx)) {
			rc = SDB_DONE;
			break;
		}
	}
	if (rc != SDB_DONE)
		fprintf(stderr, "sigacor-server: %s: %s\n", sdb_backend_name(db), sdb_errmsg(db));
	sdb_finalize(st);
	return rc == SDB_DONE;
}

void stats_free(struct stats *s)
{
	for (int l = 0; l < STATS_LEVEL_COUNT; l++)
		free(s->rows[l]);
	memset(s, 0, sizeof *s);
}
