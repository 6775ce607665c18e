/* Replays files through a fuzz harness without libFuzzer: `fuzz_<harness>_replay DIR|FILE...`
 * feeds each file (every regular file of a directory, by name) to the harness's reader once.
 * The ctests fuzz_regress_<harness> run it on tests/fuzz/<harness>/, the inputs that once
 * crashed a reader or reach deep into it: each must be refused (or read) cleanly. A crash,
 * a sanitizer report (in build-asan) or a harness's abort() fails the test. */
#define _POSIX_C_SOURCE 200809L
#define FF_FUZZ_REPLAY
#include "fuzz.h"

#include <dirent.h>
#include <sys/stat.h>

static int Replay(const char *path)
{
  FILE *f = fopen(path, "rb");
  if (!f) {
    perror(path);
    return 1;
  }
  size_t cap = 1 << 16, n = 0;
  uint8_t *data = malloc(cap);
  for (size_t got; data && (got = fread(data + n, 1, cap - n, f)) > 0;) {
    n += got;
    if (n == cap) {
      uint8_t *grown = realloc(data, cap *= 2);
      if (!grown) free(data);
      data = grown;
    }
  }
  fclose(f);
  if (!data) return 1;
  printf("replay %s (%zu bytes)\n", path, n);
  fflush(stdout);
  FuzzOne(data, n);
  free(data);
  return 0;
}

static int CompareNames(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static int ReplayDir(const char *dir, int *count)
{
  DIR *d = opendir(dir);
  if (!d) {
    perror(dir);
    return 1;
  }
  char *names[4096];
  int n = 0, bad = 0;
  for (struct dirent *e; (e = readdir(d)) && n < 4096;)
    if (e->d_name[0] != '.') names[n++] = strdup(e->d_name);
  closedir(d);
  qsort(names, (size_t)n, sizeof *names, CompareNames);
  for (int i = 0; i < n; i++) {
    char path[4200];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && strcmp(names[i], "README")) {
      bad |= Replay(path);
      (*count)++;
    }
    free(names[i]);
  }
  return bad;
}

int main(int argc, char **argv)
{
  if (argc < 2) {
    fprintf(stderr, "usage: %s DIR|FILE...\n", argv[0]);
    return 2;
  }
  if (FuzzSetUp()) return 1;
  int bad = 0, count = 0;
  for (int a = 1; a < argc; a++) {
    struct stat st;
    if (stat(argv[a], &st) == 0 && S_ISDIR(st.st_mode))
      bad |= ReplayDir(argv[a], &count);
    else
      bad |= Replay(argv[a]), count++;
  }
  FuzzTearDown();
  printf("%d inputs replayed: none crashed%s\n", count, bad ? " (some could not be read)" : "");
  /* No input replayed is a broken test, not a pass. */
  return bad || count == 0;
}
