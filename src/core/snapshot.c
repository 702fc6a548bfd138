/* snapshot: the shrink rule of include/snapshot.h. */
#include "config.h"
#include "snapshot.h"

bool snapshot_shrink_suspicious(int64_t before, int64_t after)
{
	/* after < before / 2 without rounding: 3 -> 1 is suspicious, 3 -> 2 not */
	return before > 0 && after >= 0 && after * 2 < before;
}
