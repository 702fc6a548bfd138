/* store/candidates: the households assigned for verification, as the city
 * lists them for the operator's kelurahan (GET /candidates).
 *   - the download: pages written with their cursor in one transaction, a
 *     finished pass replaces the list (like the registry pull);
 *   - the worklist's view: once per NIK, with the registry's name and place,
 *     the city's assignee, the kelurahan's progress (who verified it) and
 *     the latest record of that NIK here. */
#include "config.h"
#include "store.h"
#include "format.h"
#include "store_int.h"
#include "i18n.h"

#include <stdio.h>
#include <string.h>

/* the last pass number of the candidates pull (never reused, so rows of an abandoned pass
 * are never taken for the new one's) */
#define KEY_CAND_SEQ "sync.candidates.seq"

/* ---------------------------------------------------------------- the pull */

enum store_status store_sync_candidates_state(struct store *s, struct store_pull_state *out)
{
	store_pull_state_load(s, "sync.candidates", out);
	return STORE_OK;
}

enum store_status store_sync_candidates_begin(struct store *s, const char *snapshot, int64_t total)
{
	return store_pull_begin(s, "sync.candidates", KEY_CAND_SEQ, snapshot, total, NULL);
}

/* the server checked the birth dates against its own clock */
static bool candidate_ok(const struct candidate *c)
{
	return registry_candidate_problem(c, REGISTRY_ANY_DAY) == NULL;
}

static bool candidate_item_ok(const void *item)
{
	return candidate_ok(item);
}

static void bind_candidate(sqlite3_stmt *st, const void *item, int64_t batch, int64_t line)
{
	const struct candidate *c = item;
	(void)line;
	store_bind_text(st, 1, c->nik);
	store_bind_text(st, 2, c->program);
	store_bind_text(st, 3, c->kk);
	store_bind_text(st, 4, c->kelurahan);
	sqlite3_bind_int64(st, 5, batch);
	store_bind_text(st, 6, c->assigned_to);
}

/* The pass is whole: it becomes the list. */
static enum store_status finish_pass(struct store *s, int64_t batch)
{
	sqlite3_stmt *st;
	enum store_status rc = store_prepare(s, "DELETE FROM candidates WHERE batch <> ?", &st);
	if (rc == STORE_OK) {
		sqlite3_bind_int64(st, 1, batch);
		rc = store_run(s, st, "candidates");
	}
	return rc;
}

static const struct store_pull_list candidate_pull = {
	.prefix = "sync.candidates",
	.name = N_("Daftar rumah tangga sasaran"),
	.not_begun = N_("Unduhan daftar rumah tangga sasaran belum dimulai."),
	.insert_sql = "INSERT INTO candidates (nik, program, kk, kelurahan, batch, assigned_to)"
		" VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (nik, program) DO UPDATE SET"
		" kk = excluded.kk, kelurahan = excluded.kelurahan, batch = excluded.batch,"
		" assigned_to = excluded.assigned_to",
	.table = "candidates",
	.item_size = sizeof (struct candidate),
	.item_ok = candidate_item_ok,
	.bind = bind_candidate,
	.finish = finish_pass,
};

enum store_status store_sync_candidates_page(struct store *s, const struct candidate *items,
	size_t n, const char *next_cursor, bool last)
{
	return store_pull_page(s, &candidate_pull, items, n, next_cursor, last);
}

/* ---------------------------------------------------------------- the worklist's view */

/* Once per NIK, with the registry's name/RT/RW/address, the city's
 * assignee, the progress feed's outcome and the NIK's latest record here.
 * place (enum candidate_place): a household anyone verified is done unless
 * the city sent it back for a visit; else it is someone else's when the
 * city assigned it to another operator (:me is this profile's). */
#define CANDIDATE_VIEW \
	"WITH c AS (SELECT nik, min(kk) AS kk, min(kelurahan) AS kelurahan," \
	"   group_concat(program, ',') AS programs, max(assigned_to) AS assigned_to" \
	"   FROM candidates GROUP BY nik)," \
	" v AS (SELECT c.nik, c.kk, c.kelurahan, c.programs, c.assigned_to," \
	"   coalesce(p.name, '') AS name, coalesce(p.rt, '') AS rt, coalesce(p.rw, '') AS rw," \
	"   coalesce(p.address, '') AS address," \
	"   coalesce(g.decision, '') AS done_decision, coalesce(g.reason, '') AS done_reason," \
	"   coalesce(g.operator, '') AS done_by, coalesce(g.review, '') = 'revisit' AS revisit," \
	"   CASE WHEN g.nik IS NOT NULL AND g.review <> 'revisit' THEN 1" \
	"    WHEN c.assigned_to NOT IN ('', :me) THEN 2 ELSE 0 END AS place," \
	"   (SELECT uuid FROM records x WHERE x.nik = c.nik" \
	"     ORDER BY x.updated_at DESC, x.created_at DESC, x.uuid LIMIT 1) AS ru" \
	"   FROM c LEFT JOIN residents p ON p.nik = c.nik LEFT JOIN progress g ON g.nik = c.nik) "

