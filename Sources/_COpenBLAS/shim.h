// Shim for OpenBLAS (CBLAS) and LAPACKE, as packaged by Debian/Ubuntu
// (libopenblas-dev, liblapacke-dev). Debian's OpenBLAS carries no LAPACKE
// symbols, so both libraries are linked (statically: see Package.swift).
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

// OpenBLAS's own routine for stopping its worker threads (it calls it around fork()); declared
// weak, so that a BLAS without it links too. The pthread build of OpenBLAS starts its workers
// when the library loads, and each spins (sched_yield) for a while waiting for work: on a
// two-core machine that takes a core from the toolkit's own parallel reading. BLAS is called
// single-threaded throughout (the work is shared between cores in Swift), so the workers are
// stopped at start; OpenBLAS starts them again if a caller later asks for more threads.
int blas_thread_shutdown_(void) __attribute__((weak));

static inline int disparity_openblas_stop_threads(void) {
  openblas_set_num_threads(1);
  return blas_thread_shutdown_ ? blas_thread_shutdown_() : -1;
}

#endif
