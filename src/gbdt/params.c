/* params.c — GBDT parameters: defaults, setting by name (with XGBoost and
 * LightGBM aliases), and range checks that name the parameter. */
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/error.h"
#include "hpml.h"

void hpml_gbdt_params_init(hpml_gbdt_params *p)
{
    memset(p, 0, sizeof *p);
    p->objective = HPML_GBDT_AUTO;
    p->n_trees = 100;
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

typedef enum ptype { P_INT, P_DOUBLE, P_U64, P_OBJECTIVE, P_POLICY } ptype;

typedef struct param_def {
    const char *name, *aliases; /* aliases: comma-separated */
    ptype type;
    size_t offset;
    double lo, hi;              /* inclusive range (numbers) */
    int lo_open;                /* 1: lo itself is excluded */
    const char *help;
} param_def;

#define OFF(f) offsetof(hpml_gbdt_params, f)
static const param_def defs[] = {
    {"objective", "", P_OBJECTIVE, OFF(objective), 0, 0, 0,
     "squared_error, logistic, softmax, huber or quantile (default: from the task)"},
    {"n_trees", "num_boost_round,n_estimators,num_iterations,num_trees", P_INT, OFF(n_trees), 1,
     1e7, 0, "boosting rounds (default 100)"},
    {"learning_rate", "eta,shrinkage_rate", P_DOUBLE, OFF(learning_rate), 0, 1e3, 1,
     "shrinkage of each tree (default 0.3)"},
    {"max_depth", "", P_INT, OFF(max_depth), 0, 30, 0,
     "deepest level (default 6; 0: no limit, lossguide only)"},
    {"max_leaves", "num_leaves,max_leaf_nodes", P_INT, OFF(max_leaves), 0, 1 << 20, 0,
     "most leaves per tree (default 0: no limit)"},
    {"grow_policy", "", P_POLICY, OFF(grow_policy), 0, 0, 0,
     "depthwise (level by level) or lossguide (best leaf first)"},
    {"min_child_weight", "min_sum_hessian_in_leaf,min_sum_hessian", P_DOUBLE,
     OFF(min_child_weight), 0, 1e300, 0, "least hessian sum in a child (default 1)"},
    {"min_samples_leaf", "min_data_in_leaf,min_child_samples", P_INT, OFF(min_samples_leaf), 1,
     2e9, 0, "least rows in a child (default 1)"},
    {"lambda", "reg_lambda,lambda_l2", P_DOUBLE, OFF(lambda), 0, 1e300, 0,
     "L2 penalty on leaf values (default 1)"},
    {"alpha", "reg_alpha,lambda_l1", P_DOUBLE, OFF(alpha), 0, 1e300, 0,
     "L1 penalty on leaf values (default 0); with objective=quantile: the quantile"},
    {"gamma", "min_split_gain,min_split_loss", P_DOUBLE, OFF(gamma), 0, 1e300, 0,
     "least gain of a split (default 0)"},
    {"subsample", "bagging_fraction", P_DOUBLE, OFF(subsample), 0, 1, 1,
     "fraction of rows sampled per tree (default 1)"},
    {"colsample_bytree", "feature_fraction", P_DOUBLE, OFF(colsample_bytree), 0, 1, 1,
     "fraction of features sampled per tree (default 1)"},
    {"max_bin", "max_bins", P_INT, OFF(max_bin), 2, 255, 0, "bins per feature (default 255)"},
    {"base_score", "", P_DOUBLE, OFF(base_score), -1e300, 1e300, 0,
     "starting prediction (default auto: from the data)"},
    {"huber_delta", "huber_slope", P_DOUBLE, OFF(huber_delta), 0, 1e300, 1,
     "Huber loss: residual where the loss turns linear (default 1)"},
    {"quantile_alpha", "", P_DOUBLE, OFF(quantile_alpha), 0, 1, 1,
     "quantile objective: the quantile, in (0, 1) (default 0.5)"},
    {"seed", "random_state,random_seed", P_U64, OFF(seed), 0, 0, 0, "random seed (default 0)"},
    {"threads", "nthread,n_jobs,num_threads", P_INT, OFF(threads), 0, 4096, 0,
     "threads (default 0: all cores)"},
    {"early_stopping_rounds", "early_stopping_round,n_iter_no_change", P_INT,
     OFF(early_stopping_rounds), 0, 1e7, 0,
     "stop after this many rounds without improvement on the validation rows (default 0: off)"},
};
#define N_DEFS ((int)(sizeof defs / sizeof defs[0]))

int hpml_gbdt_param_info(int i, const char **name, const char **aliases, const char **help)
{
    if (i < 0 || i >= N_DEFS)
        return 0;
    *name = defs[i].name;
    *aliases = defs[i].aliases;
    *help = defs[i].help;
    return 1;
}

/* True if `name` is one of the comma-separated aliases. */
static int in_list(const char *list, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = list; *p;) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == n && strncmp(p, name, n) == 0)
            return 1;
        p = e ? e + 1 : p + len;
    }
    return 0;
}

