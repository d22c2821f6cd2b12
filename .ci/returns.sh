#!/usr/bin/env bash
# The statutory returns of the synthetic borough, checked by DfE's rules as the independent
# validators implement them (../shared/validators): the CIN census and the SSDA903 for
# collection years 2026 and 2027. Any error fails the run; queries are listed, not failed.
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
# Until the SSDA903 export is merged, export it only when the binary has it.
has() { "$hearth" export --help | grep -q "^  $1 "; }

for year in 2026 2027; do
  out="$work/returns-$year"
  started=$(date +%s)
  "$hearth" --db "$db" export cin-census --year "$year" --la 305 --out "$out"
  only=(--only cin)
  if has ssda903; then
    "$hearth" --db "$db" export ssda903 --year "$year" --out "$out"
    only=()
  fi
  exported=$(date +%s)
  "$validators/validate.sh" "$out" "$year" --la E09000006 --strict "${only[@]}" \
    --out "$work/validation-$year.json"
  echo "collection year $year: exported in $((exported - started)) s, validated in $(( $(date +%s) - exported )) s"
done
