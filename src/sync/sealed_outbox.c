/* sealed_outbox: sending without the clerk's password (issue 12 item 3,
 * doc/PROTOCOL.md section 7a).  Files in the profile folder, none of them
 * readable without the city's secret key, none needing the data key:
 *
 *   city.pin                  the city's public key, the server, the CA file
 *   sealed/<id>/record        the record's JSON as the push sends it, sealed
 *   sealed/<id>/photo-<kind>  each photo, sealed (include/sealed.h)
 *   sealed/receipts/<id>      the server's answer to a deposit (ids, flag codes)
 *   sealed/quarantine/<id>/   a deposit the server refused, kept with "why"
 *
 * Written at finalisation (sync_seal_final, called by the store inside the
 * transaction that makes the record final); sent by sync_sealed_deposit
 * (no store, no key: a locked profile, cron); the receipts settle the store
 * at its next unlocked sync (sync_sealed_settle). */
#include "config.h"
#include "sync_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "crashpoint.h"
#include "i18n.h"
#include "sealed.h"

#define PIN_FILE "city.pin"
#define PIN_MAGIC "sigacor-city-pin-1"
#define SEALED_DIR "sealed"
#define RECEIPTS "receipts"
#define QUARANTINE "quarantine"
#define NEW_PREFIX ".new-"

/* the sentence of the last finalisation's sealing, "" when all went */
static char last_notice[256];

const char *sync_sealed_notice(void)
{
	return last_notice;
}

static bool path_of(char *out, size_t cap, const char *dir, const char *a, const char *b,
	const char *c)
{
	int n = snprintf(out, cap, "%s%s%s%s%s%s%s", dir, a != NULL ? "/" : "", a != NULL ? a : "",
		b != NULL ? "/" : "", b != NULL ? b : "", c != NULL ? "/" : "", c != NULL ? c : "");
	return n > 0 && (size_t)n < cap;
}

/* mkdir 0700, the parent synced when it was made */
static bool make_dir(const char *path, const char *parent)
{
	if (mkdir(path, 0700) == 0)
		return common_fsync_dir(parent);
	return errno == EEXIST;
}

/* a folder and the plain files in it (a sealed or quarantined deposit) */
static void remove_tree(const char *path)
{
	DIR *d = opendir(path);
	if (d != NULL) {
		struct dirent *e;
		while ((e = readdir(d)) != NULL) {
			char f[PATH_MAX];
			if (e->d_name[0] != '.' && path_of(f, sizeof f, path, e->d_name, NULL, NULL))
				unlink(f);
		}
		closedir(d);
	}
	rmdir(path);
}

/* ---------------------------------------------------------------- the pin */

bool sync_city_pin_read(const char *profile_dir, struct sync_city_pin *out)
{
	char path[PATH_MAX], text[SYNC_URL_MAX + SYNC_PATH_MAX + 256];
	memset(out, 0, sizeof *out);
	if (!path_of(path, sizeof path, profile_dir, PIN_FILE, NULL, NULL))
		return false;
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return false;
	size_t n = fread(text, 1, sizeof text - 1, f);
	fclose(f);
	text[n] = '\0';
	char *line = strtok(text, "\n");
	if (line == NULL || strcmp(line, PIN_MAGIC) != 0)
		return false;
	while ((line = strtok(NULL, "\n")) != NULL) {
		if (strncmp(line, "key ", 4) == 0)
			snprintf(out->key, sizeof out->key, "%s", line + 4);
		else if (strncmp(line, "server ", 7) == 0)
			snprintf(out->server, sizeof out->server, "%s", line + 7);
		else if (strncmp(line, "ca ", 3) == 0)
			snprintf(out->ca_file, sizeof out->ca_file, "%s", line + 3);
	}
	unsigned char key[SEALED_KEY_BYTES];
	return sealed_key_parse(out->key, key);
}

