/* server: sigacor-server's internal interfaces (not a public header: only
 * files under src/server/ include it). */
#ifndef SIGACOR_SERVER_H
#define SIGACOR_SERVER_H

#include <stdbool.h>
#include <stddef.h>

/* ---- gen-demo (gen_demo.c, word lists in demo_names.c) */

struct demo_region {
	const char *code6;      /* NIK prefix: kecamatan digits "332903" */
	const char *place;      /* a birth place that goes with it */
};

struct demo_group {
	const char *name;
	unsigned weight;                    /* percent of households */
	const char *const *male;
	size_t n_male;
	const char *const *female;
	size_t n_female;
	const char *const *male2;           /* second names, or NULL */
	size_t n_male2;
	const char *const *female2;
	size_t n_female2;
	const char *const *family;          /* surnames children inherit, or NULL */
	size_t n_family;
	const char *const *towns;           /* birth places of adults */
	size_t n_towns;
	const struct demo_region *home;     /* regions where adults first registered */
	size_t n_home;
};

const struct demo_group *demo_groups(size_t *count);
const char *const *demo_streets(size_t *count);
const char *const *demo_estates(size_t *count);

/* `sigacor-server gen-demo ...`; argv[0] is "gen-demo".  Returns the exit status. */
int gen_demo_main(int argc, char **argv);

#endif
