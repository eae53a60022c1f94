#!/usr/bin/env bash
# Fuzzes Upstream's two input front ends with libFuzzer, each for a given time.
#
#   Tests/Fuzz/run.sh [SECONDS] [TARGET…]      (default: 60 seconds, targets rules, answers and http)
#
# Targets:
#   rules    rule and case files: lexer, parser, checks, formatter, case loader (RulesFuzzer.swift)
#   answers  answers files and FHIR QuestionnaireResponses: reader, engine, renderers, session
#            resumption (AnswersFuzzer.swift)
#   http     HTTP requests: the request parser of `upstream serve` and form decoding
#            (HTTPFuzzer.swift), built from Sources/UpstreamServer/HTTP's stdlib-only files
# Both call FuzzHarness (Tests/UpstreamTests/Reliability/FuzzHarness.swift), which the test
# suite also runs over every input in Tests/Fuzz/regressions/, so a crash found here becomes a
# regression test by copying its input there.
#
# The library is compiled with `swiftc -sanitize=fuzzer,address` outside SwiftPM (a fuzz entry
# point cannot live in a SwiftPM target without breaking `swift build`). Environment:
#   FUZZ_OPTIMIZE  -Onone (default: builds in under a minute) or -O (about 3 minutes to build,
#                  about ten times as many executions per second: use it for long runs)
#   FUZZ_BUILD     build folder, also holding the growing corpus (default: .build/fuzz)
# Crashes, hangs and out-of-memory inputs are written to fuzz-artifacts/; the script prints each
# target's executions, corpus size and findings, and exits 1 if anything was found.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)

seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(rules answers http)
optimize=${FUZZ_OPTIMIZE:--Onone}
build=${FUZZ_BUILD:-$root/.build/fuzz}
artifacts=$root/fuzz-artifacts
mkdir -p "$build" "$artifacts"

log() { printf '%s\n' "fuzz: $*" >&2; }
for target in "${targets[@]}"; do
  case $target in
    rules | answers | http) ;;
    *) log "unknown target '$target' (rules, answers or http)"; exit 2 ;;
  esac
done

# MARK: Build

sanitize=-sanitize=fuzzer,address
quiet() { grep -v "Cannot export local symbol" || true; }
mapfile -t sources < <(find "$root/Sources/Upstream" "$root/Sources/UpstreamDigest" "$root/Sources/EmbedRules" "$root/rules" \
  -name '*.swift' -o -name '*.rules' -o -name '*.case' | sort)
