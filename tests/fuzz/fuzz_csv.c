/* libFuzzer target: the CSV reader over any bytes, to the end or to a final
 * error, checking that every field it hands out is a string inside limits. */
#include "config.h"
#include "csv.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct csv_reader *r = csv_open_buffer((const char *)data, size);
	if (r == NULL)
		return 0;
	const char **fields;
	size_t count;
	long line, last_line = 0;
	for (size_t rows = 0; rows <= size + 1; rows++) {
		enum csv_status s = csv_next(r, &fields, &count, &line);
		if (s == CSV_ROW) {
			size_t total = 0;
			if (count == 0 || count > CSV_MAX_FIELDS || line < last_line)
				abort();
			for (size_t i = 0; i < count; i++)
				total += strlen(fields[i]) + 1;
			if (total > CSV_MAX_ROW)
				abort();
			last_line = line;
			continue;
		}
		if (s == CSV_EOF && (size_t)csv_bytes_read(r) != size)
			abort();
		if (s == CSV_EOF || s == CSV_ERR_QUOTE || s == CSV_ERR_NUL || s == CSV_ERR_READ)
			break;
	}
	csv_free(r);
	return 0;
}
