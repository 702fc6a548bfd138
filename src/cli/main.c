/* sigacor: global options, the command table and its help.  With no
 * command the screens open (ui_run); with one, it runs headless. */
#include "config.h"
#include "cli.h"
#include "i18n.h"
#include "sync.h"
#include "ui.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The help below and doc/sigacor.1 say the same; tests/cli/cli.test checks
 * that every option of one appears in the other. */
static const struct cli_command commands[] = {
	{ "nik", cli_cmd_nik, "nik NIK",
		N_("Periksa NIK dan uraikan wilayah, tanggal lahir dan jenis kelamin."), NULL },
	{ "photo-info", cli_cmd_photo_info, "photo-info FILE...",
		N_("Jenis file, SHA-256, GPS, waktu foto, orientasi dan kelurahan."), NULL },
	{ "preview", cli_cmd_preview, "preview [--size KOLOMxBARIS] [--mode MODE] FILE",
		N_("Tampilkan foto di terminal (libchafa), seperti F4 di layar."),
		N_("      --size KOLOMxBARIS    ukuran layar (bawaan: ukuran terminal)\n"
		   "      --mode MODE           auto, symbols, ascii, sixel atau kitty\n") },
	{ "import-residents", cli_cmd_import_residents, "import-residents FILE.csv",
		N_("Impor data kependudukan dari CSV: semua baris, atau tidak sama sekali."), NULL },
	{ "lookup", cli_cmd_lookup, "lookup NIK",
		N_("Tampilkan penduduk dari salinan data kependudukan."), NULL },
	{ "add", cli_cmd_add, N_("add --nik NIK [PILIHAN...]"),
		N_("Buat rekaman verifikasi (draf, atau final dengan --final)."),
		N_("      --nik NIK             NIK penerima (wajib)\n"
		   "      --photo JENIS=FILE    foto ktp, kk atau rumah (sekali tiap jenis)\n"
		   "      --decision KEPUTUSAN  layak atau tidak-layak\n"
		   "      --reason KODE         alasan tidak layak (kode di bawah)\n"
		   "      --reason-text TEKS    alasan tertulis (wajib untuk lainnya)\n"
		   "      --lat X --lon Y       koordinat rumah yang diketik (derajat desimal)\n"
		   "      --coord-reason TEKS   alasan koordinat diketik (wajib dengan --lat)\n"
		   "      --notes TEKS          catatan\n"
		   "      --name NAMA           nama, bila NIK tidak ada di data kependudukan\n"
		   "      --address ALAMAT      alamat, bila NIK tidak ada di data kependudukan\n"
		   "      --kelurahan KODE      kelurahan (misalnya 36.71.01.1005), bila NIK tidak\n"
		   "                            ada di data kependudukan (bawaan: dari koordinat)\n"
		   "      --supersedes UUID     rekaman final yang dikoreksi rekaman ini\n"
		   "      --fields-from FILE|-  baris name=, address=, notes=, reason-text=,\n"
		   "                            coord-reason= dari file atau stdin: data pribadi\n"
		   "                            di baris perintah terlihat pengguna lain (ps)\n"
		   "      --final               periksa aturan, bekukan, antrekan untuk dikirim\n") },
	{ "export", cli_cmd_export, N_("export [--format csv|json] [--state STATUS]"),
		N_("Keluarkan rekaman verifikasi beserta foto (jenis, sha256) dan koordinat."),
		N_("      --format csv|json     bentuk keluaran (bawaan: csv; json dengan --json)\n"
		   "      --state STATUS        hanya rekaman dengan status ini: draft, final,\n"
		   "                            sending, accepted, flagged, quarantined\n") },
	{ "status", cli_cmd_status, "status",
		N_("Jumlah rekaman per status, folder data dan jumlah penduduk."), NULL },
	{ "report", cli_cmd_report, "report",
		N_("Hasil kerja sendiri per kelurahan: sasaran, layak, tidak layak, pengiriman."),
		NULL },
	{ "reviews", cli_cmd_reviews, "reviews NIK|UUID",
		N_("Riwayat pemeriksaan kota atas rekaman: siapa, kapan, hasil, catatan, koreksinya."),
		NULL },
	/* sync commands: src/cli/cmd_sync.c */
	{ "login", cli_cmd_login, N_("login --server ALAMAT [--operator NAMA] [--ca-file FILE] [--new-profile [--yes]] [--new-city-key]"),
		N_("Masuk ke server kota; kata sandi dari terminal atau satu baris stdin.\n"
		   "      Profil baru (login pertama, --new-profile): juga kata sandi laptop\n"
		   "      (minimal 6 huruf; di terminal dua kali, atau baris berikutnya di stdin),\n"
		   "      dan profil terenkripsi sejak awal; tanpa itu ditolak (status 1)."),
		N_("      --server ALAMAT       https://server-kota (http:// hanya ke laptop ini)\n"
		   "      --operator NAMA       nama petugas di server (= profil)\n"
		   "      --ca-file FILE        sertifikat CA kota (PEM), disimpan untuk sync\n"
		   "      --new-profile         kata sandi laptop terlupa: profil baru dengan\n"
		   "                            kata sandi server dan kata sandi laptop yang\n"
		   "                            baru; profil lama dihapus (yang\n"
		   "                            hanya ada di sana disebut dan hilang), data\n"
		   "                            penduduk dan daftar sasaran diunduh lagi\n"
		   "      --yes                 tanpa pertanyaan untuk --new-profile\n"
		   "      --new-city-key        terima kunci kota lain dari yang tersimpan\n"
		   "                            (hanya setelah admin kota memastikan kuncinya\n"
		   "                            memang diganti)\n") },
	{ "logout", cli_cmd_logout, "logout",
		N_("Keluar: server mencabut token sesi, laptop menghapusnya."), NULL },
	/* the profile's unlock: src/cli/unlock.c */
	{ "unlock", cli_cmd_unlock, "unlock [--minutes N]",
		N_("Buka profil untuk perintah tanpa layar selama N menit (bawaan 30);\n"
		   "      kata sandi dari terminal atau satu baris stdin.  Profil versi lama\n"
		   "      yang belum terenkripsi dienkripsi dulu (kata sandi layarnya, atau\n"
		   "      kata sandi laptop baru)."),
		N_("      --minutes N           lama terbuka, 1 sampai 720 menit\n") },
	{ "lock", cli_cmd_lock, "lock",
		N_("Kunci profil lagi (layar yang terkunci karena diam juga menguncinya)."), NULL },
	/* less to lose: src/cli/cmd_privacy.c */
	{ "purge", cli_cmd_purge, N_("purge [--days N]"),
		N_("Hapus dari laptop ini data pribadi dan foto rekaman yang diterima server\n"
		   "      lebih dari N hari lalu (juga setelah sync berhasil dan saat layar dibuka);\n"
		   "      NIK, keputusan, status dan tanggal tetap untuk daftar kerja."),
		N_("      --days N              lama simpan profil ini mulai sekarang, 0 sampai\n"
		   "                            3650 hari (bawaan 14; 0 = jangan pernah)\n") },
	{ "handover", cli_cmd_handover, "handover",
		N_("Sebelum laptop diserahkan: untuk setiap profil di folder data, apa yang\n"
		   "      hanya ada di laptop ini (draf, rekaman final belum terkirim, yang\n"
		   "      dikarantina, foto belum terkirim, foto kotak foto belum dilampirkan);\n"
		   "      hanya jumlah, tanpa data pribadi."),
		N_("      Status keluar: 0 aman diserahkan, 6 ada yang hanya di laptop ini.\n") },
	{ "profile", cli_cmd_profile, N_("profile remove NAMA [--force] [--yes]"),
		N_("Hapus profil NAMA dan semua filenya dari laptop ini; ditolak (status 6)\n"
		   "      selama ada yang hanya di laptop ini, kecuali dengan --force."),
		N_("      --force               hapus walau ada yang belum terkirim\n"
		   "      --yes                 tanpa pertanyaan (wajib bila bukan di terminal)\n") },
	{ "sync", cli_cmd_sync, "sync [--push-only|--pull-only] [--progress] [--accept-small-registry] [--photo-budget-mb MB] [--no-photos] [--sealed-only]",
		N_("Kirim antrean (semua rekaman dulu, lalu fotonya), unduh data penduduk,\n"
		   "      rumah tangga sasaran dan kabar rekaman. Status 0 hanya bila semua\n"
		   "      antrean, foto juga, diterima server."),
		N_("      --push-only           hanya kirim antrean\n"
		   "      --pull-only           hanya unduh data penduduk dan kabar rekaman\n"
		   "      --progress            tulis kemajuan ke stderr\n"
		   "      --ca-file FILE        sertifikat CA kota (PEM) untuk kali ini\n"
		   "      --accept-small-registry  terima data penduduk server walau kurang dari\n"
		   "                            separuh salinan laptop (tanpa ini: salinan lama\n"
		   "                            tetap, peringatan, status 3)\n"
		   "      --photo-budget-mb MB  jatah foto per hari di profil ini (0 = tanpa\n"
		   "                            batas); rekaman tetap terkirim, foto yang\n"
		   "                            melewatinya menunggu\n"
		   "      --no-photos           kirim rekaman tanpa foto; fotonya menunggu\n"
		   "                            sinkronisasi berikutnya\n"
		   "      --sealed-only         hanya kirim kiriman tersegel (rekaman final yang\n"
		   "                            disegel untuk kunci kota): tanpa kata sandi,\n"
		   "                            untuk cron pada profil terkunci; sync biasa\n"
		   "                            juga mengirimnya lebih dulu\n"
		   "      Status keluar: 0 semua diterima, 1 ada rekaman dikarantina, 2 kesalahan\n"
		   "      sistem, 3 belum selesai (jaringan/server; coba lagi), 4 perlu login.\n") },
	{ "inbox", cli_cmd_inbox, N_("inbox [list|code|fetch [SHA...]|delete SHA...]"),
		N_("Kotak foto di server: foto dari ponsel petugas lewat halaman unggah\n"
		   "      (kode sekali pakai, juga sebagai kode QR)."),
		N_("      list                  foto yang menunggu (bawaan)\n"
		   "      code                  kode sekali pakai: alamat, kode, kode QR\n"
		   "      fetch [SHA...]        unduh (semua, atau yang awal sidiknya disebut)\n"
		   "      --to FOLDER           ke folder ini (bawaan: PROFIL/inbox)\n"
		   "      --delete              hapus dari server setelah terunduh\n"
		   "      delete SHA...         hapus dari server\n"
		   "      Status keluar: 0 berhasil, 1 ditolak server, 2 kesalahan sistem,\n"
		   "      3 server tak terjangkau (coba lagi), 4 perlu login.\n") },
};
#define COMMAND_COUNT (sizeof commands / sizeof commands[0])

