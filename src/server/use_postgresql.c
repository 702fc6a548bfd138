/* use_postgresql: `sigacor-server use-postgresql CONNINFO --data FOLDER`,
 * a data folder whose records live in PostgreSQL (issue 14).  It connects,
 * creates or migrates the schema, then writes CONNINFO to FOLDER/database
 * (0600: it may hold a password), where every command and every serve
 * process on that folder finds it.  The photos stay in FOLDER, which two
 * server processes share. */
#include "config.h"
#include "server.h"
#include "admin_int.h"
#include "sdb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

const char *const database_commands_help = N_(
"Basis data:\n"
"  use-postgresql 'postgresql://...' --data FOLDER\n"
"        simpan rekaman di PostgreSQL, bukan di FOLDER/server.db: buat atau\n"
"        perbarui skemanya, lalu catat string koneksinya di FOLDER/database;\n"
"        foto tetap di FOLDER (boleh dipakai bersama beberapa proses serve);\n"
"        folder yang sudah berisi server.db dipindahkan seluruhnya ke basis\n"
"        data PostgreSQL yang kosong (server harus berhenti dulu)\n");

int admin_use_postgresql(int argc, char **argv)
{
	struct admin_options o;
	if (!admin_parse(argc, argv, 1, &o))
		return 2;
	if (o.arg == NULL || o.arg[0] == '\0') {
		fprintf(stderr, "%s\n", _("sigacor-server use-postgresql: string koneksi wajib diisi"));
		return 2;
	}
	if (!db_prepare_dir(o.dir, true))
		return 1;
	char path[4096];
	struct stat st;
	snprintf(path, sizeof path, "%s/server.db", o.dir);
	char *conninfo = db_pg_conninfo(o.dir);
	bool on_postgresql = conninfo != NULL;
	free(conninfo);
	if (stat(path, &st) == 0 && on_postgresql) {
		fprintf(stderr, "sigacor-server: %s: %s\n", path,
			_("folder ini sudah memakai PostgreSQL (FOLDER/database); server.db tidak dipakai"));
		return 1;
	}
	if (stat(path, &st) == 0)
		return db_pg_move_from_sqlite(o.dir, o.arg);
	sdb *db = db_pg_open(o.arg, DB_SCHEMA_VERSION);
	if (db == NULL)
		return 1;
	sdb_close(db);
	if (!db_pg_save_conninfo(o.dir, o.arg))
		return 1;
	printf(_("folder data %s memakai PostgreSQL (skema versi %d)\n"), o.dir, DB_SCHEMA_VERSION);
	return 0;
}
