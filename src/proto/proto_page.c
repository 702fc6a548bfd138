/* proto_page: the pages of the registry extract, the candidate list, the
 * change feed, the kelurahan's progress and the registry's changes
 * (doc/PROTOCOL.md sections on GET /residents, /candidates,
 * /verifications/changes, /progress, /residents/changes). */
#include "config.h"
#include "proto.h"
#include "proto_int.h"
#include "common.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- pages */

static cJSON *resident_to_json(const struct resident *r)
{
	cJSON *o = cJSON_CreateObject();
	bool ok = o != NULL && wire_add_str(o, "nik", r->nik) && wire_add_str(o, "kk", r->kk)
		&& wire_add_str(o, "name", r->name) && wire_add_str(o, "sex", r->sex)
		&& wire_add_str(o, "birth_place", r->birth_place) && wire_add_str(o, "birth_date", r->birth_date)
		&& wire_add_str(o, "address", r->address) && wire_add_str(o, "rt", r->rt)
		&& wire_add_str(o, "rw", r->rw) && wire_add_str(o, "kelurahan", r->kelurahan);
	return wire_keep(o, ok);
}

static bool resident_from_json(struct ctx *c, const cJSON *o, struct resident *r)
{
	bool ok = wire_get_str(c, o, "nik", r->nik, sizeof r->nik, TEXT_LINE)
		&& wire_get_str(c, o, "kk", r->kk, sizeof r->kk, TEXT_LINE)
		&& wire_get_str(c, o, "name", r->name, sizeof r->name, TEXT_LINE)
		&& wire_get_str(c, o, "sex", r->sex, sizeof r->sex, TEXT_LINE)
		&& wire_get_str(c, o, "birth_place", r->birth_place, sizeof r->birth_place, TEXT_LINE)
		&& wire_get_str(c, o, "birth_date", r->birth_date, sizeof r->birth_date, TEXT_LINE)
		&& wire_get_str(c, o, "address", r->address, sizeof r->address, TEXT_LINE)
		&& wire_get_str(c, o, "rt", r->rt, sizeof r->rt, TEXT_LINE)
		&& wire_get_str(c, o, "rw", r->rw, sizeof r->rw, TEXT_LINE)
		&& wire_get_str(c, o, "kelurahan", r->kelurahan, sizeof r->kelurahan, TEXT_LINE);
	if (!ok)
		return false;
	/* the registry's own rule; the birth-date limit was the server's to
	 * judge at import (this machine's clock may be wrong) */
	struct registry_verdict v = registry_check(r, REGISTRY_ANY_DAY);
	if (v.problem == REGISTRY_OK)
		return true;
	char why[64];
	snprintf(why, sizeof why, "breaks the registry rule (%s)", registry_problem_code(v.problem));
	return wire_fail(c, registry_field_name(registry_problem_field(v.problem)), why);
}

static cJSON *candidate_to_json(const struct candidate *r)
{
	cJSON *o = cJSON_CreateObject();
	bool ok = o != NULL && wire_add_str(o, "kk", r->kk) && wire_add_str(o, "nik", r->nik)
		&& wire_add_str(o, "kelurahan", r->kelurahan) && wire_add_str(o, "program", r->program)
		&& wire_add_str(o, "assigned_to", r->assigned_to);
	return wire_keep(o, ok);
}

static bool candidate_from_json(struct ctx *c, const cJSON *o, struct candidate *r)
{
	return wire_get_nik(c, o, "kk", r->kk, false) && wire_get_nik(c, o, "nik", r->nik, false)
		&& wire_get_kelurahan(c, o, "kelurahan", r->kelurahan)
		&& wire_get_str(c, o, "program", r->program, sizeof r->program, TEXT_LINE)
		/* absent from a server before assignments: nobody's */
		&& wire_get_str_opt(c, o, "assigned_to", r->assigned_to, sizeof r->assigned_to)
		&& (r->assigned_to[0] == '\0' || proto_is_operator_name(r->assigned_to)
			|| wire_fail(c, "assigned_to", "must be an operator name"))
		/* the candidate rule both ends apply (the server judged the dates) */
		&& (registry_candidate_problem(r, REGISTRY_ANY_DAY) == NULL
			|| wire_fail(c, "", "breaks the candidate rule (registry.h)"));
}

