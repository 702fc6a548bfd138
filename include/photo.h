/* photo: what a photo file is and what its EXIF says.
 * Sniffs the type from the bytes, hashes the content (SHA-256), and reads GPS,
 * time and orientation with libexif from the APP1 segment only (it never
 * loads the whole image to read EXIF). */
#ifndef SIGACOR_PHOTO_H
#define SIGACOR_PHOTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum photo_type { PHOTO_TYPE_UNKNOWN = 0, PHOTO_TYPE_JPEG, PHOTO_TYPE_PNG,
	PHOTO_TYPE_HEIC, PHOTO_TYPE_TIFF, PHOTO_TYPE_WEBP, PHOTO_TYPE_GIF,
	PHOTO_TYPE_EMPTY, PHOTO_TYPE_AVIF };

/* Why a photo gives no position.  X(enum, "code", N_("pesan")) */
#define PHOTO_GPS_PROBLEMS(X) \
	X(PHOTO_GPS_OK,            "ok",              N_("ada GPS")) \
	X(PHOTO_GPS_NO_EXIF,       "no_exif",         N_("tidak ada data EXIF (foto dari WhatsApp atau sudah diedit?)")) \
	X(PHOTO_GPS_NO_GPS,        "no_gps",          N_("EXIF tanpa GPS (lokasi kamera mati?)")) \
	X(PHOTO_GPS_MISSING_REF,   "missing_ref",     N_("GPS tanpa arah (N/S/E/W)")) \
	X(PHOTO_GPS_BAD_REF,       "bad_ref",         N_("arah GPS tidak sah")) \
	X(PHOTO_GPS_BAD_FORMAT,    "bad_format",      N_("format nilai GPS salah")) \
	X(PHOTO_GPS_ZERO_DENOMINATOR, "zero_denominator", N_("nilai GPS rusak (pembagi nol)")) \
	X(PHOTO_GPS_OUT_OF_RANGE,  "out_of_range",    N_("nilai GPS di luar jangkauan")) \
	X(PHOTO_GPS_PLACEHOLDER,   "placeholder_0_0", N_("GPS 0,0 (kamera belum mendapat sinyal)")) \
	X(PHOTO_GPS_CORRUPT_EXIF,  "corrupt_exif",    N_("data EXIF rusak atau terpotong")) \
	X(PHOTO_GPS_UNSUPPORTED,   "unsupported",     N_("jenis file tidak didukung"))

enum photo_gps_problem {
#define PHOTO_GPS_ENUM(e, code, msg) e,
	PHOTO_GPS_PROBLEMS(PHOTO_GPS_ENUM)
#undef PHOTO_GPS_ENUM
	PHOTO_GPS_PROBLEM_COUNT
};

/* Why a file cannot be used at all.  X(enum, "code", N_("pesan")) */
#define PHOTO_ERRORS(X) \
	X(PHOTO_ERR_NONE,        "ok",          N_("baik")) \
	X(PHOTO_ERR_OPEN,        "open",        N_("file tidak bisa dibuka")) \
	X(PHOTO_ERR_NOT_FILE,    "not_file",    N_("bukan file biasa (folder?)")) \
	X(PHOTO_ERR_EMPTY,       "empty",       N_("file kosong (0 byte)")) \
	X(PHOTO_ERR_TOO_LARGE,   "too_large",   N_("file terlalu besar (maksimal 30 MB)")) \
	X(PHOTO_ERR_READ,        "read",        N_("file gagal dibaca")) \
	X(PHOTO_ERR_NOT_JPEG,    "not_jpeg",    N_("bukan foto JPEG: kirim ulang foto sebagai JPEG (di ponsel: Setelan Kamera > Format > JPEG/Paling kompatibel)")) \
	X(PHOTO_ERR_BROKEN_JPEG, "broken_jpeg", N_("file JPEG rusak (bukan gambar yang utuh)")) \
	X(PHOTO_ERR_TRUNCATED,   "truncated",   N_("gambar JPEG terpotong (file belum tersalin utuh): salin ulang foto dari ponsel")) \
	X(PHOTO_ERR_BAD_IMAGE,   "bad_image",   N_("isi gambar JPEG rusak dan tidak bisa dibaca: salin ulang foto dari ponsel")) \
	X(PHOTO_ERR_TOO_MANY_PIXELS, "too_many_pixels", N_("gambar terlalu besar untuk diperkecil (lebih dari 120 megapiksel)"))

enum photo_error {
#define PHOTO_ERR_ENUM(e, code, msg) e,
	PHOTO_ERRORS(PHOTO_ERR_ENUM)
#undef PHOTO_ERR_ENUM
	PHOTO_ERROR_COUNT
};

#define PHOTO_MAX_BYTES (30L * 1024 * 1024)
#define PHOTO_SHA256_HEX 65      /* 64 hex digits and NUL */

