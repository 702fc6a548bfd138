/* preview: a photo drawn in the terminal (see include/preview.h).
 *
 * libchafa is loaded with dlopen (chafa_lazy below): linked, it and glib
 * would cost every start of the screens memory for a key pressed now and
 * then.  The screens call preview_show_child, so it is loaded only in a
 * child that exits once the image is out. */
#include "config.h"
#include "preview.h"
#include "common.h"
#include "i18n.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chafa.h>

/* the soname of libchafa 1.x (Debian's libchafa0) */
#define CHAFA_LIBRARY "libchafa.so.0"

/* Cells a cell is wide and high in pixels when the terminal does not say
 * (TIOCGWINSZ gives 0): a common 10x20 font. */
#define DEFAULT_CELL_W 10
#define DEFAULT_CELL_H 20
/* The picture is decoded at most this large: the symbols use 8x8 pixels of
 * a cell, and graphics of a whole 80x24 screen need no more. */
#define MAX_DECODE_SIDE 1024
#define SYMBOL_CELL_W 4
#define SYMBOL_CELL_H 8

/* X(name, return type, parameters) of every libchafa/glib function used */
#define CHAFA_LAZY_FUNCTIONS(X) \
	X(chafa_symbol_map_new, ChafaSymbolMap *, (void)) \
	X(chafa_symbol_map_add_by_tags, void, (ChafaSymbolMap *, ChafaSymbolTags)) \
	X(chafa_symbol_map_unref, void, (ChafaSymbolMap *)) \
	X(chafa_canvas_config_new, ChafaCanvasConfig *, (void)) \
	X(chafa_canvas_config_unref, void, (ChafaCanvasConfig *)) \
	X(chafa_canvas_config_set_geometry, void, (ChafaCanvasConfig *, gint, gint)) \
	X(chafa_canvas_config_set_cell_geometry, void, (ChafaCanvasConfig *, gint, gint)) \
	X(chafa_canvas_config_set_canvas_mode, void, (ChafaCanvasConfig *, ChafaCanvasMode)) \
	X(chafa_canvas_config_set_pixel_mode, void, (ChafaCanvasConfig *, ChafaPixelMode)) \
	X(chafa_canvas_config_set_symbol_map, void, (ChafaCanvasConfig *, const ChafaSymbolMap *)) \
	X(chafa_canvas_config_set_optimizations, void, (ChafaCanvasConfig *, ChafaOptimizations)) \
	X(chafa_canvas_new, ChafaCanvas *, (const ChafaCanvasConfig *)) \
	X(chafa_canvas_unref, void, (ChafaCanvas *)) \
	X(chafa_canvas_draw_all_pixels, void, (ChafaCanvas *, ChafaPixelType, const guint8 *, gint, gint, gint)) \
	X(chafa_canvas_print, GString *, (ChafaCanvas *, ChafaTermInfo *)) \
	X(chafa_term_db_get_default, ChafaTermDb *, (void)) \
	X(chafa_term_db_get_fallback_info, ChafaTermInfo *, (ChafaTermDb *)) \
	X(chafa_term_info_unref, void, (ChafaTermInfo *)) \
	X(chafa_calc_canvas_geometry, void, (gint, gint, gint *, gint *, gfloat, gboolean, gboolean)) \
	X(g_string_free, gchar *, (GString *, gboolean))

static struct {
#define CHAFA_LAZY_MEMBER(name, ret, params) ret (*name) params;
	CHAFA_LAZY_FUNCTIONS(CHAFA_LAZY_MEMBER)
#undef CHAFA_LAZY_MEMBER
} chafa;

/* dlsym gives a void *; POSIX guarantees it converts to a function pointer;
 * glib's g_string_free is found through libchafa's needs */
#define CHAFA_LAZY_SYMBOL(name, ret, params) { #name, (void **)&chafa.name },
static const struct common_lazy_symbol chafa_symbols[] = { CHAFA_LAZY_FUNCTIONS(CHAFA_LAZY_SYMBOL) };
#undef CHAFA_LAZY_SYMBOL

static bool chafa_load(void)
{
	static bool loaded;
	if (!loaded)
		loaded = common_lazy_load(CHAFA_LIBRARY, chafa_symbols,
			sizeof chafa_symbols / sizeof chafa_symbols[0]);
	return loaded;
}

/* ------------------------------------------------------------ the mode */

static const char *const mode_names[] = { "auto", "symbols", "ascii", "sixel", "kitty" };

const char *preview_mode_name(enum preview_mode m)
{
	return (unsigned)m < sizeof mode_names / sizeof mode_names[0] ? mode_names[m] : "auto";
}

