/* listen: the sockets `sigacor-server serve` listens on (plain HTTP only
 * on the loopback, see serve.c; the metrics also on a private network, see
 * ops.c) and the small files it reads at start (certificate, key). */
#include "config.h"
#include "server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Connections past --max-connections wait in the kernel's queue, already
 * established, until one is free.  A full queue drops the next SYNs, and
 * the client then tries again after 1, 3, 7, 15, 31 and 63 s: a queue of
 * 1,024 turned away 37,368 connection attempts in a burst of 10,000 clerks
 * against two processes (make bench).  The kernel caps this at
 * net.core.somaxconn (4,096 on Debian 12; OPERATIONS.md says when to raise
 * it). */
#define LISTEN_QUEUE 65535

static bool is_loopback(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)(const void *)sa;
		return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)(const void *)sa;
		return IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr);
	}
	return false;
}

/* 10/8, 172.16/12, 192.168/16, fc00::/7: not routed on the internet */
static bool is_private(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET) {
		uint32_t a = ntohl(((const struct sockaddr_in *)(const void *)sa)->sin_addr.s_addr);
		return (a >> 24) == 10 || (a >> 20) == 0xac1 || (a >> 16) == 0xc0a8;
	}
	if (sa->sa_family == AF_INET6)
		return (((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr.s6_addr[0] & 0xfe)
			== 0xfc;
	return false;
}

static bool reachable_enough(const struct sockaddr *sa, enum listen_reach reach)
{
	return reach == LISTEN_ANY || is_loopback(sa) || (reach == LISTEN_PRIVATE && is_private(sa));
}

/* "127.0.0.1:8080", "[::1]:0": a listening socket, and the address it got */
int serve_listen_on(const char *option, const char *spec, enum listen_reach reach, char *shown,
	size_t shown_cap)
{
	char host[128], port[16];
	const char *colon = strrchr(spec, ':');
	if (colon == NULL || colon == spec || strlen(colon + 1) == 0 || strlen(colon + 1) >= sizeof port
		|| (size_t)(colon - spec) >= sizeof host) {
		fprintf(stderr, "sigacor-server: --%s %s: %s\n", option, spec, _("harus berbentuk ALAMAT:PORT"));
		return -1;
	}
	size_t hlen = (size_t)(colon - spec);
	const char *h = spec;
	if (spec[0] == '[' && colon[-1] == ']') {
		h++;
		hlen -= 2;
	}
	memcpy(host, h, hlen);
	host[hlen] = '\0';
	snprintf(port, sizeof port, "%s", colon + 1);
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
		.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE };
	struct addrinfo *ai;
	if (getaddrinfo(host, port, &hints, &ai) != 0) {
		fprintf(stderr, "sigacor-server: --%s %s: %s\n", option, spec,
			_("alamat harus berupa angka IP, misalnya 127.0.0.1:8080"));
		return -1;
	}
	if (!reachable_enough(ai->ai_addr, reach)) {
		fprintf(stderr, "sigacor-server: --%s %s: %s\n", option, spec, reach == LISTEN_PRIVATE
			? _("metrik hanya untuk jaringan pemantauan: alamat loopback atau jaringan pribadi (10.x, 172.16-31.x, 192.168.x, fc00::/7)")
			: _("tanpa --cert dan --key server hanya mau mendengar di alamat loopback (127.0.0.1 atau ::1)"));
		freeaddrinfo(ai);
		return -1;
	}
	int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int one = 1;
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0
		|| bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, LISTEN_QUEUE) != 0) {
		fprintf(stderr, "sigacor-server: --%s %s: %s\n", option, spec, strerror(errno));
		if (fd >= 0)
			close(fd);
		freeaddrinfo(ai);
		return -1;
	}
	freeaddrinfo(ai);
	struct sockaddr_storage ss;
	socklen_t sl = sizeof ss;
	char addr[INET6_ADDRSTRLEN] = "?";
	int bound_port = 0;
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0) {
		if (ss.ss_family == AF_INET) {
			struct sockaddr_in *in = (struct sockaddr_in *)&ss;
			inet_ntop(AF_INET, &in->sin_addr, addr, sizeof addr);
			bound_port = ntohs(in->sin_port);
		} else {
			struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
			inet_ntop(AF_INET6, &in6->sin6_addr, addr, sizeof addr);
			bound_port = ntohs(in6->sin6_port);
		}
	}
	snprintf(shown, shown_cap, ss.ss_family == AF_INET6 ? "[%s]:%d" : "%s:%d", addr, bound_port);
	return fd;
}

char *serve_read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		fprintf(stderr, "sigacor-server: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	char *buf = NULL;
	size_t len = 0, cap = 0;
	for (;;) {
		if (len + 4096 + 1 > cap) {
			cap = cap == 0 ? 8192 : cap * 2;
			if (cap > 1024 * 1024) {
				fprintf(stderr, "sigacor-server: %s: %s\n", path, _("file terlalu besar"));
				break;
			}
			char *b = realloc(buf, cap);
			if (b == NULL)
				break;
			buf = b;
		}
		size_t n = fread(buf + len, 1, 4096, f);
		len += n;
		if (n < 4096) {
			fclose(f);
			buf[len] = '\0';
			return buf;
		}
	}
	fclose(f);
	free(buf);
	return NULL;
}
