/*
 * x12: a streaming tokenizer for ASC X12 interchanges.
 *
 *	struct x12r *r = x12r_open(path);
 *	struct x12_seg s;
 *	int rc;
 *	while ((rc = x12r_next(r, &s)) != X12_EOF) {
 *		if (rc == X12_ERR) { report x12r_error(r) at s.index; continue; }
 *		... s.id, x12_el(&s, 3, &len) ...
 *	}
 *	x12r_close(r);
 *
 * Input is read in large blocks; a window of the buffer at a time is
 * indexed (bitmaps of separators and terminators, SSE2 or AVX2) and split
 * from the index; a segment's text stays in the reader's buffer (no copy,
 * no allocation per segment) and is valid until the next x12r_next() call.
 * Memory is bounded by the block size plus X12_MAX_SEG.
 *
 * Delimiters come from each ISA: the element separator is the byte after
 * "ISA", the component separator is ISA16, the segment terminator is the
 * byte after ISA16, and ISA11 is the repetition separator when it is not
 * alphanumeric (5010; 'U' in 4010).  Each ISA sets them anew, so
 * concatenated interchanges may differ.  Line breaks, blanks and a UTF-8
 * byte order mark between segments are skipped; a CR or LF just before a
 * terminator is not part of the segment.
 */
#ifndef CLAIMKIT_X12_H
#define CLAIMKIT_X12_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* Longest segment accepted (a real 837 segment is under 1 KB). */
#define X12_MAX_SEG	(128 * 1024)
/* Most elements a segment may have; the rest stay in the last one. */
#define X12_MAX_ELEMS	255

/* Return codes of x12r_next(). */
#define X12_EOF	0
#define X12_SEG	1
#define X12_ERR	(-1)

/* Error kinds (x12r_errkind); "fatal" ones end the input. */
enum x12_err {
	X12_E_NONE = 0,
	X12_E_EMPTY,		/* fatal: no data at all */
	X12_E_NOT_X12,		/* fatal: input does not start with ISA */
	X12_E_UTF16,		/* fatal: UTF-16 byte order mark */
	X12_E_BAD_ISA,		/* delimiters cannot be found; fatal at start,
				   else the reader skips to the next ISA */
	X12_E_TOO_LONG,		/* segment over X12_MAX_SEG; skipped */
	X12_E_IO		/* fatal: read error (errno in message) */
};

struct x12_delims {
	unsigned char	elem;	/* element separator */
	unsigned char	comp;	/* component separator (ISA16) */
	unsigned char	rep;	/* repetition separator, 0 when none */
	unsigned char	seg;	/* segment terminator */
};

/* One segment.  Pointers are valid until the next x12r_next(). */
struct x12_seg {
	const char		*text;	/* segment without terminator */
	size_t			 len;
	char			 id[4];	/* first element, cut to 3 bytes */
	size_t			 idlen;	/* its real length */
	unsigned		 nel;	/* elements after the id */
	/*
	 * eoff[k] is the offset of element k (0 = id) in text; element k
	 * ends at eoff[k + 1] - 1.  eoff has nel + 2 entries.
	 */
	const uint32_t		*eoff;
	unsigned long long	 index;	/* 1-based segment number in the input */
	unsigned long long	 offset; /* byte offset of its first byte */
	struct x12_delims	 d;	/* delimiters in force */
	/* X12_F_* flags */
	unsigned		 flags;
	/*
	 * For an ISA whose fixed-width layout is wrong but whose delimiters
	 * could still be found: what is wrong ("ISA02 is 9 characters, not
	 * 10"), else NULL.
	 */
	const char		*isa_problem;
};

#define X12_F_UNTERMINATED	1	/* last segment, no terminator */
#define X12_F_ISA		2	/* an ISA that set the delimiters */
/*
 * Every byte of the segment is printable ASCII other than '"' and '\\'
 * (0x20 to 0x7e): its text goes into JSON strings as it is.  Set when the
 * reader saw it at no cost; absent says nothing.
 */
#define X12_F_PLAIN		4

struct x12r;

/*
 * Open path ("-" or NULL: standard input).  NULL with errno set when the
 * file cannot be opened.
 */
struct x12r *x12r_open(const char *path);
/* Read from an open descriptor; x12r_close() closes it. */
struct x12r *x12r_fdopen(int fd);
/* Read from memory (not copied; must outlive the reader).  For fuzzers. */
struct x12r *x12r_mem(const void *p, size_t n);
void x12r_close(struct x12r *r);

