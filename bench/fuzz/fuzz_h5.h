/* For the fuzz harnesses of HDF5 files (samples, definitions, manifests, checkpoints). */
#ifndef FF_FUZZ_H5_H
#define FF_FUZZ_H5_H

#include "fuzz.h"

#include <hdf5.h>

/* Every reader closes what it opened, also when it refuses the file: an id left open is a
 * leak that LeakSanitizer cannot see (HDF5's ID table keeps it reachable) and, for a file,
 * keeps it open. */
static inline void FuzzExpectNoOpenHDF5(void)
{
  ssize_t open_ids = H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL);
  if (open_ids != 0) {
    fprintf(stderr, "fuzz: %zd HDF5 objects left open after the input\n", open_ids);
    abort();
  }
}

#endif
