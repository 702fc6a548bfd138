/* libFuzzer target: the residents import over any bytes, into a real store.
 * Whatever the input: no crash, and all or nothing: a rejected import leaves
 * the registry as it was and says why; an accepted one adds at most the rows
 * it reports. */
#include "config.h"
#include "store.h"

#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FRESH_AFTER 20000       /* residents before a new profile is started */

static struct store *store;
static char base[256];
static int profiles;

static int remove_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	return remove(path);
}

static void cleanup(void)
{
	store_close(store);
	nftw(base, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void fresh_store(void)
{
	char dir[320], err[512];
	store_close(store);
	store = NULL;
	if (base[0] == '\0') {
		const char *tmp = getenv("TMPDIR");
		snprintf(base, sizeof base, "%s/fuzz_csv_import.XXXXXX", tmp != NULL ? tmp : "/tmp");
		if (mkdtemp(base) == NULL)
			abort();
		atexit(cleanup);
	}
	snprintf(dir, sizeof dir, "%s/p%d", base, profiles++);
	if (store_open(dir, &store, err, sizeof err) != STORE_OK) {
		fprintf(stderr, "store_open: %s\n", err);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (store == NULL || store_resident_count(store) > FRESH_AFTER)
		fresh_store();
	FILE *f = size > 0 ? fmemopen((void *)data, size, "rb") : fopen("/dev/null", "rb");
	if (f == NULL)
		return 0;
	int64_t before = store_resident_count(store);
	long rows = -1;
	enum store_status st = store_import_residents(store, f, NULL, NULL, &rows);
	fclose(f);
	int64_t after = store_resident_count(store);
	if (st == STORE_OK) {
		if (rows < 0 || after < before || after > before + rows)
			abort();
	} else if (st == STORE_REJECTED) {
		if (after != before || rows != 0 || store_error(store)[0] == '\0')
			abort();
	} else
		abort();      /* no I/O error on a healthy disk */
	return 0;
}
