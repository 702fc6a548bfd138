/* bench_ui: what a slow SSH link carries.  Bytes the screens write per
 * typed NIK digit and for the registry fill-in on the 16th digit, the keys
 * for one record, and how long the picker takes to open a folder of 5,000
 * photos.  Measures and prints; asserts nothing (make bench). */
#include "config.h"
#include "e2e.h"
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void bytes_per_digit(struct e2e *e)
{
	struct vt *t = e2e_start(e, 24, 80, NULL);
	e2e_login(t, "siti");
	vt_send(t, "<F3>");
	vt_wait_text(t, "Verifikasi baru", E2E_TIMEOUT);
	vt_wait_quiet(t, 200, E2E_TIMEOUT);
	const char *nik = "3671011503850002";
	size_t max = 0, total = 0;
	for (int i = 0; i < 15; i++) {
		size_t before = vt_bytes_received(t);
		char key[2] = { nik[i], 0 };
		vt_send(t, key);
		vt_wait_quiet(t, 150, E2E_TIMEOUT);
		size_t n = vt_bytes_received(t) - before;
		total += n;
		if (n > max)
			max = n;
		printf("# digit %2d: %zu bytes\n", i + 1, n);
	}
	size_t before = vt_bytes_received(t);
	vt_send(t, "2");
	vt_wait_text(t, "BUDI SANTOSO", E2E_TIMEOUT);
	vt_wait_quiet(t, 150, E2E_TIMEOUT);
	size_t fill = vt_bytes_received(t) - before;
	printf("# bytes per NIK digit: max %zu, mean %.1f (goal <= 16)\n", max, total / 15.0);
	printf("# bytes for the 16th digit with the fill-in: %zu (goal <= 600)\n", fill);
	ok(1, "bytes per digit measured");
	vt_send(t, "<Esc><F10>");
	vt_wait_exit(t, E2E_TIMEOUT);
	vt_free(t);
}

static void big_folder(struct e2e *e)
{
	char taken[20] = "2026:11:01 10:00:00";
	long long start = now_ms();
	char name[64];
	for (int i = 0; i < 5000; i++) {
		snprintf(name, sizeof name, "IMG_%05d.jpg", i);
		if (!e2e_photo(e, name, -6.2 - i * 1e-6, 106.63, taken, 1700000000L + i))
			break;
	}
	printf("# made 5000 photos in %lld ms\n", now_ms() - start);
	struct vt *t = e2e_start(e, 24, 80, NULL);
	e2e_login(t, "siti");
	vt_send(t, "<F3>3671011503850002<Enter>");
	vt_wait_text(t, "Enter: pilih foto", E2E_TIMEOUT);
	vt_wait_quiet(t, 200, E2E_TIMEOUT);
	start = now_ms();
	vt_send(t, "<Enter>");
	vt_wait_text(t, "IMG_04999.jpg", E2E_TIMEOUT);
	vt_wait_quiet(t, 50, E2E_TIMEOUT);
	printf("# picker opened a folder of 5000 photos in %lld ms (incl. 50 ms settle)\n", now_ms() - start);
	start = now_ms();
	vt_send(t, "IMG_0123");
	vt_wait_text(t, "10 dari", E2E_TIMEOUT);
	printf("# typed a filter of 8 characters in %lld ms\n", now_ms() - start);
	start = now_ms();
	vt_send(t, "<BS><BS><BS><BS><BS><BS><BS><BS><PgDn><PgDn><PgDn><PgDn><PgDn>");
	vt_wait_quiet(t, 50, E2E_TIMEOUT);
	printf("# five pages down (EXIF of each page read) in %lld ms\n", now_ms() - start);
	ok(1, "picker measured");
	vt_send(t, "<Esc><Esc><F10>");
	vt_wait_exit(t, E2E_TIMEOUT);
	vt_free(t);
}

int main(void)
{
	struct e2e e;
	e2e_init(&e, "ui-bench");
	e2e_profile(&e, "siti");
	bytes_per_digit(&e);
	big_folder(&e);
	e2e_cleanup(&e);
	return tap_done();
}
