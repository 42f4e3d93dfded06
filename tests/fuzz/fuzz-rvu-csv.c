/*
 * fuzz-rvu-csv: the CMS file loaders of rvu-price.  The first byte picks
 * the file the rest of the input stands for (PPRRVU, GPCI, LOCCO, ANES,
 * ZIP5); the other files are small valid ones.  Invariant: any input is
 * loaded or refused with a message and a position, never a crash; what
 * loads becomes an image that passes the index checks (rvu_build_finish
 * runs them) and prices a claim into valid JSON.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "claimkit/buf.h"
#include "claimkit/json.h"
#include "claimkit/rvu.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char pprrvu[] =
    ",,2025 National Physician Fee Schedule Relative Value File,,\r\n"
    ",,,,,,,,,,,,,,,,,,,,,,,,,\r\n"
    ",,,STATUS,,WORK,NON-FAC,NON-FAC,FACILITY,FACILITY,MP,PCTC,GLOB,PRE,"
    "INTRA,POST,MULT,BILAT,ASST,CO-,TEAM,ENDO,CONV,NON-FACILITY,FACILITY,"
    "MP USED\r\n"
    "HCPCS,MOD,DESCRIPTION,CODE,NOT USED,RVU,PE RVU,NA INDICATOR,PE RVU,"
    "NA INDICATOR,RVU,IND,DAYS,OP,OP,OP,PROC,SURG,SURG,SURG,SURG,BASE,"
    "FACTOR,PE USED FOR OPPS PAYMENT AMOUNT,PE USED FOR OPPS PAYMENT "
    "AMOUNT,FOR OPPS PAYMENT AMOUNT\r\n"
    "27447,,,A,,19.60,15.30,NA,15.30,,3.98,0,090,0.10,0.69,0.21,2,1,2,1,0,,"
    "32.3465,0.00,0.00,0.00\r\n"
    "45380,,,A,,3.56,8.79,,1.93,,0.47,0,000,0.00,0.00,0.00,3,0,1,0,0,45378,"
    "32.3465,0.00,0.00,0.00\r\n"
    "45378,,,A,,3.26,6.44,,1.79,,0.43,0,000,0.00,0.00,0.00,2,0,1,0,0,,"
    "32.3465,0.00,0.00,0.00\r\n"
    "70450,,,A,,0.85,2.35,,2.35,NA,0.05,1,XXX,0.00,0.00,0.00,4,0,0,0,0,,"
    "32.3465,3.58,3.58,0.06\r\n"
    "70450,26,,A,,0.85,0.31,,0.31,,0.04,1,XXX,0.00,0.00,0.00,4,0,0,0,0,,"
    "32.3465,0.00,0.00,0.00\r\n"
    "70450,TC,,A,,0.00,2.04,,2.04,NA,0.01,1,XXX,0.00,0.00,0.00,4,0,0,0,0,,"
    "32.3465,3.27,3.27,0.02\r\n"
    "97110,,,A,,0.45,0.43,,0.43,NA,0.01,7,XXX,0.00,0.00,0.00,5,0,0,0,0,,"
    "32.3465,0.00,0.00,0.00\r\n";
static const char gpci[] =
    "ADDENDUM E. 2025 GPCIs,,,,,,\r\n"
    "Medicare Administrative Contractor (MAC),State,Locality Number,"
    "Locality Name,2025 PW GPCI (with 1.0 Floor),2025 PE GPCI,"
    "2025 MP GPCI\r\n"
    "10112,AL,00,ALABAMA,1,0.869,0.575\r\n"
    "\"MAC Assignments\",,,,,,\r\n";
static const char locco[] =
    "Medicare Adminstrative Contractor,Locality Number,State ,"
    "Fee Schedule Area ,Counties\r\n"
    "10112,0,ALABAMA ,STATEWIDE ,ALL COUNTIES \r\n";
static const char anes[] =
    "Contractor,Locality,Locality Name,National Anes CF of 20.3178\r\n"
    "10112 ,00 ,ALABAMA,19.31 \r\n";
static const char zip5[] =
    "AL352011011200 Z9   0 A                                           "
    "         20254\r\n";

static const char claim[] =
    "{\"billing_provider\":{\"address\":{\"zip\":\"35201\"}},"
    "\"claim\":{\"place_of_service\":\"11\"},\"lines\":["
    "{\"procedure_code\":\"27447\",\"modifiers\":[\"50\"],\"units\":1,"
    "\"charge\":9000.00},{\"procedure_code\":\"45380\",\"units\":2},"
    "{\"procedure_code\":\"45378\"},{\"procedure_code\":\"70450\"},"
    "{\"procedure_code\":\"70450\",\"modifiers\":[\"26\"]},"
    "{\"procedure_code\":\"97110\",\"units\":3},"
    "{\"procedure_code\":\"99213\",\"units\":1}]}";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct jdoc *d, *d2;
	static struct jpatch *p;
	int (*const fns[RVU_NSRC])(struct rvu_build *, const char *,
	    const char *, size_t, struct rvu_err *) = {
		rvu_build_pprrvu, rvu_build_gpci, rvu_build_locco,
		rvu_build_anes, rvu_build_zip5
	};
	const char *fixed[RVU_NSRC] = { pprrvu, gpci, locco, anes, zip5 };
	struct rvu_build *b;
	struct rvu_db *db;
	struct rvu_err e;
	char *text;
	int k, which, ok = 1;

	if (size < 1)
		return 0;
	if (d == NULL) {
		d = jdoc_alloc();
		d2 = jdoc_alloc();
		p = jpatch_alloc();
	}
	which = data[0] % RVU_NSRC;
	text = malloc(size);
	memcpy(text, data + 1, size - 1);
	b = rvu_build_alloc(NULL);
	for (k = 0; k < RVU_NSRC && ok; k++) {
		if (k == which)
			ok = fns[k](b, "fuzz", text, size - 1, &e) == 0;
		else if (fns[k](b, "fixed", fixed[k], strlen(fixed[k]), &e) !=
		    0)
			abort();
	}
	if (ok && (db = rvu_build_finish(b, &e)) != NULL) {
		struct rvu_cfg cfg;
		struct rvu_pricer *pr;
		struct buf out = BUF_INIT;

		rvu_cfg_init(&cfg);
		cfg.explain = 1;
		pr = rvu_pricer_alloc(db, &cfg);
		if (jdoc_parse(d, claim, strlen(claim)) != 0)
			abort();
		jpatch_reset(p, d);
		rvu_price(pr, d, p);
		jpatch_write(p, &out);
		if (jdoc_parse(d2, out.s, out.len) != 0)
			abort();
		buf_free(&out);
		rvu_pricer_free(pr);
		rvu_db_free(db);
	}
	rvu_build_free(b);
	free(text);
	return 0;
}
