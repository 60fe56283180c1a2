#!/usr/bin/env python3
"""Prepare the NZ COVID-19 vaccination uptake analysis (Ministry of Health, 24 November 2021).

Reads datasets/nz-covid-vaccination/dhb_residence_uptake_2021-11-24.csv and writes:

  uptake.csv           the same rows without the single "Various" row (doses whose DHB, ethnic group,
                       age and gender vary: it has no age band or group, so it cannot be placed; its
                       10,675 first doses are stated in the notebook)
  nz_standard.csv      a standard population for age standardisation: the whole of New Zealand's
                       Health Service User population (all ethnic groups, DHBs and genders) by the
                       file's own age bands (12-15 ... 90+), as NZ analyses standardise to the total
                       population. The European Standard Population's bands (10-14, 15-19) do not
                       fit the 12-15 band, so ESP2013 cannot be used with these data.

Standard library only. Run from the repository root:
  python3 notebooks-export/nz-covid-vaccination/prepare_inputs.py \
      datasets/nz-covid-vaccination notebooks-export/nz-covid-vaccination/inputs
"""
import csv
import sys
from collections import OrderedDict


def main(src, out):
    with open(f"{src}/dhb_residence_uptake_2021-11-24.csv", newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader)
        rows = list(reader)
    age = header.index("Age group")
    pop = header.index("Population")
    kept = [r for r in rows if r[age] != "Various"]
    with open(f"{out}/uptake.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(kept)
    totals = OrderedDict()
    for r in sorted(kept, key=lambda r: int(r[age].split("-")[0].rstrip("+"))):
        totals[r[age]] = totals.get(r[age], 0) + int(r[pop])
    with open(f"{out}/nz_standard.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["age_band", "population"])
        for band, total in totals.items():
            w.writerow([band, total])


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
