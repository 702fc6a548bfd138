/* store/progress: the kelurahan's shared progress (GET /progress): per NIK,
 * the outcome the city holds for it and who verified it, whichever operator
 * of the kelurahan did (doc/PROTOCOL.md).  Only that, never a colleague's
 * record, notes or photos.
 *   - the pull: each page upserted by NIK together with its next cursor,
 *     in one transaction (a cut download resumes after the last page);
 *   - the kelurahan's figures for `sigacor status` and the status line. */
#include "config.h"
#include "store.h"
#include "format.h"
#include "store_int.h"

#include <string.h>

#define KEY_PROGRESS_CURSOR "sync.progress.cursor"

bool store_sync_progress_cursor(struct store *s, char *buf, size_t len)
{
	if (len > 0)
		buf[0] = '\0';
	return store_meta_get(s, KEY_PROGRESS_CURSOR, buf, len);
}

/* what a page item must be to be kept (the wire decoder checked the shape) */
static bool item_ok(const struct store_progress_item *p)
{
	return strlen(p->nik) == NIK_LEN && strspn(p->nik, "0123456789") == NIK_LEN
		&& (strcmp(p->decision, "layak") == 0 || strcmp(p->decision, "tidak-layak") == 0)
		&& format_text(p->operator_name, false) && format_text(p->reason, false)
		&& format_text(p->review, false);
}

static enum store_status put_item(struct store *s, const struct store_progress_item *p)
{
	sqlite3_stmt *st;
	enum store_status rc = store_prepare(s, "INSERT INTO progress (nik, kelurahan, decision,"
		" reason, operator, verified_at, flagged, review, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
		" ON CONFLICT (nik) DO UPDATE SET kelurahan = excluded.kelurahan,"
		" decision = excluded.decision, reason = excluded.reason, operator = excluded.operator,"
		" verified_at = excluded.verified_at, flagged = excluded.flagged,"
		" review = excluded.review, seq = excluded.seq", &st);
	if (rc != STORE_OK)
		return rc;
	store_bind_text(st, 1, p->nik);
	store_bind_text(st, 2, p->kelurahan);
	store_bind_text(st, 3, p->decision);
	store_bind_text(st, 4, p->reason);
	store_bind_text(st, 5, p->operator_name);
	sqlite3_bind_int64(st, 6, p->verified_at);
	sqlite3_bind_int(st, 7, p->flagged ? 1 : 0);
	store_bind_text(st, 8, p->review);
	sqlite3_bind_int64(st, 9, p->seq);
	return store_run(s, st, "progress");
}

enum store_status store_sync_progress_page(struct store *s, const struct store_progress_item *items,
	size_t n, const char *next_cursor, size_t *applied)
{
	size_t count = 0;
	enum store_status rc = store_begin(s);
	for (size_t i = 0; rc == STORE_OK && i < n; i++) {
		if (!item_ok(&items[i]))
			continue;
		rc = put_item(s, &items[i]);
		count++;
	}
	if (rc == STORE_OK)
		rc = store_meta_put(s, KEY_PROGRESS_CURSOR, next_cursor);
	rc = store_finish(s, rc);
	if (applied != NULL)
		*applied = rc == STORE_OK ? count : 0;
	return rc;
}

enum store_status store_sync_progress_reset(struct store *s)
{
	enum store_status rc = store_begin(s);
	if (rc == STORE_OK)
		rc = store_exec(s, "DELETE FROM progress");
	if (rc == STORE_OK)
		rc = store_meta_put(s, KEY_PROGRESS_CURSOR, "");
	return store_finish(s, rc);
}

/* ---------------------------------------------------------------- the figures */

/* Each assigned household (a NIK) once: the city's outcome when the
 * progress feed brought one, else this laptop's latest final record that
 * no final correction replaced (sent or not yet; not one the server
 * refused); flagged only as the city says. */
#define KELURAHAN_SQL \
	"WITH c AS (SELECT DISTINCT nik FROM candidates)," \
	" fin AS (SELECT nik, decision, reason, row_number() OVER (PARTITION BY nik" \
	"  ORDER BY finalised_at DESC, created_at DESC, uuid DESC) AS rank FROM records r" \
	"  WHERE state NOT IN ('draft', 'quarantined') AND NOT EXISTS (SELECT 1 FROM records x" \
	"   WHERE x.supersedes = r.uuid AND x.state <> 'draft'))" \
	" SELECT coalesce(p.decision, f.decision), coalesce(p.reason, f.reason)," \
	"  count(*), coalesce(sum(p.flagged), 0)" \
	" FROM c LEFT JOIN progress p ON p.nik = c.nik" \
	" LEFT JOIN fin f ON f.nik = c.nik AND f.rank = 1" \
	" GROUP BY 1, 2"

void store_kelurahan_progress(struct store *s, struct store_kelurahan_progress *out)
{
	memset(out, 0, sizeof *out);
	sqlite3_stmt *st;
	if (store_prepare(s, KELURAHAN_SQL, &st) != STORE_OK)
		return;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *decision = (const char *)sqlite3_column_text(st, 0);
		const char *reason = (const char *)sqlite3_column_text(st, 1);
		int64_t n = sqlite3_column_int64(st, 2);
		out->assigned += n;
		out->flagged += sqlite3_column_int64(st, 3);
		if (decision == NULL)
			continue;               /* nobody verified it yet */
		out->verified += n;
		switch (record_outcome_of(decision, reason != NULL ? reason : "")) {
		case OUTCOME_LAYAK: out->layak += n; break;
		case OUTCOME_NOT_FOUND: out->not_found += n; break;
		default: out->tidak_layak += n; break;
		}
	}
	sqlite3_finalize(st);
}
