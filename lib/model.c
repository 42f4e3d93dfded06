/* model: load and score the XGBoost filter model (model.h). */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>
#include <xgboost/c_api.h>

#include "claimkit/diag.h"
#include "claimkit/features.h"
#include "claimkit/filters.h"
#include "claimkit/json.h"
#include "claimkit/model.h"
#include "claimkit/xalloc.h"

/* Models larger than this are not filter models (and not read). */
#define MODEL_MAX_BYTES (1024L * 1024 * 1024)

const char *
model_xgb_error(void)
{
	static char msg[512];
	const char *e = XGBGetLastError(), *p, *nl;
	size_t n;

	if (e == NULL || *e == '\0')
		return "unknown XGBoost error";
	/* "[08:01:54] ./src/common/json.cc:407: message..." */
	if (e[0] == '[' && (p = strchr(e, ']')) != NULL)
		e = p + 1;
	while (*e == ' ')
		e++;
	if (strncmp(e, "./", 2) == 0 || strncmp(e, "/", 1) == 0) {
		p = strstr(e, ": ");
		nl = strchr(e, '\n');
		if (p != NULL && (nl == NULL || p < nl))
			e = p + 2;
	}
	n = (nl = strchr(e, '\n')) != NULL ? (size_t)(nl - e) : strlen(e);
	while (n > 0 && (e[n - 1] == ' ' || e[n - 1] == ':' ||
	    e[n - 1] == '\r'))
		n--;
	if (n >= sizeof msg)
		n = sizeof msg - 1;
	memcpy(msg, e, n);
	msg[n] = '\0';
	return msg;
}

/*
 * XGBoost's messages look like "[08:01:54] WARNING: ./src/learner.cc:767:
 * \nParameters: { "foo" } are not used.\n": keep the words, on one line.
 */
static void
log_cb(const char *msg)
{
	char out[512];
	const char *p = msg, *q;
	size_t n = 0;

	if (p[0] == '[' && (q = strchr(p, ']')) != NULL)
		p = q + 1;
	while (*p == ' ')
		p++;
	if (strncmp(p, "WARNING: ", 9) == 0)
		p += 9;
	if ((strncmp(p, "./", 2) == 0 || p[0] == '/') &&
	    (q = strstr(p, ": ")) != NULL && strcspn(p, "\n ") >=
	    (size_t)(q - p))
		p = q + 2;
	for (; *p != '\0' && n < sizeof out - 1; p++) {
		char c = *p == '\n' || *p == '\r' ? ' ' : *p;

		if (c == ' ' && (n == 0 || out[n - 1] == ' '))
			continue;
		out[n++] = c;
	}
	while (n > 0 && out[n - 1] == ' ')
		n--;
	out[n] = '\0';
	if (n > 0)
		diag_warn(NULL, 0, "xgboost: %s", out);
}

void
model_log_init(void)
{
	XGBRegisterLogCallback(log_cb);
}

static char *
read_file(const char *path, size_t *len, char *err, size_t errsz)
{
	FILE *fp = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0, r;

	if (fp == NULL) {
		snprintf(err, errsz, "cannot open model '%s': %s", path,
		    strerror(errno));
		return NULL;
	}
	for (;;) {
		if (n == cap) {
			if (cap >= (size_t)MODEL_MAX_BYTES) {
				snprintf(err, errsz, "model '%s' is larger "
				    "than %ld bytes", path, MODEL_MAX_BYTES);
				goto fail;
			}
			cap = cap ? cap * 2 : 1 << 20;
			buf = xrealloc(buf, cap);
		}
		r = fread(buf + n, 1, cap - n, fp);
		n += r;
		if (r == 0)
			break;
	}
	if (ferror(fp)) {
		snprintf(err, errsz, "cannot read model '%s': %s", path,
		    strerror(errno));
		goto fail;
	}
	fclose(fp);
	*len = n;
	return buf;
fail:
	fclose(fp);
	free(buf);
	return NULL;
}

/* Attribute value (copied), or NULL when the model has none. */
static char *
get_attr(BoosterHandle h, const char *key)
{
	const char *v;
	int ok = 0;

	if (XGBoosterGetAttr(h, key, &v, &ok) != 0 || !ok || v == NULL)
		return NULL;
	return xstrdup(v);
}

