/* xalloc: allocation failure ends the process (exit 70). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "claimkit/diag.h"
#include "claimkit/xalloc.h"

static void
oom(size_t n)
{
	diag_fatal(CK_EX_SOFTWARE, "out of memory allocating %zu bytes", n);
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		oom(n);
	return p;
}

void *
xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);

	if (p == NULL)
		oom(nmemb * size);
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (q == NULL)
		oom(n);
	return q;
}

void *
xreallocarray(void *p, size_t nmemb, size_t elsz)
{
	if (elsz != 0 && nmemb > SIZE_MAX / elsz)
		oom(SIZE_MAX);
	return xrealloc(p, nmemb * elsz);
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}
