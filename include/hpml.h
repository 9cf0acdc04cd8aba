/*
 * hpml.h — the whole public API of hpml (the contract).
 *
 * Conventions (see DESIGN.md):
 *  - Every name starts with hpml_. Types are opaque handles with create/free
 *    pairs; every *_free(NULL) is a no-op.
 *  - Functions return hpml_status (HPML_OK == 0). On failure the message of the
 *    failure is hpml_last_error() on the calling thread; data errors carry
 *    "file:line:column: " in front.
 *  - The library never exits, aborts or prints to stdout. Diagnostics go
 *    through the logging hook (hpml_set_log_hook), stderr by default.
 *  - Ownership is written above each function that takes or returns memory.
 *    "Borrowed" pointers stay valid until the handle they came from is freed.
 *  - Row indices are uint32_t: a table holds at most 4,294,967,294 rows.
 */
#ifndef HPML_H
#define HPML_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define HPML_API __attribute__((visibility("default")))
#else
#define HPML_API
#endif

/* ---------------------------------------------------------------- version */

#define HPML_VERSION_MAJOR 0
#define HPML_VERSION_MINOR 1
#define HPML_VERSION_PATCH 0
#define HPML_VERSION_STRING "0.1.0"

/* "0.1.0" — the version of the library linked, which may differ from the
 * header's HPML_VERSION_STRING. Static storage. */
HPML_API const char *hpml_version(void);

/* ------------------------------------------------------- status and errors */

typedef enum hpml_status {
    HPML_OK = 0,
    HPML_ERR_ARG = 1,      /* invalid argument or parameter value */
    HPML_ERR_IO = 2,       /* a file could not be opened, read or written */
    HPML_ERR_PARSE = 3,    /* malformed input data (the message says where) */
    HPML_ERR_DATA = 4,     /* well-formed data that cannot be used as asked */
    HPML_ERR_NOMEM = 5,    /* an allocation failed */
    HPML_ERR_INTERNAL = 6  /* a bug in hpml: please report it */
} hpml_status;

/* Short name of a status ("ok", "bad argument", ...). Static storage. */
HPML_API const char *hpml_status_name(hpml_status s);

/* Message of the last failure on this thread ("" if none). Thread-local
 * storage, valid until the next hpml call on this thread fails. */
HPML_API const char *hpml_last_error(void);

/* ----------------------------------------------------------------- logging */

typedef enum hpml_log_level {
    HPML_LOG_ERROR = 0,
    HPML_LOG_WARN = 1,
    HPML_LOG_INFO = 2,
    HPML_LOG_DEBUG = 3
} hpml_log_level;

/* Called for each log line (no trailing newline) at or below the set level.
 * May be called from any thread the library runs on; must be thread-safe. */
typedef void (*hpml_log_fn)(hpml_log_level level, const char *msg, void *user);

/* Replaces the logging hook (NULL restores the default, which writes
 * "hpml: LEVEL: msg" lines to stderr) and sets the level (default WARN).
 * The one piece of process-global state in hpml. */
HPML_API void hpml_set_log_hook(hpml_log_fn fn, void *user, hpml_log_level level);

/* ------------------------------------------------------------------ tables */

/* A table: columns read from a CSV file. Numeric columns hold float32 values
 * with NaN for missing; categorical columns hold int32 codes (-1 = missing)
 * into a dictionary of distinct strings in order of first appearance. */
typedef struct hpml_table hpml_table;
/* Processes working together (MPI ranks), or NULL: this process alone
 * (section "processes" below). */
typedef struct hpml_dist hpml_dist;

typedef enum hpml_coltype {
    HPML_COL_NUMERIC = 0,
    HPML_COL_CATEGORICAL = 1
} hpml_coltype;

/* Column type forced by the caller instead of inferred. */
typedef enum hpml_coltype_hint {
    HPML_HINT_AUTO = 0,
    HPML_HINT_NUMERIC,     /* every non-missing value must parse as a number */
    HPML_HINT_CATEGORICAL  /* keep the text even if it looks numeric */
} hpml_coltype_hint;

typedef struct hpml_csv_options {
    char delimiter;        /* 0: detect among ',' '\t' ';' (default) */
    char quote;            /* '"' (default); 0 disables quoting */
    char decimal;          /* '.' (default) or ',' */
    int threads;           /* parser threads; 0: all cores (default) */
    size_t block_bytes;    /* input bytes per thread per window; 0: 4 MiB (default).
                              Memory beyond the table is about threads x 2 x this
                              (input window + parsed cells); tests use tiny
                              blocks to put window and range seams everywhere. */
    /* Comma-separated NA tokens; NULL means the default
     * ",NA,N/A,NaN,nan,null,NULL,?" (the leading empty token: empty fields are
     * missing). Copied during the call. */
    const char *na_tokens;
    /* Optional per-column type overrides by name (n_hints entries; borrowed
     * for the duration of the call). */
    const char *const *hint_names;
    const hpml_coltype_hint *hints;
    int n_hints;
    /* Several processes (borrowed; NULL or one process: this one reads it
     * all). Every process calls the read (collective) and gets the whole
     * table, equal to one process's read, but parses only its share of the
     * records: a byte range cut at a record boundary. Types and category
     * codes are agreed across the processes; an error in any share fails
     * the read on every process with that share's file:line:column (the
     * lowest process's, if several fail). A gzip file or a stream is read
     * whole by every process. */
    hpml_dist *dist;
} hpml_csv_options;

/* Fills *opt with the defaults above. */
HPML_API void hpml_csv_options_init(hpml_csv_options *opt);

/* Reads a CSV/TSV file (plain or gzip, detected from its first bytes) into a
 * new table. On success *out is owned by the caller (free with
 * hpml_table_free). On failure *out is NULL and hpml_last_error() says
 * "path:line:column: what was wrong". opt may be NULL for defaults. */
HPML_API hpml_status hpml_table_read_csv(const char *path, const hpml_csv_options *opt,
                                hpml_table **out);

/* Same, from a memory buffer (not copied; borrowed for the call). `name` is
 * used in messages in place of a path. gzip data is not accepted here. */
HPML_API hpml_status hpml_table_read_csv_buffer(const char *data, size_t len, const char *name,
                                       const hpml_csv_options *opt, hpml_table **out);

HPML_API void hpml_table_free(hpml_table *t);

