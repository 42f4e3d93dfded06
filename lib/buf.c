/* buf: growable byte buffer. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "claimkit/buf.h"
#include "claimkit/diag.h"
#include "claimkit/xalloc.h"

void
buf_grow(struct buf *b, size_t extra)
{
	size_t need = b->len + extra + 1, cap;

	if (need < b->len)
		diag_fatal(CK_EX_SOFTWARE, "buffer size overflow");
	if (need <= b->cap)
		return;
	cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap = cap * 2 > cap ? cap * 2 : need;
	b->s = xrealloc(b->s, cap);
	b->cap = cap;
}

void
buf_add_slow(struct buf *b, const void *p, size_t n)
{
	buf_grow(b, n);
	if (n)
		memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		diag_fatal(CK_EX_SOFTWARE, "bad format '%s'", fmt);
	buf_grow(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void
buf_addu(struct buf *b, unsigned long long v)
{
	char tmp[24];
	int i = sizeof tmp;

	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	buf_add(b, tmp + i, sizeof tmp - (size_t)i);
}

void
buf_addi(struct buf *b, long long v)
{
	if (v < 0) {
		buf_addc(b, '-');
		buf_addu(b, 0ULL - (unsigned long long)v);
	} else
		buf_addu(b, (unsigned long long)v);
}

void
buf_free(struct buf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}

char *
buf_detach(struct buf *b, size_t *len)
{
	char *s;

	if (b->s == NULL)
		buf_grow(b, 0);
	s = b->s;
	if (len)
		*len = b->len;
	b->s = NULL;
	b->len = b->cap = 0;
	return s;
}
