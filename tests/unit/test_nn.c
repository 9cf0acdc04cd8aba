/* test_nn.c — the neural nets: every layer, loss and optimizer against
 * PyTorch (tests/ref/nn_torch.txt, made by tests/ref/nn_torch.py), finite
 * differences, closed-form linear regression (one target and two), XOR,
 * determinism, save/load, Monte-Carlo dropout, several targets, parameter
 * errors, and the row-parallel passes of MLPs against one thread. */
#include <cblas.h>
#include <math.h>
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "testdata.h"
#include "nn/loss.h"
#include "nn/net.h"
#include "nn/optim.h"
#include "nn/prep.h"

/* ------------------------------------------------------- PyTorch fixtures */

#define MAX_ARRAYS 16

typedef struct array {
    char name[16];
    int r, c;
    double *v;
} array;

typedef struct fixture {
    char name[64];
    char arch[1024];
    int n;
    array a[MAX_ARRAYS];
} fixture;

static const array *get(const fixture *f, const char *name)
{
    for (int i = 0; i < f->n; i++)
        if (strcmp(f->a[i].name, name) == 0)
            return &f->a[i];
    return NULL;
}

/* Value of key in the arch line ("" if absent), into buf. */
static const char *arch_get(const fixture *f, const char *key, char *buf, size_t len)
{
    char pat[64];
    snprintf(pat, sizeof pat, " %s=", key);
    const char *p = strstr(f->arch, pat);
    buf[0] = 0;
    if (!p)
        return buf;
    p += strlen(pat);
    size_t n = strcspn(p, " \n");
    if (n >= len)
        n = len - 1;
    memcpy(buf, p, n);
    buf[n] = 0;
    return buf;
}

static void fixture_free(fixture *f)
{
    for (int i = 0; i < f->n; i++)
        free(f->a[i].v);
    f->n = 0;
}

/* Reads the next case; 0 at the end of the file. */
static int read_fixture(FILE *fp, fixture *f)
{
    static char line[1 << 20];
    memset(f, 0, sizeof *f);
    while (fgets(line, sizeof line, fp)) {
        if (strncmp(line, "case ", 5) == 0) {
            sscanf(line + 5, "%63s", f->name);
        } else if (strncmp(line, "arch ", 5) == 0) {
            size_t n = strlen(line + 5);
            n = n < sizeof f->arch - 2 ? n : sizeof f->arch - 2;
            f->arch[0] = ' ';
            memcpy(f->arch + 1, line + 5, n);
            f->arch[n + 1] = 0;
        } else if (strncmp(line, "end", 3) == 0) {
            return 1;
        } else if (f->n < MAX_ARRAYS) {
            array *a = &f->a[f->n++];
            char *p = line;
            int used;
            if (sscanf(p, "%15s %d %d%n", a->name, &a->r, &a->c, &used) != 3)
                return 0;
            p += used;
            a->v = malloc(sizeof *a->v * (size_t)(a->r * a->c));
            for (int i = 0; a->v && i < a->r * a->c; i++)
                a->v[i] = strtod(p, &p);
        }
    }
    return 0;
}

/* Net parameters from the arch line. */
static void params_of(const fixture *f, hpml_nn_params *p)
{
    char b[256];
    hpml_nn_params_init(p, strcmp(arch_get(f, "model", b, sizeof b), "cnn") == 0 ? HPML_MODEL_CNN
                                                                                 : HPML_MODEL_MLP);
    CHECK_OK(hpml_nn_params_set(p, "layers", arch_get(f, "layers", b, sizeof b)));
    CHECK_OK(hpml_nn_params_set(p, "activation", arch_get(f, "activation", b, sizeof b)));
    CHECK_OK(hpml_nn_params_set(p, "norm", arch_get(f, "norm", b, sizeof b)));
    if (p->kind == HPML_MODEL_CNN) {
        CHECK_OK(hpml_nn_params_set(p, "conv", arch_get(f, "conv", b, sizeof b)));
        CHECK_OK(hpml_nn_params_set(p, "pool", arch_get(f, "pool", b, sizeof b)));
    }
    const char *opt = arch_get(f, "optimizer", b, sizeof b);
    if (strcmp(opt, "none") != 0)
        CHECK_OK(hpml_nn_params_set(p, "optimizer", opt));
    p->beta1 = atof(arch_get(f, "beta1", b, sizeof b));
    p->beta2 = atof(arch_get(f, "beta2", b, sizeof b));
    p->eps = atof(arch_get(f, "eps", b, sizeof b));
    p->momentum = atof(arch_get(f, "momentum", b, sizeof b));
    p->weight_decay = atof(arch_get(f, "weight_decay", b, sizeof b));
    p->lr = atof(arch_get(f, "lr", b, sizeof b));
    p->huber_delta = atof(arch_get(f, "huber_delta", b, sizeof b));
}

static nn_loss_kind loss_of(const fixture *f)
{
    char b[32];
    const char *l = arch_get(f, "loss", b, sizeof b);
    return strcmp(l, "huber") == 0 ? NN_LOSS_HUBER
           : strcmp(l, "bce") == 0 ? NN_LOSS_BCE
           : strcmp(l, "ce") == 0  ? NN_LOSS_CE
                                   : NN_LOSS_MSE;
}

/* |got - want| <= tol * max(1, |want|) for every value; prints the worst. */
static void check_values(const char *what, const char *case_name, const float *got,
                         const double *want, size_t n, double tol)
{
    double worst = 0;
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        double e = fabs(got[i] - want[i]) / fmax(1.0, fabs(want[i]));
        if (!(e <= worst))
            worst = e, at = i;
    }
    if (!(worst <= tol)) {
        fprintf(stderr, "%s %s: value %zu is %.9g, PyTorch %.9g (error %.3g > %.3g)\n", case_name,
                what, at, got[at], want[at], worst, tol);
        check_failed_now = 1;
    }
}

static float *to_float(const array *a)
{
    float *v = malloc(sizeof *v * (size_t)(a->r * a->c));
    for (int i = 0; v && i < a->r * a->c; i++)
        v[i] = (float)a->v[i];
    return v;
}