static char *
dup_str(const struct jdoc *d, int n)
{
	size_t len;
	const char *s = jdoc_str(d, n, &len);

	return s != NULL ? xstrndup(s, len) : NULL;
}

static int
parse_classes(struct model *m, const char *json, char *err, size_t errsz)
{
	struct jdoc *d = jdoc_alloc();
	unsigned i = 0;
	int c, rc = -1;

	if (jdoc_parse(d, json, strlen(json)) != 0 ||
	    jdoc_type(d, 0) != J_ARRAY || jdoc_count(d, 0) != m->nclass) {
		snprintf(err, errsz, "attribute %s does not describe %u "
		    "classes", MODEL_ATTR_CLASSES, m->nclass);
		goto out;
	}
	for (c = jdoc_first(d, 0); c >= 0; c = jdoc_next(d, c), i++) {
		struct model_class *k = &m->classes[i];
		int lab = jdoc_get(d, c, "label");
		long long v;

		if (jdoc_int(d, lab, &v) == 0) {
			char num[24];

			snprintf(num, sizeof num, "%lld", v);
			free(k->label);
			k->label = xstrdup(num);
			k->is_int = 1;
			k->ival = v;
		} else if (jdoc_type(d, lab) == J_STRING) {
			free(k->label);
			k->label = dup_str(d, lab);
			k->is_int = 0;
		} else {
			snprintf(err, errsz, "attribute %s: class %u has no "
			    "label", MODEL_ATTR_CLASSES, i);
			goto out;
		}
		if (jdoc_int(d, jdoc_get(d, c, "filter_id"), &v) == 0)
			k->filter_id = v;
		k->filter_code = dup_str(d, jdoc_get(d, c, "filter_code"));
		k->filter_name = dup_str(d, jdoc_get(d, c, "filter_name"));
		k->action = dup_str(d, jdoc_get(d, c, "action"));
	}
	rc = 0;
out:
	jdoc_free(d);
	return rc;
}

static void
parse_names(struct model *m, const char *json)
{
	struct jdoc *d = jdoc_alloc();
	int c;

	/* A vocabulary that does not parse only costs readable names. */
	if (jdoc_parse(d, json, strlen(json)) == 0 &&
	    jdoc_type(d, 0) == J_OBJECT) {
		m->names = xcalloc(FEATURES_WIDTH, sizeof *m->names);
		for (c = jdoc_first(d, 0); c >= 0; c = jdoc_next(d, c)) {
			const char *k = jdoc_key(d, c, NULL);
			char *end;
			unsigned long col = strtoul(k, &end, 10);

			if (*end == '\0' && col < FEATURES_WIDTH &&
			    m->names[col] == NULL)
				m->names[col] = dup_str(d, c);
		}
	}
	jdoc_free(d);
}

/* claimkit_columns: ascending feature columns past the numeric ones. */
static int
parse_columns(struct model *m, const char *path, const char *json, char *err,
    size_t errsz)
{
	struct jdoc *d = jdoc_alloc();
	unsigned i, k = FEATURES_NUMERIC;
	int c, rc = -1;

	if (jdoc_parse(d, json, strlen(json)) != 0 ||
	    jdoc_type(d, 0) != J_ARRAY || m->nfeat < FEATURES_NUMERIC ||
	    jdoc_count(d, 0) != m->nfeat - FEATURES_NUMERIC)
		goto bad;
	m->colmap = xcalloc(FEATURES_WIDTH, sizeof *m->colmap);
	m->orig = xcalloc(m->nfeat, sizeof *m->orig);
	for (i = 0; i < FEATURES_WIDTH; i++)
		m->colmap[i] = i < FEATURES_NUMERIC ? (int)i : -1;
	for (i = 0; i < FEATURES_NUMERIC; i++)
		m->orig[i] = i;
	for (c = jdoc_first(d, 0); c >= 0; c = jdoc_next(d, c), k++) {
		long long v;

		if (jdoc_int(d, c, &v) != 0 || v < (long long)
		    (k > FEATURES_NUMERIC ? m->orig[k - 1] + 1 :
		    FEATURES_NUMERIC) || v >= (long long)FEATURES_WIDTH)
			goto bad;
		m->orig[k] = (unsigned)v;
		m->colmap[v] = (int)k;
	}
	rc = 0;
	goto out;
bad:
	snprintf(err, errsz, "model '%s': attribute %s does not fit the "
	    "model's %u columns and feature version %d", path,
	    MODEL_ATTR_COLUMNS, m->nfeat, FEATURES_VERSION);
out:
	jdoc_free(d);
	return rc;
}

