/* slowloris: a bounded slow-client attack on a local sigacor-server, for
 * the tests (server_slow.test) and the figures in doc/SECURITY.md.
 *
 *   slowloris [-s SOURCE] [-n CONNS] [-i INTERVAL_MS] [-d SECONDS] [-m MODE] [-r] PORT
 *
 * Opens CONNS connections to 127.0.0.1:PORT (only there) from SOURCE (a
 * loopback address, 127.0.0.1 by default) and keeps each busy for at most
 * SECONDS: MODE headers sends a request line, then one header line every
 * INTERVAL_MS and never the blank line; idle sends nothing; body sends
 * complete headers of a PUT with a big Content-Length, then one byte every
 * INTERVAL_MS.  -r: a connection cut or refused is opened again at once
 * (a persistent attacker; for the benchmark).  Prints one line:
 *   opened=N refused=N cut=N held=N first_cut_ms=N
 * refused: the connect or the first write failed, or the server closed the
 * connection within REFUSED_MS of its opening (the per-address limit closes
 * at once; the shortest --header-timeout is 1 s); cut: the server closed a
 * connection later, while it was still sending; held: still open at the
 * end.  Nothing sleeps a fixed time: the loop waits in poll() for a socket
 * to close or the next line to be due.  Exit 0 when it ran. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNS 4096
#define REFUSED_MS 500

enum mode { MODE_HEADERS, MODE_IDLE, MODE_BODY };

struct conn {
	int fd;
	bool open;
	int64_t opened_ms, next_ms;
	unsigned sent;
};

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* until a connection has something to read (the server's answer, EOF or a
 * reset), the next line of one is due, or the end */
static void wait_for_event(const struct conn *c, int conns, int64_t end)
{
	static struct pollfd p[MAX_CONNS];
	int n = 0;
	int64_t due = end;
	for (int i = 0; i < conns; i++)
		if (c[i].open) {
			p[n++] = (struct pollfd){ .fd = c[i].fd, .events = POLLIN | POLLRDHUP };
			if (c[i].next_ms < due)
				due = c[i].next_ms;
		}
	int64_t wait = due - now_ms();
	poll(p, (nfds_t)n, wait > 0 ? (int)wait : 0);
}

static int connect_from(const char *source, int port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	struct sockaddr_in from = { .sin_family = AF_INET }, to = { .sin_family = AF_INET };
	inet_pton(AF_INET, source, &from.sin_addr);
	inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
	to.sin_port = htons((uint16_t)port);
	if (bind(fd, (struct sockaddr *)&from, sizeof from) != 0
		|| connect(fd, (struct sockaddr *)&to, sizeof to) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static bool send_text(int fd, const char *text)
{
	size_t n = strlen(text);
	return send(fd, text, n, MSG_NOSIGNAL | MSG_DONTWAIT) == (ssize_t)n;
}

/* the first bytes of a connection, by mode */
static bool start(int fd, enum mode mode)
{
	if (mode == MODE_IDLE)
		return true;
	if (mode == MODE_HEADERS)
		return send_text(fd, "GET /api/v1/me HTTP/1.1\r\nHost: 127.0.0.1\r\n");
	return send_text(fd, "POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
		"Content-Type: application/json\r\nContent-Length: 4000\r\n\r\n");
}

/* the server closed it (EOF or reset), as far as a non-blocking read tells */
static bool closed_by_server(int fd)
{
	char buf[512];
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
		if (n == 0)
			return true;
		if (n < 0)
			return errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR;
		/* an answer (e.g. a 408 or 413): read on */
	}
}

int main(int argc, char **argv)
{
	const char *source = "127.0.0.1";
	int conns = 100, interval = 1000, seconds = 10, ch;
	enum mode mode = MODE_HEADERS;
	bool reopen = false;
	while ((ch = getopt(argc, argv, "s:n:i:d:m:r")) != -1) {
		switch (ch) {
		case 's': source = optarg; break;
		case 'n': conns = atoi(optarg); break;
		case 'i': interval = atoi(optarg); break;
		case 'd': seconds = atoi(optarg); break;
		case 'r': reopen = true; break;
		case 'm':
			mode = strcmp(optarg, "idle") == 0 ? MODE_IDLE
				: strcmp(optarg, "body") == 0 ? MODE_BODY : MODE_HEADERS;
			break;
		default:
			return 2;
		}
	}
	if (optind + 1 != argc || conns < 1 || conns > MAX_CONNS || interval < 1 || seconds < 1
		|| strncmp(source, "127.", 4) != 0) {
		fprintf(stderr, "usage: slowloris [-s 127.x.y.z] [-n CONNS] [-i MS] [-d S] "
			"[-m headers|idle|body] PORT\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	int port = atoi(argv[optind]);
	static struct conn c[MAX_CONNS];
	int opened = 0, refused = 0, cut = 0;
	int64_t t0 = now_ms(), first_cut = -1;
	for (int i = 0; i < conns; i++) {
		c[i].fd = connect_from(source, port);
		if (c[i].fd < 0 || !start(c[i].fd, mode)) {
			refused++;
			if (c[i].fd >= 0)
				close(c[i].fd);
			continue;
		}
		c[i].open = true;
		c[i].opened_ms = now_ms();
		c[i].next_ms = c[i].opened_ms + interval;
		opened++;
	}
	/* tests wait for this line instead of sleeping: the connections are open */
	fprintf(stderr, "holding %d\n", opened);
	int64_t end = t0 + (int64_t)seconds * 1000;
	while (now_ms() < end) {
		wait_for_event(c, conns, end);
		int64_t now = now_ms();
		for (int i = 0; i < conns; i++) {
			if (!c[i].open)
				continue;
			bool gone = closed_by_server(c[i].fd);
			if (!gone && now >= c[i].next_ms) {
				char line[64];
				if (mode == MODE_HEADERS)
					snprintf(line, sizeof line, "X-Slow-%u: a\r\n", c[i].sent++);
				else
					snprintf(line, sizeof line, "%s", mode == MODE_BODY ? "a" : "");
				gone = line[0] != '\0' && !send_text(c[i].fd, line);
				c[i].next_ms = now + interval;
			}
			if (gone) {
				c[i].open = false;
				close(c[i].fd);
				if (now - c[i].opened_ms < REFUSED_MS) {
					opened--;
					refused++;
				} else {
					cut++;
					if (first_cut < 0)
						first_cut = now - t0;
				}
			}
		}
		for (int i = 0; reopen && i < conns; i++) {
			if (c[i].open)
				continue;
			c[i].fd = connect_from(source, port);
			c[i].open = c[i].fd >= 0 && start(c[i].fd, mode);
			if (!c[i].open && c[i].fd >= 0)
				close(c[i].fd);
			c[i].opened_ms = now_ms();
			c[i].next_ms = c[i].opened_ms + interval;
			opened += c[i].open;
			refused += !c[i].open;
		}
	}
	int held = 0;
	for (int i = 0; i < conns; i++)
		if (c[i].open) {
			held++;
			close(c[i].fd);
		}
	printf("opened=%d refused=%d cut=%d held=%d first_cut_ms=%lld\n", opened, refused, cut, held,
		(long long)first_cut);
	return 0;
}
