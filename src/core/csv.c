#include "config.h"
#include "csv.h"

#include <stdlib.h>
#include <string.h>

#include "i18n.h"

#define CSV_INBUF 65536
#define BYTE_EOF (-1)
#define BYTE_ERROR (-2)

struct csv_reader {
	FILE *in;                        /* NULL when reading a buffer */
	const unsigned char *cur, *end;  /* input not yet consumed */
	bool started;                    /* first refill done, BOM handled */
	long consumed;
	long line;                       /* line of the next byte */
	enum csv_status final_error;     /* CSV_ROW while none */
	long error_line;

	/* the row being built */
	size_t row_len;
	size_t nfields;
	bool discard;                    /* row too long or too wide: skip it */
	enum csv_status discard_why;
	const char *fields[CSV_MAX_FIELDS];
	char row[CSV_MAX_ROW];
	unsigned char inbuf[];           /* file mode only */
};

static struct csv_reader *reader_new(size_t inbuf)
{
	struct csv_reader *r = calloc(1, sizeof *r + inbuf);
	if (r == NULL)
		return NULL;
	r->line = 1;
	r->final_error = CSV_ROW;
	return r;
}

struct csv_reader *csv_open(FILE *in)
{
	struct csv_reader *r = reader_new(CSV_INBUF);
	if (r != NULL) {
		r->in = in;
		r->cur = r->end = r->inbuf;
	}
	return r;
}

struct csv_reader *csv_open_buffer(const char *data, size_t len)
{
	struct csv_reader *r = reader_new(0);
	if (r != NULL) {
		r->cur = (const unsigned char *)data;
		r->end = r->cur + (data != NULL ? len : 0);
	}
	return r;
}

void csv_free(struct csv_reader *r)
{
	free(r);
}

long csv_bytes_read(const struct csv_reader *r)
{
	return r->consumed;
}

/* Make at least one byte available; false at the end or on a read error
 * (then r->final_error says which). */
static bool refill(struct csv_reader *r)
{
	if (r->cur < r->end)
		return true;
	if (r->in == NULL)
		return false;
	/* fread keeps reading until the buffer is full or the file ends, so a
	 * short read here means the end (or an error) */
	size_t n = fread(r->inbuf, 1, CSV_INBUF, r->in);
	r->cur = r->inbuf;
	r->end = r->inbuf + n;
	if (n == 0 && ferror(r->in)) {
		r->final_error = CSV_ERR_READ;
		r->error_line = r->line;
	}
	return n > 0;
}

static int peek_byte(struct csv_reader *r)
{
	if (!refill(r))
		return r->final_error == CSV_ERR_READ ? BYTE_ERROR : BYTE_EOF;
	return *r->cur;
}

/* Consume the byte peek_byte returned, counting lines: LF, CRLF and a lone
 * CR each end one line. */
static void take_byte(struct csv_reader *r)
{
	unsigned char c = *r->cur++;
	r->consumed++;
	if (c == '\n')
		r->line++;
	else if (c == '\r' && peek_byte(r) != '\n')
		r->line++;
}

static void skip_bom(struct csv_reader *r)
{
	static const unsigned char bom[3] = { 0xEF, 0xBB, 0xBF };
	r->started = true;
	if (!refill(r))
		return;
	/* the first fread filled the buffer unless the file is shorter */
	if ((size_t)(r->end - r->cur) >= sizeof bom && memcmp(r->cur, bom, sizeof bom) == 0) {
		r->cur += sizeof bom;
		r->consumed += sizeof bom;
	}
}

static void append(struct csv_reader *r, char c)
{
	if (r->discard)
		return;
	if (r->row_len >= sizeof r->row) {
		r->discard = true;
		r->discard_why = CSV_ERR_TOO_LONG;
		return;
	}
	r->row[r->row_len++] = c;
}

static void start_field(struct csv_reader *r)
{
	if (r->discard)
		return;
	if (r->nfields == CSV_MAX_FIELDS) {
		r->discard = true;
		r->discard_why = CSV_ERR_TOO_MANY_FIELDS;
		return;
	}
	r->fields[r->nfields++] = r->row + r->row_len;
}

static enum csv_status fail(struct csv_reader *r, enum csv_status why, long line)
{
	r->final_error = why;
	r->error_line = line;
	return why;
}

static bool ends_field(int c)
{
	return c == ',' || c == '\n' || c == '\r' || c == BYTE_EOF;
}

