/*
 * buf: a growable byte buffer, always NUL-terminated after len bytes.
 * A zero-initialised struct buf is an empty buffer; buf_free() releases it.
 */
#ifndef CLAIMKIT_BUF_H
#define CLAIMKIT_BUF_H

#include <stddef.h>
#include <stdint.h>

struct buf {
	char	*s;
	size_t	 len;
	size_t	 cap;
};

#define BUF_INIT { NULL, 0, 0 }

void buf_grow(struct buf *b, size_t extra);
void buf_add_slow(struct buf *b, const void *p, size_t n);

/* Inline: these run per byte or per field on every record. */
static inline void
buf_add(struct buf *b, const void *p, size_t n)
{
	if (b->len + n + 1 > b->cap || n == 0) {
		buf_add_slow(b, p, n);
		return;
	}
	__builtin_memcpy(b->s + b->len, p, n);
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
void buf_adds(struct buf *b, const char *s);
void buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Append a decimal integer without going through printf. */
void buf_addi(struct buf *b, long long v);
void buf_addu(struct buf *b, unsigned long long v);
void buf_reset(struct buf *b);
void buf_free(struct buf *b);
/* Return the contents and leave b empty; the caller frees the result. */
char *buf_detach(struct buf *b, size_t *len);

#endif
