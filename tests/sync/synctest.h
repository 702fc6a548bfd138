/* synctest: what the sync tests share.  Real binaries ($SIGACOR,
 * $SIGACOR_SERVER, the fake server), real profiles, 127.0.0.1 only, every
 * wait bounded. */
#ifndef SIGACOR_SYNCTEST_H
#define SIGACOR_SYNCTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>
#include "store.h"

#define ST_PASSWORD "kata-sandi-uji-123"
/* the profile's laptop password unless a test sets its own (c->password) */
#define ST_LAPTOP_PASSWORD "kata-sandi-laptop-1"

/* ---- processes */
/* Start argv (NULL-terminated) with stdin from the file in (or /dev/null),
 * stdout and stderr to files (or /dev/null).  -1 when it cannot start. */
pid_t st_spawn(const char *const argv[], const char *in, const char *out, const char *err);
/* Wait for pid at most timeout_ms (then SIGKILL it).  Returns the wait
 * status, or -1 after a timeout; ru may be NULL. */
int st_wait(pid_t pid, int timeout_ms, struct rusage *ru);
/* The same, following the peak resident memory (KiB) of the program called
 * name (as /proc/PID/status says) meanwhile. */
int st_wait_peak(pid_t pid, const char *name, int timeout_ms, long *peak_kib);
/* exit code of a wait status, or 128 + signal, or -1 (timeout) */
int st_exit_code(int status);
/* Milliseconds on the monotonic clock. */
int64_t st_now_ms(void);
/* Sleep a little while polling a condition: true once cond(ctx) holds,
 * false after timeout_ms. */
bool st_wait_for(bool (*cond)(void *ctx), void *ctx, int timeout_ms);

/* ---- files */
bool st_tmpdir(const char *name, char *buf, size_t len);
void st_rmdir(const char *path);
bool st_write_text(const char *path, const char *text);
/* Whole file, NUL-terminated (free it); NULL when unreadable. */
char *st_read_file(const char *path, size_t *len);
/* The two files hold the same bytes. */
bool st_same_file(const char *a, const char *b);

/* ---- the real server */
struct st_server {
	pid_t pid;
	int port;
	int out_fd;                  /* its stdout (kept open) */
	char dir[4096];
	char url[64];                /* "http://127.0.0.1:PORT" */
	char log[4200];              /* its stderr */
};
/* Start `sigacor-server serve` on 127.0.0.1:port (0: a free one) with
 * extra arguments (NULL-terminated, or NULL); waits for its "listening" line. */
bool st_server_start(struct st_server *s, const char *dir, int port, const char *const extra[]);
/* Start the fake server (tests/sync/fakeserver) with a scenario; it logs
 * each request to log. */
bool st_fake_start(struct st_server *s, const char *scenario, const char *log);
/* Unset proxy variables (tests set their own), ignore SIGPIPE. */
void st_init(void);
/* Stop it with sig (SIGTERM, SIGKILL) and wait. */
void st_server_stop(struct st_server *s, int sig);
/* `sigacor-server ARGS... --data DIR` with input on stdin; exit code. */
int st_server_admin(const char *dir, const char *input, const char *const args[]);
/* A registry of n residents (gen-demo, seed), spread over the kelurahan
 * codes given (NULL-terminated), written to csv_path and imported. */
bool st_server_registry(const char *dir, const char *csv_path, long n, int seed,
	const char *const kelurahan[]);

/* ---- the client */
struct st_client {
	char root[4096];             /* --data-dir */
	char op[64];                 /* --operator */
	char profile[4200];          /* root/op */
	char out[4200], err[4200];   /* files of the last run */
	const char *password;        /* the profile's laptop password */
};
void st_client_init(struct st_client *c, const char *root, const char *op);
/* The test's own look into the clerk's profile, opened as sigacor opens
 * it: through the vault with the data key c->password unwraps when the
 * profile has one (made in the screens), else clear. */
enum store_status st_open_profile(const struct st_client *c, struct store **s, char *err, size_t len);
/* Key the profile with c->password before anything is written in it, as
 * sigacor makes every profile (its commands then need the password, or
 * encrypt a clear one first); false when it cannot. */
bool st_key_profile(const struct st_client *c);
/* The first column of the first row of sql on the profile's database
 * (the vault with c->password's key when keyed); false when it cannot. */
bool st_profile_int(const struct st_client *c, const char *sql, int64_t *out);
/* $SIGACOR --data-dir R --operator O --json ARGS... (NULL-terminated) with
 * input on stdin (or NULL), at most timeout_ms; the exit code (-1 when it
 * timed out, 128 + signal when it crashed).  Output in c->out / c->err. */
int st_sigacor(struct st_client *c, const char *input, int timeout_ms, const char *const args[]);
/* Start the same without waiting (for the kill tests). */
pid_t st_sigacor_spawn(struct st_client *c, const char *const args[]);
int st_login(struct st_client *c, const char *url);
/* A number or string member of the JSON object printed last on c->out. */
long long st_out_int(const struct st_client *c, const char *name);
bool st_out_str(const struct st_client *c, const char *name, char *buf, size_t len);

/* ---- records */
/* n final records in the client's profile, each with three photos (ktp,
 * kk, rumah) of about photo_bytes bytes, unique content (salted with tag),
 * for the NIKs given (valid, from the registry) in kelurahan.  uuids (may
 * be NULL) gets their ids, 37 bytes each.  Returns how many were made. */
int st_make_records(const struct st_client *c, const char *const niks[], int n,
	const char *kelurahan, size_t photo_bytes, const char *tag, char (*uuids)[37]);
/* A JPEG photo_read accepts, padded with comment segments to about bytes. */
bool st_make_photo(const char *path, const char *salt, size_t bytes);
/* Counts by state in the client's profile (opens it read-write briefly). */
/* The client's bookkeeping of its registry or candidates pass, read from its
 * store while a sync may be running.  false when the store cannot be opened. */
bool st_pull_state(const struct st_client *c, bool candidates, struct store_pull_state *out);
/* Residents in the client's registry copy (-1 when the store cannot be opened). */
int64_t st_resident_count(const struct st_client *c);
bool st_client_counts(const struct st_client *c, int64_t counts[STATE_COUNT], int64_t *outbox);

/* `sigacor-server export`: how many of uuids the server holds exactly once,
 * their photos, and how many of those are byte-identical to the client's
 * files.  false when the export cannot be read. */
bool st_server_holds(const char *srv_dir, const struct st_client *c, char (*uuids)[37], int n,
	int *once, int *photos, int *identical);

/* NIKs from a registry CSV (first column), at most max; returns how many. */
int st_csv_niks(const char *csv_path, char (*niks)[17], int max);

#endif
