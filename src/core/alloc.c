/* alloc.c — checked allocation, large mapped buffers, fault injection. */
#define _GNU_SOURCE /* mremap */
#include "core/alloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "core/error.h"

#define BIG_THRESHOLD ((size_t)1 << 20)

static _Thread_local long fail_countdown = -1;
static _Thread_local int fail_sticky;

void hpml_test_fail_alloc(long n, int sticky)
{
    fail_countdown = n;
    fail_sticky = sticky;
}

/* True when the injected failure is due now. */
static int injected_failure(void)
{
    if (fail_countdown < 0)
        return 0;
    if (fail_countdown == 0) {
        if (!fail_sticky)
            fail_countdown = -1;
        return 1;
    }
    fail_countdown--;
    return 0;
}

static void *nomem(size_t n)
{
    hpml_fail(HPML_ERR_NOMEM, "out of memory (allocating %zu bytes)", n);
    return NULL;
}

void *hpml_malloc(size_t n)
{
    void *p = injected_failure() ? NULL : malloc(n ? n : 1);
    return p ? p : nomem(n);
}

void *hpml_calloc(size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size)
        return nomem(SIZE_MAX);
    void *p = injected_failure() ? NULL : calloc(count ? count : 1, size ? size : 1);
    return p ? p : nomem(count * size);
}

void *hpml_malloc_array(size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size)
        return nomem(SIZE_MAX);
    return hpml_malloc(count * size);
}

void *hpml_realloc(void *p, size_t n)
{
    void *q = injected_failure() ? NULL : realloc(p, n ? n : 1);
    return q ? q : nomem(n);
}

void *hpml_realloc_array(void *p, size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size)
        return nomem(SIZE_MAX);
    return hpml_realloc(p, count * size);
}

char *hpml_strndup(const char *s, size_t n)
{
    char *d = hpml_malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

char *hpml_strdup(const char *s) { return hpml_strndup(s, strlen(s)); }

void hpml_free(void *p) { free(p); }

static void *map_bytes(size_t bytes)
{
    if (injected_failure())
        return nomem(bytes);
    void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                   -1, 0);
    if (p == MAP_FAILED)
        return nomem(bytes);
#ifdef MADV_HUGEPAGE
    /* Big arrays are read at random rows (a tree node's rows): 2 MiB pages
     * spare most TLB misses. Advice only: a kernel without it is fine. */
    (void)madvise(p, bytes, MADV_HUGEPAGE);
#endif
    return p;
}

void *hpml_big_alloc(size_t bytes)
{
    return bytes < BIG_THRESHOLD ? hpml_malloc(bytes) : map_bytes(bytes);
}

void *hpml_big_realloc(void *p, size_t old_bytes, size_t new_bytes)
{
    if (!p)
        return hpml_big_alloc(new_bytes);
    int was_big = old_bytes >= BIG_THRESHOLD, is_big = new_bytes >= BIG_THRESHOLD;
    if (!was_big && !is_big)
        return hpml_realloc(p, new_bytes);
    if (was_big && is_big) {
        if (injected_failure())
            return nomem(new_bytes);
        void *q = mremap(p, old_bytes, new_bytes, MREMAP_MAYMOVE);
        return q == MAP_FAILED ? nomem(new_bytes) : q;
    }
    /* Crossing the threshold: copy once. */
    void *q = hpml_big_alloc(new_bytes);
    if (!q)
        return NULL;
    memcpy(q, p, old_bytes < new_bytes ? old_bytes : new_bytes);
    hpml_big_free(p, old_bytes);
    return q;
}

void hpml_big_free(void *p, size_t bytes)
{
    if (!p)
        return;
    if (bytes < BIG_THRESHOLD)
        free(p);
    else
        munmap(p, bytes);
}
