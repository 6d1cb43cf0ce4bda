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
target=x86_64-pc-windows-gnu

skip() {
  echo "SKIPPED: the Windows unit tests did NOT run: $*"
  exit 0
}
command -v x86_64-w64-mingw32-gcc >/dev/null || skip "no x86_64-w64-mingw32-gcc (apt-get install gcc-mingw-w64-x86-64)"
wine=""
for w in wine64 /usr/lib/wine/wine64 wine; do
  if command -v "$w" >/dev/null; then wine="$(command -v "$w")"; break; fi
done
[ -n "$wine" ] || skip "no wine64 (apt-get install wine64)"
if ! rustup target list --installed | grep -qx "$target"; then
  rustup target add "$target" || skip "rustup could not install $target"
fi

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
