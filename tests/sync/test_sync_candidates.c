/* test_sync_candidates: the households assigned for verification, pulled
 * from a real sigacor-server on 127.0.0.1: the operator gets exactly the
 * candidates of his kelurahan; a pull killed with SIGKILL resumes at its
 * cursor; a new list on the server replaces the laptop's; a list replaced
 * while a pass was cut (410) restarts the pass. */
#include "config.h"
#include "csv.h"
#include "store.h"
#include "synctest.h"
#include "tap.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#define K1 "36.71.01.1001"
#define K2 "36.71.01.1002"
#define K5 "36.71.02.1001"
#define RESIDENTS 6000L
#define MAX_NIKS 8000

static char dir[4096], srv_dir[4200], reg_csv[4200], cand_csv[4200];
static struct st_server srv;

struct person {
	char nik[17], kk[17], kelurahan[16];
};
static struct person people[MAX_NIKS];
static int n_people;

static bool read_registry(void)
{
	FILE *f = fopen(reg_csv, "rb");
	struct csv_reader *r = f != NULL ? csv_open(f) : NULL;
	const char **fl;
	size_t n;
	bool header = true;
	while (r != NULL && csv_next(r, &fl, &n, NULL) == CSV_ROW) {
		if (header || n != 10) {
			header = false;
			continue;
		}
		if (n_people < MAX_NIKS) {
			struct person *p = &people[n_people++];
			snprintf(p->nik, sizeof p->nik, "%s", fl[0]);
			snprintf(p->kk, sizeof p->kk, "%s", fl[1]);
			snprintf(p->kelurahan, sizeof p->kelurahan, "%s", fl[9]);
		}
	}
	csv_free(r);
	if (f != NULL)
		fclose(f);
	return n_people > 0;
}

/* The server's list: every every-th person (one of them in two programs),
 * imported; expected gets budi's NIKs (K1, K2), sorted as people are
 * (distinct).  Returns how many rows budi's kelurahan have. */
static int import_candidates(int every, char (*expected)[17], int *n_expected)
{
	FILE *f = fopen(cand_csv, "w");
	if (f == NULL)
		return -1;
	fprintf(f, "kk,nik,kelurahan,program\n");
	int rows = 0;
	*n_expected = 0;
	for (int i = 0; i < n_people; i += every) {
		const struct person *p = &people[i];
		bool budi = strcmp(p->kelurahan, K5) != 0;
		fprintf(f, "%s,%s,%s,%s\n", p->kk, p->nik, p->kelurahan, i % 2 ? "PKH" : "BPNT");
		rows += budi;
		if (i == every * 3) {
			fprintf(f, "%s,%s,%s,PKH-PLUS\n", p->kk, p->nik, p->kelurahan);
			rows += budi;
		}
		if (budi)
			snprintf(expected[(*n_expected)++], 17, "%s", p->nik);
	}
	fclose(f);
	/* the list shrinks on purpose in this test */
	const char *args[] = { "import-candidates", cand_csv, "--replace-all", NULL };
	return st_server_admin(srv_dir, NULL, args) == 0 ? rows : -1;
}

static int cmp_nik(const void *a, const void *b)
{
	return strcmp(a, b);
}

struct held {
	char (*niks)[17];
	int n, max;
	bool foreign;
};

static bool collect(const struct store_candidate_row *c, void *ctx)
{
	struct held *h = ctx;
	if (strcmp(c->kelurahan, K5) == 0)
		h->foreign = true;
	if (h->n < h->max)
		snprintf(h->niks[h->n++], 17, "%s", c->nik);
	return true;
}

/* The client holds exactly the expected NIKs (and none of K5). */
static bool holds_exactly(const struct st_client *c, char (*expected)[17], int n, int *have)
{
	static char got[MAX_NIKS][17];
	struct store *s;
	char err[512];
	*have = -1;
	if (st_open_profile(c, &s, err, sizeof err) != STORE_OK)
		return false;
	struct held h = { got, 0, MAX_NIKS, false };
	struct store_filter f = { NULL, -1, NULL, 0, 0 };
	store_candidate_list(s, &f, collect, &h);
	store_close(s);
	*have = h.n;
	if (h.foreign || h.n != n)
		return false;
	qsort(got, (size_t)h.n, sizeof got[0], cmp_nik);
	qsort(expected, (size_t)n, sizeof expected[0], cmp_nik);
	for (int i = 0; i < n; i++)
		if (strcmp(got[i], expected[i]) != 0)
			return false;
	return true;
}

