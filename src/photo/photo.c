/* photo: what a photo file is, its SHA-256, and what its EXIF says.
 *
 * The type comes from the first bytes, never from the file name.  EXIF is
 * read from the segments before the image data only (jpeg.c walks them,
 * exif.c and xmp.c read them), through a window of at most 128 KiB, so a
 * 12 MB photo costs a few preads, not a whole read. */
#include "config.h"
#include "photo.h"

#include "photo_int.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "i18n.h"

/* The first read takes this much: the EXIF of most phone photos lies inside. */
#define FIRST_READ (32u * 1024u)
/* Read past what a view asks, so that the next segment's header comes along. */
#define READ_AHEAD 4096u
#define HASH_CHUNK (64u * 1024u)

/* ------------------------------------------------------------ names */

static const char *const gps_codes[] = {
#define PHOTO_GPS_CODE(e, code, msg) code,
	PHOTO_GPS_PROBLEMS(PHOTO_GPS_CODE)
#undef PHOTO_GPS_CODE
};
static const char *const gps_messages[] = {
#define PHOTO_GPS_MSG(e, code, msg) msg,
	PHOTO_GPS_PROBLEMS(PHOTO_GPS_MSG)
#undef PHOTO_GPS_MSG
};
static const char *const error_codes[] = {
#define PHOTO_ERR_CODE(e, code, msg) code,
	PHOTO_ERRORS(PHOTO_ERR_CODE)
#undef PHOTO_ERR_CODE
};
static const char *const error_messages[] = {
#define PHOTO_ERR_MSG(e, code, msg) msg,
	PHOTO_ERRORS(PHOTO_ERR_MSG)
#undef PHOTO_ERR_MSG
};

const char *photo_gps_problem_code(enum photo_gps_problem p)
{
	return (unsigned)p < PHOTO_GPS_PROBLEM_COUNT ? gps_codes[p] : "unknown";
}

const char *photo_gps_problem_message(enum photo_gps_problem p)
{
	return (unsigned)p < PHOTO_GPS_PROBLEM_COUNT ? gps_messages[p] : "?";
}

const char *photo_error_code(enum photo_error e)
{
	return (unsigned)e < PHOTO_ERROR_COUNT ? error_codes[e] : "unknown";
}

const char *photo_error_message(enum photo_error e)
{
	return (unsigned)e < PHOTO_ERROR_COUNT ? error_messages[e] : "?";
}

const char *photo_type_name(enum photo_type t)
{
	switch (t) {
	case PHOTO_TYPE_JPEG: return "jpeg";
	case PHOTO_TYPE_PNG: return "png";
	case PHOTO_TYPE_HEIC: return "heic";
	case PHOTO_TYPE_AVIF: return "avif";
	case PHOTO_TYPE_TIFF: return "tiff";
	case PHOTO_TYPE_WEBP: return "webp";
	case PHOTO_TYPE_GIF: return "gif";
	case PHOTO_TYPE_EMPTY: return "empty";
	case PHOTO_TYPE_UNKNOWN: break;
	}
	return "unknown";
}

/* ------------------------------------------------------------ sniffing */

static bool starts_with(const unsigned char *head, size_t len, const char *magic, size_t n)
{
	return len >= n && memcmp(head, magic, n) == 0;
}

/* ISO base media files (HEIF, AVIF, MP4) start with an 'ftyp' box naming a
 * major brand and a list of compatible ones. */
static enum photo_type sniff_ftyp(const unsigned char *head, size_t len)
{
	static const char *const heif_brands[] = { "heic", "heix", "hevc", "hevx",
		"heim", "heis", "hevm", "hevs", "mif1", "msf1", "mif2", "miaf" };
	bool heif = false;

	if (len < 16 || memcmp(head + 4, "ftyp", 4) != 0)
		return PHOTO_TYPE_UNKNOWN;
	size_t box = ((size_t)head[0] << 24) | ((size_t)head[1] << 16) |
		((size_t)head[2] << 8) | head[3];
	if (box < 16 || box > len)
		box = len;
	/* major brand at 8, minor version at 12, compatible brands from 16 */
	for (size_t at = 8; at + 4 <= box; at += (at == 8) ? 8 : 4) {
		const unsigned char *brand = head + at;
		if (memcmp(brand, "avif", 4) == 0 || memcmp(brand, "avis", 4) == 0)
			return PHOTO_TYPE_AVIF;
		for (size_t i = 0; i < sizeof heif_brands / sizeof heif_brands[0]; i++)
			if (memcmp(brand, heif_brands[i], 4) == 0)
				heif = true;
	}
	return heif ? PHOTO_TYPE_HEIC : PHOTO_TYPE_UNKNOWN;
}

