/* test_report.c — the HTML report of `hpml compare` (src/compare/report.c),
 * written from results built by hand (hpml_compare_run is not needed): a
 * regression with a failed model, a binary task with k folds, a multiclass
 * one, and a large regression that needs the hexagon density. Checks that the
 * file is written, well formed (tags balanced, valid UTF-8), self-contained
 * (no scripts, no addresses), free of "nan"/"inf", has every expected figure
 * with data, shows the failed model's message, and is the same bytes for the
 * same results; that allocation failures fail cleanly.
 *
 *   test_report             the unit tests
 *   test_report --write DIR writes the fixture reports into DIR and prints one
 *                           line per file: its path and the figure ids it must
 *                           have (tests/e2e/test_report.sh renders them)
 */
#include <ctype.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"

#include "compare/compare.h"
#include "core/alloc.h"
#include "io/svg.h"

/* ------------------------------------------------------------- fixture */

static uint64_t lcg_state;
static double unif(void)
{
    lcg_state = lcg_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(lcg_state >> 11) * 0x1.0p-53;
}
static double gauss(void)
{
    double u = unif() + 1e-12, v = unif();
    return sqrt(-2 * log(u)) * cos(6.283185307179586 * v);
}

typedef struct fixture {
    hpml_task task;
    int n_classes, n_folds, n_features;
    size_t n_test;           /* test rows per fold */
    int with_failed;         /* a third model, "cnn", that failed */
    int with_valid;          /* validation curves */
} fixture;

static const char *const FAIL_MSG =
    "fold 1: training diverged: the loss became NaN at epoch 3 (try a smaller --lr)";

static char *xdup(const char *s)
{
    char *d = hpml_strdup(s);
    if (!d)
        abort();
    return d;
}

static void *alloc(size_t n, size_t size)
{
    void *p = hpml_calloc(n ? n : 1, size);
    if (!p)
        abort();
    return p;
}

/* Fills the statistics of every model as noise.c would: mean and sd over
 * folds (a made-up bootstrap sd for one fold), the best per metric, the
 * difference to it and whether it exceeds twice the noise. */
static void fill_stats(hpml_compare *c)
{
    static const int higher[CMP_N_METRICS] = {0, 0, 1, 1, 1, 1, 0, 1, 1};
    for (int k = 0; k < CMP_N_METRICS; k++) {
        int best = -1;
        for (int i = 0; i < c->n_models; i++) {
            cmp_model *m = &c->models[i];
            cmp_stat *s = &m->stat[k];
            double sum = 0, sq = 0;
            int n = 0;
            for (int f = 0; f < c->n_folds; f++) {
                const hpml_metrics *x = &m->runs[f].metrics;
                double v = k == CMP_RMSE ? x->rmse : k == CMP_MAE ? x->mae : k == CMP_R2 ? x->r2
                         : k == CMP_PEARSON ? x->pearson : k == CMP_SPEARMAN ? x->spearman
                         : k == CMP_AUC ? x->auc : k == CMP_LOGLOSS ? x->logloss
                         : k == CMP_ACCURACY ? x->accuracy : x->macro_f1;
                if (m->runs[f].ok && isfinite(v))
                    sum += v, sq += v * v, n++;
            }
            s->value = n ? sum / n : NAN;
            s->sd = n > 1 ? sqrt(fmax(0, (sq - sum * sum / n) / (n - 1)))
                          : n ? 0.01 + 0.02 * fabs(s->value) : NAN;
            s->lo = s->value - 2 * s->sd;
            s->hi = s->value + 2 * s->sd;
            s->best = 0;
            double bv = best >= 0 ? c->models[best].stat[k].value : NAN;
            if (isfinite(s->value) && (best < 0 || (higher[k] ? s->value > bv : s->value < bv)))
                best = i;
        }
        for (int i = 0; i < c->n_models; i++) {
            cmp_stat *s = &c->models[i].stat[k];
            if (best < 0 || !isfinite(s->value)) {
                s->diff = s->diff_lo = s->diff_hi = NAN;
                continue;
            }
            const cmp_stat *b = &c->models[best].stat[k];
            s->best = i == best;
            s->diff = s->value - b->value;
            s->diff_lo = s->diff - 1.5 * s->sd;
            s->diff_hi = s->diff + 1.5 * s->sd;
            s->differs = i != best && (s->diff_lo > 0 || s->diff_hi < 0);
        }
    }
}

