/* picker: browse folders for the photos of a record.  Starts in the
 * configured inbox, else where the clerk last attached a photo, else where
 * phone photos land on a laptop (start_folder); a file's path typed is
 * attached at once; lists
 * folders first, then files newest first; typing filters; Enter attaches
 * to the current slot and moves on to the next empty one.  EXIF is read
 * only for the rows on screen, and once per file, so a folder of 5,000
 * photos opens at once. */
#include "config.h"
#include "ui_int.h"
#include "store.h"
#include "photo.h"
#include "geo.h"
#include "wilayah.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#define META_PHOTO_DIR "ui.photo_dir"

struct entry {
	char *name;
	bool is_dir;
	bool is_inbox;            /* the row "Kotak foto di server" (phone.c) */
	long long size;
	time_t mtime;
	bool read;                /* facts below are filled */
	enum photo_error error;
	struct photo_facts facts;
};

struct picker {
	struct form *form;
	struct store *store;       /* the profile's (its inbox photos may be sealed) */
	int kind;
	char dir[PATH_MAX];
	struct entry *entries;
	size_t count, cap;
	size_t *shown;            /* indexes of the entries that pass the filter */
	size_t nshown;
	struct ui_field filter;
	int selected, top;
	struct phone_view *phone;  /* the phone's QR code shown instead of the list */
};

static void free_entries(struct picker *p)
{
	for (size_t i = 0; i < p->count; i++)
		free(p->entries[i].name);
	p->count = 0;
}

static int compare_entries(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	if (x->is_inbox != y->is_inbox)
		return x->is_inbox ? -1 : 1;
	if (strcmp(x->name, "..") == 0)
		return -1;
	if (strcmp(y->name, "..") == 0)
		return 1;
	if (x->is_dir != y->is_dir)
		return x->is_dir ? -1 : 1;
	if (x->is_dir)
		return strcasecmp(x->name, y->name);
	if (x->mtime != y->mtime)
		return x->mtime > y->mtime ? -1 : 1;   /* newest first */
	return strcmp(x->name, y->name);
}

static bool add_entry(struct picker *p, const char *name, const struct stat *st)
{
	if (p->count == p->cap) {
		size_t cap = p->cap == 0 ? 256 : p->cap * 2;
		struct entry *e = realloc(p->entries, cap * sizeof *e);
		size_t *s = realloc(p->shown, cap * sizeof *s);
		if (e != NULL)
			p->entries = e;
		if (s != NULL)
			p->shown = s;
		if (e == NULL || s == NULL)
			return false;
		p->cap = cap;
	}
	struct entry *e = &p->entries[p->count];
	memset(e, 0, sizeof *e);
	e->name = strdup(name);
	if (e->name == NULL)
		return false;
	e->is_dir = S_ISDIR(st->st_mode);
	e->size = (long long)st->st_size;
	e->mtime = st->st_mtime;
	p->count++;
	return true;
}

static void apply_filter(struct picker *p)
{
	const char *f = p->filter.text;
	bool path = f[0] == '/' || f[0] == '~';
	p->nshown = 0;
	for (size_t i = 0; i < p->count; i++)
		if (p->entries[i].is_inbox ? f[0] == '\0'
			: path || f[0] == '\0' || strcasestr(p->entries[i].name, f) != NULL)
			p->shown[p->nshown++] = i;
	/* start on the newest file not attached yet, not on ".." */
	p->selected = 0;
	while ((size_t)p->selected < p->nshown && (p->entries[p->shown[p->selected]].is_dir
			|| p->entries[p->shown[p->selected]].is_inbox || form_attached_kind(p->form, p->entries[p->shown[p->selected]].name) >= 0))
		p->selected++;
	if ((size_t)p->selected >= p->nshown)
		p->selected = 0;
	p->top = 0;
}

