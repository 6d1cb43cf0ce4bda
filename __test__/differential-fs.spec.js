'use strict';
// The differential suite, filesystem part: each guest (the C fixtures built with wasi-libc,
// plus WAT guests making exact calls) runs under node:wasi and under wasi-rs, each in a child
// process with its own fresh copy of the same host tree. stdout, stderr, exit status and the
// resulting host tree (types, sizes, contents, link targets, link counts, modes; not times or
// inode numbers) must be equal, node:wasi being the reference wherever it is right. Where it
// is not, the difference is declared per guest as { id, node, rs } line substitutions, and
// the id must be in differences.js: an undeclared mismatch fails, and so does a declared one
// that no longer shows (node changed, or the declaration is stale).

const test = require('ava');
const fs = require('node:fs');
const path = require('node:path');
const { tmpdir, rm, wat } = require('./helpers.js');
const { runGuestAsync, snapshot } = require('./fs-guest.js');
const { guests: watGuests } = require('./fs-wat-guests.js');
const differences = require('./differences.js');


const byId = new Map(differences.map((d) => [d.id, d]));
const wasmDir = path.join(__dirname, 'fixtures', 'wasm');

function known(id, node, rs) {
  const d = byId.get(id);
  if (!d) throw new Error(`difference '${id}' is not listed in __test__/differences.js`);
  return { id, node, rs };
}

const nanos = 'timestamps-nanoseconds';

// name -> { wasm | wat, setup(dir), known: [{ id, node line | null, rs line | null }],
//   sortLines, treeKnown: [{ id, where(key) }] (tree entries that differ for that listed reason) }
const GUESTS = {
  'c/stdio': { wasm: 'stdio' },
  'c/dirs': { wasm: 'dirs' },
  'c/stat': {
    wasm: 'stat',
    known: [
      known(nanos, 'after utimensat: atime 1000000000.000000000 mtime 1600000000.000000000',
        'after utimensat: atime 1000000000.123456789 mtime 1600000000.987654321'),
      known(nanos, 'after omit: atime 1000000000.000000000 mtime 1700000000.000000000',
        'after omit: atime 1000000000.123456789 mtime 1700000000.000000005'),
      known(nanos, 'after futimens: atime 1234567890.000000000 mtime 1234567891.000000000',
        'after futimens: atime 1234567890.000000001 mtime 1234567891.999999999'),
      known(nanos, 'dir: atime 1500000000.000000000 mtime 1500000001.000000000',
        'dir: atime 1500000000.250000000 mtime 1500000001.750000000'),
    ],
  },
  'c/links': { wasm: 'links' },
  'c/bigdir': {
    wasm: 'bigdir',
    known: [
      // How many node:wasi skips depends on the file system's entry order (354 on ext4, 350 on
      // tmpfs); that it skips some is the difference.
      known('readdir-skips-after-unlink', /^removed while listing (?!500,)\d+, duplicates 0$/, 'removed while listing 500, duplicates 0'),
      known('readdir-skips-after-unlink', /^left (?!500$)\d+$/, 'left 500'),
    ],
    // The odd entries node:wasi skipped are still on its disk (wasi-rs removed them all).
    treeKnown: [{ id: 'readdir-skips-after-unlink', where: (key) => key === 'a/big' || /^a\/big\/entry-\d{3}[13579]$/.test(key) }],
  },
  'c/truncate': { wasm: 'truncate' },
  'c/at': {
    wasm: 'at',
    known: [known('path-dotdot-above-dirfd', ']openat ../sub/h.txt (above the fd): unexpected success 6',
      ']openat ../sub/h.txt (above the fd): errno 76')],
  },
  'c/bigfile': { wasm: 'bigfile' },
  'c/modes': { wasm: 'modes' },
  'c/append': { wasm: 'append' },
  'c/twodirs': { wasm: 'twodirs', setup: (a) => fs.writeFileSync(`${a}/input.txt`, 'hello, two preopens\n') },
  'wat/readlink-short-buffer': {
    wat: 'readlink-short-buffer',
    known: [known('readlink-short-buffer', 'readlink 4-byte buffer 42 0 ', 'readlink 4-byte buffer 0 4 0123')],
  },
  'wat/path-bytes': {
    wat: 'path-bytes',
    setup: (a) => fs.writeFileSync(`${a}/file.txt`, 'x'),
    known: [
      known('path-trailing-nul', 'open trailing NUL 0', 'open trailing NUL 28'),
      known('path-empty', 'open empty 28', 'open empty 44'),
      known('path-invalid-utf8', 'open invalid UTF-8 44', 'open invalid UTF-8 25'),
    ],
  },
  'wat/readdir': {
    wat: 'readdir',
    sortLines: true,
    setup: (a) => {
      fs.mkdirSync(`${a}/d/sub`, { recursive: true });
      for (const n of ['a', 'bb', 'ccc']) fs.writeFileSync(`${a}/d/${n}`, n);
      fs.symlinkSync('a', `${a}/d/lnk`);
    },
    known: [
      known('readdir-dot-entries', null, '. 3 1'),
      known('readdir-dot-entries', null, '.. 3 1'),
      ...['a 4', 'bb 4', 'ccc 4', 'lnk 7', 'sub 3'].map((e) => known('readdir-inode-zero', `${e} 0`, `${e} 1`)),
    ],
  },
  'wat/readdir-small-buffer': {
    wat: 'readdir-small-buffer',
    sortLines: true,
    setup: (a) => {
      fs.mkdirSync(`${a}/d`);
      for (let i = 0; i < 20; i++) fs.writeFileSync(`${a}/d/f${String(i).padStart(2, '0')}`, '');
    },
    known: [
      known('readdir-dot-entries', null, '.'),
      known('readdir-dot-entries', null, '..'),
    ],
  },
  'wat/fdstat-and-times': {
    wat: 'fdstat-and-times',
    known: [
      // node:wasi's value is the host's F_GETFL bits (0x8401 = 33793 on x86_64 Linux).
      known('fdstat-flags-host-bits', /^fdstat fs_flags 0 (?!1$)\d+$/, 'fdstat fs_flags 0 1'),
      known(nanos, 'get times 0 1000000000000000000 1600000000000000000',
        'get times 0 1000000000123456789 1600000000987654321'),
      known(nanos, 'after now: atim, mtim later than 2023 0 1000000000000000000 1',
        'after now: atim, mtim later than 2023 0 1000000000123456789 1'),
    ],
  },
};

