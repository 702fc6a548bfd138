/* seal_tool: the laptop's half of the sealed outbox for the server's tests
 * (sealed.test), with the one implementation both ends use (src/proto/sealed.c).
 *   seal_tool record PUBHEX < record.json > sealed
 *   seal_tool photo PUBHEX SHA256 < photo.jpg > sealed */
#include "config.h"
#include "sealed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"

int main(int argc, char **argv)
{
	unsigned char pk[SEALED_KEY_BYTES];
	if (argc < 3 || !sealed_key_parse(argv[2], pk)) {
		fprintf(stderr, "usage: seal_tool record|photo PUBHEX [SHA256]\n");
		return 2;
	}
	if (strcmp(argv[1], "record") == 0) {
		static char json[70000];
		size_t n = fread(json, 1, sizeof json - 1, stdin), len;
		json[n] = '\0';
		unsigned char *out = sealed_record_seal(json, pk, &len);
		bool written = out != NULL && common_write_all(1, out, len);
		free(out);
		return written ? 0 : 1;
	}
	struct stat st;
	if (strcmp(argv[1], "photo") != 0 || argc != 4 || fstat(0, &st) != 0)
		return 2;
	return sealed_photo_seal(0, 1, argv[3], (int64_t)st.st_size, pk) ? 0 : 1;
}
