/* cli/cmd_privacy: less to lose on a shared laptop (issue 12 items 4-5):
 * `sigacor purge` (what the server accepted long ago leaves the laptop),
 * `sigacor handover` (what exists only here, per profile), `sigacor
 * profile remove NAME`. */

#include "config.h"
#include "cli.h"
#include "common.h"
#include "i18n.h"
#include "photo.h"
#include "ui.h"

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---------------------------------------------------------------- purge */

static bool parse_days(const char *text, int64_t *out)
{
	char *end;
	errno = 0;
	long long v = strtoll(text, &end, 10);
	if (errno != 0 || end == text || *end != '\0' || v < 0 || v > STORE_PURGE_DAYS_MAX)
		return false;
	*out = v;
	return true;
}

void cli_report_purge(const struct cli *c, const struct store_purge_result *r)
{
	if (c->json || (r->records == 0 && r->photos == 0))
		return;
	printf(_("Dihapus dari laptop ini (sudah diterima server): data pribadi %lld rekaman, "
		"%lld file foto.\n"), (long long)r->records, (long long)r->photos);
}

enum { OPT_DAYS };

int cli_cmd_purge(struct cli *c, int argc, char **argv)
{
	static const struct cli_option opts[] = { { "days", true, OPT_DAYS }, { NULL, false, 0 } };
	struct cli_parser p;
	cli_parser_init(&p, argc, argv);
	const char *value, *days_text = NULL;
	for (int id; (id = cli_next(&p, opts, &value)) != CLI_END;) {
		if (id == CLI_ARG)
			return cli_usage("purge", _("Argumen tidak dikenal: %s"), value);
		if (id != OPT_DAYS)
			return CLI_EXIT_FAILURE;
		days_text = value;
	}
	int64_t days = 0;
	if (days_text != NULL && !parse_days(days_text, &days))
		return cli_usage("purge", _("--days harus 0 sampai %d hari (0 = jangan pernah), "
			"bukan \"%s\"."), STORE_PURGE_DAYS_MAX, days_text);
	if (!cli_profile_exists(c)) {
		cli_error(_("Profil %s belum ada."), c->operator_name);
		return CLI_EXIT_REJECTED;
	}
	/* no password: a purge reads no personal data, it only removes it */
	struct store *st;
	int status = cli_open_store(c, &st);
	if (status != CLI_EXIT_OK)
		return status;
	enum store_status rc = days_text != NULL ? store_purge_days_set(st, days) : STORE_OK;
	struct store_purge_result r = { 0, 0 };
	if (rc == STORE_OK)
		rc = store_purge(st, (int64_t)time(NULL), &r);
	if (rc != STORE_OK) {
		cli_error("%s", store_error(st));
		store_close(st);
		return cli_exit_for(rc);
	}
	days = store_purge_days(st);
	store_close(st);
	if (c->json) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "days", (double)days);
		cJSON_AddNumberToObject(o, "records_purged", (double)r.records);
		cJSON_AddNumberToObject(o, "photos_removed", (double)r.photos);
		cli_print_json(o);
		return CLI_EXIT_OK;
	}
	cli_report_purge(c, &r);
	if (days == 0)
		printf("%s\n", _("Lama simpan: tidak pernah dihapus (0 hari)."));
	else
		printf(_("Lama simpan: rekaman yang diterima server dihapus dari laptop ini setelah "
			"%lld hari.\n"), (long long)days);
	return CLI_EXIT_OK;
}

/* ------------------------------------------------- what exists only here */

/* A removal cut short leaves DATA/.removed-NAME-…: never a profile (a dot
 * name), finished by the next handover or profile remove. */
#define REMOVED_PREFIX ".removed-"

struct only_here {
	bool has_db, locked;
	int64_t drafts, queued, quarantined, photos_waiting, inbox;
};

static int64_t only_here_total(const struct only_here *h)
{
	return h->drafts + h->queued + h->quarantined + h->photos_waiting + h->inbox;
}