static bool is_review(const char *s)
{
	return s[0] == '\0' || strcmp(s, "confirmed") == 0 || strcmp(s, "rejected") == 0
		|| strcmp(s, "revisit") == 0;
}

/* review_id, reviewer, reviewed_at: absent from a server before review ids */
static bool review_event_from_json(struct ctx *c, const cJSON *o, struct proto_change *r)
{
	char at[32];
	if (!wire_get_int_opt(c, o, "review_id", 0, INT64_MAX, &r->review_id)
		|| !wire_get_str_opt(c, o, "reviewer", r->reviewer, sizeof r->reviewer)
		|| !wire_get_str_opt(c, o, "reviewed_at", at, sizeof at))
		return false;
	if (r->review_id > 0 && r->review[0] == '\0')
		return wire_fail(c, "review_id", "names a review without an outcome");
	if (at[0] != '\0' && !proto_time_parse(at, &r->reviewed_at))
		return wire_fail(c, "reviewed_at", "must be YYYY-MM-DDTHH:MM:SSZ");
	return true;
}

/* the outcome's codes as a record carries them (record.h) */
static bool outcome_ok(const char *decision, const char *reason)
{
	enum decision d;
	enum reason why;
	if (!record_decision_parse(decision, &d) || d == DECISION_NONE)
		return false;
	if (d == DECISION_LAYAK)
		return reason[0] == '\0';
	return record_reason_parse(reason, &why) && why != REASON_NONE;
}

/* nik, kk, kelurahan, decision, reason, supersedes, in_registry,
 * created_at, finalised_at: the record's worklist facts */
static bool change_record_to_json(cJSON *o, const struct proto_change *r)
{
	char created[21] = "", finalised[21] = "";
	proto_time_format(r->created_at, created);
	proto_time_format(r->finalised_at, finalised);
	return wire_add_str(o, "nik", r->nik) && wire_add_str(o, "kk", r->kk)
		&& wire_add_str(o, "kelurahan", r->kelurahan) && wire_add_str(o, "decision", r->decision)
		&& wire_add_str(o, "reason", r->reason) && wire_add_str(o, "supersedes", r->supersedes)
		&& wire_add_bool(o, "in_registry", r->in_registry)
		&& wire_add_str(o, "created_at", created) && wire_add_str(o, "finalised_at", finalised);
}

static bool change_record_from_json(struct ctx *c, const cJSON *o, struct proto_change *r)
{
	char created[32], finalised[32];
	r->has_record = cJSON_GetObjectItemCaseSensitive(o, "nik") != NULL;
	if (!r->has_record)
		return true;             /* a server before them */
	return wire_get_nik(c, o, "nik", r->nik, false) && wire_get_nik(c, o, "kk", r->kk, true)
		&& wire_get_kelurahan(c, o, "kelurahan", r->kelurahan)
		&& wire_get_str(c, o, "decision", r->decision, sizeof r->decision, TEXT_LINE)
		&& wire_get_str(c, o, "reason", r->reason, sizeof r->reason, TEXT_LINE)
		&& (outcome_ok(r->decision, r->reason) || wire_fail(c, "decision", "unknown decision or reason"))
		&& wire_get_str(c, o, "supersedes", r->supersedes, sizeof r->supersedes, TEXT_LINE)
		&& (r->supersedes[0] == '\0' || proto_is_uuid(r->supersedes)
			|| wire_fail(c, "supersedes", "must be a lower-case UUID"))
		&& wire_get_bool(c, o, "in_registry", &r->in_registry)
		&& wire_get_str(c, o, "created_at", created, sizeof created, TEXT_LINE)
		&& (proto_time_parse(created, &r->created_at)
			|| wire_fail(c, "created_at", "must be YYYY-MM-DDTHH:MM:SSZ"))
		&& wire_get_str(c, o, "finalised_at", finalised, sizeof finalised, TEXT_LINE)
		&& (proto_time_parse(finalised, &r->finalised_at)
			|| wire_fail(c, "finalised_at", "must be YYYY-MM-DDTHH:MM:SSZ"));
}

