#!/usr/bin/env bash
# Compile-checks the crate for every target in package.json `napi.targets` (Linux gnu/musl,
# macOS, Windows; x64 and arm64) from this one machine: `cargo check` and
# `cargo clippy --all-targets -D warnings` per target (no linking, so no cross toolchain or
# SDK is needed). This proves each platform's cfg'd code compiles; it does not run it.
#   scripts/check-targets.sh [TARGET…]        (default: every napi.targets entry)
# Each missing target's standard library is fetched with `rustup target add`. A target that
# cannot be fetched (no rustup, no network) is not checked: the script prints a loud
# `SKIPPED:` line for it and says so in the summary; the exit status is then 0 only if every
# target that could be checked passed. A target that was fetched and fails to check, or has
# a clippy warning, fails the script (exit 1).
set -uo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never

if [ "$#" -gt 0 ]; then
  targets=("$@")
else
  mapfile -t targets < <(node -p "require('./package.json').napi.targets.join('\n')")
fi

checked=()
skipped=()
failed=()
installed="$(rustup target list --installed 2>/dev/null || true)"
for t in "${targets[@]}"; do
  if ! grep -qx "$t" <<<"$installed"; then
    echo "==> rustup target add $t"
    if ! command -v rustup >/dev/null || ! rustup target add "$t"; then
      echo "SKIPPED: $t was NOT checked: rustup could not install its standard library" \
        "(no rustup or no network to the Rust dist server)"
      skipped+=("$t")
      continue
    fi
  fi
  # As `napi build` does for musl: a dynamic C runtime, so the cdylib (the addon) is built
  # rather than dropped (musl defaults to a static CRT, which cannot make a cdylib).
  if [[ "$t" == *-musl ]]; then
    v="CARGO_TARGET_$(tr 'a-z-' 'A-Z_' <<<"$t")_RUSTFLAGS"
    export "$v=-C target-feature=-crt-static"
  fi
  echo "==> $t: cargo check"
  if ! cargo check --quiet --target "$t"; then
    failed+=("$t (cargo check)")
    continue
  fi
  echo "==> $t: cargo clippy --all-targets -- -D warnings"
  if ! cargo clippy --quiet --all-targets --target "$t" -- -D warnings; then
    failed+=("$t (clippy)")
    continue
  fi
  checked+=("$t")
done

echo "==> check-targets summary"
echo "checked (cargo check + clippy clean): ${checked[*]:-none}"
if [ "${#skipped[@]}" -gt 0 ]; then
  echo "SKIPPED: ${#skipped[@]} target(s) NOT checked (rustup could not fetch them): ${skipped[*]}"
fi
if [ "${#failed[@]}" -gt 0 ]; then
  echo "FAILED: ${failed[*]}"
  exit 1
fi
