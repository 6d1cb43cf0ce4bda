'use strict';
// One measurement in a fresh process: node bench/child.js <runtime> <spec-json>
// runtime: wasi-rs | node | wasm-util. The result goes to fd 3 as JSON, because the guest owns
// stdout and stderr.
//
// kind 'start' (default): the module is compiled first (not timed), then setup = construct the
// WASI object + instantiate, then only `wasi.start(instance)` is timed.
// kind 'lifecycle': `iterations` × (construct + instantiate + start) timed as a whole, plus the
// process's peak RSS.

const fs = require('node:fs');
const path = require('node:path');

const [runtime, json] = process.argv.slice(2);
const spec = JSON.parse(json);

function report(result) {
  fs.writeSync(3, JSON.stringify(result));
}

function loadRuntime(name) {
  switch (name) {
    case 'wasi-rs': return require(path.join(__dirname, '..')).WASI;
    case 'node': return require('node:wasi').WASI;
    case 'wasm-util': return require('@tybys/wasm-util').WASI;
    default: throw new Error(`unknown runtime ${name}`);
  }
}

function options(WASI) {
  const o = { version: 'preview1', returnOnExit: true, args: spec.args ?? [], env: spec.env ?? {} };
  if (spec.preopens) o.preopens = spec.preopens;
  if (runtime === 'wasm-util') {
    // wasm-util reaches files through a Node-like fs and writes stdio lines through callbacks;
    // give it Node's own, writing to the real fds 1 and 2.
    o.fs = fs;
    o.print = (s) => fs.writeSync(1, `${s}\n`);
    o.printErr = (s) => fs.writeSync(2, `${s}\n`);
  }
  return () => new WASI(o);
}

function main() {
  const WASI = loadRuntime(runtime);
  const make = options(WASI);
  const module = new WebAssembly.Module(fs.readFileSync(spec.wasm));

  if (spec.kind === 'lifecycle') {
    let status = 0;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < spec.iterations; i++) {
      const wasi = make();
      const instance = new WebAssembly.Instance(module, wasi.getImportObject());
      status |= wasi.start(instance);
    }
    const t1 = process.hrtime.bigint();
    report({ status, timeNs: Number(t1 - t0), peakRssKiB: process.resourceUsage().maxRSS });
    return;
  }

  const t0 = process.hrtime.bigint();
  const wasi = make();
  const instance = new WebAssembly.Instance(module, wasi.getImportObject());
  const t1 = process.hrtime.bigint();
  const status = wasi.start(instance);
  const t2 = process.hrtime.bigint();
  report({
    status,
    setupNs: Number(t1 - t0),
    timeNs: Number(t2 - t1),
    peakRssKiB: process.resourceUsage().maxRSS,
  });
}

try {
  main();
} catch (err) {
  report({ error: String(err?.stack ?? err) });
}
