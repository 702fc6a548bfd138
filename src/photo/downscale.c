/* downscale: the smaller copy of a photo that is kept and sent.
 *
 * libjpeg-turbo decodes with DCT scaling (scale_num/8: the inverse DCT itself
 * makes the smaller image, so a 12 MP photo is never decoded whole), to the
 * smallest scale that still gives at least the target size; an area-average
 * resample then takes it to the target exactly, and the copy is encoded again.
 * The copy carries a new Exif segment with only the facts photo_read found
 * (exif.c): GPS, time, orientation; no thumbnail, no maker note.  The pixels
 * are not turned: the Orientation tag goes with them, as the camera wrote it. */
#include "config.h"
#include "photo_int.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jpeglib.h>
#include <jerror.h>

/* A photo of more pixels than this is a decompression bomb, not a phone
 * photo (the largest phone sensors give 108 MP). */
#define MAX_PIXELS (120LL * 1000 * 1000)
/* What libjpeg may allocate (a progressive photo keeps all its coefficients:
 * about 3 bytes a pixel). */
#define MAX_DECODER_MEMORY (400L * 1024 * 1024)
/* Weights of the resample in fixed point. */
#define WEIGHT_BITS 14
#define WEIGHT_ONE (1 << WEIGHT_BITS)

struct decoder_error {
	struct jpeg_error_mgr pub;
	jmp_buf jump;
	bool truncated;             /* the image data ended before the image */
};

static void on_error(j_common_ptr cinfo)
{
	struct decoder_error *e = (struct decoder_error *)cinfo->err;
	longjmp(e->jump, 1);
}

static void on_message(j_common_ptr cinfo, int level)
{
	struct decoder_error *e = (struct decoder_error *)cinfo->err;
	/* JWRN_JPEG_EOF: libjpeg would paint the rest grey and carry on; other
	 * warnings (extraneous bytes before a marker...) are common in
	 * cameras' files and harmless */
	if (level < 0 && e->pub.msg_code == JWRN_JPEG_EOF)
		e->truncated = true;
}

/* ------------------------------------------------------------ resample */

/* For each output pixel of one axis: the source pixels it covers and how
 * much of each (area average), weights summing to WEIGHT_ONE. */
struct taps {
	int *first;
	int *count;
	int *weight;                /* count[i] weights from weight[i * span] */
	int span;
};

static void taps_free(struct taps *t)
{
	free(t->first);
	free(t->count);
	free(t->weight);
}

static bool taps_make(int src, int dst, struct taps *t)
{
	double scale = (double)src / dst;
	t->span = (int)scale + 2;
	t->first = malloc(sizeof *t->first * (size_t)dst);
	t->count = malloc(sizeof *t->count * (size_t)dst);
	t->weight = malloc(sizeof *t->weight * (size_t)dst * (size_t)t->span);
	if (t->first == NULL || t->count == NULL || t->weight == NULL)
		return false;
	for (int i = 0; i < dst; i++) {
		double x0 = i * scale, x1 = (i + 1) * scale;
		if (x1 > src)
			x1 = src;
		int j0 = (int)x0, n = 0, total = 0;
		int *w = &t->weight[(size_t)i * (size_t)t->span];
		for (int j = j0; j < src && j < x1 && n < t->span; j++, n++) {
			double lo = j > x0 ? j : x0, hi = j + 1 < x1 ? j + 1 : x1;
			w[n] = (int)((hi - lo) / (x1 - x0) * WEIGHT_ONE + 0.5);
			total += w[n];
		}
		if (n == 0) {           /* rounding at the very end */
			j0 = src - 1;
			w[n++] = 0;
		}
		w[n - 1] += WEIGHT_ONE - total;
		t->first[i] = j0;
		t->count[i] = n;
	}
	return true;
}

static unsigned char clamp_weighted(long sum)
{
	sum = (sum + WEIGHT_ONE / 2) >> WEIGHT_BITS;
	return (unsigned char)(sum < 0 ? 0 : sum > 255 ? 255 : sum);
}

struct image {
	unsigned char *px;
	int width, height, comps;
};