/* Read a folder; on failure keep the one shown and say why. */
static bool load_dir(struct ui *ui, struct picker *p, const char *dir)
{
	char real[PATH_MAX];
	if (realpath(dir, real) == NULL) {
		ui_message(ui, ROLE_ERROR, _("Folder %s tidak bisa dibuka: %s"), dir, strerror(errno));
		return false;
	}
	DIR *d = opendir(real);
	if (d == NULL) {
		ui_message(ui, ROLE_ERROR, _("Folder %s tidak bisa dibuka: %s"), real, strerror(errno));
		return false;
	}
	free_entries(p);
	snprintf(p->dir, sizeof p->dir, "%s", real);
	struct dirent *de;
	int dfd = dirfd(d);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' && strcmp(de->d_name, "..") != 0)
			continue;           /* hidden files and "." */
		if (strcmp(de->d_name, "..") == 0 && strcmp(real, "/") == 0)
			continue;
		struct stat st;
		if (fstatat(dfd, de->d_name, &st, 0) != 0)
			continue;
		if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode))
			continue;
		if (!add_entry(p, de->d_name, &st))
			break;
	}
	closedir(d);
	struct stat none = { .st_mode = S_IFREG };
	if (phone_available(ui) && add_entry(p, "", &none))
		p->entries[p->count - 1].is_inbox = true;
	qsort(p->entries, p->count, sizeof *p->entries, compare_entries);
	ui_field_set(&p->filter, "");
	apply_filter(p);
	return true;
}

static bool is_dir(const char *path)
{
	struct stat st;
	return path != NULL && path[0] != '\0' && stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* $XDG_PICTURES_DIR from user-dirs.dirs ("$HOME/Gambar"), or "". */
static void xdg_pictures(const char *home, char *buf, size_t len)
{
	char path[PATH_MAX], line[PATH_MAX + 64];
	const char *config = getenv("XDG_CONFIG_HOME");
	buf[0] = '\0';
	if (config != NULL && config[0] == '/')
		snprintf(path, sizeof path, "%s/user-dirs.dirs", config);
	else
		snprintf(path, sizeof path, "%s/.config/user-dirs.dirs", home);
	FILE *f = fopen(path, "re");
	if (f == NULL)
		return;
	while (fgets(line, sizeof line, f) != NULL) {
		static const char key[] = "XDG_PICTURES_DIR=\"";
		if (strncmp(line, key, sizeof key - 1) != 0)
			continue;
		char *value = line + sizeof key - 1;
		value[strcspn(value, "\"")] = '\0';
		int n = strncmp(value, "$HOME", 5) == 0 ? snprintf(buf, len, "%s%s", home, value + 5)
			: snprintf(buf, len, "%s", value);
		if (n < 0 || (size_t)n >= len)
			buf[0] = '\0';
	}
	fclose(f);
}

/* A phone or a card mounted under /media/USER/NAME (or /media/NAME): the
 * first one with a DCIM folder, else the first one. */
static bool mounted_media(char *buf, size_t len)
{
	const char *user = getenv("USER");
	char base[PATH_MAX];
	snprintf(base, sizeof base, "/media/%s", user != NULL ? user : "");
	if (!is_dir(base))
		snprintf(base, sizeof base, "/media");
	DIR *d = opendir(base);
	if (d == NULL)
		return false;
	bool found = false;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		char dir[PATH_MAX], dcim[PATH_MAX + 8];
		int n = snprintf(dir, sizeof dir, "%s/%s", base, de->d_name);
		if (n < 0 || (size_t)n >= sizeof dir)
			continue;
		snprintf(dcim, sizeof dcim, "%s/DCIM", dir);
		if (is_dir(dcim) || (!found && is_dir(dir))) {
			n = snprintf(buf, len, "%s", is_dir(dcim) ? dcim : dir);
			if (n < 0 || (size_t)n >= len)
				continue;
			found = true;
			if (is_dir(dcim))
				break;
		}
	}
	closedir(d);
	return found;
}

/* Where the picker opens: the configured inbox, else the folder of the
 * last photo attached, else where a laptop keeps phone photos (the XDG
 * pictures folder, ~/Pictures, ~/Downloads, a phone or card under
 * /media), else home.  A new clerk types no path. */
