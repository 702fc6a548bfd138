/* test_worklist_progress: the kelurahan's shared progress on the clerk's
 * worklist (sigacor in a pty, a real sigacor-server on 127.0.0.1 with three
 * operators of one kelurahan: siti, budi, andi).  After both sync, a
 * household budi verified is on siti's list as done by budi with its
 * outcome, not as something to do; siti's own households come in walking
 * order (RW, RT, address), then those done, then those assigned to
 * another clerk with the assignee's name; the status line gives the
 * kelurahan's figures.  A household the city reassigns reaches the new
 * assignee's list as theirs after their next sync and leaves the old
 * one's; a revisit of a reassigned household goes to the top of the new
 * assignee's list, not the old one's.  Against the same server started
 * with --no-progress-feed (GET /progress answers 404 as before the feed),
 * a client still syncs and shows its list as before. */
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
#define COUNTS_ROW 2                /* "Semua 6  Sasaran 3" */
#define FIRST_ROW 4                 /* the worklist's first row on screen */

/* siti: #0 RW 001 RT 002, #1 RW 001 RT 001, #2 RW 002 RT 001; budi: #3, #4;
 * andi: #5 */
static const char *const niks[] = { "3671011503850002", "3671011503850003",
	"3671011503850004", "3671011503850005", "3671011503850006", "3671011503850007" };
static const char *const kks[] = { "3671010101100001", "3671010101100002",
	"3671010101100003", "3671010101100004", "3671010101100005", "3671010101100006" };

static bool row_has(struct vt *t, int row, const char *text)
{
	return row >= 0 && strstr(vt_row(t, row), text) != NULL;
}

/* the screen row showing nik, or -1 */
static int row_of(struct vt *t, const char *nik)
{
	int row, col;
	return vt_find(t, nik, &row, &col) ? row : -1;
}

static bool assign_kk(const char *srv_dir, const char *dir, const char *who, const char *kk)
{
	char path[PATH_MAX + 32];
	snprintf(path, sizeof path, "%s/kk-%s.csv", dir, who);
	char text[64];
	snprintf(text, sizeof text, "%s\n", kk);
	const char *args[] = { "assign", who, "--kk-file", path, NULL };
	return st_write_text(path, text) && st_server_admin(srv_dir, NULL, args) == 0;
}

static bool server_ready(struct e2e *e, const char *srv_dir)
{
	char csv[PATH_MAX + 32], cand[PATH_MAX + 32];
	snprintf(csv, sizeof csv, "%s/residents.csv", e->dir);
	snprintf(cand, sizeof cand, "%s/candidates.csv", e->dir);
	const char *import[] = { "import-residents", csv, NULL };
	const char *candidates[] = { "import-candidates", cand, NULL };
	bool ready = mkdir(srv_dir, 0700) == 0 && st_write_text(csv, "nik,kk,name,sex,birth_place,"
		"birth_date,address,rt,rw,kelurahan\n"
		"3671011503850002,3671010101100001,BUDI SANTOSO,L,Tangerang,1985-03-15,JL. MAWAR NO. 5,002,001," KEL "\n"
		"3671011503850003,3671010101100002,SRI WAHYUNI,P,Tangerang,1985-03-15,JL. MAWAR NO. 7,001,001," KEL "\n"
		"3671011503850004,3671010101100003,AGUS SALIM,L,Tangerang,1985-03-15,JL. MELATI NO. 1,001,002," KEL "\n"
		"3671011503850005,3671010101100004,DEWI LESTARI,P,Tangerang,1985-03-15,JL. MAWAR NO. 9,001,001," KEL "\n"
		"3671011503850006,3671010101100005,RUDI HARTONO,L,Tangerang,1985-03-15,JL. MAWAR NO. 3,001,001," KEL "\n"
		"3671011503850007,3671010101100006,YANTI SUSANTI,P,Tangerang,1985-03-15,JL. ANGGREK NO. 2,003,001," KEL "\n")
		&& st_write_text(cand, "kk,nik,kelurahan,program\n"
		"3671010101100001,3671011503850002," KEL ",PKH\n"
		"3671010101100002,3671011503850003," KEL ",PKH\n"
		"3671010101100003,3671011503850004," KEL ",PKH\n"
		"3671010101100004,3671011503850005," KEL ",PKH\n"
		"3671010101100005,3671011503850006," KEL ",PKH\n"
		"3671010101100006,3671011503850007," KEL ",PKH\n")
		&& st_server_admin(srv_dir, NULL, import) == 0
		&& st_server_admin(srv_dir, NULL, candidates) == 0;
	static const char *const operators[] = { "siti", "budi", "andi" };
	for (int i = 0; ready && i < 3; i++) {
		const char *add[] = { "add-operator", operators[i], "--kelurahan", KEL, NULL };
		ready = st_server_admin(srv_dir, ST_PASSWORD "\n", add) == 0;
	}
	static const char *const owner[] = { "siti", "siti", "siti", "budi", "budi", "andi" };
	for (int i = 0; ready && i < 6; i++)
		ready = assign_kk(srv_dir, e->dir, owner[i], kks[i]);
	return ready;
}

