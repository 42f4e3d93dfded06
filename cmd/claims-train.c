/*
 * claims-train: train the filter model from labelled claim records.
 *
 * Reads every record into memory as a sparse feature vector (features.h)
 * with its label, holds out a stratified test split (or runs k-fold cross
 * validation), trains an XGBoost multi:softprob booster through the C API,
 * reports accuracy, per-class precision/recall/F1, log loss and the
 * majority-class baseline, and writes the model with its metadata as
 * XGBoost attributes (model.h).  Same input, options and seed: same model,
 * byte for byte (one thread; XGBoost's hist method is deterministic).
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xgboost/c_api.h>

#include "claimkit/buf.h"
#include "claimkit/cli.h"
#include "claimkit/diag.h"
#include "claimkit/features.h"
#include "claimkit/filters.h"
#include "claimkit/genrand.h"
#include "claimkit/hmap.h"
#include "claimkit/json.h"
#include "claimkit/jw.h"
#include "claimkit/labels.h"
#include "claimkit/model.h"
#include "claimkit/ndjson.h"
#include "claimkit/xalloc.h"

static const char usage_text[] =
"usage: claims-train [-hqV] [-f filters] [-k folds] [-l field] [-L sidecar]\n"
"                    [-n rounds] [-p key=value] [-s seed] [-T fraction]\n"
"                    [--eta eta] [--max-depth depth] [--min-count n]\n"
"                    [--model-version text] [--rejects file] [--threads n]\n"
"                    -o model [file ...]\n"
"\n"
"  -o, --output MODEL     model to write: MODEL.json as JSON, else UBJSON\n"
"  -l, --label FIELD      the record's top-level label FIELD (default filter)\n"
"  -L, --labels FILE      sidecar NDJSON: labels joined by claim_id\n"
"  -f, --filters FILE     filters CSV: class names and actions\n"
"  -T, --test-fraction F  held-out test share (default 0.2)\n"
"  -k, --folds K          k-fold cross validation instead of one split\n"
"  -s, --seed N           split and XGBoost seed (default 1)\n"
"  -n, --rounds N         boosting rounds (default 20)\n"
"      --max-depth N      tree depth (default 6)\n"
"      --eta X            learning rate (default 0.3)\n"
"      --min-count N      keep categorical columns seen in N rows (default 2)\n"
"  -p, --param KEY=VALUE  any other XGBoost parameter (repeatable)\n"
"      --threads N        XGBoost threads (default 1, reproducible)\n"
"      --model-version S  version text stored in the model (default 1)\n"
"      --rejects FILE     write unusable records to FILE\n"
"  -q, --quiet            no report on standard output\n"
"  -h, --help             print this help\n"
"  -V, --version          print the version\n";

enum { OPT_ETA = 256, OPT_DEPTH, OPT_MINCOUNT, OPT_MVERSION, OPT_REJECTS,
    OPT_THREADS };

static const struct option longopts[] = {
	{ "eta",		required_argument, NULL, OPT_ETA },
	{ "filters",		required_argument, NULL, 'f' },
	{ "folds",		required_argument, NULL, 'k' },
	{ "help",		no_argument,	   NULL, 'h' },
	{ "label",		required_argument, NULL, 'l' },
	{ "labels",		required_argument, NULL, 'L' },
	{ "max-depth",		required_argument, NULL, OPT_DEPTH },
	{ "min-count",		required_argument, NULL, OPT_MINCOUNT },
	{ "model-version",	required_argument, NULL, OPT_MVERSION },
	{ "output",		required_argument, NULL, 'o' },
	{ "param",		required_argument, NULL, 'p' },
	{ "quiet",		no_argument,	   NULL, 'q' },
	{ "rejects",		required_argument, NULL, OPT_REJECTS },
	{ "rounds",		required_argument, NULL, 'n' },
	{ "seed",		required_argument, NULL, 's' },
	{ "test-fraction",	required_argument, NULL, 'T' },
	{ "threads",		required_argument, NULL, OPT_THREADS },
	{ "version",		no_argument,	   NULL, 'V' },
	{ NULL,			0,		   NULL, 0 }
};

struct opts {
	const char	*label, *labels, *output, *filters, *rejects;
	const char	*mversion;
	double		 test_fraction, eta;
	int		 folds, rounds, depth, threads, quiet;
	unsigned long	 min_count;
	unsigned long	 seed;
	char		**params;	/* "key=value" */
	size_t		 nparams;
};

/* A distinct label seen in the data, and then its class. */
struct klass {
	char		*text;
	enum label_kind	 kind;
	long long	 ival;
	size_t		 count;
	unsigned	 index;
	const struct filter *filter;
};