static cJSON *change_to_json(const struct proto_change *r)
{
	cJSON *o = cJSON_CreateObject();
	bool ok = o != NULL && wire_add_num(o, "seq", (double)r->seq) && wire_add_str(o, "id", r->id)
		&& wire_add_str(o, "status", r->status)
		&& wire_add_codes(o, "flags", r->flags[0], sizeof r->flags[0], r->n_flags)
		&& wire_add_str(o, "review", r->review) && wire_add_str(o, "review_note", r->review_note)
		&& wire_add_str(o, "message", r->message);
	if (ok && r->review_id > 0) {
		char at[32] = "";
		if (r->reviewed_at > 0)
			proto_time_format(r->reviewed_at, at);
		ok = wire_add_num(o, "review_id", (double)r->review_id)
			&& wire_add_str(o, "reviewer", r->reviewer) && wire_add_str(o, "reviewed_at", at);
	}
	if (ok && r->has_record)
		ok = change_record_to_json(o, r);
	return wire_keep(o, ok);
}

static bool change_from_json(struct ctx *c, const cJSON *o, struct proto_change *r)
{
	return wire_get_int(c, o, "seq", 1, INT64_MAX, &r->seq)
		&& wire_get_str(c, o, "id", r->id, sizeof r->id, TEXT_LINE)
		&& (proto_is_uuid(r->id) || wire_fail(c, "id", "must be a lower-case UUID"))
		&& wire_get_str(c, o, "status", r->status, sizeof r->status, TEXT_LINE)
		&& (wire_is_status(r->status) || wire_fail(c, "status", "must be accepted or flagged"))
		&& wire_get_codes(c, o, "flags", PROTO_FLAGS_MAX, r->flags[0], sizeof r->flags[0],
			&r->n_flags)
		&& wire_get_str(c, o, "review", r->review, sizeof r->review, TEXT_LINE)
		&& (is_review(r->review) || wire_fail(c, "review", "unknown outcome"))
		&& wire_get_str(c, o, "review_note", r->review_note, sizeof r->review_note, TEXT_MULTILINE)
		&& wire_get_str(c, o, "message", r->message, sizeof r->message, TEXT_MULTILINE)
		&& review_event_from_json(c, o, r) && change_record_from_json(c, o, r);
}

static cJSON *progress_to_json(const struct proto_progress *r)
{
	char at[21] = "";
	if (r->verified_at > 0)
		proto_time_format(r->verified_at, at);
	cJSON *o = cJSON_CreateObject();
	bool ok = o != NULL && wire_add_num(o, "seq", (double)r->seq) && wire_add_str(o, "nik", r->nik)
		&& wire_add_str(o, "kelurahan", r->kelurahan) && wire_add_str(o, "decision", r->decision)
		&& wire_add_str(o, "reason", r->reason) && wire_add_str(o, "operator", r->operator_name)
		&& wire_add_str(o, "verified_at", at) && wire_add_bool(o, "flagged", r->flagged)
		&& wire_add_str(o, "review", r->review);
	return wire_keep(o, ok);
}

static bool progress_outcome_ok(const struct proto_progress *r)
{
	return outcome_ok(r->decision, r->reason);
}

static bool progress_from_json(struct ctx *c, const cJSON *o, struct proto_progress *r)
{
	char at[32];
	return wire_get_int(c, o, "seq", 1, INT64_MAX, &r->seq)
		&& wire_get_nik(c, o, "nik", r->nik, false)
		&& wire_get_kelurahan(c, o, "kelurahan", r->kelurahan)
		&& wire_get_str(c, o, "decision", r->decision, sizeof r->decision, TEXT_LINE)
		&& wire_get_str(c, o, "reason", r->reason, sizeof r->reason, TEXT_LINE)
		&& (progress_outcome_ok(r) || wire_fail(c, "decision", "unknown decision or reason"))
		&& wire_get_str(c, o, "operator", r->operator_name, sizeof r->operator_name, TEXT_LINE)
		&& (proto_is_operator_name(r->operator_name)
			|| wire_fail(c, "operator", "must be an operator name"))
		&& wire_get_str(c, o, "verified_at", at, sizeof at, TEXT_LINE)
		&& (at[0] == '\0' || proto_time_parse(at, &r->verified_at)
			|| wire_fail(c, "verified_at", "must be YYYY-MM-DDTHH:MM:SSZ"))
		&& wire_get_bool(c, o, "flagged", &r->flagged)
		&& wire_get_str(c, o, "review", r->review, sizeof r->review, TEXT_LINE)
		&& (is_review(r->review) || wire_fail(c, "review", "unknown outcome"));
}

