"""What the Python tests share: the fieldflow CLI of this build, and one small real dataset of
coarse airfoil solves made with `fieldflow generate` (tests/data/sweep_airfoil_coarse.opts,
as the C surrogate tests make theirs), with a small C GNN trained on it, made once per run.

The CLI is $FIELDFLOW_CLI (ctest sets it) or build/fieldflow; files go under $FF_TEST_TMP
(ctest: build/test-tmp/python) or a pytest temporary directory."""
import os
import shutil
import subprocess
import sys

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "python"))

N_SAMPLES = 6  # split random 4 / 1 / 1, and a holdout of aoa >= 3; the round trip compares on all six


def cli():
    path = os.environ.get("FIELDFLOW_CLI", os.path.join(ROOT, "build", "fieldflow"))
    if not os.access(path, os.X_OK):
        pytest.fail(f"no fieldflow CLI at '{path}' (build it, or set FIELDFLOW_CLI)")
    return path


def run(*args, check=True):
    """Runs `fieldflow args...` with one thread; returns (status, output)."""
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    p = subprocess.run([cli(), *map(str, args)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    if check and p.returncode:
        pytest.fail(f"fieldflow {' '.join(map(str, args))} exited {p.returncode}:\n{p.stdout}")
    return p.returncode, p.stdout


@pytest.fixture(scope="session")
def workdir(tmp_path_factory):
    base = os.environ.get("FF_TEST_TMP")
    if not base:
        return str(tmp_path_factory.mktemp("fieldflow"))
    shutil.rmtree(base, ignore_errors=True)
    os.makedirs(base)
    return base


@pytest.fixture(scope="session")
def dataset_dir(workdir):
    d = os.path.join(workdir, "air")
    run("generate", "-case", os.path.join(ROOT, "tests/data/sweep_airfoil_coarse.opts"), "-n", N_SAMPLES,
        "-sweep_seed", 7, "-sweep_holdout", "aoa:3:", "-o", d, "-progress", 0)
    return d


@pytest.fixture(scope="session")
def c_model(workdir, dataset_dir):
    """A small C GNN (its quality does not matter: the tests compare two ways of scoring it)."""
    path = os.path.join(workdir, "gnn.h5")
    run("train", "-model", "gnn", "-data", dataset_dir, "-o", path, "-width", 16, "-blocks", 2, "-depth", 1,
        "-epochs", 3, "-batch", 1, "-seed", 1)
    return path


@pytest.fixture(scope="session")
def model_report(workdir, dataset_dir, c_model):
    """`compare -model` of the C GNN on every sample (split all), with its predictions saved
    as a predictions file: (report directory, predictions file)."""
    rep, preds = os.path.join(workdir, "report_model"), os.path.join(workdir, "model_predictions.h5")
    run("compare", "-model", c_model, "-data", dataset_dir, "-split", "all", "-o", rep, "-time_solves", 0,
        "-cp_samples", 1, "-save_predictions", preds)
    return rep, preds
