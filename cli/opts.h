/* opts.h — command-line options of the form --name value / --name=value. */
#ifndef HPML_CLI_OPTS_H
#define HPML_CLI_OPTS_H

#include "hpml.h"

typedef struct cli_opt {
    const char *name;      /* without the leading "--" */
    const char *alias;     /* another accepted name (XGBoost/LightGBM style), or NULL */
    int flag;              /* 1: takes no value; CLI_REPEAT: takes a value and may be
                              given again, the values joined with commas ("--target a
                              --target b" reads as "--target a,b") */
    const char *help;
} cli_opt;

#define CLI_REPEAT 2
#define CLI_MAX_OPTS 64
#define CLI_MAX_POS 8
#define CLI_MAX_EXTRA 64

typedef struct cli_args {
    const cli_opt *spec;
    int n_spec;
    const char *value[CLI_MAX_OPTS]; /* NULL when not given; "1" for a given flag */
    const char *pos[CLI_MAX_POS];
    int n_pos;
    /* Options not in the spec (learner parameters), when allowed: name
     * without "--" and value, in the order given. */
    const char *extra_name[CLI_MAX_EXTRA], *extra_value[CLI_MAX_EXTRA];
    int n_extra;
    char *config_text;               /* owned: the --config file, values point into it */
    char *joined[CLI_MAX_OPTS];      /* owned: a repeated option's values joined (value[k]
                                        points here) */
} cli_args;

/* Parses argv[first..argc). "-x" is the option whose alias is "x". With
 * allow_extra, unknown "--name value" options are collected in extra_*
 * (learner parameters, checked by the caller); otherwise they are errors.
 * A repeated option keeps its last value, except CLI_REPEAT options, which
 * collect them. On a usage error prints it to stderr and returns 1 (and *a
 * holds nothing to free); otherwise free *a with cli_args_free. */
int cli_parse(int argc, char **argv, int first, const cli_opt *spec, int n_spec, cli_args *a);
int cli_parse_extra(int argc, char **argv, int first, const cli_opt *spec, int n_spec,
                    cli_args *a);
/* Reads `name = value` lines (# comments, blank lines) from path and fills in
 * every option not given on the command line (spec options, or extras when
 * extras are allowed). Prints "path:line: ..." and returns 1 on a bad line. */
int cli_load_config(cli_args *a, const char *path, int allow_extra);
void cli_args_free(cli_args *a);
/* Value of option `name` (must be in the spec), or NULL. */
const char *cli_get(const cli_args *a, const char *name);
/* Parsers that print "option --name: ..." and return 1 on a bad value. */
int cli_get_int(const cli_args *a, const char *name, int def, int lo, int hi, int *out);
int cli_get_double(const cli_args *a, const char *name, double def, double *out);
/* A comma-separated list split into items (empty items dropped). */
typedef struct cli_list {
    char *copy;    /* the text, NULs in place of commas (owned) */
    char **item;   /* n pointers into copy (owned) */
    int n;
} cli_list;
/* Returns 1 (after printing) if out of memory. s may be NULL: empty list. */
int cli_list_split(const char *s, cli_list *l);
void cli_list_free(cli_list *l);
/* Prints "Options:" help lines for the spec. */
void cli_print_options(const cli_opt *spec, int n_spec);
/* Monotonic seconds; peak resident memory of this process in MiB. */
double cli_now_seconds(void);
double cli_peak_rss_mib(void);
/* Exit code for a library failure (also prints hpml_last_error()). */
int cli_fail(hpml_status s);

#endif
