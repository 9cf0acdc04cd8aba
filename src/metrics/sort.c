/* sort.c — LSD radix argsort of floats: four 8-bit passes over an
 * order-preserving uint32 key. O(n) and stable, which matters here because the
 * metrics run on columns of tens of millions of rows (qsort on 1e7 pairs takes
 * over a second; this takes a small fraction of that). */
#include "metrics/sort.h"

#include <string.h>

#include "core/alloc.h"
#include "core/error.h"

/* Maps a non-NaN float to a uint32 ordered like the value: flip every bit of a
 * negative, set the sign bit of a positive. -0 is first made +0 so the two
 * compare equal, as they do as floats. */
static inline uint32_t float_key(float v)
{
    uint32_t u;
    if (v == 0.0f)
        v = 0.0f;
    memcpy(&u, &v, sizeof u);
    return (u & 0x80000000u) ? ~u : (u | 0x80000000u);
}

/* count[d][b]: how many keys have byte d equal to b. */
static void count_digits(const hpml_sorted_row *a, size_t n, size_t count[4][256])
{
    memset(count, 0, 4 * 256 * sizeof count[0][0]);
    for (size_t i = 0; i < n; i++) {
        uint32_t k = a[i].key;
        count[0][k & 0xff]++;
        count[1][(k >> 8) & 0xff]++;
        count[2][(k >> 16) & 0xff]++;
        count[3][k >> 24]++;
    }
}

/* One stable scatter pass on byte d from src into dst. */
static void scatter(const hpml_sorted_row *restrict src, hpml_sorted_row *restrict dst, size_t n,
                    int d, const size_t count[256])
{
    size_t pos[256], sum = 0;
    for (int b = 0; b < 256; b++) {
        pos[b] = sum;
        sum += count[b];
    }
    int shift = 8 * d;
    for (size_t i = 0; i < n; i++)
        dst[pos[(src[i].key >> shift) & 0xff]++] = src[i];
}

hpml_status hpml_metrics_argsort(const float *x, size_t stride, size_t n, hpml_sorted_row **out)
{
    *out = NULL;
    if (n > UINT32_MAX)
        return hpml_fail(HPML_ERR_ARG, "cannot rank %zu values: at most %lu are supported", n,
                         (unsigned long)UINT32_MAX);
    hpml_sorted_row *a = hpml_malloc_array(n, sizeof *a);
    hpml_sorted_row *b = hpml_malloc_array(n, sizeof *b);
    if (!a || !b)
        goto fail;
    for (size_t i = 0; i < n; i++) {
        a[i].key = float_key(x[i * stride]);
        a[i].row = (uint32_t)i;
    }
    size_t count[4][256];
    count_digits(a, n, count);
    for (int d = 0; d < 4; d++) {
        /* A byte that every key shares (e.g. the exponent byte of values in
         * [0,1)) leaves the order unchanged: skip the pass. */
        if (n && count[d][(a[0].key >> (8 * d)) & 0xff] == n)
            continue;
        scatter(a, b, n, d, count[d]);
        hpml_sorted_row *t = a;
        a = b;
        b = t;
    }
    hpml_free(b);
    *out = a;
    return HPML_OK;
fail:
    hpml_free(a);
    hpml_free(b);
    return HPML_ERR_NOMEM;
}
