"""The Dataset's tensors are the file's arrays, normalized as the C GNN normalizes them, and
the PyTorch MeshGraphNets of docs/examples/train_torch_gnn.py is the C GNN: loaded with a C
model's weights it predicts what the C model predicts."""
import importlib.util
import math
import os

import h5py
import numpy as np
import pytest

import fieldflow
from conftest import ROOT

torch = pytest.importorskip("torch")

F32 = 2.0**-24  # unit roundoff of float32


def test_tensors_are_the_file_arrays(dataset_dir):
    ds = fieldflow.open_dataset(dataset_dir)
    data = fieldflow.GraphDataset(ds, "test")
    assert data.normalization_split == "train" and data.normalizers.samples == len(ds.split("train"))
    g = data[0]
    with h5py.File(ds.sample_path(g.index), "r") as f:
        coords, node_type = f["mesh/coords"][:], f["mesh/node_type"][:]
        groups = list(f["mesh/group_names"].asstr()[:])
        u, p = f["fields/u"][:], f["fields/p"][:]
        row_ptr, col = f["mesh/graph/row_ptr"][:], f["mesh/graph/col"][:]
        params = {k: v[()] for k, v in f["params"].items()}
    assert g.x.dtype == torch.float32 and g.pos.dtype == torch.float64 and g.edge_index.dtype == torch.int64
    assert torch.equal(g.pos, torch.from_numpy(coords))
    assert torch.equal(g.group, torch.from_numpy(node_type.astype(np.int64)))
    # edge_index: the file's adjacency (receiver i, sender col[k]), each edge once
    receivers = np.repeat(np.arange(len(row_ptr) - 1), np.diff(row_ptr))
    assert set(zip(g.edge_index[0].tolist(), g.edge_index[1].tolist())) == set(zip(col.tolist(), receivers.tolist()))
    assert g.edge_index.shape[1] == col.size
    # node_type: the category of the node's boundary group, and the one-hot of x
    wall = groups.index("airfoil") + 1
    assert torch.all(g.node_type[torch.from_numpy(node_type == wall)] == fieldflow.mesh.WALL)
    assert torch.all(g.node_type[torch.from_numpy(node_type == 0)] == fieldflow.mesh.INTERIOR)
    assert torch.equal(g.x[:, :5].argmax(dim=1), g.node_type)
    # y: u on every node, p on the vertices (and their means on the midpoints). De-normalized
    # in double from float32 values: each value within one float32 rounding of (v - mean)
    nz = data.normalizers.out
    y = data.denormalize(g.y)
    ref = np.column_stack([u, fieldflow.mesh.vertex_to_nodes(p, ds.sample(g.index).cells, len(coords))])
    bound = F32 * np.abs(ref - nz.mean.astype(np.float64)) * (1 + 1e-6) + 1e-15 * np.abs(ref)
    assert np.all(np.abs(y - ref) <= bound)
    # the conditions, normalized (Re in log) and back
    cn = data.normalizers.cond
    cond = cn.denormalize(g.cond.numpy())
    want = np.array([params["naca_t"], params["aoa"], math.log(params["re"])])
    assert np.all(np.abs(cond - want) <= F32 * np.abs(want - cn.mean.astype(np.float64)) * (1 + 1e-6) + 1e-15)


def test_normalizers_are_the_c_models(dataset_dir, c_model):
    """Fitted on the same training split, the statistics equal those the C trainer stored:
    each within one float32 rounding of the other (both are float32 roundings of the same
    double, summed in another order: 1e-9 of the column's spread covers that)."""
    ds = fieldflow.open_dataset(dataset_dir)
    nz = fieldflow.GraphDataset(ds, "val").normalizers
    with h5py.File(c_model, "r") as f:
        for name in ("raw", "node", "edge", "cond", "out"):
            mean, std = f[f"normalization/{name}_mean"][:], f[f"normalization/{name}_std"][:]
            mine = getattr(nz, name)
            tol = 2 * F32 * np.abs(mean) + 1e-9 * std
            assert np.all(np.abs(mine.mean - mean) <= tol), name
            assert np.all(np.abs(mine.std - std) <= 2 * F32 * std), name


def load_example():
    path = os.path.join(ROOT, "docs", "examples", "train_torch_gnn.py")
    spec = importlib.util.spec_from_file_location("train_torch_gnn", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_torch_gnn_is_the_c_gnn(dataset_dir, c_model, model_report):
    """The example's network with the C model's weights, in double on the package's float32
    inputs, is the exact answer the C float32 forward approximates; they agree to 1e-4 of the
    largest output, the criterion of the nn tests against PyTorch (tests/test_nn_torch.c)."""
    example = load_example()
    ds = fieldflow.open_dataset(dataset_dir)
    data = fieldflow.GraphDataset(ds, "all")
    with h5py.File(c_model, "r") as f:
        width, blocks, depth = (int(f["config"].attrs[k]) for k in ("width", "blocks", "depth"))
    g0 = data[0]
    model = example.MeshGraphNet(g0.x.shape[1], 3, g0.y.shape[1], width, blocks, depth).double()
    example.load_fieldflow_weights(model, c_model)
    c_pred = fieldflow.read_predictions(model_report[1])
    nz = data.normalizers.out
    for k in range(len(data)):
        g = data[k]
        g.x, g.edge_attr = g.x.double(), g.edge_attr.double()
        with torch.no_grad():
            y = model(g).numpy()
        fields = c_pred.sample(g.index)
        c = np.column_stack([fields["u"], fieldflow.mesh.vertex_to_nodes(fields["p"], ds.sample(g.index).cells,
                                                                          g.num_nodes)])
        yc = (c - nz.mean.astype(np.float64)) / nz.std.astype(np.float64)
        rows = [slice(None), slice(None), slice(0, g.n_vertices)]  # u_x, u_y on all nodes; p on the vertices
        for col, r in enumerate(rows):
            assert np.max(np.abs(yc[r, col] - y[r, col])) <= 1e-4 * np.max(np.abs(y)), (g.index, col)
