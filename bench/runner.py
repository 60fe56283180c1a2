#!/usr/bin/env python3
"""Times commands side by side: interleaved repeated runs, wall and CPU time, peak memory.

  runner.py --runs N [--warmup W] --out RESULT.json NAME=COMMAND [NAME=COMMAND ...]

Each round runs every command once, in the order given, so that a burst of load from other
processes on the shared machine falls on all of them alike (hyperfine runs one command's runs back
to back). Commands are split with shlex and run without a shell; standard output goes to
/dev/null unless the command's last output line is wanted (it is kept from standard error and
standard output, for the scripts that print their own timings). Per run: wall seconds, user+system
CPU seconds of the process and its children, and peak resident set (ru_maxrss, KB). The JSON holds
every run and the medians.
"""
import argparse
import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time


def run_once(argv):
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(argv, stdout=out, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode(errors="replace").strip().splitlines()
        stderr = err.read().decode(errors="replace").strip().splitlines()
    if process.returncode != 0:
        sys.exit(f"runner: {' '.join(argv)} failed ({process.returncode}):\n" + "\n".join(stderr[-20:]))
    return {
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "maxrss_kb": usage.ru_maxrss,
        "stdout_last": stdout[-1] if stdout else "",
        "stderr_last": stderr[-1] if stderr else "",
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--out", required=True)
    parser.add_argument("commands", nargs="+")
    args = parser.parse_args()
    commands = []
    for spec in args.commands:
        name, _, command = spec.partition("=")
        commands.append((name, shlex.split(command)))
    load_before = os.getloadavg()
    for _ in range(args.warmup):
        for name, argv in commands:
            run_once(argv)
    runs = {name: [] for name, _ in commands}
    for r in range(args.runs):
        for name, argv in commands:
            result = run_once(argv)
            runs[name].append(result)
            print(f"  round {r + 1}/{args.runs} {name}: {result['wall']:.3f} s wall, "
                  f"{result['cpu']:.3f} s CPU, {result['maxrss_kb'] / 1024:.0f} MB", file=sys.stderr)
    summary = {}
    for name, argv in commands:
        rs = runs[name]
        summary[name] = {
            "command": " ".join(shlex.quote(a) for a in argv),
            "wall": statistics.median(r["wall"] for r in rs),
            "wall_min": min(r["wall"] for r in rs),
            "wall_max": max(r["wall"] for r in rs),
            "cpu": statistics.median(r["cpu"] for r in rs),
            "maxrss_kb": max(r["maxrss_kb"] for r in rs),
            "runs": rs,
        }
    with open(args.out, "w") as f:
        json.dump({"loadavg_before": load_before, "loadavg_after": os.getloadavg(),
                   "results": summary}, f, indent=1)


if __name__ == "__main__":
    main()
