/* spool: records in memory up to a limit, then in a temporary file. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "claimkit/buf.h"
#include "claimkit/diag.h"
#include "claimkit/spool.h"
#include "claimkit/xalloc.h"

#define SPOOL_FILE_BUF	(1 << 16)

struct spool {
	size_t			 memlimit;
	struct buf		 mem;	/* [u32 length][bytes]... */
	size_t			 start;	/* of the record being written */
	FILE			*fp;	/* records after the memory part */
	char			*fbuf;	/* its stdio buffer */
	int			 infile; /* writing to fp */
	size_t			 count;
	unsigned long long	 bytes;
	/* reading */
	size_t			 rpos;
	int			 rfile;
	struct buf		 rbuf;
};

struct spool *
spool_new(size_t memlimit)
{
	struct spool *sp = xcalloc(1, sizeof *sp);

	sp->memlimit = memlimit;
	return sp;
}

static void
io_fail(const char *what)
{
	diag_fatal(CK_EX_IOERR, "cannot %s temporary spool file: %s", what,
	    strerror(errno));
}

static void
open_file(struct spool *sp)
{
	const char *dir = getenv("TMPDIR");
	struct buf path = BUF_INIT;
	int fd;

	if (dir == NULL || *dir == '\0')
		dir = "/tmp";
	buf_printf(&path, "%s/claimkit-spool.XXXXXX", dir);
	if ((fd = mkstemp(path.s)) == -1)
		io_fail("create");
	/* Unlinked at once: nothing is left behind whatever happens. */
	unlink(path.s);
	buf_free(&path);
	if ((sp->fp = fdopen(fd, "w+")) == NULL)
		io_fail("open");
	/* glibc ignores the size without a buffer (keeping st_blksize) */
	sp->fbuf = xmalloc(SPOOL_FILE_BUF);
	setvbuf(sp->fp, sp->fbuf, _IOFBF, SPOOL_FILE_BUF);
}

struct buf *
spool_begin(struct spool *sp)
{
	uint32_t len = 0;

	/* the length is filled in by spool_end */
	sp->start = sp->mem.len;
	buf_add(&sp->mem, &len, sizeof len);
	return &sp->mem;
}

void
spool_end(struct spool *sp)
{
	size_t n = sp->mem.len - sp->start - 4;
	uint32_t len = (uint32_t)n;

	if (n >= UINT32_MAX)
		diag_fatal(CK_EX_SOFTWARE, "spool record too large");
	memcpy(sp->mem.s + sp->start, &len, sizeof len);
	/*
	 * Past the memory limit (and not the first record), this record and
	 * every later one go to the file, so that reading keeps the order.
	 */
	if (!sp->infile && sp->mem.len > sp->memlimit && sp->start > 0) {
		if (sp->fp == NULL)
			open_file(sp);
		sp->infile = 1;
	}
	if (sp->infile) {
		if (fwrite(sp->mem.s + sp->start, 1, n + 4, sp->fp) != n + 4)
			io_fail("write");
		sp->mem.len = sp->start;
		sp->mem.s[sp->mem.len] = '\0';
	}
	sp->count++;
	sp->bytes += n;
}

void
spool_put(struct spool *sp, const void *p, size_t n)
{
	struct buf *b = spool_begin(sp);

	buf_add(b, p, n);
	spool_end(sp);
}

size_t
spool_count(const struct spool *sp)
{
	return sp->count;
}

unsigned long long
spool_bytes(const struct spool *sp)
{
	return sp->bytes;
}

void
spool_rewind(struct spool *sp)
{
	sp->rpos = 0;
	sp->rfile = 0;
	if (sp->infile) {
		if (fflush(sp->fp) == EOF)
			io_fail("write");
		rewind(sp->fp);
	}
}

const char *
spool_next(struct spool *sp, size_t *n)
{
	uint32_t len;

	if (!sp->rfile) {
		if (sp->rpos + 4 <= sp->mem.len) {
			memcpy(&len, sp->mem.s + sp->rpos, 4);
			sp->rpos += 4 + (size_t)len;
			*n = len;
			return sp->mem.s + sp->rpos - len;
		}
		if (!sp->infile)
			return NULL;
		sp->rfile = 1;
	}
	if (fread(&len, sizeof len, 1, sp->fp) != 1) {
		if (ferror(sp->fp))
			io_fail("read");
		return NULL;
	}
	buf_reset(&sp->rbuf);
	buf_grow(&sp->rbuf, len);
	if (len > 0 && fread(sp->rbuf.s, 1, len, sp->fp) != len)
		io_fail("read");
	sp->rbuf.len = len;
	sp->rbuf.s[len] = '\0';
	*n = len;
	return sp->rbuf.s;
}

int
spool_from_file(const struct spool *sp)
{
	return sp->rfile;
}

void
spool_clear(struct spool *sp)
{
	buf_reset(&sp->mem);
	/* Give back a memory part that grew past the limit once. */
	if (sp->mem.cap > 2 * sp->memlimit + 4096)
		buf_free(&sp->mem);
	if (sp->fp != NULL) {
		rewind(sp->fp);
		if (ftruncate(fileno(sp->fp), 0) == -1)
			io_fail("truncate");
	}
	if (sp->rbuf.cap > (1 << 20))
		buf_free(&sp->rbuf);
	sp->infile = 0;
	sp->count = 0;
	sp->bytes = 0;
	sp->rpos = 0;
	sp->rfile = 0;
}

void
spool_free(struct spool *sp)
{
	if (sp == NULL)
		return;
	if (sp->fp != NULL)
		fclose(sp->fp);
	free(sp->fbuf);
	buf_free(&sp->mem);
	buf_free(&sp->rbuf);
	free(sp);
}
