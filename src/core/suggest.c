/* suggest.c — closest name by Levenshtein distance, ignoring case. */
#include "core/suggest.h"

#include <ctype.h>
#include <stddef.h>
#include <string.h>

/* Edit distance of a and b, giving up (returning limit + 1) beyond limit.
 * Two rows of 64 entries: names longer than 63 bytes compare by prefix. */
static int distance(const char *a, const char *b, int limit)
{
    int prev[64], cur[64];
    int la = (int)strlen(a), lb = (int)strlen(b);
    if (la > 63)
        la = 63;
    if (lb > 63)
        lb = 63;
    if (la - lb > limit || lb - la > limit)
        return limit + 1;
    for (int j = 0; j <= lb; j++)
        prev[j] = j;
    for (int i = 1; i <= la; i++) {
        cur[0] = i;
        int best = cur[0];
        for (int j = 1; j <= lb; j++) {
            int cost = tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]);
            int v = prev[j - 1] + cost;
            if (prev[j] + 1 < v)
                v = prev[j] + 1;
            if (cur[j - 1] + 1 < v)
                v = cur[j - 1] + 1;
            cur[j] = v;
            if (v < best)
                best = v;
        }
        if (best > limit)
            return limit + 1;
        memcpy(prev, cur, sizeof(int) * (size_t)(lb + 1));
    }
    return prev[lb];
}

int hpml_closest_name(const char *name, const char *const *cands, int n)
{
    /* A typo changes a few characters: allow a third of the name, at least 2. */
    int len = (int)strlen(name);
    int limit = len / 3 > 2 ? len / 3 : 2;
    int best = -1, best_d = limit + 1;
    for (int i = 0; i < n; i++) {
        int d = distance(name, cands[i], best_d - 1 < limit ? best_d - 1 : limit);
        if (d < best_d) {
            best_d = d;
            best = i;
        }
    }
    return best;
}