HPML_API size_t hpml_table_n_rows(const hpml_table *t);
HPML_API int hpml_table_n_cols(const hpml_table *t);
/* Column name (borrowed); NULL if col is out of range. */
HPML_API const char *hpml_table_col_name(const hpml_table *t, int col);
/* Index of the column with this name, or -1. */
HPML_API int hpml_table_find_col(const hpml_table *t, const char *name);
HPML_API hpml_coltype hpml_table_col_type(const hpml_table *t, int col);
/* Numeric values (n_rows, NaN = missing), borrowed; NULL if not numeric. */
HPML_API const float *hpml_table_col_values(const hpml_table *t, int col);
/* Categorical codes (n_rows, -1 = missing), borrowed; NULL if not categorical. */
HPML_API const int32_t *hpml_table_col_codes(const hpml_table *t, int col);
/* Number of categories (0 for numeric columns). */
HPML_API int32_t hpml_table_col_n_categories(const hpml_table *t, int col);
/* Text of a category (borrowed, NUL-terminated); NULL if out of range. */
HPML_API const char *hpml_table_col_category(const hpml_table *t, int col, int32_t code);
/* Number of missing values in the column. */
HPML_API size_t hpml_table_col_n_missing(const hpml_table *t, int col);
/* Bytes held by the table (column storage, dictionaries, names). */
HPML_API size_t hpml_table_memory_bytes(const hpml_table *t);
/* Source name given at read time (path or buffer name), borrowed. */
HPML_API const char *hpml_table_source(const hpml_table *t);
/* 1-based line in the source file where data row `row` (0-based) starts. */
HPML_API uint64_t hpml_table_row_line(const hpml_table *t, size_t row);
/* The delimiter that was used (given or detected). */
HPML_API char hpml_table_delimiter(const hpml_table *t);

/* Summary statistics of a numeric column over its non-missing values
 * (min = max = mean = NaN when every value is missing). */
typedef struct hpml_col_stats {
    size_t n_missing;
    double min, max, mean, sd;
} hpml_col_stats;
HPML_API hpml_status hpml_table_col_stats(const hpml_table *t, int col, hpml_col_stats *out);
/* The same for every column at once (out: n_cols entries; a categorical
 * column gets its missing count and NaN statistics), columns spread over
 * `threads` threads (0: all cores). Each column is summed in row order, so
 * the results do not depend on the thread count. */
HPML_API hpml_status hpml_table_stats(const hpml_table *t, int threads, hpml_col_stats *out);

/* ---------------------------------------------------------------- datasets */

/* A dataset is a view over a table: a target column (or several, for a
 * multi-output regression), feature columns and a selection of rows. It never
 * copies the feature data; learners read features through it, so later a
 * view may join several tables without materialising the join. */
typedef struct hpml_dataset hpml_dataset;

typedef enum hpml_task {
    HPML_TASK_AUTO = 0,
    HPML_TASK_REGRESSION,
    HPML_TASK_BINARY,
    HPML_TASK_MULTICLASS
} hpml_task;

/* Lower-case name ("regression", ...), static storage; "auto" for AUTO. */
HPML_API const char *hpml_task_name(hpml_task task);

/* What to do with a fact row whose key has no row in a dimension table (or
 * whose key is missing). */
typedef enum hpml_on_missing {
    HPML_ON_MISSING_ERROR = 0,      /* fail, saying how many rows and the first's line */
    HPML_ON_MISSING_DROP = 1,       /* leave the row out (counted: hpml_dataset_n_unjoined) */
    HPML_ON_MISSING_NAN = 2         /* keep it; the table's features are missing */
} hpml_on_missing;

/* One dimension table of a star schema. The fact table's column `key` and
 * the dimension table's column `table_key` (NULL: also `key`) hold the same
 * identifiers (both text, or both numbers); the dimension table has one row
 * per identifier (a duplicate fails, naming both lines) and may have
 * identifiers no fact row uses. Its other columns become features of every
 * fact row with that key, after the fact table's own features, in table
 * order. A column name found in two tables is qualified as "NAME.column" in
 * feature names (and messages), NAME being `name` (NULL: the table's file
 * name without directory and extension; the fact table's likewise). Key
 * columns are never features. */
typedef struct hpml_join {
    const char *key;
    const hpml_table *table;
    const char *table_key;
    const char *name;
} hpml_join;

typedef struct hpml_dataset_spec {
    const char *target;             /* target column name (required) */
    const char *const *features;    /* feature names in the order the model will use,
                                       or NULL: every other column in table order */
    int n_features;
    const char *const *ignore;      /* names left out of the features */
    int n_ignore;
    hpml_task task;                 /* HPML_TASK_AUTO: inferred from the target */
    int drop_missing_target;        /* nonzero: drop rows whose target is missing
                                       (counted in hpml_dataset_n_dropped) instead
                                       of failing */
    /* Several targets: when n_targets > 0, targets[0..n_targets) name them
     * (borrowed for the call) and `target` is ignored. One name behaves as
     * `target`. Two or more make a multi-output regression: each column must
     * be numeric (a categorical one fails, naming it), the task is
     * regression (AUTO or REGRESSION only), and a row counts as missing its
     * target when any of them is missing. */
    const char *const *targets;
    int n_targets;
    /* A star schema: the table is the fact table, and each join hangs a
     * dimension table off one of its key columns (joins[0..n_joins),
     * borrowed for the call; the tables must outlive the dataset). */
    const struct hpml_join *joins;
    int n_joins;
    hpml_on_missing on_missing;     /* a fact row whose key no dimension row has */
} hpml_dataset_spec;

HPML_API void hpml_dataset_spec_init(hpml_dataset_spec *spec);

/* Creates a view of table t (borrowed: t must outlive the dataset). Unknown
 * column names fail with a suggestion of the closest name; a missing target
 * value fails with the count and the line of the first, unless
 * drop_missing_target; an infinite target value fails with its line; a
 * classification target may have at most 10000 classes. *out is owned by the
 * caller. */
HPML_API hpml_status hpml_dataset_create(const hpml_table *t, const hpml_dataset_spec *spec,
                                hpml_dataset **out);
HPML_API void hpml_dataset_free(hpml_dataset *d);

HPML_API size_t hpml_dataset_n_rows(const hpml_dataset *d);
/* Name of the target column (borrowed); with several, the first. */
HPML_API const char *hpml_dataset_target_name(const hpml_dataset *d);
/* Number of target columns: 1, or several for a multi-output regression (a
 * dataset laid out like a model without its target: the model's). */
HPML_API int hpml_dataset_n_targets(const hpml_dataset *d);
/* Name of target k (borrowed), NULL if out of range. */
HPML_API const char *hpml_dataset_target_name_k(const hpml_dataset *d, int k);
/* Rows dropped because a target was missing. */
HPML_API size_t hpml_dataset_n_dropped(const hpml_dataset *d);
HPML_API int hpml_dataset_n_features(const hpml_dataset *d);
HPML_API const char *hpml_dataset_feature_name(const hpml_dataset *d, int j);
HPML_API hpml_coltype hpml_dataset_feature_type(const hpml_dataset *d, int j);
/* Categories of a categorical feature (0 for numeric). */
HPML_API int32_t hpml_dataset_feature_n_categories(const hpml_dataset *d, int j);
HPML_API hpml_task hpml_dataset_task(const hpml_dataset *d);
/* One line saying why the task was chosen, borrowed. */
HPML_API const char *hpml_dataset_task_reason(const hpml_dataset *d);
/* Target per dataset row (n_rows), borrowed: the value for regression, the
 * class index 0..n_classes-1 for classification. With several targets, the
 * first target's values. NULL for a dataset without its target. */