/* One fixture: forward, loss, gradients, eval-mode output, optimizer steps. */
static void run_fixture(const fixture *f)
{
    const array *x = get(f, "x"), *y = get(f, "y"), *pa = get(f, "params"), *out = get(f, "out"),
                *loss = get(f, "loss"), *grad = get(f, "grad"), *gx = get(f, "gradx");
    CHECK(x && y && pa && out && loss && grad && gx);
    if (!x || !y || !pa || !out || !loss || !grad || !gx)
        return;
    hpml_nn_params p;
    params_of(f, &p);
    const int B = x->r, n_in = x->c, n_out = out->c;
    nn_net net;
    nn_work w;
    CHECK_OK(nn_net_build(&net, &p, n_in, n_out, 1));
    CHECK((int)net.n_params == pa->c);
    if ((int)net.n_params != pa->c) {
        fprintf(stderr, "%s: %zu parameters, PyTorch %d\n", f->name, net.n_params, pa->c);
        nn_net_free(&net);
        return;
    }
    CHECK_OK(nn_net_alloc_grads(&net));
    CHECK_OK(nn_work_alloc(&w, &net, B, 1));
    for (int i = 0; i < pa->c; i++)
        net.params[i] = (float)pa->v[i];
    float *xf = to_float(x), *yf = to_float(y), *dz = malloc(sizeof *dz * (size_t)(B * n_out)),
          *dx = malloc(sizeof *dx * (size_t)(B * n_in));
    float *init = malloc(sizeof *init * net.n_params);
    memcpy(init, net.params, sizeof *init * net.n_params);
    const float *o = nn_forward(&net, &w, xf, B, 1, 0, 0, net.state);
    check_values("out", f->name, o, out->v, (size_t)(B * n_out), 1e-5);
    nn_loss_kind lk = loss_of(f);
    double l = nn_loss(lk, p.huber_delta, o, yf, B, n_out, dz);
    CHECK_NEAR(l, loss->v[0], 1e-5 * fmax(1, fabs(loss->v[0])));
    nn_backward(&net, &w, xf, dz, B, dx);
    check_values("grad", f->name, net.grads, grad->v, net.n_params, 1e-5);
    check_values("gradx", f->name, dx, gx->v, (size_t)(B * n_in), 1e-5);
    const array *oe = get(f, "out_eval");
    if (oe) {
        const float *e = nn_forward(&net, &w, xf, B, 0, 0, 0, NULL);
        check_values("out_eval", f->name, e, oe->v, (size_t)(B * n_out), 1e-5);
    }
    const array *s1 = get(f, "step1"), *s3 = get(f, "step3");
    if (s1 && s3) {
        nn_optim opt;
        memcpy(net.params, init, sizeof *init * net.n_params);
        CHECK_OK(nn_optim_init(&opt, &p, net.n_params));
        for (int s = 1; s <= 3; s++) {
            const float *os = nn_forward(&net, &w, xf, B, 1, 0, 0, NULL);
            nn_loss(lk, p.huber_delta, os, yf, B, n_out, dz);
            nn_backward(&net, &w, xf, dz, B, NULL);
            nn_optim_step(&opt, net.params, net.grads, p.lr);
            if (s == 1)
                check_values("step1", f->name, net.params, s1->v, net.n_params, 1e-5);
        }
        check_values("step3", f->name, net.params, s3->v, net.n_params, 1e-5);
        nn_optim_free(&opt);
    }
    free(xf);
    free(yf);
    free(dz);
    free(dx);
    free(init);
    nn_work_free(&w, &net);
    nn_net_free(&net);
}

/* A fixture with raw targets (yraw, several of them): hpml's target scalers,
 * fitted on the batch, give PyTorch's standardised y column by column, and
 * map standardised values back to yraw. */
static void check_target_scalers(const fixture *f)
{
    const array *x = get(f, "x"), *y = get(f, "y"), *yraw = get(f, "yraw");
    static const char *names[] = {"target0", "target1", "target2"};
    CHECK(x && y && yraw && y->r == yraw->r && y->c == yraw->c && yraw->c <= 3);
    if (!x || !y || !yraw || y->r != yraw->r || y->c != yraw->c || yraw->c > 3)
        return;
    const int B = x->r, O = yraw->c;
    char *csv = malloc((size_t)B * (size_t)(x->c + O) * 32 + 256);
    size_t len = 0;
    for (int j = 0; j < x->c; j++)
        len += (size_t)sprintf(csv + len, "x%d,", j);
    for (int k = 0; k < O; k++)
        len += (size_t)sprintf(csv + len, "%s%s", names[k], k + 1 < O ? "," : "\n");
    for (int i = 0; i < B; i++) {
        for (int j = 0; j < x->c; j++)
            len += (size_t)sprintf(csv + len, "%.9g,", x->v[i * x->c + j]);
        for (int k = 0; k < O; k++) /* float32 values: %.9g reads back exactly */
            len += (size_t)sprintf(csv + len, "%.9g%s", yraw->v[i * O + k],
                                   k + 1 < O ? "," : "\n");
    }
    hpml_table *t = NULL;
    hpml_dataset *d = NULL;
    CHECK_OK(hpml_table_read_csv_buffer(csv, len, "raw.csv", NULL, &t));
    hpml_dataset_spec sp;
    hpml_dataset_spec_init(&sp);
    sp.targets = names;
    sp.n_targets = O;
    if (t)
        CHECK_OK(hpml_dataset_create(t, &sp, &d));
    nn_prep p;
    if (d && hpml_dataset_task(d) == HPML_TASK_REGRESSION) {
        CHECK_OK(nn_prep_fit(&p, d, NULL, (size_t)B, 0, 100, NULL));
        CHECK(p.n_outputs == O && nn_prep_n_y(&p) == O);
        float *z = malloc(sizeof *z * (size_t)(B * p.n_inputs)),
              *ty = malloc(sizeof *ty * (size_t)(B * O));
        CHECK_OK(nn_prep_dataset(&p, d, NULL, (size_t)B, z, ty));
        check_values("standardised targets", f->name, ty, y->v, (size_t)(B * O), 1e-6);
        nn_prep_outputs(&p, ty, (size_t)B);
        for (int i = 0; i < B * O; i++) /* relative to each value's scale */
            CHECK_NEAR(ty[i], yraw->v[i], 1e-6 * fmax(1, fabs(yraw->v[i])));
        free(z);
        free(ty);
        nn_prep_free(&p);
    } else {
        CHECK(!"a multi-output regression dataset of the raw targets");
    }
    hpml_dataset_free(d);
    hpml_table_free(t);
    free(csv);
}

static void test_against_pytorch(void)
{
    FILE *fp = fopen("tests/ref/nn_torch.txt", "r");
    CHECK(fp != NULL);
    if (!fp)
        return;
    fixture f;
    int cases = 0;
    while (read_fixture(fp, &f)) {
        int before = check_failed_now;
        check_failed_now = 0;
        run_fixture(&f);
        if (get(&f, "yraw"))
            check_target_scalers(&f);
        if (check_failed_now)
            fprintf(stderr, "  (in case %s)\n", f.name);
        check_failed_now |= before;
        cases++;
        fixture_free(&f);
    }
    fixture_free(&f);
    fclose(fp);
    CHECK(cases >= 21);
}

/* ------------------------------------------------------ finite differences */

/* Mean loss of net on (x, y) in double, training mode with a fixed dropout
 * key and without touching the running statistics. */
static double loss_at(nn_net *net, nn_work *w, const float *x, const float *y, int B,
                      nn_loss_kind lk)
{
    const float *o = nn_forward(net, w, x, B, 1, 0, 77, NULL);
    return nn_loss(lk, 1.0, o, y, B, net->n_out, NULL);
}

/* Central differences of the loss against backward for every parameter and
 * input of a net with every layer kind and each activation and loss. */
