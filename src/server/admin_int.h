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
	const char *db;             /* restore: the empty PostgreSQL database to fill */
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
/* use_postgresql.c: the folder's records in PostgreSQL (and its --help) */
extern const char *const database_commands_help;
int admin_use_postgresql(int argc, char **argv);
/* backup_pg.c: a PostgreSQL folder's database in its backup (pg_dump) and
 * back (pg_restore into an empty database, whose connection string the
 * restored folder keeps) */
#define BACKUP_PG_DUMP "postgresql.dump"
bool backup_pg_dump(const char *conninfo, const char *to_dir);
bool backup_pg_has_dump(const char *dir);
bool backup_pg_readable(const char *dir);
bool backup_pg_photos(const char *dir, bool (*each)(const char *sha256, long long size, void *ctx),
	void *ctx);
bool backup_pg_restore(const char *from_dir, const char *conninfo, const char *to_dir);
/* Close db and return status. */
int admin_finish(sdb *db, int status);

#endif
