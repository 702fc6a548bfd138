#include "config.h"
#include "record.h"

#include <string.h>

#include "calendar.h"
#include "evidence.h"
#include "format.h"
#include "geo.h"
#include "i18n.h"
#include "wilayah.h"

#define PHOTOS_APART_M 500.0
#define PHOTO_OLD_S (30L * 86400)
/* Phones write local time without a zone and old laptops often run on UTC:
 * only a day ahead is surely a wrong camera clock. */
#define PHOTO_FUTURE_SLACK_S 86400L
/* Simplified polygons: nearer than this to the recipient's kelurahan, a
 * point may still be in it (assets/wilayah/SOURCES.md). */
#define KELURAHAN_UNCERTAIN_M 50.0

#define BIT(p) (1u << (p))

struct code_text {
	const char *code;
	const char *text;
};

static const struct code_text problems[RECORD_PROBLEM_COUNT] = {
#define ROW(e, code, msg) [e] = { code, msg },
	RECORD_PROBLEMS(ROW)
};
static const struct code_text warnings[RECORD_WARNING_COUNT] = {
	RECORD_WARNINGS(ROW)
};
static const struct code_text reasons[REASON_COUNT] = {
	RECORD_REASONS(ROW)
#undef ROW
};
/* the codes alone, for find_code */
static const char *const reason_codes[REASON_COUNT] = {
#define CODE(e, code, label) [e] = code,
	RECORD_REASONS(CODE)
#undef CODE
};

static const char *const state_codes[STATE_COUNT] = {
	[STATE_DRAFT] = "draft", [STATE_FINAL] = "final", [STATE_SENDING] = "sending",
	[STATE_ACCEPTED] = "accepted", [STATE_FLAGGED] = "flagged", [STATE_QUARANTINED] = "quarantined",
};
static const char *const decision_codes[] = {
	[DECISION_NONE] = "", [DECISION_LAYAK] = "layak", [DECISION_TIDAK_LAYAK] = "tidak-layak",
};
static const char *const coord_source_codes[COORD_SOURCE_COUNT] = {
	[COORD_NONE] = "", [COORD_EXIF] = "exif", [COORD_MANUAL] = "manual", [COORD_PHONE] = "phone",
};
static const char *const photo_kind_codes[PHOTO_KIND_COUNT] = {
	[PHOTO_KIND_KTP] = "ktp", [PHOTO_KIND_KK] = "kk", [PHOTO_KIND_RUMAH] = "rumah",
};
static const enum record_problem missing_photo[PHOTO_KIND_COUNT] = {
	[PHOTO_KIND_KTP] = RECORD_ERR_PHOTO_KTP, [PHOTO_KIND_KK] = RECORD_ERR_PHOTO_KK,
	[PHOTO_KIND_RUMAH] = RECORD_ERR_PHOTO_RUMAH,
};

#define COUNT(a) (sizeof (a) / sizeof (a)[0])

const char *record_problem_code(enum record_problem p)
{
	return (unsigned)p < COUNT(problems) ? problems[p].code : "";
}

const char *record_problem_message(enum record_problem p)
{
	return (unsigned)p < COUNT(problems) ? problems[p].text : "";
}

const char *record_warning_code(enum record_warning w)
{
	return (unsigned)w < COUNT(warnings) ? warnings[w].code : "";
}

const char *record_warning_message(enum record_warning w)
{
	return (unsigned)w < COUNT(warnings) ? warnings[w].text : "";
}

const char *record_reason_code(enum reason r)
{
	return (unsigned)r < COUNT(reason_codes) ? reason_codes[r] : "";
}

const char *record_reason_label(enum reason r)
{
	return (unsigned)r < COUNT(reasons) ? reasons[r].text : "";
}

const char *record_state_code(enum record_state s)
{
	return (unsigned)s < COUNT(state_codes) ? state_codes[s] : "";
}

const char *record_review_label(const char *code)
{
	if (strcmp(code, "confirmed") == 0)
		return N_("diterima kota");
	if (strcmp(code, "rejected") == 0)
		return N_("ditolak kota: buat koreksi");
	if (strcmp(code, "revisit") == 0)
		return N_("kunjungi ulang rumah ini");
	return "";
}

