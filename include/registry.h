/* registry: one resident of the population registry and the rule a row
 * must meet (core, pure).  The laptop's CSV import, the server's import, the
 * wire decoder and the laptop's store of a downloaded page all call
 * registry_check, so a row one side takes the other cannot refuse.  The
 * rule and why: doc/REGISTRY.md. */
#ifndef SIGACOR_REGISTRY_H
#define SIGACOR_REGISTRY_H

#include <stdbool.h>
#include <time.h>
#include "nik.h"
#include "record.h"

/* Birth dates before this year are typing errors, not residents. */
#define REGISTRY_BIRTH_YEAR_MIN 1850

/* A registry row as stored and sent: fields normalised (digits only,
 * upper-case sex, zero-padded RT/RW, the canonical kelurahan code). */
struct resident {
	char nik[NIK_LEN + 1];
	char kk[NIK_LEN + 1];
	char name[RECORD_NAME_MAX];
	char sex[2];                 /* "L", "P" or "" */
	char birth_place[64];
	char birth_date[11];         /* "YYYY-MM-DD" or "" */
	char address[RECORD_ADDRESS_MAX];
	char rt[4], rw[4];           /* "003" or "" */
	char kelurahan[16];          /* "36.71.01.1001" */
};

/* A household the city assigns for verification (GET /candidates, the
 * laptop's candidate list): one member under one program. */
struct candidate {
	char nik[NIK_LEN + 1];       /* the member to verify (the aid recipient) */
	char kk[NIK_LEN + 1];
	char kelurahan[16];          /* "36.71.01.1001" */
	char program[16];            /* "PKH", "BPNT", ... or "" */
	char assigned_to[64];        /* the operator the city gave the household to, or "" */
};

/* The columns of a registry file, in this order: X(enum, member of struct
 * resident, required); the CSV header name is the member's name. */
#define REGISTRY_FIELDS(X) \
	X(REGISTRY_NIK,         nik,         true) \
	X(REGISTRY_KK,          kk,          true) \
	X(REGISTRY_NAME,        name,        true) \
	X(REGISTRY_SEX,         sex,         false) \
	X(REGISTRY_BIRTH_PLACE, birth_place, false) \
	X(REGISTRY_BIRTH_DATE,  birth_date,  false) \
	X(REGISTRY_ADDRESS,     address,     false) \
	X(REGISTRY_RT,          rt,          false) \
	X(REGISTRY_RW,          rw,          false) \
	X(REGISTRY_KELURAHAN,   kelurahan,   true)

enum registry_field {
#define REGISTRY_FIELD_ENUM(e, member, required) e,
	REGISTRY_FIELDS(REGISTRY_FIELD_ENUM)
#undef REGISTRY_FIELD_ENUM
	REGISTRY_FIELD_COUNT
};

/* Why a row is refused: X(enum, "code", field, N_("pesan")).  A NIK's own
 * reason comes from nik.h (registry_verdict.nik_problem). */
#define REGISTRY_PROBLEMS(X) \
	X(REGISTRY_OK,              "",             REGISTRY_NIK,         "") \
	X(REGISTRY_ERR_NIK,         "nik",          REGISTRY_NIK,         N_("NIK tidak sah")) \
	X(REGISTRY_ERR_KK,          "kk",           REGISTRY_KK,          N_("nomor KK harus tepat 16 angka")) \
	X(REGISTRY_ERR_NAME_EMPTY,  "name_empty",   REGISTRY_NAME,        N_("nama kosong")) \
	X(REGISTRY_ERR_NAME,        "name",         REGISTRY_NAME,        N_("nama berisi karakter yang tidak sah (bukan teks UTF-8 biasa)")) \
	X(REGISTRY_ERR_NAME_LONG,   "name_long",    REGISTRY_NAME,        N_("nama terlalu panjang (paling banyak 127 byte)")) \
	X(REGISTRY_ERR_SEX,         "sex",          REGISTRY_SEX,         N_("jenis kelamin harus L atau P")) \
	X(REGISTRY_ERR_PLACE,       "birth_place",  REGISTRY_BIRTH_PLACE, N_("tempat lahir berisi karakter yang tidak sah (bukan teks UTF-8 biasa)")) \
	X(REGISTRY_ERR_PLACE_LONG,  "birth_place_long", REGISTRY_BIRTH_PLACE, N_("tempat lahir terlalu panjang (paling banyak 63 byte)")) \
	X(REGISTRY_ERR_BIRTH_DATE,  "birth_date",   REGISTRY_BIRTH_DATE,  N_("tanggal lahir harus TTTT-BB-HH (contoh 1985-07-31), ada di kalender, tidak sebelum 1850 dan tidak di masa depan")) \
	X(REGISTRY_ERR_ADDRESS,     "address",      REGISTRY_ADDRESS,     N_("alamat berisi karakter yang tidak sah (bukan teks UTF-8 biasa)")) \
	X(REGISTRY_ERR_ADDRESS_LONG, "address_long", REGISTRY_ADDRESS,    N_("alamat terlalu panjang (paling banyak 255 byte)")) \
	X(REGISTRY_ERR_RT,          "rt",           REGISTRY_RT,          N_("RT harus 1 sampai 3 angka, bukan 0")) \
	X(REGISTRY_ERR_RW,          "rw",           REGISTRY_RW,          N_("RW harus 1 sampai 3 angka, bukan 0")) \
	X(REGISTRY_ERR_KELURAHAN,   "kelurahan",    REGISTRY_KELURAHAN,   N_("bukan kode kelurahan Kota Tangerang (contoh: 36.71.01.1001)"))

