/* codefmt: shape checks of claim identifiers and codes (EDITS E01-E36). */
#include <string.h>

#include "claimkit/codefmt.h"
#include "claimkit/date.h"

static int
isdig(char c)
{
	return c >= '0' && c <= '9';
}

static int
isup(char c)
{
	return c >= 'A' && c <= 'Z';
}

static int
isalnum_up(char c)
{
	return isdig(c) || isup(c);
}

int
codefmt_npi(const char *s, size_t n)
{
	size_t i;

	if (n != 10 || (s[0] != '1' && s[0] != '2'))
		return 0;
	for (i = 1; i < 10; i++)
		if (!isdig(s[i]))
			return 0;
	return 1;
}

int
codefmt_npi_check_digit(const char *s)
{
	int sum = 24, i;

	/*
	 * Double d9, d7, d5, d3, d1 (every other digit from the right of the
	 * nine); 24 is what the prefix 80840 adds (CMS NPI check digit).
	 */
	for (i = 8; i >= 0; i--) {
		int d = s[i] - '0';

		if ((8 - i) % 2 == 0) {
			d *= 2;
			if (d > 9)
				d -= 9;
		}
		sum += d;
	}
	return (10 - sum % 10) % 10;
}

int
codefmt_icd10cm(const char *s, size_t n)
{
	size_t i;

	if (n < 3 || n > 7 || !isup(s[0]) || !isdig(s[1]) ||
	    !isalnum_up(s[2]))
		return 0;
	for (i = 3; i < n; i++)
		if (!isalnum_up(s[i]))
			return 0;
	return 1;
}

int
codefmt_hcpcs(const char *s, size_t n)
{
	if (n != 5)
		return 0;
	if (isdig(s[0]) && isdig(s[1]) && isdig(s[2]) && isdig(s[3]))
		return isdig(s[4]) || s[4] == 'F' || s[4] == 'T' ||
		    s[4] == 'U' || s[4] == 'M';
	/* HCPCS Level II A-V, and the dental D codes (a subset of A-V). */
	return s[0] >= 'A' && s[0] <= 'V' && isdig(s[1]) && isdig(s[2]) &&
	    isdig(s[3]) && isdig(s[4]);
}

int
codefmt_modifier(const char *s, size_t n)
{
	return n == 2 && isalnum_up(s[0]) && isalnum_up(s[1]);
}

/* MBI letters: A-Z without S, L, O, I, B, Z. */
static int
mbi_alpha(char c)
{
	return isup(c) && strchr("SLOIBZ", c) == NULL;
}

int
codefmt_mbi(const char *s, size_t n)
{
	/* C A AN N A AN N A A N N */
	if (n != 11)
		return 0;
	return s[0] >= '1' && s[0] <= '9' && mbi_alpha(s[1]) &&
	    (isdig(s[2]) || mbi_alpha(s[2])) && isdig(s[3]) &&
	    mbi_alpha(s[4]) && (isdig(s[5]) || mbi_alpha(s[5])) &&
	    isdig(s[6]) && mbi_alpha(s[7]) && mbi_alpha(s[8]) &&
	    isdig(s[9]) && isdig(s[10]);
}

int
codefmt_taxonomy(const char *s, size_t n)
{
	size_t i;

	if (n != 10)
		return 0;
	for (i = 0; i < n; i++)
		if (!isalnum_up(s[i]))
			return 0;
	return 1;
}

/*
 * The CMS place-of-service code set, with the effective date of codes
 * added since 2016 (CMS POS list; 27 from CR 13314, 66 from transmittal
 * 12779).  Codes without a date predate every claim we expect.
 */
static const struct {
	char		code[3];
	const char	*from;
} pos_codes[] = {
	{ "01", NULL }, { "02", "2016-01-01" }, { "03", NULL }, { "04", NULL },
	{ "05", NULL }, { "06", NULL }, { "07", NULL }, { "08", NULL },
	{ "09", NULL }, { "10", "2022-01-01" }, { "11", NULL }, { "12", NULL },
	{ "13", NULL }, { "14", NULL }, { "15", NULL }, { "16", NULL },
	{ "17", NULL }, { "18", NULL }, { "19", "2016-01-01" }, { "20", NULL },
	{ "21", NULL }, { "22", NULL }, { "23", NULL }, { "24", NULL },
	{ "25", NULL }, { "26", NULL }, { "27", "2023-10-01" }, { "31", NULL },
	{ "32", NULL }, { "33", NULL }, { "34", NULL }, { "41", NULL },
	{ "42", NULL }, { "49", NULL }, { "50", NULL }, { "51", NULL },
	{ "52", NULL }, { "53", NULL }, { "54", NULL }, { "55", NULL },
	{ "56", NULL }, { "57", NULL }, { "58", "2020-01-01" }, { "60", NULL },
	{ "61", NULL }, { "62", NULL }, { "65", NULL }, { "66", "2024-08-01" },
	{ "71", NULL }, { "72", NULL }, { "81", NULL }, { "99", NULL },
};

int
codefmt_pos(const char *s, size_t n, long day)
{
	size_t i;

	if (n != 2)
		return 0;
	for (i = 0; i < sizeof pos_codes / sizeof pos_codes[0]; i++) {
		struct ckdate d;

		if (pos_codes[i].code[0] != s[0] || pos_codes[i].code[1] != s[1])
			continue;
		if (pos_codes[i].from == NULL)
			return 1;
		date_parse_iso(pos_codes[i].from, 10, &d);
		return day >= date_days(&d) ? 1 : -1;
	}
	return 0;
}
