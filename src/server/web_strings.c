/* web_strings: the dashboard's words in both languages.
 *
 * gettext picks one language for the whole process, but each browser asks
 * for its own (?lang=en, a cookie, Accept-Language).  So the English of
 * every page string is looked up once at start, with LANGUAGE=en, and kept
 * beside the Indonesian source; a request takes the column it needs.  The
 * strings stay in po/en.po like every other message. */
#include "config.h"
#include "server.h"
#include "web.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* glibc: bumping it tells gettext that LANGUAGE changed */
extern int _nl_msg_cat_cntr;

static const char *const keys[WEB_STRING_COUNT] = {
#define WEB_STRING_KEY(e, key, text) key,
	WEB_STRINGS(WEB_STRING_KEY)
#undef WEB_STRING_KEY
};

static const char *const source[WEB_STRING_COUNT] = {
#define WEB_STRING_TEXT(e, key, text) text,
	WEB_STRINGS(WEB_STRING_TEXT)
#undef WEB_STRING_TEXT
};

static const char *english[WEB_STRING_COUNT];
/* the record's reasons (core) and the server's flags, also in English */
static const char *english_reason[REASON_COUNT];
static const char *english_flag[FLAG_COUNT];

void web_strings_init(void)
{
	const char *was = getenv("LANGUAGE");
	char saved[64];
	snprintf(saved, sizeof saved, "%s", was != NULL ? was : "");
	setenv("LANGUAGE", "en", 1);
	++_nl_msg_cat_cntr;
	for (int i = 0; i < WEB_STRING_COUNT; i++)
		english[i] = gettext(source[i]);
	for (int r = 0; r < REASON_COUNT; r++)
		english_reason[r] = gettext(record_reason_label((enum reason)r));
	for (int f = 0; f < FLAG_COUNT; f++)
		english_flag[f] = gettext(flag_message((enum flag)f));
	if (was != NULL)
		setenv("LANGUAGE", saved, 1);
	else
		unsetenv("LANGUAGE");
	++_nl_msg_cat_cntr;
}

const char *web_string(enum web_lang lang, enum web_string s)
{
	if ((unsigned)s >= WEB_STRING_COUNT)
		return "";
	return lang == WEB_LANG_EN && english[s] != NULL ? english[s] : source[s];
}

const char *web_string_key(enum web_string s)
{
	return (unsigned)s < WEB_STRING_COUNT ? keys[s] : "";
}

char *web_strings_json(enum web_lang lang)
{
	cJSON *o = cJSON_CreateObject();
	for (int i = 0; o != NULL && i < WEB_STRING_COUNT; i++)
		cJSON_AddStringToObject(o, keys[i], web_string(lang, (enum web_string)i));
	char *text = o != NULL ? cJSON_PrintUnformatted(o) : NULL;
	cJSON_Delete(o);
	return text;
}

const char *web_reason_label(enum web_lang lang, enum reason r)
{
	if ((unsigned)r >= REASON_COUNT)
		return "";
	return lang == WEB_LANG_EN && english_reason[r] != NULL ? english_reason[r]
		: record_reason_label(r);
}

const char *web_flag_message(enum web_lang lang, enum flag f)
{
	if ((unsigned)f >= FLAG_COUNT)
		return "";
	return lang == WEB_LANG_EN && english_flag[f] != NULL ? english_flag[f] : flag_message(f);
}
