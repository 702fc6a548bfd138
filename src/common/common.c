/* common: durable file writes and a monotonic clock (see include/common.h). */
#include "config.h"
#include "common.h"
#include "crashpoint.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

bool common_fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return false;
	bool ok = fsync(fd) == 0;
	int e = errno;
	close(fd);
	errno = e;
	return ok;
}

bool common_write_all(int fd, const void *data, size_t n)
{
	const char *p = data;
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		p += w;
		n -= (size_t)w;
	}
	return true;
}

/* the folder of path ("." when it names none) */
static void folder_of(const char *path, char *dir, size_t size)
{
	const char *slash = strrchr(path, '/');
	if (slash == NULL)
		snprintf(dir, size, ".");
	else if (slash == path)
		snprintf(dir, size, "/");
	else
		snprintf(dir, size, "%.*s", (int)(slash - path), path);
}

bool common_write_file(const char *path, const void *data, size_t n)
{
	char tmp[PATH_MAX + 8];
	if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp) {
		errno = ENAMETOOLONG;
		return false;
	}
	unlink(tmp);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return false;
	crashpoint("file.created");
	/* 0600 whatever the umask did */
	bool ok = fchmod(fd, 0600) == 0 && common_write_all(fd, data, n);
	if (ok)
		crashpoint("file.written");
	ok = ok && fsync(fd) == 0;
	int e = errno;
	if (close(fd) != 0 && ok) {
		ok = false;
		e = errno;
	}
	if (ok && !common_rename_durable(tmp, path, "file.renamed")) {
		ok = false;
		e = errno;
	}
	if (!ok) {
		unlink(tmp);
		errno = e;
	}
	return ok;
}

bool common_rename_durable(const char *tmp, const char *path, const char *renamed_point)
{
	char dir[PATH_MAX];
	if (rename(tmp, path) != 0)
		return false;
	crashpoint(renamed_point);
	folder_of(path, dir, sizeof dir);
	return common_fsync_dir(dir);
}

#define APPEND_FIRST_CAP 16384

enum common_append_result common_append(char **buf, size_t *len, size_t *cap, size_t limit,
	const void *data, size_t n)
{
	if (n > limit - *len)
		return COMMON_TOO_BIG;
	if (*len + n + 1 > *cap) {
		size_t want = *cap == 0 ? APPEND_FIRST_CAP : *cap;
		while (want < *len + n + 1)
			want *= 2;
		if (want > limit + 1)
			want = limit + 1;
		char *grown = realloc(*buf, want);
		if (grown == NULL)
			return COMMON_NO_MEMORY;
		*buf = grown;
		*cap = want;
	}
	memcpy(*buf + *len, data, n);
	*len += n;
	(*buf)[*len] = '\0';
	return COMMON_APPENDED;
}

int64_t common_now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t common_now_ms(void)
{
	return common_now_us() / 1000;
}

bool common_lazy_load(const char *soname, const struct common_lazy_symbol *symbols, size_t n)
{
	void *lib = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
	if (lib == NULL)
		return false;
	/* all found before any slot is written: a half-filled table would
	 * call through a null pointer later */
	for (size_t i = 0; i < n; i++) {
		if (dlsym(lib, symbols[i].name) == NULL) {
			dlclose(lib);
			return false;
		}
	}
	for (size_t i = 0; i < n; i++)
		*symbols[i].slot = dlsym(lib, symbols[i].name);
	return true;
}

/* room for n more bytes and the NUL */
static bool text_room(struct common_text *t, size_t n)
{
	if (t->failed)
		return false;
	if (t->len + n + 1 <= t->cap)
		return true;
	size_t cap = t->cap > 0 ? t->cap : 4096;
	while (cap < t->len + n + 1)
		cap *= 2;
	char *s = realloc(t->s, cap);
	if (s == NULL) {
		t->failed = true;
		return false;
	}
	t->s = s;
	t->cap = cap;
	return true;
}

void common_text_add(struct common_text *t, const char *data, size_t n)
{
	if (!text_room(t, n))
		return;
	memcpy(t->s + t->len, data, n);
	t->len += n;
	t->s[t->len] = '\0';
}

void common_text_printf(struct common_text *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !text_room(t, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(t->s + t->len, t->cap - t->len, fmt, ap);
	va_end(ap);
	t->len += (size_t)n;
}
