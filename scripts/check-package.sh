#!/usr/bin/env bash
# Proves the packed tarballs stand alone: installs dist/*.tgz (from `npm run package`) into an
# empty temporary project, offline, with no Rust toolchain on PATH, then loads wasi-rs, runs
# the example guest through the API and through the installed `wasi-rs` command, and lists
# what the install put in node_modules.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
shopt -s nullglob
tarballs=("$root"/dist/*.tgz)
[ ${#tarballs[@]} -ge 2 ] || { echo "check-package: run npm run package first (dist/ has ${#tarballs[@]} tarballs)" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# PATH: node and npm only (plus the system dirs for sh); cargo/rustc must be unreachable.
node_dir=$(dirname "$(command -v node)")
npm_cli=$(command -v npm)
export PATH="$node_dir:/usr/bin:/bin"
if command -v cargo >/dev/null || command -v rustc >/dev/null; then
  echo "check-package: a Rust toolchain is still on PATH ($PATH)" >&2
  exit 1
fi

cd "$tmp"
printf '{ "name": "check-package", "private": true }\n' > package.json
"$npm_cli" install --offline --no-audit --no-fund --loglevel=error "${tarballs[@]}"
echo "node_modules:"
find node_modules -maxdepth 3 -not -name '.*' -not -path node_modules | sed 's/^/  /' | sort
cp "$root/examples/hello/hello.wasm" .

node -e '
const { readFileSync } = require("node:fs");
const { WASI } = require("wasi-rs");
const wasi = new WASI({ version: "preview1", args: ["hello"], returnOnExit: true });
const instance = new WebAssembly.Instance(new WebAssembly.Module(readFileSync("hello.wasm")), wasi.getImportObject());
const code = wasi.start(instance);
if (code !== 0) throw new Error("exit code " + code);
'
out=$(node -e 'require("wasi-rs"); console.log(Object.keys(require.cache).filter((f) => f.endsWith(".node")).join("\n"))')
echo "loaded binary: ${out#"$tmp/"}"
case "$out" in
  "$tmp"/node_modules/wasi-rs-*/wasi-rs.*.node) ;;
  *) echo "check-package: the binary did not come from the platform package: $out" >&2; exit 1 ;;
esac
cli=$(./node_modules/.bin/wasi-rs hello.wasm)
echo "wasi-rs hello.wasm: $cli"
[ "$cli" = "Hello from WebAssembly, run by wasi-rs!" ] || { echo "check-package: unexpected CLI output" >&2; exit 1; }
echo "check-package: ok"
