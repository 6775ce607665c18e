#!/usr/bin/python3
"""Writes the PyTorch reference vectors the nn tests compare against (tests/test_nn_torch.c).

Run with Debian's python3-torch (1.13):  /usr/bin/python3 tests/data/make_torch_refs.py
The models are evaluated in float64 from float32-rounded weights and inputs, so the
references are the exact answers the float32 C code approximates.

File format (little endian): b"FFREF001", then records
  uint32 name length, name bytes, uint32 rows, uint32 cols, float32[rows * cols]
Integer arrays (graph edges) are stored as floats (exact below 2^24).
"""
import os
import struct

import torch

HERE = os.path.dirname(os.path.abspath(__file__))


class Writer:
    def __init__(self, path):
        self.f = open(path, "wb")
        self.f.write(b"FFREF001")

    def add(self, name, t):
        t = torch.as_tensor(t).detach().to(torch.float32).cpu()
        if t.dim() == 0:
            t = t.reshape(1, 1)
        elif t.dim() == 1:
            t = t.reshape(1, -1)
        rows, cols = t.shape
        b = name.encode()
        self.f.write(struct.pack("<I", len(b)) + b + struct.pack("<II", rows, cols))
        self.f.write(t.contiguous().numpy().astype("<f4").tobytes())

    def close(self):
        self.f.close()


def f32(t):
    """float32-rounded values held in float64"""
    return t.to(torch.float32).to(torch.float64)


class MLP(torch.nn.Module):
    """hidden_layers Linear+activation, a final Linear, optional LayerNorm (as FFMLP)."""

    def __init__(self, d_in, width, d_out, hidden_layers, act, layer_norm):
        super().__init__()
        dims = [d_in] + [width] * hidden_layers + [d_out]
        self.lins = torch.nn.ModuleList(torch.nn.Linear(a, b) for a, b in zip(dims[:-1], dims[1:]))
        self.act = act
        self.norm = torch.nn.LayerNorm(d_out) if layer_norm else None

    def forward(self, x):
        for i, lin in enumerate(self.lins):
            x = lin(x)
            if i < len(self.lins) - 1:
                x = self.act(x)
        return self.norm(x) if self.norm is not None else x

    def named(self, prefix):
        out = []
        for i, lin in enumerate(self.lins):
            out += [(f"{prefix}.{i}.weight", lin.weight), (f"{prefix}.{i}.bias", lin.bias)]
        if self.norm is not None:
            out += [(f"{prefix}.norm.weight", self.norm.weight), (f"{prefix}.norm.bias", self.norm.bias)]
        return out


class MeshGraphNet(torch.nn.Module):
    """Encode-process-decode as docs/references.md §2 states it:
    e' = e + MLP_e([h_s, h_r, e]),  h' = h + MLP_n([h, sum over incoming e'])."""

    def __init__(self, node_in, edge_in, out, width, blocks, hidden_layers):
        super().__init__()
        relu = torch.nn.functional.relu
        self.enc_node = MLP(node_in, width, width, hidden_layers, relu, True)
        self.enc_edge = MLP(edge_in, width, width, hidden_layers, relu, True)
        self.edge = torch.nn.ModuleList(MLP(3 * width, width, width, hidden_layers, relu, True) for _ in range(blocks))
        self.node = torch.nn.ModuleList(MLP(2 * width, width, width, hidden_layers, relu, True) for _ in range(blocks))
        self.dec = MLP(width, width, out, hidden_layers, relu, False)

    def forward(self, x, ex, snd, rcv):
        h, e = self.enc_node(x), self.enc_edge(ex)
        for edge_mlp, node_mlp in zip(self.edge, self.node):
            e = e + edge_mlp(torch.cat([h[snd], h[rcv], e], dim=1))
            agg = torch.zeros_like(h).index_add_(0, rcv, e)
            h = h + node_mlp(torch.cat([h, agg], dim=1))
        return self.dec(h)

    def named(self, prefix):
        out = self.enc_node.named(f"{prefix}.encoder_node") + self.enc_edge.named(f"{prefix}.encoder_edge")
        for k in range(len(self.edge)):
            out += self.edge[k].named(f"{prefix}.block{k}.edge") + self.node[k].named(f"{prefix}.block{k}.node")
        return out + self.dec.named(f"{prefix}.decoder")


