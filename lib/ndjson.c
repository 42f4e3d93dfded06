/* ndjson: the record loop, the reject stream and checked output. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/uio.h>

#include "claimkit/buf.h"
#include "claimkit/diag.h"
#include "claimkit/jw.h"
#include "claimkit/lineio.h"
#include "claimkit/ndjson.h"
#include "claimkit/xalloc.h"

/* ---- output ---- */

static int out_unbuffered;
static unsigned long out_count;
static struct buf out_buf;

static void
out_failed(void)
{
	if (errno == EPIPE) {
		signal(SIGPIPE, SIG_DFL);
		raise(SIGPIPE);
	}
	diag_fatal(CK_EX_IOERR, "cannot write standard output: %s",
	    strerror(errno));
}

void
ndout_unbuffered(int on)
{
	out_unbuffered = on;
}

void
ndout_line(const char *text, size_t len)
{
	if (fwrite(text, 1, len, stdout) != len || putchar('\n') == EOF)
		out_failed();
	if (out_unbuffered && fflush(stdout) == EOF)
		out_failed();
	out_count++;
}

/*
 * Write v[i].iov_len bytes from v[i].iov_base for each i, in order,
 * straight to the descriptor: nothing is copied into stdio's buffer.
 * A short write goes on from where it stopped.
 */
static void
out_writev(const struct iovec *v, int n)
{
	while (n > 0) {
		ssize_t w = writev(STDOUT_FILENO, v, n);

		if (w == -1) {
			if (errno == EINTR)
				continue;
			out_failed();
		}
		while (n > 0 && (size_t)w >= v->iov_len) {
			w -= (ssize_t)v->iov_len;
			v++;
			n--;
		}
		if (n > 0 && w > 0) {
			/* the rest of a partly written piece, then on */
			const char *p = (const char *)v->iov_base + w;
			size_t left = v->iov_len - (size_t)w;

			while (left > 0) {
				ssize_t k = write(STDOUT_FILENO, p, left);

				if (k == -1 && errno == EINTR)
					continue;
				if (k == -1)
					out_failed();
				p += k;
				left -= (size_t)k;
			}
			v++;
			n--;
		}
	}
}

void
ndout_lines(const struct iovec *v, int n)
{
	/* what stdio holds goes first, to keep the order */
	if (fflush(stdout) == EOF)
		out_failed();
	out_count += (unsigned long)n;
	/* writev takes at most IOV_MAX (1024 on Linux) pieces */
	for (; n > 1024; v += 1024, n -= 1024)
		out_writev(v, 1024);
	out_writev(v, n);
}

void
ndout_patch(struct jpatch *p)
{
	buf_reset(&out_buf);
	jpatch_write(p, &out_buf);
	ndout_line(out_buf.s, out_buf.len);
}

unsigned long
ndout_count(void)
{
	return out_count;
}

/* ---- rejects ---- */

struct rejects {
	FILE		*fp;
	char		*path;
	unsigned long	 n;
	struct buf	 b;
};

struct rejects *
rejects_open(const char *path)
{
	struct rejects *r = xcalloc(1, sizeof *r);

	if (path != NULL) {
		if (strcmp(path, "-") == 0)
			diag_fatal(CK_EX_USAGE,
			    "--rejects cannot be standard output");
		if ((r->fp = fopen(path, "w")) == NULL)
			diag_fatal(CK_EX_IOERR, "cannot create '%s': %s", path,
			    strerror(errno));
		r->path = xstrdup(path);
	}
	return r;
}

void
rejects_write_at(struct rejects *r, const char *file, unsigned long line,
    const char *pos_json, const char *code, const char *reason,
    const char *raw, size_t rawlen, int raw_is_json)
{
	struct jw w;

	r->n++;
	diag_error(file, line, "%s", reason);
	if (r->fp == NULL)
		return;
	buf_reset(&r->b);
	jw_init(&w, &r->b);
	jw_obj(&w);
	jw_key(&w, "reject");
	jw_obj(&w);
	jw_kstr(&w, "tool", diag_progname);
	jw_kstr(&w, "file", file ? file : "");
	if (line > 0)
		jw_kint(&w, "line", (long long)line);
	if (pos_json != NULL && *pos_json != '\0') {
		buf_addc(&r->b, ',');
		buf_adds(&r->b, pos_json);
	}
	jw_kstr(&w, "code", code);
	jw_kstr(&w, "reason", reason);
	jw_obj_end(&w);
	if (raw != NULL) {
		if (raw_is_json) {
			jw_key(&w, "record");
			jw_raw(&w, raw, rawlen);
		} else {
			jw_key(&w, "raw");
			jw_strn(&w, raw, rawlen);
		}
	}
	jw_obj_end(&w);
	buf_addc(&r->b, '\n');
	if (fwrite(r->b.s, 1, r->b.len, r->fp) != r->b.len)
		diag_fatal(CK_EX_IOERR, "cannot write '%s': %s", r->path,
		    strerror(errno));
}

