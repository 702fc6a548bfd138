/* cli: the headless commands (for scripts and tests) and what they share.
 * Results go to stdout (text, or JSON with --json); messages go to stderr
 * in the operator's language.  Exit status: 0 ok, 1 input rejected, 2 usage
 * or system error, 5 the profile is locked (no password, no unlock). */
#ifndef SIGACOR_CLI_H
#define SIGACOR_CLI_H

#include <limits.h>
#include <stdbool.h>
#include <cJSON.h>
#include "store.h"

enum cli_exit { CLI_EXIT_OK = 0, CLI_EXIT_REJECTED = 1, CLI_EXIT_FAILURE = 2, CLI_EXIT_LOCKED = 5,
	CLI_EXIT_ONLY_HERE = 6 /* handover, profile remove: something exists only on this laptop */ };

/* The global options, set before the command runs. */
struct cli {
	char data_root[PATH_MAX];        /* folder holding the operator profiles */
	char operator_name[RECORD_OPERATOR_MAX];
	char profile_dir[PATH_MAX];      /* data_root/operator_name */
	bool json;
};

/* One command: argv[0] is its name; returns the exit status. */
struct cli_command {
	const char *name;
	int (*run)(struct cli *c, int argc, char **argv);
	const char *synopsis;            /* untranslated: "nik NIK" */
	const char *summary;             /* N_() Indonesian, one line */
	const char *options;             /* N_() option lines, or NULL */
};

int cli_cmd_nik(struct cli *c, int argc, char **argv);
int cli_cmd_photo_info(struct cli *c, int argc, char **argv);
int cli_cmd_preview(struct cli *c, int argc, char **argv);       /* cmd_preview.c */
int cli_cmd_import_residents(struct cli *c, int argc, char **argv);
int cli_cmd_lookup(struct cli *c, int argc, char **argv);
int cli_cmd_add(struct cli *c, int argc, char **argv);
int cli_cmd_export(struct cli *c, int argc, char **argv);
int cli_cmd_status(struct cli *c, int argc, char **argv);
int cli_cmd_report(struct cli *c, int argc, char **argv);      /* cmd_report.c */
/* src/cli/cmd_sync.c */
int cli_cmd_login(struct cli *c, int argc, char **argv);
int cli_cmd_logout(struct cli *c, int argc, char **argv);
int cli_cmd_sync(struct cli *c, int argc, char **argv);
/* src/cli/cmd_inbox.c */
int cli_cmd_inbox(struct cli *c, int argc, char **argv);
/* src/cli/cmd_reviews.c */
int cli_cmd_reviews(struct cli *c, int argc, char **argv);
/* src/cli/unlock.c: the profile's unlock (issue 12) */
int cli_cmd_unlock(struct cli *c, int argc, char **argv);
int cli_cmd_lock(struct cli *c, int argc, char **argv);
/* src/cli/cmd_privacy.c: less to lose (issue 12) */
int cli_cmd_purge(struct cli *c, int argc, char **argv);
int cli_cmd_handover(struct cli *c, int argc, char **argv);
int cli_cmd_profile(struct cli *c, int argc, char **argv);
/* login --new-profile (a forgotten password): what exists only in profile
 * name, as a sentence, and how much; a fresh profile is made under
 * DATA/CLI_NEW_PROFILE_PREFIX... first, then replaces the old one (wiped
 * as profile remove does). */
#define CLI_NEW_PROFILE_PREFIX ".new-"
bool cli_only_here(const char *root, const char *name, char *what, size_t len, int64_t *total);
int cli_confirm_new_profile(const char *name, bool yes);
int cli_profile_replace(const char *root, const char *name, const char *fresh_root);
/* Delete a folder and everything in it (best effort). */
void cli_remove_tree(const char *path);
/* One line saying what a purge removed (nothing when nothing, or --json). */
void cli_report_purge(const struct cli *c, const struct store_purge_result *r);
/* src/cli/ui_sync.c: the sync engine as the screens' hook (ui.h) */
struct ui_sync;
const struct ui_sync *cli_ui_sync(void);

/* The help of one command (or of all when name is NULL) on out. */
void cli_help(FILE *out, const char *name);