static void test_finite_differences(void)
{
    static const struct {
        const char *kind, *layers, *conv, *act, *norm, *dropout, *pool;
        nn_loss_kind loss;
        int n_out;
    } nets[] = {
        {"mlp", "6,5", "", "tanh", "none", "0.3", "1", NN_LOSS_MSE, 2},
        {"mlp", "6", "", "gelu", "batch", "0", "1", NN_LOSS_HUBER, 2},
        {"mlp", "5,4", "", "sigmoid", "layer", "0", "1", NN_LOSS_BCE, 1},
        {"mlp", "7", "", "elu", "none", "0.2", "1", NN_LOSS_CE, 3},
        {"cnn", "4", "3:3:1,2:2:2", "tanh", "batch", "0", "1", NN_LOSS_MSE, 1},
        {"cnn", "3", "2:3:1", "gelu", "layer", "0.25", "2", NN_LOSS_CE, 3},
    };
    const int B = 5, n_in = 12;
    for (size_t c = 0; c < sizeof nets / sizeof nets[0]; c++) {
        hpml_nn_params p;
        hpml_nn_params_init(&p, strcmp(nets[c].kind, "cnn") == 0 ? HPML_MODEL_CNN : HPML_MODEL_MLP);
        CHECK_OK(hpml_nn_params_set(&p, "layers", nets[c].layers));
        if (*nets[c].conv)
            CHECK_OK(hpml_nn_params_set(&p, "conv", nets[c].conv));
        CHECK_OK(hpml_nn_params_set(&p, "activation", nets[c].act));
        CHECK_OK(hpml_nn_params_set(&p, "norm", nets[c].norm));
        CHECK_OK(hpml_nn_params_set(&p, "dropout", nets[c].dropout));
        CHECK_OK(hpml_nn_params_set(&p, "pool", nets[c].pool));
        nn_net net;
        nn_work w;
        CHECK_OK(nn_net_build(&net, &p, n_in, nets[c].n_out, 100 + c));
        CHECK_OK(nn_net_alloc_grads(&net));
        CHECK_OK(nn_work_alloc(&w, &net, B, 1));
        float x[5 * 12], y[5 * 3], dz[5 * 3], dx[5 * 12];
        unsigned seed = 1234u + (unsigned)c;
        for (int i = 0; i < B * n_in; i++) {
            seed = seed * 1103515245u + 12345u;
            x[i] = (float)((seed >> 8) % 2000) / 1000.0f - 1.0f;
        }
        for (int i = 0; i < B * nets[c].n_out; i++)
            y[i] = nets[c].loss == NN_LOSS_BCE ? (float)(i % 2)
                   : nets[c].loss == NN_LOSS_CE ? (float)(i % 3)
                                                : (float)(i % 5) * 0.5f - 1.0f;
        for (size_t i = 0; i < net.n_params; i++) /* off the initial values, away from symmetry */
            net.params[i] += 0.05f * (float)((i * 7919) % 13) / 13.0f;
        const float *o = nn_forward(&net, &w, x, B, 1, 0, 77, NULL);
        nn_loss(nets[c].loss, 1.0, o, y, B, net.n_out, dz);
        nn_backward(&net, &w, x, dz, B, dx);
        float *g = malloc(sizeof *g * net.n_params);
        memcpy(g, net.grads, sizeof *g * net.n_params);
        const double h = 1e-2;
        int bad = 0;
        for (size_t i = 0; i < net.n_params + (size_t)(B * n_in); i++) {
            float *v = i < net.n_params ? &net.params[i] : &x[i - net.n_params];
            float keep = *v;
            *v = (float)(keep + h);
            double up = loss_at(&net, &w, x, y, B, nets[c].loss);
            *v = (float)(keep - h);
            double down = loss_at(&net, &w, x, y, B, nets[c].loss);
            *v = keep;
            double fd = (up - down) / (2 * h),
                   an = i < net.n_params ? g[i] : dx[i - net.n_params];
            if (!(fabs(fd - an) <= 2e-3 + 2e-2 * fabs(fd)) && bad++ < 3)
                fprintf(stderr, "net %zu (%s %s %s): %s %zu: backward %.6g, differences %.6g\n",
                        c, nets[c].kind, nets[c].act, nets[c].norm,
                        i < net.n_params ? "parameter" : "input",
                        i < net.n_params ? i : i - net.n_params, an, fd);
        }
        CHECK(bad == 0);
        free(g);
        nn_work_free(&w, &net);
        nn_net_free(&net);
    }
}

/* The row-parallel passes (an MLP of dense, activation and dropout layers,
 * its batch's rows split among 2 threads, OpenBLAS on one) give the values
 * of the same passes on one thread: outputs, every gradient and d loss / d x,
 * for batches that split unevenly and one too small to split. */
static void test_row_parallel_passes(void)
{
    const int n_in = 45, n_out = 2, max_b = 203;
    hpml_nn_params p;
    hpml_nn_params_init(&p, HPML_MODEL_MLP);
    CHECK_OK(hpml_nn_params_set(&p, "layers", "37,20"));
    CHECK_OK(hpml_nn_params_set(&p, "dropout", "0.3"));
    nn_net net;
    nn_work w;
    CHECK_OK(nn_net_build(&net, &p, n_in, n_out, 5));
    CHECK_OK(nn_net_alloc_grads(&net));
    CHECK_OK(nn_work_alloc(&w, &net, max_b, 1));
    { /* split rows: one thread always; two from NN_ROW_SPLIT_MIN rows each */
        const int omp0 = omp_get_max_threads();
        omp_set_num_threads(1);
        CHECK(nn_net_row_parallel(&net, 40));
        omp_set_num_threads(2);
        CHECK(nn_net_row_parallel(&net, 2 * NN_ROW_SPLIT_MIN));
        CHECK(!nn_net_row_parallel(&net, 2 * NN_ROW_SPLIT_MIN - 1));
        omp_set_num_threads(omp0);
    }
    float *x = malloc(sizeof *x * (size_t)(max_b * n_in)), *y = malloc(sizeof *y * max_b * n_out),
          *dz = malloc(sizeof *dz * max_b * n_out), *out[2], *g[2], *dx[2];
    unsigned seed = 99;
    for (int i = 0; i < max_b * n_in; i++) {
        seed = seed * 1103515245u + 12345u;
        x[i] = (float)((seed >> 8) % 2000) / 1000.0f - 1.0f;
    }
    for (int i = 0; i < max_b * n_out; i++)
        y[i] = (float)(i % 7) * 0.3f - 1.0f;
    for (int k = 0; k < 2; k++) {
        out[k] = malloc(sizeof *out[k] * max_b * n_out);
        g[k] = malloc(sizeof *g[k] * net.n_params);
        dx[k] = malloc(sizeof *dx[k] * (size_t)(max_b * n_in));
    }
    const int saved_blas = openblas_get_num_threads(), saved_omp = omp_get_max_threads();
    openblas_set_num_threads(1);
    static const int sizes[] = {203, 64, 40};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        const int B = sizes[s];
        for (int k = 0; k < 2; k++) { /* k = 0: one thread; 1: two */
            omp_set_num_threads(k + 1);
            /* stale values must not pass for computed ones */
            for (int i = 0; i < net.n_layers; i++)
                for (size_t j = 0; j < (size_t)B * nn_out_width(&net.layers[i]); j++)
                    w.y[i][j] = 1e30f;
            for (size_t i = 0; i < net.n_params; i++)
                net.grads[i] = 1e30f;
            for (int i = 0; i < B * n_in; i++)
                dx[k][i] = 1e30f;
            const float *o = nn_forward(&net, &w, x, B, 1, 0, 31 + s, NULL);
            memcpy(out[k], o, sizeof *o * (size_t)(B * n_out));
            nn_loss(NN_LOSS_MSE, 1.0, o, y, B, n_out, dz);
            nn_backward(&net, &w, x, dz, B, dx[k]);
            memcpy(g[k], net.grads, sizeof *g[k] * net.n_params);
        }
        double worst = 0;
        for (int i = 0; i < B * n_out; i++)
            worst = fmax(worst, fabs(out[0][i] - out[1][i]));
        for (size_t i = 0; i < net.n_params; i++)
            worst = fmax(worst, fabs(g[0][i] - g[1][i]));
        for (int i = 0; i < B * n_in; i++)
            worst = fmax(worst, fabs(dx[0][i] - dx[1][i]));
        if (!(worst <= 1e-6))
            fprintf(stderr, "batch %d: 2 threads differ from 1 by %g\n", B, worst);
        CHECK(worst <= 1e-6);
    }
    openblas_set_num_threads(saved_blas);
    omp_set_num_threads(saved_omp);
    for (int k = 0; k < 2; k++) {
        free(out[k]);
        free(g[k]);
        free(dx[k]);
    }
    free(x);
    free(y);
    free(dz);
    nn_work_free(&w, &net);
    nn_net_free(&net);
}

