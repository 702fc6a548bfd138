/* config: the few settings of the screens.  $XDG_CONFIG_HOME/sigacor/ui.conf
 * (else ~/.config/sigacor/ui.conf), lines "key=value", '#' comments:
 *   idle_minutes=5      lock the screen after this many idle minutes (0: never)
 *   idle_seconds=       the same in seconds (wins over idle_minutes)
 *   photo_inbox=PATH    where the photo picker starts (before the folder used last)
 * The environment wins over the file: SIGACOR_IDLE_SECONDS, SIGACOR_PHOTO_INBOX. */
#include "config.h"
#include "ui_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_IDLE_SECONDS (5 * 60)
#define MAX_IDLE_SECONDS (24 * 60 * 60)

static bool parse_count(const char *text, long max, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(text, &end, 10);
	if (errno != 0 || end == text || *end != '\0' || v < 0 || v > max)
		return false;
	*out = v;
	return true;
}

static void trim(char *s)
{
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
	size_t lead = strspn(s, " \t");
	memmove(s, s + lead, n - lead + 1);
}

static void apply(struct ui_config *cfg, const char *key, const char *value, bool *seconds_set)
{
	long v;
	if (strcmp(key, "idle_minutes") == 0 && !*seconds_set
		&& parse_count(value, MAX_IDLE_SECONDS / 60, &v))
		cfg->idle_seconds = (int)(v * 60);
	else if (strcmp(key, "idle_seconds") == 0 && parse_count(value, MAX_IDLE_SECONDS, &v)) {
		cfg->idle_seconds = (int)v;
		*seconds_set = true;
	} else if (strcmp(key, "photo_inbox") == 0)
		snprintf(cfg->photo_inbox, sizeof cfg->photo_inbox, "%s", value);
}

static FILE *open_config_file(void)
{
	char path[PATH_MAX];
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	int n;
	if (xdg != NULL && xdg[0] == '/')
		n = snprintf(path, sizeof path, "%s/sigacor/ui.conf", xdg);
	else if (home != NULL && home[0] != '\0')
		n = snprintf(path, sizeof path, "%s/.config/sigacor/ui.conf", home);
	else
		return NULL;
	if (n < 0 || (size_t)n >= sizeof path)
		return NULL;
	return fopen(path, "re");
}

void ui_config_load(struct ui_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->idle_seconds = DEFAULT_IDLE_SECONDS;
	bool seconds_set = false;
	FILE *f = open_config_file();
	if (f != NULL) {
		char line[PATH_MAX + 64];
		while (fgets(line, sizeof line, f) != NULL) {
			trim(line);
			char *eq = strchr(line, '=');
			if (line[0] == '#' || eq == NULL)
				continue;
			*eq = '\0';
			trim(line);
			trim(eq + 1);
			apply(cfg, line, eq + 1, &seconds_set);
		}
		fclose(f);
	}
	const char *env = getenv("SIGACOR_IDLE_SECONDS");
	if (env != NULL && env[0] != '\0')
		apply(cfg, "idle_seconds", env, &seconds_set);
	env = getenv("SIGACOR_PHOTO_INBOX");
	if (env != NULL && env[0] != '\0')
		apply(cfg, "photo_inbox", env, &seconds_set);
}
