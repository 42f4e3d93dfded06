/* claimid: deterministic claim ids from envelope control numbers. */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "claimkit/buf.h"
#include "claimkit/claimid.h"

char *
claimid_make(char *out, const char *sender, const char *isa13,
    const char *gs06, const char *st02, const char *clm01,
    unsigned long ordinal)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char h[crypto_hash_sha256_BYTES];
	struct buf b = BUF_INIT;
	int i;

	buf_printf(&b, "%s|%s|%s|%s|%s|%lu", sender, isa13, gs06, st02, clm01,
	    ordinal);
	/* crypto_hash_sha256 needs no sodium_init(): it is pure computation. */
	crypto_hash_sha256(h, (const unsigned char *)b.s, b.len);
	buf_free(&b);
	for (i = 0; i < CLAIMID_LEN / 2; i++) {
		out[2 * i] = hex[h[i] >> 4];
		out[2 * i + 1] = hex[h[i] & 15];
	}
	out[CLAIMID_LEN] = '\0';
	return out;
}
