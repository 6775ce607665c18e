"""A fieldflow dataset directory (docs/formats.md): its definition, the plan, the split schemes
and the samples. Splits are read as the C code defines them (src/io/dataset.c,
FFDatasetSplit): the part of every planned sample from dataset.h5's /splits/<scheme>, and of
those the samples whose file is there, sealed with its own size, and solved; a quick scan of
the headers at open, as FFDatasetOpen does (not the manifest, which may be older than the
files)."""
import os

import h5py
import numpy as np

from . import integrity
from .sample import _attr_str, _check_stamp, read_sample

PARTS = ("train", "val", "test")


class Dataset:
    """open(dir): the dataset in dir. Attributes: dir, case, fingerprint, n (planned samples),
    parameters (names of the swept parameters), plan (n, n_params), schemes (split scheme
    names), states (per planned sample: "ok", "failed", "missing" or "corrupt")."""

    def __init__(self, directory):
        self.dir = os.path.normpath(directory)
        path = os.path.join(self.dir, "dataset.h5")
        if not os.path.isdir(self.dir):
            raise FileNotFoundError(f"dataset directory '{self.dir}' does not exist")
        if not os.path.exists(path):
            raise FileNotFoundError(f"'{self.dir}' holds no fieldflow dataset (no dataset.h5)")
        with h5py.File(path, "r") as d:
            _check_stamp(d, path, "fieldflow-dataset")
            self.case = _attr_str(d, "case")
            self.fingerprint = _attr_str(d, "fingerprint")
            self.n = int(d.attrs["n"])
            self.parameters = list(d["plan/names"].asstr()[:])
            self.scales = list(d["plan/scale"].asstr()[:])
            self.plan = d["plan/values"][:].reshape(self.n, len(self.parameters))
            self._parts = {name: g[:] for name, g in d["splits"].items()}
        self.schemes = list(self._parts)
        self.refresh()

    def refresh(self):
        """Scans the sample files again (headers and sizes, no checksums)."""
        self.states = [self._state(i) for i in range(self.n)]

    def sample_path(self, index):
        if not 0 <= index < self.n:
            raise IndexError(f"sample index {index} outside the plan 0..{self.n - 1} of '{self.dir}'")
        width = 6
        m = self.n - 1
        while m >= 1000000:
            width, m = width + 1, m // 10
        return os.path.join(self.dir, "samples", f"sample_{index:0{width}d}.h5")

    def _state(self, i):
        path = self.sample_path(i)
        if not os.path.exists(path):
            return "missing"
        try:
            h = integrity.verify(path, full=False)
        except (integrity.CorruptFile, OSError):
            return "corrupt"
        if h.get("kind") != "sample" or h["index"] != i or h.get("status") not in ("ok", "failed"):
            return "corrupt"
        return h["status"]

    def split(self, name):
        """Sample indices (ascending, int64) of a split: "train", "val", "test" or "all" of the
        "random" scheme, or "<scheme>/<part>" (e.g. "holdout_aoa/test"); only solved samples."""
        scheme, _, part = name.rpartition("/")
        scheme = scheme or "random"
        if scheme not in self._parts:
            raise KeyError(f"dataset '{self.dir}' has no split scheme '{scheme}' (it has: {', '.join(self.schemes)})")
        if part != "all" and part not in PARTS:
            raise KeyError(f"unknown split part '{part}' (train, val, test or all; or <scheme>/<part>)")
        parts = self._parts[scheme]
        return np.array([i for i in range(self.n) if self.states[i] == "ok"
                         and (part == "all" or parts[i] == PARTS.index(part))], dtype=np.int64)

    def splits(self):
        """Every split by name ("train", "val", "test", "<scheme>/<part>" for the other
        schemes) with its sample indices."""
        out = {}
        for scheme in self.schemes:
            for part in PARTS:
                name = part if scheme == "random" else f"{scheme}/{part}"
                out[name] = self.split(name)
        return out

    def sample(self, index, check=True):
        """Sample `index` as numpy arrays (fieldflow.Sample), after the full integrity check."""
        return read_sample(self.sample_path(index), check=check)

    def samples(self, split):
        """The samples of a split, one after another."""
        for i in self.split(split):
            yield self.sample(int(i))

    def sizes(self, index):
        """(n_nodes, n_vertices) of a sample, from its mesh attributes alone."""
        with h5py.File(self.sample_path(index), "r") as f:
            return int(f["mesh"].attrs["n_nodes"]), int(f["mesh"].attrs["n_vertices"])

    def __repr__(self):
        return f"fieldflow.Dataset('{self.dir}': case {self.case}, {self.n} planned, {self.states.count('ok')} ok)"


def training_split_of(split):
    """The training part of a split's scheme ("test" -> "train", "holdout_aoa/test" ->
    "holdout_aoa/train"), as `fieldflow compare` takes it for its normalization."""
    scheme, _, _ = split.rpartition("/")
    return f"{scheme}/train" if scheme else "train"


def open_dataset(directory):
    """The dataset in a directory written by `fieldflow generate`."""
    return Dataset(directory)
