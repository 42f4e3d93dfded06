/*
 * x837: 837P segments to claimkit records (claimkit-record(5)).
 *
 * Two halves.  The first assigns each segment to its loop from context
 * and copies it into the store of its level (header, 2000A, 2000B, 2000C,
 * claim); nothing is interpreted yet.  The second renders a claim record
 * from those stores when the claim is closed (next CLM, HL or SE).  The
 * JSON of the levels above the claim is rendered once and reused for
 * every claim under them.  Finished records wait in a spool until their
 * interchange is complete, so that envelope problems found at SE, GE or
 * IEA can still be recorded in them (or reject them under --strict).
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
/* part_at() in AVX2 where the processor has it (x837_new() sees) */
#define PART_AVX2	1
static int part_avx2;
#endif

#include "claimkit/buf.h"
#include "claimkit/claimid.h"
#include "claimkit/date.h"
#include "claimkit/diag.h"
#include "claimkit/jw.h"
#include "claimkit/money.h"
#include "claimkit/spool.h"
#include "claimkit/x12.h"
#include "claimkit/x837.h"
#include "claimkit/xalloc.h"

#define SPOOL_MEM	(8u << 20)	/* records held in memory per ISA */
#define CLAIM_MAX	(16u << 20)	/* segment bytes one claim may hold */
#define LEVEL_MAX	(4u << 20)	/* ... and one loop above it */
#define LINES_MAX	60000
#define COB_MAX		60000
#define RAW_MAX		512
#define PC_SIZE		512	/* cached renderings */
#define PC_MAX		4096	/* largest cached key + value */
#define CTL_MAX		36

/* ---- loops ---- */

enum loop {
	L_NONE = 0, L_HDR, L_1000A, L_1000B,
	L_2000A, L_2010AA, L_2010AB, L_2010AC,
	L_2000B, L_2010BA, L_2010BB,
	L_2000C, L_2010CA,
	L_2300, L_2310A, L_2310B, L_2310C, L_2310D, L_2310E, L_2310F,
	L_2320, L_2330A, L_2330B, L_2330C, L_2330D, L_2330E, L_2330F, L_2330G,
	L_2400, L_2410, L_2420A, L_2420B, L_2420C, L_2420D, L_2420E, L_2420F,
	L_2420G, L_2420H, L_2430, L_2440,
	L_COUNT
};

enum { LV_HDR, LV_A, LV_B, LV_C, LV_CLM, LV_N };
/* Warning targets beyond the levels: they apply to whole units. */
enum { T_TXN = LV_N, T_GRP, T_ISA };

static const struct loopdef {
	const char	*name;
	unsigned char	 parent;
	unsigned char	 level;
	unsigned char	 max;	/* repeats per parent instance, 0: any */
	const char	*segs;	/* 3-byte ids, blank padded */
} loops[L_COUNT] = {
	[L_NONE] =  { "",	L_NONE,  LV_HDR, 0, "" },
	[L_HDR] =   { "header",	L_NONE,  LV_HDR, 0, "BHT" },
	[L_1000A] = { "1000A",	L_HDR,   LV_HDR, 1, "NM1PER" },
	[L_1000B] = { "1000B",	L_HDR,   LV_HDR, 1, "NM1" },
	[L_2000A] = { "2000A",	L_NONE,  LV_A, 0, "HL PRVCUR" },
	[L_2010AA] = { "2010AA", L_2000A, LV_A, 1, "NM1N3 N4 REFPER" },
	[L_2010AB] = { "2010AB", L_2000A, LV_A, 1, "NM1N3 N4 " },
	[L_2010AC] = { "2010AC", L_2000A, LV_A, 1, "NM1N3 N4 REF" },
	[L_2000B] = { "2000B",	L_NONE,  LV_B, 0, "HL SBRPAT" },
	[L_2010BA] = { "2010BA", L_2000B, LV_B, 1, "NM1N3 N4 DMGREFPER" },
	[L_2010BB] = { "2010BB", L_2000B, LV_B, 1, "NM1N3 N4 REF" },
	[L_2000C] = { "2000C",	L_NONE,  LV_C, 0, "HL PAT" },
	[L_2010CA] = { "2010CA", L_2000C, LV_C, 1, "NM1N3 N4 DMGREFPER" },
	[L_2300] =  { "2300",	L_NONE,  LV_CLM, 0,
	    "CLMDTPPWKCN1AMTREFK3 NTECR1CR2CRCHI HCP" },
	[L_2310A] = { "2310A",	L_2300,  LV_CLM, 2, "NM1REF" },
	[L_2310B] = { "2310B",	L_2300,  LV_CLM, 1, "NM1PRVREF" },
	[L_2310C] = { "2310C",	L_2300,  LV_CLM, 1, "NM1N3 N4 REFPER" },
	[L_2310D] = { "2310D",	L_2300,  LV_CLM, 1, "NM1REF" },
	[L_2310E] = { "2310E",	L_2300,  LV_CLM, 1, "NM1N3 N4 " },
	[L_2310F] = { "2310F",	L_2300,  LV_CLM, 1, "NM1N3 N4 " },
	[L_2320] =  { "2320",	L_2300,  LV_CLM, 0, "SBRCASAMTOI MOA" },
	[L_2330A] = { "2330A",	L_2320,  LV_CLM, 1, "NM1N3 N4 REF" },
	[L_2330B] = { "2330B",	L_2320,  LV_CLM, 1, "NM1N3 N4 DTPREF" },
	[L_2330C] = { "2330C",	L_2320,  LV_CLM, 2, "NM1REF" },
	[L_2330D] = { "2330D",	L_2320,  LV_CLM, 1, "NM1REF" },
	[L_2330E] = { "2330E",	L_2320,  LV_CLM, 1, "NM1REF" },
	[L_2330F] = { "2330F",	L_2320,  LV_CLM, 1, "NM1REF" },
	[L_2330G] = { "2330G",	L_2320,  LV_CLM, 1, "NM1REF" },
	[L_2400] =  { "2400",	L_2300,  LV_CLM, 0,
	    "LX SV1PWKCR1CR3CRCDTPQTYMEACN1REFAMTK3 NTEPS1HCP" },
	[L_2410] =  { "2410",	L_2400,  LV_CLM, 1, "LINCTPREF" },
	[L_2420A] = { "2420A",	L_2400,  LV_CLM, 1, "NM1PRVREF" },
	[L_2420B] = { "2420B",	L_2400,  LV_CLM, 1, "NM1REF" },
	[L_2420C] = { "2420C",	L_2400,  LV_CLM, 1, "NM1N3 N4 REF" },
	[L_2420D] = { "2420D",	L_2400,  LV_CLM, 1, "NM1REF" },
	[L_2420E] = { "2420E",	L_2400,  LV_CLM, 1, "NM1N3 N4 REFPER" },
	[L_2420F] = { "2420F",	L_2400,  LV_CLM, 2, "NM1N3 N4 REF" },
	[L_2420G] = { "2420G",	L_2400,  LV_CLM, 1, "NM1N3 N4 " },
	[L_2420H] = { "2420H",	L_2400,  LV_CLM, 1, "NM1N3 N4 " },
	[L_2430] =  { "2430",	L_2400,  LV_CLM, 0, "SVDCASDTPAMT" },
	[L_2440] =  { "2440",	L_2400,  LV_CLM, 0, "LQ FRM" },
};

/* What an NM1 of an unknown entity may be followed by. */
static const char party_segs[] = "NM1N3 N4 REFPERPRVDMG";

static int
seg_in(const char *list, const char *id)
{
	char k[3] = { id[0], id[1], id[2] ? id[2] : ' ' };

	for (; list[0] != '\0'; list += 3)
		if (memcmp(list, k, 3) == 0)
			return 1;
	return 0;
}

#define ALWAYS_INLINE inline __attribute__((always_inline))
/*
 * The reporting of a problem: rare, so the compiler puts the code that
 * leads to it out of the way of the usual path (the path of a claim runs
 * through more code than the instruction cache holds).
 */
#define COLD __attribute__((cold))

/* ---- small strings ---- */

struct str {
	const char	*p;
	size_t		 n;
};

static const struct str nostr = { "", 0 };

static ALWAYS_INLINE int
is(struct str s, const char *lit)
{
	size_t n = strlen(lit);

	return s.n == n && memcmp(s.p, lit, n) == 0;
}

/*
 * s equals the C string z, for z from a table (is() is for literals, whose
 * strlen the compiler folds): qualifiers are one to three bytes and most
 * differ in the first, so no strlen and memcmp calls.
 */
static ALWAYS_INLINE int
eqz(struct str s, const char *z)
{
	size_t i;

	for (i = 0; i < s.n && z[i] != '\0'; i++)
		if (z[i] != s.p[i])
			return 0;
	return i == s.n && z[i] == '\0';
}

/* A segment id (up to 3 bytes) as one number, for cheap comparisons. */
static ALWAYS_INLINE uint32_t
pk(const char *s)
{
	uint32_t v = (unsigned char)s[0];

	if (s[0] != '\0') {
		v |= (uint32_t)(unsigned char)s[1] << 8;
		if (s[1] != '\0')
			v |= (uint32_t)(unsigned char)s[2] << 16;
	}
	return v;
}

/*
 * pk() of the id a reader gives (x12_seg.id, NUL-padded to four bytes) in
 * a single load.  The two differ only for an id with a NUL byte inside,
 * which is no valid id: a lookup by it must also compare the id's length
 * (feed() does), or come after id_ok().
 */
static ALWAYS_INLINE uint32_t
pkid(const char id[4])
{
	const unsigned char *u = (const unsigned char *)id;

	return (uint32_t)u[0] | (uint32_t)u[1] << 8 | (uint32_t)u[2] << 16 |
	    (uint32_t)u[3] << 24;
}

/* The number of a literal id ("NM1", "HL"), known at compile time. */
#define IDC(lit) ((uint32_t)(unsigned char)(lit)[0] | \
	(sizeof(lit) > 2 ? (uint32_t)(unsigned char)(lit)[1] << 8 : 0) | \
	(sizeof(lit) > 3 ? (uint32_t)(unsigned char)(lit)[2] << 16 : 0))
#define idis(id, lit) (pk(id) == IDC(lit))
/* The same as an integer constant expression, for case labels. */
#define ID2(a, b) ((uint32_t)(a) | (uint32_t)(b) << 8)
#define ID3(a, b, c) (ID2(a, b) | (uint32_t)(c) << 16)

/*
 * The segment ids the mapper knows (those in loops[] and party_segs and
 * those feed() and map_segment() act on) are numbered by their slot in a
 * small open-addressed hash, plus one (1 to NIDS - 1); any other id is 0.
 * A segment's id is looked up once, and its number indexes tables worked
 * out once from loops[]: the loop a segment lands in from each loop
 * (walk_up's search up the parents through the 3-byte lists, which cost
 * more than the rest of a segment's mapping).  The number being the slot,
 * the usual segment's comes from its hash at once, not from a load that
 * would wait for it (put() waits for what that number finds).
 */
enum idkind {
	K_LOOP,			/* in the lists of loops[], or unknown */
	K_ISA, K_IEA, K_GS, K_GE, K_ST, K_SE,	/* envelope: first, together */
	K_HL, K_CLM, K_LX, K_SBR, K_NM1, K_LIN, K_SVD, K_LQ,
	K_INST, K_DENT		/* 837I and 837D segments */
};

#define IDH_BITS 8
#define IDH	(1u << IDH_BITS)	/* hash slots: a fifth used */
#define NIDS	(IDH + 1)
/*
 * Gives each of today's ids a slot of its own (found by trying), so that
 * a known id is found at the first look; an id added to loops[] that is
 * not so lucky is still found, a probe or two further.
 */
#define IDH_MUL	0x9e377a4bu
#define IDH_EMPTY UINT32_MAX	/* no pkid() (id[3] is NUL) */
/*
 * NM1 entity codes hashed to 32 slots; the multiplier (found by trying)
 * gives each code of nm1_loops a slot of its own, as ids_init() checks.
 */
#define NM1H_BITS 5
#define NM1H	(1u << NM1H_BITS)
#define NM1H_MUL 0xcfd7bdafu

struct idslot {
	uint32_t	 key;	/* pkid() of the id, IDH_EMPTY: none */
	uint16_t	 num;	/* the slot's index + 1 */
	uint8_t		 kind, len;
};

static struct {
	struct idslot	 h[IDH];
	/* from loop l, id number i lands in route[l][i] (L_NONE: nowhere) */
	uint8_t		 route[L_COUNT][NIDS];
	uint8_t		 party[NIDS];		/* in party_segs */
	uint8_t		 fam[L_COUNT];		/* family() */
	/* the children of a loop that have a repeat limit: a range */
	uint8_t		 kid0[L_COUNT], nkid[L_COUNT];
	/*
	 * put() stores line & lmask[l] and cob & cmask[l]: 0xffff in a 2400
	 * loop (and those under it) and a 2320 loop, else 0
	 */
	uint16_t	 lmask[L_COUNT], cmask[L_COUNT];
	uint32_t	 lim[L_COUNT];		/* store bytes allowed */
	uint32_t	 stoff[L_COUNT];	/* offset of its store in x837 */
	/*
	 * nm1[l][h]: the loop an NM1 whose entity code has nm1_hash() h
	 * starts from loop l (L_NONE: none); nm1key[h]: that code, ID2()
	 */
	uint8_t		 nm1[L_COUNT][NM1H];
	uint16_t	 nm1key[NM1H];
	int		 done;
} idt;

/*
 * The loop an NM1 starts by its entity code (NM101), under each family
 * (family(): the loop whose NM1 children it is chosen from).
 */
static const struct nm1def {
	unsigned char	 fam;
	char		 code[3];
	unsigned char	 to;
} nm1_loops[] = {
	{ L_HDR, "41", L_1000A }, { L_HDR, "40", L_1000B },
	{ L_2000A, "85", L_2010AA }, { L_2000A, "87", L_2010AB },
	{ L_2000A, "PE", L_2010AC },
	{ L_2000B, "IL", L_2010BA }, { L_2000B, "PR", L_2010BB },
	{ L_2000C, "QC", L_2010CA },
	{ L_2300, "DN", L_2310A }, { L_2300, "P3", L_2310A },
	{ L_2300, "82", L_2310B }, { L_2300, "77", L_2310C },
	{ L_2300, "DQ", L_2310D }, { L_2300, "PW", L_2310E },
	{ L_2300, "45", L_2310F },
	{ L_2320, "IL", L_2330A }, { L_2320, "PR", L_2330B },
	{ L_2320, "DN", L_2330C }, { L_2320, "P3", L_2330C },
	{ L_2320, "82", L_2330D }, { L_2320, "77", L_2330E },
	{ L_2320, "DQ", L_2330F }, { L_2320, "85", L_2330G },
	{ L_2400, "82", L_2420A }, { L_2400, "QB", L_2420B },
	{ L_2400, "77", L_2420C }, { L_2400, "DQ", L_2420D },
	{ L_2400, "DK", L_2420E }, { L_2400, "DN", L_2420F },
	{ L_2400, "P3", L_2420F }, { L_2400, "PW", L_2420G },
	{ L_2400, "45", L_2420H },
};

static ALWAYS_INLINE unsigned
id_hash(uint32_t key)
{
	return (key * IDH_MUL) >> (32 - IDH_BITS);
}

static ALWAYS_INLINE unsigned
nm1_hash(uint32_t v)
{
	return (v * NM1H_MUL) >> (32 - NM1H_BITS);
}

/* The slot of id key: its own, or the empty one ending its probe. */
static struct idslot *
id_probe(uint32_t key)
{
	unsigned h = id_hash(key);

	while (idt.h[h].key != key && idt.h[h].key != IDH_EMPTY)
		h = (h + 1) & (IDH - 1);
	return &idt.h[h];
}

/* Number id (2 or 3 bytes, blank or NUL padded); kind K_LOOP keeps one. */
static unsigned
id_add(const char *id, enum idkind kind)
{
	char z[4] = { id[0], id[1], id[2] == ' ' ? '\0' : id[2], '\0' };
	struct idslot *d = id_probe(pkid(z));

	if (d->key == IDH_EMPTY) {
		d->key = pkid(z);
		d->num = (uint16_t)(d - idt.h + 1);
		d->len = z[2] != '\0' ? 3 : 2;
	}
	if (kind != K_LOOP)
		d->kind = (uint8_t)kind;
	return d->num;
}

/*
 * The loop whose NM1 children a loop's NM1 is chosen from: up to a top
 * loop, 2320 or 2400.
 */
static ALWAYS_INLINE enum loop
family(enum loop l)
{
	return (enum loop)idt.fam[l];
}

/*
 * Copy s into out (size CTL_MAX), cut to fit.  Out of line: the inline
 * copy's branches on the size took more of on_hl() than the call costs.
 */
static __attribute__((noinline)) void
scopy(char *out, struct str s)
{
	size_t n = s.n < CTL_MAX - 1 ? s.n : CTL_MAX - 1;

	buf_copy(out, s.p, n);
	out[n] = '\0';
}

static struct str
trim(const char *p, size_t n)
{
	struct str s;

	while (n > 0 && p[n - 1] == ' ')
		n--;
	s.p = p;
	s.n = n;
	return s;
}

/*
 * trim() of an element that is not the id: the byte before it is the
 * element separator, never a blank (read_isa() refuses one), so the loop
 * stops there without testing n at every step.  The id, element 0, of a
 * segment that is stored is 2 or 3 letters and digits (feed() keeps
 * others out): it too ends in a byte that is not a blank.
 */
static ALWAYS_INLINE struct str
trim_el(const char *p, size_t n)
{
	const char *e = p + n;
	struct str s;

	/* (e[-1], not p[n - 1]: an empty element reads its separator) */
	while (e[-1] == ' ')
		e--;
	s.p = p;
	s.n = (size_t)(e - p);
	return s;
}

/*
 * Element i of a tokenizer segment, trailing blanks removed: x12_el()
 * without the call.
 */
static ALWAYS_INLINE struct str
sel(const struct x12_seg *s, unsigned i)
{
	if (i > s->nel)
		return nostr;
	return trim(s->text + s->eoff[i], s->eoff[i + 1] - 1 - s->eoff[i]);
}

/* ---- stores: segments copied out of the reader's buffer ---- */

#define SS_EXTRA	1	/* not mapped: goes to extra_segments */
#define SS_ALSO		2	/* mapped, but not all of it: also there */
#define SS_PLAIN	4	/* X12_F_PLAIN: no byte needs escaping */
_Static_assert(SS_PLAIN == X12_F_PLAIN, "put() copies the bit as it is");

/*
 * 48 bytes, no padding: the render code finds segment k at seg + 48 * k
 * in two instructions (56 took three, at every access).
 */
struct sseg {
	uint32_t		off, len, eo, inst, pid;
	uint16_t		nel, line, cob;
	uint8_t			loop, flags;
	char			id[4];
	unsigned long long	index, offset;
};

/*
 * What a stored segment counts for against CLAIM_MAX and LEVEL_MAX on top
 * of its text: the size struct sseg had when the limits were set, kept so
 * that the same inputs are too large.
 */
#define SSEG_ACCT	56

#define NOIDX UINT32_MAX

struct store {
	struct buf	 text;
	struct sseg	*seg;
	size_t		 n, cap;
	uint32_t	*eo;
	size_t		 neo, eocap;
	/* the segments of each loop, in order: head, tail, next */
	uint32_t	 lhead[L_COUNT], ltail[L_COUNT];
	uint32_t	*lnext;		/* cap entries, like seg */
};

static void
store_reset(struct store *st)
{
	buf_reset(&st->text);
	st->n = 0;
	st->neo = 0;
	/* ltail[l] is read only after lhead[l] is set: not reset */
	memset(st->lhead, 0xff, sizeof st->lhead);
}

static void
store_free(struct store *st)
{
	buf_free(&st->text);
	free(st->seg);
	free(st->eo);
	free(st->lnext);
}

/*
 * eo_copy() copies EO_SLACK offsets for a segment of fewer: the store's eo
 * keeps room for that many more than the segment has.
 */
#define EO_SLACK	16

/* Room for one more segment of nel elements and len bytes. */
static __attribute__((noinline)) void
store_grow(struct store *st, size_t nel, size_t len)
{
	if (st->n == st->cap) {
		st->cap = st->cap ? st->cap * 2 : 64;
		st->seg = xreallocarray(st->seg, st->cap, sizeof *st->seg);
		st->lnext = xreallocarray(st->lnext, st->cap,
		    sizeof *st->lnext);
	}
	if (st->neo + nel + 2 + EO_SLACK > st->eocap) {
		while (st->neo + nel + 2 + EO_SLACK > st->eocap)
			st->eocap = st->eocap ? st->eocap * 2 : 1024;
		st->eo = xreallocarray(st->eo, st->eocap, sizeof *st->eo);
	}
	if (st->text.len + len + 1 > st->text.cap)
		buf_grow(&st->text, len);
}

/*
 * buf_copy() out of line, for seg_copy()'s segments under 16 bytes: its
 * branches on the size spread over four code lines of x837_parse().
 */
static __attribute__((noinline)) void
in_copy_small(char *d, const char *s, size_t n)
{
	buf_copy(d, s, n);
}

/*
 * memcpy(d, s, n) inline for a segment's text (n >= 1), mostly 16 to 64
 * bytes: four 16-byte moves whose places (none past n) cover any such n,
 * with no branch on the size within that range (the length varies with
 * the data: a branch on it was often mispredicted).
 */
static ALWAYS_INLINE void
seg_copy(char *d, const char *s, size_t n)
{
	if (__builtin_expect(n - 16 <= 48, 1)) {
		size_t b = n - 16, o1 = b < 16 ? b : 16, o2 = b < 32 ? b : 32;
#ifdef __SSE2__
		__m128i x0 = _mm_loadu_si128((const __m128i *)(const void *)s);
		__m128i x1 = _mm_loadu_si128((const __m128i *)(const void *)
		    (s + o1));
		__m128i x2 = _mm_loadu_si128((const __m128i *)(const void *)
		    (s + o2));
		__m128i x3 = _mm_loadu_si128((const __m128i *)(const void *)
		    (s + b));

		_mm_storeu_si128((__m128i *)(void *)d, x0);
		_mm_storeu_si128((__m128i *)(void *)(d + o1), x1);
		_mm_storeu_si128((__m128i *)(void *)(d + o2), x2);
		_mm_storeu_si128((__m128i *)(void *)(d + b), x3);
#else
		char x[4][16];

		__builtin_memcpy(x[0], s, 16);
		__builtin_memcpy(x[1], s + o1, 16);
		__builtin_memcpy(x[2], s + o2, 16);
		__builtin_memcpy(x[3], s + b, 16);
		__builtin_memcpy(d, x[0], 16);
		__builtin_memcpy(d + o1, x[1], 16);
		__builtin_memcpy(d + o2, x[2], 16);
		__builtin_memcpy(d + b, x[3], 16);
#endif
	} else if (n < 16)
		in_copy_small(d, s, n);
	else
		memcpy(d, s, n);
}

/*
 * The same for n >= 2 element offsets of a reader's segment, to d with
 * room for EO_SLACK more.  Its eoff (x12r's) has X12_MAX_ELEMS + 2 entries
 * whatever the segment holds: up to EO_SLACK are copied as EO_SLACK, with
 * no branch on the count, which changes from one segment to the next (a
 * branch on it was often mispredicted).
 */
_Static_assert(X12_MAX_ELEMS + 2 >= EO_SLACK, "eo_copy reads EO_SLACK");
static ALWAYS_INLINE void
eo_copy(uint32_t *d, const uint32_t *s, size_t n)
{
	if (__builtin_expect(n <= EO_SLACK, 1)) {
#ifdef __SSE2__
		/* four moves each way (a plain 64-byte copy became rep movs
		 * at some of the inlined copies: slow to start) */
		__m128i a = _mm_loadu_si128((const __m128i *)(const void *)s);
		__m128i b = _mm_loadu_si128((const __m128i *)(const void *)
		    (s + 4));
		__m128i c = _mm_loadu_si128((const __m128i *)(const void *)
		    (s + 8));
		__m128i e = _mm_loadu_si128((const __m128i *)(const void *)
		    (s + 12));

		_mm_storeu_si128((__m128i *)(void *)d, a);
		_mm_storeu_si128((__m128i *)(void *)(d + 4), b);
		_mm_storeu_si128((__m128i *)(void *)(d + 8), c);
		_mm_storeu_si128((__m128i *)(void *)(d + 12), e);
#else
		__builtin_memcpy(d, s, EO_SLACK * sizeof *d);
#endif
	} else
		memcpy(d, s, n * sizeof *d);
}

/* Element i of stored segment k, trailing blanks removed. */
static ALWAYS_INLINE struct str
E(const struct store *st, size_t k, unsigned i)
{
	const struct sseg *s = &st->seg[k];
	const uint32_t *eo;

	if (i > s->nel)
		return nostr;
	eo = st->eo + s->eo;
	return trim_el(st->text.s + s->off + eo[i], eo[i + 1] - 1 - eo[i]);
}

static struct str
segtext(const struct store *st, size_t k)
{
	struct str s;

	s.p = st->text.s + st->seg[k].off;
	s.n = st->seg[k].len;
	return s;
}

/* ---- units and their state ---- */

struct problem {
	int			set;
	char			code[32];
	char			msg[320];
	unsigned long long	index, offset;
	char			segid[8];
	char			raw[RAW_MAX];
	size_t			rawlen;
};

struct level {
	struct store		 st;
	int			 active;
	int			 rendered;
	int			 has_sbr;
	struct buf		 frag, frag2, warn, extra;
	unsigned		 nwarn, nextra;
	char			 hl[CTL_MAX];
	unsigned long		 nclaims, nchildren;
	unsigned long long	 index, offset;
};

struct issue {
	unsigned	 seq;
	int		 rejected;
	char		*warn;
	size_t		 wlen;
	unsigned	 nwarn;
};

struct issues {
	struct issue	*v;
	size_t		 n, cap;
};

struct txn {
	int			open, skip;
	unsigned		seq;
	char			st01[CTL_MAX], st02[CTL_MAX], impl[CTL_MAX];
	/*
	 * index: the ST's; a transaction set's segments (counted by SE01)
	 * are those numbered from it to its SE, every segment in between
	 * being fed in it (the reader numbers the segments it returns, and
	 * an error that returns none, a bad ISA, closes the set)
	 */
	unsigned long long	index, offset;
	unsigned long		nclm;
	struct problem		err, warn1;
	struct buf		warn;
	unsigned		nwarn;
};

struct group {
	int			open;
	unsigned		seq;
	char			gs01[CTL_MAX], gs02[CTL_MAX], gs03[CTL_MAX];
	char			gs04[CTL_MAX], gs05[CTL_MAX], gs06[CTL_MAX];
	char			gs07[CTL_MAX], gs08[CTL_MAX];
	unsigned long long	index, offset;
	unsigned long		ntxn;
	unsigned long long	claims, txns;
	struct problem		warn1;
	struct buf		warn;
	unsigned		nwarn;
};

struct ichg {
	int			open, broken;
	struct problem		err, warn1;
	char			isa05[CTL_MAX], isa06[CTL_MAX], isa07[CTL_MAX];
	char			isa08[CTL_MAX], isa09[CTL_MAX], isa10[CTL_MAX];
	char			isa12[CTL_MAX], isa13[CTL_MAX], isa14[CTL_MAX];
	char			isa15[CTL_MAX];
	struct x12_delims	d;
	char			guessed[16];	/* component separators guessed */
	unsigned long long	index, offset;
	unsigned long		ngs;
	unsigned long long	claims, txns, allclm;
	struct buf		warn;
	unsigned		nwarn;
	unsigned		txnseq, grpseq;
	struct issues		ti, gi;
	/* the previous unit's control numbers, to spot repeats */
	char			last_gs06[CTL_MAX], last_st02[CTL_MAX];
};

/* A stretch of segments outside any transaction set. */
struct outside {
	int			open;
	struct problem		p;
	unsigned long		nseg, nclm;
};

struct x837 {
	struct x837_cb		 cb;
	void			*ctx;
	int			 flags;
	const char		*file;
	struct ichg		 isa;
	struct group		 gs;
	struct txn		 st;
	struct outside		 out;
	struct level		 lv[LV_N];
	/* loop position */
	enum loop		 cur;
	int			 cur_extra;	/* current loop not mapped */
	uint32_t		 inst, cur_inst[L_COUNT];
	unsigned char		 seen[L_COUNT];
	int			 in_claim;
	unsigned		 line, cob;
	unsigned long		 ordinal;
	struct spool		*sp;
	struct x837_stats	 stats;
	unsigned long long	 last_index;
	char			 last_isa13[CTL_MAX];
	/* scratch */
	struct buf		 rec, tmp, conv, msg;
	struct buf		 b_lines, b_claim, b_diag, b_prov, b_cob;
	char			 svc_from[11], svc_to[11];
	int			 hi_other;	/* HI lists besides diagnoses */
	/* rendered parties and billing provider loops, by their segments */
	struct pcache {
		uint64_t	 h;
		uint32_t	 klen, vlen;
		char		*kv;
	}			 pc[PC_SIZE];
};

/* ---- messages ---- */

static const char *
q(struct x837 *m, struct str s)
{
	static char out[4][200];
	static int i;

	(void)m;
	i = (i + 1) % 4;
	return diag_quote(out[i], sizeof out[i], s.p, s.n);
}

static const char *
qs(struct x837 *m, const char *s)
{
	struct str t;

	t.p = s;
	t.n = strlen(s);
	return q(m, t);
}

static COLD void
problem_set(struct problem *p, const char *code, const char *msg,
    unsigned long long index, unsigned long long offset, const char *segid,
    const char *raw, size_t rawlen)
{
	p->set = 1;
	snprintf(p->code, sizeof p->code, "%s", code);
	snprintf(p->msg, sizeof p->msg, "%s", msg);
	p->index = index;
	p->offset = offset;
	snprintf(p->segid, sizeof p->segid, "%s", segid ? segid : "");
	p->rawlen = raw ? (rawlen < RAW_MAX ? rawlen : RAW_MAX) : 0;
	if (p->rawlen)
		memcpy(p->raw, raw, p->rawlen);
}

/* The buffer and counter of a warning target. */
static struct buf *
target(struct x837 *m, int t, unsigned **n, struct problem **first)
{
	*first = NULL;
	switch (t) {
	case T_TXN:
		*n = &m->st.nwarn;
		*first = &m->st.warn1;
		return &m->st.warn;
	case T_GRP:
		*n = &m->gs.nwarn;
		*first = &m->gs.warn1;
		return &m->gs.warn;
	case T_ISA:
		*n = &m->isa.nwarn;
		*first = &m->isa.warn1;
		return &m->isa.warn;
	default:
		*n = &m->lv[t].nwarn;
		/* strict mode rejects the transaction of a claim warning */
		*first = &m->st.warn1;
		return &m->lv[t].warn;
	}
}

/*
 * Record a warning on target t (a level: every claim under it; T_TXN,
 * T_GRP, T_ISA: every claim of that unit) and print it.  index/offset/id
 * locate it; fmt gives "what is wrong: 'value'".
 */
