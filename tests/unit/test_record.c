/* record: every rule of record_check_final and every record-only warning,
 * each from a record that is otherwise clean; the code tables; UUIDs; the
 * registry's column members. */
#include "config.h"
#include "record.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "geo.h"
#include "registry.h"
#include "../tap.h"

#define BIT(p) (1u << (p))

/* 2025-06-01 12:00 UTC (tests run with TZ=UTC) */
static const time_t now = 1748779200;

/* inside Sukarasa (36.71.01.1001), 834 m apart north to south */
#define SUKARASA_LAT (-6.1728844)
#define SUKARASA_LON 106.6318515
#define SUKARASA_N_LAT (-6.1690)
#define SUKARASA_S_LAT (-6.1765)
#define SUKARASA_NS_LON 106.6320

static void put_photo(struct record *r, enum photo_kind k, double lat, double lon)
{
	struct record_photo *ph = &r->photos[k];
	ph->attached = true;
	snprintf(ph->sha256, sizeof ph->sha256, "%064d", (int)k + 1);
	ph->size = 123456;
	ph->has_gps = true;
	ph->lat = lat;
	ph->lon = lon;
	snprintf(ph->taken_at, sizeof ph->taken_at, "2025-05-30 09:15:00");
	snprintf(ph->original_name, sizeof ph->original_name, "IMG_%d.jpg", (int)k);
}

/* A record ready to be finalised, with nothing to warn about. */
static void clean(struct record *r)
{
	memset(r, 0, sizeof *r);
	snprintf(r->uuid, sizeof r->uuid, "9f0c3a4e-2b1d-4c5e-8f60-7a8b9c0d1e2f");
	snprintf(r->nik, sizeof r->nik, "3671011503850002");
	r->in_registry = true;
	snprintf(r->name, sizeof r->name, "Budi Santoso");
	snprintf(r->address, sizeof r->address, "Jl. Mawar No. 5, RT 01/RW 02");
	snprintf(r->kelurahan, sizeof r->kelurahan, "36.71.01.1001");
	snprintf(r->kk, sizeof r->kk, "3671011203100001");
	r->decision = DECISION_LAYAK;
	for (int k = 0; k < PHOTO_KIND_COUNT; k++)
		put_photo(r, (enum photo_kind)k, SUKARASA_LAT, SUKARASA_LON);
	r->has_coord = record_coord_from_photos(r, &r->lat, &r->lon);
	r->coord_source = COORD_EXIF;
	snprintf(r->operator_name, sizeof r->operator_name, "petugas1");
}

static const struct record_registry_facts budi = { 1985, 3, 15, NIK_SEX_MALE };

static void test_clean(void)
{
	struct record r;
	clean(&r);
	is_int(record_check_final(&r, now), 0, "a complete record can be finalised");
	is_int(record_warnings(&r, &budi, now), 0, "and has no warning");
	is_int(record_warnings(&r, NULL, now), 0, "nor without registry facts");
	r.decision = DECISION_TIDAK_LAYAK;
	r.reason = REASON_MENINGGAL;
	is_int(record_check_final(&r, now), 0, "tidak layak with a reason");
	r.reason = REASON_LAINNYA;
	snprintf(r.reason_text, sizeof r.reason_text, "rumah kosong sejak 2023");
	is_int(record_check_final(&r, now), 0, "lainnya with its text");
	clean(&r);
	r.in_registry = false;
	is_int(record_check_final(&r, now), 0, "not in the registry, name typed");
	r.coord_source = COORD_MANUAL;
	snprintf(r.coord_reason, sizeof r.coord_reason, "foto dari WhatsApp, titik dari peta");
	is_int(record_check_final(&r, now), 0, "manual coordinates with a reason");
	clean(&r);
	snprintf(r.nik, sizeof r.nik, "9101011010900001");
	is_int(record_check_final(&r, now), 0, "a NIK with only warnings (retired, outside) is fine");
}

static void expect_problems(const struct record *r, unsigned want, const char *what)
{
	is_int(record_check_final(r, now), want, "%s", what);
}

