/* api_list: the paged lists: the registry extract, the candidate list and
 * the change feed (doc/PROTOCOL.md), with their cursors and counts. */
#include "config.h"
#include "server.h"
#include "stats.h"
#include "sdb.h"

#include <pthread.h>
#include <semaphore.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static bool parse_limit(const char *s, long *out)
{
	if (s == NULL) {
		*out = PROTO_PAGE_DEFAULT;
		return true;
	}
	long v = 0;
	if (*s == '\0' || strlen(s) > 5)
		return false;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (*s - '0');
	}
	*out = v;
	return v <= PROTO_PAGE_MAX;
}

/* a run of digits as a non-negative number; advances *s */
static bool take_number(const char **s, long long *out)
{
	const char *p = *s;
	long long v = 0;
	int n = 0;
	for (; *p >= '0' && *p <= '9' && n < 18; p++, n++)
		v = v * 10 + (*p - '0');
	if (n == 0)
		return false;
	*out = v;
	*s = p;
	return true;
}

/* Registry cursor "r<snapshot>.<kelurahan>.<row id>" (prefix 'c' for candidates):
 * a position after which the next page starts.  No NIK ever goes in a URL. */
struct list_cursor { long long snapshot; char kelurahan[16]; long long id; };

static bool parse_list_cursor(char prefix, const char *s, struct list_cursor *c)
{
	if (s == NULL || s[0] != prefix)
		return false;
	const char *p = s + 1;
	if (!take_number(&p, &c->snapshot) || *p++ != '.')
		return false;
	if (strlen(p) < 15 || p[13] != '.')
		return false;
	memcpy(c->kelurahan, p, 13);
	c->kelurahan[13] = '\0';
	if (strcmp(c->kelurahan, "36.71.00.0000") != 0 && !proto_is_kelurahan(c->kelurahan))
		return false;
	p += 14;
	return take_number(&p, &c->id) && *p == '\0';
}

static void format_list_cursor(char prefix, const struct list_cursor *c, char *out, size_t cap)
{
	snprintf(out, cap, "%c%lld.%s.%lld", prefix, c->snapshot, c->kelurahan, c->id);
}

/* A page as the answer (gzip when the client takes it), with its next
 * cursor in a header too when more follows; frees the page. */
static void reply_page(struct reply *out, struct proto_page *page)
{
	reply_json(out, 200, proto_page_encode(page));
	out->list = true;
	if (page->has_more && out->status == 200)
		snprintf(out->next_cursor, sizeof out->next_cursor, "%s", page->next_cursor);
	proto_page_free(page);
}

struct list_query {
	char prefix;
	const char *snapshot_key;
	const char *count_sql;
	const char *page_sql;
	enum proto_page_kind kind;
};

static const struct list_query residents_query = {
	'r', "residents_snapshot",
	"SELECT count(*) FROM residents WHERE kelurahan = ?",
	/* Two halves so the index seeks to the cursor: the rest of the cursor's
	 * kelurahan, then the operator's later kelurahan.  One OR over both
	 * re-read every earlier row on each page (quadratic over a registry). */
	"SELECT id, kelurahan, nik, kk, name, sex, birth_place, birth_date, address, rt, rw "
	"FROM residents WHERE kelurahan = ?2 AND id > ?3 AND kelurahan IN "
	"(SELECT kelurahan FROM operator_kelurahan WHERE operator_id = ?1) "
	"UNION ALL "
	"SELECT id, kelurahan, nik, kk, name, sex, birth_place, birth_date, address, rt, rw "
	"FROM residents WHERE kelurahan IN "
	"(SELECT kelurahan FROM operator_kelurahan WHERE operator_id = ?1 AND kelurahan > ?2) "
	"ORDER BY kelurahan, id LIMIT ?4",
	PROTO_PAGE_RESIDENTS,
};

/* the operator the household (its KK) is assigned to, or '' (assign.c) */
#define CANDIDATE_ASSIGNEE "coalesce((SELECT o.name FROM assignments a JOIN operators o " \
	"ON o.id = a.operator_id WHERE a.kk = candidates.kk), '')"

