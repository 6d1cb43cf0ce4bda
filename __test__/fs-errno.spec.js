'use strict';
// Exact errnos of the path_* calls and file fds, driven through the WAT trampoline (real wasm
// import calls with exactly the bytes chosen here). Every case runs on a fresh tree under
// wasi-rs AND node:wasi: wasi-rs must give the expected errno, and node:wasi the same one
// unless the case names a listed difference (differences.js). The host tree is checked after
// the cases that change it.

const test = require('ava');
const fs = require('node:fs');
const path = require('node:path');
const { WASI: NodeWASI } = require('node:wasi');
const { WASI } = require('..');
const { tmpdir, rm } = require('./helpers.js');
const { trampoline, E, OFLAGS, FDFLAGS, WRITE_RIGHTS, LOOKUP_SYMLINK_FOLLOW: FOLLOW, errnoName } = require('./fs-guest.js');
const differences = require('./differences.js');

process.removeAllListeners('warning');

const R = {
  READ: 1n << 1n, WRITE: 1n << 6n, SEEK: 1n << 2n, TELL: 1n << 5n, READDIR: 1n << 14n,
  PATH_OPEN: 1n << 13n, FILESTAT_GET: 1n << 21n, SET_SIZE: 1n << 22n,
};
const RO = R.READ | R.SEEK | R.TELL | R.READDIR | R.PATH_OPEN | R.FILESTAT_GET;
const RW = RO | R.WRITE | R.SET_SIZE;
const WO = R.WRITE | R.FILESTAT_GET;

function tree(root) {
  fs.writeFileSync(path.join(root, 'f'), 'hello');
  fs.mkdirSync(path.join(root, 'd'));
  fs.writeFileSync(path.join(root, 'd', 'inner'), 'in');
  fs.mkdirSync(path.join(root, 'e'));
  fs.symlinkSync('f', path.join(root, 'l'));
  fs.symlinkSync('d', path.join(root, 'dl'));
  fs.symlinkSync('nope', path.join(root, 'dang'));
}

const open = (p, o = {}) => (g) => g.open(3, p, { rights: RO, inheriting: 0n, ...o }).err;
/** Opens f with `rights`, then applies `fn(g, fd)`; returns its errno. */
const onFile = (rights, fn, fdflags = 0) => (g) => {
  const { err, fd } = g.open(3, 'f', { rights, inheriting: 0n, fdflags });
  if (err) return `open ${err}`;
  return fn(g, fd);
};

