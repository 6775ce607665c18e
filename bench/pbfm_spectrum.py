#!/usr/bin/python3
"""How much of an ensemble's spread the sampler alone loses (docs/pbfm.md, the sampler
hypothesis): the training samples of a dataset, normalized node by node as the flow models do,
are replaced by the Gaussian with their covariance (eigenvalues lambda_i, eigenvectors phi_i),
whose flow-matching velocity is known exactly, v = (t lambda - (1 - t)) / (t^2 lambda + (1 - t)^2) x
per mode. Each sampler maps a mode's noise to a multiple of it; its std over the true std is
rho_i. The generated std at a node is sqrt(sum_i rho_i^2 lambda_i phi_i^2) against
sqrt(sum_i lambda_i phi_i^2): the std field error (rel. L2, raw units) a perfect network would
still show with that sampler.

usage: bench/pbfm_spectrum.py DATASET [split]
"""
import sys

import h5py
import numpy as np


def load(root, split):
    with h5py.File(f"{root}/manifest.h5", "r") as m:
        files = m["samples/file"].asstr()[:]
        if split == "all":
            idx = np.concatenate([m[f"splits/random/{k}"][:] for k in m["splits/random"]])
        else:
            idx = m[f"splits/random/{split}"][:]
    rows = []
    locs = None
    for i in idx:
        with h5py.File(f"{root}/{files[i]}", "r") as s:
            parts, ls = [], []
            for name, f in s["fields"].items():
                a = f[:]
                a = a.reshape(a.shape[0], -1)
                parts.append(a)
                ls += [(name, a.shape[1])]
            rows.append(np.concatenate([p.reshape(-1) for p in parts]))
            locs = [(name, p.shape) for (name, _), p in zip(ls, parts)]
    return np.array(rows), locs


def velocity(x, t, lam):
    return (t * lam - (1 - t)) / (t * t * lam + (1 - t) ** 2) * x


def euler(lam, grid, x):
    for k in range(len(grid) - 1):
        x = x + (grid[k + 1] - grid[k]) * velocity(x, grid[k], lam)
    return x


def stochastic(lam, grid, x, t_star, rng):
    for k in range(len(grid) - 1):
        t0, t1 = grid[k], grid[k + 1]
        v = velocity(x, t0, lam)
        if t0 < t_star:
            x = (1 - t1) * rng.standard_normal(x.shape) + t1 * (x + (1 - t0) * v)
        else:
            x = x + (t1 - t0) * v
    return x


def multistep(lam, grid, x):
    """DPM-Solver++(2M) as surrogates/flow/sampler.c (sigma_min = 0)"""
    d_prev, h_prev = None, None
    n = len(grid) - 1
    for k in range(n):
        t0, t1 = grid[k], grid[k + 1]
        d = (1 - t0) * velocity(x, t0, lam) + x
        step = np.log(t1 / (1 - t1)) - np.log(t0 / (1 - t0)) if 0 < t0 and t1 < 1 else np.nan
        if d_prev is None or k == n - 1 or not step > 0:
            x = (1 - t1) / (1 - t0) * (x - t0 * d) + t1 * d
        else:
            r = h_prev / step
            x = (1 - t1) / (1 - t0) * x - t1 * np.expm1(-step) * ((1 + 0.5 / r) * d - 0.5 / r * d_prev)
        d_prev = d
        h_prev = step if np.isfinite(step) and step > 0 else None
        if h_prev is None:
            d_prev = None if not np.isfinite(step) else d_prev
    return x


def logit_grid(n, lo=-6.0, hi=4.0):
    inner = [1 / (1 + np.exp(-(lo + (k - 1) / (n - 2) * (hi - lo)))) for k in range(1, n)]
    return np.array([0.0] + inner + [1.0])


def main():
    root = sys.argv[1]
    split = sys.argv[2] if len(sys.argv) > 2 else "train"
    x, locs = load(root, split)
    n = x.shape[0]
    mean, std = x.mean(0), x.std(0)
    # constant entries (Dirichlet values) keep a floor as the models' normalization does
    std_n = np.maximum(std, 1e-3 * x.std())
    z = (x - mean) / std_n
    u, s, vt = np.linalg.svd(z / np.sqrt(n), full_matrices=False)
    lam = s**2
    print(f"{root}: {n} samples of {x.shape[1]} values; normalized variance {lam.sum():.1f} "
          f"(sum over entries); top eigenvalues {', '.join('%.1f' % l for l in lam[:6])}; "
          f"modes for 90% of it: {int(np.searchsorted(np.cumsum(lam) / lam.sum(), 0.9)) + 1}")
    rng = np.random.default_rng(0)
    uniform = np.linspace(0, 1, 21)
    samplers = {
        "20 Euler steps, t* = 0.2 (the old default)":
            lambda l: np.std(stochastic(l, uniform, rng.standard_normal(4000), 0.2, rng)),
        "20 Euler steps, t* = 0": lambda l: abs(euler(l, uniform, 1.0)),
        "20 multistep steps on the logit grid (the new default)": lambda l: abs(multistep(l, logit_grid(20), 1.0)),
    }
    ref_var = (vt.T**2) @ lam
    for name, fn in samplers.items():
        rho = np.array([fn(l) / np.sqrt(l) if l > 1e-12 else 1.0 for l in lam])
        gen_var = (vt.T**2) @ (rho**2 * lam)
        off = 0
        parts = []
        for fname, shape in locs:
            size = int(np.prod(shape))
            g = np.sqrt(gen_var[off:off + size]) * std_n[off:off + size]
            r = np.sqrt(ref_var[off:off + size]) * std_n[off:off + size]
            parts.append(f"{fname} {np.linalg.norm(g - r) / np.linalg.norm(r):.3f}")
            off += size
        top = ", ".join("%.2f" % v for v in rho[:4])
        print(f"  {name}: std rel. L2 {'; '.join(parts)}; std ratio of the top modes {top}")


if __name__ == "__main__":
    main()
