/*
 * model: the filter model, an XGBoost multi-class booster (JSON or UBJSON
 * file, XGBoost 1.x format), loaded and scored through XGBoost's C API.
 *
 * claims-train writes its metadata into the model file as XGBoost
 * attributes (XGBoosterSetAttr), so it travels with the model:
 *
 *	claimkit_features_version  FEATURES_VERSION the model was trained on
 *	claimkit_classes	   JSON array: class -> {"label", filter}
 *	claimkit_model_version	   free text given at training
 *	claimkit_columns	   JSON array: the feature column behind each
 *				   booster column from FEATURES_NUMERIC on
 *	claimkit_feature_names	   JSON object: feature column -> name
 *	claimkit_label, claimkit_params, claimkit_training, claimkit_metrics
 *
 * claimkit_columns keeps the booster narrow: the numeric columns, then
 * only the hashed columns seen in training, in ascending order.  Why:
 * XGBoost scores a row through a dense vector of the booster's width, so
 * a 16402-wide booster spends most of its time on cache misses.
 * A model trained elsewhere (xgboost(1) on `claims-predict --features`
 * output, Python xgboost) has none of these: its classes are the integer
 * labels 0..K-1 it was trained with, and its columns are taken to be
 * this FEATURES_VERSION's.
 */
#ifndef CLAIMKIT_MODEL_H
#define CLAIMKIT_MODEL_H

#include <stddef.h>

struct features_batch;
struct filters;

#define MODEL_ATTR_FEATURES	"claimkit_features_version"
#define MODEL_ATTR_CLASSES	"claimkit_classes"
#define MODEL_ATTR_VERSION	"claimkit_model_version"
#define MODEL_ATTR_NAMES	"claimkit_feature_names"
#define MODEL_ATTR_COLUMNS	"claimkit_columns"
#define MODEL_ATTR_LABEL	"claimkit_label"
#define MODEL_ATTR_PARAMS	"claimkit_params"
#define MODEL_ATTR_TRAINING	"claimkit_training"
#define MODEL_ATTR_METRICS	"claimkit_metrics"

struct model_class {
	char		*label;		/* "clean", or "2" (integer) */
	int		 is_int;
	long long	 ival;
	long long	 filter_id;	/* -1: no filters row known */
	char		*filter_code, *filter_name, *action;
};

struct model {
	void		*booster;	/* BoosterHandle */
	char		 id[17];	/* SHA-256 of the file, 16 hex */
	char		*version;	/* claimkit_model_version, NULL */
	int		 features_version; /* 0: not recorded */
	unsigned	 nfeat;		/* the booster's num_feature */
	/* claimkit_columns: feature column <-> booster column (or NULL) */
	int		*colmap;	/* [FEATURES_WIDTH], -1: unused */
	unsigned	*orig;		/* [nfeat] */
	unsigned	 nclass;
	int		 binary;	/* binary:logistic, one column */
	struct model_class *classes;
	char		**names;	/* [FEATURES_WIDTH], may be NULL */
	struct features_batch *scratch;	/* columns cut to nfeat */
	float		*probs;		/* of the last model_predict */
	size_t		 probcap;
};

/*
 * Load path with nthread threads.  Returns NULL with a message in err for
 * an unreadable file, a file XGBoost cannot load, an unsupported
 * objective, or a model whose feature version or width differs from
 * this build's (all CK_EX_CONFIG for the tools).
 */
struct model *model_load(const char *path, int nthread, char *err,
    size_t errsz);
void model_free(struct model *m);

/* Fill the classes' filter fields from t (by filter_id or filter_code). */
void model_set_filters(struct model *m, const struct filters *t);

/*
 * Class probabilities of every row of b: rows * nclass floats, row-major,
 * owned by m and valid until the next call.  NULL with err on failure.
 */
const float *model_predict(struct model *m, const struct features_batch *b,
    char *err, size_t errsz);

/*
 * Per-feature contributions (XGBoost pred_contribs, in margin units) of
 * every row: rows * ngroups * (nfeat + 1) floats, the last of each group
 * being the bias; ngroups is nclass, or 1 for a binary model.  Indexes
 * are booster columns (model_feature_column maps them back).  Owned by
 * XGBoost until the next call on m.  NULL with err on failure.
 */
const float *model_contribs(struct model *m, const struct features_batch *b,
    size_t *ngroups, char *err, size_t errsz);

/* Attribute key of the booster (a copy the caller frees), or NULL. */
char *model_attr(const struct model *m, const char *key);

/* Booster column of feature column fcol, or -1 when the model has none. */
long model_booster_column(const struct model *m, unsigned fcol);
/* Feature column (features.h) of booster column col. */
unsigned model_feature_column(const struct model *m, unsigned col);
/* Readable name of feature column fcol from the vocabulary, or NULL. */
const char *model_column_name(const struct model *m, unsigned fcol);

/*
 * XGBoost's last error, first line only, without its time stamp and
 * source position.  Static storage.
 */
const char *model_xgb_error(void);

/* Route XGBoost's log messages to diag warnings (call once). */
void model_log_init(void);

#endif
