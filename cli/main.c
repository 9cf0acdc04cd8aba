/* main.c — `hpml <command> [options]`: dispatch to one file per subcommand. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hpml.h"
#include "world.h"

int cmd_info(int argc, char **argv);
int cmd_train(int argc, char **argv);
int cmd_predict(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_importance(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_synth(int argc, char **argv);

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *help;
} command;

static const command commands[] = {
    {"info", cmd_info, "rows, columns, types, missing values; task and classes of a target"},
    {"compare", cmd_compare, "train trees and nets on the same splits; a side-by-side report"},
    {"train", cmd_train, "train a model (trees or a neural net) and write it to a file"},
    {"predict", cmd_predict, "predict the rows of a CSV file with a trained model"},
    {"eval", cmd_eval, "the task's metrics of a trained model on a CSV file with the target"},
    {"importance", cmd_importance, "gain and split-count importance of a tree model's features"},
    {"synth", cmd_synth, "write a synthetic data set (drug-response: a star schema of CSV files)"},
};

static void usage(FILE *f)
{
    fprintf(f, "Usage: hpml <command> [options]   (hpml <command> --help for its options)\n\n"
               "Commands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].help);
    fprintf(f, "\nUnder mpirun or srun every command runs as one job of several processes\n"
               "(docs/mpi.md); --verbose adds a timing line per process.\n"
               "\nExit codes: 0 success, 1 usage, 2 bad input data, 3 internal error.\n");
}

/* OpenMP threads that wait at a barrier spin for a while before sleeping
 * (libgomp: 300,000 turns). When another program's threads share the cores
 * (a shared node, another OpenMP job), hpml's many short parallel regions
 * then wait for descheduled threads while spinners burn the cores: training
 * ran 30x slower in such a case here. A short spin (1000 turns) costs little
 * on an idle machine and avoids it. libgomp reads its settings when it is
 * loaded, before main, so the settings go into the environment and the
 * program starts again; a user's own OMP_WAIT_POLICY or GOMP_SPINCOUNT is
 * left alone. */
static void short_spin_waits(char **argv)
{
    if (getenv("OMP_WAIT_POLICY") || getenv("GOMP_SPINCOUNT"))
        return;
    if (setenv("GOMP_SPINCOUNT", "1000", 0) != 0)
        return;
    execv("/proc/self/exe", argv);
    /* if that failed, carry on with the spin as it is */
}

/* Runs the command of argv[1] (the world started). */
static int dispatch(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 1;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
        char mpi[128];
        if (hpml_dist_mpi_library(mpi, sizeof mpi))
            printf("hpml %s (MPI: %s)\n", hpml_version(), *mpi ? mpi : "unknown library");
        else
            printf("hpml %s (no MPI)\n", hpml_version());
        return 0;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc, argv);
    fprintf(stderr, "hpml: unknown command '%s' (see hpml --help)\n", argv[1]);
    return 1;
}

/* --verbose anywhere (hpml --verbose CMD ... or CMD ... --verbose): per-rank
 * timing lines. It is taken out of argv, except for info, whose own
 * --verbose also reports what the reader decided. */
static int take_verbose(int *argc, char **argv)
{
    int found = 0;
    for (int i = 1; i < *argc; i++) {
        if (strcmp(argv[i], "--verbose") != 0)
            continue;
        found = 1;
        if (i >= 2 && strcmp(argv[1], "info") == 0)
            continue;
        memmove(argv + i, argv + i + 1, (size_t)(*argc - i) * sizeof *argv); /* with NULL */
        (*argc)--;
        i--;
    }
    return found;
}

int main(int argc, char **argv)
{
    short_spin_waits(argv);
    int verbose = take_verbose(&argc, argv);
    /* under mpirun/srun: MPI, rank 0 alone prints and writes; alone: as ever */
    int rc = cli_world_start(argc, argv, verbose, argc > 1 ? argv[1] : "");
    if (rc == 0)
        rc = dispatch(argc, argv);
    return cli_world_end(rc);
}
