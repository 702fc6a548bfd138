/* store/report: the clerk's own figures per kelurahan, counted from this
 * laptop's records and the candidate list sync brought (`sigacor report`,
 * the summary screen).  Counted on each call, never stored.
 *   - a household is a NIK; it counts by its latest final record that no
 *     final correction replaced (drafts are work in progress, counted apart);
 *   - outcomes split as the city's report splits them (record_outcome_of);
 *   - the sync state of those records: not sent yet, accepted, flagged,
 *     quarantined. */
#include "config.h"
#include "store.h"
#include "store_int.h"

#include <string.h>

/* each NIK's latest final record that no final correction replaced */
#define LATEST_FINAL \
	"WITH fin AS (SELECT kelurahan, decision, reason, state," \
	"  row_number() OVER (PARTITION BY nik ORDER BY finalised_at DESC, created_at DESC," \
	"   uuid DESC) AS rank FROM records r WHERE state <> 'draft'" \
	"  AND NOT EXISTS (SELECT 1 FROM records x WHERE x.supersedes = r.uuid" \
	"   AND x.state <> 'draft')) "

static const char *const report_sql[] = {
	/* 0: outcomes and sync states */
	LATEST_FINAL "SELECT kelurahan, decision, reason, state, count(*) FROM fin WHERE rank = 1"
	" GROUP BY kelurahan, decision, reason, state",
	/* 1: assigned households, and those with a final record */
	"SELECT kelurahan, count(*), coalesce(sum(EXISTS (SELECT 1 FROM records r"
	" WHERE r.nik = c.nik AND r.state <> 'draft')), 0)"
	" FROM (SELECT DISTINCT kelurahan, nik FROM candidates) c GROUP BY kelurahan",
	/* 2: households with only drafts */
	"SELECT kelurahan, count(DISTINCT nik) FROM records d WHERE state = 'draft'"
	" AND NOT EXISTS (SELECT 1 FROM records f WHERE f.nik = d.nik AND f.state <> 'draft')"
	" GROUP BY kelurahan",
};

struct report_rows {
	struct store_report_row *out;
	size_t n, max;
};

/* the row of kelurahan code, added in code order; NULL when full */
static struct store_report_row *row_for(struct report_rows *rows, const char *code)
{
	size_t i = 0;
	while (i < rows->n && strcmp(rows->out[i].kelurahan, code) < 0)
		i++;
	if (i < rows->n && strcmp(rows->out[i].kelurahan, code) == 0)
		return &rows->out[i];
	if (rows->n == rows->max)
		return NULL;
	memmove(&rows->out[i + 1], &rows->out[i], (rows->n - i) * sizeof rows->out[0]);
	rows->n++;
	memset(&rows->out[i], 0, sizeof rows->out[i]);
	store_copy(rows->out[i].kelurahan, sizeof rows->out[i].kelurahan, code);
	return &rows->out[i];
}

static void add_outcome(struct store_report_row *r, sqlite3_stmt *st)
{
	const char *decision = (const char *)sqlite3_column_text(st, 1);
	const char *reason = (const char *)sqlite3_column_text(st, 2);
	const char *state_code = (const char *)sqlite3_column_text(st, 3);
	int64_t n = sqlite3_column_int64(st, 4);
	enum reason why = REASON_NONE;
	enum record_state state = STATE_FINAL;
	record_reason_parse(reason != NULL ? reason : "", &why);
	record_state_parse(state_code != NULL ? state_code : "", &state);
	r->verified += n;
	switch (record_outcome_of(decision != NULL ? decision : "", reason != NULL ? reason : "")) {
	case OUTCOME_LAYAK: r->layak += n; break;
	case OUTCOME_NOT_FOUND: r->not_found += n; break;
	default: r->tidak_layak += n; r->by_reason[why] += n; break;
	}
	if (state == STATE_ACCEPTED)
		r->accepted += n;
	else if (state == STATE_FLAGGED)
		r->flagged += n;
	else if (state == STATE_QUARANTINED)
		r->quarantined += n;
	else
		r->unsent += n;
}

size_t store_report(struct store *s, struct store_report_row *out, size_t max)
{
	struct report_rows rows = { out, 0, max };
	for (size_t q = 0; q < sizeof report_sql / sizeof report_sql[0]; q++) {
		sqlite3_stmt *st;
		if (store_prepare(s, report_sql[q], &st) != STORE_OK)
			return 0;
		while (sqlite3_step(st) == SQLITE_ROW) {
			const char *code = (const char *)sqlite3_column_text(st, 0);
			struct store_report_row *r = row_for(&rows, code != NULL ? code : "");
			if (r == NULL)
				continue;
			if (q == 0)
				add_outcome(r, st);
			else if (q == 1) {
				r->assigned += sqlite3_column_int64(st, 1);
				r->assigned_verified += sqlite3_column_int64(st, 2);
			} else
				r->drafts += sqlite3_column_int64(st, 1);
		}
		sqlite3_finalize(st);
	}
	return rows.n;
}
