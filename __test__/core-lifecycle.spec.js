'use strict';
// Instance lifetime and isolation: memory.grow between calls, two instances in one process,
// instances inside worker_threads Workers (and a Worker stuck in an endless guest loop that
// must still terminate), and instances (200 with two preopens each; 100 bound to a shared
// memory) that, once collected, leave no host fd open.

const test = require('ava');
const fs = require('node:fs');
const path = require('node:path');
const { Worker } = require('node:worker_threads');
const { spawnSync } = require('node:child_process');
const { WASI } = require('..');
const { tmpdir, rm, wat } = require('./helpers.js');
const { guest } = require('./guest.js');
const { bound, scratch } = require('./core-support.js');

process.removeAllListeners('warning');

const ROOT = path.join(__dirname, '..');
// The directory listing this process's open fds.
const FD_DIR = process.platform === 'linux' ? '/proc/self/fd' : '/dev/fd';

test('memory.grow between calls: pointers in the new region work, from wasm and from JS', async (t) => {
  const { wasi, x, mem } = await bound({ args: ['grown'] });
  t.is(x.call_args_sizes_get(70000, 70004), 61, 'beyond the first page before growing');
  const oldBuffer = x.memory.buffer;
  t.is(x.grow(2), 1);
  t.is(oldBuffer.byteLength, 0, 'the old buffer is detached');
  t.is(x.call_args_sizes_get(70000, 70004), 0);
  t.deepEqual([mem.u32(70000), mem.u32(70004)], [1, 6]);
  t.is(x.call_args_get(131000, 140000), 0);
  t.is(mem.u32(131000), 140000);
  t.is(mem.bytes(140000, 6).toString(), 'grown\0');
  // Grown from JavaScript too, and the calls see it at once.
  x.memory.grow(1);
  t.is(wasi.wasiImport.random_get(196608 + 100, 16), 0);
  t.is(wasi.wasiImport.random_get(4 * 65536 - 8, 9), 61);
  t.is(x.call_random_get(4 * 65536 - 8, 8), 0);
});

test('a memory bound with no pages, then grown, is seen at its new size; grow(0) rebinds too', (t) => {
  const wasi = new WASI({ version: 'preview1', args: ['a'] });
  const memory = new WebAssembly.Memory({ initial: 0 });
  wasi.initialize({ exports: { memory } });
  t.is(wasi.wasiImport.args_sizes_get(0, 4), 61, 'no pages: every pointer is out of range');
  memory.grow(1);
  t.is(wasi.wasiImport.args_sizes_get(0, 4), 0);
  t.deepEqual([...new Uint32Array(memory.buffer, 0, 2)], [1, 2]);
  // grow(0) detaches the buffer and makes a new one of the same length.
  const before = memory.buffer;
  memory.grow(0);
  t.is(before.byteLength, 0);
  t.is(wasi.wasiImport.args_sizes_get(8, 12), 0);
  t.deepEqual([...new Uint32Array(memory.buffer, 8, 2)], [1, 2]);
  t.is(wasi.wasiImport.args_sizes_get(65536, 0), 61);
});

test('memory.grow inside a guest, then a call into the new pages in the same run', async (t) => {
  const s = scratch();
  try {
    const out = s.file('out');
    const wasm = await guest({
      start: `(drop (memory.grow (i32.const 3)))
        (i32.store (i32.const 200000) (i32.const 200016)) (i32.store (i32.const 200004) (i32.const 5))
        (i32.store (i32.const 200016) (i32.const 0x6c6c6568)) (i32.store8 (i32.const 200020) (i32.const 0x6f))
        (call $proc_exit (call $fd_write (i32.const 1) (i32.const 200000) (i32.const 1) (i32.const 200008)))`,
    });
    const wasi = new WASI({ version: 'preview1', stdout: out.fd });
    const instance = new WebAssembly.Instance(new WebAssembly.Module(wasm), wasi.getImportObject());
    t.is(wasi.start(instance), 0);
    t.is(out.read(), 'hello');
    t.is(new DataView(instance.exports.memory.buffer).getUint32(200008, true), 5);
  } finally {
    s.done();
  }
});

test('a shared memory (SharedArrayBuffer) works and grows', async (t) => {
  const { wasi, x, mem } = await bound({ args: ['shared'] }, { pages: 1, maxPages: 4, shared: true });
  t.true(x.memory.buffer instanceof SharedArrayBuffer);
  t.is(x.call_args_sizes_get(0, 4), 0);
  t.deepEqual([mem.u32(0), mem.u32(4)], [1, 7]);
  t.is(x.grow(1), 1);
  t.is(x.call_args_sizes_get(65536 + 8, 65536 + 12), 0);
  t.is(mem.u32(65536 + 12), 7);
  t.is(wasi.wasiImport.args_sizes_get(65536 + 16, 65536 + 20), 0);
});

