/* split.h — the best split of a node from its histograms (internal).
 *
 * Gain as XGBoost computes it (loss_chg, without the 1/2):
 *   score(G, H) = T(G)^2 / (H + lambda),  T(G) = sign(G) max(|G| - alpha, 0)
 *   gain = score(G_L, H_L) + score(G_R, H_R) - score(G, H)
 * A split is kept if gain > gamma, both children have H >= min_child_weight
 * and at least min_samples_leaf rows. Leaf value: -T(G) / (H + lambda).
 * G and H are the integer sums divided by the round's scales.
 * Ties: the lower feature wins, then missing right over missing left; among
 * equal gains of one feature, the lower bin with missing right and the higher
 * bin with missing left (as XGBoost 1.7, which scans that pass downwards), so
 * the choice is the same everywhere and thresholds match XGBoost's.
 */
#ifndef HPML_GBDT_SPLIT_H
#define HPML_GBDT_SPLIT_H

#include "gbdt/hist.h"

typedef struct gbdt_split_params {
    double lambda, alpha, gamma, min_child_weight;
    int64_t min_samples_leaf;
} gbdt_split_params;

typedef struct gbdt_split {
    int feature;          /* -1: no split improves the node */
    int bin;              /* value bins 1..bin go left, bin+1.. go right */
    int missing_left;     /* where bin 0 (missing) goes */
    double gain;
    gbdt_bin_sum left, right;
} gbdt_split;

double gbdt_leaf_value(double G, double H, const gbdt_split_params *p);

/* Updates *best with the best split of feature j (packed sums gh[0..n_bins],
 * bin 0 = missing; row counts cnt, or NULL when min_samples_leaf is 1; node
 * sums `total`) if it beats *best. Initialise best->feature to -1 and
 * best->gain to the minimum gain (gamma). Without counts, left.n and right.n
 * are not set. An empty child never wins: its gain is exactly 0. */
void gbdt_split_feature(const int64_t *gh, const int64_t *cnt, int n_bins,
                        const gbdt_bin_sum *total, const gbdt_quant *q,
                        const gbdt_split_params *p, int j, gbdt_split *best);

#endif
