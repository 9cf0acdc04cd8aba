/* fuzz_csv.c — libFuzzer harness for the CSV reader (make fuzz).
 *
 * Each input is read with 1 thread and default blocks, and with 3 threads
 * and 64-byte blocks (so inputs cross many block and range seams); the
 * results must agree: same status, same message, same table. That is done
 * twice: with the delimiter detected (which looks at 64 KiB, so the window
 * starts at that size) and with ',' given (so the window stays at 64 bytes). Crashes, sanitizer reports
 * and disagreements all stop the fuzzer. Inputs that once failed live in
 * tests/fuzz/corpus/ and are replayed by tests/unit/test_fuzz_corpus.c.
 */
#include <stdlib.h>
#include <string.h>

#include "hpml.h"

static int same_table(const hpml_table *a, const hpml_table *b)
{
    if (hpml_table_n_rows(a) != hpml_table_n_rows(b) || hpml_table_n_cols(a) != hpml_table_n_cols(b))
        return 0;
    size_t n = hpml_table_n_rows(a);
    for (int c = 0; c < hpml_table_n_cols(a); c++) {
        if (hpml_table_col_type(a, c) != hpml_table_col_type(b, c) ||
            hpml_table_col_n_missing(a, c) != hpml_table_col_n_missing(b, c) ||
            strcmp(hpml_table_col_name(a, c), hpml_table_col_name(b, c)) != 0)
            return 0;
        if (hpml_table_col_type(a, c) == HPML_COL_NUMERIC) {
            if (memcmp(hpml_table_col_values(a, c), hpml_table_col_values(b, c), n * 4) != 0)
                return 0;
        } else {
            if (memcmp(hpml_table_col_codes(a, c), hpml_table_col_codes(b, c), n * 4) != 0)
                return 0;
            for (int32_t k = 0; k < hpml_table_col_n_categories(a, c); k++)
                if (strcmp(hpml_table_col_category(a, c, k), hpml_table_col_category(b, c, k)) != 0)
                    return 0;
        }
    }
    for (size_t r = 0; r < n; r++)
        if (hpml_table_row_line(a, r) != hpml_table_row_line(b, r))
            return 0;
    return 1;
}

/* Reads data with (1 thread, default blocks) and (3 threads, 64-byte blocks). */
static void compare_configs(const unsigned char *data, size_t size, char delimiter)
{
    hpml_csv_options o;
    hpml_csv_options_init(&o);
    o.delimiter = delimiter;
    o.threads = 1;
    hpml_table *a = NULL, *b = NULL;
    hpml_status sa = hpml_table_read_csv_buffer((const char *)data, size, "fuzz.csv", &o, &a);
    char msg[1024];
    strncpy(msg, hpml_last_error(), sizeof msg - 1);
    msg[sizeof msg - 1] = '\0';
    o.threads = 3;
    o.block_bytes = 64;
    hpml_status sb = hpml_table_read_csv_buffer((const char *)data, size, "fuzz.csv", &o, &b);
    if (sa != sb || (sa != HPML_OK && strcmp(msg, hpml_last_error()) != 0) ||
        (sa == HPML_OK && !same_table(a, b)))
        abort();
    hpml_table_free(a);
    hpml_table_free(b);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    compare_configs(data, size, 0);
    compare_configs(data, size, ',');
    return 0;
}
