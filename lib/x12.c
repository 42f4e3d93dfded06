/* x12: streaming X12 tokenizer (block reads, bitmap index, no copies). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "claimkit/x12.h"
#include "claimkit/xalloc.h"

#ifdef __SSE2__
#include <emmintrin.h>
/*
 * AVX2 indexes twice the bytes per instruction; used where CPUID says the
 * processor has it (-DX12_NO_AVX2 tests the SSE2 code on one that has).
 */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(X12_NO_AVX2)
#define HAVE_AVX2 1
#include <immintrin.h>
#endif
#endif

/*
 * Bytes asked of read(2) at a time.  Small enough that the buffer (this
 * plus X12_MAX_SEG) stays in a core's L2 cache while the segments read
 * from it are copied and rendered: 1 MiB went out to L3 and back.
 */
#define X12_BLOCK	(128 * 1024)
/* How far an ISA is searched for its 16th separator (a valid one is 106). */
#define ISA_SCAN	512
/* short names for the header's */
#define NOIDX		X12I_NOIDX
#define IW		X12I_IW

static struct x12r *
x12r_alloc(void)
{
	struct x12r *r = xcalloc(1, sizeof *r);

	r->fd = -1;
	r->ipos = NOIDX;
#ifdef HAVE_AVX2
	r->avx2 = __builtin_cpu_supports("avx2");
#endif
	r->eoff = xreallocarray(NULL, X12_MAX_ELEMS + 2, sizeof *r->eoff);
	r->eoff[0] = 0;		/* and so it stays */
	return r;
}

struct x12r *
x12r_fdopen(int fd)
{
	struct x12r *r = x12r_alloc();

	r->fd = fd;
	r->cap = X12_BLOCK + X12_MAX_SEG + ISA_SCAN;
	r->buf = xmalloc(r->cap);
	return r;
}

struct x12r *
x12r_open(const char *path)
{
	int fd;

	if (path == NULL || strcmp(path, "-") == 0)
		return x12r_fdopen(STDIN_FILENO);
	if ((fd = open(path, O_RDONLY)) == -1)
		return NULL;
	return x12r_fdopen(fd);
}

struct x12r *
x12r_mem(const void *p, size_t n)
{
	struct x12r *r = x12r_alloc();

	r->memmode = 1;
	/* Never written through: the reader only reads its buffer. */
	r->buf = (char *)(uintptr_t)p;
	r->cap = r->end = n;
	r->eof = 1;
	return r;
}

void
x12r_close(struct x12r *r)
{
	if (r == NULL)
		return;
	if (!r->memmode) {
		if (r->fd > STDIN_FILENO)
			close(r->fd);
		free(r->buf);
	}
	free(r->eoff);
	free(r);
}

const char *
x12r_error(const struct x12r *r)
{
	return r->err;
}

enum x12_err
x12r_errkind(const struct x12r *r)
{
	return r->ek;
}

unsigned long long
x12r_offset(const struct x12r *r)
{
	return r->base + r->pos;
}

unsigned long long
x12r_count(const struct x12r *r)
{
	return r->count;
}

/*
 * Read more input after buf[end], first moving the unread part to the
 * front.  Returns the number of bytes added: 0 at end of input.
 */
static size_t
fill(struct x12r *r)
{
	ssize_t n;

	if (r->eof)
		return 0;
	r->ipos = NOIDX;
	if (r->pos > 0) {
		memmove(r->buf, r->buf + r->pos, r->end - r->pos);
		r->base += r->pos;
		r->end -= r->pos;
		r->pos = 0;
	}
	if (r->end == r->cap)
		return 0;
	do
		n = read(r->fd, r->buf + r->end, r->cap - r->end);
	while (n == -1 && errno == EINTR);
	if (n == -1) {
		r->ek = X12_E_IO;
		snprintf(r->err, sizeof r->err, "read error: %s",
		    strerror(errno));
		r->eof = 1;
		r->fatal = 1;
		return 0;
	}
	if (n == 0) {
		r->eof = 1;
		return 0;
	}
	r->end += (size_t)n;
	return (size_t)n;
}