HPML_API const float *hpml_dataset_target(const hpml_dataset *d);
/* Values of target k per dataset row (n_rows, contiguous; borrowed), NULL if
 * k is out of range or the dataset has no target. The targets are stored one
 * after another, so hpml_dataset_target_k(d, k) == hpml_dataset_target(d) + k
 * * n_rows. */
HPML_API const float *hpml_dataset_target_k(const hpml_dataset *d, int k);
/* Number of classes (0 for regression). Classes are sorted: numerically for
 * a numeric target, by bytes for a categorical one. */
HPML_API int hpml_dataset_n_classes(const hpml_dataset *d);
/* Label of class k as text (borrowed), NULL if out of range. */
HPML_API const char *hpml_dataset_class_label(const hpml_dataset *d, int k);
/* Rows of class k. */
HPML_API size_t hpml_dataset_class_count(const hpml_dataset *d, int k);
/* Table row of dataset row i. */
HPML_API size_t hpml_dataset_table_row(const hpml_dataset *d, size_t i);

/* Star schemas. A dataset over one table has no joins. */
HPML_API int hpml_dataset_n_joins(const hpml_dataset *d);
/* Fact rows left out because a key had no dimension row (on_missing DROP). */
HPML_API size_t hpml_dataset_n_unjoined(const hpml_dataset *d);
/* Join of feature j: -1 for a fact-table feature, else its join's index. */
HPML_API int hpml_dataset_feature_join(const hpml_dataset *d, int j);
/* Rows of join t's dimension table (0 if t is out of range). */
HPML_API size_t hpml_dataset_join_n_rows(const hpml_dataset *d, int t);
/* For dataset rows rows[0..n) (NULL: 0..n-1), their row of join t's
 * dimension table into out[0..n) (-1: none, with on_missing NAN). */
HPML_API hpml_status hpml_dataset_join_rows(const hpml_dataset *d, int t, const uint32_t *rows,
                                            size_t n, int32_t *out);
/* How many of dataset rows rows[0..n) (NULL: 0..n-1) have each row of join
 * t's dimension table: count[r] for its row r, count[join_n_rows] for those
 * without one (on_missing NAN). count (caller-owned) has join_n_rows + 1
 * entries, all written. */
HPML_API hpml_status hpml_dataset_join_counts(const hpml_dataset *d, int t, const uint32_t *rows,
                                              size_t n, size_t *count);
/* Gathers feature j (of a join) for rows dim_rows[0..n) of its dimension
 * table (NULL: 0..n-1), converted as by hpml_dataset_gather. A learner reads
 * a dimension table once per key this way instead of once per fact row. */
HPML_API hpml_status hpml_dataset_gather_dim(const hpml_dataset *d, int j,
                                             const uint32_t *dim_rows, size_t n, float *out);

/* Gathers feature j for dataset rows rows[0..n) into out[0..n): numeric
 * values as they are (NaN missing); categorical codes converted to float
 * (-1 → NaN). rows == NULL means rows 0..n-1. */
HPML_API hpml_status hpml_dataset_gather(const hpml_dataset *d, int j, const uint32_t *rows,
                                size_t n, float *out);

/* ------------------------------------------------------------------ splits */

/* A split of dataset rows into train / valid / test index arrays (sorted
 * ascending), or into k folds. All splits are reproducible from the seed. */
typedef struct hpml_split hpml_split;

typedef enum hpml_split_part {
    HPML_PART_TRAIN = 0,
    HPML_PART_VALID = 1,
    HPML_PART_TEST = 2
} hpml_split_part;

typedef enum hpml_split_kind {
    HPML_SPLIT_AUTO = 0,       /* stratified for classification, else random */
    HPML_SPLIT_RANDOM,
    HPML_SPLIT_STRATIFIED,
    HPML_SPLIT_GROUP           /* no group value in two parts */
} hpml_split_kind;

typedef struct hpml_split_spec {
    hpml_split_kind kind;
    /* Part sizes are round(fraction x n) (halves away from zero), at least 1
     * for a part asked for; a split leaving no training rows (or groups)
     * fails with HPML_ERR_DATA. */
    double test_size;          /* fraction of rows (of groups, for GROUP) */
    double valid_size;         /* fraction, may be 0 */
    int folds;                 /* 0: a train/valid/test split; k >= 2: k folds */
    const char *group_col;     /* column of the table holding group labels */
    uint64_t seed;
} hpml_split_spec;

HPML_API void hpml_split_spec_init(hpml_split_spec *spec);

/* Splits the rows of d. *out is owned by the caller. Too few rows or groups
 * for the sizes asked, or a class too small to stratify, fail with a
 * message. */
HPML_API hpml_status hpml_split_create(const hpml_dataset *d, const hpml_split_spec *spec,
                              hpml_split **out);
HPML_API void hpml_split_free(hpml_split *s);

/* Number of folds (1 for a train/valid/test split). */
HPML_API int hpml_split_n_folds(const hpml_split *s);
/* Indices (dataset rows, sorted) of one part of fold f, borrowed; *n gets the
 * count. For k folds, TEST is fold f and TRAIN every other fold (VALID is
 * empty). */
HPML_API const uint32_t *hpml_split_rows(const hpml_split *s, int fold, hpml_split_part part,
                                size_t *n);

/* ----------------------------------------------------------------- metrics */

/* Regression metrics of predictions p against truth y (n values each). All
 * fail with HPML_ERR_ARG on n == 0 or a non-finite input. */
HPML_API hpml_status hpml_metric_rmse(const float *y, const float *p, size_t n, double *out);
HPML_API hpml_status hpml_metric_mae(const float *y, const float *p, size_t n, double *out);
HPML_API hpml_status hpml_metric_r2(const float *y, const float *p, size_t n, double *out);
HPML_API hpml_status hpml_metric_pearson(const float *y, const float *p, size_t n, double *out);
/* Spearman rank correlation; ties get their average rank. */
HPML_API hpml_status hpml_metric_spearman(const float *y, const float *p, size_t n, double *out);

/* Classification metrics. y holds class indices 0..k-1 (as float). prob is
 * n x k row-major class probabilities; for binary tasks k may be 1, prob then
 * being P(class 1). */
/* ROC AUC (ties count one half). Multiclass: macro average of one-vs-rest. */
HPML_API hpml_status hpml_metric_auc(const float *y, const float *prob, size_t n, int k, double *out);
/* Mean negative log-likelihood; probabilities are clipped to [1e-15, 1-1e-15]. */
HPML_API hpml_status hpml_metric_logloss(const float *y, const float *prob, size_t n, int k,
                                double *out);
/* Fraction of rows whose most probable class (first on ties; p >= 0.5 for
 * k == 1) is y. */
HPML_API hpml_status hpml_metric_accuracy(const float *y, const float *prob, size_t n, int k,
                                 double *out);
