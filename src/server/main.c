/* sigacor-server: the command dispatcher. */
#include "config.h"
#include "server.h"
#include "web.h"
#include "admin_int.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "i18n.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
};

static const struct command commands[] = {
	{ "serve", serve_main },
	{ "add-operator", admin_add_operator },
	{ "add-supervisor", admin_add_supervisor },
	{ "disable-operator", admin_disable_operator },
	{ "import-residents", admin_import_residents },
	{ "import-candidates", admin_import_candidates },
	{ "assign", admin_assign },
	{ "reassign", admin_reassign },
	{ "review", admin_review },
	{ "export", admin_export },
	{ "flagged", admin_flagged },
	{ "report", report_main },
	{ "geojson", geojson_main },
	{ "musdes", musdes_main },
	{ "gen-demo", gen_demo_main },
	{ "backup", admin_backup },
	{ "restore", admin_restore },
	{ "keygen", keygen_main },
	{ "use-postgresql", admin_use_postgresql },
};

static void usage(FILE *f)
{
	fprintf(f, "%s", _(
"Pemakaian: sigacor-server PERINTAH [OPSI]...\n"
"Server kota untuk sigacor (verifikasi penerima bansos Kota Tangerang).\n"
"Semua perintah kecuali gen-demo memakai --data FOLDER (basis data dan foto).\n"
"\n"
"Perintah:\n"
"  serve --data FOLDER --listen ALAMAT:PORT [--cert FILE --key FILE]\n"
"        [--max-connections N] [--max-per-address N] [--header-timeout DETIK]\n"
"        [--max-photo-mb N] [--web-assets FOLDER] [--leaflet FOLDER] [--tiles URL]\n"
"        [--public-url URL] [--inbox-days N] [--inbox-code-minutes N]\n"
"        [--metrics-listen ALAMAT:PORT] [--log-format text|json]\n"
"        [--no-progress-feed] [--workers N] [--login-workers N]\n"
"        [--queue-wait-ms MS] [--login-wait-s DETIK]\n"
"        jalankan server HTTP(S): /api/v1 untuk petugas, dasbor pengawas di /;\n"
"        tanpa --cert/--key hanya di alamat loopback; port 0 memilih port\n"
"        bebas; mencetak \"listening on ALAMAT:PORT\"; peta tanpa ubin\n"
"        kecuali --tiles https://.../{z}/{x}/{y}.png\n"
"  add-operator NAMA --kelurahan KODE[,KODE...] --data FOLDER\n"
"        tambah petugas (atau ganti kata sandi dan wilayahnya); kata sandi\n"
"        dibaca dari stdin, disimpan sebagai hash Argon2id\n"
"  add-supervisor NAMA --scope city|kecamatan KODE|kelurahan KODE --data FOLDER\n"
"        tambah pengawas dasbor (atau ganti kata sandi dan wilayahnya);\n"
"        kata sandi dari stdin, hash Argon2id\n"
"  disable-operator NAMA --data FOLDER\n"
"        nonaktifkan petugas dan cabut semua sesinya\n"
"  import-residents FILE.csv [--allow-skipped] [--replace-all] --data FOLDER\n"
"        ganti data kependudukan (nik,kk,name,sex,birth_place,birth_date,\n"
"        address,rt,rw,kelurahan); ada baris rusak: tidak ada yang diimpor\n"
"        tanpa --allow-skipped; membuang lebih dari separuh: perlu --replace-all\n"
"  import-candidates FILE.csv [--allow-skipped] [--replace-all] --data FOLDER\n"
"        ganti daftar rumah tangga yang diverifikasi (kk,nik,kelurahan,program)\n"
"  review ID --outcome confirmed|rejected|revisit [--note TEKS] --data FOLDER\n"
"        simpan hasil pemeriksaan kota; petugas melihatnya saat sinkronisasi\n"
"  export --format csv|json --data FOLDER\n"
"        semua rekaman verifikasi beserta tanda dan fotonya, ke stdout\n"
"  flagged --data FOLDER\n"
"        NIK yang diverifikasi lebih dari sekali atau ditandai untuk diperiksa\n"
"  gen-demo --residents N [--seed S] [--candidates FILE]\n"
"        tulis data penduduk buatan (CSV) ke stdout; dengan --candidates\n"
"        juga daftar rumah tangga yang harus diverifikasi\n"
"\n"
"  --help     tampilkan bantuan ini\n"
"  --version  tampilkan versi\n"
"\n"
"Protokol: doc/PROTOCOL.md. Manual: man sigacor-server.\n"));
	/* the city's results: a block of their own (report.c) */
	fprintf(f, "\n%s", _(report_commands_help));
	fprintf(f, "\n%s", _(assign_commands_help));
	fprintf(f, "\n%s", _(backup_commands_help));
	fprintf(f, "\n%s", _(database_commands_help));
	fprintf(f, "\n%s", _(keygen_commands_help));
}

int main(int argc, char **argv)
{
	i18n_init(NULL);
	/* personal data: folders 0700, files 0600, whatever the caller's umask */
	umask(077);
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