enum photo_type photo_sniff(const unsigned char *head, size_t len)
{
	if (len == 0)
		return PHOTO_TYPE_EMPTY;
	if (starts_with(head, len, "\xff\xd8\xff", 3))
		return PHOTO_TYPE_JPEG;
	if (starts_with(head, len, "\x89PNG\r\n\x1a\n", 8))
		return PHOTO_TYPE_PNG;
	if (starts_with(head, len, "GIF87a", 6) || starts_with(head, len, "GIF89a", 6))
		return PHOTO_TYPE_GIF;
	if (starts_with(head, len, "II*\0", 4) || starts_with(head, len, "MM\0*", 4) ||
	    starts_with(head, len, "II+\0", 4) || starts_with(head, len, "MM\0+", 4))
		return PHOTO_TYPE_TIFF;
	if (len >= 12 && memcmp(head, "RIFF", 4) == 0 && memcmp(head + 8, "WEBP", 4) == 0)
		return PHOTO_TYPE_WEBP;
	return sniff_ftyp(head, len);
}

/* ------------------------------------------------------------ reading */

/* pread until n bytes or the end of the file; -1 on an error. */
static ssize_t pread_full(int fd, unsigned char *buf, size_t n, uint64_t off)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = pread(fd, buf + got, n - got, (off_t)(off + got));
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

const unsigned char *photo_src_view(struct photo_src *src, uint64_t off, size_t n)
{
	if (n == 0 || off > src->size || n > src->size - off)
		return NULL;
	if (src->mem != NULL)
		return src->mem + off;
	if (n > PHOTO_SRC_CAP || src->io_error)
		return NULL;
	if (src->buf_len > 0 && off >= src->buf_off && off - src->buf_off <= src->buf_len &&
	    n <= src->buf_len - (off - src->buf_off))
		return src->buf + (off - src->buf_off);

	/* The first read usually holds every segment up to the image data; later
	 * ones take what is asked and the next segment's header. */
	size_t want = n + READ_AHEAD;
	if (off == 0 && want < FIRST_READ)
		want = FIRST_READ;
	if (want > PHOTO_SRC_CAP)
		want = PHOTO_SRC_CAP;
	if (want > src->size - off)
		want = (size_t)(src->size - off);
	ssize_t got = pread_full(src->fd, src->buf, want, off);
	if (got < 0) {
		src->io_error = true;
		src->buf_len = 0;
		return NULL;
	}
	src->bytes_read += (uint64_t)got;
	src->buf_off = off;
	src->buf_len = (size_t)got;
	/* A file that shrank while we read is as good as truncated. */
	return (size_t)got >= n ? src->buf : NULL;
}

/* ------------------------------------------------------------ SHA-256 */
/* libsodium's SHA-256 is plain code with no CPU dispatch and no randomness,
 * so it needs no sodium_init(). */

static void hex_digest(const unsigned char digest[crypto_hash_sha256_BYTES],
	char out[PHOTO_SHA256_HEX])
{
	static const char hex[] = "0123456789abcdef";

	for (size_t i = 0; i < crypto_hash_sha256_BYTES; i++) {
		out[2 * i] = hex[digest[i] >> 4];
		out[2 * i + 1] = hex[digest[i] & 0x0f];
	}
	out[2 * crypto_hash_sha256_BYTES] = '\0';
}

void photo_sha256_buffer(const void *data, size_t len, char out[PHOTO_SHA256_HEX])
{
	unsigned char digest[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_state st;

	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, data, len);
	crypto_hash_sha256_final(&st, digest);
	hex_digest(digest, out);
}

