/* cli: what every tool's main() does the same way. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "claimkit/cli.h"
#include "claimkit/diag.h"

static char stdout_buf[1 << 18];

void
cli_init(const char *argv0, const char *tool)
{
	(void)argv0;
	diag_progname = tool;
	/* A parent that ignored SIGPIPE must not turn `| head` into errors. */
	signal(SIGPIPE, SIG_DFL);
	/*
	 * glibc ignores the size when setvbuf() is given no buffer and uses
	 * st_blksize (4 KiB on a pipe): one write(2) per 4 KiB of NDJSON.
	 */
	setvbuf(stdout, stdout_buf, _IOFBF, sizeof stdout_buf);
}

void
cli_version(void)
{
	printf("%s (claimkit) %s\n", diag_progname, CLAIMKIT_VERSION);
	exit(cli_finish(0));
}

void
cli_usage(int code, const char *text)
{
	if (code == 0) {
		fputs(text, stdout);
		exit(cli_finish(0));
	}
	fputs(text, stderr);
	fprintf(stderr, "Try '%s --help' for more information.\n",
	    diag_progname);
	exit(code);
}

long long
cli_num(const char *s, long long min, long long max, const char *what)
{
	return cli_num_exit(s, min, max, what, CK_EX_USAGE);
}

long long
cli_num_exit(const char *s, long long min, long long max, const char *what,
    int code)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno == ERANGE || v < min ||
	    v > max) {
		diag_error(NULL, 0, "invalid %s (%lld to %lld): '%s'", what, min,
		    max, s);
		exit(code);
	}
	return v;
}

int
cli_finish(int rc)
{
	if (fflush(stdout) == EOF || ferror(stdout)) {
		if (errno == EPIPE)
			return rc;
		diag_error(NULL, 0, "cannot write standard output: %s",
		    strerror(errno));
		return CK_EX_IOERR;
	}
	if (fclose(stdout) == EOF) {
		diag_error(NULL, 0, "cannot close standard output: %s",
		    strerror(errno));
		return CK_EX_IOERR;
	}
	return rc;
}
