#!/bin/sh
# Rebuilds the committed C benchmark guests (needs clang, lld and wasi-libc; Debian: clang lld
# wasi-libc libclang-rt-*-dev-wasm32). The benchmarks use the committed .wasm files, so they
# run on machines without clang.
set -eu
cd "$(dirname "$0")"
for src in *.c; do
  clang --target=wasm32-wasi -O2 -Wall -Wextra -Wl,--strip-all -o "${src%.c}.wasm" "$src"
done