/* A quoted field: from the opening quote to the byte after the closing one. */
static enum csv_status read_quoted(struct csv_reader *r)
{
	long opened = r->line;
	take_byte(r);
	for (;;) {
		int c = peek_byte(r);
		if (c == BYTE_EOF)
			return fail(r, CSV_ERR_QUOTE, opened);
		if (c == BYTE_ERROR)
			return CSV_ERR_READ;
		if (c == 0)
			return fail(r, CSV_ERR_NUL, r->line);
		take_byte(r);
		if (c == '"') {
			if (peek_byte(r) != '"')
				break;
			take_byte(r);
		}
		append(r, (char)c);
	}
	int after = peek_byte(r);
	if (after == BYTE_ERROR)
		return CSV_ERR_READ;
	if (!ends_field(after))
		return fail(r, CSV_ERR_QUOTE, r->line);
	return CSV_ROW;
}

static enum csv_status read_unquoted(struct csv_reader *r)
{
	for (;;) {
		int c = peek_byte(r);
		if (ends_field(c))
			return CSV_ROW;
		if (c == BYTE_ERROR)
			return CSV_ERR_READ;
		if (c == 0)
			return fail(r, CSV_ERR_NUL, r->line);
		if (c == '"')
			return fail(r, CSV_ERR_QUOTE, r->line);
		take_byte(r);
		append(r, (char)c);
	}
}

/* Fields up to the end of the row; the line end itself is consumed. */
static enum csv_status read_row(struct csv_reader *r)
{
	for (;;) {
		start_field(r);
		enum csv_status s = peek_byte(r) == '"' ? read_quoted(r) : read_unquoted(r);
		if (s != CSV_ROW)
			return s;
		append(r, '\0');
		int c = peek_byte(r);
		if (c == BYTE_EOF)
			return CSV_ROW;
		take_byte(r);
		if (c == '\r' && peek_byte(r) == '\n')
			take_byte(r);
		if (c != ',')
			return CSV_ROW;
	}
}

/* Blank lines carry no row. */
static void skip_blank_lines(struct csv_reader *r)
{
	int c;
	while ((c = peek_byte(r)) == '\n' || c == '\r')
		take_byte(r);
}

enum csv_status csv_next(struct csv_reader *r, const char ***fields, size_t *count, long *line)
{
	if (fields != NULL)
		*fields = r->fields;
	if (count != NULL)
		*count = 0;
	if (!r->started)
		skip_bom(r);
	if (r->final_error == CSV_ROW)
		skip_blank_lines(r);
	if (r->final_error != CSV_ROW) {
		if (line != NULL)
			*line = r->error_line;
		return r->final_error;
	}
	if (line != NULL)
		*line = r->line;
	if (peek_byte(r) == BYTE_EOF)
		return CSV_EOF;

	r->row_len = 0;
	r->nfields = 0;
	r->discard = false;
	enum csv_status s = read_row(r);
	if (s != CSV_ROW) {
		if (line != NULL)
			*line = r->error_line;
		return s;
	}
	if (r->discard)
		return r->discard_why;
	if (count != NULL)
		*count = r->nfields;
	return CSV_ROW;
}

const char *csv_status_message(enum csv_status s)
{
	switch (s) {
	case CSV_ROW: return N_("baris terbaca");
	case CSV_EOF: return N_("akhir berkas");
	case CSV_ERR_QUOTE: return N_("tanda kutip tidak berpasangan atau salah tempat");
	case CSV_ERR_TOO_LONG: return N_("baris terlalu panjang (lebih dari 64 KB)");
	case CSV_ERR_TOO_MANY_FIELDS: return N_("terlalu banyak kolom dalam satu baris (lebih dari 64)");
	case CSV_ERR_NUL: return N_("berkas berisi byte NUL: bukan berkas teks CSV");
	case CSV_ERR_READ: return N_("gagal membaca berkas");
	}
	return N_("galat CSV tidak dikenal");
}

/* ---------------------------------------------------------------- writing */

static bool starts_formula(const char *t)
{
	return t[0] == '=' || t[0] == '+' || t[0] == '-' || t[0] == '@' || t[0] == '\t'
		|| t[0] == '\r';
}

bool csv_write_field(FILE *out, const char *text, bool free_text, char after)
{
	bool formula = free_text && starts_formula(text);
	bool quote = formula || strpbrk(text, ",\"\r\n") != NULL;
	if (quote)
		putc('"', out);
	if (formula)
		putc('\'', out);
	for (const char *p = text; *p != '\0'; p++) {
		if (*p == '"')
			putc('"', out);
		putc(*p, out);
	}
	if (quote)
		putc('"', out);
	putc(after, out);
	return !ferror(out);
}
