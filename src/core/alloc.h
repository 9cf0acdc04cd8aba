/* alloc.h — checked allocation (internal).
 *
 * Every function sets the thread's error message on failure, so callers only
 * `goto fail`. Sizes are checked for overflow.
 */
#ifndef HPML_CORE_ALLOC_H
#define HPML_CORE_ALLOC_H

#include <stddef.h>

void *hpml_malloc(size_t n);
void *hpml_calloc(size_t count, size_t size);
/* count * size bytes, failing (not wrapping) on overflow. */
void *hpml_malloc_array(size_t count, size_t size);
/* On failure returns NULL and leaves p untouched (still owned by the caller). */
void *hpml_realloc(void *p, size_t n);
void *hpml_realloc_array(void *p, size_t count, size_t size);
char *hpml_strdup(const char *s);
char *hpml_strndup(const char *s, size_t n);
void hpml_free(void *p);

/* Large buffers (column storage): from 1 MiB on they are mapped directly, so
 * growing them never copies (mremap) and pages never touched never count in
 * the resident set; smaller ones come from malloc. The caller tracks the size
 * and passes it back. hpml_big_realloc zero-fills nothing. */
void *hpml_big_alloc(size_t bytes);
void *hpml_big_realloc(void *p, size_t old_bytes, size_t new_bytes);
void hpml_big_free(void *p, size_t bytes);

/* Fault injection for tests: the n-th allocation from now on this thread
 * (0 = the next one) fails, and so does every later one while `sticky`.
 * n < 0 turns injection off. */
void hpml_test_fail_alloc(long n, int sticky);

#endif
