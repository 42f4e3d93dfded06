/*
 * lineio: read lines of any length from a file descriptor with one reused
 * buffer.  Lines are returned without their '\n' (a trailing '\r' is kept:
 * JSON treats it as whitespace).  Memory is bounded by the longest line.
 */
#ifndef CLAIMKIT_LINEIO_H
#define CLAIMKIT_LINEIO_H

#include <stddef.h>
#include <sys/types.h>

struct lineio;

/*
 * Open path for reading ("-" or NULL means standard input).  Returns NULL
 * and sets errno when the file cannot be opened.  name is what messages
 * call the input ("-" becomes "<stdin>").
 */
struct lineio *lineio_open(const char *path);
/* Wrap an already open descriptor; it is closed by lineio_close(). */
struct lineio *lineio_fdopen(int fd, const char *name);
void lineio_close(struct lineio *li);

/*
 * Return the next line (NUL-terminated, valid until the next call) and its
 * length in *len.  Returns NULL at end of input.  A read error ends the
 * process with CK_EX_IOERR.
 */
char *lineio_next(struct lineio *li, size_t *len);
/* 1-based number of the line last returned. */
unsigned long lineio_lineno(const struct lineio *li);
/* Byte offset of the start of the line last returned. */
unsigned long long lineio_offset(const struct lineio *li);
const char *lineio_name(const struct lineio *li);

#endif