/* Photos fetched into PROFILE/inbox that no record holds. */
static int64_t inbox_not_attached(const char *profile_dir, struct store *st)
{
	char folder[PATH_MAX];
	if (snprintf(folder, sizeof folder, "%s/inbox", profile_dir) >= (int)sizeof folder)
		return 0;
	DIR *d = opendir(folder);
	if (d == NULL)
		return 0;
	int64_t n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		char path[PATH_MAX], sha[PHOTO_SHA256_HEX];
		struct stat sb;
		if (e->d_name[0] == '.' || snprintf(path, sizeof path, "%s/%s", folder, e->d_name)
			>= (int)sizeof path || lstat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
			continue;
		/* unreadable or unknown: it may be the only copy, so it counts */
		n += st == NULL || !photo_sha256_file(path, sha) || !store_photo_attached(st, sha);
	}
	closedir(d);
	return n;
}

/* The store of a profile for counting: a keyed one only with the unlock
 * `sigacor unlock` left (h->locked otherwise: its encrypted database
 * cannot be counted, *st stays NULL).  false (printed) when it fails. */
static bool open_to_count(const char *root, const char *name, const char *dir,
	struct only_here *h, struct store **st)
{
	unsigned char key[PROFILE_KEY_BYTES];
	bool keyed = profile_has_password(root, name);
	h->locked = keyed && !profile_key_recall(root, name, key);
	*st = NULL;
	if (!h->has_db || h->locked)
		return true;
	char err[256];
	enum store_status rc = keyed ? store_open_keyed(dir, key, st, err, sizeof err)
		: store_open(dir, st, err, sizeof err);
	sodium_memzero(key, sizeof key);
	if (rc != STORE_OK)
		cli_error(_("Profil %s tidak bisa dibaca: %s"), name, err);
	return rc == STORE_OK;
}

/* The counts of one profile; false (with the reason printed) when its
 * database cannot be read.  Counts only: nothing personal is read.  A
 * locked profile with a password is not counted (h->locked). */
static bool count_only_here(const char *root, const char *name, struct only_here *h)
{
	char dir[PATH_MAX], db[PATH_MAX];
	memset(h, 0, sizeof *h);
	if (snprintf(dir, sizeof dir, "%s/%s", root, name) >= (int)sizeof dir
		|| snprintf(db, sizeof db, "%s/sigacor.db", dir) >= (int)sizeof db)
		return false;
	struct stat sb;
	h->has_db = stat(db, &sb) == 0;
	struct store *st = NULL;
	if (!open_to_count(root, name, dir, h, &st))
		return false;
	if (h->locked)
		return true;
	struct store_local_only local;
	if (st != NULL && store_sync_local_only(st, &local) != STORE_OK) {
		cli_error(_("Profil %s tidak bisa dibaca: %s"), name, store_error(st));
		store_close(st);
		return false;
	}
	if (st != NULL) {
		h->drafts = local.drafts;
		h->queued = local.queued;
		h->quarantined = local.quarantined;
		h->photos_waiting = local.photos_waiting;
	}
	h->inbox = inbox_not_attached(dir, st);
	if (st != NULL)
		store_close(st);
	return true;
}

/* "2 draf, 1 dalam antrean, ..." of what is not zero */
static void describe_only_here(const struct only_here *h, char *out, size_t len)
{
	const struct { int64_t n; const char *what; } parts[] = {
		{ h->drafts, N_("draf") },
		{ h->queued, N_("rekaman final belum terkirim") },
		{ h->quarantined, N_("dikarantina (perlu koreksi)") },
		{ h->photos_waiting, N_("rekaman yang fotonya belum terkirim") },
		{ h->inbox, N_("foto di kotak foto belum dilampirkan") },
	};
	size_t used = 0;
	out[0] = '\0';
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		if (parts[i].n == 0)
			continue;
		int n = snprintf(out + used, len - used, "%s%lld %s", used > 0 ? ", " : "",
			(long long)parts[i].n, gettext(parts[i].what));
		if (n < 0 || (size_t)n >= len - used)
			break;
		used += (size_t)n;
	}
}

