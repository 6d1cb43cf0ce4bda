'use strict';
// The adversarial sandbox cases: each builds a fresh host tree, runs one or two exact WASI
// calls through the trampoline guest (fs-guest.js) with `sandbox/` as the only preopen, and
// reports what the guest saw plus what changed on the host outside the preopen.
//
// Tree (fresh per case, under a new temporary directory T):
//   T/sandbox/            the preopen, guest name /sandbox, fd 3
//     file.txt            "inside\n"
//     dir/nested.txt      "nested\n"
//     out -> ../outside                    secret -> ../outside/classified.txt
//     abs -> T/outside (absolute)          abssecret -> T/outside/classified.txt
//     s -> .              e -> s/../../outside      (a chain that climbs out)
//     loop1 -> loop2      loop2 -> loop1   self -> self
//     dangling -> ../outside/created.txt   danglingabs -> T/outside/created-abs.txt
//     danglingdir -> ../outside/newdir     outdir -> ../outside/dir
//     xyz -> ../sandboxXYZ                 dir/up -> ../..
//     dir/back -> ../file.txt (inside)     dirlink -> dir (inside)
//   T/outside/classified.txt  "TOP-SECRET-OUTSIDE\n"   T/outside/dir/   T/outside/lnk -> classified.txt
//   T/sandboxXYZ/classified.txt "TOP-SECRET-XYZ\n"   (prefix confusion: sandbox vs sandboxXYZ)

const fs = require('node:fs');
const path = require('node:path');
const { tmpdir, rm } = require('./helpers.js');
const {
  trampoline, snapshot, E, OFLAGS, FST, WRITE_RIGHTS, LOOKUP_SYMLINK_FOLLOW: FOLLOW, BUF, BUF_LEN,
} = require('./fs-guest.js');

const SECRET_MARK = 'TOP-SECRET';
const DIR = 3; // the preopen's fd

function buildTree(t) {
  const sb = `${t}/sandbox`;
  fs.mkdirSync(`${sb}/dir`, { recursive: true });
  fs.mkdirSync(`${t}/outside/dir`, { recursive: true });
  fs.mkdirSync(`${t}/sandboxXYZ`);
  fs.writeFileSync(`${sb}/file.txt`, 'inside\n');
  fs.writeFileSync(`${sb}/dir/nested.txt`, 'nested\n');
  fs.writeFileSync(`${t}/outside/classified.txt`, 'TOP-SECRET-OUTSIDE\n');
  fs.symlinkSync('classified.txt', `${t}/outside/lnk`);
  fs.writeFileSync(`${t}/sandboxXYZ/classified.txt`, 'TOP-SECRET-XYZ\n');
  const links = {
    out: '../outside',
    secret: '../outside/classified.txt',
    abs: `${t}/outside`,
    abssecret: `${t}/outside/classified.txt`,
    s: '.',
    e: 's/../../outside',
    loop1: 'loop2',
    loop2: 'loop1',
    self: 'self',
    dangling: '../outside/created.txt',
    danglingabs: `${t}/outside/created-abs.txt`,
    danglingdir: '../outside/newdir',
    outdir: '../outside/dir',
    xyz: '../sandboxXYZ',
    'dir/up': '../..',
    'dir/back': '../file.txt',
    dirlink: 'dir',
  };
  for (const [name, target] of Object.entries(links)) fs.symlinkSync(target, `${sb}/${name}`);
  // Fixed times outside, so a change by the guest cannot hide within the same second.
  for (const p of ['outside/classified.txt', 'outside/dir', 'outside', 'sandboxXYZ/classified.txt', 'sandboxXYZ']) {
    fs.utimesSync(`${t}/${p}`, 1000000000, 1000000000);
  }
}

// An escape only a symlink reveals (relative or absolute target, middle or followed final
// component): EPERM. An escape visible in the path text itself (absolute, `..` above the
// preopen) is ENOTCAPABLE, as node:wasi answers it.
const ESCAPE = E.PERM;