static hpml_compare *make_compare(const fixture *fx, uint64_t seed)
{
    lcg_state = seed;
    hpml_compare *c = alloc(1, sizeof *c);
    int reg = fx->task == HPML_TASK_REGRESSION;
    c->task = fx->task;
    c->data_name = xdup(reg ? "drug_response.csv" : "tumour_types.csv");
    c->target = xdup(reg ? "ln_ic50" : "subtype");
    c->split_text = xdup(fx->n_folds > 1 ? "stratified 5-fold cross-validation"
                                        : "random: 20% test, 10% validation of the rest");
    c->command = xdup(reg ? "hpml compare drug_response.csv --target ln_ic50 --models gbdt,mlp,cnn "
                           "--test-size 0.2 --valid-size 0.1 --seed 7 --out results & <more>"
                         : "hpml compare tumour_types.csv --target subtype --cv 5 --seed 7");
    c->n_classes = reg ? 0 : fx->n_classes;
    c->n_outputs = fx->task == HPML_TASK_MULTICLASS ? fx->n_classes : 1;
    c->n_folds = fx->n_folds;
    c->n_rows = fx->n_test * (size_t)(fx->n_folds > 1 ? fx->n_folds : 5);
    c->n_dropped = 3;
    c->n_features = fx->n_features;
    c->n_categorical = 2;
    c->n_numeric = fx->n_features - 2;
    c->n_missing = c->n_rows / 7;
    c->target_mean = reg ? 2.0 : NAN;
    c->target_sd = reg ? 1.5 : NAN;
    c->seed = 7;
    c->bootstrap = fx->n_folds > 1 ? 0 : 1000;
    c->threads = 2;
    c->total_seconds = 12.5;
    c->feature_names = alloc((size_t)c->n_features, sizeof *c->feature_names);
    for (int j = 0; j < c->n_features; j++) {
        char name[64];
        snprintf(name, sizeof name, "GENE_%03d_expression", j);
        c->feature_names[j] = xdup(j == 1   ? "a_very_long_descriptor_name_from_a_toolkit_v2"
                                   : j == 2 ? "dose <µM> & 'time'"
                                   : j == 3 ? "bad\xFF" "utf8"
                                            : name);
    }
    if (!reg) {
        static const char *const labels[] = {"luminal A", "luminal B", "basal", "HER2", "normal"};
        c->class_labels = alloc((size_t)c->n_classes, sizeof *c->class_labels);
        c->class_counts = alloc((size_t)c->n_classes, sizeof *c->class_counts);
        for (int k = 0; k < c->n_classes; k++) {
            c->class_labels[k] = xdup(c->n_classes == 2 ? (k ? "yes" : "no") : labels[k % 5]);
            c->class_counts[k] = c->n_rows / (size_t)(k + 2);
        }
    }
    c->folds = alloc((size_t)c->n_folds, sizeof *c->folds);
    for (int f = 0; f < c->n_folds; f++) {
        cmp_fold *d = &c->folds[f];
        d->n_test = fx->n_test;
        d->n_train = fx->n_test * (fx->n_folds > 1 ? (size_t)fx->n_folds - 1 : 4);
        d->n_valid = fx->with_valid ? fx->n_test / 2 : 0;
        d->test = alloc(d->n_test, sizeof *d->test);
        d->train = alloc(d->n_train, sizeof *d->train);
        d->valid = alloc(d->n_valid, sizeof *d->valid);
        d->y_test = alloc(d->n_test, sizeof *d->y_test);
        d->test_lines = alloc(d->n_test, sizeof *d->test_lines);
        for (size_t i = 0; i < d->n_test; i++) {
            d->test[i] = (uint32_t)(i * (size_t)c->n_folds + (size_t)f);
            d->test_lines[i] = d->test[i] + 2;
            d->y_test[i] = reg ? (float)(2 + 1.5 * gauss())
                               : (float)(unif() < 0.35 ? 0 : (int)(unif() * c->n_classes));
        }
    }
    static const char *const names[3] = {"gbdt", "mlp", "cnn"};
    c->n_models = fx->with_failed ? 3 : 2;
    c->models = alloc((size_t)c->n_models, sizeof *c->models);
    for (int i = 0; i < c->n_models; i++) {
        cmp_model *m = &c->models[i];
        m->name = xdup(names[i]);
        m->kind = i == 0 ? HPML_MODEL_GBDT : i == 1 ? HPML_MODEL_MLP : HPML_MODEL_CNN;
        hpml_gbdt_params_init(&m->gbdt);
        hpml_nn_params_init(&m->nn, i == 2 ? HPML_MODEL_CNN : HPML_MODEL_MLP);
        m->gbdt.n_trees = 60;
        m->nn.epochs = 25;
        int fails = i == 2;
        if (fails)
            m->error = xdup(FAIL_MSG);
        m->runs = alloc((size_t)c->n_folds, sizeof *m->runs);
        double noise = i == 0 ? 0.5 : 0.8;
        for (int f = 0; f < c->n_folds; f++) {
            cmp_run *r = &m->runs[f];
            const cmp_fold *d = &c->folds[f];
            r->ok = !fails;
            r->train_seconds = i == 0 ? 0.8 + 0.1 * f : 14.2 + f;
            r->predict_seconds = i == 0 ? 0.004 : 0.031;
            r->peak_rss_bytes = (i == 0 ? 310.0 : 820.0) * 1048576;
            r->model_bytes = i == 0 ? 210000 : 1900000;
            if (fails) {
                memset(&r->metrics, 0xff, sizeof r->metrics); /* NaN everywhere */
                continue;
            }
            r->pred = alloc(d->n_test * (size_t)c->n_outputs, sizeof *r->pred);
            for (size_t j = 0; j < d->n_test; j++) {
                float y = d->y_test[j];
                if (reg) {
                    double shrunk = 0.8 * y + 0.4; /* the net: biased towards the mean */
                    r->pred[j] = (float)((i == 0 ? y : shrunk) + noise * gauss());
                } else if (c->n_outputs == 1) {
                    double z = (y > 0.5 ? 1.2 : -1.2) / noise + gauss();
                    r->pred[j] = (float)(1 / (1 + exp(-z)));
                } else {
                    double e[16], sum = 0;
                    for (int k = 0; k < c->n_outputs; k++)
                        sum += e[k] = exp((k == (int)y ? 1.5 / noise : 0) + gauss());
                    for (int k = 0; k < c->n_outputs; k++)
                        r->pred[j * (size_t)c->n_outputs + (size_t)k] = (float)(e[k] / sum);
                }
            }
            if (hpml_metrics_compute(c->task, c->n_classes, d->y_test, r->pred, d->n_test,
                                     &r->metrics) != HPML_OK)
                abort();
            int nr = i == 0 ? 60 : 25;
            double *tr = alloc((size_t)nr, sizeof *tr), *va = alloc((size_t)nr, sizeof *va);
            for (int e = 0; e < nr; e++) {
                tr[e] = (i == 0 ? 1.4 : 0.9) * exp(-0.08 * e) + 0.05 + 0.002 * f;
                va[e] = fx->with_valid ? tr[e] * 1.1 + 0.0004 * e * e / nr : NAN;
            }
            r->n_rounds = nr;
            r->curve_metric = i == 0 ? (reg ? "rmse" : "logloss") : (reg ? "mse" : "logloss");
            r->curve_train = tr;
            r->curve_valid = va;
        }
        for (int f = 0; f < c->n_folds; f++) {
            m->train_seconds += m->runs[f].train_seconds;
            m->predict_seconds += m->runs[f].predict_seconds;
            m->peak_rss_bytes = fmax(m->peak_rss_bytes, m->runs[f].peak_rss_bytes);
            m->model_bytes = m->runs[f].model_bytes;
        }
        if (!fails) {
            m->importance = alloc((size_t)c->n_features, sizeof *m->importance);
            double sum = 0;
            for (int j = 0; j < c->n_features; j++)
                sum += m->importance[j] = (i == 0 ? exp(-0.3 * j) : 0.2 * exp(-0.2 * j) - 0.01) *
                                          (1 + 0.2 * unif());
            for (int j = 0; i == 0 && j < c->n_features; j++)
                m->importance[j] /= sum;
            m->importance_kind = i == 0 ? "gain" : "permutation";
            m->importance_rows = i == 0 ? "training rows" : "validation rows";
        }
    }
    fill_stats(c);
    return c;
}

