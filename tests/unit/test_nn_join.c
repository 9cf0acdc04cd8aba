/* test_nn_join.c — nets over a star schema: a fact table with two dimension
 * tables (a categorical feature in each, a key no fact row uses, fact rows
 * whose key has no dimension row) trains to the same net as the same data
 * joined into one table, to float rounding: predictions within 1e-5
 * relative, the same loss history; the MLP's first layer really ran over
 * the factorised inputs (which hold far fewer floats than rows x inputs);
 * the CNN (whose batches are gathered) likewise; models are byte-identical
 * run to run; the scalers are those of the joined table. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "testdata.h"
#include "core/alloc.h"
#include "nn/train.h"

#define N_CELLS 40
#define UNUSED_CELL 17   /* in the cell table, in no fact row */
#define TISSUELESS_CELL 5 /* its tissue is missing */
#define N_DRUGS 12
#define N_ROWS 600

static const char *tissue[] = {"lung", "skin", "blood", "bone"};
static const char *family[] = {"kinase", "dna", "other"};

/* The four tables as CSV text (caller frees each). Numbers are written once
 * as text and copied into the joined table, so both read the same floats. */
typedef struct star_csv {
    char *fact, *cells, *drugs, *joined;
    int cell_of_row[N_ROWS]; /* -1: a key the cell table lacks */
    int drug_of_row[N_ROWS];
} star_csv;

static char *append(char *s, size_t *len, size_t *cap, const char *fmt, const char *a,
                    const char *b, const char *c, const char *d)
{
    char line[512];
    int n = snprintf(line, sizeof line, fmt, a, b, c, d);
    if (*len + (size_t)n + 1 > *cap) {
        *cap = 2 * (*cap + (size_t)n + 1);
        s = realloc(s, *cap);
    }
    memcpy(s + *len, line, (size_t)n + 1);
    *len += (size_t)n;
    return s;
}

static void make_star(star_csv *st)
{
    lcg_state = 2024;
    char cell_txt[N_CELLS][128], drug_txt[N_DRUGS][128], empty_cell[] = ",,,";
    double cell_eff[N_CELLS], drug_eff[N_DRUGS];
    size_t lc = 0, cc = 256, ld = 0, cd = 256, lf = 0, cf = 256, lj = 0, cj = 256;
    st->cells = malloc(cc);
    st->drugs = malloc(cd);
    st->fact = malloc(cf);
    st->joined = malloc(cj);
    st->cells = append(st->cells, &lc, &cc, "cell_id,g1,g2,g3,tissue\n", "", "", "", "");
    for (int c = 0; c < N_CELLS; c++) {
        double g1 = gauss(), g2 = 3 + gauss(), g3 = unif();
        char g2s[32] = "";
        if (c != 9) /* one cell lacks g2: a missing value inside a dimension table */
            snprintf(g2s, sizeof g2s, "%.6g", g2);
        snprintf(cell_txt[c], sizeof cell_txt[c], "%.6g,%s,%.6g,%s", g1, g2s, g3,
                 c == TISSUELESS_CELL ? "" : tissue[c % 4]);
        cell_eff[c] = 2 * g1 - g3 + (c % 4 == 1 ? 1.0 : 0.0);
        char id[16];
        snprintf(id, sizeof id, "c%02d", c);
        st->cells = append(st->cells, &lc, &cc, "%s,%s\n", id, cell_txt[c], "", "");
    }
    st->drugs = append(st->drugs, &ld, &cd, "drug_id,d1,d2,family\n", "", "", "", "");
    for (int d = 0; d < N_DRUGS; d++) {
        double d1 = gauss(), d2 = 10 * unif();
        snprintf(drug_txt[d], sizeof drug_txt[d], "%.6g,%.6g,%s", d1, d2, family[d % 3]);
        drug_eff[d] = 0.5 * d1 + 0.1 * d2 + (d % 3 == 0 ? 0.7 : 0.0);
        char id[16];
        snprintf(id, sizeof id, "%d", 101 + d);
        st->drugs = append(st->drugs, &ld, &cd, "%s,%s\n", id, drug_txt[d], "", "");
    }
    st->fact = append(st->fact, &lf, &cf, "cell_id,drug_id,y,dose\n", "", "", "", "");
    st->joined = append(st->joined, &lj, &cj, "y,dose,g1,g2,g3,tissue,d1,d2,family\n", "", "",
                        "", "");
    for (int i = 0; i < N_ROWS; i++) {
        /* the first rows meet cells and drugs in table order, so categories
         * are first seen in the same order in both layouts */
        int c = i < N_CELLS ? i : (int)(unif() * N_CELLS);
        int d = i < N_CELLS ? i % N_DRUGS : (int)(unif() * N_DRUGS);
        if (c == UNUSED_CELL)
            c = i == UNUSED_CELL ? -1 : c + 1;
        if (i >= N_CELLS && i % 97 == 0)
            c = -1; /* a key the cell table lacks */
        st->cell_of_row[i] = c;
        st->drug_of_row[i] = d;
        double dose = unif() * 4;
        double y = 10 + (c >= 0 ? cell_eff[c] : -1) + drug_eff[d] + 0.3 * dose + 0.1 * gauss();
        char id[16], dr[16], ys[64];
        snprintf(id, sizeof id, "c%02d", c >= 0 ? c : 99);
        snprintf(dr, sizeof dr, "%d", 101 + d);
        snprintf(ys, sizeof ys, "%.6g,%.6g", y, dose);
        st->fact = append(st->fact, &lf, &cf, "%s,%s,%s\n", id, dr, ys, "");
        st->joined = append(st->joined, &lj, &cj, "%s,%s,%s\n", ys,
                            c >= 0 ? cell_txt[c] : empty_cell, drug_txt[d], "");
    }
}