/* A resident as now, its fields beside seq; or gone: its NIK and the
 * kelurahan it left */
static cJSON *registry_change_to_json(const struct proto_registry_change *r)
{
	if (!r->removed) {
		cJSON *o = resident_to_json(&r->resident);
		bool ok = o != NULL && wire_add_num(o, "seq", (double)r->seq)
			&& wire_add_bool(o, "removed", false);
		return wire_keep(o, ok);
	}
	cJSON *o = cJSON_CreateObject();
	bool ok = o != NULL && wire_add_num(o, "seq", (double)r->seq) && wire_add_bool(o, "removed", true)
		&& wire_add_str(o, "nik", r->resident.nik)
		&& wire_add_str(o, "kelurahan", r->resident.kelurahan);
	return wire_keep(o, ok);
}

static bool registry_change_from_json(struct ctx *c, const cJSON *o, struct proto_registry_change *r)
{
	if (!wire_get_int(c, o, "seq", 1, INT64_MAX, &r->seq) || !wire_get_bool(c, o, "removed", &r->removed))
		return false;
	if (!r->removed)
		return resident_from_json(c, o, &r->resident);
	return wire_get_nik(c, o, "nik", r->resident.nik, false)
		&& wire_get_kelurahan(c, o, "kelurahan", r->resident.kelurahan);
}

static cJSON *item_to_json(const struct proto_page *in, size_t i)
{
	switch (in->kind) {
	case PROTO_PAGE_RESIDENTS: return resident_to_json(&in->residents[i]);
	case PROTO_PAGE_CANDIDATES: return candidate_to_json(&in->candidates[i]);
	case PROTO_PAGE_PROGRESS: return progress_to_json(&in->progress[i]);
	case PROTO_PAGE_REGISTRY: return registry_change_to_json(&in->registry[i]);
	default: return change_to_json(&in->changes[i]);
	}
}

/* ---------------------------------------------------------------- a residents page as text */

/* The registry extract's pages are the biggest answers the server writes
 * (a city's registry, 1,000 residents a page), and its changes' pages the
 * next (1,000 entries): written straight as text,
 * byte for byte what cJSON_PrintUnformatted gives for the same object,
 * rather than built as a tree of cJSON nodes first (three allocations a
 * field; 40 % of the server's CPU in a 2,000,000-row pull). */
static void text_raw(struct common_text *t, const char *s)
{
	common_text_add(t, s, strlen(s));
}

/* s as a JSON string, escaped as cJSON escapes: the two that must be, the
 * short forms of control characters, \u00XX for the others; UTF-8 as it
 * is */
static void text_string(struct common_text *t, const char *s)
{
	common_text_add(t, "\"", 1);
	const char *run = s;
	for (; *s != '\0'; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch >= 32 && ch != '"' && ch != '\\')
			continue;
		common_text_add(t, run, (size_t)(s - run));
		run = s + 1;
		char esc[8];
		const char *shortform = ch == '"' ? "\\\"" : ch == '\\' ? "\\\\" : ch == '\b' ? "\\b"
			: ch == '\f' ? "\\f" : ch == '\n' ? "\\n" : ch == '\r' ? "\\r" : ch == '\t' ? "\\t"
			: NULL;
		if (shortform == NULL) {
			snprintf(esc, sizeof esc, "\\u%04x", ch);
			shortform = esc;
		}
		text_raw(t, shortform);
	}
	common_text_add(t, run, (size_t)(s - run));
	common_text_add(t, "\"", 1);
}

/* ,"name":"value" (or without the comma, first) */
static void text_member(struct common_text *t, bool first, const char *name, const char *value)
{
	text_raw(t, first ? "\"" : ",\"");
	text_raw(t, name);
	text_raw(t, "\":");
	text_string(t, value);
}