static bool sha256_fd(int fd, char out[PHOTO_SHA256_HEX])
{
	unsigned char digest[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_state st;
	unsigned char *chunk = malloc(HASH_CHUNK);
	uint64_t off = 0;
	bool ok = true;

	out[0] = '\0';
	if (chunk == NULL)
		return false;
	crypto_hash_sha256_init(&st);
	for (;;) {
		ssize_t got = pread_full(fd, chunk, HASH_CHUNK, off);
		if (got < 0) {
			ok = false;
			break;
		}
		if (got == 0)
			break;
		crypto_hash_sha256_update(&st, chunk, (unsigned long long)got);
		off += (uint64_t)got;
	}
	free(chunk);
	if (!ok)
		return false;
	crypto_hash_sha256_final(&st, digest);
	hex_digest(digest, out);
	return true;
}

bool photo_sha256_file(const char *path, char out[PHOTO_SHA256_HEX])
{
	out[0] = '\0';
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return false;
	struct stat st;
	bool ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && sha256_fd(fd, out);
	close(fd);
	return ok;
}

/* ------------------------------------------------------------ facts */

static void facts_init(struct photo_facts *out)
{
	memset(out, 0, sizeof *out);
	out->type = PHOTO_TYPE_UNKNOWN;
	out->gps.problem = PHOTO_GPS_NO_EXIF;
}

/* XMP is asked only when EXIF gave no position; EXIF wins any conflict. */
static void read_xmp_fallback(struct photo_src *src, const struct jpeg_layout *layout,
	struct photo_facts *out)
{
	struct photo_gps xmp;

	if (out->gps.present || layout->xmp_len == 0)
		return;
	const unsigned char *packet = photo_src_view(src, layout->xmp_off, layout->xmp_len);
	if (packet == NULL)
		return;
	memset(&xmp, 0, sizeof xmp);
	enum photo_gps_problem p = xmp_read_gps(packet, layout->xmp_len, &xmp);
	if (p == PHOTO_GPS_OK) {
		out->gps.present = true;
		out->gps.lat = xmp.lat;
		out->gps.lon = xmp.lon;
		out->gps.problem = PHOTO_GPS_OK;
		out->gps.from_xmp = true;
	} else if (p != PHOTO_GPS_NO_GPS && (out->gps.problem == PHOTO_GPS_NO_EXIF ||
		   out->gps.problem == PHOTO_GPS_NO_GPS)) {
		out->gps.problem = p;
	}
}

static enum photo_error read_exif(struct photo_src *src, const struct jpeg_layout *layout,
	struct photo_facts *out)
{
	out->gps.problem = PHOTO_GPS_NO_EXIF;
	if (layout->exif_found && layout->exif_len == 0) {
		out->gps.problem = PHOTO_GPS_CORRUPT_EXIF;
	} else if (layout->exif_found) {
		const unsigned char *tiff = photo_src_view(src, layout->exif_off, layout->exif_len);
		if (tiff == NULL)
			return src->io_error ? PHOTO_ERR_READ : PHOTO_ERR_BROKEN_JPEG;
		if (!exif_read_tiff(tiff, layout->exif_len, out))
			return PHOTO_ERR_READ;
	}
	read_xmp_fallback(src, layout, out);
	return src->io_error ? PHOTO_ERR_READ : PHOTO_ERR_NONE;
}

static enum photo_error read_src(struct photo_src *src, unsigned flags, struct photo_facts *out)
{
	struct jpeg_layout layout;

	out->size = (int64_t)src->size;
	if (src->size == 0) {
		out->type = PHOTO_TYPE_EMPTY;
		return PHOTO_ERR_EMPTY;
	}
	/* enough for an ftyp box with a few compatible brands */
	size_t head_len = src->size < 64 ? (size_t)src->size : 64;
	const unsigned char *head = photo_src_view(src, 0, head_len);
	if (head == NULL)
		return src->io_error ? PHOTO_ERR_READ : PHOTO_ERR_BROKEN_JPEG;
	out->type = photo_sniff(head, head_len);
	if (src->size > (uint64_t)PHOTO_MAX_BYTES)
		return PHOTO_ERR_TOO_LARGE;
	if (out->type != PHOTO_TYPE_JPEG) {
		out->gps.problem = PHOTO_GPS_UNSUPPORTED;
		return PHOTO_ERR_NOT_JPEG;
	}
	jpeg_walk(src, &layout);
	if (src->io_error)
		return PHOTO_ERR_READ;
	if (!layout.whole)
		return PHOTO_ERR_BROKEN_JPEG;
	if (flags & PHOTO_READ_EXIF) {
		enum photo_error e = read_exif(src, &layout, out);
		if (e != PHOTO_ERR_NONE)
			return e;
	}
	return PHOTO_ERR_NONE;
}

enum photo_error photo_read_buffer(const unsigned char *data, size_t len,
	unsigned flags, struct photo_facts *out)
{
	struct photo_src src = { .mem = data, .fd = -1, .size = len };

	facts_init(out);
	if (data == NULL)
		src.size = 0;
	enum photo_error e = read_src(&src, flags, out);
	if (e == PHOTO_ERR_NONE && (flags & PHOTO_READ_HASH))
		photo_sha256_buffer(data, len, out->sha256);
	return e;
}

enum photo_error photo_read(const char *path, unsigned flags, struct photo_facts *out)
{
	struct photo_src src = { .fd = -1 };
	struct stat st;
	enum photo_error e;

	facts_init(out);
	/* O_NONBLOCK: a FIFO given by mistake must not hang the clerk's screen. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return PHOTO_ERR_OPEN;
	if (fstat(fd, &st) != 0) {
		close(fd);
		return PHOTO_ERR_READ;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return PHOTO_ERR_NOT_FILE;
	}
	src.fd = fd;
	src.size = st.st_size > 0 ? (uint64_t)st.st_size : 0;
	src.buf = malloc(PHOTO_SRC_CAP);
	if (src.buf == NULL) {
		close(fd);
		return PHOTO_ERR_READ;
	}
	e = read_src(&src, flags, out);
	out->bytes_read = (int64_t)src.bytes_read;
	free(src.buf);
	if (e == PHOTO_ERR_NONE && (flags & PHOTO_READ_HASH) && !sha256_fd(fd, out->sha256))
		e = PHOTO_ERR_READ;
	close(fd);
	return e;
}