/* Unweighted mean of per-class F1 over the classes that occur in y or among
 * the predicted classes (predicted as for accuracy); a class of 0..k-1 that
 * occurs in neither is left out of the mean. A class predicted but never true,
 * or true but never predicted, has F1 0. This is scikit-learn's
 * f1_score(average='macro', zero_division=0) with its default labels. For
 * binary tasks (k == 1 or 2) it averages both classes when both occur. */
HPML_API hpml_status hpml_metric_macro_f1(const float *y, const float *prob, size_t n, int k,
                                 double *out);

/* Every metric of a task at once: regression fills rmse..spearman,
 * classification auc..macro_f1; the others are NaN. pred is what
 * hpml_model_predict writes (one value per row, or n_classes per row for
 * multiclass); y as for the metrics above. */
typedef struct hpml_metrics {
    double rmse, mae, r2, pearson, spearman;
    double auc, logloss, accuracy, macro_f1;
} hpml_metrics;
HPML_API hpml_status hpml_metrics_compute(hpml_task task, int n_classes, const float *y,
                                          const float *pred, size_t n, hpml_metrics *out);

/* ------------------------------------------------------------------ models */

/* A trained model: the learner (trees or a neural net) plus the schema it was
 * trained on (feature names and types, category texts, target, task and
 * classes), so data is matched to it by column name and category text. */
typedef struct hpml_model hpml_model;

typedef enum hpml_model_kind {
    HPML_MODEL_GBDT = 1,
    HPML_MODEL_MLP = 2,
    HPML_MODEL_CNN = 3
} hpml_model_kind;

/* Progress of training, reported once per round (trees) or epoch (nets). */
typedef struct hpml_progress {
    int round, n_rounds;        /* rounds done (1-based), rounds asked for */
    const char *metric;         /* name of the metric below ("rmse", "logloss", ...) */
    double train_metric;        /* on the training rows */
    double valid_metric;        /* on the validation rows; NaN without them */
    int best_round;             /* round of the best valid_metric so far (0: none) */
    double seconds;             /* since training started (trees: binning included;
                                   nets: since the first epoch began, after the
                                   inputs were prepared) */
} hpml_progress;
/* Called on the training thread; return nonzero to stop training early (the
 * model keeps the rounds done so far). */
typedef int (*hpml_progress_fn)(const hpml_progress *p, void *user);

HPML_API void hpml_model_free(hpml_model *m);
HPML_API hpml_model_kind hpml_model_get_kind(const hpml_model *m);
HPML_API hpml_task hpml_model_task(const hpml_model *m);
/* Values per row that predict writes: 1 (regression: the value; binary: the
 * probability of class 1), n_classes (multiclass: class probabilities), or
 * n_targets (multi-output regression: the targets' values in target order). */
HPML_API int hpml_model_n_outputs(const hpml_model *m);
HPML_API int hpml_model_n_classes(const hpml_model *m);
HPML_API const char *hpml_model_class_label(const hpml_model *m, int k);
/* The target's name (borrowed); with several targets, the first. */
HPML_API const char *hpml_model_target_name(const hpml_model *m);
/* Number of targets (1, or several for a multi-output regression net) and the
 * name of target k (borrowed; NULL if out of range). */
HPML_API int hpml_model_n_targets(const hpml_model *m);
HPML_API const char *hpml_model_target_name_k(const hpml_model *m, int k);
HPML_API int hpml_model_n_features(const hpml_model *m);
HPML_API const char *hpml_model_feature_name(const hpml_model *m, int j);
HPML_API hpml_coltype hpml_model_feature_type(const hpml_model *m, int j);
/* Code of category `text` of categorical feature j (what predict expects in
 * that feature's slot), or -1 if the model never saw it (predict treats -1
 * and NaN as missing). */
HPML_API int32_t hpml_model_category_code(const hpml_model *m, int j, const char *text);
/* Rounds (trees) or epochs actually trained, and the per-round history of the
 * training and validation metric (borrowed arrays of *n values; valid is NaN
 * without validation rows). */
HPML_API void hpml_model_history(const hpml_model *m, int *n, const char **metric,
                                 const double **train, const double **valid);
/* Threads prediction uses (0: all cores, the default). Nets set OpenBLAS's
 * thread count, which is process-wide, for the duration of each call. */
HPML_API void hpml_model_set_threads(hpml_model *m, int threads);

/* Predicts n_rows rows given as raw feature values, row-major: x[i *
 * n_features + j] (NaN = missing; categorical features as codes from
 * hpml_model_category_code). out (caller-owned) receives n_rows x
 * hpml_model_n_outputs values, row-major. */
HPML_API hpml_status hpml_model_predict(const hpml_model *m, const float *x, size_t n_rows,
                                        float *out);
/* Predicts rows[0..n) (NULL: all) of a dataset made for this model with
 * hpml_model_dataset (or the training dataset). */
HPML_API hpml_status hpml_model_predict_dataset(const hpml_model *m, const hpml_dataset *d,
                                                const uint32_t *rows, size_t n, float *out);

/* A dataset over table t laid out as the model expects: the model's features
 * found by name (a missing one fails, naming it; extra columns are ignored),
 * categories mapped by text (ones never seen in training become missing).
 * with_target: also the target (every target of a multi-output model), its
 * classes mapped to the model's (a class the model does not know fails with
 * its line). t is borrowed; *out is owned by the caller. */
HPML_API hpml_status hpml_model_dataset(const hpml_model *m, const hpml_table *t, int with_target,
                                        hpml_dataset **out);
/* The same layout taken from another dataset (e.g. a validation file laid out
 * like the training one). */
HPML_API hpml_status hpml_dataset_create_like(const hpml_dataset *ref, const hpml_table *t,
                                              int with_target, hpml_dataset **out);
/* The same two over a star schema: t is the fact table and joins[0..n_joins)
 * (borrowed, like t) the dimension tables, one per join of the model, in the
 * model's order and on the same keys (hpml_model_join_key); each join's
 * features are found by column name in its table. A model trained on a star
 * schema needs these (hpml_model_dataset fails, saying which tables it
 * needs); a model of one table takes n_joins == 0. */
HPML_API hpml_status hpml_model_dataset_joined(const hpml_model *m, const hpml_table *t,
                                               const hpml_join *joins, int n_joins,
                                               hpml_on_missing on_missing, int with_target,
                                               hpml_dataset **out);
HPML_API hpml_status hpml_dataset_create_like_joined(const hpml_dataset *ref, const hpml_table *t,
                                                     const hpml_join *joins, int n_joins,
                                                     hpml_on_missing on_missing, int with_target,
                                                     hpml_dataset **out);
/* The model's joins: how many (0: trained on one table), and join t's fact
 * key column, dimension key column and table name (borrowed; NULL if t is
 * out of range). */
HPML_API int hpml_model_n_joins(const hpml_model *m);
/* Join of feature j: -1 for a fact-table feature (and for every feature of
 * a model of one table), else its join's index. */
HPML_API int hpml_model_feature_join(const hpml_model *m, int j);
HPML_API const char *hpml_model_join_key(const hpml_model *m, int t);
HPML_API const char *hpml_model_join_table_key(const hpml_model *m, int t);
HPML_API const char *hpml_model_join_name(const hpml_model *m, int t);

