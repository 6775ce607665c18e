"""The inputs and outputs of a mesh-graph model as the C GNN builds them
(surrogates/models/model.c, docs/surrogates.md "Models"), in numpy:

  node inputs  one-hot node category (5), x, y, wall distance (asinh-stretched, then
               standardized), input fields (standardized), conditions (standardized;
               log for log-sampled ones such as Re)
  edge inputs  sender - receiver dx, dy and the length |d| (standardized)
  outputs      the predicted fields on every P2 node (vertex fields extended), standardized

Normalizers are fitted on a training split as the C trainer fits them: per-column mean and
population standard deviation in double over all rows, a column of std <= 1e-12 gets std 1,
then stored as float32."""
import math

import numpy as np

from . import mesh


class Normalizer:
    """Per-column mean/std: fit rows with add(), then finish(); normalize() and denormalize()
    compute in float64 with the float32 statistics, as FFNormalize/FFDenormalize do."""

    def __init__(self, n):
        self.n, self.count = n, 0
        self._mean = np.zeros(n)
        self._m2 = np.zeros(n)
        self.mean = np.zeros(n, dtype=np.float32)
        self.std = np.ones(n, dtype=np.float32)

    def add(self, rows):
        """Merges a block of rows (Chan's pairwise update: exact to rounding in one pass)."""
        rows = np.asarray(rows, dtype=np.float64).reshape(-1, self.n)
        k = rows.shape[0]
        if not k:
            return
        mean = rows.mean(axis=0)
        m2 = ((rows - mean) ** 2).sum(axis=0)
        total = self.count + k
        delta = mean - self._mean
        self._mean = self._mean + delta * (k / total)
        self._m2 = self._m2 + m2 + delta**2 * (self.count * k / total)
        self.count = total

    def finish(self, floor=1e-12):
        var = self._m2 / self.count if self.count > 1 else np.zeros(self.n)
        sd = np.sqrt(var)
        self.mean = (self._mean if self.count else np.zeros(self.n)).astype(np.float32)
        self.std = np.where(sd > floor, sd, 1.0).astype(np.float32)
        return self

    def normalize(self, v):
        return ((np.asarray(v, dtype=np.float64) - self.mean.astype(np.float64)) / self.std.astype(np.float64)).astype(
            np.float32)

    def denormalize(self, y):
        return np.asarray(y, dtype=np.float64) * self.std.astype(np.float64) + self.mean.astype(np.float64)

    def state(self):
        return {"mean": self.mean.copy(), "std": self.std.copy(), "count": self.count}


class Schema:
    """What a model maps on a dataset: the conditions (swept parameters that are not seeds, with
    whether the model sees their log), the input fields and the predicted fields (name, n_comp,
    location), in the C schema's order (FFSurrogateSchemaFromDataset)."""

    def __init__(self, dataset, first, fields=None, inputs=()):
        self.conditions = [(p, s == "log") for p, s in zip(dataset.parameters, dataset.scales) if s != "seed"]
        inputs = list(inputs or ())
        names = list(fields) if fields else [f for f in first.fields if f not in inputs]
        for f in names + inputs:
            if f not in first.fields:
                raise KeyError(f"field '{f}' is not in dataset '{dataset.dir}' (its fields: {', '.join(first.fields)})")
        self.fields = [(f, first.fields[f].n_comp, first.fields[f].location) for f in names]
        self.inputs = [(f, first.fields[f].n_comp, first.fields[f].location) for f in inputs]

    @property
    def columns(self):
        """Output column names ("u_x", "u_y", "p"), as compare names them."""
        cols = []
        for name, k, _ in self.fields:
            cols += [name] if k == 1 else [f"{name}_{'xyzw'[j]}" for j in range(k)]
        return cols

    def condition_values(self, sample):
        """The conditions as the model sees them (log of log-sampled ones)."""
        out = []
        for name, log in self.conditions:
            v = sample.conditions[name]
            out.append(math.log(v) if log else v)
        return np.array(out, dtype=np.float64)

    def stack(self, sample, which):
        """The fields of `which` (self.fields or self.inputs) side by side on all nodes."""
        if not which:
            return np.zeros((sample.n_nodes, 0))
        return np.concatenate([sample.field_on_nodes(name) for name, _, _ in which], axis=1)


