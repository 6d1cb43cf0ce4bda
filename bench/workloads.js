'use strict';
// The benchmark workloads: their guests (WAT generated here and compiled with wabt at bench
// time, or a committed C guest from bench/guests/), the files they need, their sizes (full and
// --quick) and the target ratio wasi-rs / node:wasi from issue 4.
//
// Guest convention: exit 0 on success; on an unexpected result the guest calls proc_exit with
// the errno it got (so ENOSYS = 52 means "the host does not implement the call"), or with
// VERIFY_FAILED when the data it saw was wrong.

const fs = require('node:fs');
const path = require('node:path');

const VERIFY_FAILED = 100;
const ENOSYS = 52;
const ENOTSUP = 58;

// Guest memory layout (4 pages): 32 out-values (not 0: wasm-util refuses null pointers), 40 time, 64 iovec, 256 write data, 1024 path names,
// 4096 filestat buffer, 8192 readdir buffer (4 KiB), 65536 read / random / pointer tables,
// 131072 string buffers.
const IMPORTS = `
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock_time_get (param i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_close" (func $fd_close (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_readdir" (func $fd_readdir (param i32 i32 i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open" (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_filestat_get" (func $path_filestat_get (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get" (func $args_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_sizes_get" (func $environ_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_get" (func $environ_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "random_get" (func $random_get (param i32 i32) (result i32)))
  (memory (export "memory") 4)
  (func $check (param $e i32)
    (if (local.get $e) (then (call $proc_exit (local.get $e)) (unreachable))))
  (func $verify (param $ok i32)
    (if (i32.eqz (local.get $ok)) (then (call $proc_exit (i32.const ${VERIFY_FAILED})) (unreachable))))
`;

function wasmString(s) {
  return `"${Buffer.from(s).toString('hex').replace(/../g, '\\$&')}"`;
}

/** A module whose _start runs `body` with locals $i $n $fd $x $y $off $count (i32), $c (i64). */
function guest({ data = [], body }) {
  const segments = data.map(([addr, s]) => `(data (i32.const ${addr}) ${wasmString(s)})`).join('\n  ');
  return `(module${IMPORTS}
  ${segments}
  (func (export "_start")
    (local $i i32) (local $n i32) (local $fd i32) (local $x i32) (local $y i32)
    (local $off i32) (local $count i32) (local $c i64)
    ${body}))`;
}

/** `for ($i = 0; $i < n; $i++) { inner }` */
function times(n, inner) {
  return `(local.set $i (i32.const 0))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (i32.const ${n})))
      ${inner}
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $next)))`;
}

/** path_open beneath the preopen (fd 3); the new fd is left in $fd. */
function open(name, { oflags = 0, rights = 2n } = {}) {
  return `(call $check (call $path_open (i32.const 3) (i32.const 0) (i32.const 1024) (i32.const ${Buffer.byteLength(name)})
      (i32.const ${oflags}) (i64.const ${rights}) (i64.const 0) (i32.const 0) (i32.const 32)))
    (local.set $fd (i32.load (i32.const 32)))`;
}

const RIGHT_FD_READ = 2n;
const RIGHT_FD_WRITE = 64n;
const OFLAGS_CREAT_TRUNC = 1 | 8;

const MiB = 1024 * 1024;

function sizes(quick) {
  return quick ? {
    a: 100_000, b: 20_000, c: 4 * MiB, d: 5_000, e: 200, f: 4 * MiB, g: 100_000, g2: 100_000,
    h: 10_000, hFiles: 1000, iEntries: 2000, iPasses: 2, j: 100, kDirs: 10, kFiles: 200, mem: 1000,
  } : {
    a: 1_000_000, b: 200_000, c: 64 * MiB, d: 50_000, e: 2000, f: 64 * MiB, g: 1_000_000, g2: 1_000_000,
    h: 100_000, hFiles: 1000, iEntries: 10_000, iPasses: 20, j: 1000, kDirs: 100, kFiles: 2000, mem: 10_000,
  };
}

const LINE16 = '0123456789abcde\n';

/**
 * Each workload: { id, what, target, fs (true = uses the filesystem calls being built),
 * wat(n) or wasm file, options(fx) -> WASI options, stdout: 'null' | 'file',
 * verify(fx, result) -> error string or null (run in the parent), kind: 'start' | 'lifecycle' }.
 */
