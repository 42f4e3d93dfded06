/*
 * claims-predict: add the filter model's prediction to each claim, or
 * write the claims' feature vectors as LIBSVM text (--features).
 *
 * Records are gathered into batches (XGBoost scores a batch of rows for
 * little more than the cost of one), each parsed over its own copy of the
 * line (ndin_use), then patched and written in input order.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "claimkit/buf.h"
#include "claimkit/cli.h"
#include "claimkit/conf.h"
#include "claimkit/diag.h"
#include "claimkit/features.h"
#include "claimkit/filters.h"
#include "claimkit/json.h"
#include "claimkit/jw.h"
#include "claimkit/labels.h"
#include "claimkit/model.h"
#include "claimkit/ndjson.h"
#include "claimkit/xalloc.h"

static const char usage_text[] =
"usage: claims-predict [-hV] [-b size] [-e n] [-f filters] [-m model]\n"
"                      [-t threshold] [--rejects file] [--threads n]\n"
"                      [--unbuffered] [file ...]\n"
"       claims-predict --features [-f filters] [-l field] [-L sidecar]\n"
"                      [-m model] [--rejects file] [file ...]\n"
"       claims-predict --info [-f filters] [-m model]\n"
"\n"
"  -m, --model FILE      XGBoost model (JSON or UBJSON) from claims-train\n"
"  -f, --filters FILE    filters CSV: names and actions of the classes\n"
"  -t, --threshold P     mark predictions whose probability is below P\n"
"                        for review\n"
"  -e, --explain N       add the N largest feature contributions\n"
"  -b, --batch N         records scored per XGBoost call (default 64)\n"
"      --threads N       XGBoost threads (default 1)\n"
"      --unbuffered      write each record at once (batch size 1)\n"
"      --rejects FILE    write records that are not JSON objects to FILE\n"
"      --features        write LIBSVM feature vectors instead\n"
"  -l, --label FIELD     with --features: label from top-level FIELD\n"
"  -L, --labels FILE     with --features: labels joined by claim_id\n"
"      --info            print the model's metadata as JSON\n"
"  -h, --help            print this help\n"
"  -V, --version         print the version\n";

enum { OPT_REJECTS = 256, OPT_THREADS, OPT_UNBUFFERED, OPT_FEATURES,
    OPT_INFO };

static const struct option longopts[] = {
	{ "batch",	required_argument,	NULL, 'b' },
	{ "explain",	required_argument,	NULL, 'e' },
	{ "features",	no_argument,		NULL, OPT_FEATURES },
	{ "filters",	required_argument,	NULL, 'f' },
	{ "help",	no_argument,		NULL, 'h' },
	{ "info",	no_argument,		NULL, OPT_INFO },
	{ "label",	required_argument,	NULL, 'l' },
	{ "labels",	required_argument,	NULL, 'L' },
	{ "model",	required_argument,	NULL, 'm' },
	{ "rejects",	required_argument,	NULL, OPT_REJECTS },
	{ "threads",	required_argument,	NULL, OPT_THREADS },
	{ "threshold",	required_argument,	NULL, 't' },
	{ "unbuffered",	no_argument,	NULL, OPT_UNBUFFERED },
	{ "version",	no_argument,		NULL, 'V' },
	{ NULL,		0,			NULL, 0 }
};

/* One buffered record: its line copy, its parse, its named features. */
struct slot {
	struct buf	 text;
	struct jdoc	*doc;
	struct features	*f;
};

struct run {
	struct model	*m;
	const struct filters *filters;
	struct ndin	*in;
	struct slot	*slots;
	size_t		 batch, n;
	struct features	*f;	/* shared when not explaining */
	struct features_batch fb;
	struct jpatch	*patch;
	struct buf	 sec;
	double		 threshold;	/* NAN: none */
	int		 explain;
	/* --features */
	const char	*label;
	struct labels	*labels;
};

static double
parse_prob(const char *s, const char *what, int code)
{
	char *end;
	double v = strtod(s, &end);

	if (*s == '\0' || *end != '\0' || !(v >= 0.0 && v <= 1.0)) {
		diag_error(NULL, 0, "invalid %s (0 to 1): '%s'", what, s);
		exit(code);
	}
	return v;
}

