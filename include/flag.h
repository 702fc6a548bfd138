/* flag: what the city server marks on a verification record for the city
 * to check, each with the sentence the clerk reads (doc/PROTOCOL.md
 * "Flags").  The server sets them (server/ledger.c, server/crosscheck.c);
 * the client names them from the same table (sync/push.c). */
#ifndef SIGACOR_FLAG_H
#define SIGACOR_FLAG_H

#include <stdbool.h>

#define FLAGS(X) \
	X(FLAG_DUPLICATE_NIK, "duplicate_nik", \
		N_("NIK ini juga diverifikasi oleh petugas lain. Kota akan memeriksa.")) \
	X(FLAG_REGISTRY_OTHER_KELURAHAN, "registry_other_kelurahan", \
		N_("Menurut data kependudukan kota, NIK ini terdaftar di kelurahan lain.")) \
	X(FLAG_NOT_IN_REGISTRY, "not_in_registry", \
		N_("NIK ini tidak ada di data kependudukan kota.")) \
	X(FLAG_KK_LAYAK_TWICE, "kk_layak_twice", \
		N_("KK ini ditandai layak lebih dari sekali: satu rumah tangga, satu bantuan. Kota akan memeriksa.")) \
	X(FLAG_PHOTO_OTHER_NIK, "photo_other_nik", \
		N_("Foto yang sama dilampirkan pada rekaman NIK lain. Kota akan memeriksa.")) \
	X(FLAG_HOUSE_OUTSIDE_CITY, "house_outside_city", \
		N_("Koordinat rumah di luar Kota Tangerang.")) \
	X(FLAG_HOUSE_OTHER_KELURAHAN, "house_other_kelurahan", \
		N_("Koordinat rumah di luar kelurahan rekaman ini.")) \
	X(FLAG_HOUSE_FAR_FROM_KK, "house_far_from_kk", \
		N_("Rumah ini lebih dari 2 km dari rekaman lain dengan KK yang sama.")) \
	X(FLAG_PHOTO_AFTER_FINAL, "photo_after_final", \
		N_("Ada foto yang waktunya setelah rekaman difinalkan (jam kamera atau laptop salah?).")) \
	X(FLAG_PHOTO_YEARS_OLD, "photo_years_old", \
		N_("Ada foto yang diambil lebih dari setahun sebelum rekaman difinalkan."))

enum flag {
#define FLAG_ENUM(e, code, msg) e,
	FLAGS(FLAG_ENUM)
#undef FLAG_ENUM
	FLAG_COUNT
};

/* Records of one KK farther apart than this are flagged (house_far_from_kk). */
#define FLAG_KK_FAR_M 2000.0

const char *flag_code(enum flag f);         /* "duplicate_nik"; "?" when unknown */
const char *flag_message(enum flag f);      /* untranslated Indonesian */
bool flag_parse(const char *code, enum flag *out);

#endif
