/* page_scan: a registry extract's page, or a page of the registry's
 * changes, read straight from its text.
 *
 * A city's registry comes as pages of 1,000 residents (GET /residents),
 * its changes as pages of 1,000 entries (GET /residents/changes).
 * Read through cJSON, each page is a tree of some 21,000 allocations, and
 * each field is found by comparing every member's name before it: a fifth
 * of the client's CPU in a 2,000,000-row pull.  The scan reads the page
 * as the server writes it (doc/PROTOCOL.md) and fills the residents in
 * place.  It is a shortcut, never a second judge: it takes only a subset
 * of JSON (strings without escapes or control characters, whole numbers,
 * no member unknown or repeated) and the same checks as the tree's
 * reading; anything else, well-formed or not, goes to the tree's reading
 * (proto_page_decode), which accepts or refuses it as before and names
 * what is wrong.  fuzz_proto checks that what the scan takes, the tree
 * takes alike. */
#include "config.h"
#include "proto.h"
#include "proto_int.h"
#include "format.h"
#include "registry.h"

#include <stdlib.h>
#include <string.h>

struct scan {
	const char *p, *end;
};

static void skip_space(struct scan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
		s->p++;
}

static bool eat(struct scan *s, char c)
{
	skip_space(s);
	if (s->p >= s->end || *s->p != c)
		return false;
	s->p++;
	return true;
}

/* A string with no escape and no control character: where its bytes are */
static bool plain_string(struct scan *s, const char **text, size_t *len)
{
	if (!eat(s, '"'))
		return false;
	const char *close = memchr(s->p, '"', (size_t)(s->end - s->p));
	if (close == NULL)
		return false;
	for (const char *c = s->p; c < close; c++)
		if ((unsigned char)*c < 0x20 || *c == '\\')
			return false;
	*text = s->p;
	*len = (size_t)(close - s->p);
	s->p = close + 1;
	return true;
}

/* A plain string into buf, as wire_get_str takes it: it fits, and it is
 * clean text on one line */
static bool string_into(struct scan *s, char *buf, size_t cap)
{
	const char *text;
	size_t len;
	if (!plain_string(s, &text, &len) || len >= cap)
		return false;
	memcpy(buf, text, len);
	buf[len] = '\0';
	return format_text(buf, false);
}

static bool is_name(const char *text, size_t len, const char *name)
{
	return strlen(name) == len && memcmp(text, name, len) == 0;
}

/* The field a member names; the server writes them in order, so the
 * expected one is tried first.  -1: not a resident's field. */
static int field_named(const char *text, size_t len, int expected)
{
	if (expected < REGISTRY_FIELD_COUNT
		&& is_name(text, len, registry_field_name((enum registry_field)expected)))
		return expected;
	for (int f = 0; f < REGISTRY_FIELD_COUNT; f++)
		if (is_name(text, len, registry_field_name((enum registry_field)f)))
			return f;
	return -1;
}

/* A whole number JSON writes plainly (0, 17, -1): no sign but minus, no
 * leading zero, no fraction or exponent, within what a double holds */
static bool scan_whole(struct scan *s, int64_t *out)
{
	skip_space(s);
	bool minus = s->p < s->end && *s->p == '-';
	const char *digits = s->p + (minus ? 1 : 0), *c = digits;
	int64_t v = 0;
	while (c < s->end && *c >= '0' && *c <= '9' && c - digits < 15)
		v = v * 10 + (*c++ - '0');
	if (c == digits || (*digits == '0' && c - digits > 1))
		return false;
	if (c < s->end && ((*c >= '0' && *c <= '9') || *c == '.' || *c == 'e' || *c == 'E'))
		return false;
	s->p = c;
	*out = minus ? -v : v;
	return true;
}

static bool scan_literal(struct scan *s, bool *out)
{
	skip_space(s);
	size_t left = (size_t)(s->end - s->p);
	if (left >= 4 && memcmp(s->p, "true", 4) == 0) {
		s->p += 4;
		*out = true;
		return true;
	}
	if (left >= 5 && memcmp(s->p, "false", 5) == 0) {
		s->p += 5;
		*out = false;
		return true;
	}
	return false;
}

/* An object's members, each read by member (its bit in *seen), each
 * once; false at anything else */
typedef bool member_fn(struct scan *s, const char *key, size_t len, int i, void *item, int *bit);

static bool scan_object(struct scan *s, member_fn *member, void *item, unsigned *seen)
{
	*seen = 0;
	if (!eat(s, '{'))
		return false;
	for (int i = 0;; i++) {
		const char *key;
		size_t len;
		int bit;
		if (!plain_string(s, &key, &len) || !eat(s, ':')
			|| !member(s, key, len, i, item, &bit) || (*seen & 1u << bit) != 0)
			return false;
		*seen |= 1u << bit;
		if (eat(s, '}'))
			return true;
		if (!eat(s, ','))
			return false;
	}
}

/* A field of a resident into its buffer: its bit is the field's number */
static bool resident_field(struct scan *s, const char *key, size_t len, int i,
	struct resident *r, int *bit)
{
	size_t cap;
	if ((*bit = field_named(key, len, i)) < 0)
		return false;
	char *buf = registry_field_buffer(r, (enum registry_field)*bit, &cap);
	return string_into(s, buf, cap);
}

static bool resident_member(struct scan *s, const char *key, size_t len, int i, void *item,
	int *bit)
{
	return resident_field(s, key, len, i, item, bit);
}

