"""Predictions files (docs/formats.md, "Predictions files"): what a model predicted for the
samples of a dataset split, in the layout of the samples' own fields, for `fieldflow compare
-predictions` to score against the solver (errors, forces by the solver's volume integral,
PDE residual, AirfRANS metrics, timed solves). The writer checks what the C reader would
refuse (another dataset's sample, a wrong row count, NaN), and writes the file atomically."""
import os

import h5py
import numpy as np

from . import __version__

FORMAT = "fieldflow-predictions"
SCHEMA_VERSION = 1


def _field_specs(dataset, index):
    """[(name, n_comp, location)] of a sample's fields, in the file's order."""
    with h5py.File(dataset.sample_path(index), "r") as f:
        out = []
        for name, d in f["fields"].items():
            loc = d.attrs["location"]
            out.append((name, d.shape[1], loc.decode() if isinstance(loc, bytes) else str(loc)))
        return out


class PredictionsWriter:
    """with PredictionsWriter("preds.h5", dataset, "test", producer="my_model.py") as w:
           for graph in test_set:
               w.add(graph.index, test_set.denormalize(model(graph)), seconds=t)

    add() takes a sample's prediction either as {field name: array} in the sample's own layout
    (node fields (n_nodes, n_comp), vertex fields (n_vertices, n_comp)), or as one array
    (n_nodes, columns) of the fields side by side on every node in the order of `schema`
    (a fieldflow.features.Schema, e.g. GraphDataset.schema; vertex fields then take their
    first n_vertices rows). float32 stays float32. Every sample of the split must be added
    before close(); seconds (inference time per sample) for all or for none."""

    def __init__(self, path, dataset, split, producer="", parameters=None, schema=None):
        self.path, self.dataset, self.split = path, dataset, split
        self.producer, self.parameters, self.schema = producer, parameters, schema
        self.expected = [int(i) for i in dataset.split(split)]
        if not self.expected:
            raise ValueError(f"dataset '{dataset.dir}' has no samples in split '{split}'")
        if schema is not None:
            self.specs = list(schema.fields)
        else:
            self.specs = _field_specs(dataset, self.expected[0])
        self.entries = {}
        self._history = None

    def add(self, index, prediction, seconds=None):
        index = int(index)
        if index not in self.expected:
            raise ValueError(f"sample {index} is not in split '{self.split}' of dataset '{self.dataset.dir}'")
        if index in self.entries:
            raise ValueError(f"sample {index} was added twice")
        n_nodes, n_vertices = self.dataset.sizes(index)
        if not isinstance(prediction, dict):
            prediction = self._split_columns(index, prediction, n_nodes, n_vertices)
        fields = {}
        for name, n_comp, location in self.specs:
            if name not in prediction:
                raise ValueError(f"sample {index}: no prediction of field '{name}'")
            a = prediction[name]
            if hasattr(a, "detach"):  # a torch tensor
                a = a.detach().cpu().numpy()
            a = np.asarray(a)
            a = a.reshape(-1, 1) if a.ndim == 1 else a
            rows = n_vertices if location == "vertices" else n_nodes
            if a.shape != (rows, n_comp):
                raise ValueError(f"sample {index}: field '{name}' has shape {a.shape}; the sample has {rows} "
                                 f"{location} and the field {n_comp} components")
            if a.dtype not in (np.float32, np.float64):
                a = a.astype(np.float64)
            bad = np.argwhere(~np.isfinite(a))
            if bad.size:
                r, c = bad[0]
                raise ValueError(f"sample {index}: field '{name}' is {a[r, c]} at {location[:-1]} {r}, component {c}")
            fields[name] = a
        if seconds is not None and not (np.isfinite(seconds) and seconds >= 0):
            raise ValueError(f"sample {index}: seconds {seconds}")
        self.entries[index] = (n_nodes, n_vertices, fields, seconds)

    def _split_columns(self, index, array, n_nodes, n_vertices):
        if self.schema is None:
            raise ValueError("an array of columns needs the writer's schema (PredictionsWriter(..., schema=...))")
        if hasattr(array, "detach"):
            array = array.detach().cpu().numpy()
        array = np.asarray(array)
        cols = sum(k for _, k, _ in self.specs)
        if array.shape != (n_nodes, cols):
            raise ValueError(f"sample {index}: prediction of shape {array.shape}, expected ({n_nodes}, {cols})")
        out, c = {}, 0
        for name, k, location in self.specs:
            rows = n_vertices if location == "vertices" else n_nodes
            out[name] = array[:rows, c:c + k]
            c += k
        return out

    def history(self, epoch, train_loss, val_error):
        """Training curves (one value per epoch) for the report's loss figure."""
        self._history = [np.asarray(v, dtype=np.float32) for v in (epoch, train_loss, val_error)]

    def close(self):
        missing = [i for i in self.expected if i not in self.entries]
        if missing:
            raise ValueError(f"predictions for '{self.path}' lack {len(missing)} of the {len(self.expected)} samples "
                             f"of split '{self.split}' (samples {', '.join(map(str, missing[:8]))}"
                             f"{', ...' if len(missing) > 8 else ''})")
        order = self.expected
        timed = [self.entries[i][3] is not None for i in order]
        if any(timed) and not all(timed):
            raise ValueError("seconds given for some samples and not for others")
        tmp = f"{self.path}.tmp.{os.getpid()}"
        try:
            with h5py.File(tmp, "w", track_order=True) as f:
                f.attrs["format"] = FORMAT
                f.attrs["schema_version"] = np.int64(SCHEMA_VERSION)
                f.attrs["fieldflow_version"] = __version__
                f.attrs["dataset_fingerprint"] = self.dataset.fingerprint
                f.attrs["split"] = self.split
                f.attrs["producer"] = self.producer
                if self.parameters:
                    f.attrs["parameters"] = np.int64(self.parameters)
                f["indices"] = np.array(order, dtype=np.int64)
                f["n_nodes"] = np.array([self.entries[i][0] for i in order], dtype=np.int64)
                f["n_vertices"] = np.array([self.entries[i][1] for i in order], dtype=np.int64)
                g = f.create_group("fields", track_order=True)
                for name, _, location in self.specs:
                    parts = [self.entries[i][2][name] for i in order]
                    dtype = np.result_type(*[p.dtype for p in parts])
                    d = g.create_dataset(name, data=np.concatenate(parts).astype(dtype, copy=False))
                    d.attrs["location"] = location
                if all(timed):
                    f["seconds"] = np.array([self.entries[i][3] for i in order], dtype=np.float64)
                    f["seconds"].attrs["units"] = "s"
                if self._history is not None:
                    h = f.create_group("history")
                    for name, v in zip(("epoch", "train_loss", "val_error"), self._history):
                        h[name] = v
            os.replace(tmp, self.path)
        finally:
            if os.path.exists(tmp):
                os.remove(tmp)

    def __enter__(self):
        return self

    def __exit__(self, kind, value, tb):
        if kind is None:
            self.close()


