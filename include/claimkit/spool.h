/*
 * spool: hold a sequence of byte records (here: finished claim records
 * waiting for the end of their interchange) with bounded memory.  Up to
 * memlimit bytes stay in memory; beyond that every record goes to an
 * unlinked temporary file in $TMPDIR (default /tmp), so the process size
 * does not grow with the input.
 *
 *	struct spool *sp = spool_new(8 << 20);
 *	spool_put(sp, rec, len); ...
 *	spool_rewind(sp);
 *	while ((p = spool_next(sp, &len)) != NULL) use(p, len);
 *	spool_clear(sp);		(empty again, file kept for reuse)
 *	spool_free(sp);
 *
 * A temporary file that cannot be created or written ends the process
 * with CK_EX_IOERR.
 */
#ifndef CLAIMKIT_SPOOL_H
#define CLAIMKIT_SPOOL_H

#include <stddef.h>

struct buf;
struct spool;

struct spool *spool_new(size_t memlimit);
void spool_free(struct spool *sp);
/* Append one record (any bytes, up to 4 GiB - 1). */
void spool_put(struct spool *sp, const void *p, size_t n);
/*
 * Or write one in place, without a copy: append its bytes to the buffer
 * spool_begin() returns (leaving what is before its len at the call alone,
 * and adding no other record meanwhile), then call spool_end().
 */
struct buf *spool_begin(struct spool *sp);
void spool_end(struct spool *sp);
/* Number of records held. */
size_t spool_count(const struct spool *sp);
/* Bytes held (memory and file). */
unsigned long long spool_bytes(const struct spool *sp);
/* Start reading from the first record. */
void spool_rewind(struct spool *sp);
/*
 * Next record; NULL after the last.  A record from the memory part stays
 * valid until spool_clear(), one from the file only until the next call
 * (spool_from_file() says which).
 */
const char *spool_next(struct spool *sp, size_t *n);
/* 1 when the record spool_next() returned last came from the file. */
int spool_from_file(const struct spool *sp);
/* Forget every record. */
void spool_clear(struct spool *sp);

#endif