test('two instances in one process are independent (args, env, preopens, fd tables)', async (t) => {
  const s = scratch();
  const dirA = path.join(s.dir, 'a');
  const dirB = path.join(s.dir, 'b');
  fs.mkdirSync(dirA);
  fs.mkdirSync(dirB);
  try {
    const outA = s.file('outA');
    const outB = s.file('outB');
    const a = await bound({ args: ['first', 'x'], env: { WHO: 'a' }, preopens: { '/a': dirA }, stdout: outA.fd });
    const b = await bound({ args: ['second'], env: {}, preopens: { '/bee': dirB, '/b2': dirB }, stdout: outB.fd });
    t.is(a.x.call_args_sizes_get(0, 4), 0);
    t.is(b.x.call_args_sizes_get(0, 4), 0);
    t.deepEqual([a.mem.u32(0), a.mem.u32(4)], [2, 8]);
    t.deepEqual([b.mem.u32(0), b.mem.u32(4)], [1, 7]);
    t.is(a.x.call_environ_sizes_get(0, 4), 0);
    t.is(b.x.call_environ_sizes_get(0, 4), 0);
    t.deepEqual([a.mem.u32(0), b.mem.u32(0)], [1, 0]);
    t.is(a.x.call_fd_prestat_get(3, 0), 0);
    t.is(a.mem.u32(4), 2);
    t.is(a.x.call_fd_prestat_get(4, 0), 8);
    t.is(b.x.call_fd_prestat_get(4, 0), 0);
    t.is(b.mem.u32(4), 3);
    // Closing fd 1 in one instance leaves the other's alone.
    t.is(a.x.call_fd_close(1), 0);
    b.mem.put(100, 'bee');
    b.mem.iovs(0, [[100, 3]]);
    t.is(b.x.call_fd_write(1, 0, 1, 50), 0);
    t.is(outB.read(), 'bee');
    a.mem.iovs(0, [[100, 3]]);
    t.is(a.x.call_fd_write(1, 0, 1, 50), 8);
    t.is(outA.read(), '');
  } finally {
    s.done();
  }
});

function runWorker(source, workerData) {
  return new Worker(source, { eval: true, workerData });
}

test('an instance works inside a worker_threads Worker', async (t) => {
  const s = scratch();
  try {
    const out = s.file('out');
    const wasm = await guest({
      start: `(drop (call $args_sizes_get (i32.const 0) (i32.const 4)))
        (say "worker argc ") (call $i (i32.load (i32.const 0))) (call $nl)
        (call $proc_exit (i32.const 9))`,
    });
    const worker = runWorker(`
      const { parentPort, workerData } = require('node:worker_threads');
      const { WASI } = require(workerData.root);
      const wasi = new WASI({ version: 'preview1', args: ['w', 'x', 'y'], stdout: workerData.fd });
      const instance = new WebAssembly.Instance(new WebAssembly.Module(workerData.wasm), wasi.getImportObject());
      parentPort.postMessage(wasi.start(instance));`, { root: ROOT, fd: out.fd, wasm });
    const [code] = await Promise.all([
      new Promise((resolve, reject) => { worker.once('message', resolve); worker.once('error', reject); }),
      new Promise((resolve) => worker.once('exit', resolve)),
    ]);
    t.is(code, 9);
    t.is(out.read(), 'worker argc 3 \n');
  } finally {
    s.done();
  }
});

const endlessLoops = {
  'calling WASI in the loop': `(loop $forever
      (drop (call $sched_yield))
      (drop (call $clock_time_get (i32.const 1) (i64.const 0) (i32.const 0)))
      (br $forever))`,
  'a pure wasm loop': '(loop $forever (br $forever))',
  'sleeping in poll_oneoff': `(i32.store (i32.const 16) (i32.const 1)) (i64.store (i32.const 24) (i64.const 3600000000000))
      (loop $forever (drop (call $poll_oneoff (i32.const 0) (i32.const 100) (i32.const 1) (i32.const 200))) (br $forever))`,
};

for (const [title, start] of Object.entries(endlessLoops)) {
  test(`a Worker running an endless guest loop can be terminated: ${title}`, async (t) => {
    const wasm = await guest({ start });
    const worker = runWorker(`
      const { parentPort, workerData } = require('node:worker_threads');
      const { WASI } = require(workerData.root);
      const wasi = new WASI({ version: 'preview1' });
      const instance = new WebAssembly.Instance(new WebAssembly.Module(workerData.wasm), wasi.getImportObject());
      parentPort.postMessage('started');
      wasi.start(instance);`, { root: ROOT, wasm });
    await new Promise((resolve, reject) => { worker.once('message', resolve); worker.once('error', reject); });
    // Let the guest spin for a moment, then stop it.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const exitCode = await worker.terminate();
    t.is(exitCode, 1);
    // The main thread's own instances still work afterwards.
    const { x } = await bound({ args: ['after'] });
    t.is(x.call_args_sizes_get(0, 4), 0);
  });
}

