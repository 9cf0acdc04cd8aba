/* test_fuzz_regressions.c — replays inputs the fuzzer once failed on
 * (tests/fuzz/regressions/) and the seed corpus through the fuzz harness's
 * own check: 1 thread vs 3 threads with 64-byte blocks must agree. A
 * disagreement aborts, which fails this test. */
#include <dirent.h>

#include "../fuzz/fuzz_csv.c"
#include "check.h"

static int replay_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "cannot open %s\n", dir);
        return -1;
    }
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        FILE *f = fopen(path, "rb");
        if (!f)
            continue;
        static unsigned char buf[1 << 20];
        size_t len = fread(buf, 1, sizeof buf, f);
        fclose(f);
        fprintf(stderr, "replay %s\n", path);
        LLVMFuzzerTestOneInput(buf, len);
        n++;
    }
    closedir(d);
    return n;
}

static void test_regressions(void) { CHECK(replay_dir("tests/fuzz/regressions") >= 1); }
static void test_seed_corpus(void) { CHECK(replay_dir("tests/fuzz/corpus") >= 5); }

int main(void)
{
    RUN(test_regressions);
    RUN(test_seed_corpus);
    return check_summary();
}
