/* claimid: deterministic claim ids from envelope control numbers. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "claimkit/buf.h"
#include "claimkit/claimid.h"
#include "claimkit/xalloc.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define HAVE_SHA_NI 1
#include <cpuid.h>
#include <immintrin.h>
#endif

#ifdef HAVE_SHA_NI
/*
 * SHA-256 with the x86 SHA extensions.  edi-parse hashes one short string
 * per claim, and libsodium's portable code took ~3,500 instructions for
 * it (6% of the run); the SHA instructions take a few hundred.  Used only
 * when CPUID says the processor has them (libsodium otherwise); both give
 * the same bytes.
 */
static const uint32_t sha_k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
};

/*
 * The compression function over nblocks 64-byte blocks.  The SHA
 * instructions keep the state as ABEF and CDGH; msg1/msg2 extend the
 * message schedule four words at a time, w[] holding the last four.
 * Sixteen rounds a step, in a loop of four: the next sixteen words of the
 * schedule depend only on the last sixteen, so they are made after the
 * rounds that use those (not between them), and the loop's body, the
 * same for each step, is a quarter of the code of all 64 rounds (which
 * runs once a claim, and costs more fetched from L2 than its loop does).
 */
__attribute__((target("sha,ssse3,sse4.1"))) static void
sha_ni_blocks(uint32_t state[8], const unsigned char *p, size_t nblocks)
{
	const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL,
	    0x0405060700010203LL);
	__m128i s0, s1, t, m, w[4], save0, save1;
	int i, r;

	t = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&state[0]),
	    0xb1);				/* CDAB */
	s1 = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&state[4]),
	    0x1b);				/* EFGH */
	s0 = _mm_alignr_epi8(t, s1, 8);		/* ABEF */
	s1 = _mm_blend_epi16(s1, t, 0xf0);	/* CDGH */
	for (; nblocks > 0; nblocks--, p += 64) {
		save0 = s0;
		save1 = s1;
		/* (unrolled where w[] is indexed: it lives in registers) */
#pragma GCC unroll 4
		for (i = 0; i < 4; i++)
			w[i] = _mm_shuffle_epi8(_mm_loadu_si128(
			    (const __m128i *)(p + 16 * i)), bswap);
		for (r = 0;; r += 16) {
#pragma GCC unroll 4
			for (i = 0; i < 4; i++) {
				m = _mm_add_epi32(w[i], _mm_loadu_si128(
				    (const __m128i *)&sha_k[r + 4 * i]));
				s1 = _mm_sha256rnds2_epu32(s1, s0, m);
				s0 = _mm_sha256rnds2_epu32(s0, s1,
				    _mm_shuffle_epi32(m, 0x0e));
			}
			if (r == 48)
				break;
			/* W[t-16] + s0(W[t-15]) + W[t-7], then s1 */
#pragma GCC unroll 4
			for (i = 0; i < 4; i++) {
				m = _mm_sha256msg1_epu32(w[i], w[(i + 1) & 3]);
				m = _mm_add_epi32(m, _mm_alignr_epi8(
				    w[(i + 3) & 3], w[(i + 2) & 3], 4));
				w[i] = _mm_sha256msg2_epu32(m, w[(i + 3) & 3]);
			}
		}
		s0 = _mm_add_epi32(s0, save0);
		s1 = _mm_add_epi32(s1, save1);
	}
	t = _mm_shuffle_epi32(s0, 0x1b);	/* FEBA */
	s1 = _mm_shuffle_epi32(s1, 0xb1);	/* DCHG */
	_mm_storeu_si128((__m128i *)&state[0],
	    _mm_blend_epi16(t, s1, 0xf0));	/* DCBA */
	_mm_storeu_si128((__m128i *)&state[4],
	    _mm_alignr_epi8(s1, t, 8));		/* HGFE */
}