static void text_resident_fields(struct common_text *t, const struct resident *r)
{
	for (int f = 0; f < REGISTRY_FIELD_COUNT; f++)
		text_member(t, f == 0, registry_field_name((enum registry_field)f),
			registry_field_value(r, (enum registry_field)f));
}

/* an entry of the registry's changes, members in registry_change_to_json's order */
static void text_change(struct common_text *t, const struct proto_registry_change *c)
{
	if (c->removed) {
		common_text_printf(t, "{\"seq\":%lld,\"removed\":true", (long long)c->seq);
		text_member(t, false, "nik", c->resident.nik);
		text_member(t, false, "kelurahan", c->resident.kelurahan);
	} else {
		common_text_add(t, "{", 1);
		text_resident_fields(t, &c->resident);
		common_text_printf(t, ",\"seq\":%lld,\"removed\":false", (long long)c->seq);
	}
	common_text_add(t, "}", 1);
}

/* cJSON prints a whole number below 10^15 as its digits, larger ones with
 * an exponent: only the former are written here */
#define TEXT_WHOLE_MAX 999999999999999LL

static bool whole_as_digits(long long v)
{
	return v >= -TEXT_WHOLE_MAX && v <= TEXT_WHOLE_MAX;
}

/* a residents page or a registry changes page, as text; NULL: out of
 * memory, or a number cJSON would print otherwise (then the tree) */
static char *page_text(const struct proto_page *in)
{
	bool residents = in->kind == PROTO_PAGE_RESIDENTS;
	if (!whole_as_digits(in->total))
		return NULL;
	for (size_t i = 0; !residents && i < in->count; i++)
		if (!whole_as_digits(in->registry[i].seq))
			return NULL;
	struct common_text t = { 0 };
	text_raw(&t, "{\"items\":[");
	for (size_t i = 0; i < in->count; i++) {
		if (i > 0)
			common_text_add(&t, ",", 1);
		if (residents) {
			common_text_add(&t, "{", 1);
			text_resident_fields(&t, &in->residents[i]);
			common_text_add(&t, "}", 1);
		} else
			text_change(&t, &in->registry[i]);
	}
	text_raw(&t, "]");
	text_member(&t, false, "next_cursor", in->next_cursor);
	text_raw(&t, in->has_more ? ",\"has_more\":true" : ",\"has_more\":false");
	common_text_printf(&t, ",\"total\":%lld", (long long)in->total);
	text_member(&t, false, "snapshot", in->snapshot);
	if (residents && in->registry_cursor[0] != '\0')
		text_member(&t, false, "registry_cursor", in->registry_cursor);
	common_text_add(&t, "}", 1);
	if (t.failed) {
		free(t.s);
		return NULL;
	}
	return t.s;
}

char *proto_page_encode(const struct proto_page *in)
{
	char *text;
	if ((in->kind == PROTO_PAGE_RESIDENTS || in->kind == PROTO_PAGE_REGISTRY)
		&& (text = page_text(in)) != NULL)
		return text;
	cJSON *o = cJSON_CreateObject();
	cJSON *items = o != NULL ? cJSON_AddArrayToObject(o, "items") : NULL;
	bool ok = items != NULL;
	for (size_t i = 0; ok && i < in->count; i++) {
		cJSON *item = item_to_json(in, i);
		ok = item != NULL && cJSON_AddItemToArray(items, item);
		if (!ok)
			cJSON_Delete(item);
	}
	ok = ok && wire_add_str(o, "next_cursor", in->next_cursor)
		&& wire_add_bool(o, "has_more", in->has_more) && wire_add_num(o, "total", (double)in->total);
	if (ok && in->kind != PROTO_PAGE_CHANGES && in->kind != PROTO_PAGE_PROGRESS)
		ok = wire_add_str(o, "snapshot", in->snapshot);
	if (ok && in->kind == PROTO_PAGE_RESIDENTS && in->registry_cursor[0] != '\0')
		ok = wire_add_str(o, "registry_cursor", in->registry_cursor);
	return wire_finish(o, ok);
}

