'use strict';
// Hostcall limits: every guest-controlled size is capped before the host allocates (or, for
// sizes that never reach a host allocation, before one call can run unbounded). One test per
// cap, driven from a WAT guest whose exports pass their arguments straight to the imports;
// each shows the errno (or the short result) the guest gets at and past the cap.
//
// Caps (the README lists them too):
//   IOV_MAX            1024 iovecs per read/write/recv/send (longer tables: short transfer)
//   MAX_IO_BYTES       64 MiB moved per read/write/recv/send call (short transfer)
//   MAX_SUBSCRIPTIONS  16384 subscriptions per poll_oneoff (more: EINVAL)
//   random_get         any length inside memory, produced through a 4 KiB host block
//   readdir            the host listing is held in windows of 1024 entries (WINDOW)
//   PATH_MAX           4096 bytes per path (more: ENAMETOOLONG)
//   MAX_FDS            16384 open fds per instance (more: EMFILE)

const test = require('ava');
const fs = require('node:fs');
const path = require('node:path');
const { wat, instantiate, tmpdir, rm } = require('./helpers.js');
const { ALL_SIGNATURES } = require('./guest.js');
const { WASI } = require('..');

const E = { SUCCESS: 0, EMFILE: 33, NAMETOOLONG: 37, INVAL: 28, NOENT: 44, OVERFLOW: 61 };
const MiB = 1 << 20;

const calls = Object.entries(ALL_SIGNATURES).filter(([name]) => name !== 'proc_exit');
const imports = calls
  .map(([name, params]) => `(import "wasi_snapshot_preview1" "${name}" (func $${name}${params ? ` (param ${params})` : ''} (result i32)))`)
  .join('\n');
const wrappers = calls.map(([name, params]) => {
  const list = params ? params.split(' ') : [];
  const gets = list.map((_, i) => `(local.get ${i})`).join(' ');
  return `(func (export "${name}")${list.length ? ` (param ${params})` : ''} (result i32) (call $${name} ${gets}))`;
}).join('\n');

async function setup(pages = 1) {
  const dir = tmpdir('wasi-rs-caps-');
  const wasi = new WASI({ version: 'preview1', preopens: { '/sandbox': dir } });
  const instance = await instantiate(await wat(`(module ${imports}
    (memory (export "memory") ${pages})
    ${wrappers})`), wasi);
  wasi.initialize(instance);
  const g = instance.exports;
  const view = () => new DataView(g.memory.buffer);
  const bytes = () => new Uint8Array(g.memory.buffer);
  const u32 = (at) => view().getUint32(at, true);
  const put = (at, s) => { const b = Buffer.from(s); bytes().set(b, at); return b.length; };
  const SCRATCH = 60000; // path strings and result slots
  /** path_open beneath the preopen (fd 3); returns [errno, fd]. oflags 1 = CREAT. */
  const open = (name, oflags = 1, rights = -1n) => {
    const len = put(SCRATCH + 16, name);
    const e = g.path_open(3, 0, SCRATCH + 16, len, oflags, rights, rights, 0, SCRATCH);
    return [e, u32(SCRATCH)];
  };
  const iov = (at, buf, len) => { view().setUint32(at, buf, true); view().setUint32(at + 4, len, true); };
  return { dir, g, view, bytes, u32, put, open, iov, done: () => rm(dir) };
}