// [name, run(g, wasi) -> errno, expected, { node: errno, id } | undefined, check(root) | undefined]
const CASES = [
  ['open f', open('f'), 0],
  ['open missing', open('nope'), E.NOENT],
  ['open f O_CREAT|O_EXCL', open('f', { oflags: OFLAGS.CREAT | OFLAGS.EXCL, rights: RW }), E.EXIST],
  ['open f O_DIRECTORY', open('f', { oflags: OFLAGS.DIRECTORY }), E.NOTDIR],
  ['open f/x', open('f/x'), E.NOTDIR],
  ['open d read-only', open('d'), 0],
  ['open d with write rights', open('d', { rights: RW }), E.ISDIR],
  ['open new O_CREAT', open('new', { oflags: OFLAGS.CREAT, rights: RW }), 0, undefined,
    (root, t) => t.is(fs.readFileSync(path.join(root, 'new'), 'utf8'), '')],
  ['open f O_TRUNC', open('f', { oflags: OFLAGS.TRUNC, rights: RW }), 0, undefined,
    (root, t) => t.is(fs.statSync(path.join(root, 'f')).size, 0)],
  ['open l without follow (file symlink)', open('l'), E.LOOP, { node: 0, id: 'sandbox-symlink-escape' }],
  ['open l with follow', open('l', { dirflags: FOLLOW }), 0],
  ['open dang O_CREAT with follow creates the target inside', open('dang', { dirflags: FOLLOW, oflags: OFLAGS.CREAT, rights: RW }), 0,
    undefined, (root, t) => t.true(fs.existsSync(path.join(root, 'nope')))],
  ['open d/ (trailing slash)', open('d/'), 0],
  ['open f/ (trailing slash)', open('f/'), E.NOTDIR],
  ['open dl/ without follow (a trailing slash does not switch following on)', open('dl/'), E.NOTDIR, { node: 0, id: 'symlink-final-nofollow' }],
  ['open dl/ with follow', open('dl/', { dirflags: FOLLOW }), 0],
  ['open with DSYNC|NONBLOCK|SYNC: fd_fdstat_get reports exactly those fdflags', (g) => {
    const { err, fd } = g.open(3, 'f', { rights: RW, inheriting: 0n, fdflags: 2 | 4 | 16 });
    if (err) return `open ${err}`;
    const e = g.x.fd_fdstat_get(fd, 0x21000);
    return e || g.view().getUint16(0x21000 + 2, true);
  }, 2 | 4 | 16, { node: 38914, id: 'fdstat-flags-host-bits' }], // node:wasi: Linux open(2) bits cut to u16
  ['open with unknown oflags', open('f', { oflags: 16 }), E.INVAL, { node: 0, id: 'unknown-flag-bits' }],
  ['open with unknown fdflags', open('f', { fdflags: 32 }), E.INVAL, { node: 0, id: 'unknown-flag-bits' }],
  ['path_open on a file fd', (g) => {
    const { fd } = g.open(3, 'f', { rights: RO, inheriting: 0n });
    return g.open(fd, 'x', { rights: RO, inheriting: 0n }).err;
  }, E.NOTCAPABLE],
  ['mkdir existing', (g) => g.mkdir(3, 'd'), E.EXIST],
  ['mkdir under missing', (g) => g.mkdir(3, 'nope/x'), E.NOENT],
  ['mkdir under a file', (g) => g.mkdir(3, 'f/x'), E.NOTDIR],
  ['mkdir new', (g) => g.mkdir(3, 'n'), 0, undefined, (root, t) => t.true(fs.statSync(path.join(root, 'n')).isDirectory())],
  ['mkdir new/ (trailing slash)', (g) => g.mkdir(3, 'n2/'), 0, undefined, (root, t) => t.true(fs.statSync(path.join(root, 'n2')).isDirectory())],
  ['rmdir non-empty', (g) => g.rmdir(3, 'd'), E.NOTEMPTY],
  ['rmdir a file', (g) => g.rmdir(3, 'f'), E.NOTDIR],
  ['rmdir missing', (g) => g.rmdir(3, 'nope'), E.NOENT],
  ['rmdir empty', (g) => g.rmdir(3, 'e'), 0, undefined, (root, t) => t.false(fs.existsSync(path.join(root, 'e')))],
  ['rmdir a symlink to a directory', (g) => g.rmdir(3, 'dl'), E.NOTDIR, undefined,
    (root, t) => t.true(fs.statSync(path.join(root, 'd')).isDirectory())],
  ['unlink a directory', (g) => g.unlink(3, 'd'), E.ISDIR],
  ['unlink missing', (g) => g.unlink(3, 'nope'), E.NOENT],
  ['unlink f/ (trailing slash)', (g) => g.unlink(3, 'f/'), E.NOTDIR, undefined, (root, t) => t.true(fs.existsSync(path.join(root, 'f')))],
  ['unlink a symlink removes the link only', (g) => g.unlink(3, 'l'), 0, undefined, (root, t) => {
    t.false(fs.existsSync(path.join(root, 'l')));
    t.is(fs.readFileSync(path.join(root, 'f'), 'utf8'), 'hello');
  }],
  ['unlink a dangling symlink', (g) => g.unlink(3, 'dang'), 0],
  ['rename file over a directory', (g) => g.rename(3, 'f', 3, 'd'), E.ISDIR],
  ['rename directory over a non-empty directory', (g) => g.rename(3, 'e', 3, 'd'), E.NOTEMPTY],
  ['rename directory over a file', (g) => g.rename(3, 'd', 3, 'f'), E.NOTDIR],
  ['rename missing', (g) => g.rename(3, 'nope', 3, 'x'), E.NOENT],
  ['rename into a subdirectory', (g) => g.rename(3, 'f', 3, 'd/moved'), 0, undefined, (root, t) => {
    t.false(fs.existsSync(path.join(root, 'f')));
    t.is(fs.readFileSync(path.join(root, 'd', 'moved'), 'utf8'), 'hello');
  }],
  ['rename a symlink moves the link', (g) => g.rename(3, 'l', 3, 'l2'), 0, undefined,
    (root, t) => t.is(fs.readlinkSync(path.join(root, 'l2')), 'f')],
  ['link a file', (g) => g.link(3, 0, 'f', 3, 'f2'), 0, undefined, (root, t) => t.is(fs.statSync(path.join(root, 'f')).nlink, 2)],
  ['link a symlink with follow links its target', (g) => g.link(3, FOLLOW, 'l', 3, 'l2'), 0, undefined, (root, t) => {
    t.true(fs.lstatSync(path.join(root, 'l2')).isFile());
    t.is(fs.statSync(path.join(root, 'f')).nlink, 2);
  }],
  ['link onto an existing name', (g) => g.link(3, 0, 'f', 3, 'd'), E.EXIST],
  ['link a directory', (g) => g.link(3, 0, 'd', 3, 'd2'), E.PERM],
  ['link a missing file', (g) => g.link(3, 0, 'nope', 3, 'x'), E.NOENT],
  ['link a symlink without follow links the symlink', (g) => g.link(3, 0, 'l', 3, 'l2'), 0, undefined,
    (root, t) => t.is(fs.readlinkSync(path.join(root, 'l2')), 'f')],
  ['symlink onto an existing name', (g) => g.symlink('f', 3, 'l'), E.EXIST],
  ['symlink new', (g) => g.symlink('d/inner', 3, 's'), 0, undefined,
    (root, t) => t.is(fs.readlinkSync(path.join(root, 's')), 'd/inner')],
  ['readlink a file', (g) => g.readlink(3, 'f').err, E.INVAL],
  ['readlink missing', (g) => g.readlink(3, 'nope').err, E.NOENT],
  ['readlink a symlink', (g) => { const r = g.readlink(3, 'dl'); return r.err || r.data.toString(); }, 'd'],
  ['stat missing', (g) => g.stat(3, 'nope').err, E.NOENT],
  ['stat f/', (g) => g.stat(3, 'f/').err, E.NOTDIR],
  ['stat d/', (g) => g.stat(3, 'd/').err, 0],
  ['stat through a file', (g) => g.stat(3, 'f/x').err, E.NOTDIR],
  ['stat l without follow is the link', (g) => { const r = g.stat(3, 'l'); return r.err || r.stat.filetype; }, 7],
  ['stat l with follow is the file', (g) => { const r = g.stat(3, 'l', FOLLOW); return r.err || Number(r.stat.size); }, 5],
  ['stat dang with follow', (g) => g.stat(3, 'dang', FOLLOW).err, E.NOENT],
  ['set times missing', (g) => g.setTimes(3, 'nope', 0, 0n, 0n, 5), E.NOENT],
  // node:wasi answers EINVAL too but leaves a mutex locked: the process aborts when that WASI
  // object is collected (uv_mutex_destroy), so node:wasi is not run here (see
  // fs-node-defects.spec.js).
  ['set times with both SET and NOW', (g) => g.setTimes(3, 'f', 0, 0n, 0n, 3), E.INVAL, 'node-aborts'],
  ['fd_write on an fd opened without FD_WRITE', onFile(RO, (g, fd) => g.write(fd, 'x').err), E.NOTCAPABLE, undefined,
    (root, t) => t.is(fs.readFileSync(path.join(root, 'f'), 'utf8'), 'hello')],
  ['fd_read on an fd opened without FD_READ', onFile(WO, (g, fd) => g.read(fd).err), E.NOTCAPABLE],
  ['fd_write with FD_WRITE', onFile(RW, (g, fd) => g.write(fd, 'J').err), 0, undefined,
    (root, t) => t.is(fs.readFileSync(path.join(root, 'f'), 'utf8'), 'Jello')],
  ['fd_write with O_APPEND appends', onFile(RW, (g, fd) => g.write(fd, '!').err, FDFLAGS.APPEND), 0, undefined,
    (root, t) => t.is(fs.readFileSync(path.join(root, 'f'), 'utf8'), 'hello!')],
  ['fd_filestat_set_size without the right', onFile(RO, (g, fd) => g.x.fd_filestat_set_size(fd, 1n)), E.NOTCAPABLE],
  ['fd_readdir on a file fd', onFile(RO, (g, fd) => g.readdir(fd).err), E.NOTCAPABLE],
  ['fd_close on the preopen, then path_open on it', (g) => {
    const c = g.close(3);
    return c || g.open(3, 'f', { rights: RO, inheriting: 0n }).err;
  }, E.BADF],
  ['fd_renumber a file onto the preopen', (g, wasi) => {
    const { fd } = g.open(3, 'f', { rights: RO, inheriting: 0n });
    const r = wasi.wasiImport.fd_renumber(fd, 3);
    if (r) return r;
    // fd 3 is now the file (the preopen is closed); the old number is free.
    return `${g.read(3).data} ${g.open(3, 'd', { rights: RO, inheriting: 0n }).err} ${g.close(fd)}`;
  }, `hello ${E.NOTCAPABLE} ${E.BADF}`],
  ['fd_renumber the preopen onto a file fd', (g, wasi) => {
    const { fd } = g.open(3, 'f', { rights: RO, inheriting: 0n });
    const r = wasi.wasiImport.fd_renumber(3, fd);
    if (r) return r;
    // Fd 3 is free now (checked first: the next open takes the lowest free number).
    return `${g.open(3, 'f', { rights: RO, inheriting: 0n }).err} ${g.open(fd, 'd/inner', { rights: RO, inheriting: 0n }).err}`;
  }, `${E.BADF} 0`],
];

