/*
 * date: calendar dates as ISO YYYY-MM-DD and as day numbers, with no
 * dependence on the time zone or locale.
 */
#ifndef CLAIMKIT_DATE_H
#define CLAIMKIT_DATE_H

#include <stddef.h>

struct ckdate {
	int	y, m, d;
};

/* Parse ISO "YYYY-MM-DD" (a real calendar date); 0 ok, -1 otherwise. */
int date_parse_iso(const char *s, size_t n, struct ckdate *out);
/* Parse X12 D8 "CCYYMMDD"; 0 ok, -1 otherwise. */
int date_parse_d8(const char *s, size_t n, struct ckdate *out);
int date_valid(int y, int m, int d);
/* Days since 1970-01-01 (proleptic Gregorian), and back. */
long date_days(const struct ckdate *dt);
void date_from_days(long days, struct ckdate *out);
/* Write "YYYY-MM-DD" and a NUL into out (11 bytes). */
char *date_fmt(char out[11], const struct ckdate *dt);
/*
 * Today in UTC, as days.  CLAIMKIT_TODAY=YYYY-MM-DD in the environment
 * overrides it, so that tests and re-runs of old batches are reproducible.
 */
long date_today(void);
/* Whole years between birth and on (age on a date). */
int date_age(const struct ckdate *birth, const struct ckdate *on);

#endif