// Operations. Each gets (guest, T) and returns { err, data?, stat? }; data is everything the
// guest got back from the host (file bytes, listings, link contents), also written to its
// stdout, so the secret check covers both.
const ops = {
  read: (p, dirflags = 0) => (g) => {
    const o = g.open(DIR, p, { dirflags, rights: g.inheriting(DIR) & ~WRITE_RIGHTS });
    if (o.err) return { err: o.err };
    const r = g.read(o.fd);
    g.write(1, r.data);
    g.close(o.fd);
    return { err: 0, data: r.data };
  },
  opendir: (p, dirflags = 0) => (g) => {
    const o = g.open(DIR, p, { dirflags, oflags: OFLAGS.DIRECTORY, rights: g.inheriting(DIR) & ~WRITE_RIGHTS });
    if (o.err) return { err: o.err };
    const r = g.readdir(o.fd);
    g.write(1, r.data);
    g.close(o.fd);
    return { err: 0, data: r.data };
  },
  write: (p, { dirflags = 0, oflags = OFLAGS.TRUNC } = {}) => (g) => {
    const o = g.open(DIR, p, { dirflags, oflags });
    if (o.err) return { err: o.err };
    g.write(o.fd, 'PWNED\n');
    g.close(o.fd);
    return { err: 0 };
  },
  create: (p, dirflags = 0, extra = 0) => ops.write(p, { dirflags, oflags: OFLAGS.CREAT | extra }),
  mkdir: (p) => (g) => ({ err: g.mkdir(DIR, p) }),
  rmdir: (p) => (g) => ({ err: g.rmdir(DIR, p) }),
  unlink: (p) => (g) => ({ err: g.unlink(DIR, p) }),
  rename: (a, b) => (g) => ({ err: g.rename(DIR, a, DIR, b) }),
  link: (a, b, flags = 0) => (g) => ({ err: g.link(DIR, flags, a, DIR, b) }),
  symlink: (target, p) => (g) => ({ err: g.symlink(target, DIR, p) }),
  // Plants a symlink, then tries to read through it: creation may be refused or allowed,
  // but reading through it must never reach outside.
  symlinkThenRead: (target, p) => (g) => {
    const s = g.symlink(target, DIR, p);
    const r = ops.read(p, FOLLOW)(g);
    // A host that refuses to plant the escaping link (as node:wasi and wasi-rs do, ENOTCAPABLE)
    // answers with the symlink's errno; otherwise the read through it must fail.
    return { err: s !== 0 ? s : r.err, data: r.data, symlinkErr: s };
  },
  times: (p, flags = 0) => (g) => ({
    err: g.setTimes(DIR, p, flags, 123456789n, 123456789n, FST.ATIM | FST.MTIM),
  }),
  stat: (p, flags = 0) => (g) => {
    const r = g.stat(DIR, p, flags);
    if (r.err) return { err: r.err };
    g.write(1, r.raw);
    return { err: 0, stat: r.stat };
  },
  // Opens directory `dir` beneath the preopen, then reads `p` relative to that new fd: the
  // opened directory is the capability, `..` above it is refused even inside the preopen.
  readFromSubdir: (dir, p, dirflags = 0) => (g) => {
    const rights = g.inheriting(DIR) & ~WRITE_RIGHTS;
    const d = g.open(DIR, dir, { oflags: OFLAGS.DIRECTORY, rights, inheriting: rights });
    if (d.err) return { err: 1000 + d.err };
    const o = g.open(d.fd, p, { dirflags, rights });
    if (o.err) return { err: o.err };
    const r = g.read(o.fd);
    g.write(1, r.data);
    return { err: 0, data: r.data };
  },
  // A path call on an fd that is not a directory.
  statAt: (fd, p) => (g) => {
    const r = g.stat(fd, p);
    return { err: r.err, stat: r.stat };
  },
  // path_open with a raw (pointer, length) pair at the edges of guest memory: the pointer
  // is `back` bytes before the end of memory (negative: after it), or `abs` exactly.
  rawOpen: ({ back, abs }, len) => (g) => {
    const p = abs ?? g.memory.buffer.byteLength - back;
    return { err: g.x.path_open(DIR, 0, p | 0, len, 0, g.inheriting(DIR), 0n, 0, 0x21000) };
  },
  readlink: (p) => (g) => {
    const r = g.readlink(DIR, p);
    if (r.err) return { err: r.err };
    g.write(1, r.data);
    return { err: 0, data: r.data };
  },
};

