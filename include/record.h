/* record: a verification record and the rules it must meet (core, pure).
 * The store saves it, the screens and the CLI fill it, sync sends it. */
#ifndef SIGACOR_RECORD_H
#define SIGACOR_RECORD_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include "nik.h"

#define RECORD_UUID_LEN 36
#define RECORD_NAME_MAX 128        /* bytes, UTF-8 */
#define RECORD_ADDRESS_MAX 256
#define RECORD_TEXT_MAX 1024       /* notes, reasons */
#define RECORD_OPERATOR_MAX 64

enum photo_kind { PHOTO_KIND_KTP = 0, PHOTO_KIND_KK, PHOTO_KIND_RUMAH, PHOTO_KIND_COUNT };

enum decision { DECISION_NONE = 0, DECISION_LAYAK, DECISION_TIDAK_LAYAK };

/* The official reasons for "tidak layak".  X(enum, "code", N_("label")) */
#define RECORD_REASONS(X) \
	X(REASON_NONE,             "",                  N_("(belum dipilih)")) \
	X(REASON_TIDAK_DITEMUKAN,  "tidak-ditemukan",   N_("Tidak ditemukan")) \
	X(REASON_MENINGGAL,        "meninggal",         N_("Meninggal")) \
	X(REASON_SUDAH_MAMPU,      "sudah-mampu",       N_("Sudah mampu")) \
	X(REASON_MENOLAK,          "menolak",           N_("Menolak")) \
	X(REASON_KEPESERTAAN_GANDA, "kepesertaan-ganda", N_("Kepesertaan ganda")) \
	X(REASON_PINDAH,           "pindah",            N_("Pindah")) \
	X(REASON_PEKERJA_MIGRAN,   "pekerja-migran",    N_("Menjadi pekerja migran")) \
	X(REASON_LAINNYA,          "lainnya",           N_("Lainnya (tulis alasannya)"))

enum reason {
#define RECORD_REASON_ENUM(e, code, label) e,
	RECORD_REASONS(RECORD_REASON_ENUM)
#undef RECORD_REASON_ENUM
	REASON_COUNT
};

/* Where the house coordinates come from: a photo's EXIF GPS, typed by the
 * clerk (with a reason), or the position the clerk's phone gave when it
 * uploaded the house photo without GPS to the photo inbox (its accuracy in
 * coord_reason).  On the wire and in files: "exif", "manual", "phone". */
enum coord_source { COORD_NONE = 0, COORD_EXIF, COORD_MANUAL, COORD_PHONE, COORD_SOURCE_COUNT };

/* draft -> final (queued, frozen) -> sending -> accepted | flagged | quarantined */
enum record_state { STATE_DRAFT = 0, STATE_FINAL, STATE_SENDING, STATE_ACCEPTED,
	STATE_FLAGGED, STATE_QUARANTINED, STATE_COUNT };

struct record_photo {
	bool attached;
	char sha256[65];
	int64_t size;
	bool has_gps;
	double lat, lon;
	char taken_at[20];          /* "YYYY-MM-DD HH:MM:SS" or "" */
	char original_name[256];    /* file name the clerk picked (not the path) */
	/* the photo the clerk picked, when the kept file (sha256, size) is its
	 * smaller copy; the same as sha256/size when it was kept as it is;
	 * "" and 0 for records made before copies */
	char original_sha256[65];
	int64_t original_size;
	int original_width, original_height;    /* pixels, 0 when unknown */
};

struct record {
	char uuid[RECORD_UUID_LEN + 1];
	char nik[NIK_LEN + 1];
	bool in_registry;                 /* the NIK was found in the registry copy */
	char name[RECORD_NAME_MAX];       /* from the registry, or typed when not in it */
	char address[RECORD_ADDRESS_MAX];
	char kelurahan[16];               /* "36.71.01.1001" */
	char kk[NIK_LEN + 1];
	enum decision decision;
	enum reason reason;
	char reason_text[RECORD_TEXT_MAX];   /* required for REASON_LAINNYA */
	char notes[RECORD_TEXT_MAX];
	bool has_coord;
	double lat, lon;
	enum coord_source coord_source;
	char coord_reason[RECORD_TEXT_MAX];  /* required for COORD_MANUAL */
	struct record_photo photos[PHOTO_KIND_COUNT];
	char operator_name[RECORD_OPERATOR_MAX];
	char supersedes[RECORD_UUID_LEN + 1];   /* uuid of the record this corrects, or "" */
	int64_t answers_review;     /* the city's review (server id) this correction answers, 0 none */
	/* the latest review the city sent back for this record (kept by the
	 * store from the changes feed, never sent): "" | "confirmed" |
	 * "rejected" | "revisit"; answered: a final correction answers it */
	char review[16];
	char review_note[RECORD_TEXT_MAX];
	bool review_answered;
	/* sent before its photos, some still queued on this laptop (kept by
	 * the store, never sent): the server shows it "menunggu foto" */
	bool photos_waiting;
	enum record_state state;
	int64_t created_at, updated_at, finalised_at;   /* unix seconds */
	char server_message[RECORD_TEXT_MAX];    /* quarantine reason / flag from the server */
};

