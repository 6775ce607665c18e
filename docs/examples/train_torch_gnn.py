#!/usr/bin/python3
"""A MeshGraphNets in PyTorch, trained on a fieldflow dataset and scored against the solver.

    /usr/bin/python3 docs/examples/train_torch_gnn.py data/airfoil -o out/torch_gnn -epochs 12
    build/fieldflow compare -predictions out/torch_gnn/predictions.h5 -data data/airfoil -o out/torch_gnn/report

It is the C GNN of `fieldflow train -model gnn` (docs/surrogates.md) written as a PyTorch
user writes it: the same inputs (fieldflow.GraphDataset builds them as the C code does),
the same encode-process-decode network (tests/data/make_torch_refs.py checks the C one
against it), the same loss (MSE of the normalized fields on every node), one sample per
step in a seeded order, Adam with a per-step cosine schedule to -min_lr over -epochs,
global-norm clipping, and a validation error per epoch (mean relative L2 error of the fields).
-max_time stops at a budget as the C trainer's does, the cosine schedule then ending its decay
at the budget (its progress is the larger of the steps' and the budget's fraction spent);
-budget_clock cpu counts the process's CPU seconds instead of the wall clock, as the C
trainer's option of that name does. Then it predicts the -split samples (test),
timing each (graph inputs + network), and writes them as a predictions file with the loss
curves, which `fieldflow compare -predictions` scores like a fieldflow model. -init_from
model.h5 starts from the weights of a C GNN of the same size.
"""
import argparse
import math
import os
import random
import sys
import time

import h5py
import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python"))
import fieldflow  # noqa: E402  (the repository's package, unless one is installed)


class MLP(torch.nn.Module):
    """hidden_layers Linear+ReLU, a final Linear, LayerNorm on all but the decoder (FFMLP)."""

    def __init__(self, d_in, width, d_out, hidden_layers, layer_norm=True):
        super().__init__()
        dims = [d_in] + [width] * hidden_layers + [d_out]
        self.lins = torch.nn.ModuleList(torch.nn.Linear(a, b) for a, b in zip(dims[:-1], dims[1:]))
        self.norm = torch.nn.LayerNorm(d_out) if layer_norm else None

    def forward(self, x):
        for i, lin in enumerate(self.lins):
            x = lin(x)
            if i < len(self.lins) - 1:
                x = torch.relu(x)
        return self.norm(x) if self.norm is not None else x

    def named(self, prefix):
        out = []
        for i, lin in enumerate(self.lins):
            out += [(f"{prefix}.{i}.weight", lin.weight), (f"{prefix}.{i}.bias", lin.bias)]
        if self.norm is not None:
            out += [(f"{prefix}.norm.weight", self.norm.weight), (f"{prefix}.norm.bias", self.norm.bias)]
        return out


class MeshGraphNet(torch.nn.Module):
    """e' = e + MLP_e([h_s, h_r, e]), h' = h + MLP_n([h, sum of incoming e']) (docs/references.md §2)."""

    def __init__(self, node_in, edge_in, out, width, blocks, hidden_layers):
        super().__init__()
        self.enc_node = MLP(node_in, width, width, hidden_layers)
        self.enc_edge = MLP(edge_in, width, width, hidden_layers)
        self.edge = torch.nn.ModuleList(MLP(3 * width, width, width, hidden_layers) for _ in range(blocks))
        self.node = torch.nn.ModuleList(MLP(2 * width, width, width, hidden_layers) for _ in range(blocks))
        self.dec = MLP(width, width, out, hidden_layers, layer_norm=False)

    def forward(self, g):
        snd, rcv = g.edge_index
        h, e = self.enc_node(g.x), self.enc_edge(g.edge_attr)
        for edge_mlp, node_mlp in zip(self.edge, self.node):
            e = e + edge_mlp(torch.cat([h[snd], h[rcv], e], dim=1))
            agg = torch.zeros_like(h).index_add_(0, rcv, e)
            h = h + node_mlp(torch.cat([h, agg], dim=1))
        return self.dec(h)

    def named(self):
        """The parameters under the names of a C model file (/params/mgn.*)."""
        out = self.enc_node.named("mgn.encoder_node") + self.enc_edge.named("mgn.encoder_edge")
        for k in range(len(self.edge)):
            out += self.edge[k].named(f"mgn.block{k}.edge") + self.node[k].named(f"mgn.block{k}.node")
        return out + self.dec.named("mgn.decoder")


