/* test_gbdt_predict.c — the compact forest (src/gbdt/predict.c) against the
 * plain walk of the model's trees (gbdt_predict_margins: double thresholds,
 * one row at a time), bit for bit, on hand-built models: thresholds at and
 * between float boundaries, random trees of every depth with missing values
 * and categorical splits, several groups (softmax), blocks with and without
 * missing values, row counts that are not multiples of the block. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "core/alloc.h"
#include "gbdt/predict.h"

static uint64_t rng_state = 12345;
static uint64_t next_u64(void)
{
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    uint64_t z = rng_state;
    z = (z ^ (z >> 33)) * 0xff51afd7ed558ccdULL;
    return z ^ (z >> 29);
}
static double unif(void) { return (double)(next_u64() >> 11) * 0x1p-53; }
static int below(int n) { return (int)(unif() * n); }

/* An empty model of k groups over nf features (ncat[j] > 0: categorical with
 * that many codes, bins 1..nbins drawn at random, some 0 = unseen). */
static void model_init(gbdt_model *m, int k, int nf, const int *ncat, int nbins)
{
    memset(m, 0, sizeof *m);
    m->loss.objective = k > 1 ? HPML_GBDT_SOFTMAX : HPML_GBDT_SQUARED_ERROR;
    m->loss.k = k;
    m->n_features = nf;
    m->base_margin = hpml_calloc((size_t)k, sizeof *m->base_margin);
    for (int c = 0; c < k; c++)
        m->base_margin[c] = 0.25 * c - 0.1;
    m->cat_bin = hpml_calloc((size_t)nf, sizeof *m->cat_bin);
    m->n_categories = hpml_calloc((size_t)nf, sizeof *m->n_categories);
    for (int j = 0; ncat && j < nf; j++) {
        if (!ncat[j])
            continue;
        m->cat_bin[j] = hpml_malloc((size_t)ncat[j]);
        m->n_categories[j] = ncat[j];
        for (int c = 0; c < ncat[j]; c++)
            m->cat_bin[j][c] = (uint8_t)(below(5) == 0 ? 0 : 1 + below(nbins));
    }
}

static int tree_add(gbdt_tree *t)
{
    if (t->n_nodes == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 16;
        t->nodes = hpml_realloc_array(t->nodes, (size_t)t->cap, sizeof *t->nodes);
    }
    memset(&t->nodes[t->n_nodes], 0, sizeof t->nodes[0]);
    return t->n_nodes++;
}

/* Appends trees to m (round-major, n_rounds rounds of k). */
static void model_trees(gbdt_model *m, int n_rounds)
{
    m->n_rounds = n_rounds;
    m->n_trees = n_rounds * m->loss.k;
    m->trees = hpml_calloc((size_t)m->n_trees, sizeof *m->trees);
}

/* Thresholds that stress the float conversion: floats, the doubles just
 * around them, midpoints between neighbouring floats, values beyond the
 * float range, subnormals, zeros and infinities. */
static double edge_threshold(int i)
{
    static const double base[] = {0.0, 1.0, -1.0, 0.1, -0.3, 3.0e-5, 16777216.0, 1.0e10,
                                  -7.5, 255.5, (double)FLT_MAX, -(double)FLT_MAX,
                                  (double)FLT_MIN, (double)FLT_TRUE_MIN, 1.0e-45, 2.0e-45};
    static const int nb = (int)(sizeof base / sizeof base[0]);
    if (i < 14) {
        static const double fixed[] = {-0.0, 1.0e300, -1.0e300, INFINITY, -INFINITY,
                                       (double)FLT_MAX * (1 + 0x1p-40), 16777217.0,
                                       1.0 + 0x1p-24, 1.0 - 0x1p-25, 1.0 + 0x1p-30,
                                       (double)FLT_TRUE_MIN / 2, (double)FLT_TRUE_MIN * 1.5,
                                       -(double)FLT_TRUE_MIN / 2, 0x1p-1000};
        return fixed[i];
    }
    double b = base[i % nb];
    float f = (float)b;
    switch ((i / nb) % 6) {
    case 0: return (double)f;
    case 1: return nextafter((double)f, INFINITY);
    case 2: return nextafter((double)f, -INFINITY);
    case 3: return ((double)f + (double)nextafterf(f, INFINITY)) / 2; /* exact midpoint */
    case 4: return ((double)f + (double)nextafterf(f, -INFINITY)) / 2;
    default: return b * (1 + (unif() - 0.5) * 1e-9);
    }
}

