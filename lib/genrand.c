/* genrand: xoshiro256** seeded by splitmix64 (see genrand.h). */
#include <stddef.h>
#include <stdint.h>

#include "claimkit/genrand.h"

uint64_t
genrand_splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void
genrand_seed(struct genrand *r, uint64_t seed, uint64_t stream)
{
	uint64_t x = seed ^ (stream * 0xd1342543de82ef95ULL);
	int i;

	/* One extra round so that seed 1 stream 0 and seed 0 stream 1 differ. */
	x = genrand_splitmix(&x) ^ stream;
	for (i = 0; i < 4; i++)
		r->s[i] = genrand_splitmix(&x);
}

static uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t
genrand_next(struct genrand *r)
{
	uint64_t *s = r->s;
	uint64_t res = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return res;
}

uint32_t
genrand_below(struct genrand *r, uint32_t n)
{
	/* Lemire's multiply-shift with rejection: exact for every n. */
	uint64_t m = (uint64_t)(uint32_t)(genrand_next(r) >> 32) * n;
	uint32_t lo = (uint32_t)m;

	if (lo < n) {
		uint32_t thresh = (uint32_t)-n % n;

		while (lo < thresh) {
			m = (uint64_t)(uint32_t)(genrand_next(r) >> 32) * n;
			lo = (uint32_t)m;
		}
	}
	return (uint32_t)(m >> 32);
}

long
genrand_range(struct genrand *r, long lo, long hi)
{
	if (hi <= lo)
		return lo;
	return lo + (long)genrand_below(r, (uint32_t)(hi - lo + 1));
}

int
genrand_chance(struct genrand *r, double p)
{
	double u = (double)(genrand_next(r) >> 11) * 0x1.0p-53;

	return u < p;
}

size_t
genrand_weighted(struct genrand *r, const unsigned *w, size_t n)
{
	unsigned long long sum = 0, x;
	size_t i;

	for (i = 0; i < n; i++)
		sum += w[i];
	if (sum == 0)
		return 0;
	x = genrand_next(r) % sum;
	for (i = 0; i < n; i++) {
		if (x < w[i])
			return i;
		x -= w[i];
	}
	return n - 1;
}
