'use strict';
// libc-level filesystem work: C programs built with clang + wasi-libc
// (__test__/fixtures/c, rebuilt by scripts/build-fixtures.sh, committed as .wasm) run under
// wasi-rs in child processes with two preopens, /a and /b. Each test asserts the program's
// exact stdout, an empty stderr, exit status 0, and then the files on the host: content,
// size, type, link targets, link counts and nanosecond times.

const test = require('ava');
const fs = require('node:fs');
const path = require('node:path');
const { tmpdir, rm } = require('./helpers.js');
const { runGuestAsync } = require('./fs-guest.js');
const EXPECTED = require('./libc-expected.js');


const wasmDir = path.join(__dirname, 'fixtures', 'wasm');

/** Runs fixture `name` under wasi-rs with fresh /a and /b; returns { res, a, b, dir }. */
async function run(name, setup = () => {}) {
  const dir = fs.realpathSync(tmpdir('wasi-rs-libc-'));
  const a = path.join(dir, 'a');
  const b = path.join(dir, 'b');
  fs.mkdirSync(a);
  fs.mkdirSync(b);
  try {
    setup(a, b);
    const res = await runGuestAsync('wasi-rs', path.join(wasmDir, `${name}.wasm`), { preopens: { '/a': a, '/b': b } });
    return { res, a, b, dir };
  } catch (err) {
    rm(dir);
    throw err;
  }
}

function ok(t, res, expected) {
  t.is(res.stderr, '');
  t.is(res.stdout, expected);
  t.is(res.status, 0);
}


const stat = (p) => fs.lstatSync(p, { bigint: true });

test('stdio: fopen/fwrite/fread/fseek/ftell/fgets/rewind, append and binary files', async (t) => {
  const { res, a, dir } = await run('stdio');
  try {
    ok(t, res, EXPECTED.stdio);
    t.is(fs.readFileSync(`${a}/stdio.txt`, 'utf8'), 'alpha\nBRAVO\ncharlie\ndelta\n');
    const bytes = fs.readFileSync(`${a}/bytes.bin`);
    t.is(bytes.length, 16384);
    t.true(bytes.every((v, i) => v === i % 256), 'every byte value, in order');
    t.deepEqual(fs.readdirSync(a).sort(), ['bytes.bin', 'stdio.txt']);
  } finally {
    rm(dir);
  }
});

test('dirs: mkdir, readdir past one 4 KiB buffer (sorted), rewinddir, rmdir/unlink errors', async (t) => {
  const { res, a, dir } = await run('dirs');
  try {
    ok(t, res, EXPECTED.dirs);
    const left = fs.readdirSync(`${a}/d`).sort();
    t.is(left.length, 40);
    for (const n of left) {
      t.regex(n, /^file-\d[13579]-/);
      t.is(fs.readFileSync(`${a}/d/${n}`, 'utf8'), `/a/d/${n}`);
    }
    t.false(fs.existsSync(`${a}/empty`));
    t.deepEqual(fs.readdirSync(a), ['d']);
  } finally {
    rm(dir);
  }
});

test('stat: stat/fstat/lstat, utimensat and futimens keep nanoseconds on the host', async (t) => {
  const { res, a, dir } = await run('stat');
  try {
    ok(t, res, EXPECTED.stat);
    const data = stat(`${a}/data.txt`);
    t.is(data.size, 16n);
    t.is(data.atimeNs, 1234567890000000001n, 'atime set by the last futimens');
    t.is(data.mtimeNs, 1234567891999999999n, 'mtime set by the last futimens');
    const d = stat(`${a}/dir`);
    t.true(d.isDirectory());
    t.is(d.atimeNs, 1500000000250000000n);
    t.is(d.mtimeNs, 1500000001750000000n);
    t.is(fs.readlinkSync(`${a}/link`), 'data.txt');
  } finally {
    rm(dir);
  }
});

test('links: rename/link/symlink/readlink/unlink, on disk', async (t) => {
  const { res, a, dir } = await run('links');
  try {
    ok(t, res, EXPECTED.links);
    t.deepEqual(fs.readdirSync(a).sort(), ['d2', 'd3', 'dangling2', 'symdir']);
    t.deepEqual(fs.readdirSync(`${a}/d2`).sort(), ['inner', 'two']);
    t.is(fs.readFileSync(`${a}/d2/two`, 'utf8'), 'third\n');
    t.is(stat(`${a}/d2/two`).nlink, 1n);
    t.true(stat(`${a}/d3`).isDirectory());
    t.is(fs.readlinkSync(`${a}/dangling2`), 'nowhere');
    t.is(fs.readlinkSync(`${a}/symdir`), 'd2');
  } finally {
    rm(dir);
  }
});

