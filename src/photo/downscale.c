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

static unsigned char clamp_weighted(int sum)
{
	sum = (sum + WEIGHT_ONE / 2) >> WEIGHT_BITS;
	return (unsigned char)(sum < 0 ? 0 : sum > 255 ? 255 : sum);
}

struct image {
	unsigned char *px;
	int width, height, comps;
};

/* One row across: each output pixel from the source pixels it covers. */
static void resample_row(const unsigned char *restrict in, unsigned char *restrict out,
	const struct taps *t, int width, int comps)
{
	for (int x = 0; x < width; x++) {
		const int *w = &t->weight[(size_t)x * (size_t)t->span];
		const unsigned char *p = in + (size_t)t->first[x] * (size_t)comps;
		int n = t->count[x];
		for (int c = 0; c < comps; c++) {
			int sum = 0;
			for (int k = 0; k < n; k++)
				sum += w[k] * p[k * comps + c];
			*out++ = clamp_weighted(sum);
		}
	}
}

/* ------------------------------------------------------------ decode */

/* Adobe's CMYK JPEGs store the inks inverted; either way to RGB in place. */
static void cmyk_row_to_rgb(unsigned char *p, int width, bool inverted)
{
	for (int i = 0; i < width; i++) {
		unsigned c = p[4 * i], m = p[4 * i + 1], y = p[4 * i + 2], k = p[4 * i + 3];
		if (!inverted) {
			c = 255 - c; m = 255 - m; y = 255 - y; k = 255 - k;
		}
		p[3 * i] = (unsigned char)(c * k / 255);
		p[3 * i + 1] = (unsigned char)(m * k / 255);
		p[3 * i + 2] = (unsigned char)(y * k / 255);
	}
}

/* The smallest DCT scale (n/8) whose long side still reaches target. */
static int dct_scale(int long_side, int target)
{
	for (int n = 1; n < 8; n++)
		if (((long)long_side * n + 7) / 8 >= target)
			return n;
	return 8;
}

/* The decoder and the few source rows the resample needs at a time (a
 * ring): the scaled image is never held whole. */
struct decode {
	struct jpeg_decompress_struct cinfo;
	struct decoder_error err;
	unsigned char *ring;
	int ring_rows, decoded;
	size_t stride;              /* bytes a decoded row (4 a pixel for CMYK) */
	bool cmyk;
};

/* Source row j (rows asked in increasing order, at most ring_rows alive). */
static const unsigned char *source_row(struct decode *d, int j)
{
	while (d->decoded <= j) {
		JSAMPROW r = d->ring + d->stride * (size_t)(d->decoded % d->ring_rows);
		jpeg_read_scanlines(&d->cinfo, &r, 1);
		if (d->cmyk)
			cmyk_row_to_rgb(r, (int)d->cinfo.output_width, d->cinfo.saw_Adobe_marker);
		d->decoded++;
	}
	return d->ring + d->stride * (size_t)(j % d->ring_rows);
}

/* Area-average the decoder's rows into dst (width, height, comps set):
 * down the columns first (a loop the compiler makes vector code of), then
 * across. */
static bool resample(struct decode *d, int src_w, int src_h, struct image *dst)
{
	struct taps tx = { 0 }, ty = { 0 };
	size_t row_in = (size_t)src_w * (size_t)dst->comps;
	size_t row_out = (size_t)dst->width * (size_t)dst->comps;
	int *acc = malloc(sizeof *acc * row_in);
	unsigned char *mid = malloc(row_in);
	dst->px = malloc(row_out * (size_t)dst->height);
	bool ok = acc != NULL && mid != NULL && dst->px != NULL &&
		taps_make(src_w, dst->width, &tx) && taps_make(src_h, dst->height, &ty);
	if (ok) {
		d->ring_rows = ty.span;
		d->ring = malloc(d->stride * (size_t)d->ring_rows);
		ok = d->ring != NULL;
	}
	for (int y = 0; ok && y < dst->height; y++) {
		const int *w = &ty.weight[(size_t)y * (size_t)ty.span];
		memset(acc, 0, sizeof *acc * row_in);
		for (int k = 0; k < ty.count[y]; k++) {
			const unsigned char *restrict line = source_row(d, ty.first[y] + k);
			int *restrict a = acc;
			int wk = w[k];
			for (size_t i = 0; i < row_in; i++)
				a[i] += wk * line[i];
		}
		for (size_t i = 0; i < row_in; i++)
			mid[i] = clamp_weighted(acc[i]);
		resample_row(mid, dst->px + row_out * (size_t)y, &tx, dst->width, dst->comps);
	}
	taps_free(&tx);
	taps_free(&ty);
	free(acc);
	free(mid);
	return ok;
}

