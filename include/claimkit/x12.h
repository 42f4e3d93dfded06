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

#endif