const byId = new Map(differences.map((d) => [d.id, d]));
const roots = [];
test.after.always(() => roots.forEach(rm));

async function runCase(Impl, run) {
  const root = fs.realpathSync(tmpdir('wasi-rs-errno-'));
  roots.push(root);
  tree(root);
  const wasi = new Impl({ version: 'preview1', preopens: { '/sandbox': root } });
  const g = await trampoline(wasi);
  return { value: run(g, wasi), root };
}

const show = (v) => (typeof v === 'number' ? errnoName(v) : JSON.stringify(v));

test('no write rights are asked of read-only opens (the helper constant)', (t) => {
  t.is(RO & WRITE_RIGHTS, 0n);
});

for (const [name, run, expected, diff, check] of CASES) {
  test(`errno: ${name}`, async (t) => {
    const rs = await runCase(WASI, run);
    t.is(rs.value, expected, `wasi-rs: ${show(rs.value)}, expected ${show(expected)}`);
    if (check) check(rs.root, t);
    if (diff === 'node-aborts') return;
    const node = await runCase(NodeWASI, run);
    if (diff) {
      t.true(byId.has(diff.id), `difference ${diff.id} is listed`);
      t.is(node.value, diff.node, `node:wasi: ${show(node.value)} (listed difference ${diff.id})`);
    } else {
      t.is(node.value, expected, `node:wasi agrees: ${show(node.value)}`);
    }
  });
}
