/* runstat: run a command once and print what it cost, for bench.sh.
 *   runstat [--in FILE] [--out FILE] -- PROGRAM [ARG...]
 * prints one line "wall_s user_s sys_s maxrss_kb status" on stderr's fd 3
 * when open, else on stdout after the child's own output.  The peak resident
 * set comes from wait4()'s rusage of that one child, so it is the child's own
 * high-water mark (VmHWM), not the shell's or a sibling's. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double seconds(const struct timeval *tv)
{
	return (double)tv->tv_sec + (double)tv->tv_usec / 1e6;
}

static int redirect(const char *path, int fd, int flags)
{
	int f = open(path, flags, 0600);
	if (f < 0 || dup2(f, fd) < 0)
		return -1;
	close(f);
	return 0;
}

int main(int argc, char **argv)
{
	const char *in = NULL, *out = NULL;
	int i = 1;
	for (; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (strcmp(argv[i], "--in") == 0 && i + 1 < argc)
			in = argv[++i];
		else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc)
			out = argv[++i];
		else {
			fprintf(stderr, "usage: runstat [--in F] [--out F] -- PROGRAM [ARG...]\n");
			return 2;
		}
	}
	if (i + 1 >= argc) {
		fprintf(stderr, "usage: runstat [--in F] [--out F] -- PROGRAM [ARG...]\n");
		return 2;
	}
	char **cmd = argv + i + 1;
	/* the report's fd 3 is not the child's business */
	(void)fcntl(3, F_SETFD, FD_CLOEXEC);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid_t pid = fork();
	if (pid < 0) {
		perror("fork");
		return 2;
	}
	if (pid == 0) {
		if ((in != NULL && redirect(in, 0, O_RDONLY) < 0)
			|| (out != NULL && redirect(out, 1, O_WRONLY | O_CREAT | O_TRUNC) < 0)) {
			perror("runstat: redirect");
			_exit(127);
		}
		execvp(cmd[0], cmd);
		perror(cmd[0]);
		_exit(127);
	}
	int status = 0;
	struct rusage ru;
	while (wait4(pid, &status, 0, &ru) < 0) {
		if (errno != EINTR) {
			perror("wait4");
			return 2;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double wall = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	FILE *report = fdopen(3, "w");
	if (report == NULL)
		report = stdout;
	fprintf(report, "%.6f %.6f %.6f %ld %d\n", wall, seconds(&ru.ru_utime),
		seconds(&ru.ru_stime), ru.ru_maxrss, code);
	fflush(report);
	return 0;
}