static void start_folder(struct ui *ui, const char *last, char *buf, size_t len)
{
	const char *home = getenv("HOME");
	home = home != NULL ? home : "";
	char pictures[PATH_MAX];
	xdg_pictures(home, pictures, sizeof pictures);
	if (is_dir(ui->cfg.photo_inbox)) {
		snprintf(buf, len, "%s", ui->cfg.photo_inbox);
		return;
	}
	if (is_dir(last)) {
		snprintf(buf, len, "%s", last);
		return;
	}
	if (is_dir(pictures)) {
		snprintf(buf, len, "%s", pictures);
		return;
	}
	static const char *const beside_home[] = { "Pictures", "Gambar", "Downloads", "Unduhan" };
	for (size_t i = 0; i < sizeof beside_home / sizeof beside_home[0]; i++) {
		snprintf(buf, len, "%s/%s", home, beside_home[i]);
		if (is_dir(buf))
			return;
	}
	if (mounted_media(buf, len))
		return;
	snprintf(buf, len, "%s", is_dir(home) ? home : "/");
}

static void *picker_open(struct ui *ui, void *arg)
{
	const struct picker_args *a = arg;
	struct picker *p = calloc(1, sizeof *p);
	if (p == NULL)
		return NULL;
	p->form = a->form;
	p->store = ui->store;
	p->kind = a->kind;
	ui_field_init(&p->filter, FIELD_TEXT, 200);
	char last[PATH_MAX] = "", start[PATH_MAX];
	store_meta_get(ui->store, META_PHOTO_DIR, last, sizeof last);
	start_folder(ui, last, start, sizeof start);
	if (!load_dir(ui, p, start) && !load_dir(ui, p, "/")) {
		free(p);
		return NULL;
	}
	return p;
}

static struct entry *selected_entry(struct picker *p)
{
	if (p->selected < 0 || (size_t)p->selected >= p->nshown)
		return NULL;
	return &p->entries[p->shown[p->selected]];
}

static void read_facts(struct picker *p, struct entry *e)
{
	if (e->read || e->is_dir)
		return;
	char path[PATH_MAX * 2];
	snprintf(path, sizeof path, "%s/%s", p->dir, e->name);
	e->read = true;
	unsigned char *data;
	size_t len;
	/* a photo of a keyed profile's inbox is sealed: its facts from its
	 * clear bytes, in memory */
	if (!store_file_sealed(p->store, path)) {
		e->error = photo_read(path, PHOTO_READ_EXIF, &e->facts);
		return;
	}
	e->error = store_file_bytes(p->store, path, &data, &len) == STORE_OK
		? photo_read_buffer(data, len, PHOTO_READ_EXIF, &e->facts) : PHOTO_ERR_READ;
	free(data);
}

/* The photo's date: EXIF's, else the file's, marked with '*' (the
 * details line below says which). */
static void entry_date(const struct entry *e, char *buf, size_t len)
{
	buf[0] = '\0';
	if (e->error == PHOTO_ERR_NONE && e->facts.taken_at[0] != '\0') {
		ui_format_taken(e->facts.taken_at, buf, len);
		return;
	}
	struct tm tm;
	if (localtime_r(&e->mtime, &tm) != NULL && strftime(buf, len - 1, "%d-%m-%Y %H:%M", &tm) > 0)
		strcat(buf, "*");
}

static void draw_row(struct ui *ui, struct picker *p, int y, struct entry *e, bool sel)
{
	enum ui_role role = sel ? ROLE_SELECTED : e->is_dir || e->is_inbox ? ROLE_VALUE : ROLE_NORMAL;
	if (sel)
		ui_fill(y, 0, ui->cols, role);
	if (e->is_inbox) {
		ui_put(y, 1, ui->cols - 2, role, _("[Kotak foto di server: kirim foto dari ponsel]"));
		return;
	}
	int name_w = ui->cols - 46;
	if (e->is_dir) {
		char name[300];
		snprintf(name, sizeof name, "%s/", e->name);
		ui_put_marked(y, 1, name_w, role, name);
		ui_put(y, name_w + 2, 10, role, _("folder"));
		return;
	}
	read_facts(p, e);
	char size[24], when[24];
	ui_format_size(e->size, size, sizeof size);
	entry_date(e, when, sizeof when);
	int attached = form_attached_kind(p->form, e->name);
	int x = 1;
	if (attached >= 0) {
		char tag[48];
		snprintf(tag, sizeof tag, "[%s] ", ui_photo_kind_label(attached));
		x += ui_put(y, x, name_w, sel ? role : ROLE_OK, tag);
	}
	ui_put_marked(y, x, name_w + 1 - x, role, e->name);
	ui_putf(y, name_w + 2, 9, role, "%8s", size);
	ui_put(y, name_w + 12, 17, role, when);
	const char *gps = e->error != PHOTO_ERR_NONE ? _("bukan foto")
		: e->facts.gps.present ? "GPS" : _("tanpa GPS");
	ui_put(y, name_w + 30, 14, sel ? role : e->facts.gps.present && e->error == PHOTO_ERR_NONE ? ROLE_OK : ROLE_WARN, gps);
}

