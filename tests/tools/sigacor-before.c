/* sigacor-before: sigacor as the release before the headless upgrade ran
 * its commands: a clear profile (made by a release before issue 12) is
 * opened clear instead of being encrypted at the first command.  The tests
 * make with it the profiles such a release left (records, photos, a login,
 * a pull), which sigacor itself no longer can; everything else is
 * sigacor's own code (src/cli/main.c and the commands). */
#include "config.h"

#define main sigacor_main
int main(int argc, char **argv);
#include "../../src/cli/main.c"
#undef main

int main(int argc, char **argv)
{
	cli_clear_profiles_stay_clear = true;
	return sigacor_main(argc, argv);
}
