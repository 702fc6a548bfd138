/* curl_lazy: libcurl by dlopen on first use (see curl_lazy.h). */
#include "config.h"
#define CURL_LAZY_NO_NAMES
#include "curl_lazy.h"
#include "common.h"
#include "i18n.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

/* the soname of libcurl 7 and 8 (Debian's libcurl4) */
#define CURL_LIBRARY "libcurl.so.4"

struct curl_lazy curl_lazy;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static bool loaded;

/* dlsym gives a void *; POSIX guarantees it converts to a function pointer */
#define CURL_LAZY_SYMBOL(name, ret, params) { #name, (void **)&curl_lazy.name },
static const struct common_lazy_symbol curl_symbols[] = { CURL_LAZY_FUNCTIONS(CURL_LAZY_SYMBOL) };
#undef CURL_LAZY_SYMBOL

bool curl_lazy_load(char *err, size_t errlen)
{
	pthread_mutex_lock(&lock);
	if (!loaded)
		loaded = common_lazy_load(CURL_LIBRARY, curl_symbols,
			sizeof curl_symbols / sizeof curl_symbols[0]);
	bool ok = loaded;
	pthread_mutex_unlock(&lock);
	if (!ok)
		snprintf(err, errlen, "%s", _("Pustaka jaringan (libcurl) tidak ada di laptop ini."));
	return ok;
}
