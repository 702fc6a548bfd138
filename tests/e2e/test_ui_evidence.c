/* Evidence by outcome in the screens (issue 10, doc/EVIDENCE.md), in the
 * real sigacor in a pty: a household not found recorded in a few keys after
 * the NIK (counted); then for every row of core's table the form shows only
 * the slots the outcome needs or offers, refuses to finalise without the
 * evidence and finalises with exactly it. */
#include "config.h"
#include "e2e.h"
#include "evidence.h"
#include "tap.h"

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define CIKOKOL_LAT -6.205818
#define CIKOKOL_LON 106.628278
#define BUDI "3671011503850002"

static const char *const slot_label[PHOTO_KIND_COUNT] = { "Foto KTP", "Foto KK", "Foto Rumah" };
/* the picker's filter: a part of the file name only that photo has */
static const char *const file_of[PHOTO_KIND_COUNT] = { "ktp", "kk.", "rumah" };
/* the same three without GPS (names holding none of the filters above) */
static const char *const no_gps_file[PHOTO_KIND_COUNT] = { "nogpsa", "nogpsb", "nogpsc" };

static bool photos(struct e2e *e)
{
	char taken[20];
	time_t day_ago = time(NULL) - 86400;
	struct tm tm;
	gmtime_r(&day_ago, &tm);
	strftime(taken, sizeof taken, "%Y:%m:%d %H:%M:%S", &tm);
	long now = (long)time(NULL);
	/* the house's photo newest: the picker lists it first */
	return e2e_photo(e, "ktp.jpg", CIKOKOL_LAT, CIKOKOL_LON, taken, now - 300)
		&& e2e_photo(e, "kk.jpg", CIKOKOL_LAT, CIKOKOL_LON + 0.0001, taken, now - 200)
		&& e2e_photo(e, "rumah.jpg", CIKOKOL_LAT + 0.0001, CIKOKOL_LON, taken, now - 100)
		&& e2e_photo(e, "nogpsa.jpg", 0, 0, taken, now - 600)
		&& e2e_photo(e, "nogpsb.jpg", 0, 0, taken, now - 500)
		&& e2e_photo(e, "nogpsc.jpg", 0, 0, taken, now - 400);
}

static char said[256];

/* a TAP description with the row's outcome in it */
static const char *say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static const char *say(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(said, sizeof said, fmt, ap);
	va_end(ap);
	return said;
}

static int keys;

static void key(struct vt *t, const char *k)
{
	keys++;
	vt_send(t, k);
}

static void open_budi(struct vt *t)
{
	vt_send(t, "<F3>");
	e2e_wait(t, "Verifikasi baru", "F3: a new verification");
	vt_send(t, BUDI);
	e2e_wait(t, "BUDI SANTOSO", "the NIK fills in the resident");
}

/* Final records already read back: each row must add exactly one. */
static char seen[16][64];
static int seen_count;

static bool was_seen(const char *uuid)
{
	for (int i = 0; i < seen_count; i++)
		if (strcmp(seen[i], uuid) == 0)
			return true;
	return false;
}

static cJSON *export_finals(struct e2e *e)
{
	char path[sizeof e->dir + 16];
	snprintf(path, sizeof path, "%s/export.json", e->dir);
	const char *args[] = { "export", "--format", "json", "--state", "final", NULL };
	if (e2e_cli_to(e, "siti", args, path) != 0)
		return NULL;
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	static char text[1 << 20];
	size_t n = fread(text, 1, sizeof text - 1, f);
	fclose(f);
	text[n] = '\0';
	return cJSON_Parse(text);
}

/* The one final record this row added, as the store kept it (read back
 * with export, not from the screen). */
static const cJSON *new_final(const cJSON *all)
{
	const cJSON *found = NULL, *r;
	int fresh = 0;
	cJSON_ArrayForEach(r, all) {
		const char *uuid = cJSON_GetStringValue(cJSON_GetObjectItem(r, "uuid"));
		if (uuid != NULL && !was_seen(uuid)) {
			found = r;
			fresh++;
		}
	}
	if (fresh != 1)
		return NULL;
	const char *uuid = cJSON_GetStringValue(cJSON_GetObjectItem(found, "uuid"));
	if (seen_count < 16)
		snprintf(seen[seen_count++], sizeof seen[0], "%s", uuid);
	return found;
}

