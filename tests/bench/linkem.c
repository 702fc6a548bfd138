/* linkem: a slow link between two programs on this machine, for the
 * benchmarks: a TCP relay on 127.0.0.1 that passes bytes at RATE bit/s in
 * each direction with DELAY ms one way (the round trip is twice that), with
 * a router-like queue of QUEUE bytes before the link.  Used where the kernel
 * has no netem qdisc (tc qdisc ... netem: "Specified qdisc kind is unknown").
 *   linkem --to PORT --rate BITS --delay MS [--queue BYTES] [--max-seconds S]
 *          [--cut-every BYTES]
 * listens on 127.0.0.1 (a free port), prints "listening on 127.0.0.1:PORT",
 * relays every connection to 127.0.0.1:PORT through the emulated link, and
 * stops on SIGTERM/SIGINT or after --max-seconds (default 3600), printing
 * "delivered up=U down=D cuts=C": the bytes that crossed the link towards
 * the server and back (the bytes on the wire, without TCP/IP headers) and
 * the connections it cut.  --cut-every: a connection is closed (both ends)
 * once BYTES went up it, as a mobile link that drops every few hundred KB.
 * Loopback only, by construction: both addresses are 127.0.0.1.
 *
 * The model: bytes read from one end are cut into packets of at most 1448
 * bytes; each packet waits until the direction's link is free, takes
 * size*8/RATE seconds on it, and is delivered DELAY ms after that.  An end is
 * read only while less than QUEUE bytes wait for the link, so a fast sender
 * is held back the way a full router queue holds back TCP.  The link of one
 * direction is shared by all connections.  The TCP handshake costs one round
 * trip: data from a new connection is read only after 2*DELAY. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNS 64
#define PACKET 1448

struct packet {
	struct packet *next;
	int conn;               /* index into conns */
	int dir;                /* 0: client -> server, 1: server -> client */
	double deliver_at;
	size_t len, off;        /* len 0: the end of the stream (shutdown) */
	unsigned char data[PACKET];
};

struct link {
	double free_at;         /* when the last packet queued leaves the link */
	struct packet *head, *tail;
	size_t waiting;         /* bytes not yet on the link (router queue) */
};

struct conn {
	int fd[2];              /* [0] client side, [1] server side */
	bool eof[2];            /* no more bytes from fd[dir] */
	bool shut[2];           /* the stream towards fd[dir] was shut */
	double start_at;
	size_t up;              /* bytes delivered towards the server */
	bool used;
};

static struct conn conns[MAX_CONNS];
static struct link links[2];
static double rate_bps, delay_s;
static size_t queue_max = 65536;
static size_t cut_every;        /* 0: never */
static size_t delivered[2];     /* bytes over the link, per direction */
static unsigned cuts;
static volatile sig_atomic_t stop;

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void nonblock(int fd)
{
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

/* The bytes of packets still waiting for the link (for the queue limit). */
static size_t link_waiting(struct link *l, double now)
{
	size_t w = 0;
	for (struct packet *p = l->head; p != NULL; p = p->next)
		if (p->deliver_at - delay_s > now)
			w += p->len;
	return w;
}

static void enqueue(int c, int dir, const unsigned char *data, size_t len, double now)
{
	struct link *l = &links[dir];
	struct packet *p = calloc(1, sizeof *p);
	if (p == NULL) {
		perror("linkem");
		exit(1);
	}
	p->conn = c;
	p->dir = dir;
	p->len = len;
	if (len > 0)
		memcpy(p->data, data, len);
	double start = l->free_at > now ? l->free_at : now;
	l->free_at = start + (double)(len + 52) * 8.0 / rate_bps;   /* + TCP/IP headers */
	p->deliver_at = l->free_at + delay_s;
	if (l->tail != NULL)
		l->tail->next = p;
	else
		l->head = p;
	l->tail = p;
}

static void conn_close(int c)
{
	for (int d = 0; d < 2; d++)
		if (conns[c].fd[d] >= 0)
			close(conns[c].fd[d]);
	conns[c].used = false;
	/* drop its packets */
	for (int d = 0; d < 2; d++) {
		struct packet **pp = &links[d].head;
		links[d].tail = NULL;
		while (*pp != NULL) {
			if ((*pp)->conn == c) {
				struct packet *dead = *pp;
				*pp = dead->next;
				free(dead);
			} else {
				links[d].tail = *pp;
				pp = &(*pp)->next;
			}
		}
	}
}

/* Deliver the packets whose time has come, in order, per direction. */
static void deliver(double now)
{
	for (int d = 0; d < 2; d++) {
		struct link *l = &links[d];
		while (l->head != NULL && l->head->deliver_at <= now) {
			struct packet *p = l->head;
			struct conn *cn = &conns[p->conn];
			int to = d == 0 ? 1 : 0;
			if (p->len == 0) {
				shutdown(cn->fd[to], SHUT_WR);
				cn->shut[to] = true;
			} else {
				ssize_t n = send(cn->fd[to], p->data + p->off, p->len - p->off, MSG_NOSIGNAL);
				if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
					break;          /* the receiver is slow; try again later */
				if (n < 0) {
					conn_close(p->conn);
					break;
				}
				p->off += (size_t)n;
				if (p->off < p->len)
					break;
			}
			l->head = p->next;
			if (l->head == NULL)
				l->tail = NULL;
			int c = p->conn;
			delivered[d] += p->len;
			if (d == 0)
				cn->up += p->len;
			free(p);
			if (cut_every > 0 && d == 0 && cn->up >= cut_every) {
				/* the link drops: both ends see the connection go */
				conn_close(c);
				cuts++;
			} else if (cn->shut[0] && cn->shut[1])
				conn_close(c);
		}
	}
}

static int listen_loopback(int *port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = 0 };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t alen = sizeof a;
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) < 0 || listen(fd, 64) < 0
		|| getsockname(fd, (struct sockaddr *)&a, &alen) < 0) {
		perror("linkem: listen");
		exit(1);
	}
	*port = ntohs(a.sin_port);
	nonblock(fd);
	return fd;
}

