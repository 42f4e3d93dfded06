/*
 * xalloc: allocation that cannot fail.  Out of memory ends the process with
 * CK_EX_SOFTWARE (70), like git's xmalloc and Miller's mlr_malloc_or_die.
 */
#ifndef CLAIMKIT_XALLOC_H
#define CLAIMKIT_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
/* Grow an array of nmemb elements of size elsz, checking for overflow. */
void *xreallocarray(void *p, size_t nmemb, size_t elsz);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

#endif
