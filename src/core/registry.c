/* registry: the rule a registry row must meet, once for both ends (see
 * include/registry.h and doc/REGISTRY.md). */
#include "config.h"
#include "registry.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "calendar.h"
#include "format.h"
#include "i18n.h"
#include "wilayah.h"

static const struct {
	const char *name;
	bool required;
	size_t offset, size;          /* the member of struct resident */
} fields[REGISTRY_FIELD_COUNT] = {
#define REGISTRY_FIELD_ROW(e, member, required) [e] = { #member, required, \
	offsetof(struct resident, member), sizeof ((struct resident *)0)->member },
	REGISTRY_FIELDS(REGISTRY_FIELD_ROW)
#undef REGISTRY_FIELD_ROW
};

static const struct {
	const char *code;
	enum registry_field field;
	const char *message;
} problems[REGISTRY_PROBLEM_COUNT] = {
#define REGISTRY_PROBLEM_ROW(e, code, field, msg) [e] = { code, field, msg },
	REGISTRY_PROBLEMS(REGISTRY_PROBLEM_ROW)
#undef REGISTRY_PROBLEM_ROW
};

const char *registry_field_name(enum registry_field f)
{
	return (unsigned)f < REGISTRY_FIELD_COUNT ? fields[f].name : "";
}

const char *registry_field_value(const struct resident *r, enum registry_field f)
{
	return (unsigned)f < REGISTRY_FIELD_COUNT ? (const char *)r + fields[f].offset : "";
}

char *registry_field_buffer(struct resident *r, enum registry_field f, size_t *size)
{
	if ((unsigned)f >= REGISTRY_FIELD_COUNT) {
		*size = 0;
		return NULL;
	}
	*size = fields[f].size;
	return (char *)r + fields[f].offset;
}

bool registry_field_required(enum registry_field f)
{
	return (unsigned)f < REGISTRY_FIELD_COUNT && fields[f].required;
}

const char *registry_problem_code(enum registry_problem p)
{
	return (unsigned)p < REGISTRY_PROBLEM_COUNT ? problems[p].code : "";
}

enum registry_field registry_problem_field(enum registry_problem p)
{
	return (unsigned)p < REGISTRY_PROBLEM_COUNT ? problems[p].field : REGISTRY_NIK;
}

const char *registry_verdict_message(struct registry_verdict v)
{
	if (v.problem == REGISTRY_ERR_NIK && v.nik_problem >= 0)
		return nik_problem_message((enum nik_problem)v.nik_problem);
	return (unsigned)v.problem < REGISTRY_PROBLEM_COUNT ? problems[v.problem].message : "";
}

static struct registry_verdict verdict(enum registry_problem p)
{
	return (struct registry_verdict){ p, -1 };
}

/* ---------------------------------------------------------------- the rule */

static bool terminated(const char *field, size_t size)
{
	return memchr(field, '\0', size) != NULL;
}

#define TERMINATED(r, f) terminated((r)->f, sizeof (r)->f)

/* "" or three digits, not "000": RTs and RWs are numbered from 1 */
static bool rt_rw_ok(const char *t)
{
	return t[0] == '\0' || (format_digits(t, 3) && strcmp(t, "000") != 0);
}

static bool birth_date_ok(const char *t, time_t today)
{
	int y, m, d;
	if (t[0] == '\0')
		return true;
	if (!format_date(t, REGISTRY_BIRTH_YEAR_MIN, &y, &m, &d))
		return false;
	return today == REGISTRY_ANY_DAY || calendar_not_after(y, m, d, today);
}

/* A far day for nik_check when the limit is not ours to judge (9999-12-31) */
#define FAR_FUTURE ((time_t)253402214400LL)

static struct registry_verdict check_nik(const char *nik, time_t today)
{
	struct nik_info info;
	nik_check(nik, today == REGISTRY_ANY_DAY ? FAR_FUTURE : today, &info);
	if (info.valid && strcmp(info.nik, nik) == 0)
		return verdict(REGISTRY_OK);
	struct registry_verdict v = verdict(REGISTRY_ERR_NIK);
	v.nik_problem = info.valid ? NIK_ERR_CHAR : nik_first_problem(&info);
	return v;
}

static bool kelurahan_ok(const char *code)
{
	const struct wilayah_kelurahan *k = wilayah_kelurahan_find(code);
	return k != NULL && strcmp(k->code, code) == 0;
}

/* the text fields: which problem when unterminated, which when not text */
static enum registry_problem text_problem(const char *t, size_t size, enum registry_problem bad,
	enum registry_problem too_long)
{
	if (!terminated(t, size))
		return too_long;
	return format_text(t, false) ? REGISTRY_OK : bad;
}

