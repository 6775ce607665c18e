"""Where the time of one function goes: the share of each leaf function among the perf samples
whose call chain passes through a given function (for example FFSurrogatePredict, the network
part of bench/surrogate_inference). Standard library only.
    perf record --call-graph dwarf -F 500 -o perf.data build/bench/surrogate_inference -model m.h5 -data data/airfoil -sample 33 -repeats 40
    perf script -i perf.data | /usr/bin/python3 bench/perf_share.py FFSurrogatePredict [rows]"""
import collections
import sys


def main(caller, rows):
    leaves = collections.Counter()
    total = 0
    chain = []

    def flush():
        nonlocal total
        if chain and any(caller in frame for frame in chain):
            total += 1
            leaves[chain[0]] += 1

    for line in sys.stdin:
        line = line.rstrip("\n")
        if not line.strip():
            flush()
            chain.clear()
        elif line[0] in " \t":
            parts = line.strip().split(None, 1)
            if len(parts) == 2:
                chain.append(parts[1].split("+")[0].split(" (")[0])
    flush()
    for name, count in leaves.most_common(rows):
        print("%6.2f%%  %s" % (100.0 * count / max(total, 1), name))
    print("%d samples under %s" % (total, caller))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "FFSurrogatePredict", int(sys.argv[2]) if len(sys.argv) > 2 else 16)
