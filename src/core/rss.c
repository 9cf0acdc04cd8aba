/* rss.c — peak resident memory from /proc/self (Linux). */
#include "core/rss.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

int rss_peak_reset(void)
{
    FILE *f = fopen("/proc/self/clear_refs", "w");
    if (!f)
        return -1;
    int ok = fputs("5", f) >= 0;
    if (fclose(f) != 0)
        ok = 0;
    return ok ? 0 : -1;
}

double rss_peak_bytes(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    if (!f)
        return NAN;
    char line[256];
    double kib = NAN;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "VmHWM:", 6) == 0) {
            unsigned long long v;
            if (sscanf(line + 6, "%llu", &v) == 1)
                kib = (double)v;
            break;
        }
    fclose(f);
    return kib * 1024.0;
}
