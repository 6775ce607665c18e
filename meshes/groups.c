/* The physical groups of a freshly read (undistributed) mesh: which labels are boundary
 * groups and which are cell (fluid) groups, their sizes, and the checks that a mesh is
 * usable: it has cells, every boundary face belongs to a group, required groups exist. */
#include "mesh_private.h"

#include <string.h>

/* Labels PETSc makes itself; every other label of a fresh Gmsh read is a physical group. */
static PetscBool IsPetscLabel(const char *name)
{
  const char *builtin[] = {"depth", "celltype", "Cell Sets", "Face Sets", "Edge Sets", "Vertex Sets", "marker"};
  for (size_t i = 0; i < sizeof builtin / sizeof builtin[0]; i++)
    if (!strcmp(name, builtin[i])) return PETSC_TRUE;
  return PETSC_FALSE;
}

typedef struct {
  char name[FF_NAME_LEN];
  PetscInt tag, size, height;
} GroupInfo;

static int CompareGroups(const void *a, const void *b)
{
  const GroupInfo *x = (const GroupInfo *)a, *y = (const GroupInfo *)b;
  return x->tag < y->tag ? -1 : x->tag > y->tag;
}

/* One label per physical group: its tag, size, and whether it marks cells or faces. */
static PetscErrorCode ListGroups(DM dm, const char *source, GroupInfo **groups, PetscInt *n)
{
  PetscInt nl, cStart, cEnd, fStart, fEnd;
  PetscFunctionBegin;
  PetscCall(DMGetNumLabels(dm, &nl));
  PetscCall(DMPlexGetHeightStratum(dm, 0, &cStart, &cEnd));
  PetscCall(DMPlexGetHeightStratum(dm, 1, &fStart, &fEnd));
  PetscCall(PetscCalloc1(nl, groups));
  *n = 0;
  for (PetscInt l = 0; l < nl; l++) {
    const char *name;
    DMLabel label;
    IS values;
    PetscInt nv, p0 = -1;
    PetscCall(DMGetLabelName(dm, l, &name));
    if (IsPetscLabel(name)) continue;
    if (strlen(name) >= FF_NAME_LEN) { /* the list goes too (its leak found by bench/fuzz) */
      PetscCall(PetscFree(*groups));
      SETERRQ(PETSC_COMM_SELF, PETSC_ERR_SUP, "mesh '%s': physical group name '%s' is longer than %d characters",
              source, name, FF_NAME_LEN - 1);
    }
    PetscCall(DMGetLabel(dm, name, &label));
    PetscCall(DMLabelGetValueIS(label, &values));
    PetscCall(ISGetLocalSize(values, &nv));
    GroupInfo *g = &(*groups)[*n];
    PetscCall(PetscStrncpy(g->name, name, sizeof g->name));
    g->height = -1;
    for (PetscInt i = 0; i < nv; i++) { /* one tag per name, unless the user reused a name */
      const PetscInt *v;
      PetscInt size;
      PetscCall(ISGetIndices(values, &v));
      g->tag = i == 0 ? v[0] : PetscMin(g->tag, v[0]);
      PetscCall(DMLabelGetStratumSize(label, v[i], &size));
      g->size += size;
      if (p0 < 0 && size) {
        IS pts;
        const PetscInt *pp;
        PetscCall(DMLabelGetStratumIS(label, v[i], &pts));
        PetscCall(ISGetIndices(pts, &pp));
        p0 = pp[0];
        PetscCall(ISRestoreIndices(pts, &pp));
        PetscCall(ISDestroy(&pts));
      }
      PetscCall(ISRestoreIndices(values, &v));
    }
    PetscCall(ISDestroy(&values));
    if (p0 >= cStart && p0 < cEnd)
      g->height = 0;
    else if (p0 >= fStart && p0 < fEnd)
      g->height = 1;
    if (g->height >= 0) (*n)++; /* physical points or empty groups are not boundary groups */
  }
  qsort(*groups, (size_t)*n, sizeof **groups, CompareGroups);
  PetscFunctionReturn(0);
}