static void star_free(star_csv *st)
{
    free(st->fact);
    free(st->cells);
    free(st->drugs);
    free(st->joined);
}

static hpml_table *read_csv(const char *csv, const char *name)
{
    hpml_table *t = NULL;
    CHECK_OK(hpml_table_read_csv_buffer(csv, strlen(csv), name, NULL, &t));
    return t;
}

/* Both layouts of the same data. */
typedef struct both {
    star_csv csv;
    hpml_table *fact, *cells, *drugs, *joined;
    hpml_dataset *star, *flat;
    uint32_t train[N_ROWS], valid[N_ROWS];
    size_t n_train, n_valid;
} both;

static int both_make(both *b)
{
    memset(b, 0, sizeof *b);
    make_star(&b->csv);
    b->fact = read_csv(b->csv.fact, "responses.csv");
    b->cells = read_csv(b->csv.cells, "cells.csv");
    b->drugs = read_csv(b->csv.drugs, "drugs.csv");
    b->joined = read_csv(b->csv.joined, "joined.csv");
    if (!b->fact || !b->cells || !b->drugs || !b->joined)
        return 1;
    hpml_join joins[2] = {{"cell_id", b->cells, NULL, NULL}, {"drug_id", b->drugs, NULL, NULL}};
    hpml_dataset_spec s;
    hpml_dataset_spec_init(&s);
    s.target = "y";
    s.task = HPML_TASK_REGRESSION;
    s.joins = joins;
    s.n_joins = 2;
    s.on_missing = HPML_ON_MISSING_NAN;
    CHECK_OK(hpml_dataset_create(b->fact, &s, &b->star));
    s.joins = NULL;
    s.n_joins = 0;
    CHECK_OK(hpml_dataset_create(b->joined, &s, &b->flat));
    if (!b->star || !b->flat)
        return 1;
    for (uint32_t i = 0; i < N_ROWS; i++) {
        if (i % 5 == 3)
            b->valid[b->n_valid++] = i;
        else
            b->train[b->n_train++] = i;
    }
    return 0;
}

static void both_free(both *b)
{
    hpml_dataset_free(b->star);
    hpml_dataset_free(b->flat);
    hpml_table_free(b->fact);
    hpml_table_free(b->cells);
    hpml_table_free(b->drugs);
    hpml_table_free(b->joined);
    star_free(&b->csv);
}

/* The two layouts agree on the features, and the star schema's index says
 * what the test built. */