/* Area-average src into dst (dst->width/height set, px allocated here). */
static bool resample(const struct image *src, struct image *dst)
{
	struct taps tx = { 0 }, ty = { 0 };
	size_t row_in = (size_t)src->width * (size_t)src->comps;
	size_t row_out = (size_t)dst->width * (size_t)src->comps;
	unsigned char *mid = malloc(row_out * (size_t)src->height);
	dst->comps = src->comps;
	dst->px = malloc(row_out * (size_t)dst->height);
	bool ok = mid != NULL && dst->px != NULL && taps_make(src->width, dst->width, &tx) &&
		taps_make(src->height, dst->height, &ty);
	for (int y = 0; ok && y < src->height; y++) {
		const unsigned char *in = src->px + row_in * (size_t)y;
		unsigned char *out = mid + row_out * (size_t)y;
		for (int x = 0; x < dst->width; x++) {
			const int *w = &tx.weight[(size_t)x * (size_t)tx.span];
			const unsigned char *p = in + (size_t)tx.first[x] * (size_t)src->comps;
			for (int c = 0; c < src->comps; c++) {
				long sum = 0;
				for (int k = 0; k < tx.count[x]; k++)
					sum += (long)w[k] * p[k * src->comps + c];
				*out++ = clamp_weighted(sum);
			}
		}
	}
	for (int y = 0; ok && y < dst->height; y++) {
		const int *w = &ty.weight[(size_t)y * (size_t)ty.span];
		const unsigned char *in = mid + row_out * (size_t)ty.first[y];
		unsigned char *out = dst->px + row_out * (size_t)y;
		for (size_t i = 0; i < row_out; i++) {
			long sum = 0;
			for (int k = 0; k < ty.count[y]; k++)
				sum += (long)w[k] * in[row_out * (size_t)k + i];
			out[i] = clamp_weighted(sum);
		}
	}
	taps_free(&tx);
	taps_free(&ty);
	free(mid);
	return ok;
}

/* ------------------------------------------------------------ decode */

/* Adobe's CMYK JPEGs store the inks inverted; either way to RGB in place. */
static void cmyk_to_rgb(struct image *im, bool inverted)
{
	size_t n = (size_t)im->width * (size_t)im->height;
	unsigned char *p = im->px;
	for (size_t i = 0; i < n; i++) {
		unsigned c = p[4 * i], m = p[4 * i + 1], y = p[4 * i + 2], k = p[4 * i + 3];
		if (!inverted) {
			c = 255 - c; m = 255 - m; y = 255 - y; k = 255 - k;
		}
		p[3 * i] = (unsigned char)(c * k / 255);
		p[3 * i + 1] = (unsigned char)(m * k / 255);
		p[3 * i + 2] = (unsigned char)(y * k / 255);
	}
	im->comps = 3;
}

/* The smallest DCT scale (n/8) whose long side still reaches target. */
static int dct_scale(int long_side, int target)
{
	for (int n = 1; n < 8; n++)
		if (((long)long_side * n + 7) / 8 >= target)
			return n;
	return 8;
}

struct decode {
	struct jpeg_decompress_struct cinfo;
	struct decoder_error err;
	struct image im;
};

