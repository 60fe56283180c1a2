#!/usr/bin/env python3
"""Generate a synthetic record-level dataset: hospital admissions with messy ethnicity labels.

No real people: every row is drawn from a fixed model, so the true rates are known.

  admissions.csv   one row per admission: ethnicity (a real-world label variant of the person's
                   NHS 2001 category, or an unknown/collective value), age (years), sex, region
  population.csv   the population at risk: ethnicity (official NHS label), age (ESP2013 band),
                   sex, region, population
  truth.csv        the model's true age-specific rate per 100,000 for each group (age band x group)

Model: population by group x band x sex x region from fixed shares; admissions ~ Poisson(population x
base rate(band) x rate ratio(group) x sex factor x region factor). Each admission's label is drawn from
the variants of its group; 3% are recorded as not stated, 2% not known (blank or "99"), 0.2% with a
collective term ("BAME"), which the toolkit must report, not map.

Usage: python3 generate.py [--scale S] [--seed N] OUTPUT_DIR
  scale 1 gives about 60,000 admissions; the benchmarks use larger scales.
Only the Python standard library is used, so the output is the same on every machine.
"""
import argparse
import csv
import math
import random

BANDS = ["0-4", "5-9", "10-14", "15-19", "20-24", "25-29", "30-34", "35-39", "40-44", "45-49",
         "50-54", "55-59", "60-64", "65-69", "70-74", "75-79", "80-84", "85-89", "90+"]
# Base admission rate per 100,000 per band (rising with age).
BASE = [900, 300, 250, 400, 500, 550, 600, 650, 750, 900, 1100, 1400, 1800, 2400, 3200, 4300, 5600,
        7000, 8200]
# NHS 2001 code, official label, population share (%), true rate ratio, label variants seen in data.
GROUPS = [
    ("A", "White - British", 79.8, 1.00, ["White British", "British (White)", "WHITE - BRITISH", "A", "White: English/Welsh/Scottish/Northern Irish/British", "british"]),
    ("B", "White - Irish", 1.0, 0.90, ["White Irish", "Irish (White)", "B", "White - Irish "]),
    ("C", "White - Any other White background", 5.7, 0.80, ["Any other White background", "White other", "C", "CP", "White: Other White"]),
    ("D", "Mixed - White and Black Caribbean", 0.8, 1.20, ["White and Black Caribbean (Mixed)", "Mixed: White and Black Caribbean", "D"]),
    ("E", "Mixed - White and Black African", 0.3, 1.15, ["White and Black African (Mixed)", "Mixed - White and Black African", "E"]),
    ("F", "Mixed - White and Asian", 0.6, 1.05, ["White and Asian (Mixed)", "Mixed: White and Asian", "F"]),
    ("G", "Mixed - Any other mixed background", 0.5, 1.10, ["Any other Mixed background", "Mixed other", "G"]),
    ("H", "Asian or Asian British - Indian", 2.6, 1.30, ["Indian (Asian or Asian British)", "Asian or Asian British - Indian", "Indian", "H"]),
    ("J", "Asian or Asian British - Pakistani", 2.1, 1.90, ["Pakistani (Asian or Asian British)", "Asian or Asian British - Pakistani", "Pakistani", "J"]),
    ("K", "Asian or Asian British - Bangladeshi", 0.8, 2.00, ["Bangladeshi (Asian or Asian British)", "Bangladeshi", "K"]),
    ("L", "Asian or Asian British - Any other Asian background", 1.5, 1.40, ["Any other Asian background", "Asian other", "L"]),
    ("M", "Black or Black British - Caribbean", 1.1, 1.60, ["Caribbean (Black or Black British)", "Black or Black British - Caribbean", "Black Caribbean", "M"]),
    ("N", "Black or Black British - African", 1.8, 1.70, ["African (Black or Black British)", "Black or Black British - African", "Black African", "N"]),
    ("P", "Black or Black British - Any other Black background", 0.5, 1.50, ["Any other Black background", "Black other", "P"]),
    ("R", "Other Ethnic Groups - Chinese", 0.7, 0.60, ["Chinese (other ethnic group)", "Chinese", "R"]),
    ("S", "Other Ethnic Groups - Any other ethnic group", 0.6, 1.10, ["Any other ethnic group", "Other ethnic group: Any other ethnic group", "S"]),
]
# Younger age structure for most minority groups: weight per band for "older" (A, B) and "younger".
AGE_OLDER = [5.5, 5.6, 5.6, 6.0, 6.3, 6.4, 6.3, 6.2, 6.6, 7.0, 7.2, 6.6, 5.9, 5.7, 4.8, 3.6, 2.6, 1.5, 0.6]
AGE_YOUNGER = [8.5, 8.0, 7.5, 7.5, 8.0, 9.0, 9.5, 8.5, 7.5, 6.5, 5.5, 4.0, 3.0, 2.5, 1.8, 1.2, 0.7, 0.3, 0.1]
SEXES = [("Female", 1.05, 0.51), ("Male", 0.95, 0.49)]
REGIONS = [("North East", 1.10, 0.05), ("North West", 1.08, 0.13), ("Yorkshire and The Humber", 1.05, 0.10),
           ("East Midlands", 1.00, 0.08), ("West Midlands", 1.02, 0.10), ("East of England", 0.95, 0.11),
           ("London", 0.97, 0.16), ("South East", 0.92, 0.16), ("South West", 0.94, 0.11)]
TOTAL_POPULATION = 5_000_000


def poisson(rng, mean):
    """Knuth's method for small means, a normal approximation with continuity correction above 50."""
    if mean <= 0:
        return 0
    if mean > 50:
        return max(0, int(round(rng.gauss(mean, math.sqrt(mean)))))
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=20260101)
    ap.add_argument("output")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    share_total = sum(g[2] for g in GROUPS)
    with open(f"{args.output}/population.csv", "w", newline="") as pf, \
         open(f"{args.output}/admissions.csv", "w", newline="") as af, \
         open(f"{args.output}/truth.csv", "w", newline="") as tf:
        pw, aw, tw = csv.writer(pf, lineterminator="\n"), csv.writer(af, lineterminator="\n"), csv.writer(tf, lineterminator="\n")
        pw.writerow(["ethnicity", "age", "sex", "region", "population"])
        aw.writerow(["ethnicity", "age", "sex", "region"])
        tw.writerow(["ethnicity", "age", "rate_per_100000"])
        for code, label, share, rr, variants in GROUPS:
            weights = AGE_OLDER if code in ("A", "B") else AGE_YOUNGER
            wsum = sum(weights)
            for b, band in enumerate(BANDS):
                tw.writerow([label, band, BASE[b] * rr])
                for sex, sf, ss in SEXES:
                    for region, rf, rs in REGIONS:
                        pop = round(TOTAL_POPULATION * args.scale * share / share_total * weights[b] / wsum * ss * rs)
                        pw.writerow([label, band, sex, region, pop])
                        n = poisson(rng, pop * BASE[b] / 100_000 * rr * sf * rf)
                        lo = b * 5
                        for _ in range(n):
                            age = lo + rng.randrange(5) if band != "90+" else 90 + min(int(rng.expovariate(0.25)), 15)
                            u = rng.random()
                            if u < 0.03:
                                value = rng.choice(["Not stated", "Z", "Refused"])
                            elif u < 0.05:
                                value = rng.choice(["", "99", "Not known"])
                            elif u < 0.052:
                                value = "BAME"
                            else:
                                value = rng.choice(variants)
                            aw.writerow([value, age, sex, region])


if __name__ == "__main__":
    main()
