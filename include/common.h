/* common: the few operating-system chores client and server both do, done
 * one way: a file replaced whole or not at all, a folder's entries made
 * durable, a millisecond clock for timeouts.  No rules here (those are in
 * core), only how a write survives a power cut. */
#ifndef SIGACOR_COMMON_H
#define SIGACOR_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* fsync a folder, so a file created, renamed or removed in it survives a
 * power cut.  False (errno set) when it cannot be opened or synced. */
bool common_fsync_dir(const char *dir);

/* Replace path with data (mode 0600): written to path + ".tmp" (a stale one
 * removed first, then created with O_EXCL | O_NOFOLLOW, so a link planted
 * there is never followed), fsync'd, renamed over path, and the folder
 * fsync'd.  A reader sees the old file or the new one, never a part.  False
 * with errno set on any failure (the temp file is removed). */
bool common_write_file(const char *path, const void *data, size_t n);

/* The last steps of writing a file whole: tmp (written and fsync'd by the
 * caller) renamed over path, the crash point renamed_point passed
 * (crashpoint.h), and path's folder fsync'd.  False with errno set; the
 * caller removes tmp. */
bool common_rename_durable(const char *tmp, const char *path, const char *renamed_point);

/* Write all n bytes to fd (EINTR and short writes handled). */
bool common_write_all(int fd, const void *data, size_t n);

/* A body read in pieces (an HTTP request on the server, an answer on the
 * client): data appended to *buf, grown as needed up to limit bytes and
 * kept NUL-terminated. */
enum common_append_result { COMMON_APPENDED, COMMON_TOO_BIG, COMMON_NO_MEMORY };
enum common_append_result common_append(char **buf, size_t *len, size_t *cap, size_t limit,
	const void *data, size_t n);

/* A library loaded with dlopen on first use instead of linked, so a
 * process that never needs it never pays its memory (libcurl in the
 * screens, libchafa and glib outside the preview child).  Each symbol's
 * slot is the address of a function pointer (cast to void **). */
struct common_lazy_symbol {
	const char *name;
	void **slot;
};
/* Opens soname and fills every slot; false, with every slot untouched and
 * the library closed again, when it or any symbol is missing. */
bool common_lazy_load(const char *soname, const struct common_lazy_symbol *symbols, size_t n);

/* Milliseconds on the monotonic clock (for timeouts and intervals only). */
int64_t common_now_ms(void);
/* The same in microseconds (a request's duration, for its log line and
 * latency histogram). */
int64_t common_now_us(void);

/* A text that grows as it is added to, NUL-terminated (s is NULL until
 * the first add): an add that cannot get memory marks it failed, and the
 * adds after it do nothing.  The caller frees s. */
struct common_text {
	char *s;
	size_t len, cap;
	bool failed;
};
void common_text_add(struct common_text *t, const char *data, size_t n);
void common_text_printf(struct common_text *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