static void free_compare(hpml_compare *c)
{
    if (!c)
        return;
    hpml_free(c->data_name);
    hpml_free(c->split_text);
    hpml_free(c->command);
    hpml_free(c->target);
    for (int k = 0; k < c->n_classes; k++)
        hpml_free(c->class_labels[k]);
    hpml_free(c->class_labels);
    hpml_free(c->class_counts);
    for (int j = 0; j < c->n_features; j++)
        hpml_free(c->feature_names[j]);
    hpml_free(c->feature_names);
    for (int f = 0; f < c->n_folds; f++) {
        cmp_fold *d = &c->folds[f];
        hpml_free(d->train);
        hpml_free(d->valid);
        hpml_free(d->test);
        hpml_free(d->y_test);
        hpml_free(d->test_lines);
    }
    hpml_free(c->folds);
    for (int i = 0; i < c->n_models; i++) {
        cmp_model *m = &c->models[i];
        for (int f = 0; f < c->n_folds; f++) {
            hpml_free(m->runs[f].pred);
            /* the fixture owns the curves (a real run borrows them from its model) */
            hpml_free((double *)(uintptr_t)m->runs[f].curve_train);
            hpml_free((double *)(uintptr_t)m->runs[f].curve_valid);
        }
        hpml_free(m->runs);
        hpml_free(m->name);
        hpml_free(m->error);
        hpml_free(m->importance);
    }
    hpml_free(c->models);
    hpml_free(c);
}

