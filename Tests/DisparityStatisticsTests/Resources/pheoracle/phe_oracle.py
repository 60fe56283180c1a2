#!/usr/bin/env python3
"""Independent re-implementation of the documented formulas of PHEindicatormethods 2.1.0.

PHEindicatormethods (GPL-3) is not installable on this machine (not in Debian), so this script
re-derives its outputs from its documentation (function reference and DSR vignette) with scipy:
no code of the package is copied. It writes the randomised inputs and the expected outputs that
Tests/DisparityStatisticsTests/PHEOracleTests.swift checks to 1e-9 relative.

Functions reproduced (confidence 0.95 and 0.998, as PHE's `confidence = c(0.95, 0.998)`):
  phe_rate          value = x/n*m; x < 10: exact chi-square limits, else Byar; limits/n*m
  phe_proportion    value = x/n*m; Wilson score limits * m
  calculate_dsr     value = sum(x*s/n)/sum(s)*m; vardsr = sum(x*(s/n)^2)/sum(s)^2;
                    limits = value + sqrt(vardsr/O)*(Byar(O) - O)*m at every O (Dobson);
                    PHE returns NA for O < 10: the unsuppressed formula value is written with
                    phe_suppressed = 1. Non-independent events (independent_events = FALSE):
                    vardsr = sum_f f^2 * vardsr_f, with vardsr_f from the people with frequency f,
                    and x = sum_f f * people_f per band.
  calculate_ISRatio expected = sum(x_ref/n_ref*n); value = O/E*refvalue; O < 10: exact, else Byar
  calculate_ISRate  as ISRatio with refvalue = sum(x_ref)/sum(n_ref)*m
Byar: lower = x(1 - 1/(9x) - z/(3 sqrt x))^3 (PHE returns NA when negative: written empty here),
      upper = (x+1)(1 - 1/(9(x+1)) + z/(3 sqrt(x+1)))^3, z = qnorm(1 - (1-conf)/2).

Run: python3 phe_oracle.py   (from this folder; writes the CSVs beside it; seed fixed).
"""
import csv
import math

import numpy as np
from scipy import stats

SEED = 20240611
LEVELS = (0.95, 0.998)
ESP2013 = [5000, 5500, 5500, 5500, 6000, 6000, 6500, 7000, 7000, 7000, 7000, 6500, 6000, 5500,
           5000, 4000, 2500, 1500, 1000]
rng = np.random.default_rng(SEED)


def z_of(conf):
    return stats.norm.ppf(conf + (1 - conf) / 2)


def byar_lower(x, conf):
    if x == 0:
        return None  # 0 * (-inf)^3: NaN in R
    value = x * (1 - 1 / (9 * x) - z_of(conf) / (3 * math.sqrt(x))) ** 3
    return None if value < 0 else value


def byar_upper(x, conf):
    return (x + 1) * (1 - 1 / (9 * (x + 1)) + z_of(conf) / (3 * math.sqrt(x + 1))) ** 3


def exact_lower(x, conf):
    return 0.0 if x == 0 else stats.chi2.ppf((1 - conf) / 2, 2 * x) / 2


def exact_upper(x, conf):
    return stats.chi2.ppf(conf + (1 - conf) / 2, 2 * x + 2) / 2


def phe_count_limits(x, conf):
    """phe_rate / calculate_ISRatio rule: exact below 10, Byar from 10."""
    if x < 10:
        return exact_lower(x, conf), exact_upper(x, conf)
    return byar_lower(x, conf), byar_upper(x, conf)


def fmt(v):
    return "" if v is None or (isinstance(v, float) and not math.isfinite(v)) else repr(float(v))


def scaled(v, k):
    return None if v is None else v * k


def limit_columns():
    return [f"{side}{tag}" for tag in ("95", "998") for side in ("lower", "upper")]


