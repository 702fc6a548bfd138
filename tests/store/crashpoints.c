/* crashpoints: a crash test's kill moments (see crashpoints.h).  The child
 * is told by the environment where to stop and logs every point it passes
 * to a file of its own, which the parent reads once the child is dead. */
#include "config.h"
#include "crashpoint.h"
#include "store/crashpoints.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static bool log_file(char *path, size_t len)
{
	const char *tmp = getenv("TMPDIR");
	snprintf(path, len, "%s/crashpoints.XXXXXX", tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp");
	int fd = mkstemp(path);
	if (fd < 0)
		return false;
	close(fd);
	return true;
}

/* fork, the child told where to stop (at 0: never), its log at log */
static int run_child(crash_work *work, void *ctx, int at, const char *log)
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		char n[24];
		snprintf(n, sizeof n, "%d", at);
		setenv("SIGACOR_CRASH_AT", n, 1);
		setenv("SIGACOR_CRASH_LOG", log, 1);
		crashpoint_reload();
		work(ctx);
		_exit(0);
	}
	int status = -1;
	if (pid > 0)
		waitpid(pid, &status, 0);
	return status;
}

/* the names in the log, in order, into out (when not NULL); how many */
static int read_log(const char *log, struct crash_points *out, char last[CRASH_NAME_MAX])
{
	FILE *f = fopen(log, "r");
	int n = 0, cap = 0;
	char line[256], name[CRASH_NAME_MAX];
	last[0] = '\0';
	while (f != NULL && fgets(line, sizeof line, f) != NULL) {
		if (sscanf(line, "%*d %47s", name) != 1)
			continue;
		snprintf(last, CRASH_NAME_MAX, "%s", name);
		if (out != NULL && n == cap) {
			cap = cap == 0 ? 256 : cap * 2;
			out->name = realloc(out->name, (size_t)cap * sizeof *out->name);
		}
		if (out != NULL)
			snprintf(out->name[n], CRASH_NAME_MAX, "%s", name);
		n++;
	}
	if (f != NULL)
		fclose(f);
	return n;
}

bool crash_count(crash_work *work, void *ctx, struct crash_points *out)
{
	char log[512], last[CRASH_NAME_MAX];
	memset(out, 0, sizeof *out);
	if (!log_file(log, sizeof log))
		return false;
	int status = run_child(work, ctx, 0, log);
	bool fine = WIFEXITED(status) && WEXITSTATUS(status) == 0;
	if (fine)
		out->n = read_log(log, out, last);
	unlink(log);
	return fine;
}

int crash_log_read(const char *log, struct crash_points *out)
{
	char last[CRASH_NAME_MAX];
	memset(out, 0, sizeof *out);
	out->n = read_log(log, out, last);
	return out->n;
}

void crash_points_free(struct crash_points *p)
{
	free(p->name);
	p->name = NULL;
	p->n = 0;
}

void crash_run(crash_work *work, void *ctx, int at, struct crash_outcome *out)
{
	char log[512];
	memset(out, 0, sizeof *out);
	if (!log_file(log, sizeof log))
		return;
	out->status = run_child(work, ctx, at, log);
	out->killed = WIFSIGNALED(out->status) && WTERMSIG(out->status) == SIGKILL;
	out->passed = read_log(log, NULL, out->point);
	unlink(log);
}

static int ascending(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* i (1-based) into at unless there already or no room */
static void pick(int *at, int *n, int max, int i)
{
	for (int k = 0; k < *n; k++)
		if (at[k] == i)
			return;
	if (*n < max)
		at[(*n)++] = i;
}

#define MAX_NAMES 64

/* each distinct name with its first and last place (0-based) */
struct name_span {
	const char *name;
	int first, last;
};

static int name_spans(const struct crash_points *p, struct name_span *spans)
{
	int n = 0;
	for (int i = 0; i < p->n; i++) {
		int k = 0;
		while (k < n && strcmp(spans[k].name, p->name[i]) != 0)
			k++;
		if (k == n && n == MAX_NAMES)
			continue;
		if (k == n)
			spans[n++] = (struct name_span) { p->name[i], i, i };
		spans[k].last = i;
	}
	return n;
}

int crash_plan(const struct crash_points *p, int all_up_to, int spread, int *at, int max)
{
	int n = 0;
	if (p->n <= all_up_to) {
		for (int i = 1; i <= p->n; i++)
			pick(at, &n, max, i);
		return n;
	}
	struct name_span spans[MAX_NAMES];
	int names = name_spans(p, spans);
	for (int k = 0; k < names; k++) {
		pick(at, &n, max, spans[k].first + 1);
		pick(at, &n, max, spans[k].last + 1);
	}
	for (int k = 0; k < spread; k++)
		pick(at, &n, max, 1 + (int)((long)(p->n - 1) * k / (spread > 1 ? spread - 1 : 1)));
	qsort(at, (size_t)n, sizeof *at, ascending);
	return n;
}
