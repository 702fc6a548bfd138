/* admin internals shared by the files of the admin commands (admin.c,
 * admin_import.c): the options every command takes and its data folder. */
#ifndef SIGACOR_ADMIN_INT_H
#define SIGACOR_ADMIN_INT_H

#include <stdbool.h>
#include "sdb.h"

#define MAX_SHOWN_PROBLEMS 20

struct admin_options {
	const char *dir;
	const char *kelurahan;
	const char *outcome;
	const char *note;
	const char *format;
	const char *arg;            /* the one positional argument, if any */
	const char *rw, *rt;        /* assign: one section of the kelurahan */
	const char *kk_file;        /* assign: the KK numbers, one a line */
	const char *from, *to;      /* reassign: the operators; backup, restore: folders */
	const char *since;          /* backup: an earlier backup to link photos from */
	bool replace_all;           /* imports: the file may drop most of the list */
	bool allow_skipped;         /* imports: bad rows are skipped, the rest goes in */
};

/* --data and the options of one command; positional: how many (0 or 1) */
bool admin_parse(int argc, char **argv, int positional, struct admin_options *o);
/* Open the data folder; create: make it when missing. */
sdb *admin_open(const char *dir, bool create);
/* assign.c: households to operators (and their lines of --help) */
extern const char *const assign_commands_help;
int admin_assign(int argc, char **argv);
int admin_reassign(int argc, char **argv);
/* backup.c: the data folder copied whole, and back (and their --help) */
extern const char *const backup_commands_help;
int admin_backup(int argc, char **argv);
int admin_restore(int argc, char **argv);
/* Close db and return status. */
int admin_finish(sdb *db, int status);

#endif
