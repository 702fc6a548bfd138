/* crashpoints: a crash test's kill moments taken from the crash points
 * (include/crashpoint.h) instead of a guessed sleep.  A test counts the
 * points one unkilled run passes (crash_count), picks where to kill
 * (crash_plan), and runs the same work again killed at each of them
 * (crash_run), checking the disk after each kill. */
#ifndef SIGACOR_TEST_CRASHPOINTS_H
#define SIGACOR_TEST_CRASHPOINTS_H

#include <stdbool.h>

#define CRASH_NAME_MAX 48

/* The work of one run, done in a forked child; it may _exit itself (a
 * return is _exit(0)). */
typedef void crash_work(void *ctx);

/* The crash points an unkilled run passed, in order. */
struct crash_points {
	int n;
	char (*name)[CRASH_NAME_MAX];   /* malloc'ed; crash_points_free */
};

/* One run: how the child ended and the last crash point it passed (the
 * one it was killed at, when killed). */
struct crash_outcome {
	bool killed;                     /* by SIGKILL */
	int status;                      /* waitpid's */
	int passed;
	char point[CRASH_NAME_MAX];      /* "" when it passed none */
};

/* Run work unkilled, its crash points logged; false when the child failed
 * (out->n is then 0). */
bool crash_count(crash_work *work, void *ctx, struct crash_points *out);
void crash_points_free(struct crash_points *p);

/* The crash points a SIGACOR_CRASH_LOG file names, in order (a process
 * of its own, not forked by crash_run: a spawned `sigacor sync`); its
 * count (out->n), 0 when the file is missing or empty. */
int crash_log_read(const char *log, struct crash_points *out);

/* Run work killed at its at-th crash point (at >= 1). */
void crash_run(crash_work *work, void *ctx, int at, struct crash_outcome *out);

/* Where to kill, ascending 1-based into at (room for max): every point
 * when there are at most all_up_to of them; else the first and last point
 * of each name plus spread more evenly over the run.  How many. */
int crash_plan(const struct crash_points *p, int all_up_to, int spread, int *at, int max);

#endif
