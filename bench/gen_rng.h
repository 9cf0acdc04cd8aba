/* gen_rng.h — the seeded generator the bench/gen_*.c data generators share
 * (standalone: no hpml headers). splitmix64 for uniforms, Box–Muller for
 * Gaussians. One translation unit per generator, so the state is static. */
#ifndef HPML_BENCH_GEN_RNG_H
#define HPML_BENCH_GEN_RNG_H

#include <math.h>
#include <stdint.h>

static uint64_t rng_state;
static int rng_gauss_have;     /* a cached second Box–Muller value */
static double rng_gauss_spare;

/* splitmix64: tiny, good enough, and fully determined by the seed */
static uint64_t rng_next(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* uniform in (0, 1]: never 0, so log() below is finite */
static double rng_unit(void)
{
    return ((double)(rng_next() >> 11) + 1.0) * (1.0 / 9007199254740992.0);
}

/* Box–Muller, caching the second value */
static double rng_gauss(void)
{
    if (rng_gauss_have) {
        rng_gauss_have = 0;
        return rng_gauss_spare;
    }
    double r = sqrt(-2.0 * log(rng_unit()));
    double t = 6.283185307179586 * rng_unit();
    rng_gauss_spare = r * sin(t);
    rng_gauss_have = 1;
    return r * cos(t);
}

#endif
