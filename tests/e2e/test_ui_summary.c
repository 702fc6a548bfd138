/* The summary screen: the clerk's own figures per kelurahan, opened from
 * the worklist with F11 (or Ctrl-W), the same as `sigacor report` counts
 * them, from records made by the real sigacor (sigacor add). */
#include "config.h"
#include "e2e.h"
#include "tap.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define BUDI "3671011503850002"
#define SITI "3671015708900003"
#define DEWI "3671014402880005"
#define CIKOKOL -6.205818, 106.628278

static bool add(struct e2e *e, const char *nik, const char *decision, const char *reason,
	bool final)
{
	char ktp[PATH_MAX + 16], kk[PATH_MAX + 16], rumah[PATH_MAX + 16];
	snprintf(ktp, sizeof ktp, "ktp=%s/ktp.jpg", e->photos);
	snprintf(kk, sizeof kk, "kk=%s/kk.jpg", e->photos);
	snprintf(rumah, sizeof rumah, "rumah=%s/rumah.jpg", e->photos);
	const char *args[16] = { "add", "--nik", nik, "--photo", ktp, "--photo", kk, "--photo", rumah,
		"--decision", decision };
	int n = 11;
	if (reason != NULL) {
		args[n++] = "--reason";
		args[n++] = reason;
	}
	if (final)
		args[n++] = "--final";
	args[n] = NULL;
	return e2e_cli(e, "siti", args) == 0;
}

/* the row of the screen that starts with name, squeezed to single spaces */
static bool row_is(struct vt *t, const char *name, const char *want)
{
	int row, col;
	if (!vt_find(t, name, &row, &col))
		return false;
	char squeezed[256];
	size_t n = 0;
	for (const char *p = vt_row(t, row); *p != '\0' && n + 1 < sizeof squeezed; p++)
		if (*p != ' ' || (n > 0 && squeezed[n - 1] != ' '))
			squeezed[n++] = *p;
	squeezed[n] = '\0';
	if (n > 0 && squeezed[0] == ' ')
		memmove(squeezed, squeezed + 1, n);
	if (strcmp(squeezed, want) != 0)
		tap_diag("row: '%s', want '%s'", squeezed, want);
	return strcmp(squeezed, want) == 0;
}

int main(void)
{
	struct e2e e;
	char yesterday[20];
	time_t y = time(NULL) - 86400;
	struct tm tm;
	gmtime_r(&y, &tm);
	strftime(yesterday, sizeof yesterday, "%Y:%m:%d %H:%M:%S", &tm);
	ok(e2e_init(&e, "ui-summary"), "test folder");
	ok(e2e_profile(&e, "siti"), "profile");
	ok(e2e_photo(&e, "ktp.jpg", CIKOKOL, yesterday, 0) && e2e_photo(&e, "kk.jpg", CIKOKOL, yesterday, 0)
		&& e2e_photo(&e, "rumah.jpg", CIKOKOL, yesterday, 0), "photos");
	ok(add(&e, BUDI, "layak", NULL, true) && add(&e, SITI, "tidak-layak", "meninggal", true)
		&& add(&e, DEWI, "layak", NULL, false), "two final records and a draft (sigacor add)");

	struct vt *t = e2e_start_login(&e, "siti");
	vt_send(t, "<F11>");
	e2e_wait(t, "Ringkasan per kelurahan", "F11 opens the summary");
	e2e_ok(t, vt_has_text(t, " Sasaran Selesai    Draf   Layak  TdkLyk  TdkAda   Antre   Tanda"),
		"the headings");
	/* Cikokol: nothing assigned (no sync), 1 draft, 1 layak, 1 tidak layak, 2 queued */
	e2e_ok(t, row_is(t, "Cikokol", "Cikokol 0 0 1 1 1 0 2 0"), "Cikokol's figures");
	e2e_ok(t, row_is(t, "Jumlah", "Jumlah 0 0 1 1 1 0 2 0"), "the total");
	vt_send(t, "<Esc>");
	e2e_wait(t, "daftar verifikasi", "Esc goes back to the worklist");
	e2e_ok(t, !vt_has_text(t, "Ringkasan per kelurahan"), "the summary is gone");
	vt_send(t, "<C-w>");
	e2e_wait(t, "Ringkasan per kelurahan", "Ctrl-W opens it too");
	vt_send(t, "<Esc>");
	e2e_wait(t, "daftar verifikasi", "and Esc closes it");
	e2e_quit(t, "<F10>", "quit");
	vt_free(t);
	e2e_cleanup(&e);
	return tap_done();
}
