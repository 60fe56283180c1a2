// Shim for OpenBLAS (CBLAS) and LAPACKE, as packaged by Debian/Ubuntu
// (libopenblas-dev, liblapacke-dev). Debian's OpenBLAS carries no LAPACKE
// symbols, so both libraries are linked (see module.modulemap).
#ifndef DISPARITY_COPENBLAS_SHIM_H
#define DISPARITY_COPENBLAS_SHIM_H

#include <cblas.h>
#include <lapacke.h>

// `lapack_int` is a macro, which Swift cannot import: give it a real type.
typedef lapack_int disparity_lapack_int;

// OpenBLAS threading control, declared here so Swift can call it without
// depending on the layout of openblas_config.h.
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);

#endif
