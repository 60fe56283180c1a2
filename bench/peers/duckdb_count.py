#!/usr/bin/env python3
"""Peer for comparison (a): DuckDB reads the record-level CSV and counts rows by ethnicity x age.

  duckdb_count.py FILE.csv
"""
import sys

import duckdb

path = sys.argv[1].replace("'", "''")
rows = duckdb.sql(
    f"SELECT ethnicity, age, count(*) AS n FROM read_csv('{path}') GROUP BY ALL").fetchall()
print(len(rows), sum(r[2] for r in rows), file=sys.stderr)