struct photo_gps {
	bool present;               /* lat/lon usable */
	double lat, lon;            /* signed decimal degrees (S and W negative) */
	bool has_alt;
	double alt;                 /* metres, negative below sea level */
	char time_utc[21];          /* "2025-03-14T09:21:05Z" from GPSDateStamp+TimeStamp, or "" */
	enum photo_gps_problem problem;   /* PHOTO_GPS_OK when present */
	bool from_xmp;              /* position came from an XMP packet, not EXIF */
};

struct photo_facts {
	enum photo_type type;
	int64_t size;
	char sha256[PHOTO_SHA256_HEX];   /* "" unless asked for */
	struct photo_gps gps;
	char taken_at[20];          /* "2025-03-14 09:21:05" from DateTimeOriginal, or "" */
	int orientation;            /* 1..8, 0 when absent */
	int64_t bytes_read;         /* bytes photo_read read for type and EXIF (the
	                               hash not counted); 0 for photo_read_buffer */
};

enum photo_read_flags { PHOTO_READ_EXIF = 1, PHOTO_READ_HASH = 2 };

/* Read the facts of a file: type always; EXIF and/or the hash by flags.
 * Returns PHOTO_ERR_NONE, or why the file is unusable (out->type is still
 * filled when known; the hash is computed only for a usable file).
 * A JPEG is usable when its markers lead intact from SOI through a frame
 * header (SOF) to the start of the image data (SOS); a corrupt or missing
 * EXIF only costs the position (gps.problem says why).  Reading EXIF reads
 * only the segments before SOS, never the image data.
 * gps, taken_at and orientation are filled only with PHOTO_READ_EXIF. */
enum photo_error photo_read(const char *path, unsigned flags, struct photo_facts *out);

/* The same from bytes in memory (tests and fuzzing). */
enum photo_error photo_read_buffer(const unsigned char *data, size_t len,
	unsigned flags, struct photo_facts *out);

enum photo_type photo_sniff(const unsigned char *head, size_t len);
const char *photo_type_name(enum photo_type t);      /* "jpeg", "heic", ... */
const char *photo_gps_problem_code(enum photo_gps_problem p);
const char *photo_gps_problem_message(enum photo_gps_problem p);   /* untranslated */
const char *photo_error_code(enum photo_error e);
const char *photo_error_message(enum photo_error e);               /* untranslated */

/* The smaller copy kept and sent in place of a large photo (downscale.c,
 * doc/PHOTOS.md "The copy"). */
#define PHOTO_COPY_LONG_SIDE 1600   /* pixels on the long side, by default */
#define PHOTO_COPY_QUALITY 80

struct photo_copy_options {
	int max_long_side;          /* pixels */
	int quality;                /* JPEG quality 1..100 */
};

struct photo_copy {
	unsigned char *data;        /* the copy (malloc'd), NULL when the photo is
	                               small enough to be kept as it is */
	size_t len;
	int width, height;          /* of the copy (of the original when kept) */
	int orig_width, orig_height;   /* of the original, as its frame header says */
};

/* Make the copy of a photo photo_read found usable (facts from
 * PHOTO_READ_EXIF): at most max_long_side pixels on the long side, decoded
 * with DCT scaling, area-averaged to the size, encoded at quality, with an
 * Exif segment holding only GPS, time and orientation of facts.  A photo
 * not larger than that is kept (data NULL).  PHOTO_ERR_TRUNCATED,
 * BAD_IMAGE or TOO_MANY_PIXELS when the image cannot be decoded. */
enum photo_error photo_copy_make(const char *path, const struct photo_facts *facts,
	const struct photo_copy_options *opt, struct photo_copy *out);
enum photo_error photo_copy_make_buffer(const unsigned char *data, size_t len,
	const struct photo_facts *facts, const struct photo_copy_options *opt,
	struct photo_copy *out);
void photo_copy_free(struct photo_copy *c);

/* A photo to look at (the preview, include/preview.h): decoded with DCT
 * scaling and area-averaged to at most long_side pixels on the long side
 * (never enlarged), RGB 3 bytes a pixel, turned upright by its EXIF
 * orientation (so width and height may be the stored ones swapped).
 * PHOTO_ERR_NOT_JPEG for a usable file of another type; the errors of
 * photo_read and photo_copy_make otherwise. */
struct photo_pixels {
	unsigned char *rgb;         /* malloc'd, width * height * 3 */
	int width, height;
	int orig_width, orig_height;   /* the stored image's, as its frame header says */
};
enum photo_error photo_decode_upright(const char *path, int long_side, struct photo_pixels *out);
enum photo_error photo_decode_upright_buffer(const unsigned char *data, size_t len,
	int long_side, struct photo_pixels *out);
void photo_pixels_free(struct photo_pixels *p);

/* A whole regular file of 1 byte to PHOTO_MAX_BYTES into *data (malloc'd),
 * read, not mapped (a card pulled out gives an error, not SIGBUS). */
bool photo_load_file(const char *path, unsigned char **data, size_t *len);

/* SHA-256 of a whole file as 64 lower-case hex digits. */
bool photo_sha256_file(const char *path, char out[PHOTO_SHA256_HEX]);
void photo_sha256_buffer(const void *data, size_t len, char out[PHOTO_SHA256_HEX]);

#endif
