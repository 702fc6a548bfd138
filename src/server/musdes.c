/* musdes: `sigacor-server musdes`, the list a musyawarah kelurahan reads
 * and signs, as an A4 PDF (cairo + pango: real text that wraps in any
 * script, a font from the system, no PDF written by hand).
 *
 * One section per RW (a new page each), a sub-heading per RT, one row per
 * household (its deciding record as `report` counts it, or "belum
 * diverifikasi" for an assigned household nobody visited yet): name, NIK
 * masked but for the last 4 digits, address, outcome and reason, and empty
 * columns for the meeting's decision and a signature.  Each section closes
 * with the berita acara: its counts and signature blocks for the lurah, the
 * ketua RW and the pendamping.  Black on white with thin rules and a light
 * grey header: readable from a black-and-white printer or a photocopy.
 * The document is the meeting's, so it is always in Indonesian whatever
 * the operator's language; only the command's own messages are translated. */
#include "config.h"
#include "server.h"
#include "stats.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wilayah.h"
#include "sdb.h"

/* A4 landscape, in points */
#define PAGE_W 841.89
#define PAGE_H 595.28
#define MARGIN 36.0
#define CELL_PAD 3.0
#define ROW_MIN_H 22.0          /* room to write the meeting's decision by hand */
#define FONT "DejaVu Sans"

struct musdes_options {
	const char *dir, *kelurahan, *rw, *out, *campaign, *date;
	char rw_norm[4];
};

static void musdes_usage(void)
{
	fprintf(stderr, "%s", _("Pemakaian: sigacor-server musdes --data FOLDER --kelurahan KODE [--rw RW]\n"
		"        --out FILE.pdf [--campaign TEKS] [--date YYYY-MM-DD]\n"));
}

/* "3" or "03" or "003" -> "003" */
static bool normalise_rw(const char *in, char out[4])
{
	size_t n = strlen(in);
	int v = 0;
	if (n == 0 || n > 3)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (in[i] < '0' || in[i] > '9')
			return false;
		v = v * 10 + (in[i] - '0');
	}
	snprintf(out, 4, "%03u", (unsigned)v % 1000u);
	return v > 0;
}

static bool parse_musdes(int argc, char **argv, struct musdes_options *o)
{
	memset(o, 0, sizeof *o);
	const char *kelurahan = NULL;
	const struct command_option options[] = {
		{ "data", &o->dir, NULL, N_("--data FOLDER wajib diisi") },
		{ "kelurahan", &kelurahan, NULL, NULL },
		{ "rw", &o->rw, NULL, NULL },
		{ "out", &o->out, NULL, NULL },
		{ "campaign", &o->campaign, NULL, NULL },
		{ "date", &o->date, NULL, NULL },
		{ NULL, NULL, NULL, NULL },
	};
	if (!util_parse_options(argc, argv, options, 0, NULL)) {
		musdes_usage();
		return false;
	}
	o->kelurahan = util_kelurahan(kelurahan);
	const char *problem = o->kelurahan == NULL
			? N_("--kelurahan KODE wajib diisi: satu kelurahan Kota Tangerang")
		: o->out == NULL ? N_("--out FILE.pdf wajib diisi")
		: o->rw != NULL && !normalise_rw(o->rw, o->rw_norm) ? N_("--rw harus 1 sampai 3 angka")
		: o->date != NULL && (strlen(o->date) != 10 || o->date[4] != '-' || o->date[7] != '-')
			? N_("--date harus YYYY-MM-DD") : NULL;
	if (problem != NULL) {
		fprintf(stderr, "sigacor-server: %s\n", _(problem));
		musdes_usage();
		return false;
	}
	return true;
}

/* ---------------------------------------------------------------- rows */

struct musdes_row {
	char *name, *nik_masked, *address, *outcome, *rt, *rw;
	bool pending, layak, not_found;
};

struct musdes_rows {
	struct musdes_row *v;
	size_t n, cap;
	const char *rw;             /* keep only this RW, or NULL */
	bool failed;
};

/* "3671015503850002" -> "************0002": the meeting needs to tell
 * households apart, not to read their NIK aloud */
