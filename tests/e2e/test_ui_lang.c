/* Languages and golden screens.  Indonesian by default; English with
 * LANG=en_* or --lang en, through the real catalogue built from po/en.po.
 * Golden dumps of the main screens at 80x24 (tests/e2e/golden/). */
#include "config.h"
#include "e2e.h"
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BUDI "3671011503850002"

static char test_locale[PATH_MAX];

static struct vt *start_lang(struct e2e *e, const char *lang_env, const char *lang_option)
{
	e2e_setenv(e, "LANG", lang_env);
	const char *extra[] = { "--lang", lang_option, NULL };
	return e2e_start(e, 24, 80, lang_option != NULL ? extra : NULL);
}

/* Log in (the password is the only thing typed) and open a form with an
 * invalid NIK, then return with the screen showing it. */
static void login_and_type(struct vt *t, const char *worklist_text)
{
	vt_wait_quiet(t, 200, E2E_TIMEOUT);
	vt_send(t, "<Enter>" E2E_PASSWORD "<Enter>");
	e2e_wait(t, worklist_text, "logged in");
}

static void test_indonesian_default(struct e2e *e)
{
	struct vt *t = start_lang(e, "id_ID.UTF-8", NULL);
	e2e_wait(t, "Pilih petugas yang memakai komputer ini:", "Indonesian by default");
	e2e_ok(t, vt_has_text(t, "F1 Bantuan") && vt_has_text(t, "F10 Keluar"), "Indonesian hints");
	e2e_login(t, "siti");       /* sets the password on this first login */
	vt_send(t, "<F3>3671011513");
	e2e_wait(t, "bulan lahir harus 01-12", "Indonesian NIK reason");
	vt_send(t, "<Esc><Enter><F10>");
	is_int(vt_wait_exit(t, E2E_TIMEOUT), 0, "quit");
	vt_free(t);
}

static void check_english(struct e2e *e, const char *lang_env, const char *lang_option, const char *how)
{
	char what[160];
	struct vt *t = start_lang(e, lang_env, lang_option);
	snprintf(what, sizeof what, "%s: the operator screen in English", how);
	e2e_wait(t, "Choose the operator using this computer:", what);
	snprintf(what, sizeof what, "%s: English hints", how);
	e2e_ok(t, vt_has_text(t, "F1 Help") && vt_has_text(t, "F10 Quit"), what);
	login_and_type(t, "Search NIK/name:");
	vt_send(t, "<F3>");
	snprintf(what, sizeof what, "%s: the form in English", how);
	e2e_wait(t, "type the 16 digits of the NIK", what);
	vt_send(t, "3671011513");
	snprintf(what, sizeof what, "%s: the NIK reason (from core) in English", how);
	e2e_wait(t, "the birth month must be 01-12", what);
	vt_send(t, "<F1>");
	snprintf(what, sizeof what, "%s: the help in English", how);
	e2e_wait(t, "Help: every key", what);
	vt_send(t, "<Esc><Esc><Enter><F10>");
	is_int(vt_wait_exit(t, E2E_TIMEOUT), 0, "quit");
	vt_free(t);
}

static void test_indonesian_option(struct e2e *e)
{
	struct vt *t = start_lang(e, "en_US.UTF-8", "id");
	e2e_wait(t, "Pilih petugas yang memakai komputer ini:", "--lang id wins over LANG=en_US");
	vt_send(t, "<C-x>");
	vt_wait_exit(t, E2E_TIMEOUT);
	vt_free(t);
}

/* ---- the real catalogue ---- */

/* The msgstr of a one-line msgid in po/en.po ("" when untranslated). */
static bool po_lookup(const char *po, const char *msgid, char *out, size_t len)
{
	char want[512];
	snprintf(want, sizeof want, "msgid \"%s\"\n", msgid);
	const char *at = strstr(po, want);
	out[0] = '\0';
	if (at == NULL)
		return false;
	at += strlen(want);
	if (strncmp(at, "msgstr \"", 8) != 0)
		return false;
	at += 8;
	size_t n = strcspn(at, "\"");
	snprintf(out, len, "%.*s", (int)(n < len ? n : len - 1), at);
	return out[0] != '\0';
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	long size = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *buf = size >= 0 ? malloc((size_t)size + 1) : NULL;
	if (buf != NULL) {
		size_t got = fread(buf, 1, (size_t)size, f);
		buf[got] = '\0';
	}
	fclose(f);
	return buf;
}

