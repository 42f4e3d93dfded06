/*
 * claims-decrypt: open the encrypted claim records claims-load stores in
 * SQL Server (dbo.FailedClaimDetails.ClaimDataSnapshot, dbo.Claims.ClaimData)
 * and write them back as NDJSON, one record per envelope.
 *
 * Input lines hold an envelope (ck1:...) anywhere among tab-separated
 * fields, so `tsql` output (OriginalClaimId TAB ClaimDataSnapshot) can be
 * piped in as it is; lines without an envelope are skipped.  See seal.h
 * for the format.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "claimkit/buf.h"
#include "claimkit/cli.h"
#include "claimkit/conf.h"
#include "claimkit/diag.h"
#include "claimkit/json.h"
#include "claimkit/lineio.h"
#include "claimkit/ndjson.h"
#include "claimkit/seal.h"

static const char usage_text[] =
"usage: claims-decrypt [-hV] [-k keyfile] [file ...]\n";

static const char help_text[] =
"  -k, --key-file FILE     the key claims-load used (64 hex digits, mode 0600)\n"
"  -h, --help              print this help\n"
"  -V, --version           print the version\n";

static const struct option longopts[] = {
	{ "help",	no_argument,		NULL, 'h' },
	{ "key-file",	required_argument,	NULL, 'k' },
	{ "version",	no_argument,		NULL, 'V' },
	{ NULL,		0,			NULL, 0 }
};

/* The envelope field of line[0..len), or NULL. */
static const char *
envelope(const char *line, size_t len, size_t *n)
{
	const char *p = line, *end = line + len, *tab;

	while (end > line && (end[-1] == '\r' || end[-1] == ' '))
		end--;
	while (p < end) {
		while (p < end && *p == ' ')
			p++;
		tab = memchr(p, '\t', (size_t)(end - p));
		if (tab == NULL)
			tab = end;
		if (tab - p > 4 && memcmp(p, "ck1:", 4) == 0) {
			*n = (size_t)(tab - p);
			while (*n > 0 && p[*n - 1] == ' ')
				(*n)--;
			return p;
		}
		p = tab + 1;
	}
	return NULL;
}

/* Decrypt every envelope of one input; returns the number of failures. */
static unsigned long
run(struct lineio *li, const struct seal_key *k, struct buf *out,
    struct jdoc *d)
{
	unsigned long bad = 0;
	char *line, *id;
	size_t len, n;
	const char *env, *why, *rid;

	while ((line = lineio_next(li, &len)) != NULL) {
		if ((env = envelope(line, len, &n)) == NULL)
			continue;
		buf_reset(out);
		if ((why = seal_decrypt(k, env, n, out, &id)) != NULL) {
			diag_error(lineio_name(li), lineio_lineno(li), "%s",
			    why);
			bad++;
			continue;
		}
		/* The record must be the claim the envelope names. */
		if (jdoc_parse(d, out->s, out->len) != 0 ||
		    (rid = jdoc_pstr(d, 0, "claim_id")) == NULL ||
		    strcmp(rid, id) != 0) {
			diag_error(lineio_name(li), lineio_lineno(li),
			    "decrypted record is not claim '%s'", id);
			free(id);
			bad++;
			continue;
		}
		free(id);
		ndout_line(out->s, out->len);
	}
	return bad;
}

int
main(int argc, char **argv)
{
	struct seal_key key;
	struct buf out = BUF_INIT;
	struct jdoc *d;
	struct lineio *li;
	const char *keyfile = NULL;
	unsigned long bad = 0;
	int ch, i, rc = 0;

	cli_init(argv[0], "claims-decrypt");
	while ((ch = getopt_long(argc, argv, "hk:V", longopts, NULL)) != -1)
		switch (ch) {
		case 'h':
			fputs(usage_text, stdout);
			fputs("\n", stdout);
			cli_usage(0, help_text);
		case 'k':
			keyfile = optarg;
			break;
		case 'V':
			cli_version();
		default:
			cli_usage(CK_EX_USAGE, usage_text);
		}
	argc -= optind;
	argv += optind;

	keyfile = conf_pick(keyfile, "CLAIMKIT_MSSQL_KEY_FILE",
	    "mssql.key_file", NULL);
	if (keyfile == NULL) {
		diag_error(NULL, 0, "no key: give --key-file (or set "
		    "CLAIMKIT_MSSQL_KEY_FILE, or mssql.key_file in "
		    "claimkit.conf)");
		cli_usage(CK_EX_USAGE, usage_text);
	}
	if ((rc = seal_key_load(&key, keyfile)) != 0)
		return rc;
	d = jdoc_alloc();
	for (i = 0; i == 0 || i < argc; i++) {
		const char *path = argc > 0 ? argv[i] : "-";

		if ((li = lineio_open(path)) == NULL) {
			diag_error(NULL, 0, "cannot open '%s': %s", path,
			    strerror(errno));
			rc = CK_EX_NOINPUT;
			continue;
		}
		bad += run(li, &key, &out, d);
		lineio_close(li);
	}
	seal_key_wipe(&key);
	buf_free(&out);
	jdoc_free(d);
	if (rc == 0 && bad > 0)
		rc = CK_EX_REJECT;
	return cli_finish(rc);
}
