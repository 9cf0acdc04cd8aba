/* bytes.c — little-endian writer and bounds-checked reader. */
#include "io/bytes.h"

#include <string.h>

#include "core/alloc.h"

static unsigned char *room(bytes_w *w, size_t n)
{
    if (w->failed)
        return NULL;
    if (w->len + n > w->cap) {
        size_t cap = w->cap ? w->cap : 256;
        while (cap < w->len + n)
            cap *= 2;
        unsigned char *d = hpml_realloc(w->data, cap);
        if (!d) {
            w->failed = 1;
            return NULL;
        }
        w->data = d;
        w->cap = cap;
    }
    unsigned char *p = w->data + w->len;
    w->len += n;
    return p;
}

void bw_u8(bytes_w *w, uint8_t v)
{
    unsigned char *p = room(w, 1);
    if (p)
        p[0] = v;
}

void bw_u64(bytes_w *w, uint64_t v)
{
    unsigned char *p = room(w, 8);
    for (int i = 0; p && i < 8; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

void bw_u32(bytes_w *w, uint32_t v)
{
    unsigned char *p = room(w, 4);
    for (int i = 0; p && i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

void bw_i32(bytes_w *w, int32_t v) { bw_u32(w, (uint32_t)v); }

void bw_f64(bytes_w *w, double v)
{
    uint64_t u;
    memcpy(&u, &v, 8);
    bw_u64(w, u);
}

void bw_f32(bytes_w *w, float v)
{
    uint32_t u;
    memcpy(&u, &v, 4);
    bw_u32(w, u);
}

void bw_raw(bytes_w *w, const void *s, size_t len)
{
    unsigned char *p = room(w, len);
    if (p && len)
        memcpy(p, s, len);
}

void bw_str(bytes_w *w, const char *s, size_t len)
{
    if (len > UINT32_MAX) {
        w->failed = 1;
        return;
    }
    bw_u32(w, (uint32_t)len);
    bw_raw(w, s, len);
}

void bw_free(bytes_w *w)
{
    hpml_free(w->data);
    memset(w, 0, sizeof *w);
}

const void *br_raw(bytes_r *r, size_t len)
{
    if (r->bad || len > r->len - r->pos) {
        r->bad = 1;
        return NULL;
    }
    const void *p = r->p + r->pos;
    r->pos += len;
    return p;
}

uint8_t br_u8(bytes_r *r)
{
    const unsigned char *p = br_raw(r, 1);
    return p ? p[0] : 0;
}

uint64_t br_u64(bytes_r *r)
{
    const unsigned char *p = br_raw(r, 8);
    uint64_t v = 0;
    for (int i = 0; p && i < 8; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

uint32_t br_u32(bytes_r *r)
{
    const unsigned char *p = br_raw(r, 4);
    uint32_t v = 0;
    for (int i = 0; p && i < 4; i++)
        v |= (uint32_t)p[i] << (8 * i);
    return v;
}

int32_t br_i32(bytes_r *r) { return (int32_t)br_u32(r); }

double br_f64(bytes_r *r)
{
    uint64_t u = br_u64(r);
    double v;
    memcpy(&v, &u, 8);
    return v;
}

float br_f32(bytes_r *r)
{
    uint32_t u = br_u32(r);
    float v;
    memcpy(&v, &u, 4);
    return v;
}

char *br_str(bytes_r *r, int *nomem)
{
    uint32_t n = br_u32(r);
    const char *p = br_raw(r, n);
    if (!p)
        return NULL;
    char *s = hpml_strndup(p, n);
    if (!s)
        *nomem = 1;
    return s;
}
