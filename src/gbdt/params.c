/* params.c — GBDT parameters: defaults, the table of names (with XGBoost and
 * LightGBM aliases), ranges and help, and the special cases of trees
 * (base_score "auto", "alpha" meaning the quantile once the objective is
 * quantile); core/params.c does the rest. */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/error.h"
#include "core/params.h"
#include "hpml.h"

void hpml_gbdt_params_init(hpml_gbdt_params *p)
{
    memset(p, 0, sizeof *p);
    p->objective = HPML_GBDT_AUTO;
    p->n_trees = 100;
    p->metric_every = 1;
    p->learning_rate = 0.3;
    p->max_depth = 6;
    p->grow_policy = HPML_GROW_DEPTHWISE;
    p->min_child_weight = 1.0;
    p->min_samples_leaf = 1;
    p->lambda = 1.0;
    p->subsample = 1.0;
    p->colsample_bytree = 1.0;
    p->max_bin = 255;
    p->base_score = NAN;
    p->huber_delta = 1.0;
    p->quantile_alpha = 0.5;
}

/* The objectives in enum order, each with the names XGBoost and LightGBM use. */
#define OBJECTIVES                                                                           \
    "auto,squared_error|reg:squarederror|regression|l2|mse|squarederror,"                   \
    "logistic|binary:logistic|binary|binary_logloss|log_loss,"                                \
    "softmax|multi:softprob|multi:softmax|multiclass|softprob,"                               \
    "huber|reg:pseudohubererror|pseudohuber,quantile|reg:quantileerror"

#define OFF(f) offsetof(hpml_gbdt_params, f)
static const param_def defs[] = {
    {"objective", "", PARAM_ENUM, OFF(objective), 0, 0, 0, 0, OBJECTIVES,
     "squared_error, logistic, softmax, huber or quantile (default: from the task)"},
    {"n_trees", "num_boost_round,n_estimators,num_iterations,num_trees", PARAM_INT, OFF(n_trees), 1,
     1e7, 0, 0, NULL, "boosting rounds (default 100)"},
    {"learning_rate", "eta,shrinkage_rate", PARAM_DOUBLE, OFF(learning_rate), 0, 1e3, 1, 0, NULL,
     "shrinkage of each tree (default 0.3)"},
    {"max_depth", "", PARAM_INT, OFF(max_depth), 0, 30, 0, 0, NULL,
     "deepest level (default 6; 0: no limit, lossguide only)"},
    {"max_leaves", "num_leaves,max_leaf_nodes", PARAM_INT, OFF(max_leaves), 0, 1 << 20, 0, 0, NULL,
     "most leaves per tree (default 0: no limit)"},
    {"grow_policy", "", PARAM_ENUM, OFF(grow_policy), 0, 0, 0, 0, "depthwise,lossguide|leafwise",
     "depthwise (level by level) or lossguide (best leaf first)"},
    {"min_child_weight", "min_sum_hessian_in_leaf,min_sum_hessian", PARAM_DOUBLE,
     OFF(min_child_weight), 0, 1e300, 0, 0, NULL, "least hessian sum in a child (default 1)"},
    {"min_samples_leaf", "min_data_in_leaf,min_child_samples", PARAM_INT, OFF(min_samples_leaf), 1,
     2e9, 0, 0, NULL, "least rows in a child (default 1)"},
    {"lambda", "reg_lambda,lambda_l2", PARAM_DOUBLE, OFF(lambda), 0, 1e300, 0, 0, NULL,
     "L2 penalty on leaf values (default 1)"},
    {"alpha", "reg_alpha,lambda_l1", PARAM_DOUBLE, OFF(alpha), 0, 1e300, 0, 0, NULL,
     "L1 penalty on leaf values (default 0); with objective=quantile: the quantile"},
    {"gamma", "min_split_gain,min_split_loss", PARAM_DOUBLE, OFF(gamma), 0, 1e300, 0, 0, NULL,
     "least gain of a split (default 0)"},
    {"subsample", "bagging_fraction", PARAM_DOUBLE, OFF(subsample), 0, 1, 1, 0, NULL,
     "fraction of rows sampled per tree (default 1)"},
    {"colsample_bytree", "feature_fraction", PARAM_DOUBLE, OFF(colsample_bytree), 0, 1, 1, 0, NULL,
     "fraction of features sampled per tree (default 1)"},
    {"max_bin", "max_bins", PARAM_INT, OFF(max_bin), 2, 255, 0, 0, NULL,
     "bins per feature (default 255)"},
    {"base_score", "", PARAM_DOUBLE, OFF(base_score), -1e300, 1e300, 0, 0, NULL,
     "starting prediction (default auto: from the data)"},
    {"huber_delta", "huber_slope", PARAM_DOUBLE, OFF(huber_delta), 0, 1e300, 1, 0, NULL,
     "Huber loss: residual where the loss turns linear (default 1)"},
    {"quantile_alpha", "", PARAM_DOUBLE, OFF(quantile_alpha), 0, 1, 1, 0, NULL,
     "quantile objective: the quantile, in (0, 1) (default 0.5)"},
    {"seed", "random_state,random_seed", PARAM_U64, OFF(seed), 0, 0, 0, 0, NULL,
     "random seed (default 0)"},
    {"threads", "nthread,n_jobs,num_threads", PARAM_INT, OFF(threads), 0, 4096, 0, 0, NULL,
     "threads (default 0: all cores)"},
    {"early_stopping_rounds", "early_stopping_round,n_iter_no_change", PARAM_INT,
     OFF(early_stopping_rounds), 0, 1e7, 0, 0, NULL,
     "stop after this many rounds without improvement on the validation rows (default 0: off)"},
};
#define N_DEFS ((int)(sizeof defs / sizeof defs[0]))