/* The parameter called `name` (dashes and underscores alike, as for nets:
 * --n-trees is --n_trees), or NULL. */
static const param_def *find_def(const char *name)
{
    char canon[64];
    size_t n = strlen(name);
    if (n >= sizeof canon)
        return NULL;
    for (size_t i = 0; i <= n; i++)
        canon[i] = name[i] == '-' ? '_' : name[i];
    for (int i = 0; i < N_DEFS; i++)
        if (strcmp(defs[i].name, canon) == 0 || in_list(defs[i].aliases, canon))
            return &defs[i];
    return NULL;
}

static int parse_objective(const char *v, hpml_gbdt_objective *o)
{
    static const struct {
        const char *names;
        hpml_gbdt_objective o;
    } tab[] = {
        {"auto", HPML_GBDT_AUTO},
        {"squared_error,reg:squarederror,regression,l2,mse,squarederror", HPML_GBDT_SQUARED_ERROR},
        {"logistic,binary:logistic,binary,binary_logloss,log_loss", HPML_GBDT_LOGISTIC},
        {"softmax,multi:softprob,multi:softmax,multiclass,softprob", HPML_GBDT_SOFTMAX},
        {"huber,reg:pseudohubererror,pseudohuber", HPML_GBDT_HUBER},
        {"quantile,reg:quantileerror", HPML_GBDT_QUANTILE},
    };
    for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++)
        if (in_list(tab[i].names, v)) {
            *o = tab[i].o;
            return 1;
        }
    return 0;
}

static const char *range_text(const param_def *d, char *buf, size_t len)
{
    if (d->hi >= 1e300 && d->lo <= -1e300)
        snprintf(buf, len, "any number");
    else if (d->hi >= 1e300)
        snprintf(buf, len, "%s %g", d->lo_open ? ">" : ">=", d->lo);
    else
        snprintf(buf, len, "%s%g, %g]", d->lo_open ? "(" : "[", d->lo, d->hi);
    return buf;
}

hpml_status hpml_gbdt_params_set(hpml_gbdt_params *p, const char *name, const char *value)
{
    if (!p || !name || !value)
        return hpml_fail(HPML_ERR_ARG, "hpml_gbdt_params_set: NULL argument");
    const param_def *d = find_def(name);
    if (!d)
        return hpml_fail(HPML_ERR_ARG, "unknown GBDT parameter '%s'", name);
    if (strcmp(d->name, "alpha") == 0 && strcmp(name, "alpha") == 0 &&
        p->objective == HPML_GBDT_QUANTILE)
        d = find_def("quantile_alpha");
    char *at = (char *)p + d->offset, range[64];
    if (d->type == P_OBJECTIVE) {
        if (!parse_objective(value, (hpml_gbdt_objective *)(void *)at))
            return hpml_fail(HPML_ERR_ARG, "parameter %s: '%s' is not one of squared_error, "
                             "logistic, softmax, huber, quantile", name, value);
        return HPML_OK;
    }
    if (d->type == P_POLICY) {
        hpml_grow_policy *g = (hpml_grow_policy *)(void *)at;
        if (strcasecmp(value, "depthwise") == 0)
            *g = HPML_GROW_DEPTHWISE;
        else if (strcasecmp(value, "lossguide") == 0 || strcasecmp(value, "leafwise") == 0)
            *g = HPML_GROW_LOSSGUIDE;
        else
            return hpml_fail(HPML_ERR_ARG, "parameter %s: '%s' is not depthwise or lossguide",
                             name, value);
        return HPML_OK;
    }
    if (d->offset == OFF(base_score) && strcasecmp(value, "auto") == 0) {
        p->base_score = NAN;
        return HPML_OK;
    }
    char *end;
    errno = 0;
    if (d->type == P_U64) {
        unsigned long long x = strtoull(value, &end, 10);
        if (errno || end == value || *end || value[0] == '-')
            return hpml_fail(HPML_ERR_ARG, "parameter %s: expected a non-negative integer, got '%s'",
                             name, value);
        *(uint64_t *)(void *)at = (uint64_t)x;
        return HPML_OK;
    }
    double x = strtod(value, &end);
    if (errno || end == value || *end || isnan(x))
        return hpml_fail(HPML_ERR_ARG, "parameter %s: expected a number, got '%s'", name, value);
    if (d->type == P_INT && x != floor(x))
        return hpml_fail(HPML_ERR_ARG, "parameter %s: expected an integer, got '%s'", name, value);
    if (x < d->lo || x > d->hi || (d->lo_open && x == d->lo))
        return hpml_fail(HPML_ERR_ARG, "parameter %s = %s is out of range: allowed %s%s", name,
                         value, d->type == P_INT ? "integers " : "", range_text(d, range, sizeof range));
    if (d->type == P_INT)
        *(int *)(void *)at = (int)x;
    else
        *(double *)(void *)at = x;
    return HPML_OK;
}

