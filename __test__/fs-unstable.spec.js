'use strict';
// version 'unstable' (wasi_unstable, snapshot 0): a guest built against the snapshot-0 ABI
// seeks (whence CUR=0, END=1, SET=2), stats (56-byte filestat: nlink u32 at 20, size at 24,
// nothing written past 56) and polls a clock (56-byte subscription with a leading u64
// identifier) correctly under wasi-rs. node:wasi uses the preview1 layouts here (listed as
// 'unstable-layouts' in differences.js), which the last test shows.

const test = require('ava');
const fs = require('node:fs');
const path = require('node:path');
const { wat, tmpdir, rm, runGuest } = require('./helpers.js');
const { commandWat, lines } = require('./fs-wat.js');
const differences = require('./differences.js');

const RIGHTS = (1n << 1n) | (1n << 2n) | (1n << 5n) | (1n << 21n); // read, seek, tell, filestat_get
const strings = { 1040: 'f', 1100: 'seek', 1110: 'fstat', 1120: 'pstat', 1130: 'poll', 1140: 'open' };
const label = (at) => `(call $str (i32.const ${at}) (i32.const ${strings[at].length}))`;

const stat = (call) => `
  (memory.fill (i32.const 512) (i32.const 170) (i32.const 72))
  (call $n ${call})
  (call $n (i32.load8_u (i32.const 528)))
  (call $n (i32.load (i32.const 532)))
  (call $num (i64.load (i32.const 536)))
  (call $num (i64.load (i32.const 568)))
  (call $flush)`;

const body = `
  ${label(1140)}
  (call $n (call $path_open (i32.const 3) (i32.const 0) (i32.const 1040) (i32.const 1) (i32.const 0)
    (i64.const ${RIGHTS}) (i64.const 0) (i32.const 0) (i32.const 0)))
  (call $flush)
  (local.set $fd (i32.load (i32.const 0)))
  ;; SET 3 -> 3, CUR +2 -> 5, END -1 -> 9
  ${label(1100)}
  (call $n (call $fd_seek (local.get $fd) (i64.const 3) (i32.const 2) (i32.const 16))) (call $num (i64.load (i32.const 16)))
  (call $n (call $fd_seek (local.get $fd) (i64.const 2) (i32.const 0) (i32.const 16))) (call $num (i64.load (i32.const 16)))
  (call $n (call $fd_seek (local.get $fd) (i64.const -1) (i32.const 1) (i32.const 16))) (call $num (i64.load (i32.const 16)))
  (call $flush)
  ;; "fstat ERR FILETYPE NLINK SIZE BYTES56..63" (the last must stay 0xAA.. : 56 bytes written)
  ${label(1110)} ${stat('(call $fd_filestat_get (local.get $fd) (i32.const 512))')}
  ${label(1120)} ${stat('(call $path_filestat_get (i32.const 3) (i32.const 0) (i32.const 1040) (i32.const 1) (i32.const 512))')}
  ;; one relative monotonic clock subscription of 1 ms, snapshot-0 layout
  (memory.fill (i32.const 600) (i32.const 0) (i32.const 56))
  (i64.store (i32.const 600) (i64.const 0x1234))
  (i64.store (i32.const 616) (i64.const 0xdead))
  (i32.store (i32.const 624) (i32.const 1))
  (i64.store (i32.const 632) (i64.const 1000000))
  ${label(1130)}
  (call $n (call $poll_oneoff (i32.const 600) (i32.const 700) (i32.const 1) (i32.const 800)))
  (call $n (i32.load (i32.const 800)))
  (call $num (i64.load (i32.const 700)))
  (call $n (i32.load16_u (i32.const 708)))
  (call $n (i32.load8_u (i32.const 710)))
  (call $flush)`;

let dir;
const runs = {};
async function run(impl) {
  runs[impl] ??= (async () => {
    dir ??= fs.realpathSync(tmpdir('wasi-rs-unstable-'));
    const file = path.join(dir, 'unstable.wasm');
    if (!fs.existsSync(file)) {
      fs.writeFileSync(file, await wat(commandWat({ module: 'wasi_unstable', strings, locals: '(local $fd i32)', body })));
    }
    const sb = path.join(dir, `sb-${impl}`);
    fs.mkdirSync(sb);
    fs.writeFileSync(path.join(sb, 'f'), '0123456789');
    const res = runGuest(impl, file, { version: 'unstable', preopens: { '/sandbox': sb } });
    return { res, out: lines(res.stdout) };
  })();
  return runs[impl];
}

test.after.always(() => dir && rm(dir));

const SENTINEL = '12297829382473034410'; // 0xAAAAAAAAAAAAAAAA: bytes 56..63 left alone

test('unstable: fd_seek uses whence CUR=0, END=1, SET=2', async (t) => {
  const { res, out } = await run('wasi-rs');
  t.is(res.status, 0, res.stderr);
  t.deepEqual(out.open, [['0']]);
  t.deepEqual(out.seek, [['0', '3', '0', '5', '0', '9']]);
});

test('unstable: fd_filestat_get and path_filestat_get write the 56-byte filestat', async (t) => {
  const { out } = await run('wasi-rs');
  t.deepEqual(out.fstat, [['0', '4', '1', '10', SENTINEL]]);
  t.deepEqual(out.pstat, [['0', '4', '1', '10', SENTINEL]]);
});

test('unstable: poll_oneoff reads the 56-byte clock subscription', async (t) => {
  const { out } = await run('wasi-rs');
  t.deepEqual(out.poll, [['0', '1', '4660', '0', '0']]);
});

test('unstable: node:wasi applies the preview1 layouts instead (a listed difference)', async (t) => {
  t.true(differences.some((d) => d.id === 'unstable-layouts'));
  const { out } = await run('node');
  t.notDeepEqual(out.seek, [['0', '3', '0', '5', '0', '9']]);
  t.notDeepEqual(out.fstat, [['0', '4', '1', '10', SENTINEL]]);
});