/* Objective, class count and width from the booster's JSON config. */
static int
read_config(struct model *m, const char *path, char *err, size_t errsz)
{
	struct jdoc *d = jdoc_alloc();
	bst_ulong len;
	const char *cfg, *obj, *s;
	long nclass = 0;
	int rc = -1;

	if (XGBoosterSaveJsonConfig(m->booster, &len, &cfg) != 0) {
		snprintf(err, errsz, "model '%s': %s", path,
		    model_xgb_error());
		goto out;
	}
	if (jdoc_parse(d, cfg, len) != 0 ||
	    (obj = jdoc_pstr(d, 0, "learner.objective.name")) == NULL) {
		snprintf(err, errsz, "model '%s': unreadable configuration",
		    path);
		goto out;
	}
	s = jdoc_pstr(d, 0, "learner.learner_model_param.num_class");
	if (s != NULL)
		nclass = strtol(s, NULL, 10);
	if (strcmp(obj, "multi:softprob") == 0 ||
	    strcmp(obj, "multi:softmax") == 0) {
		if (nclass < 2 || nclass > 10000) {
			snprintf(err, errsz, "model '%s': bad num_class %ld",
			    path, nclass);
			goto out;
		}
		/* softmax models hold the same trees; ask for probabilities. */
		if (strcmp(obj, "multi:softmax") == 0 &&
		    XGBoosterSetParam(m->booster, "objective",
		    "multi:softprob") != 0) {
			snprintf(err, errsz, "model '%s': %s", path,
			    model_xgb_error());
			goto out;
		}
		m->nclass = (unsigned)nclass;
	} else if (strcmp(obj, "binary:logistic") == 0) {
		m->nclass = 2;
		m->binary = 1;
	} else {
		snprintf(err, errsz, "model '%s': objective '%s' is not a "
		    "classifier (want multi:softprob, multi:softmax or "
		    "binary:logistic)", path, obj);
		goto out;
	}
	rc = 0;
out:
	jdoc_free(d);
	return rc;
}

struct model *
model_load(const char *path, int nthread, char *err, size_t errsz)
{
	struct model *m = xcalloc(1, sizeof *m);
	unsigned char digest[crypto_hash_sha256_BYTES];
	char *buf, *attr, num[16];
	size_t len, i;
	bst_ulong nf;

	if ((buf = read_file(path, &len, err, errsz)) == NULL)
		goto fail0;
	if (len == 0) {
		snprintf(err, errsz, "model '%s' is empty", path);
		free(buf);
		goto fail0;
	}
	crypto_hash_sha256(digest, (const unsigned char *)buf, len);
	for (i = 0; i < 8; i++)
		snprintf(m->id + 2 * i, 3, "%02x", digest[i]);
	if (XGBoosterCreate(NULL, 0, &m->booster) != 0) {
		snprintf(err, errsz, "XGBoster: %s", model_xgb_error());
		free(buf);
		goto fail0;
	}
	if (XGBoosterLoadModelFromBuffer(m->booster, buf, len) != 0) {
		snprintf(err, errsz, "cannot load model '%s': not an XGBoost "
		    "JSON or UBJSON model (%s)", path, model_xgb_error());
		free(buf);
		goto fail;
	}
	free(buf);
	snprintf(num, sizeof num, "%d", nthread);
	if (XGBoosterSetParam(m->booster, "nthread", num) != 0 ||
	    XGBoosterGetNumFeature(m->booster, &nf) != 0) {
		snprintf(err, errsz, "model '%s': %s", path,
		    model_xgb_error());
		goto fail;
	}
	m->nfeat = (unsigned)nf;
	if (read_config(m, path, err, errsz) != 0)
		goto fail;
	if ((attr = get_attr(m->booster, MODEL_ATTR_FEATURES)) != NULL) {
		char *end;
		long v = strtol(attr, &end, 10);

		if (*end != '\0' || v <= 0)
			v = -1;
		m->features_version = (int)v;
		free(attr);
		if (v != FEATURES_VERSION) {
			snprintf(err, errsz, "model '%s' was trained on "
			    "feature version %ld; this build extracts version "
			    "%d (retrain with this claims-train)", path, v,
			    FEATURES_VERSION);
			goto fail;
		}
	}
	if ((attr = get_attr(m->booster, MODEL_ATTR_COLUMNS)) != NULL) {
		int rc = parse_columns(m, path, attr, err, errsz);

		free(attr);
		if (rc != 0)
			goto fail;
	} else if (m->nfeat > FEATURES_WIDTH) {
		snprintf(err, errsz, "model '%s' expects %u features; feature "
		    "version %d has %u", path, m->nfeat, FEATURES_VERSION,
		    (unsigned)FEATURES_WIDTH);
		goto fail;
	}
	m->classes = xcalloc(m->nclass, sizeof *m->classes);
	for (i = 0; i < m->nclass; i++) {
		snprintf(num, sizeof num, "%zu", i);
		m->classes[i].label = xstrdup(num);
		m->classes[i].is_int = 1;
		m->classes[i].ival = (long long)i;
		m->classes[i].filter_id = -1;
	}
	if ((attr = get_attr(m->booster, MODEL_ATTR_CLASSES)) != NULL) {
		int rc = parse_classes(m, attr, err, errsz);

		free(attr);
		if (rc != 0)
			goto fail;
	}
	m->version = get_attr(m->booster, MODEL_ATTR_VERSION);
	if ((attr = get_attr(m->booster, MODEL_ATTR_NAMES)) != NULL) {
		parse_names(m, attr);
		free(attr);
	}
	return m;
fail:
	model_free(m);
	return NULL;
fail0:
	free(m);
	return NULL;
}