void proto_page_free(struct proto_page *p)
{
	if (p == NULL)
		return;
	free(p->residents);
	free(p->candidates);
	free(p->changes);
	free(p->progress);
	free(p->registry);
	p->residents = NULL;
	p->candidates = NULL;
	p->changes = NULL;
	p->progress = NULL;
	p->registry = NULL;
	p->count = 0;
}

/* the item array of the page's kind, and the size of one item */
static void **page_array(struct proto_page *p, size_t *size)
{
	switch (p->kind) {
	case PROTO_PAGE_RESIDENTS: *size = sizeof *p->residents; return (void **)&p->residents;
	case PROTO_PAGE_CANDIDATES: *size = sizeof *p->candidates; return (void **)&p->candidates;
	case PROTO_PAGE_PROGRESS: *size = sizeof *p->progress; return (void **)&p->progress;
	case PROTO_PAGE_REGISTRY: *size = sizeof *p->registry; return (void **)&p->registry;
	default: *size = sizeof *p->changes; return (void **)&p->changes;
	}
}

static bool item_from_json(struct ctx *c, const cJSON *it, struct proto_page *out, size_t i)
{
	switch (out->kind) {
	case PROTO_PAGE_RESIDENTS: return resident_from_json(c, it, &out->residents[i]);
	case PROTO_PAGE_CANDIDATES: return candidate_from_json(c, it, &out->candidates[i]);
	case PROTO_PAGE_PROGRESS: return progress_from_json(c, it, &out->progress[i]);
	case PROTO_PAGE_REGISTRY: return registry_change_from_json(c, it, &out->registry[i]);
	default: return change_from_json(c, it, &out->changes[i]);
	}
}

static bool page_items(struct ctx *c, const cJSON *arr, struct proto_page *out)
{
	size_t n = (size_t)cJSON_GetArraySize(arr);
	size_t size;
	void **array = page_array(out, &size);
	*array = calloc(n > 0 ? n : 1, size);
	if (*array == NULL)
		return false;
	const cJSON *it;
	size_t i = 0;
	cJSON_ArrayForEach(it, arr) {
		snprintf(c->path, sizeof c->path, "items[%zu].", i);
		if (!cJSON_IsObject(it))
			return wire_fail(c, "", "must be an object");
		if (!item_from_json(c, it, out, i))
			return false;
		out->count = ++i;
	}
	c->path[0] = '\0';
	return true;
}

static bool page_from_json(struct ctx *c, const cJSON *o, void *v)
{
	struct proto_page *out = v;
	const cJSON *arr = wire_get_array(c, o, "items", PROTO_PAGE_MAX);
	if (arr == NULL)
		return false;
	if (!page_items(c, arr, out)) {
		c->nomem = c->err == NULL || c->err->reason[0] == '\0';
		return false;
	}
	return wire_get_str(c, o, "next_cursor", out->next_cursor, sizeof out->next_cursor, TEXT_LINE)
		&& wire_get_bool(c, o, "has_more", &out->has_more)
		&& wire_get_int(c, o, "total", -1, INT64_MAX, &out->total)
		&& (out->kind == PROTO_PAGE_CHANGES || out->kind == PROTO_PAGE_PROGRESS
			|| wire_get_str(c, o, "snapshot", out->snapshot, sizeof out->snapshot, TEXT_LINE))
		&& (out->kind != PROTO_PAGE_RESIDENTS || wire_get_str_opt(c, o, "registry_cursor",
			out->registry_cursor, sizeof out->registry_cursor))
		&& (!out->has_more || out->next_cursor[0] != '\0'
			|| wire_fail(c, "next_cursor", "is empty while has_more is true"));
}

enum proto_status proto_page_decode_tree(const char *json, size_t len,
	enum proto_page_kind kind, struct proto_page *out, struct proto_error *err)
{
	memset(out, 0, sizeof *out);
	out->kind = kind;
	return wire_decode(json, len, err, page_from_json, out);
}

enum proto_status proto_page_decode(const char *json, size_t len, enum proto_page_kind kind,
	struct proto_page *out, struct proto_error *err)
{
	if (proto_page_scan(json, len, kind, out)) {
		if (err != NULL)
			memset(err, 0, sizeof *err);
		return PROTO_OK;
	}
	proto_page_free(out);
	return proto_page_decode_tree(json, len, kind, out, err);
}