static int connect_loopback(int port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	nonblock(fd);
	return fd;
}

int main(int argc, char **argv)
{
	int to_port = 0;
	double max_seconds = 3600;
	for (int i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--to") == 0)
			to_port = atoi(argv[i + 1]);
		else if (strcmp(argv[i], "--rate") == 0)
			rate_bps = strtod(argv[i + 1], NULL);
		else if (strcmp(argv[i], "--delay") == 0)
			delay_s = strtod(argv[i + 1], NULL) / 1000.0;
		else if (strcmp(argv[i], "--queue") == 0)
			queue_max = (size_t)strtol(argv[i + 1], NULL, 10);
		else if (strcmp(argv[i], "--max-seconds") == 0)
			max_seconds = strtod(argv[i + 1], NULL);
		else if (strcmp(argv[i], "--cut-every") == 0)
			cut_every = (size_t)strtol(argv[i + 1], NULL, 10);
	}
	if (to_port <= 0 || to_port > 65535 || rate_bps < 1000 || delay_s < 0) {
		fprintf(stderr, "usage: linkem --to PORT --rate BITS --delay MS [--queue BYTES]"
			" [--max-seconds S] [--cut-every BYTES]\n");
		return 2;
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	signal(SIGPIPE, SIG_IGN);
	int port;
	int lfd = listen_loopback(&port);
	printf("listening on 127.0.0.1:%d\n", port);
	fflush(stdout);
	double end = now_s() + max_seconds;
	while (!stop && now_s() < end) {
		double now = now_s();
		deliver(now);
		struct pollfd pf[1 + 2 * MAX_CONNS];
		int who[1 + 2 * MAX_CONNS];
		int n = 0;
		pf[n].fd = lfd;
		pf[n].events = POLLIN;
		who[n++] = -1;
		double wake = now + 1.0;
		for (int d = 0; d < 2; d++) {
			if (links[d].head != NULL && links[d].head->deliver_at < wake)
				wake = links[d].head->deliver_at;
		}
		for (int c = 0; c < MAX_CONNS; c++) {
			if (!conns[c].used)
				continue;
			for (int d = 0; d < 2; d++) {
				if (conns[c].eof[d])
					continue;
				if (now < conns[c].start_at) {
					if (conns[c].start_at < wake)
						wake = conns[c].start_at;
					continue;
				}
				if (link_waiting(&links[d], now) >= queue_max) {
					double next = links[d].free_at - delay_s;   /* a bound; good enough */
					double soon = now + 0.002;
					if ((next < soon ? soon : next) < wake)
						wake = next < soon ? soon : next;
					continue;
				}
				pf[n].fd = conns[c].fd[d];
				pf[n].events = POLLIN;
				who[n++] = c * 2 + d;
			}
		}
		/* a slow receiver: poll its writability too, cheaply, by waking soon */
		for (int d = 0; d < 2; d++)
			if (links[d].head != NULL && links[d].head->deliver_at <= now && now + 0.001 < wake)
				wake = now + 0.001;
		/* to the nanosecond: poll's milliseconds made a delay of 0.25 ms
		 * (a database on the next host) one of a millisecond or more */
		double wait = wake > now ? wake - now : 0;
		struct timespec timeout = { (time_t)wait, (long)((wait - (double)(time_t)wait) * 1e9) };
		if (ppoll(pf, (nfds_t)n, &timeout, NULL) < 0 && errno != EINTR) {
			perror("linkem: ppoll");
			return 1;
		}
		now = now_s();
		for (int k = 0; k < n; k++) {
			if (!(pf[k].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			if (who[k] < 0) {
				int cfd = accept(lfd, NULL, NULL);
				if (cfd < 0)
					continue;
				int slot = -1;
				for (int c = 0; c < MAX_CONNS && slot < 0; c++)
					if (!conns[c].used)
						slot = c;
				int sfd = slot >= 0 ? connect_loopback(to_port) : -1;
				if (sfd < 0) {
					close(cfd);
					continue;
				}
				nonblock(cfd);
				conns[slot] = (struct conn){ .fd = { cfd, sfd }, .used = true,
					.start_at = now + 2 * delay_s };
				continue;
			}
			int c = who[k] / 2, d = who[k] % 2;
			if (!conns[c].used)
				continue;
			unsigned char buf[PACKET];
			ssize_t got = recv(conns[c].fd[d], buf, sizeof buf, 0);
			if (got > 0)
				enqueue(c, d, buf, (size_t)got, now);
			else if (got == 0) {
				conns[c].eof[d] = true;
				enqueue(c, d, NULL, 0, now);
			} else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
				conn_close(c);
		}
	}
	for (int c = 0; c < MAX_CONNS; c++)
		if (conns[c].used)
			conn_close(c);
	close(lfd);
	printf("delivered up=%zu down=%zu cuts=%u\n", delivered[0], delivered[1], cuts);
	return 0;
}
