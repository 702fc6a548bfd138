/* web: the supervisors' dashboard served by `sigacor-server serve` at "/"
 * (doc/DASHBOARD.md).  Internal to src/server, beside server.h.
 *
 * supervisors.c  the accounts and their scope (city, kecamatan, kelurahan)
 * web_session.c  cookie sessions, CSRF tokens, the login and logout
 * web_strings.c  the pages' words in Indonesian and English
 * web_data.c     the JSON behind the pages: map, lists, a record, review
 * web.c          the HTTP side: routes, page shells, static files, photos */
#ifndef SIGACOR_WEB_H
#define SIGACOR_WEB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "server.h"

struct sdb;
struct MHD_Connection;

/* ---- supervisors (supervisors.c) */

#define WEB_NAME_MAX 63
#define WEB_SCOPE_MAX 16                /* "36.71", "36.71.01", "36.71.01.1001" */

struct supervisor {
	long long id;
	char name[WEB_NAME_MAX + 1];
	/* the scope is a region code whose kelurahan it covers: the city
	 * "36.71", a kecamatan "36.71.01" or one kelurahan "36.71.01.1001" */
	char scope[WEB_SCOPE_MAX];
};

/* true when the supervisor's scope holds the kelurahan */
bool supervisor_covers(const struct supervisor *s, const char *kelurahan);
/* "kota", "kecamatan" or "kelurahan": what the scope code names */
const char *supervisor_scope_kind(const char *scope);
/* the region's name: "Kota Tangerang", a kecamatan's "Cibodas" or a
 * kelurahan's "Sukarasa" (the scope code itself when the table lacks it) */
const char *supervisor_scope_name(const char *scope);
/* `sigacor-server add-supervisor NAME --scope city|kecamatan CODE|kelurahan CODE` */
int admin_add_supervisor(int argc, char **argv);

/* ---- the pages' words (web_strings.c) */

enum web_lang { WEB_LANG_ID = 0, WEB_LANG_EN };

