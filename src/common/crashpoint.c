/* common/crashpoint: a crash test's kill moments (see include/crashpoint.h).
 * Unset, the first crash point reads the environment once and every later
 * one costs a load of the cached flag. */
#include "config.h"
#include "crashpoint.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum crash_state { CRASH_UNREAD, CRASH_OFF, CRASH_ON };

static int state = CRASH_UNREAD;
static long kill_at;          /* 0: never */
static char kill_name[64];    /* "": kill_at counts every point, else these */
static int log_fd = -1;
static long passed, passed_named;

static void read_environment(void)
{
	const char *at = getenv("SIGACOR_CRASH_AT");
	const char *log = getenv("SIGACOR_CRASH_LOG");
	char *end = NULL;
	kill_at = at != NULL ? strtol(at, &end, 10) : 0;
	kill_name[0] = '\0';
	if (end != NULL && *end == ':')
		snprintf(kill_name, sizeof kill_name, "%s", end + 1);
	if (log_fd >= 0)
		close(log_fd);
	log_fd = log != NULL && log[0] != '\0'
		? open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600) : -1;
	passed = passed_named = 0;
	int now = kill_at > 0 || log_fd >= 0 ? CRASH_ON : CRASH_OFF;
	__atomic_store_n(&state, now, __ATOMIC_RELEASE);
}

void crashpoint_reload(void)
{
	read_environment();
}

/* one line, one write(): O_APPEND keeps lines of processes sharing the
 * file whole */
static void log_point(long n, const char *name)
{
	char line[160];
	int len = snprintf(line, sizeof line, "%ld %s\n", n, name);
	if (len > 0 && (size_t)len < sizeof line && write(log_fd, line, (size_t)len) != len)
		log_fd = -1;
}

void crashpoint(const char *name)
{
	int now = __atomic_load_n(&state, __ATOMIC_ACQUIRE);
	if (now == CRASH_OFF)
		return;
	if (now == CRASH_UNREAD) {
		read_environment();
		if (state == CRASH_OFF)
			return;
	}
	long n = __atomic_add_fetch(&passed, 1, __ATOMIC_RELAXED);
	if (log_fd >= 0)
		log_point(n, name);
	if (kill_name[0] != '\0')
		n = strcmp(name, kill_name) == 0 ? __atomic_add_fetch(&passed_named, 1,
			__ATOMIC_RELAXED) : 0;
	if (n == kill_at)
		kill(getpid(), SIGKILL);
}