/* siti's list after budi verified #3: hers in walking order, then #3 done
 * by budi, then budi's #4 and andi's #5 */
static void check_siti_list(struct vt *t)
{
	/* the screens sync as they open: after that run */
	e2e_wait(t, "hanya di laptop: 0 antre, 0 draf", "the screens' own sync ends");
	int r0 = row_of(t, niks[0]), r1 = row_of(t, niks[1]), r2 = row_of(t, niks[2]);
	int r3 = row_of(t, niks[3]), r4 = row_of(t, niks[4]), r5 = row_of(t, niks[5]);
	e2e_ok(t, r1 == FIRST_ROW && r0 == FIRST_ROW + 1 && r2 == FIRST_ROW + 2,
		"siti's own first, for walking: RW 001 RT 001, RW 001 RT 002, RW 002");
	e2e_ok(t, row_has(t, r1, "Sasaran") && row_has(t, r0, "Sasaran") && row_has(t, r2, "Sasaran"),
		"... each one to do (Sasaran)");
	e2e_ok(t, r3 == FIRST_ROW + 3 && row_has(t, r3, "Selesai") && row_has(t, r3, "Layak, oleh budi")
		&& !row_has(t, r3, "Sasaran"),
		"the household budi verified: Selesai, its outcome and who, not to do");
	e2e_ok(t, r4 == FIRST_ROW + 4 && row_has(t, r4, "Rekan") && row_has(t, r4, "tugas budi")
		&& r5 == FIRST_ROW + 5 && row_has(t, r5, "Rekan") && row_has(t, r5, "tugas andi"),
		"budi's and andi's households last: Rekan, whose");
	int status = row_of(t, "Kel. 1/6 diverifikasi: layak 1, tdk layak 0, tdk ditemukan 0, ditandai 0");
	e2e_ok(t, status > FIRST_ROW + 5 && row_has(t, status + 1, "Sinkronisasi: selesai")
		&& row_has(t, status + 1, "hanya di laptop: 0 antre, 0 draf"),
		"the status line: the sync and the kelurahan's progress");
	e2e_ok(t, row_has(t, COUNTS_ROW, "Semua 6  Sasaran 3"), "the counts: 6 on the list, 3 still to do for siti");
}

/* andi's list: after a sync against a server without the feed, #3 is
 * siti's (the assignment) and nobody's verification is known; with the
 * feed, budi's verification of it is counted (the city sent it back for a
 * visit, so it stays siti's to do, not done) */
static void check_andi(struct e2e *e, bool feed)
{
	struct vt *t = e2e_start_login(e, "andi");
	if (t == NULL)
		return;
	e2e_wait(t, "hanya di laptop: 0 antre, 0 draf", "the screens' own sync ends");
	int r3 = row_of(t, niks[3]), r5 = row_of(t, niks[5]);
	e2e_ok(t, r5 == FIRST_ROW && row_has(t, r5, "Sasaran"), "andi: his household to do, first");
	if (feed)
		e2e_ok(t, row_has(t, r3, "tugas siti") && vt_has_text(t, "Kel. 1/6 diverifikasi"),
			"with the feed: budi's outcome of #3 counted (1/6); sent back, still siti's");
	else
		e2e_ok(t, row_has(t, r3, "Rekan") && row_has(t, r3, "tugas siti")
			&& !vt_has_text(t, "Selesai") && vt_has_text(t, "Kel. 0/6 diverifikasi"),
			"without the feed: the list as before the feed (#3 siti's, nobody's outcome)");
	e2e_quit(t, "<F10>", "quit");
	vt_free(t);
}

/* A server without GET /progress (404, as before it existed): the client
 * syncs and shows its worklist as before; then the same server with the
 * feed brings it. */
static void older_server(struct e2e *e, const char *srv_dir)
{
	struct st_server srv;
	const char *no_feed[] = { "--no-progress-feed", NULL };
	if (!ok(st_server_start(&srv, srv_dir, 0, no_feed), "the server again, --no-progress-feed"))
		return;
	struct st_client andi;
	st_client_init(&andi, e->data, "andi");
	andi.password = E2E_PASSWORD;
	const char *sync[] = { "sync", NULL };
	ok(st_login(&andi, srv.url) == 0 && st_sigacor(&andi, E2E_PASSWORD "\n", 60000, sync) == 0
		&& st_out_int(&andi, "progress_received") == 0,
		"andi logs in and syncs: exit 0, no progress item (the 404 skipped)");
	check_andi(e, false);
	st_server_stop(&srv, SIGTERM);
	if (!ok(st_server_start(&srv, srv_dir, 0, NULL), "the server with the feed"))
		return;
	/* andi's profile has a password since the screens: login (its stdin is
	 * the server's password) needs the profile unlocked */
	const char *unlock[] = { "unlock", "--minutes", "5", NULL };
	ok(st_sigacor(&andi, E2E_PASSWORD "\n", 60000, unlock) == 0, "andi unlocks his profile");
	ok(st_login(&andi, srv.url) == 0 && st_sigacor(&andi, NULL, 60000, sync) == 0
		&& st_out_int(&andi, "progress_received") > 0,
		"andi syncs again: the feed's items arrive");
	const char *lock[] = { "lock", NULL };
	ok(st_sigacor(&andi, NULL, 60000, lock) == 0, "andi locks it again");
	check_andi(e, true);
	st_server_stop(&srv, SIGTERM);
}

