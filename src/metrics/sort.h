/* sort.h — stable radix sort of float keys for the rank-based metrics (internal).
 *
 * AUC and Spearman need rows in value order with ties grouped; both walk the
 * sorted array, so the sort hands back keys with a 32-bit payload: the row
 * index (Spearman scatters ranks back through it) or whatever the caller
 * needs next to the key (AUC stores the label, so its walk reads no other
 * array: on 2e7 rows that halves the time).
 */
#ifndef HPML_METRICS_SORT_H
#define HPML_METRICS_SORT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "hpml.h"

/* key orders like the float value it came from (equal keys <=> equal values,
 * -0 and +0 included); row is the caller's payload. */
typedef struct hpml_sorted_row {
    uint32_t key;
    uint32_t row;
} hpml_sorted_row;

/* Maps a non-NaN float to a uint32 ordered like the value: flip every bit of
 * a negative, set the sign bit of a positive. -0 is first made +0 so the two
 * compare equal, as they do as floats. */
static inline uint32_t hpml_metrics_float_key(float v)
{
    uint32_t u;
    if (v == 0.0f)
        v = 0.0f;
    memcpy(&u, &v, sizeof u);
    return (u & 0x80000000u) ? ~u : (u | 0x80000000u);
}

/* Sorts a[0..n) by key, stably, so the result depends only on the input.
 * Fails only on allocation (HPML_ERR_NOMEM), leaving a as it was. */
hpml_status hpml_metrics_sort_rows(hpml_sorted_row *a, size_t n);

/* Argsort: *out (n entries, caller frees with hpml_free) gets the values
 * x[i * stride], i < n, in ascending order with row = i. Values must not be
 * NaN (callers validate first). Fails with HPML_ERR_ARG if n > UINT32_MAX
 * (the message names fn, the metric asking), HPML_ERR_NOMEM on allocation;
 * *out is then NULL. */
hpml_status hpml_metrics_argsort(const char *fn, const float *x, size_t stride, size_t n,
                                 hpml_sorted_row **out);

#endif