static void test_problems(void)
{
	struct record r;

	clean(&r);
	snprintf(r.nik, sizeof r.nik, "3671011503850000");
	expect_problems(&r, BIT(RECORD_ERR_NIK), "NIK with serial 0000");
	r.nik[0] = '\0';
	expect_problems(&r, BIT(RECORD_ERR_NIK), "no NIK");

	clean(&r);
	r.in_registry = false;
	snprintf(r.name, sizeof r.name, "  \t ");
	expect_problems(&r, BIT(RECORD_ERR_NAME), "blank name, not in the registry");
	r.in_registry = true;
	expect_problems(&r, 0, "blank name from the registry is not the clerk's to fill");

	static const enum record_problem photo_bit[PHOTO_KIND_COUNT] = {
		RECORD_ERR_PHOTO_KTP, RECORD_ERR_PHOTO_KK, RECORD_ERR_PHOTO_RUMAH };
	for (int k = 0; k < PHOTO_KIND_COUNT; k++) {
		clean(&r);
		r.photos[k].attached = false;
		expect_problems(&r, BIT(photo_bit[k]), record_problem_code(photo_bit[k]));
	}

	clean(&r);
	r.decision = DECISION_NONE;
	expect_problems(&r, BIT(RECORD_ERR_DECISION), "no decision");
	r.decision = (enum decision)7;
	expect_problems(&r, BIT(RECORD_ERR_DECISION), "a decision out of range");
	r.decision = DECISION_TIDAK_LAYAK;
	expect_problems(&r, BIT(RECORD_ERR_REASON), "tidak layak without a reason");
	r.reason = REASON_COUNT;
	expect_problems(&r, BIT(RECORD_ERR_REASON), "a reason out of range");
	r.reason = REASON_LAINNYA;
	expect_problems(&r, BIT(RECORD_ERR_REASON_TEXT), "lainnya without text");
	snprintf(r.reason_text, sizeof r.reason_text, " \n ");
	expect_problems(&r, BIT(RECORD_ERR_REASON_TEXT), "lainnya with blank text");
	r.decision = DECISION_LAYAK;
	r.reason = REASON_PINDAH;
	r.reason_text[0] = '\0';
	expect_problems(&r, BIT(RECORD_ERR_REASON_ON_LAYAK), "layak with a reason");
	r.reason = REASON_NONE;
	snprintf(r.reason_text, sizeof r.reason_text, "sisa teks");
	expect_problems(&r, BIT(RECORD_ERR_REASON_ON_LAYAK), "layak with a leftover reason text");

	clean(&r);
	r.has_coord = false;
	expect_problems(&r, BIT(RECORD_ERR_COORD), "no coordinates");
	r.has_coord = true;
	r.lat = 0;
	r.lon = 0;
	expect_problems(&r, BIT(RECORD_ERR_COORD_RANGE), "0,0");
	r.lat = -96.2;
	r.lon = 106.6;
	expect_problems(&r, BIT(RECORD_ERR_COORD_RANGE), "latitude -96");
	r.lat = NAN;
	expect_problems(&r, BIT(RECORD_ERR_COORD_RANGE), "NaN");
	r.lat = SUKARASA_LAT;
	r.coord_source = COORD_MANUAL;
	expect_problems(&r, BIT(RECORD_ERR_COORD_REASON), "manual without a reason");

	clean(&r);
	memset(r.notes, 'x', sizeof r.notes);
	expect_problems(&r, BIT(RECORD_ERR_TOO_LONG), "notes without a terminator");
	clean(&r);
	memset(r.photos[PHOTO_KIND_KK].original_name, 'x', sizeof r.photos[0].original_name);
	expect_problems(&r, BIT(RECORD_ERR_TOO_LONG), "photo name without a terminator");
	clean(&r);
	memset(r.nik, '1', sizeof r.nik);
	expect_problems(&r, BIT(RECORD_ERR_TOO_LONG) | BIT(RECORD_ERR_NIK), "NIK without a terminator");

	memset(&r, 0, sizeof r);
	expect_problems(&r, BIT(RECORD_ERR_NIK) | BIT(RECORD_ERR_NAME) | BIT(RECORD_ERR_PHOTO_KTP) |
		BIT(RECORD_ERR_PHOTO_KK) | BIT(RECORD_ERR_PHOTO_RUMAH) | BIT(RECORD_ERR_DECISION) |
		BIT(RECORD_ERR_COORD), "an empty record: every missing part at once");
}