struct watch {
	const struct st_client *c;
	int64_t received;
};

static bool pass_progressed(void *ctx)
{
	struct watch *w = ctx;
	struct store_pull_state p;
	if (!st_pull_state(w->c, true, &p))
		return false;
	w->received = p.received;
	return p.batch > 0 && p.received >= 300;
}

/* Start a pull and SIGKILL it in the middle of the candidates pass. */
static bool kill_mid_pass(struct st_client *a, struct watch *w)
{
	const char *pull[] = { "sync", "--pull-only", NULL };
	pid_t pid = st_sigacor_spawn(a, pull);
	bool mid = st_wait_for(pass_progressed, w, 60000);
	kill(pid, SIGKILL);
	int status = st_wait(pid, 10000, NULL);
	pass_progressed(w);
	return mid && st_exit_code(status) == 128 + SIGKILL;
}

static char expected[MAX_NIKS][17];

static void test_pull(struct st_client *a, struct st_client *ani)
{
	const char *pull[] = { "sync", "--pull-only", NULL };
	int n_exp = 0, have = 0;
	/* the registry first, in big pages, while the server has no list yet */
	is_int(st_sigacor(a, NULL, 120000, pull), 0, "first sync: the registry, no candidates yet");
	bool exact = holds_exactly(a, expected, 0, &have);
	ok(exact, "... no candidates on the laptop (%d)", have);

	int rows = import_candidates(1, expected, &n_exp);
	ok(rows > 1000, "server: %d candidate rows in budi's kelurahan, %d households", rows, n_exp);
	setenv("SIGACOR_SYNC_PAGE_LIMIT", "10", 1);
	struct watch w = { a, 0 };
	bool killed = kill_mid_pass(a, &w);
	ok(killed && w.received > 0 && w.received < rows,
		"pull killed with SIGKILL after %lld candidates", (long long)w.received);
	ok(w.received % 10 == 0, "only whole pages kept, each with its cursor");
	int code = st_sigacor(a, NULL, 120000, pull);
	ok(code == 0 && st_out_int(a, "candidates_received") == rows - w.received &&
		st_out_int(a, "candidates_done") == rows && st_out_int(a, "residents_received") == 0,
		"resumed at the cursor: %lld more, %lld in all (exit %d)",
		st_out_int(a, "candidates_received"), st_out_int(a, "candidates_done"), code);
	exact = holds_exactly(a, expected, n_exp, &have);
	ok(exact, "budi holds exactly his %d households (%d), none of another kelurahan", n_exp, have);

	code = st_sigacor(a, NULL, 60000, pull);
	ok(code == 0 && st_out_int(a, "candidates_received") == 0,
		"list unchanged: nothing downloaded again");

	is_int(st_login(ani, srv.url), 0, "login ani (another kelurahan)");
	code = st_sigacor(ani, NULL, 120000, pull);
	int64_t ani_got = st_out_int(ani, "candidates_received");
	ok(code == 0 && ani_got > 0 && ani_got + rows == (int64_t)n_people + 1,
		"ani receives only her kelurahan's %lld", (long long)ani_got);

	/* the city sends a new, shorter list: it replaces the old one */
	rows = import_candidates(3, expected, &n_exp);
	code = st_sigacor(a, NULL, 120000, pull);
	exact = holds_exactly(a, expected, n_exp, &have);
	ok(code == 0 && st_out_int(a, "candidates_received") == rows && exact,
		"a new list replaces the old: %d households (%d)", n_exp, have);

	/* a pass cut, then the list replaced on the server: 410, start again */
	rows = import_candidates(1, expected, &n_exp);
	w.received = 0;
	killed = kill_mid_pass(a, &w);
	ok(killed, "a pass of the full list killed after %lld",
		(long long)w.received);
	rows = import_candidates(2, expected, &n_exp);
	code = st_sigacor(a, NULL, 120000, pull);
	exact = holds_exactly(a, expected, n_exp, &have);
	ok(code == 0 && st_out_int(a, "candidates_received") == rows && exact,
		"list replaced meanwhile: the pass started again, exactly the new %d (%d)", n_exp, have);
	unsetenv("SIGACOR_SYNC_PAGE_LIMIT");
}

