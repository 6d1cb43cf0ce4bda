#!/usr/bin/env bash
# Rehearses the publish step that cannot run here: `napi pre-publish` (package.json
# prepublishOnly) on a clone of the repository (its HEAD), with this machine's addon standing in for
# every platform's binary (CI's publish job gets the real ones from `napi artifacts`), and
# --skip-optional-publish so nothing is published. Checks that it accepts every platform
# package in npm/ and writes optionalDependencies naming exactly the napi.targets packages at
# the package's version.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
addon="$root/wasi-rs.linux-x64-gnu.node"
[ -f "$addon" ] || { echo "check-prepublish: build the addon first ($addon is missing)" >&2; exit 1; }

tmp=$(mktemp -d)/wasi-rs
trap 'rm -rf "$(dirname "$tmp")"' EXIT
# A clone: napi reads the last commit's message.
git clone --quiet "$root" "$tmp"
ln -s "$root/node_modules" "$tmp/node_modules"
for dir in "$tmp"/npm/*/; do
  cp "$addon" "$dir/$(node -p "require('$dir/package.json').main")"
done
(cd "$tmp" && npx --no-install napi pre-publish -t npm --skip-optional-publish)

node - "$tmp/package.json" <<'JS'
const { readFileSync } = require('node:fs');
const pkg = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const suffix = (t) => {
  const [arch, , os, abi] = t.split('-');
  const a = { x86_64: 'x64', aarch64: 'arm64' }[arch];
  if (os === 'darwin') return `darwin-${a}`;
  if (os === 'windows') return `win32-${a}-${abi}`;
  return `linux-${a}-${abi}`;
};
const want = Object.fromEntries(pkg.napi.targets.map((t) => [`${pkg.name}-${suffix(t)}`, pkg.version]));
const got = pkg.optionalDependencies ?? {};
if (JSON.stringify(Object.entries(got).sort()) !== JSON.stringify(Object.entries(want).sort())) {
  console.error('check-prepublish: optionalDependencies differ\n got:  ', got, '\n want: ', want);
  process.exit(1);
}
console.log(`check-prepublish: ok (${Object.keys(got).length} optionalDependencies: ${Object.keys(got).join(', ')})`);
JS