test('a Worker that ends while holding instances releases them; the process stays healthy', async (t) => {
  const dir = tmpdir();
  try {
    const script = `
      const { Worker } = require('node:worker_threads');
      const fs = require('node:fs');
      const count = () => fs.readdirSync(${JSON.stringify(FD_DIR)}).length;
      const run = (body) => new Promise((resolve) => new Worker(body, { eval: true }).on('exit', resolve));
      (async () => {
        // A first Worker without instances: Node keeps an fd of its own after the first
        // Worker, which is not ours to count.
        await run('require("node:worker_threads")');
        const before = count();
        const code = await run(\`
          const { WASI } = require(${JSON.stringify(ROOT)});
          const keep = [];
          for (let i = 0; i < 20; i += 1) keep.push(new WASI({ version: 'preview1', preopens: { '/a': ${JSON.stringify(dir)}, '/b': ${JSON.stringify(dir)} } }));
          // 20 × two preopens, plus the three stdio duplicates all instances share.
          if (keep.length !== 20 || require('node:fs').readdirSync(${JSON.stringify(FD_DIR)}).length < 43) process.exit(3);
        \`);
        if (code !== 0) console.log('worker exit ' + code);
        // Worker teardown finishes asynchronously: look again for a while before calling it a leak.
        for (let tries = 0; tries < 40 && count() > before; tries += 1) await new Promise((r) => setTimeout(r, 50));
        console.log(count() <= before ? 'ok' : 'leak ' + before + ' ' + count());
      })();`;
    const res = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    t.is(res.stderr, '');
    t.is(res.stdout, 'ok\n');
  } finally {
    rm(dir);
  }
});

/**
 * Runs, in a child Node with --expose-gc, `body` (JavaScript making instances of the module at
 * `wasmPath` inside a function that returns, so they are garbage once it does; it may set
 * fields of `result`) and counts this child's open fds: before, right after the body, after
 * one gc() with no turn of the event loop, and after up to 10 rounds of gc() and a turn.
 * `prelude` runs first (e.g. making a shared memory). Returns the parsed counts and fields.
 */
function countFdsAcrossCollection(t, wasmPath, body, prelude = '') {
  const script = `
    const { WASI } = require(${JSON.stringify(ROOT)});
    const fs = require('node:fs');
    const count = () => fs.readdirSync(${JSON.stringify(FD_DIR)}).length;
    const module = new WebAssembly.Module(fs.readFileSync(${JSON.stringify(wasmPath)}));
    const turn = () => new Promise((resolve) => setImmediate(resolve));
    ${prelude}
    (async () => {
      // Warm up once so lazily opened runtime fds are not counted.
      new WASI({ version: 'preview1' });
      globalThis.gc();
      await turn();
      const before = count();
      const result = {};
      (() => {
        ${body}
      })();
      const during = count();
      // Finalizers run from GC itself (the addon's experimental Node-API version), so one
      // collection closes the fds before this synchronous code goes on.
      globalThis.gc();
      const afterGc = count();
      for (let i = 0; i < 10 && count() > before; i += 1) {
        globalThis.gc();
        await turn();
      }
      console.log(JSON.stringify({ ...result, before, during, afterGc, after: count() }));
    })();`;
  const res = spawnSync(process.execPath, ['--expose-gc', '-e', script], { encoding: 'utf8' });
  t.is(res.stderr, '');
  const counts = JSON.parse(res.stdout);
  const { before, during, afterGc, after } = counts;
  t.true(during > before, `instances hold fds while alive (before ${before}, during ${during})`);
  t.is(afterGc, before, `one GC, with no turn of the event loop, closed them (before ${before}, after it ${afterGc})`);
  t.is(after, before, `no fd left open (before ${before}, after ${after})`);
  return counts;
}

test('200 instances with two preopens each, dropped and collected, leave no fd open', async (t) => {
  const dir = tmpdir();
  try {
    const wasm = await guest({ start: '(drop (call $fd_prestat_get (i32.const 3) (i32.const 0)))' });
    const wasmPath = path.join(dir, 'guest.wasm');
    fs.writeFileSync(wasmPath, wasm);
    const { before, during } = countFdsAcrossCollection(t, wasmPath, `
        for (let i = 0; i < 200; i += 1) {
          const wasi = new WASI({ version: 'preview1', preopens: { '/a': ${JSON.stringify(dir)}, '/b': ${JSON.stringify(dir)} } });
          if (i % 2 === 0) wasi.start(new WebAssembly.Instance(module, wasi.getImportObject()));
        }`);
    t.true(during >= before + 2, `both preopens of live instances are open (before ${before}, during ${during})`);
  } finally {
    rm(dir);
  }
});