def load_fieldflow_weights(model, path):
    """Copies the weights of a C GNN model file (`fieldflow train -model gnn`) of the same size."""
    with h5py.File(path, "r") as f, torch.no_grad():
        for name, p in model.named():
            w = torch.from_numpy(f["params"][name][:]).reshape(p.shape)
            p.copy_(w.to(p.dtype))


def relative_l2(pred, ref, schema, n_vertices):
    """Per field: sqrt(sum (pred - ref)^2 / sum ref^2) over the field's rows (FFRelativeL2)."""
    out, c = [], 0
    for _, k, location in schema.fields:
        rows = n_vertices if location == "vertices" else pred.shape[0]
        d, r = pred[:rows, c:c + k], ref[:rows, c:c + k]
        out.append(math.sqrt(((d - r) ** 2).sum() / (r**2).sum()))
        c += k
    return out


def validation_error(model, graphs, data):
    """Mean over samples of the mean over fields of the relative L2 error (as the C trainer)."""
    errors = []
    with torch.no_grad():
        for g in graphs:
            pred, ref = data.denormalize(model(g)), data.denormalize(g.y)
            errors.append(np.mean(relative_l2(pred, ref, data.schema, g.n_vertices)))
    return float(np.mean(errors))


def parse():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("data", help="fieldflow dataset directory")
    p.add_argument("-o", default="out/torch_gnn", help="output directory (predictions.h5, loss.csv)")
    p.add_argument("-split", default="test", help="split to predict")
    p.add_argument("-width", type=int, default=64)
    p.add_argument("-blocks", type=int, default=5)
    p.add_argument("-depth", type=int, default=1, help="hidden layers of each MLP")
    p.add_argument("-epochs", type=float, default=12, help="passes over the training split (a fraction: the last "
                   "pass stops early); the cosine schedule spans them")
    p.add_argument("-lr", type=float, default=1e-3)
    p.add_argument("-min_lr", type=float, default=1e-5)
    p.add_argument("-clip", type=float, default=1.0, help="global-norm clipping (0: off)")
    p.add_argument("-max_time", type=float, default=0, help="stop training after this many seconds, the cosine "
                   "schedule ending there (0: no limit)")
    p.add_argument("-budget_clock", choices=("wall", "cpu"), default="wall",
                   help="what -max_time counts: wall-clock or this process's CPU seconds")
    p.add_argument("-stop_at_step", type=int, default=0, help="stop training after this step (0: no limit)")
    p.add_argument("-seed", type=int, default=1)
    p.add_argument("-threads", type=int, default=int(os.environ.get("OMP_NUM_THREADS", "1")))
    p.add_argument("-init_from", default="", help="a C GNN model file to start from")
    return p.parse_args()


