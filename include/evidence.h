/* evidence: which photos and which location a final record needs, by its
 * outcome (core, pure).  One table for the whole program: record_check_final
 * reads it (so the screens, `sigacor add`, the store and the server's check of
 * a final record all apply it), the form shows only the photo slots it names,
 * and doc/EVIDENCE.md's table is checked against it by tests/unit/test_evidence
 * (issue 10).  A household that was not found has no KTP or KK to photograph:
 * asking for them made about 7 % of real outcomes impossible to record. */
#ifndef SIGACOR_EVIDENCE_H
#define SIGACOR_EVIDENCE_H

#include <stdbool.h>
#include <stddef.h>
#include "record.h"

#define EVIDENCE_PHOTO(k) (1u << (k))

struct evidence_rule {
	enum decision decision;
	enum reason reason;     /* REASON_NONE for layak */
	unsigned needed;        /* EVIDENCE_PHOTO bits: every one must be attached */
	unsigned offered;       /* slots shown but not needed (e.g. a photo of the
	                           address for a household not found) */
	bool location;          /* the house's coordinates: a photo's GPS, or typed
	                           with a reason */
};

/* The rule of an outcome.  Until the outcome is known (no decision, or
 * "tidak layak" without a reason) the rule of layak, which asks the most:
 * the form shows every slot and nothing is let through unasked. */
const struct evidence_rule *evidence_for(enum decision d, enum reason r);

/* Every row, layak first then the reasons in their order (docs and tests). */
size_t evidence_count(void);
const struct evidence_rule *evidence_row(size_t i);

/* The outcome of a row as the CLI and the docs spell it: "layak" or the
 * reason's code ("tidak-ditemukan"). */
const char *evidence_outcome_code(const struct evidence_rule *rule);

/* The form shows the slot: needed, offered, or already holding a photo
 * (a photo attached before the outcome changed is never hidden). */
bool evidence_slot_shown(const struct record *r, enum photo_kind k);

#endif