static void candidate_sql(const struct store_filter *f, bool by_nik, char *sql, size_t len)
{
	snprintf(sql, len, CANDIDATE_VIEW "SELECT v.nik, v.kk, v.kelurahan, v.programs, v.name,"
		" v.rw, coalesce(r.uuid, ''), coalesce(r.state, ''), v.rt, v.assigned_to, v.place,"
		" v.revisit, v.done_decision, v.done_reason, v.done_by"
		" FROM v LEFT JOIN records r ON r.uuid = v.ru WHERE 1%s%s%s"
		" ORDER BY v.place = 0 AND v.revisit DESC, v.place, v.rw, v.rt,"
		" v.address COLLATE NOCASE, v.name COLLATE NOCASE, v.nik LIMIT ? OFFSET ?",
		f->state >= 0 ? " AND r.state = :state"
			: f->state == STORE_STATE_UNVERIFIED ? " AND r.uuid IS NULL" : "",
		f->text == NULL || f->text[0] == '\0' ? "" : by_nik
			? " AND v.nik >= :lo AND v.nik < :hi"
			: " AND v.name LIKE :like ESCAPE '\\'",
		f->rw != NULL && f->rw[0] != '\0' ? " AND v.rw = :rw" : "");
}

static void candidate_from_row(sqlite3_stmt *st, struct store_candidate_row *c)
{
	memset(c, 0, sizeof *c);
	store_column_text(st, 0, c->nik, sizeof c->nik);
	store_column_text(st, 1, c->kk, sizeof c->kk);
	store_column_text(st, 2, c->kelurahan, sizeof c->kelurahan);
	store_column_text(st, 3, c->programs, sizeof c->programs);
	store_column_text(st, 4, c->name, sizeof c->name);
	store_column_text(st, 5, c->rw, sizeof c->rw);
	store_column_text(st, 6, c->record_uuid, sizeof c->record_uuid);
	c->has_record = c->record_uuid[0] != '\0';
	if (!c->has_record ||
		!record_state_parse((const char *)sqlite3_column_text(st, 7), &c->record_state))
		c->record_state = STATE_DRAFT;
	store_column_text(st, 8, c->rt, sizeof c->rt);
	store_column_text(st, 9, c->assigned_to, sizeof c->assigned_to);
	int place = sqlite3_column_int(st, 10);
	c->place = place == 1 ? CANDIDATE_DONE_ELSEWHERE : place == 2 ? CANDIDATE_NOT_MINE
		: CANDIDATE_MINE;
	c->revisit = sqlite3_column_int(st, 11) != 0;
	store_column_text(st, 12, c->done_decision, sizeof c->done_decision);
	store_column_text(st, 13, c->done_reason, sizeof c->done_reason);
	store_column_text(st, 14, c->done_by, sizeof c->done_by);
}

static void bind_me(struct store *s, sqlite3_stmt *st)
{
	int i = sqlite3_bind_parameter_index(st, ":me");
	if (i > 0)
		store_bind_text(st, i, store_operator(s));
}

size_t store_candidate_list(struct store *s, const struct store_filter *f,
	bool (*each)(const struct store_candidate_row *c, void *ctx), void *ctx)
{
	char sql[2048];
	sqlite3_stmt *st;
	bool by_nik = store_filter_by_nik(f);
	candidate_sql(f, by_nik, sql, sizeof sql);
	if (store_prepare(s, sql, &st) != STORE_OK)
		return 0;
	store_filter_bind(st, f, by_nik);
	bind_me(s, st);
	struct store_candidate_row row;
	size_t visited = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		candidate_from_row(st, &row);
		visited++;
		if (!each(&row, ctx))
			break;
	}
	sqlite3_finalize(st);
	return visited;
}

void store_candidate_counts(struct store *s, int64_t *assigned, int64_t *unverified)
{
	*assigned = 0;
	*unverified = 0;
	sqlite3_stmt *st;
	if (store_prepare(s, "SELECT count(*), coalesce(sum(NOT EXISTS (SELECT 1 FROM records r"
		" WHERE r.nik = c.nik)), 0) FROM (SELECT DISTINCT nik FROM candidates) c", &st)
		!= STORE_OK)
		return;
	if (sqlite3_step(st) == SQLITE_ROW) {
		*assigned = sqlite3_column_int64(st, 0);
		*unverified = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
}

int64_t store_candidates_assigned_to(struct store *s, const char *operator_name)
{
	sqlite3_stmt *st;
	int64_t n = 0;
	if (store_prepare(s, "SELECT count(DISTINCT nik) FROM candidates WHERE assigned_to = ?",
		&st) != STORE_OK)
		return 0;
	store_bind_text(st, 1, operator_name);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

int64_t store_candidate_todo(struct store *s)
{
	sqlite3_stmt *st;
	int64_t n = 0;
	if (store_prepare(s, CANDIDATE_VIEW "SELECT count(*) FROM v WHERE place = 0 AND ru IS NULL",
		&st) != STORE_OK)
		return 0;
	bind_me(s, st);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

void store_candidate_assignee(struct store *s, const char *nik, char *buf, size_t len)
{
	sqlite3_stmt *st;
	if (len > 0)
		buf[0] = '\0';
	if (store_prepare(s, "SELECT max(assigned_to) FROM candidates WHERE nik = ?", &st) != STORE_OK)
		return;
	store_bind_text(st, 1, nik);
	if (sqlite3_step(st) == SQLITE_ROW)
		store_column_text(st, 0, buf, len);
	sqlite3_finalize(st);
}
