/* cli/common: messages, option parsing, the profile and JSON output shared
 * by the commands. */
#include "config.h"
#include "cli.h"
#include "i18n.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static void vmessage(const char *prefix, const char *fmt, va_list ap)
{
	fflush(stdout);
	fputs("sigacor: ", stderr);
	if (prefix != NULL)
		fputs(prefix, stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void cli_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmessage(NULL, fmt, ap);
	va_end(ap);
}

void cli_warning(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmessage(_("peringatan: "), fmt, ap);
	va_end(ap);
}

int cli_usage(const char *command, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmessage(NULL, fmt, ap);
	va_end(ap);
	if (command != NULL)
		fprintf(stderr, _("Lihat: sigacor %s --help\n"), command);
	else
		fprintf(stderr, "%s\n", _("Lihat: sigacor --help"));
	return CLI_EXIT_FAILURE;
}

int (*cli_global_hook)(int argc, char **argv, int at);

void cli_parser_init(struct cli_parser *p, int argc, char **argv)
{
	p->command = argv[0];
	p->argc = argc;
	p->argv = argv;
	p->next = 1;
	p->only_args = false;
}

int cli_next(struct cli_parser *p, const struct cli_option *opts, const char **value)
{
	*value = NULL;
	if (p->next >= p->argc)
		return CLI_END;
	const char *a = p->argv[p->next++];
	if (p->only_args || a[0] != '-' || strcmp(a, "-") == 0) {
		*value = a;
		return CLI_ARG;
	}
	if (strcmp(a, "--") == 0) {
		p->only_args = true;
		return cli_next(p, opts, value);
	}
	if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)
		return CLI_HELP;
	const char *name = a + 2;
	size_t len = strcspn(name, "=");
	for (const struct cli_option *o = opts; a[1] == '-' && o->name != NULL; o++) {
		if (strlen(o->name) != len || strncmp(o->name, name, len) != 0)
			continue;
		if (!o->takes_value && name[len] == '=')
			break;
		if (o->takes_value) {
			if (name[len] == '=')
				*value = name + len + 1;
			else if (p->next < p->argc)
				*value = p->argv[p->next++];
			else {
				cli_usage(p->command, _("Pilihan --%s perlu nilai."), o->name);
				return CLI_BAD;
			}
		}
		return o->id;
	}
	if (cli_global_hook != NULL && a[1] == '-') {
		int used = cli_global_hook(p->argc, p->argv, p->next - 1);
		if (used < 0)
			return CLI_BAD;
		if (used > 0) {
			p->next += used - 1;
			return cli_next(p, opts, value);
		}
	}
	cli_usage(p->command, _("Pilihan tidak dikenal untuk %s: %s"),
		p->command != NULL ? p->command : "sigacor", a);
	return CLI_BAD;
}

const struct cli_option cli_no_options[] = { { NULL, false, 0 } };

bool cli_plain_args(int argc, char **argv, const char **args, int max, int *count)
{
	struct cli_parser p;
	cli_parser_init(&p, argc, argv);
	const char *value;
	int id;
	*count = 0;
	while ((id = cli_next(&p, cli_no_options, &value)) == CLI_ARG) {
		if (*count < max)
			args[*count] = value;
		(*count)++;
	}
	return id == CLI_END;
}

int cli_exit_for(enum store_status st)
{
	switch (st) {
	case STORE_OK:
		return CLI_EXIT_OK;
	case STORE_NOT_FOUND:
	case STORE_REJECTED:
	case STORE_FROZEN:
		return CLI_EXIT_REJECTED;
	case STORE_LOCKED:
		return CLI_EXIT_LOCKED;
	case STORE_BUSY:
	case STORE_IO:
	default:
		return CLI_EXIT_FAILURE;
	}
}

/* ---- the password ---- */

/* One line from fd without its newline; false at end of input. */
static bool read_line(int fd, char *buf, size_t len)
{
	size_t n = 0;
	bool any = false;
	for (;;) {
		char ch;
		ssize_t r = read(fd, &ch, 1);
		if (r < 0 && errno == EINTR)      /* no handler is set while it reads */
			continue;
		if (r <= 0)
			break;
		any = true;
		if (ch == '\n')
			break;
		if (n + 1 < len)
			buf[n++] = ch;
		else
			n = len;             /* too long: refused below */
	}
	if (n >= len) {
		memset(buf, 0, len);
		return false;
	}
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	return any;
}

/* From the terminal without echo, or one line of stdin (scripts); never
 * from the command line. */
bool cli_read_password(const char *operator_name, char *buf, size_t len)
{
	char prompt[160];
	snprintf(prompt, sizeof prompt, _("Kata sandi %s: "), operator_name);
	return cli_read_secret(prompt, buf, len);
}

bool cli_read_secret(const char *prompt, char *buf, size_t len)
{
	if (!isatty(STDIN_FILENO))
		return read_line(STDIN_FILENO, buf, len);
	int tty = open("/dev/tty", O_RDWR | O_CLOEXEC);
	int fd = tty >= 0 ? tty : STDIN_FILENO;
	struct termios old, quiet;
	bool restore = tcgetattr(fd, &old) == 0;
	if (restore) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		quiet.c_lflag |= ECHONL;
		tcsetattr(fd, TCSAFLUSH, &quiet);
	}
	ssize_t shown = write(fd, prompt, strlen(prompt));
	(void)shown;             /* a prompt that cannot be shown: still read */
	bool ok = read_line(fd, buf, len);
	if (restore)
		tcsetattr(fd, TCSAFLUSH, &old);
	if (tty >= 0)
		close(tty);
	return ok;
}

bool cli_profile_exists(const struct cli *c)
{
	char path[PATH_MAX];
	struct stat sb;
	return snprintf(path, sizeof path, "%s/sigacor.db", c->profile_dir) < (int)sizeof path &&
		stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

void cli_print_json(cJSON *obj)
{
	char *text = cJSON_PrintUnformatted(obj);
	if (text != NULL) {
		fputs(text, stdout);
		fputc('\n', stdout);
		cJSON_free(text);
	}
	cJSON_Delete(obj);
}

cJSON *cli_json_text(const char *text)
{
	return text != NULL && text[0] != '\0' ? cJSON_CreateString(text) : cJSON_CreateNull();
}

void cli_iso_time(int64_t t, char buf[21])
{
	buf[0] = '\0';
	if (t <= 0)
		return;
	time_t tt = (time_t)t;
	struct tm tm;
	if (gmtime_r(&tt, &tm) != NULL)
		strftime(buf, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
