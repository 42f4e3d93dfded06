/*
 * check-record: check NDJSON claim records against the key list of
 * claimkit-record(5).
 *
 *	check-record PAGE [file ...]
 *
 * The key list is read from the page itself: every line
 *	.It Ic PATH Pq TYPE
 * documents PATH ("lines[].charge": [] is any array element) with TYPE
 * string, number, integer, money, date, boolean, object, array, section
 * (owned by another tool: not looked into), party or contact (objects
 * whose members are documented under PARTY.x and CONTACT.x).  Every value
 * of every record must have a documented path and the right type; strings,
 * objects and arrays must not be empty and null never appears.  Each
 * problem is printed as "FILE:LINE: PATH: problem"; the exit status is 1
 * when there was any.  With -k, the documented paths seen are printed at
 * the end (to spot documented keys no test exercises).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "claimkit/buf.h"
#include "claimkit/cli.h"
#include "claimkit/date.h"
#include "claimkit/diag.h"
#include "claimkit/json.h"
#include "claimkit/lineio.h"
#include "claimkit/xalloc.h"

struct key {
	char	*path;
	char	*type;
	int	 seen;
};

static struct key *keys;
static size_t nkeys;
static unsigned long nproblems;

static void
load_page(const char *page)
{
	struct lineio *li = lineio_open(page);
	char *line;
	size_t len;

	if (li == NULL)
		diag_fatal(CK_EX_NOINPUT, "cannot open '%s'", page);
	while ((line = lineio_next(li, &len)) != NULL) {
		char path[256], type[32];

		if (sscanf(line, ".It Ic %255s Pq %31s", path, type) != 2)
			continue;
		keys = xreallocarray(keys, nkeys + 1, sizeof *keys);
		keys[nkeys].path = xstrdup(path);
		keys[nkeys].type = xstrdup(type);
		keys[nkeys].seen = 0;
		nkeys++;
	}
	lineio_close(li);
	if (nkeys == 0)
		diag_fatal(CK_EX_DATAERR, "%s: no '.It Ic PATH Pq TYPE' lines",
		    page);
}

static struct key *
find(const char *path)
{
	size_t i;

	for (i = 0; i < nkeys; i++)
		if (strcmp(keys[i].path, path) == 0)
			return &keys[i];
	return NULL;
}

/*
 * The documentation of path: itself, or through the longest prefix that
 * is a party or contact object, PARTY.rest / CONTACT.rest.
 */
static struct key *
resolve(const char *path)
{
	struct key *k = find(path);
	char pre[512], alt[512];
	size_t i;

	if (k != NULL)
		return k;
	for (i = strlen(path); i > 0; i--) {
		struct key *p;

		if (path[i] != '.')
			continue;
		memcpy(pre, path, i);
		pre[i] = '\0';
		if ((p = resolve(pre)) == NULL)
			continue;
		if (strcmp(p->type, "party") == 0)
			snprintf(alt, sizeof alt, "PARTY%s", path + i);
		else if (strcmp(p->type, "contact") == 0)
			snprintf(alt, sizeof alt, "CONTACT%s", path + i);
		else
			continue;
		if ((k = find(alt)) != NULL)
			return k;
		if ((k = resolve(alt)) != NULL)
			return k;
	}
	return NULL;
}

static void
problem(const char *file, unsigned long line, const char *path,
    const char *what)
{
	printf("%s:%lu: %s: %s\n", file, line, path[0] ? path : "(root)",
	    what);
	nproblems++;
}

static int
money_text(const char *s, size_t n)
{
	size_t i = 0;

	if (i < n && s[i] == '-')
		i++;
	if (i >= n || s[i] < '0' || s[i] > '9')
		return 0;
	while (i < n && s[i] >= '0' && s[i] <= '9')
		i++;
	return n - i == 3 && s[i] == '.' && s[i + 1] >= '0' &&
	    s[i + 1] <= '9' && s[i + 2] >= '0' && s[i + 2] <= '9';
}

