#!/usr/bin/env python3
"""Prints bench/compare.sh's results as Markdown tables: medians, ratios, throughput, memory,
and the agreement of the numbers with the peers'."""
import argparse
import csv
import json
import math
import os
import re


def load(path):
    with open(path) as f:
        return json.load(f)


def mb(kb):
    return kb / 1024


def time_v(path):
    """Peak RSS (KB), wall seconds and CPU share from a GNU time -v report."""
    text = open(path).read()
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1))
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)", text).group(1)
    seconds = 0.0
    for part in wall.split(":"):
        seconds = seconds * 60 + float(part)
    cpu = re.search(r"Percent of CPU this job got: (\d+)%", text).group(1)
    return rss, seconds, int(cpu)


def max_relative_difference(a_rows, b_rows, key, columns):
    b_by_key = {row[key]: row for row in b_rows}
    worst, compared = 0.0, 0
    for row in a_rows:
        other = b_by_key.get(row[key])
        if other is None:
            continue
        for c in columns:
            if row.get(c, "") == "" or other.get(c, "") == "":
                continue
            x, y = float(row[c]), float(other[c])
            compared += 1
            if x != y:
                worst = max(worst, abs(x - y) / max(abs(x), abs(y)))
    return worst, compared


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--results", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--rows", type=int, required=True)
    ap.add_argument("--memory-sizes", required=True)
    ap.add_argument("--groups", type=int, required=True)
    ap.add_argument("--glm-rows", type=int, required=True)
    ap.add_argument("--only", default="a b c d")
    args = ap.parse_args()
    R = args.results
    only = args.only.split()
    print("# disparity vs peers\n")
    print("```")
    print(open(os.path.join(R, "versions.txt")).read().strip())
    print(open(os.path.join(R, "load.txt")).read().strip())
    print("```\n")

    if "a" in only:
        a = load(os.path.join(R, "a.json"))["results"]
        f = os.path.join(args.data, f"records-{args.rows}.csv")
        size_mb = os.path.getsize(f) / 1e6
        d = a["disparity"]
        print(f"## (a) {args.rows:,} record-level rows ({size_mb:.0f} MB): read, normalise, re-band, "
              "DSRs by ethnic group vs reading and group-counting only\n")
        print("| tool | median wall s (min–max) | CPU s | cores used | peak RSS MB | MB/s | M rows/s | peer ÷ disparity |")
        print("|---|---|---|---|---|---|---|---|")
        for name, r in a.items():
            ratio = r["wall"] / d["wall"]
            print(f"| {name} | {r['wall']:.2f} ({r['wall_min']:.2f}–{r['wall_max']:.2f}) | {r['cpu']:.2f} | "
                  f"{r['cpu'] / r['wall']:.2f} | {mb(r['maxrss_kb']):.0f} | {size_mb / r['wall']:.0f} | "
                  f"{args.rows / r['wall'] / 1e6:.2f} | {ratio:.2f}× |")
        print()

    if "b" in only:
        print("## (b) peak memory of the same analysis (GNU time -v)\n")
        print("| rows | file MB | disparity peak RSS MB | disparity wall s | CPU % | polars scan_csv peak RSS MB |")
        print("|---|---|---|---|---|---|")
        for n in args.memory_sizes.split():
            rss, wall, cpu = time_v(os.path.join(R, f"b-{n}.time"))
            prss, _, _ = time_v(os.path.join(R, f"b-{n}.polars.time"))
            size_mb = os.path.getsize(os.path.join(args.data, f"records-{n}.csv")) / 1e6
            print(f"| {int(n):,} | {size_mb:.0f} | {mb(rss):.1f} | {wall:.2f} | {cpu} | {mb(prss):.0f} |")
        print()

    if "c" in only:
        c = load(os.path.join(R, "c.json"))["results"]
        d, p = c["disparity"], c["pandas + numpy"]
        inner = sorted(float(r["stderr_last"]) for r in p["runs"])[len(p["runs"]) // 2]
        print(f"## (c) {args.groups:,} groups × 19 ESP2013 bands from CSV to DSRs at 95% and 99.8% (Dobson, Byar limits)\n")
        print("| tool | median wall s (min–max) | CPU s | peak RSS MB | pandas ÷ disparity |")
        print("|---|---|---|---|---|")
        print(f"| disparity | {d['wall']:.3f} ({d['wall_min']:.3f}–{d['wall_max']:.3f}) | {d['cpu']:.3f} | {mb(d['maxrss_kb']):.0f} | 1 |")
        print(f"| pandas + numpy (whole script) | {p['wall']:.3f} ({p['wall_min']:.3f}–{p['wall_max']:.3f}) | {p['cpu']:.3f} | {mb(p['maxrss_kb']):.0f} | {p['wall'] / d['wall']:.1f}× |")
        print(f"| pandas + numpy (after imports: read, compute, write) | {inner:.3f} | | | {inner / d['wall']:.1f}× |")
        with open(os.path.join(R, "c-disparity.csv")) as f1, open(os.path.join(R, "c-pandas.csv")) as f2:
            ours, theirs = list(csv.DictReader(f1)), list(csv.DictReader(f2))
        cols = ["asr", "asr_lower_95", "asr_upper_95", "asr_lower_99.8", "asr_upper_99.8"]
        worst, compared = max_relative_difference(ours, theirs, "group", cols)
        print(f"\nAgreement: {compared:,} values ({len(ours):,} groups × {len(cols)} columns) compared; "
              f"largest relative difference {worst:.2e}.\n")

    if "d" in only:
        dd = load(os.path.join(R, "d.json"))["results"]
        print(f"## (d) Poisson GLM, {args.glm_rows:,} aggregated rows, ethnicity + age + sex + IMD quintile\n")
        print("| tool | median wall s | read s | design s | fit s | parameters | iterations | deviance |")
        print("|---|---|---|---|---|---|---|---|")
        parts = {}
        for name, r in dd.items():
            fields = [sorted(float(run["stdout_last"].split()[i]) for run in r["runs"])[len(r["runs"]) // 2]
                      for i in range(3)]
            last = r["runs"][-1]["stdout_last"].split()
            parts[name] = fields
            print(f"| {name} | {r['wall']:.2f} | {fields[0]:.2f} | {fields[1]:.2f} | {fields[2]:.2f} | "
                  f"{last[4]} | {last[5]} | {float(last[6]):.6f} |")
        ours, theirs = parts["disparity"], parts["statsmodels"]
        print(f"\nstatsmodels ÷ disparity: fit {theirs[2] / ours[2]:.1f}×, whole process "
              f"{dd['statsmodels']['wall'] / dd['disparity']['wall']:.1f}×.")
        with open(os.path.join(R, "d-disparity.csv")) as f1, open(os.path.join(R, "d-statsmodels.csv")) as f2:
            a_rows, b_rows = list(csv.DictReader(f1)), list(csv.DictReader(f2))
        e, n = max_relative_difference(a_rows, b_rows, "term", ["estimate"])
        s, _ = max_relative_difference(a_rows, b_rows, "term", ["std_error"])
        print(f"Agreement over {n} coefficients: estimates {e:.2e}, standard errors {s:.2e} (largest relative difference).\n")


if __name__ == "__main__":
    main()
