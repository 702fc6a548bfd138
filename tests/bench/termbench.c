/* termbench: a screen program in a real pseudo-terminal (tests/tools/vtdrive),
 * measured: time to the first drawn screen, idle memory, and bytes written
 * to the terminal for each key typed.
 *   termbench [--size RxC] [--env NAME=VALUE]... [--ready TEXT] [--prep KEYS]
 *             [--type KEYS] [--after TEXT] [--quiet MS] -- PROGRAM [ARG...]
 * PROGRAM is started in an R x C terminal (default 24x80, TERM=xterm as PuTTY
 * sends it); --ready waits until TEXT is on the screen (the start-up time is
 * taken then); the program is left to go quiet and its resident memory read
 * (VmRSS, VmHWM); --prep KEYS are sent and the output left to settle; then
 * each key of --type KEYS is sent alone and the bytes the program wrote until
 * it went quiet for MS ms (default 250) are counted; --after TEXT must be on
 * the screen at the end (the fill-in happened).  Prints one line:
 *   startup_ms rss_kb hwm_kb keys bytes_mean bytes_last bytes_max bytes_median
 * and, on stderr, the bytes of each key.
 * Bounded: every wait has a timeout; the program is hung up at the end. */
#include "config.h"
#include "vtdrive.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_ENV 32
#define MAX_KEYS 256

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* vtdrive keeps the child's pid to itself: the only child of this process
 * is the one it spawned. */
static long child_pid(void)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%ld/task/%ld/children", (long)getpid(), (long)getpid());
	FILE *f = fopen(path, "r");
	long pid = -1;
	if (f != NULL) {
		if (fscanf(f, "%ld", &pid) != 1)
			pid = -1;
		fclose(f);
	}
	return pid;
}

static long status_kb(long pid, const char *field)
{
	char path[64], line[256];
	snprintf(path, sizeof path, "/proc/%ld/status", pid);
	FILE *f = fopen(path, "r");
	long kb = -1;
	size_t flen = strlen(field);
	while (f != NULL && fgets(line, sizeof line, f) != NULL)
		if (strncmp(line, field, flen) == 0 && line[flen] == ':')
			kb = strtol(line + flen + 1, NULL, 10);
	if (f != NULL)
		fclose(f);
	return kb;
}

static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	return (x > y) - (x < y);
}

/* Split KEYS into single keys: "<Name>" or one UTF-8 character. */
static int split_keys(const char *keys, char out[][32], int max)
{
	int n = 0;
	for (const char *p = keys; *p != '\0' && n < max;) {
		size_t len = 1;
		if (*p == '<' && strchr(p, '>') != NULL)
			len = (size_t)(strchr(p, '>') - p) + 1;
		else
			while ((p[len] & 0xC0) == 0x80)
				len++;
		if (len >= sizeof out[0])
			return -1;
		memcpy(out[n], p, len);
		out[n][len] = '\0';
		n++;
		p += len;
	}
	return n;
}

/* Wait for text; when it does not come, show the screen as it is. */
static bool wait_text(struct vt *t, const char *text, int timeout_ms, const char *what)
{
	if (vt_wait_text(t, text, timeout_ms))
		return true;
	char *screen = vt_dump(t);
	fprintf(stderr, "termbench: \"%s\" %s; the screen:\n%s", text, what,
		screen != NULL ? screen : "");
	free(screen);
	return false;
}

static void usage(void)
{
	fprintf(stderr, "usage: termbench [--size RxC] [--env N=V]... [--ready TEXT] [--prep KEYS]"
		" [--type KEYS] [--after TEXT] [--quiet MS] -- PROGRAM [ARG...]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	int rows = 24, cols = 80, quiet = 250;
	const char *ready = NULL, *prep = NULL, *type = NULL, *after = NULL;
	const char *envp[MAX_ENV + 8];
	int nenv = 0;
	envp[nenv++] = "TERM=xterm";
	envp[nenv++] = "LANG=C.UTF-8";
	envp[nenv++] = "LC_ALL=C.UTF-8";
	envp[nenv++] = "TZ=UTC";
	envp[nenv++] = "PATH=/usr/local/bin:/usr/bin:/bin";
	int i = 1;
	for (; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (i + 1 >= argc)
			usage();
		if (strcmp(argv[i], "--size") == 0) {
			if (sscanf(argv[++i], "%dx%d", &rows, &cols) != 2)
				usage();
		} else if (strcmp(argv[i], "--env") == 0 && nenv < MAX_ENV)
			envp[nenv++] = argv[++i];
		else if (strcmp(argv[i], "--ready") == 0)
			ready = argv[++i];
		else if (strcmp(argv[i], "--prep") == 0)
			prep = argv[++i];
		else if (strcmp(argv[i], "--type") == 0)
			type = argv[++i];
		else if (strcmp(argv[i], "--after") == 0)
			after = argv[++i];
		else if (strcmp(argv[i], "--quiet") == 0)
			quiet = atoi(argv[++i]);
		else
			usage();
	}
	if (i + 1 >= argc)
		usage();
	envp[nenv] = NULL;
	static char keys[MAX_KEYS][32];
	int nkeys = type != NULL ? split_keys(type, keys, MAX_KEYS) : 0;
	if (nkeys < 0)
		usage();

	double t0 = now_ms();
	struct vt *t = vt_spawn((const char *const *)(argv + i + 1), envp, rows, cols);
	if (t == NULL)
		return 1;
	int rc = 1;
	double startup = -1;
	if (ready != NULL && !wait_text(t, ready, 30000, "did not appear"))
		goto out;
	startup = now_ms() - t0;
	vt_wait_quiet(t, 300, 10000);
	long pid = child_pid();
	long rss = pid > 0 ? status_kb(pid, "VmRSS") : -1;
	long hwm = pid > 0 ? status_kb(pid, "VmHWM") : -1;
	if (prep != NULL) {
		if (!vt_send(t, prep))
			goto out;
		vt_wait_quiet(t, quiet, 10000);
	}
	size_t total = 0, last = 0, most = 0;
	static size_t each[MAX_KEYS];
	for (int k = 0; k < nkeys; k++) {
		size_t before = vt_bytes_received(t);
		if (!vt_send(t, keys[k]))
			goto out;
		vt_wait_quiet(t, quiet, 10000);
		last = vt_bytes_received(t) - before;
		each[k] = last;
		total += last;
		if (last > most)
			most = last;
	}
	if (after != NULL && !wait_text(t, after, 5000, "not on the screen after typing"))
		goto out;
	if (nkeys > 0) {
		fprintf(stderr, "termbench: bytes a key:");
		for (int k = 0; k < nkeys; k++)
			fprintf(stderr, " %zu", each[k]);
		fprintf(stderr, "\n");
	}
	qsort(each, (size_t)nkeys, sizeof each[0], cmp_size);
	printf("%.2f %ld %ld %d %.2f %zu %zu %zu\n", startup, rss, hwm, nkeys,
		nkeys > 0 ? (double)total / nkeys : 0.0, last, most, nkeys > 0 ? each[nkeys / 2] : 0);
	rc = 0;
out:
	vt_free(t);
	return rc;
}
