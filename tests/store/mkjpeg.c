/* mkjpeg: write a small JPEG for the shell tests.
 *   mkjpeg OUT [--gps LAT LON] [--time "YYYY:MM:DD HH:MM:SS"] [--salt TEXT]
 *              [--size WIDTHxHEIGHT]   (a real image; default a 1x1 one) */
#include "config.h"
#include "fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	struct fixture_photo spec = { 0 };
	if (argc < 2) {
		fprintf(stderr, "usage: mkjpeg OUT [--gps LAT LON] [--time T] [--salt S] [--size WxH]\n");
		return 2;
	}
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--gps") == 0 && i + 2 < argc) {
			spec.gps = true;
			spec.lat = strtod(argv[++i], NULL);
			spec.lon = strtod(argv[++i], NULL);
		} else if (strcmp(argv[i], "--time") == 0 && i + 1 < argc)
			spec.taken_at = argv[++i];
		else if (strcmp(argv[i], "--salt") == 0 && i + 1 < argc)
			spec.salt = argv[++i];
		else if (strcmp(argv[i], "--size") == 0 && i + 1 < argc &&
			sscanf(argv[i + 1], "%dx%d", &spec.width, &spec.height) == 2 &&
			spec.width > 0 && spec.height > 0 && spec.width <= 20000 && spec.height <= 20000)
			i++;
		else {
			fprintf(stderr, "mkjpeg: unknown argument %s\n", argv[i]);
			return 2;
		}
	}
	if (!fixture_jpeg(argv[1], &spec)) {
		perror(argv[1]);
		return 1;
	}
	return 0;
}