static bool text_is(const cJSON *o, const char *key, const char *want)
{
	const char *v = cJSON_GetStringValue(cJSON_GetObjectItem(o, key));
	return want == NULL ? v == NULL : v != NULL && strcmp(v, want) == 0;
}

/* Which photo kinds the stored record holds, as EVIDENCE_PHOTO bits. */
static unsigned stored_photos(const cJSON *r)
{
	unsigned bits = 0;
	const cJSON *p;
	cJSON_ArrayForEach(p, cJSON_GetObjectItem(r, "photos"))
		for (int k = 0; k < PHOTO_KIND_COUNT; k++)
			if (text_is(p, "kind", record_photo_kind_code((enum photo_kind)k)))
				bits |= EVIDENCE_PHOTO(k);
	return bits;
}

static void check_stored(struct e2e *e, const struct evidence_rule *rule, unsigned photos_attached,
	const char *what)
{
	cJSON *all = export_finals(e);
	const cJSON *r = all != NULL ? new_final(all) : NULL;
	ok(r != NULL, "%s: one new final record in the store", what);
	if (r != NULL) {
		ok(text_is(r, "nik", BUDI) && text_is(r, "state", "final"), "%s: stored final, for the NIK typed", what);
		ok(text_is(r, "decision", record_decision_code(rule->decision)) &&
			text_is(r, "reason", rule->reason == REASON_NONE ? NULL : record_reason_code(rule->reason)),
			"%s: stored with its outcome", what);
		ok(stored_photos(r) == photos_attached, "%s: stored with exactly the photos attached (%x, want %x)",
			what, stored_photos(r), photos_attached);
		/* coordinates an outcome does not need may still come from a photo's GPS */
		if (rule->location)
			ok(cJSON_IsObject(cJSON_GetObjectItem(r, "coord")), "%s: stored with the place", what);
	}
	cJSON_Delete(all);
}

/* Not found: no KTP, no KK; the address photo gives the place. */
static void test_not_found_keys(struct e2e *e)
{
	struct vt *t = e2e_start_login(e, "siti");
	open_budi(t);
	keys = 0;
	key(t, "<Enter>");
	e2e_wait(t, "Enter: pilih foto", "Enter: on to the photos");
	key(t, "t");
	e2e_wait(t, "Alasan tidak layak", "t: tidak layak asks the reason");
	key(t, "1");
	e2e_wait(t, "Tidak ditemukan", "1: tidak ditemukan");
	vt_wait_quiet(t, 100, E2E_TIMEOUT);
	e2e_ok(t, !vt_has_text(t, "Foto KTP") && !vt_has_text(t, "Foto KK"), "no KTP or KK slot for a household not found");
	e2e_ok(t, vt_has_text(t, "Foto Rumah") && vt_has_text(t, "Enter: pilih foto"),
		"the focus is on the address photo");
	key(t, "<Enter>");
	e2e_wait(t, "Pilih foto untuk: Foto Rumah", "the picker, for the address photo");
	key(t, "<Enter>");
	e2e_wait(t, "dari foto Rumah", "attached: the place from its GPS");
	key(t, "<F9>");
	e2e_wait(t, "Finalkan rekaman", "F9 asks to confirm");
	key(t, "<Enter>");
	e2e_wait(t, "difinalkan dan masuk antrean kirim", "finalised and queued");
	tap_diag("keys for a household not found, after the NIK: %d", keys);
	ok(keys <= 10, "a household not found in at most 10 keys after the NIK (%d)", keys);
	e2e_quit(t, "<F10>", "quits");
	vt_free(t);
	check_stored(e, evidence_for(DECISION_TIDAK_LAYAK, REASON_TIDAK_DITEMUKAN),
		EVIDENCE_PHOTO(PHOTO_KIND_RUMAH), "tidak-ditemukan in few keys");
}

/* The form's fields from the NIK down: the focus stops at the top, so
 * enough Ups always land on the NIK. */
#define FORM_FIELDS 12

static bool slot_shown(const struct evidence_rule *rule, int kind)
{
	return ((rule->needed | rule->offered) & EVIDENCE_PHOTO(kind)) != 0;
}

/* Focus the photo slot kind: up to the NIK, then down through the slots
 * the outcome shows (a resident of the registry: no name or address fields
 * between). */
