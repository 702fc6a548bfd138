/* ui: the screens (operator, worklist, form, photo picker, sync), the key
 * table and the one main loop.  Talks to the disk only through store.h. */
#ifndef SIGACOR_UI_H
#define SIGACOR_UI_H

#include <stdbool.h>
#include <stdio.h>
#include <stddef.h>

struct pollfd;
struct store;

/* How the sync engine plugs into the screens' loop (single-threaded: the
 * loop waits on the keyboard and on the engine's sockets together).  Every
 * member may be NULL; with no hook at all the status line says that no
 * server is connected. */
struct ui_sync {
	void *ctx;
	/* An operator logged in (s stays open until detach) / logged out.
	 * key: the profile's 32-byte data key, for the hook's own connections
	 * (copy it into guarded memory; wipe it at detach). */
	void (*attach)(void *ctx, struct store *s, const char *operator_name,
		const unsigned char *key);
	void (*detach)(void *ctx);
	/* Fill at most max entries of fds the loop polls besides the keyboard;
	 * returns how many.  *timeout_ms: the longest the loop may wait before
	 * calling tick (leave it alone when there is no deadline). */
	int (*pollfds)(void *ctx, struct pollfd *fds, int max, int *timeout_ms);
	/* Called after every wait with what poll reported on those fds (n may
	 * be 0 on a timeout or a key press).  Must not block. */
	void (*tick)(void *ctx, const struct pollfd *fds, int n);
	/* One line for the status bar, in the operator's language; return
	 * true when it changed since the last call. */
	bool (*status)(void *ctx, char *buf, size_t len);
	/* The clerk asked to sync now (F5). */
	void (*sync_now)(void *ctx);
	/* true (once) when sync changed what the screens list since the last
	 * call (records settled, review outcomes, a new candidates list, a run
	 * ended): the worklist reloads. */
	bool (*data_changed)(void *ctx);
	/* The photo inbox on the server (doc/PROTOCOL.md "Photo inbox"); NULL
	 * when there is none.  Each blocks for one short request; false with
	 * a sentence in err.  inbox_code: a one-time code and the address the
	 * phone opens.  inbox_fetch: every photo waiting, into folder (hash
	 * checked, each file whole or absent), taken off the server once
	 * safe here; *fetched counts them. */
	bool (*inbox_code)(void *ctx, char *url, size_t url_len, char *code, size_t code_len,
		char *err, size_t errlen);
	bool (*inbox_fetch)(void *ctx, const char *folder, int *fetched, char *err, size_t errlen);
};

struct ui_options {
	const char *data_root;       /* folder holding the operator profiles, or
	                                NULL for $XDG_DATA_HOME/sigacor */
	const char *operator_name;   /* preselected profile, or NULL to choose */
	const struct ui_sync *sync;  /* NULL until the sync engine exists */
};

/* Run the screens until the clerk quits.  Call i18n_init() first (it sets
 * the locale curses needs).  Returns the process exit status: 0 after a
 * normal quit, 2 when there is no usable terminal (the CLI's "usage or
 * system error"), 128 + the signal after SIGHUP/SIGTERM/SIGINT
 * (everything the clerk had saved is on disk; the open form was saved as a
 * draft when it could be).
 *
 * Environment: NO_COLOR (monochrome), SIGACOR_IDLE_SECONDS (idle lock,
 * overrides the config file), SIGACOR_PHOTO_INBOX.  Config file
 * $XDG_CONFIG_HOME/sigacor/ui.conf: idle_minutes=5, idle_seconds=,
 * photo_inbox=. */
int ui_run(const struct ui_options *opts);

/* The keys of every screen as man page text (roff), from the one action
 * table: `sigacor --keys-man`; tests/cli/keys.test checks doc/sigacor.1
 * holds exactly this. */
void ui_keys_man(FILE *out);

/* The one operator profile under root into name; false when root holds
 * none or several (then the caller falls back to its default). */
bool ui_only_profile(const char *root, char *name, size_t len);

/* A QR code of text as rows of UTF-8 half blocks (src/ui/qr.c): columns
 * cells wide, rows lines high, ink = dark modules (draw it black on white).
 * false when text does not fit a QR code or memory ran out. */
struct ui_qr {
	int columns, rows;
	char **line;
};
bool ui_qr_make(const char *text, struct ui_qr *out);
void ui_qr_free(struct ui_qr *q);
/* true when the terminal can show the half blocks (a UTF-8 locale in the
 * environment, not a vt100) */
bool ui_qr_drawable(void);
/* ---- the profile's password and data key (src/ui/profile*.c, issue 12) ----
 * A profile with a password keeps a random data key wrapped by it
 * (Argon2id + XChaCha20-Poly1305, doc/SECURITY.md); headless commands that
 * touch personal data need the password or an unlock. */
#define PROFILE_KEY_BYTES 32
/* The shortest laptop password (the screens, and `sigacor login` making a
 * profile). */
#define PROFILE_PASSWORD_MIN 6
bool profile_has_password(const char *root, const char *name);
/* The profile holds its wrapped data key (profile.key): its database is
 * encrypted.  A profile with a database and without it is one of a
 * release before issue 12, still clear (with or without that release's
 * password, which profile_has_password counts). */
bool profile_key_exists(const char *root, const char *name);
/* A new profile keyed before anything is written in it: the folder (0700)
 * and profile.key, a random data key wrapped by password; key gets the
 * data key.  false (errno set, nothing kept in key) when it cannot. */
bool profile_create_keyed(const char *root, const char *name, const char *password,
	unsigned char key[PROFILE_KEY_BYTES]);
/* The data key for the password (a profile of the previous release gets
 * one on the way); false for a wrong password, key wiped. */
bool profile_password_key(const char *root, const char *name, const char *password,
	unsigned char key[PROFILE_KEY_BYTES]);
/* The unlock: the data key (never the password) in the kernel's user
 * keyring for this OS user, gone after seconds.  recall checks what it
 * finds against the profile's key file. */
bool profile_key_remember(const char *root, const char *name,
	const unsigned char key[PROFILE_KEY_BYTES], unsigned seconds);
bool profile_key_recall(const char *root, const char *name, unsigned char key[PROFILE_KEY_BYTES]);
/* End the unlock; false when there was none. */
bool profile_key_forget(const char *root, const char *name);
/* ---- the profiles on this laptop (src/ui/profile.c; sigacor handover,
 * profile remove) ---- */
/* the CLI's rule: letters, digits, . _ - and not starting with . or - */
#define PROFILE_NAME_MAX 63
bool profile_name_valid(const char *name);
/* Names of the profiles under root, sorted; returns how many (<= max). */
size_t profile_list(const char *root, char names[][PROFILE_NAME_MAX + 1], size_t max);
/* Hold the profile for this session (flock, released by the kernel when
 * the process dies, so a dropped session leaves no lock behind); -1 when
 * another session holds it. */
int profile_lock(const char *root, const char *name);

#endif