/* Decode data at scale n/8 into d->im (RGB or grey). */
static enum photo_error decode_scaled(struct decode *d, const unsigned char *data,
	size_t len, int target, int *orig_w, int *orig_h)
{
	struct jpeg_decompress_struct *ci = &d->cinfo;
	ci->err = jpeg_std_error(&d->err.pub);
	d->err.pub.error_exit = on_error;
	d->err.pub.emit_message = on_message;
	if (setjmp(d->err.jump)) {
		int code = d->err.pub.msg_code;
		return code == JERR_OUT_OF_MEMORY || code == JERR_NO_BACKING_STORE
			? PHOTO_ERR_TOO_MANY_PIXELS : PHOTO_ERR_BAD_IMAGE;
	}
	jpeg_create_decompress(ci);
	ci->mem->max_memory_to_use = MAX_DECODER_MEMORY;
	jpeg_mem_src(ci, data, (unsigned long)len);
	jpeg_read_header(ci, TRUE);
	*orig_w = (int)ci->image_width;
	*orig_h = (int)ci->image_height;
	if ((long long)ci->image_width * ci->image_height > MAX_PIXELS)
		return PHOTO_ERR_TOO_MANY_PIXELS;
	int long_side = *orig_w > *orig_h ? *orig_w : *orig_h;
	if (long_side <= target)
		return PHOTO_ERR_NONE;  /* small enough: nothing decoded */
	bool cmyk = ci->jpeg_color_space == JCS_CMYK || ci->jpeg_color_space == JCS_YCCK;
	ci->out_color_space = cmyk ? JCS_CMYK
		: ci->jpeg_color_space == JCS_GRAYSCALE ? JCS_GRAYSCALE : JCS_RGB;
	ci->scale_num = (unsigned)dct_scale(long_side, target);
	ci->scale_denom = 8;
	jpeg_start_decompress(ci);
	d->im.width = (int)ci->output_width;
	d->im.height = (int)ci->output_height;
	d->im.comps = ci->output_components;
	size_t row = (size_t)d->im.width * (size_t)d->im.comps;
	d->im.px = malloc(row * (size_t)d->im.height);
	if (d->im.px == NULL)
		return PHOTO_ERR_TOO_MANY_PIXELS;
	while (ci->output_scanline < ci->output_height) {
		JSAMPROW r = d->im.px + row * ci->output_scanline;
		jpeg_read_scanlines(ci, &r, 1);
		if (d->err.truncated)
			return PHOTO_ERR_TRUNCATED;
	}
	jpeg_finish_decompress(ci);
	if (d->err.truncated)
		return PHOTO_ERR_TRUNCATED;
	if (cmyk)
		cmyk_to_rgb(&d->im, ci->saw_Adobe_marker);
	return PHOTO_ERR_NONE;
}

/* ------------------------------------------------------------ encode */

struct encode {
	struct jpeg_compress_struct cinfo;
	struct decoder_error err;
	unsigned char *out;
	unsigned long out_len;
};

static bool encode(struct encode *e, const struct image *im, int quality,
	const unsigned char *app1, unsigned app1_len)
{
	struct jpeg_compress_struct *ci = &e->cinfo;
	ci->err = jpeg_std_error(&e->err.pub);
	e->err.pub.error_exit = on_error;
	if (setjmp(e->err.jump))
		return false;
	jpeg_create_compress(ci);
	jpeg_mem_dest(ci, &e->out, &e->out_len);
	ci->image_width = (JDIMENSION)im->width;
	ci->image_height = (JDIMENSION)im->height;
	ci->input_components = im->comps;
	ci->in_color_space = im->comps == 1 ? JCS_GRAYSCALE : JCS_RGB;
	jpeg_set_defaults(ci);
	jpeg_set_quality(ci, quality, TRUE);
	ci->optimize_coding = TRUE;     /* a few per cent smaller on the wire */
	ci->write_JFIF_header = FALSE;  /* Exif first, as cameras write it */
	jpeg_start_compress(ci, TRUE);
	if (app1 != NULL)
		jpeg_write_marker(ci, JPEG_APP0 + 1, app1, app1_len);
	size_t row = (size_t)im->width * (size_t)im->comps;
	while (ci->next_scanline < ci->image_height) {
		JSAMPROW r = im->px + row * ci->next_scanline;
		jpeg_write_scanlines(ci, &r, 1);
	}
	jpeg_finish_compress(ci);
	return true;
}

/* ------------------------------------------------------------ the copy */

static bool read_whole(const char *path, unsigned char **data, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	struct stat st;
	*data = NULL;
	if (fd < 0)
		return false;
	bool ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
		st.st_size <= PHOTO_MAX_BYTES && (*data = malloc((size_t)st.st_size)) != NULL;
	size_t got = 0;
	while (ok && got < (size_t)st.st_size) {
		ssize_t r = read(fd, *data + got, (size_t)st.st_size - got);
		if (r < 0 && errno == EINTR)
			continue;
		ok = r > 0;
		if (ok)
			got += (size_t)r;
	}
	close(fd);
	*len = got;
	if (!ok) {
		free(*data);
		*data = NULL;
	}
	return ok;
}

