'use strict';
// Loads the native addon: a freshly built local binary first (wasi-rs.<platform>.node next to
// the package root), then the prebuilt platform package (wasi-rs-<platform>).

const { existsSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

function isMusl() {
  if (process.platform !== 'linux') return false;
  try {
    return readFileSync('/usr/bin/ldd', 'utf8').includes('musl');
  } catch {
    const report = typeof process.report?.getReport === 'function' ? process.report.getReport() : null;
    return !report?.header?.glibcVersionRuntime;
  }
}

function platformSuffix() {
  const { platform, arch } = process;
  if (platform === 'linux') return `linux-${arch}-${isMusl() ? 'musl' : 'gnu'}`;
  if (platform === 'win32') return `win32-${arch}-msvc`;
  if (platform === 'darwin') return `darwin-${arch}`;
  return `${platform}-${arch}`;
}

function load() {
  const suffix = platformSuffix();
  const local = join(__dirname, '..', `wasi-rs.${suffix}.node`);
  const errors = [];
  if (existsSync(local)) {
    try {
      return require(local);
    } catch (err) {
      errors.push(err);
    }
  }
  try {
    return require(`wasi-rs-${suffix}`);
  } catch (err) {
    errors.push(err);
  }
  const err = new Error(
    `wasi-rs: no native binary for ${suffix}. Install the package wasi-rs-${suffix} ` +
    '(npm installs it with wasi-rs on supported platforms) or build one with `npm run build`.');
  err.cause = errors;
  throw err;
}

module.exports = load();