enum registry_problem {
#define REGISTRY_PROBLEM_ENUM(e, code, field, msg) e,
	REGISTRY_PROBLEMS(REGISTRY_PROBLEM_ENUM)
#undef REGISTRY_PROBLEM_ENUM
	REGISTRY_PROBLEM_COUNT
};

struct registry_verdict {
	enum registry_problem problem;   /* REGISTRY_OK: the row is good */
	int nik_problem;                 /* with REGISTRY_ERR_NIK: enum nik_problem, else -1 */
};

/* Pass as today where the birth-date limit is not this machine's to judge
 * (a page the server already checked: a laptop's clock may be wrong). */
#define REGISTRY_ANY_DAY ((time_t)-1)

/* A row from a file: fields[f] is column f's text ("" or NULL when the
 * column is absent), spaces and tabs at both ends are ignored.  Fills out
 * with the normalised row and checks it (registry_check). */
struct registry_verdict registry_parse(const char *const fields[REGISTRY_FIELD_COUNT],
	time_t today, struct resident *out);

/* Check a row already in its normalised shape (every string terminated
 * inside its field, which is checked too).  today: birth dates (the
 * column's and the NIK's) after its local calendar day are refused, unless
 * it is REGISTRY_ANY_DAY. */
struct registry_verdict registry_check(const struct resident *r, time_t today);

const char *registry_field_name(enum registry_field f);     /* "birth_date" */
/* Column f of a resident, so that the stores read and write the columns in
 * one loop in this order instead of listing the members again each time:
 * its text, or (to fill) its buffer and the buffer's size. */
const char *registry_field_value(const struct resident *r, enum registry_field f);
char *registry_field_buffer(struct resident *r, enum registry_field f, size_t *size);
bool registry_field_required(enum registry_field f);
const char *registry_problem_code(enum registry_problem p);
/* The field a problem is about, and its untranslated Indonesian message
 * (the NIK's own reason for REGISTRY_ERR_NIK). */
enum registry_field registry_problem_field(enum registry_problem p);
const char *registry_verdict_message(struct registry_verdict v);

/* A candidate row (the city's file, a page of GET /candidates, the laptop's
 * list): KK and NIK of exactly 16 digits, the NIK a valid one (birth dates
 * judged against today unless REGISTRY_ANY_DAY), the canonical code of a
 * Kota Tangerang kelurahan, a program of 0-15 of A-Z a-z 0-9 and '-'; every
 * string terminated inside its field.  NULL, or the untranslated reason. */
const char *registry_candidate_problem(const struct candidate *c, time_t today);

/* ---- a record filled from the registry (the screens' form and `sigacor add`) */

/* The one place a record takes its registry part, and in_registry is set.
 * res found: in_registry true, name, address, kelurahan and KK from the row;
 * the address carries the row's RT/RW ("Jl. Kenanga 12 RT 004/RW 008") when
 * it has them, as the record has no columns of its own for them (the
 * address alone when that would not fit).  res NULL (the NIK is not in the
 * registry): in_registry false, KK cleared, the typed name and address left
 * to the caller.  facts (may be NULL): as registry_record_facts. */
void registry_fill_record(const struct resident *res, struct record *r,
	struct record_registry_facts *facts);

/* The row's birth date and sex, which record_warnings compares with the
 * NIK; zeros when res is NULL or they are unknown. */
void registry_record_facts(const struct resident *res, struct record_registry_facts *facts);

#endif
