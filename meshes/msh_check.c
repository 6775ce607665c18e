/* A check of the node, element and physical-name sections of an ASCII MSH 4.1 file before
 * PETSc reads it. PETSc 3.18's Gmsh reader trusts the counts and tags it reads: a node tag that
 * is not an integer, or an element that names a node outside the file's tag range, makes it
 * index its arrays out of bounds and crash (found by bench/fuzz, docs/reliability.md). So the
 * tokens of $Nodes and $Elements are checked here first: every count and tag an integer, every
 * tag in its section's declared range, the block sizes adding up to the declared totals, every
 * element's node count that of its type. $PhysicalNames entries must be as Gmsh writes them
 * (CheckPhysicalNames says why). MSH 4.0 files and binary files are not checked (PETSc reads
 * them as they are); a 2.2 file is checked after gmsh has rewritten it as 4.1. */
#include "mesh_private.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  const char *p, *end, *path;
  long line;
  char msg[256];
} Tokens;

/* The next whitespace-separated token as [*tok, *tok + *len); 0 at the end of the text. */
static int Next(Tokens *t, const char **tok, size_t *len)
{
  while (t->p < t->end && (*t->p == ' ' || *t->p == '\t' || *t->p == '\r' || *t->p == '\n')) {
    if (*t->p == '\n') t->line++;
    t->p++;
  }
  if (t->p >= t->end) return 0;
  *tok = t->p;
  while (t->p < t->end && !(*t->p == ' ' || *t->p == '\t' || *t->p == '\r' || *t->p == '\n')) t->p++;
  *len = (size_t)(t->p - *tok);
  return 1;
}

/* The next token as an integer in [lo, hi]; 0 (with t->msg) otherwise. */
static int Int(Tokens *t, const char *what, long long lo, long long hi, long long *v)
{
  const char *tok;
  size_t len;
  char buf[32];
  if (!Next(t, &tok, &len)) {
    snprintf(t->msg, sizeof t->msg, "the file ends where %s should be", what);
    return 0;
  }
  snprintf(buf, sizeof buf, "%.*s", (int)(len < sizeof buf ? len : sizeof buf - 1), tok);
  char *rest;
  errno = 0;
  *v = strtoll(buf, &rest, 10);
  if (len >= sizeof buf || *rest || rest == buf || errno) {
    snprintf(t->msg, sizeof t->msg, "%s '%.24s' is not an integer", what, buf);
    return 0;
  }
  if (*v < lo || *v > hi) {
    snprintf(t->msg, sizeof t->msg, "%s %lld is outside %lld .. %lld", what, *v, lo, hi);
    return 0;
  }
  return 1;
}

static int Real(Tokens *t, const char *what)
{
  const char *tok;
  size_t len;
  char buf[64], *rest;
  if (!Next(t, &tok, &len)) {
    snprintf(t->msg, sizeof t->msg, "the file ends where %s should be", what);
    return 0;
  }
  snprintf(buf, sizeof buf, "%.*s", (int)(len < sizeof buf ? len : sizeof buf - 1), tok);
  (void)strtod(buf, &rest);
  if (len >= sizeof buf || *rest || rest == buf) {
    snprintf(t->msg, sizeof t->msg, "%s '%.24s' is not a number", what, buf);
    return 0;
  }
  return 1;
}

/* Nodes of a Gmsh element type; 0 for a type this check does not know. */
static int NodesOfType(long long type)
{
  static const int nodes[] = {0, 2, 3, 4, 4, 8, 6, 5, 3, 6, 9, 10, 27, 18, 14, 1, 8, 20, 15, 13, 9, 10};
  return type >= 1 && type < (long long)(sizeof nodes / sizeof nodes[0]) ? nodes[type] : 0;
}

/* Moves to the line after `name` ("$Nodes"); 0 when there is none. */
static int Seek(Tokens *t, const char *name)
{
  const char *tok;
  size_t len, n = strlen(name);
  while (Next(t, &tok, &len))
    if (len == n && !memcmp(tok, name, n)) return 1;
  return 0;
}

static int CheckNodes(Tokens *t, long long *min_tag, long long *max_tag)
{
  long long blocks, total, count = 0, dim, tag, parametric, n;
  if (!Int(t, "the number of node blocks", 0, INT_MAX, &blocks) || !Int(t, "the number of nodes", 0, INT_MAX, &total) ||
      !Int(t, "the smallest node tag", 0, INT_MAX, min_tag) || !Int(t, "the largest node tag", 0, INT_MAX, max_tag))
    return 0;
  for (long long b = 0; b < blocks; b++) {
    if (!Int(t, "a node block's dimension", 0, 3, &dim) ||
        !Int(t, "a node block's entity tag", INT_MIN, INT_MAX, &tag) ||
        !Int(t, "a node block's parametric flag", 0, 1, &parametric) ||
        !Int(t, "a node block's size", 0, total - count, &n))
      return 0;
    count += n;
    for (long long i = 0; i < n; i++)
      if (!Int(t, "a node tag", *min_tag, *max_tag, &tag)) return 0;
    for (long long i = 0; i < n * (3 + (parametric ? dim : 0)); i++)
      if (!Real(t, "a node coordinate")) return 0;
  }
  if (count != total)
    snprintf(t->msg, sizeof t->msg, "the node blocks hold %lld nodes, the section says %lld", count, total);
  return count == total;
}

