/* curl_lazy: libcurl loaded when the first engine starts, not when sigacor
 * does.  Linked, libcurl and what it pulls in (OpenSSL, nghttp2, LDAP,
 * Kerberos...) cost the screens about 6 MB resident before a single
 * request, and a sync runs in a child process of the screens (cli/ui_sync.c),
 * so the screens themselves never load it.  The sync sources call curl as
 * usual: each name below is the function of the loaded library. */
#ifndef SIGACOR_CURL_LAZY_H
#define SIGACOR_CURL_LAZY_H

#include <curl/curl.h>
#include <stdbool.h>
#include <stddef.h>

/* X(name, return type, parameters) of every libcurl function sync calls */
#define CURL_LAZY_FUNCTIONS(X) \
	X(curl_global_init, CURLcode, (long)) \
	X(curl_easy_init, CURL *, (void)) \
	X(curl_easy_cleanup, void, (CURL *)) \
	X(curl_easy_perform, CURLcode, (CURL *)) \
	X(curl_easy_setopt, CURLcode, (CURL *, CURLoption, ...)) \
	X(curl_easy_getinfo, CURLcode, (CURL *, CURLINFO, ...)) \
	X(curl_easy_strerror, const char *, (CURLcode)) \
	X(curl_easy_escape, char *, (CURL *, const char *, int)) \
	X(curl_free, void, (void *)) \
	X(curl_slist_append, struct curl_slist *, (struct curl_slist *, const char *)) \
	X(curl_slist_free_all, void, (struct curl_slist *)) \
	X(curl_multi_init, CURLM *, (void)) \
	X(curl_multi_cleanup, CURLMcode, (CURLM *)) \
	X(curl_multi_setopt, CURLMcode, (CURLM *, CURLMoption, ...)) \
	X(curl_multi_add_handle, CURLMcode, (CURLM *, CURL *)) \
	X(curl_multi_remove_handle, CURLMcode, (CURLM *, CURL *)) \
	X(curl_multi_perform, CURLMcode, (CURLM *, int *)) \
	X(curl_multi_info_read, CURLMsg *, (CURLM *, int *)) \
	X(curl_multi_timeout, CURLMcode, (CURLM *, long *)) \
	X(curl_multi_fdset, CURLMcode, (CURLM *, fd_set *, fd_set *, fd_set *, int *)) \
	X(curl_multi_poll, CURLMcode, (CURLM *, struct curl_waitfd *, unsigned int, int, int *))

struct curl_lazy {
#define CURL_LAZY_MEMBER(name, ret, params) ret (*name) params;
	CURL_LAZY_FUNCTIONS(CURL_LAZY_MEMBER)
#undef CURL_LAZY_MEMBER
};
extern struct curl_lazy curl_lazy;

/* Load libcurl (once; later calls answer at once).  false with a sentence
 * in err when it is missing or lacks a function. */
bool curl_lazy_load(char *err, size_t errlen);

#ifndef CURL_LAZY_NO_NAMES
#define curl_global_init curl_lazy.curl_global_init
#define curl_easy_init curl_lazy.curl_easy_init
#define curl_easy_cleanup curl_lazy.curl_easy_cleanup
#define curl_easy_perform curl_lazy.curl_easy_perform
#undef curl_easy_setopt
#define curl_easy_setopt curl_lazy.curl_easy_setopt
#undef curl_easy_getinfo
#define curl_easy_getinfo curl_lazy.curl_easy_getinfo
#define curl_easy_strerror curl_lazy.curl_easy_strerror
#define curl_easy_escape curl_lazy.curl_easy_escape
#define curl_free curl_lazy.curl_free
#define curl_slist_append curl_lazy.curl_slist_append
#define curl_slist_free_all curl_lazy.curl_slist_free_all
#define curl_multi_init curl_lazy.curl_multi_init
#define curl_multi_cleanup curl_lazy.curl_multi_cleanup
#undef curl_multi_setopt
#define curl_multi_setopt curl_lazy.curl_multi_setopt
#define curl_multi_add_handle curl_lazy.curl_multi_add_handle
#define curl_multi_remove_handle curl_lazy.curl_multi_remove_handle
#define curl_multi_perform curl_lazy.curl_multi_perform
#define curl_multi_info_read curl_lazy.curl_multi_info_read
#define curl_multi_timeout curl_lazy.curl_multi_timeout
#define curl_multi_fdset curl_lazy.curl_multi_fdset
#define curl_multi_poll curl_lazy.curl_multi_poll
#endif

#endif
