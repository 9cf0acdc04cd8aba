/* gemm_ceiling.c — the matrix products of one MLP training step alone, timed
 * (bench/nn.sh): the speed no implementation that calls OpenBLAS's sgemm
 * for them can pass.
 *
 *   gemm_ceiling INPUTS LAYERS BATCH LABEL
 *   e.g. gemm_ceiling 1000 500,100,1 1024 ceiling/t1/b1024
 *
 * The calls are those of a dense net's step, row-major as hpml makes them
 * (src/nn/layers.c, net.c): per layer forward y = x W^T (B x O x In), then
 * backward dW = dy^T x (O x In x B) and, for every layer but the first,
 * dx = dy W (B x In x O). Nothing else of a step (bias, activation,
 * optimizer, loss, gathering the batch) is done. OpenBLAS's threads: as its
 * environment says (OPENBLAS_NUM_THREADS / OMP_NUM_THREADS). Prints one JSON
 * line: the best of 5 repetitions of about 1 s each, as samples/s and
 * GFLOP/s (the FLOPs of those calls). */
#define _POSIX_C_SOURCE 200809L
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_LAYERS 16

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static float *filled(size_t n, float v)
{
    float *p = malloc((n ? n : 1) * sizeof *p);
    if (!p) {
        fprintf(stderr, "gemm_ceiling: out of memory\n");
        exit(1);
    }
    for (size_t i = 0; i < n; i++)
        p[i] = v * (float)(i % 13 + 1);
    return p;
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: gemm_ceiling INPUTS LAYERS BATCH LABEL\n");
        return 2;
    }
    int width[MAX_LAYERS + 1], n = 0;
    width[0] = atoi(argv[1]);
    for (char *s = argv[2], *end; *s && n < MAX_LAYERS; s = *end ? end + 1 : end) {
        width[++n] = (int)strtol(s, &end, 10);
        if (end == s || width[n] <= 0 || (*end && *end != ',')) {
            fprintf(stderr, "gemm_ceiling: bad LAYERS '%s'\n", argv[2]);
            return 2;
        }
    }
    const int B = atoi(argv[3]);
    if (width[0] <= 0 || n == 0 || B <= 0) {
        fprintf(stderr, "gemm_ceiling: bad arguments\n");
        return 2;
    }
    /* x[l]: layer l's input (B x width[l]); W[l]: width[l+1] x width[l] */
    float *x[MAX_LAYERS + 1], *dx[MAX_LAYERS + 1], *W[MAX_LAYERS], *dW[MAX_LAYERS];
    double flop = 0;
    for (int l = 0; l <= n; l++) {
        x[l] = filled((size_t)B * (size_t)width[l], 0.01f);
        dx[l] = filled((size_t)B * (size_t)width[l], 0.001f);
    }
    for (int l = 0; l < n; l++) {
        W[l] = filled((size_t)width[l + 1] * (size_t)width[l], 0.001f);
        dW[l] = filled((size_t)width[l + 1] * (size_t)width[l], 0.0f);
        double mnk = (double)B * width[l] * width[l + 1];
        flop += 2 * mnk * (l == 0 ? 2 : 3);
    }
    double best = 1e30;
    long steps = 0;
    for (int rep = 0; rep < 6; rep++) { /* the first warms up */
        long k = 0;
        double t0 = now(), t;
        do {
            for (int l = 0; l < n; l++) {
                const int In = width[l], O = width[l + 1];
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, O, In, 1.0f, x[l], In,
                            W[l], In, 0.0f, x[l + 1], O);
            }
            for (int l = n - 1; l >= 0; l--) {
                const int In = width[l], O = width[l + 1];
                cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, O, In, B, 1.0f, dx[l + 1], O,
                            x[l], In, 0.0f, dW[l], In);
                if (l > 0)
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, B, In, O, 1.0f,
                                dx[l + 1], O, W[l], In, 0.0f, dx[l], In);
            }
            k++;
        } while ((t = now() - t0) < 1.0);
        if (rep > 0 && t / (double)k < best) {
            best = t / (double)k;
            steps = k;
        }
    }
    printf("{\"label\": \"%s\", \"batch\": %d, \"step_seconds\": %.6g, \"steps\": %ld, "
           "\"samples_per_s\": %.1f, \"gflops\": %.2f}\n",
           argv[4], B, best, steps, (double)B / best, flop / best * 1e-9);
    for (int l = 0; l <= n; l++) {
        free(x[l]);
        free(dx[l]);
    }
    for (int l = 0; l < n; l++) {
        free(W[l]);
        free(dW[l]);
    }
    return 0;
}
