#!/usr/bin/env python3
"""Runs the codec benchmark several times and prints, per case, our median time, theirs and
the ratio theirs/ours (above 1: we are faster), with the median over runs and each run's
ratio so the noise is visible. Also prints the `floor` rows (work both sides share).

Usage: python3 tools/codec-ratios.py [RUNS]   (default 3; from the repository root)

Wall-clock medians on a shared 2-core machine move by tens of percent between runs; compare
ratios taken within one run, and look at the spread before believing a difference.
"""

import re
import statistics
import subprocess
import sys

UNITS = {"ns": 1.0, "µs": 1e3, "us": 1e3, "ms": 1e6, "s": 1e9}
ROW = re.compile(r"^(?P<indent>[│ ]*)[├╰]─ (?P<name>\S+)\s*(?P<rest>.*)$")
VALUE = re.compile(r"([0-9.]+)\s*(ns|µs|us|ms|s)\b")


def run_once():
    out = subprocess.run(
        ["cargo", "bench", "-q", "-p", "socketio-proto", "--bench", "codec"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    medians = {}
    stack = []
    for line in out.splitlines():
        m = ROW.match(line)
        if not m:
            continue
        depth = len(m.group("indent")) // 3
        stack = stack[:depth] + [m.group("name")]
        values = VALUE.findall(m.group("rest"))
        if len(values) >= 3:
            number, unit = values[2]  # fastest, slowest, median, mean
            medians["/".join(stack)] = float(number) * UNITS[unit]
    return medians


def pairs(medians):
    """(case, ours, theirs) for every measured pair."""
    out = []
    for key, ours in medians.items():
        parts = key.split("/")
        if len(parts) == 3 and parts[1] == "ours":
            theirs = medians.get(f"{parts[0]}/theirs/{parts[2]}")
            if theirs is not None:
                out.append((f"{parts[0]} {parts[2]}", ours, theirs))
        elif len(parts) == 2 and parts[1].endswith("_ours"):
            theirs = medians.get(f"{parts[0]}/{parts[1][:-5]}_theirs")
            if theirs is not None:
                out.append((f"{parts[0]} {parts[1][:-5]}", ours, theirs))
    return out


def fmt(ns):
    return f"{ns / 1e3:.2f} µs" if ns >= 1e3 else f"{ns:.0f} ns"


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    results = [run_once() for _ in range(runs)]
    cases = [case for case, _, _ in pairs(results[0])]
    print(f"| case | ours | theirs | theirs/ours (median of {runs}) | per run |")
    print("|---|---:|---:|---:|---|")
    for case in cases:
        rows = [next(p for p in pairs(r) if p[0] == case) for r in results]
        ours = statistics.median(r[1] for r in rows)
        theirs = statistics.median(r[2] for r in rows)
        ratios = [r[2] / r[1] for r in rows]
        per_run = ", ".join(f"{x:.2f}" for x in ratios)
        print(
            f"| {case} | {fmt(ours)} | {fmt(theirs)} | "
            f"{statistics.median(ratios):.2f}× | {per_run} |"
        )
    floors = sorted(k for k in results[0] if k.startswith("floor/"))
    if floors:
        print()
        print("| floor (serde_json alone / one alloc+copy) | median |")
        print("|---|---:|")
        for key in floors:
            value = statistics.median(r[key] for r in results if key in r)
            print(f"| {key[len('floor/'):]} | {fmt(value)} |")


if __name__ == "__main__":
    main()