/* What stops a record from being finalised.  X(enum, "code", N_("pesan")) */
#define RECORD_PROBLEMS(X) \
	X(RECORD_ERR_NIK,            "nik",             N_("NIK tidak sah")) \
	X(RECORD_ERR_NAME,           "name",            N_("nama wajib diisi untuk NIK yang tidak ada di data kependudukan")) \
	X(RECORD_ERR_PHOTO_KTP,      "photo_ktp",       N_("foto KTP belum dilampirkan")) \
	X(RECORD_ERR_PHOTO_KK,       "photo_kk",        N_("foto KK belum dilampirkan")) \
	X(RECORD_ERR_PHOTO_RUMAH,    "photo_rumah",     N_("foto rumah belum dilampirkan")) \
	X(RECORD_ERR_DECISION,       "decision",        N_("keputusan (layak / tidak layak) belum dipilih")) \
	X(RECORD_ERR_REASON,         "reason",          N_("alasan tidak layak wajib dipilih")) \
	X(RECORD_ERR_REASON_TEXT,    "reason_text",     N_("alasan \"lainnya\" wajib ditulis")) \
	X(RECORD_ERR_REASON_ON_LAYAK, "reason_on_layak", N_("alasan hanya untuk keputusan tidak layak")) \
	X(RECORD_ERR_COORD,          "coord",           N_("koordinat rumah belum ada")) \
	X(RECORD_ERR_COORD_RANGE,    "coord_range",     N_("koordinat tidak sah")) \
	X(RECORD_ERR_COORD_REASON,   "coord_reason",    N_("koordinat manual wajib disertai alasan")) \
	X(RECORD_ERR_TOO_LONG,       "too_long",        N_("teks terlalu panjang"))

enum record_problem {
#define RECORD_PROBLEM_ENUM(e, code, msg) e,
	RECORD_PROBLEMS(RECORD_PROBLEM_ENUM)
#undef RECORD_PROBLEM_ENUM
	RECORD_PROBLEM_COUNT
};

/* Bits (1u << enum record_problem) of what keeps the record from being
 * final.  0 means it can be finalised.  A draft may be saved whatever this says.
 * - nik: nik_check(r->nik, today) has an error (warnings do not block);
 * - name: blank (white space only) while !in_registry;
 * - photo_*, coord: what evidence_for(decision, reason) needs (evidence.h);
 *   coordinates given although not needed are still judged;
 * - reason_on_layak: "layak" with a reason or a non-blank reason_text;
 * - coord_range: has_coord but not geo_valid(); coord_reason: COORD_MANUAL
 *   with a blank coord_reason;
 * - too_long: a text field with no terminator inside its buffer (callers
 *   must refuse or report longer input themselves: this only catches what
 *   slipped through). */
unsigned record_check_final(const struct record *r, time_t today);

const char *record_problem_code(enum record_problem p);
const char *record_problem_message(enum record_problem p);   /* untranslated */

const char *record_reason_code(enum reason r);        /* "meninggal" */
const char *record_reason_label(enum reason r);       /* untranslated label */
bool record_reason_parse(const char *code, enum reason *out);
const char *record_state_code(enum record_state s);   /* "draft", "final", ... */
bool record_state_parse(const char *code, enum record_state *out);
const char *record_decision_code(enum decision d);    /* "", "layak", "tidak-layak" */
/* The city's review outcome ("confirmed", "rejected", "revisit") as the
 * clerk reads it (N_ text: gettext it), "" for anything else. */
const char *record_review_label(const char *code);
bool record_decision_parse(const char *code, enum decision *out);
const char *record_coord_source_code(enum coord_source s);   /* "", "exif", "manual", "phone" */
bool record_coord_source_parse(const char *code, enum coord_source *out);
const char *record_photo_kind_code(enum photo_kind k);   /* "ktp", "kk", "rumah" */
bool record_photo_kind_parse(const char *code, enum photo_kind *out);

/* How a final record counts in the figures (the server's report and the
 * clerk's own): layak; tidak layak for any reason but tidak-ditemukan;
 * not found (tidak layak, reason tidak-ditemukan) apart, as the city
 * reports it (checked = layak + tidak layak + not found). */
