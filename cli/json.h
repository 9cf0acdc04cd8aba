/* json.h — writing JSON values to a stream (for --json output). */
#ifndef HPML_CLI_JSON_H
#define HPML_CLI_JSON_H

#include <stdio.h>

/* A JSON string literal with escapes. */
void json_str(FILE *f, const char *s);
/* A number, or null when it is not finite (JSON has no NaN). */
void json_num(FILE *f, double x);

#endif
