#!/usr/bin/env bash
# Runs the crate's unit tests (cargo test --lib, without the Node-API binding) for the
# napi.targets this Linux x64 machine can execute, so they are run and not only compiled:
#   x86_64-unknown-linux-musl    natively (a static musl binary)
#   aarch64-unknown-linux-gnu    under qemu-user, linked with aarch64-linux-gnu-gcc
#   aarch64-unknown-linux-musl   under qemu-user, linked with aarch64-linux-gnu-gcc
#   Windows (x86_64-pc-windows-gnu, the code the msvc builds share) under wine:
#                                scripts/test-windows.sh, then the addon itself in Node for
#                                Windows under wine: scripts/test-windows-node.sh
# (x86_64-unknown-linux-gnu is `npm test` itself; macOS cannot be run here: compile-checked by
# scripts/check-targets.sh only.)
# Needs: rustup; for arm64 qemu-user and gcc-aarch64-linux-gnu + libc6-dev-arm64-cross
# (Debian packages). A target whose tools are missing gets a loud `SKIPPED:` line and is not
# counted as tested; a failing test exits non-zero.
set -uo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never

passed=()
skipped=()
failed=()

have_target() {
  rustup target list --installed 2>/dev/null | grep -qx "$1" || rustup target add "$1"
}

run() { # target, then env assignments for cargo
  local t="$1"
  shift
  if ! have_target "$t"; then
    echo "SKIPPED: $t unit tests did NOT run: rustup could not install its standard library"
    skipped+=("$t")
    return
  fi
  echo "==> $t: cargo test --no-default-features --lib"
  if env "$@" cargo test --quiet --target "$t" --no-default-features --lib; then
    passed+=("$t")
  else
    failed+=("$t")
  fi
}

run x86_64-unknown-linux-musl

if command -v qemu-aarch64 >/dev/null && command -v aarch64-linux-gnu-gcc >/dev/null; then
  run aarch64-unknown-linux-gnu \
    CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc \
    "CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUNNER=qemu-aarch64 -L /usr/aarch64-linux-gnu"
  run aarch64-unknown-linux-musl \
    CARGO_TARGET_AARCH64_UNKNOWN_LINUX_MUSL_LINKER=aarch64-linux-gnu-gcc \
    CARGO_TARGET_AARCH64_UNKNOWN_LINUX_MUSL_RUNNER=qemu-aarch64
else
  echo "SKIPPED: the arm64 unit tests did NOT run: no qemu-aarch64 or aarch64-linux-gnu-gcc" \
    "(apt-get install qemu-user gcc-aarch64-linux-gnu libc6-dev-arm64-cross)"
  skipped+=(aarch64-unknown-linux-gnu aarch64-unknown-linux-musl)
fi

echo "==> Windows (x86_64-pc-windows-gnu under wine)"
if out="$(scripts/test-windows.sh 2>&1)"; then
  echo "$out" | grep -E '^(SKIPPED|test result)'
  if grep -q '^SKIPPED' <<<"$out"; then skipped+=(windows); else passed+=(windows); fi
else
  echo "$out" | tail -40
  failed+=(windows)
fi

echo "==> Windows addon in Node for Windows (wine): scripts/test-windows-node.sh"
if out="$(scripts/test-windows-node.sh 2>&1)"; then
  echo "$out" | grep -E '^(SKIPPED|ok|note)|(passed|failed)$'
  if grep -q '^SKIPPED' <<<"$out"; then skipped+=(windows-node); else passed+=(windows-node); fi
else
  echo "$out" | tail -40
  failed+=(windows-node)
fi

echo "==> test-targets summary"
echo "unit tests ran and passed: ${passed[*]:-none}"
[ "${#skipped[@]}" -gt 0 ] && echo "SKIPPED (did NOT run): ${skipped[*]}"
if [ "${#failed[@]}" -gt 0 ]; then
  echo "FAILED: ${failed[*]}"
  exit 1
fi
exit 0
