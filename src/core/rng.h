/* rng.h — seeded pseudo-random numbers (internal).
 *
 * xoshiro256** seeded through splitmix64: the same seed gives the same
 * stream on every platform. Not for cryptography.
 */
#ifndef HPML_CORE_RNG_H
#define HPML_CORE_RNG_H

#include <stddef.h>
#include <stdint.h>

typedef struct hpml_rng {
    uint64_t s[4];
} hpml_rng;

void hpml_rng_seed(hpml_rng *r, uint64_t seed);
uint64_t hpml_rng_next(hpml_rng *r);
/* Uniform integer in [0, bound), unbiased (Lemire's method); bound > 0. */
uint64_t hpml_rng_below(hpml_rng *r, uint64_t bound);
/* Uniform double in [0, 1) with 53 random bits. */
double hpml_rng_uniform(hpml_rng *r);
/* Fisher-Yates shuffle of a[0..n). */
void hpml_rng_shuffle_u32(hpml_rng *r, uint32_t *a, size_t n);
/* splitmix64 step: a good 64-bit mix of x (also for seeding sub-streams). */
uint64_t hpml_mix64(uint64_t x);

#endif