/* Decode data at scale n/8, resampled into small (its size set here from
 * the original's and target); small->px stays NULL when the photo is not
 * larger than target. */
static enum photo_error decode_small(struct decode *d, const unsigned char *data,
	size_t len, int target, bool always, int *orig_w, int *orig_h, struct image *small)
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
	int w = (int)ci->image_width, h = (int)ci->image_height;
	*orig_w = w;
	*orig_h = h;
	if ((long long)w * h > MAX_PIXELS)
		return PHOTO_ERR_TOO_MANY_PIXELS;
	int long_side = w > h ? w : h;
	if (long_side <= target && !always)
		return PHOTO_ERR_NONE;  /* small enough: nothing decoded */
	int fit = target < long_side ? target : long_side;
	d->cmyk = ci->jpeg_color_space == JCS_CMYK || ci->jpeg_color_space == JCS_YCCK;
	ci->out_color_space = d->cmyk ? JCS_CMYK
		: ci->jpeg_color_space == JCS_GRAYSCALE ? JCS_GRAYSCALE : JCS_RGB;
	ci->scale_num = (unsigned)dct_scale(long_side, fit);
	ci->scale_denom = 8;
	jpeg_start_decompress(ci);
	d->stride = (size_t)ci->output_width * (size_t)ci->output_components;
	small->comps = d->cmyk ? 3 : ci->output_components;
	small->width = (int)(((long)w * fit + long_side / 2) / long_side);
	small->height = (int)(((long)h * fit + long_side / 2) / long_side);
	small->width = small->width < 1 ? 1 : small->width;
	small->height = small->height < 1 ? 1 : small->height;
	if (!resample(d, (int)ci->output_width, (int)ci->output_height, small))
		return PHOTO_ERR_TOO_MANY_PIXELS;
	if (d->err.truncated)
		return PHOTO_ERR_TRUNCATED;
	/* the rows after the last one used: read for the truncation check */
	while (ci->output_scanline < ci->output_height && !d->err.truncated)
		jpeg_skip_scanlines(ci, ci->output_height - ci->output_scanline);
	jpeg_finish_decompress(ci);
	return d->err.truncated ? PHOTO_ERR_TRUNCATED : PHOTO_ERR_NONE;
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
	/* no optimize_coding: it keeps every coefficient of the image for a
	 * second pass, costing more time than its 5 % of bytes is worth here */
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

/* Read, not mapped: a photo on a card pulled out meanwhile must give an
 * error, not SIGBUS. */
bool photo_load_file(const char *path, unsigned char **data, size_t *len)
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
	pe = decode_small(d, data, len, opt->max_long_side, false, &out->orig_width,
		&out->orig_height, &small);
	if (pe != PHOTO_ERR_NONE || small.px == NULL)
		goto done;
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
		free(d->ring);
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
	size_t len = 0;
	memset(out, 0, sizeof *out);
	if (!photo_load_file(path, &data, &len))
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

/* ------------------------------------------------------------ to look at */

/* Grey to RGB in place (the buffer holds 3 bytes a pixel). */
static void grey_to_rgb(unsigned char *px, size_t pixels)
{
	for (size_t i = pixels; i-- > 0;)
		px[3 * i] = px[3 * i + 1] = px[3 * i + 2] = px[i];
}

/* Where output pixel (x, y) of the upright image comes from in the stored
 * one (w x h), for EXIF orientation o (2-8; 5-8 swap the sides). */
