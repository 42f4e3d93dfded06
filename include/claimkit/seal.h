/*
 * seal: authenticated encryption of whole claim records for storage in a
 * database column (SQL Server dbo.FailedClaimDetails.ClaimDataSnapshot and
 * dbo.Claims.ClaimData), with libsodium's XChaCha20-Poly1305 (IETF AEAD).
 *
 * Key file: 64 hexadecimal characters (32 bytes) and a newline, mode 0600
 * (no permission bits for group or others); anything else is refused.
 * Generate one with `umask 077; openssl rand -hex 32 > key` or
 * `od -An -tx1 -N32 /dev/urandom | tr -d ' \n'; echo`.
 *
 * Envelope (one line of ASCII, no spaces):
 *
 *	ck1:KEYID:B64(claim_id):B64(nonce || ciphertext)
 *
 * KEYID is 16 lower-case hex digits (the first 8 bytes of a BLAKE2b hash of
 * the key), B64 is base64url without padding, the nonce is 24 random
 * bytes, and the associated data is the envelope's first three fields
 * ("ck1:KEYID:B64(claim_id)"), so neither the key id nor the claim id can
 * be changed without the decryption failing.
 */
#ifndef CLAIMKIT_SEAL_H
#define CLAIMKIT_SEAL_H

#include <stddef.h>

struct buf;

#define SEAL_KEY_BYTES	32
#define SEAL_KEYID_LEN	16

struct seal_key {
	unsigned char	key[SEAL_KEY_BYTES];
	char		id[SEAL_KEYID_LEN + 1];	/* hex, NUL-terminated */
};

/*
 * Read and check the key file at path.  Returns 0, or an exit code
 * (CK_EX_CONFIG for a bad mode or format, CK_EX_NOINPUT when the file
 * cannot be opened) after printing one diagnostic that names the file
 * and never shows key material.
 */
int seal_key_load(struct seal_key *k, const char *path);
/* Wipe the key from memory. */
void seal_key_wipe(struct seal_key *k);

/* Append the envelope of msg[0..len) for claim_id to out. */
void seal_encrypt(const struct seal_key *k, const char *claim_id,
    const char *msg, size_t len, struct buf *out);

/*
 * Open an envelope: on success append the plaintext to out, put the claim
 * id (NUL-terminated, malloc'd, caller frees) in *claim_id and return
 * NULL; otherwise return a short reason ("not an envelope", "sealed with
 * key 0123456789abcdef, not this key", "authentication failed: wrong key
 * or damaged data") and leave out unchanged.
 */
const char *seal_decrypt(const struct seal_key *k, const char *env,
    size_t len, struct buf *out, char **claim_id);

#endif
