/* qr: a QR code (libqrencode) as rows of Unicode half blocks, two modules
 * a row, so a code of a 40-character address fits an 80x24 screen (a
 * version-3 code and its quiet zone: 33 columns, 17 rows).  Ink is a dark
 * module: draw the rows dark on light (black on white), the way scanners
 * expect, whatever the terminal's own colours. */
#define _GNU_SOURCE 1   /* strcasestr */
#include "config.h"
#include "ui.h"
#include "i18n.h"

#include <qrencode.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define QUIET 2         /* modules of light border; 4 is the standard's, 2 scans fine on screens */

static bool dark(const QRcode *q, int x, int y)
{
	x -= QUIET;
	y -= QUIET;
	return x >= 0 && y >= 0 && x < q->width && y < q->width && (q->data[y * q->width + x] & 1);
}

bool ui_qr_make(const char *text, struct ui_qr *out)
{
	memset(out, 0, sizeof *out);
	QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_L, QR_MODE_8, 1);
	if (q == NULL)
		return false;
	int side = q->width + 2 * QUIET;
	out->columns = side;
	out->rows = (side + 1) / 2;
	out->line = calloc((size_t)out->rows, sizeof *out->line);
	bool ok = out->line != NULL;
	for (int r = 0; ok && r < out->rows; r++) {
		char *l = out->line[r] = malloc((size_t)side * 3 + 1);   /* 3 bytes a glyph */
		ok = l != NULL;
		for (int x = 0; ok && x < side; x++) {
			bool top = dark(q, x, 2 * r), bottom = dark(q, x, 2 * r + 1);
			const char *g = top && bottom ? "\xe2\x96\x88" : top ? "\xe2\x96\x80"
				: bottom ? "\xe2\x96\x84" : " ";
			size_t n = strlen(g);
			memcpy(l, g, n);
			l += n;
		}
		if (ok)
			*l = '\0';
	}
	QRcode_free(q);
	if (!ok)
		ui_qr_free(out);
	return ok;
}

void ui_qr_free(struct ui_qr *q)
{
	for (int r = 0; q->line != NULL && r < q->rows; r++)
		free(q->line[r]);
	free(q->line);
	memset(q, 0, sizeof *q);
}

/* A vt100 has no such glyphs, a terminal not in UTF-8 cannot take them. */
bool ui_qr_drawable(void)
{
	const char *term = getenv("TERM");
	if (term != NULL && strncmp(term, "vt", 2) == 0)
		return false;
	return i18n_terminal_utf8();
}
