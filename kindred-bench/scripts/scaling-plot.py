#!/usr/bin/python3
"""Draws scaling.sh's table as an SVG: seconds per epoch and peak RSS against interactions.

Usage: scaling-plot.py scaling.tsv out.svg

Left panel: process CPU seconds of one epoch / iteration per model (wall seconds dotted: on a
shared machine they mostly measure the other processes), with the linear extrapolation of the CPU
seconds from the smallest size dashed (the acceptance allows 1.2x of it at the largest size). Right panel: peak
RSS per model beside interaction + factor bytes and 1.5x that (the acceptance bound).
Needs matplotlib (Debian/Ubuntu: python3-matplotlib).
"""
import csv
import sys

import matplotlib

matplotlib.use("svg")
import matplotlib.pyplot as plt  # noqa: E402 (the backend must be chosen first)


def main(table_path, svg_path):
    with open(table_path, newline="") as f:
        rows = [r for r in csv.DictReader(f, delimiter="\t") if r["epoch_seconds"]]
    if not rows:
        sys.exit(f"{table_path}: no finished runs to plot")
    models = sorted({r["model"] for r in rows})
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    gib = 1 << 30
    for model in models:
        mine = sorted((r for r in rows if r["model"] == model), key=lambda r: int(r["interactions"]))
        n = [int(r["interactions"]) / 1e6 for r in mine]
        secs = [float(r["epoch_cpu_seconds"]) for r in mine]
        (line,) = left.plot(n, secs, marker="o", label=f"{model} CPU")
        left.plot(n, [float(r["epoch_seconds"]) for r in mine], marker=".", linestyle=":", color=line.get_color(),
                  label=f"{model} wall")
        left.plot(n, [secs[0] * x / n[0] for x in n], linestyle="--", color=line.get_color(), alpha=0.5,
                  label=f"{model} CPU, linear from {n[0]:g}M")
        right.plot(n, [int(r["peak_rss_bytes"]) / gib for r in mine], marker="o", color=line.get_color(),
                   label=f"{model} peak RSS")
    budget = {}
    for r in rows:
        budget[int(r["interactions"]) / 1e6] = (int(r["interaction_bytes"]) + int(r["factor_bytes"])) / gib
    sizes = sorted(budget)
    right.plot(sizes, [budget[s] for s in sizes], color="grey", label="interaction + factor bytes")
    right.plot(sizes, [1.5 * budget[s] for s in sizes], color="grey", linestyle=":", label="1.5x that")
    left.set(xlabel="interactions (millions)", ylabel="seconds per epoch / iteration", title="Time (k = 64, 2 threads, shared machine)")
    right.set(xlabel="interactions (millions)", ylabel="GiB", title="Memory")
    for ax in (left, right):
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(svg_path, format="svg", metadata={"Date": None})


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: scaling-plot.py scaling.tsv out.svg")
    main(sys.argv[1], sys.argv[2])
