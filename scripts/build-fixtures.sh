#!/usr/bin/env bash
# Rebuilds the committed C test fixtures: __test__/fixtures/c/*.c -> __test__/fixtures/wasm/*.wasm
# with clang --target=wasm32-wasi -O2 and wasi-libc (Debian: clang lld wasi-libc
# libclang-rt-14-dev-wasm32). The output is deterministic: no debug info, sources compiled
# from the fixture directory by relative name, no timestamps; re-running it on the same
# toolchain gives byte-identical files (checked with --check).
#
# Usage: scripts/build-fixtures.sh [--check]
#   --check  build into a temporary directory and fail if any committed .wasm differs.
set -euo pipefail
cd "$(dirname "$0")/../__test__/fixtures"

CLANG="${CLANG:-clang}"
CFLAGS=(--target=wasm32-wasi -O2 -Wall -Wextra -Wno-unused-parameter -Werror
  -g0 -ffile-prefix-map="$PWD"=. -Wl,--strip-debug)
if [ -n "${WASI_SYSROOT:-}" ]; then
  CFLAGS+=(--sysroot="$WASI_SYSROOT")
fi

out="$PWD/wasm"
if [ "${1:-}" = "--check" ]; then
  out="$(mktemp -d)"
  trap 'rm -rf "$out"' EXIT
fi

for src in c/*.c; do
  name="$(basename "$src" .c)"
  (cd c && "$CLANG" "${CFLAGS[@]}" "$name.c" -o "$out/$name.wasm.tmp") ||
    { echo "build failed: $src" >&2; exit 1; }
  mv "$out/$name.wasm.tmp" "$out/$name.wasm"
  echo "built $name.wasm ($(wc -c < "$out/$name.wasm") bytes)"
done

if [ "$out" != "$PWD/wasm" ]; then
  status=0
  for f in "$out"/*.wasm; do
    if ! cmp -s "$f" "wasm/$(basename "$f")"; then
      echo "differs from the committed file: wasm/$(basename "$f")" >&2
      status=1
    fi
  done
  exit $status
fi
