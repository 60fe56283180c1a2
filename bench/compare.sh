#!/usr/bin/env bash
# disparity against the tools analysts use today, side by side in the same run (see README.md).
#
#   bench/compare.sh            # everything: (a) (b) (c) (d)
#   ONLY="a c" bench/compare.sh # some comparisons
#
# Settings (environment): RUNS (timed rounds, default 5), ROWS (rows of the main record-level
# file, default 10,000,000), MEMORY_SIZES (default "1000000 10000000 30000000"), DSR_GROUPS
# (default 20000), GLM_ROWS (default 1000000), BENCH_DATA (inputs, default bench/data, which git
# ignores; about 2.5 GB at the default sizes), BENCH_RESULTS (default bench/results).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
DATA=${BENCH_DATA:-$HERE/data}
RESULTS=${BENCH_RESULTS:-$HERE/results}
RUNS=${RUNS:-5}
ROWS=${ROWS:-10000000}
MEMORY_SIZES=${MEMORY_SIZES:-"1000000 10000000 30000000"}
DSR_GROUPS=${DSR_GROUPS:-20000}
GLM_ROWS=${GLM_ROWS:-1000000}
ONLY=${ONLY:-"a b c d"}
VENV=$HERE/.venv
PY=$VENV/bin/python
mkdir -p "$DATA" "$RESULTS"
wants() { [[ " $ONLY " == *" $1 "* ]]; }
step() { printf '\n== %s\n' "$*" >&2; }

# --- Tools -------------------------------------------------------------------------------------
if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
if ! [ -x /usr/bin/time ]; then
  step "Installing GNU time (Debian package 'time')"
  $SUDO apt-get install -y -qq time >/dev/null
fi
if ! [ -x "$PY" ] || ! "$PY" -c "import polars, duckdb, pandas, numpy, statsmodels" 2>/dev/null; then
  step "Installing the peers from PyPI into $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q polars duckdb pandas numpy statsmodels
fi
"$PY" - >"$RESULTS/versions.txt" <<'EOF'
import importlib.metadata as m, platform
print("python", platform.python_version())
for p in ["polars", "duckdb", "pandas", "numpy", "scipy", "statsmodels"]:
    print(p, m.version(p))
EOF

# The system packages the build links against (OpenBLAS, LAPACKE, Boost), installed if missing,
# as `make test` and `make release` do: on a new machine the build stops without them.
(cd "$ROOT" && make -s deps >&2)

step "Building disparity (release)"
# As `make release`: Swift's runtime and Foundation linked statically, at a fixed address (see
# the Makefile).
STATIC=$([ "$(uname -s)" = Linux ] && echo "--static-swift-stdlib -Xlinker -no-pie" || true)
(cd "$ROOT" && swift build -c release --product disparity $STATIC 2>&1 | grep -E "error|warning: |Compiling|Build" >&2)
DISPARITY="$(cd "$ROOT" && swift build -c release --show-bin-path)/disparity"
if wants d; then
  step "Building glm-compare (release, Benchmarks package)"
  (cd "$ROOT/Benchmarks" && swift build -c release --product glm-compare 2>&1 | grep -E "error|warning: |Build" >&2)
  GLM_COMPARE="$(cd "$ROOT/Benchmarks" && swift build -c release --show-bin-path)/glm-compare"
fi
echo "disparity $("$DISPARITY" --version 2>/dev/null || echo "$(cd "$ROOT" && git rev-parse --short HEAD)")" >>"$RESULTS/versions.txt"

# --- Inputs ------------------------------------------------------------------------------------
cc -O2 -o "$DATA/gen_records" "$HERE/gen_records.c" -lm
records() { # ROWS -> generates records-ROWS.csv and population-ROWS.csv once
  local n=$1
  if ! [ -s "$DATA/records-$n.csv" ]; then
    step "Generating $n record-level rows"
    "$DATA/gen_records" "$n" 20260101 "$DATA/records-$n.csv" "$DATA/population-$n.csv"
  fi
}
if wants a; then records "$ROWS"; fi
if wants b; then for n in $MEMORY_SIZES; do records "$n"; done; fi
if wants c && ! [ -s "$DATA/aggregated-$DSR_GROUPS.csv" ]; then
  step "Generating $DSR_GROUPS groups x 19 bands"
  "$PY" "$HERE/gen_aggregated.py" "$DSR_GROUPS" "$DATA/aggregated-$DSR_GROUPS.csv"
