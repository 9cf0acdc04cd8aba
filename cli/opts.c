/* opts.c — option parsing shared by the subcommands. */
#include "opts.h"
#include "world.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

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

/* Sets option k to v; a CLI_REPEAT option given before gets ",v" appended. */
static int set_value(cli_args *a, int k, const char *v)
{
    if (a->spec[k].flag != CLI_REPEAT || !a->value[k]) {
        a->value[k] = v;
        return 0;
    }
    size_t n0 = strlen(a->value[k]), n1 = strlen(v);
    char *j = malloc(n0 + n1 + 2);
    if (!j) {
        fprintf(stderr, "hpml: out of memory\n");
        return 1;
    }
    memcpy(j, a->value[k], n0);
    j[n0] = ',';
    memcpy(j + n0 + 1, v, n1 + 1);
    free(a->joined[k]);
    a->joined[k] = j;
    a->value[k] = j;
    return 0;
}

static int parse(int argc, char **argv, int first, const cli_opt *spec, int n_spec,
                 int allow_extra, cli_args *a)
{
    memset(a, 0, sizeof *a);
    a->spec = spec;
    a->n_spec = n_spec;
    for (int i = first; i < argc; i++) {
        const char *arg = argv[i];
        int is_short = arg[0] == '-' && arg[1] && arg[1] != '-' && arg[2] == '\0';
        if (!is_short && (strncmp(arg, "--", 2) != 0 || arg[2] == '\0')) {
            if (a->n_pos == CLI_MAX_POS) {
                fprintf(stderr, "hpml: too many arguments ('%s')\n", arg);
                return 1;
            }
            a->pos[a->n_pos++] = arg;
            continue;
        }
        const char *name = arg + (is_short ? 1 : 2), *eq = is_short ? NULL : strchr(name, '=');
        size_t len = eq ? (size_t)(eq - name) : strlen(name);
        int k = find_opt(spec, n_spec, name, len);
        if (k < 0 && allow_extra && !is_short && len > 0) {
            if (a->n_extra == CLI_MAX_EXTRA) {
                fprintf(stderr, "hpml: too many options\n");
                return 1;
            }
            if (!eq && i + 1 >= argc) {
                fprintf(stderr, "hpml: option --%s needs a value\n", name);
                return 1;
            }
            /* the name is used NUL-terminated: with '=', copy it into argv's
             * own storage by ending it at the '=' */
            if (eq)
                *(char *)eq = '\0';
            a->extra_name[a->n_extra] = name;
            a->extra_value[a->n_extra++] = eq ? eq + 1 : argv[++i];
            continue;
        }
        if (k < 0) {
            fprintf(stderr, "hpml: unknown option %s%.*s (see --help)\n", is_short ? "-" : "--",
                    (int)len, name);
            return 1;
        }
        if (spec[k].flag == 1) {
            if (eq) {
                fprintf(stderr, "hpml: option --%s takes no value\n", spec[k].name);
                return 1;
            }
            a->value[k] = "1";
        } else if (eq) {
            if (set_value(a, k, eq + 1))
                return 1;
        } else if (i + 1 < argc) {
            if (set_value(a, k, argv[++i]))
                return 1;
        } else {
            fprintf(stderr, "hpml: option --%s needs a value\n", spec[k].name);
            return 1;
        }
    }
    return 0;
}

int cli_parse(int argc, char **argv, int first, const cli_opt *spec, int n_spec, cli_args *a)
{
    int rc = parse(argc, argv, first, spec, n_spec, 0, a);
    if (rc)
        cli_args_free(a);
    return rc;
}

int cli_parse_extra(int argc, char **argv, int first, const cli_opt *spec, int n_spec,
                    cli_args *a)
{
    int rc = parse(argc, argv, first, spec, n_spec, 1, a);
    if (rc)
        cli_args_free(a);
    return rc;
}

void cli_args_free(cli_args *a)
{
    free(a->config_text);
    a->config_text = NULL;
    for (int k = 0; k < CLI_MAX_OPTS; k++) {
        if (a->joined[k] && a->value[k] == a->joined[k])
            a->value[k] = NULL;
        free(a->joined[k]);
        a->joined[k] = NULL;
    }
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    char *e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
        *--e = '\0';
    return s;
}