#define WEB_STRINGS(X) \
	X(S_TITLE, "title", N_("Dasbor verifikasi bansos Kota Tangerang")) \
	X(S_LOGIN, "login", N_("Masuk")) \
	X(S_LOGOUT, "logout", N_("Keluar dari dasbor")) \
	X(S_NAME, "name", N_("Nama")) \
	X(S_PASSWORD, "password", N_("Kata sandi")) \
	X(S_LOGIN_FAILED, "login_failed", N_("Nama atau kata sandi salah.")) \
	X(S_LOGIN_THROTTLED, "login_throttled", N_("Terlalu banyak percobaan masuk yang salah; tunggu sebentar lalu coba lagi.")) \
	X(S_LOGIN_EXPIRED, "login_expired", N_("Halaman masuk sudah kedaluwarsa; silakan coba lagi.")) \
	X(S_MAP, "map", N_("Peta")) \
	X(S_SCOPE_CITY, "scope_kota", N_("Kota")) \
	X(S_SCOPE_KECAMATAN, "scope_kecamatan", N_("Kecamatan")) \
	X(S_SCOPE_KELURAHAN, "scope_kelurahan", N_("Kelurahan")) \
	X(S_LANGUAGE_OTHER, "language_other", N_("English")) \
	X(S_LOADING, "loading", N_("Memuat...")) \
	X(S_LOAD_FAILED, "load_failed", N_("Data tidak dapat dimuat.")) \
	X(S_FORBIDDEN, "forbidden", N_("Halaman ini di luar wilayah Anda.")) \
	X(S_NOT_FOUND, "not_found", N_("Halaman ini tidak ada.")) \
	X(S_BACK_TO_MAP, "back_to_map", N_("Kembali ke peta")) \
	X(S_LEGEND, "legend", N_("Keterangan")) \
	X(S_PROGRESS, "progress", N_("Kemajuan")) \
	X(S_ASSIGNED, "assigned", N_("Sasaran")) \
	X(S_VERIFIED, "verified", N_("Terverifikasi")) \
	X(S_POINTS, "points", N_("rumah terverifikasi di peta")) \
	X(S_OUT_OF_SCOPE_AREA, "out_of_scope_area", N_("di luar wilayah Anda")) \
	X(S_OPEN_LIST, "open_list", N_("Buka daftar")) \
	X(S_KELURAHAN_LIST, "kelurahan_list", N_("Daftar kelurahan")) \
	X(S_LAYAK, "layak", N_("Layak")) \
	X(S_TIDAK_LAYAK, "tidak-layak", N_("Tidak layak")) \
	X(S_TIDAK_DITEMUKAN, "tidak-ditemukan", N_("Tidak ditemukan")) \
	X(S_ALL, "all", N_("Semua")) \
	X(S_OUTCOME, "outcome", N_("Hasil")) \
	X(S_FLAG, "flag", N_("Tanda")) \
	X(S_FLAGGED, "flagged", N_("Ditandai")) \
	X(S_NOT_FLAGGED, "not_flagged", N_("Tanpa tanda")) \
	X(S_REVIEW, "review", N_("Pemeriksaan")) \
	X(S_NOT_REVIEWED, "not_reviewed", N_("Belum diperiksa")) \
	X(S_CONFIRMED, "confirmed", N_("Diterima")) \
	X(S_REJECTED, "rejected", N_("Ditolak")) \
	X(S_REVISIT, "revisit", N_("Kunjungi ulang")) \
	X(S_SORT, "sort", N_("Urutkan")) \
	X(S_BY_NAME, "by_name", N_("Menurut nama")) \
	X(S_BY_PROGRESS, "by_progress", N_("Kemajuan terendah dulu")) \
	X(S_BY_ADDRESS, "by_address", N_("Menurut alamat")) \
	X(S_BY_COORD, "by_coord", N_("Menurut koordinat")) \
	X(S_SEARCH, "search", N_("Cari di daftar ini")) \
	X(S_ADDRESS, "address", N_("Alamat")) \
	X(S_COORD, "coord", N_("Koordinat")) \
	X(S_NO_COORD, "no_coord", N_("tanpa koordinat")) \
	X(S_RECORDS, "records", N_("rekaman")) \
	X(S_NONE_FOUND, "none_found", N_("Tidak ada rekaman yang cocok.")) \
	X(S_RECORD, "record", N_("Rekaman verifikasi")) \
	X(S_NIK, "nik", N_("NIK")) \
	X(S_KK, "kk", N_("Nomor KK")) \
	X(S_DECISION, "decision", N_("Keputusan")) \
	X(S_REASON, "reason", N_("Alasan")) \
	X(S_NOTES, "notes", N_("Catatan petugas")) \
	X(S_OPERATOR, "operator", N_("Petugas")) \
	X(S_FINALISED, "finalised", N_("Diselesaikan")) \
	X(S_RECEIVED, "received", N_("Diterima server")) \
	X(S_COORD_SOURCE_EXIF, "coord_exif", N_("dari foto (EXIF)")) \
	X(S_COORD_SOURCE_MANUAL, "coord_manual", N_("diketik petugas")) \
	X(S_COORD_SOURCE_PHONE, "coord_phone", N_("posisi ponsel saat unggah")) \
	X(S_PHOTOS, "photos", N_("Foto")) \
	X(S_PHOTO_KTP, "photo_ktp", N_("KTP")) \
	X(S_PHOTO_KK, "photo_kk", N_("Kartu Keluarga")) \
	X(S_PHOTO_RUMAH, "photo_rumah", N_("Rumah")) \
	X(S_TAKEN_AT, "taken_at", N_("Waktu foto")) \
	X(S_PHOTO_GPS, "photo_gps", N_("GPS foto")) \
	X(S_SIZE, "size", N_("Ukuran")) \
	X(S_NO_PHOTO_GPS, "no_photo_gps", N_("foto tanpa GPS")) \
	X(S_PHOTOS_WAITING, "photos_waiting", N_("Menunggu foto")) \
	X(S_PHOTOS_NOT_ARRIVED, "photos_not_arrived", N_("foto belum tiba")) \
	X(S_PHOTO_NOT_ARRIVED, "photo_not_arrived", N_("Foto ini belum diterima server; rekaman dikirim lebih dulu.")) \
	X(S_CONFIRM_WAITING, "confirm_waiting", N_("Rekaman ini masih menunggu foto; belum dapat diterima. Tolak atau minta kunjungan ulang bila fotonya tidak kunjung datang.")) \
	X(S_FLAGS, "flags", N_("Tanda dari server")) \
	X(S_NO_FLAGS, "no_flags", N_("Tidak ada tanda.")) \
	X(S_REVIEW_HISTORY, "review_history", N_("Riwayat pemeriksaan")) \
	X(S_NO_REVIEW, "no_review", N_("Belum diperiksa kota.")) \
	X(S_REVIEW_NOTE, "review_note", N_("Catatan pemeriksaan")) \
	X(S_REVIEW_BY, "review_by", N_("oleh")) \
	X(S_REVIEW_BY_COMMAND, "review_by_command", N_("perintah review di server")) \
	X(S_REVIEW_SAVE, "review_save", N_("Simpan pemeriksaan")) \
	X(S_REVIEW_SAVED, "review_saved", N_("Hasil pemeriksaan disimpan; petugas melihatnya setelah sinkronisasi berikutnya.")) \
	X(S_REVIEW_READONLY, "review_readonly", N_("Rekaman ini hanya dapat dilihat.")) \
	X(S_SUPERSEDES, "supersedes", N_("Mengoreksi rekaman")) \
	X(S_SUPERSEDED_BY, "superseded_by", N_("Sudah dikoreksi oleh rekaman")) \
	X(S_DUPLICATE_NIK, "duplicate_nik", N_("NIK ganda")) \
	X(S_REGISTRY_OTHER, "registry_other_kelurahan", N_("Terdaftar di kelurahan lain")) \
	X(S_NOT_IN_REGISTRY, "not_in_registry", N_("Tidak ada di data kependudukan")) \
	X(S_KK_LAYAK_TWICE, "kk_layak_twice", N_("KK layak ganda")) \
	X(S_PHOTO_OTHER_NIK, "photo_other_nik", N_("Foto dipakai NIK lain")) \
	X(S_HOUSE_OUTSIDE_CITY, "house_outside_city", N_("Rumah di luar kota")) \
	X(S_HOUSE_OTHER_KELURAHAN, "house_other_kelurahan", N_("Rumah di kelurahan lain")) \
	X(S_HOUSE_FAR_FROM_KK, "house_far_from_kk", N_("Rumah jauh dari KK-nya")) \
	X(S_PHOTO_AFTER_FINAL, "photo_after_final", N_("Foto setelah final")) \
	X(S_PHOTO_YEARS_OLD, "photo_years_old", N_("Foto lebih dari setahun")) \
	X(S_CSRF, "csrf", N_("Formulir ini tidak sah atau sudah kedaluwarsa; muat ulang halaman.")) \
	X(S_SESSION_ENDED, "session_ended", N_("Sesi sudah berakhir; silakan masuk kembali.")) \
	X(S_BAD_REVIEW, "bad_review", N_("Pilih diterima, ditolak atau kunjungi ulang; catatan paling banyak 1023 byte.")) \
	X(S_SERVER_ERROR, "server_error", N_("Terjadi kesalahan di server; coba lagi nanti.")) \
	X(S_BUSY, "busy", N_("Server sedang sibuk; coba lagi sebentar lagi."))

