/* nik: the structure of the 16-digit Nomor Induk Kependudukan.
 * Pure rules, no I/O (core). See doc/NIK.md for the sources. */
#ifndef SIGACOR_NIK_H
#define SIGACOR_NIK_H

#include <stdbool.h>
#include <time.h>

#define NIK_LEN 16

/* Stable codes (they appear in --json output and tests) with the Indonesian
 * message (translated through gettext).  X(enum, "CODE", N_("pesan")). */
#define NIK_PROBLEMS(X) \
	X(NIK_ERR_EMPTY,      "empty",        N_("NIK kosong")) \
	X(NIK_ERR_CHAR,       "bad_char",     N_("NIK hanya boleh berisi angka (spasi, titik dan tanda hubung diabaikan)")) \
	X(NIK_ERR_LENGTH,     "length",       N_("NIK harus tepat 16 angka")) \
	X(NIK_ERR_PROVINCE,   "province",     N_("kode provinsi (2 angka pertama) tidak ada")) \
	X(NIK_ERR_DAY,        "day",          N_("tanggal lahir tidak sah: 01-31 untuk laki-laki, 41-71 untuk perempuan")) \
	X(NIK_ERR_MONTH,      "month",        N_("bulan lahir harus 01-12")) \
	X(NIK_ERR_DATE,       "date",         N_("tanggal lahir tidak ada di kalender")) \
	X(NIK_ERR_SERIAL,     "serial",       N_("nomor urut (4 angka terakhir) tidak boleh 0000")) \
	X(NIK_WARN_REGENCY,   "unknown_regency",   N_("kode kabupaten/kota tidak dikenal")) \
	X(NIK_WARN_KECAMATAN, "unknown_kecamatan", N_("kode kecamatan tidak dikenal")) \
	X(NIK_WARN_RETIRED,   "retired_code",      N_("kode wilayah lama (sebelum pemekaran); NIK tetap berlaku")) \
	X(NIK_WARN_OUTSIDE,   "outside_city",      N_("NIK terdaftar di luar Kota Tangerang"))

enum nik_problem {
#define NIK_ENUM(e, code, msg) e,
	NIK_PROBLEMS(NIK_ENUM)
#undef NIK_ENUM
	NIK_PROBLEM_COUNT
};

enum nik_sex { NIK_SEX_UNKNOWN = 0, NIK_SEX_MALE, NIK_SEX_FEMALE };

struct nik_info {
	char nik[NIK_LEN + 1];      /* normalised digits (as far as they go) */
	bool valid;                 /* no errors (warnings allowed) */
	unsigned errors;            /* bit (1u << enum nik_problem) */
	unsigned warnings;
	const char *province;       /* names from the embedded region tables, or NULL */
	const char *regency;
	const char *kecamatan;
	int birth_year, birth_month, birth_day;  /* 0 when unknown */
	enum nik_sex sex;
};

/* Normalise and validate.  today: the date the birth date must not be after
 * (pass time(NULL) in programs; tests pass fixed dates). */
void nik_check(const char *input, time_t today, struct nik_info *out);

/* Stable code ("length", ...) and the untranslated Indonesian message. */
const char *nik_problem_code(enum nik_problem p);
const char *nik_problem_message(enum nik_problem p);
bool nik_problem_is_warning(enum nik_problem p);

/* The first error, else the first warning, else -1: for a one-line reason. */
int nik_first_problem(const struct nik_info *info);

/* Copy the digits of input into out (NIK_LEN+1 bytes) skipping spaces, dots
 * and dashes.  Returns false on any other character or more than 16 digits. */
bool nik_normalise(const char *input, char out[NIK_LEN + 1]);

/* The proleptic Gregorian calendar a NIK's birth date lives in, as days
 * since 1970-01-01 and back (m: 1-12); for counting in whole days. */
long nik_days_from_civil(int y, int m, int d);
void nik_civil_from_days(long days, int *y, int *m, int *d);

#endif