/* "sigacor: message" on stderr; messages are translated by the caller. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A usage error: the message, a pointer to --help, and CLI_EXIT_FAILURE. */
int cli_usage(const char *command, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- command options ----
 * Long options only ("--name VALUE" or "--name=VALUE"); "--" ends them.
 * cli_next returns the option's id, CLI_ARG with *value the next plain
 * argument, CLI_END, or CLI_BAD after printing why (exit 2). */
struct cli_option {
	const char *name;      /* without the dashes */
	bool takes_value;
	int id;                /* >= 0 */
};
enum { CLI_ARG = -1, CLI_END = -2, CLI_BAD = -3, CLI_HELP = -4 };
struct cli_parser {
	const char *command;
	int argc;
	char **argv;
	int next;
	bool only_args;
};
void cli_parser_init(struct cli_parser *p, int argc, char **argv);
int cli_next(struct cli_parser *p, const struct cli_option *opts, const char **value);
extern const struct cli_option cli_no_options[];
/* Global options may also follow the command, as in git and gh
 * (`sigacor photo-info --json F`): cli_next hands an option the command
 * does not know to this hook (set by main), which returns how many
 * arguments it took (1 or 2), 0 when it is no global option either, or -1
 * after a usage message. */
extern int (*cli_global_hook)(int argc, char **argv, int at);
/* The plain arguments of a command that has no options: the first max
 * into args, how many in *count.  false after a usage message. */
bool cli_plain_args(int argc, char **argv, const char **args, int max, int *count);

/* ---- the profile ---- */
/* The password: from the terminal without echo, or one line of stdin
 * (scripts); never from the command line.  false at end of input. */
bool cli_read_password(const char *operator_name, char *buf, size_t len);
/* The same with a prompt of the caller's ("Kata sandi NAME: " above). */
bool cli_read_secret(const char *prompt, char *buf, size_t len);
/* The profile has a password (profile.key, or the Argon2id string of the
 * release before it): its database opens only with the data key. */
bool cli_profile_keyed(const struct cli *c);
/* A profile of a release before issue 12: its database exists, clear,
 * without profile.key (with or without that release's screens' password). */
bool cli_profile_clear(const struct cli *c);
/* Before a command reads or writes the profile: the unlock `sigacor
 * unlock` left, or the password from the terminal, or one line of stdin
 * when stdin_free (the command does not read stdin itself).  The data key
 * is kept in guarded memory for the command's later opens and wiped at
 * exit.  Prints why not and returns CLI_EXIT_LOCKED when none of them
 * opens it.  A clear profile (cli_profile_clear) is encrypted in place
 * first, crash-safe, as the screens' login does it: with its password of
 * the screens when it has one (a wrong one: CLI_EXIT_LOCKED, nothing
 * changed), else with a new one chosen as for a new profile (typed twice
 * on a terminal, or the line on stdin; at least PROFILE_PASSWORD_MIN).
 * No password at hand: refused with what to do, nothing changed,
 * CLI_EXIT_REJECTED (CLI_EXIT_LOCKED when it has the screens' password). */
int cli_unlock_profile(const struct cli *c, bool stdin_free);
/* sync's way (doc/SECURITY.md, chosen for cron): cli_unlock_profile with
 * stdin free, except that a clear profile with no password at hand is left
 * clear for this command (*clear set; its later opens are clear): its
 * outbox is readable without a password anyway, and refusing would keep
 * finalised records on the laptop. */
int cli_unlock_or_leave_clear(const struct cli *c, bool *clear);
/* Set only by tests/tools/sigacor-before (never by sigacor): the headless
 * commands as the release before the upgrade ran them, opening a clear
 * profile clear, for the tests that make such a profile. */
extern bool cli_clear_profiles_stay_clear;
/* Before a command makes the operator's profile (login, import-residents,
 * add): when it does not exist yet, its laptop password is chosen (typed
 * twice on a terminal after what a forgotten one costs; one line of stdin
 * when stdin_free) and its key made (profile.key) and held for the
 * command, so the database is encrypted from its first byte.  CLI_EXIT_OK
 * when the profile exists or was keyed; else the reason said and
 * CLI_EXIT_REJECTED (no password, too short, typed differently) or
 * CLI_EXIT_FAILURE; nothing is made then. */
int cli_new_profile(const struct cli *c, bool stdin_free);
/* Open the operator's profile through the vault with the data key
 * (cli_unlock_profile with stdin not free: the unlock or the terminal; a
 * clear profile encrypted first), or clear when cli_unlock_or_leave_clear
 * left it clear; a profile that does not exist is refused unless
 * cli_new_profile keyed it.  Prints why not and returns the exit status
 * (CLI_EXIT_LOCKED for a locked profile) when it fails. */
int cli_open_store(const struct cli *c, struct store **out);
/* "1,2 MB, ±40 dtk pada 240 kbit/s (terukur)" or "1,2 MB (laju jaringan
 * belum terukur)": what the queued photos cost at the link's measured rate
 * (src/cli/cmd_sync.c). */
void cli_photo_cost(int64_t bytes, int64_t rate, char *out, size_t len);
/* The profile's database exists (read-only commands never create it). */
bool cli_profile_exists(const struct cli *c);
/* Exit status for a store result: rejected input 1, system 2. */
int cli_exit_for(enum store_status st);

/* ---- output ---- */
/* Print obj as one line of JSON on stdout and free it. */
void cli_print_json(cJSON *obj);
/* A string, or JSON null when it is empty. */
cJSON *cli_json_text(const char *text);
/* "2025-03-14T09:21:05Z", or "" for 0 */
void cli_iso_time(int64_t t, char buf[21]);

#endif
