/* phone: photos from the clerk's phone, inside the photo picker.  The
 * picker's first row, "Kotak foto di server", asks the server for a
 * one-time code and shows it as a QR code (black on white half blocks, so
 * it scans off an 80x24 PuTTY window), with the address and the code to
 * type where no QR code can be drawn (vt100, LANG=C, no colours).  Enter
 * then brings every photo the phone sent into PROFILE/inbox, which the
 * picker opens: attaching is then the same as from any folder. */
#include "config.h"
#include "ui_int.h"
#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define URL_MAX 640

struct phone_view {
	char url[URL_MAX];
	char code[16];
	struct ui_qr qr;
	bool have_qr;
};

/* only for a profile that logged in to a server */
bool phone_available(struct ui *ui)
{
	const struct ui_sync *sync = ui_sync_hook(ui);
	char url[URL_MAX] = "";
	return sync != NULL && sync->inbox_code != NULL && sync->inbox_fetch != NULL
		&& ui->store != NULL && store_meta_get(ui->store, "sync.server_url", url, sizeof url)
		&& url[0] != '\0';
}

struct phone_view *phone_open(struct ui *ui)
{
	const struct ui_sync *sync = ui_sync_hook(ui);
	struct phone_view *v = calloc(1, sizeof *v);
	char err[512];
	if (v == NULL)
		return NULL;
	ui_message(ui, ROLE_DIM, "%s", _("Meminta kode dari server..."));
	ui_draw_now(ui);
	if (!sync->inbox_code(sync->ctx, v->url, sizeof v->url, v->code, sizeof v->code, err,
		sizeof err)) {
		ui_message(ui, ROLE_ERROR, "%s", err);
		free(v);
		return NULL;
	}
	v->have_qr = ui_colours_on() && ui_qr_drawable() && ui_qr_make(v->url, &v->qr);
	ui_message(ui, ROLE_OK, "%s", _("Kirim foto dari ponsel, lalu tekan Enter."));
	return v;
}

void phone_close(struct phone_view *v)
{
	if (v == NULL)
		return;
	if (v->have_qr)
		ui_qr_free(&v->qr);
	free(v);
}

/* the words beside (or, without a QR code, instead of) the code */
static void draw_words(struct ui *ui, const struct phone_view *v, int y, int x)
{
	int w = ui->cols - x - 1;
	size_t base = strlen(v->url) - strlen(v->code) - 3;      /* without "/u/CODE" */
	if (v->have_qr)
		y += ui_put(y, x, w, ROLE_VALUE, _("Pindai dengan kamera ponsel,")) > 0;
	y += ui_put(y, x, w, ROLE_NORMAL, v->have_qr ? _("atau buka alamat ini:")
		: _("Buka alamat ini di ponsel:")) > 0;
	/* the whole address, over as many lines as it takes: never cut */
	for (size_t at = 0, n = strlen(v->url); w > 0 && at < n; at += (size_t)w)
		y += ui_putf(y, x, w, ROLE_VALUE, "%.*s", w, v->url + at) > 0;
	y++;
	y += ui_putf(y, x, w, ROLE_NORMAL, _("atau %.*s/u"), (int)base, v->url) > 0;
	y += ui_putf(y, x, w, ROLE_NORMAL, _("dan ketik kode %.4s-%.4s-%s"), v->code, v->code + 4,
		v->code + 8) > 0;
	y++;
	y += ui_put(y, x, w, ROLE_DIM, _("Kode hanya berlaku sebentar, sekali buka.")) > 0;
	y++;
	y += ui_put(y, x, w, ROLE_NORMAL, _("Pilih atau ambil foto di ponsel.")) > 0;
	ui_put(y, x, w, ROLE_NORMAL, _("Lalu Enter: foto diambil ke laptop ini."));
}

void phone_draw(struct ui *ui, const struct phone_view *v)
{
	ui_put(1, 1, ui->cols - 2, ROLE_LABEL, _("Kotak foto di server: foto dari ponsel"));
	bool fits = v->have_qr && v->qr.rows <= ui->rows - 3 && v->qr.columns + 30 <= ui->cols;
	for (int r = 0; fits && r < v->qr.rows; r++)
		ui_put(2 + r, 1, v->qr.columns, ROLE_DIALOG, v->qr.line[r]);
	draw_words(ui, v, 3, fits ? v->qr.columns + 3 : 2);
}

/* Every photo waiting comes into PROFILE/inbox; folder gets its path. */
bool phone_fetch(struct ui *ui, char *folder, size_t len)
{
	const struct ui_sync *sync = ui_sync_hook(ui);
	char err[512];
	int fetched = 0;
	snprintf(folder, len, "%s/inbox", store_dir(ui->store));
	ui_message(ui, ROLE_DIM, "%s", _("Mengambil foto dari server..."));
	ui_draw_now(ui);
	bool ok = sync->inbox_fetch(sync->ctx, folder, &fetched, err, sizeof err);
	if (!ok)
		ui_message(ui, ROLE_ERROR, "%s", err);
	else if (fetched == 0)
		ui_message(ui, ROLE_WARN, "%s", _("Belum ada foto baru dari ponsel; kirim dulu, lalu "
			"Enter lagi."));
	else
		ui_message(ui, ROLE_OK, _("%d foto dari ponsel ada di folder ini."), fetched);
	return ok && fetched > 0;
}
