/* loss.h — training losses of the nets and their gradients (internal). */
#ifndef HPML_NN_LOSS_H
#define HPML_NN_LOSS_H

typedef enum nn_loss_kind {
    NN_LOSS_MSE = 0,    /* mean over B*O of (z - y)^2 */
    NN_LOSS_HUBER,      /* mean over B*O of huber_delta(z - y) */
    NN_LOSS_BCE,        /* binary cross-entropy with logits, O = 1, y in {0, 1} */
    NN_LOSS_CE          /* softmax cross-entropy over O logits, y the class index */
} nn_loss_kind;

/* Mean loss of outputs z[B][O] against targets y (mse/huber: y[B][O]; bce,
 * ce: y[B]); if dz is not NULL it receives d loss / d z [B][O]. */
double nn_loss(nn_loss_kind kind, double delta, const float *z, const float *y, int B, int O,
               float *dz);
/* The same for B rows of a batch of B_all (a process's share of a batch
 * split over several: nn_train): the sum of B rows' losses over B_all rows
 * (mse/huber: B_all x O values), and their gradients likewise, so that the
 * shares' sums are the whole batch's mean and gradient. */
double nn_loss_share(nn_loss_kind kind, double delta, const float *z, const float *y, int B,
                     int B_all, int O, float *dz);
/* Name of the loss as the training history calls it. */
const char *nn_loss_name(nn_loss_kind kind);

#endif