/* Make at least want bytes available at pos (fewer at end of input). */
static void
need(struct x12r *r, size_t want)
{
	while (r->end - r->pos < want && fill(r) > 0)
		;
}

static int
is_alnum(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
	    (c >= 'a' && c <= 'z');
}

static inline int
is_blank(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' ||
	    c == '\v';
}

int
x12_valid_id(const char *id, size_t n)
{
	size_t i;

	if (n < 2 || n > 3 || !(id[0] >= 'A' && id[0] <= 'Z'))
		return 0;
	for (i = 1; i < n; i++)
		if (!((id[i] >= 'A' && id[i] <= 'Z') ||
		    (id[i] >= '0' && id[i] <= '9')))
			return 0;
	return 1;
}

const char *
x12_el(const struct x12_seg *s, unsigned i, size_t *len)
{
	if (i > s->nel) {
		*len = 0;
		return "";
	}
	*len = s->eoff[i + 1] - 1 - s->eoff[i];
	return s->text + s->eoff[i];
}

const char *
x12_comp(const char *p, size_t n, int sep, unsigned j, size_t *len)
{
	const char *e = p + n, *q;

	for (; j > 1; j--) {
		if ((q = memchr(p, sep, (size_t)(e - p))) == NULL) {
			*len = 0;
			return "";
		}
		p = q + 1;
	}
	q = memchr(p, sep, (size_t)(e - p));
	*len = (size_t)((q ? q : e) - p);
	return p;
}

/* s has n elements after the id, r->eoff[0..n + 1] set: the rest of s. */
static inline void
set_elems(struct x12r *r, struct x12_seg *s, unsigned n)
{
	const char *t = s->text;
	char id[4] = { 0, 0, 0, 0 };

	s->nel = n;
	s->eoff = r->eoff;
	s->idlen = r->eoff[1] - 1;
	/* byte by byte: a memcpy of 0 to 3 bytes is a library call */
	if (s->idlen > 0)
		id[0] = t[0];
	if (s->idlen > 1)
		id[1] = t[1];
	if (s->idlen > 2)
		id[2] = t[2];
	/*
	 * Then stored at once: callers read the id back as a word, and a
	 * load that spans several byte stores cannot be forwarded from them
	 * (it waits until they reach the cache: a quarter of x837's time in
	 * feed went to that).
	 */
	memcpy(s->id, id, sizeof id);
}

/* Split s->text into elements on the element separator. */
static void
split(struct x12r *r, struct x12_seg *s)
{
	const char *t = s->text;
	const unsigned char elem = r->d.elem;
	const uint64_t pat = 0x0101010101010101ULL * elem;
	size_t i = 0, len = s->len;
	unsigned n = 0;

	/*
	 * Elements are short, so instead of a memchr call per element, eight
	 * bytes at a time: (x - 1) & ~x & 0x80 flags the zero bytes of
	 * x = word ^ separators (a flag may be wrong above a true one, so
	 * each is checked).
	 */
	r->eoff[0] = 0;
#ifdef __SSE2__
	/*
	 * Sixteen bytes at a time where SSE2 is there (every x86-64): a
	 * compare and a byte mask, exact, so no check per flag; the last 16
	 * bytes of the segment overlap the ones before, the bits already
	 * seen masked off, instead of a tail loop.
	 */
	if (len >= 16) {
		const __m128i sep = _mm_set1_epi8((char)elem);
		unsigned m;

		for (; n < X12_MAX_ELEMS; i += 16) {
			size_t at = i + 16 <= len ? i : len - 16;

			m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
			    _mm_loadu_si128((const __m128i *)(t + at)), sep));
			m &= ~0u << (i - at);
			while (m != 0 && n < X12_MAX_ELEMS) {
				r->eoff[++n] = (uint32_t)(at +
				    (size_t)__builtin_ctz(m) + 1);
				m &= m - 1;
			}
			if (at + 16 == len)
				break;
		}
		i = len;
	}
