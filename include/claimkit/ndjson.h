/*
 * ndjson: the record loop every filter shares.
 *
 *	struct ndin *in = ndin_open(argc, argv, rejects);
 *	while (ndin_next(in)) {
 *		const struct jdoc *d = ndin_doc(in);
 *		... read fields, build a section with jw ...
 *		jpatch_set(p, 0, "validation", sec.s, sec.len);
 *		ndout_patch(p);
 *	}
 *	rc = ndin_close(in);
 *
 * Input lines that are not a JSON object are written to the reject stream
 * with their position and never reach the tool; blank lines are skipped.
 * Counts in = out + rejects is kept by the tool calling either an ndout_*
 * function or rejects_write() exactly once per record.
 */
#ifndef CLAIMKIT_NDJSON_H
#define CLAIMKIT_NDJSON_H

#include <stddef.h>

#include "claimkit/json.h"

struct buf;
struct rejects;
struct jpatch;

/*
 * Open the reject stream: path NULL means diagnostics on stderr only.
 * An unopenable path ends the process with CK_EX_CANTCREAT-like 74.
 */
struct rejects *rejects_open(const char *path);
/*
 * Record one reject: code is a short machine-readable reason
 * ("invalid_json", "not_a_claim", a rule code...), reason a message for
 * operators (no PHI).  The original text is kept in the reject record:
 * under "record" when it is valid JSON (pass raw_is_json), else as a
 * string under "raw".  Also prints "tool: file:line: error: reason".
 */
void rejects_write(struct rejects *r, const char *file, unsigned long line,
    const char *code, const char *reason, const char *raw, size_t rawlen,
    int raw_is_json);
/* Like rejects_write but with extra position members (JSON text of an
 * object body such as "\"segment_index\":12"), for non-NDJSON inputs. */
void rejects_write_at(struct rejects *r, const char *file, unsigned long line,
    const char *pos_json, const char *code, const char *reason,
    const char *raw, size_t rawlen, int raw_is_json);
unsigned long rejects_count(const struct rejects *r);
/* Flush and close; a write error ends the process with CK_EX_IOERR. */
void rejects_close(struct rejects *r);

struct ndin;

/* Inputs are files (argv[0..argc)), "-" for stdin, or stdin when argc 0. */
struct ndin *ndin_open(int argc, char **argv, struct rejects *rj);
/* Advance to the next valid JSON object record: 1, or 0 at end. */
int ndin_next(struct ndin *in);
/*
 * Parse the following records into doc, over a copy of the line kept in
 * text, instead of the internal ones; both stay the caller's and remain
 * valid after later ndin_next() calls once the caller switches to another
 * pair.  Tools that gather records into batches (claims-load) call this
 * with a different pair before each ndin_next().  NULL, NULL goes back to
 * the internal document and the reader's own line buffer.
 */
void ndin_use(struct ndin *in, struct jdoc *doc, struct buf *text);
const struct jdoc *ndin_doc(const struct ndin *in);
const char *ndin_line(const struct ndin *in, size_t *len);
const char *ndin_file(const struct ndin *in);
unsigned long ndin_lineno(const struct ndin *in);
/* Records read (valid or not), and records rejected as invalid JSON. */
unsigned long ndin_nread(const struct ndin *in);
unsigned long ndin_ninvalid(const struct ndin *in);
/* Reject the current record (a valid JSON object) with code and reason. */
void ndin_reject(struct ndin *in, const char *code, const char *reason);
/* Files that could not be opened set this (CK_EX_NOINPUT), else 0. */
int ndin_close(struct ndin *in);

/*
 * Output: standard output, fully buffered (ndout_unbuffered() flushes after
 * every record).  Write errors end the process: EPIPE quietly with SIGPIPE,
 * anything else with CK_EX_IOERR.
 */
void ndout_unbuffered(int on);
/* Write text[0..len) followed by '\n'. */
void ndout_line(const char *text, size_t len);
/*
 * Write n records at once, v[i] holding one record and its final '\n',
 * with writev(2) straight to the descriptor (stdio's buffer is flushed
 * first): a tool that holds finished records in memory hands them over
 * without a copy.  Counts n records.
 */
struct iovec;
void ndout_lines(const struct iovec *v, int n);
/* Write the patched record and '\n'. */
void ndout_patch(struct jpatch *p);
unsigned long ndout_count(void);

#endif