static COLD void
warnx_at(struct x837 *m, int t, const char *code, unsigned long long index,
    unsigned long long offset, const char *segid, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

static COLD void
warnx_at(struct x837 *m, int t, const char *code, unsigned long long index,
    unsigned long long offset, const char *segid, const char *fmt, ...)
{
	struct problem *first;
	unsigned *n;
	struct buf *b = target(m, t, &n, &first);
	struct jw w;
	va_list ap;

	buf_reset(&m->msg);
	va_start(ap, fmt);
	{
		char tmp[600];

		vsnprintf(tmp, sizeof tmp, fmt, ap);
		buf_adds(&m->msg, tmp);
	}
	va_end(ap);
	m->stats.warnings++;
	if (m->cb.warn)
		m->cb.warn(m->ctx, m->file, index, m->msg.s);
	if (*n > 0)
		buf_addc(b, ',');
	jw_init(&w, b);
	jw_obj(&w);
	jw_kstr(&w, "code", code);
	jw_kstr(&w, "message", m->msg.s);
	if (index > 0)
		jw_kint(&w, "segment_index", (long long)index);
	jw_obj_end(&w);
	(*n)++;
	if (first != NULL && !first->set)
		problem_set(first, code, m->msg.s, index, offset, segid, NULL,
		    0);
}

/* ---- the spool and unit ends ---- */

static void
issue_add(struct issues *is, unsigned seq, int rejected, const struct buf *w,
    unsigned nwarn)
{
	struct issue *i;

	if (is->n == is->cap) {
		is->cap = is->cap ? is->cap * 2 : 16;
		is->v = xreallocarray(is->v, is->cap, sizeof *is->v);
	}
	i = &is->v[is->n++];
	i->seq = seq;
	i->rejected = rejected;
	i->nwarn = rejected ? 0 : nwarn;
	i->wlen = 0;
	i->warn = NULL;
	if (i->nwarn > 0) {
		i->warn = xstrndup(w->s, w->len);
		i->wlen = w->len;
	}
}

static void
issues_clear(struct issues *is)
{
	size_t i;

	for (i = 0; i < is->n; i++)
		free(is->v[i].warn);
	is->n = 0;
}

static int utf8_ok(const unsigned char *p, size_t n);

/*
 * Text as valid UTF-8 into out: unchanged when it is, else every byte
 * above 0x7f read as ISO 8859-1 (control numbers and raw segments of a
 * reject may hold anything).
 */
static void
to_utf8(struct buf *out, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i;

	buf_reset(out);
	if (utf8_ok(p, n)) {
		buf_add(out, s, n);
		return;
	}
	for (i = 0; i < n; i++) {
		if (p[i] < 0x80)
			buf_addc(out, p[i]);
		else {
			buf_addc(out, 0xc0 | p[i] >> 6);
			buf_addc(out, 0x80 | (p[i] & 0x3f));
		}
	}
}

static void
kstrn_utf8(struct jw *w, struct buf *tmp, const char *key, const char *s,
    size_t n)
{
	to_utf8(tmp, s, n);
	jw_key(w, key);
	jw_strn(w, tmp->s, tmp->len);
}

static void
kstr_utf8(struct jw *w, struct buf *tmp, const char *key, const char *s)
{
	kstrn_utf8(w, tmp, key, s, strlen(s));
}

static COLD void
reject(struct x837 *m, const struct problem *p, const char *unit,
    unsigned long long claims, unsigned long long txns, int with_counts)
{
	struct buf pos = BUF_INIT, t = BUF_INIT, raw = BUF_INIT;
	struct jw w;
	char reason[400];

	jw_init(&w, &pos);
	jw_obj(&w);
	jw_kint(&w, "segment_index", (long long)p->index);
	if (p->segid[0])
		kstr_utf8(&w, &t, "segment_id", p->segid);
	jw_kint(&w, "byte_offset", (long long)p->offset);
	jw_kstr(&w, "unit", unit);
	if (m->isa.open && m->isa.isa13[0])
		kstr_utf8(&w, &t, "interchange_control_number",
		    m->isa.isa13);
	if ((strcmp(unit, "group") == 0 || strcmp(unit, "transaction") == 0)
	    && m->gs.open && m->gs.gs06[0])
		kstr_utf8(&w, &t, "group_control_number", m->gs.gs06);
	if (strcmp(unit, "transaction") == 0 && m->st.st02[0])
		kstr_utf8(&w, &t, "transaction_control_number",
		    m->st.st02);
	if (with_counts) {
		jw_kint(&w, "claims", (long long)claims);
		if (strcmp(unit, "group") == 0 ||
		    strcmp(unit, "interchange") == 0)
			jw_kint(&w, "transactions", (long long)txns);
	}
	jw_obj_end(&w);
	/* the members only: rejects_write_at adds them to its object */
	pos.s[pos.len - 1] = '\0';
	snprintf(reason, sizeof reason, "%s", p->msg);
	m->stats.rejects++;
	m->stats.rejected_claims += claims;
	to_utf8(&raw, p->raw, p->rawlen);
	if (m->cb.reject)
		m->cb.reject(m->ctx, m->file, p->index, pos.s + 1, p->code,
		    reason, p->rawlen ? raw.s : NULL, raw.len);
	buf_free(&pos);
	buf_free(&t);
	buf_free(&raw);
}

/*
 * Spool entry: u32 insert offset, u32 txn seq, u32 group seq, u32 flags,
 * then the record and its '\n' (so that records leave as they are).
 */
#define HDR_LEN 16

/* Records handed to cb.records at once (writev takes up to 1024). */
#define OUT_BATCH 512

struct outq {
	struct iovec	v[OUT_BATCH];
	int		n;
};

static void
outq_flush(struct x837 *m, struct outq *o)
{
	if (o->n > 0)
		m->cb.records(m->ctx, o->v, o->n);
	o->n = 0;
}

/*
 * A record that needs nothing added: queued as it lies in the spool (with
 * its newline) when the caller takes batches, else given to cb.record.
 */
static void
emit_plain(struct x837 *m, struct outq *o, const char *json, size_t len)
{
	m->stats.records++;
	if (m->cb.records == NULL) {
		if (m->cb.record)
			m->cb.record(m->ctx, json, len);
		return;
	}
	o->v[o->n].iov_base = (void *)(uintptr_t)json;
	o->v[o->n].iov_len = len + 1;
	/* one from the spool file is gone at the next spool_next */
	if (++o->n == OUT_BATCH || spool_from_file(m->sp))
		outq_flush(m, o);
}

static void
flush(struct x837 *m)
{
	const char *p;
	size_t n, ti = 0, gi = 0;
	struct issues *T = &m->isa.ti, *G = &m->isa.gi;
	struct outq o;

	o.n = 0;
	spool_rewind(m->sp);
	while ((p = spool_next(m->sp, &n)) != NULL) {
		uint32_t h[4];
		const struct issue *it = NULL, *ig = NULL;
		const char *json = p + HDR_LEN;
		size_t len = n - HDR_LEN - 1;

		memcpy(h, p, sizeof h);
		while (ti < T->n && T->v[ti].seq < h[1])
			ti++;
		while (gi < G->n && G->v[gi].seq < h[2])
			gi++;
		if (ti < T->n && T->v[ti].seq == h[1])
			it = &T->v[ti];
		if (gi < G->n && G->v[gi].seq == h[2])
			ig = &G->v[gi];
		if ((it && it->rejected) || (ig && ig->rejected))
			continue;
		if ((it == NULL || it->nwarn == 0) &&
		    (ig == NULL || ig->nwarn == 0) && m->isa.nwarn == 0) {
			emit_plain(m, &o, json, len);
			continue;
		}
		/* warnings of its units go in: the queue leaves first */
		if (m->cb.records)
			outq_flush(m, &o);
		buf_reset(&m->rec);
		buf_add(&m->rec, json, h[0]);
		buf_adds(&m->rec, h[3] ? "," : ",\"warnings\":[");
		n = 0;
		if (it && it->nwarn) {
			buf_add(&m->rec, it->warn, it->wlen);
			n++;
		}
		if (ig && ig->nwarn) {
			if (n++)
				buf_addc(&m->rec, ',');
			buf_add(&m->rec, ig->warn, ig->wlen);
		}
		if (m->isa.nwarn) {
			if (n++)
				buf_addc(&m->rec, ',');
			buf_add(&m->rec, m->isa.warn.s, m->isa.warn.len);
		}
		if (!h[3])
			buf_addc(&m->rec, ']');
		buf_add(&m->rec, json + h[0], len - h[0]);
		m->stats.records++;
		if (m->cb.record)
			m->cb.record(m->ctx, m->rec.s, m->rec.len);
	}
	if (m->cb.records)
		outq_flush(m, &o);
	spool_clear(m->sp);
}

static COLD void
txn_error_at(struct x837 *m, const char *code, unsigned long long index,
    unsigned long long offset, const char *segid, const char *raw,
    size_t rawlen, const char *fmt, ...)
    __attribute__((format(printf, 8, 9)));

/*
 * The current transaction set cannot be used: remember why (the first
 * reason counts), stop mapping it, and reject it at its end.
 */
static COLD void
txn_error_at(struct x837 *m, const char *code, unsigned long long index,
    unsigned long long offset, const char *segid, const char *raw,
    size_t rawlen, const char *fmt, ...)
{
	char msg[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (!m->st.err.set)
		problem_set(&m->st.err, code, msg, index, offset, segid, raw,
		    rawlen);
	m->st.skip = 1;
	m->in_claim = 0;
}

#define txn_error(m, s, code, ...) \
	txn_error_at((m), (code), (s)->index, (s)->offset, (s)->id, \
	    (s)->text, (s)->len, __VA_ARGS__)

static void
ids_init(void)
{
	static const struct {
		const char	*id;
		enum idkind	 kind;
	} special[] = {
		{ "ISA", K_ISA }, { "IEA", K_IEA }, { "GS", K_GS },
		{ "GE", K_GE }, { "ST", K_ST }, { "SE", K_SE },
		{ "HL", K_HL }, { "CLM", K_CLM }, { "LX", K_LX },
		{ "SBR", K_SBR }, { "NM1", K_NM1 }, { "LIN", K_LIN },
		{ "SVD", K_SVD }, { "LQ", K_LQ }, { "SV2", K_INST },
		{ "CL1", K_INST }, { "SV3", K_DENT }, { "TOO", K_DENT },
	};
	const char *p;
	unsigned i, j;
	int l, u;

	if (idt.done)
		return;
	for (i = 0; i < IDH; i++)
		idt.h[i].key = IDH_EMPTY;
	for (i = 0; i < sizeof special / sizeof special[0]; i++)
		id_add(special[i].id, special[i].kind);
	for (l = 0; l < L_COUNT; l++)
		for (p = loops[l].segs; *p != '\0'; p += 3)
			id_add(p, K_LOOP);
	for (p = party_segs; *p != '\0'; p += 3)
		idt.party[id_add(p, K_LOOP)] = 1;
	for (i = 0; i < IDH; i++) {
		char z[4];

		if (idt.h[i].key == IDH_EMPTY)
			continue;
		for (j = 0; j < 4; j++)
			z[j] = (char)(idt.h[i].key >> (8 * j));
		for (l = 0; l < L_COUNT; l++) {
			for (u = l; u != L_NONE && !seg_in(loops[u].segs, z);
			    u = loops[u].parent)
				;
			idt.route[l][idt.h[i].num] = (uint8_t)u;
		}
	}
	for (l = 0; l < L_COUNT; l++) {
		u = l;
		while (loops[u].parent != L_NONE && u != L_2320 &&
		    u != L_2400)
			u = loops[u].parent;
		idt.fam[l] = (uint8_t)u;
		if (loops[l].level == LV_CLM && (l == L_2400 ||
		    loops[l].parent == L_2400))
			idt.lmask[l] = 0xffff;
		if (loops[l].level == LV_CLM && (l == L_2320 ||
		    loops[l].parent == L_2320))
			idt.cmask[l] = 0xffff;
		idt.lim[l] = loops[l].level == LV_CLM ? CLAIM_MAX : LEVEL_MAX;
		idt.stoff[l] = (uint32_t)(offsetof(struct x837, lv) +
		    loops[l].level * sizeof(struct level) +
		    offsetof(struct level, st));
	}
	for (i = 0; i < sizeof nm1_loops / sizeof nm1_loops[0]; i++) {
		const struct nm1def *e = &nm1_loops[i];
		uint32_t v = ID2((unsigned char)e->code[0],
		    (unsigned char)e->code[1]);
		unsigned h = nm1_hash(v);

		if (idt.nm1key[h] != 0 && idt.nm1key[h] != v)
			diag_fatal(CK_EX_SOFTWARE, "x837: NM1 code %s shares "
			    "a slot", e->code);
		idt.nm1key[h] = (uint16_t)v;
		for (l = 0; l < L_COUNT; l++)
			if (idt.fam[l] == e->fam)
				idt.nm1[l][h] = e->to;
	}
	for (l = 1; l < L_COUNT; l++) {
		u = loops[l].parent;
		if (loops[l].max == 0)
			continue;
		if (idt.nkid[u] == 0)
			idt.kid0[u] = (uint8_t)l;
		/* reset_children() clears them as one range */
		if (idt.kid0[u] + idt.nkid[u] != l || idt.nkid[u] == 16)
			diag_fatal(CK_EX_SOFTWARE, "x837: loop %s out of "
			    "order", loops[l].name);
		idt.nkid[u]++;
	}
	idt.done = 1;
}

/* ---- levels and loop position ---- */

static void render_claim(struct x837 *m);

/* (out of line: on_hl() and on_clm() share one copy) */
static __attribute__((noinline)) void
level_open(struct x837 *m, int lv, const struct x12_seg *s)
{
	struct level *l = &m->lv[lv];

	store_reset(&l->st);
	l->active = 1;
	l->rendered = 0;
	l->has_sbr = 0;
	buf_reset(&l->frag);
	buf_reset(&l->frag2);
	buf_reset(&l->warn);
	buf_reset(&l->extra);
	l->nwarn = l->nextra = 0;
	l->nclaims = l->nchildren = 0;
	l->hl[0] = '\0';
	if (s != NULL) {
		l->index = s->index;
		l->offset = s->offset;
	}
}

/* Close the claim in progress: render it into the spool. */
static void
close_claim(struct x837 *m)
{
	if (!m->in_claim)
		return;
	m->in_claim = 0;
	if (!m->st.skip && !m->isa.broken)
		render_claim(m);
}

/* End a level (and those under it); warn about loops without claims. */
static void
level_close(struct x837 *m, int lv)
{
	static const char *what[] = { "", "billing provider", "subscriber",
	    "patient" };
	int i;

	close_claim(m);
	for (i = LV_C; i >= lv && i >= LV_A; i--) {
		struct level *l = &m->lv[i];

		if (!l->active)
			continue;
		l->active = 0;
		if (m->st.skip || m->isa.broken)
			continue;
		if (l->nclaims == 0 && l->nchildren == 0)
			warnx_at(m, T_TXN, "empty_loop", l->index, l->offset,
			    "HL", "%s loop has no claim: HL '%s'", what[i],
			    q(m, (struct str){ l->hl, strlen(l->hl) }));
	}
}

/*
 * Forget the children seen in the instance of loop parent.  Only the
 * counts of those with a repeat limit are read (start_loop()), so only
 * they are cleared; the others count on and may wrap (read nowhere).  The
 * limited ones lie next to each other in enum loop (ids_init() checks):
 * one range of up to 16, cleared with two overlapping stores.
 */
static __attribute__((noinline)) void
in_reset_few(unsigned char *z, unsigned n)
{
	uint32_t z4 = 0;
	uint16_t z2 = 0;

	if (n >= 4) {
		__builtin_memcpy(z, &z4, 4);
		__builtin_memcpy(z + n - 4, &z4, 4);
	} else if (n >= 2) {
		__builtin_memcpy(z, &z2, 2);
		__builtin_memcpy(z + n - 2, &z2, 2);
	} else if (n == 1)
		z[0] = 0;
}

/*
 * (Most loops started have none or 8 and more: those two cases inline,
 * the others in in_reset_few(), so that the inline part is small.)
 */
static ALWAYS_INLINE void
reset_children(struct x837 *m, enum loop parent)
{
	unsigned char *z = m->seen + idt.kid0[parent];
	unsigned n = idt.nkid[parent];
	uint64_t z8 = 0;

	if (n >= 8) {
		__builtin_memcpy(z, &z8, 8);
		__builtin_memcpy(z + n - 8, &z8, 8);
	} else if (n != 0)
		in_reset_few(z, n);
}

/* reset_children() for on_hl() and on_clm(): one call in their way */
static __attribute__((noinline)) void
in_reset_children(struct x837 *m, enum loop parent)
{
	reset_children(m, parent);
}

static __attribute__((noinline)) void
too_large(struct x837 *m, const struct x12_seg *s, enum loop l)
{
	int lv = loops[l].level;

	txn_error(m, s, "too_large", "loop %s holds more than %u MiB of "
	    "segments", loops[l].name,
	    (lv == LV_CLM ? CLAIM_MAX : LEVEL_MAX) >> 20);
}

/*
 * Copy s into the store of loop l's level, chained into l's list (the
 * store's lnext grows with its seg).  Run for every segment, so: one test
 * when nothing needs to grow, every sseg field set (no memset first), and
 * the copies inline for the usual short segment.
 */
static ALWAYS_INLINE struct sseg *
put_inline(struct x837 *m, const struct x12_seg *s, enum loop l, int flags)
{
	/*
	 * &m->lv[loops[l].level].st, from a table: the compiler would work
	 * it out anew (four instructions) at every use.
	 */
	struct store *st = (struct store *)(void *)((char *)m + idt.stoff[l]);
	size_t k = st->n, tlen = st->text.len, neo = st->neo;
	size_t len = s->len, ne = (size_t)s->nel + 2;
	struct sseg *ss;
	uint32_t *link;

	/* one branch for the four tests (| not ||): all mostly false */
	if (__builtin_expect((tlen + k * SSEG_ACCT > idt.lim[l]) |
	    (k == st->cap) | (neo + ne + EO_SLACK > st->eocap) |
	    (tlen + len + 1 > st->text.cap), 0)) {
		if (tlen + k * SSEG_ACCT > idt.lim[l]) {
			too_large(m, s, l);
			return NULL;
		}
		store_grow(st, s->nel, len);
	}
	/* the copies first: what they keep live is little */
	seg_copy(st->text.s + tlen, s->text, len);
	st->text.s[tlen + len] = '\0';
	st->text.len = tlen + len;
	eo_copy(st->eo + neo, s->eoff, ne);
	st->neo = neo + ne;
	st->n = k + 1;
	ss = &st->seg[k];
	ss->off = (uint32_t)tlen;
	ss->nel = (uint16_t)s->nel;
	ss->len = (uint32_t)len;
	ss->loop = (uint8_t)l;
	ss->eo = (uint32_t)neo;
	ss->flags = (uint8_t)(flags | (s->flags & X12_F_PLAIN));
	ss->line = (uint16_t)(m->line & idt.lmask[l]);
	ss->cob = (uint16_t)(m->cob & idt.cmask[l]);
	ss->index = s->index;
	ss->offset = s->offset;
	memcpy(ss->id, s->id, sizeof ss->id);
	ss->pid = pkid(s->id);
	st->lnext[k] = NOIDX;
	/* not next to off, len and eo: the four would go through an SSE
	 * register, in more instructions than four stores */
	ss->inst = m->cur_inst[l];
	/* the head or the tail's next: chosen without a branch (whether a
	 * loop has had a segment yet follows the data) */
	link = st->lhead[l] == NOIDX ? &st->lhead[l] :
	    &st->lnext[st->ltail[l]];
	*link = (uint32_t)k;
	st->ltail[l] = (uint32_t)k;
	return ss;
}

static struct sseg *
put(struct x837 *m, const struct x12_seg *s, enum loop l, int flags)
{
	return put_inline(m, s, l, flags);
}

/* A segment nothing maps: kept in extra_segments, with a warning. */
static void
put_extra(struct x837 *m, const struct x12_seg *s, enum loop l,
    const char *why)
{
	char id[80];

	if (put(m, s, l, SS_EXTRA) == NULL)
		return;
	snprintf(id, sizeof id, "%s", s->id);
	if (idis(s->id, "NM1") || idis(s->id, "REF") || idis(s->id, "DTP") ||
	    idis(s->id, "AMT") || idis(s->id, "HL")) {
		struct str e = sel(s, idis(s->id, "HL") ? 3 : 1);

		snprintf(id, sizeof id, "%s%c%.*s", s->id, s->d.elem,
		    (int)(e.n < 8 ? e.n : 8), e.p);
	}
	warnx_at(m, loops[l].level, "unexpected_segment", s->index, s->offset,
	    s->id, "%s in loop %s (kept in extra_segments): '%s'", why,
	    loops[l].name, qs(m, id));
}

/*
 * Start an instance of loop l with segment s (NM1, SBR, LX, ...): the
 * loop to store s in, or L_NONE when it is kept as an extra segment.
 */
static ALWAYS_INLINE enum loop
start_loop(struct x837 *m, const struct x12_seg *s, enum loop l)
{
	m->seen[l]++;
	reset_children(m, l);
	if (loops[l].max && m->seen[l] > loops[l].max) {
		m->cur = l;
		m->cur_extra = 1;
		put_extra(m, s, l, "loop repeated more often than 837P allows");
		return L_NONE;
	}
	m->cur = l;
	m->cur_extra = 0;
	m->cur_inst[l] = ++m->inst;
	return l;
}

/*
 * The loop an NM1 with entity code c (NM101) starts from loop l (under
 * its family()): one look in idt.nm1, no branch on the family or the code
 * (a switch on each cost a jump the CPU often got wrong, at every NM1).
 */
static ALWAYS_INLINE enum loop
nm1_child(enum loop l, struct str c)
{
	uint32_t v;
	unsigned h;

	if (c.n != 2)
		return L_NONE;
	v = ID2((unsigned char)c.p[0], (unsigned char)c.p[1]);
	h = nm1_hash(v);
	/* a code of another slot's hash: its row there is no use */
	return (enum loop)(idt.nm1[l][h] & -(unsigned)(idt.nm1key[h] == v));
}

/*
 * An HL: the loop to store it in (the caller's put_inline(), one copy for
 * every segment), or L_NONE when it is refused.
 */
/*
 * sel() out of line, for what runs once or twice a claim (HL): one call is
 * smaller than a copy of its trim loop at each use.
 */
static __attribute__((noinline)) struct str
in_sel(const struct x12_seg *s, unsigned i)
{
	return sel(s, i);
}

static enum loop
on_hl(struct x837 *m, const struct x12_seg *s)
{
	/* the level of HL03 "20", "22" or "23" by its second digit (one
	 * look, not a test for each), and the level's loop */
	static const unsigned char lvof[4] = { LV_A, LV_HDR, LV_B, LV_C };
	static const unsigned char loopof[LV_N] = {
		[LV_A] = L_2000A, [LV_B] = L_2000B, [LV_C] = L_2000C
	};
	struct str code = in_sel(s, 3);
	unsigned d = 1;
	int lv, up;
	enum loop l;

	if (code.n == 2 && code.p[0] == '2')
		d = (unsigned)(unsigned char)code.p[1] - '0';
	lv = d < 4 ? lvof[d] : LV_HDR;
	if (lv == LV_HDR) {
		txn_error(m, s, "bad_hierarchy",
		    "HL03 is not an 837P hierarchical level (20, 22 or 23): "
		    "'%s'", q(m, code));
		return L_NONE;
	}
	up = lv - 1;
	if (lv > LV_A && !m->lv[up].active) {
		txn_error(m, s, "bad_hierarchy", "HL %s (%s) without a %s "
		    "loop (HL %s) before it: '%s'", lv == LV_B ? "22" : "23",
		    lv == LV_B ? "subscriber" : "patient",
		    lv == LV_B ? "billing provider" : "subscriber",
		    lv == LV_B ? "20" : "22", q(m, in_sel(s, 1)));
		return L_NONE;
	}
	level_close(m, lv);
	level_open(m, lv, s);
	scopy(m->lv[lv].hl, in_sel(s, 1));
	l = (enum loop)loopof[lv];
	m->cur = l;
	m->cur_extra = 0;
	m->cur_inst[l] = ++m->inst;
	in_reset_children(m, l);
	/* before the HL is stored, which changes neither: the store was
	 * just emptied, it has room */
	if (lv > LV_A) {
		struct str parent = in_sel(s, 2);

		m->lv[up].nchildren++;
		/* (eqz: the enclosing id is short, no strlen call) */
		if (!eqz(parent, m->lv[up].hl))
			warnx_at(m, lv, "hl_parent", s->index, s->offset, "HL",
			    "HL02 parent id is not the enclosing HL '%s': '%s'",
			    qs(m, m->lv[up].hl), q(m, parent));
	}
	return l;
}

static ALWAYS_INLINE int clm_institutional(struct x837 *,
    const struct x12_seg *);

/*
 * A CLM: the loop to store it in (L_2300), or L_NONE when refused.  The
 * test for an 837I claim here, not in feed(): out of its loop's way.
 */
static enum loop
on_clm(struct x837 *m, const struct x12_seg *s)
{
	int lv = m->lv[LV_C].active ? LV_C : LV_B;

	if (clm_institutional(m, s))
		return L_NONE;
	m->st.nclm++;
	m->stats.claims++;
	if (!m->lv[LV_B].active) {
		txn_error(m, s, "bad_structure",
		    "CLM outside a subscriber loop (no HL 22 before it): '%s'",
		    q(m, sel(s, 1)));
		return L_NONE;
	}
	close_claim(m);
	m->lv[lv].nclaims++;
	level_open(m, LV_CLM, s);
	m->in_claim = 1;
	m->ordinal = m->st.nclm;
	m->line = m->cob = 0;
	m->cur = L_2300;
	m->cur_extra = 0;
	m->cur_inst[L_2300] = ++m->inst;
	in_reset_children(m, L_2300);
	return L_2300;
}

/*
 * Assign s (id number id) to the current loop or the nearest one above it
 * that has it: idt.route, worked out once.  In an unmapped loop
 * (cur_extra 1: a repeat beyond what 837P allows; 2: an NM1 of an unknown
 * entity) the loop's own segments are kept as extra segments; anything
 * else leaves it.
 */
static __attribute__((noinline)) enum loop
in_walk_extra(struct x837 *m, const struct x12_seg *s, unsigned id)
{
	enum loop l = m->cur, to;

	if (m->cur_extra == 2 ? idt.party[id] : idt.route[l][id] == l) {
		put(m, s, l, SS_EXTRA);
		return L_NONE;
	}
	if (m->cur_extra == 1)
		l = (enum loop)loops[l].parent;
	to = (enum loop)idt.route[l][id];
	if (to != L_NONE) {
		m->cur = to;
		m->cur_extra = 0;
		return to;
	}
	put_extra(m, s, m->cur, "unexpected segment");
	return L_NONE;
}

/*
 * The loop to store s in (the caller's put_inline()), or L_NONE when it
 * is kept as an extra segment.  In an unmapped loop: in_walk_extra(), out
 * of the way of the usual segment.
 */
static ALWAYS_INLINE enum loop
walk_up(struct x837 *m, const struct x12_seg *s, unsigned id)
{
	enum loop to;

	if (__builtin_expect(m->cur_extra != 0, 0))
		return in_walk_extra(m, s, id);
	to = (enum loop)idt.route[m->cur][id];
	if (__builtin_expect(to == L_NONE, 0))
		put_extra(m, s, m->cur, "unexpected segment");
	return to;
}

/* sel(s, 1) without the call, for NM101 of every NM1. */
static ALWAYS_INLINE struct str
sel1(const struct x12_seg *s)
{
	if (s->nel < 1)
		return nostr;
	return trim_el(s->text + s->eoff[1], s->eoff[2] - 1 - s->eoff[1]);
}

/*
 * The loop to store s in, L_NONE when it is not to be stored there (kept
 * as an extra segment, or refused): the caller stores it, in one copy of
 * put_inline() for every kind of segment.
 */
static ALWAYS_INLINE enum loop
map_segment(struct x837 *m, const struct x12_seg *s, const struct idslot *d)
{
	const char *id = s->id;
	enum loop fam = family(m->cur);
	enum loop child;

	/* (before the switch, as a test of its own: a jump through the
	 * switch's table, once a claim more, was often mispredicted) */
	if (d->kind == K_CLM)
		return on_clm(m, s);
	switch (d->kind) {
	case K_INST:
		txn_error(m, s, "not_837p", "institutional segment in an 837P "
		    "transaction set (is it an 837I?): '%s'", qs(m, id));
		return L_NONE;
	case K_DENT:
		txn_error(m, s, "not_837p", "dental segment in an 837P "
		    "transaction set (is it an 837D?): '%s'", qs(m, id));
		return L_NONE;
	case K_HL:
		return on_hl(m, s);
	case K_LX:
		if (!m->in_claim) {
			txn_error(m, s, "bad_structure",
			    "LX outside a claim (no CLM before it): '%s'",
			    q(m, sel(s, 1)));
			return L_NONE;
		}
		if (m->line >= LINES_MAX) {
			txn_error(m, s, "too_large",
			    "more than %d service lines in one claim: '%s'",
			    LINES_MAX, q(m, sel(s, 1)));
			return L_NONE;
		}
		m->line++;
		m->seen[L_2400] = 0;
		child = L_2400;
		break;
	case K_SBR:
		if (fam == L_2000B && !m->lv[LV_B].has_sbr) {
			m->lv[LV_B].has_sbr = 1;
			return L_2000B;
		} else if (m->in_claim && (fam == L_2300 || fam == L_2320) &&
		    m->cob < COB_MAX) {
			m->cob++;
			child = L_2320;
			break;
		} else
			put_extra(m, s, m->cur, "unexpected SBR");
		return L_NONE;
	case K_NM1:
		child = nm1_child(m->cur, sel1(s));
		if (child == L_NONE) {
			m->cur = fam;
			m->cur_extra = 2;
			put_extra(m, s, fam, "NM1 entity code not used here");
			return L_NONE;
		}
		break;
	case K_LIN:
	case K_SVD:
	case K_LQ:
		if (fam != L_2400) {
			put_extra(m, s, m->cur, "segment outside a service line");
			return L_NONE;
		}
		child = d->kind == K_LIN ? L_2410 : d->kind == K_SVD ?
		    L_2430 : L_2440;
		break;
	default:
		return walk_up(m, s, d->num);
	}
	/* one place, start_loop() inline */
	return start_loop(m, s, child);
}

/* ---- envelope ---- */

struct pos {
	unsigned long long	 index, offset;
	const char		*id;
};

static struct pos
pos_of(const struct x12_seg *s)
{
	struct pos p;

	p.index = s->index;
	p.offset = s->offset;
	p.id = s->id;
	return p;
}

static void
outside_close(struct x837 *m)
{
	if (!m->out.open)
		return;
	m->out.open = 0;
	reject(m, &m->out.p, "input", m->out.nclm, 0, 1);
}

/* A segment that belongs to no transaction set. */
static void
outside(struct x837 *m, const struct x12_seg *s, const char *why)
{
	if (!m->out.open) {
		char msg[300];
		struct str id = { s->text, s->idlen };

		snprintf(msg, sizeof msg, "%s: '%s'", why, q(m, id));
		m->out.open = 1;
		m->out.nseg = m->out.nclm = 0;
		problem_set(&m->out.p, "outside_transaction", msg, s->index,
		    s->offset, s->id, s->text, s->len);
	}
	m->out.nseg++;
	if (idis(s->id, "CLM")) {
		m->out.nclm++;
		m->stats.claims++;
	}
}

static void
txn_close(struct x837 *m, struct pos at, const char *why)
{
	struct txn *t = &m->st;

	if (!t->open)
		return;
	if (why != NULL)
		txn_error_at(m, "missing_se", at.index, at.offset, at.id, NULL,
		    0, "transaction set not closed by SE (%s): '%s'", why,
		    qs(m, t->st02));
	level_close(m, LV_A);
	m->stats.transactions++;
	if (m->isa.broken) {
		m->isa.allclm += t->nclm;
		m->isa.txns++;
	} else {
		if (!t->err.set && (m->flags & X837_STRICT) && t->warn1.set)
			t->err = t->warn1;
		if (t->err.set) {
			reject(m, &t->err, "transaction", t->nclm, 1, 1);
			issue_add(&m->isa.ti, t->seq, 1, NULL, 0);
		} else {
			if (t->nwarn)
				issue_add(&m->isa.ti, t->seq, 0, &t->warn,
				    t->nwarn);
			m->gs.claims += t->nclm;
			m->gs.txns++;
		}
	}
	t->open = 0;
	t->skip = 0;
}

static void
group_close(struct x837 *m, struct pos at, const char *why)
{
	struct group *g = &m->gs;

	if (!g->open)
		return;
	txn_close(m, at, why);
	if (why != NULL && !m->isa.broken)
		warnx_at(m, T_GRP, "missing_ge", at.index, at.offset, at.id,
		    "functional group not closed by GE (%s): '%s'", why,
		    qs(m, g->gs06));
	if (!m->isa.broken) {
		if ((m->flags & X837_STRICT) && g->warn1.set) {
			reject(m, &g->warn1, "group", g->claims, g->txns, 1);
			issue_add(&m->isa.gi, g->seq, 1, NULL, 0);
		} else {
			if (g->nwarn)
				issue_add(&m->isa.gi, g->seq, 0, &g->warn,
				    g->nwarn);
			m->isa.claims += g->claims;
			m->isa.txns += g->txns;
		}
	}
	g->open = 0;
}

static void
isa_close(struct x837 *m, struct pos at, const char *why)
{
	struct ichg *I = &m->isa;

	if (!I->open)
		return;
	group_close(m, at, why);
	txn_close(m, at, why);
	if (why != NULL && !I->broken)
		warnx_at(m, T_ISA, "missing_iea", at.index, at.offset, at.id,
		    "interchange not closed by IEA (%s): '%s'", why,
		    qs(m, I->isa13));
	if (I->broken) {
		reject(m, &I->err, "interchange", I->allclm, I->txns, 1);
		spool_clear(m->sp);
	} else if ((m->flags & X837_STRICT) && I->warn1.set) {
		reject(m, &I->warn1, "interchange", I->claims, I->txns, 1);
		spool_clear(m->sp);
	} else
		flush(m);
	issues_clear(&I->ti);
	issues_clear(&I->gi);
	I->open = 0;
}

/* HHMM[SS[D[D]]] as "HH:MM[:SS[.D[D]]]" into out; -1 when not a time. */
static int
fmt_time(struct str v, char out[CTL_MAX])
{
	size_t i, o = 0;

	for (i = 0; i < v.n; i++)
		if (v.p[i] < '0' || v.p[i] > '9')
			return -1;
	if ((v.n != 4 && v.n != 6 && v.n != 7 && v.n != 8) ||
	    (v.p[0] - '0') * 10 + (v.p[1] - '0') > 23 ||
	    (v.p[2] - '0') * 10 + (v.p[3] - '0') > 59 ||
	    (v.n >= 6 && (v.p[4] - '0') * 10 + (v.p[5] - '0') > 59))
		return -1;
	for (i = 0; i < v.n; i++) {
		if (i == 2 || i == 4)
			out[o++] = ':';
		if (i == 6)
			out[o++] = '.';
		out[o++] = v.p[i];
	}
	out[o] = '\0';
	return 0;
}

/* "YYMMDD" (ISA09) as ISO, with 70..99 read as 19YY. */
static int
isa_date(char out[CTL_MAX], struct str s)
{
	char d8[9];
	struct ckdate dt;

	if (s.n != 6)
		return -1;
	memcpy(d8 + 2, s.p, 6);
	if (s.p[0] >= '7')
		memcpy(d8, "19", 2);
	else
		memcpy(d8, "20", 2);
	if (date_parse_d8(d8, 8, &dt) != 0)
		return -1;
	date_fmt(out, &dt);
	return 0;
}

static void
on_isa(struct x837 *m, const struct x12_seg *s)
{
	struct ichg *I = &m->isa;
	struct str v;

	isa_close(m, pos_of(s), "ISA follows");
	I->open = 1;
	I->broken = 0;
	I->err.set = I->warn1.set = 0;
	scopy(I->isa05, sel(s, 5));
	scopy(I->isa06, sel(s, 6));
	scopy(I->isa07, sel(s, 7));
	scopy(I->isa08, sel(s, 8));
	I->isa09[0] = '\0';
	v = sel(s, 9);
	if (v.n && isa_date(I->isa09, v) != 0)
		warnx_at(m, T_ISA, "bad_element", s->index, s->offset, "ISA",
		    "ISA09 is not a date (YYMMDD): '%s'", q(m, v));
	I->isa10[0] = '\0';
	v = sel(s, 10);
	if (v.n && fmt_time(v, I->isa10) != 0)
		warnx_at(m, T_ISA, "bad_element", s->index, s->offset, "ISA",
		    "ISA10 is not a time (HHMM): '%s'", q(m, v));
	scopy(I->isa12, sel(s, 12));
	scopy(I->isa13, sel(s, 13));
	scopy(I->isa14, sel(s, 14));
	scopy(I->isa15, sel(s, 15));
	I->d = s->d;
	I->guessed[0] = '\0';
	I->last_gs06[0] = '\0';
	if (m->last_isa13[0] && strcmp(m->last_isa13, I->isa13) == 0)
		warnx_at(m, T_ISA, "duplicate_control_number", s->index,
		    s->offset, "ISA", "ISA13 repeats the previous "
		    "interchange's control number (claim ids will repeat): "
		    "'%s'", qs(m, I->isa13));
	memcpy(m->last_isa13, I->isa13, CTL_MAX);
	I->index = s->index;
	I->offset = s->offset;
	I->ngs = 0;
	I->claims = I->txns = I->allclm = 0;
	buf_reset(&I->warn);
	I->nwarn = 0;
	I->txnseq = I->grpseq = 0;
	if (s->isa_problem != NULL) {
		char msg[300];

		snprintf(msg, sizeof msg, "malformed ISA segment: %s",
		    s->isa_problem);
		I->broken = 1;
		problem_set(&I->err, "bad_isa", msg, s->index, s->offset,
		    "ISA", NULL, 0);
	}
}

static void
on_gs(struct x837 *m, const struct x12_seg *s)
{
	struct group *g = &m->gs;

	if (!m->isa.open) {
		outside(m, s, "GS outside an interchange (no ISA before it)");
		return;
	}
	group_close(m, pos_of(s), "GS follows");
	txn_close(m, pos_of(s), "GS follows");
	g->open = 1;
	g->seq = ++m->isa.grpseq;
	scopy(g->gs01, sel(s, 1));
	scopy(g->gs02, sel(s, 2));
	scopy(g->gs03, sel(s, 3));
	g->gs04[0] = g->gs05[0] = '\0';
	g->warn1.set = 0;
	buf_reset(&g->warn);
	g->nwarn = 0;
	{
		struct str v = sel(s, 4);
		struct ckdate dt;

		if (v.n && date_parse_d8(v.p, v.n, &dt) == 0)
			date_fmt(g->gs04, &dt);
		else if (v.n)
			warnx_at(m, T_GRP, "bad_element", s->index, s->offset,
			    "GS", "GS04 is not a date (CCYYMMDD): '%s'",
			    q(m, v));
		v = sel(s, 5);
		if (v.n && fmt_time(v, g->gs05) != 0)
			warnx_at(m, T_GRP, "bad_element", s->index, s->offset,
			    "GS", "GS05 is not a time (HHMM): '%s'", q(m, v));
	}
	scopy(g->gs06, sel(s, 6));
	scopy(g->gs07, sel(s, 7));
	scopy(g->gs08, sel(s, 8));
	g->index = s->index;
	g->offset = s->offset;
	g->ntxn = 0;
	g->claims = g->txns = 0;
	m->isa.ngs++;
	m->isa.last_st02[0] = '\0';
	if (m->isa.last_gs06[0] && strcmp(m->isa.last_gs06, g->gs06) == 0)
		warnx_at(m, T_GRP, "duplicate_control_number", s->index,
		    s->offset, "GS", "GS06 repeats the previous group's "
		    "control number (claim ids will repeat): '%s'",
		    qs(m, g->gs06));
	memcpy(m->isa.last_gs06, g->gs06, CTL_MAX);
}

/* Which implementation a transaction set is, and whether we read it. */
static void
check_impl(struct x837 *m, const struct x12_seg *s, struct str impl)
{
	static const struct {
		const char *prefix, *what;
	} other[] = {
		{ "005010X223", "837I (institutional, 5010)" },
		{ "005010X224", "837D (dental, 5010)" },
		{ "004010X098", "837P 4010 (convert it to 5010)" },
		{ "004010X096", "837I (institutional, 4010)" },
		{ "004010X097", "837D (dental, 4010)" },
		{ NULL, NULL }
	};
	int i;

	if (impl.n == 0) {
		txn_error(m, s, "unsupported_implementation",
		    "no implementation guide named (ST03 and GS08 empty): '%s'",
		    q(m, sel(s, 2)));
		return;
	}
	if (impl.n >= 10 && memcmp(impl.p, "005010X222", 10) == 0) {
		if (!(impl.n == 10 || is(impl, "005010X222A1") ||
		    is(impl, "005010X222A2")))
			warnx_at(m, T_TXN, "unknown_errata", s->index,
			    s->offset, s->id, "unknown 837P errata level, read "
			    "as 005010X222A2: '%s'", q(m, impl));
		return;
	}
	for (i = 0; other[i].prefix; i++)
		if (impl.n >= 10 && memcmp(impl.p, other[i].prefix, 10) == 0)
			break;
	txn_error(m, s, "unsupported_implementation",
	    "unsupported implementation %s; edi-parse reads 837P "
	    "005010X222A1/A2: '%s'", other[i].prefix ? other[i].what :
	    "(not an 837P)", q(m, impl));
}

static void
on_st(struct x837 *m, const struct x12_seg *s)
{
	struct txn *t = &m->st;
	struct str st03 = sel(s, 3), impl;
	int i;

	if (!m->isa.open) {
		outside(m, s, "ST outside an interchange (no ISA before it)");
		return;
	}
	txn_close(m, pos_of(s), "ST follows");
	t->open = 1;
	t->skip = 0;
	t->seq = ++m->isa.txnseq;
	scopy(t->st01, sel(s, 1));
	scopy(t->st02, sel(s, 2));
	t->index = s->index;
	t->offset = s->offset;
	t->nclm = 0;
	t->err.set = t->warn1.set = 0;
	buf_reset(&t->warn);
	t->nwarn = 0;
	for (i = 0; i < LV_N; i++)
		m->lv[i].active = 0;
	level_open(m, LV_HDR, s);
	m->in_claim = 0;
	m->cur = L_HDR;
	m->cur_extra = 0;
	memset(m->seen, 0, sizeof m->seen);
	m->cur_inst[L_HDR] = ++m->inst;
	if (m->gs.open)
		m->gs.ntxn++;
	if (m->isa.broken) {
		t->skip = 1;
		return;
	}
	impl.p = m->gs.gs08;
	impl.n = strlen(m->gs.gs08);
	if (st03.n)
		impl = st03;
	scopy(t->impl, impl);
	if (!m->gs.open) {
		txn_error(m, s, "bad_structure", "ST outside a functional "
		    "group (no GS before it): '%s'", q(m, sel(s, 2)));
		return;
	}
	if (!is(sel(s, 1), "837")) {
		txn_error(m, s, "not_837p", "transaction set is not an 837: "
		    "'%s'", q(m, sel(s, 1)));
		return;
	}
	if (strcmp(m->gs.gs01, "HC") != 0) {
		txn_error(m, s, "not_837p", "functional group is not health "
		    "care claims (GS01 must be HC): '%s'", qs(m, m->gs.gs01));
		return;
	}
	if (m->isa.last_st02[0] && strcmp(m->isa.last_st02, t->st02) == 0)
		warnx_at(m, T_TXN, "duplicate_control_number", s->index,
		    s->offset, s->id, "ST02 repeats the previous transaction "
		    "set's control number (claim ids will repeat): '%s'",
		    qs(m, t->st02));
	memcpy(m->isa.last_st02, t->st02, CTL_MAX);
	if (st03.n && m->gs.gs08[0] && !is(st03, m->gs.gs08))
		warnx_at(m, T_TXN, "implementation_mismatch", s->index,
		    s->offset, s->id, "ST03 does not match GS08 '%s': '%s'",
		    qs(m, m->gs.gs08), q(m, st03));
	check_impl(m, s, impl);
}

/* Compare a trailer count with what was counted. */
static void
check_count(struct x837 *m, const struct x12_seg *s, int t, const char *code,
    unsigned el, unsigned long counted, const char *what)
{
	struct str v = sel(s, el);
	unsigned long n = 0;
	size_t i;
	int ok = v.n > 0 && v.n < 10;

	for (i = 0; ok && i < v.n; i++) {
		if (v.p[i] < '0' || v.p[i] > '9')
			ok = 0;
		else
			n = n * 10 + (unsigned long)(v.p[i] - '0');
	}
	if (!ok || n != counted)
		warnx_at(m, t, code, s->index, s->offset, s->id,
		    "%s%02u %s count does not match the %lu counted: '%s'",
		    s->id, el, what, counted, q(m, v));
}

static void
check_ctl(struct x837 *m, const struct x12_seg *s, int t, const char *code,
    unsigned el, const char *want, const char *wname)
{
	struct str v = sel(s, el);

	if (!is(v, want))
		warnx_at(m, t, code, s->index, s->offset, s->id,
		    "%s%02u control number does not match %s '%s': '%s'",
		    s->id, el, wname, qs(m, want), q(m, v));
}

static void
on_se(struct x837 *m, const struct x12_seg *s)
{
	if (!m->st.open) {
		outside(m, s, "SE without ST");
		return;
	}
	if (!m->st.skip && !m->isa.broken) {
		/* the last claim first, so that its warnings come first */
		level_close(m, LV_A);
		check_count(m, s, T_TXN, "se_count", 1,
		    (unsigned long)(s->index - m->st.index + 1), "segment");
		check_ctl(m, s, T_TXN, "se_control", 2, m->st.st02, "ST02");
	}
	txn_close(m, pos_of(s), NULL);
}

static void
on_ge(struct x837 *m, const struct x12_seg *s)
{
	if (!m->gs.open) {
		outside(m, s, "GE without GS");
		return;
	}
	txn_close(m, pos_of(s), "GE follows");
	if (!m->isa.broken) {
		check_count(m, s, T_GRP, "ge_count", 1, m->gs.ntxn,
		    "transaction set");
		check_ctl(m, s, T_GRP, "ge_control", 2, m->gs.gs06, "GS06");
	}
	group_close(m, pos_of(s), NULL);
}

static void
on_iea(struct x837 *m, const struct x12_seg *s)
{
	if (!m->isa.open) {
		outside(m, s, "IEA without ISA");
		return;
	}
	group_close(m, pos_of(s), "IEA follows");
	txn_close(m, pos_of(s), "IEA follows");
	if (!m->isa.broken) {
		check_count(m, s, T_ISA, "iea_count", 1, m->isa.ngs,
		    "functional group");
		check_ctl(m, s, T_ISA, "iea_control", 2, m->isa.isa13, "ISA13");
	}
	isa_close(m, pos_of(s), NULL);
}

static int compsep(struct x837 *m, struct str e);

/*
 * x12_valid_id(s->text, s->idlen) without the call, on the id bytes the
 * reader already copied out: 2 or 3 upper-case letters or digits, the
 * first a letter.
 */
static ALWAYS_INLINE int
id_ok(const struct x12_seg *s)
{
	const unsigned char *id = (const unsigned char *)s->id;
	unsigned b = id[1], c = id[2];

	if (s->idlen < 2 || s->idlen > 3 || (unsigned)(id[0] - 'A') >= 26)
		return 0;
	if ((unsigned)(b - 'A') >= 26 && (unsigned)(b - '0') >= 10)
		return 0;
	return s->idlen == 2 || (unsigned)(c - 'A') < 26 ||
	    (unsigned)(c - '0') < 10;
}

/*
 * s has no id feed() knows of its length: the slot of its id when it is
 * valid (a known id past its own slot, or one that maps to nothing), else
 * NULL, the problem reported.  Apart from feed() so as not to weigh on
 * it (the compiler loads what this needs before it knows it is needed).
 */
static __attribute__((noinline)) const struct idslot *
feed_odd_id(struct x837 *m, const struct x12_seg *s, uint32_t key)
{
	static const struct idslot other;	/* an id the mapper ignores */
	const struct idslot *d = id_probe(key);
	struct str v = { s->text, s->idlen };

	if (d->key == key && d->len == s->idlen)
		return d;
	if (id_ok(s))
		return &other;
	if (m->st.open) {
		char id8[8];

		snprintf(id8, sizeof id8, "%.*s", (int)(v.n < 7 ? v.n : 7),
		    v.p);
		txn_error_at(m, "bad_segment_id", s->index, s->offset, id8,
		    s->text, s->len, "invalid segment identifier: '%s'",
		    q(m, v));
	}
	else
		outside(m, s, "invalid segment identifier");
	return NULL;
}

/*
 * A CLM whose CLM05-2 is "A" (an 837I bill type): the transaction set is
 * rejected, 1 returned.
 */
static ALWAYS_INLINE int
clm_institutional(struct x837 *m, const struct x12_seg *s)
{
	struct str c5 = sel(s, 5), part;
	size_t i, n;

	/* no 'A' in CLM05, no "A" in it: most claims, found in a few steps */
	for (i = 0; i < c5.n && c5.p[i] != 'A'; i++)
		;
	if (i == c5.n)
		return 0;
	part.p = x12_comp(c5.p, c5.n, compsep(m, c5), 2, &n);
	part.n = n;
	if (!is(part, "A"))
		return 0;
	m->st.nclm++;
	m->stats.claims++;
	txn_error(m, s, "not_837p", "CLM05-2 facility code qualifier is the "
	    "institutional bill type (is it an 837I?): '%s'", q(m, part));
	return 1;
}

static void
feed(struct x837 *m, const struct x12_seg *s)
{
	const char *id = s->id;
	const uint32_t key = pkid(s->id);
	const struct idslot *d = &idt.h[id_hash(key)];
	enum loop to;
	uint32_t odd;

	m->stats.segments++;
	m->last_index = s->index;
	/*
	 * Most segments: a known id of its own length, ended by a
	 * terminator, in a transaction set being mapped (odd 0), and of a
	 * loop.  One branch for the six tests (| not ||) that the rest of
	 * feed() makes one by one.
	 */
	odd = (d->key ^ key) | (d->len ^ (uint32_t)s->idlen) |
	    (s->flags & X12_F_UNTERMINATED) | !m->st.open | m->st.skip;
	if (__builtin_expect((odd | d->kind) == 0, 1)) {
		/* d->num, known without waiting for the load */
		to = walk_up(m, s, id_hash(key) + 1);
		goto store;
	}
	/* most others: those map_segment() acts on (NM1, HL, LX, CLM ...) */
	if (__builtin_expect(odd == 0 && d->kind > K_SE, 1)) {
		to = map_segment(m, s, d);
		goto store;
	}
	/* a known id of its own length is valid */
	if (__builtin_expect(d->key != key || d->len != s->idlen, 0) &&
	    (d = feed_odd_id(m, s, key)) == NULL)
		return;
	if (s->flags & X12_F_UNTERMINATED) {
		if (m->isa.open)
			warnx_at(m, T_ISA, "unterminated_segment", s->index,
			    s->offset, id, "last segment has no segment "
			    "terminator: '%s'", qs(m, id));
	}
	/* most segments: in a transaction set, no more to see to */
	if (__builtin_expect(d->kind == K_LOOP && m->st.open && !m->st.skip,
	    1)) {
		to = walk_up(m, s, d->num);
		goto store;
	}
	if (d->kind >= K_ISA && d->kind <= K_SE) {
		outside_close(m);
		switch (d->kind) {
		case K_ISA:
			if (s->flags & X12_F_ISA) {
				on_isa(m, s);
				return;
			}
			break;
		case K_IEA:
			on_iea(m, s);
			return;
		case K_GS:
			on_gs(m, s);
			return;
		case K_GE:
			on_ge(m, s);
			return;
		case K_ST:
			on_st(m, s);
			return;
		default:
			on_se(m, s);
			return;
		}
	}
	if (!m->st.open)
		outside(m, s, m->isa.open ? "segment outside a transaction "
		    "set (no ST before it)" : "segment outside an interchange "
		    "(no ISA before it)");
	else if (m->st.skip) {
		if (d->kind == K_CLM) {
			m->st.nclm++;
			m->stats.claims++;
		}
	} else {
		to = map_segment(m, s, d);
		goto store;
	}
	return;
store:
	/* the one copy of put_inline() for every segment stored */
	if (to != L_NONE)
		put_inline(m, s, to, 0);
}

/*
 * What x12r_next() could not read (rc X12_ERR): reported.  Returns -1 or
 * -2 when the input is unusable, else 0.  Out of x837_parse(), whose loop
 * is then short and in one piece.
 */
static __attribute__((noinline)) int
in_read_error(struct x837 *m, struct x12r *r, const struct x12_seg *s)
{
	switch (x12r_errkind(r)) {
	case X12_E_TOO_LONG:
		m->stats.segments++;
		if (m->st.open) {
			txn_error_at(m, "segment_too_long", s->index,
			    s->offset, "", s->text, s->len, "%s",
			    x12r_error(r));
		} else {
			outside_close(m);
			outside(m, s, x12r_error(r));
		}
		break;
	case X12_E_BAD_ISA:
		if (m->isa.open || m->stats.segments > 0) {
			struct problem p;
			struct pos at = { s->index, s->offset, "ISA" };

			outside_close(m);
			isa_close(m, at, "malformed ISA follows");
			problem_set(&p, "bad_isa", x12r_error(r),
			    s->index, s->offset, "ISA", NULL, 0);
			snprintf(p.msg, sizeof p.msg, "%s (input "
			    "skipped up to the next ISA): 'ISA'",
			    x12r_error(r));
			reject(m, &p, "interchange", 0, 0, 0);
			break;
		}
		/* FALLTHROUGH */
	default: {
		struct problem p;
		char msg[300];
		const char *code = x12r_errkind(r) == X12_E_EMPTY ?
		    "empty_input" : x12r_errkind(r) == X12_E_IO ?
		    "read_error" : x12r_errkind(r) == X12_E_BAD_ISA ?
		    "bad_isa" : "not_x12";
		struct str v = { s->text, s->len };

		if (x12r_errkind(r) == X12_E_EMPTY ||
		    x12r_errkind(r) == X12_E_IO)
			snprintf(msg, sizeof msg, "%s", x12r_error(r));
		else if (x12r_errkind(r) == X12_E_BAD_ISA) {
			/* ISA02 and ISA04 may hold passwords */
			snprintf(msg, sizeof msg, "%s: 'ISA'",
			    x12r_error(r));
			v.n = 0;
		}
		else
			snprintf(msg, sizeof msg, "%s: '%s'",
			    x12r_error(r), q(m, v));
		problem_set(&p, code, msg, s->index, s->offset, "",
		    v.n ? s->text : NULL, v.n);
		reject(m, &p, "input", 0, 0, 0);
		return x12r_errkind(r) == X12_E_IO ? -2 : -1;
	}
	}
	return 0;
}

int
x837_parse(struct x837 *m, struct x12r *r, const char *name)
{
	struct x12_seg s;
	struct pos end;
	int rc, u, unusable = 0;

	ids_init();
	m->file = name;
	for (;;) {
		rc = x12r_next_inline(r, &s);
		if (__builtin_expect(rc == X12_SEG, 1)) {
			feed(m, &s);
			continue;
		}
		if (rc == X12_EOF)
			break;
		if ((u = in_read_error(m, r, &s)) != 0)
			unusable = u;
	}
	outside_close(m);
	end.index = m->last_index;
	end.offset = x12r_offset(r);
	end.id = "";
	isa_close(m, end, "end of input");
	m->stats.bytes += x12r_offset(r);
	if (unusable)
		m->stats.unusable = 1;
	return unusable;
}

struct x837 *
x837_new(const struct x837_cb *cb, void *ctx, int flags)
{
	struct x837 *m = xcalloc(1, sizeof *m);

	m->cb = *cb;
	m->ctx = ctx;
	m->flags = flags;
	m->sp = spool_new(SPOOL_MEM);
#ifdef PART_AVX2
	part_avx2 = __builtin_cpu_supports("avx2");
#endif
	return m;
}

void
x837_free(struct x837 *m)
{
	int i;

	if (m == NULL)
		return;
	for (i = 0; i < LV_N; i++) {
		store_free(&m->lv[i].st);
		buf_free(&m->lv[i].frag);
		buf_free(&m->lv[i].frag2);
		buf_free(&m->lv[i].warn);
		buf_free(&m->lv[i].extra);
	}
	issues_clear(&m->isa.ti);
	issues_clear(&m->isa.gi);
	free(m->isa.ti.v);
	free(m->isa.gi.v);
	buf_free(&m->isa.warn);
	buf_free(&m->gs.warn);
	buf_free(&m->st.warn);
	buf_free(&m->rec);
	buf_free(&m->tmp);
	buf_free(&m->conv);
	buf_free(&m->msg);
	buf_free(&m->b_lines);
	buf_free(&m->b_claim);
	buf_free(&m->b_diag);
	buf_free(&m->b_prov);
	buf_free(&m->b_cob);
	spool_free(m->sp);
	for (i = 0; i < PC_SIZE; i++)
		free(m->pc[i].kv);
	free(m);
}

void
x837_stats(const struct x837 *m, struct x837_stats *st)
{
	*st = m->stats;
}

/* ---- rendering: helpers ---- */

#define NONE ((size_t)-1)

struct rc {
	struct x837	*m;
	struct store	*st;
	int		 lv;	/* level collecting warnings and extras */
	struct jw	 w;
	/* where the last key and each open container began, to take back
	 * an object or array that stayed empty (absent means absent) */
	size_t		 kpos, mpos[JW_MAX_DEPTH + 2];
	unsigned char	 kfirst, mfirst[JW_MAX_DEPTH + 2];
};

/*
 * The levels above the claim are rendered once for many claims: kept out
 * of render_claim (and its profile) whatever the compiler's size limits.
 */
static void render_hdr(struct x837 *) __attribute__((noinline));
static void render_a_cached(struct x837 *) __attribute__((noinline));
static void render_b(struct x837 *) __attribute__((noinline));
static void render_c(struct x837 *) __attribute__((noinline));

static void
rc_init(struct rc *c, struct x837 *m, int lv, struct buf *out)
{
	c->m = m;
	c->lv = lv;
	c->st = &m->lv[lv].st;
	buf_reset(out);
	jw_init(&c->w, out);
	c->kpos = 0;
	c->kfirst = 1;
}

/*
 * The writers below put a member or value into jw's buffer at once, with
 * the comma jw would write before it: out_begin makes room for `room`
 * more bytes and returns where they go, out_end closes the buffer there.
 * The comma is stored always and counted only when it is due (room is
 * made for it): no branch, whose rarer side gcc lays out of line, on the
 * path of every member.
 */
static ALWAYS_INLINE char *
out_begin(struct jw *w, size_t room)
{
	struct buf *b = w->b;
	char *o;

	if (b->len + room + 2 > b->cap)
		buf_grow(b, room + 1);
	o = b->s + b->len;
	*o = ',';
	o += !w->after_key & !w->first[w->depth];
	w->after_key = 0;
	w->first[w->depth] = 0;
	return o;
}

static ALWAYS_INLINE void
out_end(struct jw *w, char *o)
{
	*o = '\0';
	w->b->len = (size_t)(o - w->b->s);
}

/* The bytes of "key": and of "s" at o (room made); past them. */
static ALWAYS_INLINE char *
key_at(char *o, const char *key, size_t kl)
{
	*o++ = '"';
	buf_copy(o, key, kl);
	o += kl;
	*o++ = '"';
	*o++ = ':';
	return o;
}

static ALWAYS_INLINE char *
str_at(char *o, const char *s, size_t n)
{
	*o++ = '"';
	buf_copy(o, s, n);
	o += n;
	*o++ = '"';
	return o;
}

/* A literal's bytes at o; past them. */
#define PUTL(o, lit) (memcpy((o), (lit), sizeof(lit) - 1), \
	(o) + sizeof(lit) - 1)

/*
 * A key (a plain ASCII name: nothing to escape) with its comma, written at
 * once; jw_key would escape it byte by byte.
 */
static ALWAYS_INLINE void
fkey(struct jw *w, const char *key)
{
	size_t kl = strlen(key);

	out_end(w, key_at(out_begin(w, kl + 3), key, kl));
	w->after_key = 1;
}

static void jstr(struct rc *c, struct str s);

/* A string value that needs no escaping, with its comma, written at once. */
static ALWAYS_INLINE void
jplain(struct jw *w, const char *s, size_t n)
{
	out_end(w, str_at(out_begin(w, n + 2), s, n));
}

/*
 * A member whose key and string value need no escaping, written at once:
 * one room check and one comma for both (most members of a record).
 */
static ALWAYS_INLINE void
fkv(struct jw *w, const char *key, const char *s, size_t n)
{
	size_t kl = strlen(key);
	char *o = key_at(out_begin(w, kl + n + 6), key, kl);

	out_end(w, str_at(o, s, n));
}

/* The same with a value that goes out as it is (a number, a boolean). */
static ALWAYS_INLINE void
fkraw(struct jw *w, const char *key, const char *s, size_t n)
{
	size_t kl = strlen(key);
	char *o = key_at(out_begin(w, kl + n + 4), key, kl);

	buf_copy(o, s, n);
	out_end(w, o + n);
}

/* Key and a string that needs no escaping (dates, times, segment ids). */
static ALWAYS_INLINE void
fkstr(struct rc *c, const char *key, const char *v)
{
	fkv(&c->w, key, v, strlen(v));
}

/*
 * Numbers and booleans: the bytes jw_int, jw_cents (money_fmt) and jw_bool
 * write, without their calls (a claim has dozens).
 */
static ALWAYS_INLINE void
jraw(struct jw *w, const char *s, size_t n)
{
	char *o = out_begin(w, n);

	buf_copy(o, s, n);
	out_end(w, o + n);
}

/* The decimal digits of v, written backwards ending before end. */
static ALWAYS_INLINE char *
udigits(char *end, unsigned long long v)
{
	static const char d2[] =
	    "00010203040506070809101112131415161718192021222324252627282930"
	    "31323334353637383940414243444546474849505152535455565758596061"
	    "6263646566676869707172737475767778798081828384858687888990919293"
	    "949596979899";

	/* two digits a step: offsets and indexes have six or seven */
	while (v >= 100) {
		unsigned r = (unsigned)(v % 100);

		v /= 100;
		end -= 2;
		end[0] = d2[2 * r];
		end[1] = d2[2 * r + 1];
	}
	if (v >= 10) {
		end -= 2;
		end[0] = d2[2 * v];
		end[1] = d2[2 * v + 1];
	} else
		*--end = (char)('0' + v);
	return end;
}

static ALWAYS_INLINE void
jint(struct jw *w, long long v)
{
	char t[24], *p = udigits(t + sizeof t, v < 0 ?
	    0ULL - (unsigned long long)v : (unsigned long long)v);

	if (v < 0)
		*--p = '-';
	jraw(w, p, (size_t)(t + sizeof t - p));
}

static ALWAYS_INLINE void
fkint(struct rc *c, const char *key, long long v)
{
	char t[24], *p = udigits(t + sizeof t, v < 0 ?
	    0ULL - (unsigned long long)v : (unsigned long long)v);

	if (v < 0)
		*--p = '-';
	fkraw(&c->w, key, p, (size_t)(t + sizeof t - p));
}

/* Cents as money_fmt() has them: "-123.45", "0.05"; ends before end. */
static ALWAYS_INLINE char *
cents_txt(char *end, int64_t v)
{
	char *p = end;
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v :
	    (unsigned long long)v;

	*--p = (char)('0' + u % 10);
	u /= 10;
	*--p = (char)('0' + u % 10);
	u /= 10;
	*--p = '.';
	p = udigits(p, u);
	if (v < 0)
		*--p = '-';
	return p;
}

static ALWAYS_INLINE void
fkcents(struct rc *c, const char *key, int64_t v)
{
	char t[MONEY_FMT_SIZE], *p = cents_txt(t + sizeof t, v);

	fkraw(&c->w, key, p, (size_t)(t + sizeof t - p));
}

static ALWAYS_INLINE void
fkbool(struct rc *c, const char *key, int v)
{
	fkraw(&c->w, key, v ? "true" : "false", v ? 4 : 5);
}

static ALWAYS_INLINE void
kput(struct rc *c, const char *k)
{
	c->kpos = c->w.b->len;
	c->kfirst = c->w.first[c->w.depth];
	fkey(&c->w, k);
}

/*
 * Open an object (arr 0) or array (arr 1), after a key or as an element.
 * Inline, with jopen's work folded in: a claim opens some twenty.
 */
static ALWAYS_INLINE void
opn(struct rc *c, int arr)
{
	struct jw *w = &c->w;
	struct buf *b = w->b;
	int d = w->depth;
	char *o;

	if (d >= JW_MAX_DEPTH)
		diag_fatal(CK_EX_SOFTWARE, "jw: nesting too deep");
	if (b->len + 4 > b->cap)
		buf_grow(b, 3);
	o = b->s + b->len;
	if (w->after_key) {
		w->after_key = 0;
		c->mpos[d + 1] = c->kpos;
		c->mfirst[d + 1] = c->kfirst;
	} else {
		c->mpos[d + 1] = b->len;
		c->mfirst[d + 1] = w->first[d];
		if (!w->first[d])
			*o++ = ',';
	}
	w->first[d] = 0;
	*o++ = arr ? '[' : '{';
	*o = '\0';
	b->len = (size_t)(o - b->s);
	w->depth = d + 1;
	w->first[d + 1] = 1;
}

/* Close it; an empty one is removed with its key. */
static ALWAYS_INLINE void
cls(struct rc *c, int arr)
{
	struct jw *w = &c->w;
	struct buf *b = w->b;
	int d = w->depth;

	if (d == 0)
		diag_fatal(CK_EX_SOFTWARE, "jw: unbalanced close");
	w->depth = d - 1;
	if (w->first[d]) {
		b->len = c->mpos[d];
		b->s[b->len] = '\0';
		w->first[d - 1] = c->mfirst[d];
	} else
		buf_addc(b, arr ? ']' : '}');
}

static int
utf8_ok(const unsigned char *p, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned char c = p[i];
		size_t k, len;
		unsigned long cp;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			len = 2;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			len = 3;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			len = 4;
			cp = c & 0x07;
		} else
			return 0;
		if (i + len > n)
			return 0;
		for (k = 1; k < len; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (p[i + k] & 0x3f);
		}
		if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 &&
		    cp <= 0xdfff))) || (len == 4 && (cp < 0x10000 ||
		    cp > 0x10ffff)))
			return 0;
		i += len;
	}
	return 1;
}