/* nftw's callback, depth first: files, then their folder */
static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	return (flag == FTW_DP ? rmdir(path) : unlink(path)) == 0 || errno == ENOENT ? 0 : -1;
}

/* Finish the removals a kill cut short (and the new profiles a kill left
 * half made: login --new-profile). */
static void sweep_removed(const char *root)
{
	DIR *d = opendir(root);
	if (d == NULL)
		return;
	struct dirent *e;
	bool any = false;
	while ((e = readdir(d)) != NULL) {
		char path[PATH_MAX];
		if ((strncmp(e->d_name, REMOVED_PREFIX, strlen(REMOVED_PREFIX)) != 0
			&& strncmp(e->d_name, CLI_NEW_PROFILE_PREFIX, strlen(CLI_NEW_PROFILE_PREFIX)) != 0)
			|| snprintf(path, sizeof path, "%s/%s", root, e->d_name) >= (int)sizeof path)
			continue;
		any = nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS) == 0 || any;
	}
	closedir(d);
	if (any)
		common_fsync_dir(root);
}

#define PROFILES_MAX 256

int cli_cmd_handover(struct cli *c, int argc, char **argv)
{
	const char *extra[1];
	int n = 0;
	if (!cli_plain_args(argc, argv, extra, 1, &n))
		return CLI_EXIT_FAILURE;
	if (n > 0)
		return cli_usage("handover", _("Argumen tidak dikenal: %s"), extra[0]);
	sweep_removed(c->data_root);
	static char names[PROFILES_MAX][PROFILE_NAME_MAX + 1];
	size_t count = profile_list(c->data_root, names, PROFILES_MAX);
	cJSON *list = c->json ? cJSON_CreateArray() : NULL;
	size_t unsafe = 0, locked = 0;
	bool failed = false;
	if (!c->json)
		printf(_("Data di %s: %zu profil.\n"), c->data_root, count);
	for (size_t i = 0; i < count; i++) {
		struct only_here h;
		if (!count_only_here(c->data_root, names[i], &h)) {
			failed = true;
			continue;
		}
		int64_t total = only_here_total(&h);
		unsafe += total > 0;
		locked += h.locked;
		if (list != NULL) {
			cJSON *o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "profile", names[i]);
			cJSON_AddBoolToObject(o, "locked", h.locked);
			if (h.locked) {
				cJSON_AddItemToArray(list, o);
				continue;
			}
			cJSON_AddNumberToObject(o, "drafts", (double)h.drafts);
			cJSON_AddNumberToObject(o, "queued", (double)h.queued);
			cJSON_AddNumberToObject(o, "quarantined", (double)h.quarantined);
			cJSON_AddNumberToObject(o, "photos_waiting", (double)h.photos_waiting);
			cJSON_AddNumberToObject(o, "inbox_not_attached", (double)h.inbox);
			cJSON_AddNumberToObject(o, "only_here", (double)total);
			cJSON_AddItemToArray(list, o);
			continue;
		}
		char what[512];
		describe_only_here(&h, what, sizeof what);
		if (h.locked)
			printf(_("  %-20s terkunci: tidak bisa dihitung tanpa kata sandi (sigacor --operator "
				"%s unlock)\n"), names[i], names[i]);
		else
			printf("  %-20s %s\n", names[i], total > 0 ? what : _("tidak ada yang hanya di sini"));
	}
	if (list != NULL) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddItemToObject(o, "profiles", list);
		cJSON_AddBoolToObject(o, "safe", unsafe == 0 && locked == 0 && !failed);
		cli_print_json(o);
	} else if (unsafe == 0 && locked == 0 && !failed)
		printf("%s\n", _("Aman diserahkan: tidak ada data yang hanya ada di laptop ini."));
	else if (unsafe > 0)
		printf(_("Belum aman diserahkan: %zu profil punya data yang hanya ada di laptop ini "
			"(kirim dengan sigacor sync, selesaikan atau hapus draf, koreksi yang dikarantina).\n"),
			unsafe);
	else if (locked > 0)
		printf(_("Belum bisa dipastikan: %zu profil terkunci (buka dengan sigacor unlock, lalu "
			"jalankan sigacor handover lagi).\n"), locked);
	if (failed)
		return CLI_EXIT_FAILURE;
	return unsafe > 0 ? CLI_EXIT_ONLY_HERE : locked > 0 ? CLI_EXIT_LOCKED : CLI_EXIT_OK;
}