bool preview_mode_parse(const char *name, enum preview_mode *out)
{
	for (size_t i = 0; i < sizeof mode_names / sizeof mode_names[0]; i++)
		if (name != NULL && strcmp(name, mode_names[i]) == 0) {
			*out = (enum preview_mode)i;
			return true;
		}
	return false;
}

static bool starts_with(const char *s, const char *prefix)
{
	return s != NULL && strncmp(s, prefix, strlen(prefix)) == 0;
}

enum preview_mode preview_detect(void)
{
	enum preview_mode m;
	if (preview_mode_parse(getenv("SIGACOR_PREVIEW"), &m) && m != PREVIEW_AUTO)
		return m;
	const char *term = getenv("TERM");
	if (!i18n_terminal_utf8())
		return PREVIEW_ASCII;
	if (term == NULL || term[0] == '\0' || starts_with(term, "vt") || strcmp(term, "dumb") == 0)
		return PREVIEW_ASCII;
	const char *kitty = getenv("KITTY_WINDOW_ID");
	if (strcmp(term, "xterm-kitty") == 0 || (kitty != NULL && kitty[0] != '\0'))
		return PREVIEW_KITTY;
	if (starts_with(term, "mlterm") || starts_with(term, "foot") || starts_with(term, "yaft"))
		return PREVIEW_SIXEL;
	return PREVIEW_SYMBOLS;
}

/* The colours of the symbols: none for vt* and NO_COLOR; 256 where TERM
 * says so (truecolor would double the bytes for a small picture); 16
 * otherwise (PuTTY's TERM=xterm has at least those).  Graphics always
 * send true colour. */
static ChafaCanvasMode canvas_mode(enum preview_mode m)
{
	const char *term = getenv("TERM"), *no_colour = getenv("NO_COLOR");
	if (m == PREVIEW_ASCII || (no_colour != NULL && no_colour[0] != '\0'))
		return CHAFA_CANVAS_MODE_FGBG;
	if (term != NULL && (strstr(term, "256col") != NULL || strstr(term, "direct") != NULL))
		return CHAFA_CANVAS_MODE_INDEXED_256;
	return CHAFA_CANVAS_MODE_INDEXED_16;
}

/* ------------------------------------------------------------ drawing */

/* The cell size in pixels: from the terminal, else a common font's. */
static void cell_pixels(int fd, int *w, int *h)
{
	struct winsize ws;
	*w = DEFAULT_CELL_W;
	*h = DEFAULT_CELL_H;
	if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_xpixel > 0 && ws.ws_ypixel > 0
		&& ws.ws_col > 0 && ws.ws_row > 0) {
		*w = ws.ws_xpixel / ws.ws_col;
		*h = ws.ws_ypixel / ws.ws_row;
	}
	*w = *w < 1 ? 1 : *w;
	*h = *h < 1 ? 1 : *h;
}

/* How one attempt draws: the budget may take a few. */
struct look {
	enum preview_mode mode;
	int cell_w, cell_h;         /* pixels a cell (graphics: of the picture sent) */
	ChafaCanvasMode colours;
	int percent;                /* of the screen's width and height used */
};

/* One picture as chafa prints it, or NULL. */
static GString *render(const struct photo_pixels *px, const struct look *look, int width,
	int height)
{
	enum preview_mode mode = look->mode;
	ChafaSymbolMap *map = chafa.chafa_symbol_map_new();
	/* ASCII for vt100 and a C locale; else the half blocks and the full
	 * block, which the fonts PuTTY and the Windows console use all have
	 * (WGL4), unlike quadrants or sextants */
	chafa.chafa_symbol_map_add_by_tags(map, mode == PREVIEW_ASCII ? CHAFA_SYMBOL_TAG_ASCII
		: CHAFA_SYMBOL_TAG_HALF | CHAFA_SYMBOL_TAG_SOLID | CHAFA_SYMBOL_TAG_SPACE);
	ChafaCanvasConfig *cfg = chafa.chafa_canvas_config_new();
	chafa.chafa_canvas_config_set_geometry(cfg, width, height);
	chafa.chafa_canvas_config_set_cell_geometry(cfg, look->cell_w, look->cell_h);
	chafa.chafa_canvas_config_set_canvas_mode(cfg, look->colours);
	chafa.chafa_canvas_config_set_pixel_mode(cfg, mode == PREVIEW_SIXEL ? CHAFA_PIXEL_MODE_SIXELS
		: mode == PREVIEW_KITTY ? CHAFA_PIXEL_MODE_KITTY : CHAFA_PIXEL_MODE_SYMBOLS);
	chafa.chafa_canvas_config_set_symbol_map(cfg, map);
	/* colours said once for a run of cells; no REP or cursor skips, which
	 * vt100 and some PuTTY versions lack */
	chafa.chafa_canvas_config_set_optimizations(cfg, CHAFA_OPTIMIZATION_REUSE_ATTRIBUTES);
	ChafaCanvas *canvas = chafa.chafa_canvas_new(cfg);
	GString *s = NULL;
	if (canvas != NULL) {
		chafa.chafa_canvas_draw_all_pixels(canvas, CHAFA_PIXEL_RGB8, px->rgb, px->width,
			px->height, px->width * 3);
		/* the mode is chosen already (preview_detect): chafa's fallback
		 * terminal knows every sequence, the plain ones and the graphics' */
		ChafaTermInfo *ti = chafa.chafa_term_db_get_fallback_info(chafa.chafa_term_db_get_default());
		s = chafa.chafa_canvas_print(canvas, ti);
		chafa.chafa_term_info_unref(ti);
		chafa.chafa_canvas_unref(canvas);
	}
	chafa.chafa_canvas_config_unref(cfg);
	chafa.chafa_symbol_map_unref(map);
	return s;
}

