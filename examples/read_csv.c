/* read_csv.c — embedding hpml: read a CSV and summarise its numeric columns.
 *
 *   cc read_csv.c $(pkg-config --cflags --libs hpml) -o read_csv
 *   ./read_csv data.csv
 */
#include <stdio.h>

#include <hpml.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s DATA.csv\n", argv[0]);
        return 1;
    }
    hpml_table *t = NULL;
    hpml_status s = hpml_table_read_csv(argv[1], NULL, &t);
    if (s != HPML_OK) {
        fprintf(stderr, "%s\n", hpml_last_error());
        return 2;
    }
    printf("%zu rows, %d columns (hpml %s)\n", hpml_table_n_rows(t), hpml_table_n_cols(t),
           hpml_version());
    for (int c = 0; c < hpml_table_n_cols(t); c++) {
        hpml_col_stats st;
        if (hpml_table_col_type(t, c) == HPML_COL_NUMERIC && hpml_table_col_stats(t, c, &st) == HPML_OK)
            printf("%s: mean %g, sd %g, %zu missing\n", hpml_table_col_name(t, c), st.mean, st.sd,
                   st.n_missing);
    }
    hpml_table_free(t);
    return 0;
}
