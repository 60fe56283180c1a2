#!/usr/bin/env python3
"""Peer for comparison (a): polars reads the record-level CSV and counts rows by ethnicity x age.

  polars_count.py eager|lazy FILE.csv
eager: pl.read_csv (every column parsed, as an analyst reads a file), then group_by().len().
lazy:  pl.scan_csv (polars may skip the unused columns), the same query, collected.
No normalisation, re-banding or rates: only reading and group-counting.
"""
import sys

import polars as pl

mode, path = sys.argv[1], sys.argv[2]
if mode == "eager":
    counts = pl.read_csv(path).group_by(["ethnicity", "age"]).len()
else:
    counts = pl.scan_csv(path).group_by(["ethnicity", "age"]).len().collect()
print(counts.height, counts["len"].sum(), file=sys.stderr)
