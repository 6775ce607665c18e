#!/usr/bin/env python3
"""The RANS validation tables of docs/validation.md from the files bench/validate_rans.sh writes
(<name>.json summaries and <name>.log with /usr/bin/time -v). Plain Python 3, no packages.

    python3 bench/rans_tables.py out/validation/rans
"""
import json
import math
import os
import re
import sys

# NASA Turbulence Modeling Resource values (docs/references.md section 9)
CF_PLATE = 0.00272909  # FUN3D incompressible SA, C_f(x = 0.97008)
CD_PLATE = 0.00285985  # CFL3D
NACA = {  # angle: (C_L CFL3D, C_L FUN3D, C_D CFL3D, C_D FUN3D)
    0: (0.0, 0.0, 0.00819, 0.00812),
    10: (1.0909, 1.0983, 0.01231, 0.01242),
    15: (1.5461, 1.5547, 0.02124, 0.02159),
}


def load(d, name):
    path = os.path.join(d, name + ".json")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        s = json.load(f)
    s["peak_mib"] = s["elapsed_s"] = float("nan")
    log = os.path.join(d, name + ".log")
    if os.path.exists(log):
        text = open(log, errors="replace").read()
        m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
        if m:
            s["peak_mib"] = int(m.group(1)) / 1024
        m = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)", text)
        if m:
            parts = [float(p) for p in m.group(1).split(":")]
            s["elapsed_s"] = sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
    return s


def order(f, r):
    """Observed order of three values on levels refined by r, and the extrapolated value."""
    if len(f) < 3 or None in f:
        return float("nan"), float("nan")
    d1, d2 = f[1] - f[0], f[2] - f[1]
    # no order unless the changes fall monotonically (growing changes: not yet asymptotic)
    if d1 == 0 or d2 == 0 or d1 / d2 <= 0 or abs(d2) >= abs(d1):
        return float("nan"), float("nan")
    p = math.log(d1 / d2) / math.log(r)
    return p, f[2] + d2 / (r ** p - 1)


def rel(v, ref):
    return "%+.2f%%" % (100 * (v / ref - 1)) if ref else "%.1e" % v


def wall_spread(path, lo=0.1, hi=1.9):
    """Range of C_p and C_f along the plate's wall (x in [lo, hi]) from the -wall_output CSV: the
    flat plate has no pressure gradient, so a C_p range well above zero is a node-to-node mode."""
    if not os.path.exists(path):
        return float("nan"), float("nan"), float("nan")
    with open(path) as f:
        head = f.readline().strip().split(",")
        rows = [dict(zip(head, map(float, line.split(",")))) for line in f if line.strip()]
    rows = [r for r in rows if lo < r["x"] < hi]
    cp, cf = [r["cp"] for r in rows], [r["cf"] for r in rows]
    return max(cp) - min(cp), min(cf), max(cf)