struct data {
	struct features_batch all;	/* every labelled row */
	struct klass	**rowclass;	/* per row */
	size_t		  rows, rowcap;
	struct hmap	 *labelmap;	/* label text -> struct klass */
	struct klass	**classes;	/* sorted; index = class number */
	unsigned	  nclass;
	int		  all_int;
	struct hmap	 *vocab;	/* "ns=value" -> struct word */
	struct word	**words;
	size_t		  nwords;
	/* The booster's columns: numeric ones, then hashed ones seen often
	 * enough (model.h, claimkit_columns). */
	int		 *colmap;	/* [FEATURES_WIDTH], -1: dropped */
	uint32_t	 *orig;		/* [width] */
	unsigned	  width;
	unsigned long	  nread, nrejected;
};

/* One readable name of a hashed column and how often it occurred. */
struct word {
	uint32_t	 col;
	unsigned long	 count;
	size_t		 off;		/* name in vocab_text */
};

static struct buf vocab_text;

struct metrics {
	unsigned	  nclass;
	/* nclass x nclass counts, [truth][predicted] */
	unsigned long	 *conf;
	double		  logloss;
	unsigned long	  n, correct, baseline_correct;
	unsigned	  majority;	/* of the training rows */
};

static void
xgb_check(int rc, const char *what)
{
	if (rc != 0)
		diag_fatal(CK_EX_SOFTWARE, "%s: %s", what, model_xgb_error());
}

static double
parse_double(const char *s, double lo, double hi, const char *what)
{
	char *end;
	double v = strtod(s, &end);

	if (*s == '\0' || *end != '\0' || !(v >= lo && v <= hi)) {
		diag_error(NULL, 0, "invalid %s (%g to %g): '%s'", what, lo, hi,
		    s);
		exit(CK_EX_USAGE);
	}
	return v;
}

/* ---- reading ---- */

static struct klass *
klass_of(struct data *dt, const struct label *lab)
{
	struct klass *k = hmap_get(dt->labelmap, lab->str, lab->len);

	if (k != NULL) {
		/* 7 and "7" are one class only if every label is integer. */
		if (k->kind != lab->kind)
			dt->all_int = 0;
		return k;
	}
	k = xcalloc(1, sizeof *k);
	k->text = xstrndup(lab->str, lab->len);
	k->kind = lab->kind;
	k->ival = lab->ival;
	if (lab->kind != LABEL_INT)
		dt->all_int = 0;
	hmap_put(dt->labelmap, lab->str, lab->len, k);
	dt->classes = xreallocarray(dt->classes, dt->nclass + 1,
	    sizeof *dt->classes);
	dt->classes[dt->nclass++] = k;
	return k;
}

static void
add_words(struct data *dt, const struct features *f)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		const char *nm = features_entry_name(f, i), *bar;

		if (f->idx[i] < FEATURES_NUMERIC)
			continue;
		/* Merged entries hold "a|b": count each name. */
		for (; *nm != '\0'; nm = *bar ? bar + 1 : bar) {
			size_t n;
			struct word *w;

			bar = strchr(nm, '|');
			if (bar == NULL)
				bar = nm + strlen(nm);
			n = (size_t)(bar - nm);
			if ((w = hmap_get(dt->vocab, nm, n)) == NULL) {
				w = xcalloc(1, sizeof *w);
				w->col = f->idx[i];
				w->off = vocab_text.len;
				buf_add(&vocab_text, nm, n);
				buf_addc(&vocab_text, '\0');
				hmap_put(dt->vocab, nm, n, w);
				dt->words = xreallocarray(dt->words,
				    dt->nwords + 1, sizeof *dt->words);
				dt->words[dt->nwords++] = w;
			}
			w->count++;
		}
	}
}

static void
read_data(struct data *dt, const struct opts *o, struct labels *side,
    int argc, char **argv)
{
	struct rejects *rj = rejects_open(o->rejects);
	struct ndin *in = ndin_open(argc, argv, rj);
	struct features *f = features_alloc();
	char reason[160];
	int rc;

	dt->labelmap = hmap_alloc();
	dt->vocab = hmap_alloc();
	dt->all_int = 1;
	features_batch_reset(&dt->all);
	while (ndin_next(in)) {
		const struct jdoc *d = ndin_doc(in);
		struct label lab;
		const char *id;
		size_t idlen;

		rc = -1;
		if (side != NULL && (id = jdoc_str(d, jdoc_get(d, 0,
		    "claim_id"), &idlen)) != NULL)
			rc = labels_get(side, id, idlen, &lab);
		if (rc != 0)
			rc = label_read(d, jdoc_get(d, 0, o->label), &lab);
		if (rc == -1) {
			snprintf(reason, sizeof reason, "no label '%s'",
			    o->label);
			ndin_reject(in, "no_label", reason);
			continue;
		}
		if (rc == -2) {
			ndin_reject(in, "bad_label",
			    "label is neither a string nor an integer");
			continue;
		}
		if (dt->rows == dt->rowcap) {
			dt->rowcap = dt->rowcap ? dt->rowcap * 2 : 1024;
			dt->rowclass = xreallocarray(dt->rowclass, dt->rowcap,
			    sizeof *dt->rowclass);
		}
		dt->rowclass[dt->rows] = klass_of(dt, &lab);
		dt->rowclass[dt->rows]->count++;
		dt->rows++;
		features_extract(f, d, FEATURES_NAMES);
		features_batch_add(&dt->all, f);
		add_words(dt, f);
	}
	dt->nread = ndin_nread(in);
	rc = ndin_close(in);
	dt->nrejected = rejects_count(rj);
	rejects_close(rj);
	features_free(f);
	if (rc != 0)
		exit(rc);
}