static char *mask_nik(const char *nik)
{
	size_t n = strlen(nik);
	char *out = malloc(n + 1);
	if (out == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++)
		out[i] = i + 4 < n ? '*' : nik[i];
	out[n] = '\0';
	return out;
}

static char *outcome_text(const struct stats_household *h)
{
	char buf[RECORD_TEXT_MAX + 128];
	enum reason r = REASON_NONE;
	record_reason_parse(h->reason, &r);
	if (h->id[0] == '\0')
		snprintf(buf, sizeof buf, "%s", "Belum diverifikasi");
	else if (strcmp(h->decision, "layak") == 0)
		snprintf(buf, sizeof buf, "%s", "Layak");
	else if (r == REASON_TIDAK_DITEMUKAN)
		snprintf(buf, sizeof buf, "%s", "Tidak ditemukan");
	else if (r == REASON_LAINNYA)
		snprintf(buf, sizeof buf, "%s: %s", "Tidak layak", h->reason_text);
	else
		snprintf(buf, sizeof buf, "%s: %s", "Tidak layak", record_reason_label(r));
	size_t len = strlen(buf);
	const char *review = strcmp(h->review, "confirmed") == 0 ? "dikonfirmasi kota"
		: strcmp(h->review, "rejected") == 0 ? "ditolak kota"
		: strcmp(h->review, "revisit") == 0 ? "kunjungan ulang" : NULL;
	if (review != NULL)
		snprintf(buf + len, sizeof buf - len, " (%s)", review);
	else if (h->flagged)
		snprintf(buf + len, sizeof buf - len, " (%s)", "ditandai, menunggu pemeriksaan kota");
	return strdup(buf);
}

static bool collect_row(const struct stats_household *h, void *ctx)
{
	struct musdes_rows *rows = ctx;
	if (rows->rw != NULL && strcmp(h->rw, rows->rw) != 0)
		return true;
	if (rows->n == rows->cap) {
		size_t cap = rows->cap ? rows->cap * 2 : 64;
		struct musdes_row *v = realloc(rows->v, cap * sizeof *v);
		if (v == NULL) {
			rows->failed = true;
			return false;
		}
		rows->v = v;
		rows->cap = cap;
	}
	enum reason r = REASON_NONE;
	record_reason_parse(h->reason, &r);
	struct musdes_row *row = &rows->v[rows->n++];
	*row = (struct musdes_row){
		.name = strdup(h->name), .nik_masked = mask_nik(h->nik), .address = strdup(h->address),
		.outcome = outcome_text(h), .rt = strdup(h->rt), .rw = strdup(h->rw),
		.pending = h->id[0] == '\0', .layak = strcmp(h->decision, "layak") == 0,
		.not_found = h->id[0] != '\0' && r == REASON_TIDAK_DITEMUKAN,
	};
	rows->failed = rows->failed || row->name == NULL || row->nik_masked == NULL
		|| row->address == NULL || row->outcome == NULL || row->rt == NULL || row->rw == NULL;
	return !rows->failed;
}

static void free_rows(struct musdes_rows *rows)
{
	for (size_t i = 0; i < rows->n; i++) {
		struct musdes_row *r = &rows->v[i];
		free(r->name); free(r->nik_masked); free(r->address);
		free(r->outcome); free(r->rt); free(r->rw);
	}
	free(rows->v);
}

/* ---------------------------------------------------------------- drawing */

struct column { const char *title; double width; };

/* widths add up to PAGE_W - 2 * MARGIN */
static const struct column columns[] = {
	{ "No", 26 }, { "Nama", 150 }, { "NIK", 96 }, { "Alamat", 160 },
	{ "Hasil verifikasi", 138 }, { "Keputusan musyawarah", 115 },
	{ "Tanda tangan", 84.89 },
};
#define N_COLS (sizeof columns / sizeof columns[0])

struct page {
	cairo_t *cr;
	PangoLayout *layout;
	double y;
	int number;
	const struct musdes_options *o;
	const struct wilayah_kelurahan *kel;
	char date_text[64];
};

