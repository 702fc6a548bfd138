/* backup_pg: backup and restore of a data folder whose records live in
 * PostgreSQL (issue 14).  The database goes through PostgreSQL's own tools:
 * pg_dump --format=custom (one consistent snapshot while the servers keep
 * writing) into BACKUP/postgresql.dump, and pg_restore in one transaction
 * into an empty database on restore.  The photos are copied by backup.c as
 * for SQLite.  The tools run without a shell: the connection string is an
 * argument, never a command line. */
#include "config.h"
#include "server.h"
#include "admin_int.h"
#include "sdb.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* run argv (found on PATH); its stdout into out_fd (-1: /dev/null) */
static bool run_tool(const char *const argv[], int out_fd)
{
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	if (out_fd >= 0)
		posix_spawn_file_actions_adddup2(&fa, out_fd, STDOUT_FILENO);
	else
		posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
	pid_t pid;
	/* posix_spawnp takes char *const[]; it changes none of them */
	int rc = posix_spawnp(&pid, argv[0], &fa, NULL, (char *const *)argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0) {
		fprintf(stderr, "sigacor-server: %s: %s\n", argv[0], strerror(rc));
		return false;
	}
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return false;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static bool dump_path(const char *dir, char *out, size_t cap)
{
	int n = snprintf(out, cap, "%s/%s", dir, BACKUP_PG_DUMP);
	return n > 0 && (size_t)n < cap;
}

bool backup_pg_dump(const char *conninfo, const char *to_dir)
{
	char path[4096];
	if (!dump_path(to_dir, path, sizeof path))
		return false;
	const char *argv[] = { "pg_dump", "--format=custom", "--no-owner", "--file", path,
		"--dbname", conninfo, NULL };
	if (!run_tool(argv, -1)) {
		fprintf(stderr, "sigacor-server: %s\n", _("pg_dump gagal; cadangan tidak dibuat"));
		return false;
	}
	/* on disk before the folder is named a backup */
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	bool ok = fd >= 0 && fsync(fd) == 0;
	if (fd >= 0)
		close(fd);
	return ok;
}

bool backup_pg_has_dump(const char *dir)
{
	char path[4096];
	return dump_path(dir, path, sizeof path) && access(path, R_OK) == 0;
}

bool backup_pg_readable(const char *dir)
{
	char path[4096];
	if (!dump_path(dir, path, sizeof path))
		return false;
	const char *argv[] = { "pg_restore", "--list", path, NULL };
	return run_tool(argv, -1);
}

struct named_photo {
	char sha256[65];
	long long size;
};

static int cmp_photo(const void *a, const void *b)
{
	const struct named_photo *x = a, *y = b;
	int c = strcmp(x->sha256, y->sha256);
	return c != 0 ? c : (x->size > y->size) - (x->size < y->size);
}

static bool add_photo(struct named_photo **list, size_t *n, size_t *cap, const char *sha256,
	long long size)
{
	if (*n == *cap) {
		size_t more = *cap > 0 ? *cap * 2 : 1024;
		struct named_photo *bigger = realloc(*list, more * sizeof **list);
		if (bigger == NULL)
			return false;
		*list = bigger;
		*cap = more;
	}
	snprintf((*list)[*n].sha256, sizeof (*list)[*n].sha256, "%s", sha256);
	(*list)[(*n)++].size = size;
	return true;
}

/* the COPY lines of verification_photos in the dump: id, kind, sha256, size, ... */
bool backup_pg_photos(const char *dir, bool (*each)(const char *sha256, long long size, void *ctx),
	void *ctx)
{
	char path[4096];
	FILE *rows = tmpfile();
	if (!dump_path(dir, path, sizeof path) || rows == NULL) {
		if (rows != NULL)
			fclose(rows);
		return false;
	}
	const char *argv[] = { "pg_restore", "--data-only", "--table=verification_photos",
		"--file=-", path, NULL };
	bool ok = run_tool(argv, fileno(rows));
	rewind(rows);
	char line[8192];
	bool in_copy = false;
	struct named_photo *list = NULL;
	size_t n = 0, cap = 0;
	while (ok && fgets(line, sizeof line, rows) != NULL) {
		if (!in_copy) {
			in_copy = strncmp(line, "COPY ", 5) == 0;
			continue;
		}
		if (strcmp(line, "\\.\n") == 0)
			break;
		char *field[4];
		char *p = line;
		for (int i = 0; i < 4; i++) {
			field[i] = p;
			p = p != NULL ? strchr(p, '\t') : NULL;
			if (p != NULL)
				*p++ = '\0';
		}
		ok = field[3] != NULL && strlen(field[2]) < sizeof list[0].sha256
			&& add_photo(&list, &n, &cap, field[2], strtoll(field[3], NULL, 10));
	}
	fclose(rows);
	/* each photo once, however many records name it (as SQLite's DISTINCT) */
	if (n > 0)
		qsort(list, n, sizeof *list, cmp_photo);
	for (size_t i = 0; ok && i < n; i++)
		if (i == 0 || cmp_photo(&list[i - 1], &list[i]) != 0)
			ok = each(list[i].sha256, list[i].size, ctx);
	free(list);
	return ok;
}

/* true when the database holds no table yet (a restore never merges) */
static bool database_empty(const char *conninfo)
{
	sdb *db = db_pg_connect(conninfo);
	if (db == NULL)
		return false;
	sdb_stmt *st;
	long long tables = -1;
	if (sdb_prepare(db, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'", -1, &st,
		NULL) == SDB_OK) {
		if (sdb_step(st) == SDB_ROW)
			tables = sdb_column_int64(st, 0);
		sdb_finalize(st);
	}
	sdb_close(db);
	if (tables != 0)
		fprintf(stderr, "sigacor-server: %s\n",
			_("basis data tujuan tidak kosong; pulihkan ke basis data PostgreSQL yang baru"));
	return tables == 0;
}

bool backup_pg_restore(const char *from_dir, const char *conninfo, const char *to_dir)
{
	char path[4096];
	if (!dump_path(from_dir, path, sizeof path) || !database_empty(conninfo))
		return false;
	const char *argv[] = { "pg_restore", "--no-owner", "--single-transaction", "--exit-on-error",
		"--dbname", conninfo, path, NULL };
	if (!run_tool(argv, -1)) {
		fprintf(stderr, "sigacor-server: %s\n", _("pg_restore gagal; tidak ada yang dipulihkan"));
		return false;
	}
	return db_pg_save_conninfo(to_dir, conninfo);
}