#endif
	for (; i + 8 <= len && n < X12_MAX_ELEMS; i += 8) {
		uint64_t w, x, m;

		memcpy(&w, t + i, 8);
		x = w ^ pat;
		m = (x - 0x0101010101010101ULL) & ~x & 0x8080808080808080ULL;
		while (m != 0 && n < X12_MAX_ELEMS) {
			size_t b = (size_t)__builtin_ctzll(m) >> 3;

			if ((unsigned char)t[i + b] == elem)
				r->eoff[++n] = (uint32_t)(i + b + 1);
			m &= m - 1;
		}
	}
	for (; i < len; i++) {
		if ((unsigned char)t[i] != elem)
			continue;
		if (n == X12_MAX_ELEMS)
			break;
		r->eoff[++n] = (uint32_t)(i + 1);
	}
	r->eoff[n + 1] = (uint32_t)(s->len + 1);
	set_elems(r, s, n);
}

static int
fail(struct x12r *r, struct x12_seg *s, enum x12_err ek, int fatal,
    const char *msg)
{
	size_t avail = r->end - r->pos;

	r->ek = ek;
	if (msg != r->err)
		snprintf(r->err, sizeof r->err, "%s", msg);
	if (fatal)
		r->fatal = 1;
	memset(s, 0, sizeof *s);
	s->text = r->buf + r->pos;
	s->len = avail < 64 ? avail : 64;
	s->index = r->count + 1;
	s->offset = r->base + r->pos;
	s->d = r->d;
	return X12_ERR;
}

/* Fixed widths of ISA01..ISA16. */
static const unsigned char isa_width[16] = {
	2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1
};

/*
 * The ISA at buf[pos]: find the delimiters by counting element separators
 * (so that a wrongly padded ISA still yields them), then check the fixed
 * layout and note what is wrong with it.
 */
static int
read_isa(struct x12r *r, struct x12_seg *s)
{
	const char *p, *lim;
	unsigned char elem, comp, term;
	size_t k, seps = 0, starts[17];
	size_t i;

	need(r, ISA_SCAN);
	p = r->buf + r->pos;
	lim = r->buf + (r->end - r->pos < ISA_SCAN ? r->end : r->pos +
	    ISA_SCAN);
	elem = (unsigned char)p[3];
	if (is_alnum(elem) || elem == ' ' || elem == '\r' || elem == '\n')
		return fail(r, s, X12_E_BAD_ISA, !r->have_delims,
		    "malformed ISA segment: invalid element separator");
	for (k = 3; p + k < lim; k++) {
		if ((unsigned char)p[k] == elem) {
			starts[seps++] = k + 1;
			if (seps == 16)
				break;
		}
	}
	if (seps < 16 || p + k + 2 >= lim)
		return fail(r, s, X12_E_BAD_ISA, !r->have_delims,
		    "malformed ISA segment: fewer than 16 elements");
	comp = (unsigned char)p[k + 1];
	term = (unsigned char)p[k + 2];
	if (is_alnum(comp) || comp == ' ' || comp == elem)
		return fail(r, s, X12_E_BAD_ISA, !r->have_delims,
		    "malformed ISA segment: invalid component separator ISA16");
	if (is_alnum(term) || term == ' ' || term == elem || term == comp)
		return fail(r, s, X12_E_BAD_ISA, !r->have_delims,
		    "malformed ISA segment: invalid segment terminator");
	r->d.elem = elem;
	r->d.comp = comp;
	r->d.seg = term;
	r->d.rep = 0;
#ifdef __SSE2__
	r->vse = _mm_set1_epi8((char)elem);
	r->vst = _mm_set1_epi8((char)term);
#endif
	r->ipos = NOIDX;
	starts[16] = k + 3;	/* as if a separator followed ISA16 */
	/* ISA11: repetition separator in 5010, 'U' in 4010 */
	if (starts[11] - starts[10] == 2) {
		unsigned char c = (unsigned char)p[starts[10]];

		if (!is_alnum(c) && c != ' ' && c != elem && c != comp &&
		    c != term)
			r->d.rep = c;
	}
	r->have_delims = 1;
	r->isaprob[0] = '\0';
	for (i = 0; i < 16; i++) {
		size_t w = starts[i + 1] - 1 - starts[i];

		if (w != isa_width[i]) {
			snprintf(r->isaprob, sizeof r->isaprob,
			    "ISA%02zu is %zu characters, not %u "
			    "(the ISA segment must be 106 bytes)", i + 1, w,
			    isa_width[i]);
			break;
		}
	}
	memset(s, 0, sizeof *s);
	s->text = p;
	s->len = k + 2;
	s->index = ++r->count;
	s->offset = r->base + r->pos;
	s->d = r->d;
	s->flags = X12_F_ISA;
	s->isa_problem = r->isaprob[0] ? r->isaprob : NULL;
	r->pos += k + 3;
	split(r, s);
	return X12_SEG;
}

