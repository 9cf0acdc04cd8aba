/* opts.c — option parsing shared by the subcommands. */
#include "opts.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int find_opt(const cli_opt *spec, int n, const char *name, size_t len)
{
    for (int i = 0; i < n; i++) {
        if (strlen(spec[i].name) == len && strncmp(spec[i].name, name, len) == 0)
            return i;
        if (spec[i].alias && strlen(spec[i].alias) == len && strncmp(spec[i].alias, name, len) == 0)
            return i;
    }
    return -1;
}

int cli_parse(int argc, char **argv, int first, const cli_opt *spec, int n_spec, cli_args *a)
{
    memset(a, 0, sizeof *a);
    a->spec = spec;
    a->n_spec = n_spec;
    for (int i = first; i < argc; i++) {
        const char *arg = argv[i];
        if (strncmp(arg, "--", 2) != 0 || arg[2] == '\0') {
            if (a->n_pos == CLI_MAX_POS) {
                fprintf(stderr, "hpml: too many arguments ('%s')\n", arg);
                return 1;
            }
            a->pos[a->n_pos++] = arg;
            continue;
        }
        const char *name = arg + 2, *eq = strchr(name, '=');
        size_t len = eq ? (size_t)(eq - name) : strlen(name);
        int k = find_opt(spec, n_spec, name, len);
        if (k < 0) {
            fprintf(stderr, "hpml: unknown option --%.*s (see --help)\n", (int)len, name);
            return 1;
        }
        if (spec[k].flag) {
            if (eq) {
                fprintf(stderr, "hpml: option --%s takes no value\n", spec[k].name);
                return 1;
            }
            a->value[k] = "1";
        } else if (eq) {
            a->value[k] = eq + 1;
        } else if (i + 1 < argc) {
            a->value[k] = argv[++i];
        } else {
            fprintf(stderr, "hpml: option --%s needs a value\n", spec[k].name);
            return 1;
        }
    }
    return 0;
}

const char *cli_get(const cli_args *a, const char *name)
{
    int k = find_opt(a->spec, a->n_spec, name, strlen(name));
    return k >= 0 ? a->value[k] : NULL;
}

int cli_get_int(const cli_args *a, const char *name, int def, int lo, int hi, int *out)
{
    const char *v = cli_get(a, name);
    if (!v) {
        *out = def;
        return 0;
    }
    char *end;
    errno = 0;
    long x = strtol(v, &end, 10);
    if (errno || end == v || *end || x < lo || x > hi) {
        fprintf(stderr, "hpml: option --%s: expected an integer in [%d, %d], got '%s'\n", name, lo,
                hi, v);
        return 1;
    }
    *out = (int)x;
    return 0;
}

int cli_get_double(const cli_args *a, const char *name, double def, double *out)
{
    const char *v = cli_get(a, name);
    if (!v) {
        *out = def;
        return 0;
    }
    char *end;
    errno = 0;
    double x = strtod(v, &end);
    if (errno || end == v || *end) {
        fprintf(stderr, "hpml: option --%s: expected a number, got '%s'\n", name, v);
        return 1;
    }
    *out = x;
    return 0;
}

int cli_list_split(const char *s, cli_list *l)
{
    memset(l, 0, sizeof *l);
    if (!s)
        return 0;
    int cap = 1;
    for (const char *p = s; *p; p++)
        cap += *p == ',';
    l->copy = strdup(s);
    l->item = calloc((size_t)cap, sizeof *l->item);
    if (!l->copy || !l->item) {
        cli_list_free(l);
        fprintf(stderr, "hpml: out of memory\n");
        return 1;
    }
    char *save = NULL;
    for (char *tok = strtok_r(l->copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
        l->item[l->n++] = tok;
    return 0;
}

void cli_list_free(cli_list *l)
{
    free(l->copy);
    free(l->item);
    memset(l, 0, sizeof *l);
}

void cli_print_options(const cli_opt *spec, int n_spec)
{
    printf("Options:\n");
    for (int i = 0; i < n_spec; i++) {
        char left[64];
        snprintf(left, sizeof left, "--%s%s%s%s", spec[i].name, spec[i].flag ? "" : " V",
                 spec[i].alias ? ", --" : "", spec[i].alias ? spec[i].alias : "");
        printf("  %-28s %s\n", left, spec[i].help);
    }
}

int cli_fail(hpml_status s)
{
    const char *msg = hpml_last_error();
    fprintf(stderr, "%s\n", *msg ? msg : hpml_status_name(s));
    switch (s) {
    case HPML_OK: return 0;
    case HPML_ERR_ARG: return 1;
    case HPML_ERR_IO:
    case HPML_ERR_PARSE:
    case HPML_ERR_DATA: return 2;
    default: return 3;
    }
}
