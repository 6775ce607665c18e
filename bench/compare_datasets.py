"""Compare two fieldflow datasets of the same plan (h5py): python3 compare_datasets.py A B

Prints, over the samples solved in both, the largest difference of every field (relative to
the field's largest magnitude) and of every force, and the samples whose states differ."""
import sys

import h5py
import numpy as np


def state(root):
    with h5py.File(f"{root}/manifest.h5", "r") as m:
        return m["samples/state"][:], m["samples/file"].asstr()[:]


a, b = sys.argv[1], sys.argv[2]
sa, fa = state(a)
sb, fb = state(b)
assert len(sa) == len(sb), "different plans"
field_diff, force_diff, nodes = {}, {}, []
for i in np.nonzero((sa == 1) & (sb == 1))[0]:
    with h5py.File(f"{a}/{fa[i]}", "r") as x, h5py.File(f"{b}/{fb[i]}", "r") as y:
        for k in x["params"]:
            assert x["params"][k][()] == y["params"][k][()], f"sample {i}: parameter {k} differs"
        nodes.append(x["mesh/coords"].shape[0])
        for k in x["fields"]:
            u, v = x["fields"][k][:], y["fields"][k][:]
            d = np.abs(u - v).max() / max(np.abs(u).max(), 1e-300)
            field_diff[k] = max(field_diff.get(k, 0.0), d)
        for k in x["forces"]:
            u, v = x["forces"][k][()], y["forces"][k][()]
            force_diff[k] = max(force_diff.get(k, 0.0), abs(u - v) / max(abs(u), 1e-300))
print(f"states: {np.sum(sa == 1)} ok / {np.sum(sa == 2)} failed in {a}; "
      f"{np.sum(sb == 1)} ok / {np.sum(sb == 2)} failed in {b}; differ at {list(np.nonzero(sa != sb)[0])}")
if nodes:
    print(f"nodes per sample: {min(nodes)}..{max(nodes)} (mean {np.mean(nodes):.0f})")
print("largest relative differences:",
      ", ".join(f"{k} {v:.1e}" for k, v in list(field_diff.items()) + list(force_diff.items())))
