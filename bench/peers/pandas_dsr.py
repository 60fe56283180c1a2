#!/usr/bin/env python3
"""Peer for comparison (c): directly standardised rates as an analyst writes them in pandas + numpy.

  pandas_dsr.py AGGREGATED.csv ESP2013.csv OUTPUT.csv

Input: group, age, events, population (one row per group x ESP2013 band). For each group: the DSR
per 100,000 with Dobson et al.'s interval, the limits on the total count O from Byar's
approximation (PHEindicatormethods calculate_dsr, METHODS.md), at 95% and 99.8%. Prints the
seconds spent after the imports (reading, computing and writing) on standard error.
"""
import sys
import time

import numpy as np
import pandas as pd
from scipy.stats import norm

start = time.perf_counter()
data = pd.read_csv(sys.argv[1])
esp = pd.read_csv(sys.argv[2]).rename(columns={"age_band": "age", "population": "standard"})
data = data.merge(esp, on="age", how="left")
# w_i = s_i / (sum s * n_i): the standard summed over each group's bands.
data["w"] = data["standard"] / (data.groupby("group")["standard"].transform("sum") * data["population"])
data["wx"] = data["w"] * data["events"]
data["w2x"] = data["w"] ** 2 * data["events"]
result = data.groupby("group", sort=False).agg(
    events=("events", "sum"), population=("population", "sum"), dsr=("wx", "sum"), var=("w2x", "sum"))
o = result["events"]
for level, suffix in [(0.95, "95"), (0.998, "99.8")]:
    z = norm.ppf(1 - (1 - level) / 2)
    lower_o = o * (1 - 1 / (9 * o) - z / (3 * np.sqrt(o))) ** 3
    upper_o = (o + 1) * (1 - 1 / (9 * (o + 1)) + z / (3 * np.sqrt(o + 1))) ** 3
    scale = np.sqrt(result["var"] / o)
    result[f"asr_lower_{suffix}"] = (result["dsr"] + scale * (lower_o - o)) * 100_000
    result[f"asr_upper_{suffix}"] = (result["dsr"] + scale * (upper_o - o)) * 100_000
result["asr"] = result["dsr"] * 100_000
result.drop(columns=["dsr", "var"]).to_csv(sys.argv[3])
print(f"{time.perf_counter() - start:.6f}", file=sys.stderr)