static const struct list_query candidates_query = {
	'c', "candidates_snapshot",
	"SELECT count(*) FROM candidates WHERE kelurahan = ?",
	"SELECT id, kelurahan, kk, nik, program, " CANDIDATE_ASSIGNEE " FROM candidates WHERE kelurahan = ?2 AND id > ?3 "
	"AND kelurahan IN (SELECT kelurahan FROM operator_kelurahan WHERE operator_id = ?1) "
	"UNION ALL "
	"SELECT id, kelurahan, kk, nik, program, " CANDIDATE_ASSIGNEE " FROM candidates WHERE kelurahan IN "
	"(SELECT kelurahan FROM operator_kelurahan WHERE operator_id = ?1 AND kelurahan > ?2) "
	"ORDER BY kelurahan, id LIMIT ?4",
	PROTO_PAGE_CANDIDATES,
};

/* a column into out, cut to fit (a registry page copies 10,000 of them:
 * snprintf's "%s" was a tenth of the server's CPU in a pull) */
static void copy_col(sdb_stmt *st, int col, char *out, size_t cap)
{
	const char *v = (const char *)sdb_column_text(st, col);
	size_t n = v != NULL ? strnlen(v, cap - 1) : 0;
	memcpy(out, v != NULL ? v : "", n);
	out[n] = '\0';
}

static void row_to_item(sdb_stmt *st, struct proto_page *page, size_t i)
{
	if (page->kind == PROTO_PAGE_RESIDENTS) {
		struct resident *r = &page->residents[i];
		/* the registry's fields from column 2 in their order, but the
		 * kelurahan (their last) is column 1, beside the id, for the cursor */
		size_t size;
		for (int f = 0; f < REGISTRY_KELURAHAN; f++) {
			char *buffer = registry_field_buffer(r, (enum registry_field)f, &size);
			copy_col(st, 2 + f, buffer, size);
		}
		copy_col(st, 1, r->kelurahan, sizeof r->kelurahan);
	} else {
		struct candidate *c = &page->candidates[i];
		copy_col(st, 1, c->kelurahan, sizeof c->kelurahan);
		copy_col(st, 2, c->kk, sizeof c->kk);
		copy_col(st, 3, c->nik, sizeof c->nik);
		copy_col(st, 4, c->program, sizeof c->program);
		copy_col(st, 5, c->assigned_to, sizeof c->assigned_to);
	}
}

/* The rows of a kelurahan, kept per snapshot: counting ~20,000 rows on
 * every page cost ~30 ms a page, and 1,204 operators asking at once made
 * it seconds.  A snapshot changes with every import, in the same
 * transaction as the rows, so a count of snapshot S stays right.  The
 * import also keeps its snapshot's counts in meta (below), read before
 * any counting. */
#define COUNT_SLOTS 512
static struct count_slot {
	char prefix;
	char kelurahan[16];
	long long snapshot, count;
} counts[COUNT_SLOTS];
static size_t n_counts;
static pthread_mutex_t counts_lock = PTHREAD_MUTEX_INITIALIZER;

static bool cached_count(char prefix, const char *kelurahan, long long snapshot, long long *count)
{
	bool found = false;
	pthread_mutex_lock(&counts_lock);
	for (size_t i = 0; i < n_counts && !found; i++)
		if (counts[i].prefix == prefix && counts[i].snapshot == snapshot
			&& strcmp(counts[i].kelurahan, kelurahan) == 0) {
			*count = counts[i].count;
			found = true;
		}
	pthread_mutex_unlock(&counts_lock);
	return found;
}

static void cache_count(char prefix, const char *kelurahan, long long snapshot, long long count)
{
	pthread_mutex_lock(&counts_lock);
	size_t i = 0;
	while (i < n_counts && (counts[i].prefix != prefix || strcmp(counts[i].kelurahan, kelurahan) != 0))
		i++;
	if (i == n_counts && n_counts < COUNT_SLOTS)
		n_counts++;
	/* a newer snapshot replaces an older one; a full table just stops caching */
	if (i < n_counts && snapshot >= counts[i].snapshot) {
		counts[i].prefix = prefix;
		snprintf(counts[i].kelurahan, sizeof counts[i].kelurahan, "%s", kelurahan);
		counts[i].snapshot = snapshot;
		counts[i].count = count;
	}
	pthread_mutex_unlock(&counts_lock);
}

/* meta's key for the rows of a kelurahan in a snapshot, kept by the import */
#define KEPT_COUNT_KEY "count.%c.%lld."