function workloads(n) {
  return [
    {
      id: 'a', what: `${n.a.toLocaleString('en')} × clock_time_get`, target: 1.8, short: true,
      wat: guest({ body: times(n.a, '(call $check (call $clock_time_get (i32.const 1) (i64.const 1) (i32.const 40)))') }),
    },
    {
      id: 'b1', what: `${n.b.toLocaleString('en')} × fd_write 16 B to stdout (/dev/null)`, target: 1.2,
      wat: guest({
        data: [[256, LINE16]],
        body: `(i32.store (i32.const 64) (i32.const 256)) (i32.store (i32.const 68) (i32.const 16))
    ${times(n.b, `(call $check (call $fd_write (i32.const 1) (i32.const 64) (i32.const 1) (i32.const 32)))
      (call $verify (i32.eq (i32.load (i32.const 32)) (i32.const 16)))`)}`,
      }),
    },
    {
      id: 'b2', what: `${n.b.toLocaleString('en')} × fd_write 16 B to a file in a preopen`, target: 1.1, fs: true,
      preopen: 'work',
      wat: guest({
        data: [[256, LINE16], [1024, 'out.bin']],
        body: `${open('out.bin', { oflags: OFLAGS_CREAT_TRUNC, rights: RIGHT_FD_WRITE })}
    (i32.store (i32.const 64) (i32.const 256)) (i32.store (i32.const 68) (i32.const 16))
    ${times(n.b, `(call $check (call $fd_write (local.get $fd) (i32.const 64) (i32.const 1) (i32.const 32)))
      (call $verify (i32.eq (i32.load (i32.const 32)) (i32.const 16)))`)}
    (call $check (call $fd_close (local.get $fd)))`,
      }),
      verify: (fx) => {
        const size = fs.statSync(path.join(fx.work, 'out.bin')).size;
        return size === n.b * 16 ? null : `out.bin has ${size} bytes, expected ${n.b * 16}`;
      },
    },
    {
      id: 'c', what: `${n.c / MiB} MiB file read in 64 KiB fd_read calls`, target: 1.05, fs: true, short: true,
      preopen: 'data', reads: true,
      wat: guest({
        data: [[1024, 'big.bin']],
        body: `${open('big.bin', { rights: RIGHT_FD_READ })}
    (i32.store (i32.const 64) (i32.const 65536)) (i32.store (i32.const 68) (i32.const 65536))
    (local.set $count (i32.const 0))
    (block $eof (loop $more
      (call $check (call $fd_read (local.get $fd) (i32.const 64) (i32.const 1) (i32.const 32)))
      (local.set $x (i32.load (i32.const 32)))
      (br_if $eof (i32.eqz (local.get $x)))
      (local.set $count (i32.add (local.get $count) (local.get $x)))
      (br $more)))
    (call $verify (i32.eq (local.get $count) (i32.const ${n.c})))
    (call $check (call $fd_close (local.get $fd)))`,
      }),
    },
    {
      id: 'd', what: `${n.d.toLocaleString('en')} × path_open + fd_close of one file`, target: 0.7, fs: true,
      preopen: 'data',
      wat: guest({
        data: [[1024, 'small.txt']],
        body: times(n.d, `${open('small.txt', { rights: RIGHT_FD_READ })}
      (call $check (call $fd_close (local.get $fd)))`),
      }),
    },
    {
      id: 'e', what: `${n.e.toLocaleString('en')} rounds of args/environ sizes_get + get (100 args, 1,000 env vars)`,
      target: 1.05, short: true,
      args: Array.from({ length: 100 }, (_, i) => `argument-${String(i).padStart(3, '0')}-value`),
      env: Object.fromEntries(Array.from({ length: 1000 },
        (_, i) => [`BENCH_VAR_${String(i).padStart(4, '0')}`, `value-${i}-abcdefghijklmnop`])),
      wat: guest({
        body: times(n.e, `(call $check (call $args_sizes_get (i32.const 32) (i32.const 36)))
      (call $verify (i32.eq (i32.load (i32.const 32)) (i32.const 100)))
      (call $verify (i32.le_u (i32.load (i32.const 36)) (i32.const 65536)))
      (call $check (call $args_get (i32.const 65536) (i32.const 131072)))
      (call $check (call $environ_sizes_get (i32.const 32) (i32.const 36)))
      (call $verify (i32.eq (i32.load (i32.const 32)) (i32.const 1000)))
      (call $verify (i32.le_u (i32.load (i32.const 36)) (i32.const 65536)))
      (call $check (call $environ_get (i32.const 65536) (i32.const 131072)))`),
      }),
    },
    {
      id: 'f', what: `${n.f / MiB} MiB of random_get in 4 KiB calls`, target: 0.3, short: true,
      wat: guest({ body: times(n.f / 4096, '(call $check (call $random_get (i32.const 65536) (i32.const 4096)))') }),
    },
    {
      id: 'g', what: `${n.g.toLocaleString('en')} × args_sizes_get`, target: 3.0, short: true,
      wat: guest({ body: times(n.g, '(call $check (call $args_sizes_get (i32.const 32) (i32.const 36)))') }),
    },
    {
      id: 'g2', what: `${n.g2.toLocaleString('en')} × fd_close of a bad fd (EBADF)`, target: 3.0, short: true,
      wat: guest({
        body: times(n.g2, `(local.set $x (call $fd_close (i32.const 1000)))
      (if (i32.ne (local.get $x) (i32.const 8)) (then (call $proc_exit (select (local.get $x) (i32.const ${VERIFY_FAILED}) (local.get $x))) (unreachable)))`),
      }),
    },
    {
      id: 'h', what: `${n.h.toLocaleString('en')} × path_filestat_get over ${n.hFiles.toLocaleString('en')} files`,
      target: 0.7, fs: true, preopen: 'files',
      wat: guest({
        data: [[1024, 'f0000']],
        body: times(n.h, `(local.set $x (i32.rem_u (local.get $i) (i32.const ${n.hFiles})))
      (i32.store8 (i32.const 1026) (i32.add (i32.const 48) (i32.div_u (local.get $x) (i32.const 100))))
      (i32.store8 (i32.const 1027) (i32.add (i32.const 48) (i32.rem_u (i32.div_u (local.get $x) (i32.const 10)) (i32.const 10))))
      (i32.store8 (i32.const 1028) (i32.add (i32.const 48) (i32.rem_u (local.get $x) (i32.const 10))))
      (call $check (call $path_filestat_get (i32.const 3) (i32.const 1) (i32.const 1024) (i32.const 5) (i32.const 4096)))
      (call $verify (i32.eq (i32.load8_u (i32.const 4112)) (i32.const 4)))
      (call $verify (i64.eq (i64.load (i32.const 4128)) (i64.const 64)))`),
      }),
    },
    {
      id: 'i', what: `fd_readdir over ${n.iEntries.toLocaleString('en')} entries, 4 KiB buffer, ${n.iPasses} passes`,
      target: 0.5, fs: true, preopen: 'dir',
      wat: guest({
        // $fd = pass, $c = cookie, $x = bufused, $off = offset in the buffer, $y = name length.
        body: `(local.set $fd (i32.const 0))
    (block $passes_done (loop $pass
      (br_if $passes_done (i32.ge_u (local.get $fd) (i32.const ${n.iPasses})))
      (local.set $c (i64.const 0))
      (local.set $count (i32.const 0))
      (block $end (loop $call
        (call $check (call $fd_readdir (i32.const 3) (i32.const 8192) (i32.const 4096) (local.get $c) (i32.const 32)))
        (local.set $x (i32.load (i32.const 32)))
        (local.set $off (i32.const 0))
        (block $parsed (loop $entry
          (br_if $parsed (i32.gt_u (i32.add (local.get $off) (i32.const 24)) (local.get $x)))
          (local.set $y (i32.load (i32.add (i32.const 8208) (local.get $off))))
          (br_if $parsed (i32.gt_u (i32.add (i32.add (local.get $off) (i32.const 24)) (local.get $y)) (local.get $x)))
          (local.set $c (i64.load (i32.add (i32.const 8192) (local.get $off))))
          (local.set $count (i32.add (local.get $count) (i32.const 1)))
          (local.set $off (i32.add (local.get $off) (i32.add (i32.const 24) (local.get $y))))
          (br $entry)))
        (br_if $end (i32.lt_u (local.get $x) (i32.const 4096)))
        ;; a full buffer without one whole entry would never advance
        (call $verify (i32.ne (local.get $off) (i32.const 0)))
        (br $call)))
      (call $verify (i32.ge_u (local.get $count) (i32.const ${n.iEntries})))
      (local.set $fd (i32.add (local.get $fd) (i32.const 1)))
      (br $pass)))`,
      }),
    },
    {
      id: 'j', what: `${n.j.toLocaleString('en')} × construct WASI + instantiate + start (empty module), one process`,
      target: 1.0, kind: 'lifecycle', iterations: n.j, short: true,
      wat: '(module (memory (export "memory") 1) (func (export "_start")))',
    },
    {
      id: 'k', what: `C program: walk ${n.kFiles.toLocaleString('en')} files in ${n.kDirs} dirs, read all, checksum lines`,
      target: 0.9, fs: true, preopen: 'tree', preopenName: '/tree', args: ['walk', '/tree'], short: true, reads: true,
      wasm: path.join(__dirname, 'guests', 'walk.wasm'),
      stdout: 'file',
      verify: (fx, res) => (res.stdout === fx.treeListing ? null
        : `output differs from the expected listing (${res.stdout.length} vs ${fx.treeListing.length} bytes)`),
    },
  ];
}