class Predictions:
    """A predictions file read back: attrs (format, split, dataset_fingerprint, producer, ...),
    indices, n_nodes, n_vertices, seconds (or None), fields {name: (stacked array, location)}."""

    def __init__(self, path):
        with h5py.File(path, "r") as f:
            self.attrs = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in f.attrs.items()}
            if self.attrs.get("format") != FORMAT:
                raise ValueError(f"'{path}' is not a predictions file (format '{self.attrs.get('format')}')")
            self.indices = f["indices"][:]
            self.n_nodes = f["n_nodes"][:]
            self.n_vertices = f["n_vertices"][:]
            self.seconds = f["seconds"][:] if "seconds" in f else None
            self.fields = {}
            for name, d in f["fields"].items():
                loc = d.attrs["location"]
                self.fields[name] = (d[:], loc.decode() if isinstance(loc, bytes) else str(loc))
        self.split = self.attrs["split"]
        self.fingerprint = self.attrs["dataset_fingerprint"]

    def sample(self, index):
        """{field name: array} of one sample, in the sample's own layout."""
        k = int(np.flatnonzero(self.indices == index)[0])
        out = {}
        for name, (data, location) in self.fields.items():
            rows = self.n_vertices if location == "vertices" else self.n_nodes
            start = int(rows[:k].sum())
            out[name] = data[start:start + int(rows[k])]
        return out


def read_predictions(path):
    return Predictions(path)