/* SHA-256 of in[0..n) into h, padding in a copy of the last block(s). */
static void
sha_ni(unsigned char h[32], const unsigned char *in, size_t n)
{
	uint32_t st[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
	    0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
	unsigned char tail[128];
	size_t full = n / 64, rest = n % 64, tn = rest < 56 ? 64 : 128;
	uint64_t bits = (uint64_t)n * 8;
	int i;

	sha_ni_blocks(st, in, full);
	memset(tail, 0, sizeof tail);
	memcpy(tail, in + full * 64, rest);
	tail[rest] = 0x80;
	for (i = 0; i < 8; i++)
		tail[tn - 1 - i] = (unsigned char)(bits >> (8 * i));
	sha_ni_blocks(st, tail, tn / 64);
	for (i = 0; i < 8; i++) {
		h[4 * i] = (unsigned char)(st[i] >> 24);
		h[4 * i + 1] = (unsigned char)(st[i] >> 16);
		h[4 * i + 2] = (unsigned char)(st[i] >> 8);
		h[4 * i + 3] = (unsigned char)st[i];
	}
}

/*
 * CPUID: SHA (leaf 7 EBX bit 29), SSSE3 and SSE4.1 (leaf 1 ECX 9, 19).
 * Inline: once a claim, the answer kept.
 */
static inline __attribute__((always_inline)) int
have_sha_ni(void)
{
	static int have = -1;
	unsigned a, b, c, d;

	if (have == -1) {
		have = 0;
		if (__get_cpuid(1, &a, &b, &c, &d) && (c & (1u << 9)) &&
		    (c & (1u << 19)) && __get_cpuid_count(7, 0, &a, &b, &c,
		    &d) && (b & (1u << 29)))
			have = 1;
	}
	return have;
}

/*
 * The first 16 bytes of the SHA-256 of blk[0..n), n at most 119: blk is
 * 128 bytes, zero past n, and takes the padding in place (no copy of the
 * message into a tail block, no clearing of one).
 */
static void
sha_ni_small(unsigned char h[16], unsigned char *blk, size_t n)
{
	uint32_t st[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
	    0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
	size_t tn = n < 56 ? 64 : 128;
	uint64_t bits = __builtin_bswap64((uint64_t)n * 8);
	int i;

	blk[n] = 0x80;
	memcpy(blk + tn - 8, &bits, 8);
	sha_ni_blocks(st, blk, tn / 64);
	for (i = 0; i < 4; i++) {
		uint32_t w = __builtin_bswap32(st[i]);

		memcpy(h + 4 * i, &w, 4);
	}
}
#endif

static void
sha256(unsigned char h[crypto_hash_sha256_BYTES], const char *in, size_t n)
{
#ifdef HAVE_SHA_NI
	if (have_sha_ni()) {
		sha_ni(h, (const unsigned char *)in, n);
		return;
	}
#endif
	/* crypto_hash_sha256 needs no sodium_init(): it is pure computation. */
	crypto_hash_sha256(h, (const unsigned char *)in,
	    (unsigned long long)n);
}

/* The first CLAIMID_LEN / 2 bytes of h as lower-case hex into out. */
static void
hex16(char *out, const unsigned char *h)
{
#ifdef __SSE2__
	/*
	 * All sixteen at once: the high and low nibbles side by side, each
	 * '0' plus itself, plus 'a' - '0' - 10 more where it is over 9.
	 */
	const __m128i lo4 = _mm_set1_epi8(0x0f);
	__m128i x = _mm_loadu_si128((const __m128i *)(const void *)h);
	__m128i hi = _mm_and_si128(_mm_srli_epi16(x, 4), lo4);
	__m128i lo = _mm_and_si128(x, lo4);
	__m128i a = _mm_unpacklo_epi8(hi, lo), b = _mm_unpackhi_epi8(hi, lo);
	const __m128i nine = _mm_set1_epi8(9), zero = _mm_set1_epi8('0'),
	    gap = _mm_set1_epi8('a' - '0' - 10);

	a = _mm_add_epi8(_mm_add_epi8(a, zero),
	    _mm_and_si128(_mm_cmpgt_epi8(a, nine), gap));
	b = _mm_add_epi8(_mm_add_epi8(b, zero),
	    _mm_and_si128(_mm_cmpgt_epi8(b, nine), gap));
	_mm_storeu_si128((__m128i *)(void *)out, a);
	_mm_storeu_si128((__m128i *)(void *)(out + 16), b);
#else
	static const char hex[] = "0123456789abcdef";
	int i;

	for (i = 0; i < CLAIMID_LEN / 2; i++) {
		out[2 * i] = hex[h[i] >> 4];
		out[2 * i + 1] = hex[h[i] & 15];
	}
#endif
}

/*
 * The text hashed at in: the same bytes buf_printf("%s|%s|%s|%s|%s|%lu")
 * gave, built by hand (edi-parse makes an id per claim); past them.
 */
static inline __attribute__((always_inline)) char *
idtext(char *in, const char *const f[5], const size_t len[5],
    unsigned long ordinal)
{
	char num[24], *p = in, *q;
	int i, nd;

	for (i = 0; i < 5; i++) {
		/* (short fields: buf_copy has them inline) */
		buf_copy(p, f[i], len[i]);
		p += len[i];
		*p++ = '|';
	}
	/* the ordinal's digits from the end of num, two a step */
	q = num + sizeof num;
	while (ordinal >= 100) {
		unsigned r = (unsigned)(ordinal % 100);

		ordinal /= 100;
		q -= 2;
		q[0] = (char)('0' + r / 10);
		q[1] = (char)('0' + r % 10);
	}
	if (ordinal >= 10) {
		q -= 2;
		q[0] = (char)('0' + ordinal / 10);
		q[1] = (char)('0' + ordinal % 10);
	} else
		*--q = (char)('0' + ordinal);
	nd = (int)(num + sizeof num - q);
	buf_copy(p, q, (size_t)nd);
	p += nd;
	return p;
}

char *
claimid_make(char *out, const char *sender, const char *isa13,
    const char *gs06, const char *st02, const char *clm01,
    unsigned long ordinal)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	const char *f[5] = { sender, isa13, gs06, st02, clm01 };
	size_t len[5], total = 24;
	char stack[512], *in, *p;
	int i;

	/* (24: room for the ordinal's digits) */
	for (i = 0; i < 5; i++)
		total += (len[i] = strlen(f[i])) + 1;
#ifdef HAVE_SHA_NI
	/*
	 * The usual id (under 56 bytes: one block) built in a block of its
	 * own, cleared by four stores, and hashed there.
	 */
	if (total <= 119 && have_sha_ni()) {
		union {
			unsigned char	b[128];
			__m128i		v[8];
		} blk;

		/* (the second block only when the text may need it) */
		for (i = 0; i < 4; i++)
			blk.v[i] = _mm_setzero_si128();
		if (total >= 56 + 4)
			for (i = 4; i < 8; i++)
				blk.v[i] = _mm_setzero_si128();
		p = idtext((char *)blk.b, f, len, ordinal);
		sha_ni_small(h, blk.b, (size_t)(p - (char *)blk.b));
		hex16(out, h);
		out[CLAIMID_LEN] = '\0';
		return out;
	}
#endif
	in = total <= sizeof stack ? stack : xmalloc(total);
	p = idtext(in, f, len, ordinal);
	sha256(h, in, (size_t)(p - in));
	if (in != stack)
		free(in);
	hex16(out, h);
	out[CLAIMID_LEN] = '\0';
	return out;
}