enum web_string {
#define WEB_STRING_ENUM(e, key, text) e,
	WEB_STRINGS(WEB_STRING_ENUM)
#undef WEB_STRING_ENUM
	WEB_STRING_COUNT
};

/* Look the English words up once, before any thread runs (gettext's
 * language is the process's; a request picks its own from the table). */
void web_strings_init(void);
const char *web_string(enum web_lang lang, enum web_string s);
const char *web_string_key(enum web_string s);
/* a reason of "tidak layak" and a flag's sentence in the language */
const char *web_reason_label(enum web_lang lang, enum reason r);
const char *web_flag_message(enum web_lang lang, enum flag f);
/* the words of a page as one JSON object {"key":"text",...} (malloc'd) */
char *web_strings_json(enum web_lang lang);

/* ---- sessions (web_session.c) */

#define WEB_SESSION_COOKIE "sigacor_session"
#define WEB_LOGIN_COOKIE "sigacor_login"
#define WEB_TOKEN_LEN 43                /* 32 random bytes, base64url */
#define WEB_SESSION_SECONDS (8 * 3600)

struct web_session {
	struct supervisor who;
	char csrf[WEB_TOKEN_LEN + 1];
	char token_hash[65];
};

/* The live session of a cookie token; false when none (unknown, expired,
 * or the supervisor disabled).  Uses the thread's reading connection. */
