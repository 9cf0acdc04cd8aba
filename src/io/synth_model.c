/* synth_model.c — the generating model of the synthetic drug-response
 * screen: parameters, latent variables, expression, descriptors, responses.
 * The constants are the ones docs/synth.md quotes; change both together. */
#include "io/synth_model.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/rng.h"

#define K SYNTH_PROGRAMS
#define L SYNTH_LINEAGES
#define H SYNTH_CHEMOTYPES
#define GENE_STRIDE (2 + L + K) /* baseline, noise sd, L offsets, K loadings */

static const char *const lineage_names[L] = {
    "lung", "breast", "haematopoietic", "skin", "large_intestine", "central_nervous_system",
};
static const double lineage_weight[L] = {0.22, 0.12, 0.20, 0.14, 0.16, 0.16};
/* blood-cancer lines are more sensitive to most drugs (as in GDSC) */
static const double lineage_shift[L] = {0, 0, -0.8, 0, 0, 0};

/* response: y = Y_MEAN + potency + sensitivity - INTER_AMP * max(0, tanh(u))
 * + noise * NOISE_SCALE * clamp(t3, +-NOISE_CLIP), u = z . v / (1.5 sqrt K) */
#define Y_MEAN 2.8
#define INTER_AMP 3.5
#define NOISE_SCALE 0.45
#define NOISE_CLIP 12.0

/* ------------------------------------------------------------- streams */

enum {
    DOM_LINEAGE = 1, DOM_CHEM, DOM_GENE, DOM_CELL, DOM_EXPR, DOM_DRUG, DOM_DESC, DOM_PAIR, DOM_COL
};

/* splitmix64 from a start that hashes (seed, domain, index); Box-Muller
 * Gaussians with the second value kept for the next call. */
typedef struct stream {
    uint64_t s;
    int have;
    double spare;
} stream;

static stream stream_at(uint64_t seed, int domain, uint64_t index)
{
    uint64_t key = hpml_mix64(seed ^ hpml_mix64(0x5eed000000000000ULL + (uint64_t)domain));
    stream r = {hpml_mix64(key ^ hpml_mix64(index)), 0, 0.0};
    return r;
}

static uint64_t next_u64(stream *r)
{
    uint64_t x = hpml_mix64(r->s);
    r->s += 0x9e3779b97f4a7c15ULL;
    return x;
}

/* uniform in [0, 1) */
static double unif(stream *r) { return (double)(next_u64(r) >> 11) * 0x1.0p-53; }

static double gauss(stream *r)
{
    if (r->have) {
        r->have = 0;
        return r->spare;
    }
    double rad = sqrt(-2.0 * log(1.0 - unif(r))); /* 1 - u in (0, 1]: log finite */
    double ang = 6.283185307179586 * unif(r);
    r->spare = rad * sin(ang);
    r->have = 1;
    return rad * cos(ang);
}

/* Student-t with 3 degrees of freedom, by Bailey's polar method (Math.
 * Comp. 62, 1994): (U, V) uniform in the unit disc, W = U^2 + V^2, then
 * T = U sqrt(3 (W^(-2/3) - 1) / W). One cube root instead of the four
 * Gaussians of z / sqrt(chi2_3 / 3): a quarter off the time of responses.csv
 * (17M rows, one thread: 2.65 -> 1.97 s). */
static double student_t3(stream *r)
{
    double u, w;
    do {
        u = 2.0 * unif(r) - 1.0;
        double v = 2.0 * unif(r) - 1.0;
        w = u * u + v * v;
    } while (w >= 1.0 || w == 0.0);
    return u * sqrt(3.0 * (1.0 / cbrt(w * w) - 1.0) / w);
}

static double clamp(double x, double lo, double hi) { return x < lo ? lo : x > hi ? hi : x; }

/* --------------------------------------------------- descriptor columns */

