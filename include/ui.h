/* ui: the screens (operator, worklist, form, photo picker, sync), the key
 * table and the one main loop.  Talks to the disk only through store.h. */
#ifndef SIGACOR_UI_H
#define SIGACOR_UI_H

#include <stdbool.h>

struct ui_options {
	const char *data_root;       /* folder holding the operator profiles */
	const char *operator_name;   /* preselected profile, or NULL to choose */
};

/* Run the screens until the clerk quits.  Returns the process exit status. */
int ui_run(const struct ui_options *opts);

#endif
