#!/usr/bin/env python3
"""GLM benchmark input for bench/compare.sh: ROWS aggregated rows for a Poisson model.

  gen_glm.py ROWS OUTPUT.csv    (columns ethnicity, age, sex, imd, events, population)

Ethnicity (16 NHS 2001 groups), ESP2013 age band (19), sex (2) and IMD quintile (5): with an
intercept, 39 parameters. Population uniform on 50..5,000; events Poisson with known rate ratios.
Seeded numpy, so the file is the same on every run.
"""
import sys

import numpy as np
import pandas as pd

ETHNICITY = ["White - British", "White - Irish", "White - Any other White background",
             "Mixed - White and Black Caribbean", "Mixed - White and Black African",
             "Mixed - White and Asian", "Mixed - Any other mixed background",
             "Asian or Asian British - Indian", "Asian or Asian British - Pakistani",
             "Asian or Asian British - Bangladeshi",
             "Asian or Asian British - Any other Asian background",
             "Black or Black British - Caribbean", "Black or Black British - African",
             "Black or Black British - Any other Black background",
             "Other Ethnic Groups - Chinese", "Other Ethnic Groups - Any other ethnic group"]
BANDS = ["0-4", "5-9", "10-14", "15-19", "20-24", "25-29", "30-34", "35-39", "40-44", "45-49",
         "50-54", "55-59", "60-64", "65-69", "70-74", "75-79", "80-84", "85-89", "90+"]
BASE = np.array([900, 300, 250, 400, 500, 550, 600, 650, 750, 900, 1100, 1400, 1800, 2400, 3200,
                 4300, 5600, 7000, 8200], dtype=float) / 100_000


def main():
    rows, out = int(sys.argv[1]), sys.argv[2]
    rng = np.random.default_rng(7)
    g = rng.integers(0, len(ETHNICITY), rows)
    b = rng.integers(0, len(BANDS), rows)
    s = rng.integers(0, 2, rows)
    q = rng.integers(1, 6, rows)
    n = rng.integers(50, 5_001, rows)
    rate = BASE[b] * (0.8 + 0.08 * g) * np.where(s == 0, 1.05, 0.95) * (0.8 + 0.1 * q)
    frame = pd.DataFrame({
        "ethnicity": np.array(ETHNICITY)[g], "age": np.array(BANDS)[b],
        "sex": np.where(s == 0, "Female", "Male"), "imd": np.char.add("Q", q.astype(str)),
        "events": rng.poisson(n * rate), "population": n})
    frame.to_csv(out, index=False)


if __name__ == "__main__":
    main()