/* The reason codes, wrapped to fit 80 columns. */
static void help_reasons(FILE *out)
{
	const char *label = _("      Kode alasan:");
	size_t col = strlen(label);
	fputs(label, out);
	for (int r = REASON_NONE + 1; r < REASON_COUNT; r++) {
		const char *code = record_reason_code((enum reason)r);
		if (col + strlen(code) + 2 > 78) {
			fputs("\n       ", out);
			col = 7;
		}
		fprintf(out, " %s%s", code, r + 1 < REASON_COUNT ? "," : "");
		col += strlen(code) + 2;
	}
	fputc('\n', out);
}

static void help_command(FILE *out, const struct cli_command *cmd)
{
	fprintf(out, "  %s\n      %s\n", gettext(cmd->synopsis), gettext(cmd->summary));
	if (cmd->options != NULL)
		fprintf(out, "%s", gettext(cmd->options));
	if (cmd->run == cli_cmd_add)
		help_reasons(out);
}

void cli_help(FILE *out, const char *name)
{
	fprintf(out, "%s\n", _("Pemakaian: sigacor [PILIHAN-UMUM] [PERINTAH [ARGUMEN...]]"));
	if (name == NULL)
		fprintf(out, "%s\n\n%s\n", _("Verifikasi penerima bansos Kota Tangerang.\n"
			"Tanpa perintah, sigacor membuka layar."), _("Perintah:"));
	for (size_t i = 0; i < COMMAND_COUNT; i++)
		if (name == NULL || strcmp(name, commands[i].name) == 0)
			help_command(out, &commands[i]);
	if (name != NULL)
		return;
	fprintf(out, "\n%s\n%s", _("Pilihan umum (sebelum atau sesudah perintah):"),
		_("  --data-dir DIR        folder data (bawaan: $XDG_DATA_HOME/sigacor, atau\n"
		  "                        ~/.local/share/sigacor); profil petugas di DIR/NAMA\n"
		  "  --operator NAMA       profil petugas (bawaan: $SIGACOR_OPERATOR, profil satu-\n"
		  "                        satunya di DIR, atau default)\n"
		  "  --json                keluaran JSON\n"
		  "  --lang id|en          bahasa pesan (bawaan: Indonesia; LANG=en_* Inggris)\n"
		  "  --help                bantuan ini\n"
		  "  --version             versi program\n"));
	fprintf(out, "\n%s\n", _("Status keluar: 0 berhasil, 1 masukan ditolak, 2 salah pemakaian\n"
		"atau kesalahan sistem, 5 profil terkunci (basis datanya terenkripsi: setiap\n"
		"perintah yang membukanya perlu kata sandi profil atau sigacor unlock; sync\n"
		"mengirim yang tersegel dulu), 6 ada yang hanya di laptop ini (handover,\n"
		"profile remove)."));
}