/* Bytes that go into a JSON string as they are: printable ASCII but " and \. */
static const unsigned char plain[256] = {
	['\x20'] = 1, ['!'] = 1, ['#'] = 1, ['$'] = 1, ['%'] = 1, ['&'] = 1,
	['\''] = 1, ['('] = 1, [')'] = 1, ['*'] = 1, ['+'] = 1, [','] = 1,
	['-'] = 1, ['.'] = 1, ['/'] = 1, ['0'] = 1, ['1'] = 1, ['2'] = 1,
	['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1,
	['9'] = 1, [':'] = 1, [';'] = 1, ['<'] = 1, ['='] = 1, ['>'] = 1,
	['?'] = 1, ['@'] = 1, ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1,
	['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1,
	['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1,
	['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1,
	['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1, ['['] = 1, [']'] = 1,
	['^'] = 1, ['_'] = 1, ['`'] = 1, ['a'] = 1, ['b'] = 1, ['c'] = 1,
	['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1, ['i'] = 1,
	['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1, ['o'] = 1,
	['p'] = 1, ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1,
	['v'] = 1, ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1, ['{'] = 1,
	['|'] = 1, ['}'] = 1, ['~'] = 1
};

/*
 * Whether p[0..n), n >= 8, is all bytes that need no escaping (0x20 to
 * 0x7f but '"' and '\\'), eight at a time: the last word overlaps the one
 * before it rather than going byte by byte.  0x7f, which plain[] sends the
 * slow way, comes out the same either way (json_escape leaves it).
 */
static ALWAYS_INLINE int
all_plain8(const char *p, size_t n)
{
	const uint64_t ones = 0x0101010101010101ULL, high = ones * 0x80;
	uint64_t bad = 0, w, x, y;
	size_t i;

	for (i = 0;; i += 8) {
		if (i + 8 > n)
			i = n - 8;
		memcpy(&w, p + i, 8);
		x = w ^ (ones * '"');
		y = w ^ (ones * '\\');
		/* bytes >= 0x80, < 0x20, == '"', == '\\' */
		bad |= w | ((w - ones * 0x20) & ~w) | ((x - ones) & ~x) |
		    ((y - ones) & ~y);
		if (i + 8 == n)
			break;
	}
	return (bad & high) == 0;
}

/* Does s go into a JSON string as it is (printable ASCII, no '"' or '\\')? */
static ALWAYS_INLINE int
str_plain(struct str s)
{
	const unsigned char *p = (const unsigned char *)s.p;
	size_t i;

	if (s.n >= 8)
		return all_plain8(s.p, s.n);
	for (i = 0; i < s.n && plain[p[i]]; i++)
		;
	return i == s.n;
}

/* jstr for text that needs escaping or conversion. */
static void
jstr_slow(struct rc *c, struct str s)
{
	const unsigned char *p = (const unsigned char *)s.p;
	struct buf *b = &c->m->conv;
	size_t i;

	for (i = 0; i < s.n && p[i] < 0x80; i++)
		;
	if (i == s.n || utf8_ok(p + i, s.n - i)) {
		jw_strn(&c->w, s.p, s.n);
		return;
	}
	buf_reset(b);
	for (i = 0; i < s.n; i++) {
		if (p[i] < 0x80)
			buf_addc(b, p[i]);
		else {
			buf_addc(b, 0xc0 | p[i] >> 6);
			buf_addc(b, 0x80 | (p[i] & 0x3f));
		}
	}
	jw_strn(&c->w, b->s, b->len);
}

/*
 * A JSON string from element text.  Text that is not UTF-8 is read as
 * ISO 8859-1 (the X12 extended character set in practice).
 */
static void
jstr(struct rc *c, struct str s)
{
	if (str_plain(s))
		/* plain printable ASCII, the usual case: no escaping */
		jplain(&c->w, s.p, s.n);
	else
		jstr_slow(c, s);
}

static ALWAYS_INLINE void
ks(struct rc *c, const char *key, struct str s)
{
	if (s.n == 0)
		return;
	if (str_plain(s))
		fkv(&c->w, key, s.p, s.n);
	else {
		fkey(&c->w, key);
		jstr_slow(c, s);
	}
}

/*
 * A string taken from segment k (an element or a component).  The reader
 * already found out whether the segment has anything to escape: when not,
 * jstr's check is skipped.
 */
static ALWAYS_INLINE void
jstrk(struct rc *c, size_t k, struct str s)
{
	if (c->st->seg[k].flags & SS_PLAIN)
		jplain(&c->w, s.p, s.n);
	else
		jstr(c, s);
}

/* ks() for a string from segment k. */
static ALWAYS_INLINE void
ksk(struct rc *c, const char *key, size_t k, struct str s)
{
	if (s.n == 0)
		return;
	if (c->st->seg[k].flags & SS_PLAIN)
		fkv(&c->w, key, s.p, s.n);
	else {
		fkey(&c->w, key);
		jstr(c, s);
	}
}

/* Key and element el of segment k. */
static ALWAYS_INLINE void
ke(struct rc *c, const char *key, size_t k, unsigned el)
{
	ksk(c, key, k, E(c->st, k, el));
}

/*
 * Runs: several members of the open object from one segment, written
 * through a cursor kept in a local (so not reloaded from jw and the buffer
 * after every byte stored) into room made once.  The segment's elements
 * are taken out first (els) for the same reason.  A segment with anything
 * to escape goes member by member through ksk instead.
 */
#define RUN_KEYS	512	/* room for the keys and punctuation of a run */

struct run {
	char	*o;
	size_t	 room;
	int	 first, plain;
	int	 wide;	/* values may be copied 16 bytes at a time */
};

/* Elements 1 to max of segment k into e[1..max]. */
static ALWAYS_INLINE void
els(const struct store *st, size_t k, struct str *e, unsigned max)
{
	const struct sseg *s = &st->seg[k];
	const uint32_t *eo = st->eo + s->eo;
	const char *t = st->text.s + s->off;
	unsigned i, n = s->nel < max ? s->nel : max;

	for (i = 1; i <= n; i++)
		e[i] = trim_el(t + eo[i], eo[i + 1] - 1 - eo[i]);
	for (; i <= max; i++)
		e[i] = nostr;
}

static ALWAYS_INLINE void
run_open(struct rc *c, struct run *r, size_t room)
{
	struct jw *w = &c->w;
	struct buf *b = w->b;

	if (b->len + room + 2 > b->cap)
		buf_grow(b, room + 1);
	r->o = b->s + b->len;
	r->room = room;
	/* (a run starts after a value or an opening brace, not a key) */
	r->first = w->first[w->depth];
}

/* Start a run for segment k. */
static ALWAYS_INLINE void
run_seg(struct rc *c, struct run *r, size_t k)
{
	const struct sseg *s = &c->st->seg[k];

	r->plain = (s->flags & SS_PLAIN) != 0;
	/*
	 * A value of this segment (16 bytes or less) is copied as 16 bytes
	 * when those stay within the store's text: the bytes past its end
	 * land in the room (16 more) and are written over by what follows.
	 */
	r->wide = (size_t)s->off + s->len + 16 <= c->st->text.len;
	run_open(c, r, s->len + RUN_KEYS + 16);
}

static ALWAYS_INLINE void
run_close(struct rc *c, struct run *r)
{
	struct jw *w = &c->w;

	*r->o = '\0';
	w->b->len = (size_t)(r->o - w->b->s);
	w->first[w->depth] = (unsigned char)r->first;
}

/* ksk() in a run: v is from segment k. */
static ALWAYS_INLINE void
rke(struct rc *c, struct run *r, const char *key, size_t k, struct str v)
{
	size_t kl = strlen(key);
	char *o = r->o;

	if (v.n == 0)
		return;
	if (!r->plain) {
		run_close(c, r);
		ksk(c, key, k, v);
		run_open(c, r, r->room);
		return;
	}
	if (!r->first)
		*o++ = ',';
	r->first = 0;
	o = key_at(o, key, kl);
	*o++ = '"';
	if (r->wide && v.n <= 16)
		memcpy(o, v.p, 16);
	else
		buf_copy(o, v.p, v.n);
	o += v.n;
	*o++ = '"';
	r->o = o;
}

static void
flag_also(struct rc *c, size_t k)
{
	c->st->seg[k].flags |= SS_ALSO;
}

static COLD void
elname(char *out, size_t n, const struct sseg *s, unsigned el, unsigned cp)
{
	if (cp)
		snprintf(out, n, "%s%02u-%u", s->id, el, cp);
	else
		snprintf(out, n, "%s%02u", s->id, el);
}

/*
 * An element that cannot be converted: warn, and keep the segment in
 * extra_segments.  quote 0 keeps the value (a date, a name) out of the
 * message.
 */
static COLD void
bad(struct rc *c, size_t k, unsigned el, unsigned cp, const char *what,
    struct str v, int quote)
{
	const struct sseg *s = &c->st->seg[k];
	char name[24];

	elname(name, sizeof name, s, el, cp);
	flag_also(c, k);
	if (quote)
		warnx_at(c->m, c->lv, "bad_element", s->index, s->offset,
		    s->id, "%s %s: '%s'", name, what, q(c->m, v));
	else
		warnx_at(c->m, c->lv, "bad_element", s->index, s->offset,
		    s->id, "element %s: '%s'", what, name);
}

/*
 * Elements of segment k not in the bit set mapped (bit i: element i) must
 * be empty; otherwise the segment is kept in extra_segments too.
 */
static void mapped_rest(struct rc *, size_t, uint32_t);

static ALWAYS_INLINE void
mapped(struct rc *c, size_t k, uint32_t bits)
{
	const struct sseg *s = &c->st->seg[k];
	unsigned nel = s->nel;
	uint32_t rest;
	const uint32_t *eo;

	/*
	 * Inline, the usual cases: the segment ends within bits, or the
	 * elements outside it are empty.
	 */
	if (nel > 31) {
		mapped_rest(c, k, bits);
		return;
	}
	rest = ~bits & (uint32_t)((2ull << nel) - 2);
	eo = c->st->eo + s->eo;
	for (; rest != 0; rest &= rest - 1) {
		unsigned i = (unsigned)__builtin_ctz(rest);

		if (eo[i + 1] - 1 > eo[i]) {
			mapped_rest(c, k, bits);
			return;
		}
	}
}

static void
mapped_rest(struct rc *c, size_t k, uint32_t bits)
{
	const struct sseg *s = &c->st->seg[k];
	unsigned i;

	/*
	 * The usual case: nothing outside bits, not even blanks.  Looked at
	 * here, for the elements outside bits only, rather than noting the
	 * empty elements of every segment as it is stored.
	 */
	if (s->nel <= 31) {
		const uint32_t *eo = c->st->eo + s->eo;
		uint32_t rest = ~bits & (uint32_t)((2ull << s->nel) - 2);

		for (; rest != 0; rest &= rest - 1) {
			i = (unsigned)__builtin_ctz(rest);
			if (eo[i + 1] - 1 > eo[i])
				break;
		}
		if (rest == 0)
			return;
	}
	for (i = 1; i <= s->nel; i++) {
		if (E(c->st, k, i).n == 0 || (i < 32 && (bits & (1u << i))))
			continue;
		if (!(s->flags & SS_ALSO)) {
			char name[24];

			elname(name, sizeof name, s, i, 0);
			flag_also(c, k);
			warnx_at(c->m, c->lv, "unmapped_element", s->index,
			    s->offset, s->id, "element not used by 837P here "
			    "(segment kept in extra_segments): '%s'", name);
		}
		return;
	}
}

/* A required element (837P) that is empty: a warning, nothing else. */
static void required_warn(struct rc *, size_t, unsigned);

static ALWAYS_INLINE void
required(struct rc *c, size_t k, unsigned el)
{
	if (E(c->st, k, el).n == 0)
		required_warn(c, k, el);
}

static void
required_warn(struct rc *c, size_t k, unsigned el)
{
	const struct sseg *s = &c->st->seg[k];
	char name[24];

	elname(name, sizeof name, s, el, 0);
	warnx_at(c->m, c->lv, "missing_element", s->index, s->offset, s->id,
	    "required element is missing: '%s'", name);
}

#define B(i) (1u << (i))
#define BR(a, b) ((uint32_t)(((1ull << ((b) + 1)) - 1) & ~((1ull << (a)) - 1)))

static int
is_alnum(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
	    (c >= 'a' && c <= 'z');
}

/*
 * memchr for the short texts of elements (a few bytes: a loop is cheaper
 * than the call).
 */
static ALWAYS_INLINE const char *
findc(const char *p, size_t n, int ch)
{
	size_t i;

	if (n > 32)
		return memchr(p, ch, n);
	for (i = 0; i < n; i++)
		if ((unsigned char)p[i] == (unsigned char)ch)
			return p + i;
	return NULL;
}

/*
 * The component separator for composite e: ISA16, or when e does not
 * contain it, a usual separator character right after a leading code of
 * one to three letters or digits ("HC>99213" in a file whose ISA16 says
 * ':').  0 when e is a single component.
 */
static int
compsep(struct x837 *m, struct str e)
{
	static const char usual[] = ":>^|\\!<}{~`";
	int sep = m->isa.d.comp;
	size_t i;

	if (findc(e.p, e.n, sep) != NULL)
		return sep;
	for (i = 0; i < 4 && i + 1 < e.n; i++) {
		int ch = (unsigned char)e.p[i];

		if (is_alnum(ch))
			continue;
		if (i > 0 && ch != 0 && strchr(usual, ch) != NULL &&
		    ch != m->isa.d.elem && ch != m->isa.d.seg &&
		    ch != m->isa.d.rep)
			return ch;
		break;
	}
	return sep;
}

#ifdef __SSE2__
#include <emmintrin.h>	/* (comps_e) */
#endif

static unsigned comps_guess(struct rc *, size_t, unsigned, struct str *,
    unsigned, struct str);

/*
 * Split composite element el of segment k into up to max components.
 * The usual case inline: split at ISA16 in one pass, which also tells
 * whether the element has it (else compsep has a guess to make).
 */
static ALWAYS_INLINE unsigned
comps_e(struct rc *c, size_t k, unsigned el, struct str e, struct str *v,
    unsigned max)
{
	int sep;
	unsigned n = 0;
	size_t i, from;

	if (e.n == 0)
		return 0;
	sep = c->m->isa.d.comp;
	from = 0;
#ifdef __SSE2__
	/*
	 * An element of up to 16 bytes (nearly all) at once, when 16 bytes
	 * from it stay within the store's text: its separators as bits.
	 */
	if (e.n <= 16 && e.p + 16 <= c->st->text.s + c->st->text.len) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)e.p);
		unsigned hit = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x,
		    _mm_set1_epi8((char)sep))) & ((1u << e.n) - 1);

		for (; hit != 0; hit &= hit - 1) {
			i = (size_t)__builtin_ctz(hit);
			if (n < max)
				v[n] = trim(e.p + from, i - from);
			n++;
			from = i + 1;
		}
	} else
#endif
	for (i = 0; i < e.n; i++) {
		if ((unsigned char)e.p[i] != sep)
			continue;
		if (n < max)
			v[n] = trim(e.p + from, i - from);
		n++;
		from = i + 1;
	}
	if (n > 0) {
		if (n < max)
			v[n] = trim(e.p + from, e.n - from);
		return n + 1;
	}
	return comps_guess(c, k, el, v, max, e);
}

/* comps() of element el of segment k (e: the element, already taken). */
static ALWAYS_INLINE unsigned
comps(struct rc *c, size_t k, unsigned el, struct str *v, unsigned max)
{
	return comps_e(c, k, el, E(c->st, k, el), v, max);
}

/* comps() for an element without ISA16. */
static unsigned
comps_guess(struct rc *c, size_t k, unsigned el, struct str *v,
    unsigned max, struct str e)
{
	int sep;
	unsigned n = 0;
	const char *p, *end, *qq;

	sep = compsep(c->m, e);
	if (sep == c->m->isa.d.comp) {
		v[0] = e;
		return 1;
	}
	if (sep != c->m->isa.d.comp &&
	    strchr(c->m->isa.guessed, sep) == NULL) {
		struct ichg *I = &c->m->isa;
		size_t gl = strlen(I->guessed);
		const struct sseg *s = &c->st->seg[k];
		char name[24], v1[2] = { (char)sep, 0 }, v2[2] = {
		    (char)I->d.comp, 0 };

		if (gl + 1 < sizeof I->guessed) {
			I->guessed[gl] = (char)sep;
			I->guessed[gl + 1] = '\0';
		}
		elname(name, sizeof name, s, el, 0);
		warnx_at(c->m, T_ISA, "isa16_unused", s->index, s->offset,
		    s->id, "component separator ISA16 is '%s' but %s uses "
		    "another one: '%s'", qs(c->m, v2), name, qs(c->m, v1));
	}
	p = e.p;
	end = e.p + e.n;
	for (;;) {
		qq = findc(p, (size_t)(end - p), sep);
		if (n < max)
			v[n] = trim(p, (size_t)((qq ? qq : end) - p));
		n++;
		if (qq == NULL)
			break;
		p = qq + 1;
	}
	return n;
}

static void comps_rest(struct rc *, size_t, unsigned, const struct str *,
    unsigned, unsigned, unsigned);

/*
 * Components beyond the first max of composite el must be empty (inline:
 * usually there are none).
 */
static ALWAYS_INLINE void
comps_mapped(struct rc *c, size_t k, unsigned el, const struct str *v,
    unsigned n, unsigned max, unsigned have)
{
	if (n > max)
		comps_rest(c, k, el, v, n, max, have);
}

static void
comps_rest(struct rc *c, size_t k, unsigned el, const struct str *v,
    unsigned n, unsigned max, unsigned have)
{
	unsigned i;

	for (i = max; i < n; i++) {
		if (i < have && v[i].n == 0)
			continue;
		if (!(c->st->seg[k].flags & SS_ALSO)) {
			const struct sseg *s = &c->st->seg[k];
			char name[24];

			elname(name, sizeof name, s, el, i + 1);
			flag_also(c, k);
			warnx_at(c->m, c->lv, "unmapped_element", s->index,
			    s->offset, s->id, "component not used by 837P "
			    "here (segment kept in extra_segments): '%s'",
			    name);
		}
		return;
	}
}

/* Amount text to cents: X12 allows trailing zeros past two decimals. */
static const char *
cents_of(struct str v, int64_t *cents)
{
	const char *dot = memchr(v.p, '.', v.n);
	size_t n = v.n;

	if (dot != NULL)
		while (n > (size_t)(dot - v.p) + 3 && v.p[n - 1] == '0')
			n--;
	return money_parse(v.p, n, MONEY_X12, cents);
}

/*
 * Cents of the usual amounts ("123", "123.4", "123.45": up to 12 digits
 * before the point, none of the forms money_parse takes care of), with
 * what money_parse would make of them; -1 for anything else.
 */
static ALWAYS_INLINE int
cents_fast(struct str v, int64_t *cents)
{
	size_t i;
	int64_t w = 0;

	for (i = 0; i < v.n && i < 12 && v.p[i] >= '0' && v.p[i] <= '9'; i++)
		w = w * 10 + (v.p[i] - '0');
	if (i == 0)
		return -1;
	if (i == v.n) {
		*cents = w * 100;
		return 0;
	}
	if (v.p[i] != '.' || v.n - i < 2 || v.n - i > 3 ||
	    v.p[i + 1] < '0' || v.p[i + 1] > '9')
		return -1;
	w = w * 100 + (v.p[i + 1] - '0') * 10;
	if (v.n - i == 3) {
		if (v.p[i + 2] < '0' || v.p[i + 2] > '9')
			return -1;
		w += v.p[i + 2] - '0';
	}
	*cents = w;
	return 0;
}

/*
 * How many digits v starts with, up to max: with wide (16
 * bytes from v.p may be read, v.n <= 16) all at once, digits being the
 * bytes that are 9 or less once '0' is taken off, as unsigned.
 */
static ALWAYS_INLINE size_t
digits_w(struct str v, size_t max, int wide)
{
	size_t i;

#ifdef __SSE2__
	if (wide && v.n <= 16) {
		__m128i d = _mm_sub_epi8(_mm_loadu_si128((const __m128i *)
		    (const void *)v.p), _mm_set1_epi8('0'));
		unsigned dm = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
		    _mm_subs_epu8(d, _mm_set1_epi8(9)), _mm_setzero_si128()));
		size_t lim = v.n < max ? v.n : max;

		return (size_t)__builtin_ctz(~dm | (1u << lim));
	}
#else
	(void)wide;
#endif
	for (i = 0; i < v.n && i < max && v.p[i] >= '0' && v.p[i] <= '9'; i++)
		;
	return i;
}

