/* The compiled-in region tables: look-ups, sorting, the Kota Tangerang
 * kelurahan and their rings. */
#include "config.h"
#include "wilayah.h"

#include <string.h>

#include "../tap.h"

static void test_regions(void)
{
	const struct wilayah_region *r = wilayah_province("36");
	ok(r != NULL && strcmp(r->name, "Banten") == 0 && strcmp(r->code, "36") == 0, "36 Banten");
	ok(wilayah_province("11") != NULL && wilayah_province("96") != NULL, "first and last province");
	ok(wilayah_province("37") == NULL && wilayah_province("00") == NULL, "37 and 00 are no province");
	r = wilayah_regency("3671");
	ok(r != NULL && strcmp(r->name, "Kota Tangerang") == 0 && strcmp(r->code, "36.71") == 0 &&
		!r->retired, "3671 Kota Tangerang, current");
	r = wilayah_regency("9271");
	ok(r != NULL && r->retired && strcmp(r->name, "Kota Sorong") == 0, "9271 retired Kota Sorong");
	r = wilayah_regency("9116");
	ok(r != NULL && strcmp(r->name, "Kabupaten Boven Digoel") == 0, "retired names in title case");
	ok(wilayah_regency("9601") != NULL && !wilayah_regency("9601")->retired, "9601 current");
	r = wilayah_kecamatan("367113");
	ok(r != NULL && strcmp(r->name, "Larangan") == 0 && strcmp(r->code, "36.71.13") == 0, "367113 Larangan");
	ok(wilayah_kecamatan("367114") == NULL, "367114 unknown");
	r = wilayah_kecamatan("910101");
	ok(r != NULL && r->retired, "910101 retired kecamatan");
	ok(wilayah_kecamatan("110101") != NULL, "first kecamatan of the table");

	const char *bad[] = { NULL, "", "3", "367", "36a1", "3671 ", "36.71", "36710" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ok(wilayah_province(bad[i]) == NULL && wilayah_regency(bad[i]) == NULL &&
			wilayah_kecamatan(bad[i]) == NULL, "malformed key '%s' finds nothing",
			bad[i] != NULL ? bad[i] : "(null)");
}

static void test_kelurahan(void)
{
	is_int(wilayah_kelurahan_count(), 104, "104 kelurahan");
	ok(wilayah_kelurahan_at(104) == NULL, "index past the end: NULL");
	const struct wilayah_kelurahan *k = wilayah_kelurahan_find("36.71.01.1001");
	ok(k != NULL && strcmp(k->name, "Sukarasa") == 0 && strcmp(k->kecamatan_name, "Tangerang") == 0 &&
		strcmp(k->kecamatan_code, "36.71.01") == 0, "36.71.01.1001 Sukarasa in Tangerang");
	ok(wilayah_kelurahan_find("3671011001") == k, "found by its ten digits too");
	k = wilayah_kelurahan_find("36.71.07.1013");
	ok(k != NULL && strcmp(k->name, "Gerendeng") == 0, "Gerendeng (missing in BPS 2018) is here");
	const char *bad[] = { NULL, "", "36.71.01.100", "36.71.14.1001", "3671.01.1001", "36710110011",
		"36.71.01-1001", "36.71.01.100a" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ok(wilayah_kelurahan_find(bad[i]) == NULL, "'%s' finds nothing", bad[i] != NULL ? bad[i] : "(null)");

	size_t per_kecamatan[14] = { 0 };
	bool sorted = true, rings = true, boxes = true, found = true;
	for (size_t i = 0; i < wilayah_kelurahan_count(); i++) {
		k = wilayah_kelurahan_at(i);
		if (i > 0 && strcmp(wilayah_kelurahan_at(i - 1)->code, k->code) >= 0)
			sorted = false;
		if (k->ring_len < 4 || k->ring[0].lat != k->ring[k->ring_len - 1].lat ||
		    k->ring[0].lon != k->ring[k->ring_len - 1].lon)
			rings = false;
		for (size_t j = 0; j < k->ring_len; j++)
			if (k->ring[j].lat < k->min_lat || k->ring[j].lat > k->max_lat ||
			    k->ring[j].lon < k->min_lon || k->ring[j].lon > k->max_lon)
				boxes = false;
		if (wilayah_kelurahan_find(k->code) != k)
			found = false;
		int kec = (k->kecamatan_code[6] - '0') * 10 + (k->kecamatan_code[7] - '0');
		if (kec >= 1 && kec <= 13)
			per_kecamatan[kec]++;
	}
	ok(sorted, "kelurahan sorted by code");
	ok(rings, "every ring closed, at least 4 points");
	ok(boxes, "every ring inside its bounding box");
	ok(found, "every kelurahan found by its own code");
	/* SOURCES.md: Tangerang 8, Jatiuwung 6, Batuceper 7, Benda 5, Cipondoh 10,
	 * Ciledug 8, Karawaci 16, Periuk 5, Cibodas 6, Neglasari 7, Pinang 11,
	 * Karang Tengah 7, Larangan 8 */
	static const size_t want[14] = { 0, 8, 6, 7, 5, 10, 8, 16, 5, 6, 7, 11, 7, 8 };
	ok(memcmp(per_kecamatan, want, sizeof want) == 0, "kelurahan per kecamatan as in the sources");
}

int main(void)
{
	test_regions();
	test_kelurahan();
	return tap_done();
}