bool api_residents_counts_keep(sdb *db, long long snapshot)
{
	char prefix[64];
	sdb_stmt *st;
	snprintf(prefix, sizeof prefix, KEPT_COUNT_KEY, residents_query.prefix, snapshot);
	/* 'r': residents_query's prefix */
	if (!db_exec(db, "DELETE FROM meta WHERE key LIKE 'count.r.%'")
		|| sdb_prepare(db, "INSERT INTO meta(key, value) SELECT ? || kelurahan, count(*)"
			" FROM residents GROUP BY kelurahan", -1, &st, NULL) != SDB_OK)
		return false;
	sdb_bind_text(st, 1, prefix, -1, SDB_STATIC);
	bool ok = sdb_step(st) == SDB_DONE;
	sdb_finalize(st);
	return ok;
}

/* the rows of a kelurahan in snapshot, as the import kept them, else counted */
static bool count_rows_of(sdb *db, const struct list_query *q, const char *kelurahan,
	long long snapshot, long long *n)
{
	char key[96];
	snprintf(key, sizeof key, KEPT_COUNT_KEY "%s", q->prefix, snapshot, kelurahan);
	if ((*n = db_meta_get(db, key)) >= 0)
		return true;
	sdb_stmt *st;
	if (sdb_prepare(db, q->count_sql, -1, &st, NULL) != SDB_OK)
		return false;
	sdb_bind_text(st, 1, kelurahan, -1, SDB_STATIC);
	bool ok = sdb_step(st) == SDB_ROW;
	*n = sdb_column_int64(st, 0);
	sdb_finalize(st);
	return ok;
}

/* rows of the operator's kelurahan, inside the caller's read transaction */
static bool list_total(sdb *db, const struct list_query *q, const struct session *s,
	long long snapshot, long long *total)
{
	*total = 0;
	for (size_t i = 0; i < s->n_kelurahan; i++) {
		long long n;
		if (!cached_count(q->prefix, s->kelurahan[i], snapshot, &n)) {
			if (!count_rows_of(db, q, s->kelurahan[i], snapshot, &n))
				return false;
			cache_count(q->prefix, s->kelurahan[i], snapshot, n);
		}
		*total += n;
	}
	return true;
}

/* every kelurahan of the session has its count of this snapshot kept */
static bool counts_kept(const struct list_query *q, const struct session *s, long long snapshot)
{
	long long n;
	for (size_t i = 0; i < s->n_kelurahan; i++)
		if (!cached_count(q->prefix, s->kelurahan[i], snapshot, &n))
			return false;
	return true;
}

/* the list's snapshot and the registry feed's newest entry, in one
 * statement (one round trip, one view of the data) */
static bool read_snapshot(sdb *db, const struct list_query *q, long long *snapshot,
	long long *registry_seq)
{
	sdb_stmt *st;
	if (sdb_prepare(db, "SELECT coalesce((SELECT value FROM meta WHERE key = ?), -1), "
		"coalesce((SELECT value FROM meta WHERE key = 'registry_seq'), -1)", -1, &st, NULL)
		!= SDB_OK)
		return false;
	sdb_bind_text(st, 1, q->snapshot_key, -1, SDB_STATIC);
	bool ok = sdb_step(st) == SDB_ROW;
	if (ok) {
		*snapshot = sdb_column_int64(st, 0);
		*registry_seq = sdb_column_int64(st, 1);
	}
	sdb_finalize(st);
	return ok;
}

/* The lists' snapshots and the registry feed's newest entry as last read,
 * kept on PostgreSQL until the database notifies a change (kept.c: meta's
 * trigger, whoever writes it): a sync's two probes (limit 0) of counts
 * already kept then ask the database nothing. */
static struct {
	pthread_mutex_t lock;
	uint64_t generation[2];         /* 0: none kept */
	int64_t at[2];
	long long snapshot[2], registry_seq[2];
} kept_snapshots = { .lock = PTHREAD_MUTEX_INITIALIZER };

static bool snapshot_kept(const struct list_query *q, uint64_t generation,
	long long *snapshot, long long *registry_seq)
{
	int i = q->kind == PROTO_PAGE_RESIDENTS ? 0 : 1;
	pthread_mutex_lock(&kept_snapshots.lock);
	bool kept = generation != 0 && kept_snapshots.generation[i] == generation
		&& util_now() - kept_snapshots.at[i] < KEPT_MAX_AGE_S;
	if (kept) {
		*snapshot = kept_snapshots.snapshot[i];
		*registry_seq = kept_snapshots.registry_seq[i];
	}
	pthread_mutex_unlock(&kept_snapshots.lock);
	return kept;
}

