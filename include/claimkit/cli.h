/*
 * cli: what every tool's main() does the same way: program name, --help and
 * --version output, numeric option checking, and the end-of-run check that
 * standard output really was written (git run_builtin, jq main).
 */
#ifndef CLAIMKIT_CLI_H
#define CLAIMKIT_CLI_H

#include <stdio.h>

/*
 * Set the program name for messages.  Leaves SIGPIPE at its default so
 * that `| head` ends a pipeline quietly.
 */
void cli_init(const char *argv0, const char *tool);

/* Print "tool (claimkit) VERSION" to stdout and exit 0. */
void cli_version(void) __attribute__((noreturn));

/*
 * Print a usage text: to stdout and exit 0 when code is 0 (--help), to
 * stderr with "Try 'tool --help'" and exit code otherwise.
 */
void cli_usage(int code, const char *text) __attribute__((noreturn));

/*
 * strtonum-style: parse s as a decimal integer in [min, max]; on error
 * print "tool: error: invalid WHAT: 'value'" and exit CK_EX_USAGE.
 */
/* cli_num with the exit status for a bad value (64 or 78, conf_bad_exit). */
long long cli_num_exit(const char *s, long long min, long long max,
    const char *what, int code);
long long cli_num(const char *s, long long min, long long max,
    const char *what);

/*
 * Flush and close stdout; on failure print the reason and return
 * CK_EX_IOERR, else return rc unchanged.  Call as `return cli_finish(rc);`.
 */
int cli_finish(int rc);

#endif
