/* synth.c — `hpml synth drug-response --out DIR`: a synthetic drug-response
 * screen as CSV files (the library generates; this file parses and reports). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opts.h"
#include "world.h"

static const cli_opt synth_opts[] = {
    {"out", "o", 0, "directory to write the CSV files into (required; created if missing)"},
    {"cells", NULL, 0, "cell lines (default 100)"},
    {"drugs", NULL, 0, "drugs (default 60)"},
    {"genes", NULL, 0, "gene-expression columns of cell_expression.csv (default 200)"},
    {"descriptors", NULL, 0, "descriptor columns of drug_descriptors.csv (default 50)"},
    {"missing-pairs", "missing_pairs", 0, "fraction of cell x drug pairs not measured (default 0.15)"},
    {"noise", NULL, 0, "scale of the measurement noise: 1 as documented (default), 0 none"},
    {"seed", NULL, 0, "random seed (default 0); the same seed gives the same files"},
    {"joined", NULL, 1, "also write joined.csv: every response with its cell's and drug's columns"},
    {"threads", NULL, 0, "formatting threads (default: all cores); the files do not depend on it"},
    {"help", NULL, 1, "show this help"},
};
#define N_SYNTH_OPTS ((int)(sizeof synth_opts / sizeof synth_opts[0]))

static void help(void)
{
    printf("Usage: hpml synth drug-response --out DIR [--cells N] [--drugs M] [--genes G]\n"
           "           [--descriptors D] [--missing-pairs F] [--seed S] [--joined]\n\n"
           "Writes a synthetic drug-response screen, a star schema of three CSV files:\n"
           "  DIR/responses.csv         cell_id,drug_id,ln_ic50 (one row per measured pair)\n"
           "  DIR/cell_expression.csv   cell_id,lineage,gene_0001,... (one row per cell line)\n"
           "  DIR/drug_descriptors.csv  drug_id,MolWt,MolLogP,... (one row per drug)\n"
           "and with --joined DIR/joined.csv, the three joined: one row per response.\n"
           "Cell lines come from six lineages with latent expression programs, drugs from\n"
           "latent chemotypes; ln_ic50 is drug potency + cell sensitivity + a nonlinear\n"
           "cell x drug interaction + heavy-tailed noise. docs/synth.md has the formulas.\n\n");
    cli_print_options(synth_opts, N_SYNTH_OPTS);
}

/* An integer option passed on as given: the library checks the range. */
static int get_int(const cli_args *a, const char *name, int def, int *out)
{
    return cli_get_int(a, name, def, INT_MIN, INT_MAX, out);
}

int cmd_synth(int argc, char **argv)
{
    cli_args a;
    if (cli_parse(argc, argv, 2, synth_opts, N_SYNTH_OPTS, &a))
        return 1;
    if (cli_get(&a, "help")) {
        help();
        return 0;
    }
    if (a.n_pos != 1 || strcmp(a.pos[0], "drug-response") != 0) {
        if (a.n_pos >= 1 && strcmp(a.pos[0], "drug-response") != 0)
            fprintf(stderr, "hpml synth: unknown data set '%s' (known: drug-response)\n", a.pos[0]);
        else
            fprintf(stderr, "hpml synth: expected drug-response --out DIR (see hpml synth --help)\n");
        return 1;
    }
    const char *out = cli_get(&a, "out");
    if (!out) {
        fprintf(stderr, "hpml synth: --out DIR is required (see hpml synth --help)\n");
        return 1;
    }
    hpml_synth_spec sp;
    hpml_synth_spec_init(&sp);
    if (get_int(&a, "cells", sp.cells, &sp.cells) || get_int(&a, "drugs", sp.drugs, &sp.drugs) ||
        get_int(&a, "genes", sp.genes, &sp.genes) ||
        get_int(&a, "descriptors", sp.descriptors, &sp.descriptors) ||
        get_int(&a, "threads", 0, &sp.threads) ||
        cli_get_double(&a, "missing-pairs", sp.missing_pairs, &sp.missing_pairs) ||
        cli_get_double(&a, "noise", sp.noise, &sp.noise))
        return 1;
    const char *seed_text = cli_get(&a, "seed");
    if (seed_text) {
        char *end = NULL;
        errno = 0;
        unsigned long long seed = strtoull(seed_text, &end, 10);
        if (errno || end == seed_text || *end || seed_text[0] == '-') {
            fprintf(stderr, "hpml synth: --seed: expected a non-negative integer, got '%s'\n",
                    seed_text);
            return 1;
        }
        sp.seed = (uint64_t)seed;
    }
    sp.joined = cli_get(&a, "joined") != NULL;
    double t0 = cli_now_seconds();
    uint64_t n = 0;
    /* the files are written once, by rank 0; the other processes wait */
    hpml_status s = cli_is_root() ? hpml_synth_drug_response(&sp, out, &n) : HPML_OK;
    if (s != HPML_OK)
        return cli_fail(s);
    double pairs = (double)sp.cells * sp.drugs;
    printf("wrote %llu responses (%d cells x %d drugs, %.1f%% of pairs missing), %d genes, "
           "%d descriptors to %s: responses.csv cell_expression.csv drug_descriptors.csv%s "
           "in %.2f s\n", (unsigned long long)n, sp.cells, sp.drugs, 100.0 * (1.0 - (double)n / pairs),
           sp.genes, sp.descriptors, out, sp.joined ? " joined.csv" : "",
           cli_now_seconds() - t0);
    return 0;
}
