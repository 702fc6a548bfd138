/* e2e: what the screen tests share: a fresh folder per test, the real
 * sigacor in a pty (vtdrive), a profile with residents, logging in, and a
 * screen dump on failure. */
#ifndef SIGACOR_E2E_H
#define SIGACOR_E2E_H

#include "store.h"
#include <limits.h>
#include <stdbool.h>
#include "vtdrive.h"

#define E2E_TIMEOUT 15000     /* ms; generous for ASan builds on 2 cores */
#define E2E_PASSWORD "rahasia123"

struct e2e {
	char dir[PATH_MAX];       /* fresh folder for this test */
	char data[PATH_MAX];      /* --data-dir */
	char home[PATH_MAX];      /* HOME of the child */
	char photos[PATH_MAX];    /* where the test puts photos to pick */
	const char *env[32];      /* the child's environment */
	char env_buf[24][PATH_MAX + 64];
	int nenv;
};

/* A fresh folder under $top_builddir/tests/tmp; false (and a bail out) when
 * the test environment is missing. */
bool e2e_init(struct e2e *e, const char *name);
/* Remove the folder (kept when a test failed, for a look). */
void e2e_cleanup(struct e2e *e);
/* Set (or with value NULL remove) one variable of the child's environment.
 * The defaults: TERM=xterm-256color LANG=id_ID.UTF-8 TZ=UTC HOME PATH
 * XDG_CONFIG_HOME SIGACOR_LOCALEDIR SIGACOR_PHOTO_INBOX. */
void e2e_setenv(struct e2e *e, const char *name, const char *value);

/* Run a headless sigacor command (e.g. import-residents) for an operator,
 * the profile's password (E2E_PASSWORD) as the one line of its stdin;
 * returns its exit status. */
int e2e_cli(struct e2e *e, const char *operator_name, const char *const args[]);
/* The same, its standard output into the file out_path. */
int e2e_cli_to(struct e2e *e, const char *operator_name, const char *const args[],
	const char *out_path);
/* The same with input (NULL: /dev/null) as its stdin. */
int e2e_cli_input(struct e2e *e, const char *operator_name, const char *const args[],
	const char *input, const char *out_path);
/* The operator's profile with the test residents imported: keyed with
 * E2E_PASSWORD from its first byte, as sigacor makes every profile. */
bool e2e_profile(struct e2e *e, const char *operator_name);
/* The same clear, as a release before issue 12 made it (sigacor no longer
 * does: tests/tools/profile-sql --make-clear makes its database, and
 * tests/tools/sigacor-before imports into it clear). */
bool e2e_clear_profile(struct e2e *e, const char *operator_name);
/* A headless command as the release before the headless upgrade ran it
 * (tests/tools/sigacor-before: a clear profile stays clear), stdin
 * /dev/null: to fill such a profile. */
int e2e_cli_before(struct e2e *e, const char *operator_name, const char *const args[],
	const char *out_path);
/* Open that profile in this process, keyed with E2E_PASSWORD (link
 * PROFILE_KEY_LIBS: tests/e2e/e2e_keyed.c). */
enum store_status e2e_open_profile(struct e2e *e, const char *operator_name, struct store **s,
	char *err, size_t len);
/* A small JPEG in e->photos: with GPS when lat/lon are not 0, taken at
 * taken ("YYYY:MM:DD HH:MM:SS" or NULL), its mtime set to mtime (or now). */
bool e2e_photo(struct e2e *e, const char *name, double lat, double lon,
	const char *taken, long mtime);
/* Copy a file from $TESTDATA/ui into e->photos, its mtime set to mtime
 * (or now). */
bool e2e_copy_photo(struct e2e *e, const char *name, long mtime);

/* sigacor with no command (the screens), optionally extra global options
 * before it (NULL-terminated), in a rows x cols pty. */
struct vt *e2e_start(struct e2e *e, int rows, int cols, const char *const extra[]);
/* Choose the operator and type the password (setting it on the first
 * login); true once the worklist shows. */
bool e2e_login(struct vt *t, const char *operator_name);
/* e2e_start at 24x80 and e2e_login: a clerk at the worklist. */
struct vt *e2e_start_login(struct e2e *e, const char *operator_name);
/* Type keys that end sigacor; one TAP point: it exits with status 0. */
bool e2e_quit(struct vt *t, const char *keys, const char *what);

/* ok() that prints the screen when it fails. */
bool e2e_ok(struct vt *t, bool cond, const char *what);
/* Wait for text, then for the output to settle (the rest of that update). */
#define e2e_wait(t, text, what) e2e_ok((t), vt_wait_text((t), (text), E2E_TIMEOUT) \
	&& vt_wait_quiet((t), E2E_SETTLE, E2E_TIMEOUT), (what))
#define E2E_SETTLE 60
void e2e_dump(struct vt *t);

/* Replace what changes from run to run (clock times) so a screen can be
 * compared with a golden file. */
void e2e_mask_times(char *screen);
/* Compare the screen with tests/e2e/golden/<name>.txt (with
 * SIGACOR_UPDATE_GOLDEN=1 write it instead).  Clock times and the picker's
 * folder (a temp path) are masked. */
bool e2e_golden(struct e2e *e, struct vt *t, const char *name);

#endif