/* Skip blanks and byte order marks; 0 at end of input. */
static int
skip_blanks(struct x12r *r)
{
	for (;;) {
		while (r->pos < r->end && is_blank((unsigned char)r->buf[r->pos]))
			r->pos++;
		if (r->pos < r->end) {
			if ((unsigned char)r->buf[r->pos] != 0xef)
				return 1;
			need(r, 3);
			if (r->end - r->pos >= 3 &&
			    (unsigned char)r->buf[r->pos + 1] == 0xbb &&
			    (unsigned char)r->buf[r->pos + 2] == 0xbf) {
				r->pos += 3;
				continue;
			}
			return 1;
		}
		if (fill(r) == 0)
			return 0;
	}
}

/* Look for the next "ISA" followed by a separator; 0 when none is left. */
static int
find_isa(struct x12r *r)
{
	for (;;) {
		while (r->pos + 3 < r->end) {
			char *q = memchr(r->buf + r->pos, 'I',
			    r->end - r->pos - 3);

			if (q == NULL) {
				r->pos = r->end - 3;
				break;
			}
			r->pos = (size_t)(q - r->buf);
			if (q[1] == 'S' && q[2] == 'A' &&
			    !is_alnum((unsigned char)q[3]) &&
			    !is_blank((unsigned char)q[3]))
				return 1;
			r->pos++;
		}
		if (fill(r) == 0) {
			r->pos = r->end;
			return 0;
		}
	}
}

static int
at_isa(struct x12r *r)
{
	const char *p;

	need(r, 4);
	p = r->buf + r->pos;
	return r->end - r->pos >= 4 && p[0] == 'I' && p[1] == 'S' &&
	    p[2] == 'A' && !is_alnum((unsigned char)p[3]) &&
	    !is_blank((unsigned char)p[3]);
}

/* x12r_next() before a segment that is not at an index: see there. */
#define GO	2

/*
 * Everything x12r_next() checks before a segment when the last call left
 * no index at pos: a fatal error, resynchronizing, blanks, the start of
 * the input, an ISA.  Returns GO when a segment other than an ISA starts
 * at pos, else what x12r_next() returns.
 */