static void expect_warnings(const struct record *r, const struct record_registry_facts *reg, unsigned want,
	const char *what)
{
	is_int(record_warnings(r, reg, now), want, "%s", what);
}

static void test_warnings(void)
{
	struct record r;

	clean(&r);
	snprintf(r.nik, sizeof r.nik, "3603121708450003");
	struct record_registry_facts reg = { 1945, 8, 17, NIK_SEX_MALE };
	expect_warnings(&r, &reg, BIT(RECORD_WARN_NIK_OUTSIDE), "NIK from Kabupaten Tangerang");

	clean(&r);
	reg = budi;
	reg.birth_day = 16;
	expect_warnings(&r, &reg, BIT(RECORD_WARN_NIK_MISMATCH), "registry day differs");
	reg = budi;
	reg.birth_year = 1986;
	expect_warnings(&r, &reg, BIT(RECORD_WARN_NIK_MISMATCH), "registry year differs");
	reg = budi;
	reg.birth_year = 2085;
	expect_warnings(&r, &reg, 0, "same last two digits of the year: no mismatch (century unknown)");
	reg = budi;
	reg.sex = NIK_SEX_FEMALE;
	expect_warnings(&r, &reg, BIT(RECORD_WARN_NIK_MISMATCH), "registry sex differs");
	reg = (struct record_registry_facts) { 0, 0, 0, NIK_SEX_UNKNOWN };
	expect_warnings(&r, &reg, 0, "unknown registry facts are not compared");
	snprintf(r.nik, sizeof r.nik, "3671013002850001");
	expect_warnings(&r, &budi, 0, "an invalid NIK is not compared (it is an error already)");

	clean(&r);
	r.photos[PHOTO_KIND_KK].has_gps = false;
	expect_warnings(&r, &budi, BIT(RECORD_WARN_PHOTO_NO_GPS), "KK photo without GPS");
	r.photos[PHOTO_KIND_KK].has_gps = true;
	r.photos[PHOTO_KIND_KK].lat = 0;
	r.photos[PHOTO_KIND_KK].lon = 0;
	expect_warnings(&r, &budi, BIT(RECORD_WARN_PHOTO_NO_GPS), "KK photo at 0,0 counts as no GPS");
	r.photos[PHOTO_KIND_KK].attached = false;
	expect_warnings(&r, &budi, 0, "a photo not attached is not judged");

	clean(&r);
	r.photos[PHOTO_KIND_KTP].lat = -6.1754;
	r.photos[PHOTO_KIND_KTP].lon = 106.8272;
	expect_warnings(&r, &budi, BIT(RECORD_WARN_GPS_OUTSIDE) | BIT(RECORD_WARN_PHOTOS_APART),
		"KTP photographed at Monas (and 20 km from the others)");
	clean(&r);
	r.lat = -6.1754;
	r.lon = 106.8272;
	r.coord_source = COORD_MANUAL;
	snprintf(r.coord_reason, sizeof r.coord_reason, "dari peta");
	expect_warnings(&r, &budi, BIT(RECORD_WARN_GPS_OUTSIDE), "manual coordinates outside the city");
	/* the house photo taken at Monas (forwarded), the house point typed in
	 * the city: the typed point is judged, not where the photo was taken */
	clean(&r);
	r.photos[PHOTO_KIND_RUMAH].lat = -6.1754;
	r.photos[PHOTO_KIND_RUMAH].lon = 106.8272;
	r.coord_source = COORD_MANUAL;
	snprintf(r.coord_reason, sizeof r.coord_reason, "foto kiriman");
	expect_warnings(&r, &budi, BIT(RECORD_WARN_PHOTOS_APART),
		"typed coordinates in the city: no outside-the-city warning from the house photo");

	clean(&r);
	snprintf(r.kelurahan, sizeof r.kelurahan, "36.71.07.1001");
	expect_warnings(&r, &budi, BIT(RECORD_WARN_GPS_OTHER_KEL), "photos in Sukarasa, recipient in 36.71.07.1001");
	snprintf(r.kelurahan, sizeof r.kelurahan, "3671011001");
	expect_warnings(&r, &budi, 0, "kelurahan by its ten digits");
	snprintf(r.kelurahan, sizeof r.kelurahan, "36.71.99.9999");
	expect_warnings(&r, &budi, 0, "an unknown kelurahan code is not compared");

	/* just across the border into Sukaasih: too near to tell */
	clean(&r);
	const struct wilayah_kelurahan *sukarasa = wilayah_kelurahan_find("36.71.01.1001");
	double lat = -6.1700, lon = 106.6358;
	const struct wilayah_kelurahan *there = geo_kelurahan_at(lat, lon);
	double d = geo_distance_to_kelurahan_m(sukarasa, lat, lon);
	ok(there != NULL && there != sukarasa && d > 0 && d < 50, "(%.4f, %.4f) is in %s, %.0f m from Sukarasa",
		lat, lon, there != NULL ? there->code : "-", d);
	for (int k = 0; k < PHOTO_KIND_COUNT; k++)
		put_photo(&r, (enum photo_kind)k, lat, lon);
	r.lat = lat;
	r.lon = lon;
	expect_warnings(&r, &budi, 0, "within 50 m of the recipient's kelurahan: no warning");

	clean(&r);
	r.photos[PHOTO_KIND_KTP].lat = SUKARASA_N_LAT;
	r.photos[PHOTO_KIND_KTP].lon = SUKARASA_NS_LON;
	r.photos[PHOTO_KIND_KK].lat = SUKARASA_S_LAT;
	r.photos[PHOTO_KIND_KK].lon = SUKARASA_NS_LON;
	expect_warnings(&r, &budi, BIT(RECORD_WARN_PHOTOS_APART), "KTP and KK 834 m apart, both in Sukarasa");
	r.photos[PHOTO_KIND_KK].lat = SUKARASA_N_LAT - 0.004;   /* 445 m, 10 m from Rumah */
	expect_warnings(&r, &budi, 0, "445 m apart is fine");

	clean(&r);
	snprintf(r.photos[PHOTO_KIND_RUMAH].taken_at, sizeof r.photos[0].taken_at, "2025-05-01 11:59:59");
	expect_warnings(&r, &budi, BIT(RECORD_WARN_PHOTO_OLD), "taken 31 days before");
	snprintf(r.photos[PHOTO_KIND_RUMAH].taken_at, sizeof r.photos[0].taken_at, "2025-05-02 12:00:00");
	expect_warnings(&r, &budi, 0, "taken exactly 30 days before");
	snprintf(r.photos[PHOTO_KIND_RUMAH].taken_at, sizeof r.photos[0].taken_at, "2000-01-01 00:00:00");
	expect_warnings(&r, &budi, BIT(RECORD_WARN_PHOTO_OLD), "camera clock reset to 2000");
	snprintf(r.photos[PHOTO_KIND_RUMAH].taken_at, sizeof r.photos[0].taken_at, "2025-06-02 12:00:01");
	expect_warnings(&r, &budi, BIT(RECORD_WARN_PHOTO_FUTURE), "a day and a second ahead");
	snprintf(r.photos[PHOTO_KIND_RUMAH].taken_at, sizeof r.photos[0].taken_at, "2025-06-01 19:00:00");
	expect_warnings(&r, &budi, 0, "7 hours ahead (WIB photo, UTC laptop) is not the future");
	snprintf(r.photos[PHOTO_KIND_RUMAH].taken_at, sizeof r.photos[0].taken_at, "2025:06:01 10:00:00");
	expect_warnings(&r, &budi, 0, "a taken_at in another format is not judged");
	snprintf(r.photos[PHOTO_KIND_RUMAH].taken_at, sizeof r.photos[0].taken_at, "2025-02-30 10:00:00");
	expect_warnings(&r, &budi, 0, "an impossible date is not judged");
}

