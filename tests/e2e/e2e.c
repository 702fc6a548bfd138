/* e2e: the screen tests' shared steps (see e2e.h). */
#include "config.h"
#include "e2e.h"
#include "tap.h"
#include "store/fixture.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static bool any_failed;

static bool path_join(char *buf, size_t len, const char *a, const char *b)
{
	int n = snprintf(buf, len, "%s/%s", a, b);
	return n > 0 && (size_t)n < len;
}

void e2e_setenv(struct e2e *e, const char *name, const char *value)
{
	size_t len = strlen(name);
	int at = -1;
	for (int i = 0; i < e->nenv; i++)
		if (strncmp(e->env_buf[i], name, len) == 0 && e->env_buf[i][len] == '=')
			at = i;
	if (value == NULL) {
		if (at < 0)
			return;
		for (int i = at; i + 1 < e->nenv; i++)
			memcpy(e->env_buf[i], e->env_buf[i + 1], sizeof e->env_buf[i]);
		e->nenv--;
	} else {
		if (at < 0) {
			if (e->nenv >= (int)(sizeof e->env_buf / sizeof e->env_buf[0]))
				return;
			at = e->nenv++;
		}
		snprintf(e->env_buf[at], sizeof e->env_buf[at], "%s=%s", name, value);
	}
	for (int i = 0; i < e->nenv; i++)
		e->env[i] = e->env_buf[i];
	e->env[e->nenv] = NULL;
}

bool e2e_init(struct e2e *e, const char *name)
{
	memset(e, 0, sizeof *e);
	if (getenv("SIGACOR") == NULL || getenv("TESTDATA") == NULL) {
		printf("Bail out! run through make check ($SIGACOR and $TESTDATA unset)\n");
		exit(1);
	}
	if (!fixture_tmpdir(name, e->dir, sizeof e->dir))
		return false;
	char config[PATH_MAX];
	bool ok = path_join(e->data, sizeof e->data, e->dir, "data")
		&& path_join(e->home, sizeof e->home, e->dir, "home")
		&& path_join(e->photos, sizeof e->photos, e->dir, "photos")
		&& path_join(config, sizeof config, e->dir, "config");
	if (!ok || mkdir(e->home, 0700) != 0 || mkdir(e->photos, 0700) != 0 || mkdir(config, 0700) != 0)
		return false;
	e2e_setenv(e, "TERM", "xterm-256color");
	e2e_setenv(e, "LANG", "id_ID.UTF-8");
	e2e_setenv(e, "TZ", "UTC");
	e2e_setenv(e, "PATH", "/usr/bin:/bin");
	e2e_setenv(e, "HOME", e->home);
	e2e_setenv(e, "XDG_CONFIG_HOME", config);
	e2e_setenv(e, "SIGACOR_PHOTO_INBOX", e->photos);
	static const char *const passed[] = { "SIGACOR_LOCALEDIR", "ASAN_OPTIONS", "UBSAN_OPTIONS" };
	for (size_t i = 0; i < sizeof passed / sizeof passed[0]; i++)
		if (getenv(passed[i]) != NULL)
			e2e_setenv(e, passed[i], getenv(passed[i]));
	return true;
}

void e2e_cleanup(struct e2e *e)
{
	if (any_failed) {
		tap_diag("kept %s for a look", e->dir);
		return;
	}
	fixture_rmdir(e->dir);
}

int e2e_cli(struct e2e *e, const char *operator_name, const char *const args[])
{
	return e2e_cli_to(e, operator_name, args, "/dev/null");
}

int e2e_cli_to(struct e2e *e, const char *operator_name, const char *const args[],
	const char *out_path)
{
	return e2e_cli_input(e, operator_name, args, E2E_PASSWORD "\n", out_path);
}

/* input on a pipe as the child's stdin (small: it fits the pipe) */
static int stdin_with(const char *input)
{
	if (input == NULL)
		return open("/dev/null", O_RDONLY | O_CLOEXEC);
	int fds[2];
	if (pipe(fds) != 0)
		return -1;
	ssize_t n = write(fds[1], input, strlen(input));
	close(fds[1]);
	if (n != (ssize_t)strlen(input)) {
		close(fds[0]);
		return -1;
	}
	return fds[0];
}