struct registry_verdict registry_check(const struct resident *r, time_t today)
{
	if (!TERMINATED(r, nik))
		return verdict(REGISTRY_ERR_NIK);
	struct registry_verdict v = check_nik(r->nik, today);
	if (v.problem != REGISTRY_OK)
		return v;
	if (!TERMINATED(r, kk) || !format_nik_digits(r->kk))
		return verdict(REGISTRY_ERR_KK);
	enum registry_problem p = text_problem(r->name, sizeof r->name, REGISTRY_ERR_NAME,
		REGISTRY_ERR_NAME_LONG);
	if (p == REGISTRY_OK && r->name[0] == '\0')
		p = REGISTRY_ERR_NAME_EMPTY;
	if (p == REGISTRY_OK && (!TERMINATED(r, sex) || (r->sex[0] != '\0'
		&& strcmp(r->sex, "L") != 0 && strcmp(r->sex, "P") != 0)))
		p = REGISTRY_ERR_SEX;
	if (p == REGISTRY_OK)
		p = text_problem(r->birth_place, sizeof r->birth_place, REGISTRY_ERR_PLACE,
			REGISTRY_ERR_PLACE_LONG);
	if (p == REGISTRY_OK && (!TERMINATED(r, birth_date) || !birth_date_ok(r->birth_date, today)))
		p = REGISTRY_ERR_BIRTH_DATE;
	if (p == REGISTRY_OK)
		p = text_problem(r->address, sizeof r->address, REGISTRY_ERR_ADDRESS,
			REGISTRY_ERR_ADDRESS_LONG);
	if (p == REGISTRY_OK && (!TERMINATED(r, rt) || !rt_rw_ok(r->rt)))
		p = REGISTRY_ERR_RT;
	if (p == REGISTRY_OK && (!TERMINATED(r, rw) || !rt_rw_ok(r->rw)))
		p = REGISTRY_ERR_RW;
	if (p == REGISTRY_OK && (!TERMINATED(r, kelurahan) || !kelurahan_ok(r->kelurahan)))
		p = REGISTRY_ERR_KELURAHAN;
	return verdict(p);
}

/* ---------------------------------------------------------------- candidates */

static bool program_ok(const char *t, size_t size)
{
	if (!terminated(t, size))
		return false;
	for (; *t != '\0'; t++)
		if (!((*t >= 'A' && *t <= 'Z') || (*t >= 'a' && *t <= 'z') || (*t >= '0' && *t <= '9')
			|| *t == '-'))
			return false;
	return true;
}

const char *registry_candidate_problem(const struct candidate *c, time_t today)
{
	if (!TERMINATED(c, kk) || !format_nik_digits(c->kk))
		return N_("nomor KK harus tepat 16 angka");
	if (!TERMINATED(c, nik) || check_nik(c->nik, today).problem != REGISTRY_OK)
		return N_("NIK tidak sah");
	if (!TERMINATED(c, kelurahan) || !kelurahan_ok(c->kelurahan))
		return N_("bukan kode kelurahan Kota Tangerang");
	if (!program_ok(c->program, sizeof c->program))
		return N_("program paling banyak 15 huruf, angka atau tanda hubung");
	return NULL;
}

/* ---------------------------------------------------------------- a file's row */

struct span {
	const char *p;
	size_t n;
};

/* the field without spaces and tabs at its ends */
static struct span trimmed(const char *t)
{
	struct span s = { t != NULL ? t : "", 0 };
	while (*s.p == ' ' || *s.p == '\t')
		s.p++;
	s.n = strlen(s.p);
	while (s.n > 0 && (s.p[s.n - 1] == ' ' || s.p[s.n - 1] == '\t'))
		s.n--;
	return s;
}

static bool put(char *dst, size_t size, struct span s)
{
	if (s.n >= size)
		return false;
	memcpy(dst, s.p, s.n);
	dst[s.n] = '\0';
	return true;
}

/* "7" -> "007"; "" stays ""; anything else (or 0) is refused */
static bool put_rt_rw(char dst[4], struct span s)
{
	if (s.n == 0) {
		dst[0] = '\0';
		return true;
	}
	char digits[4];
	if (s.n > 3 || !put(digits, sizeof digits, s) || !format_only_digits(digits))
		return false;
	int value = format_number(digits, (int)s.n);
	snprintf(dst, 4, "%03d", value);
	return value > 0;
}

static bool put_sex(char dst[2], struct span s)
{
	if (s.n == 0) {
		dst[0] = '\0';
		return true;
	}
	if (s.n != 1 || (s.p[0] != 'L' && s.p[0] != 'l' && s.p[0] != 'P' && s.p[0] != 'p'))
		return false;
	dst[0] = s.p[0] == 'l' || s.p[0] == 'L' ? 'L' : 'P';
	dst[1] = '\0';
	return true;
}