/* money_tail() once its i leading digits (12 at most) are counted. */
static ALWAYS_INLINE int
money_rest(struct str v, size_t i)
{
	if (i == 0 || (i > 1 && v.p[0] == '0'))
		return -1;
	if (i == v.n)
		return 3;
	if (v.p[i] != '.' || v.n - i < 2 || v.n - i > 3 ||
	    v.p[i + 1] < '0' || v.p[i + 1] > '9')
		return -1;
	if (v.n - i == 2)
		return 1;
	return v.p[i + 2] >= '0' && v.p[i + 2] <= '9' ? 0 : -1;
}

/* money_tail() for a run (wide: as in struct run). */
static ALWAYS_INLINE int
money_tail_w(struct str v, int wide)
{
	return money_rest(v, digits_w(v, 12, wide));
}

/*
 * For the usual amounts written the usual way ("123", "0.5", "123.45": up
 * to 12 digits without a leading zero, then maybe '.' and one or two
 * digits) money_fmt's text is the element's text with what is missing of
 * the two decimals: how many bytes of ".00" to add (3, 1 or 0), or -1
 * for anything else (to go through cents).  No division per digit.
 */
static ALWAYS_INLINE int
money_tail(struct str v)
{
	return money_tail_w(v, 0);
}

/* The last tail bytes of ".00" at o; past them. */
static ALWAYS_INLINE char *
money_tail_at(char *o, int tail)
{
	if (tail == 3) {
		memcpy(o, ".00", 3);
		return o + 3;
	}
	if (tail == 1)
		*o++ = '0';
	return o;
}

/* Key and amount v as it is, with tail bytes of ".00" after it. */
static ALWAYS_INLINE void
fkmoney_txt(struct jw *w, const char *key, struct str v, int tail)
{
	size_t kl = strlen(key);
	char *o = key_at(out_begin(w, kl + v.n + 3 + 3), key, kl);

	buf_copy(o, v.p, v.n);
	out_end(w, money_tail_at(o + v.n, tail));
}

static void kmoney_slow(struct rc *, const char *, struct str, size_t,
    unsigned, unsigned);

static ALWAYS_INLINE void
kmoney_v(struct rc *c, const char *key, struct str v, size_t k, unsigned el,
    unsigned cp)
{
	int64_t cents;
	int tail;

	if (v.n == 0)
		return;
	if ((tail = money_tail(v)) >= 0)
		fkmoney_txt(&c->w, key, v, tail);
	else if (cents_fast(v, &cents) == 0)
		fkcents(c, key, cents);
	else
		kmoney_slow(c, key, v, k, el, cp);
}

static void
kmoney_slow(struct rc *c, const char *key, struct str v, size_t k,
    unsigned el, unsigned cp)
{
	int64_t cents;
	const char *err;
	char what[80];

	if ((err = cents_of(v, &cents)) != NULL) {
		snprintf(what, sizeof what, "is not an amount (%s)", err);
		bad(c, k, el, cp, what, v, 1);
		return;
	}
	fkcents(c, key, cents);
}

static ALWAYS_INLINE void
kmoney(struct rc *c, const char *key, size_t k, unsigned el)
{
	kmoney_v(c, key, E(c->st, k, el), k, el, 0);
}

/*
 * X12 decimal (R) text as a JSON number: "1.00" stays, ".5" becomes
 * "0.5", "007" becomes "7", "5." becomes "5".
 */
static int
num_norm(struct str v, struct buf *out)
{
	size_t i = 0, d0, nd = 0, nf = 0;

	buf_reset(out);
	if (i < v.n && v.p[i] == '-') {
		buf_addc(out, '-');
		i++;
	}
	d0 = i;
	while (i < v.n && v.p[i] >= '0' && v.p[i] <= '9')
		i++, nd++;
	/* integer part without leading zeros, "0" when none is left */
	while (d0 < i - 1 && v.p[d0] == '0')
		d0++;
	if (nd == 0)
		buf_addc(out, '0');
	else
		buf_add(out, v.p + d0, i - d0);
	if (i < v.n && v.p[i] == '.') {
		size_t f0 = ++i;

		while (i < v.n && v.p[i] >= '0' && v.p[i] <= '9')
			i++, nf++;
		if (nf > 0) {
			buf_addc(out, '.');
			buf_add(out, v.p + f0, nf);
		}
	}
	if (nd + nf == 0 || nd + nf > 18)
		return -1;
	if (i < v.n && (v.p[i] == 'E' || v.p[i] == 'e')) {
		size_t e0;

		buf_addc(out, 'e');
		i++;
		if (i < v.n && v.p[i] == '-')
			buf_addc(out, v.p[i++]);
		e0 = i;
		while (i < v.n && v.p[i] >= '0' && v.p[i] <= '9')
			i++;
		if (i == e0 || i - e0 > 3)
			return -1;
		buf_add(out, v.p + e0, i - e0);
	}
	return i == v.n ? 0 : -1;
}

/* num_as_is() once its i leading digits are counted. */
static ALWAYS_INLINE int
num_rest(struct str v, size_t i)
{
	if (i == 0)
		return 0;
	if (i == v.n)
		return i <= 18;
	if (v.p[i] != '.' || i + 1 == v.n)
		return 0;
	for (i++; i < v.n && v.p[i] >= '0' && v.p[i] <= '9'; i++)
		;
	return i == v.n && i - 1 <= 18;
}

/* num_as_is() for a run (wide: as in struct run). */
static ALWAYS_INLINE int
num_as_is_w(struct str v, int wide)
{
	if (v.n == 0 || v.n > 19 || (v.p[0] == '0' && v.n > 1 &&
	    v.p[1] != '.'))
		return 0;
	/* (past 16 bytes digits_w counts byte by byte) */
	return num_rest(v, digits_w(v, v.n, wide));
}

/*
 * Is v already what num_norm would make of it: digits without leading
 * zeros ("0" alone), then maybe '.' and digits, at most 18 in all?
 */
static ALWAYS_INLINE int
num_as_is(struct str v)
{
	return num_as_is_w(v, 0);
}

static void knum_slow(struct rc *, const char *, struct str, size_t,
    unsigned, unsigned);

static ALWAYS_INLINE void
knum_v(struct rc *c, const char *key, struct str v, size_t k, unsigned el,
    unsigned cp)
{
	if (v.n == 0)
		return;
	if (num_as_is(v))
		fkraw(&c->w, key, v.p, v.n);
	else
		knum_slow(c, key, v, k, el, cp);
}

static void
knum_slow(struct rc *c, const char *key, struct str v, size_t k, unsigned el,
    unsigned cp)
{
	if (num_norm(v, &c->m->tmp) != 0) {
		bad(c, k, el, cp, "is not a number", v, 1);
		return;
	}
	fkraw(&c->w, key, c->m->tmp.s, c->m->tmp.len);
}

static ALWAYS_INLINE void
knum(struct rc *c, const char *key, size_t k, unsigned el)
{
	knum_v(c, key, E(c->st, k, el), k, el, 0);
}

/*
 * More writers for runs (of a segment with nothing to escape): the comma
 * and "key": of a member; raw bytes, an amount, a number as the writers
 * above have them.  What needs the general way (an amount or number not
 * written the usual way) closes the run around it.
 */
static ALWAYS_INLINE char *
rkey(struct run *r, const char *key)
{
	size_t kl = strlen(key);
	char *o = r->o;

	if (!r->first)
		*o++ = ',';
	r->first = 0;
	return key_at(o, key, kl);
}

static ALWAYS_INLINE void
rkraw(struct run *r, const char *key, const char *s, size_t n)
{
	char *o = rkey(r, key);

	buf_copy(o, s, n);
	r->o = o + n;
}

static ALWAYS_INLINE void
rkmoney(struct rc *c, struct run *r, const char *key, size_t k, unsigned el,
    struct str v)
{
	int tail;
	char *o;

	if (v.n == 0)
		return;
	if ((tail = money_tail_w(v, r->wide)) >= 0) {
		o = rkey(r, key);
		buf_copy(o, v.p, v.n);
		r->o = money_tail_at(o + v.n, tail);
		return;
	}
	run_close(c, r);
	kmoney_v(c, key, v, k, el, 0);
	run_open(c, r, r->room);
}

static ALWAYS_INLINE void
rknum(struct rc *c, struct run *r, const char *key, size_t k, unsigned el,
    struct str v)
{
	if (v.n == 0)
		return;
	if (num_as_is_w(v, r->wide)) {
		rkraw(r, key, v.p, v.n);
		return;
	}
	run_close(c, r);
	knum_slow(c, key, v, k, el, 0);
	run_open(c, r, r->room);
}

/* A whole number (N0); "1.00" is read as 1 with a warning. */
static int
int_of(struct rc *c, struct str v, size_t k, unsigned el, unsigned cp,
    long *out)
{
	size_t i = 0;
	long n = 0;

	while (i < v.n && v.p[i] >= '0' && v.p[i] <= '9' && i < 9)
		n = n * 10 + (v.p[i++] - '0');
	if (i > 0 && i < v.n && v.p[i] == '.') {
		size_t j = i + 1;

		while (j < v.n && v.p[j] == '0')
			j++;
		if (j == v.n) {
			bad(c, k, el, cp, "is not a whole number (read as "
			    "one)", v, 1);
			*out = n;
			return 0;
		}
	}
	if (i == 0 || i != v.n) {
		bad(c, k, el, cp, "is not a whole number", v, 1);
		return -1;
	}
	*out = n;
	return 0;
}

static ALWAYS_INLINE void
kint_el(struct rc *c, const char *key, size_t k, unsigned el)
{
	struct str v = E(c->st, k, el);
	size_t i;
	long n = 0;

	if (v.n == 0)
		return;
	/* a few digits, the usual case, without int_of's call */
	for (i = 0; i < v.n && i < 9 && v.p[i] >= '0' && v.p[i] <= '9'; i++)
		n = n * 10 + (v.p[i] - '0');
	/* without a leading zero they are what fkint would write */
	if (i == v.n && (v.p[0] != '0' || v.n == 1))
		fkraw(&c->w, key, v.p, v.n);
	else if (i == v.n || int_of(c, v, k, el, 0, &n) == 0)
		fkint(c, key, n);
}

/*
 * Whether v is a D8 date (CCYYMMDD, a real day, year not 0000); its eight
 * bytes into *w as one number in memory order.  date_parse_d8 and
 * date_valid, inline: dates are many.
 */
static ALWAYS_INLINE int
d8_valid(struct str v, uint64_t *w)
{
	static const unsigned char mdays[] = { 31, 28, 31, 30, 31, 30, 31,
	    31, 30, 31, 30, 31 };
	const uint64_t hib = 0xf0f0f0f0f0f0f0f0ULL;
	const uint64_t zeros = 0x3030303030303030ULL;
	unsigned y, mo, d;

	if (v.n != 8)
		return -1;
	/*
	 * Eight digits, all at once: each byte 0x30 to 0x3f, and still so
	 * with 6 added (0x3a to 0x3f are not; no byte carries into the next).
	 */
	memcpy(w, v.p, 8);
	if ((*w & hib) != zeros || ((*w + 0x0606060606060606ULL) & hib) !=
	    zeros)
		return -1;
	mo = (unsigned)(v.p[4] - '0') * 10 + (unsigned)(v.p[5] - '0');
	d = (unsigned)(v.p[6] - '0') * 10 + (unsigned)(v.p[7] - '0');
	if (mo < 1 || mo > 12 || d < 1 || memcmp(v.p, "0000", 4) == 0)
		return -1;
	if (d > mdays[mo - 1]) {
		/* the year only matters for February 29 */
		y = (unsigned)(v.p[0] - '0') * 1000 + (unsigned)(v.p[1] -
		    '0') * 100 + (unsigned)(v.p[2] - '0') * 10 +
		    (unsigned)(v.p[3] - '0');
		if (mo != 2 || d != 29 || !((y % 4 == 0 && y % 100 != 0) ||
		    y % 400 == 0))
			return -1;
	}
	return 0;
}

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
/*
 * d8() for a date written right away, kept in registers: the ISO date's first
 * eight bytes as one number (memory order) and its last two.  d8() stores
 * the date a few bytes at a time, and the wider loads of it right after
 * (to write it twice, to compare it) cannot take their bytes from those
 * stores: each waits until they are written.
 */
static ALWAYS_INLINE int
d8_w(struct str v, uint64_t *lo, uint16_t *hi)
{
	uint64_t w;

	if (d8_valid(v, &w) != 0)
		return -1;
	/* CCYY-MM-DD: the digits with dashes put in */
	*lo = (w & 0xffffffffULL) | (uint64_t)'-' << 32 |
	    (w >> 32 & 0xffff) << 40 | (uint64_t)'-' << 56;
	*hi = (uint16_t)(w >> 48);
	return 0;
}

/* D8 text to ISO into out; -1 when it is not a date (d8_w, stored). */
static ALWAYS_INLINE int
d8(struct str v, char out[11])
{
	uint64_t lo;
	uint16_t hi;

	if (d8_w(v, &lo, &hi) != 0)
		return -1;
	memcpy(out, &lo, 8);
	memcpy(out + 8, &hi, 2);
	out[10] = '\0';
	return 0;
}
#else
/* D8 text to ISO into out; -1 when it is not a date. */
static ALWAYS_INLINE int
d8(struct str v, char out[11])
{
	uint64_t w;

	if (d8_valid(v, &w) != 0)
		return -1;
	/* what date_fmt() makes of it: the same digits, dashes put in */
	memcpy(out, v.p, 4);
	out[4] = '-';
	memcpy(out + 5, v.p + 4, 2);
	out[7] = '-';
	memcpy(out + 8, v.p + 6, 2);
	out[10] = '\0';
	return 0;
}

/* d8() as d8_w has it on little-endian machines: the date's bytes. */
static ALWAYS_INLINE int
d8_w(struct str v, uint64_t *lo, uint16_t *hi)
{
	char a[11];

	if (d8(v, a) != 0)
		return -1;
	memcpy(lo, a, 8);
	memcpy(hi, a + 8, 2);
	return 0;
}
#endif

/* Key and the ISO date in lo and hi (as d8_w has it), written at once. */
static ALWAYS_INLINE void
fkdate_w(struct jw *w, const char *key, uint64_t lo, uint16_t hi)
{
	size_t kl = strlen(key);
	char *o = key_at(out_begin(w, kl + 10 + 6), key, kl);

	*o++ = '"';
	memcpy(o, &lo, 8);
	memcpy(o + 8, &hi, 2);
	o[10] = '"';
	out_end(w, o + 11);
}

static ALWAYS_INLINE void
kdate_v(struct rc *c, const char *key, struct str v, size_t k, unsigned el)
{
	char iso[11];

	if (v.n == 0)
		return;
	if (d8(v, iso) != 0) {
		bad(c, k, el, 0, "is not a date (CCYYMMDD)", v, 0);
		return;
	}
	fkv(&c->w, key, iso, 10);
}

static void
ktime(struct rc *c, const char *key, size_t k, unsigned el)
{
	struct str v = E(c->st, k, el);
	char out[CTL_MAX];

	if (v.n == 0)
		return;
	if (fmt_time(v, out) != 0) {
		bad(c, k, el, 0, "is not a time (HHMM)", v, 1);
		return;
	}
	fkstr(c, key, out);
}

static ALWAYS_INLINE int
match(const struct rc *c, size_t k, enum loop l, uint32_t inst, const char *id)
{
	const struct sseg *s = &c->st->seg[k];

	return s->loop == l && s->pid == pk(id) && !(s->flags & SS_EXTRA) &&
	    (inst == 0 || s->inst == inst);
}

/*
 * The segments of loop l in [from, to): through the loop's list when the
 * range is the whole store (claim-wide lookups), else by scanning the
 * range (one service line or other payer: a few segments).
 */
static inline size_t
it_first(const struct rc *c, size_t from, size_t to, enum loop l)
{
	const struct store *st = c->st;
	size_t k;

	if (from == 0 && to == st->n)
		return st->lhead[l] == NOIDX ? to : st->lhead[l];
	for (k = from; k < to && st->seg[k].loop != l; k++)
		;
	return k;
}

static inline size_t
it_next(const struct rc *c, size_t k, size_t from, size_t to, enum loop l)
{
	const struct store *st = c->st;

	if (from == 0 && to == st->n)
		return st->lnext[k] == NOIDX ? to : st->lnext[k];
	for (k++; k < to && st->seg[k].loop != l; k++)
		;
	return k;
}

#define FOREACH(c, k, from, to, l) \
	for ((k) = it_first((c), (from), (to), (l)); (k) < (to); \
	    (k) = it_next((c), (k), (from), (to), (l)))

/*
 * FOREACH over the whole store (from 0 to its n): down loop l's list,
 * without it_first/it_next's test of the range at each step.
 */
#define FOREACH_ALL(c, k, l) \
	for ((k) = (c)->st->lhead[(l)]; (k) != NOIDX; \
	    (k) = (c)->st->lnext[(k)])

/* A segment that loop l has only once came again: keep it as extra. */
static void
repeated(struct rc *c, size_t k, enum loop l)
{
	const struct sseg *s = &c->st->seg[k];

	if (s->flags & SS_ALSO)
		return;
	flag_also(c, k);
	warnx_at(c->m, c->lv, "repeated_segment", s->index, s->offset, s->id,
	    "segment repeated in loop %s (kept in extra_segments): '%s'",
	    loops[l].name, qs(c->m, s->id));
}

/*
 * The first segment id of loop l (instance inst, 0: any) in [from, to);
 * later ones are repeats 837P does not allow here: kept as extra.
 */
static size_t
one(struct rc *c, size_t from, size_t to, enum loop l, uint32_t inst,
    const char *id)
{
	size_t k, first = NONE;

	FOREACH(c, k, from, to, l) {
		if (!match(c, k, l, inst, id))
			continue;
		if (first == NONE) {
			first = k;
			continue;
		}
		repeated(c, k, l);
	}
	return first;
}

struct qmap {
	const char	*q;
	const char	*key;
};

static const char *
qkey(const struct qmap *t, struct str qual)
{
	for (; t->q != NULL; t++)
		if (eqz(qual, t->q))
			return t->key;
	return NULL;
}

/* ---- rendering: common segments ---- */

enum { K_GENERIC, K_PROVIDER, K_PAYER, K_MEMBER };

static int
has(const struct rc *c, size_t from, size_t to, enum loop l, const char *id)
{
	size_t k;

	FOREACH(c, k, from, to, l)
		if (match(c, k, l, 0, id))
			return 1;
	return 0;
}

/*
 * The members of a party's segments, by table: each entry an element and
 * its key as written ("key":"), padded so that it goes out in one fixed
 * copy.  mrun writes those of segment k that are not empty into run r,
 * in the table's order (by element), reading each element where it is
 * rather than taking them all out first.  A segment with anything to
 * escape goes member by member the way ksk writes it.
 */
struct mk {
	char		 text[30];	/* "key":" */
	unsigned char	 len;		/* of text */
	unsigned char	 el;
};

#define MK(e, key)	{ "\"" key "\":\"", sizeof("\"" key "\":\"") - 1, e }

static void
mrun_slow(struct rc *c, struct run *r, size_t k, const struct mk *t,
    unsigned nt)
{
	unsigned i;

	run_close(c, r);
	for (i = 0; i < nt; i++) {
		struct str v = E(c->st, k, t[i].el);
		char *o;

		if (v.n == 0)
			continue;
		/* fkey, then jstr */
		o = out_begin(&c->w, t[i].len);
		memcpy(o, t[i].text, t[i].len - 1u);
		out_end(&c->w, o + t[i].len - 1);
		c->w.after_key = 1;
		jstr(c, v);
	}
	run_open(c, r, r->room);
}

/* NM1 of a party: [person][payer, member, npi, other id]. */
static const struct mk mk_nm1[2][4][9] = {
#define NM1_HEAD(name) MK(1, "entity_code"), MK(2, "entity_type"), \
	MK(3, name), MK(4, "first_name"), MK(5, "middle_name"), \
	MK(6, "prefix"), MK(7, "suffix")
#define NM1_TAILS(name) \
	{ NM1_HEAD(name), MK(8, "payer_id_qualifier"), MK(9, "payer_id") }, \
	{ NM1_HEAD(name), MK(8, "member_id_qualifier"), MK(9, "member_id") }, \
	{ NM1_HEAD(name), MK(9, "npi") }, \
	{ NM1_HEAD(name), MK(8, "id_qualifier"), MK(9, "id") }
	{ NM1_TAILS("name") },
	{ NM1_TAILS("last_name") }
#undef NM1_TAILS
#undef NM1_HEAD
};

static const struct mk mk_tax[] = {
	MK(1, "tax_id_type"), MK(2, "tax_id")
};

static const struct mk mk_prv[] = {
	MK(1, "provider_code"), MK(2, "taxonomy_qualifier"), MK(3, "taxonomy")
};

static const struct mk mk_sbr[] = {
	MK(1, "payer_responsibility"), MK(2, "relationship"),
	MK(3, "group_number"), MK(4, "group_name"), MK(5, "insurance_type"),
	MK(9, "claim_filing_indicator")
};

#define NMK(t)	(sizeof(t) / sizeof((t)[0]))

static const struct mk mk_gender[] = { MK(3, "gender") };

static const struct mk mk_n3[] = { MK(1, "line1"), MK(2, "line2") };

static const struct mk mk_n4[] = {
	MK(1, "city"), MK(2, "state"), MK(3, "zip"), MK(4, "country"),
	MK(5, "location_qualifier"), MK(6, "location_id"),
	MK(7, "subdivision")
};

/*
 * mrun for a run with nothing to escape and room for the keys and all
 * the store's text (party_members' runs), out of line: one copy of the
 * loop for every segment of a party rather than a copy of it for each
 * member (a claim's code is more than the instruction cache holds).  A
 * value goes as 16-byte copies, at least two, when they stay in the
 * store; what they write past it is written over by what follows.
 */
static ALWAYS_INLINE void
mtab_at(struct run *r, const struct store *st, size_t k, const struct mk *t,
    unsigned nt, int wide)
{
	const struct sseg *s = &st->seg[k];
	const uint32_t *eo = st->eo + s->eo;
	const char *txt = st->text.s + s->off;
	unsigned i, nel = s->nel;
	char *o = r->o;
	int first = r->first;

	for (i = 0; i < nt; i++) {
		unsigned el = t[i].el;
		const char *p;
		size_t n;

		if (el > nel)
			break;
		p = txt + eo[el];
		n = eo[el + 1] - 1 - eo[el];
		/* as trim_el (the separator before an empty one is not blank) */
		while (p[n - 1] == ' ')
			n--;
		if (n == 0)
			continue;
		/* the comma, taken back by the key for the first member */
		*o = ',';
		o += !first;
		first = 0;
		memcpy(o, t[i].text, sizeof t[i].text);
		o += t[i].len;
		if (wide) {
			size_t j;

			/* (each copy ends at most 15 bytes past the element) */
			memcpy(o, p, 16);
			memcpy(o + 16, p + 16, 16);
			for (j = 32; j < n; j += 16)
				memcpy(o + j, p + j, 16);
		} else
			memcpy(o, p, n);
		o += n;
		*o++ = '"';
	}
	r->o = o;
	r->first = first;
}

/*
 * mtab with exact copies: for a segment at the very end of the store, and
 * for mrun's runs (room for one segment's text).
 */
static __attribute__((noinline, cold)) void
mtab_narrow(struct run *r, const struct store *st, size_t k,
    const struct mk *t, unsigned nt)
{
	mtab_at(r, st, k, t, nt, 0);
}

static __attribute__((noinline)) void
mtab(struct run *r, const struct store *st, size_t k, const struct mk *t,
    unsigned nt)
{
	const struct sseg *s = &st->seg[k];

	/* 32 bytes past the segment's last element are in the store */
	if (s->off + st->eo[s->eo + s->nel + 1] + 32 > st->text.cap) {
		mtab_narrow(r, st, k, t, nt);
		return;
	}
	mtab_at(r, st, k, t, nt, 1);
}

/*
 * The members of segment k by key table t into run r, which has room for
 * the keys and the segment's text: mtab's exact copies when nothing needs
 * escaping, else each value the way jstr writes it.
 */