test('truncate: ftruncate grow/shrink, pread/pwrite keep the offset, holes, O_TRUNC', async (t) => {
  const { res, a, dir } = await run('truncate');
  try {
    ok(t, res, EXPECTED.truncate);
    // O_TRUNC emptied the file, so truncate(3) grows it with zeros.
    t.is(fs.readFileSync(`${a}/t.bin`, 'latin1'), '\0\0\0');
  } finally {
    rm(dir);
  }
});

test('append: O_APPEND writes at the end whatever the offset; F_GETFL/F_SETFL', async (t) => {
  const { res, a, dir } = await run('append');
  try {
    ok(t, res, EXPECTED.append);
    t.is(fs.readFileSync(`${a}/log.txt`, 'utf8'), 'LINE 1\nline 2\nline 3\nline 4\nline 5\n');
  } finally {
    rm(dir);
  }
});

test('twodirs: copy, rename and link across two preopens; no way out of either', async (t) => {
  const { res, a, b, dir } = await run('twodirs', (pa) => fs.writeFileSync(`${pa}/input.txt`, 'hello, two preopens\n'));
  try {
    ok(t, res, EXPECTED.twodirs);
    t.deepEqual(fs.readdirSync(a).sort(), ['input.txt', 'moved-from-b.txt']);
    t.is(fs.readFileSync(`${a}/moved-from-b.txt`, 'utf8'), 'HELLO, TWO PREOPENS\n');
    t.is(fs.readFileSync(`${a}/input.txt`, 'utf8'), 'hello, two preopens\n');
    t.deepEqual(fs.readdirSync(b).sort(), ['sub']);
    t.is(stat(`${b}/sub/input-link.txt`).ino, stat(`${a}/input.txt`).ino, 'a hard link across preopens');
    t.is(stat(`${a}/input.txt`).nlink, 2n);
    t.deepEqual(fs.readdirSync(dir).sort(), ['a', 'b'], 'nothing created next to the preopens');
  } finally {
    rm(dir);
  }
});

test('bigdir: 1000 entries listed once each, telldir/seekdir, unlink while listing skips nothing', async (t) => {
  const { res, a, dir } = await run('bigdir');
  try {
    ok(t, res, EXPECTED.bigdir);
    const left = fs.readdirSync(`${a}/big`).sort();
    t.is(left.length, 500);
    t.deepEqual(left, Array.from({ length: 500 }, (_, i) => `entry-${String(i * 2).padStart(4, '0')}`));
  } finally {
    rm(dir);
  }
});

test('at: openat/mkdirat/fstatat/renameat/linkat/symlinkat/readlinkat/unlinkat on an opened dir fd', async (t) => {
  const { res, a, dir } = await run('at');
  try {
    ok(t, res, EXPECTED.at);
    t.deepEqual(fs.readdirSync(a), ['sub']);
    t.deepEqual(fs.readdirSync(`${a}/sub`), ['h.txt']);
    t.is(fs.readFileSync(`${a}/sub/h.txt`, 'utf8'), 'at-file\n');
    t.is(stat(`${a}/sub/h.txt`).nlink, 1n);
  } finally {
    rm(dir);
  }
});

test('bigfile: offsets past 4 GiB (sparse), ftruncate, writev/readv, 1 MiB in odd chunks', async (t) => {
  const { res, a, dir } = await run('bigfile');
  try {
    ok(t, res, EXPECTED.bigfile);
    t.is(stat(`${a}/sparse.bin`).size, 0n);
    t.is(fs.readFileSync(`${a}/vec.txt`, 'utf8'), 'one two three\n');
    // The same generator as the program's (a 32-bit LCG, byte = bits 16..23).
    const expected = Buffer.alloc(1 << 20);
    let x = 12345;
    for (let i = 0; i < expected.length; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      expected[i] = (x >>> 16) & 0xff;
    }
    t.true(fs.readFileSync(`${a}/mib.bin`).equals(expected), 'mib.bin holds exactly the bytes written');
  } finally {
    rm(dir);
  }
});

test('modes: rights follow the access mode (no write on O_RDONLY, no read on O_WRONLY or a dir), O_DIRECTORY/O_TRUNC edges', async (t) => {
  const { res, a, dir } = await run('modes');
  try {
    ok(t, res, EXPECTED.modes);
    t.deepEqual(fs.readdirSync(a), ['f']);
    t.is(stat(`${a}/f`).size, 0n, 'O_RDONLY|O_TRUNC truncated (as Linux does)');
  } finally {
    rm(dir);
  }
});

test('every committed fixture has a test here', (t) => {
  const built = fs.readdirSync(wasmDir).filter((f) => f.endsWith('.wasm')).map((f) => f.slice(0, -5)).sort();
  const sources = fs.readdirSync(path.join(__dirname, 'fixtures', 'c')).filter((f) => f.endsWith('.c')).map((f) => f.slice(0, -2)).sort();
  t.deepEqual(built, sources, 'one .wasm per .c (run scripts/build-fixtures.sh)');
  t.deepEqual(Object.keys(EXPECTED).sort(), built);
});