/* The NIK's digits, separators dropped: the one place a registry NIK is
 * normalised.  Refused input gets nik_check's reason. */
static struct registry_verdict put_nik(char dst[NIK_LEN + 1], struct span s, time_t today)
{
	char text[64];
	if (s.n >= sizeof text) {
		struct registry_verdict v = verdict(REGISTRY_ERR_NIK);
		v.nik_problem = NIK_ERR_LENGTH;
		return v;
	}
	put(text, sizeof text, s);
	if (nik_normalise(text, dst) && strlen(dst) == NIK_LEN)
		return verdict(REGISTRY_OK);
	struct nik_info info;
	nik_check(text, today == REGISTRY_ANY_DAY ? FAR_FUTURE : today, &info);
	struct registry_verdict v = verdict(REGISTRY_ERR_NIK);
	v.nik_problem = info.valid ? NIK_ERR_LENGTH : nik_first_problem(&info);
	return v;
}

struct registry_verdict registry_parse(const char *const in[REGISTRY_FIELD_COUNT], time_t today,
	struct resident *out)
{
	struct span f[REGISTRY_FIELD_COUNT];
	for (int i = 0; i < REGISTRY_FIELD_COUNT; i++)
		f[i] = trimmed(in[i]);
	memset(out, 0, sizeof *out);
	struct registry_verdict v = put_nik(out->nik, f[REGISTRY_NIK], today);
	if (v.problem != REGISTRY_OK)
		return v;
	enum registry_problem p = REGISTRY_OK;
	if (!put(out->kk, sizeof out->kk, f[REGISTRY_KK]))
		p = REGISTRY_ERR_KK;
	else if (!put(out->name, sizeof out->name, f[REGISTRY_NAME]))
		p = REGISTRY_ERR_NAME_LONG;
	else if (!put_sex(out->sex, f[REGISTRY_SEX]))
		p = REGISTRY_ERR_SEX;
	else if (!put(out->birth_place, sizeof out->birth_place, f[REGISTRY_BIRTH_PLACE]))
		p = REGISTRY_ERR_PLACE_LONG;
	else if (!put(out->birth_date, sizeof out->birth_date, f[REGISTRY_BIRTH_DATE]))
		p = REGISTRY_ERR_BIRTH_DATE;
	else if (!put(out->address, sizeof out->address, f[REGISTRY_ADDRESS]))
		p = REGISTRY_ERR_ADDRESS_LONG;
	else if (!put_rt_rw(out->rt, f[REGISTRY_RT]))
		p = REGISTRY_ERR_RT;
	else if (!put_rt_rw(out->rw, f[REGISTRY_RW]))
		p = REGISTRY_ERR_RW;
	else {
		char code[32];
		const struct wilayah_kelurahan *k = put(code, sizeof code, f[REGISTRY_KELURAHAN])
			? wilayah_kelurahan_find(code) : NULL;
		if (k == NULL)
			p = REGISTRY_ERR_KELURAHAN;
		else
			snprintf(out->kelurahan, sizeof out->kelurahan, "%s", k->code);
	}
	return p != REGISTRY_OK ? verdict(p) : registry_check(out, today);
}

/* ---------------------------------------------------------------- a record's fill-in */

static void copy_field(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src);
}

static void address_with_rt_rw(const struct resident *res, char *out, size_t size)
{
	int n = -1;
	if (res->rt[0] != '\0' || res->rw[0] != '\0')
		n = snprintf(out, size, "%s RT %s/RW %s", res->address, res->rt, res->rw);
	if (n < 0 || (size_t)n >= size)
		copy_field(out, size, res->address);
}

void registry_record_facts(const struct resident *res, struct record_registry_facts *facts)
{
	memset(facts, 0, sizeof *facts);
	if (res == NULL)
		return;
	int y, m, d;
	if (format_date(res->birth_date, 0, &y, &m, &d)) {
		facts->birth_year = y;
		facts->birth_month = m;
		facts->birth_day = d;
	}
	facts->sex = strcmp(res->sex, "L") == 0 ? NIK_SEX_MALE
		: strcmp(res->sex, "P") == 0 ? NIK_SEX_FEMALE : NIK_SEX_UNKNOWN;
}

void registry_fill_record(const struct resident *res, struct record *r,
	struct record_registry_facts *facts)
{
	if (facts != NULL)
		registry_record_facts(res, facts);
	r->in_registry = res != NULL;
	if (res == NULL) {
		r->kk[0] = '\0';
		return;
	}
	copy_field(r->name, sizeof r->name, res->name);
	address_with_rt_rw(res, r->address, sizeof r->address);
	copy_field(r->kelurahan, sizeof r->kelurahan, res->kelurahan);
	copy_field(r->kk, sizeof r->kk, res->kk);
}