void
model_free(struct model *m)
{
	unsigned i;

	if (m == NULL)
		return;
	if (m->booster != NULL)
		XGBoosterFree(m->booster);
	for (i = 0; m->classes != NULL && i < m->nclass; i++) {
		free(m->classes[i].label);
		free(m->classes[i].filter_code);
		free(m->classes[i].filter_name);
		free(m->classes[i].action);
	}
	free(m->classes);
	for (i = 0; m->names != NULL && i < FEATURES_WIDTH; i++)
		free(m->names[i]);
	free(m->names);
	free(m->colmap);
	free(m->orig);
	free(m->version);
	if (m->scratch != NULL) {
		features_batch_free(m->scratch);
		free(m->scratch);
	}
	free(m->probs);
	free(m);
}

void
model_set_filters(struct model *m, const struct filters *t)
{
	unsigned i;

	for (i = 0; i < m->nclass; i++) {
		struct model_class *k = &m->classes[i];
		const struct filter *f = k->is_int ?
		    filters_by_class(t, k->ival) :
		    filters_by_code(t, k->label, strlen(k->label));

		if (f == NULL)
			continue;
		free(k->filter_code);
		free(k->filter_name);
		free(k->action);
		k->filter_id = f->id;
		k->filter_code = xstrdup(f->code);
		k->filter_name = f->name[0] ? xstrdup(f->name) : NULL;
		k->action = f->action[0] ? xstrdup(f->action) : NULL;
	}
}

char *
model_attr(const struct model *m, const char *key)
{
	return get_attr(m->booster, key);
}

long
model_booster_column(const struct model *m, unsigned fcol)
{
	if (fcol >= FEATURES_WIDTH)
		return -1;
	if (m->colmap != NULL)
		return m->colmap[fcol];
	return fcol < m->nfeat ? (long)fcol : -1;
}

unsigned
model_feature_column(const struct model *m, unsigned col)
{
	return m->orig != NULL && col < m->nfeat ? m->orig[col] : col;
}

const char *
model_column_name(const struct model *m, unsigned fcol)
{
	if (fcol < FEATURES_NUMERIC)
		return features_numeric_name(fcol);
	if (m->names != NULL && fcol < FEATURES_WIDTH)
		return m->names[fcol];
	return NULL;
}

/*
 * The batch as the booster wants it: feature columns mapped to booster
 * columns (claimkit_columns), or, for a model trained elsewhere, cut at
 * its width; columns a model never saw in training are dropped (it has
 * no split on them).  The mapping keeps the ascending order.
 */
