/* loss.c — losses and their gradients, in double, rows in order. */
#include "nn/loss.h"

#include <math.h>
#include <stddef.h>

const char *nn_loss_name(nn_loss_kind kind)
{
    static const char *names[] = {"mse", "huber", "logloss", "mlogloss"};
    return (unsigned)kind < 4 ? names[kind] : "?";
}

double nn_loss(nn_loss_kind kind, double delta, const float *z, const float *y, int B, int O,
               float *dz)
{
    return nn_loss_share(kind, delta, z, y, B, B, O, dz);
}

double nn_loss_share(nn_loss_kind kind, double delta, const float *z, const float *y, int B,
                     int B_all, int O, float *dz)
{
    double total = 0;
    if (kind == NN_LOSS_MSE || kind == NN_LOSS_HUBER) {
        const size_t n = (size_t)B * (size_t)O;
        const double scale = 1.0 / ((double)B_all * (double)O);
        for (size_t i = 0; i < n; i++) {
            double d = (double)z[i] - y[i];
            if (kind == NN_LOSS_MSE) {
                total += d * d;
                if (dz)
                    dz[i] = (float)(2 * d * scale);
            } else {
                double a = fabs(d);
                total += a <= delta ? 0.5 * d * d : delta * (a - 0.5 * delta);
                if (dz)
                    dz[i] = (float)((a <= delta ? d : (d > 0 ? delta : -delta)) * scale);
            }
        }
        return total * scale;
    }
    const double scale = 1.0 / (double)B_all;
    if (kind == NN_LOSS_BCE) {
        for (int r = 0; r < B; r++) {
            double v = z[r], t = y[r];
            total += (v > 0 ? v : 0) - v * t + log1p(exp(-fabs(v)));
            if (dz)
                dz[r] = (float)((1.0 / (1.0 + exp(-v)) - t) * scale);
        }
        return total * scale;
    }
    for (int r = 0; r < B; r++) { /* softmax cross-entropy */
        const float *zr = z + (size_t)r * (size_t)O;
        int t = (int)y[r];
        double mx = zr[0], s = 0;
        for (int k = 1; k < O; k++)
            mx = zr[k] > mx ? zr[k] : mx;
        for (int k = 0; k < O; k++)
            s += exp(zr[k] - mx);
        double lse = mx + log(s);
        total += lse - zr[t];
        if (dz)
            for (int k = 0; k < O; k++)
                dz[(size_t)r * (size_t)O + (size_t)k] =
                    (float)((exp(zr[k] - lse) - (k == t ? 1.0 : 0.0)) * scale);
    }
    return total * scale;
}
