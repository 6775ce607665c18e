"""The package reads a dataset as the C code does: the same splits, the file's own arrays,
and the same refusal of damaged files. No torch needed."""
import os
import shutil

import h5py
import numpy as np
import pytest

import fieldflow


def test_splits_are_the_c_splits(dataset_dir):
    """Every split of every scheme lists the samples the C sweep wrote in its manifest."""
    ds = fieldflow.open_dataset(dataset_dir)
    with h5py.File(os.path.join(dataset_dir, "manifest.h5"), "r") as m:
        for scheme in m["splits"]:
            for part in ("train", "val", "test"):
                name = part if scheme == "random" else f"{scheme}/{part}"
                assert ds.split(name).tolist() == m[f"splits/{scheme}/{part}"][:].tolist(), name
    assert ds.split("all").tolist() == list(range(ds.n))
    assert sorted(ds.splits()) == ["holdout_aoa/test", "holdout_aoa/train", "holdout_aoa/val", "test", "train", "val"]
    held = ds.split("holdout_aoa/test")
    assert 0 < len(held) < ds.n and all(ds.sample(int(i)).conditions["aoa"] >= 3 for i in held)
    assert ds.fingerprint == h5py.File(os.path.join(dataset_dir, "dataset.h5"), "r").attrs["fingerprint"]
    with pytest.raises(KeyError, match="no split scheme 'holdout_re'"):
        ds.split("holdout_re/test")


def test_sample_arrays_are_the_file_arrays(dataset_dir):
    ds = fieldflow.open_dataset(dataset_dir)
    s = ds.sample(3)
    with h5py.File(ds.sample_path(3), "r") as f:
        assert np.array_equal(s.positions, f["mesh/coords"][:])
        assert np.array_equal(s.cells, f["mesh/cells"][:])
        assert np.array_equal(s.node_type, f["mesh/node_type"][:])
        assert np.array_equal(s.wall_distance, f["mesh/sdf"][:])
        assert s.group_names == list(f["mesh/group_names"].asstr()[:])
        for name in ("u", "p"):
            assert np.array_equal(s.fields[name].data, f[f"fields/{name}"][:])
        assert s.fields["p"].location == "vertices" and s.fields["p"].data.shape == (s.n_vertices, 1)
        assert s.conditions == {k: v[()] for k, v in f["params"].items()}
        assert s.forces["C_D"] == f["forces/C_D"][()]
        row_ptr, col = f["mesh/graph/row_ptr"][:], f["mesh/graph/col"][:]
    # the edges: the file's CSR adjacency, and the same set built from the cells
    assert s.edges.shape == (2, col.size)
    built = fieldflow.mesh.edges_from_cells(s.cells, s.n_nodes)
    assert set(map(tuple, built.T)) == set(map(tuple, s.edges.T))
    # a vertex field on all nodes: the midpoint of each edge is the mean of its vertices
    p = s.field_on_nodes("p")
    assert np.array_equal(p[: s.n_vertices], s.fields["p"].data)
    c = s.cells[0]
    assert p[c[3], 0] == 0.5 * (p[c[0], 0] + p[c[1], 0])
    # node categories: the airfoil's nodes are walls
    walls = s.node_category == fieldflow.mesh.WALL
    assert walls.any() and np.all(s.wall_distance[walls] == 0)


def test_damaged_files_are_refused(dataset_dir, tmp_path):
    """A flipped byte fails the CRC, a cut file the size; a dataset drops them from its splits."""
    copy = tmp_path / "air"
    shutil.copytree(dataset_dir, copy)
    ds = fieldflow.open_dataset(str(copy))
    path = ds.sample_path(2)
    with open(path, "r+b") as f:
        f.seek(4096)
        b = f.read(1)
        f.seek(4096)
        f.write(bytes([b[0] ^ 0xFF]))
    with pytest.raises(fieldflow.CorruptFile, match="checksum mismatch"):
        ds.sample(2)
    path = ds.sample_path(4)
    os.truncate(path, os.path.getsize(path) - 100)
    ds.refresh()
    assert ds.states[4] == "corrupt" and 4 not in ds.split("all")
    with pytest.raises(fieldflow.CorruptFile, match="truncated"):
        ds.sample(4)
