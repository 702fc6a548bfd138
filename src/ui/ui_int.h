/* The screens' shared parts, private to src/ui/ (the module's public face
 * is include/ui.h).
 *
 * Shape (after tig and htop): one list of actions (UI_ACTIONS) gives the key
 * table, the help screen and the hint bar; each screen is one struct
 * screen_ops with private state; handlers return UI_* flags and the one main
 * loop in ui.c acts on them.  Screens name colour roles, never colours. */
#ifndef SIGACOR_UI_INT_H
#define SIGACOR_UI_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <limits.h>
#include <wchar.h>
#include <curses.h>

#include "i18n.h"
#include "ui.h"

struct store;

#define CTRL_KEY(c) ((c) & 0x1f)
#define UI_ESC 27

/* Where an action applies; the help screen groups the keys by these. */
enum ui_scope {
	SCOPE_ALL = 1, SCOPE_MOVE = 2, SCOPE_EDIT = 4, SCOPE_LIST = 8,
	SCOPE_FORM = 16, SCOPE_PICKER = 32, SCOPE_OPERATOR = 64,
};

/* X(action, scope, key, key, key, N_("label in the hint bar"), N_("help"))
 * Every action a clerk can take, with its keys: a function key (or a
 * cursor key) and a Ctrl or letter alternative that works in PuTTY, plain
 * xterm, the Linux console and vt100 (which has only F1-F4).  Keys 0 are
 * unused slots.  Ctrl-C/H/I/J/M/Q/S/Z/[ are left alone (they are other
 * keys or flow control). */