bool sync_city_pin_write(const char *profile_dir, const struct sync_city_pin *pin)
{
	char path[PATH_MAX], text[SYNC_URL_MAX + SYNC_PATH_MAX + 256];
	int n = snprintf(text, sizeof text, PIN_MAGIC "\nkey %s\nserver %s\nca %s\n", pin->key,
		pin->server, pin->ca_file);
	return n > 0 && (size_t)n < sizeof text && strchr(pin->server, '\n') == NULL
		&& strchr(pin->ca_file, '\n') == NULL
		&& path_of(path, sizeof path, profile_dir, PIN_FILE, NULL, NULL)
		&& common_write_file(path, text, (size_t)n);
}

enum sync_pin_check sync_city_pin_check(const char *profile_dir, const char *server_key,
	bool replace, const char *server, const char *ca_file)
{
	struct sync_city_pin pin;
	bool pinned = sync_city_pin_read(profile_dir, &pin);
	if (server_key[0] == '\0')
		return pinned ? SYNC_PIN_SAME : SYNC_PIN_NONE;
	if (pinned && strcmp(pin.key, server_key) != 0 && !replace)
		return SYNC_PIN_CHANGED;
	bool same = pinned && strcmp(pin.key, server_key) == 0 && strcmp(pin.server, server) == 0
		&& strcmp(pin.ca_file, ca_file) == 0;
	if (same)
		return SYNC_PIN_SAME;
	snprintf(pin.key, sizeof pin.key, "%s", server_key);
	snprintf(pin.server, sizeof pin.server, "%s", server);
	snprintf(pin.ca_file, sizeof pin.ca_file, "%s", ca_file);
	if (!sync_city_pin_write(profile_dir, &pin))
		return SYNC_PIN_FAILED;
	return pinned ? SYNC_PIN_REPLACED : SYNC_PIN_NEW;
}

/* ---------------------------------------------------------------- sealing */

/* one file of the new deposit: sealed bytes written, fsync'd */
static bool write_sealed_record(const char *path, const char *json,
	const unsigned char pk[SEALED_KEY_BYTES])
{
	size_t len;
	unsigned char *sealed = sealed_record_seal(json, pk, &len);
	int fd = sealed != NULL ? open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		0600) : -1;
	bool ok = fd >= 0 && common_write_all(fd, sealed, len) && fsync(fd) == 0;
	if (fd >= 0)
		close(fd);
	free(sealed);
	return ok;
}

/* The photo as the clerk saved it, its clear bytes through the store
 * (opened through the vault in a keyed profile, the hash checked), sealed
 * to the city's key from memory. */
static bool write_sealed_photo(struct store *s, const struct record_photo *p, const char *path,
	const unsigned char pk[SEALED_KEY_BYTES])
{
	unsigned char *data;
	size_t len;
	if (store_photo_bytes(s, p->sha256, &data, &len) != STORE_OK)
		return false;
	int out = (int64_t)len == p->size ? open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		O_CLOEXEC, 0600) : -1;
	bool ok = out >= 0 && sealed_photo_seal_buffer(data, len, out, p->sha256, pk) &&
		fsync(out) == 0;
	if (out >= 0)
		close(out);
	sodium_memzero(data, len);
	free(data);
	return ok;
}

static bool write_deposit(struct store *s, const struct record *r, const char *tmp,
	const unsigned char pk[SEALED_KEY_BYTES])
{
	char path[PATH_MAX];
	char *json = proto_record_encode(r);
	bool ok = json != NULL && path_of(path, sizeof path, tmp, "record", NULL, NULL)
		&& write_sealed_record(path, json, pk);
	free(json);
	for (int k = 0; ok && k < PHOTO_KIND_COUNT; k++) {
		char name[32];
		if (!r->photos[k].attached)
			continue;
		snprintf(name, sizeof name, "photo-%s", record_photo_kind_code((enum photo_kind)k));
		ok = path_of(path, sizeof path, tmp, name, NULL, NULL)
			&& write_sealed_photo(s, &r->photos[k], path, pk);
	}
	return ok && common_fsync_dir(tmp);
}

