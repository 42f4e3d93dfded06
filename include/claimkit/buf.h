/*
 * buf: a growable byte buffer, always NUL-terminated after len bytes.
 * A zero-initialised struct buf is an empty buffer; buf_free() releases it.
 */
#ifndef CLAIMKIT_BUF_H
#define CLAIMKIT_BUF_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct buf {
	char	*s;
	size_t	 len;
	size_t	 cap;
};

#define BUF_INIT { NULL, 0, 0 }

void buf_grow(struct buf *b, size_t extra);
void buf_add_slow(struct buf *b, const void *p, size_t n);

/*
 * memcpy(d, s, n) for buffers that do not overlap, inline up to 16 bytes:
 * record fields are mostly that short, and for them a call into libc's
 * memcpy (which first sorts out the size) costs more than the copy.  Two
 * possibly overlapping loads and stores cover 4 to 16 bytes.
 */
static inline void
buf_copy(char *d, const char *s, size_t n)
{
	if (n >= 8 && n <= 16) {
		uint64_t x, y;

		__builtin_memcpy(&x, s, 8);
		__builtin_memcpy(&y, s + n - 8, 8);
		__builtin_memcpy(d, &x, 8);
		__builtin_memcpy(d + n - 8, &y, 8);
	} else if (n >= 4 && n < 8) {
		uint32_t x, y;

		__builtin_memcpy(&x, s, 4);
		__builtin_memcpy(&y, s + n - 4, 4);
		__builtin_memcpy(d, &x, 4);
		__builtin_memcpy(d + n - 4, &y, 4);
	} else if (n < 4) {
		if (n > 0)
			d[0] = s[0];
		if (n > 1)
			d[1] = s[1];
		if (n > 2)
			d[2] = s[2];
	} else
		__builtin_memcpy(d, s, n);
}

/* Inline: these run per byte or per field on every record. */
static inline void
buf_add(struct buf *b, const void *p, size_t n)
{
	if (b->len + n + 1 > b->cap || n == 0) {
		buf_add_slow(b, p, n);
		return;
	}
	buf_copy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static inline void
buf_addc(struct buf *b, int c)
{
	if (b->len + 2 > b->cap)
		buf_grow(b, 1);
	b->s[b->len++] = (char)c;
	b->s[b->len] = '\0';
}

/* Append a string (inline: the length of a literal is then a constant). */
static inline void
buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Append a decimal integer without going through printf. */
void buf_addi(struct buf *b, long long v);
void buf_addu(struct buf *b, unsigned long long v);

/* Empty b, keeping its memory (inline: x837 does it ~20 times a claim). */
static inline void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->s)
		b->s[0] = '\0';
}

void buf_free(struct buf *b);
/* Return the contents and leave b empty; the caller frees the result. */
char *buf_detach(struct buf *b, size_t *len);

#endif
