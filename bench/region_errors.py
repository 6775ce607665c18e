#!/usr/bin/python3
"""Where a surrogate's error lives: the per-sample VTUs that `fieldflow compare` writes
(REPORT/samples/sample_*.vtu: u, u_ref, p, p_ref, sdf, the points) split into the boundary layer
(wall distance < WALL chords), the wake (x > 1 chord behind the leading edge, |y| < WAKE, outside
the layer) and the rest of the domain. For each region and field: the error norm over the region's
nodes divided by the reference norm over the whole sample, so that the squares of the three add up
to the square of the sample's relative L2 error (p over the cells' corners, where the P1 pressure
lives, as compare measures it); mean over the samples.

usage: bench/region_errors.py [-wall 0.05] [-wake 0.3] REPORT_DIR...

Plain Python 3 (zlib, struct): VTK's appended raw data with vtkZLibDataCompressor blocks and UInt32
headers, as src/io writes it; no VTK Python module is installed here.
"""
import glob
import math
import os
import re
import struct
import sys
import zlib


def read_vtu(path, names):
    """The appended arrays `names` of a VTU (Float64 or Int64), each a list of component tuples."""
    raw = open(path, "rb").read()
    start = raw.index(b"<AppendedData")
    data = raw[raw.index(b"_", start) + 1:]
    arrays = {}
    for m in re.finditer(rb'<DataArray type="(\w+)" Name="(\w+)"(?: NumberOfComponents="(\d+)")? format="appended"'
                         rb'[^>]*offset="(\d+)"', raw[:start]):
        kind, name, comps, off = m.group(1).decode(), m.group(2).decode(), int(m.group(3) or 1), int(m.group(4))
        if name not in names:
            continue
        if kind not in ("Float64", "Int64"):
            sys.exit("region_errors: %s: array %s is %s" % (path, name, kind))
        nb, _, _ = struct.unpack_from("<III", data, off)
        sizes = struct.unpack_from("<%dI" % nb, data, off + 12)
        pos, chunks = off + 12 + 4 * nb, []
        for s in sizes:
            chunks.append(zlib.decompress(data[pos:pos + s]))
            pos += s
        flat = b"".join(chunks)
        vals = struct.unpack("<%d%s" % (len(flat) // 8, "d" if kind == "Float64" else "q"), flat)
        arrays[name] = [vals[i:i + comps] for i in range(0, len(vals), comps)]
    return arrays


def vertices(a):
    """The corner nodes of the quadratic triangles (VTK type 22: three corners, then three midpoints):
    the nodes where the P1 pressure lives, as in compare's own error of p."""
    conn = [c for (c,) in a["connectivity"]]
    return {conn[k] for k in range(len(conn)) if k % 6 < 3}


def regions(a, wall, wake):
    out = []
    for (x, y, _), (d,) in zip(a["Points"], a["sdf"]):
        out.append("layer" if d < wall else ("wake" if x > 1 and abs(y) < wake else "rest"))
    return out


def main(argv):
    wall, wake, dirs = 0.05, 0.3, []
    it = iter(argv)
    for arg in it:
        if arg == "-wall":
            wall = float(next(it))
        elif arg == "-wake":
            wake = float(next(it))
        else:
            dirs.append(arg)
    if not dirs:
        sys.exit(__doc__)
    names = ("layer", "wake", "rest")
    print("| report | field | boundary layer (d < %g) | wake (x > 1, \\|y\\| < %g) | rest | whole |" % (wall, wake))
    print("|---|---|---|---|---|---|")
    for d in dirs:
        files = sorted(glob.glob(os.path.join(d, "samples", "sample_*.vtu")))
        if not files:
            sys.exit("region_errors: no %s/samples/sample_*.vtu" % d)
        acc = {f: {r: 0.0 for r in names + ("whole",)} for f in ("u", "p")}
        counts = {r: 0 for r in names}
        for path in files:
            a = read_vtu(path, ("Points", "sdf", "connectivity", "u", "u_ref", "p", "p_ref"))
            reg = regions(a, wall, wake)
            for r in reg:
                counts[r] += 1
            corners = vertices(a)
            for f in ("u", "p"):
                err = {r: 0.0 for r in names}
                ref2 = 0.0
                for i, (r, pv, rv) in enumerate(zip(reg, a[f], a[f + "_ref"])):
                    if f == "p" and i not in corners:
                        continue
                    err[r] += sum((pc - rc) ** 2 for pc, rc in zip(pv, rv))
                    ref2 += sum(rc * rc for rc in rv)
                for r in names:
                    acc[f][r] += math.sqrt(err[r] / ref2)
                acc[f]["whole"] += math.sqrt(sum(err.values()) / ref2)
        n = len(files)
        for f in ("u", "p"):
            cells = ["%.3f%%" % (100 * acc[f][r] / n) for r in names + ("whole",)]
            print("| %s | %s | %s |" % (d, f, " | ".join(cells)))
        print("| %s | nodes per sample | %s | |" % (d, " | ".join("%.0f" % (counts[r] / n) for r in names)))


if __name__ == "__main__":
    main(sys.argv[1:])
