#!/usr/bin/env bash
# npm run package: builds the release addon and writes installable tarballs into dist/:
# the main package (wasi-rs-<version>.tgz, JavaScript only) and this machine's platform package
# (wasi-rs-<platform>-<version>.tgz, the .node binary), prepared the way `napi artifacts` does
# for a release. `npm install dist/*.tgz` installs the pair; lib/native.js finds the binary.
# (A publish adds the optionalDependencies with `napi prepublish`; the local tarballs leave them
# out so installing them never reaches a registry.)
set -euo pipefail
cd "$(dirname "$0")/.."

napi() { node node_modules/@napi-rs/cli/dist/cli.js "$@"; }

if [ "${SKIP_BUILD:-}" != 1 ]; then
  napi build --platform --release --no-js --dts lib/native.d.ts
fi

# The platform suffix napi uses (linux-x64-gnu, darwin-arm64, win32-x64-msvc, ...).
suffix=$(node -p "process.platform + '-' + process.arch")
case "$suffix" in
  linux-*) if ldd --version 2>&1 | grep -qi musl; then suffix="$suffix-musl"; else suffix="$suffix-gnu"; fi ;;
  win32-*) suffix="$suffix-msvc" ;;
esac
binary="wasi-rs.${suffix}.node"
[ -f "$binary" ] || { echo "package: $binary was not built" >&2; exit 1; }
[ -d "npm/${suffix}" ] || { echo "package: no npm/${suffix} (not a napi.targets platform)" >&2; exit 1; }

rm -rf dist
mkdir -p dist
# `napi artifacts` wants a binary for every napi.targets entry (as in the release job, which
# downloads them all); here there is one, so it gets a config naming this machine's target.
artifacts=$(mktemp -d)
trap 'rm -rf "$artifacts"' EXIT
cp "$binary" "$artifacts/"
target=$(node -p "require('./package.json').napi.targets.find((t) => {
  const [arch, , os, abi] = t.split('-');
  const a = { x86_64: 'x64', aarch64: 'arm64' }[arch];
  const o = { linux: 'linux', darwin: 'darwin', windows: 'win32' }[os];
  return '$suffix' === [o, a, o === 'linux' ? abi : o === 'win32' ? 'msvc' : ''].filter(Boolean).join('-');
}) || ''")
[ -n "$target" ] || { echo "package: $suffix is not in napi.targets" >&2; exit 1; }
printf '{ "binaryName": "wasi-rs", "targets": ["%s"] }\n' "$target" > "$artifacts/napi.json"
napi artifacts --config-path "$artifacts/napi.json" --output-dir "$artifacts" --npm-dir npm

npm pack --silent --pack-destination dist >/dev/null
npm pack --silent --pack-destination dist "./npm/${suffix}" >/dev/null
rm -f "npm/${suffix}/${binary}"
ls -l dist
