/* crosscheck: flags that come from comparing a record with the city's other
 * records or with its own facts (doc/PROTOCOL.md "Flags"; duplicate_nik
 * and kk_layak_twice are ledger.c's groups): one photo on records of different
 * NIKs, a house outside its kelurahan or the city, a house far from the
 * other records of its KK, a photo taken after the record was finalised or
 * years before.  A flag shared with other records is given to them too,
 * each with a change entry, so their clerks learn it at their next sync.
 * Runs inside ledger_store's write transaction. */
#include "config.h"
#include "server.h"
#include "geo.h"
#include "sdb.h"

#include <stdio.h>
#include <string.h>

/* A photo's time is the camera's local clock (WIB is UTC+7), which may be
 * a day off besides: two days of slack. */
#define PHOTO_CLOCK_SLACK_S (2 * 86400LL)
#define PHOTO_YEARS_OLD_S (365LL * 86400)
/* Every row of st's first column into o; st finalised. */
static void collect(sdb_stmt *st, const struct record *r, struct crosscheck_others *o)
{
	(void)r;
	while (o->n < CROSSCHECK_OTHERS_MAX && sdb_step(st) == SDB_ROW) {
		const char *id = (const char *)sdb_column_text(st, 0);
		if (id != NULL)
			snprintf(o->id[o->n++], sizeof o->id[0], "%s", id);
	}
	sdb_finalize(st);
}

/* The other current records of another NIK with one of r's photos (one
 * statement for the three: on PostgreSQL each is a round trip under the
 * write lock). */
static sdb_stmt *same_photo(sdb *db, const struct record *r)
{
	_Static_assert(PHOTO_KIND_COUNT == 3, "one placeholder a kind");
	sdb_stmt *st;
	if (sdb_prepare(db, "SELECT DISTINCT v.id FROM verification_photos p JOIN verifications v "
		"ON v.id = p.verification_id WHERE p.sha256 IN (?1, ?2, ?3) AND v.nik != ?4 "
		"AND v.superseded_by IS NULL ORDER BY v.id", -1, &st, NULL) != SDB_OK)
		return NULL;
	for (int k = 0; k < PHOTO_KIND_COUNT; k++)
		if (r->photos[k].attached)
			sdb_bind_text(st, k + 1, r->photos[k].sha256, -1, SDB_STATIC);
		else
			sdb_bind_null(st, k + 1);
	sdb_bind_text(st, 4, r->nik, -1, SDB_STATIC);
	return st;
}

/* The other current records of r's KK with a house (kk_far_read keeps
 * those over FLAG_KK_FAR_M from r's). */
static sdb_stmt *kk_far(sdb *db, const struct record *r)
{
	sdb_stmt *st;
	if (!r->has_coord || r->kk[0] == '\0' || sdb_prepare(db,
		"SELECT id, lat, lon FROM verifications WHERE kk = ? AND lat IS NOT NULL "
		"AND superseded_by IS NULL AND id != ?", -1, &st, NULL) != SDB_OK)
		return NULL;
	sdb_bind_text(st, 1, r->kk, -1, SDB_STATIC);
	sdb_bind_text(st, 2, r->uuid, -1, SDB_STATIC);
	return st;
}

static void kk_far_read(sdb_stmt *st, const struct record *r, struct crosscheck_others *o)
{
	while (o->n < CROSSCHECK_OTHERS_MAX && sdb_step(st) == SDB_ROW) {
		const char *id = (const char *)sdb_column_text(st, 0);
		double d = geo_distance_m(r->lat, r->lon, sdb_column_double(st, 1),
			sdb_column_double(st, 2));
		if (id != NULL && d > FLAG_KK_FAR_M)
			snprintf(o->id[o->n++], sizeof o->id[0], "%s", id);
	}
	sdb_finalize(st);
}