/*
 * Next segment into *s: X12_SEG, X12_EOF, or X12_ERR with x12r_error()
 * saying what is wrong and s->index / s->offset giving where (s->text
 * then holds up to 64 bytes of the offending input).  After a non-fatal
 * error the next call goes on; after a fatal one it returns X12_EOF.
 */
int x12r_next(struct x12r *r, struct x12_seg *s);
const char *x12r_error(const struct x12r *r);
enum x12_err x12r_errkind(const struct x12r *r);
/* Bytes consumed so far (the input size once X12_EOF was returned). */
unsigned long long x12r_offset(const struct x12r *r);
/* Segments returned so far. */
unsigned long long x12r_count(const struct x12r *r);

/*
 * Element i (0 = the id) of s, and its length; "" and 0 when the segment
 * has fewer elements.
 */
const char *x12_el(const struct x12_seg *s, unsigned i, size_t *len);

/*
 * Component j (1-based) of text p[0..n) split on sep; "" and 0 when there
 * are fewer components.
 */
const char *x12_comp(const char *p, size_t n, int sep, unsigned j,
    size_t *len);

/* 1 when id[0..n) is a syntactically valid segment id: 2 or 3 upper-case
 * letters or digits, the first a letter. */
int x12_valid_id(const char *id, size_t n);

/*
 * x12r_next() inline, for a caller's loop where a call per segment shows
 * (edi-parse's: about 2% of its time).  What follows is the reader's state
 * and x12r_next()'s usual case, in this header only so that the compiler
 * can inline them: use the functions above, never the fields.
 */

/*
 * 64-byte words in the window indexed at a time: 4 KiB, several claims,
 * so that x12i_seg_long() and the indexing, which run at each window's edge,
 * run seldom (at 1 KiB, about once a claim, they were among the code
 * fetched anew for each claim).  The index is 1.5 KiB of data.
 */
#define X12I_IW		64

struct x12r {
	int			 fd;
	int			 memmode;
	char			*buf;
	size_t			 cap, pos, end;
	unsigned long long	 base;	/* input offset of buf[0] */
	int			 eof;	/* source exhausted */
	int			 started; /* saw a non-blank byte */
	int			 fatal;
	int			 resync; /* looking for the next ISA */
	int			 have_delims;
	struct x12_delims	 d;
	uint32_t		*eoff;
	/*
	 * Index of a window of 64 * X12I_IW bytes at buf[iblk], ilim the end of
	 * those in the buffer: bit k of ie[w], it[w] and ib[w] says whether
	 * buf[iblk + 64 * w + k] is an element separator, a terminator, a
	 * byte that is not plain (X12_F_PLAIN).  ipos is pos when the next
	 * segment can be had from it; whatever else moves the buffer or the
	 * delimiters sets ipos to X12I_NOIDX, and the slow path (which alone
	 * moves pos otherwise: skip_blanks, find_isa) starts by doing so.
	 */
	size_t			 ipos, iblk, ilim;
	uint64_t		 ie[X12I_IW], it[X12I_IW], ib[X12I_IW];
#ifdef __SSE2__
	/* elem and seg, 16 times (malloc's 16-byte alignment suffices) */
	__m128i			 vse, vst;
#endif
	int			 avx2;	/* index with AVX2 */
	unsigned long long	 count;
	enum x12_err		 ek;
	char			 err[160];
	char			 isaprob[96];
};

/* ipos when there is no index */
#define X12I_NOIDX	SIZE_MAX

/* x12.c's slow ways */
int x12i_general(struct x12r *r, struct x12_seg *s);

#ifdef __SSE2__
/* Bytes a segment cannot start with in the quick way (x12.c). */
extern const unsigned char x12i_lead_slow[256];
int x12i_seg_edge(struct x12r *r, size_t np);
int x12i_seg_long(struct x12r *r, struct x12_seg *s, size_t pos);
int x12i_next_slow(struct x12r *r, struct x12_seg *s);

/* Element offsets for the bits of m, each off past its byte. */
#define X12I_WALK(m, off) do {						\
	for (; (m) != 0; (m) &= (m) - 1)				\
		*++ep = (off) + (uint32_t)__builtin_ctzll(m);		\
} while (0)

/*
 * The segment at pos, len bytes; its element offsets are in r->eoff up to
 * ep, and b says whether any of its bytes is not plain.  The rest of what
 * x12r_next() does.
 */
