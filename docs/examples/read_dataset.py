"""Read a fieldflow dataset with h5py: python3 read_dataset.py data/airfoil"""
import sys
import zlib

import h5py


def check(path):
    """A sample is complete and intact iff its size and CRC-32 match its header."""
    with open(path, "rb") as f:
        data = f.read()
    lines = data[:512].rstrip(b"\0").decode().splitlines()
    header = dict(line.split(" ", 1) for line in lines[1:])
    if int(header["bytes"]) != len(data):
        raise IOError(f"{path}: truncated")
    if int(header["crc32"], 16) != zlib.crc32(data[512:]):
        raise IOError(f"{path}: corrupt")


root = sys.argv[1]
with h5py.File(f"{root}/dataset.h5", "r") as d:
    names = list(d["plan/names"].asstr()[:])
    plan = d["plan/values"][:]  # (n, n_params): every planned sample's parameters
with h5py.File(f"{root}/manifest.h5", "r") as m:
    files = m["samples/file"].asstr()[:]
    train = m["splits/random/train"][:]  # indices of the ok training samples

for i in train[:3]:
    path = f"{root}/{files[i]}"
    check(path)
    with h5py.File(path, "r") as s:
        xy = s["mesh/coords"][:]  # (n_nodes, 2): P2 nodes, vertices first
        cells = s["mesh/cells"][:]  # (n_cells, 6): VTK quadratic triangles
        params = {k: v[()] for k, v in s["params"].items()}
        forces = {k: v[()] for k, v in s["forces"].items()}
        print(f"sample {i}: {len(xy)} nodes, {len(cells)} cells, {params}, {forces}")
        for name, f in s["fields"].items():  # e.g. u (n_nodes, 2), p (n_vertices, 1)
            print(f"  {name} {f.shape} on {f.attrs['location']} [{f.attrs['units']}]")