static void keep_snapshot(const struct list_query *q, uint64_t generation, long long snapshot,
	long long registry_seq)
{
	int i = q->kind == PROTO_PAGE_RESIDENTS ? 0 : 1;
	pthread_mutex_lock(&kept_snapshots.lock);
	kept_snapshots.generation[i] = generation;
	kept_snapshots.at[i] = util_now();
	kept_snapshots.snapshot[i] = snapshot;
	kept_snapshots.registry_seq[i] = registry_seq;
	pthread_mutex_unlock(&kept_snapshots.lock);
}

/* the snapshot as kept, else as read (and then kept) */
static bool snapshot_now(sdb *db, const struct list_query *q, long long *snapshot,
	long long *registry_seq)
{
	uint64_t generation = kept_generation();        /* before the query */
	if (snapshot_kept(q, generation, snapshot, registry_seq))
		return true;
	if (db == NULL || !read_snapshot(db, q, snapshot, registry_seq))
		return false;
	keep_snapshot(q, generation, *snapshot, *registry_seq);
	return true;
}

static bool read_list(sdb *db, const struct list_query *q, const struct session *s,
	const struct list_cursor *from, long limit, struct proto_page *page)
{
	sdb_stmt *st;
	long long total;
	if (!list_total(db, q, s, from->snapshot, &total))
		return false;
	page->total = total;
	size_t size = q->kind == PROTO_PAGE_RESIDENTS ? sizeof *page->residents
		: sizeof *page->candidates;
	void *items = calloc((size_t)limit + 1, size);
	if (items == NULL)
		return false;
	if (q->kind == PROTO_PAGE_RESIDENTS)
		page->residents = items;
	else
		page->candidates = items;
	if (limit == 0) {
		/* the total only (has the registry changed?): no page to read */
		page->has_more = total > 0;
		if (page->has_more)
			format_list_cursor(q->prefix, from, page->next_cursor, sizeof page->next_cursor);
		return true;
	}
	if (sdb_prepare(db, q->page_sql, -1, &st, NULL) != SDB_OK)
		return false;
	sdb_bind_int64(st, 1, s->operator_id);
	sdb_bind_text(st, 2, from->kelurahan, -1, SDB_STATIC);
	sdb_bind_int64(st, 3, from->id);
	sdb_bind_int64(st, 4, limit + 1);      /* one more tells whether more follow */
	struct list_cursor last = *from;
	int rc;
	while ((rc = sdb_step(st)) == SDB_ROW) {
		if (page->count == (size_t)limit) {
			page->has_more = true;
			break;
		}
		row_to_item(st, page, page->count++);
		last.id = sdb_column_int64(st, 0);
		copy_col(st, 1, last.kelurahan, sizeof last.kelurahan);
	}
	sdb_finalize(st);
	if (rc != SDB_ROW && rc != SDB_DONE)
		return false;
	if (page->has_more)
		format_list_cursor(q->prefix, &last, page->next_cursor, sizeof page->next_cursor);
	return true;
}

