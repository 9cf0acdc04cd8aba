/* split.c — scanning a feature's bins for the best threshold and missing side. */
#include "gbdt/split.h"

#include <math.h>

static double soft_threshold(double G, double alpha)
{
    if (G > alpha)
        return G - alpha;
    if (G < -alpha)
        return G + alpha;
    return 0.0;
}

double gbdt_score(double G, double H, const gbdt_split_params *p)
{
    double t = soft_threshold(G, p->alpha);
    return t * t / (H + p->lambda);
}

double gbdt_leaf_value(double G, double H, const gbdt_split_params *p)
{
    return -soft_threshold(G, p->alpha) / (H + p->lambda);
}

static int child_ok(const gbdt_bin_sum *s, int counted, const gbdt_quant *q,
                    const gbdt_split_params *p)
{
    return (!counted || s->n >= p->min_samples_leaf) &&
           (double)s->h / q->scale_h >= p->min_child_weight;
}

void gbdt_split_feature(const int64_t *gh, const int64_t *cnt, int n_bins,
                        const gbdt_bin_sum *total, const gbdt_quant *q,
                        const gbdt_split_params *p, int j, gbdt_split *best)
{
    double parent = gbdt_score((double)total->g / q->scale_g, (double)total->h / q->scale_h, p);
    const int counted = cnt != NULL;
    gbdt_bin_sum miss = {gbdt_packed_g(gh[0]), gbdt_packed_h(gh[0]), counted ? cnt[0] : 0};
    int has_missing = counted ? miss.n > 0 : gh[0] != 0;
    /* missing right first, then (if there are missing rows) missing left */
    for (int ml = 0; ml <= has_missing; ml++) {
        gbdt_bin_sum left = ml ? miss : (gbdt_bin_sum){0, 0, 0};
        for (int b = 1; b < n_bins; b++) { /* bins 1..b left */
            /* an empty bin repeats the previous candidate, at the same gain:
             * with missing right the lower bin wins such ties, with missing
             * left the higher one (XGBoost scans that pass downwards) */
            if (gh[b] == 0 && (!counted || cnt[b] == 0)) {
                if (ml && best->feature == j && best->missing_left && best->bin == b - 1)
                    best->bin = b;
                continue;
            }
            left.g += gbdt_packed_g(gh[b]);
            left.h += gbdt_packed_h(gh[b]);
            if (counted)
                left.n += cnt[b];
            gbdt_bin_sum right = {total->g - left.g, total->h - left.h, total->n - left.n};
            if (!child_ok(&left, counted, q, p) || !child_ok(&right, counted, q, p))
                continue;
            double gain = gbdt_score((double)left.g / q->scale_g, (double)left.h / q->scale_h, p) +
                          gbdt_score((double)right.g / q->scale_g, (double)right.h / q->scale_h, p) -
                          parent;
            if (gain > best->gain ||
                (ml && gain == best->gain && best->feature == j && best->missing_left)) {
                best->feature = j;
                best->bin = b;
                best->missing_left = ml;
                best->gain = gain;
                best->left = left;
                best->right = right;
            }
        }
    }
}