static __attribute__((noinline)) int
before_seg(struct x12r *r, struct x12_seg *s)
{
	if (r->fatal)
		return X12_EOF;
	if (r->resync) {
		if (!find_isa(r))
			return X12_EOF;
		r->resync = 0;
	}
	if ((r->pos >= r->end || is_blank((unsigned char)r->buf[r->pos]) ||
	    (unsigned char)r->buf[r->pos] == 0xef) && !skip_blanks(r)) {
		if (r->fatal)
			return fail(r, s, X12_E_IO, 1, r->err);
		if (!r->started)
			return fail(r, s, X12_E_EMPTY, 1,
			    "empty input: no X12 interchange");
		return X12_EOF;
	}
	if (!r->started) {
		unsigned char c0 = (unsigned char)r->buf[r->pos], c1;

		need(r, 2);
		c1 = r->end - r->pos > 1 ? (unsigned char)r->buf[r->pos + 1] :
		    0;
		if ((c0 == 0xff && c1 == 0xfe) || (c0 == 0xfe && c1 == 0xff))
			return fail(r, s, X12_E_UTF16, 1,
			    "UTF-16 input is not supported: convert it to "
			    "UTF-8");
		r->started = 1;
	}
	if (r->buf[r->pos] == 'I' && at_isa(r)) {
		int rc = read_isa(r, s);

		if (rc == X12_ERR && !r->fatal) {
			/* skip this ISA and look for the next one */
			r->pos += 3;
			r->resync = 1;
		}
		return rc;
	}
	if (!r->have_delims)
		return fail(r, s, X12_E_NOT_X12, 1,
		    "not an X12 interchange: the input does not start with "
		    "an ISA segment");
	return GO;
}

/*
 * The segment at pos, whatever it is like: memchr for the terminator
 * (reading more as needed), then split().
 */
__attribute__((noinline)) int
x12i_general(struct x12r *r, struct x12_seg *s)
{
	char *q;
	size_t len, from;
	int unterminated = 0;

	from = r->pos;
	for (;;) {
		q = memchr(r->buf + from, r->d.seg, r->end - from);
		if (q != NULL)
			break;
		if (r->end - r->pos > X12_MAX_SEG) {
			int rc;

			r->count++;
			rc = fail(r, s, X12_E_TOO_LONG, 0,
			    "segment longer than 131072 bytes "
			    "(segment terminator missing)");
			s->index = r->count;
			/* discard up to and including the next terminator */
			for (;;) {
				q = memchr(r->buf + r->pos, r->d.seg,
				    r->end - r->pos);
				if (q != NULL) {
					r->pos = (size_t)(q - r->buf) + 1;
					break;
				}
				r->pos = r->end;
				if (fill(r) == 0)
					break;
			}
			return rc;
		}
		from = r->end - r->pos;	/* fill() moves pos to 0 */
		if (fill(r) == 0) {
			if (r->fatal)
				return fail(r, s, X12_E_IO, 1, r->err);
			q = r->buf + r->end;
			unterminated = 1;
			break;
		}
		from += r->pos;
	}
	s->text = r->buf + r->pos;
	s->flags = 0;
	s->isa_problem = NULL;
	len = (size_t)(q - s->text);
	while (len > 0 && (s->text[len - 1] == '\r' ||
	    s->text[len - 1] == '\n') &&
	    (unsigned char)s->text[len - 1] != r->d.elem)
		len--;
	s->len = len;
	s->index = ++r->count;
	s->offset = r->base + r->pos;
	s->d = r->d;
	if (unterminated) {
		s->flags |= X12_F_UNTERMINATED;
		r->pos = r->end;
	} else
		r->pos = (size_t)(q - r->buf) + 1;
	split(r, s);
	return X12_SEG;
}

#ifdef __SSE2__
/*
 * Bytes a segment cannot start with in x12r_next()'s quick way: blanks and
 * a byte order mark to skip, and the 'I' of an ISA.
 */
const unsigned char x12i_lead_slow[256] = {
	[' '] = 1, ['\t'] = 1, ['\r'] = 1, ['\n'] = 1, ['\f'] = 1, ['\v'] = 1,
	[0xef] = 1, ['I'] = 1
};

/*
 * Index buf[at..at + 64 * IW) into r, 64 bytes at a time by WORD(p),
 * which sets e, t and ok (the bytes that are plain) for the 64 bytes at p.
 * Bytes past end are taken as 'A's: never a delimiter, plain.
 */