#define UI_ACTIONS(X) \
	X(ACT_HELP, SCOPE_ALL, KEY_F(1), '?', 0, \
		N_("Bantuan"), N_("daftar semua tombol (di kolom nama, alamat, catatan dan kata sandi ? adalah huruf biasa)")) \
	X(ACT_ENTER, SCOPE_ALL, '\n', 0, 0, \
		N_("Lanjut"), N_("lanjut: buka baris terpilih, ke kolom berikutnya, setujui")) \
	X(ACT_BACK, SCOPE_ALL, UI_ESC, 0, 0, \
		N_("Kembali"), N_("kembali ke layar sebelumnya / batal")) \
	X(ACT_QUIT, SCOPE_ALL, KEY_F(10), CTRL_KEY('X'), CTRL_KEY('C'), \
		N_("Keluar"), N_("keluar dari sigacor (formulir yang terbuka disimpan sebagai draf)")) \
	X(ACT_LOCK, SCOPE_ALL, KEY_F(12), CTRL_KEY('K'), 0, \
		N_("Kunci"), N_("kunci layar sekarang (buka dengan kata sandi)")) \
	X(ACT_REDRAW, SCOPE_ALL, CTRL_KEY('L'), 0, 0, \
		N_("Gambar ulang"), N_("gambar ulang seluruh layar")) \
	X(ACT_UP, SCOPE_MOVE, KEY_UP, KEY_BTAB, CTRL_KEY('P'), \
		N_("Naik"), N_("baris sebelumnya / kolom sebelumnya")) \
	X(ACT_DOWN, SCOPE_MOVE, KEY_DOWN, '\t', CTRL_KEY('N'), \
		N_("Turun"), N_("baris berikutnya / kolom berikutnya")) \
	X(ACT_PGUP, SCOPE_MOVE, KEY_PPAGE, CTRL_KEY('U'), 0, \
		N_("Hal. naik"), N_("satu halaman ke atas")) \
	X(ACT_PGDN, SCOPE_MOVE, KEY_NPAGE, CTRL_KEY('D'), 0, \
		N_("Hal. turun"), N_("satu halaman ke bawah")) \
	X(ACT_HOME, SCOPE_MOVE, KEY_HOME, CTRL_KEY('A'), 0, \
		N_("Awal"), N_("ke awal (baris pertama / awal teks)")) \
	X(ACT_END, SCOPE_MOVE, KEY_END, CTRL_KEY('E'), 0, \
		N_("Akhir"), N_("ke akhir (baris terakhir / akhir teks)")) \
	X(ACT_LEFT, SCOPE_MOVE | SCOPE_PICKER, KEY_LEFT, 0, 0, \
		N_("Folder induk"), N_("kiri; di pemilih foto: ke folder induk; di keputusan: ganti pilihan")) \
	X(ACT_RIGHT, SCOPE_MOVE | SCOPE_PICKER, KEY_RIGHT, 0, 0, \
		N_("Masuk folder"), N_("kanan; di pemilih foto: masuk folder; di keputusan: ganti pilihan")) \
	X(ACT_BACKSPACE, SCOPE_EDIT, KEY_BACKSPACE, 0, 0, \
		N_("Hapus"), N_("hapus huruf sebelum kursor; di kotak foto: lepas foto")) \
	X(ACT_DELETE, SCOPE_EDIT, KEY_DC, 0, 0, \
		N_("Del"), N_("hapus huruf di kursor; di kotak foto: lepas foto")) \
	X(ACT_NEW, SCOPE_LIST | SCOPE_OPERATOR, KEY_F(3), CTRL_KEY('T'), 0, \
		N_("Baru"), N_("verifikasi baru / profil petugas baru")) \
	X(ACT_SAVE, SCOPE_FORM, KEY_F(2), CTRL_KEY('O'), 0, \
		N_("Simpan"), N_("simpan sebagai draf")) \
	X(ACT_FILTER_STATE, SCOPE_LIST, KEY_F(4), CTRL_KEY('G'), 0, \
		N_("Status"), N_("saring menurut status (semua, draf, final, ...)")) \
	X(ACT_SYNC, SCOPE_LIST, KEY_F(5), CTRL_KEY('Y'), 0, \
		N_("Kirim"), N_("sinkronkan dengan server sekarang")) \
	X(ACT_CORRECT, SCOPE_LIST | SCOPE_FORM, KEY_F(6), CTRL_KEY('V'), 0, \
		N_("Koreksi"), N_("koreksi rekaman final (membuat rekaman baru yang menggantikannya)")) \
	X(ACT_FILTER_RW, SCOPE_LIST, KEY_F(7), CTRL_KEY('R'), 0, \
		N_("RW"), N_("saring menurut RW")) \
	X(ACT_SUMMARY, SCOPE_LIST, KEY_F(11), CTRL_KEY('W'), 0, \
		N_("Ringkasan"), N_("ringkasan per kelurahan: sasaran, selesai, layak, tidak layak, antrean")) \
	X(ACT_DISCARD, SCOPE_LIST | SCOPE_FORM, KEY_F(8), CTRL_KEY('B'), 0, \
		N_("Buang"), N_("buang draf (rekaman final tidak bisa dibuang)")) \
	X(ACT_FINALISE, SCOPE_FORM, KEY_F(9), CTRL_KEY('F'), 0, \
		N_("Finalkan"), N_("finalkan rekaman: dibekukan dan masuk antrean kirim")) \
	X(ACT_LAYAK, SCOPE_FORM, 'l', 'L', 0, \
		N_("Layak"), N_("di kolom keputusan: layak")) \
	X(ACT_TIDAK_LAYAK, SCOPE_FORM, 't', 'T', 0, \
		N_("Tidak layak"), N_("di kolom keputusan: tidak layak (lalu pilih alasannya)")) \
	X(ACT_FIND, SCOPE_FORM, KEY_F(7), CTRL_KEY('R'), 0, \
		N_("Cari nama"), N_("di formulir: cari penduduk tanpa NIK, menurut nama atau No. KK; NIK terisi dari pilihan")) \
	X(ACT_VIEW, SCOPE_FORM | SCOPE_PICKER, KEY_F(4), CTRL_KEY('G'), 0, \
		N_("Lihat foto"), N_("tampilkan foto di terminal: di pemilih foto file terpilih, di formulir foto di kotak terpilih; tombol apa saja kembali"))

enum ui_action {
	ACT_NONE = 0,
#define UI_ACTION_ENUM(a, scope, k1, k2, k3, label, help) a,
	UI_ACTIONS(UI_ACTION_ENUM)
#undef UI_ACTION_ENUM
	ACT_COUNT
};

/* One key press: the curses key code or the character, and its action. */
struct ui_key {
	bool is_char;             /* a character (ch), not a function key (code) */
	wint_t ch;
	int code;
	enum ui_action action;    /* ACT_NONE when the table binds nothing */
};

/* A printable character a text field can take. */
bool ui_key_printable(const struct ui_key *k);
/* '?': help, where no text could contain it (NIK, search, empty filter). */
bool ui_key_is_help_char(const struct ui_key *k);
/* Map a key read from curses to the action bound to it. */
void ui_key_classify(struct ui_key *k, int wget_result, wint_t value);
/* One key may do two things on screens of different scopes (F7: the RW
 * filter on the list, the search by name in the form): the action of the
 * key that applies to a screen of this scope. */