static struct filters *
load_filters(const char *path)
{
	struct filters *t;
	char err[512];
	int rc;

	if (path == NULL)
		return NULL;
	if ((t = filters_open(path, &rc, err, sizeof err)) == NULL)
		diag_fatal(rc, "%s", err);
	return t;
}

/* ---- prediction output ---- */

static void
class_info(struct jw *w, const struct model_class *k)
{
	jw_key(w, "filter");
	if (k->is_int)
		jw_int(w, k->ival);
	else
		jw_str(w, k->label);
	if (k->filter_id >= 0)
		jw_kint(w, "filter_id", k->filter_id);
	jw_kstr_opt(w, "filter_code", k->filter_code);
	jw_kstr_opt(w, "filter_name", k->filter_name);
	jw_kstr_opt(w, "action", k->action);
}

struct contrib {
	unsigned	col;
	float		c;
};

static int
cmp_contrib(const void *a, const void *b)
{
	const struct contrib *x = a, *y = b;
	float ax = fabsf(x->c), ay = fabsf(y->c);

	if (ax != ay)
		return ax > ay ? -1 : 1;
	/* Equal weights: lower column first, so output is stable. */
	return x->col < y->col ? -1 : x->col > y->col;
}

/* Entry of column col in the row's vector, or -1 (missing). */
static long
find_col(const struct features *f, unsigned col)
{
	size_t lo = 0, hi = f->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (f->idx[mid] < col)
			lo = mid + 1;
		else if (f->idx[mid] > col)
			hi = mid;
		else
			return (long)mid;
	}
	return -1;
}