bool sync_seal_final(struct store *s, const struct record *r, char *err, size_t errlen)
{
	const char *dir = store_dir(s);
	struct sync_city_pin pin;
	unsigned char pk[SEALED_KEY_BYTES];
	last_notice[0] = '\0';
	if (!sync_city_pin_read(dir, &pin) || !sealed_key_parse(pin.key, pk)) {
		snprintf(last_notice, sizeof last_notice, "%s", _("Kunci kota belum tersimpan di profil "
			"ini (login ke server yang punya kunci kota): rekaman ini hanya terkirim saat "
			"sinkronisasi dengan profil terbuka."));
		return true;
	}
	char top[PATH_MAX], tmp[PATH_MAX], final[PATH_MAX], name[RECORD_UUID_LEN + 8];
	snprintf(name, sizeof name, NEW_PREFIX "%s", r->uuid);
	bool ok = path_of(top, sizeof top, dir, SEALED_DIR, NULL, NULL)
		&& path_of(tmp, sizeof tmp, top, name, NULL, NULL)
		&& path_of(final, sizeof final, top, r->uuid, NULL, NULL) && make_dir(top, dir);
	if (ok) {
		remove_tree(tmp);        /* a finalisation cut short before */
		ok = mkdir(tmp, 0700) == 0 && write_deposit(s, r, tmp, pk);
	}
	/* the folder appears whole under its name, or not at all */
	if (ok)
		ok = rename(tmp, final) == 0 && common_fsync_dir(top);
	if (!ok) {
		int saved = errno;
		remove_tree(tmp);
		snprintf(err, errlen, _("Salinan tersegel rekaman tidak bisa ditulis di %s: %s."), top,
			strerror(saved));
	}
	return ok;
}

/* the deposit of uuid in folder, if any, removed */
static void forget_in(const char *folder, const char *uuid)
{
	char path[PATH_MAX];
	if (!path_of(path, sizeof path, folder, uuid, NULL, NULL) || access(path, F_OK) != 0)
		return;
	remove_tree(path);
	common_fsync_dir(folder);
}

void sync_sealed_forget(const char *profile_dir, const char *uuid)
{
	char top[PATH_MAX], quarantine[PATH_MAX];
	if (!proto_is_uuid(uuid) || !path_of(top, sizeof top, profile_dir, SEALED_DIR, NULL, NULL)
		|| !path_of(quarantine, sizeof quarantine, top, QUARANTINE, NULL, NULL))
		return;
	forget_in(top, uuid);
	forget_in(quarantine, uuid);
}

static void undo_seal(struct store *s, const char *uuid)
{
	sync_sealed_forget(store_dir(s), uuid);
}

static const struct store_final_copy sealed_copy = { sync_seal_final, undo_seal };

void sync_sealed_install(void)
{
	store_set_final_copy(&sealed_copy);
}

/* ---------------------------------------------------------------- receipts */

/* the ids of the entries of folder that are record ids, oldest first (by
 * the time their record file was written: a correction after the record
 * it corrects) */
struct entry {
	char id[RECORD_UUID_LEN + 1];
	struct timespec at;
};

static int entry_order(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	if (x->at.tv_sec != y->at.tv_sec)
		return x->at.tv_sec < y->at.tv_sec ? -1 : 1;
	if (x->at.tv_nsec != y->at.tv_nsec)
		return x->at.tv_nsec < y->at.tv_nsec ? -1 : 1;
	return strcmp(x->id, y->id);
}