static void upright_source(int o, int x, int y, int w, int h, int *sx, int *sy)
{
	switch (o) {
	case 2: *sx = w - 1 - x; *sy = y; break;                /* mirrored */
	case 3: *sx = w - 1 - x; *sy = h - 1 - y; break;        /* upside down */
	case 4: *sx = x; *sy = h - 1 - y; break;
	case 5: *sx = y; *sy = x; break;                        /* transposed */
	case 6: *sx = y; *sy = h - 1 - x; break;                /* turned 90 clockwise */
	case 7: *sx = w - 1 - y; *sy = h - 1 - x; break;
	case 8: *sx = w - 1 - y; *sy = x; break;                /* turned 90 anticlockwise */
	default: *sx = x; *sy = y; break;
	}
}

static bool turn_upright(struct photo_pixels *p, int orientation)
{
	if (orientation < 2 || orientation > 8)
		return true;
	int w = p->width, h = p->height;
	int ow = orientation >= 5 ? h : w, oh = orientation >= 5 ? w : h;
	unsigned char *out = malloc((size_t)ow * (size_t)oh * 3);
	if (out == NULL)
		return false;
	for (int y = 0; y < oh; y++)
		for (int x = 0; x < ow; x++) {
			int sx, sy;
			upright_source(orientation, x, y, w, h, &sx, &sy);
			memcpy(out + 3 * ((size_t)y * (size_t)ow + (size_t)x),
				p->rgb + 3 * ((size_t)sy * (size_t)w + (size_t)sx), 3);
		}
	free(p->rgb);
	p->rgb = out;
	p->width = ow;
	p->height = oh;
	return true;
}

enum photo_error photo_decode_upright_buffer(const unsigned char *data, size_t len,
	int long_side, struct photo_pixels *out)
{
	memset(out, 0, sizeof *out);
	struct photo_facts facts;
	enum photo_error pe = photo_read_buffer(data, len, PHOTO_READ_EXIF, &facts);
	if (pe != PHOTO_ERR_NONE)
		return pe;
	if (facts.type != PHOTO_TYPE_JPEG || long_side < 1)
		return PHOTO_ERR_NOT_JPEG;
	struct decode *d = calloc(1, sizeof *d);
	struct image small = { 0 };
	pe = PHOTO_ERR_READ;
	if (d != NULL)
		pe = decode_small(d, data, len, long_side, true, &out->orig_width,
			&out->orig_height, &small);
	if (d != NULL) {
		jpeg_destroy_decompress(&d->cinfo);
		free(d->ring);
		free(d);
	}
	size_t pixels = (size_t)small.width * (size_t)small.height;
	unsigned char *rgb = pe == PHOTO_ERR_NONE && small.px != NULL && small.comps == 1
		? realloc(small.px, pixels * 3) : small.px;
	if (rgb == NULL && small.px != NULL) {
		free(small.px);
		return PHOTO_ERR_TOO_MANY_PIXELS;
	}
	if (pe != PHOTO_ERR_NONE || rgb == NULL) {
		free(rgb);
		return pe != PHOTO_ERR_NONE ? pe : PHOTO_ERR_BAD_IMAGE;
	}
	if (small.comps == 1)
		grey_to_rgb(rgb, pixels);
	out->rgb = rgb;
	out->width = small.width;
	out->height = small.height;
	if (!turn_upright(out, facts.orientation)) {
		photo_pixels_free(out);
		return PHOTO_ERR_TOO_MANY_PIXELS;
	}
	return PHOTO_ERR_NONE;
}

enum photo_error photo_decode_upright(const char *path, int long_side, struct photo_pixels *out)
{
	unsigned char *data;
	size_t len = 0;
	memset(out, 0, sizeof *out);
	struct photo_facts facts;
	enum photo_error pe = photo_read(path, 0, &facts);
	if (pe != PHOTO_ERR_NONE)
		return pe;
	if (!photo_load_file(path, &data, &len))
		return PHOTO_ERR_READ;
	pe = photo_decode_upright_buffer(data, len, long_side, out);
	free(data);
	return pe;
}

void photo_pixels_free(struct photo_pixels *p)
{
	free(p->rgb);
	p->rgb = NULL;
}