#define WINDOW(WORD) do {						\
	const size_t end = r->end;					\
	const char *p;							\
	char tmp[64];							\
	uint64_t e, t, ok;						\
	int w = 0;							\
									\
	r->iblk = at;							\
	r->ilim = end - at > 64 * IW ? at + 64 * IW : end;		\
	/* whole words first: no call in the loop to clobber vectors */ \
	for (; w < IW && end - at >= 64; w++, at += 64) {		\
		p = r->buf + at;					\
		WORD(p);						\
		r->ie[w] = e;						\
		r->it[w] = t;						\
		r->ib[w] = ~ok;						\
	}								\
	if (w < IW && at < end) {					\
		memset(tmp, 'A', sizeof tmp);				\
		memcpy(tmp, r->buf + at, end - at);			\
		p = tmp;						\
		WORD(p);						\
		r->ie[w] = e;						\
		r->it[w] = t;						\
		r->ib[w] = ~ok;						\
		w++;							\
	}								\
	for (; w < IW; w++)						\
		r->ie[w] = r->it[w] = r->ib[w] = 0;			\
} while (0)

/*
 * Sixteen bytes at a time: compares and a byte mask each.  0x20-0x7e is
 * where v + 1 is above 0x20 as a signed byte (0x7f and 0x80-0xff wrap
 * below it).
 */
#define SSE2_16(p, k) do {						\
	__m128i v = _mm_loadu_si128((const __m128i *)((p) + (k)));	\
									\
	e |= (uint64_t)(unsigned)_mm_movemask_epi8(			\
	    _mm_cmpeq_epi8(v, r->vse)) << (k);				\
	t |= (uint64_t)(unsigned)_mm_movemask_epi8(			\
	    _mm_cmpeq_epi8(v, r->vst)) << (k);				\
	ok |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_andnot_si128(	\
	    _mm_or_si128(_mm_cmpeq_epi8(v, dq), _mm_cmpeq_epi8(v, bs)),	\
	    _mm_cmpgt_epi8(_mm_add_epi8(v, one), sp))) << (k);		\
} while (0)
#define SSE2_64(p) do {							\
	e = t = ok = 0;							\
	SSE2_16(p, 0);							\
	SSE2_16(p, 16);							\
	SSE2_16(p, 32);							\
	SSE2_16(p, 48);							\
} while (0)

static __attribute__((noinline)) void
index_sse2(struct x12r *r, size_t at)
{
	const __m128i dq = _mm_set1_epi8('"'), bs = _mm_set1_epi8('\\');
	const __m128i one = _mm_set1_epi8(1), sp = _mm_set1_epi8(0x20);

	WINDOW(SSE2_64);
}

#ifdef HAVE_AVX2
/* The same 32 bytes at a time, where the processor has AVX2. */
#define AVX2_32(p, k, m) do {						\
	__m256i v = _mm256_loadu_si256((const __m256i *)((p) + (k)));	\
									\
	m##e = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, se));	\
	m##t = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, st));	\
	m##o = (uint32_t)_mm256_movemask_epi8(_mm256_andnot_si256(	\
	    _mm256_or_si256(_mm256_cmpeq_epi8(v, dq),			\
	    _mm256_cmpeq_epi8(v, bs)),					\
	    _mm256_cmpgt_epi8(_mm256_add_epi8(v, one), sp)));		\
} while (0)
#define AVX2_64(p) do {							\
	uint64_t le, lt, lo, he, ht, ho;				\
									\
	AVX2_32(p, 0, l);						\
	AVX2_32(p, 32, h);						\
	e = le | he << 32;						\
	t = lt | ht << 32;						\
	ok = lo | ho << 32;						\
} while (0)

static __attribute__((noinline, target("avx2"))) void
index_avx2(struct x12r *r, size_t at)
{
	const __m256i se = _mm256_set1_epi8((char)r->d.elem);
	const __m256i st = _mm256_set1_epi8((char)r->d.seg);
	const __m256i dq = _mm256_set1_epi8('"');
	const __m256i bs = _mm256_set1_epi8('\\');
	const __m256i one = _mm256_set1_epi8(1);
	const __m256i sp = _mm256_set1_epi8(0x20);

	WINDOW(AVX2_64);
}
#endif

