/* test_container.c — the model file container: round trip, and every kind of
 * damage detected with a clear message (no crash, no silent wrong model). */
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "core/alloc.h"
#include "io/container.h"

static char path[256];

static void write_sample(void)
{
    static const char meta[] = "{\"model\": \"gbdt\"}";
    double trees[5] = {1.5, -2.25, 3.0, 0.0, 1e300};
    container_section s[3] = {{"meta", meta, sizeof meta - 1}, {"trees", trees, sizeof trees},
                              {"empty", NULL, 0}};
    CHECK_OK(container_write(path, s, 3));
}

static long file_size(void)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

static void patch_byte(long at, unsigned char x)
{
    FILE *f = fopen(path, "r+b");
    CHECK(f != NULL);
    if (!f)
        return;
    fseek(f, at, SEEK_SET);
    fputc(x, f);
    fclose(f);
}

static void test_round_trip(void)
{
    write_sample();
    container c;
    CHECK_OK(container_read(path, &c));
    CHECK(c.version == CONTAINER_VERSION && c.n_sections == 3);
    const container_section *t = container_find(&c, "trees");
    CHECK(t && t->size == 5 * sizeof(double));
    if (t) {
        double v[5];
        memcpy(v, t->data, sizeof v);
        CHECK(v[0] == 1.5 && v[1] == -2.25 && v[4] == 1e300);
        CHECK(((uintptr_t)((const unsigned char *)t->data - c.image) & 7) == 0); /* aligned */
    }
    const container_section *m = container_find(&c, "meta");
    CHECK(m && m->size == 17 && memcmp(m->data, "{\"model\": \"gbdt\"}", 17) == 0);
    CHECK(container_find(&c, "empty") && container_find(&c, "empty")->size == 0);
    CHECK(container_find(&c, "nope") == NULL);
    container_free(&c);
    container_free(NULL);
}

static void test_damage(void)
{
    container c;
    write_sample();
    long size = file_size();
    patch_byte(size - 3, 0x55); /* inside the last payload */
    CHECK_FAILS(container_read(path, &c), HPML_ERR_PARSE, "section 'trees' CRC mismatch");
    write_sample();
    patch_byte(20, 'X'); /* inside the section table */
    CHECK_FAILS(container_read(path, &c), HPML_ERR_PARSE, "section table CRC mismatch");
    write_sample();
    CHECK(truncate(path, size - 8) == 0);
    CHECK_FAILS(container_read(path, &c), HPML_ERR_PARSE, "truncated model file");
    CHECK(truncate(path, 10) == 0);
    CHECK_FAILS(container_read(path, &c), HPML_ERR_PARSE, "not an hpml model file");
    write_sample();
    patch_byte(0, 'X');
    CHECK_FAILS(container_read(path, &c), HPML_ERR_PARSE, "not an hpml model file");
    write_sample();
    patch_byte(4, 9); /* version 9 */
    CHECK_FAILS(container_read(path, &c), HPML_ERR_PARSE, "format version 9");
    write_sample();
    patch_byte(8, 0xff); /* absurd section count */
    CHECK_FAILS(container_read(path, &c), HPML_ERR_PARSE, "truncated or corrupted");
    CHECK_FAILS(container_read("/nonexistent/m.hpml", &c), HPML_ERR_IO, "cannot open");
    CHECK_FAILS(container_read("/tmp", &c), HPML_ERR_IO, "not a regular file");
}

/* A failed write leaves the old file untouched and no temporary behind. */
static void test_atomic_write(void)
{
    write_sample();
    long before = file_size();
    container_section bad[1] = {{"", "x", 1}}; /* an empty tag */
    CHECK_FAILS(container_write(path, bad, 1), HPML_ERR_ARG, "1 to 8 characters");
    CHECK(file_size() == before);
    CHECK_FAILS(container_write("/nonexistent/dir/m.hpml", bad, 0), HPML_ERR_IO, "temporary");
    char cmd[600];
    snprintf(cmd, sizeof cmd, "ls %s.tmp* >/dev/null 2>&1", path);
    CHECK(system(cmd) != 0); /* no leftover temporaries */
    container c;
    CHECK_OK(container_read(path, &c));
    container_free(&c);
}

/* Every allocation failure is clean (ASan checks for leaks). */
static void test_alloc_failures(void)
{
    write_sample();
    for (long k = 0; k < 10; k++) {
        container c;
        hpml_test_fail_alloc(k, 0);
        hpml_status s = container_read(path, &c);
        hpml_test_fail_alloc(-1, 0);
        if (s == HPML_OK)
            container_free(&c);
        else
            CHECK(s == HPML_ERR_NOMEM);
    }
}

int main(void)
{
    snprintf(path, sizeof path, "/tmp/hpml_container_%d.hpml", (int)getpid());
    RUN(test_round_trip);
    RUN(test_damage);
    RUN(test_atomic_write);
    RUN(test_alloc_failures);
    unlink(path);
    return check_summary();
}
