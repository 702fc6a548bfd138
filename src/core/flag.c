/* flag: the server's flags on a record, their codes and sentences. */
#include "config.h"
#include "flag.h"
#include "i18n.h"

#include <string.h>

static const char *const flag_codes[] = {
#define FLAG_CODE(e, code, msg) code,
	FLAGS(FLAG_CODE)
#undef FLAG_CODE
};

static const char *const flag_messages[] = {
#define FLAG_MSG(e, code, msg) msg,
	FLAGS(FLAG_MSG)
#undef FLAG_MSG
};

_Static_assert(FLAG_COUNT <= 31, "flags are bits of a signed int on the server");

const char *flag_code(enum flag f)
{
	return (unsigned)f < FLAG_COUNT ? flag_codes[f] : "?";
}

const char *flag_message(enum flag f)
{
	return (unsigned)f < FLAG_COUNT ? flag_messages[f] : "";
}

bool flag_parse(const char *code, enum flag *out)
{
	for (int f = 0; code != NULL && f < FLAG_COUNT; f++)
		if (strcmp(code, flag_codes[f]) == 0) {
			*out = (enum flag)f;
			return true;
		}
	return false;
}