static void api_list(const struct list_query *q, const struct session *s, const char *cursor,
	const char *limit_text, struct reply *out)
{
	long limit;
	if (!parse_limit(limit_text, &limit)) {
		reply_problem(out, PROBLEM_BAD_REQUEST, _("limit harus bilangan 0 sampai 5000."));
		return;
	}
	struct list_cursor from = { .snapshot = -1, .kelurahan = "36.71.00.0000", .id = 0 };
	if (cursor != NULL && !parse_list_cursor(q->prefix, cursor, &from)) {
		reply_problem(out, PROBLEM_BAD_CURSOR, NULL);
		return;
	}
	sdb *db = db_thread();
	long long snapshot, registry_seq;
	if (!snapshot_now(db, q, &snapshot, &registry_seq)) {
		reply_db_error(out, db);
		return;
	}
	/* one read transaction: the snapshot check and the page see the same
	 * data; a probe (limit 0) of counts already kept reads nothing more */
	if (!(limit == 0 && counts_kept(q, s, snapshot))
		&& (!db_begin_read(db) || !read_snapshot(db, q, &snapshot, &registry_seq))) {
		reply_db_error(out, db);
		db_rollback(db);
		return;
	}
	if (cursor != NULL && from.snapshot != snapshot) {
		db_rollback(db);
		reply_problem(out, PROBLEM_CURSOR_EXPIRED, NULL);
		return;
	}
	from.snapshot = snapshot;
	struct proto_page page = { .kind = q->kind };
	snprintf(page.snapshot, sizeof page.snapshot, "%c%lld", q->prefix, snapshot);
	if (q->kind == PROTO_PAGE_RESIDENTS)     /* where a copy of this snapshot reads on */
		snprintf(page.registry_cursor, sizeof page.registry_cursor, "g%lld", registry_seq);
	if (!read_list(db, q, s, &from, limit, &page)) {
		proto_page_free(&page);
		reply_db_error(out, db);
		db_rollback(db);
		return;
	}
	db_rollback(db);
	reply_page(out, &page);
}

void api_residents(const struct session *s, const char *cursor, const char *limit, struct reply *out)
{
	api_list(&residents_query, s, cursor, limit, out);
}

void api_candidates(const struct session *s, const char *cursor, const char *limit, struct reply *out)
{
	api_list(&candidates_query, s, cursor, limit, out);
}

static void change_from_row(sdb_stmt *st, struct proto_change *c)
{
	c->seq = sdb_column_int64(st, 0);
	copy_col(st, 1, c->id, sizeof c->id);
	unsigned flags = (unsigned)sdb_column_int(st, 2);
	copy_col(st, 3, c->review, sizeof c->review);
	copy_col(st, 4, c->review_note, sizeof c->review_note);
	c->review_id = sdb_column_int64(st, 5);
	copy_col(st, 6, c->reviewer, sizeof c->reviewer);
	c->reviewed_at = sdb_column_int64(st, 7);
	/* the worklist facts (doc/PROTOCOL.md section 8) */
	c->has_record = true;
	copy_col(st, 8, c->nik, sizeof c->nik);
	copy_col(st, 9, c->kk, sizeof c->kk);
	copy_col(st, 10, c->kelurahan, sizeof c->kelurahan);
	copy_col(st, 11, c->decision, sizeof c->decision);
	copy_col(st, 12, c->reason, sizeof c->reason);
	copy_col(st, 13, c->supersedes, sizeof c->supersedes);
	c->in_registry = sdb_column_int(st, 14) != 0;
	c->created_at = sdb_column_int64(st, 15);
	c->finalised_at = sdb_column_int64(st, 16);
	snprintf(c->status, sizeof c->status, "%s", flags != 0 ? "flagged" : "accepted");
	for (int f = 0; f < FLAG_COUNT && c->n_flags < PROTO_FLAGS_MAX; f++)
		if (flags & (1u << f))
			snprintf(c->flags[c->n_flags++], sizeof c->flags[0], "%s", flag_code((enum flag)f));
	ledger_message(flags, c->review, c->review_note, c->message, sizeof c->message);
}

/* A feed's limit and cursor ("<prefix><seq>", absent = 0), and its empty
 * page of kind (step_feed gives it room as rows come); false with the
 * problem in out. */
static bool feed_begin(char prefix, enum proto_page_kind kind, const char *cursor,
	const char *limit_text, long *limit, long long *after, struct proto_page *page,
	struct reply *out)
{
	const char *p = cursor;
	memset(page, 0, sizeof *page);
	page->kind = kind;
	page->total = -1;
	if (!parse_limit(limit_text, limit)) {
		reply_problem(out, PROBLEM_BAD_REQUEST, _("limit harus bilangan 0 sampai 5000."));
		return false;
	}
	if (cursor != NULL && (*p++ != prefix || !take_number(&p, after) || *p != '\0')) {
		reply_problem(out, PROBLEM_BAD_CURSOR, NULL);
		return false;
	}
	return true;
}

/* array grown from cap to n items of size bytes, the new ones zeroed */
static void *grow_items(void *array, size_t cap, size_t n, size_t size)
{
	char *p = realloc(array, n * size);
	if (p != NULL)
		memset(p + cap * size, 0, (n - cap) * size);
	return p;
}

