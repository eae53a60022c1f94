#!/usr/bin/env bash
# Runs the Spark example end to end on this machine and checks its output against
# `upstream assess --batch` run directly. Needs pyspark (pip install pyspark) and Java.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
binary="${UPSTREAM:-$root/.build/release/upstream}"
[ -x "$binary" ] || { (cd "$root" && swift build -c release --product upstream >/dev/null); }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# A population: the shipped case answers and the example answers, repeated.
for i in $(seq 20); do
  for f in "$root"/Docs/examples/trucker.json "$root"/Docs/examples/runner-knee.json "$root"/Docs/examples/red-flag-back.json; do
    tr -d '\n' < "$f"; echo
  done
done > "$work/people.jsonl"
echo '{"arch_shape": "flatt"}' >> "$work/people.jsonl"
python3 "$here/spark_pipe.py" "$binary" "$work/people.jsonl" "$work/out" 4
"$binary" assess --batch "$work/people.jsonl" > "$work/direct.jsonl" || true
# Error records number lines within each partition, so compare the assessments, and the
# count of error records.
cat "$work"/out/part-* | grep -v '^{"line":' | sort > "$work/spark.sorted"
grep -v '^{"line":' "$work/direct.jsonl" | sort > "$work/direct.sorted"
[ "$(cat "$work"/out/part-* | grep -c '^{"line":')" = "$(grep -c '^{"line":' "$work/direct.jsonl")" ] || { echo "error records differ" >&2; exit 1; }
if cmp -s "$work/spark.sorted" "$work/direct.sorted"; then
  echo "Spark and direct batch results agree ($(wc -l < "$work/direct.jsonl") lines)"
else
  echo "Spark and direct batch results differ" >&2
  exit 1
fi
