/* synctest: helpers of the sync tests (see synctest.h). */
#include "config.h"
#include "synctest.h"
#include "store/fixture.h"
#include "tap.h"
#include "geo.h"
#include "wilayah.h"

#include <cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int64_t st_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void nap_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

bool st_wait_for(bool (*cond)(void *ctx), void *ctx, int timeout_ms)
{
	int64_t end = st_now_ms() + timeout_ms;
	for (;;) {
		if (cond(ctx))
			return true;
		if (st_now_ms() >= end)
			return false;
		nap_ms(10);
	}
}

/* ---------------------------------------------------------------- processes */

static int open_or_null(const char *path, int flags)
{
	return open(path != NULL ? path : "/dev/null", flags | O_CLOEXEC, 0600);
}

pid_t st_spawn(const char *const argv[], const char *in, const char *out, const char *err)
{
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	int i = open_or_null(in, O_RDONLY);
	int o = open_or_null(out, O_WRONLY | O_CREAT | O_TRUNC);
	int e = open_or_null(err, O_WRONLY | O_CREAT | O_TRUNC);
	if (i < 0 || o < 0 || e < 0 || dup2(i, 0) < 0 || dup2(o, 1) < 0 || dup2(e, 2) < 0)
		_exit(127);
	execv(argv[0], (char *const *)argv);
	_exit(127);
}

/* The child's exit wakes the wait (its pidfd becomes readable): no polling
 * interval, and the bound is the timeout's alone. */
int st_wait(pid_t pid, int timeout_ms, struct rusage *ru)
{
	int64_t end = st_now_ms() + timeout_ms;
	struct rusage dummy;
	int exited = (int)syscall(SYS_pidfd_open, pid, 0);
	if (exited < 0) {
		/* a kernel without pidfds (before 5.3): the harness's timeout bounds it */
		int status;
		tap_diag("pidfd_open(%d): %s; waiting without a timeout", (int)pid, strerror(errno));
		return wait4(pid, &status, 0, ru != NULL ? ru : &dummy) == pid ? status : -1;
	}
	for (;;) {
		int status;
		pid_t r = wait4(pid, &status, WNOHANG, ru != NULL ? ru : &dummy);
		if (r == pid || (r < 0 && errno != EINTR)) {
			close(exited);
			return r == pid ? status : -1;
		}
		int64_t left = end - st_now_ms();
		if (left <= 0) {
			close(exited);
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			tap_diag("process %d killed after %d ms", (int)pid, timeout_ms);
			return -1;
		}
		struct pollfd p = { .fd = exited, .events = POLLIN };
		poll(&p, 1, (int)left);
	}
}

/* VmHWM (KiB) of a running process once it runs program name (before its
 * exec it is a copy of the test, with the test's memory), or -1 */
static long vm_hwm(pid_t pid, const char *name)
{
	char path[64], line[256];
	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "r");
	long kib = -1;
	bool ours = false;
	while (f != NULL && fgets(line, sizeof line, f) != NULL) {
		if (strncmp(line, "Name:", 5) == 0) {
			char *n = line + 5;
			n += strspn(n, " \t");
			n[strcspn(n, "\n")] = '\0';
			ours = strcmp(n, name) == 0;
		} else if (strncmp(line, "VmHWM:", 6) == 0 && ours)
			kib = atol(line + 6);
	}
	if (f != NULL)
		fclose(f);
	return kib;
}

int st_wait_peak(pid_t pid, const char *name, int timeout_ms, long *peak_kib)
{
	/* not ru_maxrss: it keeps the peak of the forked test process from
	 * before exec; the program's own peak is in /proc while it runs */
	int64_t end = st_now_ms() + timeout_ms;
	*peak_kib = -1;
	for (;;) {
		long now = vm_hwm(pid, name);
		if (now > *peak_kib)
			*peak_kib = now;
		int status;
		pid_t r = waitpid(pid, &status, WNOHANG);
		if (r == pid)
			return status;
		if ((r < 0 && errno != EINTR) || st_now_ms() >= end) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return -1;
		}
		nap_ms(5);
	}
}