static void test_coord_from_photos(void)
{
	struct record r;
	double lat = 1, lon = 1;
	memset(&r, 0, sizeof r);
	ok(!record_coord_from_photos(&r, &lat, &lon) && lat == 1, "no photos: no coordinates");
	put_photo(&r, PHOTO_KIND_KK, -6.3, 106.3);
	put_photo(&r, PHOTO_KIND_KTP, -6.2, 106.2);
	ok(record_coord_from_photos(&r, &lat, &lon) && lat == -6.2 && lon == 106.2, "KTP before KK");
	put_photo(&r, PHOTO_KIND_RUMAH, -6.1, 106.1);
	ok(record_coord_from_photos(&r, &lat, &lon) && lat == -6.1 && lon == 106.1, "Rumah first");
	r.photos[PHOTO_KIND_RUMAH].has_gps = false;
	ok(record_coord_from_photos(&r, &lat, &lon) && lat == -6.2, "Rumah without GPS: KTP");
	r.photos[PHOTO_KIND_KTP].lat = 0;
	r.photos[PHOTO_KIND_KTP].lon = 0;
	ok(record_coord_from_photos(&r, &lat, &lon) && lat == -6.3, "KTP at 0,0: KK");
	r.photos[PHOTO_KIND_KK].attached = false;
	ok(!record_coord_from_photos(&r, &lat, &lon), "a detached photo does not count");
}

