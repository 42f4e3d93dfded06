/* claimid: deterministic claim ids from envelope control numbers. */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "claimkit/claimid.h"
#include "claimkit/xalloc.h"

char *
claimid_make(char *out, const char *sender, const char *isa13,
    const char *gs06, const char *st02, const char *clm01,
    unsigned long ordinal)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char h[crypto_hash_sha256_BYTES];
	const char *f[5] = { sender, isa13, gs06, st02, clm01 };
	size_t len[5], total = 24;
	char stack[512], num[24], *in, *p;
	int i, nd = 0;

	/*
	 * The same bytes buf_printf("%s|%s|%s|%s|%s|%lu") gave, built by hand:
	 * edi-parse calls this once per claim.
	 */
	for (i = 0; i < 5; i++)
		total += (len[i] = strlen(f[i])) + 1;
	in = total <= sizeof stack ? stack : xmalloc(total);
	p = in;
	for (i = 0; i < 5; i++) {
		memcpy(p, f[i], len[i]);
		p += len[i];
		*p++ = '|';
	}
	do {
		num[nd++] = (char)('0' + ordinal % 10);
		ordinal /= 10;
	} while (ordinal);
	while (nd > 0)
		*p++ = num[--nd];
	/* crypto_hash_sha256 needs no sodium_init(): it is pure computation. */
	crypto_hash_sha256(h, (const unsigned char *)in,
	    (unsigned long long)(p - in));
	if (in != stack)
		free(in);
	for (i = 0; i < CLAIMID_LEN / 2; i++) {
		out[2 * i] = hex[h[i] >> 4];
		out[2 * i + 1] = hex[h[i] & 15];
	}
	out[CLAIMID_LEN] = '\0';
	return out;
}
