"""One sample of a dataset as numpy arrays (layout: docs/formats.md, samples/sample_NNNNNN.h5),
read after the same full integrity check as the C reader does (size and CRC-32)."""
from dataclasses import dataclass, field

import h5py
import numpy as np

from . import integrity, mesh

SCHEMA_VERSION = 1


@dataclass
class Field:
    """A field of a sample: data (rows, n_comp) float64 on `location` ("nodes": every P2
    node; "vertices": the first n_vertices nodes), with its units and component names."""

    name: str
    data: np.ndarray
    location: str
    units: str = ""
    components: tuple = ()

    @property
    def n_comp(self):
        return self.data.shape[1]


@dataclass
class Sample:
    """A solved sample. Arrays: positions (n_nodes, 2) of the P2 nodes, vertices first; cells
    (n_cells, 6) VTK quadratic triangles; node_type (n_nodes,) 0 interior, g + 1 on boundary
    group g; wall_distance (n_nodes,); edges (2, n_edges) directed senders/receivers; fields by
    name; conditions (the swept parameters) and forces by name."""

    index: int
    case: str
    status: str
    positions: np.ndarray
    cells: np.ndarray
    node_type: np.ndarray
    group_names: list
    wall_distance: np.ndarray
    n_vertices: int
    edges: np.ndarray
    fields: dict
    conditions: dict
    forces: dict
    surface: dict = field(default_factory=dict)
    solver: dict = field(default_factory=dict)
    options: str = ""

    @property
    def n_nodes(self):
        return self.positions.shape[0]

    @property
    def node_category(self):
        """(n_nodes,) the surrogates' node categories (mesh.INTERIOR, WALL, INFLOW, OUTFLOW, OTHER)."""
        return mesh.node_categories(self.node_type, self.group_names)

    def field_on_nodes(self, name):
        """Field `name` on all P2 nodes (a vertex field extended to the edge midpoints)."""
        f = self.fields[name]
        if f.location == "nodes":
            return f.data
        return mesh.vertex_to_nodes(f.data, self.cells, self.n_nodes)


def _attr_str(obj, name, default=""):
    v = obj.attrs.get(name, default)
    return v.decode() if isinstance(v, bytes) else str(v)


def _check_stamp(f, path, fmt):
    found = _attr_str(f, "format")
    if found != fmt:
        raise ValueError(f"'{path}' is not a {fmt} file (format '{found}')")
    version = int(f.attrs.get("schema_version", 0))
    if not 1 <= version <= SCHEMA_VERSION:
        raise ValueError(f"'{path}': schema version {version}; this package reads 1..{SCHEMA_VERSION}")


def read_sample(path, check=True):
    """Reads a solved sample file; check: verify its size and CRC-32 first (raises
    integrity.CorruptFile naming the file). A failure record raises ValueError with its reason."""
    if check:
        integrity.verify(path, full=True)
    with h5py.File(path, "r") as f:
        _check_stamp(f, path, "fieldflow-sample")
        status = _attr_str(f, "status")
        if status != "ok":
            raise ValueError(f"'{path}' records a failed solve: {_attr_str(f, 'reason')}")
        m = f["mesh"]
        positions = m["coords"][:]
        cells = m["cells"][:].astype(np.int64)
        n_nodes = positions.shape[0]
        if "graph" in m:
            edges = mesh.edges_from_csr(m["graph/row_ptr"][:], m["graph/col"][:])
        else:
            edges = mesh.edges_from_cells(cells, n_nodes)
        fields = {}
        for name, d in f["fields"].items():
            comps = _attr_str(d, "components")
            fields[name] = Field(name, d[:], _attr_str(d, "location"), _attr_str(d, "units"),
                                 tuple(comps.split(",")) if comps else ())
        surface = {k: v[:] for k, v in f["surface"].items()} if "surface" in f else {}
        solver = dict(f["solver"].attrs) if "solver" in f else {}
        return Sample(
            index=int(f.attrs["index"]),
            case=_attr_str(f, "case"),
            status=status,
            positions=positions,
            cells=cells,
            node_type=m["node_type"][:].astype(np.int64),
            group_names=list(m["group_names"].asstr()[:]),
            wall_distance=m["sdf"][:] if "sdf" in m else np.zeros(n_nodes),
            n_vertices=int(m.attrs["n_vertices"]),
            edges=edges,
            fields=fields,
            conditions={k: float(v[()]) for k, v in f["params"].items()},
            forces={k: float(v[()]) for k, v in f["forces"].items()} if "forces" in f else {},
            surface=surface,
            solver=solver,
            options=f["options"].asstr()[()] if "options" in f else "",
        )