/* The Exif segment of the copy, from the original's TIFF bytes and facts. */
static void copy_exif(const unsigned char *data, size_t len, const struct photo_facts *facts,
	unsigned char **app1, unsigned *app1_len)
{
	struct photo_src src = { .mem = data, .fd = -1, .size = len };
	struct jpeg_layout layout;
	const unsigned char *tiff = NULL;
	jpeg_walk(&src, &layout);
	if (layout.exif_found && layout.exif_len > 0)
		tiff = photo_src_view(&src, layout.exif_off, layout.exif_len);
	*app1 = NULL;
	*app1_len = 0;
	exif_build_copy(tiff, tiff != NULL ? layout.exif_len : 0, facts, app1, app1_len);
}

static enum photo_error make_copy(const unsigned char *data, size_t len,
	const struct photo_facts *facts, const struct photo_copy_options *opt,
	struct photo_copy *out)
{
	struct decode *d = calloc(1, sizeof *d);
	struct encode *e = calloc(1, sizeof *e);
	struct image small = { 0 };
	enum photo_error pe = PHOTO_ERR_READ;
	if (d == NULL || e == NULL)
		goto done;
	pe = decode_scaled(d, data, len, opt->max_long_side, &out->orig_width, &out->orig_height);
	if (pe != PHOTO_ERR_NONE || d->im.px == NULL)
		goto done;
	int w = out->orig_width, h = out->orig_height;
	int long_side = w > h ? w : h;
	small.width = (int)(((long)w * opt->max_long_side + long_side / 2) / long_side);
	small.height = (int)(((long)h * opt->max_long_side + long_side / 2) / long_side);
	small.width = small.width < 1 ? 1 : small.width;
	small.height = small.height < 1 ? 1 : small.height;
	if (!resample(&d->im, &small)) {
		pe = PHOTO_ERR_TOO_MANY_PIXELS;
		goto done;
	}
	unsigned char *app1;
	unsigned app1_len;
	copy_exif(data, len, facts, &app1, &app1_len);
	bool encoded = encode(e, &small, opt->quality, app1, app1_len);
	free(app1);
	if (!encoded) {
		pe = PHOTO_ERR_READ;
		goto done;
	}
	out->data = e->out;
	out->len = e->out_len;
	e->out = NULL;
	out->width = small.width;
	out->height = small.height;
done:
	if (d != NULL) {
		jpeg_destroy_decompress(&d->cinfo);
		free(d->im.px);
	}
	if (e != NULL) {
		jpeg_destroy_compress(&e->cinfo);
		free(e->out);
	}
	free(small.px);
	free(d);
	free(e);
	return pe;
}

enum photo_error photo_copy_make(const char *path, const struct photo_facts *facts,
	const struct photo_copy_options *opt, struct photo_copy *out)
{
	unsigned char *data;
	size_t len;
	memset(out, 0, sizeof *out);
	if (!read_whole(path, &data, &len))
		return PHOTO_ERR_READ;
	enum photo_error pe = photo_copy_make_buffer(data, len, facts, opt, out);
	free(data);
	return pe;
}

enum photo_error photo_copy_make_buffer(const unsigned char *data, size_t len,
	const struct photo_facts *facts, const struct photo_copy_options *opt,
	struct photo_copy *out)
{
	memset(out, 0, sizeof *out);
	if (opt->max_long_side < 1 || opt->quality < 1 || opt->quality > 100)
		return PHOTO_ERR_READ;
	enum photo_error pe = make_copy(data, len, facts, opt, out);
	if (pe == PHOTO_ERR_NONE && out->data == NULL) {
		out->width = out->orig_width;   /* kept as it is */
		out->height = out->orig_height;
	}
	if (pe != PHOTO_ERR_NONE)
		photo_copy_free(out);
	return pe;
}

void photo_copy_free(struct photo_copy *c)
{
	free(c->data);
	c->data = NULL;
	c->len = 0;
}