static void desc_col_init(synth_desc_col *dc, uint64_t seed, int j)
{
    static const struct {
        const char *name;
        synth_desc_kind kind;
        int decimals;
        double mean, sd, lo, hi;
    } named[] = {
        {"MolWt", SYNTH_DESC_CONTINUOUS, 2, 420, 90, 80, 1500},
        {"MolLogP", SYNTH_DESC_CONTINUOUS, 3, 2.8, 1.4, -5, 10},
        {"TPSA", SYNTH_DESC_CONTINUOUS, 2, 90, 35, 0, 400},
        {"NumHDonors", SYNTH_DESC_COUNT, 0, 2, 0, 0, 15},
        {"NumHAcceptors", SYNTH_DESC_COUNT, 0, 6, 0, 0, 30},
        {"NumRotatableBonds", SYNTH_DESC_COUNT, 0, 6, 0, 0, 40},
        {"NumAromaticRings", SYNTH_DESC_COUNT, 0, 2, 0, 0, 10},
    };
    memset(dc, 0, sizeof *dc);
    if (j < (int)(sizeof named / sizeof named[0])) {
        snprintf(dc->name, sizeof dc->name, "%s", named[j].name);
        dc->kind = named[j].kind;
        dc->decimals = named[j].decimals;
        dc->mean = named[j].mean;
        dc->sd = named[j].sd;
        dc->lo = named[j].lo;
        dc->hi = named[j].hi;
        return;
    }
    /* the rest by position, so the header does not depend on the seed:
     * 3 in 10 physico-chemical, 2 in 10 counts, 5 in 10 fingerprint bits */
    stream r = stream_at(seed, DOM_COL, (uint64_t)j);
    int slot = j % 10;
    if (slot < 3) {
        *dc = (synth_desc_col){SYNTH_DESC_CONTINUOUS, 3, 0, 1, -10, 10, 0, {0}};
        snprintf(dc->name, sizeof dc->name, "phys_%04d", j + 1);
    } else if (slot < 5) {
        *dc = (synth_desc_col){SYNTH_DESC_COUNT, 0, 1 + 4 * unif(&r), 0, 0, 99, 0, {0}};
        snprintf(dc->name, sizeof dc->name, "count_%04d", j + 1);
    } else {
        *dc = (synth_desc_col){SYNTH_DESC_BIT, 0, 0, 0, 0, 1, -1 + 0.7 * gauss(&r), {0}};
        snprintf(dc->name, sizeof dc->name, "fp_%04d", j + 1);
    }
}

/* ------------------------------------------------------------ the model */

void synth_model_free(synth_model *m)
{
    hpml_free(m->chem_desc);
    hpml_free(m->gene);
    hpml_free(m->desc);
    hpml_free(m->cell_lineage);
    hpml_free(m->cell_z);
    hpml_free(m->cell_sens);
    hpml_free(m->drug_chem);
    hpml_free(m->drug_v);
    hpml_free(m->drug_pot);
    hpml_free(m->drug_xi);
    memset(m, 0, sizeof *m);
}

static void draw_lineages_and_chemotypes(synth_model *m)
{
    for (int l = 0; l < L; l++) {
        stream r = stream_at(m->seed, DOM_LINEAGE, (uint64_t)l);
        for (int k = 0; k < K; k++)
            m->lin_mu[l][k] = gauss(&r);
        m->lin_sens[l] = lineage_shift[l] + 0.4 * gauss(&r);
    }
    for (int h = 0; h < H; h++) {
        stream r = stream_at(m->seed, DOM_CHEM, (uint64_t)h);
        for (int k = 0; k < K; k++)
            m->chem_target[h][k] = gauss(&r);
        m->chem_potency[h] = 1.2 * gauss(&r);
        for (int j = 0; j < m->n_desc; j++)
            m->chem_desc[(size_t)h * m->n_desc + j] = (float)gauss(&r);
    }
}

static void draw_genes(synth_model *m)
{
    for (int g = 0; g < m->n_genes; g++) {
        stream r = stream_at(m->seed, DOM_GENE, (uint64_t)g);
        float *p = m->gene + (size_t)g * GENE_STRIDE;
        p[0] = (float)clamp(5.5 + 2.5 * gauss(&r), 0.5, 13.0); /* baseline */
        p[1] = (float)(0.25 + 0.5 * unif(&r));                 /* noise sd */
        for (int l = 0; l < L; l++) {                          /* lineage offsets */
            int marker = unif(&r) < 0.08;
            p[2 + l] = (float)((marker ? 2.0 : 0.4) * gauss(&r));
        }
        for (int k = 0; k < K; k++) { /* sparse loadings on the programs */
            int loads = unif(&r) < 0.35;
            double w = 0.7 * gauss(&r);
            p[2 + L + k] = loads ? (float)w : 0.0f;
        }
    }
}

static void draw_cells(synth_model *m)
{
    for (int c = 0; c < m->n_cells; c++) {
        stream r = stream_at(m->seed, DOM_CELL, (uint64_t)c);
        double u = unif(&r), acc = 0;
        int l = 0;
        while (l < L - 1 && u >= (acc += lineage_weight[l]))
            l++;
        m->cell_lineage[c] = (uint8_t)l;
        double *z = m->cell_z + (size_t)c * K;
        for (int k = 0; k < K; k++)
            z[k] = m->lin_mu[l][k] + 0.8 * gauss(&r);
        m->cell_sens[c] = m->lin_sens[l] + 0.35 * z[0] + 0.3 * gauss(&r);
    }
}

static void draw_drugs(synth_model *m)
{
    for (int d = 0; d < m->n_drugs; d++) {
        stream r = stream_at(m->seed, DOM_DRUG, (uint64_t)d);
        int h = (int)(unif(&r) * H);
        m->drug_chem[d] = (uint8_t)h;
        double *v = m->drug_v + (size_t)d * K;
        for (int k = 0; k < K; k++)
            v[k] = m->chem_target[h][k] + 0.6 * gauss(&r);
        m->drug_xi[d] = gauss(&r);
        m->drug_pot[d] = m->chem_potency[h] + 0.5 * m->drug_xi[d] + 0.8 * gauss(&r);
    }
}