/* The city imports a registry of a handful of rows (issue 8: an empty or
 * broken file emptied every laptop's copy): the laptop keeps its copy and
 * says so, until the clerk is told to accept it. */
static void test_registry_kept(struct st_client *a)
{
	const char *pull[] = { "sync", "--pull-only", NULL };
	const char *accept[] = { "sync", "--pull-only", "--accept-small-registry", NULL };
	int64_t before = st_resident_count(a);
	char small[4200], message[1024] = "", outcome[64] = "";
	snprintf(small, sizeof small, "%s/small.csv", dir);
	FILE *in = fopen(reg_csv, "rb"), *out = fopen(small, "w");
	char line[2048];
	int kept = 0;
	for (int i = 0; in != NULL && out != NULL && fgets(line, sizeof line, in) != NULL; i++)
		if (i == 0 || ((strstr(line, K1) != NULL || strstr(line, K2) != NULL) && kept++ < 5))
			fputs(line, out);
	if (in != NULL)
		fclose(in);
	if (out != NULL)
		fclose(out);
	const char *import[] = { "import-residents", small, "--replace-all", NULL };
	ok(before > 100 && kept > 5 && st_server_admin(srv_dir, NULL, import) == 0,
		"server: the registry replaced by 5 rows (--replace-all); laptop has %lld",
		(long long)before);
	int code = st_sigacor(a, NULL, 120000, pull);
	st_out_str(a, "outcome", outcome, sizeof outcome);
	st_out_str(a, "message", message, sizeof message);
	ok(code == 3 && strcmp(outcome, "registry_kept") == 0 && strstr(message, "PERHATIAN") != NULL
		&& strstr(message, "--accept-small-registry") != NULL,
		"a snapshot of 5 against %lld: exit %d, outcome %s, a loud message",
		(long long)before, code, outcome);
	is_int((int)st_resident_count(a), (int)before, "... and the copy is kept whole");
	code = st_sigacor(a, NULL, 120000, accept);
	ok(code == 0 && st_resident_count(a) == 5,
		"--accept-small-registry takes it (exit %d, %lld residents)", code,
		(long long)st_resident_count(a));
}

int main(void)
{
	st_init();
	if (!ok(st_tmpdir("sync-candidates", dir, sizeof dir), "temp dir"))
		return tap_done();
	static const char *pattern[] = { K5, K1, K2, NULL };
	snprintf(srv_dir, sizeof srv_dir, "%s/server", dir);
	snprintf(reg_csv, sizeof reg_csv, "%s/registry.csv", dir);
	snprintf(cand_csv, sizeof cand_csv, "%s/candidates.csv", dir);
	const char *budi[] = { "add-operator", "budi", "--kelurahan", K1 "," K2, NULL };
	const char *ani[] = { "add-operator", "ani", "--kelurahan", K5, NULL };
	bool up = st_server_registry(srv_dir, reg_csv, RESIDENTS, 7, pattern) && read_registry() &&
		st_server_admin(srv_dir, ST_PASSWORD "\n", budi) == 0 &&
		st_server_admin(srv_dir, ST_PASSWORD "\n", ani) == 0 &&
		st_server_start(&srv, srv_dir, 0, NULL);
	if (!ok(up, "server with %ld residents, operators budi and ani", RESIDENTS)) {
		st_server_stop(&srv, SIGKILL);
		return tap_done();
	}
	struct st_client a, b;
	st_client_init(&a, dir, "budi");
	st_client_init(&b, dir, "ani");
	if (ok(st_login(&a, srv.url) == 0, "login budi")) {
		test_pull(&a, &b);
		test_registry_kept(&a);
	}
	st_server_stop(&srv, SIGTERM);
	st_rmdir(dir);
	return tap_done();
}