static void
mrun(struct rc *c, struct run *r, size_t k, const struct mk *t, unsigned nt)
{
	if (!r->plain) {
		mrun_slow(c, r, k, t, nt);
		return;
	}
	mtab_narrow(r, c->st, k, t, nt);
}

static void
contact(struct rc *c, size_t k)
{
	static const char *const qk[] = { "TE", "phone", "EX", "extension",
	    "FX", "fax", "EM", "email" };
	int used[4] = { 0, 0, 0, 0 }, named[3] = { 0, 0, 0 }, other = 0;
	unsigned i, p;

	opn(c, 0);
	ke(c, "function_code", k, 1);
	ke(c, "name", k, 2);
	for (p = 0; p < 3; p++) {
		struct str ql = E(c->st, k, 3 + 2 * p), v = E(c->st,
		    k, 4 + 2 * p);
		int t;

		if (ql.n == 0 && v.n == 0)
			continue;
		for (t = 0; t < 4; t++)
			if (eqz(ql, qk[2 * t]))
				break;
		if (t < 4 && !used[t] && v.n) {
			used[t] = named[p] = 1;
			ks(c, qk[2 * t + 1], v);
		} else
			other = 1;
	}
	if (other) {
		kput(c, "numbers");
		opn(c, 1);
		for (p = 0; p < 3; p++) {
			i = 3 + 2 * p;
			if (named[p] || (E(c->st, k, i).n == 0 &&
			    E(c->st, k, i + 1).n == 0))
				continue;
			opn(c, 0);
			ke(c, "qualifier", k, i);
			ke(c, "number", k, i + 1);
			cls(c, 0);
		}
		cls(c, 1);
	}
	cls(c, 0);
	mapped(c, k, BR(1, 8));
}

static void
address(struct rc *c, size_t n3, size_t n4)
{
	if (n3 == NONE && n4 == NONE)
		return;
	kput(c, "address");
	opn(c, 0);
	if (n3 != NONE) {
		struct str e[3];
		struct run r;

		els(c->st, n3, e, 2);
		run_seg(c, &r, n3);
		rke(c, &r, "line1", n3, e[1]);
		rke(c, &r, "line2", n3, e[2]);
		run_close(c, &r);
		mapped(c, n3, BR(1, 2));
	}
	if (n4 != NONE) {
		struct str e[8];
		struct run r;

		els(c->st, n4, e, 7);
		run_seg(c, &r, n4);
		rke(c, &r, "city", n4, e[1]);
		rke(c, &r, "state", n4, e[2]);
		rke(c, &r, "zip", n4, e[3]);
		rke(c, &r, "country", n4, e[4]);
		rke(c, &r, "location_qualifier", n4, e[5]);
		rke(c, &r, "location_id", n4, e[6]);
		rke(c, &r, "subdivision", n4, e[7]);
		run_close(c, &r);
		mapped(c, n4, BR(1, 7));
	}
	cls(c, 0);
}

static ALWAYS_INLINE int
plain_or_none(const struct rc *c, size_t k)
{
	return k == NONE || (c->st->seg[k].flags & SS_PLAIN);
}

/*
 * The keys of NM1 k for a party of kind (NM103 is a last name for a
 * person), after the warning for a missing NM102.
 */
static ALWAYS_INLINE const struct mk *
nm1_keys(struct rc *c, size_t k, int kind)
{
	struct str e2 = E(c->st, k, 2);
	int v;

	if (e2.n == 0)
		required_warn(c, k, 2);
	if (kind == K_PAYER)
		v = 0;
	else if (kind == K_MEMBER)
		v = 1;
	else if (is(E(c->st, k, 8), "XX"))
		v = 2;
	else
		v = 3;
	return mk_nm1[is(e2, "1")][v];
}

/*
 * mrun's way member by member, for a run of segments with nothing to
 * escape: the element and the key known where it is written, so no table
 * is read and the key goes out as immediate stores.
 */
struct mseg {
	const char	*txt, *wend;
	const uint32_t	*eo;
	unsigned	 nel;
};

static ALWAYS_INLINE void
mseg_at(const struct rc *c, struct mseg *g, size_t k)
{
	const struct sseg *s = &c->st->seg[k];

	g->txt = c->st->text.s + s->off;
	g->eo = c->st->eo + s->eo;
	g->nel = s->nel;
	g->wend = c->st->text.s + c->st->text.cap - 16;
}

/* Element el of g under key (a literal) into run r, unless empty. */
static ALWAYS_INLINE void
mx(struct run *r, const struct mseg *g, unsigned el, const char *key)
{
	size_t kl = strlen(key), n;
	const char *p;
	char *o;

	if (el > g->nel)
		return;
	p = g->txt + g->eo[el];
	n = g->eo[el + 1] - 1 - g->eo[el];
	while (n > 0 && p[n - 1] == ' ')
		n--;
	if (n == 0)
		return;
	o = r->o;
	*o = ',';
	o += !r->first;
	r->first = 0;
	o = key_at(o, key, kl);
	*o++ = '"';
	if (n <= 16 && p <= g->wend)
		memcpy(o, p, 16);
	else
		buf_copy(o, p, n);
	o += n;
	*o++ = '"';
	r->o = o;
}

/*
 * mapped() where it is rare to be needed at all (a segment longer than
 * usual): out of line, its code is not in the middle of the usual way.
 */
static __attribute__((noinline, cold)) void
pt_mapped(struct rc *c, size_t k, uint32_t bits)
{
	mapped(c, k, bits);
}

/*
 * mapped(c, k, BR(1, top)): nothing to look at when the segment ends by
 * element top (the usual case), known from its count alone.
 * (party_members has six: a segment that goes on past top is rare.)
 */
static ALWAYS_INLINE void
mapped1(struct rc *c, size_t k, unsigned top)
{
	if (c->st->seg[k].nel > top)
		pt_mapped(c, k, BR(1, top));
}

/* Segment k's members by table t into r, and its elements 1 to last mapped. */
static ALWAYS_INLINE void
mtab_mapped(struct rc *c, struct run *r, size_t k, const struct mk *t,
    unsigned nt, unsigned last)
{
	if (k == NONE)
		return;
	mtab(r, c->st, k, t, nt);
	mapped1(c, k, last);
}

/*
 * party's members from NM1, the tax id, PRV, DMG, N3 and N4 (NONE: not
 * there), none with anything to escape, into run *rp (room for the keys
 * and all the text of the store): the address object too.  Warnings as
 * party's way has them, in the same order.
 */
static void
party_members(struct rc *c, struct run *rp, size_t nm1, size_t tax,
    size_t prv, size_t dmg, size_t n3, size_t n4, int kind)
{
	struct run r = *rp;

	/* (the key tables of the general way: one list of keys) */
	if (nm1 != NONE) {
		const struct mk *t = nm1_keys(c, nm1, kind);

		mtab_mapped(c, &r, nm1, t, t[7].el == 9 ? 8 : 9, 9);
	}
	mtab_mapped(c, &r, tax, mk_tax, NMK(mk_tax), 2);
	mtab_mapped(c, &r, prv, mk_prv, NMK(mk_prv), 3);
	if (dmg != NONE) {
		struct str f = E(c->st, dmg, 1), v;
		char iso[11];

		if (f.n && !is(f, "D8"))
			bad(c, dmg, 1, 0, "is not the date format D8", f, 1);
		else if ((v = E(c->st, dmg, 2)).n == 0)
			;
		else if (d8(v, iso) != 0)
			bad(c, dmg, 2, 0, "is not a date (CCYYMMDD)", v, 0);
		else {
			char *o = r.o;

			if (!r.first)
				*o++ = ',';
			r.first = 0;
			r.o = str_at(key_at(o, "birth_date", 10), iso, 10);
		}
		mtab(&r, c->st, dmg, mk_gender, NMK(mk_gender));
		mapped1(c, dmg, 3);
	}
	if (n3 != NONE || n4 != NONE) {
		/* kput, opn; cls takes it back when it stayed empty */
		char *o0 = r.o;
		int first0 = r.first;

		if (!r.first)
			*r.o++ = ',';
		memcpy(r.o, "\"address\":{", 11);
		r.o += 11;
		r.first = 1;
		mtab_mapped(c, &r, n3, mk_n3, NMK(mk_n3), 2);
		mtab_mapped(c, &r, n4, mk_n4, NMK(mk_n4), 7);
		if (r.first) {
			r.o = o0;
			r.first = first0;
		} else {
			*r.o++ = '}';
			r.first = 0;
		}
	}
	*rp = r;
}

/* party_members in a run of its own. */
static void
party_run(struct rc *c, size_t nm1, size_t tax, size_t prv, size_t dmg,
    size_t n3, size_t n4, int kind)
{
	struct run r;

	/* room for the keys, and for all the text there is */
	run_open(c, &r, 1024 + c->st->text.len);
	r.plain = 1;
	party_members(c, &r, nm1, tax, prv, dmg, n3, n4, kind);
	run_close(c, &r);
}

/* The members of segment k by key table t, in a run of its own. */
static void
mrun_seg(struct rc *c, size_t k, const struct mk *t, unsigned nt,
    uint32_t bits)
{
	struct run r;

	run_seg(c, &r, k);
	mrun(c, &r, k, t, nt);
	run_close(c, &r);
	mapped(c, k, bits);
}

/*
 * The members of a party object from loop l (instance inst, 0: any) in
 * [from, to): NM1, N3, N4, REF, PER, PRV, DMG.
 */
static int
party(struct rc *c, size_t from, size_t to, enum loop l, uint32_t inst,
    int kind)
{
	size_t nm1 = NONE, n3 = NONE, n4 = NONE, dmg = NONE, prv = NONE;
	size_t k, tax = NONE, nref = 0, nper = 0;

	/*
	 * One pass for the segments a party has once, and to count REFs
	 * (the first EI or SY of a provider is its tax id) and PERs.
	 */
	FOREACH(c, k, from, to, l) {
		const struct sseg *s = &c->st->seg[k];
		size_t *slot;

		if ((s->flags & SS_EXTRA) || (inst && s->inst != inst))
			continue;
		switch (s->pid) {
		case ID3('N', 'M', '1'): slot = &nm1; break;
		case ID2('N', '3'): slot = &n3; break;
		case ID2('N', '4'): slot = &n4; break;
		case ID3('D', 'M', 'G'): slot = &dmg; break;
		case ID3('P', 'R', 'V'): slot = &prv; break;
		case ID3('R', 'E', 'F'): {
			struct str rq = E(c->st, k, 1);

			if (kind == K_PROVIDER && tax == NONE &&
			    (is(rq, "EI") || is(rq, "SY")) &&
			    E(c->st, k, 2).n)
				tax = k;
			else
				nref++;
			continue;
		}
		case ID3('P', 'E', 'R'):
			nper++;
			continue;
		default: continue;
		}
		if (*slot == NONE)
			*slot = k;
		else
			repeated(c, k, l);
	}

	if (plain_or_none(c, nm1) && plain_or_none(c, tax) &&
	    plain_or_none(c, prv) && plain_or_none(c, dmg) &&
	    plain_or_none(c, n3) && plain_or_none(c, n4))
		party_run(c, nm1, tax, prv, dmg, n3, n4, kind);
	else {
		if (nm1 != NONE) {
			const struct mk *t = nm1_keys(c, nm1, kind);

			mrun_seg(c, nm1, t, t[7].el == 9 ? 8 : 9, BR(1, 9));
		}
		if (tax != NONE)
			mrun_seg(c, tax, mk_tax, NMK(mk_tax), BR(1, 2));
		if (prv != NONE)
			mrun_seg(c, prv, mk_prv, NMK(mk_prv), BR(1, 3));
		if (dmg != NONE) {
			struct str f = E(c->st, dmg, 1);

			if (f.n && !is(f, "D8"))
				bad(c, dmg, 1, 0, "is not the date format D8",
				    f, 1);
			else
				kdate_v(c, "birth_date", E(c->st, dmg, 2), dmg,
				    2);
			ke(c, "gender", dmg, 3);
			mapped(c, dmg, BR(1, 3));
		}
		address(c, n3, n4);
	}
	if (nref) {
		kput(c, "secondary_ids");
		opn(c, 1);
		FOREACH(c, k, from, to, l) {
			if (k == tax || !match(c, k, l, inst, "REF"))
				continue;
			opn(c, 0);
			ke(c, "qualifier", k, 1);
			ke(c, "id", k, 2);
			ke(c, "description", k, 3);
			cls(c, 0);
			mapped(c, k, BR(1, 3));
		}
		cls(c, 1);
	}
	if (nper == 0)
		return nm1 != NONE;
	nper = 0;
	FOREACH(c, k, from, to, l) {
		if (!match(c, k, l, inst, "PER"))
			continue;
		if (nper == 0)
			kput(c, "contact");
		else if (nper == 1) {
			kput(c, "other_contacts");
			opn(c, 1);
		}
		contact(c, k);
		nper++;
	}
	if (nper > 1)
		cls(c, 1);
	return nm1 != NONE;
}

/*
 * The cache of renderings.  A party (or a billing provider loop) sent again
 * with the very same segments renders to the very same JSON; the key is
 * the segments' text, so a hit is exact.  Only renderings that raised no
 * warning and kept nothing in extra_segments are cached: those carry
 * positions.  Billing providers, payers and rendering providers repeat in
 * practice, so this saves most of their work.
 */
/*
 * PC_WAYS entries may hold a hash, the one used last first: parties
 * outnumber the entries, and a set keeps a frequent one that shares its
 * place with others.
 */
#define PC_WAYS	8
#define KH_MUL	0x9e3779b97f4a7c15ULL

static ALWAYS_INLINE struct pcache *
cache_set(struct x837 *m, uint64_t h)
{
	/* the set from the top bits of one more multiplication */
	return &m->pc[((h * KH_MUL) >> (64 - __builtin_ctz(PC_SIZE /
	    PC_WAYS))) * PC_WAYS];
}

/* Entry i of set e was used: one place up in the set now. */
static ALWAYS_INLINE const struct pcache *
cache_hit(struct pcache *e, int i)
{
	struct pcache t;

	/*
	 * Swapped with the one before it rather than moved to the front
	 * (memmove's call for a few entries): entries used often still
	 * come first, and the last is the one to go.
	 */
	if (i) {
		t = e[i];
		e[i] = e[i - 1];
		e[i - 1] = t;
	}
	return e + i - (i > 0);
}

/*
 * The key of a rendering: the segments it comes from (at most PK_SEGS),
 * as a header, the loop and length of each, then their text.  A party's
 * are the segments of its loop (instance); a billing provider loop's all
 * of the level's but HL, in the order stored.  The hash takes the loop,
 * the length and the last eight bytes of each segment (the ids at the end
 * tell parties apart; those that differ only in a name share a set of
 * eight, which cache_set picks from the top bits of a product): a hit
 * compares all of it.
 */
#define PK_SEGS	16

struct pkey {
	unsigned	 n;		/* segments */
	/* their text is one stretch of the store */
	int		 contig;
	size_t		 tlen;		/* of all their text */
	uint64_t	 h;
	uint32_t	 k[PK_SEGS];
	uint64_t	 hd[PK_SEGS + 1];	/* the key's header */
};

static ALWAYS_INLINE uint64_t
kh_mix(uint64_t h, uint64_t w)
{
	h = (h ^ w) * KH_MUL;
	return h ^ h >> 32;
}

static ALWAYS_INLINE void
pk_start(struct pkey *pk, unsigned tag)
{
	pk->n = 0;
	pk->contig = 1;
	pk->tlen = 0;
	pk->h = tag;
	pk->hd[0] = tag;
}

/* Segment k into the key; 0 when there are too many. */
static ALWAYS_INLINE int
pk_add(struct pkey *pk, const struct store *st, size_t k)
{
	const struct sseg *s = &st->seg[k];
	const char *p = st->text.s + s->off;
	size_t n = s->len, i;
	uint64_t w, meta = (uint64_t)s->loop << 32 | n;

	if (pk->n == PK_SEGS)
		return 0;
	pk->k[pk->n] = (uint32_t)k;
	pk->hd[++pk->n] = meta;
	pk->tlen += n;
	if (n >= 8)
		memcpy(&w, p + n - 8, 8);
	else
		for (w = 0, i = 0; i < n; i++)
			w |= (uint64_t)(unsigned char)p[i] << (8 * i);
	pk->h = kh_mix(pk->h, w ^ meta);
	return 1;
}

static ALWAYS_INLINE void
pk_end(struct pkey *pk, const struct store *st)
{
	const struct sseg *a, *z;

	pk->hd[0] |= (uint64_t)pk->n << 32;
	pk->h ^= pk->h >> 29;
	/* in the order stored, so one stretch when they fill their span */
	if (pk->n) {
		a = &st->seg[pk->k[0]];
		z = &st->seg[pk->k[pk->n - 1]];
		pk->contig = z->off + z->len - a->off == pk->tlen;
	}
}

/* The key of loop l (instance inst) in [from, to); 0 if too long. */
static ALWAYS_INLINE int
pk_loop(struct rc *c, struct pkey *pk, size_t from, size_t to, enum loop l,
    uint32_t inst, int kind)
{
	size_t k;

	pk_start(pk, (unsigned)kind << 8 | (unsigned)l);
	FOREACH(c, k, from, to, l) {
		const struct sseg *s = &c->st->seg[k];

		if ((s->flags & SS_EXTRA) || (inst && s->inst != inst))
			continue;
		if (!pk_add(pk, c->st, k))
			return 0;
	}
	pk_end(pk, c->st);
	return 1;
}

static ALWAYS_INLINE size_t
pk_len(const struct pkey *pk)
{
	return (pk->n + 1) * sizeof pk->hd[0] + pk->tlen;
}

/* Does entry e have the key pk? */
static ALWAYS_INLINE int
pk_same(const struct store *st, const struct pkey *pk,
    const struct pcache *e)
{
	const char *p;
	uint64_t w;
	unsigned i;

	if (e->h != pk->h || e->klen != pk_len(pk))
		return 0;
	p = e->kv;
	/*
	 * The entry, used a claim or more ago, is out of the near caches:
	 * all its lines asked for at once rather than one by one as the
	 * compare and the copy come to them.
	 */
	for (i = 64; i < e->klen + e->vlen; i += 64)
		__builtin_prefetch(p + i);
	for (i = 0; i <= pk->n; i++, p += sizeof w) {
		memcpy(&w, p, sizeof w);
		if (w != pk->hd[i])
			return 0;
	}
	if (pk->contig)
		return pk->n == 0 || memcmp(p, st->text.s +
		    st->seg[pk->k[0]].off, pk->tlen) == 0;
	for (i = 0; i < pk->n; i++) {
		const struct sseg *s = &st->seg[pk->k[i]];

		if (memcmp(p, st->text.s + s->off, s->len) != 0)
			return 0;
		p += s->len;
	}
	return 1;
}

/*
 * The entry with key pk (moved up in its set); NULL if none.  One copy
 * for the four lookups (the code a claim runs is more than the
 * instruction cache holds).
 */
static __attribute__((noinline)) const struct pcache *
cache_find(struct x837 *m, const struct store *st, const struct pkey *pk)
{
	struct pcache *set = cache_set(m, pk->h);
	int i;

	for (i = 0; i < PC_WAYS; i++)
		if (pk_same(st, pk, &set[i]))
			return cache_hit(set, i);
	return NULL;
}

/*
 * Ahead of cache_find for pk, with other work between: the set, then
 * (cache_soon, once the set is in) the key and value of the entry with
 * its hash.  Entries are used a few claims apart, out of the caches by
 * then; the lookup would wait for both, one after the other.
 */
static ALWAYS_INLINE void
cache_near(struct x837 *m, const struct pkey *pk)
{
	__builtin_prefetch(cache_set(m, pk->h));
}

static ALWAYS_INLINE void
cache_soon(struct x837 *m, const struct pkey *pk)
{
	const struct pcache *set = cache_set(m, pk->h);
	int i;

	for (i = 0; i < PC_WAYS; i++)
		if (set[i].h == pk->h) {
			__builtin_prefetch(set[i].kv);
			__builtin_prefetch(set[i].kv + 64);
			return;
		}
}

/* Keep v, rendered from the segments of pk. */
static void
cache_put(struct x837 *m, const struct store *st, const struct pkey *pk,
    const char *v, size_t vlen)
{
	struct pcache *e = cache_set(m, pk->h), t;
	size_t klen = pk_len(pk);
	char *p;
	unsigned i;

	if (vlen == 0 || klen + vlen > PC_MAX)
		return;
	/* the set's oldest entry goes (its memory is used again) */
	t = e[PC_WAYS - 1];
	memmove(e + 1, e, (PC_WAYS - 1) * sizeof *e);
	e[0] = t;
	if (e->kv == NULL)
		e->kv = xmalloc(PC_MAX);
	memcpy(e->kv, pk->hd, (pk->n + 1) * sizeof pk->hd[0]);
	p = e->kv + (pk->n + 1) * sizeof pk->hd[0];
	for (i = 0; i < pk->n; i++) {
		const struct sseg *s = &st->seg[pk->k[i]];

		memcpy(p, st->text.s + s->off, s->len);
		p += s->len;
	}
	memcpy(p, v, vlen);
	e->h = pk->h;
	e->klen = (uint32_t)klen;
	e->vlen = (uint32_t)vlen;
}

/* Did rendering flag any segment of the instance as extra? */
static int
flagged(struct rc *c, size_t from, size_t to, enum loop l, uint32_t inst)
{
	size_t k;

	FOREACH(c, k, from, to, l)
		if ((!inst || c->st->seg[k].inst == inst) &&
		    (c->st->seg[k].flags & (SS_EXTRA | SS_ALSO)))
			return 1;
	return 0;
}

/* party_keyed's rendering, when the cache does not have it. */
static __attribute__((noinline)) void
party_miss(struct rc *c, const char *key, size_t from, size_t to,
    enum loop l, uint32_t inst, int kind, const struct pkey *pk, int keyed)
{
	struct x837 *m = c->m;
	unsigned long long w0 = m->stats.warnings;
	size_t start;

	kput(c, key);
	start = c->w.b->len;
	opn(c, 0);
	party(c, from, to, l, inst, kind);
	cls(c, 0);
	if (keyed && m->stats.warnings == w0 && c->w.b->len > start &&
	    !flagged(c, from, to, l, inst)) {
		/* skip the comma and key kput wrote before start */
		const char *v = c->w.b->s + start;

		while (*v != '{')
			v++;
		cache_put(m, c->st, pk, v,
		    (size_t)(c->w.b->s + c->w.b->len - v));
	}
}

/*
 * The party object with key pk from the cache under key, if there: 1.
 * One copy for the payer and the providers of every claim (a key's
 * length known where it is written saved less than the code repeated).
 */
static __attribute__((noinline)) int
pt_hit(struct rc *c, const char *key, const struct pkey *pk)
{
	const struct pcache *e;

	if ((e = cache_find(c->m, c->st, pk)) == NULL)
		return 0;
	fkraw(&c->w, key, e->kv + e->klen, e->vlen);
	return 1;
}

/*
 * A party object under key from loop l (instance inst) in [from, to),
 * whose key pk has (keyed; 0: too many segments for a key): from the
 * cache, or rendered and kept there.
 */
static ALWAYS_INLINE void
party_keyed(struct rc *c, const char *key, size_t from, size_t to,
    enum loop l, uint32_t inst, int kind, const struct pkey *pk, int keyed)
{
	if (keyed && pt_hit(c, key, pk))
		return;
	party_miss(c, key, from, to, l, inst, kind, pk, keyed);
}

/* Does a segment of the key match() (an id with a NUL inside does not)? */
static ALWAYS_INLINE int
pk_any(const struct rc *c, const struct pkey *key)
{
	unsigned i;

	for (i = 0; i < key->n; i++) {
		const struct sseg *s = &c->st->seg[key->k[i]];

		if (s->pid == pk(s->id))
			return 1;
	}
	return 0;
}

/*
 * A party object under key (rendered, or from the cache); when any, only
 * if loop l has a segment (instance inst) in [from, to).
 */
static ALWAYS_INLINE void
party_cached(struct rc *c, const char *key, size_t from, size_t to,
    enum loop l, uint32_t inst, int kind, int any)
{
	struct pkey sk;
	size_t k;
	int keyed;

	keyed = pk_loop(c, &sk, from, to, l, inst, kind);
	if (any) {
		if (keyed) {
			if (!pk_any(c, &sk))
				return;
		} else {
			FOREACH(c, k, from, to, l)
				if (match(c, k, l, inst, c->st->seg[k].id))
					break;
			if (k == to)
				return;
		}
	}
	party_keyed(c, key, from, to, l, inst, kind, &sk, keyed);
}

static void
cached_party(struct rc *c, const char *key, size_t from, size_t to,
    enum loop l, uint32_t inst, int kind)
{
	party_cached(c, key, from, to, l, inst, kind, 0);
}

/* A party object under key, when loop l has any segment in [from, to). */
static void
kparty(struct rc *c, const char *key, size_t from, size_t to, enum loop l,
    uint32_t inst, int kind)
{
	party_cached(c, key, from, to, l, inst, kind, 1);
}

/* Named references (first of each qualifier) and the rest in arrkey. */
static void
refs(struct rc *c, size_t from, size_t to, enum loop l, uint32_t inst,
    const struct qmap *t, const char *arrkey)
{
	size_t k, j, nrest = 0, ref0 = NONE;

	FOREACH(c, k, from, to, l) {
		struct str rq;
		const char *key;

		if (!match(c, k, l, inst, "REF"))
			continue;
		/* (earlier REFs, to compare with, start at the first) */
		if (ref0 == NONE)
			ref0 = k;
		rq = E(c->st, k, 1);
		key = t ? qkey(t, rq) : NULL;
		/* the first REF of a named qualifier gets the name */
		for (j = ref0; key && j < k; j++)
			if (match(c, j, l, inst, "REF")) {
				struct str o = E(c->st, j, 1);

				if (o.n == rq.n && memcmp(o.p, rq.p, rq.n) == 0)
					break;
			}
		if (key && j == k && E(c->st, k, 2).n) {
			ke(c, key, k, 2);
			mapped(c, k, BR(1, 2));
		} else
			nrest++;
	}
	if (nrest == 0)
		return;
	kput(c, arrkey);
	opn(c, 1);
	FOREACH(c, k, from, to, l) {
		struct str rq;
		const char *key;

		if (!match(c, k, l, inst, "REF"))
			continue;
		rq = E(c->st, k, 1);
		key = t ? qkey(t, rq) : NULL;
		for (j = ref0; key && j < k; j++)
			if (match(c, j, l, inst, "REF")) {
				struct str o = E(c->st, j, 1);

				if (o.n == rq.n && memcmp(o.p, rq.p, rq.n) == 0)
					break;
			}
		if (key && j == k && E(c->st, k, 2).n)
			continue;
		opn(c, 0);
		ke(c, "qualifier", k, 1);
		ke(c, "value", k, 2);
		ke(c, "description", k, 3);
		cls(c, 0);
		mapped(c, k, BR(1, 3));
	}
	cls(c, 1);
}

struct dmap {
	const char	*q, *key, *range_to;
};

/* "CCYYMMDD-CCYYMMDD" into two ISO dates. */
static int
rd8(struct str v, char from[11], char to[11])
{
	struct str a, b;

	if (v.n != 17 || v.p[8] != '-')
		return -1;
	a.p = v.p;
	a.n = 8;
	b.p = v.p + 9;
	b.n = 8;
	return d8(a, from) == 0 && d8(b, to) == 0 ? 0 : -1;
}

/* Is DTP k the first of its qualifier in its loop (range [from, to))? */
static int
first_qual(const struct rc *c, size_t from, size_t to, size_t k, enum loop l,
    uint32_t inst)
{
	const struct store *st = c->st;
	struct str qk = E(st, k, 1);
	size_t j;

	/*
	 * The whole store (a claim's dates): down the loop's list, in the
	 * order of the store, rather than past every segment before k.
	 */
	if (from == 0 && to == st->n) {
		for (j = st->lhead[l]; j != NOIDX && j < k; j = st->lnext[j])
			if (match(c, j, l, inst, "DTP")) {
				struct str o = E(st, j, 1);

				if (o.n == qk.n &&
				    memcmp(o.p, qk.p, qk.n) == 0)
					return 0;
			}
		return 1;
	}
	for (j = from; j < k; j++)
		if (match(c, j, l, inst, "DTP")) {
			struct str o = E(st, j, 1);

			if (o.n == qk.n && memcmp(o.p, qk.p, qk.n) == 0)
				return 0;
		}
	return 1;
}

/*
 * DTP dates: named ones (first of a qualifier in the table, format D8, or
 * RD8 where the table has a range key) under "dates" (flat: directly in
 * the current object), the rest under "other_dates" with their format and
 * text.  skip is a DTP already used (the service date), or NONE.
 */
static void
dates(struct rc *c, size_t from, size_t to, enum loop l, uint32_t inst,
    const struct dmap *t, int flat, size_t skip)
{
	size_t k, nother = 0, nnamed = 0, nrest = 0;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		FOREACH(c, k, from, to, l) {
			const struct dmap *d;
			struct str qual, fmt, v;
			char a[11], b[11];
			uint64_t lo;
			uint16_t hi;
			int named = 0;

			if (k == skip || !match(c, k, l, inst, "DTP"))
				continue;
			qual = E(c->st, k, 1);
			fmt = E(c->st, k, 2);
			v = E(c->st, k, 3);
			for (d = t; d->q != NULL; d++)
				if (eqz(qual, d->q))
					break;
			if (d->q != NULL && (is(fmt, "D8") || (is(fmt, "RD8") &&
			    d->range_to != NULL)) &&
			    first_qual(c, from, to, k, l, inst))
				named = 1;
			if (pass == 0 && named) {
				if (!flat && nnamed++ == 0) {
					kput(c, "dates");
					opn(c, 0);
				}
				/* (the dates are ten bytes: no strlen) */
				if (is(fmt, "D8")) {
					if (d8_w(v, &lo, &hi) == 0)
						fkdate_w(&c->w, d->key, lo, hi);
					else
						bad(c, k, 3, 0, "is not a date "
						    "(CCYYMMDD)", v, 0);
				} else if (rd8(v, a, b) == 0) {
					fkv(&c->w, d->key, a, 10);
					fkv(&c->w, d->range_to, b, 10);
				} else
					bad(c, k, 3, 0, "is not a date range "
					    "(CCYYMMDD-CCYYMMDD)", v, 0);
				mapped(c, k, BR(1, 3));
			} else if (pass == 0)
				nrest++;
			else if (!named) {
				if (nother++ == 0) {
					kput(c, "other_dates");
					opn(c, 1);
				}
				opn(c, 0);
				ke(c, "qualifier", k, 1);
				ke(c, "format", k, 2);
				ke(c, "value", k, 3);
				cls(c, 0);
				mapped(c, k, BR(1, 3));
			}
		}
		if (pass == 0 && nnamed && !flat)
			cls(c, 0);
		/* (the second pass only for what the first left) */
		if (nrest == 0)
			break;
	}
	if (nother)
		cls(c, 1);
}

/* AMT: named amounts (in objkey, or flat when NULL), the rest in
 * "other_amounts". */
static void
amounts(struct rc *c, size_t from, size_t to, enum loop l, uint32_t inst,
    const struct qmap *t, const char *objkey)
{
	size_t k, j, nother = 0, nnamed = 0, nrest = 0;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		FOREACH(c, k, from, to, l) {
			struct str qa;
			const char *key;

			if (!match(c, k, l, inst, "AMT"))
				continue;
			qa = E(c->st, k, 1);
			key = qkey(t, qa);
			for (j = from; key && j < k; j++)
				if (match(c, j, l, inst, "AMT")) {
					struct str o = E(c->st, j, 1);

					if (o.n == qa.n &&
					    memcmp(o.p, qa.p, qa.n) == 0)
						break;
				}
			if (key && j != k)
				key = NULL;
			if (pass == 0 && key) {
				if (objkey && nnamed++ == 0) {
					kput(c, objkey);
					opn(c, 0);
				}
				kmoney(c, key, k, 2);
				mapped(c, k, BR(1, 2));
			} else if (pass == 0)
				nrest++;
			else if (!key) {
				if (nother++ == 0) {
					kput(c, "other_amounts");
					opn(c, 1);
				}
				opn(c, 0);
				ke(c, "qualifier", k, 1);
				kmoney(c, "amount", k, 2);
				cls(c, 0);
				mapped(c, k, BR(1, 2));
			}
		}
		if (pass == 0 && nnamed)
			cls(c, 0);
		/* (the second pass only for what the first left) */
		if (nrest == 0)
			break;
	}
	if (nother)
		cls(c, 1);
}

static void
adjustments(struct rc *c, size_t from, size_t to, enum loop l, uint32_t inst)
{
	size_t k;
	int open = 0;
	unsigned j;

	FOREACH(c, k, from, to, l) {
		if (!match(c, k, l, inst, "CAS"))
			continue;
		if (!open++) {
			kput(c, "adjustments");
			opn(c, 1);
		}
		for (j = 0; j < 6; j++) {
			unsigned e = 2 + 3 * j;

			/* (past nel every element is empty: no more groups) */
			if (e > c->st->seg[k].nel)
				break;
			if (E(c->st, k, e).n == 0 && E(c->st, k, e + 1).n == 0 &&
			    E(c->st, k, e + 2).n == 0)
				continue;
			opn(c, 0);
			ke(c, "group", k, 1);
			ke(c, "reason", k, e);
			kmoney(c, "amount", k, e + 1);
			knum(c, "quantity", k, e + 2);
			cls(c, 0);
		}
		mapped(c, k, BR(1, 19));
	}
	if (open)
		cls(c, 1);
}

/* Simple repeatable segments into arrays. */
static void
notes(struct rc *c, size_t from, size_t to, enum loop l)
{
	size_t k;
	int open = 0;

	FOREACH(c, k, from, to, l) {
		if (!match(c, k, l, 0, "NTE"))
			continue;
		if (!open++) {
			kput(c, "notes");
			opn(c, 1);
		}
		opn(c, 0);
		ke(c, "code", k, 1);
		ke(c, "text", k, 2);
		cls(c, 0);
		mapped(c, k, BR(1, 2));
	}
	if (open)
		cls(c, 1);
}

static void
file_info(struct rc *c, size_t from, size_t to, enum loop l)
{
	size_t k;
	int open = 0;

	FOREACH(c, k, from, to, l) {
		if (!match(c, k, l, 0, "K3") || E(c->st, k, 1).n == 0)
			continue;
		if (!open++) {
			kput(c, "file_information");
			opn(c, 1);
		}
		jstr(c, E(c->st, k, 1));
		mapped(c, k, B(1));
	}
	if (open)
		cls(c, 1);
}

static void
attachments(struct rc *c, size_t from, size_t to, enum loop l)
{
	size_t k;
	int open = 0;

	FOREACH(c, k, from, to, l) {
		if (!match(c, k, l, 0, "PWK"))
			continue;
		if (!open++) {
			kput(c, "attachments");
			opn(c, 1);
		}
		opn(c, 0);
		ke(c, "report_type", k, 1);
		ke(c, "transmission", k, 2);
		ke(c, "control_number_qualifier", k, 5);
		ke(c, "control_number", k, 6);
		cls(c, 0);
		mapped(c, k, B(1) | B(2) | B(5) | B(6));
	}
	if (open)
		cls(c, 1);
}

