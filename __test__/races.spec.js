'use strict';
// The sandbox under races: a child process keeps swapping directories and symlinks inside
// the preopen — `x` a real directory, then a symlink to the sibling `outside` (absolute and
// relative), `y` a symlink flipped atomically between an inside file and outside/secret,
// `d/sub` a directory or a symlink climbing to outside/sub — while a WAT guest loops over
// path_open + fd_read, O_CREAT|O_TRUNC + fd_write, path_filestat_get, path_rename,
// path_unlink_file, path_link, mkdir/rmdir on paths through them, all with the follow flag.
// Nothing outside the preopen may be read (the guest counts reads that return the outside
// marker) or touched (the sibling tree is snapshotted: names, sizes, link counts, mtimes,
// ctimes, contents).

const test = require('ava');
const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { wat, instantiate, tmpdir, rm } = require('./helpers.js');
const { WASI } = require('..');

const MARKER = 'OUTSIDE-SECRET-0123456789';
const ROUNDS = Number(process.env.WASI_RS_RACE_ROUNDS || 3000);

const RACER = `
const fs = require('node:fs');
const path = require('node:path');
const [sandbox, outside] = process.argv.slice(1);
const X = path.join(sandbox, 'x');
const Y = path.join(sandbox, 'y');
const YT = path.join(sandbox, 'y.tmp');
const SUB = path.join(sandbox, 'd', 'sub');
const quiet = (f) => { try { f(); } catch {} };
const clear = (p) => quiet(() => {
  if (fs.lstatSync(p).isSymbolicLink()) fs.unlinkSync(p);
  else fs.rmSync(p, { recursive: true, force: true });
});
const stop = path.join(sandbox, '..', 'stop');
const deadline = Date.now() + 120000; // a safety net: never outlive a broken test
let swaps = 0;
for (let i = 0; !fs.existsSync(stop) && Date.now() < deadline; i++) {
  clear(X);
  if (i % 3 === 0) quiet(() => fs.symlinkSync(outside, X));
  else if (i % 3 === 1) quiet(() => fs.symlinkSync('../outside', X));
  else quiet(() => { fs.mkdirSync(X); fs.writeFileSync(path.join(X, 'f'), 'inside-f'); });
  quiet(() => { fs.symlinkSync(i % 2 ? '../outside/secret' : 'inside.txt', YT); fs.renameSync(YT, Y); });
  clear(SUB);
  if (i % 2) quiet(() => fs.symlinkSync('../../outside/sub', SUB));
  else quiet(() => { fs.mkdirSync(SUB); fs.writeFileSync(path.join(SUB, 'deep'), 'inside-deep'); });
  if (swaps++ === 0) process.stdout.write('go ');
}
process.stdout.write(String(swaps));
`;

// Memory: strings from 1000; read buffer 3000 (64 bytes); iovec 2900; results 2800;
// counters: 100 outside reads, 104 inside reads.
const STRINGS = [
  ['x/f', 1000], ['y', 1010], ['x/new', 1020], ['x/g', 1030], ['d/sub/deep', 1040],
  ['x/dd', 1060], ['x/hard', 1070], ['x', 1080], ['d/sub', 1090], ['inside.txt', 1100],
];
const at = Object.fromEntries(STRINGS.map(([s, a]) => [s, [a, s.length]]));
const p = (s) => `(i32.const ${at[s][0]}) (i32.const ${at[s][1]})`;
const OUT8 = Buffer.from(MARKER).readBigInt64LE(0);

// path_open with the follow flag, then read 64 bytes and count what came back.
const openRead = (s) => `
      (if (i32.eqz (call $path_open (i32.const 3) (i32.const 1) ${p(s)} (i32.const 0)
            (i64.const -1) (i64.const -1) (i32.const 0) (i32.const 2800)))
        (then
          (i64.store (i32.const 3000) (i64.const 0))
          (drop (call $fd_read (i32.load (i32.const 2800)) (i32.const 2900) (i32.const 1) (i32.const 2804)))
          (if (i64.eq (i64.load (i32.const 3000)) (i64.const ${OUT8}))
            (then (i32.store (i32.const 100) (i32.add (i32.load (i32.const 100)) (i32.const 1)))))
          (if (i64.ne (i64.load (i32.const 3000)) (i64.const 0))
            (then (i32.store (i32.const 104) (i32.add (i32.load (i32.const 104)) (i32.const 1)))))
          (drop (call $fd_close (i32.load (i32.const 2800))))))`;