def edge_vectors(positions, edges):
    d = positions[edges[0]] - positions[edges[1]]
    return np.stack([d[:, 0], d[:, 1], np.hypot(d[:, 0], d[:, 1])], axis=1)


class Normalizers:
    """The normalizers of a model's inputs and outputs, fitted on the samples of a split."""

    def __init__(self, schema, stretch=0.05):
        self.schema, self.stretch = schema, stretch
        n_in = sum(k for _, k, _ in schema.inputs)
        self.raw = Normalizer(3)  # x, y, sdf: the centres and lengths of the stretch
        self.node = Normalizer(3 + n_in)
        self.edge = Normalizer(3)
        self.cond = Normalizer(len(schema.conditions))
        self.out = Normalizer(sum(k for _, k, _ in schema.fields))
        self.samples = 0

    def stretched(self, sample):
        """x, y, wall distance as the network sees them before standardizing: asinh((v - c) /
        (stretch * std)), c the mean for x and y and 0 for the distance (raw when stretch = 0)."""
        raw = np.column_stack([sample.positions, sample.wall_distance])
        if self.stretch <= 0:
            return raw
        centre = np.array([self.raw.mean[0], self.raw.mean[1], 0.0], dtype=np.float64)
        length = self.stretch * self.raw.std.astype(np.float64)
        return np.arcsinh((raw - centre) / length)

    def fit(self, samples):
        """Fits every normalizer on a list of samples (two passes: the stretch needs the raw
        statistics first, as FFSurrogateFitNormalizers does)."""
        for s in samples:
            self.raw.add(np.column_stack([s.positions, s.wall_distance]))
        self.raw.finish()
        for s in samples:
            self.node.add(np.column_stack([self.stretched(s), self.schema.stack(s, self.schema.inputs)]))
            self.edge.add(edge_vectors(s.positions, mesh.edges_from_cells(s.cells, s.n_nodes)))
            self.cond.add(self.schema.condition_values(s)[None, :])
            self.out.add(self.schema.stack(s, self.schema.fields))
        for nz in (self.node, self.edge, self.cond, self.out):
            nz.finish()
        self.samples = len(samples)
        return self


def graph_arrays(sample, normalizers, with_target=True):
    """One sample as numpy arrays for a mesh-graph model (float32 unless said):
    x (n_nodes, 5 + 3 + inputs + conditions) normalized node inputs; pos (n_nodes, 2) float64;
    edge_index (2, n_edges) int64 in FFMeshEdges order; edge_attr (n_edges, 3); y (n_nodes,
    output columns) normalized targets; node_type (n_nodes,) int64 category; group (n_nodes,)
    the file's node_type; cond (n_conditions,) normalized; n_vertices; index."""
    nz, schema = normalizers, normalizers.schema
    n = sample.n_nodes
    category = sample.node_category
    onehot = np.zeros((n, mesh.CATEGORIES), dtype=np.float32)
    onehot[np.arange(n), category] = 1.0
    node = nz.node.normalize(np.column_stack([nz.stretched(sample), schema.stack(sample, schema.inputs)]))
    cond = nz.cond.normalize(schema.condition_values(sample)) if schema.conditions else np.zeros(0, np.float32)
    x = np.concatenate([onehot, node, np.broadcast_to(cond, (n, cond.size))], axis=1).astype(np.float32)
    edges = mesh.edges_from_cells(sample.cells, n)
    out = {
        "x": x,
        "pos": sample.positions,
        "edge_index": edges,
        "edge_attr": nz.edge.normalize(edge_vectors(sample.positions, edges)),
        "node_type": category,
        "group": sample.node_type,
        "cond": cond,
        "n_vertices": sample.n_vertices,
        "index": sample.index,
    }
    if with_target:
        out["y"] = nz.out.normalize(schema.stack(sample, schema.fields))
    return out
