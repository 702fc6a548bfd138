/* i18n: the operator's language.
 *
 * Indonesian is the source language: every string in the code is written in
 * Bahasa Indonesia and marked with _() or N_(); po/en.po carries English.
 * Why: a clerk whose installation lost its catalogue still reads their own
 * language; English is for auditors and developers.
 *
 * The choice does not depend on which locales the machine has generated:
 * i18n_init() keeps the environment's character handling (UTF-8) and picks
 * the catalogue through LANGUAGE itself. */
#ifndef SIGACOR_I18N_H
#define SIGACOR_I18N_H

#include <libintl.h>
#include <stdbool.h>

#define _(s) gettext(s)
#define N_(s) (s)

/* lang_option: "id", "en" or NULL (then LANG/LC_ALL/LC_MESSAGES decide:
 * en_* gives English, anything else Indonesian).  Call once, first thing.
 * The catalogue: SIGACOR_LOCALEDIR, else the installed folder, else one
 * found beside the program (../share/locale, or ./locale in the build
 * folder).  Returns false for an unknown lang_option. */
bool i18n_init(const char *lang_option);

/* true when messages are shown in English */
bool i18n_english(void);

/* Whether the terminal takes UTF-8, by the environment: the first of
 * LC_ALL, LC_CTYPE, LANG that is set says so.  (sigacor itself runs under
 * C.UTF-8 when the locale is "C", see i18n_init, so nl_langinfo cannot
 * tell.)  The QR code and the photo preview need it for their blocks. */
bool i18n_terminal_utf8(void);

#endif
