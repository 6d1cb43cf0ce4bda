#!/usr/bin/env bash
# Runs the crate's unit tests as a Windows program, here on Linux: cross-built for
# x86_64-pc-windows-gnu with mingw-w64 and executed under wine. What runs is the code every
# Windows build contains (abi, inspect, sys — the per-file host calls — and their tests), not
# the Node addon (built with --no-default-features: no Node-API) and not the POSIX-only host
# layer (ctx, fd_table, sandbox, syscalls are cfg(unix)).
#   scripts/test-windows.sh [extra cargo test args]
# Needs: mingw-w64 (x86_64-w64-mingw32-gcc) and wine64 (Debian: apt-get install
# gcc-mingw-w64-x86-64 wine64), and rustup's x86_64-pc-windows-gnu standard library. Without
# them the script prints a loud `SKIPPED:` line and exits 0 — nothing was tested then; with
# them, a failing test exits non-zero.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never

skip() {
  echo "SKIPPED: the Windows unit tests did NOT run: $*"
  exit 0
}
source scripts/wine/tools.sh

# wine 8 has no bcryptprimitives.dll (ProcessPrng, which Rust's std imports): a small shim
# built from scripts/wine/ is put next to the test executables, where Windows looks first.
deps="target/$target/debug/deps"
mkdir -p "$deps"
x86_64-w64-mingw32-gcc -O2 -shared -o "$deps/bcryptprimitives.dll" \
  scripts/wine/bcryptprimitives.c scripts/wine/bcryptprimitives.def -ladvapi32

export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER="$wine"
export WINEPREFIX="$PWD/target/wineprefix"
export WINEDEBUG=-all
echo "==> cargo test --target $target --no-default-features --lib (under $wine)"
cargo test --target "$target" --no-default-features --lib "$@"