/* ------------------------------------------------------------ whole models */

typedef struct data {
    hpml_table *t;
    hpml_dataset *d;
} data;

static data data_of(const char *csv, const char *target)
{
    data r = {NULL, NULL};
    CHECK_OK(hpml_table_read_csv_buffer(csv, strlen(csv), "test.csv", NULL, &r.t));
    if (!r.t)
        return r;
    hpml_dataset_spec sp;
    hpml_dataset_spec_init(&sp);
    sp.target = target;
    CHECK_OK(hpml_dataset_create(r.t, &sp, &r.d));
    return r;
}

static void data_free(data *r)
{
    hpml_dataset_free(r->d);
    hpml_table_free(r->t);
}

/* Least squares of Y on the 4 columns of X (X[i][0] = 1): the normal
 * equations (X'X) beta = X'Y, by Gaussian elimination. */
static void least_squares(const double (*X)[4], const double *Y, int n, double beta[4])
{
    double A[4][5] = {{0}};
    for (int i = 0; i < n; i++)
        for (int r = 0; r < 4; r++) {
            for (int c = 0; c < 4; c++)
                A[r][c] += X[i][r] * X[i][c];
            A[r][4] += X[i][r] * Y[i];
        }
    for (int k = 0; k < 4; k++)
        for (int r = k + 1; r < 4; r++) {
            double f = A[r][k] / A[k][k];
            for (int c = k; c < 5; c++)
                A[r][c] -= f * A[k][c];
        }
    for (int r = 3; r >= 0; r--) {
        double s = A[r][4];
        for (int c = r + 1; c < 4; c++)
            s -= A[r][c] * beta[c];
        beta[r] = s / A[r][r];
    }
}

/* y = 3 + 2 x0 - x1 + 0.5 x2 + noise: a net without hidden layers is linear
 * regression; it must reach the least-squares solution (its predictions
 * equal those of the normal equations). */
static void test_linear_regression_closed_form(void)
{
    const int n = 400;
    size_t cap = (size_t)n * 80 + 32, len = 0;
    char *csv = malloc(cap);
    double X[400][4], Y[400];
    lcg_state = 5;
    len += (size_t)snprintf(csv, cap, "x0,x1,x2,y\n");
    for (int i = 0; i < n; i++) {
        double a = gauss() * 2 + 1, b = gauss() * 0.5 - 3, c = unif() * 10;
        double y = 3 + 2 * a - b + 0.5 * c + 0.3 * gauss();
        char row[96];
        int k = snprintf(row, sizeof row, "%.9g,%.9g,%.9g,%.9g\n", a, b, c, y);
        memcpy(csv + len, row, (size_t)k + 1);
        len += (size_t)k;
        /* the values as read back (float) */
        X[i][0] = 1, X[i][1] = (float)a, X[i][2] = (float)b, X[i][3] = (float)c, Y[i] = (float)y;
    }
    double beta[4];
    least_squares((const double (*)[4])X, Y, n, beta);
    data dd = data_of(csv, "y");
    hpml_nn_params p;
    hpml_nn_params_init(&p, HPML_MODEL_MLP);
    CHECK_OK(hpml_nn_params_set(&p, "layers", "none"));
    p.epochs = 300;
    p.batch_size = 400; /* full batch: the optimum is a fixed point */
    p.lr = 0.05;
    p.lr_schedule = HPML_LR_COSINE;
    p.threads = 1;
    hpml_model *m = NULL;
    CHECK_OK(hpml_nn_train(dd.d, NULL, 0, NULL, NULL, 0, &p, &m));
    if (m) {
        float pred[400];
        CHECK_OK(hpml_model_predict_dataset(m, dd.d, NULL, (size_t)n, pred));
        double worst = 0;
        for (int i = 0; i < n; i++) {
            double ols = beta[0] + beta[1] * X[i][1] + beta[2] * X[i][2] + beta[3] * X[i][3];
            worst = fmax(worst, fabs(pred[i] - ols));
        }
        CHECK(worst < 2e-3);
        if (!(worst < 2e-3))
            fprintf(stderr, "linear regression: largest difference from least squares %g\n", worst);
    }
    hpml_model_free(m);
    data_free(&dd);
    free(csv);
}

/* Two linear targets of very different scales, y1 = X a + b and y2 = X c + d
 * (plus noise): a net without hidden layers reaches the least-squares
 * solution of each target. Each target is standardised on its own: with one
 * scaler for both, y2 would sit hundreds of units away and not converge in
 * these steps. The validation loss (the training rows again) is the mean of
 * the per-target MSEs in standard deviations, as nn.MSELoss over (n, 2). */