static void test_layouts_agree(void)
{
    both b;
    if (both_make(&b) == 0) {
        const int nf = hpml_dataset_n_features(b.star);
        CHECK(nf == 8 && hpml_dataset_n_features(b.flat) == nf);
        CHECK(hpml_dataset_n_joins(b.star) == 2 && hpml_dataset_n_joins(b.flat) == 0);
        for (int j = 0; j < nf && nf == hpml_dataset_n_features(b.flat); j++) {
            CHECK(strcmp(hpml_dataset_feature_name(b.star, j),
                         hpml_dataset_feature_name(b.flat, j)) == 0);
            CHECK(hpml_dataset_feature_n_categories(b.star, j) ==
                  hpml_dataset_feature_n_categories(b.flat, j));
            CHECK(hpml_dataset_feature_join(b.star, j) == (j == 0 ? -1 : j <= 4 ? 0 : 1));
        }
        int32_t dim[N_ROWS];
        CHECK_OK(hpml_dataset_join_rows(b.star, 0, NULL, N_ROWS, dim));
        int unused_seen = 0, missing = 0;
        for (int i = 0; i < N_ROWS; i++) {
            CHECK(dim[i] == b.csv.cell_of_row[i]);
            unused_seen += dim[i] == UNUSED_CELL;
            missing += dim[i] < 0;
        }
        CHECK(unused_seen == 0 && missing >= 2);
        /* raw values agree row by row, through the index and in the flat table */
        float a[N_ROWS], c[N_ROWS];
        for (int j = 0; j < nf; j++) {
            CHECK_OK(hpml_dataset_gather(b.star, j, NULL, N_ROWS, a));
            CHECK_OK(hpml_dataset_gather(b.flat, j, NULL, N_ROWS, c));
            int same = 1;
            for (int i = 0; i < N_ROWS; i++)
                same &= (isnan(a[i]) && isnan(c[i])) || a[i] == c[i];
            CHECK(same);
        }
    }
    both_free(&b);
}

/* The scalers fitted over the star schema (dimension rows weighted by their
 * use) equal those of the joined table. */
static void test_scalers(void)
{
    both b;
    if (both_make(&b) == 0) {
        nn_prep ps, pf;
        CHECK_OK(nn_prep_fit(&ps, b.star, b.train, b.n_train, 1, 100, NULL));
        CHECK_OK(nn_prep_fit(&pf, b.flat, b.train, b.n_train, 1, 100, NULL));
        /* dose 1; cells g1..g3 3 + tissue 4 + indicators of g1..g3 (rows
         * without a cell) 3; drugs d1, d2 2 + family 3 */
        CHECK(ps.n_inputs == 16 && pf.n_inputs == 16);
        for (int j = 0; j < ps.n_features && ps.n_inputs == pf.n_inputs; j++) {
            CHECK(ps.first[j] == pf.first[j] && ps.n_cat[j] == pf.n_cat[j]);
            CHECK(ps.indicator[j] == pf.indicator[j]);
            CHECK_NEAR(ps.mean[j], pf.mean[j], 1e-6 * (1 + fabs(pf.mean[j])));
            CHECK_NEAR(ps.inv_std[j], pf.inv_std[j], 1e-6 * pf.inv_std[j]);
        }
        CHECK(ps.indicator[1] >= 0 && ps.indicator[2] >= 0 && ps.indicator[0] < 0 &&
              ps.indicator[5] < 0);
        nn_prep_free(&ps);
        nn_prep_free(&pf);
    }
    both_free(&b);
}

/* Train on both layouts with the same parameters: predictions within 1e-5
 * relative, the loss history likewise. */
static void compare_trained(both *b, const hpml_nn_params *p, const char *what)
{
    hpml_model *ms = NULL, *mf = NULL;
    CHECK_OK(hpml_nn_train(b->star, b->train, b->n_train, b->star, b->valid, b->n_valid, p, &ms));
    CHECK_OK(hpml_nn_train(b->flat, b->train, b->n_train, b->flat, b->valid, b->n_valid, p, &mf));
    if (!ms || !mf)
        goto out;
    float ys[N_ROWS], yf[N_ROWS];
    CHECK_OK(hpml_model_predict_dataset(ms, b->star, NULL, N_ROWS, ys));
    CHECK_OK(hpml_model_predict_dataset(mf, b->flat, NULL, N_ROWS, yf));
    double worst = 0, spread = 0;
    for (int i = 0; i < N_ROWS; i++) {
        worst = fmax(worst, fabs(ys[i] - yf[i]) / fabs(yf[i]));
        spread = fmax(spread, fabs(yf[i] - yf[0]));
    }
    printf("%s: largest relative difference of predictions %.3g\n", what, worst);
    CHECK(worst <= 1e-5);
    CHECK(spread > 1); /* the net learned something that differs row to row */
    int ns, nf;
    const char *metric;
    const double *ts, *vs, *tf, *vf;
    hpml_model_history(ms, &ns, &metric, &ts, &vs);
    hpml_model_history(mf, &nf, &metric, &tf, &vf);
    CHECK(ns == p->epochs && nf == ns);
    for (int e = 0; e < ns && e < nf; e++) {
        CHECK_NEAR(ts[e], tf[e], 1e-5 * tf[e]);
        CHECK_NEAR(vs[e], vf[e], 1e-5 * vf[e]);
    }
    CHECK(ns > 1 && ts[ns - 1] < ts[0] && vs[ns - 1] < vs[0]);
out:
    hpml_model_free(ms);
    hpml_model_free(mf);
}

