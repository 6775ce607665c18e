"""Predictions files: a fieldflow model's predictions, taken through the package's tensors and
writer, are scored by `compare -predictions` exactly as `compare -model` scores the model;
float32 predictions are scored as their own values; files that do not fit the dataset are
refused naming what is wrong."""
import json
import math
import os
import shutil
import subprocess
import sys

import h5py
import numpy as np
import pytest

import fieldflow
from conftest import ROOT, run

torch = pytest.importorskip("torch")

# Keys that say where the numbers came from, or time this run only.
IDENTITY = {"model", "model_type", "producer", "parameters", "normalization", "seconds_comparison", "seconds_network"}


def leaves(doc, path=""):
    """Every number of a metrics.json by its path, except the IDENTITY keys."""
    if isinstance(doc, dict):
        for k, v in doc.items():
            if k not in IDENTITY:
                yield from leaves(v, f"{path}/{k}")
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            yield from leaves(v, f"{path}/{i}")
    elif isinstance(doc, (int, float)) and not isinstance(doc, bool):
        yield path, doc


def metrics(report):
    with open(os.path.join(report, "metrics.json")) as f:
        return json.load(f)


def node_columns(fields, sample):
    """A sample's predicted fields side by side on every node, as a network outputs them."""
    p = fieldflow.mesh.vertex_to_nodes(fields["p"], sample.cells, sample.n_nodes)
    return np.column_stack([fields["u"], p])


def write_through_tensors(ds, c_pred, path, dtype):
    """sample -> tensors -> predictions file: the C model's prediction of each graph of the
    Dataset, held as a torch tensor shaped like its y, written by PredictionsWriter."""
    data = fieldflow.GraphDataset(ds, "all")
    with fieldflow.PredictionsWriter(path, ds, "all", producer="test_predictions.py", schema=data.schema) as w:
        for k in range(len(data)):
            g = data[k]
            out = torch.from_numpy(node_columns(c_pred.sample(g.index), ds.sample(g.index))).to(dtype)
            assert out.shape == g.y.shape
            seconds = float(c_pred.seconds[list(c_pred.indices).index(g.index)])
            w.add(g.index, out, seconds=seconds)
    return data


def test_same_metrics_as_compare_model(workdir, dataset_dir, model_report):
    """Equal doubles print equal in metrics.json (10 significant digits); one rounding in the
    last bit of a double may move the 10th digit, hence 1e-9."""
    ds = fieldflow.open_dataset(dataset_dir)
    rep_model, c_preds = model_report
    path = os.path.join(workdir, "roundtrip.h5")
    write_through_tensors(ds, fieldflow.read_predictions(c_preds), path, torch.float64)
    rep = os.path.join(workdir, "report_roundtrip")
    run("compare", "-predictions", path, "-data", dataset_dir, "-split", "all", "-o", rep, "-time_solves", 0,
        "-cp_samples", 1)
    a, b = metrics(rep_model), metrics(rep)
    got = dict(leaves(b))
    want = dict(leaves(a))
    assert got.keys() == want.keys()
    assert len(want) > 100
    for k, v in want.items():
        assert got[k] == pytest.approx(v, rel=1e-9, abs=0), k
    assert b["model_type"] == "predictions" and b["producer"] == "test_predictions.py"
    assert b["normalization"] == {"source": "split", "split": "train", "samples": len(ds.split("train"))}
    assert a["normalization"] == {"source": "model"}
    for f in ("report.md", "samples.csv", "cl.png", "cd.png"):
        assert os.path.getsize(os.path.join(rep, f)) > 0, f
    index = ds.split("all")[0]
    for f in (f"cp_{index:06d}.png", f"field_u_{index:06d}.png", f"field_p_{index:06d}.png"):
        assert os.path.getsize(os.path.join(rep, f)) > 0, f
    with open(os.path.join(rep, "report.md")) as f:
        text = f.read()
    assert "made by test_predictions.py" in text and "over split `train`" in text