static void
explain(struct run *r, struct jw *w, const struct features *f,
    const float *row, int negate)
{
	struct model *m = r->m;
	struct contrib *top = xcalloc((size_t)r->explain, sizeof *top);
	size_t ntop = 0, i;
	unsigned col;

	/* Keep the N largest |contribution|, bias (the last) excluded. */
	for (col = 0; col < m->nfeat; col++) {
		struct contrib c = { col, negate ? -row[col] : row[col] };

		if (c.c == 0.0f)
			continue;
		if (ntop < (size_t)r->explain)
			top[ntop++] = c;
		else if (cmp_contrib(&c, &top[ntop - 1]) < 0)
			top[ntop - 1] = c;
		else
			continue;
		qsort(top, ntop, sizeof *top, cmp_contrib);
	}
	jw_key(w, "explain");
	jw_arr(w);
	for (i = 0; i < ntop; i++) {
		unsigned fcol = model_feature_column(m, top[i].col);
		long e = find_col(f, fcol);
		const char *name;
		char tmp[32];

		jw_obj(w);
		if (e >= 0)
			name = features_entry_name(f, (size_t)e);
		else if ((name = model_column_name(m, fcol)) == NULL) {
			snprintf(tmp, sizeof tmp, "column %u", fcol);
			name = tmp;
		}
		jw_kstr(w, "feature", name);
		jw_key(w, "value");
		if (e >= 0)
			jw_fixed(w, f->val[e], f->val[e] == floorf(f->val[e]) ?
			    0 : 2);
		else
			jw_null(w);
		jw_key(w, "contribution");
		jw_fixed(w, top[i].c, 6);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	free(top);
}

static void
flush(struct run *r)
{
	struct model *m = r->m;
	const float *probs, *contribs = NULL;
	size_t i, groups = 0, stride = (size_t)m->nfeat + 1;
	char err[512];

	if (r->n == 0)
		return;
	if ((probs = model_predict(m, &r->fb, err, sizeof err)) == NULL)
		diag_fatal(CK_EX_SOFTWARE, "%s", err);
	if (r->explain > 0 && (contribs = model_contribs(m, &r->fb, &groups,
	    err, sizeof err)) == NULL)
		diag_fatal(CK_EX_SOFTWARE, "%s", err);
	for (i = 0; i < r->n; i++) {
		struct slot *s = &r->slots[i];
		const float *p = probs + i * m->nclass;
		unsigned k, best = 0;
		struct jw w;

		for (k = 1; k < m->nclass; k++)
			if (p[k] > p[best])
				best = k;
		buf_reset(&r->sec);
		jw_init(&w, &r->sec);
		jw_obj(&w);
		class_info(&w, &m->classes[best]);
		jw_key(&w, "probability");
		jw_fixed(&w, p[best], 6);
		if (!isnan(r->threshold))
			jw_kbool(&w, "review", p[best] < r->threshold);
		jw_key(&w, "probabilities");
		jw_obj(&w);
		for (k = 0; k < m->nclass; k++) {
			jw_key(&w, m->classes[k].label);
			jw_fixed(&w, p[k], 6);
		}
		jw_obj_end(&w);
		jw_key(&w, "model");
		jw_obj(&w);
		jw_kstr(&w, "id", m->id);
		jw_kstr_opt(&w, "version", m->version);
		jw_obj_end(&w);
		if (contribs != NULL) {
			/* Binary models explain class 1; flip for class 0. */
			size_t g = groups == 1 ? 0 : best;

			explain(r, &w, s->f, contribs + (i * groups + g) *
			    stride, groups == 1 && best == 0);
		}
		jw_obj_end(&w);
		jpatch_reset(r->patch, s->doc);
		jpatch_set(r->patch, 0, "prediction", r->sec.s, r->sec.len);
		ndout_patch(r->patch);
	}
	r->n = 0;
	features_batch_reset(&r->fb);
}

static void
predict_loop(struct run *r)
{
	size_t i;

	r->slots = xcalloc(r->batch, sizeof *r->slots);
	for (i = 0; i < r->batch; i++) {
		r->slots[i].doc = jdoc_alloc();
		if (r->explain > 0)
			r->slots[i].f = features_alloc();
	}
	r->f = features_alloc();
	r->patch = jpatch_alloc();
	features_batch_reset(&r->fb);
	for (;;) {
		struct slot *s = &r->slots[r->n];
		struct features *f = r->explain > 0 ? s->f : r->f;

		ndin_use(r->in, s->doc, &s->text);
		if (!ndin_next(r->in))
			break;
		features_extract(f, s->doc, r->explain > 0 ? FEATURES_NAMES :
		    0);
		features_batch_add(&r->fb, f);
		if (++r->n == r->batch)
			flush(r);
	}
	flush(r);
	ndin_use(r->in, NULL, NULL);
	for (i = 0; i < r->batch; i++) {
		buf_free(&r->slots[i].text);
		jdoc_free(r->slots[i].doc);
		features_free(r->slots[i].f);
	}
	free(r->slots);
	features_free(r->f);
	features_batch_free(&r->fb);
	jpatch_free(r->patch);
	buf_free(&r->sec);
}

/* ---- --features: LIBSVM text ---- */

static void
features_loop(struct run *r)
{
	struct features *f = features_alloc();
	struct buf out = BUF_INIT;
	char reason[160];

	while (ndin_next(r->in)) {
		const struct jdoc *d = ndin_doc(r->in);
		struct label lab;
		size_t i;
		long long y = 0;

		if (r->label != NULL) {
			const char *id;
			size_t idlen;
			int rc = -1;

			if (r->labels != NULL &&
			    (id = jdoc_str(d, jdoc_get(d, 0, "claim_id"),
			    &idlen)) != NULL)
				rc = labels_get(r->labels, id, idlen, &lab);
			if (rc != 0)
				rc = label_read(d, jdoc_get(d, 0, r->label),
				    &lab);
			if (rc == -1) {
				snprintf(reason, sizeof reason,
				    "no label '%s'", r->label);
				ndin_reject(r->in, "no_label", reason);
				continue;
			}
			if (rc == -2) {
				ndin_reject(r->in, "bad_label", "label is "
				    "neither a string nor an integer");
				continue;
			}
			if (lab.kind == LABEL_INT)
				y = lab.ival;
			else {
				const struct filter *flt =
				    filters_by_code(r->filters, lab.str,
				    lab.len);
				char q[64];

				if (flt == NULL) {
					snprintf(reason, sizeof reason,
					    "label '%s' is not in the filters "
					    "table", diag_quote(q, sizeof q,
					    lab.str, lab.len));
					ndin_reject(r->in, "unknown_label",
					    reason);
					continue;
				}
				y = flt->class_index;
			}
		}
		features_extract(f, d, 0);
		buf_reset(&out);
		buf_addi(&out, y);
		for (i = 0; i < f->n; i++) {
			/* With a model: its own (narrower) column numbers. */
			long col = r->m != NULL ?
			    model_booster_column(r->m, f->idx[i]) :
			    (long)f->idx[i];

			if (col < 0)
				continue;
			buf_addc(&out, ' ');
			buf_addi(&out, col);
			buf_addc(&out, ':');
			features_fmt_value(&out, f->val[i]);
		}
		ndout_line(out.s, out.len);
	}
	buf_free(&out);
	features_free(f);
}

/* ---- --info ---- */

static void
attr_json(struct jw *w, struct model *m, const char *key, const char *name)
{
	struct jdoc *d = jdoc_alloc();
	char *v = model_attr(m, name);

	if (v != NULL) {
		jw_key(w, key);
		/* Our own attributes are JSON; anything else goes as text. */
		if (jdoc_parse(d, v, strlen(v)) == 0)
			jw_raw(w, v, strlen(v));
		else
			jw_str(w, v);
	}
	free(v);
	jdoc_free(d);
}

static void
info(struct model *m, const char *path, double load_ms)
{
	struct buf b = BUF_INIT;
	struct jw w;
	unsigned k;

	jw_init(&w, &b);
	jw_obj(&w);
	jw_kstr(&w, "file", path);
	jw_kstr(&w, "id", m->id);
	jw_kstr_opt(&w, "version", m->version);
	if (m->features_version > 0)
		jw_kint(&w, "features_version", m->features_version);
	jw_kint(&w, "num_feature", m->nfeat);
	jw_key(&w, "classes");
	jw_arr(&w);
	for (k = 0; k < m->nclass; k++) {
		jw_obj(&w);
		class_info(&w, &m->classes[k]);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	attr_json(&w, m, "label", MODEL_ATTR_LABEL);
	attr_json(&w, m, "params", MODEL_ATTR_PARAMS);
	attr_json(&w, m, "training", MODEL_ATTR_TRAINING);
	attr_json(&w, m, "metrics", MODEL_ATTR_METRICS);
	jw_key(&w, "load_ms");
	jw_fixed(&w, load_ms, 3);
	jw_obj_end(&w);
	ndout_line(b.s, b.len);
	buf_free(&b);
}

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int
main(int argc, char **argv)
{
	struct run r;
	struct rejects *rj;
	struct filters *filters;
	const char *model_path = NULL, *filters_path = NULL, *thr = NULL;
	const char *rejects_path = NULL, *labels_path = NULL;
	int c, rc, threads = 1, unbuffered = 0, want_features = 0;
	int want_info = 0;
	char err[512];
	double t0;

	cli_init(argv[0], "claims-predict");
	memset(&r, 0, sizeof r);
	r.batch = 64;
	r.threshold = NAN;
	while ((c = getopt_long(argc, argv, "b:e:f:hl:L:m:t:V", longopts,
	    NULL)) != -1) {
		switch (c) {
		case 'b':
			r.batch = (size_t)cli_num(optarg, 1, 65536,
			    "batch size");
			break;
		case 'e':
			r.explain = (int)cli_num(optarg, 1, 1000,
			    "number of contributions");
			break;
		case 'f':
			filters_path = optarg;
			break;
		case 'h':
			cli_usage(0, usage_text);
		case 'l':
			r.label = optarg;
			break;
		case 'L':
			labels_path = optarg;
			break;
		case 'm':
			model_path = optarg;
			break;
		case 't':
			thr = optarg;
			break;
		case 'V':
			cli_version();
		case OPT_FEATURES:
			want_features = 1;
			break;
		case OPT_INFO:
			want_info = 1;
			break;
		case OPT_REJECTS:
			rejects_path = optarg;
			break;
		case OPT_THREADS:
			threads = (int)cli_num(optarg, 1, 256,
			    "number of threads");
			break;
		case OPT_UNBUFFERED:
			unbuffered = 1;
			break;
		default:
			cli_usage(CK_EX_USAGE, usage_text);
		}
	}
	argc -= optind;
	argv += optind;
	if (want_features && want_info)
		cli_usage(CK_EX_USAGE, usage_text);
	if (!want_features && (r.label != NULL || labels_path != NULL)) {
		diag_error(NULL, 0, "--label and --labels go with --features");
		exit(CK_EX_USAGE);
	}
	if (labels_path != NULL && r.label == NULL) {
		diag_error(NULL, 0, "--labels needs --label FIELD");
		exit(CK_EX_USAGE);
	}
	if (want_info && argc > 0)
		cli_usage(CK_EX_USAGE, usage_text);

	filters_path = conf_pick(filters_path, "CLAIMKIT_FILTERS",
	    "predict.filters", NULL);
	filters = load_filters(filters_path);
	r.filters = filters;

	if (want_features) {
		/* A model given (flag only): write its columns. */
		if (model_path != NULL) {
			model_log_init();
			if ((r.m = model_load(model_path, threads, err,
			    sizeof err)) == NULL)
				diag_fatal(CK_EX_CONFIG, "%s", err);
		}
		if (labels_path != NULL && (r.labels = labels_load(labels_path,
		    r.label, err, sizeof err)) == NULL)
			diag_fatal(CK_EX_NOINPUT, "%s", err);
		rj = rejects_open(rejects_path);
		r.in = ndin_open(argc, argv, rj);
		if (unbuffered)
			ndout_unbuffered(1);
		features_loop(&r);
		model_free(r.m);
		goto done;
	}

	model_path = conf_pick(model_path, "CLAIMKIT_MODEL", "predict.model",
	    NULL);
	if (model_path == NULL) {
		diag_error(NULL, 0, "no model: give --model FILE, or set "
		    "CLAIMKIT_MODEL or predict.model in claimkit.conf");
		exit(CK_EX_USAGE);
	}
	{
		const char *flag = thr;

		thr = conf_pick(flag, "CLAIMKIT_THRESHOLD", "predict.threshold",
		    NULL);
		if (thr != NULL)
			r.threshold = parse_prob(thr, thr == flag ? "threshold" :
			    "threshold (CLAIMKIT_THRESHOLD or predict.threshold)",
			    conf_bad_exit(thr, flag));
	}
	model_log_init();
	t0 = now_ms();
	if ((r.m = model_load(model_path, threads, err, sizeof err)) == NULL)
		diag_fatal(CK_EX_CONFIG, "%s", err);
	if (filters != NULL)
		model_set_filters(r.m, filters);
	if (want_info) {
		info(r.m, model_path, now_ms() - t0);
		model_free(r.m);
		filters_free(filters);
		return cli_finish(0);
	}
	if (unbuffered) {
		ndout_unbuffered(1);
		r.batch = 1;
	}
	if (r.explain > 0) {
		/*
		 * Contributions take rows * classes * (columns + 1) floats
		 * (14 kB a row for the bundled model, 330 kB for a full-width
		 * one): keep a batch's within 8 MB.
		 */
		size_t row = (size_t)r.m->nclass * (r.m->nfeat + 1) *
		    sizeof(float), cap = ((size_t)8 << 20) / row;

		if (cap < 1)
			cap = 1;
		if (r.batch > cap)
			r.batch = cap;
	}
	rj = rejects_open(rejects_path);
	r.in = ndin_open(argc, argv, rj);
	predict_loop(&r);
	model_free(r.m);
done:
	rc = ndin_close(r.in);
	if (rejects_count(rj) > 0 && rc == 0)
		rc = CK_EX_REJECT;
	rejects_close(rj);
	labels_free(r.labels);
	filters_free(filters);
	return cli_finish(rc);
}