static void mlp_params(hpml_nn_params *p)
{
    hpml_nn_params_init(p, HPML_MODEL_MLP);
    CHECK_OK(hpml_nn_params_set(p, "layers", "24,12"));
    p->epochs = 6;
    p->batch_size = 32;
    p->lr = 3e-3;
    p->missing_indicators = 1;
    p->threads = 2;
    p->seed = 11;
}

/* An MLP without normalisation (row-parallel passes), one with batch norm
 * and dropout (layer by layer, OpenBLAS threaded), a linear model, and
 * one thread. */
static void test_mlp_equals_materialised(void)
{
    both b;
    if (both_make(&b) == 0) {
        hpml_nn_params p;
        mlp_params(&p);
        compare_trained(&b, &p, "mlp");
        /* Batch norm cancels the bias before it, whose gradient is then
         * rounding noise that Adam scales up to steps of lr: the bias drifts
         * by rounding (in eval mode, with the running statistics, the
         * outputs follow), on the flat table as much as on the star schema.
         * SGD keeps noise noise. */
        p.norm = HPML_NORM_BATCH;
        p.dropout = 0.2;
        p.optimizer = HPML_OPT_SGD;
        p.momentum = 0.9;
        p.lr = 0.02;
        compare_trained(&b, &p, "mlp, batch norm, dropout, sgd");
        p.norm = HPML_NORM_LAYER;
        compare_trained(&b, &p, "mlp, layer norm, dropout, sgd");
        mlp_params(&p);
        p.n_layers = 0;
        p.lr = 1e-2;
        compare_trained(&b, &p, "linear");
        mlp_params(&p);
        p.threads = 1;
        compare_trained(&b, &p, "mlp, 1 thread");
    }
    both_free(&b);
}

static void test_cnn_equals_materialised(void)
{
    both b;
    if (both_make(&b) == 0) {
        hpml_nn_params p;
        hpml_nn_params_init(&p, HPML_MODEL_CNN);
        CHECK_OK(hpml_nn_params_set(&p, "conv", "4:3:1,6:3:2"));
        CHECK_OK(hpml_nn_params_set(&p, "layers", "12"));
        p.pool = 1;
        p.epochs = 5;
        p.batch_size = 32;
        p.lr = 3e-3;
        p.missing_indicators = 1;
        p.threads = 2;
        p.seed = 5;
        compare_trained(&b, &p, "cnn");
    }
    both_free(&b);
}

/* Through nn_train: the MLP's first layer ran over the factorised inputs
 * for every training and validation batch, and the inputs held are the
 * training rows' fact inputs plus the used dimension rows, not rows x
 * inputs; a CNN never factorises; the flat table never does. */
