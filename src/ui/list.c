/* list: moving through a list of rows, written once for every screen that
 * shows one (after htop's Panel): the worklist, the photo picker, the
 * help and the choice lists. */
#include "config.h"
#include "ui_int.h"

bool ui_list_move(int *selected, int count, int page, enum ui_action action)
{
	int at = *selected;
	switch (action) {
	case ACT_UP: at--; break;
	case ACT_DOWN: at++; break;
	case ACT_PGUP: at -= page > 1 ? page : 1; break;
	case ACT_PGDN: at += page > 1 ? page : 1; break;
	case ACT_HOME: at = 0; break;
	case ACT_END: at = count - 1; break;
	default: return false;
	}
	if (at >= count)
		at = count - 1;
	if (at < 0)
		at = 0;
	*selected = at;
	return true;
}

void ui_list_scroll(int *top, int selected, int visible)
{
	if (selected < *top)
		*top = selected;
	if (visible > 0 && selected >= *top + visible)
		*top = selected - visible + 1;
	if (*top < 0)
		*top = 0;
}
