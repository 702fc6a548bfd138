/* termbench: a screen program in a real pseudo-terminal (tests/tools/vtdrive),
 * measured: time to the first drawn screen, memory, bytes written to the
 * terminal for each key typed, keys a task takes.
 *   termbench [--size RxC] [--env NAME=VALUE]... [--quiet MS] ACTION... -- PROGRAM [ARG...]
 * PROGRAM starts in an R x C terminal (default 24x80, TERM=xterm as PuTTY
 * sends it).  The actions run in order:
 *   --ready TEXT   wait until TEXT is on the screen (the first one gives the
 *                  start-up time: from forkpty until TEXT is drawn)
 *   --prep KEYS    send KEYS (not counted) and let the output settle
 *   --keys KEYS    send KEYS, counted as keys of the task, and settle
 *   --wait TEXT    wait until TEXT is on the screen, then settle; the time
 *                  from the last --keys/--prep until TEXT appeared is kept
 *   --type KEYS    send each key alone and count the bytes the program
 *                  writes until it is quiet for MS ms (default 250)
 * At the end the program's resident memory is read (VmRSS, VmHWM) and one
 * line printed:
 *   startup_ms rss_kb hwm_kb typed bytes_mean bytes_last bytes_max
 *   bytes_median task_keys wait_ms
 * with the bytes of each typed key on stderr.  Bounded: every wait has a
 * timeout (a missing text prints the screen and exits 1); the program is
 * hung up at the end. */
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
	fprintf(stderr, "usage: termbench [--size RxC] [--env N=V]... [--quiet MS] [--ready TEXT]"
		" [--prep KEYS] [--keys KEYS] [--wait TEXT] [--type KEYS]... -- PROGRAM [ARG...]\n");
	exit(2);
}

struct action {
	char what;                 /* r(eady) p(rep) k(eys) w(ait) t(ype) */
	const char *arg;
};

#define MAX_ACTIONS 64

static double settle(struct vt *t, int quiet)
{
	vt_wait_quiet(t, quiet, 10000);
	return now_ms();
}

int main(int argc, char **argv)
{
	int rows = 24, cols = 80, quiet = 250;
	struct action acts[MAX_ACTIONS];
	int nacts = 0;
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
		const char *opt = argv[i], *val = argv[++i];
		if (strcmp(opt, "--size") == 0) {
			if (sscanf(val, "%dx%d", &rows, &cols) != 2)
				usage();
		} else if (strcmp(opt, "--env") == 0 && nenv < MAX_ENV)
			envp[nenv++] = val;
		else if (strcmp(opt, "--quiet") == 0)
			quiet = atoi(val);
		else if (nacts < MAX_ACTIONS && (strcmp(opt, "--ready") == 0 || strcmp(opt, "--prep") == 0
				|| strcmp(opt, "--keys") == 0 || strcmp(opt, "--wait") == 0
				|| strcmp(opt, "--type") == 0))
			acts[nacts++] = (struct action){ opt[2], val };
		else
			usage();
	}
	if (i + 1 >= argc)
		usage();
	envp[nenv] = NULL;

	double t0 = now_ms(), mark = t0, startup = -1, wait_ms = -1;
	struct vt *t = vt_spawn((const char *const *)(argv + i + 1), envp, rows, cols);
	if (t == NULL)
		return 1;
	int rc = 1, task_keys = 0, typed = 0;
	size_t total = 0, last = 0, most = 0;
	static size_t each[MAX_KEYS];
	static char keys[MAX_KEYS][32];
	for (int a = 0; a < nacts; a++) {
		const char *arg = acts[a].arg;
		switch (acts[a].what) {
		case 'r':
		case 'w':
			if (!wait_text(t, arg, acts[a].what == 'r' ? 30000 : 15000, "did not appear"))
				goto out;
			if (acts[a].what == 'r' && startup < 0)
				startup = now_ms() - t0;
			else
				wait_ms = now_ms() - mark;
			settle(t, quiet);
			break;
		case 'p':
		case 'k': {
			int n = split_keys(arg, keys, MAX_KEYS);
			if (n < 0 || !vt_send(t, arg))
				goto out;
			mark = now_ms();
			if (acts[a].what == 'k')
				task_keys += n;
			settle(t, quiet);
			break;
		}
		case 't': {
			int n = split_keys(arg, keys, MAX_KEYS);
			if (n < 0)
				goto out;
			for (int k = 0; k < n && typed < MAX_KEYS; k++) {
				size_t before = vt_bytes_received(t);
				if (!vt_send(t, keys[k]))
					goto out;
				mark = now_ms();
				settle(t, quiet);
				last = vt_bytes_received(t) - before;
				each[typed++] = last;
				total += last;
				if (last > most)
					most = last;
			}
			break;
		}
		}
	}
	if (startup < 0)
		startup = now_ms() - t0;
	settle(t, 300);
	long pid = child_pid();
	long rss = pid > 0 ? status_kb(pid, "VmRSS") : -1;
	long hwm = pid > 0 ? status_kb(pid, "VmHWM") : -1;
	if (typed > 0) {
		fprintf(stderr, "termbench: bytes a key:");
		for (int k = 0; k < typed; k++)
			fprintf(stderr, " %zu", each[k]);
		fprintf(stderr, "\n");
	}
	qsort(each, (size_t)typed, sizeof each[0], cmp_size);
	printf("%.2f %ld %ld %d %.2f %zu %zu %zu %d %.2f\n", startup, rss, hwm, typed,
		typed > 0 ? (double)total / typed : 0.0, last, most, typed > 0 ? each[typed / 2] : 0,
		task_keys, wait_ms);
	rc = 0;
out:
	vt_free(t);
	return rc;
}