test('iovs_len: at most IOV_MAX = 1024 iovecs move per call (short transfer); u32 max is EOVERFLOW', async (t) => {
  const s = await setup(1);
  try {
    const [e, fd] = s.open('f');
    t.is(e, E.SUCCESS);
    // 2000 one-byte iovecs over bytes 20000..21999.
    for (let i = 0; i < 2000; i++) s.iov(i * 8, 20000 + i, 1);
    t.is(s.g.fd_write(fd, 0, 2000, 30000), E.SUCCESS);
    t.is(s.u32(30000), 1024);
    t.is(fs.statSync(path.join(s.dir, 'f')).size, 1024);
    t.is(s.g.fd_write(fd, 0, 1024, 30000), E.SUCCESS);
    t.is(s.u32(30000), 1024);
    t.is(s.g.fd_write(fd, 0, 0xffffffff, 30000), E.OVERFLOW);
    // Entries past the cap are still checked: a bad 1500th entry fails the whole call.
    s.iov(1499 * 8, 70000, 1);
    t.is(s.g.fd_write(fd, 0, 2000, 30000), E.OVERFLOW);
  } finally {
    s.done();
  }
});

test('bytes per call: one read or write moves at most MAX_IO_BYTES = 64 MiB (short transfer)', async (t) => {
  const s = await setup(1200); // 75 MiB
  try {
    const [e, fd] = s.open('big');
    t.is(e, E.SUCCESS);
    const want = 68 * MiB;
    s.bytes().fill(0x5a, 1 * MiB, 1 * MiB + want);
    s.iov(0, 1 * MiB, want);
    t.is(s.g.fd_write(fd, 0, 1, 16), E.SUCCESS);
    t.is(s.u32(16), 64 * MiB);
    t.is(fs.statSync(path.join(s.dir, 'big')).size, 64 * MiB);
    fs.appendFileSync(path.join(s.dir, 'big'), Buffer.alloc(4 * MiB, 0x5a));
    t.is(s.g.fd_pread(fd, 0, 1, 0n, 16), E.SUCCESS);
    t.is(s.u32(16), 64 * MiB);
    // Split over two iovecs, the cap is on the total.
    s.iov(0, 1 * MiB, 40 * MiB);
    s.iov(8, 41 * MiB, 27 * MiB);
    t.is(s.g.fd_pread(fd, 0, 2, 0n, 16), E.SUCCESS);
    t.is(s.u32(16), 64 * MiB);
  } finally {
    s.done();
  }
});

test('nsubscriptions: poll_oneoff takes at most MAX_SUBSCRIPTIONS = 16384 (more: EINVAL)', async (t) => {
  const s = await setup(40); // 2.5 MiB: 16385 × 48 input + 16385 × 32 output fit
  try {
    const IN = 0;
    const OUT = 1 << 20;
    const NEVENTS = 2 * MiB;
    const v = s.view();
    for (let i = 0; i < 16385; i++) {
      const at = IN + i * 48;
      v.setBigUint64(at, BigInt(i), true); // userdata
      v.setUint8(at + 8, 0); // clock
      v.setUint32(at + 16, 1, true); // monotonic
      v.setBigUint64(at + 24, 0n, true); // relative 0 ns
    }
    t.is(s.g.poll_oneoff(IN, OUT, 16384, NEVENTS), E.SUCCESS);
    t.is(s.u32(NEVENTS), 16384);
    t.is(s.g.poll_oneoff(IN, OUT, 16385, NEVENTS), E.INVAL);
    t.is(s.g.poll_oneoff(IN, OUT, 0xffffffff, NEVENTS), E.OVERFLOW);
  } finally {
    s.done();
  }
});

test('random_get: any length inside memory, through a 4 KiB host block; past memory is EOVERFLOW', async (t) => {
  const s = await setup(1100);
  try {
    const len = s.bytes().length;
    t.is(s.g.random_get(0, len), E.SUCCESS);
    // Random bytes: the last 64 KiB are not all zero (about 256 zero bytes expected).
    const tail = s.bytes().subarray(len - 65536);
    t.true(tail.filter((b) => b === 0).length < 1024);
    t.is(s.g.random_get(1, len), E.OVERFLOW);
    t.is(s.g.random_get(0, 0xffffffff), E.OVERFLOW);
  } finally {
    s.done();
  }
});