/* The fixtures: name, spec, and the ids their report must have. */
static const struct {
    const char *file;
    fixture fx;
    const char *ids;
} fixtures[] = {
    {"regression.html", {HPML_TASK_REGRESSION, 0, 1, 30, 400, 1, 1},
     "metrics time memory pred-gbdt resid-gbdt curve-gbdt imp-gbdt pred-mlp resid-mlp "
     "curve-mlp imp-mlp"},
    {"regression_large.html", {HPML_TASK_REGRESSION, 0, 1, 8, 20000, 0, 1},
     "metrics time memory pred-gbdt resid-gbdt curve-gbdt imp-gbdt pred-mlp resid-mlp "
     "curve-mlp imp-mlp"},
    {"binary_cv.html", {HPML_TASK_BINARY, 2, 5, 12, 120, 0, 0},
     "metrics time memory pred-gbdt resid-gbdt curve-gbdt imp-gbdt pred-mlp resid-mlp "
     "curve-mlp imp-mlp"},
    {"multiclass.html", {HPML_TASK_MULTICLASS, 4, 1, 25, 600, 1, 1},
     "metrics time memory pred-gbdt resid-gbdt curve-gbdt imp-gbdt pred-mlp resid-mlp "
     "curve-mlp imp-mlp"},
};
#define N_FIXTURES ((int)(sizeof fixtures / sizeof fixtures[0]))

/* -------------------------------------------------------------- checks */

static char dir[64];
static const char *path_of(const char *name)
{
    static char buf[160];
    snprintf(buf, sizeof buf, "%s/%s", dir, name);
    return buf;
}

static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)len + 1);
    *n = fread(b, 1, (size_t)len, f);
    b[*n] = '\0';
    fclose(f);
    return b;
}

static size_t count(const char *s, const char *needle)
{
    size_t n = 0, k = strlen(needle);
    for (const char *p = s; (p = strstr(p, needle)); p += k)
        n++;
    return n;
}

