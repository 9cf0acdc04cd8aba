/* api.c — the public face of the communication layer (hpml.h, "processes"):
 * the parts both backends share. hpml_dist_init, _free, _abort and
 * _mpi_library are the backend's. */
#include "dist/dist.h"

int hpml_dist_rank(const hpml_dist *d) { return dist_rank(d); }
int hpml_dist_size(const hpml_dist *d) { return dist_size(d); }
int hpml_dist_usable(const hpml_dist *d) { return dist_usable(d); }

hpml_status hpml_dist_check(hpml_dist *d, hpml_status st, int *failed_rank)
{
    return dist_check(d, st, failed_rank);
}

hpml_status hpml_dist_agree(hpml_dist *d, const char *what, const void *bytes, size_t n)
{
    return dist_agree(d, what ? what : "their configuration", bytes, n);
}