static inline __attribute__((always_inline)) int
x12i_seg_end(struct x12r *r, struct x12_seg *s, size_t pos, size_t len,
    uint64_t b, uint32_t *ep)
{
	/* the first 1, 2 or 3 bytes of 4 read (x86, little-endian) */
	static const uint32_t idmask[4] = { 0, 0xff, 0xffff, 0xffffff };
	const char *buf = r->buf;
	size_t np;
	char id[4] = { 0, 0, 0, 0 };
	uint32_t v;
	unsigned char c;

	/* CR or LF before the terminator (not plain): trimmed */
	if (b != 0 && len > 0 && (buf[pos + len - 1] == '\r' ||
	    buf[pos + len - 1] == '\n')) {
		r->ipos = X12I_NOIDX;
		return x12i_general(r, s);
	}
	ep[1] = (uint32_t)(len + 1);
	s->nel = (unsigned)(ep - r->eoff);
	s->eoff = r->eoff;
	s->text = buf + pos;
	s->len = len;
	s->flags = b ? 0 : X12_F_PLAIN;
	s->isa_problem = NULL;
	s->index = ++r->count;
	s->offset = r->base + pos;
	s->d = r->d;
	/*
	 * As set_elems() does.  With 3 bytes or more, buf[pos + 3] is in the
	 * segment or its terminator: 4 bytes read and cut to the id's length,
	 * with no branch on that length (2 or 3 from one segment to the next,
	 * often mispredicted).
	 */
	s->idlen = r->eoff[1] - 1;
	if (__builtin_expect(len >= 3, 1)) {
		memcpy(&v, buf + pos, sizeof v);
		v &= idmask[s->idlen < 3 ? s->idlen : 3];
		memcpy(s->id, &v, sizeof v);
	} else {
		if (s->idlen > 0)
			id[0] = buf[pos];
		if (s->idlen > 1)
			id[1] = buf[pos + 1];
		memcpy(s->id, id, sizeof id);
	}
	/*
	 * Past the line break most files have after each terminator, and
	 * whether the next call can go the quick way: the next byte is in
	 * the window and can start a segment.
	 */
	np = pos + len + 1;
	if (np + 2 >= r->ilim)
		return x12i_seg_edge(r, np);
	/* CRLF counts as one line break (else each CRLF file's segment
	 * would go the slow way and index its window again) */
	if ((c = (unsigned char)buf[np]) == '\r' && buf[np + 1] == '\n')
		c = (unsigned char)buf[++np];
	/* (no branch: the LF is there in most files, or in none) */
	np += c == '\n';
	c = (unsigned char)buf[np];
	r->pos = r->ipos = np;
	if (x12i_lead_slow[c])
		r->ipos = X12I_NOIDX;
	return X12_SEG;
}

static inline __attribute__((always_inline)) int
x12r_next_inline(struct x12r *r, struct x12_seg *s)
{
	uint64_t keep, t, e, b = 0;
	uint32_t *ep, off;
	size_t pos, rel;
	unsigned w;

	/*
	 * The usual case, one check: the last call found the next segment
	 * in the window it indexed, the state good (started, delimiters,
	 * nothing fatal, no error to clear) and a byte there that can start
	 * a segment.
	 */
	pos = r->pos;
	if (r->ipos != pos)
		return x12i_next_slow(r, s);
	rel = pos - r->iblk;
	w = (unsigned)(rel >> 6);
	keep = ~0ULL << (rel & 63);
	off = 1 - (uint32_t)(rel & 63);
	ep = r->eoff;
	while ((t = r->it[w] & keep) == 0) {
		/*
		 * The last word of the window, or three words walked (off
		 * 129 or less before: the terminator in the next word is
		 * at most 255 bytes from pos, so no more than X12_MAX_ELEMS
		 * elements here).
		 */
		if (w == X12I_IW - 1 || (int32_t)off > 2 * 64 + 1)
			return x12i_seg_long(r, s, pos);
		e = r->ie[w] & keep;
		X12I_WALK(e, off);
		b |= r->ib[w] & keep;
		keep = ~0ULL;
		off += 64;
		w++;
	}
	keep &= (t & -t) - 1;	/* the segment's bytes */
	e = r->ie[w] & keep;
	X12I_WALK(e, off);
	b |= r->ib[w] & keep;
	/* off - 1 is where word w starts, from pos (modulo 2^32) */
	return x12i_seg_end(r, s, pos, (uint32_t)(off - 1 +
	    (uint32_t)__builtin_ctzll(t)), b, ep);
}
#else
#define x12r_next_inline(r, s) x12r_next((r), (s))
#endif

#endif
