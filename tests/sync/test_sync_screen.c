/* test_sync_screen: the sync engine inside the real screens (sigacor in a
 * pty).  A record with large photos goes up a slow link (the fake server
 * reads slowly) while the clerk presses keys: the keys are answered during
 * the upload, the status line shows a moving bar, and at the end the run is
 * done and the laptop says what is left only on it.  The run goes in a
 * child process: the screens themselves never map libcurl or OpenSSL.
 * Quitting during a second upload stops the run: the record is queued
 * again, not left half-sent. */
#include "config.h"
#include "e2e.h"
#include "synctest.h"
#include "tap.h"

#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BUDI "3671011503850002"
#define SECOND "3671014506900003"
#define KEL "36.71.01.1005"

/* the process maps a library whose file name holds name */
static bool maps_library(pid_t pid, const char *name)
{
	char path[64], line[1024];
	snprintf(path, sizeof path, "/proc/%ld/maps", (long)pid);
	FILE *f = fopen(path, "r");
	bool found = false;
	while (f != NULL && !found && fgets(line, sizeof line, f) != NULL)
		found = strstr(line, name) != NULL;
	if (f != NULL)
		fclose(f);
	return found;
}

/* the status line, or "" */
static void status_line(struct vt *t, char *buf, size_t len)
{
	int row, col;
	buf[0] = '\0';
	if (vt_find(t, "Sinkronisasi:", &row, &col))
		snprintf(buf, len, "%s", vt_row(t, row));
}

