"""fieldflow in Python: datasets written by `fieldflow generate` as numpy arrays, graph tensors
for PyTorch (fieldflow.torch_data, imported on demand so that torch stays optional), and
predictions files that `fieldflow compare -predictions` scores against the solver.
docs/python.md is the guide; docs/formats.md the file layouts."""
__version__ = "0.1.0"

from . import features, mesh  # noqa: E402
from .dataset import Dataset, open_dataset, training_split_of  # noqa: E402
from .integrity import CorruptFile  # noqa: E402
from .predictions import PredictionsWriter, read_predictions  # noqa: E402
from .sample import Field, Sample, read_sample  # noqa: E402


def __getattr__(name):
    """fieldflow.GraphDataset and fieldflow.Graph import torch only when asked for."""
    if name in ("GraphDataset", "Graph"):
        from . import torch_data

        return getattr(torch_data, name)
    raise AttributeError(f"module 'fieldflow' has no attribute '{name}'")


__all__ = ["Dataset", "open_dataset", "training_split_of", "CorruptFile", "PredictionsWriter", "read_predictions",
           "Field", "Sample", "read_sample", "GraphDataset", "Graph"]
