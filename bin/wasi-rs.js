#!/usr/bin/env node
'use strict';
// wasi-rs command line: runs a WASI module, exit status = the guest's.
// Usage: wasi-rs [--dir HOST[::GUEST]]... [--env K=V]... MODULE.wasm [ARGS...]

const { readFileSync } = require('node:fs');
const { WASI } = require('..');

function main(argv) {
  const preopens = {};
  const env = {};
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--dir') {
      const [host, guest = host] = argv[++i].split('::');
      preopens[guest] = host;
    } else if (a === '--env') {
      const kv = argv[++i];
      const eq = kv.indexOf('=');
      env[kv.slice(0, eq)] = kv.slice(eq + 1);
    } else {
      break;
    }
  }
  const file = argv[i];
  if (!file) {
    process.stderr.write('usage: wasi-rs [--dir HOST[::GUEST]]... [--env K=V]... MODULE.wasm [ARGS...]\n');
    return 2;
  }
  const module = new WebAssembly.Module(readFileSync(file));
  const wasi = new WASI({ version: 'preview1', args: [file, ...argv.slice(i + 1)], env, preopens });
  const instance = new WebAssembly.Instance(module, wasi.getImportObject());
  return wasi.start(instance);
}

process.exitCode = main(process.argv.slice(2));