def plate(d, names=("plate_L0", "plate_L1", "plate_L2"), title=""):
    """The plate's grid family: levels 0, 1, 2 from the runs `names` (default: the solver's default
    options), with their observed orders."""
    rows, cf, cd, cdf = [], [], [], []
    for k, name in enumerate(names):
        s = load(d, name)
        if not s:
            cf.append(None), cd.append(None), cdf.append(None)
            continue
        c = s["cf"][0]["value"]
        cf.append(c), cd.append(s["cd"]["value"]), cdf.append(s["cd_friction"])
        cp_range, cf_min, cf_max = wall_spread(os.path.join(d, name + ".csv"))
        rows.append("| %d | %d | %.2f | %.6f | %s | %.6f | %s | %.6f | %s | %.4f | %.6f .. %.6f | %d | %.0f | %.0f |" % (
            k, s["unknowns"], s["yplus_max"], c, rel(c, CF_PLATE), s["cd"]["value"], rel(s["cd"]["value"], CD_PLATE),
            s["cd_friction"], rel(s["cd_friction"], CD_PLATE), cp_range, cf_min, cf_max, s["pseudo_steps"],
            s["wall_time"], s["peak_mib"]))
    if not rows:
        return
    print("Flat plate%s, Re 5e6 per unit length (TMR: C_f(0.97008) %.8f FUN3D incompressible, C_D %.8f CFL3D)\n"
          % (title, CF_PLATE, CD_PLATE))
    print("| level | unknowns | y+ max | C_f(0.97008) | vs TMR | C_D (reaction) | vs TMR | C_D (wall shear) | vs TMR "
          "| C_p range, 0.1 < x < 1.9 | C_f min .. max | pseudo steps | solve s | peak MiB |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    print("\n".join(rows))
    for name, f in (("C_f(0.97008)", cf), ("C_D reaction", cd), ("C_D wall shear", cdf)):
        p, ext = order(f, 2.0)
        if not math.isnan(p):
            ref = CF_PLATE if name.startswith("C_f") else CD_PLATE
            print("\n%s: observed order %.2f, extrapolated %.6f (%s vs TMR)" % (name, p, ext, rel(ext, ref)), end="")
    print("\n")


def graddiv(d):
    """The plate's wall mode against -rans_grad_div without the viscous floor (bench/validate_rans.sh
    graddiv): every plate_L<k>_g<gamma>.json and plate_L<k>_nofloor.json (gamma 1)."""
    runs = []
    for name in sorted(os.listdir(d)):
        m = re.match(r"plate_L(\d)(?:_g([\d.]+)|_nofloor)\.json$", name)
        if m:
            runs.append((int(m.group(1)), float(m.group(2) or 1), name[:-5]))
    if not runs:
        return
    print("Flat plate: the wall mode against the grad-div coefficient gamma (-rans_grad_div), no viscous floor\n")
    print("| level | gamma | C_f(0.97008) | vs TMR | C_p range, 0.1 < x < 1.9 | C_f min .. max | pseudo steps | solve s |")
    print("|---|---|---|---|---|---|---|---|")
    for k, g, name in sorted(runs):
        s = load(d, name)
        c = s["cf"][0]["value"]
        cp_range, cf_min, cf_max = wall_spread(os.path.join(d, name + ".csv"))
        print("| %d | %g | %.6f | %s | %.4f | %.6f .. %.6f | %d | %.0f |" % (k, g, c, rel(c, CF_PLATE), cp_range, cf_min,
                                                                         cf_max, s["pseudo_steps"], s["wall_time"]))
    print()
    # the wall cells' coefficient gamma U h_min of level 0 on every level: gamma 2^k on level k
    if all(os.path.exists(os.path.join(d, n + ".json")) for n in ("plate_L0_nofloor", "plate_L1_g2", "plate_L2_g4")):
        plate(d, ("plate_L0_nofloor", "plate_L1_g2", "plate_L2_g4"),
              " with the grad-div coefficient fixed (gamma 1, 2, 4), no viscous floor")


def naca(d):
    levels = ("0", "0.5", "1")
    for a, (cl3, clf, cd3, cdf) in NACA.items():
        print("NACA 0012, Re 6e6, %d degrees (TMR: C_L %.4f CFL3D / %.4f FUN3D, C_D %.5f / %.5f)\n" % (a, cl3, clf, cd3,
                                                                                                      cdf))
        print("| level | unknowns | y+ max | C_L | vs CFL3D | C_D | vs CFL3D | C_D pressure | C_D friction "
              "| pseudo steps | solve s | peak MiB |")
        print("|---|---|---|---|---|---|---|---|---|---|---|---|")
        cls, cds = [], []
        for k in levels:
            s = load(d, "naca_L%s_a%d" % (k, a))
            if not s:
                cls.append(None), cds.append(None)
                continue
            cl, cd = s["cl"]["value"], s["cd"]["value"]
            cls.append(cl), cds.append(cd)
            print("| %s | %d | %.2f | %.5f | %s | %.6f | %s | %.6f | %.6f | %d | %.0f | %.0f |" % (
                k, s["unknowns"], s["yplus_max"], cl, rel(cl, cl3), cd, rel(cd, cd3), s["cd_pressure"],
                s["cd_friction"], s["pseudo_steps"], s["wall_time"], s["peak_mib"]))
        for name, f, ref in (("C_L", cls, cl3), ("C_D", cds, cd3)):
            p, ext = order(f, math.sqrt(2.0))
            if not math.isnan(p):
                print("\n%s: observed order %.2f (refinement ratio sqrt 2), extrapolated %.6f (%s vs CFL3D)"
                      % (name, p, ext, rel(ext, ref)), end="")
        print("\n")


if __name__ == "__main__":
    d = sys.argv[1] if len(sys.argv) > 1 else "out/validation/rans"
    plate(d)
    graddiv(d)
    naca(d)
