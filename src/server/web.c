/* web: the dashboard's HTTP side (libmicrohttpd), beside the API of serve.c.
 *
 * Pages are small shells rendered here (the words of the page in the
 * browser's language, the CSRF token, the supervisor); app.js fills them
 * from the JSON of web_data.c.  Nothing is fetched from the internet:
 * Leaflet comes from Debian's libjs-leaflet folder and the map has no tile
 * layer unless --tiles names one.  Every page, JSON answer and photo needs
 * a live session and is checked against the supervisor's scope; every POST
 * needs the session's CSRF token.  URLs carry record ids and region codes
 * only, never a NIK or a name, and the log line names the route's
 * template, not the URL. */
#include "config.h"
#include "server.h"
#include "web.h"

#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wilayah.h"

#define WEB_BODY_MAX (16 * 1024)
#define WEB_LANG_COOKIE "sigacor_lang"

static struct web_config config;

void web_configure(const struct web_config *cfg)
{
	config = *cfg;
	web_strings_init();
}

bool web_owns(const char *url)
{
	return strncmp(url, "/api/", 5) != 0 && strcmp(url, "/api") != 0;
}

struct web_request {
	const char *route;              /* the template, for the log */
	int status;
	size_t out_bytes;
	bool authed;
	struct web_session session;
	enum web_lang lang;
	bool lang_chosen;               /* ?lang= given: remember it in a cookie */
	char *body;
	size_t len;
	bool too_large;
};

void web_request_log(const struct web_request *r, const char **route, int *status, size_t *out,
	const char **who)
{
	*route = r->route != NULL ? r->route : "-";
	*status = r->status;
	*out = r->out_bytes;
	*who = r->authed ? r->session.who.name : "-";
}

void web_request_free(struct web_request *r)
{
	if (r == NULL)
		return;
	if (r->body != NULL) {
		sodium_memzero(r->body, r->len);      /* a password may be in it */
		free(r->body);
	}
	sodium_memzero(r, sizeof *r);
	free(r);
}

/* ---------------------------------------------------------------- replies */

static void add_security_headers(struct MHD_Response *resp)
{
	char csp[512];
	/* the tile server, when configured, is the only other origin */
	char tiles[256] = "";
	if (config.tiles != NULL) {
		const char *host = strstr(config.tiles, "://");
		const char *end = host != NULL ? strchr(host + 3, '/') : NULL;
		if (host != NULL && end != NULL && (size_t)(end - config.tiles) < sizeof tiles - 1)
			snprintf(tiles, sizeof tiles, " %.*s", (int)(end - config.tiles), config.tiles);
	}
	snprintf(csp, sizeof csp, "default-src 'self'; img-src 'self' data:%s; style-src 'self'; "
		"script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
		"frame-ancestors 'none'", tiles);
	MHD_add_response_header(resp, "Content-Security-Policy", csp);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
}

static void add_cookie(struct MHD_Response *resp, const char *name, const char *value,
	const char *path, long max_age)
{
	char cookie[256];
	snprintf(cookie, sizeof cookie, "%s=%s; Path=%s; Max-Age=%ld; HttpOnly; SameSite=Strict%s",
		name, value, path, max_age, config.tls ? "; Secure" : "");
	MHD_add_response_header(resp, MHD_HTTP_HEADER_SET_COOKIE, cookie);
}

static void add_lang_cookie(struct MHD_Response *resp, const struct web_request *r)
{
	if (r->lang_chosen)
		add_cookie(resp, WEB_LANG_COOKIE, r->lang == WEB_LANG_EN ? "en" : "id", "/",
			365L * 24 * 3600);
}