/* the headless command args of binary (sigacor, or the tests' sigacor-before) */
static int run_cli(struct e2e *e, const char *binary, const char *operator_name,
	const char *const args[], const char *input, const char *out_path)
{
	const char *argv[32];
	int n = 0;
	argv[n++] = binary;
	argv[n++] = "--data-dir";
	argv[n++] = e->data;
	argv[n++] = "--operator";
	argv[n++] = operator_name;
	for (int i = 0; args[i] != NULL && n < 31; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	fflush(stdout);
	int in = stdin_with(input);
	if (in < 0)
		return -1;
	pid_t pid = fork();
	if (pid < 0) {
		close(in);
		return -1;
	}
	if (pid == 0) {
		dup2(in, STDIN_FILENO);
		int out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (out >= 0) {
			dup2(out, STDOUT_FILENO);
			close(out);
		}
		execve(argv[0], (char *const *)argv, (char *const *)e->env);
		_exit(127);
	}
	close(in);
	int status;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int e2e_cli_input(struct e2e *e, const char *operator_name, const char *const args[],
	const char *input, const char *out_path)
{
	return run_cli(e, getenv("SIGACOR"), operator_name, args, input, out_path);
}

int e2e_cli_before(struct e2e *e, const char *operator_name, const char *const args[],
	const char *out_path)
{
	char before[PATH_MAX];
	snprintf(before, sizeof before, "%s/tests/tools/sigacor-before", getenv("top_builddir"));
	return run_cli(e, before, operator_name, args, NULL, out_path);
}

bool e2e_profile(struct e2e *e, const char *operator_name)
{
	char csv[PATH_MAX];
	snprintf(csv, sizeof csv, "%s/ui/residents.csv", getenv("TESTDATA"));
	const char *args[] = { "import-residents", csv, NULL };
	int st = e2e_cli(e, operator_name, args);
	if (st != 0)
		tap_diag("import-residents exited %d", st);
	return st == 0;
}

bool e2e_clear_profile(struct e2e *e, const char *operator_name)
{
	char cmd[PATH_MAX * 2 + 256];
	snprintf(cmd, sizeof cmd, "'%s/tests/tools/profile-sql' --make-clear '%s' '%s' 'SELECT 1' >/dev/null",
		getenv("top_builddir"), e->data, operator_name);
	fflush(stdout);
	char csv[PATH_MAX];
	snprintf(csv, sizeof csv, "%s/ui/residents.csv", getenv("TESTDATA"));
	const char *args[] = { "import-residents", csv, NULL };
	return system(cmd) == 0 && e2e_cli_before(e, operator_name, args, "/dev/null") == 0;
}

static bool set_mtime(const char *path, long mtime)
{
	if (mtime <= 0)
		return true;
	struct timespec times[2] = { { mtime, 0 }, { mtime, 0 } };
	return utimensat(AT_FDCWD, path, times, 0) == 0;
}

bool e2e_photo(struct e2e *e, const char *name, double lat, double lon,
	const char *taken, long mtime)
{
	char path[PATH_MAX];
	if (!path_join(path, sizeof path, e->photos, name))
		return false;
	struct fixture_photo spec = { .gps = lat != 0 || lon != 0, .lat = lat, .lon = lon,
		.taken_at = taken, .salt = name };
	return fixture_jpeg(path, &spec) && set_mtime(path, mtime);
}

bool e2e_copy_photo(struct e2e *e, const char *name, long mtime)
{
	char from[PATH_MAX], to[PATH_MAX];
	snprintf(from, sizeof from, "%s/ui/%s", getenv("TESTDATA"), name);
	if (!path_join(to, sizeof to, e->photos, name))
		return false;
	FILE *in = fopen(from, "rb"), *out = in != NULL ? fopen(to, "wb") : NULL;
	bool ok = in != NULL && out != NULL;
	char buf[65536];
	size_t n;
	while (ok && (n = fread(buf, 1, sizeof buf, in)) > 0)
		ok = fwrite(buf, 1, n, out) == n;
	if (in != NULL)
		fclose(in);
	if (out != NULL && fclose(out) != 0)
		ok = false;
	return ok && set_mtime(to, mtime);
}

struct vt *e2e_start(struct e2e *e, int rows, int cols, const char *const extra[])
{
	const char *argv[16];
	int n = 0;
	argv[n++] = getenv("SIGACOR");
	argv[n++] = "--data-dir";
	argv[n++] = e->data;
	for (int i = 0; extra != NULL && extra[i] != NULL && n < 15; i++)
		argv[n++] = extra[i];
	argv[n] = NULL;
	return vt_spawn(argv, e->env, rows, cols);
}

bool e2e_login(struct vt *t, const char *operator_name)
{
	/* the operator list, or straight to a password when there is one profile
	 * chosen with --operator */
	if (!vt_wait_text(t, "Petugas", E2E_TIMEOUT))
		return e2e_ok(t, false, "operator screen shows");
	vt_wait_quiet(t, 150, E2E_TIMEOUT);
	if (vt_has_text(t, "Pilih petugas")) {
		int row, col;
		if (!vt_find(t, operator_name, &row, &col))
			return e2e_ok(t, false, "operator listed");
		/* the list is sorted; walk to the name */
		for (int i = 0; i < 64; i++) {
			struct vt_attrs a;
			vt_attrs_at(t, row, col, &a);
			if (a.reverse || a.bg != -1)
				break;
			vt_send(t, "<Down>");
			vt_wait_quiet(t, 50, E2E_TIMEOUT);
		}
		vt_send(t, "<Enter>");
		vt_wait_quiet(t, 100, E2E_TIMEOUT);
	}
	if (vt_has_text(t, "Ulangi kata sandi")) {
		vt_send(t, E2E_PASSWORD "<Enter>" E2E_PASSWORD "<Enter>");
	} else {
		vt_send(t, E2E_PASSWORD "<Enter>");
	}
	return e2e_ok(t, vt_wait_text(t, "Cari NIK/nama", E2E_TIMEOUT)
		&& vt_wait_quiet(t, E2E_SETTLE, E2E_TIMEOUT), "logged in: the worklist shows");
}

struct vt *e2e_start_login(struct e2e *e, const char *operator_name)
{
	struct vt *t = e2e_start(e, 24, 80, NULL);
	e2e_login(t, operator_name);
	return t;
}

bool e2e_quit(struct vt *t, const char *keys, const char *what)
{
	vt_send(t, keys);
	return is_int(vt_wait_exit(t, E2E_TIMEOUT), 0, "%s", what);
}

/* Each line as a TAP comment, blank lines too. */
static void print_lines(const char *text)
{
	while (*text != '\0') {
		size_t n = strcspn(text, "\n");
		printf("# |%.*s\n", (int)n, text);
		text += n + (text[n] == '\n');
	}
}

void e2e_dump(struct vt *t)
{
	char *screen = vt_dump(t);
	if (screen == NULL)
		return;
	printf("# ---- screen %dx%d ----\n", vt_cols(t), vt_rows(t));
	print_lines(screen);
	printf("# ----\n");
	fflush(stdout);
	free(screen);
}

bool e2e_ok(struct vt *t, bool cond, const char *what)
{
	ok(cond, "%s", what);
	if (!cond) {
		any_failed = true;
		if (t != NULL)
			e2e_dump(t);
	}
	return cond;
}

static bool digits_at(const char *s, const char *pattern)
{
	/* pattern: '9' a digit, anything else itself */
	for (; *pattern != '\0'; pattern++, s++) {
		if (*s == '\0')
			return false;
		if (*pattern == '9' ? (*s < '0' || *s > '9') : *s != *pattern)
			return false;
	}
	return true;
}

void e2e_mask_times(char *screen)
{
	static const char *const patterns[] = { "99-99-9999 99:99", "99-99 99:99", "99:99" };
	static const char *const masks[] = { "DD-MM-YYYY hh:mm", "DD-MM hh:mm", "hh:mm" };
	for (char *p = screen; *p != '\0'; p++)
		for (size_t i = 0; i < sizeof patterns / sizeof patterns[0]; i++)
			if (digits_at(p, patterns[i])) {
				memcpy(p, masks[i], strlen(masks[i]));
				p += strlen(masks[i]) - 1;
				break;
			}
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	char *buf = NULL;
	size_t len = 0, cap = 0;
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (len + n + 1 > cap) {
			cap = (len + n + 1) * 2;
			char *p = realloc(buf, cap);
			if (p == NULL) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = p;
		}
		memcpy(buf + len, chunk, n);
		len += n;
	}
	fclose(f);
	if (buf == NULL)
		buf = calloc(1, 1);
	else
		buf[len] = '\0';
	return buf;
}

/* The picker's "Folder" line names a temp folder: keep only its label. */
static void mask_folder(char *screen)
{
	static const char label[] = " Folder   ";
	for (char *line = screen; *line != '\0'; ) {
		char *end = strchr(line, '\n');
		if (end == NULL)
			break;
		if (strncmp(line, label, sizeof label - 1) == 0) {
			char *value = line + sizeof label - 1;
			memmove(value + 8, end, strlen(end) + 1);
			memcpy(value, "<folder>", 8);
			end = value + 8;
		}
		line = end + 1;
	}
}

bool e2e_golden(struct e2e *e, struct vt *t, const char *name)
{
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/tests/e2e/golden/%s.txt", getenv("top_srcdir"), name);
	char *screen = vt_dump(t);
	if (screen == NULL)
		return e2e_ok(t, false, "screen dump");
	e2e_mask_times(screen);
	mask_folder(screen);
	(void)e;
	const char *update = getenv("SIGACOR_UPDATE_GOLDEN");
	if (update != NULL && strcmp(update, "1") == 0) {
		FILE *f = fopen(path, "wb");
		bool written = f != NULL && fputs(screen, f) >= 0;
		if (f != NULL && fclose(f) != 0)
			written = false;
		free(screen);
		return e2e_ok(t, written, "golden file written");
	}
	char *want = read_file(path);
	bool same = want != NULL && strcmp(want, screen) == 0;
	char what[PATH_MAX + 64];
	snprintf(what, sizeof what, "screen matches golden/%s.txt", name);
	e2e_ok(t, same, what);
	if (!same && want != NULL) {
		printf("# ---- expected ----\n");
		print_lines(want);
	}
	free(want);
	free(screen);
	return same;
}