static void test_real_catalogue(struct e2e *e)
{
	static const char *const operator_screen[] = {
		"Pilih petugas yang memakai komputer ini:", "Bantuan", "Keluar", NULL };
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/po/en.po", getenv("top_srcdir"));
	char *po = slurp(path);
	e2e_setenv(e, "SIGACOR_LOCALEDIR", getenv("SIGACOR_LOCALEDIR"));
	struct vt *t = start_lang(e, "en_US.UTF-8", NULL);
	vt_wait_text(t, "F1", E2E_TIMEOUT);
	vt_wait_quiet(t, 200, E2E_TIMEOUT);
	int checked = 0;
	for (int i = 0; po != NULL && operator_screen[i] != NULL; i++) {
		char english[512];
		if (!po_lookup(po, operator_screen[i], english, sizeof english))
			continue;
		char what[600];
		snprintf(what, sizeof what, "po/en.po: \"%s\" shows as \"%s\"", operator_screen[i], english);
		e2e_ok(t, vt_has_text(t, english), what);
		checked++;
	}
	if (checked == 0)
		tap_skip("po/en.po translates none of the operator screen's strings yet");
	vt_send(t, "<C-x>");
	vt_wait_exit(t, E2E_TIMEOUT);
	vt_free(t);
	free(po);
	e2e_setenv(e, "SIGACOR_LOCALEDIR", test_locale);
}

/* ---- golden screens at 80x24 ---- */

static void test_golden(struct e2e *e)
{
	/* taken yesterday (the dumps mask dates; an old photo would add a
	 * warning as the calendar moves on), listed in a fixed order */
	char taken[20];
	long now = (long)time(NULL);
	time_t yesterday = (time_t)(now - 86400);
	struct tm tm;
	gmtime_r(&yesterday, &tm);
	strftime(taken, sizeof taken, "%Y:%m:%d %H:%M:%S", &tm);
	ok(e2e_photo(e, "ktp.jpg", -6.205818, 106.628278, taken, now - 3000)
		&& e2e_photo(e, "kk.jpg", -6.205818, 106.628378, taken, now - 2000)
		&& e2e_photo(e, "rumah.jpg", -6.205918, 106.628278, taken, now - 1000)
		&& e2e_copy_photo(e, "whatsapp_karawaci.jpg", now - 4000), "photos");
	e2e_setenv(e, "LANG", "id_ID.UTF-8");
	struct vt *t = e2e_start(e, 24, 80, NULL);
	e2e_wait(t, "Pilih petugas", "operator screen");
	e2e_golden(e, t, "operator");
	vt_send(t, "<Enter>");
	e2e_wait(t, "Kata sandi", "password");
	e2e_golden(e, t, "password");
	vt_send(t, E2E_PASSWORD "<Enter>");
	e2e_wait(t, "Cari NIK/nama", "worklist");
	vt_send(t, "<F3>3671012001700004");
	e2e_wait(t, "MUHAMMAD RIZKY", "a long name");
	vt_send(t, "<Esc>");
	e2e_wait(t, "Cari NIK/nama", "a draft in the list");
	e2e_golden(e, t, "worklist");
	vt_send(t, "<F3>" BUDI);
	e2e_wait(t, "BUDI SANTOSO", "form filled in");
	e2e_golden(e, t, "form-filled");
	vt_send(t, "<Enter><Enter>");
	e2e_wait(t, "Pilih foto untuk: Foto KTP", "picker");
	e2e_golden(e, t, "picker");
	vt_send(t, "ktp<Enter>kk<Enter>whats<Enter>");
	e2e_wait(t, "dari foto KTP", "photos attached");
	vt_send(t, "t");
	e2e_wait(t, "Alasan tidak layak", "reason list");
	e2e_golden(e, t, "reasons");
	vt_send(t, "8");
	e2e_wait(t, "Alasan lain", "Lainnya asks for text");
	vt_send(t, "<F9>");
	e2e_wait(t, "Belum bisa difinalkan", "F9 names what is missing");
	e2e_golden(e, t, "form-problems");
	vt_send(t, "<F1>");
	e2e_wait(t, "Bantuan: semua tombol", "help");
	e2e_golden(e, t, "help-form");
	vt_send(t, "<Esc>");
	vt_resize(t, 15, 60);
	e2e_wait(t, "terlalu kecil", "too small");
	e2e_golden(e, t, "too-small");
	vt_resize(t, 24, 80);
	e2e_wait(t, "BUDI SANTOSO", "back");
	vt_send(t, "<F12>");
	e2e_wait(t, "Layar terkunci", "locked");
	e2e_golden(e, t, "locked");
	vt_send(t, "<F10>");
	is_int(vt_wait_exit(t, E2E_TIMEOUT), 0, "quit");
	vt_free(t);
}

int main(void)
{
	struct e2e e;
	ok(e2e_init(&e, "ui-lang"), "test folder");
	ok(e2e_profile(&e, "siti"), "profile");
	snprintf(test_locale, sizeof test_locale, "%s", getenv("SIGACOR_LOCALEDIR"));
	e2e_setenv(&e, "SIGACOR_LOCALEDIR", test_locale);
	test_indonesian_default(&e);
	check_english(&e, "en_US.UTF-8", NULL, "LANG=en_US.UTF-8");
	check_english(&e, "id_ID.UTF-8", "en", "--lang en");
	test_indonesian_option(&e);
	test_real_catalogue(&e);
	test_golden(&e);
	e2e_cleanup(&e);
	return tap_done();
}
