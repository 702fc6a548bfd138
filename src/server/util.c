/* util: small helpers of the server. */
#include "config.h"
#include "server.h"

#include <time.h>

#include "wilayah.h"

void util_hex(const unsigned char *bytes, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[bytes[i] >> 4];
		out[2 * i + 1] = digits[bytes[i] & 15];
	}
	out[2 * n] = '\0';
}

int64_t util_now(void)
{
	return (int64_t)time(NULL);
}

const char *util_kelurahan(const char *code)
{
	const struct wilayah_kelurahan *k = code != NULL ? wilayah_kelurahan_find(code) : NULL;
	return k != NULL ? k->code : NULL;
}