static void draw_details(struct ui *ui, struct picker *p, int y)
{
	struct entry *e = selected_entry(p);
	if (e != NULL && e->is_inbox)
		ui_put(y, 1, ui->cols - 2, ROLE_DIM, _("Enter: kode QR untuk ponsel; foto dari ponsel "
			"masuk ke laptop ini tanpa kabel."));
	if (e == NULL || e->is_dir || e->is_inbox)
		return;
	read_facts(p, e);
	char size[24], when[24];
	ui_format_size(e->size, size, sizeof size);
	if (e->error != PHOTO_ERR_NONE) {
		ui_putf(y, 1, ui->cols - 2, ROLE_ERROR, "%s: %s", e->name, _(photo_error_message(e->error)));
		return;
	}
	/* size and date first, the name last: a long name is what gets cut */
	char line[512];
	entry_date(e, when, sizeof when);
	when[strcspn(when, "*")] = '\0';      /* said in words here */
	int n = snprintf(line, sizeof line, e->facts.taken_at[0] != '\0' ? _("%s, diambil %s (EXIF)  ")
		: _("%s, tanggal berkas %s (tanpa tanggal EXIF)  "), size, when);
	int x = 1 + ui_put(y, 1, ui->cols - 2, ROLE_NORMAL, n > 0 ? line : "");
	ui_put_marked(y, x, ui->cols - 1 - x, ROLE_NORMAL, e->name);
	const struct photo_gps *g = &e->facts.gps;
	if (g->present) {
		const struct wilayah_kelurahan *k = geo_kelurahan_at(g->lat, g->lon);
		char where[96];
		if (k != NULL)
			snprintf(where, sizeof where, _("Kel. %s"), k->name);
		else
			snprintf(where, sizeof where, "%s", _("di luar Kota Tangerang"));
		ui_putf(y + 1, 1, ui->cols - 2, k != NULL ? ROLE_OK : ROLE_WARN, "GPS %.6f, %.6f  (%s)", g->lat, g->lon, where);
	} else {
		ui_putf(y + 1, 1, ui->cols - 2, ROLE_WARN, _("tanpa GPS: %s"), _(photo_gps_problem_message(g->problem)));
	}
}

static void picker_draw(struct ui *ui, void *state)
{
	struct picker *p = state;
	char title[160];
	snprintf(title, sizeof title, _("Pilih foto untuk: %s"), ui_photo_kind_label(p->kind));
	ui_title(ui, title, ui->operator_name);
	if (p->phone != NULL) {
		phone_draw(ui, p->phone);
		return;
	}
	ui_put(1, 1, 8, ROLE_LABEL, _("Folder"));
	/* the end of a long path matters most: crop from the left */
	const char *dir = p->dir;
	int avail = ui->cols - 11;
	while (ui_text_width(dir) > avail && strchr(dir + 1, '/') != NULL)
		dir = strchr(dir + 1, '/');
	ui_put(1, 10, avail, ROLE_VALUE, dir);
	ui_put(2, 1, 8, ROLE_LABEL, _("Saring"));
	int cx = ui_field_draw(&p->filter, 2, 10, 30, true);
	ui_show_cursor(ui, 2, cx);
	ui_putf(2, 42, ui->cols - 43, ROLE_DIM, p->filter.len == 0
		? _("%zu dari %zu; Backspace: folder induk") : _("%zu dari %zu; / atau ~: ketik jalur"),
		p->nshown, p->count);
	int name_w = ui->cols - 46;
	ui_putf(3, 1, ui->cols - 2, ROLE_LABEL, "%-*s %9s  %-17s %s", name_w, _("Nama"), _("Ukuran"),
		_("Tanggal"), _("GPS"));
	int first_y = 4, visible = ui->rows - first_y - 3;
	ui_list_scroll(&p->top, p->selected, visible);
	for (int i = 0; i < visible && (size_t)(p->top + i) < p->nshown; i++)
		draw_row(ui, p, first_y + i, &p->entries[p->shown[p->top + i]], p->top + i == p->selected);
	if (p->nshown == 0)
		ui_put(first_y, 2, ui->cols - 4, ROLE_DIM, _("Tidak ada file yang cocok di folder ini."));
	draw_details(ui, p, ui->rows - 2);
}