const char *record_decision_code(enum decision d)
{
	return (unsigned)d < COUNT(decision_codes) ? decision_codes[d] : "";
}

const char *record_coord_source_code(enum coord_source s)
{
	return (unsigned)s < COUNT(coord_source_codes) ? coord_source_codes[s] : "";
}

const char *record_photo_kind_code(enum photo_kind k)
{
	return (unsigned)k < COUNT(photo_kind_codes) ? photo_kind_codes[k] : "";
}

/* The index of code in a table of strings, or -1. */
static int find_code(const char *const *codes, size_t count, const char *code)
{
	if (code == NULL)
		return -1;
	for (size_t i = 0; i < count; i++)
		if (strcmp(codes[i], code) == 0)
			return (int)i;
	return -1;
}

bool record_coord_source_parse(const char *code, enum coord_source *out)
{
	int i = find_code(coord_source_codes, COUNT(coord_source_codes), code);
	if (i >= 0)
		*out = (enum coord_source)i;
	return i >= 0;
}

bool record_reason_parse(const char *code, enum reason *out)
{
	int i = find_code(reason_codes, COUNT(reason_codes), code);
	if (i >= 0)
		*out = (enum reason)i;
	return i >= 0;
}

bool record_state_parse(const char *code, enum record_state *out)
{
	int i = find_code(state_codes, COUNT(state_codes), code);
	if (i >= 0)
		*out = (enum record_state)i;
	return i >= 0;
}

bool record_decision_parse(const char *code, enum decision *out)
{
	int i = find_code(decision_codes, COUNT(decision_codes), code);
	if (i >= 0)
		*out = (enum decision)i;
	return i >= 0;
}

bool record_photo_kind_parse(const char *code, enum photo_kind *out)
{
	int i = find_code(photo_kind_codes, COUNT(photo_kind_codes), code);
	if (i >= 0)
		*out = (enum photo_kind)i;
	return i >= 0;
}

/* ---------------------------------------------------------------- final check */