/* x as the shortest of %.15g..%.17g that reads back to the same double. */
static void format_double(double x, char *buf, size_t len)
{
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, len, "%.*g", prec, x);
        if (strtod(buf, NULL) == x)
            return;
    }
}

int hpml_gbdt_param_value(const hpml_gbdt_params *p, int i, char *buf, size_t len)
{
    static const char *const objectives[] = {"auto", "squared_error", "logistic", "softmax",
                                             "huber", "quantile"};
    static const char *const policies[] = {"depthwise", "lossguide"};
    if (len)
        buf[0] = '\0';
    if (!p || i < 0 || i >= N_DEFS)
        return 0;
    const param_def *d = &defs[i];
    const char *at = (const char *)p + d->offset;
    switch (d->type) {
    case P_OBJECTIVE: {
        unsigned o = (unsigned)*(const hpml_gbdt_objective *)(const void *)at;
        snprintf(buf, len, "%s", o <= HPML_GBDT_QUANTILE ? objectives[o] : "?");
        break;
    }
    case P_POLICY: {
        unsigned g = (unsigned)*(const hpml_grow_policy *)(const void *)at;
        snprintf(buf, len, "%s", g <= HPML_GROW_LOSSGUIDE ? policies[g] : "?");
        break;
    }
    case P_U64:
        snprintf(buf, len, "%llu", (unsigned long long)*(const uint64_t *)(const void *)at);
        break;
    case P_INT:
        snprintf(buf, len, "%d", *(const int *)(const void *)at);
        break;
    case P_DOUBLE: {
        double x = *(const double *)(const void *)at;
        if (d->offset == OFF(base_score) && isnan(x))
            snprintf(buf, len, "auto");
        else
            format_double(x, buf, len);
        break;
    }
    }
    return 1;
}

/* The value of a numeric parameter as a double. */
static double get(const hpml_gbdt_params *p, const param_def *d)
{
    const char *at = (const char *)p + d->offset;
    return d->type == P_INT ? *(const int *)(const void *)at : *(const double *)(const void *)at;
}

hpml_status hpml_gbdt_params_check(const hpml_gbdt_params *p)
{
    if (!p)
        return hpml_fail(HPML_ERR_ARG, "hpml_gbdt_params_check: NULL parameters");
    if ((unsigned)p->objective > HPML_GBDT_QUANTILE)
        return hpml_fail(HPML_ERR_ARG, "parameter objective: unknown value %d", (int)p->objective);
    if ((unsigned)p->grow_policy > HPML_GROW_LOSSGUIDE)
        return hpml_fail(HPML_ERR_ARG, "parameter grow_policy: unknown value %d",
                         (int)p->grow_policy);
    char range[64];
    for (int i = 0; i < N_DEFS; i++) {
        const param_def *d = &defs[i];
        if (d->type != P_INT && d->type != P_DOUBLE)
            continue;
        double x = get(p, d);
        if (d->offset == OFF(base_score) && isnan(x))
            continue;
        if (isnan(x) || x < d->lo || x > d->hi || (d->lo_open && x == d->lo))
            return hpml_fail(HPML_ERR_ARG, "parameter %s = %g is out of range: allowed %s%s",
                             d->name, x, d->type == P_INT ? "integers " : "",
                             range_text(d, range, sizeof range));
    }
    if (p->grow_policy == HPML_GROW_DEPTHWISE && p->max_depth == 0)
        return hpml_fail(HPML_ERR_ARG, "parameter max_depth = 0 (no limit) needs "
                         "grow_policy=lossguide; depthwise growth needs a depth in [1, 30]");
    if (p->grow_policy == HPML_GROW_LOSSGUIDE && p->max_depth == 0 && p->max_leaves == 0)
        return hpml_fail(HPML_ERR_ARG, "grow_policy=lossguide needs max_leaves (or max_depth) "
                         "to limit the tree");
    if (!isfinite(p->base_score) && !isnan(p->base_score))
        return hpml_fail(HPML_ERR_ARG, "parameter base_score must be finite");
    return HPML_OK;
}