int st_exit_code(int status)
{
	if (status < 0)
		return -1;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return -1;
}

/* ---------------------------------------------------------------- files */

bool st_tmpdir(const char *name, char *buf, size_t len)
{
	return fixture_tmpdir(name, buf, len);
}

void st_rmdir(const char *path)
{
	fixture_rmdir(path);
}

bool st_write_text(const char *path, const char *text)
{
	return fixture_write_text(path, text);
}

char *st_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	while (buf != NULL) {
		if (n + 4096 + 1 > cap) {
			char *b = realloc(buf, cap * 2);
			if (b == NULL) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = b;
			cap *= 2;
		}
		size_t r = fread(buf + n, 1, 4096, f);
		n += r;
		if (r == 0)
			break;
	}
	fclose(f);
	if (buf != NULL) {
		buf[n] = '\0';
		if (len != NULL)
			*len = n;
	}
	return buf;
}

bool st_same_file(const char *a, const char *b)
{
	size_t la, lb;
	char *x = st_read_file(a, &la), *y = st_read_file(b, &lb);
	bool same = x != NULL && y != NULL && la == lb && memcmp(x, y, la) == 0;
	free(x);
	free(y);
	return same;
}

/* ---------------------------------------------------------------- server */

static const char *env_or(const char *name, const char *fallback)
{
	const char *v = getenv(name);
	return v != NULL && v[0] != '\0' ? v : fallback;
}

/* Read "listening on 127.0.0.1:PORT" from fd within timeout_ms. */
static int read_port(int fd, int timeout_ms)
{
	char line[256];
	size_t n = 0;
	int64_t end = st_now_ms() + timeout_ms;
	while (n + 1 < sizeof line) {
		int left = (int)(end - st_now_ms());
		struct pollfd p = { fd, POLLIN, 0 };
		if (left <= 0 || poll(&p, 1, left) <= 0)
			return -1;
		ssize_t r = read(fd, line + n, 1);
		if (r <= 0)
			return -1;
		if (line[n] == '\n')
			break;
		n++;
	}
	line[n] = '\0';
	const char *colon = strrchr(line, ':');
	if (strstr(line, "listening on 127.0.0.1:") == NULL || colon == NULL)
		return -1;
	return atoi(colon + 1);
}

/* Start argv, wait for its "listening on 127.0.0.1:PORT" line. */
static bool start_listener(struct st_server *s, const char *const argv[])
{
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) != 0)
		return false;
	pid_t pid = fork();
	if (pid == 0) {
		int e = open(s->log, O_WRONLY | O_CREAT | O_APPEND, 0600);
		int i = open("/dev/null", O_RDONLY);
		dup2(i, 0);
		dup2(fds[1], 1);
		if (e >= 0)
			dup2(e, 2);
		close(fds[0]);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(fds[1]);
	s->pid = pid;
	s->out_fd = fds[0];
	s->port = pid > 0 ? read_port(fds[0], 20000) : -1;
	if (s->port <= 0) {
		tap_diag("%s did not start (see %s)", argv[0], s->log);
		if (pid > 0)
			st_server_stop(s, SIGKILL);
		return false;
	}
	snprintf(s->url, sizeof s->url, "http://127.0.0.1:%d", s->port);
	return true;
}

bool st_server_start(struct st_server *s, const char *dir, int port, const char *const extra[])
{
	char listen_at[64];
	snprintf(listen_at, sizeof listen_at, "127.0.0.1:%d", port);
	snprintf(s->dir, sizeof s->dir, "%s", dir);
	snprintf(s->log, sizeof s->log, "%s.log", dir);
	const char *argv[24] = { env_or("SIGACOR_SERVER", "./sigacor-server"), "serve", "--data",
		dir, "--listen", listen_at };
	int n = 6;
	for (int i = 0; extra != NULL && extra[i] != NULL && n < 23; i++)
		argv[n++] = extra[i];
	argv[n] = NULL;
	return start_listener(s, argv);
}