/* ---------------------------------------------------------------- profile remove */

/* On a terminal: the clerk types the word; elsewhere --yes is needed. */
static int confirm_remove(const char *name)
{
	if (!isatty(STDIN_FILENO)) {
		cli_error(_("Profil %s tidak dihapus: tambahkan --yes bila tidak di terminal."), name);
		return CLI_EXIT_FAILURE;
	}
	fprintf(stderr, _("Hapus profil %s beserta semua filenya? Ketik \"%s\" untuk melanjutkan: "),
		name, _("hapus"));
	char line[64] = "";
	if (fgets(line, sizeof line, stdin) == NULL)
		line[0] = '\0';
	line[strcspn(line, "\n")] = '\0';
	if (strcmp(line, _("hapus")) != 0) {
		printf(_("Profil %s tidak dihapus.\n"), name);
		return CLI_EXIT_REJECTED;
	}
	return CLI_EXIT_OK;
}

/* Rename the folder away first (one rename: a kill never leaves a half
 * profile that looks valid), then delete it. */
static int wipe_profile(const char *root, const char *name)
{
	char from[PATH_MAX], to[PATH_MAX];
	if (snprintf(from, sizeof from, "%s/%s", root, name) >= (int)sizeof from
		|| snprintf(to, sizeof to, "%s/" REMOVED_PREFIX "%s-%ld-%lld", root, name,
			(long)getpid(), (long long)time(NULL)) >= (int)sizeof to)
		return CLI_EXIT_FAILURE;
	if (rename(from, to) != 0 || !common_fsync_dir(root)) {
		cli_error(_("Profil %s tidak bisa dihapus: %s"), name, strerror(errno));
		return CLI_EXIT_FAILURE;
	}
	if (nftw(to, remove_entry, 16, FTW_DEPTH | FTW_PHYS) != 0) {
		cli_error(_("Profil %s sudah tidak terpakai, tetapi sisa filenya belum terhapus (%s); "
			"sigacor handover mencobanya lagi."), name, strerror(errno));
		return CLI_EXIT_FAILURE;
	}
	common_fsync_dir(root);
	return CLI_EXIT_OK;
}

enum { OPT_FORCE, OPT_YES };

