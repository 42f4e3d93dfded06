/* seal: XChaCha20-Poly1305 envelopes for stored claim records (seal.h). */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "claimkit/buf.h"
#include "claimkit/diag.h"
#include "claimkit/seal.h"
#include "claimkit/xalloc.h"

#define SEAL_MAGIC	"ck1:"
#define SEAL_B64	sodium_base64_VARIANT_URLSAFE_NO_PADDING
#define NONCE_BYTES	crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define TAG_BYTES	crypto_aead_xchacha20poly1305_ietf_ABYTES

static void
seal_init(void)
{
	if (sodium_init() < 0)
		diag_fatal(CK_EX_SOFTWARE, "libsodium cannot be initialised");
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
seal_key_load(struct seal_key *k, const char *path)
{
	/* Domain separation: the key id is not a hash of the bare key. */
	static const char ctx[] = "claimkit seal key id v1";
	unsigned char text[80], h[crypto_generichash_BYTES];
	crypto_generichash_state st;
	struct stat sb;
	ssize_t n;
	size_t i;
	int fd;

	seal_init();
	memset(k, 0, sizeof *k);
	if ((fd = open(path, O_RDONLY | O_NOCTTY)) == -1) {
		diag_error(NULL, 0, "cannot open key file '%s': %s", path,
		    strerror(errno));
		return errno == ENOENT ? CK_EX_NOINPUT : CK_EX_CONFIG;
	}
	/* fstat on the open descriptor: no window to swap the file. */
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode)) {
		diag_error(NULL, 0, "key file '%s' is not a regular file", path);
		close(fd);
		return CK_EX_CONFIG;
	}
	if ((sb.st_mode & 077) != 0) {
		diag_error(NULL, 0, "key file '%s' is mode %04o: it must not be "
		    "readable by group or others (chmod 600 '%s')", path,
		    (unsigned)(sb.st_mode & 07777), path);
		close(fd);
		return CK_EX_CONFIG;
	}
	n = read(fd, text, sizeof text);
	close(fd);
	if (n < 0) {
		diag_error(NULL, 0, "cannot read key file '%s': %s", path,
		    strerror(errno));
		return CK_EX_CONFIG;
	}
	if (!(n == 64 || (n == 65 && text[64] == '\n')))
		goto bad;
	for (i = 0; i < SEAL_KEY_BYTES; i++) {
		int hi = hexval(text[2 * i]), lo = hexval(text[2 * i + 1]);

		if (hi < 0 || lo < 0)
			goto bad;
		k->key[i] = (unsigned char)(hi << 4 | lo);
	}
	sodium_memzero(text, sizeof text);
	crypto_generichash_init(&st, NULL, 0, sizeof h);
	crypto_generichash_update(&st, (const unsigned char *)ctx,
	    sizeof ctx - 1);
	crypto_generichash_update(&st, k->key, sizeof k->key);
	crypto_generichash_final(&st, h, sizeof h);
	sodium_bin2hex(k->id, sizeof k->id, h, SEAL_KEYID_LEN / 2);
	return 0;
bad:
	sodium_memzero(text, sizeof text);
	sodium_memzero(k, sizeof *k);
	diag_error(NULL, 0, "key file '%s' must hold 64 hexadecimal characters "
	    "and a newline", path);
	return CK_EX_CONFIG;
}

void
seal_key_wipe(struct seal_key *k)
{
	sodium_memzero(k, sizeof *k);
}

static void
add_b64(struct buf *out, const unsigned char *p, size_t n)
{
	size_t cap = sodium_base64_ENCODED_LEN(n, SEAL_B64);

	buf_grow(out, cap);
	sodium_bin2base64(out->s + out->len, cap, p, n, SEAL_B64);
	out->len += strlen(out->s + out->len);
}

void
seal_encrypt(const struct seal_key *k, const char *claim_id,
    const char *msg, size_t len, struct buf *out)
{
	unsigned char nonce[NONCE_BYTES], *ct;
	unsigned long long ctlen;
	size_t hdr = out->len;

	seal_init();
	buf_adds(out, SEAL_MAGIC);
	buf_adds(out, k->id);
	buf_addc(out, ':');
	add_b64(out, (const unsigned char *)claim_id, strlen(claim_id));
	/* Associated data: the header, exactly as written. */
	ct = xmalloc(NONCE_BYTES + len + TAG_BYTES);
	randombytes_buf(nonce, sizeof nonce);
	memcpy(ct, nonce, sizeof nonce);
	crypto_aead_xchacha20poly1305_ietf_encrypt(ct + NONCE_BYTES, &ctlen,
	    (const unsigned char *)msg, len,
	    (const unsigned char *)out->s + hdr, out->len - hdr, NULL, nonce, k->key);
	buf_addc(out, ':');
	add_b64(out, ct, NONCE_BYTES + (size_t)ctlen);
	free(ct);
}

const char *
seal_decrypt(const struct seal_key *k, const char *env, size_t len,
    struct buf *out, char **claim_id)
{
	const char *c1, *c2, *c3, *end = env + len, *b64end;
	unsigned char *bin;
	size_t binlen, idlen, cap;
	unsigned long long mlen;

	seal_init();
	*claim_id = NULL;
	if (len < 4 || memcmp(env, SEAL_MAGIC, 4) != 0)
		return "not an envelope (no ck1: prefix)";
	c1 = env + 3;
	if ((size_t)(end - c1) < SEAL_KEYID_LEN + 2 ||
	    c1[SEAL_KEYID_LEN + 1] != ':')
		return "not an envelope (bad key id)";
	c2 = c1 + SEAL_KEYID_LEN + 1;
	if ((c3 = memchr(c2 + 1, ':', (size_t)(end - c2 - 1))) == NULL)
		return "not an envelope (missing field)";
	if (memcmp(c1 + 1, k->id, SEAL_KEYID_LEN) != 0)
		return "sealed with another key (key id differs)";
	cap = (size_t)(end - env);
	bin = xmalloc(cap + 1);
	/* The claim id field. */
	if (sodium_base642bin(bin, cap, c2 + 1, (size_t)(c3 - c2 - 1), NULL,
	    &idlen, &b64end, SEAL_B64) != 0 || b64end != c3) {
		free(bin);
		return "not an envelope (bad claim id field)";
	}
	bin[idlen] = '\0';
	if (memchr(bin, '\0', idlen) != NULL) {
		free(bin);
		return "not an envelope (bad claim id field)";
	}
	*claim_id = xstrndup((const char *)bin, idlen);
	if (sodium_base642bin(bin, cap, c3 + 1, (size_t)(end - c3 - 1), NULL,
	    &binlen, &b64end, SEAL_B64) != 0 || b64end != end ||
	    binlen < NONCE_BYTES + TAG_BYTES) {
		free(bin);
		free(*claim_id);
		*claim_id = NULL;
		return "not an envelope (bad ciphertext field)";
	}
	buf_grow(out, binlen);
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(
	    (unsigned char *)out->s + out->len, &mlen, NULL,
	    bin + NONCE_BYTES, binlen - NONCE_BYTES,
	    (const unsigned char *)env, (size_t)(c3 - env), bin, k->key) != 0) {
		free(bin);
		free(*claim_id);
		*claim_id = NULL;
		return "authentication failed: wrong key or damaged data";
	}
	out->len += (size_t)mlen;
	out->s[out->len] = '\0';
	free(bin);
	return NULL;
}