enum record_outcome { OUTCOME_NONE = 0, OUTCOME_LAYAK, OUTCOME_TIDAK_LAYAK, OUTCOME_NOT_FOUND };
enum record_outcome record_outcome_of(const char *decision_code, const char *reason_code);

/* Warnings that never block but must be seen before finalising, computed
 * from the record alone (the store adds those that need other records).
 * X(enum, "code", N_("pesan")) */
#define RECORD_WARNINGS(X) \
	X(RECORD_WARN_NIK_OUTSIDE,     "nik_outside",      N_("NIK terdaftar di luar Kota Tangerang")) \
	X(RECORD_WARN_NIK_MISMATCH,    "nik_mismatch",     N_("tanggal lahir atau jenis kelamin di NIK berbeda dengan data kependudukan")) \
	X(RECORD_WARN_PHOTO_NO_GPS,    "photo_no_gps",     N_("ada foto tanpa GPS (sering terjadi pada foto kiriman WhatsApp)")) \
	X(RECORD_WARN_GPS_OUTSIDE,     "gps_outside",      N_("lokasi di luar Kota Tangerang")) \
	X(RECORD_WARN_GPS_OTHER_KEL,   "gps_other_kelurahan", N_("lokasi di kelurahan lain dari alamat penerima")) \
	X(RECORD_WARN_PHOTOS_APART,    "photos_apart",     N_("foto-foto berjarak lebih dari 500 m satu sama lain")) \
	X(RECORD_WARN_PHOTO_OLD,       "photo_old",        N_("foto diambil lebih dari 30 hari yang lalu")) \
	X(RECORD_WARN_PHOTO_FUTURE,    "photo_future",     N_("tanggal foto di masa depan (jam kamera salah?)")) \
	X(RECORD_WARN_PHOTO_REUSED,    "photo_reused",     N_("foto yang sama sudah dipakai di rekaman lain")) \
	X(RECORD_WARN_NIK_DUPLICATE,   "nik_duplicate",    N_("NIK ini sudah punya rekaman verifikasi")) \
	X(RECORD_WARN_KK_LAYAK,        "kk_layak",         N_("anggota lain dari KK yang sama sudah ditandai layak")) \
	X(RECORD_WARN_KK_FAR,          "kk_far",           N_("rumah lebih dari 2 km dari rekaman lain dengan KK yang sama"))

enum record_warning {
#define RECORD_WARNING_ENUM(e, code, msg) e,
	RECORD_WARNINGS(RECORD_WARNING_ENUM)
#undef RECORD_WARNING_ENUM
	RECORD_WARNING_COUNT
};

/* Registry facts the record-only warnings compare against (may be NULL). */
struct record_registry_facts {
	int birth_year, birth_month, birth_day;   /* 0 when unknown */
	int sex;                                   /* enum nik_sex */
};

/* The locations judged are the record's coordinates and the GPS of each
 * attached photo.  gps_outside: one is not geo_in_kota_tangerang();
 * gps_other_kelurahan: one is in the city but more than 50 m from the polygon
 * of r->kelurahan (nearer, the simplified polygons cannot tell).
 * nik_mismatch: day, month, the last two digits of the year or the sex of a
 * valid NIK differ from reg (fields that are 0/unknown are not compared).
 * photo_no_gps: attached without GPS, or with the 0,0 placeholder.
 * photo_old / photo_future: taken_at ("YYYY-MM-DD HH:MM:SS", the camera's
 * local time) more than 30 days before now, or more than a day after it
 * (phones and laptops disagree on time zones); compared with now on the
 * local clock.  A taken_at in another format is not judged. */
unsigned record_warnings(const struct record *r, const struct record_registry_facts *reg,
	time_t now);
const char *record_warning_code(enum record_warning w);
const char *record_warning_message(enum record_warning w);   /* untranslated */

/* Pick the house coordinates from the photos: Rumah first, else KTP, else KK.
 * Returns false when no attached photo has valid GPS (0,0 does not count). */
bool record_coord_from_photos(const struct record *r, double *lat, double *lon);

/* Where the house's coordinate lies (not the photos'): RECORD_WARN_GPS_OUTSIDE
 * or RECORD_WARN_GPS_OTHER_KEL as bits, 0 when it has none or it lies in
 * the record's kelurahan (within the polygons' uncertainty). */
unsigned record_house_warnings(const struct record *r);
/* The earliest and latest time a photo was taken, as seconds on the camera's
 * clock counted like UTC (the zone is not known); false when no photo says. */
bool record_photo_times(const struct record *r, long long *first, long long *last);

/* New random UUID v4 (from /dev/urandom via the caller-supplied 16 bytes):
 * lower-case 8-4-4-4-12 with the version and variant bits set. */
void record_uuid_format(const unsigned char bytes[16], char out[RECORD_UUID_LEN + 1]);

#endif