const SOURCE = `(module
  (import "wasi_snapshot_preview1" "path_open" (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_close" (func $fd_close (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_filestat_get" (func $path_filestat_get (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_rename" (func $path_rename (param i32 i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_unlink_file" (func $path_unlink_file (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_link" (func $path_link (param i32 i32 i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_create_directory" (func $path_create_directory (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_remove_directory" (func $path_remove_directory (param i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  ${STRINGS.map(([s, a]) => `(data (i32.const ${a}) "${s}")`).join(' ')}
  (data (i32.const 1200) "GUEST")
  (func (export "run") (param $rounds i32)
    (i32.store (i32.const 2900) (i32.const 3000))
    (i32.store (i32.const 2904) (i32.const 64))
    (i32.store (i32.const 2910) (i32.const 1200))
    (i32.store (i32.const 2914) (i32.const 5))
    (block $done (loop $round
      (br_if $done (i32.eqz (local.get $rounds)))
      ${openRead('x/f')}
      ${openRead('y')}
      ${openRead('d/sub/deep')}
      ;; O_CREAT | O_TRUNC through x, then write
      (if (i32.eqz (call $path_open (i32.const 3) (i32.const 1) ${p('x/new')} (i32.const 9)
            (i64.const -1) (i64.const -1) (i32.const 0) (i32.const 2800)))
        (then
          (drop (call $fd_write (i32.load (i32.const 2800)) (i32.const 2910) (i32.const 1) (i32.const 2804)))
          (drop (call $fd_close (i32.load (i32.const 2800))))))
      (drop (call $path_filestat_get (i32.const 3) (i32.const 1) ${p('x/f')} (i32.const 2700)))
      (drop (call $path_filestat_get (i32.const 3) (i32.const 1) ${p('y')} (i32.const 2700)))
      (drop (call $path_rename (i32.const 3) ${p('x/f')} (i32.const 3) ${p('x/g')}))
      (drop (call $path_rename (i32.const 3) ${p('x/g')} (i32.const 3) ${p('x/f')}))
      (drop (call $path_link (i32.const 3) (i32.const 1) ${p('y')} (i32.const 3) ${p('x/hard')}))
      (drop (call $path_unlink_file (i32.const 3) ${p('x/hard')}))
      (drop (call $path_unlink_file (i32.const 3) ${p('x/new')}))
      (drop (call $path_create_directory (i32.const 3) ${p('x/dd')}))
      (drop (call $path_remove_directory (i32.const 3) ${p('x/dd')}))
      (drop (call $path_rename (i32.const 3) ${p('d/sub')} (i32.const 3) ${p('x/dd')}))
      (drop (call $path_unlink_file (i32.const 3) ${p('d/sub/deep')}))
      (local.set $rounds (i32.sub (local.get $rounds) (i32.const 1)))
      (br $round))))
  (func (export "counts") (result i32) (i32.load (i32.const 100)))
  (func (export "inside") (result i32) (i32.load (i32.const 104))))`;

function snapshot(root) {
  const out = {};
  const walk = (dir) => {
    for (const name of fs.readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      const st = fs.lstatSync(full, { bigint: true });
      out[path.relative(root, full)] = {
        mode: st.mode, size: st.size, nlink: st.nlink, mtime: st.mtimeNs, ctime: st.ctimeNs,
        content: st.isFile() ? fs.readFileSync(full, 'utf8') : st.isSymbolicLink() ? fs.readlinkSync(full) : null,
      };
      if (st.isDirectory()) walk(full);
    }
  };
  walk(root);
  return out;
}

test('symlinks and directories swapped under a running guest never lead outside the preopen', async (t) => {
  const base = tmpdir('wasi-rs-races-');
  const sandbox = path.join(base, 'sandbox');
  const outside = path.join(base, 'outside');
  try {
    fs.mkdirSync(path.join(outside, 'sub'), { recursive: true });
    fs.writeFileSync(path.join(outside, 'secret'), MARKER);
    fs.writeFileSync(path.join(outside, 'sub', 'deep'), MARKER);
    fs.mkdirSync(path.join(sandbox, 'x'), { recursive: true });
    fs.mkdirSync(path.join(sandbox, 'd', 'sub'), { recursive: true });
    fs.writeFileSync(path.join(sandbox, 'inside.txt'), 'inside-y');
    const before = snapshot(base);
    delete before.sandbox;
    for (const k of Object.keys(before)) if (k.startsWith('sandbox/')) delete before[k];

    const racer = spawn(process.execPath, ['-e', RACER, sandbox, outside], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    let going;
    const started = new Promise((r) => { going = r; });
    racer.stdout.on('data', (d) => { out += d; if (out.startsWith('go')) going(); });
    const exited = new Promise((r) => racer.on('exit', r));
    await started;

    const wasi = new WASI({ version: 'preview1', preopens: { '/sandbox': sandbox } });
    const instance = await instantiate(await wat(SOURCE), wasi);
    wasi.initialize(instance);
    instance.exports.run(ROUNDS);

    fs.writeFileSync(path.join(base, 'stop'), '');
    await exited;
    const swaps = out.slice(3);
    t.log(`${ROUNDS} guest rounds (15 path calls each), ${swaps} racer swap rounds, ${instance.exports.inside()} inside reads`);
    t.true(Number(swaps) > 10, 'the racer ran');
    t.true(instance.exports.inside() > 0, 'some reads went through');
    t.is(instance.exports.counts(), 0, 'reads that returned the outside file');

    const after = snapshot(base);
    for (const k of Object.keys(after)) if (k === 'sandbox' || k === 'stop' || k.startsWith('sandbox/')) delete after[k];
    t.deepEqual(after, before, 'the tree outside the preopen is unchanged');
  } finally {
    rm(base);
  }
});