static size_t list_ids(const char *folder, const char *inside, struct entry **out)
{
	*out = NULL;
	DIR *d = opendir(folder);
	if (d == NULL)
		return 0;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		char path[PATH_MAX];
		struct stat st;
		if (!proto_is_uuid(e->d_name)
			|| !path_of(path, sizeof path, folder, e->d_name, inside, NULL)
			|| stat(path, &st) != 0)
			continue;
		if (n == cap) {
			struct entry *more = realloc(*out, (cap = cap * 2 + 16) * sizeof **out);
			if (more == NULL)
				break;
			*out = more;
		}
		memcpy((*out)[n].id, e->d_name, RECORD_UUID_LEN + 1);   /* a UUID: 36 + NUL */
		(*out)[n++].at = st.st_mtim;
	}
	closedir(d);
	if (n > 1)
		qsort(*out, n, sizeof **out, entry_order);
	return n;
}

static char *read_small(const char *path, size_t max, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = f != NULL ? malloc(max + 1) : NULL;
	size_t n = buf != NULL ? fread(buf, 1, max + 1, f) : 0;
	if (f != NULL)
		fclose(f);
	if (buf == NULL || n > max || n == 0) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* one receipt into the store: the record settles as the push would have
 * settled it, unless something else (a normal push, a review) came first */
static bool settle_receipt(struct store *s, const char *path, const char *id)
{
	size_t len;
	char *body = read_small(path, HTTP_SMALL_MAX, &len);
	struct proto_verification_result r;
	struct proto_error e;
	bool ok = body != NULL && proto_verification_result_decode(body, len, &r, &e) == PROTO_OK
		&& strcmp(r.id, id) == 0;
	free(body);
	if (!ok)
		return false;
	struct record *rec = calloc(1, sizeof *rec);
	if (rec == NULL)
		return false;
	bool waiting = store_record_get(s, id, rec) == STORE_OK && rec->state == STATE_FINAL;
	free(rec);
	if (!waiting)
		return true;
	char msg[RECORD_TEXT_MAX];
	sync_flags_message(&r, msg, sizeof msg);
	return store_record_settle(s, id, strcmp(r.status, "flagged") == 0 || r.n_flags > 0
		? STATE_FLAGGED : STATE_ACCEPTED, msg) == STORE_OK;
}

/* Deposits in folder (the outbox or its quarantine) of records the store
 * no longer holds as waiting: sent by a normal push (the server has them,
 * or refused them and the store keeps them quarantined), or written by a
 * finalisation whose commit never happened. */
static void forget_settled(struct store *s, const char *folder)
{
	struct entry *ids;
	size_t n = list_ids(folder, "record", &ids);
	bool removed = false;
	for (size_t i = 0; i < n; i++) {
		char path[PATH_MAX];
		struct record *rec = calloc(1, sizeof *rec);
		enum store_status st = rec != NULL ? store_record_get(s, ids[i].id, rec) : STORE_IO;
		if (((st == STORE_OK && rec->state != STATE_FINAL) || st == STORE_NOT_FOUND)
			&& path_of(path, sizeof path, folder, ids[i].id, NULL, NULL)) {
			remove_tree(path);
			removed = true;
		}
		free(rec);
	}
	free(ids);
	if (removed)
		common_fsync_dir(folder);
}

int sync_sealed_settle(struct store *s)
{
	const char *dir = store_dir(s);
	char top[PATH_MAX], receipts[PATH_MAX];
	if (!path_of(top, sizeof top, dir, SEALED_DIR, NULL, NULL)
		|| !path_of(receipts, sizeof receipts, top, RECEIPTS, NULL, NULL))
		return 0;
	struct entry *ids;
	size_t n = list_ids(receipts, NULL, &ids);
	int settled = 0;
	for (size_t i = 0; i < n; i++) {
		char path[PATH_MAX];
		if (path_of(path, sizeof path, receipts, ids[i].id, NULL, NULL)
			&& settle_receipt(s, path, ids[i].id)) {
			/* settled, its receipt still there: the next run reads it again */
			crashpoint("sync.receipt_settled");
			unlink(path);
			settled++;
		}
	}
	free(ids);
	if (settled > 0)
		common_fsync_dir(receipts);
	forget_settled(s, top);
	char quarantine[PATH_MAX];
	if (path_of(quarantine, sizeof quarantine, top, QUARANTINE, NULL, NULL))
		forget_settled(s, quarantine);
	return settled;
}

/* ---------------------------------------------------------------- deposit */

struct deposit {
	const struct sync_config *cfg;
	const char *dir;
	char top[PATH_MAX];
	char base[SYNC_URL_MAX], ca_file[SYNC_PATH_MAX];
	char token[PROTO_TOKEN_MAX + 2];
	struct sync_sealed_result *out;
};

/* the run ends: why, into the result */
static bool stop(struct deposit *d, enum sync_outcome o, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static bool stop(struct deposit *d, enum sync_outcome o, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(d->out->message, sizeof d->out->message, fmt, ap);
	va_end(ap);
	d->out->outcome = o;
	return false;
}

/* One PUT of a sealed file, blocking; the transfer (answer) or NULL. */
static struct http_xfer *put_file(struct deposit *d, const char *url_path, const char *file)
{
	char url[SYNC_URL_MAX + 128];
	struct stat st;
	snprintf(url, sizeof url, "%s%s", d->base, url_path);
	if (stat(file, &st) != 0)
		return NULL;
	struct http_xfer *x = http_new(d->cfg, d->ca_file, "PUT", url, d->token, HTTP_SMALL_MAX);
	if (x == NULL || !http_set_sealed_file(x, file, (int64_t)st.st_size)) {
		http_free(x);
		return NULL;
	}
	http_finish(x, curl_easy_perform(x->easy));
	return x;
}

/* a connection failure, a 5xx or 429, a problem marked retryable */
static bool worth_retrying(const struct http_xfer *x)
{
	enum http_class c = http_classify(x);
	struct proto_problem pb;
	return c == HTTP_TRANSIENT || (c == HTTP_ANSWERED && (http_status_transient(x->status)
		|| (sync_problem(x, &pb) && pb.retryable)));
}

/* put_file, tried again after the engine's backoff (doc/PROTOCOL.md
 * section 4) while the answer is worth it, up to the configured tries: a
 * cron run rides out a server restart or a photo another connection still
 * holds (503) */
static struct http_xfer *put_file_retrying(struct deposit *d, const char *url_path,
	const char *file)
{
	for (int attempt = 1;; attempt++) {
		struct http_xfer *x = put_file(d, url_path, file);
		if (x == NULL || !worth_retrying(x)
			|| (d->cfg->max_attempts > 0 && attempt >= d->cfg->max_attempts))
			return x;
		long wait_ms = sync_backoff_ms(d->cfg, attempt + 1,
			randombytes_uniform(1000000) / 1e6, x->retry_after_s * 1000);
		http_free(x);
		struct timespec ts = { wait_ms / 1000, (wait_ms % 1000) * 1000000L };
		while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
			continue;
	}
}

/* A failed transfer or an answer that stops the whole run (no token, a
 * disabled operator, the network, a portal): false with the outcome. */
static bool answer_usable(struct deposit *d, const struct http_xfer *x)
{
	switch (http_classify(x)) {
	case HTTP_ANSWERED:
		break;
	case HTTP_TLS:
		return stop(d, SYNC_TLS, _("Sertifikat server tidak sah: %s"), x->errbuf);
	case HTTP_PORTAL:
		return stop(d, SYNC_PORTAL, "%s", _("Tersambung ke jaringan yang meminta login, bukan "
			"ke server kota."));
	case HTTP_LOCAL:
		return stop(d, SYNC_LOCAL, "%s", _("Berkas tersegel tidak terbaca."));
	default:
		return stop(d, SYNC_NETWORK, "%s", _("Server tidak terjangkau; kiriman tersegel "
			"tetap tersimpan untuk sinkronisasi berikutnya."));
	}
	struct proto_problem pb;
	bool problem = sync_problem(x, &pb);
	if (x->status == 401)
		return stop(d, SYNC_LOGIN_NEEDED, "%s", _("Sesi tidak berlaku lagi: jalankan sigacor "
			"login."));
	if (x->status == 403 && problem && strcmp(pb.code, "operator_disabled") == 0)
		return stop(d, SYNC_DISABLED, "%s", pb.detail);
	if (x->status == 404)
		return stop(d, SYNC_SERVER, "%s", _("Server tidak menerima kiriman tersegel (tanpa "
			"kunci kota); rekaman terkirim saat sinkronisasi dengan profil terbuka."));
	if (http_status_transient(x->status) || (problem && pb.retryable))
		return stop(d, SYNC_NETWORK, "%s", _("Server sibuk; kiriman tersegel tetap tersimpan "
			"untuk sinkronisasi berikutnya."));
	return true;
}

/* The server refused this deposit: kept aside with its reason, never lost
 * (the record itself is in the profile and goes with an unlocked sync). */
static void quarantine(struct deposit *d, const char *id, const struct http_xfer *x)
{
	char from[PATH_MAX], q[PATH_MAX], to[PATH_MAX], why[PATH_MAX];
	struct proto_problem pb;
	char text[RECORD_TEXT_MAX + 64];
	int n = sync_problem(x, &pb) ? snprintf(text, sizeof text, "%ld %s %s\n", x->status, pb.code,
		pb.detail) : snprintf(text, sizeof text, "%ld\n", x->status);
	if (!path_of(from, sizeof from, d->top, id, NULL, NULL)
		|| !path_of(q, sizeof q, d->top, QUARANTINE, NULL, NULL)
		|| !path_of(to, sizeof to, q, id, NULL, NULL)
		|| !path_of(why, sizeof why, from, "why", NULL, NULL) || !make_dir(q, d->top))
		return;
	if (n > 0)
		common_write_file(why, text, strlen(text));
	remove_tree(to);           /* an older refusal of the same deposit */
	if (rename(from, to) == 0) {
		common_fsync_dir(d->top);
		common_fsync_dir(q);
	}
	d->out->refused++;
	snprintf(d->out->message, sizeof d->out->message, _("Server menolak kiriman tersegel "
		"%s: %s (disimpan di %s)."), id, sync_problem(x, &pb) ? pb.detail : "-", q);
}

/* the receipt first (a kill after it sends the deposit again: the server
 * answers as the first time), then the deposit goes */
static bool accepted(struct deposit *d, const char *id, const struct http_xfer *x)
{
	struct proto_verification_result r;
	struct proto_error e;
	char receipts[PATH_MAX], path[PATH_MAX], folder[PATH_MAX];
	if (x->len == 0 || proto_verification_result_decode(x->body, x->len, &r, &e) != PROTO_OK
		|| strcmp(r.id, id) != 0)
		return stop(d, SYNC_SERVER, _("Jawaban server atas kiriman tersegel rusak. (Rincian: "
			"%s)"), sync_proto_detail(&e).text);
	if (!path_of(receipts, sizeof receipts, d->top, RECEIPTS, NULL, NULL)
		|| !path_of(path, sizeof path, receipts, id, NULL, NULL)
		|| !path_of(folder, sizeof folder, d->top, id, NULL, NULL)
		|| !make_dir(receipts, d->top) || !common_write_file(path, x->body, x->len))
		return stop(d, SYNC_LOCAL, _("Tanda terima tidak bisa ditulis di %s: %s."), receipts,
			strerror(errno));
	remove_tree(folder);
	common_fsync_dir(d->top);
	d->out->sent++;
	return true;
}

/* one deposit: its photos, then its record.  false: the run stops */
static bool send_one(struct deposit *d, const char *id)
{
	char folder[PATH_MAX], path[PATH_MAX], url_path[128];
	if (!path_of(folder, sizeof folder, d->top, id, NULL, NULL))
		return true;
	for (int k = 0; k < PHOTO_KIND_COUNT; k++) {
		char name[32];
		snprintf(name, sizeof name, "photo-%s", record_photo_kind_code((enum photo_kind)k));
		if (!path_of(path, sizeof path, folder, name, NULL, NULL) || access(path, F_OK) != 0)
			continue;
		snprintf(url_path, sizeof url_path, "/sealed/%s/photo", id);
		struct http_xfer *x = put_file_retrying(d, url_path, path);
		if (x == NULL)
			return stop(d, SYNC_LOCAL, _("Berkas tersegel %s tidak terbaca."), path);
		bool go_on = answer_usable(d, x);
		if (go_on && x->status != 200 && x->status != 201) {
			quarantine(d, id, x);
			http_free(x);
			return true;
		}
		if (go_on)
			d->out->photos_sent++;
		http_free(x);
		if (!go_on)
			return false;
	}
	snprintf(url_path, sizeof url_path, "/sealed/%s", id);
	if (!path_of(path, sizeof path, folder, "record", NULL, NULL))
		return true;
	struct http_xfer *x = put_file_retrying(d, url_path, path);
	if (x == NULL)
		return stop(d, SYNC_LOCAL, _("Berkas tersegel %s tidak terbaca."), path);
	bool go_on = answer_usable(d, x);
	if (go_on && (x->status == 200 || x->status == 201))
		go_on = accepted(d, id, x);
	else if (go_on)
		quarantine(d, id, x);
	http_free(x);
	return go_on;
}

static bool deposit_session(struct deposit *d)
{
	struct sync_city_pin pin;
	char err[256];
	if (!sync_city_pin_read(d->dir, &pin) && d->cfg->server_url[0] == '\0')
		return stop(d, SYNC_NOT_LOGGED_IN, "%s", _("Kunci kota belum tersimpan: jalankan "
			"sigacor login."));
	if (!sync_url_normalise(d->cfg->server_url[0] != '\0' ? d->cfg->server_url : pin.server,
		d->base, sizeof d->base, err, sizeof err))
		return stop(d, SYNC_NOT_LOGGED_IN, "%s", err);
	snprintf(d->ca_file, sizeof d->ca_file, "%s", d->cfg->ca_file[0] != '\0' ? d->cfg->ca_file
		: pin.ca_file);
	if (!store_deposit_token_read(d->dir, d->token, sizeof d->token))
		return stop(d, SYNC_NOT_LOGGED_IN, "%s", _("Belum masuk ke server. Jalankan: sigacor "
			"login --server ALAMAT --operator NAMA"));
	if (!curl_lazy_load(err, sizeof err))
		return stop(d, SYNC_LOCAL, "%s", err);
	return true;
}

bool sync_sealed_deposit(const char *profile_dir, const struct sync_config *cfg,
	struct sync_sealed_result *out)
{
	struct deposit *d = calloc(1, sizeof *d);
	memset(out, 0, sizeof *out);
	out->outcome = SYNC_OK;
	if (d == NULL)
		return false;
	d->cfg = cfg;
	d->dir = profile_dir;
	d->out = out;
	struct entry *ids = NULL;
	size_t n = path_of(d->top, sizeof d->top, profile_dir, SEALED_DIR, NULL, NULL)
		? list_ids(d->top, "record", &ids) : 0;
	out->waiting = (int)n;
	bool ok = n == 0 || deposit_session(d);
	for (size_t i = 0; ok && i < n; i++)
		ok = send_one(d, ids[i].id);
	sodium_memzero(d->token, sizeof d->token);
	free(ids);
	free(d);
	if (ok && out->refused > 0)
		out->outcome = SYNC_QUARANTINED;
	return ok;
}