int cli_load_config(cli_args *a, const char *path, int allow_extra)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "hpml: --config %s: %s\n", path, strerror(errno));
        return 1;
    }
    size_t cap = 4096, len = 0;
    char *text = malloc(cap);
    for (size_t k; text && (k = fread(text + len, 1, cap - len - 1, f)) > 0;) {
        len += k;
        if (len + 1 == cap) {
            char *t = realloc(text, cap *= 2);
            if (!t) {
                free(text);
                text = NULL;
            }
            text = t;
        }
    }
    int err = ferror(f);
    fclose(f);
    if (!text || err) {
        fprintf(stderr, "hpml: --config %s: %s\n", path, text ? "read error" : "out of memory");
        free(text);
        return 1;
    }
    text[len] = '\0';
    free(a->config_text);
    a->config_text = text;
    int n_conf = 0;
    char *save = NULL;
    int line = 0;
    for (char *ln = text; ln; ln = save) {
        line++;
        char *nl = strchr(ln, '\n');
        save = nl ? nl + 1 : NULL;
        if (nl)
            *nl = '\0';
        char *hash = strchr(ln, '#');
        if (hash)
            *hash = '\0';
        char *l = trim(ln);
        if (!*l)
            continue;
        char *eq = strchr(l, '=');
        if (!eq) {
            fprintf(stderr, "hpml: %s:%d: expected 'name = value', got '%s'\n", path, line, l);
            return 1;
        }
        *eq = '\0';
        char *name = trim(l), *value = trim(eq + 1);
        if (strncmp(name, "--", 2) == 0)
            name += 2;
        int k = find_opt(a->spec, a->n_spec, name, strlen(name));
        if (k >= 0) {
            if (strcmp(a->spec[k].name, "config") == 0) {
                fprintf(stderr, "hpml: %s:%d: a config file cannot include another\n", path, line);
                return 1;
            }
            int on = strcmp(value, "1") == 0 || strcmp(value, "true") == 0 ||
                     strcmp(value, "yes") == 0;
            int off = strcmp(value, "0") == 0 || strcmp(value, "false") == 0 ||
                      strcmp(value, "no") == 0;
            if (a->spec[k].flag == 1 && !on && !off) {
                fprintf(stderr, "hpml: %s:%d: %s takes true or false, got '%s'\n", path, line,
                        name, value);
                return 1;
            }
            if (!a->value[k] && !(a->spec[k].flag == 1 && off)) /* the command line wins */
                a->value[k] = a->spec[k].flag == 1 ? "1" : value;
            continue;
        }
        if (!allow_extra) {
            fprintf(stderr, "hpml: %s:%d: unknown option '%s'\n", path, line, name);
            return 1;
        }
        if (a->n_extra == CLI_MAX_EXTRA) {
            fprintf(stderr, "hpml: %s:%d: too many options\n", path, line);
            return 1;
        }
        /* config values go before the command line's, which are applied
         * later and so win (also when given under another alias) */
        memmove(a->extra_name + n_conf + 1, a->extra_name + n_conf,
                (size_t)(a->n_extra - n_conf) * sizeof *a->extra_name);
        memmove(a->extra_value + n_conf + 1, a->extra_value + n_conf,
                (size_t)(a->n_extra - n_conf) * sizeof *a->extra_value);
        a->extra_name[n_conf] = name;
        a->extra_value[n_conf++] = value;
        a->n_extra++;
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
        snprintf(left, sizeof left, "--%s%s%s%s", spec[i].name, spec[i].flag == 1 ? "" : " V",
                 spec[i].alias ? ", --" : "", spec[i].alias ? spec[i].alias : "");
        printf("  %-28s %s\n", left, spec[i].help);
    }
}

int cli_fail(hpml_status s)
{
    const char *msg = hpml_last_error();
    /* another rank's failure, learned at a check: that rank shows it */
    int who = hpml_dist_failed_rank(cli_world());
    if (who < 0 || who == hpml_dist_rank(cli_world()))
        fprintf(stderr, "%s\n", *msg ? msg : hpml_status_name(s));
    return hpml_status_exit_code(s);
}

double cli_now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

double cli_peak_rss_mib(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_maxrss / 1024.0; /* ru_maxrss is in KiB on Linux */
}