/* Nothing but white space before the terminator (or the buffer's end). */
static bool blank(const char *s, size_t size)
{
	for (size_t i = 0; i < size && s[i] != '\0'; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
			return false;
	return true;
}

#define BLANK(field) blank((field), sizeof (field))
#define FITS(field) (memchr((field), '\0', sizeof (field)) != NULL)

/* Every text field ends inside its buffer. */
static bool texts_fit(const struct record *r)
{
	bool fit = FITS(r->uuid) && FITS(r->nik) && FITS(r->name) && FITS(r->address) &&
		FITS(r->kelurahan) && FITS(r->kk) && FITS(r->reason_text) && FITS(r->notes) &&
		FITS(r->coord_reason) && FITS(r->operator_name) && FITS(r->supersedes) &&
		FITS(r->server_message);
	for (size_t k = 0; k < PHOTO_KIND_COUNT; k++) {
		const struct record_photo *ph = &r->photos[k];
		fit = fit && FITS(ph->sha256) && FITS(ph->taken_at) && FITS(ph->original_name);
	}
	return fit;
}

/* r->nik as a string even when it overflowed its buffer (then it has one
 * character too many and is judged so) */
static void check_nik(const struct record *r, time_t today, struct nik_info *info)
{
	char nik[sizeof r->nik + 1];
	memcpy(nik, r->nik, sizeof r->nik);
	nik[sizeof r->nik] = '\0';
	nik_check(nik, today, info);
}

static unsigned check_decision(const struct record *r)
{
	switch (r->decision) {
	case DECISION_NONE:
		return BIT(RECORD_ERR_DECISION);
	case DECISION_LAYAK:
		/* a reason left over from "tidak layak" would travel to the server */
		return r->reason != REASON_NONE || !BLANK(r->reason_text) ? BIT(RECORD_ERR_REASON_ON_LAYAK) : 0;
	case DECISION_TIDAK_LAYAK:
		if (r->reason <= REASON_NONE || r->reason >= REASON_COUNT)
			return BIT(RECORD_ERR_REASON);
		return r->reason == REASON_LAINNYA && BLANK(r->reason_text) ? BIT(RECORD_ERR_REASON_TEXT) : 0;
	}
	return BIT(RECORD_ERR_DECISION);
}

/* Coordinates the outcome does not need are still judged when given. */
static unsigned check_coord(const struct record *r, bool needed)
{
	unsigned p = 0;
	if (!r->has_coord)
		return needed ? BIT(RECORD_ERR_COORD) : 0;
	if (!geo_valid(r->lat, r->lon))
		p |= BIT(RECORD_ERR_COORD_RANGE);
	if (r->coord_source == COORD_MANUAL && BLANK(r->coord_reason))
		p |= BIT(RECORD_ERR_COORD_REASON);
	return p;
}

unsigned record_check_final(const struct record *r, time_t today)
{
	unsigned p = 0;
	if (!texts_fit(r))
		p |= BIT(RECORD_ERR_TOO_LONG);
	struct nik_info info;
	check_nik(r, today, &info);
	if (!info.valid)
		p |= BIT(RECORD_ERR_NIK);
	if (!r->in_registry && BLANK(r->name))
		p |= BIT(RECORD_ERR_NAME);
	/* the evidence of the outcome chosen (doc/EVIDENCE.md) */
	const struct evidence_rule *rule = evidence_for(r->decision, r->reason);
	for (size_t k = 0; k < PHOTO_KIND_COUNT; k++)
		if ((rule->needed & EVIDENCE_PHOTO(k)) && !r->photos[k].attached)
			p |= BIT(missing_photo[k]);
	return p | check_decision(r) | check_coord(r, rule->location);
}

/* ---------------------------------------------------------------- warnings */

/* "YYYY-MM-DD HH:MM:SS" as seconds on the local clock counted like UTC
 * (the zone is not known), or false when it is not such a date. */
static bool parse_taken_at(const char *t, long long *out)
{
	if (!format_shape(t, "dddd-dd-dd dd:dd:dd"))
		return false;
	int y = format_number(t, 4), mo = format_number(t + 5, 2), d = format_number(t + 8, 2);
	int h = format_number(t + 11, 2), mi = format_number(t + 14, 2), s = format_number(t + 17, 2);
	if (y < 1900 || !calendar_is_day(y, mo, d) || h > 23 || mi > 59 || s > 60)
		return false;
	*out = calendar_days_from_civil(y, mo, d) * 86400LL + h * 3600 + mi * 60 + s;
	return true;
}

static long long local_seconds(time_t now)
{
	struct tm tm;
	if (localtime_r(&now, &tm) == NULL)
		return (long long)now;
	return calendar_days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday) * 86400LL +
		tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
}

static unsigned nik_warnings(const struct record *r, const struct record_registry_facts *reg, time_t now)
{
	unsigned w = 0;
	struct nik_info info;
	check_nik(r, now, &info);
	if (info.warnings & (1u << NIK_WARN_OUTSIDE))
		w |= BIT(RECORD_WARN_NIK_OUTSIDE);
	if (reg == NULL || !info.valid)
		return w;
	/* the NIK does not carry the century: compare the last two digits */
	if (reg->birth_year != 0 && reg->birth_month != 0 && reg->birth_day != 0 &&
	    (reg->birth_year % 100 != info.birth_year % 100 || reg->birth_month != info.birth_month ||
	     reg->birth_day != info.birth_day))
		w |= BIT(RECORD_WARN_NIK_MISMATCH);
	if (reg->sex != NIK_SEX_UNKNOWN && reg->sex != (int)info.sex)
		w |= BIT(RECORD_WARN_NIK_MISMATCH);
	return w;
}

/* Where a location is: outside the city, or in the city but clearly not in
 * the recipient's kelurahan. */
static unsigned location_warnings(const struct wilayah_kelurahan *home, double lat, double lon)
{
	if (!geo_in_kota_tangerang(lat, lon))
		return BIT(RECORD_WARN_GPS_OUTSIDE);
	if (home != NULL && geo_distance_to_kelurahan_m(home, lat, lon) > KELURAHAN_UNCERTAIN_M)
		return BIT(RECORD_WARN_GPS_OTHER_KEL);
	return 0;
}

static bool photo_located(const struct record_photo *ph)
{
	return ph->attached && ph->has_gps && geo_valid(ph->lat, ph->lon);
}