/* An input near a threshold: the float nearest to it and its neighbours, or
 * special values. */
static float edge_input(double t)
{
    int r = below(12);
    if (r == 0)
        return (float)(below(2) ? INFINITY : -INFINITY);
    if (r == 1)
        return below(2) ? FLT_MAX : -FLT_MAX;
    if (r == 2)
        return below(2) ? 0.0f : -0.0f;
    float f = (float)t;
    for (int s = below(5) - 2; s != 0; s += s > 0 ? -1 : 1)
        f = nextafterf(f, s > 0 ? INFINITY : -INFINITY);
    return f;
}

/* Margins of the forest and of the plain walk for x (n rows); 1 if equal bit
 * for bit (and prints the first difference otherwise). */
static int same_margins(const gbdt_model *m, const float *x, size_t n)
{
    const int k = m->loss.k;
    gbdt_forest f;
    if (gbdt_forest_build(m, &f) != HPML_OK)
        return 0;
    double *a = malloc(n * (size_t)k * sizeof *a), *b = malloc(n * (size_t)k * sizeof *b);
    float *scratch = malloc(gbdt_forest_scratch_floats(m) * sizeof *scratch);
    gbdt_forest_margins(m, &f, x, n, scratch, a);
    for (size_t i = 0; i < n; i++)
        gbdt_predict_margins(m, x + i * (size_t)m->n_features, b + i * (size_t)k);
    int same = memcmp(a, b, n * (size_t)k * sizeof *a) == 0;
    for (size_t i = 0; !same && i < n * (size_t)k; i++)
        if (memcmp(&a[i], &b[i], sizeof a[i]) != 0) {
            fprintf(stderr, "row %zu group %zu: forest %.17g, trees %.17g\n", i / (size_t)k,
                    i % (size_t)k, a[i], b[i]);
            break;
        }
    free(a);
    free(b);
    free(scratch);
    gbdt_forest_free(&f);
    return same;
}

/* One split per tree on feature 0, at an edge threshold; leaf values 0 and
 * 2^i so that the margin spells out every tree's direction exactly. Each
 * direction is also checked against the double comparison itself. */
static void test_float_thresholds(void)
{
    enum { TREES = 50, ROUNDS = 12 };
    for (int round = 0; round < ROUNDS; round++) {
        gbdt_model m;
        model_init(&m, 1, 1, NULL, 0);
        model_trees(&m, TREES);
        double th[TREES];
        for (int i = 0; i < TREES; i++) {
            gbdt_tree *t = &m.trees[i];
            int root = tree_add(t), l = tree_add(t), r = tree_add(t);
            th[i] = edge_threshold(round * TREES + i);
            t->nodes[root] = (gbdt_node){.feature = 0, .left = l, .right = r, .bin = 1,
                                         .missing_left = (uint8_t)(i & 1),
                                         .threshold = th[i]};
            t->nodes[l] = (gbdt_node){.feature = -1, .value = 0.0};
            t->nodes[r] = (gbdt_node){.feature = -1, .value = ldexp(1.0, i)};
        }
        m.base_margin[0] = 0;
        /* every tree's threshold gets inputs around it, and every input
         * meets every threshold */
        enum { N = TREES * 40 + 7 };
        static float x[N];
        for (int i = 0; i < N; i++)
            x[i] = i % 97 == 96 ? NAN : edge_input(th[(i / 40) % TREES]);
        CHECK(same_margins(&m, x, N));
        /* the plain walk itself decides as the double comparison does */
        for (int i = 0; i < N; i += 13) {
            double margin;
            gbdt_predict_margins(&m, &x[i], &margin);
            for (int tr = 0; tr < TREES; tr++) {
                int right = fmod(ldexp(margin, -tr), 2.0) >= 1.0;
                int want = isnan(x[i]) ? !(tr & 1) : !((double)x[i] < th[tr]);
                CHECK(right == want);
            }
        }
        gbdt_model_free(&m);
    }
}

