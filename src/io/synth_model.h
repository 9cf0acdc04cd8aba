/* synth_model.h — the generating model of the synthetic drug-response screen
 * (internal). docs/synth.md gives the formulas for a reader who is a
 * biologist; the constants below are the ones it quotes.
 *
 * Every cell, drug, gene, descriptor column, lineage, chemotype and cell x
 * drug pair draws from its own counter-based random stream, keyed by (seed,
 * what it is, its index). So any value can be computed alone, in any order,
 * on any thread, and comes out the same: this is what makes the files
 * independent of the thread count and of how the work is cut.
 */
#ifndef HPML_IO_SYNTH_MODEL_H
#define HPML_IO_SYNTH_MODEL_H

#include <stdint.h>

#include "hpml.h"

#define SYNTH_PROGRAMS 8    /* K: latent expression programs per cell */
#define SYNTH_LINEAGES 6    /* L: tissues of origin */
#define SYNTH_CHEMOTYPES 8  /* H: latent drug families */
#define SYNTH_EXPR_MAX 16.0 /* expression is clamped to [0, 16] (log2 scale) */

typedef enum synth_desc_kind {
    SYNTH_DESC_CONTINUOUS = 0, /* mean + sd * (centroid + within-family noise) */
    SYNTH_DESC_COUNT = 1,      /* round(mean * exp(0.5 * (centroid + noise))) */
    SYNTH_DESC_BIT = 2         /* Bernoulli(sigmoid(bias + 2.5 * centroid)) */
} synth_desc_kind;

/* One descriptor column: its kind, name and constants. */
typedef struct synth_desc_col {
    synth_desc_kind kind;
    int decimals;          /* digits written after the point */
    double mean, sd;       /* continuous: location and scale; count: mean */
    double lo, hi;         /* clamp of the written value */
    double bias;           /* bits: log-odds of a bit at centroid 0 */
    char name[32];
} synth_desc_col;

typedef struct synth_model {
    uint64_t seed;
    int n_cells, n_drugs, n_genes, n_desc;
    double missing, noise;
    /* lineages: program means (L x K) and general sensitivity */
    double lin_mu[SYNTH_LINEAGES][SYNTH_PROGRAMS], lin_sens[SYNTH_LINEAGES];
    /* chemotypes: latent target (H x K), potency, descriptor centroids (H x n_desc) */
    double chem_target[SYNTH_CHEMOTYPES][SYNTH_PROGRAMS], chem_potency[SYNTH_CHEMOTYPES];
    float *chem_desc;
    /* genes (n_genes rows of GENE_STRIDE): baseline, noise sd, L lineage
     * offsets, K program loadings */
    float *gene;
    synth_desc_col *desc;          /* n_desc */
    /* cells: lineage, programs (n_cells x K), general sensitivity */
    uint8_t *cell_lineage;
    double *cell_z, *cell_sens;
    /* drugs: chemotype, target (n_drugs x K), potency, lipophilicity deviation */
    uint8_t *drug_chem;
    double *drug_v, *drug_pot, *drug_xi;
} synth_model;

/* Draws the model's parameters and every cell's and drug's latent variables
 * (spec checked by the caller). On failure everything is freed. */
hpml_status synth_model_init(synth_model *m, const hpml_synth_spec *spec);
void synth_model_free(synth_model *m);

/* Name of lineage l ("lung", ...), static storage. */
const char *synth_lineage_name(int l);

/* Expression of every gene of cell c into out[0..n_genes), in [0, 16]. */
void synth_cell_expression(const synth_model *m, int c, double *out);

/* Every descriptor of drug d into out[0..n_desc): integers for counts and
 * bits, clamped to the column's [lo, hi]. */
void synth_drug_descriptors(const synth_model *m, int d, double *out);

/* ln IC50 of cell c and drug d into *y; returns 0 (and leaves *y alone) if
 * the pair is one of the unmeasured ones. */
int synth_response(const synth_model *m, int c, int d, double *y);

#endif