static void
conditions(struct rc *c, size_t from, size_t to, enum loop l)
{
	size_t k;
	int open = 0;
	unsigned i;

	FOREACH(c, k, from, to, l) {
		if (!match(c, k, l, 0, "CRC"))
			continue;
		if (!open++) {
			kput(c, "conditions");
			opn(c, 1);
		}
		opn(c, 0);
		ke(c, "category", k, 1);
		ke(c, "indicator", k, 2);
		for (i = 3; i <= 7 && E(c->st, k, i).n == 0; i++)
			;
		if (i <= 7) {
			kput(c, "codes");
			opn(c, 1);
			for (i = 3; i <= 7; i++)
				if (E(c->st, k, i).n)
					jstr(c, E(c->st, k, i));
			cls(c, 1);
		}
		cls(c, 0);
		mapped(c, k, BR(1, 7));
	}
	if (open)
		cls(c, 1);
}

static void
contract(struct rc *c, size_t from, size_t to, enum loop l)
{
	size_t k = one(c, from, to, l, 0, "CN1");

	if (k == NONE)
		return;
	kput(c, "contract");
	opn(c, 0);
	ke(c, "type", k, 1);
	kmoney(c, "amount", k, 2);
	knum(c, "percent", k, 3);
	ke(c, "code", k, 4);
	knum(c, "terms_discount", k, 5);
	ke(c, "version", k, 6);
	cls(c, 0);
	mapped(c, k, BR(1, 6));
}

static void
ambulance(struct rc *c, size_t from, size_t to, enum loop l)
{
	size_t k = one(c, from, to, l, 0, "CR1");

	if (k == NONE)
		return;
	kput(c, "ambulance");
	opn(c, 0);
	ke(c, "weight_unit", k, 1);
	knum(c, "patient_weight", k, 2);
	ke(c, "transport_code", k, 3);
	ke(c, "transport_reason", k, 4);
	ke(c, "distance_unit", k, 5);
	knum(c, "distance", k, 6);
	ke(c, "round_trip_purpose", k, 9);
	ke(c, "stretcher_purpose", k, 10);
	cls(c, 0);
	mapped(c, k, BR(1, 6) | B(9) | B(10));
}

static void
repricing(struct rc *c, size_t from, size_t to, enum loop l, int line)
{
	size_t k = one(c, from, to, l, 0, "HCP");

	if (k == NONE)
		return;
	kput(c, "repricing");
	opn(c, 0);
	ke(c, "pricing_method", k, 1);
	kmoney(c, "allowed_amount", k, 2);
	kmoney(c, "savings", k, 3);
	ke(c, "organization_id", k, 4);
	knum(c, "rate", k, 5);
	ke(c, "apg_code", k, 6);
	kmoney(c, "apg_amount", k, 7);
	if (line) {
		ke(c, "procedure_qualifier", k, 9);
		ke(c, "procedure_code", k, 10);
		ke(c, "unit_basis", k, 11);
		knum(c, "units", k, 12);
	}
	ke(c, "reject_reason", k, 13);
	ke(c, "policy_compliance", k, 14);
	ke(c, "exception", k, 15);
	cls(c, 0);
	mapped(c, k, BR(1, 7) | BR(13, 15) | (line ? BR(9, 12) : 0));
}

/*
 * instances() of the whole store: down the loop's list, up to max found
 * (inline where a claim's loops are looked at one after the other, most
 * of them absent).
 */
static ALWAYS_INLINE size_t
instances_all(const struct rc *c, enum loop l, const char *startid,
    uint32_t *out, size_t max)
{
	const struct store *st = c->st;
	size_t k, n = 0;

	for (k = st->lhead[l]; k != NOIDX && n < max; k = st->lnext[k])
		if (match(c, k, l, 0, startid))
			out[n++] = st->seg[k].inst;
	return n;
}

/* The instances (inst numbers) of loop l in [from, to), in order. */
static size_t
instances(const struct rc *c, size_t from, size_t to, enum loop l,
    const char *startid, uint32_t *out, size_t max)
{
	size_t k, n = 0;

	if (from == 0 && to == c->st->n)
		return instances_all(c, l, startid, out, max);
	FOREACH(c, k, from, to, l)
		if (n < max && match(c, k, l, 0, startid))
			out[n++] = c->st->seg[k].inst;
	return n;
}

struct pmap {
	enum loop	 l;
	const char	*key, *key2;
};

static void
providers(struct rc *c, size_t from, size_t to, const struct pmap *t)
{
	const struct store *st = c->st;
	int open = 0, all = from == 0 && to == st->n;
	uint32_t in[2];
	size_t n;

	for (; t->key != NULL; t++) {
		if (all)
			n = instances_all(c, t->l, "NM1", in, 2);
		else
			n = instances(c, from, to, t->l, "NM1", in, 2);
		if (n == 0)
			continue;
		if (!open++) {
			kput(c, "providers");
			opn(c, 0);
		}
		cached_party(c, t->key, from, to, t->l, in[0], K_PROVIDER);
		if (n > 1 && t->key2)
			cached_party(c, t->key2, from, to, t->l, in[1],
			    K_PROVIDER);
	}
	if (open)
		cls(c, 0);
}

/* Procedure composite (SV101, SVD03): qualifier, code, modifiers, text. */
static void
procedure(struct rc *c, size_t k, unsigned el)
{
	struct str v[12];
	unsigned n = comps(c, k, el, v, 12), i, nm = 0;

	if (n == 0)
		return;
	ksk(c, "procedure_qualifier", k, v[0]);
	if (n > 1)
		ksk(c, "procedure_code", k, v[1]);
	for (i = 2; i < 6 && i < n; i++)
		if (v[i].n && nm++ == 0) {
			kput(c, "modifiers");
			opn(c, 1);
		}
	for (i = 2; nm && i < 6 && i < n; i++)
		if (v[i].n)
			jstrk(c, k, v[i]);
	if (nm)
		cls(c, 1);
	if (n > 6)
		ksk(c, "description", k, v[6]);
	comps_mapped(c, k, el, v, n, 7, n < 12 ? n : 12);
}

/*
 * procedure() in a run, from the components v[0..n) of element el of
 * segment k (plain, so rke writes every member itself).
 */
static void
procedure_run(struct rc *c, struct run *r, size_t k, unsigned el,
    const struct str *v, unsigned n)
{
	unsigned i, nm = 0;
	char *o;

	if (n == 0)
		return;
	rke(c, r, "procedure_qualifier", k, v[0]);
	if (n > 1)
		rke(c, r, "procedure_code", k, v[1]);
	for (i = 2; i < 6 && i < n; i++) {
		if (v[i].n == 0)
			continue;
		if (nm++ == 0) {
			o = rkey(r, "modifiers");
			*o++ = '[';
		} else {
			o = r->o;
			*o++ = ',';
		}
		r->o = str_at(o, v[i].p, v[i].n);
	}
	if (nm)
		*r->o++ = ']';
	if (n > 6)
		rke(c, r, "description", k, v[6]);
	comps_mapped(c, k, el, v, n, 7, n < 12 ? n : 12);
}

/* ---- rendering: tables ---- */

static const struct qmap clm_refs[] = {
	{ "G1", "prior_authorization" },
	{ "9F", "referral_number" },
	{ "F8", "original_reference" },
	{ "EA", "medical_record_number" },
	{ "D9", "claim_identifier" },
	{ "4N", "service_authorization_exception" },
	{ "F5", "medicare_crossover_indicator" },
	{ "EW", "mammography_certification" },
	{ "X4", "clia_number" },
	{ "9A", "repriced_claim_number" },
	{ "9C", "adjusted_repriced_claim_number" },
	{ "LX", "investigational_device_exemption" },
	{ "P4", "demonstration_project" },
	{ "1J", "care_plan_oversight" },
	{ NULL, NULL }
};

/* (one list for the table and its keys' lengths) */
#define LINE_REFS(X) \
	X("G1", "prior_authorization") \
	X("9F", "referral_number") \
	X("6R", "line_item_control_number") \
	X("9B", "repriced_line_item_reference") \
	X("9D", "adjusted_repriced_line_item_reference") \
	X("EW", "mammography_certification") \
	X("X4", "clia_number") \
	X("F4", "referring_clia_number") \
	X("BT", "immunization_batch_number")
#define QMAP_ENTRY(q, key)	{ q, key },
#define QMAP_KEYLEN(q, key)	sizeof(key) - 1,

static const struct qmap line_refs[] = {
	LINE_REFS(QMAP_ENTRY)
	{ NULL, NULL }
};

static const unsigned char line_ref_kl[] = { LINE_REFS(QMAP_KEYLEN) };

static const struct qmap drug_refs[] = {
	{ "XZ", "prescription_number" },
	{ "VY", "link_sequence_number" },
	{ NULL, NULL }
};

static const struct dmap clm_dates[] = {
	{ "431", "onset", NULL },
	{ "454", "initial_treatment", NULL },
	{ "304", "last_seen", NULL },
	{ "453", "acute_manifestation", NULL },
	{ "439", "accident", NULL },
	{ "484", "last_menstrual", NULL },
	{ "455", "last_xray", NULL },
	{ "471", "prescription", NULL },
	{ "314", "disability_from", "disability_to" },
	{ "360", "disability_from", NULL },
	{ "361", "disability_to", NULL },
	{ "297", "last_worked", NULL },
	{ "296", "return_to_work", NULL },
	{ "435", "admission", NULL },
	{ "096", "discharge", NULL },
	{ "090", "assumed_care_from", NULL },
	{ "091", "assumed_care_to", NULL },
	{ "444", "first_contact", NULL },
	{ "050", "repricer_received", NULL },
	{ NULL, NULL, NULL }
};

static const struct dmap line_dates[] = {
	{ "471", "prescription", NULL },
	{ "607", "certification_revision", NULL },
	{ "463", "begin_therapy", NULL },
	{ "461", "last_certification", NULL },
	{ "304", "last_seen", NULL },
	{ "738", "hemoglobin_test", NULL },
	{ "739", "serum_creatinine_test", NULL },
	{ "011", "shipped", NULL },
	{ "455", "last_xray", NULL },
	{ "454", "initial_treatment", NULL },
	{ NULL, NULL, NULL }
};

static const struct dmap adj_dates[] = {
	{ "573", "date", NULL },
	{ NULL, NULL, NULL }
};

static const struct dmap cob_dates[] = {
	{ "573", "adjudication_date", NULL },
	{ NULL, NULL, NULL }
};

static const struct qmap clm_amts[] = {
	{ "F5", "patient_paid" },
	{ NULL, NULL }
};

static const struct qmap line_amts[] = {
	{ "T", "sales_tax" },
	{ "F4", "postage_claimed" },
	{ NULL, NULL }
};

static const struct qmap cob_amts[] = {
	{ "D", "paid_amount" },
	{ "A8", "non_covered" },
	{ "EAF", "remaining_liability" },
	{ NULL, NULL }
};

static const struct qmap adj_amts[] = {
	{ "EAF", "remaining_liability" },
	{ NULL, NULL }
};

static const struct pmap clm_prov[] = {
	{ L_2310A, "referring", "other_referring" },
	{ L_2310B, "rendering", NULL },
	{ L_2310C, "service_facility", NULL },
	{ L_2310D, "supervising", NULL },
	{ L_2310E, "ambulance_pickup", NULL },
	{ L_2310F, "ambulance_dropoff", NULL },
	{ L_NONE, NULL, NULL }
};

static const struct pmap cob_prov[] = {
	{ L_2330C, "referring", "other_referring" },
	{ L_2330D, "rendering", NULL },
	{ L_2330E, "service_facility", NULL },
	{ L_2330F, "supervising", NULL },
	{ L_2330G, "billing", NULL },
	{ L_NONE, NULL, NULL }
};

static const struct pmap line_prov[] = {
	{ L_2420A, "rendering", NULL },
	{ L_2420B, "purchased_service", NULL },
	{ L_2420C, "service_facility", NULL },
	{ L_2420D, "supervising", NULL },
	{ L_2420E, "ordering", NULL },
	{ L_2420F, "referring", "other_referring" },
	{ L_2420G, "ambulance_pickup", NULL },
	{ L_2420H, "ambulance_dropoff", NULL },
	{ L_NONE, NULL, NULL }
};

/* ---- rendering: the levels above the claim ---- */

/* Turn "{...}" into its members "...". */
static void
strip_braces(struct buf *b)
{
	if (b->len < 2)
		return;
	memmove(b->s, b->s + 1, b->len - 2);
	b->len -= 2;
	b->s[b->len] = '\0';
}

static void
kcstr(struct rc *c, const char *key, const char *s)
{
	struct str v;

	v.p = s;
	v.n = strlen(s);
	ks(c, key, v);
}

/*
 * The first segment from k on that goes to extra_segments (st->n: none).
 * Most claims have none: four segments' flags are looked at together.
 */
static ALWAYS_INLINE size_t
next_flagged(const struct store *st, size_t k)
{
	const struct sseg *s = st->seg;
	size_t n = st->n;

#define FLAGS4(i) ((s[(i)].flags | s[(i) + 1].flags | s[(i) + 2].flags | \
	s[(i) + 3].flags) & (SS_EXTRA | SS_ALSO))
	for (; k + 4 <= n; k += 4)
		if (FLAGS4(k))
			break;
	/*
	 * None in the groups of four: the last one to three at once, with
	 * the segments before them (the usual claim is done here, without
	 * a loop whose length varies with the store's; a flagged one among
	 * those before leaves it to the loop below).
	 */
	if (k + 4 > n && n >= 4 && !FLAGS4(n - 4))
		return n;
#undef FLAGS4
	for (; k < n; k++)
		if (s[k].flags & (SS_EXTRA | SS_ALSO))
			break;
	return k;
}

/*
 * The extra_segments item of segment k of level L, with its comma (rare:
 * out of line, so that render_extras' usual path, the scan that finds
 * none, is a few contiguous code lines).
 */
static __attribute__((noinline, cold)) void
rec_extra(struct x837 *m, int lv, size_t k)
{
	struct level *L = &m->lv[lv];
	const struct sseg *s = &L->st.seg[k];
	struct rc c;

	c.m = m;
	c.lv = lv;
	c.st = &L->st;
	if (L->nextra++)
		buf_addc(&L->extra, ',');
	jw_init(&c.w, &L->extra);
	opn(&c, 0);
	fkint(&c, "segment_index", (long long)s->index);
	fkint(&c, "byte_offset", (long long)s->offset);
	fkstr(&c, "id", s->id);
	fkstr(&c, "loop", loops[s->loop].name);
	kput(&c, "text");
	jstr(&c, segtext(&L->st, k));
	cls(&c, 0);
}

/* extra_segments items of a level, after its rendering flagged them. */
static void
render_extras(struct x837 *m, int lv)
{
	struct level *L = &m->lv[lv];
	size_t k;

	buf_reset(&L->extra);
	L->nextra = 0;
	/* (one copy of next_flagged, inline) */
	for (k = 0; (k = next_flagged(&L->st, k)) < L->st.n; k++)
		rec_extra(m, lv, k);
}

static void
render_hdr(struct x837 *m)
{
	struct level *L = &m->lv[LV_HDR];
	struct rc c;
	size_t bht, n = L->st.n;

	rc_init(&c, m, LV_HDR, &L->frag2);
	opn(&c, 0);
	kcstr(&c, "file", m->file);
	kcstr(&c, "interchange_control_number", m->isa.isa13);
	kcstr(&c, "group_control_number", m->gs.gs06);
	kcstr(&c, "transaction_control_number", m->st.st02);
	kcstr(&c, "implementation", m->st.impl);
	kcstr(&c, "sender_qualifier", m->isa.isa05);
	kcstr(&c, "sender_id", m->isa.isa06);
	kcstr(&c, "receiver_qualifier", m->isa.isa07);
	kcstr(&c, "receiver_id", m->isa.isa08);
	kcstr(&c, "interchange_date", m->isa.isa09);
	kcstr(&c, "interchange_time", m->isa.isa10);
	kcstr(&c, "interchange_version", m->isa.isa12);
	kcstr(&c, "acknowledgment_requested", m->isa.isa14);
	kcstr(&c, "usage_indicator", m->isa.isa15);
	kcstr(&c, "gs_sender", m->gs.gs02);
	kcstr(&c, "gs_receiver", m->gs.gs03);
	kcstr(&c, "group_date", m->gs.gs04);
	kcstr(&c, "group_time", m->gs.gs05);
	kcstr(&c, "gs_version", m->gs.gs08);
	if ((bht = one(&c, 0, n, L_HDR, 0, "BHT")) != NONE) {
		ke(&c, "hierarchical_structure", bht, 1);
		ke(&c, "transaction_purpose", bht, 2);
		ke(&c, "reference", bht, 3);
		kdate_v(&c, "transaction_date", E(c.st, bht, 4), bht, 4);
		ktime(&c, "transaction_time", bht, 5);
		ke(&c, "transaction_type", bht, 6);
		mapped(&c, bht, BR(1, 6));
	}
	cls(&c, 0);
	strip_braces(&L->frag2);

	rc_init(&c, m, LV_HDR, &L->frag);
	opn(&c, 0);
	kparty(&c, "submitter", 0, n, L_1000A, 0, K_GENERIC);
	kparty(&c, "receiver", 0, n, L_1000B, 0, K_GENERIC);
	cls(&c, 0);
	strip_braces(&L->frag);
	render_extras(m, LV_HDR);
	L->rendered = 1;
}

static void
missing(struct x837 *m, int lv, const char *what)
{
	struct level *L = &m->lv[lv];

	warnx_at(m, lv, "missing_loop", L->index, L->offset, "HL",
	    "%s: HL '%s'", what, qs(m, L->hl));
}

static void
render_a(struct x837 *m)
{
	struct level *L = &m->lv[LV_A];
	struct rc c;
	size_t n = L->st.n, prv, cur;

	rc_init(&c, m, LV_A, &L->frag);
	opn(&c, 0);
	prv = one(&c, 0, n, L_2000A, 0, "PRV");
	cur = one(&c, 0, n, L_2000A, 0, "CUR");
	if (has(&c, 0, n, L_2010AA, "NM1") || prv != NONE || cur != NONE) {
		kput(&c, "billing_provider");
		opn(&c, 0);
		party(&c, 0, n, L_2010AA, 0, K_PROVIDER);
		if (prv != NONE) {
			ke(&c, "provider_code", prv, 1);
			ke(&c, "taxonomy_qualifier", prv, 2);
			ke(&c, "taxonomy", prv, 3);
			mapped(&c, prv, BR(1, 3));
		}
		if (cur != NONE) {
			ke(&c, "currency", cur, 2);
			mapped(&c, cur, BR(1, 2));
		}
		cls(&c, 0);
	}
	kparty(&c, "pay_to_provider", 0, n, L_2010AB, 0, K_PROVIDER);
	kparty(&c, "pay_to_plan", 0, n, L_2010AC, 0, K_PAYER);
	cls(&c, 0);
	strip_braces(&L->frag);
	if (!has(&c, 0, n, L_2010AA, "NM1"))
		missing(m, LV_A, "no billing provider name (loop 2010AA, "
		    "NM1*85)");
	render_extras(m, LV_A);
	L->rendered = 1;
}

/* render_a through the cache: the same billing provider loop again. */
static void
render_a_cached(struct x837 *m)
{
	struct level *L = &m->lv[LV_A];
	const struct store *st = &L->st;
	unsigned long long w0 = m->stats.warnings;
	const struct pcache *e;
	struct pkey pk;
	size_t k;

	if (L->nwarn || L->nextra) {
		render_a(m);
		return;
	}
	/* the level's segments in the order stored, with their loops */
	pk_start(&pk, 9 << 8);
	for (k = 0; k < st->n; k++) {
		const struct sseg *s = &st->seg[k];

		if ((s->flags & SS_EXTRA) || s->pid == ID2('H', 'L') ||
		    s->loop < L_2000A || s->loop > L_2010AC)
			continue;
		if (!pk_add(&pk, st, k)) {
			render_a(m);
			return;
		}
	}
	pk_end(&pk, st);
	if ((e = cache_find(m, st, &pk)) != NULL) {
		buf_reset(&L->frag);
		buf_add(&L->frag, e->kv + e->klen, e->vlen);
		buf_reset(&L->extra);
		L->nextra = 0;
		L->rendered = 1;
		return;
	}
	render_a(m);
	if (m->stats.warnings == w0 && L->nwarn == 0 && L->nextra == 0)
		cache_put(m, st, &pk, L->frag.s, L->frag.len);
}

/* PAT05-PAT09 (death date, weight, pregnancy) into the open object. */
static void
pat_fields(struct rc *c, size_t pat)
{
	struct str f = E(c->st, pat, 5);

	if (f.n && !is(f, "D8"))
		bad(c, pat, 5, 0, "is not the date format D8", f, 1);
	else
		kdate_v(c, "death_date", E(c->st, pat, 6), pat, 6);
	ke(c, "weight_unit", pat, 7);
	knum(c, "weight", pat, 8);
	ke(c, "pregnant", pat, 9);
}

/*
 * A level's fragment is the members of an object, without its braces:
 * the writer is set as if after a '{' it never wrote (members_open), and
 * put back at the top when done (members_close).
 */
static void
members_open(struct rc *c, int first)
{
	c->w.depth = 1;
	c->w.first[1] = (unsigned char)first;
	c->w.after_key = 0;
}

static void
members_close(struct rc *c)
{
	c->w.depth = 0;
	c->w.first[0] = 0;
}

/*
 * SBR with nothing outside SBR01-05 and SBR09, the test of mapped() for
 * them, in the usual shapes: ending by SBR05, or nine elements with
 * SBR06-08 empty (what mapped() looks at one by one).
 */
static ALWAYS_INLINE int
sbr_usual(const struct store *st, size_t k)
{
	const struct sseg *s = &st->seg[k];
	const uint32_t *eo = st->eo + s->eo;

	if (s->nel <= 5)
		return 1;
	return s->nel == 9 && !(eo[7] - 1 > eo[6]) && !(eo[8] - 1 > eo[7]) &&
	    !(eo[9] - 1 > eo[8]);
}

/* The segments of a person's loop (2010BA, 2010CA) taken once. */
struct person {
	size_t	nm1, n3, n4, dmg, prv;
};

#define PERSON_NONE	{ NONE, NONE, NONE, NONE, NONE }

/*
 * Segment k (s) of a person's loop into its slot, as party() finds them;
 * *pl (if pl) loses SS_PLAIN when a slotted segment has anything to
 * escape.
 * 1 when the person is unusual (a REF or PER, a second NM1, N3, N4, DMG
 * or PRV): party() then does it all.
 */
static ALWAYS_INLINE int
person_seg(struct person *p, const struct sseg *s, size_t k, unsigned *pl)
{
	size_t *slot;

	switch (s->pid) {
	case ID3('N', 'M', '1'): slot = &p->nm1; break;
	case ID2('N', '3'): slot = &p->n3; break;
	case ID2('N', '4'): slot = &p->n4; break;
	case ID3('D', 'M', 'G'): slot = &p->dmg; break;
	case ID3('P', 'R', 'V'): slot = &p->prv; break;
	case ID3('R', 'E', 'F'):
	case ID3('P', 'E', 'R'):
		return 1;
	default:
		return 0;
	}
	if (pl != NULL)
		*pl &= s->flags;
	if (*slot != NONE)
		return 1;
	*slot = k;
	return 0;
}

/*
 * render_b's rare ways, out of its code (the usual way runs for every
 * claim; these would be in its middle): the subscriber object the
 * general way (escapes, anything unusual), returning party()'s answer
 * and where the person's members are in the level's fragment...
 */
static __attribute__((noinline, cold)) int
pt_b_party(struct rc *c, size_t sbr, struct str *rel, size_t *pfrom,
    size_t *pto)
{
	struct buf *b = c->w.b;
	int have_nm1;

	kput(c, "subscriber");
	opn(c, 0);
	if (sbr != NONE) {
		struct run r;

		/* (nothing here warns: SBR's warnings follow the person's) */
		run_seg(c, &r, sbr);
		mrun(c, &r, sbr, mk_sbr, NMK(mk_sbr));
		run_close(c, &r);
		*rel = E(c->st, sbr, 2);
	}
	*pfrom = b->len;
	have_nm1 = party(c, 0, c->st->n, L_2010BA, 0, K_MEMBER);
	*pto = b->len;
	cls(c, 0);
	return have_nm1;
}

/*
 * ...the patient's head with a relationship code that is long or needs
 * escaping, and the person's members ([pfrom, pto) of the fragment)...
 */
static __attribute__((noinline, cold)) void
pt_b_rel(struct x837 *m, struct str rel, size_t pfrom, size_t pto)
{
	struct level *L = &m->lv[LV_B];
	struct buf *f2 = &L->frag2;

	buf_adds(f2, "\"patient\":{\"is_subscriber\":true,"
	    "\"relationship\":");
	if (str_plain(rel)) {
		/* what json_escape makes of it */
		buf_addc(f2, '"');
		buf_add(f2, rel.p, rel.n);
		buf_addc(f2, '"');
	} else {
		to_utf8(&m->conv, rel.p, rel.n);
		json_escape(f2, m->conv.s, m->conv.len);
	}
	if (pfrom < pto) {
		buf_addc(f2, ',');
		buf_add(f2, L->frag.s + pfrom, pto - pfrom);
	}
}

/* ...and PAT's members after the patient's (the subscriber's PAT). */
static __attribute__((noinline, cold)) void
pt_b_pat(struct x837 *m, size_t pat, unsigned npat)
{
	struct level *L = &m->lv[LV_B];
	struct rc p;

	/* rc_init without emptying frag2: PAT's members go after */
	p.m = m;
	p.lv = LV_B;
	p.st = &L->st;
	jw_init(&p.w, &L->frag2);
	p.kpos = 0;
	p.kfirst = 1;
	members_open(&p, 0);
	if (npat > 1)
		pat = one(&p, 0, L->st.n, L_2000B, 0, "PAT");
	pat_fields(&p, pat);
	mapped(&p, pat, BR(5, 9));
	members_close(&p);
}

/*
 * The subscriber level, written where it goes: SBR's members and the
 * person's into the subscriber object, the person's copied once more
 * into the patient's (frag2) when the subscriber is the patient, then
 * the payer.  Warnings come in the order they always did: the person's,
 * SBR's, PAT's, the payer's.
 */
static void
render_b(struct x837 *m)
{
	struct level *L = &m->lv[LV_B];
	const struct store *st = &L->st;
	struct buf *f2 = &L->frag2;
	unsigned long long w0 = m->stats.warnings;
	struct rc c;
	struct pkey pk;
	size_t n = L->st.n, sbr = NONE, pat = NONE, k, pfrom, pto;
	struct person ps = PERSON_NONE;
	struct str rel = nostr;
	unsigned nsbr = 0, npat = 0;
	int have_nm1, odd = 0, extra = 0, payer_nm1 = 0, keyed = 1;
	unsigned pplain = SS_PLAIN;	/* the person's segments all plain */

	rc_init(&c, m, LV_B, &L->frag);
	members_open(&c, 1);

	/*
	 * One pass over the level: SBR and PAT (one() only for the warnings
	 * of repeats), the person's segments as party() finds them (anything
	 * unusual: party() does it all), the payer's key and its NM1 (has()).
	 */
	pk_start(&pk, K_PAYER << 8 | L_2010BB);
	for (k = 0; k < n; k++) {
		const struct sseg *s = &st->seg[k];

		if (s->flags & SS_EXTRA) {
			extra = 1;
			continue;
		}
		switch (s->loop) {
		case L_2000B:
			if (s->pid == ID3('S', 'B', 'R') && nsbr++ == 0)
				sbr = k;
			else if (s->pid == ID3('P', 'A', 'T') && npat++ == 0)
				pat = k;
			continue;
		case L_2010BA:
			odd |= person_seg(&ps, s, k, &pplain);
			continue;
		case L_2010BB:
			if (s->pid == ID3('N', 'M', '1'))
				payer_nm1 = 1;
			if (keyed && !pk_add(&pk, st, k))
				keyed = 0;
			continue;
		default:
			continue;
		}
	}
	if (keyed) {
		pk_end(&pk, st);
		cache_near(m, &pk);
	}

	if (!odd && pplain && (sbr == NONE ||
	    (st->seg[sbr].flags & SS_PLAIN))) {
		/* the usual case: the subscriber object in one run */
		struct run r;
		char *o0;
		int first0;

		run_open(&c, &r, 1024 + st->text.len);
		r.plain = 1;
		o0 = r.o;
		first0 = r.first;
		if (!r.first)
			*r.o++ = ',';
		memcpy(r.o, "\"subscriber\":{", 14);
		r.o += 14;
		r.first = 1;
		if (sbr != NONE) {
			mtab(&r, st, sbr, mk_sbr, NMK(mk_sbr));
			rel = E(c.st, sbr, 2);
		}
		pfrom = (size_t)(r.o - L->frag.s);
		party_members(&c, &r, ps.nm1, NONE, ps.prv, ps.dmg, ps.n3,
		    ps.n4, K_MEMBER);
		pto = (size_t)(r.o - L->frag.s);
		/* opn and cls: an empty object is taken back with its key */
		if (r.first) {
			r.o = o0;
			r.first = first0;
		} else {
			*r.o++ = '}';
			r.first = 0;
		}
		run_close(&c, &r);
		have_nm1 = ps.nm1 != NONE;
	} else
		have_nm1 = pt_b_party(&c, sbr, &rel, &pfrom, &pto);
	if (nsbr > 1)
		one(&c, 0, n, L_2000B, 0, "SBR");
	if (sbr != NONE && !sbr_usual(st, sbr))
		pt_mapped(&c, sbr, BR(1, 5) | B(9));

	if (keyed)
		cache_soon(m, &pk);

	/* the patient when the subscriber is the patient */
	buf_reset(f2);
	/* the person's members (without the comma before them, if any) */
	if (pfrom < pto && L->frag.s[pfrom] == ',')
		pfrom++;
	/* no SBR02: the code for self, as it always was */
	if (rel.n == 0) {
		rel.p = "18";
		rel.n = 2;
	}
	if (rel.n > 8 || !str_plain(rel))
		pt_b_rel(m, rel, pfrom, pto);
	else {
		/* the usual case, a short plain code: all at once */
		static const char head[] = "\"patient\":{\"is_subscriber\":"
		    "true,\"relationship\":\"";
		size_t len = sizeof head - 1 + rel.n + 2 + (pto - pfrom);
		char *o;

		if (len + 2 > f2->cap)
			buf_grow(f2, len + 1);
		o = f2->s;
		memcpy(o, head, sizeof head - 1);
		o += sizeof head - 1;
		buf_copy(o, rel.p, rel.n);
		o += rel.n;
		*o++ = '"';
		if (pfrom < pto) {
			*o++ = ',';
			memcpy(o, L->frag.s + pfrom, pto - pfrom);
			o += pto - pfrom;
		}
		*o = '\0';
		f2->len = (size_t)(o - f2->s);
	}
	if (pat != NONE)
		pt_b_pat(m, pat, npat);
	buf_addc(f2, '}');

	if (!keyed)
		kparty(&c, "payer", 0, n, L_2010BB, 0, K_PAYER);
	else if (pk_any(&c, &pk))
		party_keyed(&c, "payer", 0, n, L_2010BB, 0, K_PAYER, &pk, 1);
	members_close(&c);

	if (!have_nm1)
		missing(m, LV_B, "no subscriber name (loop 2010BA, NM1*IL)");
	if (!payer_nm1)
		missing(m, LV_B, "no payer name (loop 2010BB, NM1*PR)");
	/*
	 * Nothing for extra_segments unless a segment came as extra or this
	 * rendering warned (what flags a segment warns).
	 */
	if (extra || m->stats.warnings != w0)
		render_extras(m, LV_B);
	else {
		buf_reset(&L->extra);
		L->nextra = 0;
	}
	L->rendered = 1;
}

/* (not inlined: once per patient level, and measured apart) */
static __attribute__((noinline)) void
render_c(struct x837 *m)
{
	struct level *L = &m->lv[LV_C];
	const struct store *st = &L->st;
	unsigned long long w0 = m->stats.warnings;
	struct rc c;
	size_t n = st->n, pat = NONE, k;
	struct person ps = PERSON_NONE;
	unsigned npat = 0;
	int odd = 0, extra = 0;

	/* one pass: PAT, and the person's segments as party() finds them */
	for (k = 0; k < n; k++) {
		const struct sseg *s = &st->seg[k];

		if (s->flags & SS_EXTRA) {
			extra = 1;
			continue;
		}
		if (s->loop == L_2000C) {
			if (s->pid == ID3('P', 'A', 'T') && npat++ == 0)
				pat = k;
			continue;
		}
		if (s->loop == L_2010CA)
			odd |= person_seg(&ps, s, k, NULL);
	}

	rc_init(&c, m, LV_C, &L->frag);
	members_open(&c, 1);
	if (npat > 1)
		one(&c, 0, n, L_2000C, 0, "PAT");
	if (!odd && plain_or_none(&c, ps.nm1) && plain_or_none(&c, ps.prv) &&
	    plain_or_none(&c, ps.dmg) && plain_or_none(&c, ps.n3) &&
	    plain_or_none(&c, ps.n4) && plain_or_none(&c, pat)) {
		/* the usual case: up to PAT's last members in one run */
		static const char head[] = "\"patient\":{"
		    "\"is_subscriber\":false";
		struct run r;

		run_open(&c, &r, 1024 + st->text.len);
		r.plain = 1;
		memcpy(r.o, head, sizeof head - 1);
		r.o += sizeof head - 1;
		r.first = 0;
		if (pat != NONE) {
			struct mseg g;

			mseg_at(&c, &g, pat);
			mx(&r, &g, 1, "relationship");
		}
		party_members(&c, &r, ps.nm1, NONE, ps.prv, ps.dmg, ps.n3,
		    ps.n4, K_MEMBER);
		run_close(&c, &r);
	} else {
		kput(&c, "patient");
		opn(&c, 0);
		fkbool(&c, "is_subscriber", 0);
		if (pat != NONE)
			ke(&c, "relationship", pat, 1);
		party(&c, 0, n, L_2010CA, 0, K_MEMBER);
		/* (the object stays open: the writer is one level down) */
	}
	if (pat != NONE) {
		pat_fields(&c, pat);
		mapped(&c, pat, B(1) | BR(5, 9));
	}
	buf_addc(&L->frag, '}');
	members_close(&c);
	if (ps.nm1 == NONE)
		missing(m, LV_C, "no patient name (loop 2010CA, NM1*QC)");
	/* as in render_b */
	if (extra || m->stats.warnings != w0)
		render_extras(m, LV_C);
	else {
		buf_reset(&L->extra);
		L->nextra = 0;
	}
	L->rendered = 1;
}

/* ---- rendering: the claim ---- */

/*
 * A diagnosis qualifier: 2 for a principal one (ABK, BK), 1 for another
 * (ABF, BF), else 0.  Byte by byte: HI has a dozen composites a claim.
 */
static ALWAYS_INLINE int
diag_kind(struct str qual)
{
	const char *p = qual.p;
	char last;

	if (qual.n == 3 && p[0] == 'A' && p[1] == 'B')
		last = p[2];
	else if (qual.n == 2 && p[0] == 'B')
		last = p[1];
	else
		return 0;
	return last == 'K' ? 2 : last == 'F';
}

/* Code list qualifiers of HI composites (837P and its neighbours). */
static int
is_hi_qual(struct str qual)
{
	static const char *const list[] = { "ABK", "ABF", "BK", "BF", "ABJ",
	    "ABN", "APR", "ABU", "BJ", "BN", "BP", "BO", "BG", "BQ", "BR",
	    "BE", "BH", "BI", "DR", "PR", "TC", "LOI", NULL };
	int i;

	for (i = 0; list[i]; i++)
		if (eqz(qual, list[i]))
			return 1;
	return 0;
}

/*
 * HI segments of the claim.  which 0: the diagnosis list (ABK/ABF and the
 * ICD-9 BK/BF), numbered as the line pointers count them; 1: every other
 * code list (anesthesia, condition codes...) as health_care_codes.
 *
 * A qualifier alone followed by an element that is a bare code
 * ("HI*BK*8901*...", the element separator written where the component
 * separator belongs) is read as one composite, with a warning.
 */
