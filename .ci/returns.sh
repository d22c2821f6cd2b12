#!/usr/bin/env bash
# The statutory returns of the synthetic borough, checked by DfE's rules as the independent
# validators implement them (../shared/validators): the CIN census and the SSDA903 for
# collection years 2026 and 2027, each SSDA903 with last year's tables beside it as a council
# submits it (so the cross-year rules run), and Ofsted's Annex A as at 20 November 2026. Any
# error fails the run; queries are listed, not failed. The council's ONS code, which the
# validator needs, is the one the store holds (`hearth council show`).
#
#   .ci/returns.sh [STORE_URL]     (without one, the default borough is generated first)
#   HEARTH_BIN=target/debug/hearth .ci/returns.sh ...   (with a binary already built)
#
# VALIDATORS_VENV says where the validators' Python environment lives (built if missing);
# HEARTH_VALIDATORS where the validators are, when not in ../shared/validators (as from a
# git worktree).
set -euo pipefail
cd "$(dirname "$0")/.."
validators="${HEARTH_VALIDATORS:-$(cd .. && pwd)/shared/validators}"
export VALIDATORS_VENV="${VALIDATORS_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/hearth/validators-venv}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# HEARTH_BIN names a hearth binary already built (CI uses the one its tests built); without
# it the release binary is built here.
if [ -n "${HEARTH_BIN:-}" ]; then
  hearth="$HEARTH_BIN"
else
  cargo build --release -p hearth
  hearth=./target/release/hearth
fi
db="${1:-}"
if [ -z "$db" ]; then
  db="sqlite://$work/borough.db"
  "$hearth" --db "$db" generate --as-at 2026-11-20 >/dev/null
fi

"$validators/setup.sh" >/dev/null
ons=$("$hearth" --db "$db" council show | sed -n 's/^ons-code: //p')

# The CIN census must have no errors. The SSDA903 must have none either, except under the
# rules where DfE's validator itself is wrong (docs/returns-ssda903.md gives the evidence for
# each), which are printed, and 1001 and 1002, which .ci/check-903.py decides child by child:
# allowed only for a young person whose care before last year's collection the validator
# cannot see. HEARTH_903_STRICT=1 fails on all of these too.
strict_903="${HEARTH_903_STRICT:-0}"
validator_defects_903="SW17STG2 SW12STG2 SW11bSTG2 241 575 577"

check() {
  local year=$1 out="$work/returns-$1" started exported
  started=$(date +%s)
  "$hearth" --db "$db" export cin-census --year "$year" --out "$out"
  "$hearth" --db "$db" export ssda903 --year "$year" --previous --out "$out/903" >/dev/null
  exported=$(date +%s)
  "$validators/validate.sh" "$out" "$year" --la "$ons" --strict --only cin \
    --out "$work/cin-$year.json"
  if [ "$strict_903" = 1 ]; then
    "$validators/validate.sh" "$out" "$year" --la "$ons" --strict --only 903 \
      --out "$work/903-$year.json"
  else
    "$validators/validate.sh" "$out" "$year" --la "$ons" --only 903 \
      --out "$work/903-$year.json" | tail -1
    python3 .ci/check-903.py "$work/903-$year.json" "$out" "$year" "$hearth" "$db" \
      "$work/history-$year" $validator_defects_903
  fi
  echo "collection year $year: exported in $((exported - started)) s, validated in $(( $(date +%s) - exported )) s"
}

# Ofsted's Annex A as at the borough's date, checked by liiatools' Annex A cleaner (the
# harness runs it when the directory has annex_a/*.xlsx). Any problem it reports fails the run.
check_annex_a() {
  local out="$work/returns-annex-a" problems
  "$hearth" --db "$db" export annex-a --as-at 2026-11-20 --postcode-areas BR --out "$out/annex_a/annex_a.xlsx"
  "$validators/validate.sh" "$out" 2027 --out "$work/annex-a.json" | grep '^Annex A'
  problems=$("$VALIDATORS_VENV/bin/python" -c \
    'import json, sys; print(json.load(open(sys.argv[1]))["annex_a"]["problems"])' "$work/annex-a.json")
  [ "$problems" = 0 ]
}

# The two years are checked side by side: the CIN validator's reader takes minutes a year.
check 2026 > "$work/2026.log" 2>&1 & first=$!
check 2027 > "$work/2027.log" 2>&1 & second=$!
status=0
check_annex_a > "$work/annex-a.log" 2>&1 || status=1
wait "$first" || status=1
wait "$second" || status=1
cat "$work/2026.log" "$work/2027.log" "$work/annex-a.log"
exit "$status"
