#!/usr/bin/env bash
# The statutory returns of the synthetic borough, checked by DfE's rules as the independent
# validators implement them (../shared/validators): the CIN census and the SSDA903 for
# collection years 2026 and 2027, and Ofsted's Annex A as at 20 November 2026. Any error
# fails the run; queries are listed, not failed.
#
#   .ci/returns.sh [STORE_URL]     (without one, the default borough is generated first)
#
# VALIDATORS_VENV says where the validators' Python environment lives (built if missing).
set -euo pipefail
cd "$(dirname "$0")/.."
validators="$(cd .. && pwd)/shared/validators"
export VALIDATORS_VENV="${VALIDATORS_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/hearth/validators-venv}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cargo build --release -p hearth
hearth=./target/release/hearth
db="${1:-}"
if [ -z "$db" ]; then
  db="sqlite://$work/borough.db"
  "$hearth" --db "$db" generate --as-at 2026-11-20 >/dev/null
fi

"$validators/setup.sh" >/dev/null

# The CIN census must have no errors. The SSDA903 must have none either, except under the
# rules where DfE's validator itself is wrong (docs/returns-ssda903.md gives the evidence for
# each): those are printed, not failed, unless HEARTH_903_STRICT=1.
strict_903="${HEARTH_903_STRICT:-0}"
validator_defects_903="SW17STG2 SW12STG2 SW11bSTG2 241 575 577"

check() {
  local year=$1 out="$work/returns-$1" started exported
  started=$(date +%s)
  "$hearth" --db "$db" export cin-census --year "$year" --la 305 --out "$out"
  "$hearth" --db "$db" export ssda903 --year "$year" --out "$out/903" >/dev/null
  exported=$(date +%s)
  "$validators/validate.sh" "$out" "$year" --la E09000006 --strict --only cin \
    --out "$work/cin-$year.json"
  if [ "$strict_903" = 1 ]; then
    "$validators/validate.sh" "$out" "$year" --la E09000006 --strict --only 903 \
      --out "$work/903-$year.json"
  else
    "$validators/validate.sh" "$out" "$year" --la E09000006 --only 903 \
      --out "$work/903-$year.json" | tail -1
    python3 - "$work/903-$year.json" $validator_defects_903 <<'EOF'
import json, sys
rules = json.load(open(sys.argv[1]))["ssda903"]["by_rule"]
defects = set(sys.argv[2:])
for code, r in sorted(rules.items()):
    print(f"903 {code}: {r['count']}" + (" (validator defect)" if code in defects else " ERROR"))
sys.exit(1 if set(rules) - defects else 0)
EOF
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
