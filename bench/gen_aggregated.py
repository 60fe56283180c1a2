#!/usr/bin/env python3
"""Aggregated benchmark input for bench/compare.sh: GROUPS groups x 19 ESP2013 age bands.

  gen_aggregated.py GROUPS OUTPUT.csv     (columns group, age, events, population)

Population per band uniform on 500..20,000; events Poisson(population x base rate x the group's
rate ratio), base rates as datasets/synthetic/generate.py. Seeded numpy, so the file is the same
on every run.
"""
import sys

import numpy as np

BANDS = ["0-4", "5-9", "10-14", "15-19", "20-24", "25-29", "30-34", "35-39", "40-44", "45-49",
         "50-54", "55-59", "60-64", "65-69", "70-74", "75-79", "80-84", "85-89", "90+"]
BASE = np.array([900, 300, 250, 400, 500, 550, 600, 650, 750, 900, 1100, 1400, 1800, 2400, 3200,
                 4300, 5600, 7000, 8200], dtype=float)


def main():
    groups, out = int(sys.argv[1]), sys.argv[2]
    rng = np.random.default_rng(20260101)
    population = rng.integers(500, 20_001, size=(groups, len(BANDS)))
    ratio = rng.uniform(0.5, 2.0, size=(groups, 1))
    events = rng.poisson(population * BASE / 100_000 * ratio)
    names = np.repeat(np.array([f"G{g:05d}" for g in range(groups)]), len(BANDS))
    ages = np.tile(np.array(BANDS), groups)
    with open(out, "w") as f:
        f.write("group,age,events,population\n")
        lines = [f"{n},{a},{e},{p}" for n, a, e, p in
                 zip(names, ages, events.ravel().tolist(), population.ravel().tolist())]
        f.write("\n".join(lines))
        f.write("\n")


if __name__ == "__main__":
    main()
