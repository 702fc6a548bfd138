/* benchprofile: a profile in the benchmarks opened the way sigacor opens it
 * (src/cli/unlock.c), so that a figure of an encrypted profile is the
 * figure a clerk with a password gets: the data key unwrapped from the
 * profile's key file by the password (profile_password_key, Argon2id),
 * then store_open_keyed; a profile without a password with store_open. */
#ifndef SIGACOR_BENCHPROFILE_H
#define SIGACOR_BENCHPROFILE_H

#include "store.h"

#include <stdbool.h>
#include <stddef.h>

/* Give the profile folder dir a password as the screens do
 * (profile_set_password: a new random data key, wrapped by it). */
bool bench_profile_set_password(const char *dir, const char *password, char *err, size_t len);

/* Open the profile folder dir: keyed when it has a password, clear
 * otherwise.  The password: password, or when NULL one line of stdin (as
 * sigacor reads a piped one), read only when the profile has one; a wrong
 * or missing one gives STORE_LOCKED. */
enum store_status bench_profile_open(const char *dir, const char *password, struct store **s,
	char *err, size_t len);

#endif