harness=("$root/Tests/UpstreamTests/Reliability/FuzzHarness.swift" "$root"/Tests/Fuzz/*.swift)
http=("$root/Sources/UpstreamServer/HTTP/HTTPRequest.swift" "$root/Sources/UpstreamServer/HTTP/HTTPRequestParser.swift"
  "$root/Sources/UpstreamServer/HTTP/PercentDecoding.swift")
stamp=$(cat "${sources[@]}" "${harness[@]}" "${http[@]}" | cksum)" $optimize"
if [ -f "$build/stamp" ] && [ "$(cat "$build/stamp")" = "$stamp" ]; then
  log "the fuzzers are up to date"
else
  rm -f "$build/stamp"
  # The bundled rules, as the EmbedRules build plugin would generate them (the tool hashes
  # them with the UpstreamDigest module, built for it without the sanitizers).
  mapfile -t digest < <(find "$root/Sources/UpstreamDigest" -name '*.swift' | sort)
  mkdir -p "$build/tool"
  swiftc -O -parse-as-library -module-name UpstreamDigest -package-name upstream -emit-module \
    -emit-module-path "$build/tool/UpstreamDigest.swiftmodule" -emit-library -static \
    "${digest[@]}" -o "$build/tool/libUpstreamDigest.a" 2>/dev/null
  swiftc -O -package-name upstream -I "$build/tool" "$root/Sources/EmbedRules/main.swift" "$build/tool/libUpstreamDigest.a" \
    -o "$build/EmbedRules" 2>/dev/null
  "$build/EmbedRules" "$root/rules" "$build/EmbeddedRules.swift"
  log "compiling the Upstream library ($optimize, $sanitize)"
  start=$SECONDS
  # UpstreamDigest is a module of its own, as in Package.swift: the library imports it.
  swiftc $optimize -g -parse-as-library -module-name UpstreamDigest -package-name upstream -emit-module \
    -emit-module-path "$build/UpstreamDigest.swiftmodule" -emit-library -static $sanitize \
    "${digest[@]}" -o "$build/libUpstreamDigest.a" 2>&1 | quiet
  mapfile -t library < <(find "$root/Sources/Upstream" -name '*.swift' | sort)
  swiftc $optimize -g -enable-testing -parse-as-library -module-name Upstream -package-name upstream -emit-module \
    -emit-module-path "$build/Upstream.swiftmodule" -emit-library -static $sanitize -I "$build" \
    "${library[@]}" "$build/EmbeddedRules.swift" -o "$build/libUpstream.a" 2>&1 | quiet
  for target in rules answers; do
    entry=$([ $target = rules ] && echo RulesFuzzer.swift || echo AnswersFuzzer.swift)
    swiftc $optimize -g -parse-as-library -package-name upstream $sanitize -I "$build" \
      "$root/Tests/UpstreamTests/Reliability/FuzzHarness.swift" "$root/Tests/Fuzz/$entry" \
      "$build/libUpstream.a" "$build/libUpstreamDigest.a" -o "$build/$target-fuzzer" 2>&1 | quiet
  done
  # The HTTP parser is stdlib only: its files and the entry point, without the library.
  swiftc $optimize -g -parse-as-library -module-name UpstreamHTTP -package-name upstream $sanitize \
    "${http[@]}" "$root/Tests/Fuzz/HTTPFuzzer.swift" -o "$build/http-fuzzer" 2>&1 | quiet
  echo "$stamp" >"$build/stamp"
  log "built in $((SECONDS - start)) s"
fi

# MARK: Seeds

seed() {  # seed TARGET: a folder of seed inputs for the target
  local folder=$build/seeds/$1
  rm -rf "$folder"
  mkdir -p "$folder"
  case $1 in
    rules)
      cp "$root"/rules/*.rules "$root"/rules/cases/*.case "$root"/Docs/examples/mini/*.rules "$folder"/
      ;;
    answers)
      cp "$root"/Docs/examples/*.json "$root"/Docs/examples/mini/*.json "$root"/Tests/Fuzz/seeds/answers/*.json "$folder"/
      ;;
    http)
      cp "$root"/Tests/Fuzz/seeds/http/* "$folder"/
      ;;
  esac
  if [ -d "$root/Tests/Fuzz/regressions/$1" ]; then
    find "$root/Tests/Fuzz/regressions/$1" -type f -exec cp {} "$folder"/ \;
  fi
  echo "$folder"
}

# MARK: Run

# Swift's runtime keeps objects behind tagged pointers that LeakSanitizer cannot see, so
# leak reports would be false alarms: leaks are not checked. Everything else is.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
found=0
summary=()
for target in "${targets[@]}"; do
  corpus=$build/corpus/$target
  mkdir -p "$corpus"
  seeds=$(seed "$target")
  before=$(find "$artifacts" -name "$target-*" -type f | wc -l)
  output=$build/$target.log
  log "fuzzing $target for $seconds s (log: $output)"
  status=0
  "$build/$target-fuzzer" -max_total_time="$seconds" -max_len=65536 -timeout=60 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$artifacts/$target-" \
    "$corpus" "$seeds" >"$output" 2>&1 || status=$?
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$output" | awk '{ sum += $2 } END { print sum + 0 }')
  size=$(find "$corpus" -type f | wc -l)
  after=$(find "$artifacts" -name "$target-*" -type f | wc -l)
  new=$((after - before))
  summary+=("$target: $runs executions in $seconds s, corpus $size inputs, $new new crash/hang/oom inputs (exit $status)")
  if [ "$new" -gt 0 ] || [ "$status" -ne 0 ]; then
    found=1
    grep -E 'ERROR|panic|Fatal error|Precondition failed|deadly signal|timeout|out-of-memory' "$output" | head -20 >&2 || true
  fi
done

for line in "${summary[@]}"; do echo "fuzz: $line"; done
if [ $found -ne 0 ]; then
  echo "fuzz: findings are in $artifacts; replay one with: $build/TARGET-fuzzer FILE" >&2
  exit 1
fi
