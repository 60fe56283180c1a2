#!/usr/bin/env python3
"""Peer for comparison (d): the Poisson GLM in statsmodels, as an analyst writes it.

  statsmodels_glm.py FILE.csv [COEFFICIENTS.csv]

events ~ ethnicity + age + sex + imd, offset ln(population), treatment contrasts with references
"White - British", "0-4", "Female", "Q1"; IRLS (statsmodels' default: stops when the deviance
changes by less than 1e-8). Prints `read_s design_s fit_s rows parameters iterations deviance`
and writes term, estimate, std_error with the terms named as disparity names them
(variable + level).
"""
import re
import sys
import time

import numpy as np
import pandas as pd
import statsmodels.api as sm
import statsmodels.formula.api as smf

start = time.perf_counter()
data = pd.read_csv(sys.argv[1])
read_s = time.perf_counter() - start

start = time.perf_counter()
model = smf.glm(
    "events ~ C(ethnicity, Treatment('White - British')) + C(age, Treatment('0-4'))"
    " + C(sex, Treatment('Female')) + C(imd, Treatment('Q1'))",
    data=data, family=sm.families.Poisson(), offset=np.log(data["population"]))
design_s = time.perf_counter() - start

start = time.perf_counter()
fit = model.fit()
fit_s = time.perf_counter() - start

print(read_s, design_s, fit_s, len(data), len(fit.params), fit.fit_history["iteration"], fit.deviance)
if len(sys.argv) > 2:
    def name(term):
        if term == "Intercept":
            return "(Intercept)"
        m = re.match(r"C\((\w+), .*\)\[T\.(.*)\]$", term)
        return m.group(1) + m.group(2)
    pd.DataFrame({"term": [name(t) for t in fit.params.index], "estimate": fit.params.values,
                  "std_error": fit.bse.values}).to_csv(sys.argv[2], index=False)