static int
cmp_klass(const void *a, const void *b)
{
	const struct klass *x = *(struct klass *const *)a;
	const struct klass *y = *(struct klass *const *)b;

	if (x->kind == LABEL_INT && y->kind == LABEL_INT)
		return x->ival < y->ival ? -1 : x->ival > y->ival;
	return strcmp(x->text, y->text);
}

/* Distinct labels -> classes in sorted order (numeric when all integer). */
static void
make_classes(struct data *dt, const struct filters *ft)
{
	size_t i, n = dt->nclass;

	if (!dt->all_int)
		for (i = 0; i < n; i++)
			dt->classes[i]->kind = LABEL_STR;
	qsort(dt->classes, n, sizeof *dt->classes, cmp_klass);
	for (i = 0; i < n; i++) {
		struct klass *k = dt->classes[i];

		k->index = (unsigned)i;
		if (ft == NULL)
			continue;
		k->filter = k->kind == LABEL_INT ?
		    filters_by_class(ft, k->ival) :
		    filters_by_code(ft, k->text, strlen(k->text));
		if (k->filter == NULL) {
			char q[64];

			diag_warn(NULL, 0, "label '%s' is not in the filters "
			    "table", diag_quote(q, sizeof q, k->text,
			    strlen(k->text)));
		}
	}
}

/*
 * The booster's columns: every numeric column, then the hashed columns
 * present in at least min_count rows, ascending.  A code seen once cannot
 * be learned from, and a narrow booster scores much faster.
 */
static void
make_columns(struct data *dt, const struct opts *o)
{
	unsigned long *count = xcalloc(FEATURES_WIDTH, sizeof *count);
	size_t k;
	unsigned c;

	for (k = 0; k < dt->all.nnz; k++)
		count[dt->all.idx[k]]++;
	dt->colmap = xcalloc(FEATURES_WIDTH, sizeof *dt->colmap);
	dt->orig = xcalloc(FEATURES_WIDTH, sizeof *dt->orig);
	dt->width = 0;
	for (c = 0; c < FEATURES_WIDTH; c++) {
		if (c >= FEATURES_NUMERIC && count[c] < o->min_count) {
			dt->colmap[c] = -1;
			continue;
		}
		dt->colmap[c] = (int)dt->width;
		dt->orig[dt->width++] = c;
	}
	free(count);
}

/* ---- splitting ---- */

/*
 * fold[r] for every row: stratified (each class is shuffled on its own
 * and dealt out), so every part has the class mix of the whole.
 * One split: fold 1 is the test set, 0 the training set.
 */
static unsigned *
assign_folds(const struct data *dt, const struct opts *o)
{
	unsigned *fold = xcalloc(dt->rows ? dt->rows : 1, sizeof *fold);
	size_t *rows = xcalloc(dt->rows ? dt->rows : 1, sizeof *rows);
	struct genrand g;
	unsigned c;

	for (c = 0; c < dt->nclass; c++) {
		size_t n = 0, i, ntest;

		genrand_seed(&g, o->seed, c);
		for (i = 0; i < dt->rows; i++)
			if (dt->rowclass[i]->index == c)
				rows[n++] = i;
		for (i = n; i > 1; i--) {
			size_t j = genrand_below(&g, (uint32_t)i), t;

			t = rows[i - 1];
			rows[i - 1] = rows[j];
			rows[j] = t;
		}
		if (o->folds > 0) {
			for (i = 0; i < n; i++)
				fold[rows[i]] = (unsigned)(i % o->folds);
			continue;
		}
		ntest = (size_t)floor((double)n * o->test_fraction + 0.5);
		if (ntest == 0 && n >= 2 && o->test_fraction > 0)
			ntest = 1;
		if (ntest >= n && n > 0)
			ntest = n - 1;
		for (i = 0; i < n; i++)
			fold[rows[i]] = i < ntest ? 1 : 0;
	}
	free(rows);
	return fold;
}

