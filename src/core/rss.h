/* rss.h — the process's peak resident memory, resettable (internal).
 *
 * Linux keeps the peak resident set size (VmHWM in /proc/self/status); writing
 * "5" to /proc/self/clear_refs resets it to the current size (Linux >= 4.0).
 * compare measures each model's training peak this way. Elsewhere, or when
 * /proc is not there, the peak is unknown (NaN).
 */
#ifndef HPML_CORE_RSS_H
#define HPML_CORE_RSS_H

/* Resets the peak to the current resident size; 0 on success, -1 if the
 * system does not allow it (the peak then is the process's lifetime peak). */
int rss_peak_reset(void);
/* Peak resident bytes since the last reset (or since the start), NaN if
 * unknown. */
double rss_peak_bytes(void);

#endif