int hpml_gbdt_param_info(int i, const char **name, const char **aliases, const char **help)
{
    return param_info(defs, N_DEFS, i, name, aliases, help);
}

hpml_status hpml_gbdt_params_set(hpml_gbdt_params *p, const char *name, const char *value)
{
    if (!p || !name || !value)
        return hpml_fail(HPML_ERR_ARG, "hpml_gbdt_params_set: NULL argument");
    const param_def *d = param_find(defs, N_DEFS, name);
    if (!d)
        return hpml_fail(HPML_ERR_ARG, "unknown GBDT parameter '%s'", name);
    if (strcmp(d->name, "alpha") == 0 && strcmp(name, "alpha") == 0 &&
        p->objective == HPML_GBDT_QUANTILE)
        d = param_find(defs, N_DEFS, "quantile_alpha");
    if (d->offset == OFF(base_score) && strcasecmp(value, "auto") == 0) {
        p->base_score = NAN;
        return HPML_OK;
    }
    return param_set(d, p, name, value);
}

int hpml_gbdt_param_value(const hpml_gbdt_params *p, int i, char *buf, size_t len)
{
    if (len)
        buf[0] = '\0';
    if (!p || i < 0 || i >= N_DEFS)
        return 0;
    if (defs[i].offset == OFF(base_score) && isnan(p->base_score))
        snprintf(buf, len, "auto");
    else
        param_text(&defs[i], p, buf, len);
    return 1;
}

/* base_score NaN means "from the data". */
static int auto_base_score(const param_def *d, const void *base)
{
    return d->offset == OFF(base_score) && isnan(((const hpml_gbdt_params *)base)->base_score);
}

hpml_status hpml_gbdt_params_check(const hpml_gbdt_params *p)
{
    if (!p)
        return hpml_fail(HPML_ERR_ARG, "hpml_gbdt_params_check: NULL parameters");
    hpml_status st = param_check(defs, N_DEFS, p, auto_base_score);
    if (st != HPML_OK)
        return st;
    if (p->grow_policy == HPML_GROW_DEPTHWISE && p->max_depth == 0)
        return hpml_fail(HPML_ERR_ARG, "parameter max_depth = 0 (no limit) needs "
                         "grow_policy=lossguide; depthwise growth needs a depth in [1, 30]");
    if (p->grow_policy == HPML_GROW_LOSSGUIDE && p->max_depth == 0 && p->max_leaves == 0)
        return hpml_fail(HPML_ERR_ARG, "grow_policy=lossguide needs max_leaves (or max_depth) "
                         "to limit the tree");
    if (p->metric_every < 0)
        return hpml_fail(HPML_ERR_ARG, "metric_every must be 0 (the last round only) or more, "
                         "got %d", p->metric_every);
    if (!isfinite(p->base_score) && !isnan(p->base_score))
        return hpml_fail(HPML_ERR_ARG, "parameter base_score must be finite");
    return HPML_OK;
}
