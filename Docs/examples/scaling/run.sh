#!/usr/bin/env bash
# Runs the Spark example end to end on this machine and checks its output against
# `upstream assess --batch` run directly. Needs pyspark (pip install pyspark) and Java 17+.
#
#   Docs/examples/scaling/run.sh [COPIES [UPSTREAM_OPTIONS...]]
#
# The population is the four example answers files COPIES times (default 20), and one line
# that cannot be assessed. UPSTREAM names the binary (default: the release build, built
# if missing); options go to `upstream assess` on both sides (e.g. --output-format summary).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
copies="${1:-20}"
shift || true
binary="${UPSTREAM:-$root/.build/release/upstream}"
[ -x "$binary" ] || { (cd "$root" && swift build -c release --static-swift-stdlib --product upstream >/dev/null); }
# Spark binds to the loopback interface only, and keeps its progress bar off the terminal.
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for i in $(seq "$copies"); do
  for f in "$root"/Docs/examples/trucker.json "$root"/Docs/examples/trucker-hip.json \
    "$root"/Docs/examples/runner-knee.json "$root"/Docs/examples/red-flag-back.json; do
    tr -d '\n' < "$f"; echo
  done
done > "$work/people.jsonl"
echo '{"arch_shape": "flatt"}' >> "$work/people.jsonl"
python3 "$here/spark_pipe.py" "$binary" "$work/people.jsonl" "$work/out" 2 "$@"
status=0
"$binary" assess --batch "$work/people.jsonl" "$@" > "$work/direct.jsonl" || status=$?
[ "$status" = 3 ] || { echo "direct batch: exit $status, expected 3 (one line cannot be assessed)" >&2; exit 1; }
# Error records number lines within each partition, so compare the assessments, and the
# count of error records.
cat "$work"/out/part-* | grep -v '^{"line":' | sort > "$work/spark.sorted"
grep -v '^{"line":' "$work/direct.jsonl" | sort > "$work/direct.sorted"
[ "$(cat "$work"/out/part-* | grep -c '^{"line":')" = "$(grep -c '^{"line":' "$work/direct.jsonl")" ] || { echo "error records differ" >&2; exit 1; }
[ -s "$work/direct.sorted" ] || { echo "no assessments written" >&2; exit 1; }
if cmp -s "$work/spark.sorted" "$work/direct.sorted"; then
  echo "Spark and direct batch results agree ($(wc -l < "$work/direct.jsonl") lines)"
else
  echo "Spark and direct batch results differ" >&2
  diff "$work/spark.sorted" "$work/direct.sorted" | head -5 >&2
  exit 1
fi
