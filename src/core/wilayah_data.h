/* wilayah_data: the tables gen-wilayah generates (private to core).
 * Every table is sorted by code; since each part of a dotted code has a fixed
 * width, that is also the order of the NIK digits. */
#ifndef SIGACOR_WILAYAH_DATA_H
#define SIGACOR_WILAYAH_DATA_H

#include <stddef.h>
#include "wilayah.h"

extern const struct wilayah_region wilayah_data_provinces[];
extern const size_t wilayah_data_provinces_count;
/* current and retired kabupaten/kota */
extern const struct wilayah_region wilayah_data_regencies[];
extern const size_t wilayah_data_regencies_count;
/* current and retired kecamatan of all Indonesia */
extern const struct wilayah_region wilayah_data_kecamatan[];
extern const size_t wilayah_data_kecamatan_count;
/* Kota Tangerang */
extern const struct wilayah_kelurahan wilayah_data_kelurahan[];
extern const size_t wilayah_data_kelurahan_count;

#endif
