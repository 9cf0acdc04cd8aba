/* test_dist.c — the single-process backend of the communication layer. */
#include "check.h"
#include "dist/dist.h"

static void test_single_process(void)
{
    CHECK(dist_size(NULL) == 1 && dist_rank(NULL) == 0);
    CHECK_OK(dist_barrier(NULL));
    int64_t hist[3] = {5, -2, 7};
    CHECK_OK(dist_allreduce_i64(NULL, hist, 3, DIST_SUM));
    CHECK(hist[0] == 5 && hist[1] == -2 && hist[2] == 7);
    double x[2] = {1.5, -0.25};
    CHECK_OK(dist_allreduce_f64(NULL, x, 2, DIST_MAX));
    CHECK(x[0] == 1.5 && x[1] == -0.25);
    float g[1] = {3.0f};
    CHECK_OK(dist_allreduce_f32(NULL, g, 1, DIST_MIN));
    CHECK(g[0] == 3.0f);
    char in[4] = "abc", out[4] = {0};
    CHECK_OK(dist_allgather(NULL, in, out, 4));
    CHECK(strcmp(out, "abc") == 0);
    CHECK_OK(dist_bcast(NULL, in, 4, 0));
    CHECK(strcmp(in, "abc") == 0);
    CHECK(dist_abort(NULL, HPML_ERR_PARSE) == HPML_ERR_PARSE);
}

int main(void)
{
    RUN(test_single_process);
    return check_summary();
}