/* True if `word` occurs in s with no letter or digit either side. */
static int has_word(const char *s, const char *word)
{
    size_t k = strlen(word);
    for (const char *p = s; *p; p++) {
        if (strncmp(p, word, k) != 0)
            continue;
        int before = p > s && isalnum((unsigned char)p[-1]);
        int after = isalnum((unsigned char)p[k]);
        if (!before && !after)
            return 1;
    }
    return 0;
}

static int valid_utf8(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        unsigned c = s[i];
        size_t k = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        if (!k || i + k > n || (k == 2 && c < 0xC2))
            return 0;
        for (size_t j = 1; j < k; j++)
            if ((s[i + j] & 0xC0) != 0x80)
                return 0;
        i += k;
    }
    return 1;
}

/* Every element closed in order (void elements and <!...> aside, <style>
 * content skipped); prints the first mismatch. */
static int tags_balanced(const char *s)
{
    static const char *const voids[] = {"meta", "br", "link", "img", "hr", "input", NULL};
    char stack[256][24];
    int depth = 0;
    for (const char *p = s; (p = strchr(p, '<'));) {
        if (p[1] == '!') {
            p = strchr(p, '>');
            if (!p)
                return 0;
            continue;
        }
        int closing = p[1] == '/';
        const char *b = p + 1 + closing, *e = b;
        while (isalnum((unsigned char)*e))
            e++;
        const char *end = strchr(e, '>');
        if (!end || e == b || e - b >= 24)
            return 0;
        char name[24];
        memcpy(name, b, (size_t)(e - b));
        name[e - b] = '\0';
        int self = end[-1] == '/', is_void = 0;
        for (int i = 0; voids[i]; i++)
            is_void |= strcmp(name, voids[i]) == 0;
        if (closing) {
            if (depth == 0 || strcmp(stack[depth - 1], name) != 0) {
                fprintf(stderr, "</%s> closes <%s>\n", name, depth ? stack[depth - 1] : "");
                return 0;
            }
            depth--;
        } else if (!self && !is_void) {
            if (depth == 256)
                return 0;
            strcpy(stack[depth++], name);
            if (strcmp(name, "style") == 0) {
                const char *q = strstr(end, "</style>");
                if (!q)
                    return 0;
                end = q - 1;
            }
        }
        p = end + 1;
    }
    if (depth)
        fprintf(stderr, "<%s> not closed\n", stack[depth - 1]);
    return depth == 0;
}

/* The <svg ...> element with this id: its text from "<svg" to "</svg>". */
static const char *find_svg(const char *s, const char *id, size_t *len)
{
    char want[96];
    snprintf(want, sizeof want, "id=\"%s\"", id);
    for (const char *p = s; (p = strstr(p, "<svg")); p += 4) {
        const char *gt = strchr(p, '>'), *at = strstr(p, want);
        if (gt && at && at < gt) {
            const char *e = strstr(p, "</svg>");
            *len = e ? (size_t)(e - p) + 6 : 0;
            return p;
        }
    }
    return NULL;
}

static long svg_points(const char *svg)
{
    const char *p = strstr(svg, "data-points=\"");
    return p ? strtol(p + 13, NULL, 10) : -1;
}

