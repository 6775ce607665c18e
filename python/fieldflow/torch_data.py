"""A torch.utils.data.Dataset of a fieldflow split: one graph per sample, with the tensors a
PyTorch Geometric user knows (x, pos, edge_index, edge_attr, y, node_type), normalized as
the C GNN normalizes them (fieldflow.features). torch is imported here only, so the rest of
the package works without it."""
import torch

from . import features
from .dataset import training_split_of


class Graph:
    """One sample's tensors. x (N, F) float32 node inputs; pos (N, 2) float64 positions;
    edge_index (2, E) int64; edge_attr (E, 3) float32; y (N, C) float32 normalized targets
    (vertex fields on every node); node_type (N,) int64 category (0 interior, 1 wall, 2
    inflow/far field, 3 outflow, 4 other); group (N,) int64 the file's node_type; cond (K,)
    float32 normalized conditions; index, n_vertices, num_nodes ints. The attribute names are
    PyTorch Geometric's: torch_geometric.data.Data(**graph.to_dict()) makes a PyG graph."""

    def __init__(self, **arrays):
        for k, v in arrays.items():
            setattr(self, k, torch.as_tensor(v) if hasattr(v, "shape") else v)
        self.num_nodes = int(self.pos.shape[0])

    def to_dict(self):
        return dict(vars(self))

    def to(self, device):
        return Graph(**{k: v.to(device) if torch.is_tensor(v) else v for k, v in vars(self).items() if k != "num_nodes"})

    def __repr__(self):
        shapes = ", ".join(f"{k}={list(v.shape)}" for k, v in vars(self).items() if torch.is_tensor(v))
        return f"Graph(index={self.index}, {shapes})"


class GraphDataset(torch.utils.data.Dataset):
    """The samples of `split` of a fieldflow.Dataset as Graphs.

    normalizers: a fieldflow.features.Normalizers to use (e.g. the training set's); None fits
    them on the training part of the split's scheme ("train" for "test", "holdout_aoa/train"
    for "holdout_aoa/test"). fields / inputs: the fields to predict (default: every field that
    is not an input) and those given as node inputs. stretch: the asinh stretch of positions
    and wall distance (the C default 0.05; 0: off). cache: keep the built graphs in memory."""

    def __init__(self, dataset, split, normalizers=None, fields=None, inputs=(), stretch=0.05, cache=False):
        self.dataset, self.split = dataset, split
        self.indices = [int(i) for i in dataset.split(split)]
        if not self.indices:
            raise ValueError(f"dataset '{dataset.dir}' has no samples in split '{split}'")
        if normalizers is None:
            train = training_split_of(split)
            samples = list(dataset.samples(train))
            if not samples:
                raise ValueError(f"dataset '{dataset.dir}' has no samples in split '{train}' to fit the normalizers")
            schema = features.Schema(dataset, samples[0], fields, inputs)
            normalizers = features.Normalizers(schema, stretch).fit(samples)
            self.normalization_split = train
        else:
            self.normalization_split = None
        self.normalizers = normalizers
        self.schema = normalizers.schema
        self._cache = {} if cache else None

    def __len__(self):
        return len(self.indices)

    def graph(self, sample, with_target=True):
        """The Graph of a loaded fieldflow.Sample (the features of inference, timed by callers)."""
        return Graph(**features.graph_arrays(sample, self.normalizers, with_target))

    def __getitem__(self, k):
        if self._cache is not None and k in self._cache:
            return self._cache[k]
        g = self.graph(self.dataset.sample(self.indices[k]))
        if self._cache is not None:
            self._cache[k] = g
        return g

    def denormalize(self, y):
        """Normalized outputs (N, C) (a tensor or an array) as fields in the dataset's units,
        float64 numpy (N, C)."""
        if torch.is_tensor(y):
            y = y.detach().cpu().double().numpy()
        return self.normalizers.out.denormalize(y)