/** A host tree for comparison across two runs: no times, no inode numbers. */
function tree(dir) {
  const snap = snapshot(dir, { times: false });
  for (const e of Object.values(snap)) delete e.ino;
  return snap;
}

async function runIn(impl, wasmFile, setup) {
  const dir = fs.realpathSync(tmpdir('wasi-rs-diff-'));
  const a = path.join(dir, 'a');
  const b = path.join(dir, 'b');
  fs.mkdirSync(a);
  fs.mkdirSync(b);
  setup?.(a, b);
  try {
    const res = await runGuestAsync(impl, wasmFile, { preopens: { '/a': a, '/b': b } });
    return { res, tree: tree(dir) };
  } finally {
    rm(dir);
  }
}

/** node:wasi's stdout with the declared differences applied; asserts each one showed. */
function applyKnown(t, stdout, list, sortLines) {
  const lines = stdout.split('\n');
  for (const { id, node, rs } of list) {
    if (node === null) {
      // A line only wasi-rs prints: its position is only meaningful once lines are sorted.
      t.true(sortLines, `${id}: an added line needs sortLines`);
      lines.splice(lines.length - 1, 0, rs);
      continue;
    }
    // `node` is the exact line, or a RegExp where node:wasi's value depends on the host
    // (file system, CPU architecture, OS).
    const i = node instanceof RegExp ? lines.findIndex((l) => node.test(l)) : lines.indexOf(node);
    t.true(i >= 0, `declared difference ${id} shows under node:wasi: ${node instanceof RegExp ? node : JSON.stringify(node)}`);
    if (i < 0) continue;
    if (rs === null) lines.splice(i, 1);
    else lines[i] = rs;
  }
  return sortLines ? lines.filter(Boolean).sort().join('\n') : lines.join('\n');
}

let watDir;
async function guestFile(spec) {
  if (spec.wasm) return path.join(wasmDir, `${spec.wasm}.wasm`);
  watDir ??= fs.realpathSync(tmpdir('wasi-rs-diffwat-'));
  const file = path.join(watDir, `${spec.wat}.wasm`);
  fs.writeFileSync(file, await wat(watGuests[spec.wat]()));
  return file;
}

test.after.always(() => watDir && rm(watDir));

test('every differential difference id is listed once in differences.js, with what and why', (t) => {
  t.is(byId.size, differences.length, 'ids are unique');
  for (const d of differences) {
    t.regex(d.id, /^[a-z0-9-]+$/);
    t.true(typeof d.what === 'string' && d.what.length > 20, `${d.id}: what`);
    t.true(typeof d.why === 'string' && d.why.length > 20, `${d.id}: why`);
  }
});

for (const [name, spec] of Object.entries(GUESTS)) {
  test(`differential: ${name}`, async (t) => {
    const file = await guestFile(spec);
    const [node, rs] = await Promise.all([
      runIn('node', file, spec.setup),
      runIn('wasi-rs', file, spec.setup),
    ]);
    t.is(rs.res.status, node.res.status, 'exit status');
    t.is(rs.res.stderr, node.res.stderr, 'stderr');
    const list = spec.known ?? [];
    const expected = applyKnown(t, node.res.stdout, list, spec.sortLines);
    const actual = spec.sortLines ? rs.res.stdout.split('\n').filter(Boolean).sort().join('\n') : rs.res.stdout;
    t.is(actual, expected, 'stdout (node:wasi\'s, with the listed differences applied)');
    const treeKnown = spec.treeKnown ?? [];
    for (const { id, where } of treeKnown) {
      t.true(byId.has(id), `difference '${id}' is listed in differences.js`);
      const keys = [...new Set([...Object.keys(rs.tree), ...Object.keys(node.tree)])].filter(where);
      t.true(keys.some((k) => JSON.stringify(rs.tree[k]) !== JSON.stringify(node.tree[k])), `declared tree difference ${id} shows`);
      for (const k of keys) {
        delete rs.tree[k];
        delete node.tree[k];
      }
    }
    t.deepEqual(rs.tree, node.tree, 'the host tree afterwards');
    const ids = new Set([...list, ...treeKnown].map((k) => k.id));
    if (ids.size) t.log(`known differences: ${[...ids].join(', ')}`);
  });
}

test('the differential suite covers at least 10 filesystem guests', (t) => {
  t.true(Object.keys(GUESTS).length >= 10);
});