static void test_factorised_path_taken(void)
{
    both b;
    if (both_make(&b) == 0) {
        hpml_nn_params p;
        mlp_params(&p);
        nn_learner ls, lf;
        CHECK_OK(nn_train(b.star, b.train, b.n_train, b.star, b.valid, b.n_valid, &p, &ls));
        CHECK_OK(nn_train(b.flat, b.train, b.n_train, b.flat, b.valid, b.n_valid, &p, &lf));
        int cell_used[N_CELLS + 1] = {0}, drug_used[N_DRUGS] = {0};
        for (size_t i = 0; i < b.n_train; i++) {
            int c = b.csv.cell_of_row[b.train[i]];
            cell_used[c >= 0 ? c : N_CELLS] = 1; /* the all-missing row */
            drug_used[b.csv.drug_of_row[b.train[i]]] = 1;
        }
        size_t n_cells = 0, n_drugs = 0;
        for (int c = 0; c <= N_CELLS; c++)
            n_cells += (size_t)cell_used[c];
        for (int d = 0; d < N_DRUGS; d++)
            n_drugs += (size_t)drug_used[d];
        CHECK(cell_used[N_CELLS] && !cell_used[UNUSED_CELL]);
        /* widths: fact 1 (dose), cells 10, drugs 5 */
        CHECK(ls.input_floats == b.n_train * 1 + n_cells * 10 + n_drugs * 5);
        CHECK(lf.input_floats == b.n_train * 16);
        const long steps = (long)((b.n_train + 31) / 32), vsteps = (long)((b.n_valid + 31) / 32);
        CHECK(ls.factorised_passes == p.epochs * (steps + vsteps));
        CHECK(lf.factorised_passes == 0);
        nn_learner_free(&ls);
        nn_learner_free(&lf);
        hpml_nn_params c;
        hpml_nn_params_init(&c, HPML_MODEL_CNN);
        CHECK_OK(hpml_nn_params_set(&c, "conv", "4:3:1"));
        c.epochs = 1;
        c.pool = 1;
        c.threads = 2;
        CHECK_OK(nn_train(b.star, b.train, b.n_train, NULL, NULL, 0, &c, &ls));
        CHECK(ls.factorised_passes == 0 && ls.input_floats < b.n_train * 16 / 4);
        nn_learner_free(&ls);
    }
    both_free(&b);
}

/* Same data, seed, parameters and threads: the same model file, byte for
 * byte (the factorised passes sum in a fixed order). */
static void test_deterministic(void)
{
    both b;
    if (both_make(&b) == 0) {
        hpml_nn_params p;
        mlp_params(&p);
        unsigned char *bytes[3] = {NULL, NULL, NULL};
        size_t len[3] = {0, 0, 0};
        for (int run = 0; run < 3; run++) {
            p.seed = run == 2 ? 12 : 11;
            hpml_model *m = NULL;
            CHECK_OK(hpml_nn_train(b.star, b.train, b.n_train, b.star, b.valid, b.n_valid, &p,
                                   &m));
            CHECK_OK(hpml_model_save(m, tmp_path("star.hpml")));
            bytes[run] = slurp(tmp_path("star.hpml"), &len[run]);
            hpml_model_free(m);
        }
        CHECK(bytes[0] && bytes[1] && len[0] > 0 && len[0] == len[1] &&
              memcmp(bytes[0], bytes[1], len[0]) == 0);
        CHECK(bytes[2] && (len[0] != len[2] || memcmp(bytes[0], bytes[2], len[0]) != 0));
        for (int run = 0; run < 3; run++)
            free(bytes[run]);
    }
    both_free(&b);
}

/* Every allocation of training over the star schema failing in turn: a
 * clean HPML_ERR_NOMEM (ASan checks nothing leaks), then success. */
static void test_alloc_failures(void)
{
    both b;
    if (both_make(&b) == 0) {
        hpml_nn_params p;
        mlp_params(&p);
        p.epochs = 1;
        p.threads = 1; /* injection is per thread */
        int n_fail = 0, ok_at = -1;
        for (long k = 0; k < 400 && ok_at < 0; k++) {
            nn_learner l;
            hpml_test_fail_alloc(k, 0);
            hpml_status st = nn_train(b.star, b.train, b.n_train, b.star, b.valid, b.n_valid, &p,
                                      &l);
            hpml_test_fail_alloc(-1, 0);
            CHECK(st == HPML_OK || (st == HPML_ERR_NOMEM && strstr(hpml_last_error(), "memory")));
            if (st == HPML_OK) {
                ok_at = (int)k;
                nn_learner_free(&l);
            } else {
                n_fail++;
            }
        }
        CHECK(ok_at > 20 && n_fail == ok_at);
    }
    both_free(&b);
}

int main(void)
{
    (void)make_csv; /* testdata.h's mixed table: not needed here */
    if (tmpdir_make("hpml_nn_join"))
        return 1;
    RUN(test_layouts_agree);
    RUN(test_scalers);
    RUN(test_mlp_equals_materialised);
    RUN(test_cnn_equals_materialised);
    RUN(test_factorised_path_taken);
    RUN(test_deterministic);
    RUN(test_alloc_failures);
    tmpdir_remove();
    return check_summary();
}
