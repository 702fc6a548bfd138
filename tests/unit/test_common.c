/* test_common: the durable file write of src/common (a file replaced whole,
 * 0600, never through a link planted at its temp name), the clock and the
 * library loaded on first use. */
#include "config.h"
#include "common.h"
#include "tap.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool file_is(const char *path, const char *want)
{
	char buf[256] = "";
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return false;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	return strcmp(buf, want) == 0;
}

/* libc's own functions stand in for a lazy library: always there */
static void lazy_load_checks(void)
{
	size_t (*length)(const char *) = NULL;
	int (*compare)(const char *, const char *) = NULL;
	struct common_lazy_symbol found[] = {
		{ "strlen", (void **)&length }, { "strcmp", (void **)&compare },
	};
	ok(common_lazy_load("libc.so.6", found, 2) && length != NULL && compare != NULL
		&& length("empat") == 5 && compare("a", "a") == 0, "a library's functions are found");

	size_t (*untouched)(const char *) = NULL;
	int (*first)(const char *, const char *) = NULL;
	struct common_lazy_symbol missing[] = {
		{ "strcmp", (void **)&first }, { "sigacor_no_such_function", (void **)&untouched },
	};
	ok(!common_lazy_load("libc.so.6", missing, 2) && first == NULL && untouched == NULL,
		"one missing function: false and no slot written");
	ok(!common_lazy_load("libsigacor-no-such.so.9", found, 1), "a missing library: false");
}

int main(void)
{
	char dir[] = "/tmp/sigacor-test-common.XXXXXX";
	if (mkdtemp(dir) == NULL) {
		tap_diag("mkdtemp: %s", strerror(errno));
		return 99;
	}
	char path[PATH_MAX], tmp[PATH_MAX + 8], victim[PATH_MAX];
	snprintf(path, sizeof path, "%s/token", dir);
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	snprintf(victim, sizeof victim, "%s/victim", dir);

	ok(common_write_file(path, "one\n", 4) && file_is(path, "one\n"), "a new file is written");
	struct stat st;
	ok(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600, "with mode 0600");
	ok(common_write_file(path, "two\n", 4) && file_is(path, "two\n"), "and replaced whole");
	ok(access(tmp, F_OK) != 0, "no temp file left behind");

	/* a link planted at the temp name is removed, never written through */
	FILE *f = fopen(victim, "w");
	if (f != NULL) {
		fputs("keep", f);
		fclose(f);
	}
	ok(symlink(victim, tmp) == 0, "a link planted at the temp name");
	ok(common_write_file(path, "three\n", 6) && file_is(path, "three\n"), "the write still succeeds");
	ok(file_is(victim, "keep"), "the link's target is untouched");

	char missing[PATH_MAX + 16];
	snprintf(missing, sizeof missing, "%s/no/such", dir);
	ok(!common_write_file(missing, "x", 1) && errno == ENOENT, "a missing folder fails with errno");
	ok(common_fsync_dir(dir) && !common_fsync_dir(missing), "fsync of a folder");

	int64_t a = common_now_ms(), b = common_now_ms();
	ok(a > 0 && b >= a, "the clock does not go back");

	lazy_load_checks();

	unlink(path);
	unlink(tmp);
	unlink(victim);
	rmdir(dir);
	return tap_done();
}