bool st_fake_start(struct st_server *s, const char *scenario, const char *log)
{
	memset(s, 0, sizeof *s);
	snprintf(s->log, sizeof s->log, "%s.err", log);
	snprintf(s->dir, sizeof s->dir, "%s", log);
	const char *argv[] = { env_or("SIGACOR_FAKESERVER", "./tests/sync/fakeserver"), scenario,
		log, NULL };
	return start_listener(s, argv);
}

void st_init(void)
{
	/* the tests speak to 127.0.0.1 only: no proxy unless a test sets one */
	static const char *const proxies[] = { "http_proxy", "https_proxy", "HTTPS_PROXY",
		"all_proxy", "ALL_PROXY", "no_proxy", "NO_PROXY", "SIGACOR_CA_FILE", NULL };
	for (int i = 0; proxies[i] != NULL; i++)
		unsetenv(proxies[i]);
	signal(SIGPIPE, SIG_IGN);
}

void st_server_stop(struct st_server *s, int sig)
{
	if (s->pid > 0) {
		kill(s->pid, sig);
		st_wait(s->pid, 20000, NULL);
	}
	s->pid = 0;
	if (s->out_fd >= 0)
		close(s->out_fd);
	s->out_fd = -1;
}

int st_server_admin(const char *dir, const char *input, const char *const args[])
{
	const char *argv[24] = { env_or("SIGACOR_SERVER", "./sigacor-server") };
	int n = 1;
	for (int i = 0; args[i] != NULL && n < 21; i++)
		argv[n++] = args[i];
	argv[n++] = "--data";
	argv[n++] = dir;
	argv[n] = NULL;
	char in[4200], err[4200];
	snprintf(in, sizeof in, "%s.admin-in", dir);
	snprintf(err, sizeof err, "%s.admin-err", dir);
	st_write_text(in, input != NULL ? input : "");
	int code = st_exit_code(st_wait(st_spawn(argv, in, NULL, err), 120000, NULL));
	if (code != 0) {
		char *text = st_read_file(err, NULL);
		tap_diag("sigacor-server %s: exit %d: %s", args[0], code, text != NULL ? text : "");
		free(text);
	}
	return code;
}

/* Put kelurahan into the last column of each data line of the CSV. */
static bool rewrite_kelurahan(const char *in_path, const char *out_path,
	const char *const kelurahan[])
{
	char *text = st_read_file(in_path, NULL);
	FILE *out = fopen(out_path, "wb");
	if (text == NULL || out == NULL) {
		free(text);
		if (out != NULL)
			fclose(out);
		return false;
	}
	size_t nk = 0;
	while (kelurahan[nk] != NULL)
		nk++;
	long line = 0;
	for (char *p = text, *nl; *p != '\0'; p = nl + 1, line++) {
		nl = strchr(p, '\n');
		if (nl == NULL)
			nl = p + strlen(p) - 1;
		*nl = '\0';
		char *comma = strrchr(p, ',');
		if (line == 0 || comma == NULL)
			fprintf(out, "%s\n", p);
		else
			fprintf(out, "%.*s,%s\n", (int)(comma - p), p, kelurahan[line % (long)nk]);
		if (nl[1] == '\0')
			break;
	}
	free(text);
	return fclose(out) == 0;
}

bool st_server_registry(const char *dir, const char *csv_path, long n, int seed,
	const char *const kelurahan[])
{
	char count[32], seed_text[32], raw[4200];
	snprintf(count, sizeof count, "%ld", n);
	snprintf(seed_text, sizeof seed_text, "%d", seed);
	snprintf(raw, sizeof raw, "%s.raw", csv_path);
	const char *argv[] = { env_or("SIGACOR_SERVER", "./sigacor-server"), "gen-demo",
		"--residents", count, "--seed", seed_text, NULL };
	if (st_exit_code(st_wait(st_spawn(argv, NULL, raw, NULL), 120000, NULL)) != 0 ||
		!rewrite_kelurahan(raw, csv_path, kelurahan))
		return false;
	unlink(raw);
	const char *args[] = { "import-residents", csv_path, NULL };
	return st_server_admin(dir, NULL, args) == 0;
}

