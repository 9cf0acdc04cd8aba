/* load.c — CSV options and dataset options shared by the subcommands. */
#include "load.h"
#include "world.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int char_option(const cli_args *a, const char *name, char *out)
{
    const char *v = cli_get(a, name);
    if (!v)
        return 0;
    if (strcmp(v, "tab") == 0 || strcmp(v, "\\t") == 0)
        *out = '\t';
    else if (strcmp(v, "none") == 0)
        *out = 0;
    else if (strlen(v) == 1)
        *out = v[0];
    else {
        fprintf(stderr, "hpml: option --%s: expected one character (or 'tab', 'none'), got '%s'\n",
                name, v);
        return 1;
    }
    return 0;
}

int cli_read_table(const cli_args *a, const char *path, hpml_table **t)
{
    return cli_read_table_hints(a, path, NULL, NULL, 0, t);
}

int cli_read_table_hints(const cli_args *a, const char *path, const char *const *hint_names,
                         const hpml_coltype_hint *hint_types, int n_hint, hpml_table **t)
{
    hpml_csv_options opt;
    hpml_csv_options_init(&opt);
    if (char_option(a, "delimiter", &opt.delimiter) || char_option(a, "quote", &opt.quote) ||
        char_option(a, "decimal", &opt.decimal) ||
        cli_get_int(a, "threads", 0, 0, 256, &opt.threads))
        return 1;
    if (cli_get(a, "delimiter") && opt.delimiter == 0) {
        fprintf(stderr, "hpml: option --delimiter: 'none' is not a delimiter\n");
        return 1;
    }
    opt.na_tokens = cli_get(a, "na");
    opt.dist = cli_world(); /* several processes: each parses its share of the records */
    cli_list num, cat;
    if (cli_list_split(cli_get(a, "numeric"), &num))
        return 3;
    if (cli_list_split(cli_get(a, "categorical"), &cat)) {
        cli_list_free(&num);
        return 3;
    }
    int n = num.n + cat.n + n_hint, rc = 0;
    const char **names = calloc((size_t)n + 1, sizeof *names);
    hpml_coltype_hint *hints = calloc((size_t)n + 1, sizeof *hints);
    if (!names || !hints) {
        fprintf(stderr, "hpml: out of memory\n");
        rc = 3;
        goto out;
    }
    for (int i = 0; i < n_hint; i++) { /* first: a later hint for a column wins */
        names[i] = hint_names[i];
        hints[i] = hint_types[i];
    }
    for (int i = 0; i < num.n; i++) {
        names[n_hint + i] = num.item[i];
        hints[n_hint + i] = HPML_HINT_NUMERIC;
    }
    for (int i = 0; i < cat.n; i++) {
        names[n_hint + num.n + i] = cat.item[i];
        hints[n_hint + num.n + i] = HPML_HINT_CATEGORICAL;
    }
    opt.hint_names = names;
    opt.hints = hints;
    opt.n_hints = n;
    hpml_status s = hpml_table_read_csv(path, &opt, t);
    if (s != HPML_OK)
        rc = cli_fail(s);
out:
    free(names);
    free(hints);
    cli_list_free(&num);
    cli_list_free(&cat);
    return rc;
}

void cli_joins_free(cli_joins *j)
{
    for (int i = 0; j->tables && i < j->n; i++)
        hpml_table_free(j->tables[i]);
    free(j->tables);
    free(j->join);
    cli_list_free(&j->spec);
    memset(j, 0, sizeof *j);
}

int cli_read_joins(const cli_args *a, cli_joins *j)
{
    memset(j, 0, sizeof *j);
    const char *om = cli_get(a, "on-missing");
    if (!om || strcmp(om, "error") == 0)
        j->on_missing = HPML_ON_MISSING_ERROR;
    else if (strcmp(om, "drop") == 0)
        j->on_missing = HPML_ON_MISSING_DROP;
    else if (strcmp(om, "nan") == 0 || strcmp(om, "na") == 0)
        j->on_missing = HPML_ON_MISSING_NAN;
    else {
        fprintf(stderr, "hpml: option --on-missing: expected error, drop or nan, got '%s'\n", om);
        return 1;
    }
    if (cli_list_split(cli_get(a, "join"), &j->spec))
        return 3;
    int n = j->spec.n;
    j->join = calloc((size_t)n + 1, sizeof *j->join);
    j->tables = calloc((size_t)n + 1, sizeof *j->tables);
    if (!j->join || !j->tables) {
        fprintf(stderr, "hpml: out of memory\n");
        return 3;
    }
    for (int i = 0; i < n; i++) { /* KEY=FILE[:FILE_KEY] */
        char *s = j->spec.item[i], *eq = strchr(s, '=');
        if (!eq || eq == s || !eq[1]) {
            fprintf(stderr, "hpml: option --join: expected KEY=FILE or KEY=FILE:FILE_KEY, got "
                            "'%s'\n", s);
            return 1;
        }
        *eq = 0;
        char *file = eq + 1, *colon = strrchr(file, ':');
        if (colon && colon != file && colon[1] && !strchr(colon, '/')) {
            *colon = 0;
            j->join[i].table_key = colon + 1;
        }
        j->join[i].key = s;
    }
    for (; j->n < n; j->n++) {
        int rc = cli_read_table(a, strchr(j->spec.item[j->n], 0) + 1, &j->tables[j->n]);
        if (rc)
            return rc;
        j->join[j->n].table = j->tables[j->n];
    }
    return 0;
}

