/* Shared by the mesh and solver tests: a copy of an ASCII MSH 4.1 file with some triangles
 * listed clockwise, i.e. the same mesh with other cell orientations. Header-only: every
 * tests/test_*.c is its own program. */
#ifndef MSH_FLIP_H
#define MSH_FLIP_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Writes `in` to `out` with every `every`-th triangle (1: all of them, 2: every other one)
 * turned over: nodes v0 v1 v2 (m01 m12 m20) become v0 v2 v1 (m20 m12 m01). Gmsh element types
 * 2 (3-node triangle) and 9 (6-node triangle). Returns the number of triangles turned over, or
 * -1 on an error. */
static inline long FFTestFlipMsh(const char *in, const char *out, int every)
{
  FILE *fi = fopen(in, "r"), *fo = fopen(out, "w");
  char line[4096];
  long flipped = 0, seen = 0, left_in_block = 0;
  int in_elements = 0, header = 0, type = 0;
  if (!fi || !fo) {
    if (fi) fclose(fi);
    if (fo) fclose(fo);
    return -1;
  }
  while (fgets(line, sizeof line, fi)) {
    if (!strncmp(line, "$Elements", 9))
      in_elements = 1, header = 1;
    else if (!strncmp(line, "$EndElements", 12))
      in_elements = 0;
    else if (in_elements && header)
      header = 0; /* numEntityBlocks numElements min max */
    else if (in_elements && left_in_block == 0) {
      int dim, tag;
      if (sscanf(line, "%d %d %d %ld", &dim, &tag, &type, &left_in_block) != 4) break;
    } else if (in_elements) {
      left_in_block--;
      long n[7];
      if ((type == 2 || type == 9) && seen++ % every == 0) {
        const int nn = type == 2 ? 4 : 7;
        if (sscanf(line, "%ld %ld %ld %ld %ld %ld %ld", &n[0], &n[1], &n[2], &n[3], &n[4], &n[5], &n[6]) != nn) break;
        if (type == 2)
          snprintf(line, sizeof line, "%ld %ld %ld %ld\n", n[0], n[1], n[3], n[2]);
        else
          snprintf(line, sizeof line, "%ld %ld %ld %ld %ld %ld %ld\n", n[0], n[1], n[3], n[2], n[6], n[5], n[4]);
        flipped++;
      }
    }
    fputs(line, fo);
  }
  const int ok = feof(fi) && !ferror(fo);
  fclose(fi);
  return fclose(fo) == 0 && ok ? flipped : -1;
}

#endif