/* Room for the page's next item: its array doubles as rows come, up to
 * the limit.  A page of the limit made at once was 2 MB zeroed for a
 * feed that mostly answers a few items (8 % of the server's CPU in a
 * city's sync burst). */
static bool feed_room(struct proto_page *page, size_t *cap, long limit)
{
	if (page->count < *cap)
		return true;
	size_t n = *cap == 0 ? 16 : *cap * 2;
	if (n > (size_t)limit)
		n = (size_t)limit;
	void *p = page->kind == PROTO_PAGE_CHANGES ? grow_items(page->changes, *cap, n, sizeof *page->changes)
		: page->kind == PROTO_PAGE_PROGRESS ? grow_items(page->progress, *cap, n, sizeof *page->progress)
		: grow_items(page->registry, *cap, n, sizeof *page->registry);
	if (p == NULL)
		return false;
	if (page->kind == PROTO_PAGE_CHANGES)
		page->changes = p;
	else if (page->kind == PROTO_PAGE_PROGRESS)
		page->progress = p;
	else
		page->registry = p;
	*cap = n;
	return true;
}

/* A feed item from its row; gives the item's seq (the next cursor). */
typedef long long feed_row_fn(sdb_stmt *st, struct proto_page *page, size_t i);

/* Runs a feed's statement (?1 the operator, ?2 the cursor's seq, ?3 the
 * limit) asking one row more than the page holds: that row only says
 * more follow.  Finalizes st; false on a database error. */
static bool step_feed(sdb_stmt *st, const struct session *s, long long after, long limit,
	feed_row_fn *row, struct proto_page *page, long long *last)
{
	sdb_bind_int64(st, 1, s->operator_id);
	sdb_bind_int64(st, 2, after);
	sdb_bind_int64(st, 3, limit + 1);
	int rc;
	size_t cap = 0;
	while ((rc = sdb_step(st)) == SDB_ROW) {
		if (page->count == (size_t)limit) {
			page->has_more = true;
			break;
		}
		if (!feed_room(page, &cap, limit)) {
			rc = SDB_ERROR;         /* out of memory: 503, try again */
			break;
		}
		*last = row(st, page, page->count++);
	}
	sdb_finalize(st);
	return rc == SDB_ROW || rc == SDB_DONE;
}

/* The page as the answer, its next cursor "<prefix><seq>"; frees it. */
static void reply_feed(struct reply *out, struct proto_page *page, char prefix, long long last)
{
	snprintf(page->next_cursor, sizeof page->next_cursor, "%c%lld", prefix, last);
	reply_page(out, page);
}

static long long change_row(sdb_stmt *st, struct proto_page *page, size_t i)
{
	change_from_row(st, &page->changes[i]);
	return page->changes[i].seq;
}

void api_changes(const struct session *s, const char *cursor, const char *limit_text,
	struct reply *out)
{
	long limit;
	long long after = 0;
	struct proto_page page;
	if (!feed_begin('v', PROTO_PAGE_CHANGES, cursor, limit_text, &limit, &after, &page, out))
		return;
	sdb *db = db_thread();
	sdb_stmt *st;
	if (db == NULL || sdb_prepare(db,
		/* the review an entry reports: the one that made it, else the
		 * record's latest (entries of stored records and flags) */
		"SELECT c.seq, v.id, v.flags, coalesce(l.outcome, v.review), "
		"coalesce(l.note, v.review_note), l.id, l.reviewer, l.at, "
		"v.nik, v.kk, v.kelurahan, v.decision, v.reason, v.supersedes, v.in_registry, "
		"v.created_at, v.finalised_at FROM changes c "
		"JOIN verifications v ON v.id = c.verification_id "
		"LEFT JOIN change_reviews cr ON cr.seq = c.seq "
		"LEFT JOIN review_log l ON l.id = coalesce(cr.review_id, "
		"(SELECT max(id) FROM review_log WHERE verification_id = v.id)) "
		"WHERE c.operator_id = ? AND c.seq > ? ORDER BY c.seq LIMIT ?", -1, &st, NULL) != SDB_OK) {
		proto_page_free(&page);
		reply_db_error(out, db);
		return;
	}
	long long last = after;
	if (!step_feed(st, s, after, limit, change_row, &page, &last)) {
		proto_page_free(&page);
		reply_db_error(out, db);
		return;
	}
	reply_feed(out, &page, 'v', last);
}

