/* sigacor preview: a photo drawn on the terminal, as the screens show it
 * (F4 in the photo picker and the form); for a look from the shell, and
 * for `make bench` (its time and its bytes). */
#include "config.h"
#include "cli.h"
#include "i18n.h"
#include "preview.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

enum { OPT_SIZE, OPT_MODE };

/* "80x24" */
static bool parse_size(const char *s, int *cols, int *rows)
{
	char *end;
	long c = strtol(s, &end, 10);
	if (end == s || *end != 'x')
		return false;
	const char *r_start = end + 1;
	long r = strtol(r_start, &end, 10);
	if (end == r_start || *end != '\0' || c < 20 || c > 1000 || r < 5 || r > 1000)
		return false;
	*cols = (int)c;
	*rows = (int)r;
	return true;
}

int cli_cmd_preview(struct cli *c, int argc, char **argv)
{
	(void)c;
	static const struct cli_option opts[] = {
		{ "size", true, OPT_SIZE }, { "mode", true, OPT_MODE }, { NULL, false, 0 },
	};
	struct preview_options o = { .mode = PREVIEW_AUTO, .fd = STDOUT_FILENO };
	struct winsize ws;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 && ws.ws_row > 0) {
		o.cols = ws.ws_col;
		o.rows = ws.ws_row;
	} else {
		o.cols = 80;
		o.rows = 24;
	}
	struct cli_parser p;
	cli_parser_init(&p, argc, argv);
	const char *value;
	for (int id; (id = cli_next(&p, opts, &value)) != CLI_END;) {
		switch (id) {
		case OPT_SIZE:
			if (!parse_size(value, &o.cols, &o.rows))
				return cli_usage("preview", _("Ukuran tidak sah: %s (contoh: 80x24)"), value);
			break;
		case OPT_MODE:
			if (!preview_mode_parse(value, &o.mode))
				return cli_usage("preview", _("Mode tidak dikenal: %s (auto, symbols, ascii, sixel, kitty)"), value);
			break;
		case CLI_ARG:
			if (o.path != NULL)
				return cli_usage("preview", _("Argumen tidak dikenal: %s"), value);
			o.path = value;
			break;
		default:
			return CLI_EXIT_FAILURE;
		}
	}
	if (o.path == NULL)
		return cli_usage("preview", "%s", _("Tulis satu file foto."));
	const char *slash = strrchr(o.path, '/');
	o.caption = slash != NULL ? slash + 1 : o.path;
	struct preview_result r;
	if (preview_show(&o, &r)) {
		/* the shell's prompt on a line of its own, below the caption */
		if (isatty(STDOUT_FILENO))
			fputs("\n", stdout);
		return CLI_EXIT_OK;
	}
	cli_error(_("Foto %s: %s"), o.path, gettext(preview_message(&r)));
	return r.status == PREVIEW_BAD_PHOTO ? CLI_EXIT_REJECTED : CLI_EXIT_FAILURE;
}
