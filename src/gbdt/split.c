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

/* The least integer hessian sum h with (double)h / scale_h >= mcw. fl(h / s)
 * never decreases as h grows, so "h >= least_hessian" is exactly the test
 * min_child_weight asks for, without a division per bin and child. */
static int64_t least_hessian(const gbdt_quant *q, double mcw)
{
    if (mcw != mcw)
        return INT64_MAX;
    if (!(mcw > 0))
        return 0; /* h >= 0 */
    double est = mcw * q->scale_h;
    if (est > 0x1.0p40) /* beyond every sum (< 2^31): no child passes */
        return INT64_MAX;
    int64_t h = (int64_t)ceil(est);
    while (h > 0 && (double)(h - 1) / q->scale_h >= mcw)
        h--;
    while ((double)h / q->scale_h < mcw)
        h++;
    return h;
}

/* Two lanes of doubles: the left and the right child's score are computed
 * side by side (SSE2 on x86-64: half the divisions, which bound the scan).
 * Lane by lane the operations are gbdt_score's, so the values are the same. */
typedef double v2d __attribute__((vector_size(16)));
typedef int64_t v2i __attribute__((vector_size(16)));

static inline v2d score2(v2d G, v2d H, double alpha, double lambda)
{
    const v2d a = {alpha, alpha}, l = {lambda, lambda};
    v2i up = G > a, down = (G < -a) & ~up; /* soft_threshold's branches */
    v2d t = (v2d)((up & (v2i)(G - a)) | (down & (v2i)(G + a)));
    return t * t / (H + l);
}

void gbdt_split_feature(const int64_t *gh, const int64_t *cnt, int n_bins,
                        const gbdt_bin_sum *total, const gbdt_quant *q,
                        const gbdt_split_params *p, int j, gbdt_split *best)
{
    double parent = gbdt_score((double)total->g / q->scale_g, (double)total->h / q->scale_h, p);
    const int counted = cnt != NULL;
    const int64_t h_min = least_hessian(q, p->min_child_weight);
    const v2d sg = {q->scale_g, q->scale_g}, sh = {q->scale_h, q->scale_h};
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
            if (left.h < h_min || right.h < h_min ||
                (counted && (left.n < p->min_samples_leaf || right.n < p->min_samples_leaf)))
                continue;
            v2d G = {(double)left.g, (double)right.g}, H = {(double)left.h, (double)right.h};
            v2d s = score2(G / sg, H / sh, p->alpha, p->lambda);
            double gain = s[0] + s[1] - parent;
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
