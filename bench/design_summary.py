"""Summary of bench/design_throughput.sh: time per design of each path (whole processes) and the
C_D, C_L errors of the two prediction paths against the solves of the same designs.
    usage: /usr/bin/python3 bench/design_summary.py out/designs
Standard library only."""
import csv
import json
import os
import statistics
import sys


def read_csv(path):
    with open(path) as f:
        return {row["design"]: row for row in csv.DictReader(f)}


def errors(pred, ref, key):
    rel = [abs(float(pred[d][key]) - ref[d][key]) / abs(ref[d][key]) for d in ref if d in pred]
    ab = [abs(float(pred[d][key]) - ref[d][key]) for d in ref if d in pred]
    return statistics.mean(rel), statistics.median(rel), max(rel), statistics.mean(ab)


def main(out):
    designs = read_csv(os.path.join(out, "designs.csv"))
    ref, solve_time, failed = {}, [], []
    for d in designs:
        path = os.path.join(out, "solves", "design_%s.json" % d)
        if not os.path.exists(path):
            continue
        with open(path) as f:
            s = json.load(f)
        if not s.get("converged"):
            failed.append(d)
            continue
        ref[d] = {"C_D": s["cd"]["value"], "C_L": s["cl"]["value"]}
        with open(os.path.join(out, "solves", "design_%s.time" % d)) as f:
            solve_time.append(float(f.read().split()[1]))
    n = len(designs)
    print("%d designs, %d solved (%d did not converge)" % (n, len(ref), len(failed)))
    t_solve = sum(solve_time) / len(solve_time)
    print("fieldflow solve, one process per design: %.3f s per design (median %.3f)" %
          (t_solve, statistics.median(solve_time)))
    for path in ("surface", "mesh"):
        with open(os.path.join(out, path + ".time")) as f:
            t = float(f.read().split()[1]) / n
        pred = read_csv(os.path.join(out, path + ".csv"))
        cd, cl = errors(pred, ref, "C_D"), errors(pred, ref, "C_L")
        print("predict -designs -path %-7s %.4f s per design (one process for all %d), %.0fx faster than the solves;"
              % (path, t, n, t_solve / t))
        print("    C_D mean relative error %.2f%% (median %.2f%%, worst %.2f%%), mean absolute %.4f" %
              (100 * cd[0], 100 * cd[1], 100 * cd[2], cd[3]))
        print("    C_L mean relative error %.2f%% (median %.2f%%, worst %.2f%%), mean absolute %.4f" %
              (100 * cl[0], 100 * cl[1], 100 * cl[2], cl[3]))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "out/designs")