static void test_two_targets_closed_form(void)
{
    enum { n = 400 };
    size_t cap = (size_t)n * 120 + 32, len = 0;
    char *csv = malloc(cap);
    static double X[n][4], Y[2][n];
    lcg_state = 11;
    len += (size_t)snprintf(csv, cap, "x0,y_small,x1,y_big,x2\n");
    for (int i = 0; i < n; i++) {
        double a = gauss() * 2 + 1, b = gauss() * 0.5 - 3, c = unif() * 10;
        double y1 = 3 + 2 * a - b + 0.5 * c + 0.3 * gauss();
        double y2 = -800 + 40 * a + 150 * b - 60 * c + 5 * gauss();
        char row[160];
        int k = snprintf(row, sizeof row, "%.9g,%.9g,%.9g,%.9g,%.9g\n", a, y1, b, y2, c);
        memcpy(csv + len, row, (size_t)k + 1);
        len += (size_t)k;
        X[i][0] = 1, X[i][1] = (float)a, X[i][2] = (float)b, X[i][3] = (float)c;
        Y[0][i] = (float)y1, Y[1][i] = (float)y2;
    }
    double beta[2][4];
    for (int k = 0; k < 2; k++)
        least_squares((const double (*)[4])X, Y[k], n, beta[k]);
    hpml_table *t = NULL;
    hpml_dataset *d = NULL;
    CHECK_OK(hpml_table_read_csv_buffer(csv, len, "two.csv", NULL, &t));
    hpml_dataset_spec sp;
    hpml_dataset_spec_init(&sp);
    const char *names[] = {"y_small", "y_big"};
    sp.targets = names;
    sp.n_targets = 2;
    if (t)
        CHECK_OK(hpml_dataset_create(t, &sp, &d));
    hpml_nn_params p;
    hpml_nn_params_init(&p, HPML_MODEL_MLP);
    CHECK_OK(hpml_nn_params_set(&p, "layers", "none"));
    p.epochs = 300;
    p.batch_size = n;
    p.lr = 0.05;
    p.lr_schedule = HPML_LR_COSINE;
    p.threads = 1;
    hpml_model *m = NULL;
    if (d)
        CHECK_OK(hpml_nn_train(d, NULL, 0, d, NULL, 0, &p, &m));
    if (m) {
        CHECK(hpml_model_n_outputs(m) == 2 && hpml_model_n_targets(m) == 2);
        CHECK(strcmp(hpml_model_target_name_k(m, 1), "y_big") == 0);
        float pred[n * 2];
        CHECK_OK(hpml_model_predict_dataset(m, d, NULL, n, pred));
        double loss = 0;
        for (int k = 0; k < 2; k++) {
            double worst = 0, mean = 0, var = 0, mse = 0;
            for (int i = 0; i < n; i++)
                mean += Y[k][i] / n;
            for (int i = 0; i < n; i++) {
                double ols = beta[k][0] + beta[k][1] * X[i][1] + beta[k][2] * X[i][2] +
                             beta[k][3] * X[i][3];
                worst = fmax(worst, fabs(pred[i * 2 + k] - ols));
                var += (Y[k][i] - mean) * (Y[k][i] - mean) / n;
                mse += (pred[i * 2 + k] - Y[k][i]) * (pred[i * 2 + k] - Y[k][i]) / n;
            }
            loss += mse / var / 2;
            /* within 1e-4 standard deviations of the target */
            CHECK(worst < 1e-4 * sqrt(var));
            fprintf(stderr, "two targets: %s largest difference from least squares %g (sd %g)\n",
                    names[k], worst, sqrt(var));
        }
        int nh;
        const char *metric;
        const double *tr, *va;
        hpml_model_history(m, &nh, &metric, &tr, &va);
        CHECK(nh == 300 && strcmp(metric, "mse") == 0);
        if (nh == 300)
            CHECK_NEAR(va[nh - 1], loss, 1e-4 * loss);
    }
    hpml_model_free(m);
    hpml_dataset_free(d);
    hpml_table_free(t);
    free(csv);
}

/* Reads a predictions CSV without kept columns: its header into head, the
 * values into v (rows x cols). Returns the number of values. */
static size_t read_predictions(const char *path, char *head, size_t head_len, float *v, size_t cap)
{
    FILE *f = fopen(path, "r");
    size_t n = 0;
    if (!f)
        return 0;
    if (fgets(head, (int)head_len, f))
        head[strcspn(head, "\n")] = 0;
    char line[512];
    while (fgets(line, sizeof line, f))
        for (char *q = line, *e; n < cap; q = e + 1) {
            v[n++] = strtof(q, &e);
            if (*e != ',')
                break;
        }
    fclose(f);
    return n;
}

/* Several targets end to end: MLP and CNN (dropout, batch norm) on targets y
 * and bin; the same seed gives the same file; a round trip keeps the targets,
 * the predictions and the bytes; Monte-Carlo dropout spreads every output;
 * the predictions file has a column per target. */