int main(void)
{
	struct e2e e;
	st_init();
	if (!e2e_init(&e, "sync-screen") || !e2e_profile(&e, "siti"))
		return tap_done();
	char log[PATH_MAX + 16];
	snprintf(log, sizeof log, "%s/fake.log", e.dir);
	struct st_server fake;
	if (!ok(st_fake_start(&fake, "slowupload", log), "slow fake server up"))
		return tap_done();

	struct st_client c;
	st_client_init(&c, e.data, "siti");
	c.password = E2E_PASSWORD;
	const char *niks[] = { BUDI };
	struct store *s;
	char err[512];
	bool ready = st_make_records(&c, niks, 1, KEL, 2 * 1000 * 1000, "screen", NULL) == 1 &&
		st_open_profile(&c, &s, err, sizeof err) == STORE_OK;
	if (ready) {
		ready = store_token_save(s, "faketoken-0123456789abcdef", "") == STORE_OK &&
			store_meta_set(s, "sync.server_url", fake.url) == STORE_OK;
		store_close(s);
	}
	ok(ready, "a record with 3 photos of 2 MB queued, profile logged in to the fake");

	/* `sigacor login` at a terminal: the password is asked without echo;
	 * the profile it makes gets its laptop password, typed twice after the
	 * warning of what a forgotten one costs (issue 12) */
	const char *login[] = { "--operator", "tty", "login", "--server", fake.url, NULL };
	struct vt *lt = e2e_start(&e, 24, 80, login);
	bool asked = lt != NULL && vt_wait_text(lt, "Kata sandi tty:", E2E_TIMEOUT);
	if (asked)
		vt_send(lt, "rahasia-terminal-42<Enter>");
	bool laptop = asked && vt_wait_text(lt, "Kata sandi laptop baru tty:", E2E_TIMEOUT);
	if (laptop)
		vt_send(lt, "laptop-terminal-7<Enter>");
	bool again = laptop && vt_wait_text(lt, "Ulangi kata sandi laptop:", E2E_TIMEOUT);
	if (again)
		vt_send(lt, "laptop-terminal-7<Enter>");
	int code = lt != NULL ? vt_wait_exit(lt, E2E_TIMEOUT) : -1;
	char *screen = lt != NULL ? vt_dump(lt) : NULL;
	ok(asked && code == 0 && screen != NULL && strstr(screen, "Berhasil masuk") != NULL &&
		strstr(screen, "rahasia-terminal-42") == NULL,
		"login at a terminal: password asked without echo, exit %d", code);
	ok(again && screen != NULL && strstr(screen, "Lupa kata sandi = hilang yang belum terkirim")
		!= NULL && strstr(screen, "laptop-terminal-7") == NULL,
		"a new profile: the laptop password asked twice without echo, after the warning");
	free(screen);
	vt_free(lt);
	char tty_key[PATH_MAX + 32];
	snprintf(tty_key, sizeof tty_key, "%s/tty/profile.key", e.data);
	ok(access(tty_key, F_OK) == 0, "the profile it made is keyed (profile.key)");
	/* typed differently: refused, nothing made */
	const char *login2[] = { "--operator", "tty2", "login", "--server", fake.url, NULL };
	lt = e2e_start(&e, 24, 80, login2);
	bool typed = lt != NULL && vt_wait_text(lt, "Kata sandi tty2:", E2E_TIMEOUT);
	if (typed)
		vt_send(lt, "rahasia-terminal-42<Enter>");
	typed = typed && vt_wait_text(lt, "Kata sandi laptop baru tty2:", E2E_TIMEOUT);
	if (typed)
		vt_send(lt, "laptop-terminal-7<Enter>");
	typed = typed && vt_wait_text(lt, "Ulangi kata sandi laptop:", E2E_TIMEOUT);
	if (typed)
		vt_send(lt, "laptop-terminal-8<Enter>");
	code = lt != NULL ? vt_wait_exit(lt, E2E_TIMEOUT) : -1;
	screen = lt != NULL ? vt_dump(lt) : NULL;
	snprintf(tty_key, sizeof tty_key, "%s/tty2", e.data);
	ok(typed && code == 1 && screen != NULL && strstr(screen, "tidak sama") != NULL
		&& access(tty_key, F_OK) != 0,
		"two laptop passwords that differ: refused, exit %d, no profile", code);
	free(screen);
	vt_free(lt);

	struct vt *t = e2e_start(&e, 24, 80, NULL);
	ok(t != NULL && e2e_login(t, "siti"), "screens open at the worklist");
	if (t == NULL) {
		st_server_stop(&fake, SIGKILL);
		return tap_done();
	}
	e2e_ok(t, vt_wait_text(t, "kirim [", E2E_TIMEOUT), "the run starts by itself: a bar");
	char before[256], after[256];
	status_line(t, before, sizeof before);

	/* a key during the upload: the help opens and closes */
	int64_t t0 = st_now_ms();
	vt_send(t, "<F1>");
	bool help = vt_wait_text(t, "Bantuan: semua tombol", E2E_TIMEOUT);
	int64_t answered = st_now_ms() - t0;
	vt_send(t, "<Esc>");
	bool back = vt_wait_text(t, "kirim [", E2E_TIMEOUT);
	status_line(t, after, sizeof after);
	/* the record goes first, then its photos: the bar of the same run */
	e2e_ok(t, help && back && strstr(after, "/1 rekaman") != NULL,
		"F1 answered while the upload still runs");
	tap_diag("F1 answered in %lld ms during the upload", (long long)answered);
	tap_diag("status before: %s", before);
	tap_diag("status after:  %s", after);

	/* the bar moves */
	bool moved = false;
	for (int64_t end = st_now_ms() + E2E_TIMEOUT; !moved && st_now_ms() < end;) {
		vt_wait_quiet(t, 100, 1000);
		char now[256];
		status_line(t, now, sizeof now);
		moved = strcmp(now, before) != 0 && strstr(now, "kirim [") != NULL;
	}
	e2e_ok(t, moved, "the status line shows the upload moving");
	char maps[64];
	snprintf(maps, sizeof maps, "/proc/%ld/maps", (long)vt_pid(t));
	e2e_ok(t, access(maps, R_OK) == 0 && maps_library(vt_pid(t), "libncursesw")
		&& !maps_library(vt_pid(t), "libcurl") && !maps_library(vt_pid(t), "libssl")
		&& !maps_library(vt_pid(t), "libcrypto"),
		"during the upload the screens map ncurses but no libcurl, libssl or libcrypto");

	e2e_ok(t, vt_wait_text(t, "selesai", 60000), "the run ends: selesai");
	e2e_ok(t, vt_wait_text(t, "hanya di laptop: 0 antre", E2E_TIMEOUT),
		"nothing left only on this laptop");
	int64_t counts[STATE_COUNT] = { 0 }, outbox = -1;
	st_client_counts(&c, counts, &outbox);
	ok(counts[STATE_ACCEPTED] == 1 && outbox == 0, "the record is accepted");
	e2e_ok(t, !maps_library(vt_pid(t), "libcurl") && !maps_library(vt_pid(t), "libssl"),
		"after the run the screens still map no libcurl or libssl");

	/* a second record, F5, and F10 while it goes up */
	const char *second[] = { SECOND };
	ok(st_make_records(&c, second, 1, KEL, 2 * 1000 * 1000, "screen2", NULL) == 1,
		"a second record with 3 photos of 2 MB queued while the screens are open");
	vt_send(t, "<F5>");
	e2e_ok(t, vt_wait_text(t, "kirim [", E2E_TIMEOUT), "F5: the second run's bar");
	vt_send(t, "<F10>");
	int quit = vt_wait_exit(t, E2E_TIMEOUT);
	memset(counts, 0, sizeof counts);
	outbox = -1;
	st_client_counts(&c, counts, &outbox);
	struct store_local_only local = { 0 };
	struct store *st;
	char why[512];
	if (st_open_profile(&c, &st, why, sizeof why) == STORE_OK) {
		store_sync_local_only(st, &local);
		store_close(st);
	}
	/* the record went before its photos; the photo being sent stays queued */
	ok(quit == 0 && counts[STATE_ACCEPTED] == 2 && counts[STATE_SENDING] == 0
		&& counts[STATE_FINAL] == 0 && outbox == 0 && local.photos_waiting == 1
		&& local.queued_photos >= 1,
		"F10 during the upload: the screens quit (%d), the record sent, its photos still queued "
		"(%lld)", quit, (long long)local.queued_photos);
	tap_diag("states: final %lld, sending %lld, accepted %lld; outbox %lld",
		(long long)counts[STATE_FINAL], (long long)counts[STATE_SENDING],
		(long long)counts[STATE_ACCEPTED], (long long)outbox);
	vt_free(t);
	st_server_stop(&fake, SIGTERM);
	e2e_cleanup(&e);
	return tap_done();
}
