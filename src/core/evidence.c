/* evidence: the table of what a final record needs by outcome (issue 10).
 * Why each row asks what it asks is written in doc/EVIDENCE.md; a change
 * here must change that table too (tests/unit/test_evidence compares). */
#include "config.h"
#include "evidence.h"

#define KTP EVIDENCE_PHOTO(PHOTO_KIND_KTP)
#define KK EVIDENCE_PHOTO(PHOTO_KIND_KK)
#define RUMAH EVIDENCE_PHOTO(PHOTO_KIND_RUMAH)

static const struct evidence_rule rules[] = {
	/* the recipient was met: identity, family and house decide the aid */
	{ DECISION_LAYAK, REASON_NONE, KTP | KK | RUMAH, 0, true },
	/* nobody to photograph: where the clerk stood is the evidence */
	{ DECISION_TIDAK_LAYAK, REASON_TIDAK_DITEMUKAN, 0, RUMAH, true },
	/* the family's card shows the death; the house decides nothing */
	{ DECISION_TIDAK_LAYAK, REASON_MENINGGAL, KK, 0, false },
	/* met, and the house shows the household is well off */
	{ DECISION_TIDAK_LAYAK, REASON_SUDAH_MAMPU, KTP | RUMAH, KK, true },
	/* the household refused: the house and where it is show the visit */
	{ DECISION_TIDAK_LAYAK, REASON_MENOLAK, RUMAH, 0, true },
	/* matched on identity and family card against the other programme */
	{ DECISION_TIDAK_LAYAK, REASON_KEPESERTAAN_GANDA, KTP | KK, 0, false },
	/* moved away: the old house and its place show the visit */
	{ DECISION_TIDAK_LAYAK, REASON_PINDAH, RUMAH, 0, true },
	/* abroad: the family card and the house left behind */
	{ DECISION_TIDAK_LAYAK, REASON_PEKERJA_MIGRAN, KK | RUMAH, 0, true },
	/* a reason written by the clerk: at least the house and its place */
	{ DECISION_TIDAK_LAYAK, REASON_LAINNYA, RUMAH, KTP | KK, true },
};

#define COUNT (sizeof rules / sizeof rules[0])

const struct evidence_rule *evidence_for(enum decision d, enum reason r)
{
	if (d == DECISION_TIDAK_LAYAK)
		for (size_t i = 1; i < COUNT; i++)
			if (rules[i].reason == r)
				return &rules[i];
	return &rules[0];
}

size_t evidence_count(void)
{
	return COUNT;
}

const struct evidence_rule *evidence_row(size_t i)
{
	return i < COUNT ? &rules[i] : NULL;
}

const char *evidence_outcome_code(const struct evidence_rule *rule)
{
	return rule->decision == DECISION_LAYAK ? record_decision_code(DECISION_LAYAK)
		: record_reason_code(rule->reason);
}

bool evidence_slot_shown(const struct record *r, enum photo_kind k)
{
	const struct evidence_rule *rule = evidence_for(r->decision, r->reason);
	return (unsigned)k < PHOTO_KIND_COUNT &&
		(((rule->needed | rule->offered) & EVIDENCE_PHOTO(k)) != 0 || r->photos[k].attached);
}
