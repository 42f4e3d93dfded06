/*
 * diag: diagnostics and the exit-status table shared by every claimkit tool.
 *
 * Messages follow one shape so that editors and grep can parse them:
 *	tool: file:line: error: what is wrong: 'value'
 * Values are quoted and shortened (diag_quote) so that a stray record
 * cannot dump patient data into a log: callers pass ids and codes only.
 */
#ifndef CLAIMKIT_DIAG_H
#define CLAIMKIT_DIAG_H

#include <stdarg.h>
#include <stddef.h>

/* The exit-status table (claimkit(7) EXIT STATUS). */
enum ck_exit {
	CK_EX_OK = 0,		/* every record went through and passed */
	CK_EX_REJECT = 1,	/* ran to the end, some records rejected or failed */
	CK_EX_USAGE = 64,	/* bad command line */
	CK_EX_DATAERR = 65,	/* input unusable as a whole */
	CK_EX_NOINPUT = 66,	/* cannot open an input file */
	CK_EX_UNAVAILABLE = 69,	/* database or server unavailable */
	CK_EX_SOFTWARE = 70,	/* internal error */
	CK_EX_IOERR = 74,	/* I/O error (cannot write output) */
	CK_EX_TEMPFAIL = 75,	/* temporary failure, safe to retry */
	CK_EX_CONFIG = 78	/* bad configuration or reference data */
};

/* Name used as the message prefix; set once by cli_init(). */
extern const char *diag_progname;

/* Number of error() and warning() messages printed so far. */
extern unsigned long diag_nerrors, diag_nwarnings;

/*
 * Print "prog: [file:line: ]level: message" to stderr.  file may be NULL
 * (no position), line may be 0 (file only).  The message is formatted
 * with printf rules and must not end in a newline.
 */
void diag_error(const char *file, unsigned long line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void diag_warn(const char *file, unsigned long line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void diag_note(const char *file, unsigned long line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void diag_vmsg(const char *level, const char *file, unsigned long line,
    const char *fmt, va_list ap);

/* Print "prog: error: message" and exit with status code. */
void diag_fatal(int code, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), noreturn));

/*
 * Copy value into out (size outsz) in a form safe for a message: control
 * and non-ASCII bytes become \xNN, and values longer than 40 bytes are cut
 * with "...".  Returns out.
 */
char *diag_quote(char *out, size_t outsz, const char *value, size_t len);

#endif
