#include "config.h"
#include "photo_builder.h"

#include <libexif/exif-data.h>
#include <libexif/exif-utils.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A 1x1 grey baseline JPEG (quantisation all ones, one Huffman code per
 * table), written by hand for these tests; libjpeg decodes it cleanly. */
static const unsigned char tiny_jpeg[] = {
	0xff, 0xd8, 0xff, 0xdb, 0x00, 0x43, 0x00, 0x01, 0x01, 0x01, 0x01, 0x01,
	0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01,
	0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01,
	0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01,
	0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01,
	0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0xff,
	0xc0, 0x00, 0x0b, 0x08, 0x00, 0x01, 0x00, 0x01, 0x01, 0x01, 0x11, 0x00,
	0xff, 0xc4, 0x00, 0x14, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xc4,
	0x00, 0x14, 0x10, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xda, 0x00, 0x08,
	0x01, 0x01, 0x00, 0x00, 0x3f, 0x00, 0x3f, 0xff, 0xd9
};

void buf_add(struct buf *b, const void *data, size_t n)
{
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + n)
			cap *= 2;
		unsigned char *p = realloc(b->p, cap);
		if (p == NULL) {
			perror("photo_builder");
			exit(99);
		}
		b->p = p;
		b->cap = cap;
	}
	if (n > 0)
		memcpy(b->p + b->len, data, n);
	b->len += n;
}

