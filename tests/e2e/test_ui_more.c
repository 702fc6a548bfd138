/* More of the screens: the warnings before finalising, a correction of a
 * final record, the worklist's search, filters and counts, names cropped
 * by display width. */
#include "config.h"
#include "e2e.h"
#include "tap.h"

int main(void)
{
	return tap_done();
}