def test_float32_predictions_are_scored_as_given(workdir, dataset_dir, model_report):
    """float32 predictions (what a network outputs) are scored on their own values: the
    relative L2 errors in metrics.json equal those computed here in double from the file."""
    ds = fieldflow.open_dataset(dataset_dir)
    path = os.path.join(workdir, "float32.h5")
    write_through_tensors(ds, fieldflow.read_predictions(model_report[1]), path, torch.float32)
    with h5py.File(path, "r") as f:
        assert f["fields/u"].dtype == np.float32
    rep = os.path.join(workdir, "report_float32")
    run("compare", "-predictions", path, "-data", dataset_dir, "-split", "all", "-o", rep, "-time_solves", 0,
        "-cp_samples", 0, "-vtu", 0)
    preds = fieldflow.read_predictions(path)
    per_sample = metrics(rep)["per_sample"]
    assert [e["index"] for e in per_sample] == ds.split("all").tolist()
    for e in per_sample:
        s, p = ds.sample(e["index"]), preds.sample(e["index"])
        u, pu = s.fields["u"].data, p["u"].astype(np.float64)
        pp, pv = s.fields["p"].data, p["p"].astype(np.float64)
        l2 = lambda a, b: math.sqrt(((a - b) ** 2).sum() / (b**2).sum())  # noqa: E731
        assert e["rel_l2"]["u (field)"] == pytest.approx(l2(pu, u), rel=1e-9)
        assert e["rel_l2"]["u_x"] == pytest.approx(l2(pu[:, 0], u[:, 0]), rel=1e-9)
        assert e["rel_l2"]["u_y"] == pytest.approx(l2(pu[:, 1], u[:, 1]), rel=1e-9)
        assert e["rel_l2"]["p"] == pytest.approx(l2(pv, pp), rel=1e-9)


def rewrite(src, dst, drop_last=False, nan=None, extra_node=False, attrs=None, rename=None, duplicate=False):
    """A copy of a predictions file with one thing wrong."""
    with h5py.File(src, "r") as f:
        a = dict(f.attrs)
        idx, nn, nv = f["indices"][:], f["n_nodes"][:], f["n_vertices"][:]
        fields = {k: (d[:], d.attrs["location"]) for k, d in f["fields"].items()}
    if drop_last:
        fields = {k: (v[: (nv if loc == "vertices" else nn)[:-1].sum()], loc) for k, (v, loc) in fields.items()}
        idx, nn, nv = idx[:-1], nn[:-1], nv[:-1]
    if extra_node:  # sample 0 one node longer, its node fields one row longer
        fields = {k: (np.insert(v, nn[0], v[nn[0] - 1], axis=0) if loc == "nodes" else v, loc)
                  for k, (v, loc) in fields.items()}
        nn = nn.copy()
        nn[0] += 1
    if nan:
        name, row, comp = nan
        fields[name][0][row, comp] = np.nan
    if duplicate:
        idx = idx.copy()
        idx[1] = idx[0]
    a.update(attrs or {})
    with h5py.File(dst, "w", track_order=True) as f:
        f.attrs.update(a)
        f["indices"], f["n_nodes"], f["n_vertices"] = idx, nn, nv
        g = f.create_group("fields", track_order=True)
        for k, (v, loc) in fields.items():
            d = g.create_dataset((rename or {}).get(k, k), data=v)
            d.attrs["location"] = loc


def test_holdout_split_normalized_by_its_training_part(workdir, dataset_dir, model_report):
    """Predictions of an extrapolation split: the errors are the model's, the AirfRANS MSE is
    normalized by the training part of the holdout scheme."""
    ds = fieldflow.open_dataset(dataset_dir)
    c_pred = fieldflow.read_predictions(model_report[1])
    split = "holdout_aoa/test"
    path = os.path.join(workdir, "holdout.h5")
    with fieldflow.PredictionsWriter(path, ds, split, producer="test_predictions.py") as w:
        for index in ds.split(split):
            w.add(index, c_pred.sample(index))
    rep = os.path.join(workdir, "report_holdout")
    run("compare", "-predictions", path, "-data", dataset_dir, "-split", split, "-o", rep, "-time_solves", 0,
        "-cp_samples", 0, "-vtu", 0)
    m = metrics(rep)
    assert m["normalization"] == {"source": "split", "split": "holdout_aoa/train",
                                  "samples": len(ds.split("holdout_aoa/train"))}
    model = {e["index"]: e for e in metrics(model_report[0])["per_sample"]}
    assert [e["index"] for e in m["per_sample"]] == ds.split(split).tolist()
    for e in m["per_sample"]:
        assert e["rel_l2"] == model[e["index"]]["rel_l2"] and e["C_D"] == model[e["index"]]["C_D"]
    assert m["aggregate"]["speedup"] is None  # no /seconds in the file: no speedup claimed