/* Everything a report must be; returns its text (caller frees) or NULL. */
static char *check_report(const char *path, const char *ids)
{
    size_t n = 0;
    char *s = slurp(path, &n);
    CHECK(s != NULL && n > 1000);
    if (!s)
        return NULL;
    CHECK(strncmp(s, "<!DOCTYPE html>", 15) == 0);
    CHECK(valid_utf8((const unsigned char *)s, n));
    CHECK(tags_balanced(s));
    CHECK(count(s, "<svg") == count(s, "</svg>"));
    /* printf's non-finite numbers (a message may say "NaN": it is text) */
    CHECK(!has_word(s, "nan") && !has_word(s, "inf") && !has_word(s, "NAN") && !has_word(s, "INF"));
    CHECK(!strstr(s, "<script") && !strstr(s, "<SCRIPT") && !strstr(s, "javascript:"));
    CHECK(!strstr(s, "<link") && !strstr(s, "<img") && !strstr(s, "url(http"));
    CHECK(!strstr(s, "@import"));
    CHECK(count(s, "http://") + count(s, "https://") == count(s, "http://www.w3.org/2000/svg"));
    CHECK(count(s, "class=\"fig\"") == count(s, "<svg"));
    CHECK(strstr(s, "<table id=\"metrics\">") != NULL);
    /* every expected figure, with data */
    char id[64];
    for (const char *p = ids; *p;) {
        size_t k = strcspn(p, " ");
        snprintf(id, sizeof id, "%.*s", (int)k, p);
        p += k + (p[k] == ' ');
        if (strcmp(id, "metrics") == 0)
            continue;
        size_t len;
        const char *svg = find_svg(s, id, &len);
        if (!svg || svg_points(svg) <= 0 || len < 200) {
            fprintf(stderr, "%s: figure %s missing or empty\n", path, id);
            CHECK(0);
        }
    }
    return s;
}

static hpml_compare *fixture_compare(int k)
{
    return make_compare(&fixtures[k].fx, 11 + (uint64_t)k);
}

/* ---------------------------------------------------------------- tests */

static void test_regression_failed_model(void)
{
    hpml_compare *c = fixture_compare(0);
    CHECK_OK(cmp_write_report(c, path_of("r.html")));
    char *s = check_report(path_of("r.html"), fixtures[0].ids);
    if (s) {
        CHECK(strstr(s, "failed: fold 1: training diverged: the loss became NaN") != NULL);
        CHECK(strstr(s, "<div class=\"error\"><b>This model failed</b>: fold 1") != NULL);
        CHECK(!strstr(s, "id=\"pred-cnn\"") && !strstr(s, "id=\"curve-cnn\""));
        /* the data summary and the full configuration */
        CHECK(strstr(s, "drug_response.csv") && strstr(s, "<code>ln_ic50</code>"));
        CHECK(strstr(s, "2,000") != NULL);                 /* rows */
        CHECK(strstr(s, "3 left out") != NULL);            /* dropped */
        CHECK(strstr(s, "random: 20% test") != NULL);
        CHECK(strstr(s, "--out results &amp; &lt;more&gt;") != NULL);
        CHECK(strstr(s, "<code>n_trees</code></th><td><code>60</code>") != NULL);
        CHECK(strstr(s, "<code>epochs</code></th><td><code>25</code>") != NULL);
        CHECK(strstr(s, "<code>conv</code></th><td><code>16:5:1,32:5:2</code>") != NULL);
        CHECK(count(s, "<code>learning_rate</code>") == 1 && count(s, "<code>lr</code>") == 2);
        /* escaped and repaired names */
        CHECK(strstr(s, "dose &lt;\xC2\xB5M&gt; &amp; &#39;time&#39;") != NULL);
        CHECK(strstr(s, "bad\xEF\xBF\xBDutf8") != NULL);
        /* the metrics: regression columns, bootstrap explained, best in bold */
        CHECK(strstr(s, "<th>R\xC2\xB2 &uarr;</th><th>RMSE &darr;</th>") != NULL);
        CHECK(!strstr(s, "<th>AUC"));
        CHECK(strstr(s, "1000 bootstrap resamples") != NULL);
        CHECK(count(s, "<td class=\"best\"") == 5);
        CHECK(strstr(s, "Best R\xC2\xB2 on the test rows: <b>gbdt</b>") != NULL);
        CHECK(strstr(s, "gain importance") || strstr(s, "Gain importance"));
        CHECK(strstr(s, "Permutation importance, measured on the validation rows") != NULL);
        CHECK(strstr(s, "validation rows (dashed)") != NULL);
    }
    free(s);
    free_compare(c);
}

