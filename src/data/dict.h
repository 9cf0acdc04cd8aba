/* dict.h — a dictionary of distinct strings with dense int32 codes (internal).
 *
 * Codes are given in order of first insertion. Strings live in one arena owned
 * by the dictionary; lookups hash the bytes (strings may hold any byte but NUL
 * is kept as data too: lengths are explicit).
 */
#ifndef HPML_DATA_DICT_H
#define HPML_DATA_DICT_H

#include <stddef.h>
#include <stdint.h>

#include "hpml.h"

typedef struct hpml_dict {
    char *arena;          /* NUL-terminated strings, back to back */
    size_t arena_len, arena_cap;
    size_t *offset;       /* offset[code] into arena */
    uint32_t *len;        /* len[code] */
    int32_t n, cap;       /* codes used / allocated */
    int32_t *slot;        /* open addressing: code or -1; nslot is a power of two */
    uint32_t *slot_hash;
    size_t nslot;
} hpml_dict;

void hpml_dict_init(hpml_dict *d);
void hpml_dict_free(hpml_dict *d);
/* Empties the dictionary, keeping its memory. */
void hpml_dict_reset(hpml_dict *d);
/* Code of s[0..len), inserting it if new. Fails only on allocation (or more
 * than INT32_MAX distinct strings). */
hpml_status hpml_dict_intern(hpml_dict *d, const char *s, size_t len, int32_t *code);
/* Code of s[0..len), or -1. */
int32_t hpml_dict_find(const hpml_dict *d, const char *s, size_t len);
static inline const char *hpml_dict_str(const hpml_dict *d, int32_t code)
{
    return d->arena + d->offset[code];
}
/* Bytes held. */
size_t hpml_dict_bytes(const hpml_dict *d);

#endif