void
rejects_write(struct rejects *r, const char *file, unsigned long line,
    const char *code, const char *reason, const char *raw, size_t rawlen,
    int raw_is_json)
{
	rejects_write_at(r, file, line, NULL, code, reason, raw, rawlen,
	    raw_is_json);
}

unsigned long
rejects_count(const struct rejects *r)
{
	return r->n;
}

void
rejects_close(struct rejects *r)
{
	if (r == NULL)
		return;
	if (r->fp != NULL && (fflush(r->fp) == EOF || ferror(r->fp) ||
	    fclose(r->fp) == EOF))
		diag_fatal(CK_EX_IOERR, "cannot write '%s': %s", r->path,
		    strerror(errno));
	buf_free(&r->b);
	free(r->path);
	free(r);
}

/* ---- input ---- */

struct ndin {
	char		**files;
	int		  nfiles, next;
	struct lineio	 *li;
	struct rejects	 *rj;
	struct jdoc	 *doc, *own_doc;
	struct buf	 *keep;		/* ndin_use(): caller's line copy */
	char		 *line;
	size_t		  len;
	unsigned long	  nread, ninvalid;
	int		  rc;
};

static char *stdin_only[] = { "-" };

struct ndin *
ndin_open(int argc, char **argv, struct rejects *rj)
{
	struct ndin *in = xcalloc(1, sizeof *in);

	in->files = argc > 0 ? argv : stdin_only;
	in->nfiles = argc > 0 ? argc : 1;
	in->rj = rj;
	in->doc = in->own_doc = jdoc_alloc();
	return in;
}

void
ndin_use(struct ndin *in, struct jdoc *doc, struct buf *text)
{
	in->doc = doc != NULL ? doc : in->own_doc;
	in->keep = doc != NULL ? text : NULL;
}

static int
blank(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return 0;
	return 1;
}

int
ndin_next(struct ndin *in)
{
	char msg[256];

	for (;;) {
		if (in->li == NULL) {
			const char *f;

			if (in->next >= in->nfiles)
				return 0;
			f = in->files[in->next++];
			if ((in->li = lineio_open(f)) == NULL) {
				diag_error(NULL, 0, "cannot open '%s': %s", f,
				    strerror(errno));
				in->rc = CK_EX_NOINPUT;
				continue;
			}
		}
		if ((in->line = lineio_next(in->li, &in->len)) == NULL) {
			lineio_close(in->li);
			in->li = NULL;
			continue;
		}
		if (blank(in->line, in->len))
			continue;
		in->nread++;
		if (in->keep != NULL) {
			buf_reset(in->keep);
			buf_add(in->keep, in->line, in->len);
			in->line = in->keep->s;
		}
		if (jdoc_parse(in->doc, in->line, in->len) != 0) {
			snprintf(msg, sizeof msg, "%s at byte %zu",
			    jdoc_error(in->doc), jdoc_error_offset(in->doc) + 1);
			in->ninvalid++;
			rejects_write(in->rj, lineio_name(in->li),
			    lineio_lineno(in->li), "invalid_json", msg, in->line,
			    in->len, 0);
			continue;
		}
		if (jdoc_type(in->doc, 0) != J_OBJECT) {
			in->ninvalid++;
			rejects_write(in->rj, lineio_name(in->li),
			    lineio_lineno(in->li), "not_an_object",
			    "record is not a JSON object", in->line, in->len, 1);
			continue;
		}
		return 1;
	}
}

const struct jdoc *ndin_doc(const struct ndin *in) { return in->doc; }
const char *ndin_file(const struct ndin *in) { return in->li ? lineio_name(in->li) : ""; }
unsigned long ndin_lineno(const struct ndin *in) { return in->li ? lineio_lineno(in->li) : 0; }
unsigned long ndin_nread(const struct ndin *in) { return in->nread; }
unsigned long ndin_ninvalid(const struct ndin *in) { return in->ninvalid; }

const char *
ndin_line(const struct ndin *in, size_t *len)
{
	*len = in->len;
	return in->line;
}

void
ndin_reject(struct ndin *in, const char *code, const char *reason)
{
	rejects_write(in->rj, ndin_file(in), ndin_lineno(in), code, reason,
	    in->line, in->len, 1);
}

int
ndin_close(struct ndin *in)
{
	int rc = in->rc;

	lineio_close(in->li);
	jdoc_free(in->own_doc);
	free(in);
	return rc;
}