static void test_two_targets_model(void)
{
    char *csv = make_csv(1200, 21);
    hpml_table *t = NULL;
    hpml_dataset *d = NULL;
    CHECK_OK(hpml_table_read_csv_buffer(csv, strlen(csv), "test.csv", NULL, &t));
    hpml_dataset_spec sp;
    hpml_dataset_spec_init(&sp);
    const char *names[] = {"y", "bin"}, *ign[] = {"cls"};
    sp.targets = names;
    sp.n_targets = 2;
    sp.ignore = ign;
    sp.n_ignore = 1;
    if (t)
        CHECK_OK(hpml_dataset_create(t, &sp, &d));
    if (!d)
        goto out;
    const size_t n = hpml_dataset_n_rows(d);
    float *a = malloc(n * 2 * sizeof *a), *b = malloc(n * 2 * sizeof *b),
          *sd = malloc(n * 2 * sizeof *sd), *back = malloc(n * 4 * sizeof *back);
    for (int kind = HPML_MODEL_MLP; kind <= HPML_MODEL_CNN; kind++) {
        hpml_nn_params p;
        hpml_nn_params_init(&p, (hpml_model_kind)kind);
        CHECK_OK(hpml_nn_params_set(&p, "layers", "16,8"));
        if (kind == HPML_MODEL_CNN)
            CHECK_OK(hpml_nn_params_set(&p, "conv", "4:3:1"));
        p.dropout = 0.1;
        p.norm = HPML_NORM_BATCH;
        p.epochs = 3;
        p.batch_size = 64;
        p.threads = 2;
        unsigned char *bytes[3];
        size_t len[3];
        hpml_model *keep = NULL;
        for (int run = 0; run < 3; run++) {
            p.seed = run == 2 ? 8 : 7;
            hpml_model *m = NULL;
            CHECK_OK(hpml_nn_train(d, NULL, 0, NULL, NULL, 0, &p, &m));
            CHECK_OK(hpml_model_save(m, tmp_path("two.hpml")));
            bytes[run] = slurp(tmp_path("two.hpml"), &len[run]);
            if (run == 0)
                keep = m;
            else
                hpml_model_free(m);
        }
        CHECK(len[0] > 0 && len[0] == len[1] && memcmp(bytes[0], bytes[1], len[0]) == 0);
        CHECK(len[0] != len[2] || memcmp(bytes[0], bytes[2], len[0]) != 0);
        if (!keep)
            continue;
        CHECK(hpml_model_task(keep) == HPML_TASK_REGRESSION && hpml_model_n_outputs(keep) == 2);
        CHECK_OK(hpml_model_predict_dataset(keep, d, NULL, n, a));
        /* predictions are in each target's units: y spreads over about +-3,
         * bin (0/1) stays near [0, 1] */
        double mean_bin = 0;
        for (size_t i = 0; i < n; i++)
            mean_bin += a[i * 2 + 1] / (double)n;
        CHECK(mean_bin > 0.1 && mean_bin < 0.9);
        hpml_model *m2 = NULL;
        CHECK_OK(hpml_model_load(tmp_path("two.hpml"), &m2)); /* run 2's file: seed 8 */
        hpml_model_free(m2);
        m2 = NULL;
        CHECK_OK(hpml_model_save(keep, tmp_path("two.hpml")));
        CHECK_OK(hpml_model_load(tmp_path("two.hpml"), &m2));
        if (m2) {
            CHECK(hpml_model_n_targets(m2) == 2 && hpml_model_n_outputs(m2) == 2);
            CHECK(strcmp(hpml_model_target_name(m2), "y") == 0);
            CHECK(strcmp(hpml_model_target_name_k(m2, 0), "y") == 0 &&
                  strcmp(hpml_model_target_name_k(m2, 1), "bin") == 0);
            CHECK(hpml_model_target_name_k(m2, 2) == NULL);
            hpml_dataset *d2 = NULL;
            CHECK_OK(hpml_model_dataset(m2, t, 1, &d2));
            if (d2) {
                CHECK(hpml_dataset_n_targets(d2) == 2);
                CHECK(memcmp(hpml_dataset_target_k(d2, 1), hpml_dataset_target_k(d, 1),
                             n * sizeof(float)) == 0);
                CHECK_OK(hpml_model_predict_dataset(m2, d2, NULL, n, b));
                CHECK(memcmp(a, b, n * 2 * sizeof *a) == 0);
            }
            CHECK_OK(hpml_model_save(m2, tmp_path("two2.hpml")));
            size_t l2;
            unsigned char *f2 = slurp(tmp_path("two2.hpml"), &l2);
            CHECK(l2 == len[0] && memcmp(f2, bytes[0], l2) == 0);
            free(f2);
            /* Monte-Carlo dropout: both outputs spread, means near the plain ones */
            CHECK_OK(hpml_model_predict_dataset_mc(m2, d2, NULL, n, 20, 1, b, sd));
            size_t spread[2] = {0, 0};
            for (size_t i = 0; i < n * 2; i++)
                spread[i % 2] += sd[i] > 0;
            CHECK(spread[0] == n && spread[1] == n);
            /* the predictions file: a column per target, then their sds */
            char head[256];
            CHECK_OK(hpml_write_predictions(m2, a, n, NULL, NULL, 0, tmp_path("p.csv")));
            CHECK(read_predictions(tmp_path("p.csv"), head, sizeof head, back, n * 4) == n * 2);
            CHECK(strcmp(head, "prediction_y,prediction_bin") == 0);
            CHECK(memcmp(back, a, n * 2 * sizeof *a) == 0); /* %.9g reads back exactly */
            CHECK_OK(hpml_write_predictions_sd(m2, b, sd, n, NULL, NULL, 0, tmp_path("p.csv")));
            CHECK(read_predictions(tmp_path("p.csv"), head, sizeof head, back, n * 4) == n * 4);
            CHECK(strcmp(head, "prediction_y,prediction_bin,prediction_y_sd,"
                               "prediction_bin_sd") == 0);
            CHECK(back[0] == b[0] && back[1] == b[1] && back[2] == sd[0] && back[3] == sd[1]);
            hpml_dataset_free(d2);
        }
        hpml_model_free(m2);
        hpml_model_free(keep);
        for (int run = 0; run < 3; run++)
            free(bytes[run]);
    }
    free(a);
    free(b);
    free(sd);
    free(back);
out:
    hpml_dataset_free(d);
    hpml_table_free(t);
    free(csv);
}

/* XOR of two inputs (with noise rows around the corners) is learned exactly. */
static void test_xor(void)
{
    char csv[16384];
    size_t len = (size_t)snprintf(csv, sizeof csv, "a,b,y\n");
    lcg_state = 9;
    for (int i = 0; i < 200; i++) {
        int a = i & 1, b = (i >> 1) & 1;
        len += (size_t)snprintf(csv + len, sizeof csv - len, "%.4f,%.4f,%s\n",
                                a + 0.1 * gauss(), b + 0.1 * gauss(), a ^ b ? "yes" : "no");
    }
    data dd = data_of(csv, "y");
    hpml_nn_params p;
    hpml_nn_params_init(&p, HPML_MODEL_MLP);
    CHECK_OK(hpml_nn_params_set(&p, "layers", "8"));
    CHECK_OK(hpml_nn_params_set(&p, "activation", "tanh"));
    p.epochs = 200;
    p.batch_size = 20;
    p.lr = 0.02;
    p.threads = 1;
    hpml_model *m = NULL;
    CHECK_OK(hpml_nn_train(dd.d, NULL, 0, NULL, NULL, 0, &p, &m));
    if (m) {
        CHECK(hpml_model_task(m) == HPML_TASK_BINARY);
        float x[4][2] = {{0, 0}, {0, 1}, {1, 0}, {1, 1}}, prob[4];
        CHECK_OK(hpml_model_predict(m, &x[0][0], 4, prob));
        /* classes sorted: "no" = 0, "yes" = 1 */
        CHECK(prob[0] < 0.1 && prob[1] > 0.9 && prob[2] > 0.9 && prob[3] < 0.1);
        fprintf(stderr, "xor: %.3f %.3f %.3f %.3f\n", prob[0], prob[1], prob[2], prob[3]);
    }
    hpml_model_free(m);
    data_free(&dd);
}

static data data_for(const char *csv, const char *target)
{
    data r = {NULL, NULL};
    CHECK_OK(hpml_table_read_csv_buffer(csv, strlen(csv), "test.csv", NULL, &r.t));
    if (!r.t)
        return r;
    hpml_dataset_spec sp;
    hpml_dataset_spec_init(&sp);
    sp.target = target;
    const char *ign[2];
    int ni = 0;
    static const char *targets[] = {"y", "bin", "cls"};
    for (int i = 0; i < 3; i++)
        if (strcmp(targets[i], target) != 0)
            ign[ni++] = targets[i];
    sp.ignore = ign;
    sp.n_ignore = ni;
    CHECK_OK(hpml_dataset_create(r.t, &sp, &r.d));
    return r;
}

/* Same data, seed and threads: the same model file, byte for byte (MLP and
 * CNN, with dropout and batch norm); another seed: another file. Saving a
 * loaded model gives the same bytes, and its predictions are the same. */
