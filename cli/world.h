/* world.h — the processes of this run, as the command sees them (docs/mpi.md).
 *
 * main.c starts the world once (hpml_dist_init) and ends it once; the
 * commands ask whether they are rank 0, the one process that prints to stdout
 * and writes files, and call cli_sync at their sync points. On the other
 * ranks stdout goes to /dev/null and stderr into a private file: what such a
 * rank says is shown only when its failure is the one the run ends with
 * (prefixed "[rank r/N] "), so a message is printed once, not once per rank.
 * --verbose adds per-rank timing lines on the real stderr.
 */
#ifndef HPML_CLI_WORLD_H
#define HPML_CLI_WORLD_H

#include "hpml.h"

/* Starts the world: MPI under a launcher (nothing otherwise), the output
 * discipline of the ranks, and the check that every rank runs the same hpml
 * with the same command line. Returns 0, or an exit code (the failure was
 * printed); call cli_world_end either way. */
int cli_world_start(int argc, char **argv, int verbose, const char *command);
/* The world's handle (NULL before start or when it failed: one process). */
hpml_dist *cli_world(void);
/* 1 on the rank that prints and writes files (rank 0; the only one alone). */
int cli_is_root(void);
/* A sync point: every rank passes its exit code so far and gets, on every
 * rank, 0 if all were 0, else the code of the lowest failing rank, whose
 * messages are then printed once. A failing rank that the others do not meet
 * within seconds ends every rank (MPI_Abort) with its code. After a failure
 * was agreed, returns rc without meeting again (the run is ending). */
int cli_sync(int rc);
/* The last sync, the --verbose timing line, MPI finalised. Returns the exit
 * code of the run. */
int cli_world_end(int rc);
/* With --verbose and several processes: "[rank r/N] ..." on the real stderr. */
void cli_vlog(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

#endif
