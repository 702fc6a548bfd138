/* tap: the smallest TAP producer, for the C tests.  automake's tap-driver
 * reads it; .ci/run counts the results. */
#ifndef SIGACOR_TAP_H
#define SIGACOR_TAP_H

#include <stdbool.h>

/* Report one test; returns cond so a test can stop early on failure. */
bool tap_ok(bool cond, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void tap_skip(const char *why);
void tap_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print the plan and return the exit status for main(). */
int tap_done(void);

#define ok(cond, ...) tap_ok((cond), __FILE__, __LINE__, __VA_ARGS__)
#define is_str(got, want, ...) tap_is_str((got), (want), __FILE__, __LINE__, __VA_ARGS__)
#define is_int(got, want, ...) tap_is_int((long long)(got), (long long)(want), __FILE__, __LINE__, __VA_ARGS__)

bool tap_is_str(const char *got, const char *want, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
bool tap_is_int(long long got, long long want, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

#endif