static unsigned photo_warnings(const struct record *r, const struct wilayah_kelurahan *home, time_t now)
{
	unsigned w = 0;
	long long clock = local_seconds(now);
	for (size_t k = 0; k < PHOTO_KIND_COUNT; k++) {
		const struct record_photo *ph = &r->photos[k];
		if (!ph->attached)
			continue;
		if (!photo_located(ph))
			w |= BIT(RECORD_WARN_PHOTO_NO_GPS);
		else if (r->coord_source != COORD_MANUAL)
			/* coordinates typed by hand are the house's: where the
			 * photo was taken (a forwarded one, say) no longer counts.
			 * (A phone's position is used only when no photo has GPS.) */
			w |= location_warnings(home, ph->lat, ph->lon);
		for (size_t j = k + 1; j < PHOTO_KIND_COUNT; j++)
			if (photo_located(ph) && photo_located(&r->photos[j]) &&
			    geo_distance_m(ph->lat, ph->lon, r->photos[j].lat, r->photos[j].lon) > PHOTOS_APART_M)
				w |= BIT(RECORD_WARN_PHOTOS_APART);
		long long taken;
		if (FITS(ph->taken_at) && parse_taken_at(ph->taken_at, &taken)) {
			if (clock - taken > PHOTO_OLD_S)
				w |= BIT(RECORD_WARN_PHOTO_OLD);
			if (taken - clock > PHOTO_FUTURE_SLACK_S)
				w |= BIT(RECORD_WARN_PHOTO_FUTURE);
		}
	}
	return w;
}

unsigned record_warnings(const struct record *r, const struct record_registry_facts *reg, time_t now)
{
	const struct wilayah_kelurahan *home =
		FITS(r->kelurahan) ? wilayah_kelurahan_find(r->kelurahan) : NULL;
	return nik_warnings(r, reg, now) | photo_warnings(r, home, now) | record_house_warnings(r);
}

unsigned record_house_warnings(const struct record *r)
{
	const struct wilayah_kelurahan *home =
		FITS(r->kelurahan) ? wilayah_kelurahan_find(r->kelurahan) : NULL;
	return r->has_coord && geo_valid(r->lat, r->lon) ? location_warnings(home, r->lat, r->lon) : 0;
}

bool record_photo_times(const struct record *r, long long *first, long long *last)
{
	bool any = false;
	for (size_t k = 0; k < PHOTO_KIND_COUNT; k++) {
		long long t;
		const struct record_photo *ph = &r->photos[k];
		if (!ph->attached || !FITS(ph->taken_at) || !parse_taken_at(ph->taken_at, &t))
			continue;
		if (!any || t < *first)
			*first = t;
		if (!any || t > *last)
			*last = t;
		any = true;
	}
	return any;
}

bool record_coord_from_photos(const struct record *r, double *lat, double *lon)
{
	static const enum photo_kind order[] = { PHOTO_KIND_RUMAH, PHOTO_KIND_KTP, PHOTO_KIND_KK };
	for (size_t i = 0; i < COUNT(order); i++) {
		const struct record_photo *ph = &r->photos[order[i]];
		if (photo_located(ph)) {
			*lat = ph->lat;
			*lon = ph->lon;
			return true;
		}
	}
	return false;
}

void record_uuid_format(const unsigned char bytes[16], char out[RECORD_UUID_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char b[16];
	memcpy(b, bytes, sizeof b);
	b[6] = (unsigned char)((b[6] & 0x0F) | 0x40);   /* version 4 */
	b[8] = (unsigned char)((b[8] & 0x3F) | 0x80);   /* variant 10xx (RFC 4122) */
	size_t n = 0;
	for (size_t i = 0; i < sizeof b; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[n++] = '-';
		out[n++] = hex[b[i] >> 4];
		out[n++] = hex[b[i] & 0x0F];
	}
	out[n] = '\0';
}

enum record_outcome record_outcome_of(const char *decision_code, const char *reason_code)
{
	enum decision d;
	enum reason r = REASON_NONE;
	if (!record_decision_parse(decision_code, &d) || d == DECISION_NONE)
		return OUTCOME_NONE;
	if (d == DECISION_LAYAK)
		return OUTCOME_LAYAK;
	return record_reason_parse(reason_code, &r) && r == REASON_TIDAK_DITEMUKAN
		? OUTCOME_NOT_FOUND : OUTCOME_TIDAK_LAYAK;
}
