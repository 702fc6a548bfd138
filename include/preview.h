/* preview: a photo drawn in the terminal (libchafa), for the clerk to see
 * which photo is which before attaching it.
 *
 * The photo is decoded small with the photo module (DCT scaling, turned
 * upright by its EXIF orientation) and drawn by libchafa as Unicode half
 * blocks in colour, as plain ASCII without colour (a non-UTF-8 locale,
 * TERM=vt100), or as sixel / kitty graphics where the terminal is known
 * to have them.  What goes to the terminal is bounded (PREVIEW_MAX_BYTES):
 * the preview stays quick over a slow SSH link (graphics too big for it
 * are sent with fewer pixels, then replaced by symbols).
 *
 * libchafa pulls in glib: it is loaded with dlopen on first use, and the
 * screens draw through preview_show_child, so that only a short-lived child
 * process ever loads it (the screens' memory stays as it was). */
#ifndef SIGACOR_PREVIEW_H
#define SIGACOR_PREVIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "photo.h"

/* the most one preview writes (image, positioning and caption); sixel or
 * kitty graphics to a terminal on this machine (no SSH_CONNECTION or
 * SSH_TTY) may take more */
#define PREVIEW_MAX_BYTES (40 * 1024)
#define PREVIEW_MAX_LOCAL_GRAPHICS (4 * 1024 * 1024)

enum preview_mode { PREVIEW_AUTO = 0, PREVIEW_SYMBOLS, PREVIEW_ASCII, PREVIEW_SIXEL,
	PREVIEW_KITTY };

struct preview_options {
	const char *path;           /* the photo (JPEG) */
	const unsigned char *data;  /* or its bytes (a stored photo: store_photo_bytes, the
	                               file sealed in a keyed profile); NULL: path */
	size_t len;
	const char *caption;        /* for the last row (cut to fit), or NULL */
	int cols, rows;             /* the terminal's size in cells; the image takes
	                               all but the last row */
	enum preview_mode mode;     /* PREVIEW_AUTO: preview_detect() */
	int fd;                     /* the terminal */
};

enum preview_status {
	PREVIEW_OK = 0,
	PREVIEW_BAD_PHOTO,          /* result.photo says why */
	PREVIEW_NO_LIBRARY,         /* libchafa is not installed */
	PREVIEW_FAILED,             /* out of memory, a write failed, the child died */
};

struct preview_result {
	enum preview_status status;
	enum photo_error photo;
	enum preview_mode mode;     /* the mode drawn in */
	size_t bytes;               /* written to fd */
	int width, height;          /* the photo upright, as stored (pixels) */
};

/* Draw the photo on fd: clear the screen, the image centred above, the
 * caption on the last row.  Writes nothing unless the photo decoded. */
bool preview_show(const struct preview_options *o, struct preview_result *r);
/* The same in a child process (fork, no exec): libchafa and its libraries
 * are loaded there and go with it. */
bool preview_show_child(const struct preview_options *o, struct preview_result *r);

/* The mode for this terminal, from the environment: SIGACOR_PREVIEW
 * (symbols, ascii, sixel, kitty) when set; else ASCII when the terminal is
 * not UTF-8 (i18n_terminal_utf8: LANG=C, say) and for TERM=vt*, dumb or unset; kitty
 * graphics for TERM=xterm-kitty or KITTY_WINDOW_ID; sixel for TERM=mlterm,
 * foot and yaft; symbols otherwise (PuTTY and xterm say TERM=xterm*, and
 * may or may not have graphics: symbols are safe). */
enum preview_mode preview_detect(void);
/* "symbols", "ascii", "sixel", "kitty" (and "auto") both ways. */
const char *preview_mode_name(enum preview_mode m);
bool preview_mode_parse(const char *name, enum preview_mode *out);
/* Why a preview failed, untranslated (N_): for the message line. */
const char *preview_message(const struct preview_result *r);

#endif
