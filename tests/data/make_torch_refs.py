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


def grouped_softmax(x, heads):
    n, hm = x.shape
    return x.view(n, heads, hm // heads).softmax(dim=-1).reshape(n, hm)


class PhysicsAttention(torch.nn.Module):
    """Transolver's physics attention as FFPhysicsAttention states it (pre-norm, residual)."""

    def __init__(self, width, heads, slices, hidden_layers):
        super().__init__()
        self.heads, self.slices = heads, slices
        self.norm1 = torch.nn.LayerNorm(width)
        self.values = torch.nn.Linear(width, width)
        self.slice_logits = torch.nn.Linear(width, heads * slices)
        self.query = torch.nn.Linear(width, width, bias=False)
        self.key = torch.nn.Linear(width, width, bias=False)
        self.value = torch.nn.Linear(width, width, bias=False)
        self.out = torch.nn.Linear(width, width)
        self.norm2 = torch.nn.LayerNorm(width)
        self.mlp = MLP(width, width, width, hidden_layers, torch.nn.functional.gelu, False)

    def forward(self, h):
        H, M = self.heads, self.slices
        d = h.shape[1] // H
        x = self.norm1(h)
        f = self.values(x)
        w = grouped_softmax(self.slice_logits(x), H)
        tokens = []
        for k in range(H):
            wk, fk = w[:, k * M:(k + 1) * M], f[:, k * d:(k + 1) * d]
            tokens.append((wk.t() @ fk) / (wk.sum(0) + 1e-5)[:, None])
        T = torch.cat(tokens, dim=1)
        q, kk, v = self.query(T), self.key(T), self.value(T)
        back = []
        for k in range(H):
            sl = slice(k * d, (k + 1) * d)
            a = torch.softmax(q[:, sl] @ kk[:, sl].t() / d**0.5, dim=-1) @ v[:, sl]
            back.append(w[:, k * M:(k + 1) * M] @ a)
        h1 = h + self.out(torch.cat(back, dim=1))
        return h1 + self.mlp(self.norm2(h1))

    def named(self, prefix):
        out = [(f"{prefix}.norm1.weight", self.norm1.weight), (f"{prefix}.norm1.bias", self.norm1.bias)]
        for name in ["values", "slice_logits", "out"]:
            lin = getattr(self, name)
            cname = "slices" if name == "slice_logits" else name
            out += [(f"{prefix}.{cname}.weight", lin.weight), (f"{prefix}.{cname}.bias", lin.bias)]
        out += [(f"{prefix}.{n}.weight", getattr(self, n).weight) for n in ["query", "key", "value"]]
        out += [(f"{prefix}.norm2.weight", self.norm2.weight), (f"{prefix}.norm2.bias", self.norm2.bias)]
        return out + self.mlp.named(f"{prefix}.mlp")


def mgn_block(edge_mlp, node_mlp, h, e, snd, rcv):
    e = e + edge_mlp(torch.cat([h[snd], h[rcv], e], dim=1))
    agg = torch.zeros_like(h).index_add_(0, rcv, e)
    return h + node_mlp(torch.cat([h, agg], dim=1)), e


class MultiLevelGNN(torch.nn.Module):
    """The U-Net of FFMultiLevelGNN: MeshGraphNets blocks per level, cluster means down, physics
    attention at the coarsest level, skip + MLP([skip, cluster latent]) up."""

    def __init__(self, node_in, edge_in, out, width, hidden_layers, blocks, mix, heads, slices):
        super().__init__()
        relu = torch.nn.functional.relu
        L = len(blocks)
        self.blocks = blocks
        self.enc_node = MLP(node_in, width, width, hidden_layers, relu, True)
        self.enc_edge = torch.nn.ModuleList(MLP(edge_in, width, width, hidden_layers, relu, True) for _ in range(L))
        mk = lambda n, i: torch.nn.ModuleList(MLP(i * width, width, width, hidden_layers, relu, True) for _ in range(n))
        self.down_edge = torch.nn.ModuleList(mk(b, 3) for b in blocks)
        self.down_node = torch.nn.ModuleList(mk(b, 2) for b in blocks)
        self.up_edge = torch.nn.ModuleList(mk(b, 3) for b in blocks[:-1])
        self.up_node = torch.nn.ModuleList(mk(b, 2) for b in blocks[:-1])
        self.unpool = torch.nn.ModuleList(MLP(2 * width, width, width, hidden_layers, relu, True) for _ in blocks[:-1])
        self.mix = torch.nn.ModuleList(PhysicsAttention(width, heads, slices, hidden_layers) for _ in range(mix))
        self.dec = MLP(width, width, out, hidden_layers, relu, False)

    def forward(self, x, edge_x, graphs, pools):
        L = len(self.blocks)
        h, skip, e = self.enc_node(x), [], []
        for l in range(L):
            if l > 0:
                n = int(pools[l - 1].max()) + 1
                counts = torch.zeros(n, dtype=h.dtype).index_add_(0, pools[l - 1], torch.ones(len(pools[l - 1]), dtype=h.dtype))
                h = torch.zeros(n, h.shape[1], dtype=h.dtype).index_add_(0, pools[l - 1], skip[l - 1]) / counts[:, None]
            e.append(self.enc_edge[l](edge_x[l]))
            for b in range(self.blocks[l]):
                h, e[l] = mgn_block(self.down_edge[l][b], self.down_node[l][b], h, e[l], *graphs[l])
            skip.append(h)
        for m in self.mix:
            h = m(h)
        for l in range(L - 2, -1, -1):
            h = skip[l] + self.unpool[l](torch.cat([skip[l], h[pools[l]]], dim=1))
            for b in range(self.blocks[l]):
                h, e[l] = mgn_block(self.up_edge[l][b], self.up_node[l][b], h, e[l], *graphs[l])
        return self.dec(h)

    def named(self, prefix):
        out = self.enc_node.named(f"{prefix}.encoder_node")
        for l, nb in enumerate(self.blocks):
            out += self.enc_edge[l].named(f"{prefix}.level{l}.encoder_edge")
            for b in range(nb):
                out += self.down_edge[l][b].named(f"{prefix}.level{l}.down{b}.edge")
                out += self.down_node[l][b].named(f"{prefix}.level{l}.down{b}.node")
            if l < len(self.blocks) - 1:
                for b in range(nb):
                    out += self.up_edge[l][b].named(f"{prefix}.level{l}.up{b}.edge")
                    out += self.up_node[l][b].named(f"{prefix}.level{l}.up{b}.node")
                out += self.unpool[l].named(f"{prefix}.level{l}.unpool")
        for k, m in enumerate(self.mix):
            out += m.named(f"{prefix}.mix{k}")
        return out + self.dec.named(f"{prefix}.decoder")


def coarse_edges(snd, rcv, pool):
    """Both directions of every pair of distinct clusters joined by a fine edge, sorted."""
    pairs = sorted({(int(pool[a]), int(pool[b])) for a, b in zip(snd.tolist(), rcv.tolist()) if pool[a] != pool[b]})
    return torch.tensor([a for a, _ in pairs]), torch.tensor([b for _, b in pairs])


def mlgnn_reference(path):
    torch.manual_seed(2)
    nx, ny = 6, 5
    snd0, rcv0 = grid_graph(nx, ny)
    # level 1: 2 x 2 blocks of the grid (9 clusters of 4 or 2 nodes); level 2: 5 clusters of those
    pool0 = torch.tensor([(j // 2) * 3 + i // 2 for j in range(ny) for i in range(nx)])
    pool1 = torch.tensor([0, 0, 1, 2, 3, 1, 2, 4, 4])
    snd1, rcv1 = coarse_edges(snd0, rcv0, pool0)
    snd2, rcv2 = coarse_edges(snd1, rcv1, pool1)
    graphs = [(snd0, rcv0), (snd1, rcv1), (snd2, rcv2)]
    model = MultiLevelGNN(4, 3, 2, 8, 1, [1, 1, 1], 1, 2, 3).double()
    # sharper slices and attention than at initialization: with near-uniform weights all tokens
    # are alike and the query and key gradients vanish (1e-11), too small to compare
    with torch.no_grad():
        for m in model.mix:
            m.slice_logits.weight.mul_(6.0)
            m.values.weight.mul_(3.0)
            m.query.weight.mul_(4.0)
            m.key.weight.mul_(4.0)
    round_params(model)
    x = f32(torch.randn(nx * ny, 4, dtype=torch.float64)).requires_grad_(True)
    edge_x = [f32(torch.randn(len(g[0]), 3, dtype=torch.float64)) for g in graphs]
    target = f32(torch.randn(nx * ny, 2, dtype=torch.float64))
    w = Writer(path)
    for name, p in model.named("mlgnn"):
        w.add(name, p)
    for l, (s_, r_) in enumerate(graphs):
        w.add(f"senders{l}", s_.to(torch.float32))
        w.add(f"receivers{l}", r_.to(torch.float32))
        w.add(f"edge_x{l}", edge_x[l])
    w.add("pool0", pool0.to(torch.float32))
    w.add("pool1", pool1.to(torch.float32))
    w.add("node_x", x)
    w.add("target", target)
    y = model(x, edge_x, graphs, [pool0, pool1])
    loss = torch.nn.functional.mse_loss(y, target)
    loss.backward()
    w.add("y", y)
    w.add("loss", loss)
    w.add("grad.node_x", x.grad)
    for name, p in model.named("mlgnn"):
        w.add("grad." + name, p.grad)
    w.close()


if __name__ == "__main__":
    mlp_reference(os.path.join(HERE, "nn_mlp_ref.bin"))
    mgn_reference(os.path.join(HERE, "nn_mgn_ref.bin"))
    mlgnn_reference(os.path.join(HERE, "nn_mlgnn_ref.bin"))
    print("wrote", *(os.path.join(HERE, f"nn_{m}_ref.bin") for m in ["mlp", "mgn", "mlgnn"]))