static void go_parent(struct ui *ui, struct picker *p)
{
	char parent[PATH_MAX];
	snprintf(parent, sizeof parent, "%s", p->dir);
	char *slash = strrchr(parent, '/');
	if (slash == NULL || strcmp(parent, "/") == 0)
		return;
	if (slash == parent)
		slash[1] = '\0';
	else
		*slash = '\0';
	load_dir(ui, p, parent);
}

static unsigned attach(struct ui *ui, struct picker *p, struct entry *e);

/* "/path" or "~/path" typed in the filter: a folder opens; a file opens
 * its folder and is attached at once. */
static unsigned go_typed(struct ui *ui, struct picker *p)
{
	char path[PATH_MAX];
	const char *t = p->filter.text;
	const char *home = getenv("HOME");
	if (t[0] == '~')
		snprintf(path, sizeof path, "%s%s", home != NULL ? home : "", t + 1);
	else
		snprintf(path, sizeof path, "%s", t);
	struct stat st;
	if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
		char *slash = strrchr(path, '/');
		char name[NAME_MAX + 1];
		snprintf(name, sizeof name, "%s", slash + 1);
		if (slash == path)
			slash[1] = '\0';
		else
			*slash = '\0';
		if (!load_dir(ui, p, path))
			return UI_HANDLED;
		for (size_t i = 0; i < p->count; i++)
			if (strcmp(p->entries[i].name, name) == 0)
				return attach(ui, p, &p->entries[i]);
		return UI_HANDLED;
	}
	load_dir(ui, p, path);
	return UI_HANDLED;
}

static unsigned attach(struct ui *ui, struct picker *p, struct entry *e)
{
	char path[PATH_MAX * 2];
	snprintf(path, sizeof path, "%s/%s", p->dir, e->name);
	read_facts(p, e);
	if (e->error != PHOTO_ERR_NONE) {
		ui_message(ui, ROLE_ERROR, "%s", _(photo_error_message(e->error)));
		return UI_HANDLED;
	}
	if (!form_attach_photo(ui, p->form, p->kind, path, &e->facts))
		return UI_HANDLED;
	store_meta_set(ui->store, META_PHOTO_DIR, p->dir);
	const char *done = ui_photo_kind_label(p->kind);
	int next = form_next_empty_slot(p->form, p->kind);
	if (next < 0) {
		ui_message(ui, ROLE_OK, _("%s terlampir. Semua foto lengkap."), done);
		return UI_CLOSE;
	}
	p->kind = next;
	ui_message(ui, ROLE_OK, _("%s terlampir. Sekarang pilih %s (Esc: selesai)."), done, ui_photo_kind_label(next));
	/* the next photo is rarely named like the last one */
	ui_field_set(&p->filter, "");
	apply_filter(p);
	return UI_HANDLED;
}

/* F4: the selected file drawn in the terminal (the copy kept when it is
 * attached already: smaller, so quicker) */
