/* photo_view: the photo under the cursor drawn over the whole terminal
 * (F4 in the picker and on a photo slot of the form), until a key.
 *
 * The picture is drawn by a child process (preview_show_child: libchafa
 * and glib load there, not in the screens) straight to the terminal while
 * curses keeps it: still in the alternate screen, so the photo (a KTP,
 * often) leaves nothing behind in the terminal's scrollback.  The key that
 * ends it is read here from the terminal, not through curses, whose next
 * read would first repaint the screen over the photo; then the loop
 * repaints everything (UI_REPAINT). */
#include "config.h"
#include "ui_int.h"
#include "preview.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* the rest of a key's escape sequence arrives within this */
#define SEQUENCE_MS 50

/* Wait for one key (its whole sequence read and dropped), or until the
 * idle lock is due (the loop then locks: a photo of a KTP does not stay
 * on an unattended screen). */
static void wait_key(const struct ui *ui)
{
	int timeout = ui->store != NULL && ui->cfg.idle_seconds > 0 ? ui->cfg.idle_seconds * 1000 : -1;
	struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
	int n;
	while ((n = poll(&pfd, 1, timeout)) < 0 && errno == EINTR)
		;
	if (n <= 0 || (pfd.revents & POLLIN) == 0)
		return;
	char buf[64];
	do {
		if (read(STDIN_FILENO, buf, sizeof buf) <= 0)
			return;
		pfd.revents = 0;
	} while (poll(&pfd, 1, SEQUENCE_MS) > 0 && (pfd.revents & POLLIN) != 0);
}

unsigned ui_view_photo(struct ui *ui, const char *path, const unsigned char *data, size_t len,
	const char *name)
{
	char caption[512];
	snprintf(caption, sizeof caption, _("%s  (tombol apa saja: kembali)"), name);
	/* what curses drew is out; keys typed before the photo shows would
	 * end it at once */
	flushinp();
	fflush(stdout);
	struct preview_options o = { .path = path, .data = data, .len = len, .caption = caption, .cols = COLS,
		.rows = LINES, .mode = PREVIEW_AUTO, .fd = STDOUT_FILENO };
	struct preview_result r;
	if (!preview_show_child(&o, &r)) {
		ui_message(ui, ROLE_ERROR, _("Foto %s tidak bisa ditampilkan: %s"), name,
			_(preview_message(&r)));
		return r.bytes > 0 ? UI_REPAINT : UI_HANDLED;
	}
	wait_key(ui);
	flushinp();
	return UI_REPAINT;
}