void buf_free(struct buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

void jpeg_begin(struct buf *b)
{
	buf_add(b, tiny_jpeg, 2);
}

void jpeg_segment(struct buf *b, unsigned marker, const void *payload, size_t n)
{
	unsigned char h[4] = { 0xFF, (unsigned char)marker,
		(unsigned char)((n + 2) >> 8), (unsigned char)((n + 2) & 0xFF) };
	buf_add(b, h, 4);
	buf_add(b, payload, n);
}

void jpeg_exif(struct buf *b, const struct buf *tiff)
{
	struct buf seg = { 0 };
	buf_add(&seg, "Exif\0\0", 6);
	buf_add(&seg, tiff->p, tiff->len);
	jpeg_segment(b, 0xE1, seg.p, seg.len);
	buf_free(&seg);
}

void jpeg_xmp(struct buf *b, const char *packet)
{
	struct buf seg = { 0 };
	buf_add(&seg, "http://ns.adobe.com/xap/1.0/", 29);  /* with its NUL */
	buf_add(&seg, packet, strlen(packet));
	jpeg_segment(b, 0xE1, seg.p, seg.len);
	buf_free(&seg);
}

void jpeg_image(struct buf *b)
{
	buf_add(b, tiny_jpeg + 2, sizeof tiny_jpeg - 2);
}

/* ------------------------------------------------------------ hand TIFF */

static void put16(unsigned char *p, bool le, uint32_t v)
{
	p[le ? 0 : 1] = (unsigned char)(v & 0xFF);
	p[le ? 1 : 0] = (unsigned char)((v >> 8) & 0xFF);
}

static void put32(unsigned char *p, bool le, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[le ? i : 3 - i] = (unsigned char)((v >> (8 * i)) & 0xFF);
}

static size_t unit_size(unsigned format)
{
	switch (format) {
	case 1: case 2: case 6: case 7: return 1;
	case 3: case 8: return 2;
	case 4: case 9: case 11: return 4;
	case 5: case 10: case 12: return 8;
	default: return 1;
	}
}

/* The value bytes of one entry, in the file's order. */
static void encode(const struct tag *t, bool le, struct buf *out)
{
	size_t unit = unit_size(t->format);
	unsigned char tmp[8];

	for (uint32_t i = 0; i < t->count; i++) {
		memset(tmp, 0, sizeof tmp);
		if (t->bytes != NULL)
			tmp[0] = (unsigned char)t->bytes[i];
		else if (unit == 2)
			put16(tmp, le, t->v[i]);
		else if (unit == 4)
			put32(tmp, le, t->v[i]);
		else if (unit == 8) {
			put32(tmp, le, t->v[2 * i]);
			put32(tmp + 4, le, t->v[2 * i + 1]);
		}
		buf_add(out, tmp, unit);
	}
}

static void write_ifd(unsigned char *at, bool le, const struct tag *tags, size_t n,
	const struct tag *extra, size_t nextra, struct buf *data, size_t data_base)
{
	put16(at, le, (uint32_t)(n + nextra));
	for (size_t i = 0; i < n + nextra; i++) {
		const struct tag *t = i < n ? &tags[i] : &extra[i - n];
		unsigned char *e = at + 2 + 12 * i;
		put16(e, le, t->tag);
		put16(e + 2, le, t->format);
		put32(e + 4, le, t->count);
		if (t->raw) {
			put32(e + 8, le, t->raw_value);
			continue;
		}
		struct buf v = { 0 };
		encode(t, le, &v);
		if (v.len <= 4) {
			if (v.len > 0)
				memcpy(e + 8, v.p, v.len);
		} else {
			put32(e + 8, le, (uint32_t)(data_base + data->len));
			buf_add(data, v.p, v.len);
			if (v.len & 1)
				buf_add(data, "", 1);
		}
		buf_free(&v);
	}
	put32(at + 2 + 12 * (n + nextra), le, 0);
}

void tiff_build(const struct tiff_spec *s, struct buf *out)
{
	struct tag ptrs[2];
	size_t nptr = 0;
	size_t size0, sizee, sizeg;
	struct buf data = { 0 };

	memset(ptrs, 0, sizeof ptrs);
	nptr = (s->exif != NULL) + (s->gps != NULL || s->gps_ptr_raw);
	size0 = 2 + 12 * (s->n0 + nptr) + 4;
	sizee = s->exif ? 2 + 12 * s->nexif + 4 : 0;
	sizeg = s->gps ? 2 + 12 * s->ngps + 4 : 0;
	size_t off_exif = 8 + size0, off_gps = off_exif + sizee, data_base = off_gps + sizeg;

	size_t k = 0;
	if (s->exif != NULL)
		ptrs[k++] = (struct tag){ .tag = 0x8769, .format = FMT_LONG, .count = 1,
			.raw = true, .raw_value = (uint32_t)off_exif };
	if (s->gps != NULL || s->gps_ptr_raw)
		ptrs[k++] = (struct tag){ .tag = 0x8825,
			.format = s->gps_ptr_format ? s->gps_ptr_format : FMT_LONG, .count = 1,
			.raw = true, .raw_value = s->gps_ptr_raw ? s->gps_ptr_value : (uint32_t)off_gps };

	unsigned char *head = calloc(1, data_base);
	if (head == NULL)
		exit(99);
	memcpy(head, s->le ? "II*\0" : "MM\0*", 4);
	put32(head + 4, s->le, 8);
	write_ifd(head + 8, s->le, s->ifd0, s->n0, ptrs, nptr, &data, data_base);
	if (s->exif)
		write_ifd(head + off_exif, s->le, s->exif, s->nexif, NULL, 0, &data, data_base);
	if (s->gps)
		write_ifd(head + off_gps, s->le, s->gps, s->ngps, NULL, 0, &data, data_base);
	buf_add(out, head, data_base);
	buf_add(out, data.p, data.len);
	free(head);
	buf_free(&data);
	if (s->cut > 0 && s->cut < out->len)
		out->len = s->cut;
}

/* ------------------------------------------------------------ libexif */

static ExifEntry *add(ExifData *ed, ExifMem *mem, ExifIfd ifd, ExifTag tag,
	ExifFormat format, unsigned long components)
{
	ExifEntry *e = exif_entry_new_mem(mem);
	if (e == NULL)
		exit(99);
	e->tag = tag;
	e->format = format;
	e->components = components;
	e->size = exif_format_get_size(format) * (unsigned)components;
	e->data = exif_mem_alloc(mem, e->size);
	if (e->data == NULL)
		exit(99);
	exif_content_add_entry(ed->ifd[ifd], e);
	exif_entry_unref(e);
	return e;
}

static void add_ascii(ExifData *ed, ExifMem *mem, ExifIfd ifd, ExifTag tag, const char *s)
{
	ExifEntry *e = add(ed, mem, ifd, tag, EXIF_FORMAT_ASCII, strlen(s) + 1);
	memcpy(e->data, s, strlen(s) + 1);
}

static void add_rationals(ExifData *ed, ExifMem *mem, ExifTag tag, const uint32_t *pairs,
	unsigned n, ExifByteOrder order)
{
	ExifEntry *e = add(ed, mem, EXIF_IFD_GPS, tag, EXIF_FORMAT_RATIONAL, n);
	for (unsigned i = 0; i < n; i++) {
		ExifRational r = { pairs[2 * i], pairs[2 * i + 1] };
		exif_set_rational(e->data + 8 * i, order, r);
	}
}

void exif_build_libexif(const struct exif_spec *s, struct buf *out)
{
	ExifMem *mem = exif_mem_new_default();
	ExifData *ed = exif_data_new_mem(mem);
	ExifByteOrder order = s->le ? EXIF_BYTE_ORDER_INTEL : EXIF_BYTE_ORDER_MOTOROLA;
	unsigned char *d = NULL;
	unsigned int ds = 0;

	if (ed == NULL)
		exit(99);
	exif_data_set_byte_order(ed, order);
	if (s->orientation) {
		ExifEntry *e = add(ed, mem, EXIF_IFD_0, EXIF_TAG_ORIENTATION, EXIF_FORMAT_SHORT, 1);
		exif_set_short(e->data, order, (ExifShort)s->orientation);
	}
	if (s->taken_at)
		add_ascii(ed, mem, EXIF_IFD_EXIF, EXIF_TAG_DATE_TIME_ORIGINAL, s->taken_at);
	if (s->gps) {
		ExifEntry *v = add(ed, mem, EXIF_IFD_GPS, EXIF_TAG_GPS_VERSION_ID, EXIF_FORMAT_BYTE, 4);
		memcpy(v->data, "\2\3\0\0", 4);
		if (s->lat_ref)
			add_ascii(ed, mem, EXIF_IFD_GPS, EXIF_TAG_GPS_LATITUDE_REF, s->lat_ref);
		add_rationals(ed, mem, EXIF_TAG_GPS_LATITUDE, s->lat, 3, order);
		if (s->lon_ref)
			add_ascii(ed, mem, EXIF_IFD_GPS, EXIF_TAG_GPS_LONGITUDE_REF, s->lon_ref);
		add_rationals(ed, mem, EXIF_TAG_GPS_LONGITUDE, s->lon, 3, order);
		if (s->alt) {
			if (s->alt_ref >= 0) {
				ExifEntry *r = add(ed, mem, EXIF_IFD_GPS, EXIF_TAG_GPS_ALTITUDE_REF,
					EXIF_FORMAT_BYTE, 1);
				r->data[0] = (unsigned char)s->alt_ref;
			}
			uint32_t a[2] = { s->alt_num, s->alt_den };
			add_rationals(ed, mem, EXIF_TAG_GPS_ALTITUDE, a, 1, order);
		}
		if (s->gps_date) {
			add_rationals(ed, mem, EXIF_TAG_GPS_TIME_STAMP, s->gps_time, 3, order);
			add_ascii(ed, mem, EXIF_IFD_GPS, EXIF_TAG_GPS_DATE_STAMP, s->gps_date);
		}
	}
	exif_data_save_data(ed, &d, &ds);
	if (d == NULL || ds < 6 || memcmp(d, "Exif\0\0", 6) != 0)
		exit(99);
	buf_add(out, d + 6, ds - 6);
	exif_mem_free(mem, d);
	exif_data_unref(ed);
	exif_mem_unref(mem);
}
