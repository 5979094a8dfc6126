#!/usr/bin/env bash
# Fuzz smoke run: builds the libFuzzer targets in fuzz/ and mutates each one for
# a short, bounded time starting from the committed seed corpus.
#
# Exits non-zero on any crash (panic), timeout, out-of-memory or oversized
# allocation; the input that triggered it is kept in fuzz/artifacts/<target>/.
# Prints one summary line per target. Called by `make test`.
#
# Works on the stable toolchain without cargo-fuzz: it passes the rustc flags of
# `cargo fuzz build --sanitizer none` (sanitizer-coverage instrumentation,
# --cfg fuzzing, debug assertions, overflow checks). Instead of AddressSanitizer
# (10x slower here, and only useful for unsafe code) each run is capped with
# `prlimit --as`: a single oversized allocation (a hostile size field turned into
# `Vec::with_capacity`) then fails and aborts, which libFuzzer reports as a crash.
#
# Tunables (environment): FUZZ_SECONDS per target (default 20), FUZZ_TARGETS
# (default "probe demux project").
set -euo pipefail
# Nothing here reads standard input; detach it so stray input (or a caller's pipe) can never
# reach rustc, which reads its target-info probe source from stdin.
exec </dev/null

root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${FUZZ_SECONDS:-20}
targets=${FUZZ_TARGETS:-probe demux project}
host=$(rustc -vV | sed -n 's/^host: //p')

flags=(
  -Cpasses=sancov-module
  -Cllvm-args=-sanitizer-coverage-level=4
  -Cllvm-args=-sanitizer-coverage-inline-8bit-counters
  -Cllvm-args=-sanitizer-coverage-pc-table
  -Cllvm-args=-sanitizer-coverage-trace-compares
  -Cllvm-args=-sanitizer-coverage-stack-depth
  -Cllvm-args=-simplifycfg-branch-fold-threshold=0
  --cfg fuzzing
  -Cdebug-assertions
  -Coverflow-checks
)

started=$(date +%s)
echo "fuzz-smoke: building targets (${targets})"
# --target keeps the instrumentation off build scripts and proc-macros.
RUSTFLAGS="${flags[*]}" cargo build --quiet --release \
  --manifest-path "$root/fuzz/Cargo.toml" --target-dir "$root/fuzz/target" \
  --target "$host" --bins
bin="$root/fuzz/target/$host/release"
echo "fuzz-smoke: built in $(( $(date +%s) - started )) s; ${seconds} s per target"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Address-space cap per fuzzer process: inputs are a few KB, so no allocation
# anywhere near this is legitimate.
cap=()
if command -v prlimit >/dev/null; then
  cap=(prlimit --as=$((768 << 20)))
else
  echo "fuzz-smoke: prlimit not found: oversized allocations are caught only once they are touched"
fi

dict_for() {
  case "$1" in
    project) echo "$root/fuzz/dict/json.dict" ;;
    *) echo "$root/fuzz/dict/media.dict" ;;
  esac
}

# Readings from a libFuzzer log. Greps may match nothing when a seed crashes at
# once; that must not abort the script.
final_stat() { sed -n "s/^stat::$1: *//p" "$log" | tail -1; }
last() { { grep -o "$1 [0-9]*" "$log" || true; } | tail -1 | cut -d' ' -f2; }

failed=()
for t in $targets; do
  corpus="$work/$t"
  mkdir -p "$corpus" "$root/fuzz/artifacts/$t"
  # Mutate a copy: the committed seed corpus stays as it is.
  cp "$root/fuzz/corpus/$t/"* "$corpus/"
  log="$work/$t.log"
  status=0
  "${cap[@]}" "$bin/$t" "$corpus" \
    -dict="$(dict_for "$t")" \
    -max_total_time="$seconds" -timeout=5 -rss_limit_mb=512 \
    -print_final_stats=1 \
    -artifact_prefix="$root/fuzz/artifacts/$t/" >"$log" 2>&1 || status=$?
  execs=$(final_stat number_of_executed_units)
  speed=$(final_stat average_exec_per_sec)
  cov=$(last 'cov:')
  ft=$(last 'ft:')
  units=$(last 'corp:')
  if [ "$status" -eq 0 ]; then
    printf 'fuzz-smoke: %-8s ok    execs=%s exec/s=%s cov=%s ft=%s corpus=%s\n' \
      "$t" "${execs:-?}" "${speed:-?}" "${cov:-?}" "${ft:-?}" "${units:-?}"
  else
    printf 'fuzz-smoke: %-8s FAIL  exit=%s execs=%s cov=%s\n' "$t" "$status" "${execs:-?}" "${cov:-?}"
    grep -E 'ERROR|panicked|memory allocation|SUMMARY|Test unit written' "$log" | head -20 | sed 's/^/    /'
    echo "    reproduce: $bin/$t <artifact file>   (full log below)"
    tail -60 "$log" | sed 's/^/    | /'
    failed+=("$t")
  fi
done

echo "fuzz-smoke: total $(( $(date +%s) - started )) s"
if [ "${#failed[@]}" -gt 0 ]; then
  echo "fuzz-smoke: FAILED: ${failed[*]}"
  exit 1
fi
read -ra names <<<"$targets"
echo "fuzz-smoke: ${#names[@]} passed, 0 failed"