static void
check(const struct jdoc *d, int n, const char *path, const char *file,
    unsigned long line)
{
	enum jtype t = jdoc_type(d, n);
	struct key *k = path[0] ? resolve(path) : NULL;
	const char *want = k ? k->type : "object";
	char sub[512];
	size_t len;
	const char *raw;
	int c;

	if (path[0] && k == NULL) {
		problem(file, line, path, "not documented in the page");
		return;
	}
	if (k)
		k->seen = 1;
	if (strcmp(want, "section") == 0)
		return;
	if (t == J_NULL) {
		problem(file, line, path, "null");
		return;
	}
	raw = jdoc_raw(d, n, &len);
	if (strcmp(want, "string") == 0 || strcmp(want, "date") == 0) {
		const char *s;
		struct ckdate dt;

		if (t != J_STRING) {
			problem(file, line, path, "not a string");
			return;
		}
		s = jdoc_str(d, n, &len);
		if (len == 0)
			problem(file, line, path, "empty string");
		else if (strcmp(want, "date") == 0 &&
		    date_parse_iso(s, len, &dt) != 0)
			problem(file, line, path, "not a YYYY-MM-DD date");
		return;
	}
	if (strcmp(want, "number") == 0 || strcmp(want, "integer") == 0 ||
	    strcmp(want, "money") == 0) {
		long long v;

		if (t != J_NUMBER)
			problem(file, line, path, "not a number");
		else if (strcmp(want, "integer") == 0 && jdoc_int(d, n, &v))
			problem(file, line, path, "not an integer");
		else if (strcmp(want, "money") == 0 && !money_text(raw, len))
			problem(file, line, path, "money without exactly 2 "
			    "decimals");
		return;
	}
	if (strcmp(want, "boolean") == 0) {
		if (t != J_TRUE && t != J_FALSE)
			problem(file, line, path, "not a boolean");
		return;
	}
	if (strcmp(want, "array") == 0) {
		if (t != J_ARRAY) {
			problem(file, line, path, "not an array");
			return;
		}
		if (jdoc_count(d, n) == 0)
			problem(file, line, path, "empty array");
		snprintf(sub, sizeof sub, "%s[]", path);
		for (c = jdoc_first(d, n); c >= 0; c = jdoc_next(d, c))
			check(d, c, sub, file, line);
		return;
	}
	if (strcmp(want, "object") != 0 && strcmp(want, "party") != 0 &&
	    strcmp(want, "contact") != 0) {
		problem(file, line, path, "unknown type in the page");
		return;
	}
	if (t != J_OBJECT) {
		problem(file, line, path, "not an object");
		return;
	}
	if (jdoc_count(d, n) == 0)
		problem(file, line, path, "empty object");
	for (c = jdoc_first(d, n); c >= 0; c = jdoc_next(d, c)) {
		const char *key = jdoc_key(d, c, &len);

		snprintf(sub, sizeof sub, "%s%s%s", path, path[0] ? "." : "",
		    key);
		check(d, c, sub, file, line);
	}
}

int
main(int argc, char *argv[])
{
	static char *stdin_only[] = { "-" };
	struct jdoc *d = jdoc_alloc();
	char **files;
	int i, nfiles, listkeys = 0;
	unsigned long nrec = 0;

	cli_init(argv[0], "check-record");
	if (argc > 1 && strcmp(argv[1], "-k") == 0) {
		listkeys = 1;
		argc--;
		argv++;
	}
	if (argc < 2) {
		fprintf(stderr, "usage: check-record [-k] page [file ...]\n");
		return CK_EX_USAGE;
	}
	load_page(argv[1]);
	files = argc > 2 ? argv + 2 : stdin_only;
	nfiles = argc > 2 ? argc - 2 : 1;
	for (i = 0; i < nfiles; i++) {
		struct lineio *li = lineio_open(files[i]);
		char *line;
		size_t len;

		if (li == NULL)
			diag_fatal(CK_EX_NOINPUT, "cannot open '%s'", files[i]);
		while ((line = lineio_next(li, &len)) != NULL) {
			nrec++;
			if (jdoc_parse(d, line, len) != 0) {
				problem(lineio_name(li), lineio_lineno(li), "",
				    "not valid JSON");
				continue;
			}
			if (jdoc_type(d, 0) != J_OBJECT) {
				problem(lineio_name(li), lineio_lineno(li), "",
				    "not an object");
				continue;
			}
			check(d, 0, "", lineio_name(li), lineio_lineno(li));
		}
		lineio_close(li);
	}
	if (listkeys) {
		size_t k;

		for (k = 0; k < nkeys; k++)
			if (keys[k].seen)
				printf("seen %s\n", keys[k].path);
	}
	jdoc_free(d);
	fprintf(stderr, "check-record: %lu records, %lu problems\n", nrec,
	    nproblems);
	return cli_finish(nproblems ? 1 : 0);
}