test('readdir: 10000 entries are listed completely through 1024-entry host windows', async (t) => {
  const s = await setup(2);
  try {
    fs.mkdirSync(path.join(s.dir, 'many'));
    for (let i = 0; i < 10000; i++) fs.writeFileSync(path.join(s.dir, 'many', `f${i}`), '');
    const [e, fd] = s.open('many', 2, 1n << 14n); // O_DIRECTORY, FD_READDIR
    t.is(e, E.SUCCESS);
    const BUF = 4096;
    const LEN = 65536;
    const names = new Set();
    let cookie = 0n;
    for (;;) {
      t.is(s.g.fd_readdir(fd, BUF, LEN, cookie, 0), E.SUCCESS);
      const used = s.u32(0);
      const v = s.view();
      let at = 0;
      while (at + 24 <= used) {
        const next = v.getBigUint64(BUF + at, true);
        const nameLen = v.getUint32(BUF + at + 16, true);
        if (at + 24 + nameLen > used) break; // a cut entry: read again from its cookie
        names.add(Buffer.from(s.bytes().subarray(BUF + at + 24, BUF + at + 24 + nameLen)).toString());
        cookie = next;
        at += 24 + nameLen;
      }
      if (used < LEN) break;
    }
    t.is(names.size, 10002);
    t.true(names.has('.') && names.has('..') && names.has('f0') && names.has('f9999'));
  } finally {
    s.done();
  }
});

test('path length: at most PATH_MAX = 4096 bytes (more: ENAMETOOLONG), checked before copying', async (t) => {
  const s = await setup(2);
  try {
    const long = 'a'.repeat(4097);
    const len = s.put(70000, long);
    t.is(s.g.path_open(3, 0, 70000, len, 0, 0n, 0n, 0, 0), E.NAMETOOLONG);
    t.is(s.g.path_create_directory(3, 70000, len), E.NAMETOOLONG);
    t.is(s.g.path_unlink_file(3, 70000, len), E.NAMETOOLONG);
    // Shorter paths pass the cap and reach the host, which finds no such entry (4096 bytes
    // would pass the cap too, but Linux counts the NUL and says ENAMETOOLONG itself).
    const ok = s.put(70000, 'a/'.repeat(2046) + 'bbb');
    t.is(ok, 4095);
    t.is(s.g.path_open(3, 0, 70000, ok, 0, 0n, 0n, 0, 0), E.NOENT);
    // A length past memory is EOVERFLOW before anything else.
    t.is(s.g.path_open(3, 0, 70000, 0xffffffff, 0, 0n, 0n, 0, 0), E.OVERFLOW);
  } finally {
    s.done();
  }
});

function hostFdLimit() {
  const m = /Max open files\s+(\d+)/.exec(fs.readFileSync('/proc/self/limits', 'utf8'));
  return m ? Number(m[1]) : 0;
}

test('fd table: at most MAX_FDS = 16384 open fds per instance (more: EMFILE)', async (t) => {
  const s = await setup(1);
  try {
    t.is(s.open('f')[0], E.SUCCESS);
    const fds = [];
    let e;
    for (;;) {
      const [err, fd] = s.open('f', 0);
      if (err !== E.SUCCESS) { e = err; break; }
      fds.push(fd);
      if (fds.length > 20000) break;
    }
    t.is(e, E.EMFILE);
    const limit = hostFdLimit();
    if (limit > 16384 + 200) {
      // 0, 1, 2, the preopen, the first open: the table is full at 16384.
      t.is(fds.length + 5, 16384);
      t.is(Math.max(...fds), 16383);
    } else {
      t.log(`host fd limit ${limit}: the host refused first, EMFILE after ${fds.length} opens`);
    }
    // Closing one makes room again, at the lowest free number.
    t.is(s.g.fd_close(fds[100]), E.SUCCESS);
    const [again, fd] = s.open('f', 0);
    t.is(again, E.SUCCESS);
    t.is(fd, fds[100]);
    for (const f of fds) s.g.fd_close(f);
  } finally {
    s.done();
  }
});