static void test_determinism_and_round_trip(void)
{
    char *csv = make_csv(1500, 3);
    static const char *targets[] = {"y", "bin", "cls"};
    for (int c = 0; c < 3; c++) {
        data dd = data_for(csv, targets[c]);
        /* kind 2: an MLP without norm (row-parallel passes) */
        for (int kind = HPML_MODEL_MLP; kind <= HPML_MODEL_CNN + 1; kind++) {
            hpml_nn_params p;
            hpml_nn_params_init(&p, kind == HPML_MODEL_CNN ? HPML_MODEL_CNN : HPML_MODEL_MLP);
            CHECK_OK(hpml_nn_params_set(&p, "layers", "16,8"));
            if (kind == HPML_MODEL_CNN) {
                CHECK_OK(hpml_nn_params_set(&p, "conv", "4:3:1"));
                CHECK_OK(hpml_nn_params_set(&p, "pool", "2"));
            }
            p.dropout = 0.1;
            p.norm = kind <= HPML_MODEL_CNN ? HPML_NORM_BATCH : HPML_NORM_NONE;
            p.epochs = 3;
            p.batch_size = 64;
            p.threads = 2;
            unsigned char *bytes[3];
            size_t len[3];
            hpml_model *keep = NULL;
            for (int run = 0; run < 3; run++) {
                p.seed = run == 2 ? 8 : 7;
                hpml_model *m = NULL;
                CHECK_OK(hpml_nn_train(dd.d, NULL, 0, NULL, NULL, 0, &p, &m));
                CHECK_OK(hpml_model_save(m, tmp_path("det.hpml")));
                bytes[run] = slurp(tmp_path("det.hpml"), &len[run]);
                if (run == 0)
                    keep = m;
                else
                    hpml_model_free(m);
            }
            CHECK(len[0] > 0 && len[0] == len[1] && memcmp(bytes[0], bytes[1], len[0]) == 0);
            CHECK(len[0] != len[2] || memcmp(bytes[0], bytes[2], len[0]) != 0);
            /* round trip */
            size_t n = hpml_dataset_n_rows(dd.d);
            int no = hpml_model_n_outputs(keep);
            CHECK(no == (c == 2 ? 3 : 1));
            float *a = malloc(n * (size_t)no * sizeof *a), *b = malloc(n * (size_t)no * sizeof *b);
            CHECK_OK(hpml_model_predict_dataset(keep, dd.d, NULL, n, a));
            CHECK_OK(hpml_model_save(keep, tmp_path("rt.hpml")));
            hpml_model *m2 = NULL;
            CHECK_OK(hpml_model_load(tmp_path("rt.hpml"), &m2));
            if (m2) {
                CHECK(hpml_model_get_kind(m2) ==
                      (kind == HPML_MODEL_CNN ? HPML_MODEL_CNN : HPML_MODEL_MLP));
                CHECK(hpml_model_has_dropout(m2));
                hpml_dataset *d2 = NULL;
                CHECK_OK(hpml_model_dataset(m2, dd.t, 1, &d2));
                CHECK_OK(hpml_model_predict_dataset(m2, d2, NULL, n, b));
                CHECK(memcmp(a, b, n * (size_t)no * sizeof *a) == 0);
                CHECK_OK(hpml_model_save(m2, tmp_path("rt2.hpml")));
                size_t l2;
                unsigned char *f2 = slurp(tmp_path("rt2.hpml"), &l2);
                CHECK(l2 == len[0] && memcmp(f2, bytes[0], l2) == 0);
                free(f2);
                hpml_dataset_free(d2);
            }
            /* a flipped byte anywhere in the net section is caught */
            FILE *f = fopen(tmp_path("rt.hpml"), "r+b");
            if (f) {
                fseek(f, (long)len[0] / 2, SEEK_SET);
                int ch = fgetc(f);
                fseek(f, (long)len[0] / 2, SEEK_SET);
                fputc(ch ^ 0x10, f);
                fclose(f);
                hpml_model *bad = NULL;
                CHECK(hpml_model_load(tmp_path("rt.hpml"), &bad) == HPML_ERR_PARSE);
                CHECK(bad == NULL);
            }
            hpml_model_free(m2);
            hpml_model_free(keep);
            free(a);
            free(b);
            for (int run = 0; run < 3; run++)
                free(bytes[run]);
        }
        data_free(&dd);
    }
    free(csv);
}

/* Monte-Carlo dropout: a spread > 0 and a mean close to the plain prediction;
 * a net without dropout refuses. */
static void test_mc_dropout(void)
{
    char *csv = make_csv(2000, 4);
    data dd = data_for(csv, "y");
    hpml_nn_params p;
    hpml_nn_params_init(&p, HPML_MODEL_MLP);
    CHECK_OK(hpml_nn_params_set(&p, "layers", "64,32"));
    p.dropout = 0.2;
    p.epochs = 20;
    p.threads = 1;
    hpml_model *m = NULL;
    CHECK_OK(hpml_nn_train(dd.d, NULL, 0, NULL, NULL, 0, &p, &m));
    size_t n = hpml_dataset_n_rows(dd.d);
    float *plain = malloc(n * sizeof *plain), *mean = malloc(n * sizeof *mean),
          *sd = malloc(n * sizeof *sd), *mean2 = malloc(n * sizeof *mean2),
          *sd2 = malloc(n * sizeof *sd2);
    if (m) {
        CHECK_OK(hpml_model_predict_dataset(m, dd.d, NULL, n, plain));
        CHECK_OK(hpml_model_predict_dataset_mc(m, dd.d, NULL, n, 100, 1, mean, sd));
        CHECK_OK(hpml_model_predict_dataset_mc(m, dd.d, NULL, n, 100, 1, mean2, sd2));
        CHECK(memcmp(mean, mean2, n * sizeof *mean) == 0 && memcmp(sd, sd2, n * sizeof *sd) == 0);
        double sd_sum = 0, diff = 0, spread = 0;
        int all_positive = 1;
        for (size_t i = 0; i < n; i++) {
            sd_sum += sd[i];
            all_positive &= sd[i] > 0;
            diff += fabs(mean[i] - plain[i]);
            spread += fabs(plain[i]);
        }
        CHECK(all_positive);
        /* the mean of the passes is near the deterministic prediction:
         * closer than a tenth of the typical prediction, on average */
        CHECK(diff / (double)n < 0.1 * spread / (double)n);
        CHECK(diff / (double)n < 0.5 * sd_sum / (double)n);
        fprintf(stderr, "mc dropout: mean sd %.4f, mean |mc mean - plain| %.4f, mean |plain| %.4f\n",
                sd_sum / (double)n, diff / (double)n, spread / (double)n);
    }
    hpml_model_free(m);
    p.dropout = 0;
    p.epochs = 1;
    CHECK_OK(hpml_nn_train(dd.d, NULL, 0, NULL, NULL, 0, &p, &m));
    if (m)
        CHECK_FAILS(hpml_model_predict_dataset_mc(m, dd.d, NULL, n, 10, 1, mean, sd), HPML_ERR_ARG,
                    "dropout");
    hpml_model_free(m);
    free(plain);
    free(mean);
    free(sd);
    free(mean2);
    free(sd2);
    data_free(&dd);
    free(csv);
}

