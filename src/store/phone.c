/* store/phone: where the clerk's phone was when it uploaded a photo to the
 * photo inbox (doc/PROTOCOL.md "Photo inbox").  Phone browsers often strip
 * GPS from a picked photo; the upload page then sends the phone's position
 * as a source of its own, never written into the photo.  sigacor keeps it
 * here by the photo's hash when it fetches the photo, and a house photo
 * without GPS can still place the house (COORD_PHONE). */
#include "config.h"
#include "store.h"
#include "store_int.h"

#include "geo.h"
#include "i18n.h"

#include <stdio.h>
#include <string.h>

enum store_status store_phone_position_put(struct store *s, const char *sha256, double lat,
	double lon, double accuracy_m)
{
	if (!format_sha256_hex(sha256) || !geo_valid(lat, lon) || !(accuracy_m >= 0.0))
		return store_fail(s, STORE_REJECTED, _("Posisi ponsel tidak sah."));
	sqlite3_stmt *st;
	enum store_status rc = store_prepare(s, "INSERT OR REPLACE INTO phone_positions"
		" (sha256, lat, lon, accuracy_m) VALUES (?, ?, ?, ?)", &st);
	if (rc != STORE_OK)
		return rc;
	store_bind_text(st, 1, sha256);
	sqlite3_bind_double(st, 2, lat);
	sqlite3_bind_double(st, 3, lon);
	sqlite3_bind_double(st, 4, accuracy_m);
	int step = sqlite3_step(st);
	sqlite3_finalize(st);
	return step == SQLITE_DONE ? STORE_OK : store_fail_sql(s, step, "phone_positions");
}

/* The position kept for a photo (its copy's hash or the original's). */
static bool phone_position(struct store *s, const struct record_photo *ph, double *lat,
	double *lon, double *accuracy_m)
{
	sqlite3_stmt *st;
	if (!ph->attached || store_prepare(s, "SELECT lat, lon, accuracy_m FROM phone_positions"
		" WHERE sha256 IN (?, ?) LIMIT 1", &st) != STORE_OK)
		return false;
	store_bind_text(st, 1, ph->sha256);
	store_bind_text(st, 2, ph->original_sha256);
	bool found = sqlite3_step(st) == SQLITE_ROW;
	if (found) {
		*lat = sqlite3_column_double(st, 0);
		*lon = sqlite3_column_double(st, 1);
		*accuracy_m = sqlite3_column_double(st, 2);
	}
	sqlite3_finalize(st);
	return found && geo_valid(*lat, *lon);
}

bool store_record_coord_from_phone(struct store *s, struct record *r)
{
	static const enum photo_kind order[] = { PHOTO_KIND_RUMAH, PHOTO_KIND_KTP, PHOTO_KIND_KK };
	for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
		double lat, lon, accuracy;
		if (!phone_position(s, &r->photos[order[i]], &lat, &lon, &accuracy))
			continue;
		r->has_coord = true;
		r->lat = lat;
		r->lon = lon;
		r->coord_source = COORD_PHONE;
		/* the record's data language, as the server shows it to the city */
		snprintf(r->coord_reason, sizeof r->coord_reason,
			"posisi ponsel saat unggah foto %s, akurasi ±%.0f m",
			record_photo_kind_code(order[i]), accuracy);
		return true;
	}
	return false;
}
