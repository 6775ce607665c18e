#!/usr/bin/python3
"""The table of docs/pbfm.md from the uq.json reports of a benchmark (bench/pbfm_darcy.sh,
bench/pbfm_cylinder.sh): one row per model and step count, and the Monte Carlo floor.

usage: bench/pbfm_table.py OUT [label=dir ...]   (default: every OUT/uq_* directory)
"""
import json
import os
import sys


def row(label, doc, budget):
    fields = doc["fields"]
    names = list(fields)
    cells = [label]
    for n in names:
        f = fields[n]
        cells += ["%.3f" % f["mean_rel_l2"], "%.3f" % f["std_rel_l2"], "%.3f" % f["coverage90"],
                  "%.2f" % f["spread_skill"], "%.3f" % f["crps_over_ref_spread"]]
    cells.append("%.3f" % doc["wd"])
    cells.append("%.2e" % doc["residual_generated"]["mean"])
    t = doc["time"]
    cells.append("%.4f" % t["per_sample_s"])
    cells.append("%.1fx" % t["speedup_per_sample"])
    cells.append(budget)
    return names, "| " + " | ".join(cells) + " |"


def floor_row(doc):
    fl = doc.get("monte_carlo_floor")
    if not fl:
        return None
    cells = ["Monte Carlo: %d solves vs %d" % (fl["ensemble"], fl["truths"])]
    for n, f in fl["fields"].items():
        cells += ["%.3f" % f["mean_rel_l2"], "%.3f" % f["std_rel_l2"], "%.3f" % f["coverage90"],
                  "%.2f" % f["spread_skill"], "%.3f" % f["crps_over_ref_spread"]]
    cells.append("%.3f" % fl["wd"])
    cells.append("%.1e" % doc["residual_reference"]["mean"])
    cells += ["", "", ""]
    return "| " + " | ".join(cells) + " |"


def budget_of(out, model):
    """steps and training seconds from OUT/<model>.budget (bench/pbfm_train.sh: the trainer's
    closing line, "... after N steps (E epochs) in 5m00s (300.1 s in all runs, 290.2 CPU s ...")"""
    path = os.path.join(out, model + ".budget")
    if not os.path.exists(path):
        return ""
    last = open(path).read().strip().splitlines()[-1]
    if " after " not in last:
        return ""
    steps = last.split(" after ")[1].split(" steps")[0]
    secs = last.split("(")[-1].split(" s in all runs")[0]
    cpu = last.split(" s in all runs, ")[1].split(" CPU s")[0] if " CPU s" in last else "?"
    return "%s steps, %s s (%s CPU s)" % (steps, secs, cpu)


def main():
    out = sys.argv[1]
    pairs = [a.split("=", 1) for a in sys.argv[2:]]
    if not pairs:
        pairs = [(d[3:], d) for d in sorted(os.listdir(out)) if d.startswith("uq_")]
    header = None
    last = None
    for label, d in pairs:
        path = os.path.join(out, d, "uq.json")
        if not os.path.exists(path):
            continue
        doc = json.load(open(path))
        model = label.split(" ")[0].split("@")[0]
        names, line = row(label, doc, budget_of(out, model))
        if header is None:
            cols = ["model"]
            for n in names:
                cols += [n + " mean", n + " std", n + " cov90", n + " SSR", n + " CRPS/sd"]
            cols += ["WD", "residual", "s/sample", "128 vs 128 solves", "training"]
            print("| " + " | ".join(cols) + " |")
            print("|" + "---|" * len(cols))
            header = True
        print(line)
        last = doc
    if last is not None:
        fl = floor_row(last)
        if fl:
            print(fl)


if __name__ == "__main__":
    main()