/* Bad parameters are refused with a message naming them. */
static void test_bad_params(void)
{
    hpml_nn_params p;
    hpml_nn_params_init(&p, HPML_MODEL_MLP);
    CHECK_FAILS(hpml_nn_params_set(&p, "lr", "-0.1"), HPML_ERR_ARG, "parameter lr");
    CHECK_FAILS(hpml_nn_params_set(&p, "batch-size", "0"), HPML_ERR_ARG, "batch-size");
    CHECK_FAILS(hpml_nn_params_set(&p, "dropout", "1"), HPML_ERR_ARG, "dropout");
    CHECK_FAILS(hpml_nn_params_set(&p, "layers", "100,,5"), HPML_ERR_ARG, "layers");
    CHECK_FAILS(hpml_nn_params_set(&p, "layers", "100,-5"), HPML_ERR_ARG, "layers");
    CHECK_FAILS(hpml_nn_params_set(&p, "conv", "16:5"), HPML_ERR_ARG, "FILTERS:KERNEL:STRIDE");
    CHECK_FAILS(hpml_nn_params_set(&p, "activation", "swish"), HPML_ERR_ARG,
                "'swish' is not one of relu, tanh, sigmoid, gelu or elu");
    CHECK_FAILS(hpml_nn_params_set(&p, "optimizer", "rmsprop"), HPML_ERR_ARG, "adam");
    CHECK_FAILS(hpml_nn_params_set(&p, "epochs", "2.5"), HPML_ERR_ARG, "integer");
    CHECK_FAILS(hpml_nn_params_set(&p, "n_trees", "5"), HPML_ERR_ARG, "unknown");
    CHECK_OK(hpml_nn_params_set(&p, "batch-size", "32"));
    CHECK(p.batch_size == 32);
    CHECK_OK(hpml_nn_params_set(&p, "learning_rate", "0.01"));
    CHECK(p.lr == 0.01);
    p.lr = -1; /* set directly: check catches it */
    CHECK_FAILS(hpml_nn_params_check(&p), HPML_ERR_ARG, "parameter lr");
    hpml_nn_params_init(&p, HPML_MODEL_MLP);
    p.batch_size = 0;
    CHECK_FAILS(hpml_nn_params_check(&p), HPML_ERR_ARG, "parameter batch_size");
    /* a convolution longer than the input is refused when the net is built */
    char *csv = make_csv(100, 1);
    data dd = data_for(csv, "y");
    hpml_nn_params_init(&p, HPML_MODEL_CNN);
    CHECK_OK(hpml_nn_params_set(&p, "conv", "4:50:1"));
    hpml_model *m = NULL;
    CHECK_FAILS(hpml_nn_train(dd.d, NULL, 0, NULL, NULL, 0, &p, &m), HPML_ERR_ARG,
                "longer than its input");
    CHECK(m == NULL);
    /* one-hot above the cap */
    hpml_nn_params_init(&p, HPML_MODEL_MLP);
    p.max_categories = 2;
    CHECK_FAILS(hpml_nn_train(dd.d, NULL, 0, NULL, NULL, 0, &p, &m), HPML_ERR_ARG,
                "feature 'c' has 3 categories");
    /* early stopping without validation rows */
    hpml_nn_params_init(&p, HPML_MODEL_MLP);
    p.early_stopping_rounds = 3;
    CHECK_FAILS(hpml_nn_train(dd.d, NULL, 0, NULL, NULL, 0, &p, &m), HPML_ERR_ARG,
                "needs validation rows");
    /* a classification task with a regression loss */
    data db = data_for(csv, "bin");
    hpml_nn_params_init(&p, HPML_MODEL_MLP);
    p.loss = HPML_NN_LOSS_HUBER;
    CHECK_FAILS(hpml_nn_train(db.d, NULL, 0, NULL, NULL, 0, &p, &m), HPML_ERR_ARG, "regression");
    data_free(&db);
    data_free(&dd);
    free(csv);
}

/* Early stopping keeps the best epoch's weights: the validation loss of the
 * model equals the best one in its history. */
static void test_early_stopping(void)
{
    char *csv = make_csv(1500, 6), *vcsv = make_csv(500, 60);
    data dd = data_for(csv, "y"), dv = data_for(vcsv, "y");
    hpml_nn_params p;
    hpml_nn_params_init(&p, HPML_MODEL_MLP);
    CHECK_OK(hpml_nn_params_set(&p, "layers", "128,128"));
    p.epochs = 200;
    p.lr = 0.01; /* overfits fast */
    p.early_stopping_rounds = 5;
    p.threads = 1;
    hpml_model *m = NULL;
    CHECK_OK(hpml_nn_train(dd.d, NULL, 0, dv.d, NULL, 0, &p, &m));
    if (m) {
        int n;
        const char *metric;
        const double *tr, *va;
        hpml_model_history(m, &n, &metric, &tr, &va);
        CHECK(strcmp(metric, "mse") == 0);
        CHECK(n < 200);
        int best = 0;
        for (int i = 1; i < n; i++)
            best = va[i] < va[best] ? i : best;
        CHECK(best == n - 1 - 5); /* stopped 5 epochs after the best */
        size_t nv = hpml_dataset_n_rows(dv.d);
        float *pred = malloc(nv * sizeof *pred);
        CHECK_OK(hpml_model_predict_dataset(m, dv.d, NULL, nv, pred));
        /* mse in standardised units, recomputed from the predictions */
        const float *y = hpml_dataset_target(dv.d);
        double mean = 0, var = 0, mse = 0;
        size_t nt = hpml_dataset_n_rows(dd.d);
        const float *yt = hpml_dataset_target(dd.d);
        for (size_t i = 0; i < nt; i++)
            mean += yt[i];
        mean /= (double)nt;
        for (size_t i = 0; i < nt; i++)
            var += (yt[i] - mean) * (yt[i] - mean);
        var /= (double)nt;
        for (size_t i = 0; i < nv; i++)
            mse += (pred[i] - y[i]) * (pred[i] - y[i]);
        mse /= (double)nv * var;
        CHECK_NEAR(mse, va[best], 1e-4 * va[best]);
        free(pred);
    }
    hpml_model_free(m);
    data_free(&dd);
    data_free(&dv);
    free(csv);
    free(vcsv);
}

int main(void)
{
    if (tmpdir_make("hpml_test_nn"))
        return 1;
    RUN(test_against_pytorch);
    RUN(test_finite_differences);
    RUN(test_row_parallel_passes);
    RUN(test_linear_regression_closed_form);
    RUN(test_two_targets_closed_form);
    RUN(test_xor);
    RUN(test_determinism_and_round_trip);
    RUN(test_mc_dropout);
    RUN(test_two_targets_model);
    RUN(test_bad_params);
    RUN(test_early_stopping);
    tmpdir_remove();
    return check_summary();
}
