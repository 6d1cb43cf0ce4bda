'use strict';
// Memory check: node --expose-gc bench/memcheck.js <runtime> <count> <module.wasm> <preopen dir>
// Creates `count` WASI instances (each with one preopen, instantiated and started, its guest
// making one call), lets them be collected, and reports RSS and the number of open fds at the
// start and at the end as JSON on fd 3. The start is measured after a warm-up of 1,000
// instances, so one-time costs (code, caches, the first heap pages) are not counted as growth:
// after only 100, the pages of Node's own text that V8's optimizing compiler runs from (about
// 3.6 MiB, file-backed) were still being faulted in during the measured loop. RSS is also
// split into its anonymous and file-backed parts, so what instances hold (anonymous) can be
// told from code paged in (file-backed).

const fs = require('node:fs');
const path = require('node:path');
const v8 = require('node:v8');

const GUEST = `(module
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock_time_get (param i32 i64 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "_start") (drop (call $clock_time_get (i32.const 1) (i64.const 1) (i32.const 0)))))`;

function loadRuntime(name) {
  switch (name) {
    case 'wasi-rs': return require(path.join(__dirname, '..')).WASI;
    case 'node': return require('node:wasi').WASI;
    case 'wasm-util': return require('@tybys/wasm-util').WASI;
    default: throw new Error(`unknown runtime ${name}`);
  }
}

const WARM_UP = 1000;
const openFds = () => fs.readdirSync('/proc/self/fd').length;

/** `{ anon, file }` bytes of RSS from /proc/self/status (Linux), or nulls elsewhere. */
function rssParts() {
  let status = '';
  try {
    status = fs.readFileSync('/proc/self/status', 'utf8');
  } catch {
    return { anon: null, file: null };
  }
  const kib = (key) => {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status);
    return m ? Number(m[1]) * 1024 : null;
  };
  return { anon: kib('RssAnon'), file: kib('RssFile') };
}
const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

/** Bytes V8 has committed to its young generation (new space): it grows the space when many
 * young objects survive collections, and RSS grows with it, leak or not. */
const newSpace = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? null;

async function settle() {
  // Finalizers of collected objects run after GC, from the event loop.
  for (let i = 0; i < 6; i++) {
    global.gc();
    await tick();
  }
}

async function main() {
  const [runtime, countText, wasmFile, dir] = process.argv.slice(2);
  const count = Number(countText);
  const WASI = loadRuntime(runtime);
  const module = new WebAssembly.Module(fs.readFileSync(wasmFile));
  const extra = runtime === 'wasm-util' ? { fs } : {};
  const one = () => {
    const wasi = new WASI({ version: 'preview1', returnOnExit: true, preopens: { '/sandbox': dir }, ...extra });
    const instance = new WebAssembly.Instance(module, wasi.getImportObject());
    wasi.start(instance);
  };

  for (let i = 0; i < WARM_UP; i++) one();
  await settle();
  const start = process.memoryUsage();
  const partsStart = rssParts();
  const newSpaceStart = newSpace();
  const rssStart = start.rss;
  const fdsStart = openFds();
  for (let i = 0; i < count; i++) {
    one();
    if (i % 1000 === 999) await tick();
  }
  await settle();
  const end = process.memoryUsage();
  const partsEnd = rssParts();
  const newSpaceEnd = newSpace();
  const rssEnd = end.rss;
  const fdsEnd = openFds();
  fs.writeSync(3, JSON.stringify({
    count, warmUp: WARM_UP, rssStart, rssEnd, fdsStart, fdsEnd, peakRssKiB: process.resourceUsage().maxRSS,
    rssAnonStart: partsStart.anon, rssAnonEnd: partsEnd.anon,
    rssFileStart: partsStart.file, rssFileEnd: partsEnd.file,
    // Where RSS went: live JS objects (heapUsed), pages V8 keeps for its heap (heapTotal) and
    // memory held by native objects (external).
    heapUsedStart: start.heapUsed, heapUsedEnd: end.heapUsed,
    heapTotalStart: start.heapTotal, heapTotalEnd: end.heapTotal,
    externalStart: start.external, externalEnd: end.external,
    newSpaceStart, newSpaceEnd,
  }));
}

if (require.main === module) {
  main().catch((err) => {
    fs.writeSync(3, JSON.stringify({ error: String(err?.stack ?? err) }));
  });
}

module.exports = { GUEST };