/* ---- XGBoost ---- */

/* DMatrix of the rows whose fold is (or, with invert, is not) f. */
static DMatrixHandle
matrix(const struct data *dt, const unsigned *fold, unsigned f, int invert,
    size_t *nrows)
{
	struct features_batch b = { 0 };
	struct features one;
	float *lab;
	size_t r, n = 0;
	DMatrixHandle dm;

	memset(&one, 0, sizeof one);
	features_batch_reset(&b);
	lab = xcalloc(dt->rows ? dt->rows : 1, sizeof *lab);
	one.cap = FEATURES_WIDTH;
	one.idx = xcalloc(one.cap, sizeof *one.idx);
	one.val = xcalloc(one.cap, sizeof *one.val);
	for (r = 0; r < dt->rows; r++) {
		size_t k;

		if (fold != NULL && (fold[r] == f) == invert)
			continue;
		one.n = 0;
		for (k = dt->all.indptr[r]; k < dt->all.indptr[r + 1]; k++) {
			int c = dt->colmap[dt->all.idx[k]];

			if (c >= 0) {
				one.idx[one.n] = (uint32_t)c;
				one.val[one.n++] = dt->all.val[k];
			}
		}
		features_batch_add(&b, &one);
		lab[n++] = (float)dt->rowclass[r]->index;
	}
	free(one.idx);
	free(one.val);
	xgb_check(XGDMatrixCreateFromCSREx(b.indptr, b.idx, b.val, n + 1,
	    b.nnz, dt->width, &dm), "training matrix");
	xgb_check(XGDMatrixSetFloatInfo(dm, "label", lab, n), "labels");
	features_batch_free(&b);
	free(lab);
	*nrows = n;
	return dm;
}

static void
set_param(BoosterHandle h, const char *k, const char *v)
{
	if (XGBoosterSetParam(h, k, v) != 0)
		diag_fatal(CK_EX_USAGE, "XGBoost parameter %s=%s: %s", k, v,
		    model_xgb_error());
}

static BoosterHandle
train(const struct data *dt, const struct opts *o, DMatrixHandle dtrain)
{
	BoosterHandle h;
	char v[64];
	size_t i;
	int it;

	xgb_check(XGBoosterCreate(&dtrain, 1, &h), "booster");
	set_param(h, "objective", "multi:softprob");
	snprintf(v, sizeof v, "%u", dt->nclass);
	set_param(h, "num_class", v);
	set_param(h, "tree_method", "hist");
	snprintf(v, sizeof v, "%d", o->depth);
	set_param(h, "max_depth", v);
	snprintf(v, sizeof v, "%.17g", o->eta);
	set_param(h, "eta", v);
	snprintf(v, sizeof v, "%lu", o->seed);
	set_param(h, "seed", v);
	snprintf(v, sizeof v, "%d", o->threads);
	set_param(h, "nthread", v);
	set_param(h, "eval_metric", "mlogloss");
	/* A misspelt -p key draws XGBoost's "not used" warning. */
	set_param(h, "validate_parameters", "1");
	for (i = 0; i < o->nparams; i++) {
		char *kv = xstrdup(o->params[i]), *eq = strchr(kv, '=');

		*eq = '\0';
		set_param(h, kv, eq + 1);
		free(kv);
	}
	/*
	 * XGBoost checks parameter values only when it configures itself:
	 * have it do so now, so that a bad -p value is a usage error.
	 */
	{
		bst_ulong len;
		const char *cfg;

		if (XGBoosterSaveJsonConfig(h, &len, &cfg) != 0)
			diag_fatal(CK_EX_USAGE, "XGBoost parameters: %s",
			    model_xgb_error());
	}
	for (it = 0; it < o->rounds; it++)
		xgb_check(XGBoosterUpdateOneIter(h, it, dtrain), "training");
	return h;
}

static unsigned
majority(const struct data *dt, const unsigned *fold, unsigned f, int invert)
{
	unsigned long *cnt = xcalloc(dt->nclass, sizeof *cnt);
	unsigned c, best = 0;
	size_t r;

	for (r = 0; r < dt->rows; r++)
		if (fold == NULL || (fold[r] == f) != invert)
			cnt[dt->rowclass[r]->index]++;
	for (c = 1; c < dt->nclass; c++)
		if (cnt[c] > cnt[best])
			best = c;
	free(cnt);
	return best;
}