static void test_codes(void)
{
	for (int p = 0; p < RECORD_PROBLEM_COUNT; p++)
		ok(record_problem_code((enum record_problem)p)[0] != '\0' &&
			record_problem_message((enum record_problem)p)[0] != '\0', "problem %d: %s", p,
			record_problem_code((enum record_problem)p));
	for (int w = 0; w < RECORD_WARNING_COUNT; w++)
		ok(record_warning_code((enum record_warning)w)[0] != '\0' &&
			record_warning_message((enum record_warning)w)[0] != '\0', "warning %d: %s", w,
			record_warning_code((enum record_warning)w));
	is_str(record_problem_code(RECORD_PROBLEM_COUNT), "", "problem out of range");
	is_str(record_warning_message(RECORD_WARNING_COUNT), "", "warning out of range");

	for (int i = 0; i < REASON_COUNT; i++) {
		enum reason back = REASON_COUNT;
		ok(record_reason_parse(record_reason_code((enum reason)i), &back) && back == (enum reason)i &&
			record_reason_label((enum reason)i)[0] != '\0', "reason '%s' round-trips",
			record_reason_code((enum reason)i));
	}
	for (int i = 0; i < STATE_COUNT; i++) {
		enum record_state back = STATE_COUNT;
		ok(record_state_parse(record_state_code((enum record_state)i), &back) && back == (enum record_state)i,
			"state '%s' round-trips", record_state_code((enum record_state)i));
	}
	for (int i = DECISION_NONE; i <= DECISION_TIDAK_LAYAK; i++) {
		enum decision back = (enum decision)9;
		ok(record_decision_parse(record_decision_code((enum decision)i), &back) && back == (enum decision)i,
			"decision '%s' round-trips", record_decision_code((enum decision)i));
	}
	for (int i = 0; i < PHOTO_KIND_COUNT; i++) {
		enum photo_kind back = PHOTO_KIND_COUNT;
		ok(record_photo_kind_parse(record_photo_kind_code((enum photo_kind)i), &back) &&
			back == (enum photo_kind)i, "photo kind '%s' round-trips", record_photo_kind_code((enum photo_kind)i));
	}
	is_str(record_state_code(STATE_QUARANTINED), "quarantined", "state code");
	is_str(record_decision_code(DECISION_TIDAK_LAYAK), "tidak-layak", "decision code");
	is_str(record_reason_code(REASON_PEKERJA_MIGRAN), "pekerja-migran", "reason code");
	is_str(record_photo_kind_code(PHOTO_KIND_RUMAH), "rumah", "photo kind code");

	enum reason reason = REASON_MENOLAK;
	enum record_state state = STATE_FINAL;
	enum decision decision = DECISION_LAYAK;
	enum photo_kind kind = PHOTO_KIND_KK;
	ok(!record_reason_parse("Meninggal", &reason) && !record_reason_parse(NULL, &reason) &&
		reason == REASON_MENOLAK, "unknown reason codes rejected, output untouched");
	ok(!record_state_parse("drafts", &state) && state == STATE_FINAL, "unknown state rejected");
	ok(!record_decision_parse("tidak layak", &decision) && decision == DECISION_LAYAK, "unknown decision rejected");
	ok(!record_photo_kind_parse("KTP", &kind) && kind == PHOTO_KIND_KK, "codes are case-sensitive");
}