/* An operator name is a folder name: no slashes, no dot files. */
static bool operator_ok(const char *name)
{
	size_t n = strlen(name);
	if (n == 0 || n >= RECORD_OPERATOR_MAX || name[0] == '.' || name[0] == '-')
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = name[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			(ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-'))
			return false;
	}
	return true;
}

static bool default_root(char *buf, size_t len)
{
	const char *xdg = getenv("XDG_DATA_HOME");
	if (xdg != NULL && xdg[0] == '/')     /* the spec ignores relative values */
		return snprintf(buf, len, "%s/sigacor", xdg) < (int)len;
	const char *home = getenv("HOME");
	if (home == NULL || home[0] == '\0') {
		struct passwd *pw = getpwuid(getuid());
		home = pw != NULL ? pw->pw_dir : NULL;
	}
	return home != NULL && snprintf(buf, len, "%s/.local/share/sigacor", home) < (int)len;
}

static int set_profile(struct cli *c, const char *root, const char *operator_name)
{
	char only[RECORD_OPERATOR_MAX];
	if (operator_name == NULL || operator_name[0] == '\0')
		operator_name = getenv("SIGACOR_OPERATOR");
	if (root != NULL) {
		if (root[0] == '\0' || snprintf(c->data_root, sizeof c->data_root, "%s", root)
			>= (int)sizeof c->data_root)
			return cli_usage(NULL, "%s", _("Folder data (--data-dir) tidak sah."));
	} else if (!default_root(c->data_root, sizeof c->data_root))
		return cli_usage(NULL, "%s", _("Folder data tidak diketahui: HOME tidak ada; "
			"pakai --data-dir DIR."));
	/* no name given: the one profile the data folder holds, else "default" */
	if (operator_name == NULL || operator_name[0] == '\0')
		operator_name = ui_only_profile(c->data_root, only, sizeof only) ? only : "default";
	if (!operator_ok(operator_name))
		return cli_usage(NULL, _("Nama petugas \"%s\" tidak sah: pakai huruf, angka, titik, "
			"garis bawah atau tanda hubung (paling banyak %d)."), operator_name,
			RECORD_OPERATOR_MAX - 1);
	snprintf(c->operator_name, sizeof c->operator_name, "%s", operator_name);
	if (snprintf(c->profile_dir, sizeof c->profile_dir, "%s/%s", c->data_root,
		c->operator_name) >= (int)sizeof c->profile_dir)
		return cli_usage(NULL, "%s", _("Folder data (--data-dir) terlalu panjang."));
	return CLI_EXIT_OK;
}

/* --lang must be known before the first message, wherever it stands:
 * among the global options or after the command. */
static const char *find_lang(int argc, char **argv)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (strcmp(argv[i], "--lang") == 0)
			return i + 1 < argc ? argv[i + 1] : "";
		if (strncmp(argv[i], "--lang=", 7) == 0)
			return argv[i] + 7;
		/* the value of a global option is not the command */
		if (strcmp(argv[i], "--data-dir") == 0 || strcmp(argv[i], "--operator") == 0)
			i++;
	}
	return NULL;
}