static void test_hexbin_above_threshold(void)
{
    hpml_compare *c = fixture_compare(1);
    CHECK_OK(cmp_write_report(c, path_of("big.html")));
    char *s = check_report(path_of("big.html"), fixtures[1].ids);
    if (s) {
        size_t len = 0;
        const char *svg = find_svg(s, "pred-gbdt", &len);
        CHECK(svg && svg_points(svg) == 20000);
        if (svg) {
            char *fig = strndup(svg, len);
            CHECK(count(fig, "<circle") == 0);
            CHECK(count(fig, "<") < 150);                   /* bounded, not one per row */
            CHECK(len < 120000);
            free(fig);
        }
        /* the residuals: the 1% most extreme rows counted in the end bars */
        CHECK(strstr(s, "most extreme rows (1%)") != NULL);
        CHECK(strlen(s) < 800000);
    }
    free(s);
    free_compare(c);
}

static void test_binary_folds(void)
{
    hpml_compare *c = fixture_compare(2);
    CHECK_OK(cmp_write_report(c, path_of("b.html")));
    char *s = check_report(path_of("b.html"), fixtures[2].ids);
    if (s) {
        CHECK(strstr(s, "<th>AUC &uarr;</th><th>log-loss &darr;</th>") != NULL);
        CHECK(strstr(s, "mean over the 5 folds") != NULL);
        CHECK(strstr(s, "fold 5: ") != NULL);
        CHECK(strstr(s, "title=\"per fold: ") != NULL);
        CHECK(strstr(s, "class yes (AUC 0.") != NULL);      /* one ROC curve, class 1 */
        CHECK(strstr(s, "predicted probability of the true class") != NULL);
        CHECK(strstr(s, "training rows (a line per fold)") != NULL);
        CHECK(strstr(s, "no validation rows") != NULL);
        CHECK(strstr(s, "summed over the folds") != NULL);
        CHECK(strstr(s, "no: ") && strstr(s, "yes: "));    /* class counts */
    }
    free(s);
    free_compare(c);
}

static void test_multiclass(void)
{
    hpml_compare *c = fixture_compare(3);
    CHECK_OK(cmp_write_report(c, path_of("m.html")));
    char *s = check_report(path_of("m.html"), fixtures[3].ids);
    if (s) {
        size_t len;
        const char *svg = find_svg(s, "pred-mlp", &len);
        CHECK(svg != NULL);
        if (svg) { /* one-vs-rest: a curve per class, each in the legend */
            char *fig = strndup(svg, len);
            CHECK(strstr(fig, ">luminal A (AUC ") && strstr(fig, ">HER2 (AUC "));
            free(fig);
        }
        CHECK(strstr(s, "One curve per class") != NULL);
    }
    free(s);
    free_compare(c);
}

/* Same results, same bytes; different results, different bytes. */
static void test_deterministic(void)
{
    hpml_compare *a = fixture_compare(0), *b = fixture_compare(0);
    CHECK_OK(cmp_write_report(a, path_of("d1.html")));
    CHECK_OK(cmp_write_report(b, path_of("d2.html")));
    size_t n1 = 0, n2 = 0;
    char *s1 = slurp(path_of("d1.html"), &n1), *s2 = slurp(path_of("d2.html"), &n2);
    CHECK(s1 && s2 && n1 == n2 && memcmp(s1, s2, n1) == 0);
    b->models[0].stat[CMP_R2].value += 0.01;
    CHECK_OK(cmp_write_report(b, path_of("d2.html")));
    free(s2);
    s2 = slurp(path_of("d2.html"), &n2);
    CHECK(s2 && (n1 != n2 || memcmp(s1, s2, n1) != 0));
    free(s1);
    free(s2);
    free_compare(a);
    free_compare(b);
}

/* Odd results: every model failed; non-finite statistics; no importance or
 * curves; no classes' labels; a model name that is not a valid id. */