/* ---------------------------------------------------------------- progress */

/* The NIKs of the operator's kelurahan whose records changed after the
 * cursor, each once (at its last entry), with its deciding record (in the
 * same kelurahan), who made it, and whether a current record is flagged. */
#define PROGRESS_SQL \
	"WITH e AS (SELECT kelurahan, nik, max(seq) AS seq FROM progress" \
	"  WHERE kelurahan IN (SELECT kelurahan FROM operator_kelurahan WHERE operator_id = ?1)" \
	"  AND seq > ?2 GROUP BY kelurahan, nik ORDER BY seq LIMIT ?3)" \
	" SELECT e.seq, e.nik, e.kelurahan, d.decision, d.reason, o.name, d.finalised_at," \
	"  EXISTS (SELECT 1 FROM verifications f WHERE f.nik = e.nik AND f.kelurahan = e.kelurahan" \
	"   AND f.superseded_by IS NULL AND f.flags != 0), d.review" \
	" FROM e JOIN verifications d ON d.id = (SELECT id FROM verifications v" \
	"  WHERE v.nik = e.nik AND v.kelurahan = e.kelurahan AND v.superseded_by IS NULL" \
	"  ORDER BY " DECIDING_ORDER " LIMIT 1)" \
	" JOIN operators o ON o.id = d.operator_id ORDER BY e.seq"

/* the newest entry of the feed (0 when empty) in *seq, from a statement
 * sent before (sdb_send); false on a database error */
static bool progress_newest(sdb_stmt *st, long long *seq)
{
	int rc = sdb_step(st);
	*seq = rc == SDB_ROW ? sdb_column_int64(st, 0) : 0;
	sdb_finalize(st);
	return rc == SDB_ROW;
}

static void progress_from_row(sdb_stmt *st, struct proto_progress *p)
{
	p->seq = sdb_column_int64(st, 0);
	copy_col(st, 1, p->nik, sizeof p->nik);
	copy_col(st, 2, p->kelurahan, sizeof p->kelurahan);
	copy_col(st, 3, p->decision, sizeof p->decision);
	copy_col(st, 4, p->reason, sizeof p->reason);
	copy_col(st, 5, p->operator_name, sizeof p->operator_name);
	p->verified_at = sdb_column_int64(st, 6);
	p->flagged = sdb_column_int(st, 7) != 0;
	copy_col(st, 8, p->review, sizeof p->review);
}

static long long progress_row(sdb_stmt *st, struct proto_page *page, size_t i)
{
	progress_from_row(st, &page->progress[i]);
	return page->progress[i].seq;
}

static bool read_progress(sdb *db, const struct session *s, long long after, long limit,
	struct proto_page *page, long long *last)
{
	sdb_stmt *st;
	return sdb_prepare(db, PROGRESS_SQL, -1, &st, NULL) == SDB_OK
		&& step_feed(st, s, after, limit, progress_row, page, last);
}

void api_progress(const struct session *s, const char *cursor, const char *limit_text,
	struct reply *out)
{
	long limit;
	long long after = 0;
	struct proto_page page;
	if (!feed_begin('p', PROTO_PAGE_PROGRESS, cursor, limit_text, &limit, &after, &page, out))
		return;
	sdb *db = db_thread();
	sdb_stmt *newest_st;
	if (db == NULL || sdb_prepare(db, "SELECT coalesce(max(seq), 0) FROM progress", -1,
		&newest_st, NULL) != SDB_OK) {
		proto_page_free(&page);
		reply_db_error(out, db);
		return;
	}
	/* No read transaction: the feed's newest entry only grows (one writer
	 * numbers it in commit order), so a cursor past it was never given out
	 * by this database.  On PostgreSQL the newest is asked first and the
	 * page after it in the same round trip (sdb_send; two round trips
	 * before); SQLite asks the newest after the page, which can only make
	 * it larger. */
	sdb_send(newest_st);
	long long last = after, newest;
	bool read = read_progress(db, s, after, limit, &page, &last);
	if (!progress_newest(newest_st, &newest) || !read) {
		proto_page_free(&page);
		reply_db_error(out, db);
		return;
	}
	if (after > newest) {
		/* a cursor past the newest entry: another server's, or a restored
		 * database; the client reads the feed again from its start */
		proto_page_free(&page);
		reply_problem(out, PROBLEM_CURSOR_EXPIRED, NULL);
		return;
	}
	reply_feed(out, &page, 'p', last);
}

