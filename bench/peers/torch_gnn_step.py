#!/usr/bin/python3
"""The bench/gnn_step work in PyTorch: one MeshGraphNets training step (forward, MSE,
backward, Adam) on the 64x64 triangulated grid, written as a PyTorch user would
(concatenate [h_s, h_r, e], index_add_ for the aggregation).

    OMP_NUM_THREADS=2 /usr/bin/python3 bench/peers/torch_gnn_step.py [-steps 10] [-warmup 2]

Threads: torch.set_num_threads(OMP_NUM_THREADS). Prints median ms/step, GFLOP/step
(of this formulation), GFLOP/s and peak RSS.
"""
import argparse
import math
import os
import resource
import time

import torch


class MLP(torch.nn.Module):
    def __init__(self, d_in, width, d_out, hidden_layers, layer_norm):
        super().__init__()
        dims = [d_in] + [width] * hidden_layers + [d_out]
        layers = []
        for i, (a, b) in enumerate(zip(dims[:-1], dims[1:])):
            layers.append(torch.nn.Linear(a, b))
            if i < len(dims) - 2:
                layers.append(torch.nn.ReLU())
        if layer_norm:
            layers.append(torch.nn.LayerNorm(d_out))
        self.net = torch.nn.Sequential(*layers)
        self.dims = dims

    def forward(self, x):
        return self.net(x)

    def flops(self, rows):
        return sum(2.0 * rows * a * b for a, b in zip(self.dims[:-1], self.dims[1:]))


class MeshGraphNet(torch.nn.Module):
    def __init__(self, node_in, edge_in, out, width, blocks, hidden_layers=2):
        super().__init__()
        self.enc_node = MLP(node_in, width, width, hidden_layers, True)
        self.enc_edge = MLP(edge_in, width, width, hidden_layers, True)
        self.edge = torch.nn.ModuleList(MLP(3 * width, width, width, hidden_layers, True) for _ in range(blocks))
        self.node = torch.nn.ModuleList(MLP(2 * width, width, width, hidden_layers, True) for _ in range(blocks))
        self.dec = MLP(width, width, out, hidden_layers, False)

    def forward(self, x, ex, snd, rcv):
        h, e = self.enc_node(x), self.enc_edge(ex)
        for edge_mlp, node_mlp in zip(self.edge, self.node):
            e = e + edge_mlp(torch.cat([h[snd], h[rcv], e], dim=1))
            agg = torch.zeros_like(h).index_add_(0, rcv, e)
            h = h + node_mlp(torch.cat([h, agg], dim=1))
        return self.dec(h)

    def step_flops(self, n, m, node_in, edge_in, width):
        fwd = self.enc_node.flops(n) + self.enc_edge.flops(m) + self.dec.flops(n)
        fwd += sum(e.flops(m) + v.flops(n) for e, v in zip(self.edge, self.node))
        return 3.0 * fwd - 2.0 * width * (n * node_in + m * edge_in)


def grid_graph(n):
    snd, rcv, feat = [], [], []
    h = 1.0 / (n - 1)
    for j in range(n):
        for i in range(n):
            v = j * n + i
            for di, dj in ((1, 0), (0, 1), (1, 1)):
                if i + di >= n or j + dj >= n:
                    continue
                w = (j + dj) * n + i + di
                for a, b in ((v, w), (w, v)):
                    dx, dy = (b % n - a % n) * h, (b // n - a // n) * h
                    snd.append(a)
                    rcv.append(b)
                    feat.append((dx, dy, math.hypot(dx, dy)))
    return torch.tensor(snd), torch.tensor(rcv), torch.tensor(feat, dtype=torch.float32)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-grid", type=int, default=64)
    ap.add_argument("-width", type=int, default=128)
    ap.add_argument("-blocks", type=int, default=15)
    ap.add_argument("-steps", type=int, default=10)
    ap.add_argument("-warmup", type=int, default=2)
    a = ap.parse_args()
    threads = int(os.environ.get("OMP_NUM_THREADS", "1"))
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    snd, rcv, ex = grid_graph(a.grid)
    n, m = a.grid * a.grid, len(snd)
    x, target = torch.randn(n, 8), torch.randn(n, 3)
    model = MeshGraphNet(8, 3, 3, a.width, a.blocks)
    opt = torch.optim.Adam(model.parameters(), lr=1e-4)
    nparams = sum(p.numel() for p in model.parameters())
    print(f"gnn_step: PyTorch {torch.__version__}, {n} nodes, {m} edges, width {a.width}, {a.blocks} blocks, "
          f"{nparams} parameters, {torch.get_num_threads()} threads")
    times, losses = [], []
    for s in range(a.warmup + a.steps):
        t0 = time.perf_counter()
        opt.zero_grad()
        loss = torch.nn.functional.mse_loss(model(x, ex, snd, rcv), target)
        loss.backward()
        opt.step()
        t1 = time.perf_counter()
        losses.append(loss.item())
        if s >= a.warmup:
            times.append(1e3 * (t1 - t0))
    times.sort()
    k = len(times)
    median = times[k // 2] if k % 2 else 0.5 * (times[k // 2 - 1] + times[k // 2])
    gflop = model.step_flops(n, m, 8, 3, a.width) * 1e-9
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print(f"loss {losses[0]:.5f} -> {losses[-1]:.5f} over {len(losses)} steps")
    print(f"median {median:.1f} ms/step (min {times[0]:.1f}, max {times[-1]:.1f}, {k} steps)")
    print(f"{gflop:.1f} GFLOP/step (this formulation: concatenated edge inputs), {gflop / (median * 1e-3):.1f} GFLOP/s")
    print(f"peak RSS {rss:.1f} MB")
    print(f"RESULT impl=torch threads={torch.get_num_threads()} ms={median:.2f} gflop={gflop:.2f} "
          f"gflops={gflop / (median * 1e-3):.2f} rss_mb={rss:.1f}")


if __name__ == "__main__":
    main()