hpml_status synth_model_init(synth_model *m, const hpml_synth_spec *spec)
{
    memset(m, 0, sizeof *m);
    m->seed = spec->seed;
    m->n_cells = spec->cells;
    m->n_drugs = spec->drugs;
    m->n_genes = spec->genes;
    m->n_desc = spec->descriptors;
    m->missing = spec->missing_pairs;
    m->noise = spec->noise;
    size_t nc = (size_t)m->n_cells, nd = (size_t)m->n_drugs;
    if (!(m->chem_desc = hpml_malloc_array((size_t)H * m->n_desc, sizeof *m->chem_desc)) ||
        !(m->gene = hpml_malloc_array((size_t)m->n_genes * GENE_STRIDE, sizeof *m->gene)) ||
        !(m->desc = hpml_malloc_array((size_t)m->n_desc, sizeof *m->desc)) ||
        !(m->cell_lineage = hpml_malloc(nc)) ||
        !(m->cell_z = hpml_malloc_array(nc * K, sizeof *m->cell_z)) ||
        !(m->cell_sens = hpml_malloc_array(nc, sizeof *m->cell_sens)) ||
        !(m->drug_chem = hpml_malloc(nd)) ||
        !(m->drug_v = hpml_malloc_array(nd * K, sizeof *m->drug_v)) ||
        !(m->drug_pot = hpml_malloc_array(nd, sizeof *m->drug_pot)) ||
        !(m->drug_xi = hpml_malloc_array(nd, sizeof *m->drug_xi))) {
        synth_model_free(m);
        return HPML_ERR_NOMEM; /* the allocator has set the message */
    }
    for (int j = 0; j < m->n_desc; j++)
        desc_col_init(&m->desc[j], m->seed, j);
    draw_lineages_and_chemotypes(m);
    draw_genes(m);
    draw_cells(m);
    draw_drugs(m);
    return HPML_OK;
}

const char *synth_lineage_name(int l) { return l >= 0 && l < L ? lineage_names[l] : "?"; }

/* ------------------------------------------------------------ the values */

void synth_cell_expression(const synth_model *m, int c, double *out)
{
    stream r = stream_at(m->seed, DOM_EXPR, (uint64_t)c);
    const int l = m->cell_lineage[c];
    const double *z = m->cell_z + (size_t)c * K;
    for (int g = 0; g < m->n_genes; g++) {
        const float *p = m->gene + (size_t)g * GENE_STRIDE;
        double x = p[0] + p[2 + l];
        for (int k = 0; k < K; k++)
            x += p[2 + L + k] * z[k];
        out[g] = clamp(x + p[1] * gauss(&r), 0.0, SYNTH_EXPR_MAX);
    }
}

void synth_drug_descriptors(const synth_model *m, int d, double *out)
{
    stream r = stream_at(m->seed, DOM_DESC, (uint64_t)d);
    const float *cen = m->chem_desc + (size_t)m->drug_chem[d] * m->n_desc;
    for (int j = 0; j < m->n_desc; j++) {
        const synth_desc_col *dc = &m->desc[j];
        /* MolLogP carries the drug's own lipophilicity, which also moves its
         * potency: one descriptor with a direct, linear link to the response */
        double e = cen[j] + 0.6 * (j == 1 ? m->drug_xi[d] : gauss(&r));
        double v;
        switch (dc->kind) {
        case SYNTH_DESC_CONTINUOUS: v = dc->mean + dc->sd * e; break;
        case SYNTH_DESC_COUNT: v = floor(dc->mean * exp(0.5 * e) + 0.5); break;
        default: v = unif(&r) < 1.0 / (1.0 + exp(-(dc->bias + 2.5 * cen[j]))); break;
        }
        out[j] = clamp(v, dc->lo, dc->hi);
    }
}

int synth_response(const synth_model *m, int c, int d, double *y)
{
    stream r = stream_at(m->seed, DOM_PAIR, (uint64_t)c * (uint64_t)m->n_drugs + (uint64_t)d);
    if (unif(&r) < m->missing)
        return 0;
    const double *z = m->cell_z + (size_t)c * K, *v = m->drug_v + (size_t)d * K;
    double u = 0;
    for (int k = 0; k < K; k++)
        u += z[k] * v[k];
    u *= 1.0 / (1.5 * sqrt((double)K));
    double inter = -INTER_AMP * fmax(0.0, tanh(u));
    double eps = m->noise > 0 ? NOISE_SCALE * clamp(student_t3(&r), -NOISE_CLIP, NOISE_CLIP) : 0;
    *y = Y_MEAN + m->drug_pot[d] + m->cell_sens[c] + inter + m->noise * eps;
    return 1;
}
