/* lineio: lines of any length with one reused buffer. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "claimkit/diag.h"
#include "claimkit/lineio.h"
#include "claimkit/xalloc.h"

#define LINEIO_CHUNK (256 * 1024)

struct lineio {
	int			 fd;
	char			*name;
	char			*buf;
	size_t			 cap;
	size_t			 start;	/* first unread byte */
	size_t			 end;	/* end of valid data */
	int			 eof;
	unsigned long		 lineno;
	unsigned long long	 consumed;	/* bytes before buf[0] */
	unsigned long long	 lineoff;
};

struct lineio *
lineio_fdopen(int fd, const char *name)
{
	struct lineio *li = xcalloc(1, sizeof *li);

	li->fd = fd;
	li->name = xstrdup(name);
	li->cap = LINEIO_CHUNK;
	li->buf = xmalloc(li->cap + 1);
	return li;
}

struct lineio *
lineio_open(const char *path)
{
	int fd;

	if (path == NULL || strcmp(path, "-") == 0)
		return lineio_fdopen(0, "<stdin>");
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return NULL;
	return lineio_fdopen(fd, path);
}

void
lineio_close(struct lineio *li)
{
	if (li == NULL)
		return;
	if (li->fd > 0)
		close(li->fd);
	free(li->name);
	free(li->buf);
	free(li);
}

/* Read more data; returns bytes read (0 at end of file). */
static size_t
fill(struct lineio *li)
{
	ssize_t n;

	if (li->start > 0) {
		memmove(li->buf, li->buf + li->start, li->end - li->start);
		li->consumed += li->start;
		li->end -= li->start;
		li->start = 0;
	}
	if (li->end + LINEIO_CHUNK / 4 > li->cap) {
		li->cap *= 2;
		li->buf = xrealloc(li->buf, li->cap + 1);
	}
	for (;;) {
		n = read(li->fd, li->buf + li->end, li->cap - li->end);
		if (n >= 0)
			break;
		if (errno != EINTR)
			diag_fatal(CK_EX_IOERR, "%s: read error: %s", li->name,
			    strerror(errno));
	}
	li->end += (size_t)n;
	return (size_t)n;
}

char *
lineio_next(struct lineio *li, size_t *len)
{
	size_t scanned = 0;
	char *nl, *line;

	for (;;) {
		nl = memchr(li->buf + li->start + scanned, '\n',
		    li->end - li->start - scanned);
		if (nl != NULL)
			break;
		scanned = li->end - li->start;
		if (li->eof || fill(li) == 0) {
			li->eof = 1;
			if (li->end == li->start)
				return NULL;
			/* Last line without a newline. */
			nl = li->buf + li->end;
			break;
		}
	}
	line = li->buf + li->start;
	*len = (size_t)(nl - line);
	li->lineoff = li->consumed + li->start;
	li->start = (size_t)(nl - li->buf) + (nl < li->buf + li->end);
	*nl = '\0';
	li->lineno++;
	return line;
}

unsigned long
lineio_lineno(const struct lineio *li)
{
	return li->lineno;
}

unsigned long long
lineio_offset(const struct lineio *li)
{
	return li->lineoff;
}

const char *
lineio_name(const struct lineio *li)
{
	return li->name;
}
