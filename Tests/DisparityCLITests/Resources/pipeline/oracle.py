#!/usr/bin/env python3
"""Independent oracle for `disparity analyse`: the numbers its tidy CSV should print.

Written from the project's statistical specification (METHODS.md: PHE `phe_rate`, `phe_proportion`,
`calculate_dsr`, Fay & Feuer 1997, the log-scale delta method, Wald, Katz and Newcombe), not from the
Swift sources. Python standard library + numpy + scipy (quantiles from scipy.stats).

For every scenario in SCENARIOS it writes two files into expected/:

  <name>.args   the `disparity analyse` arguments, one per line; `{pipeline}` stands for this folder and
                `{repo}` for the package root (the Swift test substitutes both)
  <name>.csv    the expected tidy table: the tool's columns (numbers at full precision, shortest
                round-trip repr), plus `expected_flags`, keywords each row's `flag` must contain

Usage (from the package root):
  python3 Tests/DisparityCLITests/Resources/pipeline/oracle.py

Inputs:
  datasets/synthetic/admissions.csv + population.csv  record-level admissions (one row per event, age in
        years) and population by official NHS label x ESP2013 band x sex x region
  synthetic-small/  the same generator at --scale 0.005 --seed 4242: groups with 0, 1-9 events and bands
        with no population
  datasets/nz-covid-vaccination/dhb_residence_uptake_2021-11-24.csv  first doses and HSU population,
        aggregated counts; nz-female.csv is its Female rows (where doses do not exceed the population
        in any known group, so proportions are defined)

Grouping is done from the generator's own label table (datasets/synthetic/generate.py, GROUPS), which
says which recorded variant belongs to which NHS 2001 category: an independent truth for the
normaliser. Values the generator writes for unknown ethnicity ("Not stated", "Z", "Refused", "",
"99", "Not known") and the collective term "BAME" belong to no group and are left out.
For the NZ file (`--scheme raw`) labels are kept as written; "Unknown" is ethnicity not known and is
left out; "Various" (one row whose every column is Various) is kept as a group of its own, as raw
labels are.
"""
import csv
import importlib.util
import math
import os
import sys
from collections import defaultdict

import numpy as np
from scipy import stats

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", "..", "..", ".."))
EXPECTED = os.path.join(HERE, "expected")

# 2013 European Standard Population (Eurostat 2013, ages 0 and 1-4 combined, 90-94 and 95+ combined).
ESP2013 = [("0-4", 0, 4, 5000), ("5-9", 5, 9, 5500), ("10-14", 10, 14, 5500), ("15-19", 15, 19, 5500),
           ("20-24", 20, 24, 6000), ("25-29", 25, 29, 6000), ("30-34", 30, 34, 6500),
           ("35-39", 35, 39, 7000), ("40-44", 40, 44, 7000), ("45-49", 45, 49, 7000),
           ("50-54", 50, 54, 7000), ("55-59", 55, 59, 6500), ("60-64", 60, 64, 6000),
           ("65-69", 65, 69, 5500), ("70-74", 70, 74, 5000), ("75-79", 75, 79, 4000),
           ("80-84", 80, 84, 2500), ("85-89", 85, 89, 1500), ("90+", 90, 10_000, 1000)]


def band_of_age(age):
    """The ESP2013 band of an integer age in years (90 and over: 90+)."""
    for label, lo, hi, _ in ESP2013:
        if lo <= age <= hi:
            return label
    raise ValueError(age)


def band_of_label(label):
    """The ESP2013 band of a 5-year band label as the generator writes it ("0-4" ... "90+")."""
    for band, _, _, _ in ESP2013:
        if band == label:
            return band
    raise ValueError(label)


