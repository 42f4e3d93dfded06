/*
 * genrand: the deterministic pseudo-random numbers behind edi-gen(1).
 * xoshiro256** (Blackman and Vigna, public domain) seeded through
 * splitmix64, so a seed gives the same stream on every platform and libc;
 * rand(3) would not.  Streams: genrand_seed() mixes a stream number into
 * the seed, so that independent parts of the output (one claim, one
 * envelope) draw from their own sequence and do not shift each other.
 */
#ifndef CLAIMKIT_GENRAND_H
#define CLAIMKIT_GENRAND_H

#include <stddef.h>
#include <stdint.h>

struct genrand {
	uint64_t	s[4];
};

/* splitmix64 step: advances *x and returns the next output. */
uint64_t genrand_splitmix(uint64_t *x);
/* Seed r from (seed, stream); distinct pairs give unrelated streams. */
void genrand_seed(struct genrand *r, uint64_t seed, uint64_t stream);
uint64_t genrand_next(struct genrand *r);
/* Uniform in [0, n) without modulo bias (n > 0). */
uint32_t genrand_below(struct genrand *r, uint32_t n);
/* Uniform in [lo, hi], both included. */
long genrand_range(struct genrand *r, long lo, long hi);
/* 1 with probability p (0..1): 53-bit uniform compared with p. */
int genrand_chance(struct genrand *r, double p);
/* Index i in [0, n) with probability w[i] / sum(w); n > 0, sum > 0. */
size_t genrand_weighted(struct genrand *r, const unsigned *w, size_t n);

#endif
