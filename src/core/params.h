/* params.h — learner parameters described by a table: set by name from
 * text, shown as text, range-checked (internal; gbdt/params.c and
 * nn/params.c hold the tables and their learner's special cases).
 *
 * Names: dashes and underscores are the same ("n-trees" is "n_trees");
 * aliases are comma-separated, written with underscores, matched without
 * regard to case. Enum choices are
 * comma-separated names in enum order, matched without regard to case; a
 * choice may accept more names after '|' ("squared_error|mse|l2").
 */
#ifndef HPML_CORE_PARAMS_H
#define HPML_CORE_PARAMS_H

#include <stddef.h>

#include "hpml.h"

typedef enum param_type {
    PARAM_INT,      /* int */
    PARAM_DOUBLE,   /* double */
    PARAM_U64,      /* uint64_t, any non-negative integer */
    PARAM_ENUM,     /* an int-sized enum, named by `choices` */
    PARAM_CUSTOM    /* parsed and shown by the learner's own code */
} param_type;

typedef struct param_def {
    const char *name, *aliases;
    param_type type;
    size_t offset;          /* of the field in the learner's parameter struct */
    double lo, hi;          /* inclusive range (numbers); hi >= 1e30: no upper bound,
                               and lo <= -1e30 as well: any number */
    int lo_open, hi_open;   /* 1: that end itself is excluded */
    const char *choices;    /* PARAM_ENUM */
    const char *help;
} param_def;

/* The definition called `name` (or one of its aliases), or NULL. */
const param_def *param_find(const param_def *defs, int n, const char *name);
/* hpml_*_param_info for a table. */
int param_info(const param_def *defs, int n, int i, const char **name, const char **aliases,
               const char **help);
/* Sets a PARAM_INT/DOUBLE/U64/ENUM field of `base` from text; `name` is the
 * name the caller used (for messages). */
hpml_status param_set(const param_def *d, void *base, const char *name, const char *value);
/* The value of a PARAM_INT/DOUBLE/U64/ENUM field as text param_set takes
 * back (doubles: the shortest of %.15g..%.17g that reads back exactly). */
void param_text(const param_def *d, const void *base, char *buf, size_t len);
/* Checks every PARAM_INT/DOUBLE field against its range (enums against their
 * choices); skip (may be NULL) exempts a field, e.g. a NaN meaning "auto". */
hpml_status param_check(const param_def *defs, int n, const void *base,
                        int (*skip)(const param_def *d, const void *base));

#endif