def main():
    a = parse()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    random.seed(a.seed)
    os.makedirs(a.o, exist_ok=True)
    ds = fieldflow.open_dataset(a.data)
    t0 = time.perf_counter()
    train = fieldflow.GraphDataset(ds, "train", cache=True)
    val = fieldflow.GraphDataset(ds, "val", normalizers=train.normalizers, cache=True)
    train_graphs, val_graphs = [train[k] for k in range(len(train))], [val[k] for k in range(len(val))]
    print(f"loaded {len(train)} training and {len(val)} validation samples of '{a.data}' "
          f"in {time.perf_counter() - t0:.1f} s")
    g0 = train_graphs[0]
    model = MeshGraphNet(g0.x.shape[1], g0.edge_attr.shape[1], g0.y.shape[1], a.width, a.blocks, a.depth)
    if a.init_from:
        load_fieldflow_weights(model, a.init_from)
    n_params = sum(p.numel() for p in model.parameters())
    opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    total = max(1, round(a.epochs * len(train_graphs)))
    n_epochs = math.ceil(total / len(train_graphs))
    print(f"MeshGraphNets: width {a.width}, {a.blocks} blocks, depth {a.depth}, {n_params} parameters, "
          f"{torch.get_num_threads()} threads; {a.epochs:g} epochs = {total} steps")
    clock = time.process_time if a.budget_clock == "cpu" else time.perf_counter
    history, step, start, stopped = [], 0, time.perf_counter(), False
    budget_start = clock()
    for epoch in range(1, n_epochs + 1):
        order = list(range(len(train_graphs)))
        random.Random(a.seed * 1000003 + epoch).shuffle(order)
        loss_sum = 0.0
        for k in order:
            spent = (clock() - budget_start) / a.max_time if a.max_time else 0.0
            lr = a.min_lr + 0.5 * (a.lr - a.min_lr) * (1 + math.cos(math.pi * min(max(step / total, spent), 1.0)))
            for group in opt.param_groups:
                group["lr"] = lr
            g = train_graphs[k]
            opt.zero_grad()
            loss = torch.nn.functional.mse_loss(model(g), g.y)
            loss.backward()
            if a.clip > 0:
                torch.nn.utils.clip_grad_norm_(model.parameters(), a.clip)
            opt.step()
            loss_sum += loss.item()
            step += 1
            if a.max_time and clock() - budget_start >= a.max_time:
                stopped = f"-max_time {a.max_time:g}"
            elif a.stop_at_step and step >= a.stop_at_step:
                stopped = f"-stop_at_step {a.stop_at_step}"
            elif step >= total:
                break
            if stopped:
                break
        done = order.index(k) + 1
        err = validation_error(model, val_graphs, val) if val_graphs else float("nan")
        elapsed = time.perf_counter() - start
        history.append((epoch, loss_sum / done, err, elapsed, step))
        print(f"epoch {epoch:4d}/{n_epochs}  step {step:7d}  loss {loss_sum / done:.4e}  val error {100 * err:6.2f}%  "
              f"lr {lr:.2e}  {elapsed:.0f} s", flush=True)
        if stopped:
            print(f"stopped after {elapsed:.0f} s ({stopped}) at step {step} of {total}")
            break
    train_seconds = time.perf_counter() - start
    with open(os.path.join(a.o, "loss.csv"), "w") as f:
        f.write("epoch,train_loss,val_error,seconds,step\n")
        for row in history:
            f.write(",".join(f"{v:.8g}" for v in row) + "\n")

    # Predictions of the split, each timed like the C compare's inference: graph inputs + network.
    path = os.path.join(a.o, "predictions.h5")
    producer = (f"docs/examples/train_torch_gnn.py (PyTorch {torch.__version__}, width {a.width}, {a.blocks} blocks, "
                f"depth {a.depth}; {step} steps, {len(history)} epochs in {train_seconds:.0f} s)")
    test = fieldflow.GraphDataset(ds, a.split, normalizers=train.normalizers)
    model.eval()
    with fieldflow.PredictionsWriter(path, ds, a.split, producer=producer, parameters=n_params,
                                     schema=test.schema) as w, torch.no_grad():
        for index in test.indices:
            sample = ds.sample(index)
            t = time.perf_counter()
            g = test.graph(sample, with_target=False)
            pred = test.denormalize(model(g))
            w.add(index, pred, seconds=time.perf_counter() - t)
        w.history(*zip(*[(h[0], h[1], h[2]) for h in history]))
    print(f"trained {step} steps in {train_seconds:.1f} s; wrote {path} ({len(test)} samples of split {a.split})")
    print(f"score it: fieldflow compare -predictions {path} -data {a.data} -split {a.split} -o {a.o}/report")


if __name__ == "__main__":
    main()
