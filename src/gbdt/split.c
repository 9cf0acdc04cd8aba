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
 * side by side (SSE2 on x86-64: one division for both). */
typedef double v2d __attribute__((vector_size(16)));
typedef int64_t v2i __attribute__((vector_size(16)));

/* soft_threshold(G, a)^2 / (H + l), lane by lane. */
static inline v2d score2(v2d G, v2d H, double alpha, double lambda)
{
    const v2d a = {alpha, alpha}, l = {lambda, lambda};
    v2i up = G > a, down = (G < -a) & ~up; /* soft_threshold's branches */
    v2d t = (v2d)((up & (v2i)(G - a)) | (down & (v2i)(G + a)));
    return t * t / (H + l);
}

/* gbdt_split_feature without row counts and without L1 (alpha 0), the
 * same candidates in the same order with the same gains: the sums are
 * integers below 2^53, so they are carried exactly in doubles (no
 * conversion per candidate), and soft(G, 0) is G. */
static void scan_plain(const int64_t *gh, int n_bins, const gbdt_bin_sum *all,
                       const gbdt_bin_sum *miss, int has_missing, double lambda, double k,
                       double parent, int64_t h_min, int j, gbdt_split *top)
{
    const double tg = (double)all->g, th = (double)all->h, hmin = (double)h_min;
    const v2d l = {lambda, lambda};
    gbdt_split t = *top; /* in registers */
    for (int ml = 0; ml <= has_missing; ml++) {
        double lg = ml ? (double)miss->g : 0, lh = ml ? (double)miss->h : 0;
        for (int b = 1; b < n_bins; b++) {
            const int64_t v = gh[b];
            if (v == 0) { /* as in gbdt_split_feature */
                if (ml && t.feature == j && t.missing_left && t.bin == b - 1)
                    t.bin = b;
                continue;
            }
            lg += (double)gbdt_packed_g(v);
            lh += (double)gbdt_packed_h(v);
            const double rg = tg - lg, rh = th - lh;
            if (lh < hmin || rh < hmin)
                continue;
            const v2d G = {lg, rg}, H = {lh, rh};
            const v2d s = G * G / (H + l);
            const double gain = k * (s[0] + s[1] - parent);
            if (gain > t.gain ||
                (ml && gain == t.gain && t.feature == j && t.missing_left)) {
                t.feature = j;
                t.bin = b;
                t.missing_left = ml;
                t.gain = gain;
                t.left = (gbdt_bin_sum){(int64_t)lg, (int64_t)lh, 0};
                t.right = (gbdt_bin_sum){(int64_t)rg, (int64_t)rh, all->n};
            }
        }
    }
    *top = t;
}

/* The scan works on the integer sums directly: with G = g / sg and
 * H = h / sh, soft(G, alpha)^2 / (H + lambda) = k soft(g, alpha sg)^2 /
 * (h + lambda sh), k = sh / sg^2 — one division per candidate instead of
 * three. The parent's score is computed the same way, so a split that
 * changes nothing has a gain of exactly 0. */
void gbdt_split_feature(const int64_t *gh, const int64_t *cnt, int n_bins,
                        const gbdt_bin_sum *total, const gbdt_quant *q,
                        const gbdt_split_params *p, int j, gbdt_split *best)
{
    const double alpha = p->alpha * q->scale_g, lambda = p->lambda * q->scale_h;
    const double k = q->scale_h / (q->scale_g * q->scale_g);
    const v2d tot = score2((v2d){(double)total->g, 0}, (v2d){(double)total->h, 0}, alpha, lambda);
    const double parent = tot[0];
    const int counted = cnt != NULL;
    const int64_t h_min = least_hessian(q, p->min_child_weight);
    gbdt_bin_sum miss = {gbdt_packed_g(gh[0]), gbdt_packed_h(gh[0]), counted ? cnt[0] : 0};
    int has_missing = counted ? miss.n > 0 : gh[0] != 0;
    /* the best so far in registers (*best may alias the sums, as far as the
     * compiler knows: it would reload it from memory at every bin) */
    gbdt_split top = *best;
    const gbdt_bin_sum all = *total;
    const int64_t msl = p->min_samples_leaf;
    if (!counted && p->alpha == 0) { /* the usual case, about twice as fast */
        scan_plain(gh, n_bins, &all, &miss, has_missing, lambda, k, parent, h_min, j, &top);
        *best = top;
        return;
    }
    /* missing right first, then (if there are missing rows) missing left */
    for (int ml = 0; ml <= has_missing; ml++) {
        gbdt_bin_sum left = ml ? miss : (gbdt_bin_sum){0, 0, 0};
        for (int b = 1; b < n_bins; b++) { /* bins 1..b left */
            /* an empty bin repeats the previous candidate, at the same gain:
             * with missing right the lower bin wins such ties, with missing
             * left the higher one (XGBoost scans that pass downwards) */
            if (gh[b] == 0 && (!counted || cnt[b] == 0)) {
                if (ml && top.feature == j && top.missing_left && top.bin == b - 1)
                    top.bin = b;
                continue;
            }
            left.g += gbdt_packed_g(gh[b]);
            left.h += gbdt_packed_h(gh[b]);
            if (counted)
                left.n += cnt[b];
            gbdt_bin_sum right = {all.g - left.g, all.h - left.h, all.n - left.n};
            if (left.h < h_min || right.h < h_min ||
                (counted && (left.n < msl || right.n < msl)))
                continue;
            v2d G = {(double)left.g, (double)right.g}, H = {(double)left.h, (double)right.h};
            v2d s = score2(G, H, alpha, lambda);
            double gain = k * (s[0] + s[1] - parent);
            if (gain > top.gain ||
                (ml && gain == top.gain && top.feature == j && top.missing_left)) {
                top.feature = j;
                top.bin = b;
                top.missing_left = ml;
                top.gain = gain;
                top.left = left;
                top.right = right;
            }
        }
    }
    *best = top;
}
