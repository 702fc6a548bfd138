#include "config.h"
#include "i18n.h"

#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool english;

static bool env_says_english(void)
{
	static const char *const vars[] = { "LC_ALL", "LC_MESSAGES", "LANG" };
	for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
		const char *v = getenv(vars[i]);
		if (v != NULL && v[0] != '\0')
			return strncmp(v, "en", 2) == 0;
	}
	return false;
}

/* gettext ignores LANGUAGE when LC_MESSAGES is the plain "C" locale, and a
 * fresh machine may have generated no other; C.UTF-8 is built into glibc. */
static void ensure_locale(void)
{
	const char *now = setlocale(LC_ALL, "");
	if (now == NULL || strcmp(now, "C") == 0 || strcmp(now, "POSIX") == 0)
		setlocale(LC_ALL, "C.UTF-8");
}

bool i18n_terminal_utf8(void)
{
	const char *const vars[] = { "LC_ALL", "LC_CTYPE", "LANG" };
	for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
		const char *v = getenv(vars[i]);
		if (v != NULL && v[0] != '\0')
			return strcasestr(v, "UTF-8") != NULL || strcasestr(v, "utf8") != NULL;
	}
	return false;
}

static bool has_catalogue(const char *dir)
{
	char path[PATH_MAX];
	struct stat st;
	return snprintf(path, sizeof path, "%s/en/LC_MESSAGES/" PACKAGE ".mo", dir) < (int)sizeof path
		&& stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Where the English catalogue is: SIGACOR_LOCALEDIR; else the folder it
 * is installed in; else beside the program: ../share/locale (installed
 * under another prefix, or staged with DESTDIR) or ./locale (the build
 * folder, where make puts it).  So `./sigacor --lang en` works before
 * `make install` too. */
static void catalogue_dir(char *dir, size_t len)
{
	const char *env = getenv("SIGACOR_LOCALEDIR");
	snprintf(dir, len, "%s", env != NULL && env[0] != '\0' ? env : LOCALEDIR);
	if ((env != NULL && env[0] != '\0') || has_catalogue(dir))
		return;
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0)
		return;
	exe[n] = '\0';
	char *slash = strrchr(exe, '/');
	if (slash == NULL)
		return;
	*slash = '\0';
	static const char *const beside[] = { "/../share/locale", "/locale" };
	for (size_t i = 0; i < sizeof beside / sizeof beside[0]; i++) {
		char candidate[PATH_MAX + 32];
		snprintf(candidate, sizeof candidate, "%s%s", exe, beside[i]);
		size_t candidate_len = strlen(candidate);
		if (has_catalogue(candidate) && candidate_len < len) {
			memcpy(dir, candidate, candidate_len + 1);
			return;
		}
	}
}

bool i18n_init(const char *lang_option)
{
	bool ok = true;
	if (lang_option == NULL)
		english = env_says_english();
	else if (strcmp(lang_option, "en") == 0)
		english = true;
	else if (strcmp(lang_option, "id") == 0)
		english = false;
	else {
		english = false;
		ok = false;
	}
	ensure_locale();
	/* Indonesian is the source text: no catalogue needed for it. */
	setenv("LANGUAGE", english ? "en" : "id", 1);
	char dir[PATH_MAX];
	catalogue_dir(dir, sizeof dir);
	bindtextdomain(PACKAGE, dir);
	bind_textdomain_codeset(PACKAGE, "UTF-8");
	textdomain(PACKAGE);
	return ok;
}

bool i18n_english(void)
{
	return english;
}