fi
if wants d && ! [ -s "$DATA/glm-$GLM_ROWS.csv" ]; then
  step "Generating $GLM_ROWS GLM rows"
  "$PY" "$HERE/gen_glm.py" "$GLM_ROWS" "$DATA/glm-$GLM_ROWS.csv"
fi

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)" >"$RESULTS/load.txt"

# --- (a) record-level file: disparity's whole analysis vs polars/DuckDB reading and counting ---
if wants a; then
  step "(a) $ROWS record-level rows: disparity analyse vs polars and DuckDB group counts"
  f="$DATA/records-$ROWS.csv"
  "$PY" "$HERE/runner.py" --runs "$RUNS" --out "$RESULTS/a.json" \
    "disparity=$DISPARITY analyse $f --age age --population $DATA/population-$ROWS.csv --format csv --output -" \
    "polars (read_csv + group_by)=$PY $HERE/peers/polars_count.py eager $f" \
    "polars (scan_csv + group_by)=$PY $HERE/peers/polars_count.py lazy $f" \
    "duckdb (read_csv + GROUP BY)=$PY $HERE/peers/duckdb_count.py $f"
fi

# --- (b) peak memory of the same analysis as the file grows ------------------------------------
if wants b; then
  step "(b) peak memory (/usr/bin/time -v) at $MEMORY_SIZES rows"
  for n in $MEMORY_SIZES; do
    /usr/bin/time -v -o "$RESULTS/b-$n.time" "$DISPARITY" analyse "$DATA/records-$n.csv" \
      --age age --population "$DATA/population-$n.csv" --format csv --output - >/dev/null 2>"$RESULTS/b-$n.stderr"
    /usr/bin/time -v -o "$RESULTS/b-$n.polars.time" "$PY" "$HERE/peers/polars_count.py" lazy \
      "$DATA/records-$n.csv" 2>/dev/null
  done
fi

# --- (c) aggregated input to DSRs at two levels: disparity vs pandas + numpy --------------------
if wants c; then
  step "(c) $DSR_GROUPS groups x 19 bands to DSRs at 95% and 99.8%: disparity vs pandas + numpy"
  f="$DATA/aggregated-$DSR_GROUPS.csv"
  esp="$ROOT/datasets/standard-populations/esp2013.csv"
  "$DISPARITY" analyse "$f" --scheme raw --group group --age age --numerator events \
    --denominator population --confidence 0.95,0.998 --reference none --format csv --output - \
    >"$RESULTS/c-disparity.csv" 2>/dev/null
  "$PY" "$HERE/peers/pandas_dsr.py" "$f" "$esp" "$RESULTS/c-pandas.csv" 2>/dev/null
  "$PY" "$HERE/runner.py" --runs "$RUNS" --out "$RESULTS/c.json" \
    "disparity=$DISPARITY analyse $f --scheme raw --group group --age age --numerator events --denominator population --confidence 0.95,0.998 --reference none --format csv --output -" \
    "pandas + numpy=$PY $HERE/peers/pandas_dsr.py $f $esp $RESULTS/c-pandas.csv"
fi

# --- (d) Poisson GLM, 1,000,000 rows x 39 parameters: disparity vs statsmodels -----------------
if wants d; then
  step "(d) Poisson GLM on $GLM_ROWS rows: disparity (glm-compare) vs statsmodels"
  f="$DATA/glm-$GLM_ROWS.csv"
  "$PY" "$HERE/runner.py" --runs "$RUNS" --warmup 0 --out "$RESULTS/d.json" \
    "disparity=$GLM_COMPARE $f $RESULTS/d-disparity.csv" \
    "statsmodels=$PY $HERE/peers/statsmodels_glm.py $f $RESULTS/d-statsmodels.csv"
fi

echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$RESULTS/load.txt"
"$PY" "$HERE/summarise.py" --results "$RESULTS" --data "$DATA" --rows "$ROWS" \
  --memory-sizes "$MEMORY_SIZES" --groups "$DSR_GROUPS" --glm-rows "$GLM_ROWS" --only "$ONLY" \
  | tee "$RESULTS/summary.md"
