/*
 * claimid: the deterministic claim_id of a record (claimkit-record(5)).
 * SHA-256 over "sender|ISA13|GS06|ST02|CLM01|ordinal", first 16 bytes in
 * lower-case hex: the same file always yields the same ids, so loads are
 * idempotent, and the generator can predict the ids edi-parse will give.
 */
#ifndef CLAIMKIT_CLAIMID_H
#define CLAIMKIT_CLAIMID_H

#include <stddef.h>

#define CLAIMID_LEN 32

/*
 * Write the id and a NUL into out (CLAIMID_LEN + 1 bytes).  sender is ISA06
 * with trailing spaces removed; ordinal counts CLM segments within the
 * transaction set from 1.
 */
char *claimid_make(char *out, const char *sender, const char *isa13,
    const char *gs06, const char *st02, const char *clm01,
    unsigned long ordinal);

#endif