void ui_key_rescope(struct ui_key *k, unsigned scope);
/* "F1", "Ctrl-X", "Esc", ... for one action: its keys joined by "/",
 * at most `max` keys (into buf). */
void ui_action_keys(enum ui_action a, int max, char *buf, size_t len);
const char *ui_action_label(enum ui_action a);     /* translated */
const char *ui_action_help(enum ui_action a);      /* translated */
unsigned ui_action_scope(enum ui_action a);

/* ---- colour roles (after htop's CRT.c) ---- */
enum ui_role {
	ROLE_NORMAL = 0, ROLE_TITLE, ROLE_LABEL, ROLE_VALUE, ROLE_FOCUS,
	ROLE_SELECTED, ROLE_OK, ROLE_WARN, ROLE_ERROR, ROLE_DIM,
	ROLE_HINT_KEY, ROLE_HINT_TEXT, ROLE_STATUS, ROLE_DIALOG, ROLE_COUNT
};
/* Choose the scheme: colours unless the terminal has none or NO_COLOR is
 * set (to anything but the empty string). */
void ui_colours_init(void);
bool ui_colours_on(void);
attr_t ui_role_attr(enum ui_role role);

/* ---- text by display width ---- */
/* Bytes of s (at most len bytes, or up to NUL when len < 0) that fit in
 * width columns; *cols gets their width.  Never splits a character. */
size_t ui_text_fit(const char *s, int width, int *cols);
/* Bytes of s for one line of width columns when s is wrapped: cut at the
 * last space that fits (a word longer than the line is cut inside). */
size_t ui_text_wrap(const char *s, int width);
int ui_text_width(const char *s);
/* Draw s at (y, x) in role, cropped to width columns; returns columns used.
 * Control characters and invalid bytes show as '?'. */