/*
 * A diagnosis object, all of it at once, for a segment with nothing to
 * escape: what opn, fkint, ksk, fkbool and cls write (code is not empty,
 * so the object never is).
 */
static ALWAYS_INLINE void
diag_obj(struct jw *w, unsigned seq, struct str qual, struct str code,
    int primary)
{
	char t[24], *p = udigits(t + sizeof t, seq);
	size_t nd = (size_t)(t + sizeof t - p);
	char *o = out_begin(w, nd + qual.n + code.n + 64);

	memcpy(o, "{\"sequence\":", 12);
	o += 12;
	buf_copy(o, p, nd);
	o += nd;
	if (qual.n) {
		memcpy(o, ",\"qualifier\":\"", 14);
		o += 14;
		buf_copy(o, qual.p, qual.n);
		o += qual.n;
		*o++ = '"';
	}
	memcpy(o, ",\"code\":\"", 9);
	o += 9;
	buf_copy(o, code.p, code.n);
	o += code.n;
	if (primary) {
		memcpy(o, "\",\"is_primary\":true}", 20);
		o += 20;
	} else {
		memcpy(o, "\",\"is_primary\":false}", 21);
		o += 21;
	}
	out_end(w, o);
}

#ifdef __SSE2__
/*
 * The usual diagnosis of a segment with nothing to escape, all at once:
 * element i of HI segment k is ABK, ABF, BK or BF, the component
 * separator, and a code of its own (no other separator, no blank at its
 * end), all within 16 bytes that can be read at once, and its sequence
 * number is under 100.  Then it writes what health_codes' general way
 * would (diag_obj) and returns 1; for anything else 0, with nothing done.
 * Fixed-size stores in order, each over the spare end of the one before,
 * into room made for all of them: {"sequence": and two digits (the
 * second taken back when there is one), the qualifier with the keys
 * around it from one literal, the code from the element's 16 bytes
 * shifted to it, the end from one of two literals.
 */
static ALWAYS_INLINE int
hi_diag_fast(struct rc *c, size_t k, unsigned i, unsigned *seq, int *open)
{
	/* ,"qualifier":"QQQ","code":"  by qualifier: ABK, ABF, BK, BF */
	static const char qlit[4][32] = {
	    ",\"qualifier\":\"ABK\",\"code\":\"",
	    ",\"qualifier\":\"ABF\",\"code\":\"",
	    ",\"qualifier\":\"BK\",\"code\":\"",
	    ",\"qualifier\":\"BF\",\"code\":\"" };
	static const char endlit[2][32] = {
	    "\",\"is_primary\":false}", "\",\"is_primary\":true}" };
	const struct store *st = c->st;
	const struct sseg *s = &st->seg[k];
	const uint32_t *eo = st->eo + s->eo;
	const char *p = st->text.s + s->off + eo[i];
	size_t n = eo[i + 1] - 1 - eo[i], j, ll;
	unsigned hit, t3, sq, two, q, qk, qf;
	uint32_t w4;
	int sel, prim, ok;
	char *o;
	__m128i x;

	if (n < 4 || n > 16 || p + 16 > st->text.s + st->text.len ||
	    p[n - 1] == ' ' || *seq >= 99)
		return 0;
	x = _mm_loadu_si128((const __m128i *)(const void *)p);
	hit = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x,
	    _mm_set1_epi8((char)c->m->isa.d.comp))) & ((1u << n) - 1);
	/* one separator, after two or three bytes, a code after it */
	if (hit != 4 && hit != 8)
		return 0;
	t3 = hit >> 3;
	j = 2 + t3;
	if (n <= j + 1)
		return 0;
	/* (the bytes before the separator, as little-endian numbers) */
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "hi_diag_fast reads the qualifier as a little-endian number"
#endif
	/*
	 * (t3, 1 for three bytes, picks by arithmetic rather than a branch:
	 * gcc lays one side of such a branch out of line, a code line of
	 * its own on the usual path)
	 */
	memcpy(&w4, p, 4);
	q = (unsigned)w4 & (0xffffu | 0xff0000u * t3);
#define Q3(a, b, c) ((unsigned)(a) | (unsigned)(b) << 8 | (unsigned)(c) << 16)
#define Q2(a, b) ((unsigned)(a) | (unsigned)(b) << 8)
	qk = Q2('B', 'K') + t3 * (Q3('A', 'B', 'K') - Q2('B', 'K'));
	qf = Q2('B', 'F') + t3 * (Q3('A', 'B', 'F') - Q2('B', 'F'));
#undef Q3
#undef Q2
	prim = q == qk;
	ok = prim | (q == qf);
	if (!ok)
		return 0;
	sel = (j == 2) * 2 + !prim;
	sq = ++*seq;
	if (!(*open)++) {
		kput(c, "diagnoses");
		opn(c, 1);
	}
	/*
	 * 12 + 2 + 32 (the literal's 26 or 27) + 16 (the code, up to 13)
	 * + 32 (the end's 20 or 21): 128 covers them.
	 */
	o = out_begin(&c->w, 128);
	memcpy(o, "{\"sequence\":", 12);
	two = sq >= 10;
	o[12] = (char)('0' + (two ? sq / 10 : sq));
	o[13] = (char)('0' + sq % 10);
	o += 13 + two;
	/*
	 * The element's 16 bytes first, stored so that its code starts
	 * right after the literal (its qualifier and separator where the
	 * literal ends), then the literal's ll bytes over those, in two
	 * stores that overlap: no shift of the element by 3 or 4 to choose.
	 */
	ll = 26 + t3;
	_mm_storeu_si128((__m128i *)(void *)(o + ll - j - 1), x);
	memcpy(o, qlit[sel], 16);
	memcpy(o + ll - 16, qlit[sel] + ll - 16, 16);
	o += ll + n - j - 1;
	memcpy(o, endlit[prim], 32);
	o += 21 - prim;
	out_end(&c->w, o);
	return 1;
}
#endif

/* cls(c, 1), called: one copy for the claim's lists. */
static __attribute__((noinline)) void
rec_cls_list(struct rc *c)
{
	cls(c, 1);
}

static void
health_codes(struct rc *c, int which)
{
	size_t k;
	unsigned seq = 0, i, nv;
	int open = 0;
#ifdef __SSE2__
	int fast;
#endif
	struct str v[12], w[2];

	FOREACH_ALL(c, k, L_2300) {
		if (!match(c, k, L_2300, 0, "HI"))
			continue;
#ifdef __SSE2__
		fast = which == 0 && (c->st->seg[k].flags & SS_PLAIN);
#endif
		/* elements past nel are empty: comps would find nothing */
		for (i = 1; i <= 12 && i <= c->st->seg[k].nel; i++) {
			int diag, dk;

#ifdef __SSE2__
			if (fast && hi_diag_fast(c, k, i, &seq, &open))
				continue;
#endif
			nv = comps(c, k, i, v, 12);
			if (nv == 0 || (v[0].n == 0 && (nv < 2 ||
			    v[1].n == 0)))
				continue;
			if (nv == 1 && i < 12 && is_hi_qual(v[0]) &&
			    comps(c, k, i + 1, w, 2) == 1 && w[0].n &&
			    !is_hi_qual(w[0])) {
				if (which == 0) {
					const struct sseg *s = &c->st->seg[k];

					flag_also(c, k);
					warnx_at(c->m, c->lv, "bad_element",
					    s->index, s->offset, s->id,
					    "HI%02u and HI%02u read as one "
					    "diagnosis (element separator "
					    "instead of component separator): "
					    "'%s'", i, i + 1, q(c->m, v[0]));
				}
				v[1] = w[0];
				nv = 2;
				i++;
			}
			dk = diag_kind(v[0]);
			diag = dk != 0;
			if (nv < 2 || v[1].n == 0) {
				/* no code: it still takes a pointer number */
				seq++;
				if (which == 0)
					bad(c, k, i, 0, "has no code",
					    E(c->st, k, i), 1);
				continue;
			}
			if (diag)
				seq++;
			else
				c->m->hi_other = 1;
			if (diag != (which == 0))
				continue;
			if (!open++) {
				/* (literal keys: their lengths are known) */
				if (which == 0)
					kput(c, "diagnoses");
				else
					kput(c, "health_care_codes");
				opn(c, 1);
			}
			if (which == 0 && (c->st->seg[k].flags & SS_PLAIN)) {
				diag_obj(&c->w, seq, v[0], v[1], dk == 2);
				comps_mapped(c, k, i, v, nv, 2,
				    nv < 12 ? nv : 12);
				continue;
			}
			opn(c, 0);
			if (which == 0)
				fkint(c, "sequence", seq);
			ksk(c, "qualifier", k, v[0]);
			ksk(c, "code", k, v[1]);
			if (which == 0)
				fkbool(c, "is_primary", dk == 2);
			cls(c, 0);
			if (which == 0)
				comps_mapped(c, k, i, v, nv, 2,
				    nv < 12 ? nv : 12);
		}
		if (which == 0)
			mapped(c, k, BR(1, 12));
	}
	if (open)
		rec_cls_list(c);
}

/*
 * The sign of memcmp(a, b, 10) of the ISO date in lo and hi (as d8_w has
 * it, a its bytes) with b, inline: the first eight bytes as one number
 * in memory order, then the last two.
 */
static ALWAYS_INLINE int
iso_cmp_w(uint64_t lo, uint16_t hi, const char *b)
{
	unsigned char h[2];
	uint64_t x = lo, y;

	memcpy(&y, b, 8);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	x = __builtin_bswap64(x);
	y = __builtin_bswap64(y);
#endif
	if (x != y)
		return x < y ? -1 : 1;
	memcpy(h, &hi, 2);
	if (h[0] != (unsigned char)b[8])
		return h[0] < (unsigned char)b[8] ? -1 : 1;
	if (h[1] != (unsigned char)b[9])
		return h[1] < (unsigned char)b[9] ? -1 : 1;
	return 0;
}

/* iso_cmp_w() of the ISO date at a. */
static ALWAYS_INLINE int
iso_cmp(const char *a, const char *b)
{
	uint64_t lo;
	uint16_t hi;

	memcpy(&lo, a, 8);
	memcpy(&hi, a + 8, 2);
	return iso_cmp_w(lo, hi, b);
}

/* (ISO dates: ten bytes each, compared as strcmp would) */
static ALWAYS_INLINE void
svc_date_span(struct x837 *m, const char *from, const char *to)
{
	if (m->svc_from[0] == '\0' || iso_cmp(from, m->svc_from) < 0)
		memcpy(m->svc_from, from, 11);
	if (m->svc_to[0] == '\0' || iso_cmp(to, m->svc_to) > 0)
		memcpy(m->svc_to, to, 11);
}

/* The date in lo and hi at d, as a C string. */
static ALWAYS_INLINE void
iso_put(char *d, uint64_t lo, uint16_t hi)
{
	memcpy(d, &lo, 8);
	memcpy(d + 8, &hi, 2);
	d[10] = '\0';
}

/* svc_date_span() of one day, from d8_w. */
static ALWAYS_INLINE void
svc_date_w(struct x837 *m, uint64_t lo, uint16_t hi)
{
	if (m->svc_from[0] == '\0' || iso_cmp_w(lo, hi, m->svc_from) < 0)
		iso_put(m->svc_from, lo, hi);
	if (m->svc_to[0] == '\0' || iso_cmp_w(lo, hi, m->svc_to) > 0)
		iso_put(m->svc_to, lo, hi);
}

static void
render_drug(struct rc *c, size_t from, size_t to)
{
	size_t lin = one(c, from, to, L_2410, 0, "LIN");
	size_t ctp = one(c, from, to, L_2410, 0, "CTP");
	struct str v[4];
	unsigned nv;

	if (lin == NONE && ctp == NONE && !has(c, from, to, L_2410, "REF"))
		return;
	kput(c, "drug");
	opn(c, 0);
	if (lin != NONE) {
		ke(c, "ndc_qualifier", lin, 2);
		ke(c, "ndc", lin, 3);
		mapped(c, lin, B(2) | B(3));
	}
	if (ctp != NONE) {
		knum(c, "quantity", ctp, 4);
		nv = comps(c, ctp, 5, v, 4);
		if (nv > 0)
			ks(c, "unit", v[0]);
		comps_mapped(c, ctp, 5, v, nv, 1, nv < 4 ? nv : 4);
		mapped(c, ctp, B(4) | B(5));
	}
	refs(c, from, to, L_2410, 0, drug_refs, "references");
	cls(c, 0);
}

static void
render_adjudications(struct rc *c, size_t from, size_t to)
{
	uint32_t in[64];
	size_t n = instances(c, from, to, L_2430, "SVD", in, 64), i;

	if (n == 0)
		return;
	kput(c, "adjudications");
	opn(c, 1);
	for (i = 0; i < n; i++) {
		size_t svd = one(c, from, to, L_2430, in[i], "SVD");

		opn(c, 0);
		ke(c, "payer_id", svd, 1);
		kmoney(c, "paid_amount", svd, 2);
		procedure(c, svd, 3);
		ke(c, "revenue_code", svd, 4);
		knum(c, "paid_units", svd, 5);
		kint_el(c, "bundled_line_number", svd, 6);
		mapped(c, svd, BR(1, 6));
		adjustments(c, from, to, L_2430, in[i]);
		dates(c, from, to, L_2430, in[i], adj_dates, 1, NONE);
		amounts(c, from, to, L_2430, in[i], adj_amts, NULL);
		cls(c, 0);
	}
	cls(c, 1);
}

static void
render_forms(struct rc *c, size_t from, size_t to)
{
	uint32_t in[64];
	size_t n = instances(c, from, to, L_2440, "LQ", in, 64), i, k;

	if (n == 0)
		return;
	kput(c, "forms");
	opn(c, 1);
	for (i = 0; i < n; i++) {
		size_t lq = one(c, from, to, L_2440, in[i], "LQ");
		int open = 0;

		opn(c, 0);
		ke(c, "form_qualifier", lq, 1);
		ke(c, "form_id", lq, 2);
		mapped(c, lq, BR(1, 2));
		FOREACH(c, k, from, to, L_2440) {
			if (!match(c, k, L_2440, in[i], "FRM"))
				continue;
			if (!open++) {
				kput(c, "answers");
				opn(c, 1);
			}
			opn(c, 0);
			ke(c, "question", k, 1);
			ke(c, "answer", k, 2);
			ke(c, "text", k, 3);
			kdate_v(c, "date", E(c->st, k, 4), k, 4);
			knum(c, "percent", k, 5);
			cls(c, 0);
			mapped(c, k, BR(1, 5));
		}
		if (open)
			cls(c, 1);
		cls(c, 0);
	}
	cls(c, 1);
}

/* Which kinds of segments a line or a claim has (skip the rest quickly). */
#define H_DTP	0x00001u
#define H_PWK	0x00002u
#define H_CR1	0x00004u
#define H_CR3	0x00008u
#define H_CRC	0x00010u
#define H_QTY	0x00020u
#define H_MEA	0x00040u
#define H_CN1	0x00080u
#define H_REF	0x00100u
#define H_AMT	0x00200u
#define H_K3	0x00400u
#define H_NTE	0x00800u
#define H_PS1	0x01000u
#define H_HCP	0x02000u
#define H_CR2	0x04000u
#define H_HI	0x08000u
#define H_2410	0x10000u
#define H_2420	0x20000u
#define H_2430	0x40000u
#define H_2440	0x80000u

/*
 * The bit of a segment of 2300 or of a service line by its id, 0 for the
 * others: a table rather than a switch (a tree of compares, code and
 * branches, for every such segment of every claim), each id in its own
 * slot of 32 at (pid * KIND_MUL) >> 27 (-Woverride-init tells when two
 * would share one).
 */
#define KIND_MUL		0xab99254bu
#define KIND_SLOT(pid)	((uint32_t)((pid) * KIND_MUL) >> 27)
#define KIND_B(pid, bit)	[KIND_SLOT(pid)] = { (pid), (bit) }

static const struct {
	uint32_t	 pid, bit;
} kind_bits[32] = {
	KIND_B(ID3('D', 'T', 'P'), H_DTP),
	KIND_B(ID3('P', 'W', 'K'), H_PWK),
	KIND_B(ID3('C', 'R', '1'), H_CR1),
	KIND_B(ID3('C', 'R', '2'), H_CR2),
	KIND_B(ID3('C', 'R', '3'), H_CR3),
	KIND_B(ID3('C', 'R', 'C'), H_CRC),
	KIND_B(ID3('Q', 'T', 'Y'), H_QTY),
	KIND_B(ID3('M', 'E', 'A'), H_MEA),
	KIND_B(ID3('C', 'N', '1'), H_CN1),
	KIND_B(ID3('R', 'E', 'F'), H_REF),
	KIND_B(ID3('A', 'M', 'T'), H_AMT),
	KIND_B(ID2('K', '3'), H_K3),
	KIND_B(ID3('N', 'T', 'E'), H_NTE),
	KIND_B(ID3('P', 'S', '1'), H_PS1),
	KIND_B(ID3('H', 'C', 'P'), H_HCP),
	KIND_B(ID2('H', 'I'), H_HI)
};

static ALWAYS_INLINE unsigned
kind_bit(uint32_t pid)
{
	unsigned i = KIND_SLOT(pid);

	return kind_bits[i].pid == pid ? kind_bits[i].bit : 0;
}

#undef KIND_B

/*
 * The bit of a segment in a service line's range by its loop, for the
 * loops other than 2400 (whose segments go by their ids): a load rather
 * than a switch (an indirect jump per segment).  0 stands for H_2420:
 * the loops not named here are the line's providers (2420A to H); 2300
 * counts for nothing (H_NOTHING, taken off after).
 */
#define H_NOTHING	0x80000000u

static const uint32_t line_loop_bit[L_COUNT] = {
	[L_2300] = H_NOTHING, [L_2410] = H_2410, [L_2430] = H_2430,
	[L_2440] = H_2440
};

/*
 * What a service line has, in one pass: the kinds of its segments (to
 * skip the rest quickly), its SV1 and how many, its first DTP*472 and how
 * many DTPs, its first REF and how many.
 */
struct lscan {
	unsigned	has, nsv1, ndtp, nref;
	size_t		sv1, d472, ref;
};

static ALWAYS_INLINE void
line_scan(const struct rc *c, size_t from, size_t to, struct lscan *ls)
{
	size_t k;

	ls->has = ls->nsv1 = ls->ndtp = ls->nref = 0;
	ls->sv1 = ls->d472 = ls->ref = NONE;
	for (k = from; k < to; k++) {
		const struct sseg *s = &c->st->seg[k];

		if (s->flags & SS_EXTRA)
			continue;
		if (s->loop != L_2400) {
			unsigned b = s->loop < L_COUNT ?
			    line_loop_bit[s->loop] : 0;

			ls->has |= b != 0 ? b : H_2420;
			continue;
		}
		/* (the usual ones first: each has more to note than its bit) */
		if (s->pid == ID3('S', 'V', '1')) {
			if (ls->nsv1++ == 0)
				ls->sv1 = k;
		} else if (s->pid == ID3('D', 'T', 'P')) {
			ls->has |= H_DTP;
			ls->ndtp++;
			if (ls->d472 == NONE && is(E(c->st, k, 1), "472"))
				ls->d472 = k;
		} else if (s->pid == ID3('R', 'E', 'F')) {
			ls->has |= H_REF;
			if (ls->nref++ == 0)
				ls->ref = k;
		} else if (s->pid != ID2('L', 'X'))
			ls->has |= kind_bit(s->pid);
	}
	ls->has &= ~H_NOTHING;
}

/*
 * mapped() out of line, for a service line's segments (LX, SV1, DTP*472
 * and REF): one copy of it on the line's path rather than four.
 */
static void __attribute__((noinline))
ln_mapped(struct rc *c, size_t k, uint32_t bits)
{
	mapped(c, k, bits);
}

/*
 * For line_ref1, line_refs' qualifiers (two bytes each, compared as
 * such), and its keys with what goes around them ("key":"), each padded
 * to 48 bytes to be copied as 48 at once.
 */
#define LN_REF_Q(q, key)	q,
#define LN_REF_PRE(q, key)	"\"" key "\":\"",
static const char ln_ref_q[][3] = { LINE_REFS(LN_REF_Q) };
static const char ln_ref_pre[][48] = { LINE_REFS(LN_REF_PRE) };

/*
 * The usual REFs of a service line: one, of a named qualifier, with a
 * value, in a segment with nothing to escape.  Written as refs() would
 * (the named member, no "references"), without its walks of the line and
 * the key's strlen and memcpy calls; 0 when it is not that case.
 */
static int
line_ref1(struct rc *c, size_t k)
{
	struct str rq, v;
	size_t i;
	char *o;

	if (!(c->st->seg[k].flags & SS_PLAIN))
		return 0;
	v = E(c->st, k, 2);
	if (v.n == 0)
		return 0;
	rq = E(c->st, k, 1);
	if (rq.n != 2)
		return 0;
	for (i = 0; i < sizeof ln_ref_q / sizeof ln_ref_q[0]; i++)
		if (memcmp(rq.p, ln_ref_q[i], 2) == 0)
			break;
	if (i == sizeof ln_ref_q / sizeof ln_ref_q[0])
		return 0;
	/*
	 * fkv() with the key's bytes known; the value as 32 bytes if it may
	 * be (REF02 is up to 50, a control number often past 16)
	 */
	o = out_begin(&c->w, sizeof ln_ref_pre[0] + v.n + 32);
	memcpy(o, ln_ref_pre[i], sizeof ln_ref_pre[0]);
	o += line_ref_kl[i] + 4;
	if (v.n <= 32 && (size_t)(v.p - c->st->text.s) + 32 <= c->st->text.len)
		memcpy(o, v.p, 32);
	else
		memcpy(o, v.p, v.n);
	o += v.n;
	*o++ = '"';
	out_end(&c->w, o);
	ln_mapped(c, k, BR(1, 2));
	return 1;
}

/*
 * SV107 in a run, the usual way: one to four pointers of one digit each,
 * separated by ISA16 (not a digit), read as eight bytes at once (wide:
 * within the store's text).  Written as the general way in sv1_run would
 * ("[1,2,3]": the text with ',' for the separators); 0 for anything else,
 * which goes that way.
 */
static ALWAYS_INLINE int
sv1_ptrs(struct run *r, struct str e, int sep)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	const uint64_t even = 0x00ff00ff00ff00ffULL, lanes = 0x0001000100010001ULL;
	uint64_t x, y, lim;
	char *o;

	if (!r->wide || (e.n & 1) == 0 || e.n > 7 ||
	    (unsigned)(sep - '0') <= 9)
		return 0;
	memcpy(&x, e.p, 8);
	lim = (1ULL << (8 * e.n)) - 1;
	/* digits to 0 to 9 in the even bytes, separators to 0 in the odd */
	y = (x ^ ((uint64_t)('0' | (unsigned)sep << 8) * lanes)) & lim;
	if ((y & ~even) != 0 ||
	    (((y & even) + 0x76 * lanes) & (0x180 * lanes)) != 0)
		return 0;
	o = rkey(r, "diagnosis_pointers");
	*o++ = '[';
	x = (x & even) | (',' * lanes << 8 & ~even);
	memcpy(o, &x, 8);
	o += e.n;
	*o++ = ']';
	r->o = o;
	return 1;
#else
	(void)r;
	(void)e;
	(void)sep;
	return 0;
#endif
}

/*
 * SV107's component i (from 0) as a diagnosis pointer into *p; -1 when
 * it is empty or not a number (int_of has warned).
 */
static int
sv1_ptr(struct rc *c, size_t sv1, unsigned i, struct str v, long *p)
{
	if (v.n == 0)
		return -1;
	/* a single digit, the usual pointer, without int_of */
	if (v.n == 1 && v.p[0] >= '0' && v.p[0] <= '9') {
		*p = v.p[0] - '0';
		return 0;
	}
	return int_of(c, v, sv1, 7, i + 1, p);
}

/* SV107 in a run, the general way. */
static void
sv1_ptrs_gen(struct rc *c, struct run *r, size_t sv1, struct str e)
{
	struct str v[12];
	unsigned nv, i, np;
	char *o;

	nv = comps_e(c, sv1, 7, e, v, 12);
	for (i = 0, np = 0; i < nv && i < 4; i++) {
		char t[24], *p;
		long pt;

		if (sv1_ptr(c, sv1, i, v[i], &pt) != 0)
			continue;
		if (np++ == 0) {
			o = rkey(r, "diagnosis_pointers");
			*o++ = '[';
		} else {
			o = r->o;
			*o++ = ',';
		}
		if (pt < 10) {
			*o++ = (char)('0' + pt);
			r->o = o;
			continue;
		}
		p = udigits(t + sizeof t, (unsigned long long)pt);
		buf_copy(o, p, (size_t)(t + sizeof t - p));
		r->o = o + (t + sizeof t - p);
	}
	if (np)
		*r->o++ = ']';
	comps_mapped(c, sv1, 7, v, nv, 4, nv < 12 ? nv : 12);
}

#ifdef __SSE2__
/*
 * What goes before SV101's components in sv1_proc: the qualifier's, the
 * code's, the first modifier's (the others have ",\"").  Each with its
 * comma, copied as 32 bytes at once (from the comma, or past it first in
 * an object): one copy for them all rather than one per key.
 */
static const char ln_proc_pre[3][40] = {
	",\"procedure_qualifier\":\"",
	",\"procedure_code\":\"",
	",\"modifiers\":[\""
};
static const unsigned char ln_proc_prel[3] = { 24, 19, 15 };
#endif

/*
 * SV101 in a run, the usual way: up to 16 bytes (wide), no blanks, ISA16
 * in it, six components at most (qualifier, code, up to four modifiers,
 * no description).  Its separators found at once as bits, the members
 * written as comps_e and procedure_run would, without the components
 * stored and read back; 0 for anything else (the general way).
 */
static ALWAYS_INLINE int
sv1_proc(struct run *r, struct str e, int sep)
{
#ifdef __SSE2__
	__m128i x;
	unsigned lim, hit, h0, start, end, i, nm, first;
	char *o;

	if (!r->wide || e.n == 0 || e.n > 16)
		return 0;
	x = _mm_loadu_si128((const __m128i *)(const void *)e.p);
	lim = (1u << e.n) - 1;
	hit = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x,
	    _mm_set1_epi8((char)sep))) & lim;
	/* (five separators at most: none left once five are taken off) */
	h0 = hit & (hit - 1);
	h0 &= h0 - 1;
	h0 &= h0 - 1;
	h0 &= h0 - 1;
	if (hit == 0 || (h0 & (h0 - 1)) != 0 ||
	    ((unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x,
	    _mm_set1_epi8(' '))) & lim) != 0)
		return 0;
	/*
	 * The components in turn, the empty ones left out: the qualifier,
	 * the code, then the modifiers (in an array).
	 */
	o = r->o;
	first = r->first != 0;
	for (i = 0, nm = 0, start = 0;; i++, start = end + 1) {
		end = hit ? (unsigned)__builtin_ctz(hit) : (unsigned)e.n;
		if (end > start) {
			if (i >= 2 && nm++ != 0) {
				*o++ = ',';
				*o++ = '"';
			} else {
				unsigned t = i < 2 ? i : 2;

				memcpy(o, ln_proc_pre[t] + first, 32);
				o += ln_proc_prel[t] - first;
				first = 0;
			}
			memcpy(o, e.p + start, 16);
			o += end - start;
			*o++ = '"';
		}
		if (hit == 0)
			break;
		hit &= hit - 1;
	}
	if (nm)
		*o++ = ']';
	r->o = o;
	r->first = (int)first;
	return 1;
#else
	(void)r;
	(void)e;
	(void)sep;
	return 0;
#endif
}

/*
 * els(st, k, e, 7) for an SV1, straight: with seven elements or more (nearly
 * every SV1) a loop of a count known, which stays a loop (SV106 is taken
 * with the others: one trim_el in place of six).
 */
static ALWAYS_INLINE void
sv1_els(const struct store *st, size_t k, struct str *e)
{
	const struct sseg *s = &st->seg[k];
	const uint32_t *eo = st->eo + s->eo;
	const char *t = st->text.s + s->off;
	unsigned i;

	if (s->nel < 7) {
		els(st, k, e, 7);
		return;
	}
	for (i = 1; i <= 7; i++)
		e[i] = trim_el(t + eo[i], eo[i + 1] - 1 - eo[i]);
}

/* (out of render_line: the fast way first, apart from the general ways) */
static void sv1_run(struct rc *, size_t) __attribute__((noinline));
static int ln_sv1_fast(struct rc *, size_t) __attribute__((noinline));

/* SV109 to SV115's members in a run (few SV1s have them: out of line). */
static void __attribute__((noinline))
ln_sv1_flags(struct rc *c, struct run *r, size_t sv1)
{
	rke(c, r, "emergency", sv1, E(c->st, sv1, 9));
	rke(c, r, "epsdt", sv1, E(c->st, sv1, 11));
	rke(c, r, "family_planning", sv1, E(c->st, sv1, 12));
	rke(c, r, "copay_exempt", sv1, E(c->st, sv1, 15));
}

#ifdef __SSE2__
/*
 * A run given up before its close: the buffer's end as it was (the run
 * wrote past it).  0, for ln_sv1_fast's callers.
 */
static COLD int
ln_undo(struct rc *c)
{
	struct buf *b = c->w.b;

	b->s[b->len] = '\0';
	return 0;
}
#endif

/*
 * The SV1 members of a service line, for an SV1 with nothing to escape:
 * its elements taken out once and its members written in one run, with
 * the warnings of the general way (in render_line) in the same order.
 */
static void
sv1_run(struct rc *c, size_t sv1)
{
	struct str e[8], v[12];
	struct run r;
	unsigned nv, i;

	/* (SV1 has seven elements mostly: the rest is looked up if there) */
	sv1_els(c->st, sv1, e);
	if (e[1].n == 0 || e[2].n == 0 || e[3].n == 0 || e[4].n == 0)
		for (i = 1; i <= 4; i++)
			if (e[i].n == 0)
				required_warn(c, sv1, i);
	run_seg(c, &r, sv1);
	if (!sv1_proc(&r, e[1], c->m->isa.d.comp)) {
		nv = comps_e(c, sv1, 1, e[1], v, 12);
		procedure_run(c, &r, sv1, 1, v, nv);
	}
	rkmoney(c, &r, "charge", sv1, 2, e[2]);
	rke(c, &r, "unit_basis", sv1, e[3]);
	rknum(c, &r, "units", sv1, 4, e[4]);
	rke(c, &r, "place_of_service", sv1, e[5]);
	if (e[7].n && !sv1_ptrs(&r, e[7], c->m->isa.d.comp))
		sv1_ptrs_gen(c, &r, sv1, e[7]);
	if (c->st->seg[sv1].nel >= 9)
		ln_sv1_flags(c, &r, sv1);
	run_close(c, &r);
	mapped(c, sv1, BR(1, 5) | B(7) | B(9) | B(11) | B(12) | B(15));
}

/*
 * sv1_run's usual case with its hot code alone (in sv1_run it lies among
 * the general ways of every member): SV101 to SV104 there, SV101 as
 * sv1_proc takes it, the amount and the units written as they are (16
 * bytes or less, copied as 16: wide), SV107 empty or as sv1_ptrs takes
 * it.  What it writes is committed only once all that is known, and
 * nothing is warned about before: 0 (nothing done) sends the SV1 to
 * sv1_run.
 */
static int
ln_sv1_fast(struct rc *c, size_t sv1)
{
#ifdef __SSE2__
	struct str e[8];
	struct run r;
	int tail, sep = c->m->isa.d.comp;
	char *o;

	sv1_els(c->st, sv1, e);
	if (e[1].n == 0 || e[2].n == 0 || e[3].n == 0 || e[4].n == 0 ||
	    e[2].n > 16 || e[4].n > 16)
		return 0;
	run_seg(c, &r, sv1);
	r.plain = 1;	/* (the caller's test: rke has no other way) */
	if (!r.wide || !sv1_proc(&r, e[1], sep) ||
	    (tail = money_tail_w(e[2], 1)) < 0 || !num_as_is_w(e[4], 1))
		return ln_undo(c);
	o = rkey(&r, "charge");
	memcpy(o, e[2].p, 16);
	r.o = money_tail_at(o + e[2].n, tail);
	rke(c, &r, "unit_basis", sv1, e[3]);
	o = rkey(&r, "units");
	memcpy(o, e[4].p, 16);
	r.o = o + e[4].n;
	rke(c, &r, "place_of_service", sv1, e[5]);
	if (e[7].n && !sv1_ptrs(&r, e[7], sep))
		return ln_undo(c);
	if (c->st->seg[sv1].nel >= 9)
		ln_sv1_flags(c, &r, sv1);
	run_close(c, &r);
	ln_mapped(c, sv1, BR(1, 5) | B(7) | B(9) | B(11) | B(12) | B(15));
	return 1;
#else
	/* (sv1_proc has no way but SSE2's: all go to sv1_run) */
	(void)c;
	(void)sv1;
	return 0;
#endif
}

/* (out of render_line: few lines need them) */
static void sv1_gen(struct rc *, size_t) __attribute__((noinline));
static void line_more(struct rc *, size_t, size_t, unsigned)
    __attribute__((noinline));
static void line_more2(struct rc *, size_t, size_t, unsigned)
    __attribute__((noinline));

/* The SV1 members of a service line, the general way (sv1_run's). */
static void
sv1_gen(struct rc *c, size_t sv1)
{
	struct str v[12];
	unsigned nv, i;
	int open;

	required(c, sv1, 1);
	required(c, sv1, 2);
	required(c, sv1, 3);
	required(c, sv1, 4);
	procedure(c, sv1, 1);
	kmoney(c, "charge", sv1, 2);
	ke(c, "unit_basis", sv1, 3);
	knum(c, "units", sv1, 4);
	ke(c, "place_of_service", sv1, 5);
	nv = comps(c, sv1, 7, v, 12);
	for (i = 0, open = 0; i < nv && i < 4; i++) {
		long p;

		if (sv1_ptr(c, sv1, i, v[i], &p) != 0)
			continue;
		if (!open++) {
			kput(c, "diagnosis_pointers");
			opn(c, 1);
		}
		jint(&c->w, p);
	}
	if (open)
		cls(c, 1);
	comps_mapped(c, sv1, 7, v, nv, 4, nv < 12 ? nv : 12);
	ke(c, "emergency", sv1, 9);
	ke(c, "epsdt", sv1, 11);
	ke(c, "family_planning", sv1, 12);
	ke(c, "copay_exempt", sv1, 15);
	mapped(c, sv1, BR(1, 5) | B(7) | B(9) | B(11) | B(12) | B(15));
}

/*
 * The members of a service line from its less usual segments, out of
 * render_line (most lines have none of them: one test for them all).
 */