/* Score the rows of fold f with h and add them to m. */
static void
evaluate(const struct data *dt, const unsigned *fold, unsigned f,
    BoosterHandle h, unsigned base, struct metrics *m)
{
	static const char cfg[] = "{\"type\":0,\"training\":false,"
	    "\"iteration_begin\":0,\"iteration_end\":0,\"strict_shape\":true}";
	const bst_ulong *shape;
	bst_ulong dim;
	const float *p;
	size_t n, r, i = 0;
	DMatrixHandle dtest = matrix(dt, fold, f, 0, &n);

	if (n == 0) {
		XGDMatrixFree(dtest);
		return;
	}
	xgb_check(XGBoosterPredictFromDMatrix(h, dtest, cfg, &shape, &dim, &p),
	    "prediction");
	for (r = 0; r < dt->rows; r++) {
		const float *row;
		unsigned truth, best = 0, c;

		if (fold[r] != f)
			continue;
		row = p + i++ * dt->nclass;
		truth = dt->rowclass[r]->index;
		for (c = 1; c < dt->nclass; c++)
			if (row[c] > row[best])
				best = c;
		m->conf[truth * dt->nclass + best]++;
		m->n++;
		m->correct += best == truth;
		m->baseline_correct += base == truth;
		m->logloss -= log(fmax((double)row[truth], 1e-15));
	}
	XGDMatrixFree(dtest);
}

/* ---- metadata ---- */

static void
class_json(struct jw *w, const struct klass *k)
{
	jw_obj(w);
	jw_key(w, "label");
	if (k->kind == LABEL_INT)
		jw_int(w, k->ival);
	else
		jw_str(w, k->text);
	if (k->filter != NULL) {
		jw_kint(w, "filter_id", k->filter->id);
		jw_kstr(w, "filter_code", k->filter->code);
		jw_kstr_opt(w, "filter_name", k->filter->name);
		jw_kstr_opt(w, "action", k->filter->action);
	}
	jw_obj_end(w);
}

struct prf {
	double	precision, recall, f1;
	unsigned long support;
};

static struct prf
class_prf(const struct metrics *m, unsigned c)
{
	struct prf r;
	unsigned long tp = m->conf[c * m->nclass + c], predicted = 0;
	unsigned k;

	r.support = 0;
	for (k = 0; k < m->nclass; k++) {
		r.support += m->conf[c * m->nclass + k];
		predicted += m->conf[k * m->nclass + c];
	}
	r.precision = predicted ? (double)tp / (double)predicted : 0.0;
	r.recall = r.support ? (double)tp / (double)r.support : 0.0;
	r.f1 = r.precision + r.recall > 0 ? 2 * r.precision * r.recall /
	    (r.precision + r.recall) : 0.0;
	return r;
}