/* Writes the model to path atomically (temporary file, fsync, rename). */
HPML_API hpml_status hpml_model_save(const hpml_model *m, const char *path);
/* Reads a model; a damaged, truncated or foreign file fails with a message
 * saying which. *out is owned by the caller. */
HPML_API hpml_status hpml_model_load(const char *path, hpml_model **out);

typedef enum hpml_importance_type {
    HPML_IMPORTANCE_GAIN = 0,    /* total split gain of each feature */
    HPML_IMPORTANCE_SPLITS = 1   /* number of splits on each feature */
} hpml_importance_type;
/* Importance of each feature (out: hpml_model_n_features values, caller-owned).
 * Trees only (HPML_ERR_ARG for nets). */
HPML_API hpml_status hpml_model_importance(const hpml_model *m, hpml_importance_type type,
                                           double *out);

/* Writes predictions pred (n_rows x hpml_model_n_outputs, as from
 * hpml_model_predict_dataset over all rows of t) as a CSV file, atomically:
 * first the columns keep_cols[0..n_keep) of table t as they were read (may be
 * none; t may then be NULL), then for regression "prediction" (several
 * targets: "prediction_TARGET" for each, in target order), for
 * classification "predicted" (the most probable class's label) and
 * "prob_LABEL" for every class. */
HPML_API hpml_status hpml_write_predictions(const hpml_model *m, const float *pred, size_t n_rows,
                                            const hpml_table *t, const int *keep_cols, int n_keep,
                                            const char *path);
/* The same with a standard deviation per prediction (sd laid out like pred,
 * e.g. from hpml_model_predict_dataset_mc): "prediction_sd" after
 * "prediction", "prediction_TARGET_sd" columns after the several targets'
 * predictions, or "prob_LABEL_sd" columns after the probabilities. */
HPML_API hpml_status hpml_write_predictions_sd(const hpml_model *m, const float *pred,
                                               const float *sd, size_t n_rows, const hpml_table *t,
                                               const int *keep_cols, int n_keep, const char *path);

/* -------------------------------------------------- gradient-boosted trees */

typedef enum hpml_gbdt_objective {
    HPML_GBDT_AUTO = 0,          /* from the task: squared error, logistic or softmax */
    HPML_GBDT_SQUARED_ERROR = 1,
    HPML_GBDT_LOGISTIC = 2,      /* binary */
    HPML_GBDT_SOFTMAX = 3,       /* multiclass: one tree per class per round */
    HPML_GBDT_HUBER = 4,         /* regression, robust to outliers (huber_delta) */
    HPML_GBDT_QUANTILE = 5       /* regression: the quantile_alpha quantile */
} hpml_gbdt_objective;

typedef enum hpml_grow_policy {
    HPML_GROW_DEPTHWISE = 0,     /* level by level, down to max_depth */
    HPML_GROW_LOSSGUIDE = 1      /* best leaf first, up to max_leaves */
} hpml_grow_policy;

/* Parameters of hpml_gbdt_train. Set them directly or by name with
 * hpml_gbdt_params_set (which accepts XGBoost/LightGBM names as aliases). */
typedef struct hpml_gbdt_params {
    hpml_gbdt_objective objective;
    int n_trees;                 /* boosting rounds */
    double learning_rate;
    int max_depth;               /* 0: no limit (lossguide only) */
    int max_leaves;              /* 0: no limit (depthwise only) */
    hpml_grow_policy grow_policy;
    double min_child_weight;     /* least hessian sum in a child */
    int min_samples_leaf;        /* least rows in a child */
    double lambda, alpha;        /* L2, L1 penalties on leaf values */
    double gamma;                /* least gain of a split */
    double subsample;            /* fraction of rows per tree, (0, 1] */
    double colsample_bytree;     /* fraction of features per tree, (0, 1] */
    int max_bin;                 /* bins per feature, 2..255 */
    double base_score;           /* NaN: from the data */
    double huber_delta;          /* Huber: where the loss turns linear */
    double quantile_alpha;       /* quantile: which quantile, (0, 1) */
    uint64_t seed;
    int threads;                 /* 0: all cores */
    int early_stopping_rounds;   /* stop when the validation metric has not
                                    improved for this many rounds and keep the
                                    best round's trees (0: off) */
    hpml_progress_fn progress;   /* optional, called after every round */
    void *progress_user;
    /* With a progress function: the training metric (a pass over every
     * training row, costly beside a tree on a large set) is computed every
     * metric_every rounds, and at the last round; 0: at the last round only
     * (NaN in the other rounds' history). Default 1: every round. */
    int metric_every;
    /* Processes training this model together, each on its share of the
     * training rows (every one holding the same dataset), or NULL: this
     * process alone. The model is the same, byte for byte, for any number
     * of processes; every process must call with the same arguments. */
    hpml_dist *dist;
} hpml_gbdt_params;

/* Defaults: AUTO objective, 100 trees, learning_rate 0.3, max_depth 6,
 * depthwise, min_child_weight 1, lambda 1, subsample 1, colsample 1,
 * max_bin 255, base_score NaN, huber_delta 1, quantile_alpha 0.5, seed 0,
 * metric_every 1. */
HPML_API void hpml_gbdt_params_init(hpml_gbdt_params *p);
/* Sets a parameter from text, by name or alias ("eta", "num_leaves",
 * "reg_lambda", ...). An unknown name, or a value out of range, fails with
 * HPML_ERR_ARG and a message naming the parameter and its allowed range.
 * "alpha" is the L1 penalty, except after objective=quantile, where it is the
 * quantile (LightGBM's meaning; the L1 penalty is then reg_alpha). */
HPML_API hpml_status hpml_gbdt_params_set(hpml_gbdt_params *p, const char *name,
                                          const char *value);
/* Checks every value and the combination (e.g. lossguide without a limit). */
HPML_API hpml_status hpml_gbdt_params_check(const hpml_gbdt_params *p);
/* Parameters for help text: i-th name, its aliases (comma-separated, may be
 * ""), and a one-line description; returns 0 past the end. Static storage. */
HPML_API int hpml_gbdt_param_info(int i, const char **name, const char **aliases,
                                  const char **help);
/* The value of the i-th parameter of p (same order and names as
 * hpml_gbdt_param_info) as text that hpml_gbdt_params_set accepts back:
 * "0.3", "depthwise", "auto" for a base_score taken from the data. Written to
 * buf like snprintf (at most len bytes, NUL included; 64 always suffice).
 * Returns 0 when i is past the end (buf then ""), else 1. Setting every
 * (name, value) in order on a fresh hpml_gbdt_params_init'ed struct gives p
 * back, except that after objective=quantile the name "alpha" means the
 * quantile: pass the L1 penalty as "reg_alpha" there. */
HPML_API int hpml_gbdt_param_value(const hpml_gbdt_params *p, int i, char *buf, size_t len);