/* the headers of every answer but a file's, a cookie if any, and queue it */
static int queue(struct MHD_Connection *c, struct web_request *r, int status,
	struct MHD_Response *resp, const char *cookie_name, const char *cookie_value, long max_age)
{
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	add_security_headers(resp);
	add_lang_cookie(resp, r);
	if (cookie_name != NULL)
		add_cookie(resp, cookie_name, cookie_value, strcmp(cookie_name, WEB_LOGIN_COOKIE) == 0
			? "/login" : "/", max_age);
	r->status = status;
	int ret = MHD_queue_response(c, (unsigned)status, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* queue a body (taken over) with its type */
static int send_body(struct MHD_Connection *c, struct web_request *r, int status, char *body,
	const char *type, const char *cookie_name, const char *cookie_value, long max_age)
{
	size_t len = body != NULL ? strlen(body) : 0;
	struct MHD_Response *resp = MHD_create_response_from_buffer(len, body != NULL ? body
		: (void *)"", body != NULL ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
	if (resp == NULL) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	r->out_bytes = len;
	return queue(c, r, status, resp, cookie_name, cookie_value, max_age);
}

static int send_json(struct MHD_Connection *c, struct web_request *r, struct reply *j)
{
	if (j->body == NULL)
		web_problem(j, r->lang, 500, "internal", S_SERVER_ERROR);
	return send_body(c, r, j->status, j->body, j->problem ? PROTO_PROBLEM_TYPE
		: "application/json; charset=utf-8", NULL, NULL, 0);
}

static int send_problem(struct MHD_Connection *c, struct web_request *r, int status,
	const char *code, enum web_string detail)
{
	struct reply j;
	web_problem(&j, r->lang, status, code, detail);
	return send_json(c, r, &j);
}

/* 303 to a local path (never a URL from the request: no open redirect) */
static int send_redirect(struct MHD_Connection *c, struct web_request *r, const char *to,
	const char *cookie_name, const char *cookie_value, long max_age)
{
	struct MHD_Response *resp = MHD_create_response_from_buffer(0, (void *)"",
		MHD_RESPMEM_PERSISTENT);
	if (resp == NULL)
		return MHD_NO;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_LOCATION, to);
	return queue(c, r, 303, resp, cookie_name, cookie_value, max_age);
}

static const char *type_of(const char *path)
{
	static const struct { const char *ext, *type; } types[] = {
		{ ".js", "text/javascript; charset=utf-8" }, { ".css", "text/css; charset=utf-8" },
		{ ".png", "image/png" }, { ".svg", "image/svg+xml" },
		{ ".map", "application/json" }, { ".ico", "image/x-icon" },
	};
	const char *dot = strrchr(path, '.');
	for (size_t i = 0; dot != NULL && i < sizeof types / sizeof types[0]; i++)
		if (strcmp(dot, types[i].ext) == 0)
			return types[i].type;
	return NULL;
}

static int send_file(struct MHD_Connection *c, struct web_request *r, const char *path,
	const char *type, bool cache)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	struct MHD_Response *resp = MHD_create_response_from_fd((size_t)st.st_size, fd);
	if (resp == NULL) {
		close(fd);
		return MHD_NO;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	/* photos are personal data: never kept by a shared cache or the browser */
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, cache ? "max-age=3600"
		: "private, no-store");
	add_security_headers(resp);
	r->status = 200;
	r->out_bytes = (size_t)st.st_size;
	int ret = MHD_queue_response(c, 200, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* ---------------------------------------------------------------- text helpers */

/* grows a malloc'd string; on failure it stays NULL */
struct text { char *s; size_t len, cap; };

static void text_add(struct text *t, const char *s)
{
	size_t n = strlen(s);
	if (t->len + n + 1 > t->cap) {
		size_t cap = t->cap == 0 ? 4096 : t->cap;
		while (cap < t->len + n + 1)
			cap *= 2;
		char *b = realloc(t->s, cap);
		if (b == NULL)
			return;
		t->s = b;
		t->cap = cap;
	}
	memcpy(t->s + t->len, s, n + 1);
	t->len += n;
}

static void text_html(struct text *t, const char *s)
{
	char one[2] = { 0, 0 };
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '<': text_add(t, "&lt;"); break;
		case '>': text_add(t, "&gt;"); break;
		case '&': text_add(t, "&amp;"); break;
		case '"': text_add(t, "&quot;"); break;
		case '\'': text_add(t, "&#39;"); break;
		default: one[0] = *s; text_add(t, one); break;
		}
	}
}

/* JSON inside <script type="application/json">: "</" must not close it */
static void text_script_json(struct text *t, const char *json)
{
	char one[2] = { 0, 0 };
	for (; *json != '\0'; json++) {
		if (json[0] == '<')
			text_add(t, "\\u003c");
		else {
			one[0] = *json;
			text_add(t, one);
		}
	}
}

static int hex_value(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
		: c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* the value of name in an application/x-www-form-urlencoded body, decoded */
static bool form_value(const char *body, const char *name, char *out, size_t cap)
{
	size_t n = strlen(name);
	for (const char *p = body; p != NULL && *p != '\0'; p = strchr(p, '&'), p = p ? p + 1 : p) {
		if (strncmp(p, name, n) != 0 || p[n] != '=')
			continue;
		size_t len = 0;
		for (p += n + 1; *p != '\0' && *p != '&'; p++) {
			char c = *p;
			if (c == '+')
				c = ' ';
			else if (c == '%' && hex_value(p[1]) >= 0 && hex_value(p[2]) >= 0) {
				c = (char)(hex_value(p[1]) * 16 + hex_value(p[2]));
				p += 2;
			}
			if (len + 1 >= cap)
				return false;
			out[len++] = c;
		}
		out[len] = '\0';
		return true;
	}
	return false;
}

static const char *cookie(struct MHD_Connection *c, const char *name)
{
	return MHD_lookup_connection_value(c, MHD_COOKIE_KIND, name);
}

/* ---------------------------------------------------------------- pages */

static void page_head(struct text *t, const struct web_request *r, const char *page)
{
	text_add(t, "<!DOCTYPE html>\n<html lang=\"");
	text_add(t, r->lang == WEB_LANG_EN ? "en" : "id");
	text_add(t, "\"><head><meta charset=\"utf-8\">"
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
		"<title>");
	text_html(t, web_string(r->lang, S_TITLE));
	text_add(t, "</title><link rel=\"stylesheet\" href=\"/static/leaflet/leaflet.css\">"
		"<link rel=\"stylesheet\" href=\"/static/web/app.css\">");
	char *strings = web_strings_json(r->lang);
	text_add(t, "<script id=\"strings\" type=\"application/json\">");
	text_script_json(t, strings != NULL ? strings : "{}");
	free(strings);
	text_add(t, "</script></head><body data-page=\"");
	text_add(t, page);
	text_add(t, "\"");
	if (r->authed) {
		text_add(t, " data-csrf=\"");
		text_html(t, r->session.csrf);
		text_add(t, "\"");
	}
	if (config.tiles != NULL) {
		text_add(t, " data-tiles=\"");
		text_html(t, config.tiles);
		text_add(t, "\"");
	}
	text_add(t, ">");
}

static void page_header(struct text *t, const struct web_request *r, const char *path)
{
	text_add(t, "<header class=\"bar\"><a class=\"brand\" href=\"/\">sigacor</a>");
	text_add(t, "<nav>");
	if (r->authed) {
		static const enum web_string kinds[] = { S_SCOPE_CITY, S_SCOPE_KECAMATAN, S_SCOPE_KELURAHAN };
		const char *kind = supervisor_scope_kind(r->session.who.scope);
		enum web_string k = kinds[strcmp(kind, "kota") == 0 ? 0 : strcmp(kind, "kecamatan") == 0
			? 1 : 2];
		text_add(t, "<a href=\"/\">");
		text_html(t, web_string(r->lang, S_MAP));
		text_add(t, "</a><span class=\"who\" id=\"who\">");
		text_html(t, r->session.who.name);
		/* the region by name ("Kota Tangerang", "Kecamatan Cibodas"); its code on hover */
		text_add(t, " · <span id=\"scope\" title=\"");
		text_html(t, r->session.who.scope);
		text_add(t, "\">");
		if (k != S_SCOPE_CITY) {
			text_html(t, web_string(r->lang, k));
			text_add(t, " ");
		}
		text_html(t, supervisor_scope_name(r->session.who.scope));
		text_add(t, "</span></span>");
	}
	/* the language switch keeps the page: the path holds no personal data */
	text_add(t, "<a id=\"lang\" href=\"");
	text_html(t, path);
	text_add(t, r->lang == WEB_LANG_EN ? "?lang=id\">Bahasa Indonesia" : "?lang=en\">English");
	text_add(t, "</a>");
	if (r->authed) {
		text_add(t, "<form method=\"post\" action=\"/logout\" class=\"logout\">"
			"<input type=\"hidden\" name=\"csrf\" value=\"");
		text_html(t, r->session.csrf);
		text_add(t, "\"><button type=\"submit\" id=\"logout\">");
		text_html(t, web_string(r->lang, S_LOGOUT));
		text_add(t, "</button></form>");
	}
	text_add(t, "</nav></header>");
}

static void page_foot(struct text *t)
{
	text_add(t, "<script src=\"/static/leaflet/leaflet.js\"></script>"
		"<script src=\"/static/web/app.js\"></script></body></html>\n");
}

/* a page shell: app.js fills <main> from the JSON named by data-* */
static int send_shell(struct MHD_Connection *c, struct web_request *r, const char *page,
	const char *path, const char *data_name, const char *data_value)
{
	struct text t = { NULL, 0, 0 };
	page_head(&t, r, page);
	page_header(&t, r, path);
	text_add(&t, "<main id=\"main\"");
	if (data_name != NULL) {
		text_add(&t, " ");
		text_add(&t, data_name);
		text_add(&t, "=\"");
		text_html(&t, data_value);
		text_add(&t, "\"");
	}
	text_add(&t, "><p class=\"loading\">");
	text_html(&t, web_string(r->lang, S_LOADING));
	text_add(&t, "</p></main>");
	page_foot(&t);
	return send_body(c, r, 200, t.s, "text/html; charset=utf-8", NULL, NULL, 0);
}

static int send_message_page(struct MHD_Connection *c, struct web_request *r, int status,
	enum web_string message, const char *path)
{
	struct text t = { NULL, 0, 0 };
	page_head(&t, r, "message");
	page_header(&t, r, path);
	text_add(&t, "<main id=\"main\"><p class=\"message\" id=\"message\">");
	text_html(&t, web_string(r->lang, message));
	text_add(&t, "</p><p><a href=\"/\">");
	text_html(&t, web_string(r->lang, S_BACK_TO_MAP));
	text_add(&t, "</a></p></main></body></html>\n");
	return send_body(c, r, status, t.s, "text/html; charset=utf-8", NULL, NULL, 0);
}

static int send_login_page(struct MHD_Connection *c, struct web_request *r, int status,
	enum web_string message)
{
	/* one nonce per browser, kept while its cookie lives: a second tab or a
	 * reload must not make the first form's nonce stale */
	char nonce[WEB_TOKEN_LEN + 1];
	const char *had = cookie(c, WEB_LOGIN_COOKIE);
	if (had != NULL && strlen(had) == WEB_TOKEN_LEN
		&& strspn(had, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
			== WEB_TOKEN_LEN)
		snprintf(nonce, sizeof nonce, "%s", had);
	else
		web_random_token(nonce);
	struct text t = { NULL, 0, 0 };
	page_head(&t, r, "login");
	page_header(&t, r, "/login");
	text_add(&t, "<main id=\"main\" class=\"login\"><h1>");
	text_html(&t, web_string(r->lang, S_TITLE));
	text_add(&t, "</h1>");
	if (message != WEB_STRING_COUNT) {
		text_add(&t, "<p class=\"error\" id=\"message\" role=\"alert\">");
		text_html(&t, web_string(r->lang, message));
		text_add(&t, "</p>");
	}
	text_add(&t, "<form method=\"post\" action=\"/login\" id=\"login-form\">"
		"<input type=\"hidden\" name=\"nonce\" value=\"");
	text_add(&t, nonce);
	text_add(&t, "\"><label>");
	text_html(&t, web_string(r->lang, S_NAME));
	text_add(&t, "<input name=\"name\" id=\"name\" autocomplete=\"username\" required "
		"autocapitalize=\"none\"></label><label>");
	text_html(&t, web_string(r->lang, S_PASSWORD));
	text_add(&t, "<input name=\"password\" id=\"password\" type=\"password\" "
		"autocomplete=\"current-password\" required></label><button type=\"submit\" "
		"id=\"login\">");
	text_html(&t, web_string(r->lang, S_LOGIN));
	text_add(&t, "</button></form></main></body></html>\n");
	/* the form's nonce in a cookie too: a login posted from another site
	 * (login CSRF) cannot know it */
	return send_body(c, r, status, t.s, "text/html; charset=utf-8", WEB_LOGIN_COOKIE, nonce,
		3600);
}

/* ---------------------------------------------------------------- routes */

static const char *arg(struct MHD_Connection *c, const char *name)
{
	return MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, name);
}

static void choose_lang(struct MHD_Connection *c, struct web_request *r)
{
	const char *q = arg(c, "lang");
	if (q != NULL && (strcmp(q, "en") == 0 || strcmp(q, "id") == 0)) {
		r->lang = q[0] == 'e' ? WEB_LANG_EN : WEB_LANG_ID;
		r->lang_chosen = true;
		return;
	}
	const char *k = cookie(c, WEB_LANG_COOKIE);
	if (k != NULL) {
		r->lang = strcmp(k, "en") == 0 ? WEB_LANG_EN : WEB_LANG_ID;
		return;
	}
	/* Accept-Language: the first language named decides */
	const char *al = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
		MHD_HTTP_HEADER_ACCEPT_LANGUAGE);
	r->lang = al != NULL && strncasecmp(al, "en", 2) == 0 ? WEB_LANG_EN : WEB_LANG_ID;
}

/* "/prefix/ARG" and "/prefix/ARG/rest": ARG into out; rest must match */
static bool path_arg(const char *url, const char *prefix, const char *rest, char *out, size_t cap)
{
	size_t n = strlen(prefix);
	if (strncmp(url, prefix, n) != 0)
		return false;
	const char *a = url + n;
	const char *end = strchr(a, '/');
	size_t len = end != NULL ? (size_t)(end - a) : strlen(a);
	if (len == 0 || len >= cap)
		return false;
	if (rest == NULL ? end != NULL : end == NULL || strcmp(end, rest) != 0)
		return false;
	memcpy(out, a, len);
	out[len] = '\0';
	return true;
}

/* a file under root named by a path of [A-Za-z0-9._-/] without ".." */
static int send_static(struct MHD_Connection *c, struct web_request *r, const char *root,
	const char *name)
{
	const char *type = type_of(name);
	bool clean = root != NULL && type != NULL && strstr(name, "..") == NULL && name[0] != '/';
	for (const char *p = name; clean && *p != '\0'; p++)
		clean = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')
			|| *p == '.' || *p == '_' || *p == '-' || *p == '/';
	char path[4096];
	int n = clean ? snprintf(path, sizeof path, "%s/%s", root, name) : -1;
	int ret = n > 0 && (size_t)n < sizeof path ? send_file(c, r, path, type, true) : -1;
	return ret >= 0 ? ret : send_message_page(c, r, 404, S_NOT_FOUND, "/");
}

static int send_photo(struct MHD_Connection *c, struct web_request *r, const char *id,
	const char *kind)
{
	char kel[16], sha[65], path[4096];
	enum photo_kind k;
	int found = proto_is_uuid(id) && record_photo_kind_parse(kind, &k)
		? web_record_kelurahan(id, kel) : 0;
	if (found < 0)
		return send_problem(c, r, 503, "busy", S_BUSY);
	if (found == 0)
		return send_problem(c, r, 404, "not_found", S_NOT_FOUND);
	if (!supervisor_covers(&r->session.who, kel))
		return send_problem(c, r, 403, "out_of_scope", S_FORBIDDEN);
	found = web_record_photo(id, kind, sha);
	if (found <= 0 || !blob_path(config.dir, sha, path, sizeof path))
		return send_problem(c, r, found < 0 ? 503 : 404, found < 0 ? "busy" : "not_found",
			found < 0 ? S_BUSY : S_NOT_FOUND);
	int ret = send_file(c, r, path, "image/jpeg", false);
	return ret >= 0 ? ret : send_problem(c, r, 404, "not_found", S_NOT_FOUND);
}

/* GET pages for a supervisor: the map, a kelurahan's list, a record */
static int page_for_session(struct MHD_Connection *c, struct web_request *r, const char *url)
{
	char a[64];
	if (strcmp(url, "/") == 0) {
		r->route = "/";
		return send_shell(c, r, "map", url, NULL, NULL);
	}
	if (path_arg(url, "/kelurahan/", NULL, a, sizeof a)) {
		r->route = "/kelurahan/{code}";
		const struct wilayah_kelurahan *k = wilayah_kelurahan_find(a);
		if (k == NULL || strcmp(k->code, a) != 0)
			return send_message_page(c, r, 404, S_NOT_FOUND, url);
		if (!supervisor_covers(&r->session.who, k->code))
			return send_message_page(c, r, 403, S_FORBIDDEN, url);
		return send_shell(c, r, "list", url, "data-kelurahan", k->code);
	}
	if (path_arg(url, "/records/", NULL, a, sizeof a)) {
		r->route = "/records/{id}";
		char kel[16];
		int found = proto_is_uuid(a) ? web_record_kelurahan(a, kel) : 0;
		if (found < 0)
			return send_message_page(c, r, 503, S_BUSY, url);
		if (found == 0)
			return send_message_page(c, r, 404, S_NOT_FOUND, url);
		if (!supervisor_covers(&r->session.who, kel))
			return send_message_page(c, r, 403, S_FORBIDDEN, url);
		return send_shell(c, r, "record", url, "data-record", a);
	}
	return -1;
}

static int json_get(struct MHD_Connection *c, struct web_request *r, const char *url)
{
	struct reply j = { 0 };
	char a[64];
	if (strcmp(url, "/web/api/map") == 0) {
		r->route = "/web/api/map";
		web_map_json(&r->session, &j, r->lang);
	} else if (path_arg(url, "/web/api/kelurahan/", "/records", a, sizeof a)) {
		r->route = "/web/api/kelurahan/{code}/records";
		struct web_list_filter f = { arg(c, "outcome"), arg(c, "flag"), arg(c, "review"),
			arg(c, "sort") };
		web_list_json(&r->session, a, &f, &j, r->lang);
	} else if (path_arg(url, "/web/api/records/", NULL, a, sizeof a)) {
		r->route = "/web/api/records/{id}";
		web_record_json(&r->session, a, &j, r->lang);
	} else {
		r->route = "/web/api/?";
		web_problem(&j, r->lang, 404, "not_found", S_NOT_FOUND);
	}
	return send_json(c, r, &j);
}

static int on_get(struct MHD_Connection *c, struct web_request *r, const char *url)
{
	if (strncmp(url, "/static/web/", 12) == 0) {
		r->route = "/static/web/*";
		return send_static(c, r, config.assets, url + 12);
	}
	if (strncmp(url, "/static/leaflet/", 16) == 0) {
		r->route = "/static/leaflet/*";
		return send_static(c, r, config.leaflet, url + 16);
	}
	if (strcmp(url, "/login") == 0) {
		r->route = "/login";
		if (r->authed)
			return send_redirect(c, r, "/", NULL, NULL, 0);
		return send_login_page(c, r, 200, WEB_STRING_COUNT);
	}
	bool json = strncmp(url, "/web/api/", 9) == 0;
	if (!r->authed) {
		/* pages go to the login; the JSON and the photos say why, as the API does */
		bool page = !json && strncmp(url, "/photos/", 8) != 0;
		r->route = page ? "(no session)" : json ? "/web/api/*" : "/photos/*";
		return page ? send_redirect(c, r, "/login", NULL, NULL, 0)
			: send_problem(c, r, 401, "unauthorized", S_SESSION_ENDED);
	}
	if (json)
		return json_get(c, r, url);
	const char *photo = strncmp(url, "/photos/", 8) == 0 ? url + 8 : NULL;
	const char *slash = photo != NULL ? strchr(photo, '/') : NULL;
	if (slash != NULL) {
		char id[64], kind[16];
		r->route = "/photos/{id}/{kind}";
		if ((size_t)(slash - photo) >= sizeof id || strlen(slash + 1) >= sizeof kind)
			return send_problem(c, r, 404, "not_found", S_NOT_FOUND);
		snprintf(id, sizeof id, "%.*s", (int)(slash - photo), photo);
		snprintf(kind, sizeof kind, "%s", slash + 1);
		return send_photo(c, r, id, kind);
	}
	int ret = page_for_session(c, r, url);
	if (ret >= 0)
		return ret;
	r->route = "(unknown)";
	return send_message_page(c, r, 404, S_NOT_FOUND, "/");
}

static int on_login(struct MHD_Connection *c, struct web_request *r)
{
	char name[WEB_NAME_MAX + 2], password[PROTO_PASSWORD_MAX + 2], nonce[WEB_TOKEN_LEN + 2];
	const char *body = r->body != NULL ? r->body : "";
	const char *expected = cookie(c, WEB_LOGIN_COOKIE);
	if (!form_value(body, "nonce", nonce, sizeof nonce) || expected == NULL
		|| !web_token_equal(nonce, expected))
		return send_login_page(c, r, 403, S_LOGIN_EXPIRED);
	if (!form_value(body, "name", name, sizeof name)
		|| !form_value(body, "password", password, sizeof password))
		return send_login_page(c, r, 401, S_LOGIN_FAILED);
	char token[WEB_TOKEN_LEN + 1], addr[THROTTLE_ADDRESS_MAX];
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c,
		MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	throttle_address(ci != NULL ? ci->client_addr : NULL, addr, sizeof addr);
	enum web_login_result lr = web_login(name, password, addr, token);
	sodium_memzero(password, sizeof password);
	switch (lr) {
	case WEB_LOGIN_OK:
		return send_redirect(c, r, "/", WEB_SESSION_COOKIE, token, WEB_SESSION_SECONDS);
	case WEB_LOGIN_THROTTLED:
		return send_login_page(c, r, 429, S_LOGIN_THROTTLED);
	case WEB_LOGIN_BAD:
		return send_login_page(c, r, 401, S_LOGIN_FAILED);
	case WEB_LOGIN_ERROR:
		break;
	}
	return send_login_page(c, r, 503, S_BUSY);
}

/* every change needs the session's CSRF token: the X-CSRF-Token header
 * (JSON from app.js) or a csrf form field */
static bool csrf_ok(struct MHD_Connection *c, const struct web_request *r)
{
	const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-CSRF-Token");
	char field[WEB_TOKEN_LEN + 2];
	if (h != NULL)
		return web_token_equal(h, r->session.csrf);
	return r->body != NULL && form_value(r->body, "csrf", field, sizeof field)
		&& web_token_equal(field, r->session.csrf);
}

static int on_post(struct MHD_Connection *c, struct web_request *r, const char *url)
{
	char id[64];
	if (strcmp(url, "/login") == 0) {
		r->route = "/login";
		return on_login(c, r);
	}
	bool json = strncmp(url, "/web/api/", 9) == 0;
	r->route = json ? "/web/api/records/{id}/review" : strcmp(url, "/logout") == 0 ? "/logout"
		: "(unknown)";
	if (!r->authed)
		return json ? send_problem(c, r, 401, "unauthorized", S_SESSION_ENDED)
			: send_redirect(c, r, "/login", NULL, NULL, 0);
	if (!csrf_ok(c, r))
		return json ? send_problem(c, r, 403, "csrf", S_CSRF)
			: send_message_page(c, r, 403, S_CSRF, "/");
	if (strcmp(url, "/logout") == 0) {
		web_logout(&r->session);
		r->authed = false;
		return send_redirect(c, r, "/login", WEB_SESSION_COOKIE, "", 0);
	}
	if (json && path_arg(url, "/web/api/records/", "/review", id, sizeof id)) {
		struct reply j = { 0 };
		web_review(&r->session, id, r->body, r->len, &j, r->lang);
		return send_json(c, r, &j);
	}
	return json ? send_problem(c, r, 404, "not_found", S_NOT_FOUND)
		: send_message_page(c, r, 404, S_NOT_FOUND, "/");
}

int web_handle(struct MHD_Connection *c, const char *url, const char *method,
	const char *upload_data, size_t *upload_data_size, struct web_request **state)
{
	struct web_request *r = *state;
	bool post = strcmp(method, "POST") == 0;
	if (r == NULL) {
		r = calloc(1, sizeof *r);
		if (r == NULL)
			return MHD_NO;
		*state = r;
		choose_lang(c, r);
		r->authed = web_session_find(cookie(c, WEB_SESSION_COOKIE), &r->session);
		if (post)
			return MHD_YES;         /* the body comes next */
		if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
			r->route = "(method)";
			return send_problem(c, r, 405, "method_not_allowed", S_NOT_FOUND);
		}
		return on_get(c, r, url);
	}
	if (*upload_data_size > 0) {
		if (r->len + *upload_data_size > WEB_BODY_MAX)
			r->too_large = true;
		else {
			char *b = realloc(r->body, r->len + *upload_data_size + 1);
			if (b == NULL)
				r->too_large = true;
			else {
				r->body = b;
				memcpy(r->body + r->len, upload_data, *upload_data_size);
				r->len += *upload_data_size;
				r->body[r->len] = '\0';
			}
		}
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (r->status != 0)
		return MHD_YES;
	if (r->too_large) {
		r->route = "(too large)";
		return send_problem(c, r, 413, "too_large", S_BAD_REVIEW);
	}
	return on_post(c, r, url);
}
