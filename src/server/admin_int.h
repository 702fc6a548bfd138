/* admin internals shared by the files of the admin commands (admin.c,
 * admin_import.c): the options every command takes and its data folder. */
#ifndef SIGACOR_ADMIN_INT_H
#define SIGACOR_ADMIN_INT_H

#include <stdbool.h>
#include <sqlite3.h>

#define MAX_SHOWN_PROBLEMS 20

struct admin_options {
	const char *dir;
	const char *kelurahan;
	const char *outcome;
	const char *note;
	const char *format;
	const char *arg;            /* the one positional argument, if any */
	bool replace_all;           /* imports: the file may drop most of the list */
	bool allow_skipped;         /* imports: bad rows are skipped, the rest goes in */
};

/* --data and the options of one command; positional: how many (0 or 1) */
bool admin_parse(int argc, char **argv, int positional, struct admin_options *o);
/* Open the data folder; create: make it when missing. */
sqlite3 *admin_open(const char *dir, bool create);
/* Close db and return status. */
int admin_finish(sqlite3 *db, int status);

#endif