int main(void)
{
	struct e2e e;
	st_init();
	if (!e2e_init(&e, "worklist-progress") || !e2e_profile(&e, "siti") || !e2e_profile(&e, "budi")
		|| !e2e_profile(&e, "andi"))
		return tap_done();
	char srv_dir[PATH_MAX + 16];
	snprintf(srv_dir, sizeof srv_dir, "%s/server", e.dir);
	struct st_server srv;
	if (!ok(server_ready(&e, srv_dir) && st_server_start(&srv, srv_dir, 0, NULL),
		"a real server, three operators of " KEL ", six households assigned to them"))
		return tap_done();

	struct st_client siti, budi;
	st_client_init(&siti, e.data, "siti");
	siti.password = E2E_PASSWORD;
	st_client_init(&budi, e.data, "budi");
	budi.password = E2E_PASSWORD;
	char uuids[1][37];
	const char *sync[] = { "sync", NULL };
	ok(st_login(&budi, srv.url) == 0 && st_make_records(&budi, &niks[3], 1, KEL, 20000, "wl", uuids) == 1
		&& st_sigacor(&budi, E2E_PASSWORD "\n", 60000, sync) == 0, "budi verifies #3 (layak) and syncs");
	ok(st_login(&siti, srv.url) == 0 && st_sigacor(&siti, E2E_PASSWORD "\n", 60000, sync) == 0, "siti syncs");

	struct vt *t = e2e_start_login(&e, "siti");
	if (t == NULL)
		return tap_done();
	check_siti_list(t);
	vt_send(t, "<Down><Down><Down><Enter>");
	e2e_wait(t, "Sudah diverifikasi oleh budi (Layak)",
		"Enter on budi's: it says who verified it, no form opens");
	e2e_quit(t, "<F10>", "quit");
	vt_free(t);

	/* vt100 at 80x24: the words say it, not colours */
	e2e_setenv(&e, "TERM", "vt100");
	t = e2e_start_login(&e, "siti");
	if (t == NULL)
		return tap_done();
	check_siti_list(t);
	e2e_quit(t, "<F10>", "quit");
	vt_free(t);
	e2e_setenv(&e, "TERM", "xterm-256color");

	/* the city moves budi's #4 to siti, asks budi's #3 to be visited again
	 * and gives it to siti too */
	const char *review[] = { "review", uuids[0], "--outcome", "revisit", "--note", "pintu tertutup", NULL };
	ok(assign_kk(srv_dir, e.dir, "siti", kks[4]) && st_server_admin(srv_dir, NULL, review) == 0
		&& assign_kk(srv_dir, e.dir, "siti", kks[3]),
		"the city: #4 to siti; #3 revisit, then to siti");
	ok(st_sigacor(&siti, E2E_PASSWORD "\n", 60000, sync) == 0 && st_sigacor(&budi, E2E_PASSWORD "\n", 60000, sync) == 0,
		"both sync");

	t = e2e_start_login(&e, "siti");
	if (t == NULL)
		return tap_done();
	int r3 = row_of(t, niks[3]), r4 = row_of(t, niks[4]);
	e2e_ok(t, r3 == FIRST_ROW && row_has(t, r3, "Kunjungi") && !row_has(t, r3, "Selesai"),
		"siti: the revisit of the reassigned #3 on top of her list");
	e2e_ok(t, r4 > r3 && row_has(t, r4, "Sasaran") && !row_has(t, r4, "Rekan")
		&& r4 < row_of(t, niks[5]),
		"siti: the reassigned #4 is hers to do, before andi's");
	e2e_ok(t, row_has(t, COUNTS_ROW, "Sasaran 5"), "the counts: 5 to do for siti (the revisit included)");
	e2e_quit(t, "<F10>", "quit");
	vt_free(t);

	t = e2e_start_login(&e, "budi");
	if (t == NULL)
		return tap_done();
	r3 = row_of(t, niks[3]);
	r4 = row_of(t, niks[4]);
	e2e_ok(t, r3 >= FIRST_ROW && row_has(t, r3, "Rekan") && row_has(t, r3, "tugas siti")
		&& !row_has(t, r3, "Kunjungi"),
		"budi: his record of #3 is siti's now, not a revisit on top");
	e2e_ok(t, r4 > FIRST_ROW && row_has(t, r4, "Rekan") && row_has(t, r4, "tugas siti")
		&& !row_has(t, r4, "Sasaran"),
		"budi: #4 left his to-do, assigned to siti");
	e2e_ok(t, row_has(t, COUNTS_ROW, "Sasaran 0") && !vt_has_text(t, "Kunjungi"),
		"budi: nothing to do");
	e2e_quit(t, "<F10>", "quit");
	vt_free(t);
	st_server_stop(&srv, SIGTERM);
	older_server(&e, srv_dir);
	return tap_done();
}
