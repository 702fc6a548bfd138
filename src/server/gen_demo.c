/* gen_demo: deterministic synthetic residents of Kota Tangerang.
 *
 * Households of 1-7 people share a KK number and an address in one of the
 * city's 104 kelurahan.  Every NIK follows the NIK rules (region of first
 * registration + birth date, +40 for women + serial from 0001) and is unique
 * in the output: serials come from a counter per (region, date) slot, the
 * same counters that hand out KK numbers, so no KK equals any NIK either.
 * The counters are a fixed table, so memory does not grow with --residents.
 *
 * Output depends only on --residents and --seed (own PRNG, fixed reference
 * date), so the same arguments give byte-identical files on any machine. */
#include "config.h"
#include "server.h"

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "wilayah.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define GEN_MAX_RESIDENTS 50000000LL
#define SERIAL_MAX 9999

/* ---------------------------------------------------------------- PRNG */
/* xoshiro256** seeded through splitmix64 (Blackman & Vigna, public domain
 * algorithms): fast, and identical on every platform, unlike rand(). */
struct rng { uint64_t s[4]; };

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void rng_seed(struct rng *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static uint64_t rng_next(struct rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

/* 0 <= result < n (n > 0); the tiny bias of the multiply is irrelevant here */
static uint32_t rng_below(struct rng *r, uint32_t n)
{
	return (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

static bool rng_permille(struct rng *r, unsigned permille)
{
	return rng_below(r, 1000) < permille;
}

static const char *rng_pick(struct rng *r, const char *const *list, size_t n)
{
	return list[rng_below(r, (uint32_t)n)];
}

/* ---------------------------------------------------------------- output */
struct out {
	FILE *f;
	size_t len;
	bool failed;
	char buf[1 << 16];
};

static void out_flush(struct out *o)
{
	if (o->len > 0 && fwrite(o->buf, 1, o->len, o->f) != o->len)
		o->failed = true;
	o->len = 0;
}

static void out_mem(struct out *o, const char *s, size_t n)
{
	if (o->len + n > sizeof o->buf)
		out_flush(o);
	if (n > sizeof o->buf) {
		if (fwrite(s, 1, n, o->f) != n)
			o->failed = true;
		return;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

static void out_str(struct out *o, const char *s) { out_mem(o, s, strlen(s)); }

static void out_char(struct out *o, char c) { out_mem(o, &c, 1); }

/* value as exactly width digits, zero-padded */
static void out_digits(struct out *o, unsigned long value, int width)
{
	char tmp[24];
	for (int i = width - 1; i >= 0; i--) {
		tmp[i] = (char)('0' + value % 10);
		value /= 10;
	}
	out_mem(o, tmp, (size_t)width);
}

/* one CSV field, quoted (RFC 4180) only when it needs to be */
static void out_field(struct out *o, const char *s)
{
	if (strpbrk(s, ",\"\r\n") == NULL) {
		out_str(o, s);
		return;
	}
	out_char(o, '"');
	for (; *s != '\0'; s++) {
		if (*s == '"')
			out_char(o, '"');
		out_char(o, *s);
	}
	out_char(o, '"');
}

/* ---------------------------------------------------------------- regions */
/* Every region a NIK may carry: Kota Tangerang's 13 kecamatan first (index
 * = kecamatan number - 1), then the neighbours, then each group's home. */
static const struct demo_region neighbours[] = {
	{ "360312", "Tangerang" }, { "360317", "Tangerang" }, { "360318", "Tangerang" },
	{ "360314", "Tangerang" }, { "360313", "Tangerang" }, { "360328", "Tangerang" },
	{ "367403", "Tangerang" }, { "367404", "Jakarta" }, { "367406", "Tangerang" },
	{ "317301", "Jakarta" }, { "317302", "Jakarta" }, { "317201", "Jakarta" },
	{ "317401", "Jakarta" }, { "317501", "Jakarta" },
};
#define N_TNG_KEC 13
#define N_NEIGHBOURS N(neighbours)
#define N_KAB_TANGERANG 6      /* the first six neighbours are 3603xx */
#define N_TANGSEL 3            /* then three 3674xx */
#define MAX_REGIONS 96

/* NIK date slot: two-digit year, month, day code 1..71 (women +40) */
#define SLOTS_PER_REGION (100 * 12 * 72)

struct gen {
	struct rng rng;
	char region_code[MAX_REGIONS][8];
	const char *region_place[MAX_REGIONS];
	size_t n_regions;
	uint8_t group_home[8][8];           /* region index of each group's homes */
	uint16_t *serials;                  /* [region][slot]: last serial handed out */
	const struct demo_group *groups;
	size_t n_groups;
	const char *const *streets;
	size_t n_streets;
	const char *const *estates;
	size_t n_estates;
	size_t n_kelurahan;
	long today;                         /* reference date: births before it */
};

/* The index of a region, added when new: one code, one set of counters
 * (a code listed twice would hand out the same NIK twice). */
static int gen_region(struct gen *g, const char *code6, const char *place)
{
	for (size_t i = 0; i < g->n_regions; i++)
		if (strcmp(g->region_code[i], code6) == 0)
			return (int)i;
	if (g->n_regions >= MAX_REGIONS)
		return -1;
	snprintf(g->region_code[g->n_regions], sizeof g->region_code[0], "%s", code6);
	g->region_place[g->n_regions] = place;
	return (int)g->n_regions++;
}

static bool gen_init(struct gen *g, uint64_t seed)
{
	memset(g, 0, sizeof *g);
	rng_seed(&g->rng, seed);
	g->groups = demo_groups(&g->n_groups);
	g->streets = demo_streets(&g->n_streets);
	g->estates = demo_estates(&g->n_estates);
	g->n_kelurahan = wilayah_kelurahan_count();
	g->today = nik_days_from_civil(2025, 1, 1);
	if (g->n_kelurahan == 0 || g->n_groups > N(g->group_home))
		return false;
	for (int k = 1; k <= N_TNG_KEC; k++) {
		char code[16];
		snprintf(code, sizeof code, "3671%02d", k);
		gen_region(g, code, "Tangerang");
	}
	for (size_t i = 0; i < N_NEIGHBOURS; i++)
		gen_region(g, neighbours[i].code6, neighbours[i].place);
	for (size_t gi = 0; gi < g->n_groups; gi++) {
		if (g->groups[gi].n_home > N(g->group_home[0]))
			return false;
		for (size_t h = 0; h < g->groups[gi].n_home; h++) {
			int r = gen_region(g, g->groups[gi].home[h].code6, g->groups[gi].home[h].place);
			if (r < 0)
				return false;
			g->group_home[gi][h] = (uint8_t)r;
		}
	}
	/* calloc'd pages are only touched where slots are used */
	g->serials = calloc(g->n_regions * (size_t)SLOTS_PER_REGION, sizeof *g->serials);
	return g->serials != NULL;
}

/* The next free serial of a region and NIK date, or 0 when the slot is full. */
static unsigned gen_serial(struct gen *g, size_t region, int yy, int mm, int ddcode)
{
	size_t slot = region * SLOTS_PER_REGION + (size_t)yy * 12 * 72
		+ (size_t)(mm - 1) * 72 + (size_t)(ddcode - 1);
	if (g->serials[slot] >= SERIAL_MAX)
		return 0;
	return ++g->serials[slot];
}

/* ---------------------------------------------------------------- people */
enum role { ROLE_HEAD, ROLE_SPOUSE, ROLE_CHILD, ROLE_PARENT };

struct person {
	char nik[17];
	char name[128];
	bool female;
	long born;          /* days since 1970 (the NIK's date) */
	long born_registry; /* the registry's date: differs from the NIK's for a few */
	const char *birth_place;
	enum role role;
};

struct household {
	const struct wilayah_kelurahan *kel;
	size_t kec_index;           /* 0..12 */
	size_t group;
	char kk[17];
	char address[160];
	unsigned rt, rw;
	const char *surname;        /* the father's, when the tradition passes it on */
	struct person members[7];
	size_t n;
};

static size_t pick_group(struct gen *g)
{
	uint32_t x = rng_below(&g->rng, 100), acc = 0;
	for (size_t i = 0; i < g->n_groups; i++) {
		acc += g->groups[i].weight;
		if (x < acc)
			return i;
	}
	return 0;
}

static void append(char *dst, size_t cap, const char *part)
{
	size_t len = strlen(dst);
	if (len > 0 && len + 1 < cap)
		dst[len++] = ' ';
	snprintf(dst + len, cap - len, "%s", part);
}

static const char *pick_given(struct gen *g, const struct demo_group *grp, bool female)
{
	return female ? rng_pick(&g->rng, grp->female, grp->n_female)
		: rng_pick(&g->rng, grp->male, grp->n_male);
}

static void make_name(struct gen *g, const struct household *h, struct person *p,
	const char *surname)
{
	const struct demo_group *grp = &g->groups[h->group];
	const char *first = pick_given(g, grp, p->female);
	uint32_t shape = rng_below(&g->rng, 100);
	p->name[0] = '\0';
	if (grp->family != NULL) {
		append(p->name, sizeof p->name, first);
		if (shape < 15) {
			const char *middle = pick_given(g, grp, p->female);
			if (strcmp(middle, first) != 0)
				append(p->name, sizeof p->name, middle);
		}
		append(p->name, sizeof p->name, surname != NULL ? surname
			: rng_pick(&g->rng, grp->family, grp->n_family));
		return;
	}
	const char *prefix = p->female ? "Siti" : "Muhammad";
	if (shape >= 88 && strcmp(first, prefix) != 0)
		append(p->name, sizeof p->name, prefix);
	append(p->name, sizeof p->name, first);
	if (shape < 30)
		return;         /* a single name, common in Java */
	append(p->name, sizeof p->name, p->female
		? rng_pick(&g->rng, grp->female2, grp->n_female2)
		: rng_pick(&g->rng, grp->male2, grp->n_male2));
}

/* The region (index) where a person's NIK was first registered. */
static size_t pick_nik_region(struct gen *g, const struct household *h, bool adult)
{
	uint32_t x = rng_below(&g->rng, 1000);
	if (!adult)
		return x < 950 ? h->kec_index : rng_below(&g->rng, N_TNG_KEC);
	if (x < 780)
		return h->kec_index;
	if (x < 850)
		return rng_below(&g->rng, N_TNG_KEC);
	if (x < 900)
		return N_TNG_KEC + rng_below(&g->rng, N_KAB_TANGERANG);
	if (x < 930)
		return N_TNG_KEC + N_KAB_TANGERANG + rng_below(&g->rng, N_TANGSEL);
	if (x < 960)
		return N_TNG_KEC + N_KAB_TANGERANG + N_TANGSEL
			+ rng_below(&g->rng, N_NEIGHBOURS - N_KAB_TANGERANG - N_TANGSEL);
	const struct demo_group *grp = &g->groups[h->group];
	return g->group_home[h->group][rng_below(&g->rng, (uint32_t)grp->n_home)];
}

/* Give p a NIK: region + DDMMYY (+40 for women) + a free serial.  Moves the
 * birth date a day at a time in the (never seen) case of a full slot. */
static bool assign_nik(struct gen *g, const struct household *h, struct person *p)
{
	bool adult = p->role != ROLE_CHILD || g->today - p->born > 17 * 365;
	size_t region = pick_nik_region(g, h, adult);
	for (int tries = 0; tries < 366; tries++) {
		int y, m, d;
		nik_civil_from_days(p->born, &y, &m, &d);
		int ddcode = d + (p->female ? 40 : 0);
		unsigned serial = gen_serial(g, region, y % 100, m, ddcode);
		if (serial != 0) {
			snprintf(p->nik, sizeof p->nik, "%s%02d%02d%02d%04u",
				g->region_code[region], ddcode, m, y % 100, serial);
			/* registered back home: most likely born there too */
			if (adult && region >= N_TNG_KEC + N_NEIGHBOURS)
				p->birth_place = g->region_place[region];
			return true;
		}
		p->born--;
	}
	return false;
}

/* KK: the household's kecamatan + the card's issue date + a serial, drawn
 * from the same counters as NIKs (as a man's date) so it is never a NIK. */
static bool assign_kk(struct gen *g, struct household *h)
{
	long first = nik_days_from_civil(2008, 1, 1);
	long issued = first + rng_below(&g->rng, (uint32_t)(g->today - first));
	for (int tries = 0; tries < 366; tries++, issued--) {
		int y, m, d;
		nik_civil_from_days(issued, &y, &m, &d);
		unsigned serial = gen_serial(g, h->kec_index, y % 100, m, d);
		if (serial != 0) {
			snprintf(h->kk, sizeof h->kk, "%s%02d%02d%02d%04u",
				g->region_code[h->kec_index], d, m, y % 100, serial);
			return true;
		}
	}
	return false;
}

static long birth_for_age(struct gen *g, int age)
{
	return g->today - 1 - (long)age * 365 - age / 4 - rng_below(&g->rng, 365);
}

static const char *birth_place_for(struct gen *g, const struct household *h, bool adult)
{
	uint32_t x = rng_below(&g->rng, 100);
	if (!adult)
		return x < 85 ? "Tangerang" : "Jakarta";
	if (x < 45)
		return "Tangerang";
	if (x < 60)
		return "Jakarta";
	const struct demo_group *grp = &g->groups[h->group];
	return rng_pick(&g->rng, grp->towns, grp->n_towns);
}

static struct person *add_member(struct gen *g, struct household *h, enum role role,
	bool female, int age)
{
	struct person *p = &h->members[h->n++];
	memset(p, 0, sizeof *p);
	p->role = role;
	p->female = female;
	if (age < 0)
		age = 0;
	p->born = birth_for_age(g, age);
	p->birth_place = birth_place_for(g, h, role != ROLE_CHILD || age >= 17);
	return p;
}

static unsigned pick_size(struct gen *g)
{
	static const unsigned cumulative[] = { 10, 25, 45, 70, 85, 94, 100 };
	uint32_t x = rng_below(&g->rng, 100);
	for (unsigned i = 0; i < N(cumulative); i++)
		if (x < cumulative[i])
			return i + 1;
	return 4;
}

/* Who lives in the household, with plausible ages for their roles. */
static void make_members(struct gen *g, struct household *h, unsigned size)
{
	h->n = 0;
	if (size == 1) {
		add_member(g, h, ROLE_HEAD, rng_permille(&g->rng, 450),
			20 + (int)rng_below(&g->rng, 45) + (int)rng_below(&g->rng, 20));
		return;
	}
	bool couple = rng_permille(&g->rng, 880);
	bool head_female = !couple && rng_permille(&g->rng, 600);
	int head_age = 22 + (int)rng_below(&g->rng, 30) + (int)rng_below(&g->rng, 25);
	add_member(g, h, ROLE_HEAD, head_female, head_age);
	int mother_age = head_age;
	if (couple) {
		int wife_age = head_age - 5 + (int)rng_below(&g->rng, 9);
		if (wife_age < 19)
			wife_age = 19;
		add_member(g, h, ROLE_SPOUSE, true, wife_age);
		mother_age = wife_age;
	}
	if (h->n < size && head_age < 60 && rng_permille(&g->rng, 150))
		add_member(g, h, ROLE_PARENT, rng_permille(&g->rng, 650),
			head_age + 20 + (int)rng_below(&g->rng, 15));
	while (h->n < size) {
		int span = mother_age - 18 < 20 ? mother_age - 18 : 20;
		int gap = 19 + (int)rng_below(&g->rng, (uint32_t)(span > 0 ? span : 1));
		add_member(g, h, ROLE_CHILD, rng_permille(&g->rng, 490), mother_age - gap);
	}
}

static void make_address(struct gen *g, struct household *h, size_t kel_index)
{
	const char *street = rng_pick(&g->rng, g->streets, g->n_streets);
	unsigned number = 1 + rng_below(&g->rng, 150);
	uint32_t x = rng_below(&g->rng, 100);
	static const char *const roman[] = { "I", "II", "III", "IV", "V" };
	if (x < 62)
		snprintf(h->address, sizeof h->address, "Jl. %s No. %u", street, number);
	else if (x < 72)
		snprintf(h->address, sizeof h->address, "Gg. %s No. %u", street, number);
	else if (x < 80)
		snprintf(h->address, sizeof h->address, "Gg. %s %s No. %u", street,
			roman[rng_below(&g->rng, N(roman))], number);
	else if (x < 85)
		snprintf(h->address, sizeof h->address, "Kp. %s", street);
	else {
		const char *estate = rng_pick(&g->rng, g->estates, g->n_estates);
		char block = (char)('A' + rng_below(&g->rng, 8));
		unsigned blockno = 1 + rng_below(&g->rng, 12);
		/* some clerks type a comma: the CSV must carry it quoted */
		snprintf(h->address, sizeof h->address, "%s%s Blok %c%u No. %u", estate,
			x < 90 ? "," : "", block, blockno, 1 + number % 40);
	}
	/* kelurahan differ in how many RW and RT they have */
	unsigned max_rw = 5 + (unsigned)(kel_index * 7 % 8);
	unsigned max_rt = 6 + (unsigned)(kel_index * 5 % 10);
	h->rw = 1 + rng_below(&g->rng, max_rw);
	h->rt = 1 + rng_below(&g->rng, max_rt);
}

static bool make_household(struct gen *g, struct household *h)
{
	size_t kel_index = rng_below(&g->rng, (uint32_t)g->n_kelurahan);
	h->kel = wilayah_kelurahan_at(kel_index);
	/* "36.71.05.1003": kecamatan number at [6..7] */
	h->kec_index = (size_t)((h->kel->code[6] - '0') * 10 + (h->kel->code[7] - '0') - 1);
	if (h->kec_index >= N_TNG_KEC)
		return false;
	h->group = pick_group(g);
	make_address(g, h, kel_index);
	if (!assign_kk(g, h))
		return false;
	make_members(g, h, pick_size(g));
	const struct demo_group *grp = &g->groups[h->group];
	h->surname = grp->family != NULL ? rng_pick(&g->rng, grp->family, grp->n_family) : NULL;
	for (size_t i = 0; i < h->n; i++) {
		struct person *p = &h->members[i];
		/* the father's surname goes to him and the children; wives and
		 * parents keep their own */
		bool carries = p->role == ROLE_CHILD || (p->role == ROLE_HEAD && !p->female);
		make_name(g, h, p, carries ? h->surname : NULL);
		if (!assign_nik(g, h, p))
			return false;
		p->born_registry = p->born;
		/* a corrected birth date never changes the NIK (NIK_FORMAT.md 2.4) */
		if (rng_permille(&g->rng, 3))
			p->born_registry = p->born - 1 - (long)rng_below(&g->rng, 200);
	}
	return true;
}

static void write_person(struct out *o, const struct household *h, const struct person *p)
{
	int y, m, d;
	nik_civil_from_days(p->born_registry, &y, &m, &d);
	out_str(o, p->nik);
	out_char(o, ',');
	out_str(o, h->kk);
	out_char(o, ',');
	out_field(o, p->name);
	out_str(o, p->female ? ",P," : ",L,");
	out_field(o, p->birth_place);
	out_char(o, ',');
	out_digits(o, (unsigned long)y, 4);
	out_char(o, '-');
	out_digits(o, (unsigned long)m, 2);
	out_char(o, '-');
	out_digits(o, (unsigned long)d, 2);
	out_char(o, ',');
	out_field(o, h->address);
	out_char(o, ',');
	out_digits(o, h->rt, 3);
	out_char(o, ',');
	out_digits(o, h->rw, 3);
	out_char(o, ',');
	out_str(o, h->kel->code);
	out_char(o, '\n');
}

/* The household is assigned for verification: the recipient is the wife
 * when there is one (PKH pays the mother), else the head. */
static void write_candidate(struct out *o, const struct household *h,
	size_t members_written, bool pkh)
{
	const struct person *recipient = &h->members[0];
	if (members_written > 1 && h->members[1].role == ROLE_SPOUSE)
		recipient = &h->members[1];
	out_str(o, h->kk);
	out_char(o, ',');
	out_str(o, recipient->nik);
	out_char(o, ',');
	out_str(o, h->kel->code);
	out_str(o, pkh ? ",PKH\n" : ",BPNT\n");
}

/* ---------------------------------------------------------------- command */
static void usage(FILE *f)
{
	fprintf(f, "%s", _("Pemakaian: sigacor-server gen-demo --residents N [--seed S] "
		"[--candidates BERKAS]\n"));
}

static int gen_run(long long residents, uint64_t seed, FILE *candidates_file)
{
	struct gen *g = malloc(sizeof *g);
	struct out *o = malloc(sizeof *o);
	struct out *co = candidates_file != NULL ? malloc(sizeof *co) : NULL;
	int status = 1;
	if (g == NULL || o == NULL || (candidates_file != NULL && co == NULL) || !gen_init(g, seed)) {
		fprintf(stderr, "sigacor-server: %s\n", _("memori tidak cukup"));
		goto done;
	}
	o->f = stdout;
	o->len = 0;
	o->failed = false;
	out_str(o, "nik,kk,name,sex,birth_place,birth_date,address,rt,rw,kelurahan\n");
	if (co != NULL) {
		co->f = candidates_file;
		co->len = 0;
		co->failed = false;
		out_str(co, "kk,nik,kelurahan,program\n");
	}
	struct household h;
	long long written = 0;
	while (written < residents) {
		if (!make_household(g, &h)) {
			fprintf(stderr, "sigacor-server: %s\n",
				_("nomor urut NIK habis; kurangi --residents"));
			goto done;
		}
		size_t n = 0;
		for (; n < h.n && written < residents; n++, written++)
			write_person(o, &h, &h.members[n]);
		/* about one household in eight is on the verification list; drawn
		 * whether or not the list is written, so the residents are the same */
		bool candidate = rng_permille(&g->rng, 125);
		bool pkh = rng_permille(&g->rng, 400);
		if (co != NULL && candidate)
			write_candidate(co, &h, n, pkh);
		if (o->failed)
			break;
	}
	out_flush(o);
	if (co != NULL)
		out_flush(co);
	if (o->failed || fflush(stdout) != 0 || (co != NULL && co->failed)) {
		fprintf(stderr, "sigacor-server: %s: %s\n", _("gagal menulis"), strerror(errno));
		goto done;
	}
	status = 0;
done:
	if (g != NULL)
		free(g->serials);
	free(g);
	free(o);
	free(co);
	return status;
}

int gen_demo_main(int argc, char **argv)
{
	const char *residents_text = NULL, *seed_text = NULL, *candidates_path = NULL;
	bool help = false;
	const struct command_option options[] = {
		{ "residents", &residents_text, NULL, NULL },
		{ "seed", &seed_text, NULL, NULL },
		{ "candidates", &candidates_path, NULL, NULL },
		{ "help", NULL, &help, NULL },
		{ NULL, NULL, NULL, NULL },
	};
	long long residents = -1, seed = 1;
	if (!util_parse_options(argc, argv, options, 0, NULL)) {
		usage(stderr);
		return 2;
	}
	if (help) {
		usage(stdout);
		return 0;
	}
	if (residents_text != NULL && !util_parse_count(residents_text, 0, GEN_MAX_RESIDENTS, &residents)) {
		fprintf(stderr, "sigacor-server: %s: %s\n",
			_("--residents harus bilangan 0 sampai 50000000"), residents_text);
		return 2;
	}
	if (seed_text != NULL && !util_parse_count(seed_text, 0, INT64_MAX, &seed)) {
		fprintf(stderr, "sigacor-server: %s: %s\n",
			_("--seed harus bilangan bulat tidak negatif"), seed_text);
		return 2;
	}
	if (residents < 0) {
		usage(stderr);
		return 2;
	}
	FILE *cf = NULL;
	if (candidates_path != NULL) {
		cf = fopen(candidates_path, "w");
		if (cf == NULL) {
			fprintf(stderr, "sigacor-server: %s: %s\n", candidates_path, strerror(errno));
			return 1;
		}
	}
	int status = gen_run(residents, (uint64_t)seed, cf);
	if (cf != NULL && fclose(cf) != 0 && status == 0) {
		fprintf(stderr, "sigacor-server: %s: %s\n", candidates_path, strerror(errno));
		status = 1;
	}
	return status;
}