static void
metrics_json(struct buf *b, const struct data *dt, const struct metrics *m,
    const char *method)
{
	struct jw w;
	unsigned c;

	jw_init(&w, b);
	jw_obj(&w);
	jw_kstr(&w, "method", method);
	jw_kint(&w, "rows", (long long)m->n);
	jw_key(&w, "accuracy");
	jw_fixed(&w, m->n ? (double)m->correct / (double)m->n : NAN, 6);
	jw_key(&w, "baseline_accuracy");
	jw_fixed(&w, m->n ? (double)m->baseline_correct / (double)m->n : NAN,
	    6);
	jw_key(&w, "baseline_class");
	class_json(&w, dt->classes[m->majority]);
	jw_key(&w, "log_loss");
	jw_fixed(&w, m->n ? m->logloss / (double)m->n : NAN, 6);
	jw_key(&w, "classes");
	jw_arr(&w);
	for (c = 0; c < m->nclass; c++) {
		struct prf p = class_prf(m, c);

		jw_obj(&w);
		jw_key(&w, "label");
		if (dt->classes[c]->kind == LABEL_INT)
			jw_int(&w, dt->classes[c]->ival);
		else
			jw_str(&w, dt->classes[c]->text);
		jw_key(&w, "precision");
		jw_fixed(&w, p.precision, 6);
		jw_key(&w, "recall");
		jw_fixed(&w, p.recall, 6);
		jw_key(&w, "f1");
		jw_fixed(&w, p.f1, 6);
		jw_kint(&w, "support", (long long)p.support);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_obj_end(&w);
}

static int
cmp_word(const void *a, const void *b)
{
	const struct word *x = *(struct word *const *)a;
	const struct word *y = *(struct word *const *)b;

	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(vocab_text.s + x->off, vocab_text.s + y->off);
}

/*
 * Names of the hashed columns the trees split on, so that --explain can
 * name a contribution of a code the claim does not have: the most
 * frequent training value of each such column.
 */
static void
vocab_json(struct buf *b, struct data *dt, BoosterHandle h)
{
	static const char cfg[] = "{\"importance_type\":\"weight\"}";
	bst_ulong nf, dim;
	const char **names;
	const bst_ulong *shape;
	const float *scores;
	unsigned char *used = xcalloc(FEATURES_WIDTH, 1);
	struct jw w;
	size_t i;
	char key[16];

	xgb_check(XGBoosterFeatureScore(h, cfg, &nf, &names, &dim, &shape,
	    &scores), "feature scores");
	for (i = 0; i < nf; i++) {
		unsigned long col;

		if (names[i][0] == 'f' && (col = strtoul(names[i] + 1, NULL,
		    10)) < dt->width)
			used[dt->orig[col]] = 1;
	}
	qsort(dt->words, dt->nwords, sizeof *dt->words, cmp_word);
	jw_init(&w, b);
	jw_obj(&w);
	for (i = 0; i < dt->nwords; i++) {
		const struct word *x = dt->words[i];

		/* Sorted by column, most frequent first: take the first. */
		if (!used[x->col] || (i > 0 && dt->words[i - 1]->col == x->col))
			continue;
		snprintf(key, sizeof key, "%u", (unsigned)x->col);
		jw_kstr(&w, key, vocab_text.s + x->off);
	}
	jw_obj_end(&w);
	free(used);
}

static void
set_attr(BoosterHandle h, const char *key, const struct buf *b)
{
	xgb_check(XGBoosterSetAttr(h, key, b->s), "attribute");
}

/* Write the model next to its destination, then rename it into place. */
static size_t
save(BoosterHandle h, const char *path)
{
	const char *ext = strrchr(path, '.');
	int json = ext != NULL && strcmp(ext, ".json") == 0;
	bst_ulong len;
	const char *bytes;
	struct buf tmp = BUF_INIT;
	FILE *fp;

	xgb_check(XGBoosterSaveModelToBuffer(h, json ?
	    "{\"format\":\"json\"}" : "{\"format\":\"ubj\"}", &len, &bytes),
	    "saving the model");
	buf_printf(&tmp, "%s.tmp%ld", path, (long)getpid());
	if ((fp = fopen(tmp.s, "wb")) == NULL)
		diag_fatal(CK_EX_IOERR, "cannot create '%s': %s", tmp.s,
		    strerror(errno));
	if (fwrite(bytes, 1, len, fp) != len || fflush(fp) == EOF ||
	    fsync(fileno(fp)) != 0 || fclose(fp) == EOF) {
		unlink(tmp.s);
		diag_fatal(CK_EX_IOERR, "cannot write '%s': %s", tmp.s,
		    strerror(errno));
	}
	if (rename(tmp.s, path) != 0) {
		unlink(tmp.s);
		diag_fatal(CK_EX_IOERR, "cannot rename '%s' to '%s': %s",
		    tmp.s, path, strerror(errno));
	}
	buf_free(&tmp);
	return len;
}

static void
free_data(struct data *dt)
{
	size_t i;

	for (i = 0; i < dt->nclass; i++) {
		free(dt->classes[i]->text);
		free(dt->classes[i]);
	}
	free(dt->classes);
	for (i = 0; i < dt->nwords; i++)
		free(dt->words[i]);
	free(dt->words);
	hmap_free(dt->labelmap);
	hmap_free(dt->vocab);
	free(dt->rowclass);
	free(dt->colmap);
	free(dt->orig);
	features_batch_free(&dt->all);
	buf_free(&vocab_text);
}

/* ---- report ---- */

static void
report(const struct data *dt, const struct opts *o, const struct metrics *m,
    size_t ntrain, size_t ntest, size_t bytes, const char *method)
{
	unsigned c;
	double acc = m->n ? (double)m->correct / (double)m->n : NAN;
	double base = m->n ? (double)m->baseline_correct / (double)m->n : NAN;

	printf("records: %lu read, %zu labelled, %lu rejected\n", dt->nread,
	    dt->rows, dt->nrejected);
	printf("classes: %u (label '%s'), features: version %d, %u of %u "
	    "columns\n", dt->nclass, o->label, FEATURES_VERSION, dt->width,
	    (unsigned)FEATURES_WIDTH);
	printf("evaluation: %s: %zu training rows, %zu test rows\n", method,
	    ntrain, ntest);
	printf("parameters: rounds %d, max_depth %d, eta %g, seed %lu\n",
	    o->rounds, o->depth, o->eta, o->seed);
	printf("\n%-24s %9s %9s %9s %9s\n", "class", "precision", "recall",
	    "f1", "support");
	for (c = 0; c < dt->nclass; c++) {
		struct prf p = class_prf(m, c);

		printf("%-24.24s %9.4f %9.4f %9.4f %9lu\n",
		    dt->classes[c]->text, p.precision, p.recall, p.f1,
		    p.support);
	}
	printf("\naccuracy: %.4f\n", acc);
	printf("baseline: %.4f (majority class '%s')\n", base,
	    dt->classes[m->majority]->text);
	printf("gain over baseline: %+.1f points\n", (acc - base) * 100);
	printf("log loss: %.4f\n", m->n ? m->logloss / (double)m->n : NAN);
	printf("model: %s (%zu bytes)\n", o->output, bytes);
}

int
main(int argc, char **argv)
{
	struct opts o;
	struct data dt;
	struct metrics m;
	struct labels *side = NULL;
	struct filters *ft = NULL;
	struct buf b = BUF_INIT;
	struct jw w;
	BoosterHandle h;
	DMatrixHandle dtrain;
	unsigned *fold;
	size_t ntrain = 0, ntest = 0, bytes, i;
	char err[512], method[64];
	int c, rc;

	cli_init(argv[0], "claims-train");
	memset(&o, 0, sizeof o);
	memset(&dt, 0, sizeof dt);
	memset(&m, 0, sizeof m);
	o.label = "filter";
	o.test_fraction = 0.2;
	o.eta = 0.3;
	o.rounds = 20;
	o.depth = 6;
	o.threads = 1;
	o.seed = 1;
	o.mversion = "1";
	o.min_count = 2;
	while ((c = getopt_long(argc, argv, "f:hk:l:L:n:o:p:qs:T:V", longopts,
	    NULL)) != -1) {
		switch (c) {
		case 'f':
			o.filters = optarg;
			break;
		case 'h':
			cli_usage(0, usage_text);
		case 'k':
			o.folds = (int)cli_num(optarg, 2, 100,
			    "number of folds");
			break;
		case 'l':
			o.label = optarg;
			break;
		case 'L':
			o.labels = optarg;
			break;
		case 'n':
			o.rounds = (int)cli_num(optarg, 1, 100000,
			    "number of rounds");
			break;
		case 'o':
			o.output = optarg;
			break;
		case 'p':
			if (strchr(optarg, '=') == NULL ||
			    optarg[0] == '=') {
				diag_error(NULL, 0, "invalid parameter "
				    "(KEY=VALUE): '%s'", optarg);
				exit(CK_EX_USAGE);
			}
			o.params = xreallocarray(o.params, o.nparams + 1,
			    sizeof *o.params);
			o.params[o.nparams++] = optarg;
			break;
		case 'q':
			o.quiet = 1;
			break;
		case 's':
			o.seed = (unsigned long)cli_num(optarg, 0, 2147483647,
			    "seed");
			break;
		case 'T':
			o.test_fraction = parse_double(optarg, 0.01, 0.9,
			    "test fraction");
			break;
		case 'V':
			cli_version();
		case OPT_ETA:
			o.eta = parse_double(optarg, 1e-6, 1, "eta");
			break;
		case OPT_DEPTH:
			o.depth = (int)cli_num(optarg, 1, 32, "max depth");
			break;
		case OPT_MINCOUNT:
			o.min_count = (unsigned long)cli_num(optarg, 1,
			    1000000000, "minimum count");
			break;
		case OPT_MVERSION:
			o.mversion = optarg;
			break;
		case OPT_REJECTS:
			o.rejects = optarg;
			break;
		case OPT_THREADS:
			o.threads = (int)cli_num(optarg, 1, 256,
			    "number of threads");
			break;
		default:
			cli_usage(CK_EX_USAGE, usage_text);
		}
	}
	argc -= optind;
	argv += optind;
	if (o.output == NULL) {
		diag_error(NULL, 0, "no output: give -o MODEL");
		cli_usage(CK_EX_USAGE, usage_text);
	}
	model_log_init();
	if (o.filters != NULL && (ft = filters_open(o.filters, &rc, err,
	    sizeof err)) == NULL)
		diag_fatal(rc, "%s", err);
	if (o.labels != NULL && (side = labels_load(o.labels, o.label, err,
	    sizeof err)) == NULL)
		diag_fatal(CK_EX_NOINPUT, "%s", err);

	read_data(&dt, &o, side, argc, argv);
	if (dt.rows == 0)
		diag_fatal(CK_EX_DATAERR, "no labelled records");
	make_classes(&dt, ft);
	make_columns(&dt, &o);
	if (dt.nclass < 2)
		diag_fatal(CK_EX_DATAERR, "all %zu records have the same label "
		    "'%s': nothing to learn", dt.rows, dt.classes[0]->text);

	fold = assign_folds(&dt, &o);
	m.nclass = dt.nclass;
	m.conf = xcalloc((size_t)dt.nclass * dt.nclass, sizeof *m.conf);
	if (o.folds > 0) {
		int k;

		/* Each row is scored once, by the model that did not see it. */
		for (k = 0; k < o.folds; k++) {
			size_t n;

			dtrain = matrix(&dt, fold, (unsigned)k, 1, &n);
			h = train(&dt, &o, dtrain);
			evaluate(&dt, fold, (unsigned)k, h,
			    majority(&dt, fold, (unsigned)k, 1), &m);
			XGBoosterFree(h);
			XGDMatrixFree(dtrain);
		}
		m.majority = majority(&dt, NULL, 0, 0);
		snprintf(method, sizeof method, "%d-fold cross validation",
		    o.folds);
		/* The model written is trained on every row. */
		dtrain = matrix(&dt, NULL, 0, 0, &ntrain);
		ntest = dt.rows;
	} else {
		dtrain = matrix(&dt, fold, 1, 1, &ntrain);
		m.majority = majority(&dt, fold, 1, 1);
		snprintf(method, sizeof method, "held-out %.2f",
		    o.test_fraction);
	}
	h = train(&dt, &o, dtrain);
	if (o.folds == 0) {
		evaluate(&dt, fold, 1, h, m.majority, &m);
		ntest = m.n;
	}

	/* Metadata, as attributes inside the model file. */
	buf_reset(&b);
	buf_addi(&b, FEATURES_VERSION);
	set_attr(h, MODEL_ATTR_FEATURES, &b);
	buf_reset(&b);
	jw_init(&w, &b);
	jw_arr(&w);
	for (i = 0; i < dt.nclass; i++)
		class_json(&w, dt.classes[i]);
	jw_arr_end(&w);
	set_attr(h, MODEL_ATTR_CLASSES, &b);
	buf_reset(&b);
	buf_adds(&b, o.mversion);
	set_attr(h, MODEL_ATTR_VERSION, &b);
	buf_reset(&b);
	json_escape(&b, o.label, strlen(o.label));
	set_attr(h, MODEL_ATTR_LABEL, &b);
	buf_reset(&b);
	jw_init(&w, &b);
	jw_obj(&w);
	jw_kstr(&w, "objective", "multi:softprob");
	jw_kint(&w, "num_class", dt.nclass);
	jw_kstr(&w, "tree_method", "hist");
	jw_kint(&w, "rounds", o.rounds);
	jw_kint(&w, "max_depth", o.depth);
	jw_key(&w, "eta");
	jw_fixed(&w, o.eta, 6);
	jw_kint(&w, "seed", (long long)o.seed);
	jw_kint(&w, "min_count", (long long)o.min_count);
	jw_kint(&w, "columns", dt.width);
	if (o.folds > 0)
		jw_kint(&w, "folds", o.folds);
	else {
		jw_key(&w, "test_fraction");
		jw_fixed(&w, o.test_fraction, 4);
	}
	for (i = 0; i < o.nparams; i++) {
		char *kv = xstrdup(o.params[i]), *eq = strchr(kv, '=');

		*eq = '\0';
		jw_kstr(&w, kv, eq + 1);
		free(kv);
	}
	jw_obj_end(&w);
	set_attr(h, MODEL_ATTR_PARAMS, &b);
	buf_reset(&b);
	jw_init(&w, &b);
	jw_obj(&w);
	jw_kint(&w, "records", (long long)dt.nread);
	jw_kint(&w, "labelled", (long long)dt.rows);
	jw_kint(&w, "rejected", (long long)dt.nrejected);
	jw_kint(&w, "training_rows", (long long)ntrain);
	jw_kint(&w, "nonzero", (long long)dt.all.nnz);
	jw_key(&w, "class_counts");
	jw_obj(&w);
	for (i = 0; i < dt.nclass; i++)
		jw_kint(&w, dt.classes[i]->text,
		    (long long)dt.classes[i]->count);
	jw_obj_end(&w);
	jw_obj_end(&w);
	set_attr(h, MODEL_ATTR_TRAINING, &b);
	buf_reset(&b);
	metrics_json(&b, &dt, &m, method);
	set_attr(h, MODEL_ATTR_METRICS, &b);
	buf_reset(&b);
	vocab_json(&b, &dt, h);
	set_attr(h, MODEL_ATTR_NAMES, &b);
	buf_reset(&b);
	jw_init(&w, &b);
	jw_arr(&w);
	for (i = FEATURES_NUMERIC; i < dt.width; i++)
		jw_int(&w, dt.orig[i]);
	jw_arr_end(&w);
	set_attr(h, MODEL_ATTR_COLUMNS, &b);

	bytes = save(h, o.output);
	if (!o.quiet)
		report(&dt, &o, &m, ntrain, ntest, bytes, method);

	XGBoosterFree(h);
	XGDMatrixFree(dtrain);
	free_data(&dt);
	free(fold);
	free(o.params);
	free(m.conf);
	buf_free(&b);
	filters_free(ft);
	labels_free(side);
	return cli_finish(dt.nrejected > 0 ? CK_EX_REJECT : CK_EX_OK);
}