static void test_degenerate(void)
{
    hpml_compare *c = fixture_compare(0);
    for (int i = 0; i < c->n_models; i++) {
        hpml_free(c->models[i].error);
        c->models[i].error = xdup("out of memory: <none> left");
    }
    CHECK_OK(cmp_write_report(c, path_of("x.html")));
    char *s = check_report(path_of("x.html"), "metrics");
    CHECK(s && strstr(s, "Every model failed"));
    CHECK(s && count(s, "failed: out of memory: &lt;none&gt;") == 3);
    free(s);
    free_compare(c);

    c = fixture_compare(2);
    hpml_free(c->models[1].name);
    c->models[1].name = xdup("my net/v2 \"wide\"");
    for (int k = 0; k < CMP_N_METRICS; k++)
        c->models[1].stat[k] = (cmp_stat){NAN, NAN, NAN, NAN, 0, NAN, NAN, NAN, 0};
    hpml_free(c->models[0].importance);
    c->models[0].importance = NULL;
    for (int f = 0; f < c->n_folds; f++)
        c->models[0].runs[f].n_rounds = 0;
    c->models[1].importance[0] = NAN;
    c->models[1].importance[1] = INFINITY;
    CHECK_OK(cmp_write_report(c, path_of("y.html")));
    s = check_report(path_of("y.html"), "metrics time memory pred-gbdt resid-gbdt "
                                        "pred-my_net_v2__wide_ imp-my_net_v2__wide_");
    CHECK(s && strstr(s, "No feature importance was computed") && strstr(s, "No learning curve"));
    free(s);
    free_compare(c);
}

/* Every allocation failure gives an error and no file (nor a temporary):
 * failing the k-th allocation fails the report for every k below the number
 * of allocations it makes, and for none above. */
static void test_alloc_failures(void)
{
    for (int fx = 0; fx < N_FIXTURES; fx++) {
        hpml_compare *c = fixture_compare(fx);
        long first_ok = -1;
        for (long k = 0; k < 5000 && (first_ok < 0 || k < first_ok + 20); k++) {
            unlink(path_of("f.html"));
            hpml_test_fail_alloc(k, k % 3 == 0); /* the k-th only, or every one from it on */
            hpml_status st = cmp_write_report(c, path_of("f.html"));
            hpml_test_fail_alloc(-1, 0);
            struct stat sb;
            if (st == HPML_OK) {
                if (first_ok < 0)
                    first_ok = k;
                CHECK(stat(path_of("f.html"), &sb) == 0);
            } else {
                if (first_ok >= 0) /* a failure that went unnoticed at first_ok */
                    fprintf(stderr, "fixture %d: allocation %ld failed unnoticed\n", fx, first_ok);
                CHECK(first_ok < 0);
                CHECK(st == HPML_ERR_NOMEM);
                CHECK(stat(path_of("f.html"), &sb) != 0);
            }
        }
        CHECK(first_ok > 10);
        free_compare(c);
    }
    /* nothing left behind but the reports */
    char cmd[160];
    snprintf(cmd, sizeof cmd, "ls -a %s | grep -v '\\.html$' | grep -vx '\\.\\.\\?' | grep -q .",
             dir);
    CHECK(system(cmd) != 0);
    CHECK_FAILS(cmp_write_report(NULL, "x"), HPML_ERR_ARG, "NULL");
    hpml_compare *c = fixture_compare(0);
    CHECK_FAILS(cmp_write_report(c, "/nonexistent-dir/r.html"), HPML_ERR_IO, "nonexistent-dir");
    free_compare(c);
}

/* --write DIR: the fixture reports for the browser check. */
static int write_fixtures(const char *out)
{
    char path[512];
    for (int k = 0; k < N_FIXTURES; k++) {
        hpml_compare *c = fixture_compare(k);
        snprintf(path, sizeof path, "%s/%s", out, fixtures[k].file);
        hpml_status st = cmp_write_report(c, path);
        free_compare(c);
        if (st != HPML_OK) {
            fprintf(stderr, "%s: %s\n", path, hpml_last_error());
            return 1;
        }
        printf("%s %s\n", path, fixtures[k].ids);
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--write") == 0)
        return write_fixtures(argv[2]);
    snprintf(dir, sizeof dir, "/tmp/test_report_XXXXXX");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    RUN(test_regression_failed_model);
    RUN(test_hexbin_above_threshold);
    RUN(test_binary_folds);
    RUN(test_multiclass);
    RUN(test_deterministic);
    RUN(test_degenerate);
    RUN(test_alloc_failures);
    char cmd[96];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    return check_summary();
}
