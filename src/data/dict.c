/* dict.c — string interning with open addressing (linear probing). */
#include "data/dict.h"

#include <string.h>

#include "core/alloc.h"
#include "core/error.h"

void hpml_dict_init(hpml_dict *d) { memset(d, 0, sizeof *d); }

void hpml_dict_free(hpml_dict *d)
{
    if (!d)
        return;
    hpml_free(d->arena);
    hpml_free(d->offset);
    hpml_free(d->len);
    hpml_free(d->slot);
    hpml_free(d->slot_hash);
    hpml_dict_init(d);
}

void hpml_dict_reset(hpml_dict *d)
{
    d->arena_len = 0;
    d->n = 0;
    for (size_t i = 0; i < d->nslot; i++)
        d->slot[i] = -1;
}

/* FNV-1a over the bytes, then a final mix so low bits are usable. */
static uint32_t hash_bytes(const char *s, size_t len)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 0x100000001b3ULL;
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9ULL;
    return (uint32_t)(h ^ (h >> 32));
}

static int32_t probe(const hpml_dict *d, const char *s, size_t len, uint32_t h, size_t *at)
{
    size_t mask = d->nslot - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        int32_t c = d->slot[i];
        if (c < 0) {
            *at = i;
            return -1;
        }
        if (d->slot_hash[i] == h && d->len[c] == len && memcmp(d->arena + d->offset[c], s, len) == 0) {
            *at = i;
            return c;
        }
    }
}

int32_t hpml_dict_find(const hpml_dict *d, const char *s, size_t len)
{
    if (d->nslot == 0)
        return -1;
    size_t at;
    return probe(d, s, len, hash_bytes(s, len), &at);
}

/* Doubles the slot table (load factor kept <= 1/2). */
static hpml_status grow_slots(hpml_dict *d)
{
    size_t nslot = d->nslot ? d->nslot * 2 : 64;
    int32_t *slot = hpml_malloc_array(nslot, sizeof *slot);
    uint32_t *sh = hpml_malloc_array(nslot, sizeof *sh);
    if (!slot || !sh) {
        hpml_free(slot);
        hpml_free(sh);
        return HPML_ERR_NOMEM;
    }
    for (size_t i = 0; i < nslot; i++)
        slot[i] = -1;
    for (size_t i = 0; i < d->nslot; i++) {
        int32_t c = d->slot[i];
        if (c < 0)
            continue;
        size_t j = d->slot_hash[i] & (nslot - 1);
        while (slot[j] >= 0)
            j = (j + 1) & (nslot - 1);
        slot[j] = c;
        sh[j] = d->slot_hash[i];
    }
    hpml_free(d->slot);
    hpml_free(d->slot_hash);
    d->slot = slot;
    d->slot_hash = sh;
    d->nslot = nslot;
    return HPML_OK;
}

hpml_status hpml_dict_intern(hpml_dict *d, const char *s, size_t len, int32_t *code)
{
    if ((size_t)(d->n + 1) * 2 > d->nslot && grow_slots(d) != HPML_OK)
        return HPML_ERR_NOMEM;
    uint32_t h = hash_bytes(s, len);
    size_t at;
    int32_t c = probe(d, s, len, h, &at);
    if (c >= 0) {
        *code = c;
        return HPML_OK;
    }
    if (d->n == INT32_MAX)
        return hpml_fail(HPML_ERR_DATA, "more than %d distinct values in one column", INT32_MAX);
    if (d->n == d->cap) {
        int32_t cap = d->cap ? (d->cap > INT32_MAX / 2 ? INT32_MAX : d->cap * 2) : 16;
        size_t *off = hpml_realloc_array(d->offset, (size_t)cap, sizeof *off);
        if (!off)
            return HPML_ERR_NOMEM;
        d->offset = off;
        uint32_t *ln = hpml_realloc_array(d->len, (size_t)cap, sizeof *ln);
        if (!ln)
            return HPML_ERR_NOMEM;
        d->len = ln;
        d->cap = cap;
    }
    if (len > UINT32_MAX - 1)
        return hpml_fail(HPML_ERR_DATA, "a value of %zu bytes is too long", len);
    if (d->arena_len + len + 1 > d->arena_cap) {
        size_t cap = d->arena_cap ? d->arena_cap : 256;
        while (cap < d->arena_len + len + 1)
            cap *= 2;
        char *a = hpml_realloc(d->arena, cap);
        if (!a)
            return HPML_ERR_NOMEM;
        d->arena = a;
        d->arena_cap = cap;
    }
    c = d->n++;
    d->offset[c] = d->arena_len;
    d->len[c] = (uint32_t)len;
    memcpy(d->arena + d->arena_len, s, len);
    d->arena[d->arena_len + len] = '\0';
    d->arena_len += len + 1;
    d->slot[at] = c;
    d->slot_hash[at] = h;
    *code = c;
    return HPML_OK;
}

size_t hpml_dict_bytes(const hpml_dict *d)
{
    return d->arena_cap + (size_t)d->cap * (sizeof *d->offset + sizeof *d->len) +
           d->nslot * (sizeof *d->slot + sizeof *d->slot_hash);
}
