/* format: the shapes of strings that both ends check (core, pure): digits,
 * NIK and KK numbers, SHA-256 names, clean UTF-8 text, calendar dates.
 * The laptop's store and import, the wire decoder and the server all call
 * these, so a string one side accepts the other cannot refuse. */
#ifndef SIGACOR_FORMAT_H
#define SIGACOR_FORMAT_H

#include <stdbool.h>
#include <stddef.h>

#define FORMAT_SHA256_LEN 64

/* s matches shape: same length, 'd' stands for an ASCII digit, any other
 * character for itself ("dddd-dd-dd"). */
bool format_shape(const char *s, const char *shape);

/* Exactly n ASCII digits (no sign, no space). */
bool format_digits(const char *s, size_t n);

/* Only ASCII digits, any number of them ("" too): a NIK or KK still typed. */
bool format_only_digits(const char *s);

/* 16 ASCII digits: a NIK or a KK number as stored and sent. */
bool format_nik_digits(const char *s);

/* 64 lower-case hex digits: a photo's content name. */
bool format_sha256_hex(const char *s);

/* A file name from elsewhere (a phone's upload) made harmless: printable
 * ASCII kept, "/", "\\" and anything else made "_", at most cap - 1 bytes;
 * "" or a leading dot gives "foto.jpg". */
void format_file_name(const char *in, char *out, size_t cap);

/* Well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF) without
 * control characters; multiline text may hold \n and \t. */
bool format_text(const char *s, bool multiline);

/* The value of n ASCII digits at s (the caller checked they are digits). */
int format_number(const char *s, int n);

/* "YYYY-MM-DD", a day of the calendar, year >= min_year; y, m, d (may be
 * NULL) get the parts. */
bool format_date(const char *s, int min_year, int *y, int *m, int *d);

#endif