def round_params(model):
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(f32(p))


def mlp_reference(path):
    torch.manual_seed(0)
    model = MLP(5, 16, 4, 2, torch.nn.functional.gelu, True).double()
    round_params(model)
    x = f32(torch.randn(7, 5, dtype=torch.float64)).requires_grad_(True)
    target = f32(torch.randn(7, 4, dtype=torch.float64))
    w = Writer(path)
    for name, p in model.named("mlp"):
        w.add(name, p)
    w.add("x", x)
    w.add("target", target)
    y = model(x)
    loss = torch.nn.functional.mse_loss(y, target)
    loss.backward()
    w.add("y", y)
    w.add("loss", loss)
    w.add("grad.x", x.grad)
    for name, p in model.named("mlp"):
        w.add("grad." + name, p.grad)
    # three AdamW steps with clipping; weight decay on weights only (as FF_PARAM_NO_DECAY)
    named = model.named("mlp")
    decay = [p for n, p in named if n.endswith(".weight") and ".norm." not in n]
    no_decay = [p for n, p in named if not (n.endswith(".weight") and ".norm." not in n)]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=1e-2, betas=(0.9, 0.999), eps=1e-8)
    for _ in range(3):
        opt.zero_grad()
        loss = torch.nn.functional.mse_loss(model(x.detach()), target)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 0.5)
        opt.step()
    for name, p in model.named("mlp"):
        w.add("adamw." + name, p)
    w.close()


def grid_graph(nx, ny):
    """Vertices of an nx x ny grid, each square split by a diagonal; edges both ways."""
    edges = set()
    vid = lambda i, j: j * nx + i
    for j in range(ny):
        for i in range(nx):
            if i + 1 < nx:
                edges.add((vid(i, j), vid(i + 1, j)))
            if j + 1 < ny:
                edges.add((vid(i, j), vid(i, j + 1)))
            if i + 1 < nx and j + 1 < ny:
                edges.add((vid(i, j), vid(i + 1, j + 1)))
    pairs = sorted(edges) + sorted((b, a) for a, b in edges)
    snd = torch.tensor([a for a, _ in pairs])
    rcv = torch.tensor([b for _, b in pairs])
    return snd, rcv


def mgn_reference(path):
    torch.manual_seed(1)
    model = MeshGraphNet(4, 3, 2, 16, 2, 2).double()
    round_params(model)
    snd, rcv = grid_graph(4, 3)
    n = 12
    x = f32(torch.randn(n, 4, dtype=torch.float64)).requires_grad_(True)
    ex = f32(torch.randn(len(snd), 3, dtype=torch.float64))
    target = f32(torch.randn(n, 2, dtype=torch.float64))
    w = Writer(path)
    for name, p in model.named("mgn"):
        w.add(name, p)
    w.add("senders", snd.to(torch.float32))
    w.add("receivers", rcv.to(torch.float32))
    w.add("node_x", x)
    w.add("edge_x", ex)
    w.add("target", target)
    y = model(x, ex, snd, rcv)
    loss = torch.nn.functional.mse_loss(y, target)
    loss.backward()
    w.add("y", y)
    w.add("loss", loss)
    w.add("grad.node_x", x.grad)
    for name, p in model.named("mgn"):
        w.add("grad." + name, p.grad)
    w.close()


if __name__ == "__main__":
    mlp_reference(os.path.join(HERE, "nn_mlp_ref.bin"))
    mgn_reference(os.path.join(HERE, "nn_mgn_ref.bin"))
    print("wrote", os.path.join(HERE, "nn_mlp_ref.bin"), os.path.join(HERE, "nn_mgn_ref.bin"))
