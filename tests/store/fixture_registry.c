/* The registry import of the store tests, in a file of its own: the
 * fixture's photo builders link without the store. */
#include "config.h"
#include "fixture.h"
#include "store.h"

#include <stdio.h>

bool fixture_import_registry(struct store *s, const char *folder, const char *csv)
{
	char path[4300];
	snprintf(path, sizeof path, "%s/residents.csv", folder);
	if (!fixture_write_text(path, csv))
		return false;
	FILE *f = fopen(path, "rb");
	bool imported = f != NULL && store_import_residents(s, f, NULL, NULL, NULL) == STORE_OK;
	if (f != NULL)
		fclose(f);
	return imported;
}