def generator_groups():
    spec = importlib.util.spec_from_file_location("generate",
                                                  os.path.join(REPO, "datasets/synthetic/generate.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.GROUPS


GROUPS = generator_groups()
CODE_ORDER = [g[0] for g in GROUPS]
LABEL_OF = {g[0]: g[1] for g in GROUPS}
VARIANT_TO_CODE = {}
for code, label, _, _, variants in GROUPS:
    for v in variants:
        VARIANT_TO_CODE[v] = code
    VARIANT_TO_CODE[label] = code
NOT_A_GROUP = {"Not stated", "Z", "Refused", "", "99", "Not known", "BAME"}


# ---------------------------------------------------------------------------------------------
# Loading into strata: {by_key: {group_key: {band: [events, population]}}}; band None = no age.

def nested():
    return defaultdict(lambda: defaultdict(lambda: defaultdict(lambda: [0.0, 0.0])))


def load_synthetic(folder, by, age):
    data = nested()
    with open(os.path.join(folder, "admissions.csv"), newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            value = row["ethnicity"]
            if value in NOT_A_GROUP:
                continue
            code = VARIANT_TO_CODE[value]
            band = band_of_age(int(row["age"])) if age else None
            data[tuple(row[c] for c in by)][code][band][0] += 1
    with open(os.path.join(folder, "population.csv"), newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            code = VARIANT_TO_CODE[row["ethnicity"]]
            band = band_of_label(row["age"]) if age else None
            data[tuple(row[c] for c in by)][code][band][1] += float(row["population"])
    return data


def load_nz(path, by):
    data = nested()
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            group = row["Ethnic group"].strip()
            if group == "Unknown":
                continue
            cell = data[tuple(row[c] for c in by)][group][None]
            cell[0] += float(row["First dose administered"])
            cell[1] += float(row["Population"])
    return data


# ---------------------------------------------------------------------------------------------
# Methods (METHODS.md).

def z_of(level):
    return stats.norm.ppf(1 - (1 - level) / 2)


def exact_count(x, level):
    a = 1 - level
    lower = 0.0 if x == 0 else stats.chi2.ppf(a / 2, 2 * x) / 2
    upper = stats.chi2.ppf(1 - a / 2, 2 * x + 2) / 2
    return lower, upper


def byar_count(x, level):
    """Byar's limits; a lower limit the cube would put below 0 (x = 1 or 2 at 99.8%) is 0."""
    z = z_of(level)
    lower = 0.0 if x == 0 else x * max(0.0, 1 - 1 / (9 * x) - z / (3 * math.sqrt(x))) ** 3
    upper = (x + 1) * (1 - 1 / (9 * (x + 1)) + z / (3 * math.sqrt(x + 1))) ** 3
    return lower, upper


def count_limits(x, level, method):
    if method == "exact" or (method is None and x < 10):
        return exact_count(x, level)
    return byar_count(x, level)


def wilson(x, n, level):
    z = z_of(level)
    root = z * math.sqrt(z * z + 4 * x * (1 - x / n))
    return (2 * x + z * z - root) / (2 * (n + z * z)), (2 * x + z * z + root) / (2 * (n + z * z))


def dsr(bands, level, method):
    """Σ w_i x_i with w_i = s_i / (Σ s · n_i); variance Σ w_i² x_i; Dobson or Fay-Feuer limits.

    Bands with no population contribute nothing (they have no events either); w_M is the largest
    weight among bands with population.
    """
    total_standard = sum(s for _, _, _, s in ESP2013)
    weights, counts = [], []
    for label, _, _, s in ESP2013:
        x, n = bands.get(label, (0.0, 0.0))
        if n == 0:
            assert x == 0, (label, x)
            continue
        weights.append(s / (total_standard * n))
        counts.append(x)
    w = np.array(weights)
    x = np.array(counts)
    y = float(np.sum(w * x))
    v = float(np.sum(w * w * x))
    observed = float(np.sum(x))
    a = 1 - level
    if method in (None, "dobson"):
        lo, hi = byar_count(observed, level)
        if observed == 0:
            # √(v/O) is 0/0: the upper limit is w_M × U(0), as Fay-Feuer gives at O = 0
            # (the toolkit's documented choice; PHE gives no value below 10 events).
            return y, v, observed, 0.0, float(np.max(w)) * hi
        root = math.sqrt(v / observed)
        return y, v, observed, y + root * (lo - observed), y + root * (hi - observed)
    if method == "fay-feuer":
        wm = float(np.max(w))
        lower = 0.0 if y == 0 else stats.gamma.ppf(a / 2, y * y / v, scale=v / y)
        upper = stats.gamma.ppf(1 - a / 2, (y + wm) ** 2 / (v + wm * wm),
                                scale=(v + wm * wm) / (y + wm))
        return y, v, observed, lower, upper
    raise ValueError(method)


def significance(lower, upper):
    if lower is None:
        return ""
    if lower > 1:
        return "higher"
    if upper < 1:
        return "lower"
    return "similar"


# ---------------------------------------------------------------------------------------------

def level_suffixes(levels):
    if len(levels) == 1:
        return [""]
    return ["_" + format(l * 100, "g") for l in levels]


def analyse(data, by, levels, measure="rate", age=False, reference=None, ci_method=None,
            multiplier=None, group_key_order=None, label_of=None):
    """Rows of the tidy table, as dicts of column -> value (float, str or None)."""
    mult = multiplier or (100_000 if measure == "rate" else 100)
    dsr_method = ci_method if ci_method in ("dobson", "fay-feuer") else None
    count_method = ci_method if ci_method in ("exact", "byar") else None
    out = []
    for by_key in sorted(data):
        groups = data[by_key]
        order = [g for g in (group_key_order or sorted(groups)) if g in groups]
        results = {}

        def statistics(bands):
            x = sum(c[0] for c in bands.values())
            n = sum(c[1] for c in bands.values())
            r = {"x": x, "n": n, "levels": []}
            for level in levels:
                lv = {}
                if n == 0:
                    lv["crude"] = (None, None)
                    if age:
                        r["dsr"], r["v"], r["o"] = None, None, 0
                        lv["asr"] = (None, None)
                    r["levels"].append(lv)
                    continue
                if measure == "rate":
                    lo, hi = count_limits(x, level, count_method)
                    lv["crude"] = (lo / n * mult, hi / n * mult)
                else:
                    lo, hi = wilson(x, n, level)
                    lv["crude"] = (lo * mult, hi * mult)
                if age:
                    y, v, o, dlo, dhi = dsr({b: c for b, c in bands.items()}, level, dsr_method)
                    r["dsr"], r["v"], r["o"] = y, v, o
                    lv["asr"] = (dlo, dhi)
                r["levels"].append(lv)
            return r

        for g in order:
            results[g] = statistics({b: tuple(c) for b, c in groups[g].items()})
        reference_key = reference
        if reference == "largest":
            # The group with the largest population (ties: more events).
            reference_key = max(order, key=lambda g: (results[g]["n"], results[g]["x"]))
        if reference == "overall":
            summed = defaultdict(lambda: [0.0, 0.0])
            for g in order:
                for b, c in groups[g].items():
                    summed[b][0] += c[0]
                    summed[b][1] += c[1]
            results["overall"] = statistics({b: tuple(c) for b, c in summed.items()})
        for g in order:
            r = results[g]
            row = {c: by_key[i] for i, c in enumerate(by)}
            row["group"] = label_of(g) if label_of else g
            row["group_code"] = g
            row["events"] = r["x"]
            row["population"] = r["n"]
            crude_name = "crude_rate" if measure == "rate" else "proportion"
            crude_prefix = "crude" if measure == "rate" else "proportion"
            row[crude_name] = r["x"] / r["n"] * mult if r["n"] > 0 else None
            flags = []
            if age and r["n"] > 0:
                row["asr"] = r["dsr"] * mult
            ref = results.get(reference_key) if reference_key else None
            if reference and ref is None:
                flags.append("no reference group")
            if r["n"] == 0 or (ref is not None and ref["n"] == 0):
                ref = None
            for level, suffix, lv in zip(levels, level_suffixes(levels), r["levels"]):
                z = z_of(level)
                row[crude_prefix + "_lower" + suffix] = lv["crude"][0]
                row[crude_prefix + "_upper" + suffix] = lv["crude"][1]
                if age and r["n"] > 0:
                    lo, hi = lv["asr"]
                    row["asr_lower" + suffix] = None if lo is None else lo * mult
                    row["asr_upper" + suffix] = None if hi is None else hi * mult
                ratio = rlo = rhi = diff = dlo = dhi = None
                odds = olo = ohi = None
                if ref is not None and g != reference_key:
                    if age:
                        y1, v1, y0, v0 = r["dsr"], r["v"], ref["dsr"], ref["v"]
                        if y0 > 0:
                            ratio = y1 / y0
                        if y1 > 0 and y0 > 0:
                            se = math.sqrt(v1 / y1 ** 2 + v0 / y0 ** 2)
                            rlo, rhi = ratio * math.exp(-z * se), ratio * math.exp(z * se)
                        diff = (y1 - y0) * mult
                        half = z * math.sqrt(v1 + v0) * mult
                        dlo, dhi = diff - half, diff + half
                    elif measure == "rate":
                        x1, n1, x0, n0 = r["x"], r["n"], ref["x"], ref["n"]
                        if x0 > 0:
                            ratio = (x1 / n1) / (x0 / n0)
                        if x1 > 0 and x0 > 0:
                            se = math.sqrt(1 / x1 + 1 / x0)
                            rlo, rhi = ratio * math.exp(-z * se), ratio * math.exp(z * se)
                        diff = (x1 / n1 - x0 / n0) * mult
                        half = z * math.sqrt(x1 / n1 ** 2 + x0 / n0 ** 2) * mult
                        dlo, dhi = diff - half, diff + half
                    else:
                        x1, n1, x0, n0 = r["x"], r["n"], ref["x"], ref["n"]
                        p1, p0 = x1 / n1, x0 / n0
                        ratio = p1 / p0
                        se = math.sqrt(1 / x1 - 1 / n1 + 1 / x0 - 1 / n0)
                        rlo, rhi = ratio * math.exp(-z * se), ratio * math.exp(z * se)
                        l1, u1 = wilson(x1, n1, level)
                        l0, u0 = wilson(x0, n0, level)
                        d = p1 - p0
                        diff = d * mult
                        dlo = (d - math.sqrt((p1 - l1) ** 2 + (u0 - p0) ** 2)) * mult
                        dhi = (d + math.sqrt((u1 - p1) ** 2 + (p0 - l0) ** 2)) * mult
                        # Odds ratio (Woolf): ad/bc, se = sqrt(1/a + 1/b + 1/c + 1/d).
                        a, b, c, dd = x1, n1 - x1, x0, n0 - x0
                        if a > 0 and b > 0 and c > 0 and dd > 0:
                            odds = a * dd / (b * c)
                            ose = math.sqrt(1 / a + 1 / b + 1 / c + 1 / dd)
                            olo, ohi = odds * math.exp(-z * ose), odds * math.exp(z * ose)
                        row["odds_ratio"] = odds
                    row["ratio"] = ratio
                    row["difference"] = diff
                row["ratio_lower" + suffix] = rlo
                row["ratio_upper" + suffix] = rhi
                row["difference_lower" + suffix] = dlo
                row["difference_upper" + suffix] = dhi
                if measure != "rate":
                    row["odds_ratio_lower" + suffix] = olo
                    row["odds_ratio_upper" + suffix] = ohi
                if ref is not None and g != reference_key:
                    row["significance" + suffix] = significance(rlo, rhi)
            if g == reference_key:
                flags.append("reference")
            if r["n"] == 0:
                flags.append("no population")
            events = r["o"] if age else r["x"]
            if r["n"] > 0 and events < 10:
                flags.append("fewer than 10 events")
            if r["n"] > 0 and r["x"] == 0:
                flags.append("no events")
            row["expected_flags"] = ";".join(flags)
            out.append(row)
    return out


def columns(by, levels, measure, age):
    cols = list(by) + ["group", "group_code", "events", "population"]
    crude = ["crude_rate", "crude"] if measure == "rate" else ["proportion", "proportion"]
    sfx = level_suffixes(levels)
    cols.append(crude[0])
    cols += [crude[1] + "_" + e + s for s in sfx for e in ("lower", "upper")]
    # The asr columns are always there (empty without --age), as ARCHITECTURE.md lists them.
    cols.append("asr")
    cols += ["asr_" + e + s for s in sfx for e in ("lower", "upper")]
    cols.append("ratio")
    cols += ["ratio_" + e + s for s in sfx for e in ("lower", "upper")]
    cols.append("difference")
    cols += ["difference_" + e + s for s in sfx for e in ("lower", "upper")]
    if measure != "rate":
        cols.append("odds_ratio")
        cols += ["odds_ratio_" + e + s for s in sfx for e in ("lower", "upper")]
    cols += ["significance" + s for s in sfx]
    cols.append("expected_flags")
    return cols


def fmt(value):
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return repr(float(value))


def write(name, args, rows, cols):
    os.makedirs(EXPECTED, exist_ok=True)
    with open(os.path.join(EXPECTED, name + ".args"), "w", encoding="utf-8") as f:
        f.write("\n".join(args) + "\n")
    with open(os.path.join(EXPECTED, name + ".csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(cols)
        for row in rows:
            w.writerow([fmt(row.get(c)) for c in cols])


def synthetic_scenarios():
    full = os.path.join(REPO, "datasets/synthetic")
    small = os.path.join(HERE, "synthetic-small")
    inputs = {"full": (full, ["{repo}/datasets/synthetic/admissions.csv", "--population",
                              "{repo}/datasets/synthetic/population.csv"]),
              "small": (small, ["{pipeline}/synthetic-small/admissions.csv", "--population",
                                "{pipeline}/synthetic-small/population.csv"])}
    variants = [
        # name, by, levels, ci method, age[, reference]
        ("dsr", [], [0.95], None, True),
        ("dsr-overall", [], [0.95], None, True, "overall"),
        ("dsr-largest-by-sex", ["sex"], [0.95], None, True, "largest"),
        ("crude-overall-by-sex", ["sex"], [0.95], None, False, "overall"),
        ("dsr-by-sex", ["sex"], [0.95], None, True),
        ("dsr-two-levels", [], [0.95, 0.998], None, True),
        ("dsr-fay-feuer", [], [0.95], "fay-feuer", True),
        ("dsr-fay-feuer-two-levels-by-sex", ["sex"], [0.95, 0.998], "fay-feuer", True),
        ("crude", [], [0.95], None, False),
        ("crude-by-region-two-levels", ["region"], [0.95, 0.998], None, False),
        ("crude-byar", [], [0.95], "byar", False),
        ("crude-exact", [], [0.95], "exact", False),
    ]
    for size, (folder, input_args) in inputs.items():
        for name, by, levels, method, age, *rest in variants:
            reference = rest[0] if rest else "A"
            data = load_synthetic(folder, by, age)
            rows = analyse(data, by, levels, age=age, reference=reference, ci_method=method,
                           group_key_order=CODE_ORDER, label_of=LABEL_OF.get)
            args = ["analyse"] + input_args + ["--group", "ethnicity", "--reference", reference,
                                               "--no-suppress", "--format", "csv", "--output", "-",
                                               "--quiet", "--confidence",
                                               ",".join(format(l, "g") for l in levels)]
            if age:
                args += ["--age", "age"]
            if by:
                args += ["--by", ",".join(by)]
            if method:
                args += ["--ci-method", method]
            write(f"synthetic-{size}-{name}", args, rows, columns(by, levels, "rate", age))


def nz_scenarios():
    nz = os.path.join(REPO, "datasets/nz-covid-vaccination/dhb_residence_uptake_2021-11-24.csv")
    female = os.path.join(HERE, "nz-female.csv")
    with open(nz, newline="", encoding="utf-8") as f, \
            open(female, "w", newline="", encoding="utf-8") as out:
        reader = csv.reader(f)
        w = csv.writer(out, lineterminator="\n")
        header = next(reader)
        w.writerow(header)
        for row in reader:
            if row[header.index("Gender")] == "Female":
                w.writerow(row)
    common = ["--group", "Ethnic group", "--scheme", "raw", "--numerator",
              "First dose administered", "--denominator", "Population", "--no-suppress", "--format", "csv", "--output", "-", "--quiet"]
    variants = [
        # name, file, file arg, measure, by, levels, multiplier[, reference]
        ("nz-rate", nz, "{repo}/datasets/nz-covid-vaccination/dhb_residence_uptake_2021-11-24.csv",
         "rate", [], [0.95], None),
        ("nz-rate-by-gender-two-levels", nz,
         "{repo}/datasets/nz-covid-vaccination/dhb_residence_uptake_2021-11-24.csv", "rate",
         ["Gender"], [0.95, 0.998], None),
        ("nz-rate-per-1000", nz,
         "{repo}/datasets/nz-covid-vaccination/dhb_residence_uptake_2021-11-24.csv", "rate", [],
         [0.95], 1000),
        ("nz-female-proportion", female, "{pipeline}/nz-female.csv", "proportion", [], [0.95],
         None),
        ("nz-female-proportion-two-levels", female, "{pipeline}/nz-female.csv",
         "proportion", [], [0.95, 0.998], None),
        ("nz-rate-by-age-group", nz,
         "{repo}/datasets/nz-covid-vaccination/dhb_residence_uptake_2021-11-24.csv", "rate",
         ["Age group"], [0.95], None),
        ("nz-rate-by-gender-largest", nz,
         "{repo}/datasets/nz-covid-vaccination/dhb_residence_uptake_2021-11-24.csv", "rate",
         ["Gender"], [0.95], None, "largest"),
        ("nz-female-proportion-overall", female, "{pipeline}/nz-female.csv", "proportion", [],
         [0.95], None, "overall"),
    ]
    for name, path, arg, measure, by, levels, mult, *rest in variants:
        reference = rest[0] if rest else "European or Other"
        data = load_nz(path, by)
        if measure == "proportion":
            for stratum in data.values():
                for g, bands in stratum.items():
                    x, n = bands[None]
                    assert x <= n, (g, x, n)
        rows = analyse(data, by, levels, measure=measure, reference=reference, multiplier=mult)
        args = ["analyse", arg] + common + ["--reference", reference, "--measure", measure,
                                            "--confidence",
                                            ",".join(format(l, "g") for l in levels)]
        if by:
            args += ["--by", ",".join(by)]
        if mult:
            args += ["--multiplier", str(mult)]
        write(name, args, rows, columns(by, levels, measure, False))


if __name__ == "__main__":
    synthetic_scenarios()
    nz_scenarios()
    print("wrote", len(os.listdir(EXPECTED)) // 2, "scenarios to", EXPECTED, file=sys.stderr)
