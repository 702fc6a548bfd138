#include "config.h"
#include "i18n.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>

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
	const char *dir = getenv("SIGACOR_LOCALEDIR");
	bindtextdomain(PACKAGE, dir != NULL && dir[0] != '\0' ? dir : LOCALEDIR);
	bind_textdomain_codeset(PACKAGE, "UTF-8");
	textdomain(PACKAGE);
	return ok;
}

bool i18n_english(void)
{
	return english;
}
