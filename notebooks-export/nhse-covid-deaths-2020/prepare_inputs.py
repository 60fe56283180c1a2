#!/usr/bin/env python3
"""Prepare the inputs of the NHS England COVID-19 deaths analysis (Aldridge et al. 2020).

The deaths by ethnicity come without an age breakdown, so the paper uses indirect standardisation:
reference death rates by age (SMR1) and by age x region (SMR2) for the whole population of England,
applied to the 2011 Census population of each ethnic group. This script turns the published tables in
datasets/nhse-covid-deaths-2020/ into the three files `disparity analyse` reads:

  population_ethnicity_age_region.csv  ethnicity (2011 Census label, as published), age (Census band),
                                       region (NHS England region), population
                                       -- the Nomis table in long form; Wales (no NHS England region)
                                       and the ": Total" / "All categories" rows are left out.
  reference_rates_age.csv              age, events, population: deaths by age band, rescaled so that
                                       they add up to the deaths of known ethnicity after those of
                                       unknown ethnicity are redistributed (the paper's alignment),
                                       over the population of England in that band.
  reference_rates_age_region.csv       age, region, events, population: deaths by region (rescaled the
                                       same way) split across age bands in the national age profile
                                       (the paper's assumption), over the population of each cell.

Only the Python standard library is used. Run from the repository root:
  python3 notebooks-export/nhse-covid-deaths-2020/prepare_inputs.py DATASET_DIR OUTPUT_DIR
"""
import csv
import sys
from collections import OrderedDict, defaultdict


def read(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def main(src, out):
    eth = read(f"{src}/ethnicity_26apr2020.csv")
    ages = read(f"{src}/age_26apr2020.csv")
    regions = read(f"{src}/region_26apr2020.csv")
    lookup_age = {r["age"]: r["age_nhse"] for r in read(f"{src}/lookup_age.csv")}
    lookup_region = {r["region"]: r["region_nhse"] for r in read(f"{src}/lookup_region.csv")}
    nomis = read(f"{src}/nomis_reformatted.csv")

    # The deaths of known ethnicity after redistributing "Not stated" and "No match": their total is
    # the total of the ethnicity table (the paper's eth_factor scales the known groups up to it).
    total_deaths = sum(float(r["d"]) for r in eth)

    # Population in long form: England only (Wales has no NHS England region), no total rows.
    age_columns = [c for c in nomis[0].keys() if c.startswith("Age ")]
    population_rows = []
    for r in nomis:
        label = r["ethnicity"]
        region = lookup_region.get(r["region"], "NA")
        if region == "NA" or label.startswith("All categories") or label.endswith(": Total"):
            continue
        for a in age_columns:
            population_rows.append((label, a, region, int(r[a])))

    # Population of England by the deaths table's age bands, and by band x region.
    pop_age = defaultdict(int)
    pop_age_region = defaultdict(int)
    for label, a, region, p in population_rows:
        pop_age[lookup_age[a]] += p
        pop_age_region[(lookup_age[a], region)] += p

    age_total = sum(float(r["d"]) for r in ages)
    region_total = sum(float(r["d"]) for r in regions)

    with open(f"{out}/population_ethnicity_age_region.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["ethnicity", "age", "region", "population"])
        w.writerows(population_rows)

    with open(f"{out}/reference_rates_age.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["age", "events", "population"])
        for r in ages:
            events = float(r["d"]) * total_deaths / age_total
            w.writerow([r["age"], repr(events), pop_age[r["age"]]])

    with open(f"{out}/reference_rates_age_region.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["age", "region", "events", "population"])
        for a in ages:
            share = float(a["d"]) / age_total
            for g in regions:
                events = float(g["d"]) * total_deaths / region_total * share
                w.writerow([a["age"], g["region"], repr(events), pop_age_region[(a["age"], g["region"])]])


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
