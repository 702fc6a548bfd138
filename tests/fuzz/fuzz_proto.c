/* libFuzzer target: every proto decoder on any bytes (the client reads
 * replies from networks it does not control).  Beyond not crashing: a
 * record that decodes re-encodes to a text that decodes to the same
 * canonical text, which the server's replay check depends on; a residents
 * page the scan reads (page_scan.c), cJSON's tree reads alike. */
#include "config.h"
#include "proto.h"
#include "proto_int.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void record_round_trip(const char *text, size_t size)
{
	struct record a, b;
	if (proto_record_decode(text, size, &a, NULL) != PROTO_OK)
		return;
	char *once = proto_record_encode(&a);
	if (once == NULL)
		return;
	if (proto_record_decode(once, strlen(once), &b, NULL) != PROTO_OK)
		abort();
	char *twice = proto_record_encode(&b);
	if (twice == NULL || strcmp(once, twice) != 0)
		abort();
	free(once);
	free(twice);
}

/* A residents or registry changes page the scan reads, the cJSON tree
 * reads alike */
static void scan_agrees(const char *text, size_t size, enum proto_page_kind kind)
{
	struct proto_page a, b;
	bool scanned = proto_page_scan(text, size, kind, &a);
	enum proto_status st = proto_page_decode_tree(text, size, kind, &b, NULL);
	bool residents = kind == PROTO_PAGE_RESIDENTS;
	if (scanned && (st != PROTO_OK || a.count != b.count || a.has_more != b.has_more
		|| a.total != b.total || strcmp(a.next_cursor, b.next_cursor) != 0
		|| strcmp(a.snapshot, b.snapshot) != 0 || strcmp(a.registry_cursor, b.registry_cursor) != 0
		|| (a.count > 0 && memcmp(residents ? (void *)a.residents : (void *)a.registry,
			residents ? (void *)b.residents : (void *)b.registry,
			a.count * (residents ? sizeof *a.residents : sizeof *a.registry)) != 0)))
		abort();
	proto_page_free(&a);
	proto_page_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* the decoders take a length: no NUL needed, none added */
	const char *text = (const char *)data;
	struct proto_session s;
	struct proto_login_request l;
	struct proto_problem p;
	struct proto_verification_result v;
	struct proto_page page;
	proto_session_decode(text, size, &s, NULL);
	proto_login_request_decode(text, size, &l, NULL);
	proto_problem_decode(text, size, &p, NULL);
	proto_verification_result_decode(text, size, &v, NULL);
	for (int k = PROTO_PAGE_RESIDENTS; k <= PROTO_PAGE_REGISTRY; k++) {
		if (proto_page_decode(text, size, (enum proto_page_kind)k, &page, NULL) == PROTO_OK
			&& page.has_more && page.next_cursor[0] == '\0')
			abort();
		proto_page_free(&page);
	}
	record_round_trip(text, size);
	scan_agrees(text, size, PROTO_PAGE_RESIDENTS);
	scan_agrees(text, size, PROTO_PAGE_REGISTRY);
	return 0;
}