const nul = (s) => Buffer.from(s, 'latin1');
const LONG_NAME = 'n'.repeat(300);
const LONG_PATH = './'.repeat(4100) + 'file.txt'; // 8208 bytes, every component exists

/**
 * The cases: [name, op, expect, after?]. expect: an errno, a list of acceptable errnos,
 * 'error' (any non-zero) or 'any'. after(T, result) checks the legitimate effect inside.
 * `abs` in a path is replaced by the case's absolute host path of T.
 */
function cases() {
  const A = (rel) => (t) => `${t}/${rel}`; // an absolute host path, resolved per case
  return [
    // Reading files.
    ['read ../outside/classified.txt', ops.read('../outside/classified.txt'), E.NOTCAPABLE],
    ['read absolute path of the secret', (g, t) => ops.read(A('outside/classified.txt')(t))(g), E.NOTCAPABLE],
    ['read /sandbox/file.txt (absolute, even inside)', ops.read('/sandbox/file.txt'), E.NOTCAPABLE],
    ['read final symlink to outside, no follow', ops.read('secret'), E.LOOP],
    ['read final symlink to outside, follow', ops.read('secret', FOLLOW), ESCAPE],
    ['read through middle symlink out/', ops.read('out/classified.txt'), ESCAPE],
    ['read through middle absolute symlink abs/', ops.read('abs/classified.txt'), E.PERM],
    ['read final absolute symlink, follow', ops.read('abssecret', FOLLOW), E.PERM],
    ['read final absolute symlink, no follow', ops.read('abssecret'), E.LOOP],
    ['read chain e -> s/../../outside', ops.read('e/classified.txt'), ESCAPE],
    ['read s/../outside/classified.txt (s -> .)', ops.read('s/../outside/classified.txt'), ESCAPE],
    ['read s/s/s/../outside/classified.txt', ops.read('s/s/s/../outside/classified.txt'), ESCAPE],
    ['read dir/up/outside/classified.txt (up -> ../..)', ops.read('dir/up/outside/classified.txt'), ESCAPE],
    ['read xyz/classified.txt (xyz -> ../sandboxXYZ)', ops.read('xyz/classified.txt'), ESCAPE],
    ['read ../sandboxXYZ/classified.txt (prefix confusion)', ops.read('../sandboxXYZ/classified.txt'), E.NOTCAPABLE],
    ['read dir/../../outside/classified.txt', ops.read('dir/../../outside/classified.txt'), E.NOTCAPABLE],
    ['read ../sandbox/file.txt (leaves and comes back)', ops.read('../sandbox/file.txt'), E.NOTCAPABLE],
    ['read outdir/../classified.txt', ops.read('outdir/../classified.txt'), ESCAPE],
    ['read secret/ (trailing slash, no follow)', ops.read('secret/'), E.NOTDIR],
    ['read secret/. (trailing dot: secret must be followed)', ops.read('secret/.'), ESCAPE],
    ['read loop1 (loop), follow', ops.read('loop1', FOLLOW), E.LOOP],
    ['read self (self loop), follow', ops.read('self', FOLLOW), E.LOOP],
    ['read loop1/x (loop in the middle)', ops.read('loop1/x'), E.LOOP],
    ['read file.txt + trailing NUL inside the length', ops.read(nul('file.txt\0')), E.INVAL],
    ['read fi\\0le.txt (NUL inside)', ops.read(nul('fi\0le.txt')), E.INVAL],
    ['read a lone NUL', ops.read(nul('\0')), E.INVAL],
    ['read invalid UTF-8 (\\xff)', ops.read(nul('file\xff.txt')), E.ILSEQ],
    ['read invalid UTF-8 (\\xc3\\x28)', ops.read(nul('\xc3\x28')), E.ILSEQ],
    ['read empty path', ops.read(''), E.NOENT],
    ['read a 300-byte name', ops.read(LONG_NAME), E.NAMETOOLONG],
    ['read an 8 KiB path of ./ components', ops.read(LONG_PATH), E.NAMETOOLONG],
    // Legitimate reads (the sandbox must not be so strict it breaks real programs).
    ['read dir/../file.txt (stays inside)', ops.read('dir/../file.txt'), 0, (t, r, a) => a.is(String(r.data), 'inside\n')],
    ['read dir/back (symlink inside), follow', ops.read('dir/back', FOLLOW), 0, (t, r, a) => a.is(String(r.data), 'inside\n')],
    ['read dirlink/nested.txt (dir symlink inside)', ops.read('dirlink/nested.txt'), 0, (t, r, a) => a.is(String(r.data), 'nested\n')],
    ['read s/s/file.txt (s -> .)', ops.read('s/s/file.txt'), 0, (t, r, a) => a.is(String(r.data), 'inside\n')],
    // Listing directories.
    ['opendir ..', ops.opendir('..'), E.NOTCAPABLE],
    ['opendir /', ops.opendir('/'), E.NOTCAPABLE],
    ['opendir out, follow', ops.opendir('out', FOLLOW), ESCAPE],
    ['opendir out, no follow', ops.opendir('out'), E.NOTDIR],
    ['opendir out/ (trailing slash must not follow)', ops.opendir('out/'), E.NOTDIR],
    ['opendir abs, follow', ops.opendir('abs', FOLLOW), E.PERM],
    ['opendir dir/up, follow', ops.opendir('dir/up', FOLLOW), ESCAPE],
    ['opendir e (chain), follow', ops.opendir('e', FOLLOW), ESCAPE],
    ['opendir xyz, follow', ops.opendir('xyz', FOLLOW), ESCAPE],
    ['opendir . (inside)', ops.opendir('.'), 0, (t, r, a) => a.true(String(r.data).includes('file.txt'))],
    // Creating and writing files.
    ['O_CREAT through dangling symlink, no follow', ops.create('dangling'), E.LOOP],
    ['O_CREAT through dangling symlink, follow', ops.create('dangling', FOLLOW), ESCAPE],
    ['O_CREAT through dangling absolute symlink, follow', ops.create('danglingabs', FOLLOW), E.PERM],
    ['O_CREAT through dangling absolute symlink, no follow', ops.create('danglingabs'), E.LOOP],
    ['O_CREAT|O_EXCL through dangling symlink, follow', ops.create('dangling', FOLLOW, OFLAGS.EXCL), E.EXIST],
    // Linux answers EISDIR here, wasi-rs EINVAL: either refusal is safe, neither is specified.
    ['O_CREAT dangling/ (trailing slash)', ops.create('dangling/'), [E.INVAL, E.ISDIR]],
    ['O_CREAT out/new.txt', ops.create('out/new.txt'), ESCAPE],
    ['O_CREAT ../outside/new.txt', ops.create('../outside/new.txt'), E.NOTCAPABLE],
    ['O_CREAT absolute path', (g, t) => ops.create(A('outside/new.txt')(t))(g), E.NOTCAPABLE],
    ['O_CREAT xyz/new.txt', ops.create('xyz/new.txt'), ESCAPE],
    ['O_CREAT ../sandboxXYZ/new.txt', ops.create('../sandboxXYZ/new.txt'), E.NOTCAPABLE],
    ['O_CREAT e/new.txt (chain)', ops.create('e/new.txt'), ESCAPE],
    ['O_TRUNC secret, follow', ops.write('secret', { dirflags: FOLLOW }), ESCAPE],
    ['O_TRUNC secret, no follow', ops.write('secret'), E.LOOP],
    ['O_TRUNC e/classified.txt', ops.write('e/classified.txt'), ESCAPE],
    ['O_TRUNC abssecret, follow', ops.write('abssecret', { dirflags: FOLLOW }), E.PERM],
    ['O_CREAT file with NUL inside', ops.create(nul('new\0.txt')), E.INVAL],
    ['O_CREAT invalid UTF-8 name', ops.create(nul('new\x80.txt')), E.ILSEQ],
    ['O_CREAT dirlink/new.txt (inside)', ops.create('dirlink/new.txt'), 0,
      (t, r, a) => a.is(fs.readFileSync(`${t}/sandbox/dir/new.txt`, 'utf8'), 'PWNED\n')],
    // Directories.
    ['mkdir ../outside/newdir', ops.mkdir('../outside/newdir'), E.NOTCAPABLE],
    ['mkdir out/newdir', ops.mkdir('out/newdir'), ESCAPE],
    ['mkdir e/newdir', ops.mkdir('e/newdir'), ESCAPE],
    ['mkdir absolute path', (g, t) => ops.mkdir(A('outside/newdir')(t))(g), E.NOTCAPABLE],
    ['mkdir danglingdir (a dangling symlink is a name that exists)', ops.mkdir('danglingdir'), E.EXIST],
    ['mkdir danglingdir/ (trailing slash)', ops.mkdir('danglingdir/'), E.EXIST],
    ['mkdir with a 300-byte name', ops.mkdir(LONG_NAME), E.NAMETOOLONG],
    ['mkdir empty path', ops.mkdir(''), E.NOENT],
    ['rmdir ../outside/dir', ops.rmdir('../outside/dir'), E.NOTCAPABLE],
    ['rmdir out/dir', ops.rmdir('out/dir'), ESCAPE],
    ['rmdir outdir (a symlink to a dir outside)', ops.rmdir('outdir'), E.NOTDIR],
    ['rmdir outdir/ (trailing slash: outdir is followed, and leads out)', ops.rmdir('outdir/'), ESCAPE],
    ['rmdir dir/up/outside/dir', ops.rmdir('dir/up/outside/dir'), ESCAPE],
    // Removing files.
    ['unlink ../outside/classified.txt', ops.unlink('../outside/classified.txt'), E.NOTCAPABLE],
    ['unlink out/classified.txt', ops.unlink('out/classified.txt'), ESCAPE],
    ['unlink abs/classified.txt', ops.unlink('abs/classified.txt'), E.PERM],
    ['unlink absolute path', (g, t) => ops.unlink(A('outside/classified.txt')(t))(g), E.NOTCAPABLE],
    ['unlink secret/ (trailing slash)', ops.unlink('secret/'), E.NOTDIR],
    ['unlink with invalid UTF-8', ops.unlink(nul('file.txt\xfe')), E.ILSEQ],
    ['unlink file.txt + trailing NUL', ops.unlink(nul('file.txt\0')), E.INVAL,
      (t, r, a) => a.true(fs.existsSync(`${t}/sandbox/file.txt`))],
    ['unlink secret (removes the link, not its target)', ops.unlink('secret'), 0,
      (t, r, a) => a.false(fs.existsSync(`${t}/sandbox/secret`) || isLink(`${t}/sandbox/secret`))],
    // Renames.
    ['rename ../outside/classified.txt in', ops.rename('../outside/classified.txt', 'stolen.txt'), E.NOTCAPABLE],
    ['rename out/classified.txt in', ops.rename('out/classified.txt', 'stolen.txt'), ESCAPE],
    ['rename e/classified.txt in', ops.rename('e/classified.txt', 'stolen.txt'), ESCAPE],
    ['rename file.txt to ../outside/planted.txt', ops.rename('file.txt', '../outside/planted.txt'), E.NOTCAPABLE],
    ['rename file.txt to out/planted.txt', ops.rename('file.txt', 'out/planted.txt'), ESCAPE],
    ['rename file.txt to xyz/planted.txt', ops.rename('file.txt', 'xyz/planted.txt'), ESCAPE],
    ['rename file.txt to absolute path', (g, t) => ops.rename('file.txt', A('outside/planted.txt')(t))(g), E.NOTCAPABLE],
    ['rename empty path', ops.rename('', 'x'), E.NOENT],
    ['rename secret to moved (moves the link)', ops.rename('secret', 'moved'), 0,
      (t, r, a) => a.is(fs.readlinkSync(`${t}/sandbox/moved`), '../outside/classified.txt')],
    ['rename file.txt over the secret link', ops.rename('file.txt', 'secret'), 0,
      (t, r, a) => a.is(fs.readFileSync(`${t}/sandbox/secret`, 'utf8'), 'inside\n')],
    // Hard links.
    ['link ../outside/classified.txt in', ops.link('../outside/classified.txt', 'hl'), E.NOTCAPABLE],
    ['link secret in, follow', ops.link('secret', 'hl', FOLLOW), ESCAPE],
    ['link out/classified.txt in', ops.link('out/classified.txt', 'hl'), ESCAPE],
    ['link abs/classified.txt in', ops.link('abs/classified.txt', 'hl'), E.PERM],
    ['link file.txt to ../outside/hl', ops.link('file.txt', '../outside/hl'), E.NOTCAPABLE],
    ['link file.txt to out/hl', ops.link('file.txt', 'out/hl'), ESCAPE],
    ['link secret in, no follow (links the symlink itself)', ops.link('secret', 'hl'), 0,
      (t, r, a) => a.is(fs.readlinkSync(`${t}/sandbox/hl`), '../outside/classified.txt')],
    // Symlinks.
    ['symlink with an absolute target', (g, t) => ops.symlink(A('outside/classified.txt')(t), 'newabs')(g), E.PERM],
    ['symlink to ../outside, then read through it', ops.symlinkThenRead('../outside/classified.txt', 'newrel'), E.NOTCAPABLE],
    ['symlink to s/../../outside/classified.txt, then read', ops.symlinkThenRead('s/../../outside/classified.txt', 'newchain'), E.NOTCAPABLE],
    ['symlink placed at ../outside/link', ops.symlink('x', '../outside/link'), E.NOTCAPABLE],
    ['symlink placed at out/link', ops.symlink('x', 'out/link'), ESCAPE],
    ['symlink over the dangling link', ops.symlink('x', 'dangling'), E.EXIST],
    ['symlink target with a NUL', ops.symlink(nul('x\0y'), 'newnul'), E.INVAL],
    // Times.
    ['set times ../outside/classified.txt', ops.times('../outside/classified.txt'), E.NOTCAPABLE],
    ['set times secret, follow', ops.times('secret', FOLLOW), ESCAPE],
    ['set times out/classified.txt', ops.times('out/classified.txt'), ESCAPE],
    ['set times abs/classified.txt, follow', ops.times('abs/classified.txt', FOLLOW), E.PERM],
    ['set times e/classified.txt', ops.times('e/classified.txt'), ESCAPE],
    ['set times outdir, follow', ops.times('outdir', FOLLOW), ESCAPE],
    ['set times secret, no follow (the link itself)', ops.times('secret'), 0,
      (t, r, a) => a.is(fs.lstatSync(`${t}/sandbox/secret`, { bigint: true }).mtimeNs, 123456789n)],
    // Stat.
    ['stat ../outside/classified.txt', ops.stat('../outside/classified.txt'), E.NOTCAPABLE],
    ['stat secret, follow', ops.stat('secret', FOLLOW), ESCAPE],
    ['stat out/classified.txt', ops.stat('out/classified.txt'), ESCAPE],
    ['stat xyz, follow', ops.stat('xyz', FOLLOW), ESCAPE],
    ['stat /', ops.stat('/'), E.NOTCAPABLE],
    ['stat loop1, follow', ops.stat('loop1', FOLLOW), E.LOOP],
    ['stat empty path', ops.stat(''), E.NOENT],
    ['stat secret, no follow (the link itself)', ops.stat('secret'), 0, (t, r, a) => a.is(r.stat.filetype, 7)],
    // Readlink.
    ['readlink secret (its text is inside)', ops.readlink('secret'), 0,
      (t, r, a) => a.is(String(r.data), '../outside/classified.txt')],
    ['readlink out/lnk', ops.readlink('out/lnk'), ESCAPE],
    ['readlink ../outside/lnk', ops.readlink('../outside/lnk'), E.NOTCAPABLE],
    ['readlink abs/lnk', ops.readlink('abs/lnk'), E.PERM],
    // Path checks on every path argument, not just path_open's.
    ['symlink target with invalid UTF-8', ops.symlink(nul('x\xff'), 'newbad'), E.ILSEQ],
    ['rename to a name with a NUL', ops.rename('file.txt', nul('moved\0')), E.INVAL],
    ['rename to an 8 KiB path', ops.rename('file.txt', LONG_PATH), E.NAMETOOLONG],
    ['link to a name with invalid UTF-8', ops.link('file.txt', nul('hl\xc0')), E.ILSEQ],
    ['mkdir an 8 KiB path', ops.mkdir(LONG_PATH), E.NAMETOOLONG],
    ['readlink empty path', ops.readlink(''), E.NOENT],
    ['set times with a NUL inside', ops.times(nul('file.txt\0x')), E.INVAL],
    ['rmdir with invalid UTF-8', ops.rmdir(nul('dir\xff')), E.ILSEQ],
    // The preopen itself.
    ['rmdir . (the preopen; POSIX: EINVAL)', ops.rmdir('.'), E.INVAL],
    ['rmdir dir/.. (the preopen, by ..)', ops.rmdir('dir/..'), E.INVAL],
    ['rename . to x', ops.rename('.', 'x'), E.BUSY],
    ['rename dir into itself', ops.rename('dir', 'dir/inside'), E.INVAL],
    ['unlink . (the preopen)', ops.unlink('.'), E.ISDIR],
    // Other directory fds: a subdirectory opened by the guest is a capability of its own.
    ['from an opened dir/: ../file.txt', ops.readFromSubdir('dir', '../file.txt'), E.NOTCAPABLE],
    ['from an opened dir/: ../../outside/classified.txt', ops.readFromSubdir('dir', '../../outside/classified.txt'), E.NOTCAPABLE],
    ['from an opened dir/: up/outside/classified.txt', ops.readFromSubdir('dir', 'up/outside/classified.txt'), ESCAPE],
    ['from an opened dir/: back (-> ../file.txt), follow', ops.readFromSubdir('dir', 'back', FOLLOW), ESCAPE],
    ['from an opened dir/: nested.txt', ops.readFromSubdir('dir', 'nested.txt'), 0, (t, r, a) => a.is(String(r.data), 'nested\n')],
    ['path call on stdout (fd 1: no path rights)', ops.statAt(1, 'file.txt'), E.NOTCAPABLE],
    ['path call on an fd that is not open (fd 99)', ops.statAt(99, 'file.txt'), E.BADF],
    // The edges of guest memory.
    ['path_open, empty path at the very end of memory', ops.rawOpen({ back: 0 }, 0), E.NOENT],
    ['path_open, path running past the end of memory', ops.rawOpen({ back: 3 }, 10), E.OVERFLOW],
    ['path_open, path pointer past the end of memory', ops.rawOpen({ back: -1 }, 1), E.OVERFLOW],
    ['path_open, path pointer 0xfffffff0 (negative as i32)', ops.rawOpen({ abs: 0xfffffff0 }, 4), E.OVERFLOW],
  ];
}