bool web_session_find(const char *token, struct web_session *out);
enum web_login_result { WEB_LOGIN_OK, WEB_LOGIN_BAD, WEB_LOGIN_THROTTLED, WEB_LOGIN_ERROR };
/* Check the password (Argon2id, throttled like operators' logins) and open
 * a session: the cookie token into token. */
/* addr: the client's address as throttle_address writes it */
enum web_login_result web_login(const char *name, const char *password, const char *addr,
	char token[WEB_TOKEN_LEN + 1]);
bool web_logout(const struct web_session *s);
/* a fresh random token (cookies, CSRF) */
void web_random_token(char out[WEB_TOKEN_LEN + 1]);
/* constant-time comparison of two tokens */
bool web_token_equal(const char *a, const char *b);

/* ---- the JSON behind the pages (web_data.c) */

/* A JSON handler answers a struct reply (server.h): status, a malloc'd
 * body, problem when the body is application/problem+json. */
void web_problem(struct reply *out, enum web_lang lang, int status, const char *code,
	enum web_string detail);
void web_map_json(const struct web_session *s, struct reply *out, enum web_lang lang);
/* filters: NULL or "" for all */
struct web_list_filter {
	const char *outcome;    /* layak | tidak-layak | tidak-ditemukan */
	const char *flag;       /* flagged | none | a flag code */
	const char *review;     /* none | confirmed | rejected | revisit */
	const char *sort;       /* name (default) | address | coord */
};
void web_list_json(const struct web_session *s, const char *kelurahan,
	const struct web_list_filter *f, struct reply *out, enum web_lang lang);
void web_record_json(const struct web_session *s, const char *id, struct reply *out,
	enum web_lang lang);
void web_review(const struct web_session *s, const char *id, const char *body, size_t len,
	struct reply *out, enum web_lang lang);
/* The kelurahan of a record: 1 found (into kel), 0 no such record, -1 error */
int web_record_kelurahan(const char *id, char kel[16]);
/* the stored photo of a record: 1 found (sha256 into sha), 0 none, -1 error */
int web_record_photo(const char *id, const char *kind, char sha[65]);

/* ---- the HTTP side (web.c) */

struct web_config {
	const char *dir;                /* the data folder (blobs) */
	const char *assets;             /* assets/web: app.js, app.css */
	const char *leaflet;            /* Debian's libjs-leaflet */
	const char *tiles;              /* optional tile URL template, NULL = none */
	bool tls;                       /* cookies get Secure */
};
void web_configure(const struct web_config *cfg);

struct web_request;
/* true when the URL is the dashboard's (everything outside /api/) */
bool web_owns(const char *url);
/* libmicrohttpd's access handler for the dashboard's URLs */
int web_handle(struct MHD_Connection *c, const char *url, const char *method,
	const char *upload_data, size_t *upload_data_size, struct web_request **state);
/* for the log line: route (a template, never a NIK or name), status,
 * bytes, who (the supervisor or "-") */
void web_request_log(const struct web_request *r, const char **route, int *status, size_t *out,
	const char **who);
void web_request_free(struct web_request *r);

#endif
