/* testdata.h — what several unit tests share: a seeded generator, a small
 * mixed-type CSV with three targets, a scratch directory and file reading.
 * Static functions in a header: each test program is one translation unit. */
#ifndef HPML_TEST_TESTDATA_H
#define HPML_TEST_TESTDATA_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t lcg_state;
static double unif(void) /* [0, 1) */
{
    lcg_state = lcg_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(lcg_state >> 11) * 0x1.0p-53;
}
static double gauss(void)
{
    double u = unif() + 1e-12, v = unif();
    return sqrt(-2 * log(u)) * cos(6.283185307179586 * v);
}

/* CSV text (caller frees): n rows of x0..x3 (x3 10% missing), a category c
 * in {a, b, c}, and targets: y (regression), bin (binary), cls (3 classes). */
static char *make_csv(size_t n, uint64_t seed)
{
    lcg_state = seed;
    size_t cap = 128 + n * 160, len = 0;
    char *s = malloc(cap);
    len += (size_t)snprintf(s + len, cap - len, "x0,x1,x2,x3,c,y,bin,cls\n");
    for (size_t i = 0; i < n; i++) {
        double x0 = gauss(), x1 = gauss(), x2 = unif(), x3 = gauss();
        int c = (int)(unif() * 3);
        double y = sin(2 * x0) + x1 * x2 + (c == 1 ? 1.0 : 0.0) + 0.1 * gauss();
        int cls = x0 > 0.5 ? 2 : x0 > -0.5 ? 1 : 0;
        char x3s[32] = "";
        if (unif() >= 0.1)
            snprintf(x3s, sizeof x3s, "%.6g", x3);
        len += (size_t)snprintf(s + len, cap - len, "%.6g,%.6g,%.6g,%s,%c,%.6g,%d,%d\n", x0, x1,
                                x2, x3s, "abc"[c], y, y > 0.3, cls);
    }
    return s;
}

static unsigned char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *b = malloc((size_t)len + 1);
    *n = fread(b, 1, (size_t)len, f);
    fclose(f);
    return b;
}

static char tmpdir[64];
static const char *tmp_path(const char *name)
{
    static char buf[128];
    snprintf(buf, sizeof buf, "%s/%s", tmpdir, name);
    return buf;
}

/* Makes the scratch directory (0 on success); tmpdir_remove deletes it. */
static int tmpdir_make(const char *prefix)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/%s_XXXXXX", prefix);
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    return 0;
}

static void tmpdir_remove(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmpdir);
}

#endif