/* Trains on rows train_rows[0..n_train) of d (NULL: all rows), using
 * valid_rows[0..n_valid) of valid (may be NULL/0) for the per-round metric and
 * early stopping. valid must be laid out like d (the same dataset, or one from
 * hpml_dataset_create_like). The result does not depend on the thread count:
 * the model file is byte-identical for any `threads`. One target only: a
 * dataset with several fails with HPML_ERR_ARG (nets take several). *out is
 * owned by the caller. */
HPML_API hpml_status hpml_gbdt_train(const hpml_dataset *d, const uint32_t *train_rows,
                                     size_t n_train, const hpml_dataset *valid,
                                     const uint32_t *valid_rows, size_t n_valid,
                                     const hpml_gbdt_params *p, hpml_model **out);

/* ------------------------------------------------------------- neural nets */

/* A multilayer perceptron (MLP) or a 1-D convolutional net (CNN) over the
 * feature vector. Inputs are standardised with training-row statistics
 * (missing -> the mean, optionally with a 0/1 indicator), categorical
 * features one-hot; regression targets are standardised and predictions
 * mapped back. All scalers live in the model. Layers, in order:
 *   CNN only: per conv spec: Conv1d(F filters, kernel K, stride S) -> [norm]
 *             -> activation -> [max-pool P]; then flatten (channel-major);
 *   per hidden size h: Dense(h) -> [norm] -> activation -> [dropout];
 *   Dense(outputs). */

#define HPML_NN_MAX_LAYERS 16
#define HPML_NN_MAX_CONV 8

typedef enum hpml_nn_activation {
    HPML_ACT_RELU = 0, HPML_ACT_TANH, HPML_ACT_SIGMOID, HPML_ACT_GELU, HPML_ACT_ELU
} hpml_nn_activation;
typedef enum hpml_nn_norm { HPML_NORM_NONE = 0, HPML_NORM_BATCH, HPML_NORM_LAYER } hpml_nn_norm;
typedef enum hpml_nn_optimizer { HPML_OPT_ADAM = 0, HPML_OPT_ADAMW, HPML_OPT_SGD } hpml_nn_optimizer;
typedef enum hpml_nn_schedule {
    HPML_LR_CONSTANT = 0, HPML_LR_STEP, HPML_LR_COSINE, HPML_LR_PLATEAU
} hpml_nn_schedule;
typedef enum hpml_nn_loss {
    HPML_NN_LOSS_AUTO = 0,       /* regression: mse; binary: BCE with logits;
                                    multiclass: softmax cross-entropy */
    HPML_NN_LOSS_MSE,
    HPML_NN_LOSS_HUBER           /* regression, on standardised targets (huber_delta) */
} hpml_nn_loss;

typedef struct hpml_nn_params {
    hpml_model_kind kind;        /* HPML_MODEL_MLP or HPML_MODEL_CNN */
    int n_layers;                /* hidden dense layers */
    int layers[HPML_NN_MAX_LAYERS];
    int n_conv;                  /* CNN: convolution layers */
    int conv_filters[HPML_NN_MAX_CONV], conv_kernel[HPML_NN_MAX_CONV],
        conv_stride[HPML_NN_MAX_CONV];
    int pool;                    /* CNN: max-pool width after each conv (1: none) */
    hpml_nn_activation activation;
    double dropout;              /* after each hidden dense layer, [0, 1) */
    hpml_nn_norm norm;
    int epochs, batch_size;
    hpml_nn_optimizer optimizer;
    double lr, momentum, weight_decay;
    double beta1, beta2, eps;    /* Adam/AdamW */
    hpml_nn_schedule lr_schedule;
    double warmup_epochs;        /* linear warm-up from lr/100 (may be fractional) */
    int lr_step_epochs;          /* step: every this many epochs ... */
    double lr_gamma;             /* ... (and plateau) multiply lr by this */
    int plateau_patience;        /* plateau: epochs without improvement */
    double grad_clip;            /* clip the global gradient norm (0: off) */
    int early_stopping_rounds;   /* epochs without validation-loss improvement
                                    before stopping; the best weights are kept */
    hpml_nn_loss loss;
    double huber_delta;
    int missing_indicators;      /* add a 0/1 input per feature with missing values */
    int max_categories;          /* refuse one-hot above this many categories */
    uint64_t seed;
    int threads;                 /* 0: all cores */
    hpml_progress_fn progress;   /* optional, called after every epoch */
    void *progress_user;
    /* Processes training this net together (synchronous data parallel), or
     * NULL: this process alone. Every process holds the same dataset and
     * calls with the same arguments; each computes the gradient over its
     * share of every batch of batch_size rows (batch_size / N rows), the
     * shares' gradients are summed, batch norm's statistics are those of
     * the whole batch, and the losses, early stopping and schedules are the
     * same on every process: the training of one process to float rounding
     * (docs/mpi.md). */
    hpml_dist *dist;
    int scale_lr;                /* 1: batch_size is per process (the batch of
                                    a step is N x batch_size) and lr grows to
                                    N x lr over warmup_epochs (0: 5, at most
                                    half the epochs) from lr (Goyal et al.
                                    2017); with one process nothing changes */
} hpml_nn_params;

/* Defaults for kind (MLP or CNN): MLP layers 256,128; CNN conv 16:5:1,32:5:2,
 * pool 2, layers 128; relu, no dropout, no norm, 20 epochs, batch 256, Adam
 * lr 1e-3 (betas 0.9, 0.999, eps 1e-8), constant lr, no clipping, max 100
 * categories, seed 0. */
HPML_API void hpml_nn_params_init(hpml_nn_params *p, hpml_model_kind kind);
/* Sets a parameter from text by name ("layers" = "1000,500,100", "conv" =
 * "16:5:1,32:3:2", "lr", "batch_size" or "batch-size", ...). An unknown name
 * or a bad value fails with HPML_ERR_ARG and a message naming the parameter
 * and what is allowed. */
HPML_API hpml_status hpml_nn_params_set(hpml_nn_params *p, const char *name, const char *value);
HPML_API hpml_status hpml_nn_params_check(const hpml_nn_params *p);
/* As hpml_gbdt_param_info, for the nets' parameters. */
HPML_API int hpml_nn_param_info(int i, const char **name, const char **aliases, const char **help);
/* As hpml_gbdt_param_value, for the nets' parameters: "1000,500,100" for
 * layers ("none" without hidden layers), "16:5:1,32:3:2" for conv ("none" for
 * an MLP), "relu", "0.001", ... (256 bytes always suffice). Setting every
 * (name, value) on a fresh hpml_nn_params_init'ed struct of the same kind
 * gives p back. */
HPML_API int hpml_nn_param_value(const hpml_nn_params *p, int i, char *buf, size_t len);

/* Trains a net on rows train_rows[0..n_train) of d (NULL: all), with
 * valid_rows of valid (laid out like d; may be NULL/0) for the per-epoch
 * validation loss, the plateau schedule and early stopping. A dataset of
 * several targets gives a multi-output regression net: an output per target,
 * each target standardised on its own, the loss (mse or huber) the mean over
 * all rows and outputs. The same data, parameters and thread count give a
 * byte-identical model file. *out is owned by the caller. */