/* set the layout's text, font and width (0 = no wrap); its height in points */
static double set_text(struct page *p, const char *text, double size, bool bold, double width)
{
	PangoFontDescription *fd = pango_font_description_from_string(FONT);
	pango_font_description_set_size(fd, (int)(size * PANGO_SCALE));
	pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
	pango_layout_set_font_description(p->layout, fd);
	pango_font_description_free(fd);
	pango_layout_set_width(p->layout, width > 0 ? (int)(width * PANGO_SCALE) : -1);
	pango_layout_set_wrap(p->layout, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_text(p->layout, text, -1);
	int w, h;
	pango_layout_get_size(p->layout, &w, &h);
	return (double)h / PANGO_SCALE;
}

static double draw_text(struct page *p, double x, double y, const char *text, double size,
	bool bold, double width)
{
	double h = set_text(p, text, size, bold, width);
	cairo_move_to(p->cr, x, y);
	pango_cairo_show_layout(p->cr, p->layout);
	return h;
}

static void page_footer(struct page *p)
{
	char buf[256];
	snprintf(buf, sizeof buf, "%s, Kel. %s (%s) - dicetak %s - halaman %d",
		p->o->campaign, p->kel->name, p->kel->code, p->date_text, p->number);
	cairo_set_source_rgb(p->cr, 0, 0, 0);
	draw_text(p, MARGIN, PAGE_H - MARGIN + 8, buf, 7, false, PAGE_W - 2 * MARGIN);
}

static void new_page(struct page *p)
{
	if (p->number > 0) {
		page_footer(p);
		cairo_show_page(p->cr);
	}
	p->number++;
	p->y = MARGIN;
}

static double bottom(void) { return PAGE_H - MARGIN - 4; }

/* the section's heading: title, kelurahan, RW, date and campaign */
static void section_header(struct page *p, const char *rw, bool continued)
{
	char buf[512];
	p->y += draw_text(p, MARGIN, p->y, "DAFTAR HASIL VERIFIKASI PENERIMA BANTUAN SOSIAL", 13, true, 0);
	p->y += draw_text(p, MARGIN, p->y, "untuk musyawarah kelurahan", 10, false, 0) + 4;
	snprintf(buf, sizeof buf, "Kelurahan %s (%s), Kecamatan %s, Kota Tangerang", p->kel->name,
		p->kel->code, p->kel->kecamatan_name);
	p->y += draw_text(p, MARGIN, p->y, buf, 9.5, false, 0);
	if (rw[0] != '\0')
		snprintf(buf, sizeof buf, "RW %s%s", rw, continued ? " (lanjutan)" : "");
	else
		snprintf(buf, sizeof buf, "%s%s", "RT/RW tidak tercatat di data kependudukan",
			continued ? " (lanjutan)" : "");
	p->y += draw_text(p, MARGIN, p->y, buf, 9.5, true, 0);
	snprintf(buf, sizeof buf, "Kampanye: %s    Tanggal: %s", p->o->campaign, p->date_text);
	p->y += draw_text(p, MARGIN, p->y, buf, 9.5, false, 0) + 8;
}

/* one table row; heights measured first so the rule boxes line up */
static double row_height(struct page *p, const char *const cells[N_COLS], double size, bool bold)
{
	double h = 0;
	for (size_t c = 0; c < N_COLS; c++) {
		double t = cells[c][0] != '\0' ? set_text(p, cells[c], size, bold,
			columns[c].width - 2 * CELL_PAD) : 0;
		h = t > h ? t : h;
	}
	h += 2 * CELL_PAD;
	return bold || h > ROW_MIN_H ? h : ROW_MIN_H;
}

static void draw_row(struct page *p, const char *const cells[N_COLS], double size, bool bold,
	double h, bool shaded)
{
	double x = MARGIN;
	for (size_t c = 0; c < N_COLS; c++) {
		cairo_rectangle(p->cr, x, p->y, columns[c].width, h);
		if (shaded) {
			cairo_set_source_rgb(p->cr, 0.85, 0.85, 0.85);
			cairo_fill_preserve(p->cr);
		}
		cairo_set_source_rgb(p->cr, 0, 0, 0);
		cairo_set_line_width(p->cr, 0.6);
		cairo_stroke(p->cr);
		draw_text(p, x + CELL_PAD, p->y + CELL_PAD, cells[c], size, bold,
			columns[c].width - 2 * CELL_PAD);
		x += columns[c].width;
	}
	p->y += h;
}

static void table_header(struct page *p)
{
	const char *cells[N_COLS];
	for (size_t c = 0; c < N_COLS; c++)
		cells[c] = columns[c].title;
	double h = row_height(p, cells, 8, true);
	draw_row(p, cells, 8, true, h, true);
}

static void rt_heading(struct page *p, const char *rt, const char *rw)
{
	char buf[64];
	if (rt[0] != '\0')
		snprintf(buf, sizeof buf, "RT %s / RW %s", rt, rw);
	else
		snprintf(buf, sizeof buf, "%s", "RT tidak tercatat");
	p->y += 4;
	p->y += draw_text(p, MARGIN, p->y, buf, 9.5, true, 0) + 2;
}

struct section_counts { long total, layak, tidak_layak, not_found, pending; };

/* the berita acara: counts, the meeting's date left to fill, three signatures */
static void berita_acara(struct page *p, const char *rw, const struct section_counts *n)
{
	char buf[1024];
	const double need = 150;
	if (p->y + need > bottom()) {
		new_page(p);
		section_header(p, rw, true);
	}
	p->y += 10;
	p->y += draw_text(p, MARGIN, p->y, "BERITA ACARA MUSYAWARAH KELURAHAN", 10.5, true, 0) + 2;
	snprintf(buf, sizeof buf, "Daftar di atas (%ld rumah tangga: %ld layak, %ld tidak layak, "
		"%ld tidak ditemukan, %ld belum diverifikasi) telah dibahas dalam musyawarah kelurahan "
		"pada hari ............................ tanggal ............................ dan "
		"keputusannya dicatat pada kolom \"Keputusan musyawarah\".", n->total, n->layak,
		n->tidak_layak, n->not_found, n->pending);
	p->y += draw_text(p, MARGIN, p->y, buf, 9, false, PAGE_W - 2 * MARGIN) + 10;
	char who[3][128];
	snprintf(who[0], sizeof who[0], "Lurah %s", p->kel->name);
	if (rw[0] != '\0')
		snprintf(who[1], sizeof who[1], "Ketua RW %s", rw);
	else
		snprintf(who[1], sizeof who[1], "%s", "Ketua RW");
	snprintf(who[2], sizeof who[2], "%s", "Pendamping");
	double col = (PAGE_W - 2 * MARGIN) / 3;
	for (int i = 0; i < 3; i++) {
		double x = MARGIN + i * col;
		draw_text(p, x, p->y, who[i], 9.5, true, col - 10);
		draw_text(p, x, p->y + 62, "(.......................................)", 9.5, false, col - 10);
		draw_text(p, x, p->y + 76, "nama terang dan tanda tangan", 7.5, false, col - 10);
	}
	p->y += 95;
}

static void count_row(struct section_counts *n, const struct musdes_row *r)
{
	n->total++;
	if (r->pending)
		n->pending++;
	else if (r->layak)
		n->layak++;
	else if (r->not_found)
		n->not_found++;
	else
		n->tidak_layak++;
}

/* rows[from, to) share an RW: one section */
static void draw_section(struct page *p, const struct musdes_rows *rows, size_t from, size_t to)
{
	const char *rw = rows->v[from].rw;
	struct section_counts n = { 0 };
	new_page(p);
	section_header(p, rw, false);
	for (size_t i = from; i < to; i++) {
		const struct musdes_row *r = &rows->v[i];
		bool new_rt = i == from || strcmp(r->rt, rows->v[i - 1].rt) != 0;
		char no[24];
		snprintf(no, sizeof no, "%zu", i - from + 1);
		const char *cells[N_COLS] = { no, r->name, r->nik_masked, r->address, r->outcome, "", "" };
		double h = row_height(p, cells, 8, false);
		double header_h = 16 + (new_rt ? 20 : 0);
		if (p->y + h + header_h > bottom()) {
			new_page(p);
			section_header(p, rw, true);
			new_rt = true;
		}
		if (new_rt) {
			rt_heading(p, r->rt, rw);
			table_header(p);
		}
		/* the row's cells are measured again by draw_row: same text, same height */
		draw_row(p, cells, 8, false, h, false);
		count_row(&n, r);
	}
	berita_acara(p, rw, &n);
}

static const char *const months[] = { "Januari", "Februari", "Maret", "April",
	"Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
	"November", "Desember" };

/* "2026-12-04" (or today) -> "4 Desember 2026" */
static void date_text(const char *iso, char *out, size_t cap)
{
	int y, m, d;
	if (iso == NULL || sscanf(iso, "%4d-%2d-%2d", &y, &m, &d) != 3 || m < 1 || m > 12) {
		time_t now = (time_t)util_now();
		struct tm tm;
		localtime_r(&now, &tm);
		y = tm.tm_year + 1900;
		m = tm.tm_mon + 1;
		d = tm.tm_mday;
	}
	snprintf(out, cap, "%d %s %d", d, months[m - 1], y);
}

static bool write_pdf(const struct musdes_options *o, const struct musdes_rows *rows)
{
	cairo_surface_t *surface = cairo_pdf_surface_create(o->out, PAGE_W, PAGE_H);
	if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
		fprintf(stderr, "sigacor-server: %s: %s\n", o->out,
			cairo_status_to_string(cairo_surface_status(surface)));
		cairo_surface_destroy(surface);
		return false;
	}
	cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE,
		"Daftar hasil verifikasi untuk musyawarah kelurahan");
	cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "sigacor-server " PACKAGE_VERSION);
	struct page p = { .cr = cairo_create(surface), .o = o, .kel = wilayah_kelurahan_find(o->kelurahan) };
	p.layout = pango_cairo_create_layout(p.cr);
	date_text(o->date, p.date_text, sizeof p.date_text);
	size_t from = 0;
	for (size_t i = 1; i <= rows->n; i++)
		if (i == rows->n || strcmp(rows->v[i].rw, rows->v[from].rw) != 0) {
			draw_section(&p, rows, from, i);
			from = i;
		}
	if (rows->n == 0) {
		new_page(&p);
		section_header(&p, o->rw != NULL ? o->rw_norm : "", false);
		draw_text(&p, MARGIN, p.y, "Belum ada rumah tangga sasaran atau rekaman verifikasi di sini.",
			10, false, 0);
	}
	page_footer(&p);
	cairo_show_page(p.cr);
	g_object_unref(p.layout);
	cairo_destroy(p.cr);
	cairo_surface_finish(surface);
	cairo_status_t st = cairo_surface_status(surface);
	cairo_surface_destroy(surface);
	if (st != CAIRO_STATUS_SUCCESS) {
		fprintf(stderr, "sigacor-server: %s: %s\n", o->out, cairo_status_to_string(st));
		return false;
	}
	fprintf(stderr, _("%zu rumah tangga, %d halaman: %s\n"), rows->n, p.number, o->out);
	return true;
}

int musdes_main(int argc, char **argv)
{
	struct musdes_options o;
	if (!parse_musdes(argc, argv, &o))
		return 2;
	char campaign[128];
	if (o.campaign == NULL) {
		char year[16];
		snprintf(year, sizeof year, "%.4s", o.date != NULL ? o.date : "");
		if (o.date == NULL) {
			time_t now = (time_t)util_now();
			struct tm tm;
			localtime_r(&now, &tm);
			snprintf(year, sizeof year, "%d", tm.tm_year + 1900);
		}
		snprintf(campaign, sizeof campaign, "Verifikasi penerima bansos %s", year);
		o.campaign = campaign;
	}
	sdb *db = results_open(o.dir);
	if (db == NULL)
		return 1;
	struct musdes_rows rows = { .rw = o.rw != NULL ? o.rw_norm : NULL };
	bool ok = stats_each_household(db, o.kelurahan, true, collect_row, &rows) && !rows.failed;
	sdb_close(db);
	ok = ok && write_pdf(&o, &rows);
	free_rows(&rows);
	return ok ? 0 : 1;
}
