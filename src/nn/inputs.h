/* inputs.h — a net's inputs for a set of dataset rows, kept factorised over
 * a star schema (internal).
 *
 * The net's input columns are split into parts: part 0 holds the inputs of
 * the fact table's own features, part 1 + t those of join t's features (a
 * feature's one-hot inputs and its missing indicator included). Each part
 * keeps encoded rows (standardised, one-hot, indicators: nn_prep_encode)
 * of its own columns only: the fact part one per row (n x its width: the
 * fact table's features, few), a join's part one per dimension row that the
 * rows use, plus one all-missing row if some row has none (on_missing NAN).
 * A row's full input is its fact row beside its dimension rows; it is put
 * together per batch (nn_inputs_gather) or never (an MLP's first layer:
 * factor.h). Nothing of rows x all inputs is allocated for a star schema. A
 * dataset of one table has a single part holding every input, as before.
 */
#ifndef HPML_NN_INPUTS_H
#define HPML_NN_INPUTS_H

#include <stddef.h>
#include <stdint.h>

#include "dist/dist.h"
#include "hpml.h"
#include "nn/prep.h"

/* Net inputs [lo, hi) are columns [off, off + hi - lo) of a part's rows. */
typedef struct nn_run {
    int lo, hi, off;
} nn_run;

typedef struct nn_part {
    int width;               /* columns of its rows: the inputs of its runs */
    int n_runs;
    nn_run *runs;            /* owned, n_runs, ascending by lo */
    size_t n_rows;           /* encoded rows */
    float *x;                /* n_rows x width, NULL when that is empty: owned
                                (hpml_big_alloc of x_bytes), or (x_bytes 0) the
                                nn_inputs' shared memory */
    size_t x_bytes;
    size_t n_dim;            /* joins: rows of the dimension table */
    int32_t *map;            /* joins: owned, n_dim + 1: the encoded row of each
                                dimension row (-1: not used by these rows), and
                                at n_dim the all-missing row's (-1: none) */
} nn_part;

typedef struct nn_inputs {
    const hpml_dataset *d;   /* borrowed */
    const uint32_t *rows;    /* borrowed: input i is dataset row rows[i] (NULL: i) */
    size_t n;                /* rows */
    int n_in;                /* net inputs */
    int n_parts;             /* 1 + the dataset's joins */
    nn_part *parts;          /* owned, n_parts */
    float *t;                /* owned, n x nn_prep_n_y: targets as nn_prep_targets */
    size_t floats;           /* floats of encoded rows held, all parts */
    hpml_dist *dist;         /* borrowed: several processes (NULL: one) */
    dist_shared shared;      /* several processes, one table: part 0's rows, held
                                once per node, each process encoding its part */
} nn_inputs;

/* Encodes rows[0..n) (NULL: 0..n-1; borrowed, like d, for the life of in)
 * of d with the scalers p. *in is owned by the caller (nn_inputs_free).
 * With several processes (dist, borrowed; NULL: one), collective, every
 * process with the same rows: a dataset of one table is encoded into
 * memory shared by a node's processes, each encoding its share of the rows
 * (dist.h: dist_shared); then nn_inputs_free is collective too. */
hpml_status nn_inputs_make(nn_inputs *in, const nn_prep *p, const hpml_dataset *d,
                           const uint32_t *rows, size_t n, hpml_dist *dist);
void nn_inputs_free(nn_inputs *in);

/* Encoded rows in part k >= 1 of inputs idx[0..B) into enc[0..B) (drows:
 * scratch of B). */
hpml_status nn_inputs_part_rows(const nn_inputs *in, int k, const uint32_t *idx, int B,
                                uint32_t *drows, int32_t *enc);
/* The full input rows x[B][n_in] of inputs idx[0..B) (drows, enc: scratch
 * of B each). */
hpml_status nn_inputs_gather(const nn_inputs *in, const uint32_t *idx, int B, uint32_t *drows,
                             int32_t *enc, float *x);

#endif