enum { OPT_DATA_DIR, OPT_OPERATOR, OPT_JSON, OPT_LANG, OPT_VERSION, OPT_KEYS_MAN };

static const struct cli_option global_options[] = {
	{ "data-dir", true, OPT_DATA_DIR },
	{ "operator", true, OPT_OPERATOR },
	{ "json", false, OPT_JSON },
	{ "lang", true, OPT_LANG },
	{ "version", false, OPT_VERSION },
	/* not in --help: the man page's keys (make update-man-keys) */
	{ "keys-man", false, OPT_KEYS_MAN },
	{ NULL, false, 0 },
};

/* The global options as they were read, so one that follows the command
 * can change them and the profile be worked out again. */
static struct {
	struct cli *cli;
	const char *root, *operator_name;
} globals;

/* cli_global_hook: a global option after the command.  --operator stays
 * the command's own where it has one (login). */
static int global_after_command(int argc, char **argv, int at)
{
	const char *name = argv[at] + 2;
	size_t len = strcspn(name, "=");
	bool known = false;
	for (const struct cli_option *o = global_options; o->name != NULL; o++)
		known = known || (strlen(o->name) == len && strncmp(o->name, name, len) == 0);
	if (!known)
		return 0;
	struct cli_parser p;
	cli_parser_init(&p, argc, argv);
	p.command = NULL;
	p.next = at;
	const char *value;
	cli_global_hook = NULL;      /* no recursion: an unknown one is reported */
	int id = cli_next(&p, global_options, &value);
	cli_global_hook = global_after_command;
	switch (id) {
	case OPT_DATA_DIR: globals.root = value; break;
	case OPT_OPERATOR: globals.operator_name = value; break;
	case OPT_JSON: globals.cli->json = true; break;
	case OPT_LANG: break;        /* read by find_lang before anything */
	case CLI_BAD: return -1;
	default: return 0;
	}
	if (set_profile(globals.cli, globals.root, globals.operator_name) != CLI_EXIT_OK)
		return -1;
	return p.next - at;
}