static int profile_remove(struct cli *c, int argc, char **argv)
{
	static const struct cli_option opts[] = {
		{ "force", false, OPT_FORCE }, { "yes", false, OPT_YES }, { NULL, false, 0 },
	};
	struct cli_parser p;
	cli_parser_init(&p, argc, argv);
	const char *value, *name = NULL;
	bool force = false, yes = false;
	for (int id; (id = cli_next(&p, opts, &value)) != CLI_END;) {
		if (id == OPT_FORCE)
			force = true;
		else if (id == OPT_YES)
			yes = true;
		else if (id == CLI_ARG && name == NULL)
			name = value;
		else if (id == CLI_ARG)
			return cli_usage("profile", _("Argumen tidak dikenal: %s"), value);
		else
			return CLI_EXIT_FAILURE;
	}
	if (name == NULL)
		return cli_usage("profile", "%s", _("Sebutkan nama profil yang dihapus."));
	char dir[PATH_MAX];
	struct stat sb;
	if (!profile_name_valid(name) || snprintf(dir, sizeof dir, "%s/%s", c->data_root, name)
		>= (int)sizeof dir || stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
		cli_error(_("Profil %s tidak ada di %s."), name, c->data_root);
		return CLI_EXIT_REJECTED;
	}
	sweep_removed(c->data_root);
	int lock = profile_lock(c->data_root, name);
	if (lock < 0) {
		cli_error(_("Profil %s sedang dipakai di layar sigacor; tutup dulu."), name);
		return CLI_EXIT_FAILURE;
	}
	struct only_here h;
	int status = count_only_here(c->data_root, name, &h) ? CLI_EXIT_OK : CLI_EXIT_FAILURE;
	if (status == CLI_EXIT_OK && h.locked) {
		if (!force) {
			cli_error(_("Profil %s tidak dihapus: terkunci, jadi yang hanya di laptop ini tidak "
				"bisa dihitung. Buka dulu (sigacor --operator %s unlock), atau hapus juga "
				"dengan --force."), name, name);
			status = CLI_EXIT_LOCKED;
		} else
			cli_warning("%s", _("profil terkunci: yang belum terkirim (tidak bisa dihitung) "
				"ikut hilang."));
	} else if (status == CLI_EXIT_OK && only_here_total(&h) > 0) {
		char what[512];
		describe_only_here(&h, what, sizeof what);
		if (!force) {
			cli_error(_("Profil %s tidak dihapus: ada yang hanya di laptop ini: %s. Kirim dulu "
				"(sigacor sync), atau hapus juga dengan --force."), name, what);
			status = CLI_EXIT_ONLY_HERE;
		} else
			cli_warning(_("yang hanya di laptop ini ikut hilang: %s."), what);
	}
	if (status == CLI_EXIT_OK && !yes)
		status = confirm_remove(name);
	if (status == CLI_EXIT_OK) {
		profile_key_forget(c->data_root, name);
		status = wipe_profile(c->data_root, name);
	}
	close(lock);
	if (status == CLI_EXIT_OK)
		printf(_("Profil %s dihapus dari laptop ini.\n"), name);
	return status;
}

int cli_cmd_profile(struct cli *c, int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "remove") != 0)
		return cli_usage("profile", "%s", _("Pemakaian: sigacor profile remove NAMA [--force] "
			"[--yes]"));
	return profile_remove(c, argc - 1, argv + 1);
}

/* ---------------------------------------------------------------- a forgotten password */

bool cli_only_here(const char *root, const char *name, char *what, size_t len, int64_t *total)
{
	struct only_here h;
	sweep_removed(root);
	if (!count_only_here(root, name, &h))
		return false;
	if (h.locked) {
		/* a forgotten password: its records cannot be counted */
		snprintf(what, len, "%s", _("semua yang belum terkirim (profil terkunci, tidak bisa "
			"dihitung)"));
		*total = 1;
		return true;
	}
	describe_only_here(&h, what, len);
	*total = only_here_total(&h);
	return true;
}

int cli_profile_replace(const char *root, const char *name, const char *fresh_root)
{
	char fresh[PATH_MAX], dest[PATH_MAX];
	if (snprintf(fresh, sizeof fresh, "%s/%s", fresh_root, name) >= (int)sizeof fresh
		|| snprintf(dest, sizeof dest, "%s/%s", root, name) >= (int)sizeof dest)
		return CLI_EXIT_FAILURE;
	struct stat sb;
	int status = CLI_EXIT_OK;
	if (stat(dest, &sb) == 0) {
		int lock = profile_lock(root, name);
		if (lock < 0) {
			cli_error(_("Profil %s sedang dipakai di layar sigacor; tutup dulu."), name);
			return CLI_EXIT_FAILURE;
		}
		profile_key_forget(root, name);
		status = wipe_profile(root, name);
		close(lock);
	}
	/* a kill here leaves no profile NAME and the fresh one under a dot
	 * name: the next login --new-profile starts again */
	if (status == CLI_EXIT_OK && (rename(fresh, dest) != 0 || !common_fsync_dir(root))) {
		cli_error(_("Profil %s tidak bisa dipasang: %s"), name, strerror(errno));
		status = CLI_EXIT_FAILURE;
	}
	rmdir(fresh_root);
	return status;
}

int cli_confirm_new_profile(const char *name, bool yes)
{
	return yes ? CLI_EXIT_OK : confirm_remove(name);
}

void cli_remove_tree(const char *path)
{
	nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}