static void focus_slot(struct vt *t, const struct evidence_rule *rule, int kind)
{
	for (int i = 0; i < FORM_FIELDS; i++)
		vt_send(t, "<Up>");
	for (int k = 0; k <= kind; k++)
		if (slot_shown(rule, k))
			vt_send(t, "<Down>");
	vt_wait_quiet(t, 100, E2E_TIMEOUT);
}

/* Enter on the focused empty slot, pick the file whose name holds filter. */
static void pick_into_slot(struct vt *t, int kind, const char *filter, const char *what)
{
	char label[64];
	snprintf(label, sizeof label, "Pilih foto untuk: %s", slot_label[kind]);
	vt_send(t, "<Enter>");
	e2e_wait(t, label, say("%s: the picker for %s", what, slot_label[kind]));
	vt_send(t, filter);
	vt_wait_quiet(t, 100, E2E_TIMEOUT);
	vt_send(t, "<Enter>");
	e2e_ok(t, vt_wait_gone(t, "Pilih foto untuk", E2E_TIMEOUT), say("%s: %s attached", what, slot_label[kind]));
	vt_wait_quiet(t, 100, E2E_TIMEOUT);
}

/* Replace the photo in slot kind with the file filter names. */
static void swap_photo(struct vt *t, const struct evidence_rule *rule, int kind, const char *filter,
	const char *what)
{
	focus_slot(t, rule, kind);
	vt_send(t, "<Del>");
	char gone[64];
	snprintf(gone, sizeof gone, "%s dilepas", slot_label[kind]);
	e2e_wait(t, gone, say("%s: %s detached", what, slot_label[kind]));
	pick_into_slot(t, kind, filter, what);
}

/* F9 refused, naming the missing piece; the long list closed if shown. */
static void refused_for(struct vt *t, const char *problem, const char *what, const char *without)
{
	vt_send(t, "<F9>");
	e2e_wait(t, problem, say("%s without %s: F9 refused: %s", what, without, problem));
	e2e_ok(t, !vt_has_text(t, "Finalkan rekaman"), say("%s without %s: no confirmation offered", what, without));
	vt_wait_quiet(t, 100, E2E_TIMEOUT);
	if (vt_has_text(t, "Enter/Esc: tutup")) {
		vt_send(t, "<Esc>");
		e2e_ok(t, vt_wait_gone(t, "Enter/Esc: tutup", E2E_TIMEOUT), say("%s: the whole list closed", what));
	}
}

static const char *const missing_problem[PHOTO_KIND_COUNT] = {
	"foto KTP belum dilampirkan", "foto KK belum dilampirkan", "foto rumah belum dilampirkan",
};

/* Each needed photo taken away alone: F9 names it and refuses; put back. */
static void refuse_each_missing_photo(struct vt *t, const struct evidence_rule *rule, const char *what)
{
	for (int k = 0; k < PHOTO_KIND_COUNT; k++) {
		if (!(rule->needed & EVIDENCE_PHOTO(k)))
			continue;
		focus_slot(t, rule, k);
		vt_send(t, "<Del>");
		char gone[64];
		snprintf(gone, sizeof gone, "%s dilepas", slot_label[k]);
		e2e_wait(t, gone, say("%s: %s detached", what, slot_label[k]));
		refused_for(t, missing_problem[k], what, slot_label[k]);
		/* the refusal put the focus on the slot missing */
		pick_into_slot(t, k, file_of[k], what);
	}
}

/* The place alone missing: every needed photo without GPS attached. */
static void refuse_missing_place(struct vt *t, const struct evidence_rule *rule, const char *what)
{
	if (!rule->location || rule->needed == 0)
		return;   /* no photo needed: nothing attached is the case above */
	for (int k = 0; k < PHOTO_KIND_COUNT; k++)
		if (rule->needed & EVIDENCE_PHOTO(k))
			swap_photo(t, rule, k, no_gps_file[k], what);
	e2e_ok(t, !vt_has_text(t, "GPS -6.20"), say("%s: no coordinates from photos without GPS", what));
	refused_for(t, "koordinat rumah belum ada", what, "the place");
	for (int k = 0; k < PHOTO_KIND_COUNT; k++)
		if (rule->needed & EVIDENCE_PHOTO(k))
			swap_photo(t, rule, k, file_of[k], what);
}