static void
line_more(struct rc *c, size_t from, size_t to, unsigned has)
{
	size_t k;
	int open;

	if (has & H_PWK)
		attachments(c, from, to, L_2400);
	if (has & H_CR1)
		ambulance(c, from, to, L_2400);
	if ((has & H_CR3) && (k = one(c, from, to, L_2400, 0, "CR3")) !=
	    NONE) {
		kput(c, "dme_certification");
		opn(c, 0);
		ke(c, "type", k, 1);
		ke(c, "unit", k, 2);
		knum(c, "duration", k, 3);
		cls(c, 0);
		mapped(c, k, BR(1, 3));
	}
	if (has & H_CRC)
		conditions(c, from, to, L_2400);
	for (k = from, open = 0; (has & H_QTY) && k < to; k++) {
		struct str qq;

		if (!match(c, k, L_2400, 0, "QTY"))
			continue;
		qq = E(c->st, k, 1);
		if (is(qq, "PT"))
			knum(c, "ambulance_patient_count", k, 2);
		else if (is(qq, "FL"))
			knum(c, "obstetric_additional_units", k, 2);
		else
			open++;
		mapped(c, k, BR(1, 2));
	}
	if (open) {
		kput(c, "other_quantities");
		opn(c, 1);
		FOREACH(c, k, from, to, L_2400) {
			struct str qq;

			if (!match(c, k, L_2400, 0, "QTY"))
				continue;
			qq = E(c->st, k, 1);
			if (is(qq, "PT") || is(qq, "FL"))
				continue;
			opn(c, 0);
			ks(c, "qualifier", qq);
			knum(c, "quantity", k, 2);
			cls(c, 0);
		}
		cls(c, 1);
	}
	for (k = from, open = 0; (has & H_MEA) && k < to; k++) {
		if (!match(c, k, L_2400, 0, "MEA"))
			continue;
		if (!open++) {
			kput(c, "tests");
			opn(c, 1);
		}
		opn(c, 0);
		ke(c, "reference", k, 1);
		ke(c, "qualifier", k, 2);
		knum(c, "value", k, 3);
		cls(c, 0);
		mapped(c, k, BR(1, 3));
	}
	if (open)
		cls(c, 1);
	if (has & H_CN1)
		contract(c, from, to, L_2400);
}

/* The same for those after the REFs, and the line's loops. */
static void
line_more2(struct rc *c, size_t from, size_t to, unsigned has)
{
	size_t k;

	if (has & H_AMT)
		amounts(c, from, to, L_2400, 0, line_amts, "amounts");
	if (has & H_K3)
		file_info(c, from, to, L_2400);
	if (has & H_NTE)
		notes(c, from, to, L_2400);
	if ((has & H_PS1) && (k = one(c, from, to, L_2400, 0, "PS1")) !=
	    NONE) {
		kput(c, "purchased_service");
		opn(c, 0);
		ke(c, "provider_id", k, 1);
		kmoney(c, "charge", k, 2);
		cls(c, 0);
		mapped(c, k, BR(1, 2));
	}
	if (has & H_HCP)
		repricing(c, from, to, L_2400, 1);
	if (has & H_2410)
		render_drug(c, from, to);
	if (has & H_2420)
		providers(c, from, to, line_prov);
	if (has & H_2430)
		render_adjudications(c, from, to);
	if (has & H_2440)
		render_forms(c, from, to);
}

static void
render_line(struct rc *c, size_t from, size_t to)
{
	struct x837 *m = c->m;
	size_t lx = from, sv1, k, dtp = NONE;
	struct lscan ls;
	unsigned has;

	line_scan(c, from, to, &ls);
	has = ls.has;
	opn(c, 0);
	kint_el(c, "line_number", lx, 1);
	ln_mapped(c, lx, B(1));
	/* one() only for the warnings about repeats, in their place */
	sv1 = ls.nsv1 > 1 ? one(c, from, to, L_2400, 0, "SV1") : ls.sv1;
	if (sv1 != NONE && (c->st->seg[sv1].flags & SS_PLAIN)) {
		if (!ln_sv1_fast(c, sv1))
			sv1_run(c, sv1);
	}
	else if (sv1 != NONE)
		sv1_gen(c, sv1);
	else {
		const struct sseg *s = &c->st->seg[lx];

		warnx_at(m, c->lv, "missing_segment", s->index, s->offset,
		    s->id, "service line has no SV1: LX '%s'",
		    q(m, E(c->st, lx, 1)));
	}
	/* service date: the first DTP*472 */
	if ((k = ls.d472) != NONE) {
		struct str f = E(c->st, k, 2), d = E(c->st, k, 3);
		char a[11], b[11];
		uint64_t lo;
		uint16_t hi;

		if (is(f, "D8") && d8_w(d, &lo, &hi) == 0) {
			char *o = out_begin(&c->w, 64);

			/* fkv twice, at once */
			o = PUTL(o, "\"service_date\":\"");
			memcpy(o, &lo, 8);
			memcpy(o + 8, &hi, 2);
			o = PUTL(o + 10, "\",\"service_date_end\":\"");
			memcpy(o, &lo, 8);
			memcpy(o + 8, &hi, 2);
			*(o += 10) = '"';
			out_end(&c->w, o + 1);
			svc_date_w(m, lo, hi);
			dtp = k;
			ln_mapped(c, k, BR(1, 3));
		} else if (is(f, "RD8") && rd8(d, a, b) == 0) {
			fkv(&c->w, "service_date", a, 10);
			fkv(&c->w, "service_date_end", b, 10);
			svc_date_span(m, a, b);
			dtp = k;
			ln_mapped(c, k, BR(1, 3));
		}
	}
	if (dtp == NONE) {
		const struct sseg *s = &c->st->seg[lx];

		warnx_at(m, c->lv, "missing_segment", s->index, s->offset,
		    s->id, "service line has no service date (DTP*472 in D8 "
		    "or RD8): LX '%s'", q(m, E(c->st, lx, 1)));
	}
	/* (not when the service date is the line's only DTP) */
	if ((has & H_DTP) && (ls.ndtp > 1 || dtp == NONE))
		dates(c, from, to, L_2400, 0, line_dates, 0, dtp);
	if (has & (H_PWK | H_CR1 | H_CR3 | H_CRC | H_QTY | H_MEA | H_CN1))
		line_more(c, from, to, has);
	if ((has & H_REF) && (ls.nref > 1 || !line_ref1(c, ls.ref)))
		refs(c, from, to, L_2400, 0, line_refs, "references");
	if (has & (H_AMT | H_K3 | H_NTE | H_PS1 | H_HCP | H_2410 | H_2420 |
	    H_2430 | H_2440))
		line_more2(c, from, to, has);
	cls(c, 0);
}

static void
render_cob(struct rc *c, size_t from, size_t to)
{
	size_t sbr = from, k;

	opn(c, 0);
	ke(c, "payer_responsibility", sbr, 1);
	ke(c, "relationship", sbr, 2);
	ke(c, "group_number", sbr, 3);
	ke(c, "group_name", sbr, 4);
	ke(c, "insurance_type", sbr, 5);
	ke(c, "claim_filing_indicator", sbr, 9);
	mapped(c, sbr, BR(1, 5) | B(9));
	adjustments(c, from, to, L_2320, 0);
	amounts(c, from, to, L_2320, 0, cob_amts, NULL);
	if ((k = one(c, from, to, L_2320, 0, "OI")) != NONE) {
		ke(c, "benefits_assignment", k, 3);
		ke(c, "patient_signature_source", k, 4);
		ke(c, "release_of_information", k, 6);
		mapped(c, k, B(3) | B(4) | B(6));
	}
	if ((k = one(c, from, to, L_2320, 0, "MOA")) != NONE) {
		unsigned i;

		kput(c, "outpatient_adjudication");
		opn(c, 0);
		knum(c, "reimbursement_rate", k, 1);
		kmoney(c, "hcpcs_payable", k, 2);
		for (i = 3; i <= 7 && E(c->st, k, i).n == 0; i++)
			;
		if (i <= 7) {
			kput(c, "remark_codes");
			opn(c, 1);
			for (i = 3; i <= 7; i++)
				if (E(c->st, k, i).n)
					jstr(c, E(c->st, k, i));
			cls(c, 1);
		}
		kmoney(c, "esrd_payment", k, 8);
		kmoney(c, "non_payable_professional", k, 9);
		cls(c, 0);
		mapped(c, k, BR(1, 9));
	}
	dates(c, from, to, L_2330B, 0, cob_dates, 1, NONE);
	kparty(c, "subscriber", from, to, L_2330A, 0, K_MEMBER);
	kparty(c, "payer", from, to, L_2330B, 0, K_PAYER);
	providers(c, from, to, cob_prov);
	cls(c, 0);
}

/*
 * The members from CLM (and the service dates): the general way (for a
 * CLM with anything to escape, rare: out of line).
 */
static __attribute__((noinline)) void
clm_members(struct rc *c, size_t clm)
{
	struct x837 *m = c->m;
	struct str v[8];
	unsigned nv, i, nc;

	required(c, clm, 1);
	required(c, clm, 2);
	required(c, clm, 5);
	ke(c, "patient_account_number", clm, 1);
	kmoney(c, "total_charge", clm, 2);
	nv = comps(c, clm, 5, v, 8);
	if (nv > 0)
		ksk(c, "place_of_service", clm, v[0]);
	if (nv > 1)
		ksk(c, "facility_code_qualifier", clm, v[1]);
	if (nv > 2)
		ksk(c, "frequency_code", clm, v[2]);
	comps_mapped(c, clm, 5, v, nv, 3, nv < 8 ? nv : 8);
	ke(c, "provider_signature", clm, 6);
	ke(c, "assignment", clm, 7);
	ke(c, "benefits_assignment", clm, 8);
	ke(c, "release_of_information", clm, 9);
	ke(c, "patient_signature_source", clm, 10);
	nv = comps(c, clm, 11, v, 8);
	for (i = 0, nc = 0; i < 3 && i < nv; i++)
		if (v[i].n && nc++ == 0) {
			kput(c, "related_causes");
			opn(c, 1);
		}
	for (i = 0; nc && i < 3 && i < nv; i++)
		if (v[i].n)
			jstrk(c, clm, v[i]);
	if (nc)
		cls(c, 1);
	if (nv > 3)
		ksk(c, "auto_accident_state", clm, v[3]);
	if (nv > 4)
		ksk(c, "auto_accident_country", clm, v[4]);
	comps_mapped(c, clm, 11, v, nv, 5, nv < 8 ? nv : 8);
	ke(c, "special_program", clm, 12);
	ke(c, "delay_reason", clm, 20);
	mapped(c, clm, BR(1, 2) | BR(5, 12) | B(20));
	if (m->svc_from[0]) {
		/* (ISO dates: ten bytes) */
		fkv(&c->w, "service_date_from", m->svc_from, 10);
		fkv(&c->w, "service_date_to", m->svc_to, 10);
	}
}

/*
 * Members of a run by table t, in its order: each of v[t[i].el] that is
 * not empty under its key, as rke writes it (the run has nothing to
 * escape and room for the keys, 30 bytes each, and the values; when wide,
 * 16 bytes from each value of up to 16 are readable).  One loop out of
 * line rather than an inline rke for each member: CLM's run was 4 KB of
 * code on every claim.
 */
static __attribute__((noinline)) void
cl_mstr(struct run *r, const struct mk *t, unsigned nt, const struct str *v,
    int wide)
{
	const struct mk *end = t + nt;
	char *o = r->o;
	int first = r->first;
	size_t lim = wide ? 16 : 0;

	/* (no calls: nothing to keep across them) */
	for (; t < end; t++) {
		const char *p = v[t->el].p;
		size_t n = v[t->el].n, j;

		if (n == 0)
			continue;
		/* the comma, taken back by the key for the first member */
		*o = ',';
		o += !first;
		first = 0;
		memcpy(o, t->text, sizeof t->text);
		o += t->len;
		if (n <= lim)
			memcpy(o, p, 16);
		else if (n <= 16)
			buf_copy(o, p, n);
		else {
			/* 16-byte copies, the last one ending with the value */
			for (j = 0; j + 16 < n; j += 16)
				memcpy(o + j, p + j, 16);
			memcpy(o + n - 16, p + n - 16, 16);
		}
		o += n;
		*o++ = '"';
	}
	r->o = o;
	r->first = first;
}

/*
 * clm_run's values, by index: CLM01 to CLM11 as they are (CLM_E), then
 * CLM05's and CLM11's components, CLM12, CLM20, the service dates.
 */
enum {
	CLM_E = 0, CLM_V5 = 12, CLM_V11 = 20, CLM_12 = 28, CLM_20, CLM_FROM,
	CLM_TO, CLM_NX
};

/*
 * CLM01, and CLM02 (an amount: no quotes, its closing one taken back for
 * the rest of ".00" it needs) when money_tail_w can write it.
 */
static const struct mk cl_clm_head[] = {
	MK(1, "patient_account_number"),
	{ "\"total_charge\":", sizeof("\"total_charge\":") - 1, 2 }
};

static const struct mk cl_clm_mid[] = {
	MK(CLM_V5, "place_of_service"),
	MK(CLM_V5 + 1, "facility_code_qualifier"),
	MK(CLM_V5 + 2, "frequency_code"), MK(6, "provider_signature"),
	MK(7, "assignment"), MK(8, "benefits_assignment"),
	MK(9, "release_of_information"), MK(10, "patient_signature_source")
};

static const struct mk cl_clm_tail[] = {
	MK(CLM_V11 + 3, "auto_accident_state"),
	MK(CLM_V11 + 4, "auto_accident_country"),
	MK(CLM_12, "special_program"), MK(CLM_20, "delay_reason"),
	MK(CLM_FROM, "service_date_from"), MK(CLM_TO, "service_date_to")
};

/*
 * The same for a CLM with nothing to escape: its elements taken out once,
 * its members written in one run, the same warnings in the same order
 * (CLM05's and CLM11's components are split before any of them is
 * written; no warning comes from writing them).
 */
static void
clm_run(struct rc *c, size_t clm)
{
	struct x837 *m = c->m;
	struct str x[CLM_NX], *e = x + CLM_E, *v5 = x + CLM_V5,
	    *v11 = x + CLM_V11;
	struct run r;
	unsigned nv, i, nc;
	int tail;
	char *o, dt[32];

	/* (CLM12 and CLM20 are rare: looked up when CLM has them) */
	els(c->st, clm, e, 11);
	if (e[1].n == 0)
		required_warn(c, clm, 1);
	if (e[2].n == 0)
		required_warn(c, clm, 2);
	if (e[5].n == 0)
		required_warn(c, clm, 5);
	/* (the keys of all the members with their punctuation: some 420) */
	r.plain = 1;
	r.wide = (size_t)c->st->seg[clm].off + c->st->seg[clm].len + 16 <=
	    c->st->text.len;
	run_open(c, &r, c->st->seg[clm].len + 2 * RUN_KEYS + 16);
	/* (rkmoney's way: the usual amounts written as they are) */
	tail = e[2].n ? money_tail_w(e[2], r.wide) : 0;
	cl_mstr(&r, cl_clm_head, tail >= 0 ? 2 : 1, x, r.wide);
	if (tail < 0) {
		run_close(c, &r);
		kmoney_v(c, "total_charge", e[2], clm, 2, 0);
		run_open(c, &r, r.room);
	} else if (e[2].n)
		r.o = money_tail_at(r.o - 1, tail);
	/* (components past those there: empty) */
	v5[0] = v5[1] = v5[2] = nostr;
	nv = comps_e(c, clm, 5, e[5], v5, 8);
	comps_mapped(c, clm, 5, v5, nv, 3, nv < 8 ? nv : 8);
	v11[3] = v11[4] = nostr;
	nv = comps_e(c, clm, 11, e[11], v11, 8);
	comps_mapped(c, clm, 11, v11, nv, 5, nv < 8 ? nv : 8);
	cl_mstr(&r, cl_clm_mid, NMK(cl_clm_mid), x, r.wide);
	for (i = 0, nc = 0; i < 3 && i < nv; i++) {
		if (v11[i].n == 0)
			continue;
		if (nc++ == 0) {
			o = rkey(&r, "related_causes");
			*o++ = '[';
		} else {
			o = r.o;
			*o++ = ',';
		}
		r.o = str_at(o, v11[i].p, v11[i].n);
	}
	if (nc)
		*r.o++ = ']';
	if (c->st->seg[clm].nel >= 12) {
		x[CLM_12] = E(c->st, clm, 12);
		x[CLM_20] = E(c->st, clm, 20);
	} else
		x[CLM_12] = x[CLM_20] = nostr;
	if (m->svc_from[0]) {
		/* (ISO dates, ten bytes: here 16 of each are readable) */
		memcpy(dt, m->svc_from, 10);
		memcpy(dt + 16, m->svc_to, 10);
		x[CLM_FROM].p = dt;
		x[CLM_TO].p = dt + 16;
		x[CLM_FROM].n = x[CLM_TO].n = 10;
	} else
		x[CLM_FROM] = x[CLM_TO] = nostr;
	cl_mstr(&r, cl_clm_tail, NMK(cl_clm_tail), x, r.wide);
	run_close(c, &r);
	mapped(c, clm, BR(1, 2) | BR(5, 12) | B(20));
}

/*
 * CR2 (rare) out of line: render_claim_obj's code on every claim stays
 * short.
 */
static __attribute__((noinline)) void
cl_spinal(struct rc *c)
{
	size_t k = one(c, 0, c->st->n, L_2300, 0, "CR2");

	if (k == NONE)
		return;
	kput(c, "spinal_manipulation");
	opn(c, 0);
	ke(c, "condition_code", k, 8);
	ke(c, "description", k, 10);
	ke(c, "description_2", k, 11);
	cls(c, 0);
	mapped(c, k, B(8) | B(10) | B(11));
}

static void
render_claim_obj(struct rc *c)
{
	struct x837 *m = c->m;
	size_t clm = 0, n = c->st->n, k;
	unsigned has = 0;

	opn(c, 0);
	if (c->st->seg[clm].flags & SS_PLAIN)
		clm_run(c, clm);
	else
		clm_members(c, clm);
	FOREACH_ALL(c, k, L_2300)
		if (!(c->st->seg[k].flags & SS_EXTRA))
			has |= kind_bit(c->st->seg[k].pid);
	if (has & H_DTP)
		dates(c, 0, n, L_2300, 0, clm_dates, 0, NONE);
	if (has & H_PWK)
		attachments(c, 0, n, L_2300);
	if (has & H_CN1)
		contract(c, 0, n, L_2300);
	if (has & H_AMT)
		amounts(c, 0, n, L_2300, 0, clm_amts, NULL);
	if (has & H_REF)
		refs(c, 0, n, L_2300, 0, clm_refs, "references");
	if (has & H_K3)
		file_info(c, 0, n, L_2300);
	if (has & H_NTE)
		notes(c, 0, n, L_2300);
	if (has & H_CR1)
		ambulance(c, 0, n, L_2300);
	if (has & H_CR2)
		cl_spinal(c);
	if (has & H_CRC)
		conditions(c, 0, n, L_2300);
	if ((has & H_HI) && m->hi_other)
		health_codes(c, 1);
	if (has & H_HCP)
		repricing(c, 0, n, L_2300, 0);
	cls(c, 0);
}

/*
 * The record's parts at a cursor o (room made): each returns past what it
 * wrote.  n bytes of s:
 */
static ALWAYS_INLINE char *
put_at(char *o, const char *s, size_t n)
{
	buf_copy(o, s, n);
	return o + n;
}

/*
 * A rendered part (a buf) at o: in 64-byte steps rather than a call to
 * memcpy, whose choice among its size classes mispredicts on parts of
 * every length (a record copies some nine, of tens to thousands of
 * bytes).  The steps read up to 63 bytes past the part's length, still
 * within its buffer when its capacity leaves that much (nearly always: it
 * grows by doubling), and write as far past o + len, into the room made
 * for the record (PART_SLOP of it); the next part or the record's end
 * writes over them.  One copy, called: inline at each part it made
 * kilobytes of put_record's code, fetched from L2 for every claim, where
 * a call costs a few instructions.
 */
#define PART_SLOP	64

#ifdef PART_AVX2
/*
 * The same in 32-byte moves where the processor has AVX2 (part_avx2, set
 * by x837_new): half the loads and stores of the 16-byte ones, for the
 * three kilobytes or so a record copies.
 */
static __attribute__((noinline, target("avx2"))) char *
part_at_avx2(char *o, const struct buf *b)
{
	const char *s = b->s;
	size_t n = b->len, i;

	/* (as part_at: the first 32 bytes, then aligned stores) */
	_mm256_storeu_si256((__m256i *)(void *)o,
	    _mm256_loadu_si256((const __m256i *)(const void *)s));
	i = 32 - ((uintptr_t)o & 31);
	for (; i < n; i += 64) {
		const __m256i *x = (const __m256i *)(const void *)(s + i);
		__m256i *d = (__m256i *)(void *)(o + i);
		__m256i x0 = _mm256_loadu_si256(x);
		__m256i x1 = _mm256_loadu_si256(x + 1);

		_mm256_store_si256(d, x0);
		_mm256_store_si256(d + 1, x1);
	}
	return o + n;
}
#endif

static __attribute__((noinline)) char *
part_at(char *o, const struct buf *b)
{
	size_t n = b->len;

#ifdef PART_AVX2
	if (part_avx2 && b->cap - n >= PART_SLOP)
		return part_at_avx2(o, b);
#endif
#ifdef __SSE2__
	if (b->cap - n >= PART_SLOP) {
		const char *s = b->s;
		size_t i;

		/*
		 * The first 16 bytes as they are, then from where o + i is
		 * aligned: stores that never straddle a cache line.
		 */
		_mm_storeu_si128((__m128i *)(void *)o,
		    _mm_loadu_si128((const __m128i *)(const void *)s));
		i = 16 - ((uintptr_t)o & 15);
		for (; i < n; i += 64) {
			const __m128i *x = (const __m128i *)(const void *)(s + i);
			__m128i *d = (__m128i *)(void *)(o + i);
			__m128i x0 = _mm_loadu_si128(x);
			__m128i x1 = _mm_loadu_si128(x + 1);
			__m128i x2 = _mm_loadu_si128(x + 2);
			__m128i x3 = _mm_loadu_si128(x + 3);

			_mm_store_si128(d, x0);
			_mm_store_si128(d + 1, x1);
			_mm_store_si128(d + 2, x2);
			_mm_store_si128(d + 3, x3);
		}
		return o + n;
	}
#endif
	return put_at(o, b->s, n);
}

/*
 * The warnings or extra items of every level of this claim at o (how
 * many in *n).  (Out of line: one copy for both lists.)
 */
static __attribute__((noinline)) char *
items_at(struct x837 *m, char *o, int extra, unsigned *n)
{
	int i;

	*n = 0;
	for (i = LV_HDR; i < LV_N; i++) {
		const struct level *L = &m->lv[i];
		const struct buf *src = extra ? &L->extra : &L->warn;
		unsigned cnt = extra ? L->nextra : L->nwarn;

		if ((i == LV_C && !L->active) || cnt == 0)
			continue;
		if (*n)
			*o++ = ',';
		o = part_at(o, src);
		*n += cnt;
	}
	return o;
}

/*
 * A member of the record when v is not empty: key (kl bytes, with its
 * comma) or, for a fragment of members, a comma alone.
 */
static ALWAYS_INLINE char *
member_at(char *o, const char *key, size_t kl, const struct buf *v)
{
	if (v->len == 0)
		return o;
	if (key != NULL)
		o = put_at(o, key, kl);
	else
		*o++ = ',';
	return part_at(o, v);
}

/*
 * A member of "hierarchy" at o whose HL01 id is not printable ASCII:
 * through to_utf8 and jw's escaping (r's length set for it, the cursor
 * taken back after, with room for need again).  Rare: out of line.
 */
static __attribute__((noinline, cold)) char *
rec_hl_slow(struct x837 *m, struct buf *r, char *o, size_t need,
    const char *key, const char *hl, int first)
{
	struct jw w;

	r->len = (size_t)(o - r->s);
	jw_init(&w, r);
	w.first[0] = (unsigned char)first;
	kstr_utf8(&w, &m->conv, key, hl);
	buf_grow(r, need);
	return r->s + r->len;
}

/*
 * The members of "hierarchy" at o: each active level's HL01 id, printable
 * ASCII in practice, as it is, and anything else through rec_hl_slow.
 * One loop over a table of the keys (written as they are, with their
 * comma and quotes, in fixed-size copies that write past them into the
 * room made for the record) rather than a copy of the writer for each
 * level.
 */
static __attribute__((noinline)) char *
rec_hier(struct x837 *m, struct buf *r, char *o, size_t need)
{
	static const struct {
		char	 k[48];		/* ,"key":" and room to copy 32 */
		unsigned char n;	/* its length */
	} key[LV_C - LV_A + 1] = {
		{ ",\"billing_provider\":\"", 21 },
		{ ",\"subscriber\":\"", 15 },
		{ ",\"patient\":\"", 12 },
	};
	int i, first = 1;

	for (i = LV_A; i <= LV_C; i++) {
		const struct level *L = &m->lv[i];
		const char *k = key[i - LV_A].k;
		size_t n;

		if (!L->active || L->hl[0] == '\0')
			continue;
		/* (plain[0] is 0: the scan stops at the NUL, or before it) */
		for (n = 0; plain[(unsigned char)L->hl[n]]; n++)
			;
		if (L->hl[n] == '\0') {
			memcpy(o, k + first, 32);
			o += key[i - LV_A].n - first;
			memcpy(o, L->hl, sizeof L->hl);
			o += n;
			*o++ = '"';
		} else {
			/* the bare key: past ,", up to its closing quote */
			char name[32];
			size_t kl = key[i - LV_A].n - 5;

			memcpy(name, k + 2, kl);
			name[kl] = '\0';
			o = rec_hl_slow(m, r, o, need, name, L->hl, first);
		}
		first = 0;
	}
	return o;
}

/*
 * What buf_addu writes, at o (room made): past it.  The digits (20 at
 * most) end at u + 20 and go out in one copy of 20 bytes, the spare ones
 * written past them into the room, rather than through buf_copy's tests
 * of the length.
 */
static __attribute__((noinline)) char *
rec_addu(char *o, unsigned long long v)
{
	char u[40], *p = udigits(u + 20, v);

	memcpy(o, p, 20);
	return o + (u + 20 - p);
}

/*
 * The "delimiters" member at o, of a claim with extra segments (rare: out
 * of the way of the usual path), through jw (r's length set for it, the
 * cursor taken back after, with room for need again).
 */
static __attribute__((noinline, cold)) char *
rec_delims(struct x837 *m, struct buf *r, char *o, size_t need)
{
	char d[4][2] = { { (char)m->isa.d.elem, 0 },
	    { (char)m->isa.d.comp, 0 }, { (char)m->isa.d.rep, 0 },
	    { (char)m->isa.d.seg, 0 } };
	struct jw w;

	r->len = (size_t)(o - r->s);
	buf_adds(r, ",\"delimiters\":");
	jw_init(&w, r);
	jw_obj(&w);
	kstrn_utf8(&w, &m->conv, "element", d[0], 1);
	kstrn_utf8(&w, &m->conv, "component", d[1], 1);
	if (m->isa.d.rep)
		kstrn_utf8(&w, &m->conv, "repetition", d[2], 1);
	kstrn_utf8(&w, &m->conv, "segment", d[3], 1);
	jw_obj_end(&w);
	buf_grow(r, need);
	return r->s + r->len;
}

/*
 * The record of the claim just rendered (id: its claim_id), written in
 * place at the end of the spool, from base, through a cursor o into room
 * made once for all of it (need: every part's length and the keys and
 * punctuation around them).  The rare parts that go through jw (an HL id
 * to escape, the delimiters) set the buffer's length right before and
 * take the cursor back after.
 */
static __attribute__((noinline)) void
put_record(struct x837 *m, const char *id)
{
	struct level *H = &m->lv[LV_HDR], *A = &m->lv[LV_A];
	struct level *Bv = &m->lv[LV_B], *C = &m->lv[LV_C];
	struct level *K = &m->lv[LV_CLM];
	struct buf *r;
	size_t base, need;
	uint32_t hdr[4];
	unsigned nw;
	char *o;
	int i, anyextra;

	need = 1024 + PART_SLOP + H->frag2.len + H->frag.len + A->frag.len +
	    Bv->frag.len + Bv->frag2.len + C->frag.len + m->b_claim.len +
	    m->b_diag.len + m->b_prov.len + m->b_cob.len + m->b_lines.len;
	anyextra = 0;
	for (i = LV_HDR; i < LV_N; i++) {
		need += m->lv[i].warn.len + m->lv[i].extra.len;
		anyextra |= m->lv[i].nextra != 0;
	}
	r = spool_begin(m->sp);
	base = r->len;
	/* (buf_grow's own test, without the call when there is room) */
	if (r->len + need + 1 > r->cap)
		buf_grow(r, need);
	o = r->s + r->len;
	o += sizeof hdr;
	o = PUTL(o, "{\"record_version\":1,\"claim_id\":\"");
	memcpy(o, id, CLAIMID_LEN);
	o += CLAIMID_LEN;
	o = PUTL(o, "\",\"source\":{");
	o = part_at(o, &H->frag2);
	o = PUTL(o, ",\"hierarchy\":{");
	o = rec_hier(m, r, o, need);
	o = PUTL(o, "},\"segment_index\":");
	o = rec_addu(o, K->st.seg[0].index);
	o = PUTL(o, ",\"byte_offset\":");
	o = rec_addu(o, K->st.seg[0].offset);
	o = PUTL(o, ",\"claim_ordinal\":");
	o = rec_addu(o, m->ordinal);
	if (H->nextra || (A->active && A->nextra) || (Bv->active &&
	    Bv->nextra) || (C->active && C->nextra) || K->nextra)
		o = rec_delims(m, r, o, need);
	nw = 0;
	if (H->nwarn + A->nwarn * A->active + Bv->nwarn * Bv->active +
	    C->nwarn * C->active + K->nwarn) {
		o = PUTL(o, ",\"warnings\":[");
		o = items_at(m, o, 0, &nw);
		hdr[0] = (uint32_t)(o - (r->s + base) - sizeof hdr);
		*o++ = ']';
	} else
		hdr[0] = (uint32_t)(o - (r->s + base) - sizeof hdr);
	*o++ = '}';
	o = member_at(o, NULL, 0, &H->frag);
	if (A->active)
		o = member_at(o, NULL, 0, &A->frag);
	if (Bv->active)
		o = member_at(o, NULL, 0, &Bv->frag);
	if (C->active)
		o = member_at(o, NULL, 0, &C->frag);
	else if (Bv->active)
		o = member_at(o, NULL, 0, &Bv->frag2);
	o = member_at(o, ",\"claim\":", 9, &m->b_claim);
	o = member_at(o, NULL, 0, &m->b_diag);
	o = member_at(o, NULL, 0, &m->b_prov);
	o = member_at(o, ",\"other_payers\":", 16, &m->b_cob);
	o = member_at(o, ",\"lines\":", 9, &m->b_lines);
	/* (anyextra: a level with any, active or not; items_at sorts out) */
	if (anyextra) {
		unsigned ne;
		char *x = PUTL(o, ",\"extra_segments\":[");

		/* (the prefix written first, taken back when there are none) */
		x = items_at(m, x, 1, &ne);
		if (ne) {
			o = x;
			*o++ = ']';
		}
	}
	*o++ = '}';
	*o++ = '\n';
	*o = '\0';
	r->len = (size_t)(o - r->s);
	hdr[1] = m->st.seq;
	hdr[2] = m->gs.open ? m->gs.seq : 0;
	hdr[3] = nw > 0;
	memcpy(r->s + base, hdr, sizeof hdr);
	spool_end(m->sp);
}

/*
 * rc_init for the claim's parts, inline: jw_init's work done here rather
 * than in five calls a claim into jw.c.
 */
static ALWAYS_INLINE void
rc_claim(struct rc *c, struct x837 *m, struct buf *out)
{
	c->m = m;
	c->lv = LV_CLM;
	c->st = &m->lv[LV_CLM].st;
	buf_reset(out);
	c->w.b = out;
	c->w.depth = 0;
	c->w.first[0] = 1;
	c->w.after_key = 0;
	c->kpos = 0;
	c->kfirst = 1;
}

/*
 * rc_claim, and rc_claim then opn(c, 1) for a list, called: one copy of
 * each rather than five inline (with rc_claim's stores, opn's reduce to
 * a few).
 */
static __attribute__((noinline)) void
rec_rc(struct rc *c, struct x837 *m, struct buf *out)
{
	rc_claim(c, m, out);
}

static __attribute__((noinline)) void
rec_rc_list(struct rc *c, struct x837 *m, struct buf *out)
{
	rc_claim(c, m, out);
	opn(c, 1);
}

static void
render_claim(struct x837 *m)
{
	struct level *H = &m->lv[LV_HDR], *A = &m->lv[LV_A];
	struct level *Bv = &m->lv[LV_B], *C = &m->lv[LV_C];
	struct level *K = &m->lv[LV_CLM];
	struct rc c;
	char id[CLAIMID_LEN + 1], clm01_buf[64], *clm01;
	size_t k, n = K->st.n, lfrom = NONE, lx0 = NONE;
	unsigned nlines = 0;
	struct str v;

	if (!H->rendered)
		render_hdr(m);
	if (A->active && !A->rendered)
		render_a_cached(m);
	if (Bv->active && !Bv->rendered)
		render_b(m);
	if (C->active && !C->rendered)
		render_c(m);

	/* lines first: the claim's service dates come from them */
	m->svc_from[0] = m->svc_to[0] = '\0';
	/*
	 * (the list opened before its first item rather than at it, and
	 * closed whether it has any: cls removes an empty one, leaving
	 * what rc_claim did)
	 */
	rec_rc_list(&c, m, &m->b_lines);
	/*
	 * each LX up to the next: the segments from loop 2400's first on,
	 * in store order (the loop's list holds its segments in that order,
	 * and the others never match), looked at one after the other
	 * rather than each found through the one before (lnext)
	 */
	for (k = K->st.lhead[L_2400] == NOIDX ? n : K->st.lhead[L_2400];;
	    k++) {
		while (k < n && !match(&c, k, L_2400, 0, "LX"))
			k++;
		if (lfrom != NONE) {
			nlines++;
			render_line(&c, lfrom, k);
		}
		if (k >= n)
			break;
		if (lx0 == NONE)
			lx0 = k;
		lfrom = k;
	}
	rec_cls_list(&c);
	if (nlines == 0) {
		const struct sseg *s = &K->st.seg[0];

		warnx_at(m, LV_CLM, "missing_loop", s->index, s->offset, "CLM",
		    "claim has no service line (loop 2400, LX): CLM '%s'",
		    q(m, E(&K->st, 0, 1)));
	}

	/* other payers: from each 2320 SBR to the next one or the first LX */
	rec_rc_list(&c, m, &m->b_cob);
	lfrom = NONE;
	if (lx0 == NONE)
		lx0 = n;
	for (k = K->st.lhead[L_2320] == NOIDX ? n : K->st.lhead[L_2320];;
	    k = K->st.lnext[k] == NOIDX ? n : K->st.lnext[k]) {
		if (k > lx0)
			k = lx0;
		if (k < lx0 && !match(&c, k, L_2320, 0, "SBR"))
			continue;
		if (lfrom != NONE)
			render_cob(&c, lfrom, k);
		if (k >= lx0)
			break;
		lfrom = k;
	}
	rec_cls_list(&c);

	/* diagnoses before the claim: they find out about other HI lists */
	m->hi_other = 0;
	/* (members of the record: no object of their own around them) */
	rec_rc(&c, m, &m->b_diag);
	health_codes(&c, 0);
	rec_rc(&c, m, &m->b_claim);
	render_claim_obj(&c);
	rec_rc(&c, m, &m->b_prov);
	providers(&c, 0, n, clm_prov);
	render_extras(m, LV_CLM);

	/* the record */
	v = E(&K->st, 0, 1);
	/* CLM01 NUL-terminated, on the stack unless it is unusually long */
	clm01 = v.n < sizeof clm01_buf ? clm01_buf : xmalloc(v.n + 1);
	buf_copy(clm01, v.p, v.n);
	clm01[v.n] = '\0';
	claimid_make(id, m->isa.isa06, m->isa.isa13, m->gs.gs06, m->st.st02,
	    clm01, m->ordinal);
	if (clm01 != clm01_buf)
		free(clm01);
	put_record(m, id);
}