HPML_API hpml_status hpml_nn_train(const hpml_dataset *d, const uint32_t *train_rows,
                                   size_t n_train, const hpml_dataset *valid,
                                   const uint32_t *valid_rows, size_t n_valid,
                                   const hpml_nn_params *p, hpml_model **out);

/* Monte-Carlo dropout: n_samples stochastic passes (dropout on, seeded) of
 * rows given as for hpml_model_predict; mean and sd (caller-owned, n_rows x
 * n_outputs each) receive the mean and the standard deviation of the
 * predictions over the passes. Nets with dropout only (HPML_ERR_ARG
 * otherwise). */
HPML_API hpml_status hpml_model_predict_mc(const hpml_model *m, const float *x, size_t n_rows,
                                           int n_samples, uint64_t seed, float *mean, float *sd);
/* The same over rows[0..n) (NULL: all) of a dataset made with
 * hpml_model_dataset. */
HPML_API hpml_status hpml_model_predict_dataset_mc(const hpml_model *m, const hpml_dataset *d,
                                                   const uint32_t *rows, size_t n_rows,
                                                   int n_samples, uint64_t seed, float *mean,
                                                   float *sd);
/* True if the model can give Monte-Carlo dropout predictions. */
HPML_API int hpml_model_has_dropout(const hpml_model *m);

/* ----------------------------------------------------------------- compare */

/* Trains several learners on exactly the same training rows of a dataset and
 * scores them on exactly the same test rows: the train/valid/test split of
 * an hpml_split, or every fold of a k-fold one (results then are means over
 * the folds). A learner that fails (a net whose loss diverges, say) is
 * reported as failed with its message; the others still run. */
typedef struct hpml_compare hpml_compare;

/* One learner to compare. */
typedef struct hpml_compare_entry {
    const char *name;              /* label, unique ("gbdt", "mlp", ...); copied */
    hpml_model_kind kind;
    const hpml_gbdt_params *gbdt;  /* kind GBDT: its parameters (copied; progress ignored) */
    const hpml_nn_params *nn;      /* kind MLP or CNN: its parameters (copied) */
} hpml_compare_entry;

/* Called before each model trains on each fold (on the calling thread). */
typedef void (*hpml_compare_progress_fn)(const char *model, int fold, int n_folds, void *user);

typedef struct hpml_compare_spec {
    const hpml_compare_entry *models;  /* borrowed for the call */
    int n_models;
    int bootstrap;           /* single split: resamples of the test rows for the
                                uncertainty of each metric (default 1000; 0: none) */
    int importance_rows;     /* nets' permutation importance: at most this many
                                rows (default 2000) */
    int importance_repeats;  /* shuffles per feature (default 3) */
    uint64_t seed;           /* bootstrap and permutation (default 0) */
    int threads;             /* 0: all cores (default); overrides the learners' */
    /* Processes running the comparison together (borrowed; NULL: this one
     * alone): every process calls hpml_compare_run with the same arguments;
     * trees train with each process on its share of the rows (the same
     * models), nets with each process on its share of every batch (the same
     * to float rounding); predictions, bootstrap and importance run in full
     * on each (overrides the learners' handles). */
    hpml_dist *dist;
    /* Shown in the report so the run can be understood and repeated (copied;
     * may be NULL): the data file, how the split was made, the command. */
    const char *data_name, *split_text, *command;
    hpml_compare_progress_fn progress;
    void *progress_user;
} hpml_compare_spec;

HPML_API void hpml_compare_spec_init(hpml_compare_spec *spec);

/* Runs the comparison over dataset d (borrowed for the call) and split s
 * (folds: each fold's TEST rows are scored, TRAIN rows train, VALID rows, if
 * any, give the learning curves and early stopping). Fails only on bad
 * arguments or memory; learners' failures are results. *out is owned by
 * the caller (hpml_compare_free). */
HPML_API hpml_status hpml_compare_run(const hpml_dataset *d, const hpml_split *s,
                                      const hpml_compare_spec *spec, hpml_compare **out);
HPML_API void hpml_compare_free(hpml_compare *c);

HPML_API int hpml_compare_n_models(const hpml_compare *c);
HPML_API int hpml_compare_n_folds(const hpml_compare *c);
/* Label of model i (borrowed). */
HPML_API const char *hpml_compare_model_name(const hpml_compare *c, int i);
/* NULL if model i trained on every fold, else why it failed (borrowed). */
HPML_API const char *hpml_compare_model_error(const hpml_compare *c, int i);
/* The model trained on fold f (borrowed; NULL if it failed there). */
HPML_API const hpml_model *hpml_compare_model(const hpml_compare *c, int i, int fold);
/* Test metrics of model i on fold f, or with f == -1 their mean over folds
 * (metrics of the other task are NaN). */
HPML_API hpml_status hpml_compare_metrics(const hpml_compare *c, int i, int fold,
                                          hpml_metrics *out);

/* Writes into directory dir (created if needed; files replaced atomically):
 * the models (NAME.hpml, or NAME_foldK.hpml for k folds), the test
 * predictions of each model (predictions_NAME.csv: fold, data-file line,
 * truth, prediction), compare.json (every number of the report, and each
 * fold's test rows) and report.html (self-contained: inline SVG, no
 * scripts, nothing fetched). */
HPML_API hpml_status hpml_compare_write(const hpml_compare *c, const char *dir);
/* The side-by-side summary as text (json == 0) or as the JSON of
 * compare.json (json != 0). *out is a NUL-terminated string owned by the
 * caller: release it with free(). */
HPML_API hpml_status hpml_compare_summary(const hpml_compare *c, int json, char **out);

/* --------------------------------------------------------------- processes */

/* The processes of one run: this process alone, or every rank of an MPI job
 * started by mpirun/mpiexec or srun (docs/mpi.md). Everything in hpml that
 * combines values across processes goes through a handle; a NULL handle
 * means "this process alone" wherever one is taken. A program that never
 * calls hpml_dist_init never touches MPI, even when hpml was built with it.
 * (hpml_dist is declared at the top of this file.) */

/* The exit code the hpml command uses for a failure of status s: 0 for
 * HPML_OK, 1 bad argument, 2 bad input data (HPML_ERR_IO, _PARSE, _DATA),
 * 3 anything else. */
HPML_API int hpml_status_exit_code(hpml_status s);

/* Whether this library was built with MPI (1) or not (0); buf (len bytes,
 * may be NULL) receives the MPI library's name and version, e.g.
 * "Open MPI v4.1.4" ("" without MPI). Needs no hpml_dist_init. */
HPML_API int hpml_dist_mpi_library(char *buf, size_t len);

