/* load.h — reading a table and making a dataset from the common options. */
#ifndef HPML_CLI_LOAD_H
#define HPML_CLI_LOAD_H

#include "opts.h"

/* The options every data-reading command accepts (spread into its spec). */
#define CLI_READ_OPTS                                                                         \
    {"delimiter", "sep", 0, "field delimiter: , tab ; (default: detected)"},                  \
    {"quote", NULL, 0, "quote character: '\"' (default), \"'\" or none"},                     \
    {"decimal", NULL, 0, "decimal mark: . (default) or ,"},                                   \
    {"na", "na-values", 0, "comma-separated missing-value tokens (default: ,NA,N/A,NaN,nan,null,NULL,?)"}, \
    {"threads", "nthread", 0, "threads (default: all cores)"},                                \
    {"numeric", NULL, 0, "comma-separated columns that must be numeric"},                     \
    {"categorical", NULL, 0, "comma-separated columns to keep as text categories"}

#define CLI_DATASET_OPTS                                                                      \
    {"target", "label", CLI_REPEAT, "target column (several, repeated or COL1,COL2: a "       \
                                    "multi-output regression net)"},                          \
    {"features", NULL, 0, "comma-separated feature columns (default: all but the target)"},   \
    {"ignore", NULL, 0, "comma-separated columns to leave out of the features"},              \
    {"task", NULL, 0, "regression, binary or multiclass (default: inferred)"},         \
    {"drop-missing-target", NULL, 1, "drop rows whose target (any target) is missing (they "  \
                                      "are counted)"},                                          \
    CLI_JOIN_OPTS

/* A star schema: dimension tables joined to the data file on key columns. */
#define CLI_JOIN_OPTS                                                                         \
    {"join", NULL, CLI_REPEAT, "KEY=FILE[:FILE_KEY]: a table with one row per KEY value; its "\
                               "other columns become features of every row with that KEY, "  \
                               "never copied per row (repeat for more tables)"},             \
    {"on-missing", NULL, 0, "a row whose KEY has no row in a joined table: error (default), " \
                            "drop (counted) or nan (that table's features missing)"}

/* Reads the CSV at path with the read options; returns an exit code. */
int cli_read_table(const cli_args *a, const char *path, hpml_table **t);
/* The same with extra column type hints (e.g. a model's feature types). */
int cli_read_table_hints(const cli_args *a, const char *path, const char *const *hint_names,
                         const hpml_coltype_hint *hint_types, int n_hint, hpml_table **t);
/* Reads a table laid out for model m: its (fact-table) features' types
 * forced (a text value in a numeric feature is an error at its line;
 * categories stay text), and the columns in `keep` kept as text. */
int cli_read_table_for_model(const cli_args *a, const char *path, const hpml_model *m,
                             const cli_list *keep, hpml_table **t);
/* The tables of the --join options, read with the read options. */
typedef struct cli_joins {
    int n;
    hpml_join *join;         /* n, pointing into spec and tables */
    hpml_table **tables;     /* n, owned */
    cli_list spec;           /* the option's text, cut into KEY, FILE and FILE_KEY */
    hpml_on_missing on_missing;
} cli_joins;

/* Reads the --join tables (none: j->n == 0); returns an exit code. Free *j
 * with cli_joins_free whatever it returns. */
int cli_read_joins(const cli_args *a, cli_joins *j);
void cli_joins_free(cli_joins *j);

/* Dataset of t (and the joined tables j, may be NULL) from the dataset
 * options; returns an exit code. */
int cli_make_dataset(const cli_args *a, const hpml_table *t, const cli_joins *j,
                     hpml_dataset **d);

#endif