function isLink(p) {
  try {
    return fs.lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

/**
 * Runs one case under a WASI class. Returns { result, escaped, reasons, insideChanges, t }:
 * `escaped` is true when anything outside the preopen was read, created, changed or removed;
 * `insideChanges` lists what changed inside it.
 * The caller removes `dir` (rm) after its own checks.
 */
async function runCase(WASI, run) {
  const dir = tmpdir('wasi-rs-adv-');
  try {
    return await runCaseIn(dir, WASI, run);
  } catch (err) {
    rm(dir);
    throw err;
  }
}

async function runCaseIn(dir, WASI, run) {
  const t = path.join(fs.realpathSync(dir), 't');
  fs.mkdirSync(t);
  buildTree(t);
  const before = snapshot(t, { skip: ['sandbox'] });
  const insideBefore = snapshot(`${t}/sandbox`);
  const outsideInodes = new Set(Object.values(before).map((e) => e.ino));
  const stdoutFile = path.join(dir, 'stdout');
  const stdoutFd = fs.openSync(stdoutFile, 'w');
  let result;
  let guest;
  try {
    const wasi = new WASI({ version: 'preview1', preopens: { '/sandbox': `${t}/sandbox` }, stdout: stdoutFd, returnOnExit: true });
    guest = await trampoline(wasi);
    result = run(guest, t);
  } finally {
    fs.closeSync(stdoutFd);
  }
  const after = snapshot(t, { skip: ['sandbox'] });
  const stdout = fs.readFileSync(stdoutFile, 'latin1');
  const memory = Buffer.from(guest.bytes.slice(BUF, BUF + BUF_LEN)).toString('latin1');
  const reasons = [];
  if (stdout.includes(SECRET_MARK)) reasons.push('the secret reached stdout');
  if (memory.includes(SECRET_MARK)) reasons.push('the secret reached guest memory');
  if (stdout.includes('classified.txt') && result.data && !isLinkText(result)) reasons.push('an outside listing reached the guest');
  if (result.stat && outsideInodes.has(String(result.stat.ino))) reasons.push('stat described an outside file');
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const b = JSON.stringify(before[key]);
    const a = JSON.stringify(after[key]);
    if (b !== a) reasons.push(`host ${key}: ${b ?? 'absent'} -> ${a ?? 'absent'}`);
  }
  // Inside the preopen: what changed (a call that failed must have changed nothing).
  const insideAfter = snapshot(`${t}/sandbox`);
  const insideChanges = [];
  for (const key of new Set([...Object.keys(insideBefore), ...Object.keys(insideAfter)])) {
    const b = JSON.stringify(insideBefore[key]);
    const a = JSON.stringify(insideAfter[key]);
    if (b !== a) insideChanges.push(`sandbox ${key}: ${b ?? 'absent'} -> ${a ?? 'absent'}`);
  }
  return { result, escaped: reasons.length > 0, reasons, insideChanges, t, dir };
}

// readlink of a link inside legitimately returns text naming classified.txt.
function isLinkText(result) {
  return result.data && /^\.\.\/outside\/classified\.txt$/.test(String(result.data));
}

function expectErrno(expect, err) {
  if (expect === 'any') return true;
  if (expect === 'error') return err !== 0;
  if (Array.isArray(expect)) return expect.includes(err);
  return err === expect;
}

module.exports = { cases, runCase, expectErrno, buildTree, rm };