/* The world of this run, in *out (owned: free with hpml_dist_free).
 *  - Launched by an MPI launcher, which is recognised by its environment
 *    (OMPI_COMM_WORLD_SIZE: Open MPI's mpirun; PMIX_RANK: PMIx, e.g. srun
 *    --mpi=pmix; PMI_RANK: MPICH's mpiexec or srun --mpi=pmi2), or with
 *    HPML_MPI=1 in the environment: MPI is initialised (MPI_Init_thread,
 *    MPI_THREAD_FUNNELED: only the calling thread makes MPI calls) unless
 *    the program did it already, and the handle spans MPI_COMM_WORLD.
 *  - Otherwise, or with HPML_MPI=0: this process alone; MPI is not touched
 *    (no singleton MPI_Init).
 * Fails with HPML_ERR_ARG and a message that says what to do when the
 * launch cannot be right: srun started N tasks (SLURM_STEP_NUM_TASKS, else
 * SLURM_NTASKS) that MPI does not connect (e.g. N independent one-process
 * runs: a missing or wrong srun --mpi plugin), a launcher started N > 1
 * processes but this build has no MPI, or the launcher's count differs from
 * MPI's. No handle is returned then, and MPI is left finalised. */
HPML_API hpml_status hpml_dist_init(hpml_dist **out);

/* Frees d; if hpml_dist_init initialised MPI, finalises it (a collective
 * call: every process frees its handle). NULL is a no-op. */
HPML_API void hpml_dist_free(hpml_dist *d);

/* This process's rank in [0, size) and the number of processes (NULL: 0, 1). */
HPML_API int hpml_dist_rank(const hpml_dist *d);
HPML_API int hpml_dist_size(const hpml_dist *d);

/* The failure protocol. Every process calls it at the same point with its own
 * status (collective). Returns HPML_OK on every process if every status was
 * HPML_OK; otherwise, on every process, the status of the lowest-ranked
 * failing process, whose message becomes hpml_last_error() everywhere, and
 * *failed_rank (may be NULL) = that rank (-1 when all passed).
 * A failing process waits at most a few seconds (5) for the others: if they
 * do not all arrive, it returns its own status with *failed_rank = its rank,
 * and d is no longer usable (hpml_dist_usable: 0; its collectives fail at
 * once): the caller reports its failure and ends every process with
 * hpml_dist_abort. A process with HPML_OK waits as long as it takes. */
HPML_API hpml_status hpml_dist_check(hpml_dist *d, hpml_status st, int *failed_rank);

/* The rank whose failure a check agreed on (later checks return it at once,
 * without meeting), or -1. Not collective. */
HPML_API int hpml_dist_failed_rank(const hpml_dist *d);

/* 1 while d's processes are in step; 0 after a check timed out. */
HPML_API int hpml_dist_usable(const hpml_dist *d);

/* Checks that every process holds the same bytes (a configuration, a data
 * schema): compares a 64-bit hash of bytes[0..n) across processes
 * (collective). On a difference fails on every process with HPML_ERR_ARG
 * and "the processes differ in WHAT: rank(s) ... differ from rank 0". */
HPML_API hpml_status hpml_dist_agree(hpml_dist *d, const char *what, const void *bytes,
                                     size_t n);

/* What this process's collectives on d cost so far: calls, bytes it gave
 * (the payload of each broadcast, gather or reduction, not the transport's
 * traffic) and wall seconds inside them (waiting for slower processes
 * included). Zeros for one process. Not collective. */
typedef struct hpml_dist_stats {
    uint64_t calls;
    uint64_t bytes;
    double seconds;
} hpml_dist_stats;
HPML_API void hpml_dist_get_stats(const hpml_dist *d, hpml_dist_stats *out);

/* Ends every process of d at once with exit_code (MPI_Abort): for a failure
 * the other processes cannot learn at a hpml_dist_check. Prints nothing (report
 * the failure first). The only hpml call that ends the process, and only
 * when asked; with one process (d NULL or not under MPI) it returns and the
 * caller exits as usual. */
HPML_API void hpml_dist_abort(hpml_dist *d, int exit_code);

/* ---------------------------------------------------------- synthetic data */

/* A realistic synthetic drug-response screen as a star schema of CSV files,
 * for demos, tests and scaling benchmarks. The generating model (lineages
 * with latent expression programs, chemotypes with latent targets, a
 * nonlinear cell x drug interaction, heavy-tailed noise) is given with its
 * formulas in docs/synth.md. Files written into the output directory:
 *   responses.csv         cell_id,drug_id,ln_ic50 (one row per measured pair,
 *                         by cell then drug; unmeasured pairs are absent)
 *   cell_expression.csv   cell_id,lineage,gene_0001,... (one row per cell)
 *   drug_descriptors.csv  drug_id,MolWt,MolLogP,...,phys_*,count_*,fp_*
 *                         (one row per drug)
 *   joined.csv (joined)   cell_id,drug_id,lineage,<genes>,<descriptors>,ln_ic50:
 *                         responses.csv joined with both tables, row for row
 * The same spec (seed included) gives byte-identical files for any thread
 * count and block size. Memory is O(cells x genes + drugs x descriptors)
 * (the formatted dimension rows, kept only for joined.csv), never
 * O(responses x features): rows are generated and written block by block. */
typedef struct hpml_synth_spec {
    int cells;             /* cell lines, [2, 10^7] (default 100) */
    int drugs;             /* drugs, [2, 10^7] (default 60); cells x drugs at
                              most 4,294,967,294 (the rows a table holds) */
    int genes;             /* expression columns, [1, 10^6] (default 200) */
    int descriptors;       /* descriptor columns, [1, 10^6] (default 50) */
    double missing_pairs;  /* fraction of cell x drug pairs left unmeasured,
                              [0, 1) (default 0.15) */
    double noise;          /* scale of the measurement noise, [0, 10]: 1 (default)
                              as documented, 0 for noiseless responses */
    uint64_t seed;         /* default 0 */
    int joined;            /* nonzero: also write joined.csv (default 0) */
    int threads;           /* formatting threads; 0: all cores (default) */
    size_t block_bytes;    /* output formatted per unit of work; 0: 1 MiB
                              (default). Tests use tiny blocks to put the seams
                              between units everywhere. */
} hpml_synth_spec;

/* Fills *spec with the defaults above. */
HPML_API void hpml_synth_spec_init(hpml_synth_spec *spec);

/* Writes the data set described by spec into directory out_dir (created if
 * missing; its parent must exist), every file atomically (temporary, fsync,
 * rename): a failure or a crash leaves no half-written file, and the files
 * are renamed into place only once all are complete. Existing files of these
 * names are replaced; other files are left alone (so a joined.csv of an
 * earlier run stays when joined is 0). Every parameter is checked before any
 * work: a value out of range fails with HPML_ERR_ARG and a message naming it
 * and its allowed range. n_responses (may be NULL) receives the number of
 * rows of responses.csv. */
HPML_API hpml_status hpml_synth_drug_response(const hpml_synth_spec *spec, const char *out_dir,
                                              uint64_t *n_responses);

#ifdef __cplusplus
}
#endif
#endif /* HPML_H */
