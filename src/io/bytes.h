/* bytes.h — little-endian encoding of section payloads (internal).
 *
 * A writer appends to a growing buffer; a failed allocation is remembered
 * and reported once at the end (bytes_w.failed), so encoders need no checks
 * per field. A reader walks a payload with bounds checks: reading past the
 * end, or a length that does not fit, sets `bad` and returns zeros, and the
 * decoder reports "section X is truncated or damaged" once.
 * Strings are a u32 byte count and the bytes (no NUL).
 */
#ifndef HPML_IO_BYTES_H
#define HPML_IO_BYTES_H

#include <stddef.h>
#include <stdint.h>

typedef struct bytes_w {
    unsigned char *data;   /* owned (hpml_free) */
    size_t len, cap;
    int failed;
} bytes_w;

void bw_u8(bytes_w *w, uint8_t v);
void bw_u32(bytes_w *w, uint32_t v);
void bw_i32(bytes_w *w, int32_t v);
void bw_u64(bytes_w *w, uint64_t v);
void bw_f64(bytes_w *w, double v);
void bw_f32(bytes_w *w, float v);
void bw_str(bytes_w *w, const char *s, size_t len);
void bw_raw(bytes_w *w, const void *p, size_t len);
void bw_free(bytes_w *w);

typedef struct bytes_r {
    const unsigned char *p;
    size_t len, pos;
    int bad;
} bytes_r;

uint8_t br_u8(bytes_r *r);
uint32_t br_u32(bytes_r *r);
int32_t br_i32(bytes_r *r);
uint64_t br_u64(bytes_r *r);
double br_f64(bytes_r *r);
float br_f32(bytes_r *r);
/* A string as a new NUL-terminated copy (hpml_free), or NULL (bad, or out of
 * memory: *nomem set). */
char *br_str(bytes_r *r, int *nomem);
/* Pointer to the next len bytes (inside the payload), or NULL if short. */
const void *br_raw(bytes_r *r, size_t len);
/* Bytes left. */
static inline size_t br_left(const bytes_r *r) { return r->len - r->pos; }

#endif
