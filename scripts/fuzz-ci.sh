#!/usr/bin/env bash
# Short libFuzzer runs of every cargo-fuzz target in fuzz/ (the Rust core, no Node), for CI.
#   scripts/fuzz-ci.sh [SECONDS_PER_TARGET]      (default 60; env FUZZ_SECONDS works too)
# Installs cargo-fuzz (pinned, --locked) only when the pinned version is not already there.
# cargo-fuzz builds with -Zsanitizer=address; RUSTC_BOOTSTRAP=1 lets a stable rustc accept it.
# Exits non-zero on any finding (crash, panic, leak, timeout); the reproducer is left in
# fuzz/artifacts/<target>/. Prints executions per second for each target at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-${FUZZ_SECONDS:-60}}"
pinned="0.13.2"
export RUSTC_BOOTSTRAP=1
export CARGO_TERM_COLOR=never

if [ "$(cargo fuzz --version 2>/dev/null | awk '{print $2}')" != "$pinned" ]; then
  echo "==> cargo install cargo-fuzz $pinned"
  cargo install --locked cargo-fuzz --version "$pinned"
fi

echo "==> cargo fuzz build (release + ASan)"
cargo fuzz build -O

summary=""
for target in $(cargo fuzz list); do
  echo "==> fuzz $target for ${seconds}s"
  mkdir -p "fuzz/corpus/$target"
  # Past findings (fuzz/regressions/<target>/, committed) are replayed as seeds.
  seeds=()
  [ -d "fuzz/regressions/$target" ] && seeds=("fuzz/regressions/$target")
  log="$(mktemp)"
  # -timeout: one input running longer than 10 s is a finding (a hang in a syscall).
  if ! cargo fuzz run -O "$target" "fuzz/corpus/$target" "${seeds[@]}" -- -max_total_time="$seconds" -timeout=10 \
      -rss_limit_mb=2048 -print_final_stats=1 >"$log" 2>&1; then
    tail -60 "$log"
    echo "FUZZ FINDING in $target (artifacts in fuzz/artifacts/$target/)"
    exit 1
  fi
  tail -8 "$log"
  runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")"
  rate="$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")"
  summary+="$target: ${runs} runs in ${seconds}s, ${rate} exec/s, no finding"$'\n'
  rm -f "$log"
done
echo "==> fuzz summary"
printf '%s' "$summary"