int ui_put(int y, int x, int width, enum ui_role role, const char *s);
int ui_putf(int y, int x, int width, enum ui_role role, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* ui_put, but text that does not fit ends in "…": the clerk sees it was
 * shortened (names, messages; never used for a coordinate). */
int ui_put_marked(int y, int x, int width, enum ui_role role, const char *s);
/* Copy src into dst (len bytes), cut on a character boundary. */
size_t ui_copy(char *dst, size_t len, const char *src);
/* Fill columns [x, x+width) of row y with blanks in role. */
void ui_fill(int y, int x, int width, enum ui_role role);

/* ---- list movement (worklist, picker, help, choice lists) ---- */
/* Move *selected within [0, count) for Up, Down, PgUp, PgDn, Home and End
 * (page rows a page); true when the key was one of them. */
bool ui_list_move(int *selected, int count, int page, enum ui_action action);
/* Keep the selected row in the window of visible rows that starts at *top. */
void ui_list_scroll(int *top, int selected, int visible);

/* ---- one-line text field (UTF-8, edited at a cursor) ---- */
enum ui_field_kind { FIELD_TEXT, FIELD_DIGITS, FIELD_SECRET };
struct ui_field {
	char text[1024];
	size_t len;               /* bytes */
	size_t cursor;            /* byte offset, on a character boundary */
	size_t max;               /* bytes, <= sizeof text - 1 */
	enum ui_field_kind kind;
	int scroll;               /* first column shown */
};
void ui_field_init(struct ui_field *f, enum ui_field_kind kind, size_t max);
void ui_field_set(struct ui_field *f, const char *text);
/* true when the key edited the field (changed text or moved the cursor) */
bool ui_field_key(struct ui_field *f, const struct ui_key *k, bool *changed);
/* Draw within width columns; when focused, returns the cursor column. */
int ui_field_draw(struct ui_field *f, int y, int x, int width, bool focused);
void ui_field_wipe(struct ui_field *f);   /* for passwords */

/* ---- screens ---- */
enum ui_result {
	UI_IGNORED = 0,           /* not for this screen: the loop tries its own keys */
	UI_HANDLED = 1,
	UI_CLOSE = 2,             /* pop this screen */
	UI_QUIT = 4,              /* leave the program */
	UI_REPAINT = 8,           /* repaint the whole terminal (Ctrl-L) */
};

struct ui;

struct screen_ops {
	const char *name;
	unsigned scope;           /* enum ui_scope of its keys (help) */
	bool overlay;             /* drawn over the screen below (dialogs) */
	bool private_data;        /* shows personal data (hidden by the lock) */
	/* the few keys that matter now, ACT_NONE-terminated (hint bar) */
	const enum ui_action *(*hints)(struct ui *ui, void *state);
	void *(*open)(struct ui *ui, void *arg);
	void (*draw)(struct ui *ui, void *state);
	unsigned (*key)(struct ui *ui, void *state, const struct ui_key *k);
	/* called when the screen above it closed */
	void (*resume)(struct ui *ui, void *state);
	/* reason: why it closes; the form saves its draft here */
	void (*close)(struct ui *ui, void *state, int reason);
};

enum ui_close_reason { CLOSE_NORMAL, CLOSE_QUIT, CLOSE_HANGUP };

extern const struct screen_ops screen_operator, screen_lock, screen_worklist,
	screen_form, screen_picker, screen_help, screen_dialog, screen_choice,
	screen_lines, screen_summary;

#define UI_STACK_MAX 12

struct ui_config {
	int idle_seconds;         /* 0: never lock */
	char photo_inbox[PATH_MAX];
};

struct ui {
	const struct ui_options *opts;
	struct ui_config cfg;
	char data_root[PATH_MAX];
	char operator_name[64];
	char profile_dir[PATH_MAX];
	struct store *store;      /* open while an operator is logged in */
	int profile_lock_fd;
	struct {
		const struct screen_ops *ops;
		void *state;
	} stack[UI_STACK_MAX];
	int depth;
	void *close_later[4];
	int nclose_later;
	char message[256];
	enum ui_role message_role;
	int cursor_y, cursor_x;   /* set by draw; -1 hides the cursor */
	int rows, cols;           /* the drawing area (above message and hints) */
	bool locked;
	char sync_status[160];
};

/* Push a screen (returns false and leaves a message when it cannot open). */
bool ui_push(struct ui *ui, const struct screen_ops *ops, void *arg);
/* Replace the whole stack by one screen (after login). */
bool ui_reset_to(struct ui *ui, const struct screen_ops *ops, void *arg);
void ui_message(struct ui *ui, enum ui_role role, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void ui_show_cursor(struct ui *ui, int y, int x);
/* Title bar in row 0: left text, right text. */
void ui_title(struct ui *ui, const char *left, const char *right);
/* Draw the screens now, before a blocking step (a request to the server),
 * so the message saying what is awaited shows. */
void ui_draw_now(struct ui *ui);

/* Dialogs (an overlay box): a question answered with Enter (yes) or Esc
 * (no), optionally with up to three one-line inputs (Enter goes on to the
 * next empty input, and answers when none is left empty).  answer returns true to close the dialog, false to keep
 * it open (after putting the reason in the message line); it may push
 * another screen. */
#define DIALOG_LINES 14
#define DIALOG_INPUTS 3
struct ui_dialog_args {
	const char *title;
	const char *lines[DIALOG_LINES + 1];    /* NULL-terminated body */
	enum ui_role roles[DIALOG_LINES];
	const char *yes_label, *no_label;       /* NULL: "Ya" / "Batal" */
	int ninputs;
	const char *input_labels[DIALOG_INPUTS];
	const char *input_values[DIALOG_INPUTS];
	size_t input_max[DIALOG_INPUTS];
	bool (*answer)(struct ui *ui, void *ctx, bool yes, const char *const *inputs);
	void *ctx;
	/* two numbers typed into the first input ("-6.17, 106.63", as maps and
	 * phones copy a position) fill the first two inputs */
	bool split_pair;
};
bool ui_dialog(struct ui *ui, const struct ui_dialog_args *args);

/* A list of lines to read (overlay): every line whole (wrapped at spaces),
 * scrolled with the arrows and pages when it is longer than the terminal;
 * Enter or Esc closes it. */
#define LINES_MAX 48
struct ui_lines_args {
	const char *title;
	const char *lines[LINES_MAX];
	enum ui_role roles[LINES_MAX];
	int count;
};
bool ui_show_lines(struct ui *ui, const struct ui_lines_args *args);

/* ---- operator profiles (src/ui/profile.c) ---- */
/* (profile_name_valid, profile_list, profile_lock: ui.h) */
/* The profile folder and the folders above it (0700); the store
 * tightens and fills it at the first open. */
bool profile_make_folder(const char *dir);
/* Make the profile's data key and keep it wrapped by the password
 * (profile_key.c) in a 0600 file of the profile folder
 * (profile_make_folder), written atomically. */
bool profile_set_password(const char *root, const char *name, const char *password,
	char *err, size_t errlen);
bool profile_check_password(const char *root, const char *name, const char *password);
/* ---- the data key (src/ui/profile_key.c; profile_key_exists: ui.h) ---- */
/* The Argon2id string of the release before issue 12, its path in path. */
bool profile_legacy_password(const char *root, const char *name, char *path, size_t len);
/* A new random data key, wrapped by the password, written; false on any
 * failure (key wiped). */
bool profile_key_create(const char *root, const char *name, const char *password,
	unsigned char key[PROFILE_KEY_BYTES]);
/* The data key unwrapped by password; false for a wrong password. */
bool profile_key_unwrap(const char *root, const char *name, const char *password,
	unsigned char key[PROFILE_KEY_BYTES]);
bool profile_path(const char *root, const char *name, char *buf, size_t len);
/* The default data root: $XDG_DATA_HOME/sigacor or ~/.local/share/sigacor */
bool profile_default_root(char *buf, size_t len);

/* ---- configuration (src/ui/config.c) ---- */
void ui_config_load(struct ui_config *cfg);

/* Log in: open the store of the profile with its data key (the password
 * just typed unwrapped it; the caller wipes it) and show the worklist. */
bool ui_login(struct ui *ui, const char *name, const unsigned char key[PROFILE_KEY_BYTES]);
/* Close every screen and the store; back to the operator screen. */
void ui_logout(struct ui *ui);

/* Close a screen after the current key (e.g. the form once a dialog over
 * it finalised the record). */
void ui_close_later(struct ui *ui, void *state);

/* A list to choose one item from (overlay); chosen gets the index. */
struct ui_choice_args {
	const char *title;
	const char *const *items;
	int count;
	int selected;
	void (*chosen)(struct ui *ui, void *ctx, int index);
	void *ctx;
};
bool ui_choose(struct ui *ui, const struct ui_choice_args *args);

/* ---- the verification screens (form.c, picker.c) ---- */
enum record_state;
enum decision;
const char *ui_state_label(enum record_state s);
const char *ui_decision_label(enum decision d);
/* Open the form: an existing record (uuid), a new one (uuid NULL, nik
 * NULL or the NIK to start with), or a correction of a final record. */
bool ui_open_form(struct ui *ui, const char *uuid, const char *nik, bool correct);

struct form;
struct photo_facts;
/* Attach a file to a photo slot of the form (copied into the store). */
bool form_attach_photo(struct ui *ui, struct form *f, int kind, const char *path,
	const struct photo_facts *facts);
/* The slot a file of this name is attached to, or -1. */
int form_attached_kind(const struct form *f, const char *name);
/* The clear bytes of the stored photo in slot kind (the smaller copy kept,
 * when one was made) through the store (store_photo_bytes: sealed in a
 * keyed profile), malloc'd; false when the slot is empty or the file does
 * not read right (the reason in the message line). */
bool form_photo_bytes(struct ui *ui, const struct form *f, int kind, unsigned char **data,
	size_t *len);
/* The slot of the photo attached from a file of this name and size (the
 * picker shows the copy, smaller to decode), or -1. */
int form_attached_copy(const struct form *f, const char *name, long long size);
/* The first empty photo slot the record's outcome needs (doc/EVIDENCE.md)
 * at or after kind (wrapping), or -1. */
int form_next_empty_slot(const struct form *f, int kind);
const char *ui_photo_kind_label(int kind);
void ui_format_size(long long bytes, char *buf, size_t len);
/* "2026-11-20 10:00:00" -> "20-11-2026 10:00" */
void ui_format_taken(const char *taken, char *buf, size_t len);

/* Show the photo over the whole terminal (photo_view.c) until a key: the
 * len bytes at data when data is not NULL (a stored photo), else the file
 * at path; name for the caption.  A photo that cannot be shown leaves the
 * reason in the message line.  Returns the UI_* flags for the loop. */
unsigned ui_view_photo(struct ui *ui, const char *path, const unsigned char *data, size_t len,
	const char *name);

struct picker_args {
	struct form *form;
	int kind;
};

/* The sync hook, or NULL. */
const struct ui_sync *ui_sync_hook(const struct ui *ui);

/* ---- photos from the phone (phone.c), inside the picker ---- */
struct phone_view;
bool phone_available(struct ui *ui);
/* asks the server for a one-time code; NULL (with a message) when it cannot */
struct phone_view *phone_open(struct ui *ui);
void phone_close(struct phone_view *v);
void phone_draw(struct ui *ui, const struct phone_view *v);
/* fetches the photos waiting into PROFILE/inbox (its path into folder);
 * true when there is at least one */
bool phone_fetch(struct ui *ui, char *folder, size_t len);

#endif