/* The caption on the last row, cut to the width (not inside a UTF-8
 * character; wide characters are rare in file names). */
static void add_caption(struct common_text *o, const char *caption, int cols, int rows)
{
	if (caption == NULL)
		return;
	size_t n = 0, chars = 0;
	while (caption[n] != '\0' && chars < (size_t)cols - 1) {
		n++;
		while (((unsigned char)caption[n] & 0xc0) == 0x80)
			n++;
		chars++;
	}
	common_text_printf(o, "\033[%d;1H", rows);
	common_text_add(o, caption, n);
}

/* Symbols: each line of chafa's text at its row, centred. */
static void add_symbols(struct common_text *o, const GString *s, int cols, int width)
{
	int row = 1, x = (cols - width) / 2 + 1;
	const char *p = s->str, *end = s->str + s->len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *stop = nl != NULL ? nl : end;
		common_text_printf(o, "\033[%d;%dH", row++, x);
		common_text_add(o, p, (size_t)(stop - p));
		p = nl != NULL ? nl + 1 : end;
	}
}

/* What one picture may send: PREVIEW_MAX_BYTES, except graphics on a
 * terminal of this machine (no SSH between: the bytes go through a pipe,
 * and kitty's are raw pixels, megabytes for a screenful). */
static size_t budget(enum preview_mode mode)
{
	const char *ssh = getenv("SSH_CONNECTION"), *ssh_tty = getenv("SSH_TTY");
	bool remote = (ssh != NULL && ssh[0] != '\0') || (ssh_tty != NULL && ssh_tty[0] != '\0');
	return (mode == PREVIEW_SIXEL || mode == PREVIEW_KITTY) && !remote
		? PREVIEW_MAX_LOCAL_GRAPHICS : PREVIEW_MAX_BYTES;
}

/* Draw px into o; false when the picture would pass the budget. */
static bool compose(struct common_text *o, const struct photo_pixels *px, const struct preview_options *opt,
	const struct look *look)
{
	int width = opt->cols * look->percent / 100, height = (opt->rows - 1) * look->percent / 100;
	width = width < 1 ? 1 : width;
	height = height < 1 ? 1 : height;
	chafa.chafa_calc_canvas_geometry(px->width, px->height, &width, &height,
		(float)look->cell_w / (float)look->cell_h, FALSE, FALSE);
	GString *s = render(px, look, width, height);
	if (s == NULL) {
		o->failed = true;
		return true;
	}
	o->len = 0;
	/* home, clear; attributes off before the caption */
	common_text_add(o, "\033[H\033[2J", 7);
	if (look->mode == PREVIEW_SYMBOLS || look->mode == PREVIEW_ASCII) {
		add_symbols(o, s, opt->cols, width);
	} else {
		common_text_printf(o, "\033[1;%dH", (opt->cols - width) / 2 + 1);
		common_text_add(o, s->str, s->len);
	}
	if (look->mode != PREVIEW_ASCII)
		common_text_add(o, "\033[0m", 4);
	add_caption(o, opt->caption, opt->cols, opt->rows);
	chafa.g_string_free(s, TRUE);
	return o->len <= budget(look->mode);
}

/* The next look when the last passed the budget; false when none is left.
 * Graphics: half the pixels (kitty scales them up, sixel shows them
 * smaller), then symbols.  Symbols: 16 colours (shorter escapes), then a
 * smaller picture, down to a third of the screen. */
