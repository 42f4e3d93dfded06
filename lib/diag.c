/* diag: messages in the one claimkit shape, and the exit-status table. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "claimkit/diag.h"

const char *diag_progname = "claimkit";
unsigned long diag_nerrors, diag_nwarnings;

void
diag_vmsg(const char *level, const char *file, unsigned long line,
    const char *fmt, va_list ap)
{
	char msg[2048];

	vsnprintf(msg, sizeof msg, fmt, ap);
	/* One fprintf per message so that concurrent writers do not interleave. */
	if (file != NULL && line > 0)
		fprintf(stderr, "%s: %s:%lu: %s: %s\n", diag_progname, file, line,
		    level, msg);
	else if (file != NULL)
		fprintf(stderr, "%s: %s: %s: %s\n", diag_progname, file, level, msg);
	else
		fprintf(stderr, "%s: %s: %s\n", diag_progname, level, msg);
}

void
diag_error(const char *file, unsigned long line, const char *fmt, ...)
{
	va_list ap;

	diag_nerrors++;
	va_start(ap, fmt);
	diag_vmsg("error", file, line, fmt, ap);
	va_end(ap);
}

void
diag_warn(const char *file, unsigned long line, const char *fmt, ...)
{
	va_list ap;

	diag_nwarnings++;
	va_start(ap, fmt);
	diag_vmsg("warning", file, line, fmt, ap);
	va_end(ap);
}

void
diag_note(const char *file, unsigned long line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vmsg("note", file, line, fmt, ap);
	va_end(ap);
}

void
diag_fatal(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vmsg("error", NULL, 0, fmt, ap);
	va_end(ap);
	fflush(stdout);
	exit(code);
}

char *
diag_quote(char *out, size_t outsz, const char *value, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, o = 0, max = len > 40 ? 40 : len;

	if (outsz == 0)
		return out;
	for (i = 0; i < max; i++) {
		unsigned char c = (unsigned char)value[i];

		if (c >= 0x20 && c < 0x7f && c != '\'' && c != '\\') {
			if (o + 1 >= outsz)
				break;
			out[o++] = (char)c;
		} else {
			if (o + 4 >= outsz)
				break;
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	if (len > max && o + 3 < outsz) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
	return out;
}
