/* test_review_screen: the city's reviews on the clerk's worklist (sigacor in
 * a pty, a real sigacor-server on 127.0.0.1 with three operators of one
 * kelurahan).  After a sync, a household the city asked to revisit is back
 * at the top of the list with the reviewer's note, even below a newer
 * draft; a rejected record says "Ditolak" with its note, not "Kunjungi"; a
 * confirmed one is as before.  The record keeps both reviews it got (the
 * history), and once a final correction answers the revisit it leaves the
 * top. */
#include "config.h"
#include "e2e.h"
#include "synctest.h"
#include "tap.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define KEL "36.71.01.1005"
#define FIRST_ROW 4                 /* the worklist's first row on screen */

static const char *const niks[] = { "3671011503850002", "3671011503850003", "3671011503850004" };

static int review(const char *srv_dir, const char *uuid, const char *outcome, const char *note)
{
	const char *args[] = { "review", uuid, "--outcome", outcome, "--note", note, NULL };
	return st_server_admin(srv_dir, NULL, args);
}

static bool row_has(struct vt *t, int row, const char *text)
{
	return strstr(vt_row(t, row), text) != NULL;
}

/* the screen row showing nik, or -1 */
static int row_of(struct vt *t, const char *nik)
{
	int row, col;
	return vt_find(t, nik, &row, &col) ? row : -1;
}