/* ---------------------------------------------------------------- registry changes */

/* The operator's kelurahan's entries after the cursor, each with the
 * resident as now (none: gone from that kelurahan).  A NIK changed twice
 * comes twice with the same fields; applying both is harmless.  The page's
 * entries are picked first, then joined: the entries of several kelurahan
 * come from as many index ranges and must be sorted, and with the join
 * inside the sort every entry after the cursor was looked up in the
 * registry for each page (a 1 % change of 2,000,000: 210,000 look-ups for
 * 20,000 entries, 159 ms for the first page). */
#define REGISTRY_CHANGES_SQL \
	"WITH c AS (SELECT seq, nik, kelurahan FROM registry_changes" \
	"  WHERE kelurahan IN (SELECT kelurahan FROM operator_kelurahan WHERE operator_id = ?1)" \
	"  AND seq > ?2 ORDER BY seq LIMIT ?3)" \
	" SELECT c.seq, c.nik, c.kelurahan, r.nik IS NULL, r.kk, r.name, r.sex, r.birth_place," \
	" r.birth_date, r.address, r.rt, r.rw FROM c" \
	" LEFT JOIN residents r ON r.nik = c.nik AND r.kelurahan = c.kelurahan ORDER BY c.seq"

static long long registry_row(sdb_stmt *st, struct proto_page *page, size_t i)
{
	struct proto_registry_change *c = &page->registry[i];
	struct resident *r = &c->resident;
	c->seq = sdb_column_int64(st, 0);
	copy_col(st, 1, r->nik, sizeof r->nik);
	copy_col(st, 2, r->kelurahan, sizeof r->kelurahan);
	c->removed = sdb_column_int(st, 3) != 0;
	if (!c->removed) {
		size_t size;
		for (int f = REGISTRY_KK; f < REGISTRY_KELURAHAN; f++) {
			char *buffer = registry_field_buffer(r, (enum registry_field)f, &size);
			copy_col(st, 4 + f - REGISTRY_KK, buffer, size);
		}
	}
	return c->seq;
}

/* Inside the read transaction: the cursor is usable, and the page. */
static bool read_registry_changes(sdb *db, const struct session *s, long long after,
	long limit, struct proto_page *page, long long *last, bool *expired)
{
	long long newest = db_meta_get(db, "registry_seq");
	long long snapshot = db_meta_get(db, "residents_snapshot");
	/* pruned past it, or past the newest: another server's, or a restored
	 * database; the laptop downloads its kelurahan whole instead */
	*expired = after < db_meta_get(db, "registry_floor") || after > newest;
	if (*expired)
		return true;
	snprintf(page->snapshot, sizeof page->snapshot, "r%lld", snapshot);
	sdb_stmt *st;
	long long total;
	if (!list_total(db, &residents_query, s, snapshot, &total))
		return false;
	page->total = total;
	if (sdb_prepare(db, REGISTRY_CHANGES_SQL, -1, &st, NULL) != SDB_OK
		|| !step_feed(st, s, after, limit, registry_row, page, last))
		return false;
	if (!page->has_more)
		*last = newest;      /* entries of other kelurahan are not asked again */
	return true;
}

void api_registry_changes(const struct session *s, const char *cursor, const char *limit_text,
	struct reply *out)
{
	long limit;
	long long after = 0;
	struct proto_page page;
	if (!feed_begin('g', PROTO_PAGE_REGISTRY, cursor, limit_text, &limit, &after, &page, out))
		return;
	sdb *db = db_thread();
	long long last = after;
	bool expired = false;
	/* one read transaction: the cursor's check, the page and its total agree */
	bool ok = db != NULL && db_begin_read(db)
		&& read_registry_changes(db, s, after, limit, &page, &last, &expired);
	if (!ok)
		reply_db_error(out, db);
	else if (expired)
		reply_problem(out, PROBLEM_CURSOR_EXPIRED, NULL);
	if (db != NULL)
		db_rollback(db);
	if (!ok || expired) {
		proto_page_free(&page);
		return;
	}
	reply_feed(out, &page, 'g', last);
}
