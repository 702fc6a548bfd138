/* snapshot: when a new list (the registry, the candidate list) looks too
 * small to replace the one in place (core, pure).  The server's imports and
 * the client's pull ask the same question, so an empty or broken file at
 * the city and a laptop taking a near-empty snapshot are caught by one
 * rule: a list that would lose more than half of its rows is refused unless
 * the person in charge says so explicitly (doc/SECURITY.md). */
#ifndef SIGACOR_SNAPSHOT_H
#define SIGACOR_SNAPSHOT_H

#include <stdbool.h>
#include <stdint.h>

/* true when replacing `before` rows with `after` rows drops more than half
 * of them (an empty replacement of a non-empty list included). */
bool snapshot_shrink_suspicious(int64_t before, int64_t after);

#endif