static int CheckElements(Tokens *t, long long min_node, long long max_node)
{
  long long blocks, total, count = 0, dim, entity, type, n, lo, hi, tag;
  if (!Int(t, "the number of element blocks", 0, INT_MAX, &blocks) ||
      !Int(t, "the number of elements", 0, INT_MAX, &total) || !Int(t, "the smallest element tag", 0, INT_MAX, &lo) ||
      !Int(t, "the largest element tag", 0, INT_MAX, &hi))
    return 0;
  for (long long b = 0; b < blocks; b++) {
    if (!Int(t, "an element block's dimension", 0, 3, &dim) ||
        !Int(t, "an element block's entity tag", INT_MIN, INT_MAX, &entity) ||
        !Int(t, "an element type", 1, INT_MAX, &type) || !Int(t, "an element block's size", 0, total - count, &n))
      return 0;
    const int per = NodesOfType(type);
    if (!per) {
      snprintf(t->msg, sizeof t->msg, "element type %lld is not one of Gmsh's first-to-fourth-order types", type);
      return 0;
    }
    count += n;
    for (long long e = 0; e < n; e++) {
      if (!Int(t, "an element tag", lo, hi, &tag)) return 0;
      for (int k = 0; k < per; k++)
        if (!Int(t, "a node of an element", min_node, max_node, &tag)) return 0;
    }
  }
  if (count != total)
    snprintf(t->msg, sizeof t->msg, "the element blocks hold %lld elements, the section says %lld", count, total);
  return count == total;
}

/* The longest physical name accepted. PETSc 3.18's reader copies a name into a stack buffer
 * without checking its length: ASan saw the copy of a name of 150 characters or more overlap
 * the line it came from (so the buffer is under about 150 bytes; a shorter overflow would not
 * be seen, PETSc is not instrumented). Gmsh's own names are short; 128 leaves a margin below
 * the 140 characters that gave no report. */
#define MSH_NAME_MAX 128

/* $PhysicalNames: PETSc 3.18 takes a name's length from where the quotes are in its line, with
 * the opening quote expected right after the tag and one blank: a name not opened there (`1 3
 * lls""`, or two blanks before the quote) made it copy a negative length, and a long name
 * overflows its buffer (both found by bench/fuzz). So each entry must be as Gmsh writes it: the
 * dimension, the tag, one blank, the name in double quotes (no quote inside, at most
 * MSH_NAME_MAX characters), nothing but blanks after it on its line. */
static int CheckPhysicalNames(Tokens *t)
{
  long long count, dim, tag;
  if (!Int(t, "the number of physical names", 0, INT_MAX, &count)) return 0;
  for (long long i = 0; i < count; i++) {
    if (!Int(t, "a physical name's dimension", 0, 3, &dim) || !Int(t, "a physical name's tag", INT_MIN, INT_MAX, &tag))
      return 0;
    const char *open = t->p + 1; /* t->p: the character after the tag */
    if (open >= t->end || (t->p[0] != ' ' && t->p[0] != '\t') || *open != '"') {
      snprintf(t->msg, sizeof t->msg, "physical tag %lld: its name must follow after one blank, in double quotes", tag);
      return 0;
    }
    const char *close = open + 1;
    while (close < t->end && *close != '"' && *close != '\n') close++;
    if (close >= t->end || *close != '"') {
      snprintf(t->msg, sizeof t->msg, "physical tag %lld: its name has no closing quote on its line", tag);
      return 0;
    }
    if (close - open - 1 > MSH_NAME_MAX) {
      snprintf(t->msg, sizeof t->msg, "physical tag %lld: its name has %ld characters, more than %d", tag,
               (long)(close - open - 1), MSH_NAME_MAX);
      return 0;
    }
    const char *rest = close + 1;
    while (rest < t->end && (*rest == ' ' || *rest == '\t' || *rest == '\r')) rest++;
    if (rest < t->end && *rest != '\n') {
      snprintf(t->msg, sizeof t->msg, "physical tag %lld: something follows its quoted name", tag);
      return 0;
    }
    t->p = rest;
  }
  return 1;
}

PetscErrorCode FFMeshCheckMsh41(const char *path)
{
  PetscFunctionBegin;
  FILE *f = fopen(path, "rb");
  PetscCheck(f, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot open mesh file '%s': %s", path, strerror(errno));
  char *text = NULL;
  long size = fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
  if (size >= 0 && fseek(f, 0, SEEK_SET) == 0) text = malloc((size_t)size + 1);
  size_t got = text ? fread(text, 1, (size_t)size, f) : 0;
  fclose(f);
  if (!text || got != (size_t)size) free(text);
  PetscCheck(text && got == (size_t)size, PETSC_COMM_SELF, PETSC_ERR_FILE_READ, "cannot read mesh file '%s'", path);
  Tokens t = {text, text + size, path, 1, ""};
  long long min_node = 0, max_node = -1;
  int ok = !Seek(&t, "$PhysicalNames") || CheckPhysicalNames(&t);
  if (ok) {
    t.p = text, t.line = 1;
    ok = !Seek(&t, "$Nodes") || CheckNodes(&t, &min_node, &max_node);
  }
  if (ok) {
    t.p = text, t.line = 1;
    ok = !Seek(&t, "$Elements") || CheckElements(&t, min_node, max_node);
  }
  free(text);
  PetscCheck(ok, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "'%s' is not a readable Gmsh file (malformed or truncated): line %ld: %s", path, t.line, t.msg);
  PetscFunctionReturn(0);
}