/* One resident: every field once, nothing else, and the registry's rule */
static bool scan_resident(struct scan *s, struct resident *r)
{
	unsigned seen;
	return scan_object(s, resident_member, r, &seen) && seen == (1u << REGISTRY_FIELD_COUNT) - 1
		&& registry_check(r, REGISTRY_ANY_DAY).problem == REGISTRY_OK;
}

/* One entry of the changes: a resident as now with its seq and
 * "removed": false, or a seq, "removed": true, the NIK and the kelurahan;
 * every member once, nothing else, and the checks of the tree's reading */
enum { SEQ_BIT = REGISTRY_FIELD_COUNT, REMOVED_BIT };

static bool change_member(struct scan *s, const char *key, size_t len, int i, void *item,
	int *bit)
{
	struct proto_registry_change *c = item;
	if (is_name(key, len, "seq"))
		return *bit = SEQ_BIT, scan_whole(s, &c->seq) && c->seq >= 1;
	if (is_name(key, len, "removed"))
		return *bit = REMOVED_BIT, scan_literal(s, &c->removed);
	return resident_field(s, key, len, i, &c->resident, bit);
}

static bool scan_change(struct scan *s, struct proto_registry_change *c)
{
	unsigned seen, both = 1u << SEQ_BIT | 1u << REMOVED_BIT;
	if (!scan_object(s, change_member, c, &seen))
		return false;
	if (c->removed)
		return seen == (both | 1u << REGISTRY_NIK | 1u << REGISTRY_KELURAHAN)
			&& format_nik_digits(c->resident.nik) && proto_is_kelurahan(c->resident.kelurahan);
	return seen == (both | ((1u << REGISTRY_FIELD_COUNT) - 1))
		&& registry_check(&c->resident, REGISTRY_ANY_DAY).problem == REGISTRY_OK;
}

/* the next item, zeroed, at the end of a growing array of at most
 * PROTO_PAGE_MAX; NULL when full or out of memory */
static void *next_item(void **array, size_t size, size_t count, size_t *cap)
{
	if (count == PROTO_PAGE_MAX)
		return NULL;
	if (count == *cap) {
		*cap = *cap == 0 ? 1024 : *cap * 2;
		void *grown = realloc(*array, *cap * size);
		if (grown == NULL)
			return NULL;
		*array = grown;
	}
	void *item = (char *)*array + count * size;
	memset(item, 0, size);
	return item;
}

/* The items of a residents or a registry changes page */
static bool scan_items(struct scan *s, struct proto_page *out)
{
	size_t cap = 0;
	bool residents = out->kind == PROTO_PAGE_RESIDENTS;
	void **array = residents ? (void **)&out->residents : (void **)&out->registry;
	size_t size = residents ? sizeof *out->residents : sizeof *out->registry;
	if (!eat(s, '['))
		return false;
	if (eat(s, ']'))
		return true;
	do {
		void *item = next_item(array, size, out->count, &cap);
		if (item == NULL || !(residents ? scan_resident(s, item) : scan_change(s, item)))
			return false;
		out->count++;
	} while (eat(s, ','));
	return eat(s, ']');
}

enum page_member { ITEMS = 1, NEXT = 2, MORE = 4, TOTAL = 8, SNAPSHOT = 16, REGISTRY = 32 };

/* One member of the page by its name; which one in *member (0: unknown) */
static bool scan_member(struct scan *s, const char *key, size_t len, struct proto_page *out,
	unsigned *member)
{
	*member = 0;
	if (is_name(key, len, "items"))
		return *member = ITEMS, scan_items(s, out);
	if (is_name(key, len, "next_cursor"))
		return *member = NEXT, string_into(s, out->next_cursor, sizeof out->next_cursor);
	if (is_name(key, len, "has_more"))
		return *member = MORE, scan_literal(s, &out->has_more);
	if (is_name(key, len, "total"))
		return *member = TOTAL, scan_whole(s, &out->total) && out->total >= -1;
	if (is_name(key, len, "snapshot"))
		return *member = SNAPSHOT, string_into(s, out->snapshot, sizeof out->snapshot);
	/* a residents page's only: the tree reads it on no other */
	if (is_name(key, len, "registry_cursor") && out->kind == PROTO_PAGE_RESIDENTS)
		return *member = REGISTRY, string_into(s, out->registry_cursor,
			sizeof out->registry_cursor);
	return false;
}

bool proto_page_scan(const char *json, size_t len, enum proto_page_kind kind,
	struct proto_page *out)
{
	struct scan s = { json, json + len };
	unsigned seen = 0;
	memset(out, 0, sizeof *out);
	out->kind = kind;
	if (json == NULL || (kind != PROTO_PAGE_RESIDENTS && kind != PROTO_PAGE_REGISTRY)
		|| !eat(&s, '{'))
		return false;
	do {
		const char *key;
		size_t key_len;
		unsigned member;
		if (!plain_string(&s, &key, &key_len) || !eat(&s, ':')
			|| !scan_member(&s, key, key_len, out, &member) || (seen & member) != 0)
			return false;
		seen |= member;
	} while (eat(&s, ','));
	if (!eat(&s, '}'))
		return false;
	skip_space(&s);
	return s.p == s.end && (seen | REGISTRY) == (ITEMS | NEXT | MORE | TOTAL | SNAPSHOT | REGISTRY)
		&& (!out->has_more || out->next_cursor[0] != '\0');
}