int cli_make_dataset(const cli_args *a, const hpml_table *t, const cli_joins *j,
                     hpml_dataset **d)
{
    hpml_dataset_spec spec;
    hpml_dataset_spec_init(&spec);
    spec.drop_missing_target = cli_get(a, "drop-missing-target") != NULL;
    const char *task = cli_get(a, "task");
    if (task) {
        if (strcmp(task, "regression") == 0 || strcmp(task, "reg:squarederror") == 0)
            spec.task = HPML_TASK_REGRESSION;
        else if (strcmp(task, "binary") == 0 || strcmp(task, "binary:logistic") == 0)
            spec.task = HPML_TASK_BINARY;
        else if (strcmp(task, "multiclass") == 0 || strcmp(task, "multi:softprob") == 0)
            spec.task = HPML_TASK_MULTICLASS;
        else if (strcmp(task, "auto") != 0) {
            fprintf(stderr, "hpml: option --task: expected regression, binary, multiclass or "
                            "auto, got '%s'\n", task);
            return 1;
        }
    }
    cli_list tgt, feat, ign;
    if (cli_list_split(cli_get(a, "target"), &tgt))
        return 3;
    if (cli_list_split(cli_get(a, "features"), &feat)) {
        cli_list_free(&tgt);
        return 3;
    }
    if (cli_list_split(cli_get(a, "ignore"), &ign)) {
        cli_list_free(&tgt);
        cli_list_free(&feat);
        return 3;
    }
    /* one target as before; several (--target a --target b, or a,b) a list */
    spec.target = tgt.n == 1 ? tgt.item[0] : cli_get(a, "target");
    if (tgt.n > 1) {
        spec.targets = (const char *const *)tgt.item;
        spec.n_targets = tgt.n;
    }
    spec.features = (const char *const *)feat.item;
    spec.n_features = feat.n;
    spec.ignore = (const char *const *)ign.item;
    spec.n_ignore = ign.n;
    if (j) {
        spec.joins = j->join;
        spec.n_joins = j->n;
        spec.on_missing = j->on_missing;
    }
    hpml_status s = hpml_dataset_create(t, &spec, d);
    cli_list_free(&tgt);
    cli_list_free(&feat);
    cli_list_free(&ign);
    return s == HPML_OK ? 0 : cli_fail(s);
}

int cli_read_table_for_model(const cli_args *a, const char *path, const hpml_model *m,
                             const cli_list *keep, hpml_table **t)
{
    int nf = hpml_model_n_features(m), nk = keep ? keep->n : 0;
    const char **names = calloc((size_t)(nf + nk) + 1, sizeof *names);
    hpml_coltype_hint *hints = calloc((size_t)(nf + nk) + 1, sizeof *hints);
    int rc;
    if (!names || !hints) {
        fprintf(stderr, "hpml: out of memory\n");
        rc = 3;
    } else {
        for (int i = 0; i < nk; i++) { /* kept columns as text, unless a feature says else */
            names[i] = keep->item[i];
            hints[i] = HPML_HINT_CATEGORICAL;
        }
        int nh = nk;
        for (int j = 0; j < nf; j++) {
            if (hpml_model_feature_join(m, j) >= 0) /* a joined table's */
                continue;
            names[nh] = hpml_model_feature_name(m, j);
            hints[nh++] = hpml_model_feature_type(m, j) == HPML_COL_CATEGORICAL
                              ? HPML_HINT_CATEGORICAL
                              : HPML_HINT_NUMERIC;
        }
        rc = cli_read_table_hints(a, path, names, hints, nh, t);
    }
    free(names);
    free(hints);
    return rc;
}