test('instances bound to a shared memory are collected too, and close their preopens', async (t) => {
  // The native side holds a shared memory's view function by a strong reference; that
  // function must not reach the instance, or the instance and its fds would live for ever.
  // Their finalizers also delete that reference, from inside the GC.
  const dir = tmpdir();
  try {
    const wasmPath = path.join(dir, 'shared.wasm');
    fs.writeFileSync(wasmPath, await wat(`(module
      (import "env" "memory" (memory 1 10 shared))
      (import "wasi_snapshot_preview1" "fd_prestat_get" (func $fd_prestat_get (param i32 i32) (result i32)))
      (func (export "call") (result i32) (call $fd_prestat_get (i32.const 3) (i32.const 70000))))`));
    const { errnos } = countFdsAcrossCollection(t, wasmPath, `
        const errnos = new Set();
        for (let i = 0; i < 100; i += 1) {
          const wasi = new WASI({ version: 'preview1', preopens: { '/a': ${JSON.stringify(dir)} } });
          const instance = new WebAssembly.Instance(module, { ...wasi.getImportObject(), env: { memory } });
          wasi.finalizeBindings(instance, { memory });
          // Grown once, so the 64 KiB past the first window is reached through the view function.
          if (i === 0) memory.grow(1);
          errnos.add(instance.exports.call());
        }
        result.errnos = [...errnos];`,
    'const memory = new WebAssembly.Memory({ initial: 1, maximum: 10, shared: true });');
    t.deepEqual(errnos, [0], 'fd_prestat_get wrote past the first window of the grown memory');
  } finally {
    rm(dir);
  }
});

test('stdio duplicates are shared: 20,000 live instances hold 3 extra fds, not 60,000', (t) => {
  const script = `
    const { WASI } = require(${JSON.stringify(ROOT)});
    const fs = require('node:fs');
    const count = () => fs.readdirSync(${JSON.stringify(FD_DIR)}).length;
    new WASI({ version: 'preview1' }); // loads the addon and its runtime fds
    const before = count();
    const keep = [];
    for (let i = 0; i < 20000; i += 1) keep.push(new WASI({ version: 'preview1' }));
    console.log(JSON.stringify({ before, during: count(), kept: keep.length }));`;
  const res = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  t.is(res.stderr, '');
  const { before, during, kept } = JSON.parse(res.stdout);
  t.is(kept, 20000);
  t.true(during <= before + 3, `fds before ${before}, with 20,000 instances ${during}`);
});

test('a stdio fd number reopened on another file gets its own duplicate; the old one keeps its file', (t) => {
  const dir = tmpdir();
  try {
    const script = `
      const { WASI } = require(${JSON.stringify(ROOT)});
      const fs = require('node:fs');
      const path = require('node:path');
      const write = (wasi, text) => {
        const mem = new WebAssembly.Memory({ initial: 1 });
        wasi.initialize({ exports: { memory: mem } });
        const u8 = new Uint8Array(mem.buffer);
        const bytes = Buffer.from(text);
        u8.set(bytes, 64);
        new Uint32Array(mem.buffer, 0, 2).set([64, bytes.length]);
        return wasi.wasiImport.fd_write(1, 0, 1, 16);
      };
      const a = path.join(${JSON.stringify(dir)}, 'a.txt');
      const b = path.join(${JSON.stringify(dir)}, 'b.txt');
      const fdA = fs.openSync(a, 'w');
      const first = new WASI({ version: 'preview1', stdout: fdA });
      const second = new WASI({ version: 'preview1', stdout: fdA });
      fs.closeSync(fdA);
      const fdB = fs.openSync(b, 'w');
      if (fdB !== fdA) throw new Error('the fd number was not reused');
      const third = new WASI({ version: 'preview1', stdout: fdB });
      // The same file again, reopened on the same number: a new description (offset 0, while
      // the first one's is past what the first two wrote), so a duplicate of its own.
      const errnos = [write(first, 'one;'), write(second, 'two;'), write(third, 'three;')];
      fs.closeSync(fdB);
      const fdA2 = fs.openSync(a, 'r+');
      const fourth = new WASI({ version: 'preview1', stdout: fdA2 });
      errnos.push(write(fourth, 'ONE;'));
      console.log(JSON.stringify({ errnos, a: fs.readFileSync(a, 'utf8'), b: fs.readFileSync(b, 'utf8') }));`;
    const res = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    t.is(res.stderr, '');
    const out = JSON.parse(res.stdout);
    t.deepEqual(out.errnos, [0, 0, 0, 0]);
    // first and second share one description of a.txt; fourth's own description starts at 0.
    t.is(out.a, 'ONE;two;');
    t.is(out.b, 'three;');
  } finally {
    rm(dir);
  }
});
