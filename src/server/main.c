/* sigacor-server: the command dispatcher. */
#include "config.h"
#include "server.h"

#include <stdio.h>
#include <string.h>

#include "i18n.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
};

static const struct command commands[] = {
	{ "gen-demo", gen_demo_main },
};

static void usage(FILE *f)
{
	fprintf(f, "%s", _(
"Pemakaian: sigacor-server PERINTAH [OPSI]...\n"
"Server kota untuk sigacor (verifikasi penerima bansos Kota Tangerang).\n"
"\n"
"Perintah:\n"
"  gen-demo --residents N [--seed S] [--candidates BERKAS]\n"
"        tulis data penduduk buatan (CSV) ke stdout; dengan --candidates\n"
"        juga daftar rumah tangga yang harus diverifikasi\n"
"\n"
"  --help     tampilkan bantuan ini\n"
"  --version  tampilkan versi\n"));
}

int main(int argc, char **argv)
{
	i18n_init(NULL);
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("sigacor-server %s\n", PACKAGE_VERSION);
		return 0;
	}
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "sigacor-server: %s: %s\n", _("perintah tidak dikenal"), argv[1]);
	usage(stderr);
	return 2;
}