static void choose_outcome(struct vt *t, const struct evidence_rule *rule, const char *what)
{
	if (rule->decision == DECISION_LAYAK) {
		vt_send(t, "l");
		e2e_wait(t, "[x] Layak", say("%s: l", what));
		return;
	}
	char digit[2] = { (char)('0' + (int)rule->reason), '\0' };
	vt_send(t, "t");
	e2e_wait(t, "Alasan tidak layak", say("%s: t asks the reason", what));
	vt_send(t, digit);
	e2e_wait(t, "[x] Tidak layak", say("%s: reason %s picked", what, digit));
	if (rule->reason == REASON_LAINNYA) {
		vt_send(t, "rumah kosong<Enter>");
		e2e_wait(t, "rumah kosong", say("%s: its text typed", what));
	}
}

/* From nothing attached, exactly the evidence the refusal asks for. */
static void attach_evidence(struct vt *t, const struct evidence_rule *rule, const char *what)
{
	/* the refusal put the focus on the first piece missing */
	int first = -1;
	for (int k = 0; k < PHOTO_KIND_COUNT && first < 0; k++)
		if (rule->needed & EVIDENCE_PHOTO(k))
			first = k;
	if (first < 0) {
		/* only the place: from the offered address photo (one up from the coordinates) */
		vt_send(t, "<Up><Enter>");
		e2e_wait(t, "Pilih foto untuk: Foto Rumah", say("%s: the picker for the address photo", what));
		vt_send(t, "rumah<Enter>");
	} else {
		vt_send(t, "<Enter>");
		e2e_wait(t, "Pilih foto untuk", say("%s: the picker for its first photo", what));
		for (int k = first; k < PHOTO_KIND_COUNT; k++)
			if (rule->needed & EVIDENCE_PHOTO(k)) {
				char label[64];
				snprintf(label, sizeof label, "Pilih foto untuk: %s", slot_label[k]);
				e2e_wait(t, label, say("%s: the picker asks for %s", what, slot_label[k]));
				vt_send(t, file_of[k]);
				vt_wait_quiet(t, 100, E2E_TIMEOUT);
				vt_send(t, "<Enter>");
			}
	}
	e2e_wait(t, "GPS -6.20", say("%s: photos attached, back in the form", what));
	vt_wait_quiet(t, 150, E2E_TIMEOUT);
	e2e_ok(t, !vt_has_text(t, "Pilih foto untuk"), say("%s: the picker closed after its last needed photo", what));
}

static void test_row(struct e2e *e, const struct evidence_rule *rule)
{
	const char *what = evidence_outcome_code(rule);
	struct vt *t = e2e_start_login(e, "siti");
	open_budi(t);
	vt_send(t, "<Enter>");
	e2e_wait(t, "Enter: pilih foto", say("%s: Enter, on to the photos", what));
	choose_outcome(t, rule, what);
	vt_wait_quiet(t, 100, E2E_TIMEOUT);
	for (int k = 0; k < PHOTO_KIND_COUNT; k++) {
		bool want = slot_shown(rule, k);
		e2e_ok(t, vt_has_text(t, slot_label[k]) == want, say("%s: slot %s %s", what, slot_label[k],
			want ? "shown" : "hidden"));
	}
	refused_for(t, "Belum bisa difinalkan", what, "any evidence");
	attach_evidence(t, rule, what);
	refuse_each_missing_photo(t, rule, what);
	refuse_missing_place(t, rule, what);
	vt_send(t, "<F9>");
	e2e_wait(t, "Finalkan rekaman", say("%s: with exactly its evidence F9 asks to confirm", what));
	vt_send(t, "<Enter>");
	/* not just "difinalkan": the refusal "Belum difinalkan: ..." holds it too */
	e2e_wait(t, "difinalkan dan masuk antrean kirim", say("%s: finalised and queued", what));
	e2e_quit(t, "<F10>", "quits");
	vt_free(t);
	check_stored(e, rule, rule->needed ? rule->needed : EVIDENCE_PHOTO(PHOTO_KIND_RUMAH), what);
}

int main(void)
{
	struct e2e e;
	if (!e2e_init(&e, "ui-evidence"))
		return tap_done();
	ok(e2e_profile(&e, "siti"), "profile with the test residents");
	ok(photos(&e), "three photos with GPS in Cikokol");
	test_not_found_keys(&e);
	for (size_t i = 0; i < evidence_count(); i++)
		test_row(&e, evidence_row(i));
	e2e_cleanup(&e);
	return tap_done();
}