/** FNV-1a 64 in two 32-bit halves (the prime is 2^40 + 0x1b3), as the C guest computes it. */
function fnv1a64(buf) {
  let hi = 0xcbf29ce4;
  let lo = 0x84222325;
  for (const b of buf) {
    lo = (lo ^ b) >>> 0;
    const l = lo * 0x1b3;
    hi = (hi * 0x1b3 + ((lo << 8) >>> 0) + Math.floor(l / 0x100000000)) >>> 0;
    lo = l >>> 0;
  }
  return hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');
}

/** Deterministic pseudo-random bytes (xorshift32), so fixture files are the same every run. */
function bytes(len, seed) {
  const out = Buffer.alloc(len);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < len; i++) {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

/** Creates the files the workloads read, under `root`. Returns the fixture paths. */
function makeFixtures(root, n) {
  const fx = {
    work: path.join(root, 'work'),
    data: path.join(root, 'data'),
    files: path.join(root, 'files'),
    dir: path.join(root, 'dir'),
    tree: path.join(root, 'tree'),
  };
  for (const d of Object.values(fx)) fs.mkdirSync(d, { recursive: true });

  const chunk = bytes(MiB, 1);
  const fd = fs.openSync(path.join(fx.data, 'big.bin'), 'w');
  for (let i = 0; i < n.c / MiB; i++) fs.writeSync(fd, chunk);
  fs.closeSync(fd);
  fs.writeFileSync(path.join(fx.data, 'small.txt'), 'hello\n');

  const content64 = Buffer.alloc(64, 'x');
  for (let i = 0; i < n.hFiles; i++) {
    fs.writeFileSync(path.join(fx.files, `f${String(i).padStart(4, '0')}`), content64);
  }
  for (let i = 0; i < n.iEntries; i++) {
    fs.writeFileSync(path.join(fx.dir, `entry-${String(i).padStart(5, '0')}`), '');
  }

  // The tree: kDirs directories with kFiles files spread over them, sizes 0.5–8.5 KiB.
  const lines = [];
  const perDir = n.kFiles / n.kDirs;
  for (let d = 0; d < n.kDirs; d++) {
    const dname = `dir${String(d).padStart(3, '0')}`;
    fs.mkdirSync(path.join(fx.tree, dname));
    for (let f = 0; f < perDir; f++) {
      const fname = `file${String(f).padStart(3, '0')}.dat`;
      const seed = d * 1000 + f + 7;
      const size = 512 + ((seed * 2654435761) >>> 0) % 8192;
      const content = bytes(size, seed);
      fs.writeFileSync(path.join(fx.tree, dname, fname), content);
      lines.push(`${fnv1a64(content)} ${size} /tree/${dname}/${fname}\n`);
    }
  }
  fx.treeListing = lines.join('');
  return fx;
}

module.exports = { workloads, sizes, makeFixtures, VERIFY_FAILED, ENOSYS, ENOTSUP };