/* Index the window at buf[at] (see struct x12r). */
static inline void
index_at(struct x12r *r, size_t at)
{
#ifdef HAVE_AVX2
	if (r->avx2) {
		index_avx2(r, at);
		return;
	}
#endif
	index_sse2(r, at);
}

/*
 * Where the segment after the one just read starts, np, is at the end of
 * the window or past it: the next window, if the buffer has it, and
 * whether the next call can go the quick way.
 */
__attribute__((noinline)) int
x12i_seg_edge(struct x12r *r, size_t np)
{
	r->ipos = NOIDX;
	if (np + 1 < r->end && r->buf[np] == '\r' && r->buf[np + 1] == '\n')
		np++;
	if (np < r->end && r->buf[np] == '\n')
		np++;
	r->pos = np;
	if (np >= r->end || x12i_lead_slow[(unsigned char)r->buf[np]])
		return X12_SEG;
	if (np >= r->ilim)
		index_at(r, r->ilim);
	r->ipos = np;
	return X12_SEG;
}

/*
 * The segment at pos, in the window indexed, when its terminator may not
 * be: window after window until the terminator.  The general code does
 * what this cannot: no terminator within the buffer, more than
 * X12_MAX_ELEMS elements.
 */
__attribute__((noinline)) int
x12i_seg_long(struct x12r *r, struct x12_seg *s, size_t pos)
{
	const size_t rel = pos - r->iblk;
	uint32_t *ep = r->eoff, off = 1 - (uint32_t)(rel & 63);
	uint64_t keep = ~0ULL << (rel & 63), e, t, b = 0;
	unsigned w = (unsigned)(rel >> 6), n;

	while ((t = r->it[w] & keep) == 0) {
		if ((e = r->ie[w] & keep) != 0) {
			n = (unsigned)(ep - r->eoff);
			if (n > X12_MAX_ELEMS - 64 && n +
			    (unsigned)__builtin_popcountll(e) > X12_MAX_ELEMS)
				goto slow;
			X12I_WALK(e, off);
		}
		b |= r->ib[w] & keep;
		keep = ~0ULL;
		off += 64;
		if (++w == IW) {
			if (r->ilim == r->end)	/* nothing more to index */
				goto slow;
			index_at(r, r->ilim);
			w = 0;
		}
	}
	keep &= (t & -t) - 1;
	if ((e = r->ie[w] & keep) != 0) {
		n = (unsigned)(ep - r->eoff);
		if (n > X12_MAX_ELEMS - 64 &&
		    n + (unsigned)__builtin_popcountll(e) > X12_MAX_ELEMS)
			goto slow;
		X12I_WALK(e, off);
	}
	b |= r->ib[w] & keep;
	return x12i_seg_end(r, s, pos, r->iblk + 64 * w +
	    (size_t)__builtin_ctzll(t) - pos, b, ep);
slow:
	r->ipos = NOIDX;
	return x12i_general(r, s);
}

/* x12r_next() when the last call left no quick way. */
__attribute__((noinline)) int
x12i_next_slow(struct x12r *r, struct x12_seg *s)
{
	int rc;

	r->ek = X12_E_NONE;
	r->err[0] = '\0';
	r->ipos = NOIDX;
	if ((rc = before_seg(r, s)) != GO)
		return rc;
	index_at(r, r->pos);
	return x12i_seg_long(r, s, r->pos);
}
#endif

int
x12r_next(struct x12r *r, struct x12_seg *s)
{
#ifdef __SSE2__
	return x12r_next_inline(r, s);
#else
	int rc;

	r->ek = X12_E_NONE;
	r->err[0] = '\0';
	if ((rc = before_seg(r, s)) != GO)
		return rc;
	return x12i_general(r, s);
#endif
}
