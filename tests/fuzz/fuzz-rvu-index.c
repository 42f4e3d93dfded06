/*
 * fuzz-rvu-index: the compiled index loader of rvu-price.  Invariant:
 * whatever the bytes, loading never reads out of bounds or crashes; an
 * image that loads answers lookups consistently (every row, locality and
 * ZIP is found by its own key) and prices claims built from its rows
 * without undefined behaviour, into valid JSON.
 * The checksum is skipped (RVU_IMG_NOSUM, which checks every row instead)
 * so that mutations reach the structural checks; a load with the checksum
 * (as rvu-price does it) must price safely whatever passed it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "claimkit/buf.h"
#include "claimkit/json.h"
#include "claimkit/rvu.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const mods[] = {
	"", "\"26\"", "\"TC\"", "\"50\"", "\"80\"", "\"62\"", "\"54\"",
	"\"AS\"", "\"53\"", "\"66\"", "\"RT\",\"LT\""
};

static void
price_rows(const struct rvu_db *db, int facility)
{
	static struct jdoc *d, *d2;
	static struct jpatch *p;
	struct rvu_cfg cfg;
	struct rvu_pricer *pr;
	struct buf in = BUF_INIT, out = BUF_INIT;
	size_t i, n = rvu_db_nrows(db);

	if (d == NULL) {
		d = jdoc_alloc();
		d2 = jdoc_alloc();
		p = jpatch_alloc();
	}
	rvu_cfg_init(&cfg);
	cfg.explain = 1;
	cfg.locality = rvu_db_loc(db, 0);	/* NULL: unknown locality */
	cfg.locality_source = "option";
	pr = rvu_pricer_alloc(db, &cfg);
	buf_printf(&in, "{\"claim\":{\"place_of_service\":\"%s\"},"
	    "\"lines\":[", facility ? "22" : "11");
	for (i = 0; i < n && i < 12; i++) {
		const struct rvu_row *r = rvu_db_row(db, i);

		buf_printf(&in, "%s{\"procedure_code\":\"%.5s\","
		    "\"modifiers\":[%s],\"units\":%s,\"charge\":%s,"
		    "\"service_date\":\"%u-01-02\"}",
		    i ? "," : "", r->hcpcs, mods[i % (sizeof mods /
		    sizeof mods[0])], i % 3 == 0 ? "2" : i % 3 == 1 ? "0.5" :
		    "99999.999", i % 2 ? "1.00" : "99999.99", rvu_db_year(db));
	}
	buf_adds(&in, "]}");
	if (jdoc_parse(d, in.s, in.len) != 0)
		abort();
	jpatch_reset(p, d);
	rvu_price(pr, d, p);
	jpatch_write(p, &out);
	if (jdoc_parse(d2, out.s, out.len) != 0)
		abort();
	rvu_pricer_free(pr);

	cfg.method = RVU_SIMPLE;
	pr = rvu_pricer_alloc(db, &cfg);
	jpatch_reset(p, d);
	rvu_price(pr, d, p);
	buf_reset(&out);
	jpatch_write(p, &out);
	if (jdoc_parse(d2, out.s, out.len) != 0)
		abort();
	rvu_pricer_free(pr);
	buf_free(&in);
	buf_free(&out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rvu_err e;
	struct rvu_db *db, *db2;
	size_t i, nl;

	/* With the checksum (as rvu-price loads): a file that passes it
	 * unchecked row by row must still price safely. */
	if ((db2 = rvu_db_from_image(data, size, 0, &e)) != NULL) {
		price_rows(db2, 0);
		rvu_db_free(db2);
	}
	if ((db = rvu_db_from_image(data, size, RVU_IMG_NOSUM, &e)) == NULL)
		return 0;
	for (i = 0; i < rvu_db_nrows(db) && i < 256; i++) {
		const struct rvu_row *r = rvu_db_row(db, i);
		char code[6], mod[3];

		memcpy(code, r->hcpcs, 5);
		code[5] = '\0';
		mod[0] = r->mod[0] == ' ' ? '\0' : r->mod[0];
		mod[1] = r->mod[1] == ' ' ? '\0' : r->mod[1];
		mod[2] = '\0';
		/* Keys a caller can name: no " 2", no control bytes. */
		if ((r->mod[0] == ' ' && r->mod[1] != ' ') ||
		    r->mod[0] == '\0' || r->mod[1] == '\0')
			continue;
		if (rvu_find(db, code, mod) != r || rvu_find_code(db, code) ==
		    NULL)
			abort();
	}
	for (i = 0; i < rvu_db_nlocs(db); i++) {
		const struct rvu_loc *l = rvu_db_loc(db, i);
		char c[6], lo[3];

		memcpy(c, l->carrier, 5);
		c[5] = '\0';
		memcpy(lo, l->locality, 2);
		lo[2] = '\0';
		if (rvu_find_loc(db, c, lo) != l)
			abort();
		(void)rvu_str(db, l->name_off, l->name_len, &nl);
		(void)rvu_str(db, l->counties_off, l->counties_len, &nl);
	}
	for (i = 0; i < rvu_db_nzips(db) && i < 256; i++) {
		const struct rvu_zip *z = rvu_db_zip(db, i);

		if (rvu_find_zip(db, z->zip) != z)
			abort();
	}
	(void)rvu_db_verify(db, &e);
	price_rows(db, 0);
	price_rows(db, 1);
	rvu_db_free(db);
	return 0;
}
