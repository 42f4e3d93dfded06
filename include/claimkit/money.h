/*
 * money: exact amounts as integer cents, parsed from the number's text and
 * never through double (DEVELOPERS.md rule 4).
 */
#ifndef CLAIMKIT_MONEY_H
#define CLAIMKIT_MONEY_H

#include <stddef.h>
#include <stdint.h>

/* Largest accepted magnitude: 10^15 cents (ten trillion dollars). */
#define MONEY_MAX_CENTS 1000000000000000LL

/*
 * Parse s[0..n): optional '-', digits, optional '.' and at most two
 * digits ("123", "123.4", "123.40", "-0.5"; with flags & MONEY_X12 also
 * ".5" and a leading '+').  Exponents, more than two decimals, empty
 * text, other characters and amounts over MONEY_MAX_CENTS are errors.
 * Returns NULL and sets *cents, or returns a short message such as
 * "more than 2 decimal places".
 */
#define MONEY_X12 1
const char *money_parse(const char *s, size_t n, int flags, int64_t *cents);

/* Format cents as "-123.45" into out (at least MONEY_FMT_SIZE bytes). */
#define MONEY_FMT_SIZE 32
char *money_fmt(char *out, int64_t cents);

#endif