static int finish_output(int status)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		cli_error("%s", _("Keluaran gagal ditulis (disk penuh atau pipa tertutup?)."));
		return CLI_EXIT_FAILURE;
	}
	return status;
}

static int run_command(struct cli *c, int argc, char **argv)
{
	for (size_t i = 0; i < COMMAND_COUNT; i++) {
		if (strcmp(argv[0], commands[i].name) != 0)
			continue;
		/* "sigacor CMD --help" wherever the --help stands */
		for (int a = 1; a < argc && strcmp(argv[a], "--") != 0; a++)
			if (strcmp(argv[a], "--help") == 0 || strcmp(argv[a], "-h") == 0) {
				cli_help(stdout, argv[0]);
				return CLI_EXIT_OK;
			}
		return commands[i].run(c, argc, argv);
	}
	return cli_usage(NULL, _("Perintah tidak dikenal: %s"), argv[0]);
}

int main(int argc, char **argv)
{
	umask(077);      /* personal data: nothing we create is for others */
	/* a record made final (screens or `add --final`) is sealed for the locked sync */
	sync_sealed_install();
	const char *lang = find_lang(argc, argv);
	if (!i18n_init(lang != NULL && lang[0] != '\0' ? lang : NULL) || (lang != NULL && lang[0] == '\0'))
		return cli_usage(NULL, _("--lang harus id atau en, bukan \"%s\"."), lang);
	struct cli c;
	memset(&c, 0, sizeof c);
	struct cli_parser p;
	cli_parser_init(&p, argc, argv);
	p.command = NULL;
	const char *root = NULL, *operator_name = NULL, *value, *command = NULL;

	while (command == NULL) {
		int id = cli_next(&p, global_options, &value);
		if (id == CLI_END)
			break;
		if (id == CLI_BAD)
			return CLI_EXIT_FAILURE;
		switch (id) {
		case CLI_ARG: command = value; break;
		case CLI_HELP: cli_help(stdout, NULL); return finish_output(CLI_EXIT_OK);
		case OPT_VERSION: printf("sigacor %s\n", PACKAGE_VERSION); return finish_output(CLI_EXIT_OK);
		case OPT_KEYS_MAN: ui_keys_man(stdout); return finish_output(CLI_EXIT_OK);
		case OPT_DATA_DIR: root = value; break;
		case OPT_OPERATOR: operator_name = value; break;
		case OPT_JSON: c.json = true; break;
		default: break;       /* --lang: handled above */
		}
	}
	int status = set_profile(&c, root, operator_name);
	if (status != CLI_EXIT_OK)
		return status;
	globals.cli = &c;
	globals.root = root;
	globals.operator_name = operator_name;
	cli_global_hook = global_after_command;
	if (command == NULL) {
		/* no command: the screens (ui.h) */
		struct ui_options o = { c.data_root, operator_name != NULL ? c.operator_name : NULL,
			cli_ui_sync() };
		return ui_run(&o);
	}
	return finish_output(run_command(&c, argc - (p.next - 1), argv + (p.next - 1)));
}