static bool next_look(struct look *l)
{
	if (l->mode == PREVIEW_SIXEL || l->mode == PREVIEW_KITTY) {
		if (l->cell_w >= 8 && l->cell_h >= 16) {     /* once: smaller would be a stamp */
			l->cell_w /= 2;
			l->cell_h /= 2;
			return true;
		}
		*l = (struct look){ PREVIEW_SYMBOLS, SYMBOL_CELL_W, SYMBOL_CELL_H,
			canvas_mode(PREVIEW_SYMBOLS), 100 };
		return true;
	}
	if (l->colours == CHAFA_CANVAS_MODE_INDEXED_256) {
		l->colours = CHAFA_CANVAS_MODE_INDEXED_16;
		return true;
	}
	if (l->percent > 33) {
		l->percent = l->percent * 3 / 4;
		return true;
	}
	return false;
}

bool preview_show(const struct preview_options *opt, struct preview_result *r)
{
	memset(r, 0, sizeof *r);
	r->mode = opt->mode == PREVIEW_AUTO ? preview_detect() : opt->mode;
	if (opt->cols < 2 || opt->rows < 2) {
		r->status = PREVIEW_FAILED;
		return false;
	}
	/* symbols: half blocks show 1x2 pixels a cell and chafa matches them on
	 * a few pixels each way, so 4x8 a cell is plenty, and a 12 MP photo
	 * decodes at 1/8 scale, the fastest */
	struct look look = { r->mode, SYMBOL_CELL_W, SYMBOL_CELL_H, canvas_mode(r->mode), 100 };
	if (r->mode == PREVIEW_SIXEL || r->mode == PREVIEW_KITTY) {
		cell_pixels(opt->fd, &look.cell_w, &look.cell_h);
		look.colours = CHAFA_CANVAS_MODE_TRUECOLOR;
	}
	int need = opt->cols * look.cell_w > (opt->rows - 1) * look.cell_h ? opt->cols * look.cell_w
		: (opt->rows - 1) * look.cell_h;
	struct photo_pixels px;
	int side = need < MAX_DECODE_SIDE ? need : MAX_DECODE_SIDE;
	r->photo = opt->data != NULL ? photo_decode_upright_buffer(opt->data, opt->len, side, &px)
		: photo_decode_upright(opt->path, side, &px);
	if (r->photo != PHOTO_ERR_NONE) {
		r->status = PREVIEW_BAD_PHOTO;
		return false;
	}
	r->width = px.width;
	r->height = px.height;
	if (!chafa_load()) {
		photo_pixels_free(&px);
		r->status = PREVIEW_NO_LIBRARY;
		return false;
	}
	struct common_text o = { 0 };
	bool fits = compose(&o, &px, opt, &look);
	while (!fits && !o.failed && next_look(&look))
		fits = compose(&o, &px, opt, &look);
	r->mode = look.mode;
	if (!fits)
		o.failed = true;        /* nothing over the budget goes out */
	photo_pixels_free(&px);
	bool ok = !o.failed && common_write_all(opt->fd, o.s, o.len);
	r->bytes = ok ? o.len : 0;
	r->status = ok ? PREVIEW_OK : PREVIEW_FAILED;
	free(o.s);
	return ok;
}

bool preview_show_child(const struct preview_options *opt, struct preview_result *r)
{
	memset(r, 0, sizeof *r);
	r->status = PREVIEW_FAILED;
	int fds[2];
	if (pipe(fds) != 0)
		return false;
	pid_t pid = fork();
	if (pid == 0) {
		close(fds[0]);
		struct preview_result mine;
		preview_show(opt, &mine);
		bool told = common_write_all(fds[1], &mine, sizeof mine);
		_exit(told ? 0 : 1);
	}
	close(fds[1]);
	if (pid < 0) {
		close(fds[0]);
		return false;
	}
	struct preview_result got;
	ssize_t n;
	while ((n = read(fds[0], &got, sizeof got)) < 0 && errno == EINTR)
		;
	close(fds[0]);
	int status;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (n == (ssize_t)sizeof got)
		*r = got;
	return r->status == PREVIEW_OK;
}

const char *preview_message(const struct preview_result *r)
{
	switch (r->status) {
	case PREVIEW_OK:
		return N_("foto ditampilkan");
	case PREVIEW_BAD_PHOTO:
		return photo_error_message(r->photo);
	case PREVIEW_NO_LIBRARY:
		return N_("pustaka gambar (libchafa) tidak ada di laptop ini: pasang paket libchafa0");
	default:
		return N_("foto gagal ditampilkan");
	}
}
