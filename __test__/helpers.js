'use strict';
// Shared test tools: WAT compilation (wabt, at test time), in-process instantiation, and
// child-process runs of a guest under wasi-rs or node:wasi for differential comparison.

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.join(__dirname, '..');
const runner = path.join(__dirname, 'runner.js');

let wabtPromise;
async function wat(source) {
  wabtPromise ??= require('wabt')();
  const wabt = await wabtPromise;
  const mod = wabt.parseWat('guest.wat', source, { threads: true, bulk_memory: true });
  try {
    return Buffer.from(mod.toBinary({}).buffer);
  } finally {
    mod.destroy();
  }
}

async function instantiate(wasm, wasi) {
  const { instance } = await WebAssembly.instantiate(wasm, wasi.getImportObject());
  return instance;
}

/** A fresh temporary directory, removed by the caller with `rm`. */
function tmpdir(prefix = 'wasi-rs-') {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

function rm(dir) {
  try {
    fs.rmSync(dir, { recursive: true, force: true });
  } catch (err) {
    // Windows: a directory that a live WASI instance still holds (a preopen, a file opened in
    // it, a stdio file) cannot be removed until the instance is collected.
    if (process.platform !== 'win32' || !['EBUSY', 'ENOTEMPTY', 'EPERM'].includes(err.code)) throw err;
  }
}

/**
 * Runs a guest in a child Node process.
 * impl: 'wasi-rs' | 'node'. options: { version, args, env, preopens, returnOnExit, stdin
 * (string fed as input), cwd, node (binary), timeout }.
 */
function runGuest(impl, wasmFile, options = {}) {
  const { stdin, node = process.execPath, timeout = 180000, cwd, ...wasiOptions } = options;
  const res = spawnSync(node, ['--no-warnings', runner, impl, wasmFile, JSON.stringify(wasiOptions)], {
    input: stdin ?? '',
    cwd,
    timeout,
    maxBuffer: 64 * 1024 * 1024,
  });
  return {
    stdout: res.stdout.toString(),
    stderr: res.stderr.toString(),
    status: res.status,
    signal: res.signal,
  };
}

/**
 * Runs a guest in a child Node process whose stdin is a real pipe (the shell's `printf input |`;
 * Node's own 'pipe' stdio is a socketpair). options: the WASI options. Returns { stdout,
 * stderr, status, signal }.
 */
function runGuestPiped(impl, wasmFile, input, options = {}) {
  const cmd = 'printf "%s" "$1" | exec "$2" --no-warnings "$3" "$4" "$5" "$6"';
  const args = ['-c', cmd, 'sh', input, process.execPath, runner, impl, wasmFile, JSON.stringify(options)];
  const res = spawnSync('/bin/sh', args, { encoding: 'utf8' });
  return { stdout: res.stdout, stderr: res.stderr, status: res.status, signal: res.signal };
}

/** Writes a wasm buffer to a temporary file and returns its path. */
function wasmFile(buffer, dir = tmpdir()) {
  const file = path.join(dir, 'guest.wasm');
  fs.writeFileSync(file, buffer);
  return file;
}

module.exports = { root, wat, instantiate, tmpdir, rm, runGuest, runGuestPiped, wasmFile };