int st_csv_niks(const char *csv_path, char (*niks)[17], int max)
{
	FILE *f = fopen(csv_path, "rb");
	if (f == NULL)
		return 0;
	char line[2048];
	int n = 0;
	bool header = true;
	while (n < max && fgets(line, sizeof line, f) != NULL) {
		if (header) {
			header = false;
			continue;
		}
		if (strlen(line) > 16 && line[16] == ',') {
			memcpy(niks[n], line, 16);
			niks[n][16] = '\0';
			n++;
		}
	}
	fclose(f);
	return n;
}

/* ---------------------------------------------------------------- client */

void st_client_init(struct st_client *c, const char *root, const char *op)
{
	memset(c, 0, sizeof *c);
	snprintf(c->root, sizeof c->root, "%s", root);
	snprintf(c->op, sizeof c->op, "%s", op);
	snprintf(c->profile, sizeof c->profile, "%s/%s", root, op);
	snprintf(c->out, sizeof c->out, "%s/%s.out", root, op);
	snprintf(c->err, sizeof c->err, "%s/%s.err", root, op);
	c->password = ST_LAPTOP_PASSWORD;
}

static int client_argv(struct st_client *c, const char *const args[], const char *argv[], int max)
{
	int n = 0;
	argv[n++] = env_or("SIGACOR", "./sigacor");
	argv[n++] = "--data-dir";
	argv[n++] = c->root;
	argv[n++] = "--operator";
	argv[n++] = c->op;
	argv[n++] = "--json";
	for (int i = 0; args[i] != NULL && n < max - 1; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	return n;
}

pid_t st_sigacor_spawn(struct st_client *c, const char *const args[])
{
	const char *argv[32];
	client_argv(c, args, argv, 32);
	return st_spawn(argv, NULL, c->out, c->err);
}

int st_sigacor(struct st_client *c, const char *input, int timeout_ms, const char *const args[])
{
	const char *argv[32];
	client_argv(c, args, argv, 32);
	char in[4300];
	snprintf(in, sizeof in, "%s/%s.in", c->root, c->op);
	st_write_text(in, input != NULL ? input : "");
	return st_exit_code(st_wait(st_spawn(argv, in, c->out, c->err), timeout_ms, NULL));
}

int st_login(struct st_client *c, const char *url)
{
	/* a profile is keyed from its first byte (issue 12): the laptop
	 * password after the server's; the profile unlocked around the login,
	 * as a clerk who typed the password has it, for the commands after */
	const char *args[] = { "login", "--server", url, NULL };
	const char *unlock[] = { "unlock", "--minutes", "60", NULL };
	char in[256], pw[128];
	snprintf(in, sizeof in, ST_PASSWORD "\n%s\n", c->password);
	snprintf(pw, sizeof pw, "%s\n", c->password);
	char key[4300];
	snprintf(key, sizeof key, "%s/profile.key", c->profile);
	struct st_client quiet = *c;       /* c->out stays the login's */
	snprintf(quiet.out, sizeof quiet.out, "%s/%s.unlock.out", c->root, c->op);
	snprintf(quiet.err, sizeof quiet.err, "%s/%s.unlock.err", c->root, c->op);
	if (access(key, F_OK) == 0)
		st_sigacor(&quiet, pw, 30000, unlock);
	int code = st_sigacor(c, in, 30000, args);
	if (code == 0)
		st_sigacor(&quiet, pw, 30000, unlock);
	return code;
}

static cJSON *last_json(const struct st_client *c)
{
	char *text = st_read_file(c->out, NULL);
	if (text == NULL)
		return NULL;
	/* the last line that is an object */
	char *start = text, *p;
	while ((p = strstr(start + 1, "\n{")) != NULL)
		start = p + 1;
	cJSON *o = cJSON_Parse(start);
	free(text);
	return o;
}

long long st_out_int(const struct st_client *c, const char *name)
{
	cJSON *o = last_json(c);
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
	long long n = cJSON_IsNumber(v) ? (long long)v->valuedouble : -1;
	cJSON_Delete(o);
	return n;
}

bool st_out_str(const struct st_client *c, const char *name, char *buf, size_t len)
{
	cJSON *o = last_json(c);
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
	bool ok = cJSON_IsString(v);
	snprintf(buf, len, "%s", ok ? v->valuestring : "");
	cJSON_Delete(o);
	return ok;
}

/* ---------------------------------------------------------------- records */

bool st_make_photo(const char *path, const char *salt, size_t bytes)
{
	struct fixture_photo spec = { true, -6.178316, 106.630981, "2026:01:14 09:21:05", salt };
	if (!fixture_jpeg(path, &spec))
		return false;
	size_t len;
	unsigned char *jpeg = (unsigned char *)st_read_file(path, &len);
	if (jpeg == NULL || len < 4)
		return false;
	/* comment segments just before the scan, after the EXIF segment */
	size_t at = 2;
	while (at + 4 <= len && jpeg[at] == 0xFF && jpeg[at + 1] != 0xDA)
		at += 2 + (size_t)((jpeg[at + 2] << 8) | jpeg[at + 3]);
	FILE *f = fopen(path, "wb");
	if (f == NULL || at > len) {
		free(jpeg);
		if (f != NULL)
			fclose(f);
		return false;
	}
	fwrite(jpeg, 1, at, f);
	unsigned seed = 0;
	for (const char *p = salt; *p != '\0'; p++)
		seed = seed * 31 + (unsigned char)*p;
	unsigned char seg[65535];
	for (size_t added = len; added < bytes;) {
		size_t n = bytes - added > 60000 ? 60000 : bytes - added;
		if (n < 16)
			break;
		seg[0] = 0xFF;
		seg[1] = 0xFE;
		seg[2] = (unsigned char)((n + 2) >> 8);
		seg[3] = (unsigned char)((n + 2) & 0xFF);
		for (size_t i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			seg[4 + i] = (unsigned char)(' ' + (seed >> 16) % 90);
		}
		fwrite(seg, 1, n + 4, f);
		added += n + 4;
	}
	fwrite(jpeg + at, 1, len - at, f);
	free(jpeg);
	return fclose(f) == 0;
}

static bool attach(struct store *s, struct record *r, enum photo_kind k, const char *dir,
	const char *salt, size_t bytes)
{
	char path[4400];
	snprintf(path, sizeof path, "%s/%s.jpg", dir, salt);
	if (!st_make_photo(path, salt, bytes) ||
		store_photo_import(s, path, &r->photos[k]) != STORE_OK) {
		tap_diag("photo %s: %s", salt, store_error(s));
		return false;
	}
	unlink(path);
	return true;
}

int st_make_records(const struct st_client *c, const char *const niks[], int n,
	const char *kelurahan, size_t photo_bytes, const char *tag, char (*uuids)[37])
{
	struct store *s;
	char err[512];
	if (st_open_profile(c, &s, err, sizeof err) != STORE_OK) {
		tap_diag("store_open %s: %s", c->profile, err);
		return 0;
	}
	int made = 0;
	static const char *const kinds[] = { "ktp", "kk", "rumah" };
	for (int i = 0; i < n; i++) {
		struct record r;
		memset(&r, 0, sizeof r);
		snprintf(r.nik, sizeof r.nik, "%s", niks[i]);
		snprintf(r.name, sizeof r.name, "Penerima %s %d", tag, i);
		snprintf(r.kelurahan, sizeof r.kelurahan, "%s", kelurahan);
		r.decision = DECISION_LAYAK;
		bool ok = true;
		for (int k = 0; ok && k < PHOTO_KIND_COUNT; k++) {
			char salt[96];
			snprintf(salt, sizeof salt, "%s-%d-%s", tag, i, kinds[k]);
			ok = attach(s, &r, (enum photo_kind)k, c->root, salt, photo_bytes);
		}
		/* the house where the record says it is (the server flags one
		 * outside its kelurahan) */
		const struct wilayah_kelurahan *home = wilayah_kelurahan_find(kelurahan);
		r.has_coord = home != NULL && geo_kelurahan_inner_point(home, &r.lat, &r.lon);
		r.coord_source = COORD_EXIF;
		unsigned problems = 0;
		if (ok && store_record_finalise(s, &r, &problems) != STORE_OK) {
			tap_diag("finalise %s: %s", r.nik, store_error(s));
			ok = false;
		}
		if (!ok)
			break;
		if (uuids != NULL)
			snprintf(uuids[made], 37, "%s", r.uuid);
		made++;
	}
	store_close(s);
	return made;
}

bool st_client_counts(const struct st_client *c, int64_t counts[STATE_COUNT], int64_t *outbox)
{
	struct store *s;
	char err[512];
	if (st_open_profile(c, &s, err, sizeof err) != STORE_OK) {
		tap_diag("store_open %s: %s", c->profile, err);
		return false;
	}
	store_record_counts(s, counts);
	if (outbox != NULL)
		*outbox = store_outbox_count(s);
	store_close(s);
	return true;
}

/* ---------------------------------------------------------------- the server's side */

static int index_of(char (*uuids)[37], int n, const char *id)
{
	for (int i = 0; i < n; i++)
		if (strcmp(uuids[i], id) == 0)
			return i;
	return -1;
}

bool st_server_holds(const char *srv_dir, const struct st_client *c, char (*uuids)[37], int n,
	int *once, int *photos, int *identical)
{
	char out[4400];
	snprintf(out, sizeof out, "%s.export.json", srv_dir);
	const char *argv[] = { env_or("SIGACOR_SERVER", "./sigacor-server"), "export", "--format",
		"json", "--data", srv_dir, NULL };
	int code = st_exit_code(st_wait(st_spawn(argv, NULL, out, NULL), 60000, NULL));
	char *text = st_read_file(out, NULL);
	cJSON *all = text != NULL ? cJSON_Parse(text) : NULL;
	free(text);
	int *seen = calloc((size_t)n + 1, sizeof *seen);
	struct store *s;
	char err[512];
	bool opened = st_open_profile(c, &s, err, sizeof err) == STORE_OK;
	*once = *photos = *identical = 0;
	const cJSON *rec;
	cJSON_ArrayForEach(rec, all) {
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(rec, "id");
		int i = cJSON_IsString(id) ? index_of(uuids, n, id->valuestring) : -1;
		if (i < 0 || seen == NULL || seen[i]++ > 0)
			continue;
		const cJSON *ph;
		cJSON_ArrayForEach(ph, cJSON_GetObjectItemCaseSensitive(rec, "photos")) {
			const cJSON *sha = cJSON_GetObjectItemCaseSensitive(ph, "sha256");
			char theirs[4400];
			if (!cJSON_IsString(sha) || !opened)
				continue;
			(*photos)++;
			snprintf(theirs, sizeof theirs, "%s/blobs/%.2s/%s", srv_dir, sha->valuestring,
				sha->valuestring);
			/* the clear bytes (a keyed profile's file is sealed) */
			unsigned char *mine = NULL;
			size_t mine_len = 0, their_len = 0;
			char *held = st_read_file(theirs, &their_len);
			if (store_photo_bytes(s, sha->valuestring, &mine, &mine_len) == STORE_OK
				&& held != NULL && their_len == mine_len && memcmp(held, mine, mine_len) == 0)
				(*identical)++;
			free(mine);
			free(held);
		}
	}
	for (int i = 0; seen != NULL && i < n; i++)
		*once += seen[i] == 1;
	if (opened)
		store_close(s);
	free(seen);
	bool ok = code == 0 && cJSON_IsArray(all);
	cJSON_Delete(all);
	return ok;
}

bool st_pull_state(const struct st_client *c, bool candidates, struct store_pull_state *out)
{
	struct store *s;
	char err[512];
	if (st_open_profile(c, &s, err, sizeof err) != STORE_OK)
		return false;
	enum store_status st = candidates ? store_sync_candidates_state(s, out)
		: store_sync_residents_state(s, out);
	store_close(s);
	return st == STORE_OK;
}

int64_t st_resident_count(const struct st_client *c)
{
	struct store *s;
	char err[512];
	if (st_open_profile(c, &s, err, sizeof err) != STORE_OK)
		return -1;
	int64_t n = store_resident_count(s);
	store_close(s);
	return n;
}
