/* libFuzzer target: nik_check and nik_normalise on any bytes.  Beyond not
 * crashing, it checks the invariants the screens rely on. */
#include "config.h"
#include "nik.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char input[256];
	if (size >= sizeof input)
		size = sizeof input - 1;
	memcpy(input, data, size);
	input[size] = '\0';

	/* a fixed day keeps every run reproducible: 2025-06-01 */
	struct nik_info info;
	nik_check(input, (time_t)1748779200, &info);
	if (info.valid != (info.errors == 0))
		abort();
	if (strlen(info.nik) > NIK_LEN)
		abort();
	if (info.valid) {
		char digits[NIK_LEN + 1];
		if (!nik_normalise(input, digits) || strcmp(digits, info.nik) != 0 || strlen(digits) != NIK_LEN)
			abort();
		if (info.birth_year < 1900 || info.birth_month < 1 || info.birth_day < 1 ||
		    info.province == NULL || info.sex == NIK_SEX_UNKNOWN)
			abort();
	}
	int first = nik_first_problem(&info);
	if ((first < 0) != (info.errors == 0 && info.warnings == 0))
		abort();
	if (first >= 0 && nik_problem_code((enum nik_problem)first)[0] == '\0')
		abort();
	return 0;
}
