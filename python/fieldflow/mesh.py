"""What the surrogates make of a sample's mesh, as the C code makes it: node categories from
the boundary-group names (surrogates/models/schema.c, meshes/mesh.c) and the directed edges of
the P2 node graph (meshes/edges.c, FFMeshEdges), so that a model sees in Python what the C
models see."""
import numpy as np

INTERIOR, WALL, INFLOW, OUTFLOW, OTHER = range(5)
CATEGORIES = 5
CATEGORY_NAMES = ("interior", "wall", "inflow", "outflow", "other")

_WALLS = {"wall", "walls", "cylinder", "airfoil", "body"}
_INFLOW = {"inlet", "inflow", "farfield"}
_OUTFLOW = {"outlet", "outflow"}


def category_of_group(name):
    """The node category of a boundary group, by its name (case-insensitive as the meshes'
    rules, docs/meshes.md; outlet/outflow exactly as FFNodeCategoryOfGroup)."""
    if name.lower() in _WALLS:
        return WALL
    if name.lower() in _INFLOW:
        return INFLOW
    if name in _OUTFLOW:
        return OUTFLOW
    return OTHER


def node_categories(node_type, group_names):
    """(n_nodes,) int64 categories from the file's node_type (0 interior, g + 1 group g)."""
    table = np.array([INTERIOR] + [category_of_group(g) for g in group_names], dtype=np.int64)
    node_type = np.asarray(node_type)
    if node_type.min() < 0 or node_type.max() >= len(table):
        raise ValueError(f"node types {node_type.min()}..{node_type.max()} for {len(group_names)} boundary groups")
    return table[node_type]


# The edges of the four sub-triangles of a P2 triangle (v0 v1 v2 m01 m12 m20): each side in
# two halves, then the inner triangle.
_P2_PAIRS = np.array([[0, 3], [3, 1], [1, 4], [4, 2], [2, 5], [5, 0], [3, 4], [4, 5], [5, 3]])


def edges_from_cells(cells, n_nodes):
    """(2, n_edges) int64 senders and receivers: every undirected edge {a, b}, a < b, once in
    ascending (a, b), as a -> b then b -> a (the order of FFMeshEdges, which trained C models
    depend on)."""
    cells = np.asarray(cells, dtype=np.int64)
    a = cells[:, _P2_PAIRS[:, 0]].ravel()
    b = cells[:, _P2_PAIRS[:, 1]].ravel()
    if a.size and (min(a.min(), b.min()) < 0 or max(a.max(), b.max()) >= n_nodes or np.any(a == b)):
        raise ValueError("cells with node numbers out of range or an edge from a node to itself")
    keys = np.unique(np.minimum(a, b) * (1 << 32) + np.maximum(a, b))
    lo, hi = keys >> 32, keys & 0xFFFFFFFF
    edges = np.empty((2, 2 * keys.size), dtype=np.int64)
    edges[0, 0::2], edges[1, 0::2] = lo, hi
    edges[0, 1::2], edges[1, 1::2] = hi, lo
    return edges


def edges_from_csr(row_ptr, col):
    """(2, nnz) senders and receivers of the file's CSR adjacency (row i lists the senders of
    the edges into node i)."""
    row_ptr = np.asarray(row_ptr, dtype=np.int64)
    receivers = np.repeat(np.arange(row_ptr.size - 1, dtype=np.int64), np.diff(row_ptr))
    return np.stack([np.asarray(col, dtype=np.int64), receivers])


def vertex_to_nodes(values, cells, n_nodes):
    """A vertex field (n_vertices, k) on all P2 nodes: each edge midpoint gets the mean of its
    edge's two vertices, which is exact for a P1 field (FFFieldToNodes)."""
    values = np.asarray(values)
    out = np.empty((n_nodes,) + values.shape[1:], dtype=values.dtype)
    out[: values.shape[0]] = values
    cells = np.asarray(cells)
    for k in range(3):
        a, b, mid = cells[:, k], cells[:, (k + 1) % 3], cells[:, 3 + k]
        out[mid] = 0.5 * (values[a] + values[b])
    return out
