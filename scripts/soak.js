#!/usr/bin/env node
'use strict';
// Soak: one wasi-rs instance runs N mixed syscalls (default 10 million) from a WAT guest loop
// — clock, random, stat, seek/tell, pread/pwrite, poll_oneoff, readdir, path_open/fd_close,
// mkdir/rmdir, args/environ sizes, fdstat — and the host's open fd count and RSS are printed at the
// start (after a warm-up) and at the end. Any call returning an errno traps the guest.
//   node --expose-gc scripts/soak.js [CALLS]      prints one JSON line; exit 1 on growth
// CI runs it with a small count through __test__/soak.spec.js.

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { WASI } = require('..');

const CALLS_PER_ROUND = 20;
const total = Number(process.argv[2] || 10_000_000);
const rounds = Math.max(1, Math.ceil(total / CALLS_PER_ROUND));

const SIGS = {
  clock_time_get: 'i32 i64 i32', random_get: 'i32 i32', fd_fdstat_get: 'i32 i32',
  fd_filestat_get: 'i32 i32', fd_seek: 'i32 i64 i32 i32', fd_tell: 'i32 i32',
  fd_pwrite: 'i32 i32 i32 i64 i32', fd_pread: 'i32 i32 i32 i64 i32',
  poll_oneoff: 'i32 i32 i32 i32', fd_readdir: 'i32 i32 i32 i64 i32', fd_close: 'i32',
  path_open: 'i32 i32 i32 i32 i32 i64 i64 i32 i32', path_filestat_get: 'i32 i32 i32 i32 i32',
  path_create_directory: 'i32 i32 i32', path_remove_directory: 'i32 i32 i32',
  args_sizes_get: 'i32 i32', environ_sizes_get: 'i32 i32',
};

// Memory: 1000 "soak.dat" (8), 1016 "d" (1), 2000 iovec {3000, 64}, 3000 data, 4000 results,
// 5000 subscription (clock, relative 0), 6000 events, 8000 readdir buffer (4096).
const SOURCE = `(module
  ${Object.entries(SIGS).map(([n, p]) => `(import "wasi_snapshot_preview1" "${n}" (func $${n}${p ? ` (param ${p})` : ''} (result i32)))`).join('\n  ')}
  (memory (export "memory") 1)
  (data (i32.const 1000) "soak.dat")
  (data (i32.const 1016) "d")
  (global $fd (mut i32) (i32.const 0))
  (func $ok (param i32) (if (local.get 0) (then unreachable)))
  (func (export "setup") (result i32)
    (i32.store (i32.const 2000) (i32.const 3000))
    (i32.store (i32.const 2004) (i32.const 64))
    (i64.store (i32.const 5000) (i64.const 42))
    (i32.store8 (i32.const 5008) (i32.const 0))
    (i32.store (i32.const 5016) (i32.const 1))
    (i64.store (i32.const 5024) (i64.const 0))
    ;; O_CREAT, all rights
    (call $path_open (i32.const 3) (i32.const 0) (i32.const 1000) (i32.const 8) (i32.const 1)
      (i64.const -1) (i64.const -1) (i32.const 0) (i32.const 4000))
    (global.set $fd (i32.load (i32.const 4000))))
  (func (export "run") (param $rounds i32) (result i32)
    (local $n i32)
    (block $done (loop $round
      (br_if $done (i32.ge_u (local.get $n) (local.get $rounds)))
      (call $ok (call $clock_time_get (i32.const 1) (i64.const 0) (i32.const 4000)))
      (call $ok (call $random_get (i32.const 3000) (i32.const 64)))
      (call $ok (call $fd_pwrite (global.get $fd) (i32.const 2000) (i32.const 1) (i64.const 0) (i32.const 4000)))
      (call $ok (call $fd_pread (global.get $fd) (i32.const 2000) (i32.const 1) (i64.const 0) (i32.const 4000)))
      (call $ok (call $fd_seek (global.get $fd) (i64.const 16) (i32.const 0) (i32.const 4000)))
      (call $ok (call $fd_tell (global.get $fd) (i32.const 4000)))
      (call $ok (call $fd_fdstat_get (global.get $fd) (i32.const 4000)))
      (call $ok (call $fd_filestat_get (global.get $fd) (i32.const 4000)))
      (call $ok (call $path_filestat_get (i32.const 3) (i32.const 0) (i32.const 1000) (i32.const 8) (i32.const 4000)))
      (call $ok (call $poll_oneoff (i32.const 5000) (i32.const 6000) (i32.const 1) (i32.const 4100)))
      (call $ok (call $fd_readdir (i32.const 3) (i32.const 8000) (i32.const 4096) (i64.const 0) (i32.const 4100)))
      (call $ok (call $path_open (i32.const 3) (i32.const 0) (i32.const 1000) (i32.const 8) (i32.const 0)
        (i64.const -1) (i64.const -1) (i32.const 0) (i32.const 4200)))
      (call $ok (call $fd_close (i32.load (i32.const 4200))))
      (call $ok (call $path_create_directory (i32.const 3) (i32.const 1016) (i32.const 1)))
      (call $ok (call $path_remove_directory (i32.const 3) (i32.const 1016) (i32.const 1)))
      (call $ok (call $args_sizes_get (i32.const 4000) (i32.const 4004)))
      (call $ok (call $environ_sizes_get (i32.const 4000) (i32.const 4004)))
      (call $ok (call $fd_fdstat_get (i32.const 3) (i32.const 4000)))
      (call $ok (call $random_get (i32.const 3000) (i32.const 8)))
      (call $ok (call $clock_time_get (i32.const 0) (i64.const 0) (i32.const 4000)))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br $round)))
    (i32.mul (local.get $n) (i32.const ${CALLS_PER_ROUND}))))`;

function sample() {
  globalThis.gc?.();
  return { fds: fs.readdirSync('/proc/self/fd').length, rssMiB: +(process.memoryUsage().rss / 2 ** 20).toFixed(1) };
}

async function main() {
  const wabt = await require('wabt')();
  const mod = wabt.parseWat('soak.wat', SOURCE);
  const wasm = Buffer.from(mod.toBinary({}).buffer);
  mod.destroy();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wasi-rs-soak-'));
  try {
    const wasi = new WASI({ version: 'preview1', args: ['soak'], env: { A: '1' }, preopens: { '/s': dir } });
    const { instance } = await WebAssembly.instantiate(wasm, wasi.getImportObject());
    wasi.initialize(instance);
    const g = instance.exports;
    if (g.setup() !== 0) throw new Error('setup failed');
    // Warm-up: 2% of the work (at least one chunk) before the first sample.
    const chunk = 10_000;
    const warm = Math.max(1000, Math.floor(rounds / 50));
    let done = g.run(warm);
    const start = sample();
    const t0 = process.hrtime.bigint();
    let left = rounds;
    while (left > 0) {
      const n = Math.min(chunk, left);
      done += g.run(n);
      left -= n;
    }
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const end = sample();
    const calls = rounds * CALLS_PER_ROUND;
    const result = {
      calls, warmupCalls: warm * CALLS_PER_ROUND, seconds: +seconds.toFixed(1),
      callsPerSecond: Math.round(calls / seconds), start, end, node: process.version,
    };
    console.log(JSON.stringify(result));
    if (done !== (warm + rounds) * CALLS_PER_ROUND) throw new Error(`ran ${done} calls`);
    if (end.fds !== start.fds) process.exitCode = 1;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
