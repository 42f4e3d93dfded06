/* date: civil dates without time zones (Howard Hinnant's algorithms). */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "claimkit/date.h"

int
date_valid(int y, int m, int d)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	int leap, max;

	if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1)
		return 0;
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	max = mdays[m - 1] + (m == 2 && leap);
	return d <= max;
}

static int
digits(const char *s, size_t n, int *v)
{
	size_t i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*v = *v * 10 + (s[i] - '0');
	}
	return 0;
}

int
date_parse_iso(const char *s, size_t n, struct ckdate *out)
{
	struct ckdate t;

	if (s == NULL || n != 10 || s[4] != '-' || s[7] != '-' ||
	    digits(s, 4, &t.y) || digits(s + 5, 2, &t.m) ||
	    digits(s + 8, 2, &t.d) || !date_valid(t.y, t.m, t.d))
		return -1;
	*out = t;
	return 0;
}

int
date_parse_d8(const char *s, size_t n, struct ckdate *out)
{
	struct ckdate t;

	if (s == NULL || n != 8 || digits(s, 4, &t.y) ||
	    digits(s + 4, 2, &t.m) || digits(s + 6, 2, &t.d) ||
	    !date_valid(t.y, t.m, t.d))
		return -1;
	*out = t;
	return 0;
}

long
date_days(const struct ckdate *dt)
{
	long y = dt->y - (dt->m <= 2);
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153 * (dt->m + (dt->m > 2 ? -3 : 9)) + 2) / 5 + dt->d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

void
date_from_days(long z, struct ckdate *out)
{
	long era, doe, yoe, y, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	out->d = (int)(doy - (153 * mp + 2) / 5 + 1);
	out->m = (int)(mp < 10 ? mp + 3 : mp - 9);
	out->y = (int)(y + (out->m <= 2));
}

char *
date_fmt(char out[11], const struct ckdate *dt)
{
	int y = dt->y;

	out[0] = (char)('0' + y / 1000 % 10);
	out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10);
	out[3] = (char)('0' + y % 10);
	out[4] = '-';
	out[5] = (char)('0' + dt->m / 10);
	out[6] = (char)('0' + dt->m % 10);
	out[7] = '-';
	out[8] = (char)('0' + dt->d / 10);
	out[9] = (char)('0' + dt->d % 10);
	out[10] = '\0';
	return out;
}

long
date_today(void)
{
	const char *env = getenv("CLAIMKIT_TODAY");
	struct ckdate t;

	if (env != NULL && date_parse_iso(env, strlen(env), &t) == 0)
		return date_days(&t);
	return (long)(time(NULL) / 86400);
}

int
date_age(const struct ckdate *b, const struct ckdate *on)
{
	int age = on->y - b->y;

	if (on->m < b->m || (on->m == b->m && on->d < b->d))
		age--;
	return age;
}
