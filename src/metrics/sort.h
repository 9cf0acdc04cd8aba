/* sort.h — stable argsort of float values for the rank-based metrics (internal).
 *
 * AUC and Spearman need the rows in value order with ties grouped; both walk
 * the sorted array, so the sort hands back keys as well as row indices.
 */
#ifndef HPML_METRICS_SORT_H
#define HPML_METRICS_SORT_H

#include <stddef.h>
#include <stdint.h>

#include "hpml.h"

/* One row in sorted order: key orders like the float value (equal keys <=>
 * equal values, -0 and +0 included), row is the index i of x[i * stride]. */
typedef struct hpml_sorted_row {
    uint32_t key;
    uint32_t row;
} hpml_sorted_row;

/* Sorts x[i * stride], i < n, ascending into *out (n entries, caller frees
 * with hpml_free). Stable, so the order is fully determined by the input.
 * Values must not be NaN (callers validate first). Fails with HPML_ERR_ARG if
 * n > UINT32_MAX, HPML_ERR_NOMEM on allocation; *out is then NULL. */
hpml_status hpml_metrics_argsort(const float *x, size_t stride, size_t n, hpml_sorted_row **out);

#endif