/* Every boundary face needs a group, or the solver would not know its condition. */
static PetscErrorCode CheckBoundaryCovered(FFMesh mesh, const char *source)
{
  DM dm = mesh->dm;
  PetscInt fStart, fEnd, missing = 0, first = -1;
  PetscFunctionBegin;
  PetscCall(DMPlexGetHeightStratum(dm, 1, &fStart, &fEnd));
  for (PetscInt f = fStart; f < fEnd; f++) {
    PetscInt support;
    PetscBool in = PETSC_FALSE;
    PetscCall(DMPlexGetSupportSize(dm, f, &support));
    if (support != 1) continue;
    for (PetscInt g = 0; g < mesh->n_groups && !in; g++) {
      DMLabel label;
      PetscCall(DMGetLabel(dm, mesh->group_names[g], &label));
      PetscCall(DMLabelStratumHasPoint(label, mesh->group_tags[g], f, &in));
    }
    if (!in && missing++ == 0) first = f;
  }
  if (missing) {
    PetscReal c[2] = {0, 0};
    PetscCall(FFMeshPointCentroid(dm, first, c));
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG,
            "mesh '%s': %d boundary faces (one at (%g, %g)) belong to no named physical group; give every boundary "
            "curve a Physical Curve with a name (inlet, outlet, walls, ...)",
            source, (int)missing, (double)c[0], (double)c[1]);
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode CheckRequired(FFMesh mesh, const char *source)
{
  char missing[512] = "", have[1024] = "";
  PetscFunctionBegin;
  for (PetscInt r = 0; r < mesh->n_required; r++) {
    PetscBool has;
    PetscCall(FFMeshHasGroup(mesh, mesh->required[r], &has));
    if (!has) PetscCall(PetscStrlcat(missing, *missing ? ", " : "", sizeof missing));
    if (!has) PetscCall(PetscStrlcat(missing, mesh->required[r], sizeof missing));
  }
  if (!*missing) PetscFunctionReturn(0);
  for (PetscInt g = 0; g < mesh->n_groups; g++) {
    PetscCall(PetscStrlcat(have, g ? ", " : "", sizeof have));
    PetscCall(PetscStrlcat(have, mesh->group_names[g], sizeof have));
  }
  SETERRQ(PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG,
          "mesh '%s' lacks the boundary group(s) %s that this case needs (option -%smesh_require_groups); its groups "
          "are: %s",
          source, missing, mesh->prefix ? mesh->prefix : "", *have ? have : "none");
}

PetscErrorCode FFMeshCollectGroups(FFMesh mesh, const char *source)
{
  GroupInfo *groups;
  PetscInt n, nfaces = 0, ncells = 0, cStart, cEnd, in_cells = 0;
  PetscFunctionBegin;
  PetscCall(ListGroups(mesh->dm, source, &groups, &n));
  PetscCall(DMPlexGetHeightStratum(mesh->dm, 0, &cStart, &cEnd));
  for (PetscInt i = 0; i < n; i++) {
    if (groups[i].height == 1)
      nfaces++;
    else
      ncells++, in_cells += groups[i].size;
  }
  PetscCall(PetscFree(mesh->group_names));
  PetscCall(PetscFree2(mesh->group_tags, mesh->group_faces));
  PetscCall(PetscFree(mesh->cell_group_names));
  PetscCall(PetscMalloc1(nfaces, &mesh->group_names));
  PetscCall(PetscMalloc2(nfaces, &mesh->group_tags, nfaces, &mesh->group_faces));
  PetscCall(PetscMalloc1(ncells, &mesh->cell_group_names));
  mesh->n_groups = mesh->n_cell_groups = 0;
  for (PetscInt i = 0; i < n; i++) {
    if (groups[i].height == 1) {
      PetscInt g = mesh->n_groups++;
      PetscCall(PetscStrncpy(mesh->group_names[g], groups[i].name, FF_NAME_LEN));
      mesh->group_tags[g] = groups[i].tag;
      mesh->group_faces[g] = groups[i].size;
    } else {
      PetscCall(PetscStrncpy(mesh->cell_group_names[mesh->n_cell_groups++], groups[i].name, FF_NAME_LEN));
    }
  }
  PetscCall(PetscFree(groups));
  PetscCheck(cEnd > cStart && ncells > 0, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG,
             "mesh '%s' has no fluid cells: define a named Physical Surface for the fluid", source);
  PetscCheck(in_cells >= cEnd - cStart, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG,
             "mesh '%s': %d of its %d cells are in no named physical surface", source, (int)(cEnd - cStart - in_cells),
             (int)(cEnd - cStart));
  PetscCall(CheckBoundaryCovered(mesh, source));
  PetscCall(CheckRequired(mesh, source));
  PetscFunctionReturn(0);
}

/* "Face Sets" and "Cell Sets" (PETSc's usual labels, valued by physical tag) next to the named
 * labels, for code that expects them (e.g. -dm_plex_... options, DMAddBoundary by tag). */
PetscErrorCode FFMeshAddSetLabels(FFMesh mesh)
{
  DM dm = mesh->dm;
  PetscInt nl;
  PetscFunctionBegin;
  PetscCall(DMCreateLabel(dm, "Face Sets"));
  PetscCall(DMCreateLabel(dm, "Cell Sets"));
  PetscCall(DMGetNumLabels(dm, &nl));
  for (PetscInt l = 0; l < nl; l++) {
    const char *name;
    DMLabel label;
    IS values;
    PetscInt nv, cStart, cEnd;
    PetscCall(DMGetLabelName(dm, l, &name));
    if (IsPetscLabel(name)) continue;
    PetscCall(DMGetLabel(dm, name, &label));
    PetscCall(DMLabelGetValueIS(label, &values));
    PetscCall(ISGetLocalSize(values, &nv));
    PetscCall(DMPlexGetHeightStratum(dm, 0, &cStart, &cEnd));
    for (PetscInt i = 0; i < nv; i++) {
      const PetscInt *v, *pts;
      PetscInt np;
      IS is;
      PetscCall(ISGetIndices(values, &v));
      PetscCall(DMLabelGetStratumIS(label, v[i], &is));
      PetscCall(ISGetLocalSize(is, &np));
      PetscCall(ISGetIndices(is, &pts));
      for (PetscInt k = 0; k < np; k++) {
        PetscInt depth;
        PetscCall(DMPlexGetPointDepth(dm, pts[k], &depth));
        if (pts[k] >= cStart && pts[k] < cEnd)
          PetscCall(DMSetLabelValue(dm, "Cell Sets", pts[k], v[i]));
        else if (depth == 1)
          PetscCall(DMSetLabelValue(dm, "Face Sets", pts[k], v[i]));
      }
      PetscCall(ISRestoreIndices(is, &pts));
      PetscCall(ISDestroy(&is));
      PetscCall(ISRestoreIndices(values, &v));
    }
    PetscCall(ISDestroy(&values));
  }
  PetscFunctionReturn(0);
}