int main(void)
{
	struct e2e e;
	st_init();
	if (!e2e_init(&e, "review-screen") || !e2e_profile(&e, "siti"))
		return tap_done();
	char srv_dir[PATH_MAX + 16], csv[PATH_MAX + 16];
	snprintf(srv_dir, sizeof srv_dir, "%s/server", e.dir);
	snprintf(csv, sizeof csv, "%s/residents.csv", e.dir);
	const char *import[] = { "import-residents", csv, NULL };
	bool ready = mkdir(srv_dir, 0700) == 0 && st_write_text(csv, "nik,kk,name,sex,birth_place,"
		"birth_date,address,rt,rw,kelurahan\n"
		"3671011503850002,3671010101100001,BUDI SANTOSO,L,Tangerang,1985-03-15,JL. MAWAR NO. 5,001,002," KEL "\n"
		"3671011503850003,3671010101100002,SRI WAHYUNI,P,Tangerang,1985-03-15,JL. MAWAR NO. 7,001,002," KEL "\n"
		"3671011503850004,3671010101100003,AGUS SALIM,L,Tangerang,1985-03-15,JL. MAWAR NO. 9,001,002," KEL "\n")
		&& st_server_admin(srv_dir, NULL, import) == 0;
	static const char *const operators[] = { "siti", "budi", "andi" };
	for (int i = 0; ready && i < 3; i++) {
		const char *add[] = { "add-operator", operators[i], "--kelurahan", KEL, NULL };
		ready = st_server_admin(srv_dir, ST_PASSWORD "\n", add) == 0;
	}
	struct st_server srv;
	if (!ok(ready && st_server_start(&srv, srv_dir, 0, NULL),
		"a real server with three operators of " KEL))
		return tap_done();

	struct st_client c;
	st_client_init(&c, e.data, "siti");
	c.password = E2E_PASSWORD;
	char uuids[3][37];
	const char *sync[] = { "sync", NULL };
	ok(st_login(&c, srv.url) == 0 && st_make_records(&c, niks, 3, KEL, 20000, "review", uuids) == 3
		&& st_sigacor(&c, NULL, 60000, sync) == 0, "siti sends three records");

	ok(review(srv_dir, uuids[0], "rejected", "foto rumah gelap") == 0
		&& review(srv_dir, uuids[0], "revisit", "datang lagi sore hari") == 0
		&& review(srv_dir, uuids[1], "rejected", "foto KK buram") == 0
		&& review(srv_dir, uuids[2], "confirmed", "") == 0,
		"the city: #1 rejected then revisit, #2 rejected, #3 confirmed");
	/* after the sync, a newer draft: the list's most recent first would put it on top */
	const char *draft[] = { "add", "--nik", niks[2], NULL };
	ok(st_sigacor(&c, NULL, 60000, sync) == 0 && st_sigacor(&c, NULL, 30000, draft) == 0,
		"siti syncs, then starts a draft");

	struct vt *t = e2e_start_login(&e, "siti");
	if (t == NULL)
		return tap_done();
	e2e_ok(t, row_has(t, FIRST_ROW, niks[0]) && row_has(t, FIRST_ROW, "Kunjungi")
		&& row_has(t, FIRST_ROW, "datang lagi sore hari"),
		"the revisit is the first row, with the reviewer's note");
	int rejected = row_of(t, niks[1]);
	e2e_ok(t, rejected > FIRST_ROW && row_has(t, rejected, "Ditolak")
		&& row_has(t, rejected, "foto KK buram") && !row_has(t, rejected, "Kunjungi"),
		"the rejected record says Ditolak with its note, not Kunjungi");
	int draft_row = -1;
	for (int r = FIRST_ROW; r < vt_rows(t) - 1; r++)
		if (row_has(t, r, niks[2]) && row_has(t, r, "Draf"))
			draft_row = r;
	e2e_ok(t, draft_row > FIRST_ROW, "the newer draft comes after the revisit");
	int confirmed = -1;
	for (int r = FIRST_ROW; r < vt_rows(t) - 1; r++)
		if (row_has(t, r, niks[2]) && !row_has(t, r, "Draf"))
			confirmed = r;
	e2e_ok(t, confirmed > FIRST_ROW && row_has(t, confirmed, "Terkirim")
		&& !row_has(t, confirmed, "Ditolak") && !row_has(t, confirmed, "Kunjungi"),
		"the confirmed record: Terkirim, as before");
	vt_send(t, "<Enter>");
	e2e_wait(t, "Kota meminta kunjungan ulang ke rumah ini. datang lagi sore hari",
		"Enter on it: the record says what the city asked");
	e2e_quit(t, "<Esc><F10>", "quit");
	vt_free(t);

	/* the history: both reviews of #1, oldest first */
	const char *hist[] = { "reviews", uuids[0], NULL };
	char *out = NULL;
	/* the notes are personal data: the profile's password on stdin */
	ok(st_sigacor(&c, E2E_PASSWORD "\n", 30000, hist) == 0 && (out = st_read_file(c.out, NULL)) != NULL
		&& strstr(out, "\"foto rumah gelap\"") != NULL && strstr(out, "\"datang lagi sore hari\"") != NULL
		&& strstr(out, "\"foto rumah gelap\"") < strstr(out, "\"datang lagi sore hari\""),
		"sigacor reviews: #1 keeps both reviews, oldest first");
	free(out);

	/* a final correction answers the revisit: it leaves the top */
	struct store *s;
	char err[256];
	struct record *r = calloc(1, sizeof *r);
	bool corrected = r != NULL && st_open_profile(&c, &s, err, sizeof err) == STORE_OK;
	if (corrected) {
		unsigned problems = 0;
		corrected = store_record_get(s, uuids[0], r) == STORE_OK;
		snprintf(r->supersedes, sizeof r->supersedes, "%s", uuids[0]);
		r->uuid[0] = '\0';
		r->answers_review = 0;
		corrected = corrected && store_record_finalise(s, r, &problems) == STORE_OK
			&& r->answers_review > 0;
		store_close(s);
	}
	ok(corrected, "siti corrects #1: the correction answers the revisit");
	free(r);
	t = e2e_start_login(&e, "siti");
	if (t == NULL)
		return tap_done();
	e2e_ok(t, !vt_has_text(t, "Kunjungi") && !vt_has_text(t, "datang lagi sore hari"),
		"after the correction: no household to revisit");
	e2e_ok(t, vt_has_text(t, "Ditolak"), "the rejected one still waits for its correction");
	e2e_quit(t, "<F10>", "quit");
	vt_free(t);
	st_server_stop(&srv, SIGTERM);
	return tap_done();
}
