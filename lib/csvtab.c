/*
 * csvtab: header-named CSV on libcsv.  Physical lines are fed to libcsv one
 * at a time (lineio), so that every row knows the line it starts on even
 * when a quoted field spans lines.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "claimkit/buf.h"
#include "claimkit/csvtab.h"
#include "claimkit/diag.h"
#include "claimkit/lineio.h"
#include "claimkit/xalloc.h"

struct csvtab {
	struct lineio		*li;
	char			*path;
	struct csv_parser	 p;
	/* header */
	struct buf		 hdr;
	size_t			*hoff;
	int			 ncols;
	/* current row, being assembled by the callbacks */
	struct buf		 row;
	size_t			*off;
	int			 nf, fcap;
	int			 done;		/* a row was completed */
	unsigned long		 rowline, line;
	int			 eof;
};

static void
cb_field(void *s, size_t len, void *data)
{
	struct csvtab *t = data;

	if (t->nf == 0)
		t->rowline = t->line;
	if (t->nf == t->fcap) {
		t->fcap = t->fcap ? t->fcap * 2 : 16;
		t->off = xreallocarray(t->off, (size_t)t->fcap, sizeof *t->off);
	}
	t->off[t->nf++] = t->row.len;
	buf_add(&t->row, s ? s : "", s ? len : 0);
	buf_addc(&t->row, '\0');
}

static void
cb_row(int c, void *data)
{
	struct csvtab *t = data;

	(void)c;
	t->done = 1;
}

void
csvtab_fatal(const struct csvtab *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vmsg("error", t->path, t->rowline ? t->rowline : t->line, fmt, ap);
	va_end(ap);
	fflush(stdout);
	exit(CK_EX_CONFIG);
}

/* Assemble the next row into t->row / t->off; 0 at end of file. */
static int
read_row(struct csvtab *t)
{
	t->nf = 0;
	t->done = 0;
	buf_reset(&t->row);
	t->rowline = 0;
	while (!t->done) {
		char *l;
		size_t len;

		if (t->eof)
			return 0;
		if ((l = lineio_next(t->li, &len)) == NULL) {
			t->eof = 1;
			if (csv_fini(&t->p, cb_field, cb_row, t) != 0)
				csvtab_fatal(t, "malformed CSV: %s "
				    "(unterminated quoted field?)",
				    csv_strerror(csv_error(&t->p)));
			return t->done;
		}
		t->line = lineio_lineno(t->li);
		/* The newline lineio removed ends the row (or is quoted). */
		l[len] = '\n';
		if (csv_parse(&t->p, l, len + 1, cb_field, cb_row, t) != len + 1)
			csvtab_fatal(t, "malformed CSV: %s",
			    csv_strerror(csv_error(&t->p)));
		l[len] = '\0';
	}
	return 1;
}

struct csvtab *
csvtab_open(const char *path)
{
	struct csvtab *t;
	struct lineio *li;
	int i, j;

	if ((li = lineio_open(path)) == NULL)
		return NULL;
	t = xcalloc(1, sizeof *t);
	t->li = li;
	t->path = xstrdup(path);
	if (csv_init(&t->p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
		diag_fatal(CK_EX_SOFTWARE, "csv_init failed");
	if (!read_row(t)) {
		diag_error(path, 0, "empty file: no header row");
		exit(CK_EX_CONFIG);
	}
	t->ncols = t->nf;
	t->hoff = xreallocarray(NULL, (size_t)t->ncols, sizeof *t->hoff);
	buf_add(&t->hdr, t->row.s, t->row.len);
	for (i = 0; i < t->ncols; i++) {
		const char *h = t->hdr.s + t->off[i];

		t->hoff[i] = t->off[i];
		/* A UTF-8 byte order mark before the first name is not part of it. */
		if (i == 0 && strncmp(h, "\xef\xbb\xbf", 3) == 0)
			t->hoff[i] += 3;
		for (j = 0; j < i; j++)
			if (strcmp(t->hdr.s + t->hoff[j],
			    t->hdr.s + t->hoff[i]) == 0)
				csvtab_fatal(t, "duplicate column '%s' in header",
				    t->hdr.s + t->hoff[i]);
	}
	return t;
}

void
csvtab_close(struct csvtab *t)
{
	if (t == NULL)
		return;
	lineio_close(t->li);
	csv_free(&t->p);
	buf_free(&t->hdr);
	buf_free(&t->row);
	free(t->hoff);
	free(t->off);
	free(t->path);
	free(t);
}

int
csvtab_col(const struct csvtab *t, const char *name)
{
	int i;

	for (i = 0; i < t->ncols; i++)
		if (strcmp(t->hdr.s + t->hoff[i], name) == 0)
			return i;
	return -1;
}

int
csvtab_need(const struct csvtab *t, const char *name)
{
	int c = csvtab_col(t, name);

	if (c < 0) {
		diag_error(t->path, 1, "missing required column '%s'", name);
		exit(CK_EX_CONFIG);
	}
	return c;
}

int
csvtab_next(struct csvtab *t)
{
	for (;;) {
		if (!read_row(t))
			return 0;
		/* A line of nothing but a lone empty field is a blank line. */
		if (t->nf == 1 && t->row.s[t->off[0]] == '\0' && t->ncols > 1)
			continue;
		if (t->nf != t->ncols)
			csvtab_fatal(t, "expected %d fields (as in the header), "
			    "found %d", t->ncols, t->nf);
		return 1;
	}
}

const char *
csvtab_field(const struct csvtab *t, int col, size_t *len)
{
	const char *s;

	if (col < 0 || col >= t->nf) {
		if (len)
			*len = 0;
		return "";
	}
	s = t->row.s + t->off[col];
	if (len)
		*len = strlen(s);
	return s;
}

unsigned long
csvtab_line(const struct csvtab *t)
{
	return t->rowline;
}

const char *
csvtab_path(const struct csvtab *t)
{
	return t->path;
}
