/* curl_lazy: libcurl by dlopen on first use (see curl_lazy.h). */
#include "config.h"
#define CURL_LAZY_NO_NAMES
#include "curl_lazy.h"
#include "i18n.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

/* the soname of libcurl 7 and 8 (Debian's libcurl4) */
#define CURL_LIBRARY "libcurl.so.4"

struct curl_lazy curl_lazy;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static bool loaded;

/* under lock; true when every function was found */
static bool load(void)
{
	void *lib = dlopen(CURL_LIBRARY, RTLD_NOW | RTLD_LOCAL);
	if (lib == NULL)
		return false;
	struct curl_lazy found;
	bool all = true;
	/* dlsym gives a void *; POSIX guarantees it converts to a function pointer */
#define CURL_LAZY_FIND(name, ret, params) \
	*(void **)(&found.name) = dlsym(lib, #name); \
	all = all && found.name != NULL;
	CURL_LAZY_FUNCTIONS(CURL_LAZY_FIND)
#undef CURL_LAZY_FIND
	if (!all) {
		dlclose(lib);
		return false;
	}
	curl_lazy = found;
	return true;
}

bool curl_lazy_load(char *err, size_t errlen)
{
	pthread_mutex_lock(&lock);
	if (!loaded)
		loaded = load();
	bool ok = loaded;
	pthread_mutex_unlock(&lock);
	if (!ok)
		snprintf(err, errlen, "%s", _("Pustaka jaringan (libcurl) tidak ada di laptop ini."));
	return ok;
}
