/* suggest.h — "did you mean" for names typed by a user (internal). */
#ifndef HPML_CORE_SUGGEST_H
#define HPML_CORE_SUGGEST_H

/* Index of the candidate closest to `name` (case-insensitive edit distance),
 * or -1 when none is close enough to be a plausible typo. */
int hpml_closest_name(const char *name, const char *const *cands, int n);

#endif