static const struct features_batch *
fit_batch(struct model *m, const struct features_batch *b)
{
	struct features_batch *s;
	size_t r, k;

	if (m->colmap == NULL && m->nfeat >= FEATURES_WIDTH)
		return b;
	if (m->scratch == NULL)
		m->scratch = xcalloc(1, sizeof *m->scratch);
	s = m->scratch;
	features_batch_reset(s);
	if (s->cap < b->nnz) {
		s->cap = b->nnz;
		s->idx = xreallocarray(s->idx, s->cap, sizeof *s->idx);
		s->val = xreallocarray(s->val, s->cap, sizeof *s->val);
	}
	if (s->rcap < b->rows + 1) {
		s->rcap = b->rows + 1;
		s->indptr = xreallocarray(s->indptr, s->rcap,
		    sizeof *s->indptr);
	}
	for (r = 0; r < b->rows; r++) {
		for (k = b->indptr[r]; k < b->indptr[r + 1]; k++) {
			long c = model_booster_column(m, b->idx[k]);

			if (c >= 0) {
				s->idx[s->nnz] = (uint32_t)c;
				s->val[s->nnz++] = b->val[k];
			}
		}
		s->indptr[++s->rows] = s->nnz;
	}
	return s;
}

static void
array_iface(char *out, size_t outsz, const void *p, size_t n,
    const char *type)
{
	snprintf(out, outsz, "{\"data\":[%llu,true],\"shape\":[%zu],"
	    "\"typestr\":\"%s\",\"version\":3}",
	    (unsigned long long)(uintptr_t)p, n, type);
}

const float *
model_predict(struct model *m, const struct features_batch *b, char *err,
    size_t errsz)
{
	static const char cfg[] = "{\"type\":0,\"training\":false,"
	    "\"iteration_begin\":0,\"iteration_end\":0,\"strict_shape\":true,"
	    "\"cache_id\":0,\"missing\":NaN}";
	char ip[128], ix[128], v[128];
	const bst_ulong *shape;
	bst_ulong dim;
	const float *out;
	size_t r, need;
	/* An empty value array still needs a valid pointer. */
	static const uint32_t no_idx[1];
	static const float no_val[1];

	if (b->rows == 0)
		return m->probs;
	b = fit_batch(m, b);
	array_iface(ip, sizeof ip, b->indptr, b->rows + 1, "<u8");
	array_iface(ix, sizeof ix, b->nnz ? (const void *)b->idx : no_idx,
	    b->nnz, "<u4");
	array_iface(v, sizeof v, b->nnz ? (const void *)b->val : no_val,
	    b->nnz, "<f4");
	if (XGBoosterPredictFromCSR(m->booster, ip, ix, v, m->nfeat, cfg,
	    NULL, &shape, &dim, &out) != 0) {
		snprintf(err, errsz, "prediction failed: %s",
		    model_xgb_error());
		return NULL;
	}
	need = b->rows * m->nclass;
	if (need > m->probcap) {
		m->probcap = need;
		m->probs = xreallocarray(m->probs, need, sizeof *m->probs);
	}
	if (m->binary) {
		for (r = 0; r < b->rows; r++) {
			m->probs[2 * r] = 1.0f - out[r];
			m->probs[2 * r + 1] = out[r];
		}
	} else
		memcpy(m->probs, out, need * sizeof *out);
	return m->probs;
}

const float *
model_contribs(struct model *m, const struct features_batch *b,
    size_t *ngroups, char *err, size_t errsz)
{
	static const char cfg[] = "{\"type\":2,\"training\":false,"
	    "\"iteration_begin\":0,\"iteration_end\":0,\"strict_shape\":true}";
	DMatrixHandle dm;
	const bst_ulong *shape;
	bst_ulong dim;
	const float *out;
	int rc;

	b = fit_batch(m, b);
	if (XGDMatrixCreateFromCSREx(b->indptr, b->idx, b->val, b->rows + 1,
	    b->nnz, m->nfeat, &dm) != 0) {
		snprintf(err, errsz, "contributions: %s", model_xgb_error());
		return NULL;
	}
	rc = XGBoosterPredictFromDMatrix(m->booster, dm, cfg, &shape, &dim,
	    &out);
	if (rc == 0 && (dim != 3 || shape[0] != b->rows ||
	    shape[2] != (bst_ulong)m->nfeat + 1)) {
		snprintf(err, errsz, "contributions: unexpected shape");
		XGDMatrixFree(dm);
		return NULL;
	}
	if (rc != 0)
		snprintf(err, errsz, "contributions: %s", model_xgb_error());
	else
		*ngroups = shape[1];
	/* The result lives in the booster's buffer, not the matrix's. */
	XGDMatrixFree(dm);
	return rc == 0 ? out : NULL;
}