static unsigned view(struct ui *ui, struct picker *p, struct entry *e)
{
	if (e == NULL || e->is_dir || e->is_inbox) {
		ui_message(ui, ROLE_WARN, "%s", _("Pilih sebuah file foto dulu."));
		return UI_HANDLED;
	}
	char path[PATH_MAX * 2];
	unsigned char *data = NULL;
	size_t len = 0;
	int kind = form_attached_copy(p->form, e->name, e->size);
	if (kind >= 0 && !form_photo_bytes(ui, p->form, kind, &data, &len))
		return UI_HANDLED;
	snprintf(path, sizeof path, "%s/%s", p->dir, e->name);
	if (data == NULL && store_file_sealed(ui->store, path) &&
		store_file_bytes(ui->store, path, &data, &len) != STORE_OK) {
		ui_message(ui, ROLE_ERROR, "%s", store_error(ui->store));
		return UI_HANDLED;
	}
	unsigned flags = ui_view_photo(ui, path, data, len, e->name);
	free(data);
	return flags;
}

/* the phone's QR code on screen: Enter fetches what it sent, Esc returns */
static unsigned phone_key(struct ui *ui, struct picker *p, const struct ui_key *k)
{
	char folder[PATH_MAX];
	if (k->action == ACT_ENTER && phone_fetch(ui, folder, sizeof folder)) {
		phone_close(p->phone);
		p->phone = NULL;
		load_dir(ui, p, folder);
	} else if (k->action == ACT_BACK) {
		phone_close(p->phone);
		p->phone = NULL;
	}
	return UI_HANDLED;
}

static unsigned picker_key(struct ui *ui, void *state, const struct ui_key *k)
{
	struct picker *p = state;
	int page = ui->rows - 8;
	bool changed = false;
	if (p->phone != NULL)
		return phone_key(ui, p, k);
	if (p->filter.len == 0 && ui_key_is_help_char(k))
		return UI_IGNORED;         /* help */
	if (k->action == ACT_BACKSPACE && p->filter.len == 0) {
		go_parent(ui, p);
		return UI_HANDLED;
	}
	if (k->action != ACT_LEFT && k->action != ACT_RIGHT && k->action != ACT_HOME
		&& k->action != ACT_END && ui_field_key(&p->filter, k, &changed)) {
		if (changed)
			apply_filter(p);
		return UI_HANDLED;
	}
	if (ui_list_move(&p->selected, (int)p->nshown, page, k->action))
		return UI_HANDLED;
	struct entry *e = selected_entry(p);
	switch (k->action) {
	case ACT_LEFT:
		go_parent(ui, p);
		return UI_HANDLED;
	case ACT_RIGHT:
		if (e != NULL && e->is_dir && strcmp(e->name, "..") != 0) {
			char path[PATH_MAX * 2];
			snprintf(path, sizeof path, "%s/%s", p->dir, e->name);
			load_dir(ui, p, path);
		}
		return UI_HANDLED;
	case ACT_ENTER:
		if (p->filter.text[0] == '/' || p->filter.text[0] == '~')
			return go_typed(ui, p);
		if (e == NULL)
			return UI_HANDLED;
		if (e->is_inbox) {
			p->phone = phone_open(ui);
			return UI_HANDLED;
		}
		if (e->is_dir) {
			char path[PATH_MAX * 2];
			snprintf(path, sizeof path, "%s/%s", p->dir, e->name);
			load_dir(ui, p, path);
			return UI_HANDLED;
		}
		return attach(ui, p, e);
	case ACT_VIEW:
		return view(ui, p, e);
	case ACT_BACK:
		return UI_CLOSE;
	default:
		return UI_IGNORED;
	}
}

static void picker_close(struct ui *ui, void *state, int reason)
{
	struct picker *p = state;
	phone_close(p->phone);
	free_entries(p);
	free(p->entries);
	free(p->shown);
	free(p);
}

static const enum ui_action *picker_hints(struct ui *ui, void *state)
{
	static const enum ui_action list[] = { ACT_HELP, ACT_ENTER, ACT_VIEW, ACT_LEFT, ACT_BACK, ACT_NONE };
	static const enum ui_action phone[] = { ACT_HELP, ACT_ENTER, ACT_BACK, ACT_NONE };
	const struct picker *p = state;
	return p != NULL && p->phone != NULL ? phone : list;
}

const struct screen_ops screen_picker = {
	.name = "picker",
	.scope = SCOPE_PICKER,
	.private_data = true,
	.hints = picker_hints,
	.open = picker_open,
	.draw = picker_draw,
	.key = picker_key,
	.close = picker_close,
};
