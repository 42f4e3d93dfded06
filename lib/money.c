/* money: integer cents from text, never through double. */
#include <string.h>

#include "claimkit/money.h"

const char *
money_parse(const char *s, size_t n, int flags, int64_t *cents)
{
	size_t i = 0, intdigits = 0, fracdigits = 0;
	int64_t whole = 0, frac = 0;
	int neg = 0;

	if (n == 0)
		return "empty amount";
	if (s[0] == '-' || ((flags & MONEY_X12) && s[0] == '+')) {
		neg = s[0] == '-';
		i++;
	}
	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++, intdigits++) {
		if (whole > MONEY_MAX_CENTS / 100)
			return "amount too large";
		whole = whole * 10 + (s[i] - '0');
	}
	if (i < n && s[i] == '.') {
		for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
			if (++fracdigits > 2)
				return "more than 2 decimal places";
			frac = frac * 10 + (s[i] - '0');
		}
		if (fracdigits == 0 && !(flags & MONEY_X12))
			return "no digits after the decimal point";
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E'))
		return "exponent not allowed in an amount";
	if (i < n)
		return "not a number";
	if (intdigits == 0 && (fracdigits == 0 || !(flags & MONEY_X12)))
		return "not a number";
	if (fracdigits == 1)
		frac *= 10;
	if (whole > MONEY_MAX_CENTS / 100 ||
	    whole * 100 + frac > MONEY_MAX_CENTS)
		return "amount too large";
	*cents = whole * 100 + frac;
	if (neg)
		*cents = -*cents;
	return NULL;
}

char *
money_fmt(char *out, int64_t cents)
{
	char tmp[MONEY_FMT_SIZE];
	unsigned long long v;
	int i = sizeof tmp, o = 0;

	v = cents < 0 ? 0ULL - (unsigned long long)cents :
	    (unsigned long long)cents;
	tmp[--i] = (char)('0' + v % 10);
	v /= 10;
	tmp[--i] = (char)('0' + v % 10);
	v /= 10;
	tmp[--i] = '.';
	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	if (cents < 0)
		out[o++] = '-';
	memcpy(out + o, tmp + i, sizeof tmp - (size_t)i);
	out[o + (int)sizeof tmp - i] = '\0';
	return out;
}