# ---------------------------------------------------------------- phe_rate
def rates():
    cases = []
    for x in list(range(0, 13)) + [10, 9.5, 10.5]:
        cases.append((x, float(rng.integers(50, 200000))))
    for _ in range(40):
        cases.append((float(rng.integers(0, 500)), float(rng.integers(1, 10**6))))
    for _ in range(10):
        x = float(rng.integers(10**6, 10**8))
        cases.append((x, x * float(rng.uniform(1.5, 1000))))
    cases.append((30.0, 12.0))  # x > n is allowed for rates
    with open("rate_expected.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["x", "n", "multiplier", "value"] + limit_columns())
        for i, (x, n) in enumerate(cases):
            m = [100000.0, 1000.0, 100.0, 1.0][i % 4]
            row = [fmt(x), fmt(n), fmt(m), fmt(x / n * m)]
            for conf in LEVELS:
                lo, up = phe_count_limits(x, conf)
                row += [fmt(scaled(lo, m / n)), fmt(up * m / n)]
            w.writerow(row)


# ---------------------------------------------------------------- phe_proportion
def proportions():
    cases = [(0.0, 10.0), (10.0, 10.0), (1.0, 1.0), (5.0, 9.0), (9.0, 20.0), (10.0, 20.0)]
    for _ in range(40):
        n = float(rng.integers(1, 5000))
        cases.append((float(rng.integers(0, int(n) + 1)), n))
    for _ in range(6):
        n = float(rng.integers(10**6, 10**8))
        cases.append((float(rng.integers(0, int(n))), n))
    with open("proportion_expected.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["x", "n", "multiplier", "value"] + limit_columns())
        for i, (x, n) in enumerate(cases):
            m = [1.0, 100.0, 1000.0][i % 3]
            row = [fmt(x), fmt(n), fmt(m), fmt(x / n * m)]
            for conf in LEVELS:
                z = z_of(conf)
                root = z * math.sqrt(z * z + 4 * x * (1 - x / n))
                row += [fmt((2 * x + z * z - root) / 2 / (n + z * z) * m),
                        fmt((2 * x + z * z + root) / 2 / (n + z * z) * m)]
            w.writerow(row)


# ---------------------------------------------------------------- calculate_dsr
def dsr_limits(value, vardsr, total, m):
    out = []
    for conf in LEVELS:
        if total == 0:
            out += [None, None]  # sqrt(0/0): NaN in R
            continue
        factor = math.sqrt(vardsr / total)
        lo = byar_lower(total, conf)
        out += [None if lo is None else value + factor * (lo - total) * m,
                value + factor * (byar_upper(total, conf) - total) * m]
    return out


def spread(total, bands):
    """`total` events spread over `bands` bands at random (a multinomial draw)."""
    return rng.multinomial(total, np.ones(bands) / bands).astype(float)


def dsr_cases():
    cases = []
    totals = [0, 1, 2, 5, 8, 9, 9, 10, 10, 11, 12, 15, 50, 200, 1000]
    for total in totals:
        bands = 19
        pops = rng.integers(100, 50000, bands).astype(float)
        cases.append((spread(total, bands), pops, np.array(ESP2013, float)))
    for _ in range(20):  # random counts, many zero bands
        bands = 19
        pops = rng.integers(50, 100000, bands).astype(float)
        x = rng.poisson(rng.uniform(0, 30, bands)).astype(float)
        x[rng.random(bands) < 0.3] = 0
        cases.append((x, pops, np.array(ESP2013, float)))
    for _ in range(5):  # very large counts
        bands = 19
        pops = rng.integers(10**7, 10**9, bands).astype(float)
        x = np.floor(pops * rng.uniform(0.001, 0.05, bands))
        cases.append((x, pops, np.array(ESP2013, float)))
    for _ in range(5):  # a custom standard with 6 bands that does not sum to 100,000
        bands = 6
        pops = rng.integers(1000, 100000, bands).astype(float)
        x = rng.poisson(rng.uniform(0, 40, bands)).astype(float)
        std = rng.uniform(1000, 60000, bands)
        cases.append((x, pops, std))
    return cases


def dsr():
    with open("dsr_input.csv", "w", newline="") as fi, open("dsr_expected.csv", "w", newline="") as fe:
        wi, we = csv.writer(fi), csv.writer(fe)
        wi.writerow(["case", "band", "x", "n", "stdpop"])
        we.writerow(["case", "multiplier", "total_count", "total_pop", "value", "vardsr"]
                    + limit_columns() + ["phe_suppressed"])
        for c, (x, n, s) in enumerate(dsr_cases(), start=1):
            m = [100000.0, 1000.0, 1.0][c % 3]
            for b in range(len(x)):
                wi.writerow([c, b + 1, fmt(x[b]), fmt(n[b]), fmt(s[b])])
            value = float(np.sum(x * s / n) / np.sum(s) * m)
            vardsr = float(np.sum(x * (s / n) ** 2) / np.sum(s) ** 2)
            total = float(np.sum(x))
            we.writerow([c, fmt(m), fmt(total), fmt(float(np.sum(n))), fmt(value), fmt(vardsr)]
                        + [fmt(v) for v in dsr_limits(value, vardsr, total, m)]
                        + [1 if total < 10 else 0])


def dsr_nonindependent():
    freqs = [1, 2, 3, 5]
    with open("dsr_nonindependent_input.csv", "w", newline="") as fi, \
            open("dsr_nonindependent_expected.csv", "w", newline="") as fe:
        wi, we = csv.writer(fi), csv.writer(fe)
        wi.writerow(["case", "band", "eventfreq", "people", "n", "stdpop"])
        we.writerow(["case", "multiplier", "total_count", "total_pop", "value", "vardsr"]
                    + limit_columns() + ["phe_suppressed"])
        for c in range(1, 21):
            bands = 19
            m = 100000.0 if c % 2 else 1000.0
            n = rng.integers(500, 80000, bands).astype(float)
            s = np.array(ESP2013, float)
            scale = [0.2, 1, 5, 40][c % 4]
            people = rng.poisson(np.outer(rng.uniform(0, scale, bands), [8, 3, 1, 0.3])).astype(float)
            people[rng.random((bands, len(freqs))) < 0.25] = 0
            for b in range(bands):
                for k, f in enumerate(freqs):
                    wi.writerow([c, b + 1, f, fmt(people[b, k]), fmt(n[b]), fmt(s[b])])
            # first pass: one vardsr per event frequency, summed with weights f^2
            vardsr = 0.0
            for k, f in enumerate(freqs):
                vardsr += f * f * float(np.sum(people[:, k] * (s / n) ** 2) / np.sum(s) ** 2)
            x = people @ np.array(freqs, float)
            value = float(np.sum(x * s / n) / np.sum(s) * m)
            total = float(np.sum(x))
            we.writerow([c, fmt(m), fmt(total), fmt(float(np.sum(n))), fmt(value), fmt(vardsr)]
                        + [fmt(v) for v in dsr_limits(value, vardsr, total, m)]
                        + [1 if total < 10 else 0])


# ---------------------------------------------------------------- calculate_ISRatio / ISRate
def isr():
    with open("isr_input.csv", "w", newline="") as fi, open("isr_expected.csv", "w", newline="") as fe:
        wi, we = csv.writer(fi), csv.writer(fe)
        wi.writerow(["case", "band", "x", "n", "x_ref", "n_ref"])
        ratio_cols = [f"ratio_{c}" for c in limit_columns()]
        rate_cols = [f"rate_{c}" for c in limit_columns()]
        we.writerow(["case", "observed_totals_only", "refvalue", "multiplier", "observed", "expected",
                     "ratio_value"] + ratio_cols + ["ref_rate", "rate_value"] + rate_cols)
        totals = [0, 1, 3, 8, 9, 10, 11, 14, 60, 400, 2500]
        specs = [("total", t) for t in totals] + [("random", None)] * 15 + [("large", None)] * 5
        for c, (kind, total) in enumerate(specs, start=1):
            bands = 19
            n_ref = rng.integers(10**5, 10**7, bands).astype(float)
            x_ref = np.floor(n_ref * np.exp(np.linspace(-9, -3, bands)) * rng.uniform(0.5, 2, bands))
            if kind == "large":
                n = rng.integers(10**7, 10**8, bands).astype(float)
                x = np.floor(n * np.exp(np.linspace(-9, -3, bands)) * rng.uniform(0.5, 2, bands))
            else:
                n = rng.integers(200, 60000, bands).astype(float)
                if kind == "total":
                    x = spread(total, bands)
                else:
                    x = rng.poisson(n * np.exp(np.linspace(-9, -3, bands))).astype(float)
            totals_only = 1 if c % 5 == 0 else 0
            refvalue = 100.0 if c % 2 else 1.0
            m = [100000.0, 1000.0, 100.0][c % 3]
            for b in range(bands):
                wi.writerow([c, b + 1, "" if totals_only else fmt(x[b]), fmt(n[b]), fmt(x_ref[b]), fmt(n_ref[b])])
            observed = float(np.sum(x))
            expected = float(np.sum(x_ref / n_ref * n))
            ref_rate = float(np.sum(x_ref) / np.sum(n_ref) * m)
            ratio = [observed / expected * refvalue]
            rate = [observed / expected * ref_rate]
            for conf in LEVELS:
                lo, up = phe_count_limits(observed, conf)
                ratio += [scaled(lo, refvalue / expected), up / expected * refvalue]
                rate += [scaled(lo, ref_rate / expected), up / expected * ref_rate]
            we.writerow([c, totals_only, fmt(refvalue), fmt(m), fmt(observed), fmt(expected)]
                        + [fmt(v) for v in ratio] + [fmt(ref_rate)] + [fmt(v) for v in rate])


if __name__ == "__main__":
    rates()
    proportions()
    dsr()
    dsr_nonindependent()
    isr()