/* A random subtree of at most `depth` more levels under a new node; `chain`
 * makes one child of most splits a leaf (deep, thin trees). */
static int random_node(gbdt_model *m, gbdt_tree *t, int depth, int chain, double leaf_p)
{
    int i = tree_add(t);
    if (depth == 0 || unif() < leaf_p) {
        /* values of varied magnitude, so a change of summation order shows */
        t->nodes[i].feature = -1;
        t->nodes[i].value = ldexp(unif() - 0.5, below(20) - 10);
        return i;
    }
    int j = below(m->n_features);
    gbdt_node nd = {.feature = j, .missing_left = (uint8_t)below(2), .bin = 1};
    if (m->cat_bin[j])
        nd.bin = (uint8_t)(1 + below(8));
    else
        nd.threshold = below(3) ? edge_threshold(14 + below(80)) * (unif() < 0.5 ? 1 : 0.5)
                                : unif() * 4 - 2;
    int first_leaf = chain && below(4) != 0;
    nd.left = random_node(m, t, first_leaf ? 0 : depth - 1, chain, leaf_p);
    nd.right = random_node(m, t, depth - 1, chain, leaf_p);
    t->nodes[i] = nd;
    return i;
}

/* An input for feature j: for numeric ones mostly the values thresholds are
 * drawn from, for categorical ones codes in and out of range (fractions,
 * negatives); NaN with probability p_nan. */
static float random_input(const gbdt_model *m, int j, double p_nan)
{
    if (unif() < p_nan)
        return NAN;
    if (m->cat_bin[j]) {
        int r = below(10);
        if (r == 0)
            return -0.5f;
        if (r == 1)
            return (float)below(m->n_categories[j] + 3) - 1.0f + 0.5f;
        return (float)(below(m->n_categories[j] + 2) - 1);
    }
    return below(2) ? edge_input(edge_threshold(14 + below(80))) : (float)(unif() * 4 - 2);
}

static void test_random_forests(void)
{
    static const struct {
        int k, nf, rounds, depth, chain, n;
        double leaf_p, p_nan;
    } cfg[] = {
        {1, 5, 40, 8, 0, 1000, 0.05, 0.1},    /* depthwise-like, missing values */
        {1, 5, 40, 8, 0, 1000, 0.05, 0.0},    /* no missing values at all */
        {3, 7, 10, 6, 0, 517, 0.2, 0.02},     /* softmax groups */
        {1, 4, 20, 30, 1, 700, 0.05, 0.05},   /* deep, thin trees (the deep walk) */
        {2, 6, 15, 14, 0, 333, 0.3, 0.1},     /* uneven depths around the limit */
        {1, 3, 5, 0, 0, 20, 0.0, 0.5},        /* single leaves */
        {1, 9, 25, 10, 1, 3, 0.1, 0.3},       /* fewer rows than a walk's lanes */
    };
    for (size_t c = 0; c < sizeof cfg / sizeof cfg[0]; c++) {
        int ncat[16] = {0};
        for (int j = 0; j < cfg[c].nf; j++)
            ncat[j] = j % 3 == 2 ? 2 + below(20) : 0;
        gbdt_model m;
        model_init(&m, cfg[c].k, cfg[c].nf, ncat, 8);
        model_trees(&m, cfg[c].rounds);
        for (int t = 0; t < m.n_trees; t++)
            random_node(&m, &m.trees[t], cfg[c].depth, cfg[c].chain, cfg[c].leaf_p);
        size_t n = (size_t)cfg[c].n;
        float *x = malloc(n * (size_t)cfg[c].nf * sizeof *x);
        for (size_t i = 0; i < n; i++)
            for (int j = 0; j < cfg[c].nf; j++) /* the first block without missing values */
                x[i * (size_t)cfg[c].nf + (size_t)j] =
                    random_input(&m, j, i < GBDT_BLOCK ? 0.0 : cfg[c].p_nan);
        if (!same_margins(&m, x, n)) {
            fprintf(stderr, "configuration %zu differs\n", c);
            CHECK(0);
        }
        free(x);
        gbdt_model_free(&m);
    }
}

int main(void)
{
    RUN(test_float_thresholds);
    RUN(test_random_forests);
    return check_summary();
}
