/* evidence: each row of the table lets a final record through with exactly
 * its evidence and refuses it without any one piece; doc/EVIDENCE.md's table
 * is the one core holds (rendered here, compared line by line). */
#include "config.h"
#include "evidence.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../tap.h"

#define BIT(p) (1u << (p))

/* 2025-06-01 12:00 UTC (tests run with TZ=UTC) */
static const time_t now = 1748779200;

/* inside Sukarasa (36.71.01.1001) */
#define SUKARASA_LAT (-6.1728844)
#define SUKARASA_LON 106.6318515

static const enum record_problem photo_problem[PHOTO_KIND_COUNT] = {
	RECORD_ERR_PHOTO_KTP, RECORD_ERR_PHOTO_KK, RECORD_ERR_PHOTO_RUMAH };

/* A record of the row's outcome with exactly the row's evidence: its needed
 * photos (without GPS, so they give no place) and, when needed, coordinates
 * typed with a reason. */
static void exactly(struct record *r, const struct evidence_rule *rule)
{
	memset(r, 0, sizeof *r);
	snprintf(r->nik, sizeof r->nik, "3671011503850002");
	r->in_registry = true;
	snprintf(r->kelurahan, sizeof r->kelurahan, "36.71.01.1001");
	r->decision = rule->decision;
	r->reason = rule->reason;
	if (rule->reason == REASON_LAINNYA)
		snprintf(r->reason_text, sizeof r->reason_text, "rumah kosong sejak 2023");
	for (int k = 0; k < PHOTO_KIND_COUNT; k++)
		if (rule->needed & EVIDENCE_PHOTO(k)) {
			r->photos[k].attached = true;
			snprintf(r->photos[k].sha256, sizeof r->photos[k].sha256, "%064d", k + 1);
		}
	if (rule->location) {
		r->has_coord = true;
		r->lat = SUKARASA_LAT;
		r->lon = SUKARASA_LON;
		r->coord_source = COORD_MANUAL;
		snprintf(r->coord_reason, sizeof r->coord_reason, "rumah kosong, titik dari peta");
	}
}

static void test_rows(void)
{
	is_int((long long)evidence_count(), REASON_COUNT, "one row for layak and one per reason");
	for (size_t i = 0; i < evidence_count(); i++) {
		const struct evidence_rule *rule = evidence_row(i);
		const char *what = evidence_outcome_code(rule);
		ok(evidence_for(rule->decision, rule->reason) == rule, "%s: found by its outcome", what);
		struct record r;
		exactly(&r, rule);
		is_int(record_check_final(&r, now), 0, "%s: final with exactly its evidence", what);
		for (int k = 0; k < PHOTO_KIND_COUNT; k++) {
			if (!(rule->needed & EVIDENCE_PHOTO(k)))
				continue;
			exactly(&r, rule);
			r.photos[k].attached = false;
			is_int(record_check_final(&r, now), BIT(photo_problem[k]), "%s: refused without %s",
				what, record_photo_kind_code((enum photo_kind)k));
		}
		exactly(&r, rule);
		r.has_coord = false;
		is_int(record_check_final(&r, now), rule->location ? BIT(RECORD_ERR_COORD) : 0,
			"%s: %s without the house's place", what, rule->location ? "refused" : "final");
		exactly(&r, rule);
		if (!rule->location) {
			/* coordinates given anyway are still judged */
			r.has_coord = true;
			r.lat = 91;
			r.coord_source = COORD_MANUAL;
			is_int(record_check_final(&r, now), BIT(RECORD_ERR_COORD_RANGE) | BIT(RECORD_ERR_COORD_REASON),
				"%s: coordinates not needed are still judged", what);
		}
	}
	/* no KTP or KK for a household not found (issue 10) */
	const struct evidence_rule *nf = evidence_for(DECISION_TIDAK_LAYAK, REASON_TIDAK_DITEMUKAN);
	is_int(nf->needed, 0, "tidak-ditemukan needs no photo");
	ok(nf->location, "but the place");
	ok(evidence_for(DECISION_TIDAK_LAYAK, REASON_NONE) == evidence_row(0),
		"an outcome not yet chosen asks what layak asks");
	ok(evidence_for(DECISION_NONE, REASON_NONE) == evidence_row(0), "no decision: layak's row");
}

static void test_slots(void)
{
	struct record r;
	memset(&r, 0, sizeof r);
	for (int k = 0; k < PHOTO_KIND_COUNT; k++)
		ok(evidence_slot_shown(&r, (enum photo_kind)k), "no outcome yet: slot %d shown", k);
	r.decision = DECISION_TIDAK_LAYAK;
	r.reason = REASON_TIDAK_DITEMUKAN;
	ok(!evidence_slot_shown(&r, PHOTO_KIND_KTP), "not found: no KTP slot");
	ok(!evidence_slot_shown(&r, PHOTO_KIND_KK), "not found: no KK slot");
	ok(evidence_slot_shown(&r, PHOTO_KIND_RUMAH), "not found: the address photo offered");
	r.photos[PHOTO_KIND_KTP].attached = true;
	ok(evidence_slot_shown(&r, PHOTO_KIND_KTP), "a slot holding a photo stays shown");
	r.reason = REASON_MENINGGAL;
	ok(evidence_slot_shown(&r, PHOTO_KIND_KK) && !evidence_slot_shown(&r, PHOTO_KIND_RUMAH),
		"meninggal: the KK slot only");
}

/* photo kinds of bits as the doc writes them: "ktp, kk" or "—" */
static void kinds(unsigned bits, char *out, size_t size)
{
	out[0] = '\0';
	for (int k = 0; k < PHOTO_KIND_COUNT; k++)
		if (bits & EVIDENCE_PHOTO(k)) {
			size_t n = strlen(out);
			snprintf(out + n, size - n, "%s%s", n > 0 ? ", " : "", record_photo_kind_code((enum photo_kind)k));
		}
	if (out[0] == '\0')
		snprintf(out, size, "—");
}

static void test_doc(void)
{
	const char *top = getenv("top_srcdir");
	char path[4096];
	snprintf(path, sizeof path, "%s/doc/EVIDENCE.md", top != NULL ? top : ".");
	FILE *f = fopen(path, "r");
	if (!ok(f != NULL, "doc/EVIDENCE.md opens"))
		return;
	char line[512];
	bool in_table = false;
	size_t row = 0;
	while (fgets(line, sizeof line, f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, "<!-- evidence-table", 19) == 0) {
			in_table = true;
			continue;
		}
		if (!in_table || strncmp(line, "|---", 4) == 0 || strncmp(line, "| outcome", 9) == 0)
			continue;
		if (strncmp(line, "<!-- end evidence-table", 23) == 0)
			break;
		const struct evidence_rule *rule = evidence_row(row++);
		if (!ok(rule != NULL, "doc row %zu is in core's table", row))
			break;
		char needed[64], offered[64], want[256];
		kinds(rule->needed, needed, sizeof needed);
		kinds(rule->offered, offered, sizeof offered);
		snprintf(want, sizeof want, "| %s | %s | %s | %s |", evidence_outcome_code(rule), needed, offered,
			rule->location ? "needed" : "not needed");
		is_str(line, want, "doc/EVIDENCE.md row %zu is core's", row);
	}
	fclose(f);
	is_int((long long)row, (long long)evidence_count(), "the doc has every row of core's table");
}

int main(void)
{
	test_rows();
	test_slots();
	test_doc();
	return tap_done();
}
