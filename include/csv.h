/* csv: a streaming reader for RFC 4180 CSV (core, pure).
 * Quoted fields may hold commas, doubled quotes and newlines; a UTF-8 BOM at
 * the start is skipped; CRLF, LF and a lone CR all end a row; a line with
 * nothing on it gives no row.  It never holds more than one row, so memory
 * stays flat whatever the file size. */
#ifndef SIGACOR_CSV_H
#define SIGACOR_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define CSV_MAX_FIELDS 64
#define CSV_MAX_ROW 65536      /* bytes in one row, all fields together */

/* CSV_ERR_QUOTE: a quote inside an unquoted field, text after a closing
 * quote, or a quoted field that never ends.  After CSV_ERR_TOO_LONG and
 * CSV_ERR_TOO_MANY_FIELDS the rest of that row is skipped and the next call
 * reads the next row; the other errors are final (every later call repeats
 * them). */
enum csv_status { CSV_ROW = 0, CSV_EOF, CSV_ERR_QUOTE, CSV_ERR_TOO_LONG,
	CSV_ERR_TOO_MANY_FIELDS, CSV_ERR_NUL, CSV_ERR_READ };

struct csv_reader;

/* Does not take ownership of in.  NULL when out of memory. */
struct csv_reader *csv_open(FILE *in);
/* Read the next row; fields point into the reader and stay valid until the
 * next call.  line: the 1-based line on which the row started; on an error,
 * the line where the problem is (for a quote never closed: where it opened).
 * fields, count and line may each be NULL. */
enum csv_status csv_next(struct csv_reader *r, const char ***fields, size_t *count, long *line);
const char *csv_status_message(enum csv_status s);   /* untranslated Indonesian */
long csv_bytes_read(const struct csv_reader *r);
void csv_free(struct csv_reader *r);

/* The same over a buffer (fuzzing, tests).  The buffer is not copied: it
 * must outlive the reader. */
struct csv_reader *csv_open_buffer(const char *data, size_t len);

/* Write one field and then `after` (',' or '\n'): quoted (RFC 4180) when it
 * holds a comma, a quote, CR or LF.  free_text: text people typed (a name,
 * an address, notes) which a spreadsheet would run as a formula when it
 * starts with = + - @ TAB or CR ("CSV injection"): such a field gets a
 * leading apostrophe inside quotes, so it shows as typed and never runs.
 * Values (numbers, codes, times) are written as they are: -6.17 stays a
 * number.  The client's and the server's exports both write with this.
 * false on a write error. */
bool csv_write_field(FILE *out, const char *text, bool free_text, char after);

#endif