/* The flags of r alone: where its house is, when its photos were taken. */
static unsigned own_flags(const struct record *r)
{
	unsigned flags = 0, house = record_house_warnings(r);
	if (house & (1u << RECORD_WARN_GPS_OUTSIDE))
		flags |= 1u << FLAG_HOUSE_OUTSIDE_CITY;
	if (house & (1u << RECORD_WARN_GPS_OTHER_KEL))
		flags |= 1u << FLAG_HOUSE_OTHER_KELURAHAN;
	long long first, last;
	if (r->finalised_at > 0 && record_photo_times(r, &first, &last)) {
		if (last > r->finalised_at + PHOTO_CLOCK_SLACK_S)
			flags |= 1u << FLAG_PHOTO_AFTER_FINAL;
		if (r->finalised_at - first > PHOTO_YEARS_OLD_S + PHOTO_CLOCK_SLACK_S)
			flags |= 1u << FLAG_PHOTO_YEARS_OLD;
	}
	return flags;
}

/* The flag on each other record that lacks it, with a change entry. */
static bool give_flag(sdb *db, enum flag f, const struct crosscheck_others *o)
{
	for (int i = 0; i < o->n; i++) {
		sdb_stmt *st;
		if (sdb_prepare(db, "INSERT INTO changes(verification_id, operator_id) "
			"SELECT id, operator_id FROM verifications WHERE id = ?1 AND (flags & ?2) = 0",
			-1, &st, NULL) != SDB_OK)
			return false;
		sdb_bind_text(st, 1, o->id[i], -1, SDB_STATIC);
		sdb_bind_int(st, 2, 1 << f);
		/* sent ahead (sdb_step_later): settled with the record */
		int rc = sdb_step_later(st);
		sdb_finalize(st);
		if (rc != SDB_DONE || sdb_prepare(db, "UPDATE verifications "
			"SET flags = flags | ?2 WHERE id = ?1", -1, &st, NULL) != SDB_OK)
			return false;
		sdb_bind_text(st, 1, o->id[i], -1, SDB_STATIC);
		sdb_bind_int(st, 2, 1 << f);
		rc = sdb_step_later(st);
		sdb_finalize(st);
		if (rc != SDB_DONE)
			return false;
	}
	return true;
}

static const struct {
	enum flag flag;
	sdb_stmt *(*ask)(sdb *db, const struct record *r);    /* NULL: nothing to ask */
	void (*read)(sdb_stmt *st, const struct record *r, struct crosscheck_others *o);
} shared[] = {
	{ FLAG_PHOTO_OTHER_NIK, same_photo, collect },
	{ FLAG_HOUSE_FAR_FROM_KK, kk_far, kk_far_read },
};
#define SHARED_COUNT (sizeof shared / sizeof shared[0])
_Static_assert(SHARED_COUNT == CROSSCHECK_SHARED, "one list of others per shared flag");

void crosscheck_send(struct sdb *db, const struct record *r, struct crosscheck *cc)
{
	for (size_t i = 0; i < SHARED_COUNT; i++) {
		cc->others[i].n = 0;
		cc->query[i] = shared[i].ask(db, r);
		if (cc->query[i] != NULL)
			sdb_send(cc->query[i]);
	}
}

void crosscheck_drop(struct crosscheck *cc)
{
	for (size_t i = 0; i < SHARED_COUNT; i++) {
		sdb_finalize(cc->query[i]);
		cc->query[i] = NULL;
	}
}

unsigned crosscheck_flags(const struct record *r, struct crosscheck *cc)
{
	unsigned flags = own_flags(r);
	for (size_t i = 0; i < SHARED_COUNT; i++) {
		if (cc->query[i] != NULL)
			shared[i].read(cc->query[i], r, &cc->others[i]);
		cc->query[i] = NULL;
		if (cc->others[i].n > 0)
			flags |= 1u << shared[i].flag;
	}
	return flags;
}

bool crosscheck_spread(struct sdb *db, const struct crosscheck *cc)
{
	for (size_t i = 0; i < SHARED_COUNT; i++)
		if (!give_flag(db, shared[i].flag, &cc->others[i]))
			return false;
	return true;
}
