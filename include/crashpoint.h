/* crashpoint: the named moments between the durable steps of a write (a
 * temp file written, synced, renamed; a database page or log written or
 * synced; a transaction committed), where a crash test stops the process
 * with SIGKILL and then checks what is left on disk.  A test that kills at
 * every crash point a run passes knows what it covered; one that sleeps a
 * guessed time before the kill does not.
 *
 * A test hook, read from the environment (doc/sigacor.1, LINGKUNGAN):
 *   SIGACOR_CRASH_AT=N     the N-th crash point this process passes raises
 *                          SIGKILL on the process itself;
 *   SIGACOR_CRASH_AT=N:NAME  the N-th pass of the crash point NAME does (a
 *                          test that knows the steps a run has left, not
 *                          how many points their writes take);
 *   SIGACOR_CRASH_LOG=FILE each crash point passed is appended to FILE as a
 *                          line "N NAME" (written before a kill at it, so
 *                          the last line names where a killed run died).
 * With neither set a crash point tests one cached flag and returns. */
#ifndef SIGACOR_CRASHPOINT_H
#define SIGACOR_CRASHPOINT_H

/* Pass the crash point name (a constant "module.step", e.g.
 * "vault.upgrade_renamed"). */
void crashpoint(const char *name);

/* For tests that fork: read the two variables again and count from zero,
 * so a child told where to stop counts its own crash points only. */
void crashpoint_reload(void);

#endif
