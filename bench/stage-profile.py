#!/usr/bin/env python3
"""CPU time of one `disparity analyse` run by pipeline stage, from perf's call stacks.

  bench/stage-profile.py [--runs N] [--frequency HZ] [--top STAGE] -- DISPARITY analyse ARGS...

Runs the command N times (default 5) under `perf record -g` (perf is in the Debian package
`linux-perf`), and attributes each sample to the innermost stage on its call stack: the merge
of the parallel readers' partial counts, the rest of tabulation, loading the classifications,
classification of the distinct group labels, the cube (stratum x group x band), statistics and
comparisons, disclosure control, the tidy table, and the output; whatever is in none of them
(process start, argument parsing, freeing memory) is "other". It prints the median CPU
milliseconds of each stage over the runs, and the part of each spent in the kernel's page-fault
handler (memory touched for the first time). `--top STAGE` (a word of a stage's name, e.g.
"other") also lists the functions that stage's samples were in, most first, over all runs.

Why: the machines are shared and their speed swings by half from one hour to the next, so a
stage's wall time from one run says little; CPU samples summed over the stages of the same runs
say where the time goes, which is what a missed target needs (issue 7). It reads symbol names,
so it knows the pipeline's types (Tabulator, GroupClassifier, Cube, GroupCalculator, ...):
rename one and update STAGES below.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile

# (stage, substrings of a mangled Swift symbol), innermost stages first: a sample belongs to the
# first stage any frame of its stack names.
STAGES = [
    ("merge of parallel partials", ["StrataCountsV5merge", "StrataCountsV6absorb"]),
    ("tabulation (read, parse, count)", ["TabulatorO8tabulate", "CSVReaderC14parallelReduce"]),
    ("loading the classifications", ["EthnicityCatalogue"]),
    ("classification of labels", ["GroupClassifierV8classify"]),
    ("cube (stratum x group x band)", ["CubeV9addEvents", "CubeV13addPopulation"]),
    ("statistics and comparisons", ["GroupCalculatorV7compute"]),
    ("disclosure control", ["DisclosureControl"]),
    ("tidy table", ["TidyTableBuilder"]),
    ("output (render and write)", ["CSVRenderer", "CSVByteSink", "ReportWriter"]),
]
PAGE_FAULT = "exc_page_fault"


def leaf(stack):
    """The function a sample was in: the first frame's symbol."""
    for line in stack.strip().split("\n"):
        parts = line.strip().split(None, 1)
        if parts:
            return (parts[1] if len(parts) > 1 else parts[0])[:100]
    return "?"


def profile(command, frequency, folder, run, top, leaves):
    data = os.path.join(folder, f"run{run}.data")
    subprocess.run(
        ["perf", "record", "-q", "-F", str(frequency), "-g", "-o", data, "--"] + command,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    script = subprocess.run(
        ["perf", "script", "-i", data, "-F", "ip,sym"], capture_output=True, text=True, check=True)
    counts = {name: [0, 0] for name, _ in STAGES + [("other", [])]}
    for stack in script.stdout.split("\n\n"):
        if not stack.strip():
            continue
        stage = next((name for name, marks in STAGES if any(m in stack for m in marks)), "other")
        counts[stage][0] += 1
        if top and top in stage:
            leaves[leaf(stack)] = leaves.get(leaf(stack), 0) + 1
        if PAGE_FAULT in stack:
            counts[stage][1] += 1
    return {name: (n * 1000 / frequency, f * 1000 / frequency) for name, (n, f) in counts.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--frequency", type=int, default=4999)
    parser.add_argument("--top", help="list the functions of the stage whose name has this word")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give the command to profile after --")
    with tempfile.TemporaryDirectory() as folder:
        leaves = {}
        runs = [profile(command, args.frequency, folder, r, args.top, leaves)
                for r in range(args.runs)]
    names = [name for name, _ in STAGES] + ["other"]
    print(f"CPU ms by stage, median of {args.runs} runs at {args.frequency} Hz "
          "(the stages' medians need not add up to the total's)")
    print(f"{'stage':34s} {'CPU ms':>8s} {'page faults':>12s}")
    for name in names:
        cpu = statistics.median(r[name][0] for r in runs)
        faults = statistics.median(r[name][1] for r in runs)
        print(f"{name:34s} {cpu:8.1f} {faults:12.1f}")
    totals = [sum(v[0] for v in r.values()) for r in runs]
    faults = [sum(v[1] for v in r.values()) for r in runs]
    print(f"{'total':34s} {statistics.median(totals):8.1f} {statistics.median(faults):12.1f}")
    if args.top:
        print(f"\nfunctions of the stages named '{args.top}', CPU ms over all {args.runs} runs:")
        for name, n in sorted(leaves.items(), key=lambda kv: -kv[1])[:25]:
            print(f"{n * 1000 / args.frequency:8.1f}  {name}")


if __name__ == "__main__":
    sys.exit(main())