def test_bad_predictions_files_are_refused(workdir, dataset_dir, model_report):
    good = model_report[1]
    ds = fieldflow.open_dataset(dataset_dir)
    first = int(ds.split("all")[0])
    n_nodes = ds.sizes(first)[0]
    cases = [
        (dict(attrs={"dataset_fingerprint": "0123456789abcdef"}), "is of another dataset (fingerprint 0123456789abcdef"),
        (dict(attrs={"split": "test"}), "holds split 'test', not 'all'"),
        (dict(drop_last=True), "lacks 1 of the 6 samples of split 'all'"),
        (dict(extra_node=True), f"sample {first} has {n_nodes + 1} nodes"),
        (dict(nan=("u", 5, 1)), f"field 'u' is nan at sample {first}, node 5, component 1"),
        (dict(rename={"p": "q"}), "field 'q' (1 components on vertices) is no field of dataset"),
        (dict(duplicate=True), "holds sample"),
    ]
    for k, (how, message) in enumerate(cases):
        bad = os.path.join(workdir, f"bad{k}.h5")
        rewrite(good, bad, **how)
        status, out = run("compare", "-predictions", bad, "-data", dataset_dir, "-split", "all", "-o",
                          os.path.join(workdir, f"bad{k}"), "-time_solves", 0, check=False)
        assert status != 0 and message in out and bad in out, (how, out)
        assert not os.path.exists(os.path.join(workdir, f"bad{k}", "metrics.json"))
    status, out = run("compare", "-predictions", os.path.join(dataset_dir, "dataset.h5"), "-data", dataset_dir,
                      "-split", "all", "-o", os.path.join(workdir, "bad"), check=False)
    assert status != 0 and "dataset.h5': not a fieldflow predictions file (format 'fieldflow-dataset')" in out
    status, out = run("compare", "-predictions", good, "-data", dataset_dir, "-model", good, check=False)
    assert status != 0 and "give one of them" in out


def test_writer_refuses_what_compare_would(dataset_dir, tmp_path):
    ds = fieldflow.open_dataset(dataset_dir)
    test = int(ds.split("test")[0])
    train = int(ds.split("train")[0])
    n_nodes, n_vertices = ds.sizes(test)
    good = {"u": np.zeros((n_nodes, 2)), "p": np.zeros((n_vertices, 1))}
    w = fieldflow.PredictionsWriter(str(tmp_path / "p.h5"), ds, "test")
    with pytest.raises(ValueError, match=f"sample {train} is not in split 'test'"):
        w.add(train, good)
    with pytest.raises(ValueError, match=f"field 'p' has shape \\({n_nodes}, 1\\); the sample has {n_vertices}"):
        w.add(test, {"u": good["u"], "p": np.zeros((n_nodes, 1))})
    bad = {"u": good["u"].copy(), "p": good["p"]}
    bad["u"][7, 0] = np.inf
    with pytest.raises(ValueError, match="field 'u' is inf at node 7, component 0"):
        w.add(test, bad)
    w2 = fieldflow.PredictionsWriter(str(tmp_path / "q.h5"), ds, "train")
    w2.add(train, {"u": np.zeros(ds.sizes(train)[:1] + (2,)), "p": np.zeros((ds.sizes(train)[1], 1))})
    with pytest.raises(ValueError, match=f"lack {len(ds.split('train')) - 1} of the {len(ds.split('train'))} samples"):
        w2.close()
    assert not os.path.exists(tmp_path / "q.h5")


def test_the_example_trains_and_is_scored(workdir, dataset_dir):
    """docs/examples/train_torch_gnn.py runs on the dataset and compare scores its file."""
    out = os.path.join(workdir, "torch_gnn")
    env = dict(os.environ, OMP_NUM_THREADS="1")
    p = subprocess.run([sys.executable, os.path.join(ROOT, "docs/examples/train_torch_gnn.py"), dataset_dir, "-o", out,
                        "-width", "8", "-blocks", "1", "-epochs", "2"], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True, env=env)
    assert p.returncode == 0, p.stdout
    rep = os.path.join(out, "report")
    run("compare", "-predictions", os.path.join(out, "predictions.h5"), "-data", dataset_dir, "-o", rep,
        "-time_solves", 0, "-vtu", 0)
    m = metrics(rep)
    assert m["samples"] == len(fieldflow.open_dataset(dataset_dir).split("test"))
    assert m["parameters"] > 0 and math.isfinite(m["aggregate"]["speedup"])
    assert os.path.getsize(os.path.join(rep, "loss.png")) > 0  # the curves the script stored