static bool uuid_shape(const char *u)
{
	if (strlen(u) != RECORD_UUID_LEN)
		return false;
	for (int i = 0; i < RECORD_UUID_LEN; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;
		if (dash != (u[i] == '-'))
			return false;
		if (!dash && !((u[i] >= '0' && u[i] <= '9') || (u[i] >= 'a' && u[i] <= 'f')))
			return false;
	}
	return u[14] == '4' && strchr("89ab", u[19]) != NULL;
}

static void test_uuid(void)
{
	unsigned char b[16];
	char u[RECORD_UUID_LEN + 1];
	memset(b, 0, sizeof b);
	record_uuid_format(b, u);
	is_str(u, "00000000-0000-4000-8000-000000000000", "all zero bytes");
	memset(b, 0xff, sizeof b);
	record_uuid_format(b, u);
	is_str(u, "ffffffff-ffff-4fff-bfff-ffffffffffff", "all one bits");
	for (int i = 0; i < 16; i++)
		b[i] = (unsigned char)(i * 17 + 1);
	record_uuid_format(b, u);
	is_str(u, "01122334-4556-4778-899a-abbccddeef00", "bytes in order, version and variant set");
	ok(uuid_shape(u), "v4 layout");
}

/* registry_field_value/_buffer name the member registry_parse fills for
 * each column (the stores loop over them instead of listing the members):
 * a row of distinct values reads back column by column. */
static void test_registry_field_members(void)
{
	const char *row[REGISTRY_FIELD_COUNT] = {
		"3671015503850002", "3671010101090002", "Siti Aminah", "P", "Jakarta",
		"1985-03-15", "Jl. Merdeka 1", "001", "002", "36.71.01.1001",
	};
	struct resident r;
	struct registry_verdict v = registry_parse(row, REGISTRY_ANY_DAY, &r);
	ok(v.problem == REGISTRY_OK, "a full row parses");
	for (int f = 0; f < REGISTRY_FIELD_COUNT; f++) {
		size_t size;
		char *buffer = registry_field_buffer(&r, (enum registry_field)f, &size);
		const char *value = registry_field_value(&r, (enum registry_field)f);
		ok(buffer == value && strcmp(value, row[f]) == 0
			&& (char *)buffer >= (char *)&r && buffer + size <= (char *)(&r + 1)
			&& strlen(row[f]) < size,
			"column %s: '%s' in a member of %zu bytes", registry_field_name((enum registry_field)f),
			value, size);
	}
	size_t size;
	ok(registry_field_buffer(&r, REGISTRY_SEX, &size) == r.sex && size == sizeof r.sex,
		"sex: its member and size");
	ok(registry_field_buffer(&r, REGISTRY_FIELD_COUNT, &size) == NULL && size == 0,
		"no column past the last");
}

int main(void)
{
	test_clean();
	test_problems();
	test_warnings();
	test_coord_from_photos();
	test_codes();
	test_uuid();
	test_registry_field_members();
	return tap_done();
}
