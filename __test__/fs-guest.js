'use strict';
// A "trampoline" guest for exact filesystem calls: a WAT reactor module that imports the
// WASI filesystem functions and exports one wrapper per function (same name, same
// signature), plus its memory. The test writes paths into guest memory and calls the
// wrappers, so every call is a real wasm -> WASI import call with exactly the bytes the test
// chose (NUL inside the length, invalid UTF-8, 8 KiB paths...), under node:wasi or wasi-rs.

const fs = require('node:fs');
const { wat } = require('./helpers.js');
const { importLines, WASI_SIGNATURES } = require('./guest.js');

// The functions the trampoline wraps: name -> parameter types (each returns an i32 errno).
const SIGNATURES = Object.fromEntries([
  'fd_close', 'fd_read', 'fd_write', 'fd_seek', 'fd_readdir', 'fd_filestat_get', 'fd_filestat_set_size',
  'fd_filestat_set_times', 'fd_fdstat_get', 'fd_prestat_get', 'fd_prestat_dir_name', 'path_create_directory',
  'path_filestat_get', 'path_filestat_set_times', 'path_link', 'path_open', 'path_readlink',
  'path_remove_directory', 'path_rename', 'path_symlink', 'path_unlink_file',
].map((name) => [name, WASI_SIGNATURES[name].split(' ')]));

const PAGES = 8; // 512 KiB

function trampolineWat(module = 'wasi_snapshot_preview1') {
  const lines = ['(module'];
  lines.push(...importLines(module, Object.keys(SIGNATURES)).map((line) => `  ${line}`));
  lines.push(`  (memory (export "memory") ${PAGES})`);
  for (const [name, params] of Object.entries(SIGNATURES)) {
    const gets = params.map((_, i) => `(local.get ${i})`).join(' ');
    lines.push(`  (func (export "${name}") (param ${params.join(' ')}) (result i32) (call $${name} ${gets}))`);
  }
  lines.push(')');
  return lines.join('\n');
}

let compiled;
/** The compiled trampoline module (a WebAssembly.Module, compiled once per process). */
async function trampolineModule() {
  compiled ??= wat(trampolineWat()).then((bytes) => new WebAssembly.Module(bytes));
  return compiled;
}

// Guest memory layout used by Guest below.
const PATH1 = 0x1000; // up to 64 KiB
const PATH2 = 0x11000; // up to 64 KiB
const OUT = 0x21000; // result words (opened fd, nread, bufused...)
const IOV = 0x21100;
const BUF = 0x22000; // data buffer
const BUF_LEN = 0x10000;

// WASI constants (preview1).
const E = {
  SUCCESS: 0, ACCES: 2, BADF: 8, BUSY: 10, EXIST: 20, ILSEQ: 25, INVAL: 28, IO: 29, ISDIR: 31, LOOP: 32,
  NAMETOOLONG: 37, NOENT: 44, NOSYS: 52, NOTDIR: 54, NOTEMPTY: 55, OVERFLOW: 61, PERM: 63, XDEV: 75,
  NOTCAPABLE: 76,
};
const ERRNO_NAMES = Object.fromEntries(Object.entries(E).map(([k, v]) => [v, `E${k}`]));
const OFLAGS = { CREAT: 1, DIRECTORY: 2, EXCL: 4, TRUNC: 8 };
const LOOKUP_SYMLINK_FOLLOW = 1;
const FDFLAGS = { APPEND: 1 };
const RIGHTS_ALL = (1n << 29n) - 1n;
// Rights that make node:wasi open read-write (and the kernel refuse a directory): left out
// of read-only opens, as wasi-libc does for O_RDONLY.
const WRITE_RIGHTS = (1n << 0n) | (1n << 6n) | (1n << 8n) | (1n << 22n);
const FST = { ATIM: 1, ATIM_NOW: 2, MTIM: 4, MTIM_NOW: 8 };

function errnoName(n) {
  return ERRNO_NAMES[n] ? `${n} ${ERRNO_NAMES[n]}` : String(n);
}

/**
 * One instantiated trampoline under a WASI implementation. `exports` are the wrappers;
 * the helpers below place paths in memory and return errnos (and data).
 */
class Guest {
  constructor(instance) {
    this.x = instance.exports;
    this.memory = instance.exports.memory;
  }

  get bytes() {
    return new Uint8Array(this.memory.buffer);
  }

  view() {
    return new DataView(this.memory.buffer);
  }

  /** Writes a path (string or Buffer) at `at`; returns [ptr, len]. */
  put(at, p) {
    const b = Buffer.isBuffer(p) ? p : Buffer.from(p, 'utf8');
    this.bytes.set(b, at);
    return [at, b.length];
  }

  u32(at) {
    return this.view().getUint32(at, true);
  }

  /** The directory's inheriting rights (fd_fdstat_get), as wasi-libc asks for on open. */
  inheriting(dirfd) {
    const err = this.x.fd_fdstat_get(dirfd, OUT);
    return err === 0 ? this.view().getBigUint64(OUT + 16, true) : RIGHTS_ALL;
  }

  open(dirfd, p, { dirflags = 0, oflags = 0, fdflags = 0, rights, inheriting } = {}) {
    rights ??= this.inheriting(dirfd);
    inheriting ??= rights;
    const [ptr, len] = this.put(PATH1, p);
    const err = this.x.path_open(dirfd, dirflags, ptr, len, oflags, rights, inheriting, fdflags, OUT);
    return { err, fd: err === 0 ? this.u32(OUT) : -1 };
  }

  /** Reads up to BUF_LEN bytes from fd into guest memory; returns { err, data }. */
  read(fd) {
    this.view().setUint32(IOV, BUF, true);
    this.view().setUint32(IOV + 4, BUF_LEN, true);
    const err = this.x.fd_read(fd, IOV, 1, OUT);
    const n = err === 0 ? this.u32(OUT) : 0;
    return { err, data: Buffer.from(this.bytes.slice(BUF, BUF + n)) };
  }

  /** Writes bytes (placed in guest memory) to fd; returns { err, n }. */
  write(fd, data) {
    const b = Buffer.isBuffer(data) ? data : Buffer.from(data);
    this.bytes.set(b, BUF);
    this.view().setUint32(IOV, BUF, true);
    this.view().setUint32(IOV + 4, b.length, true);
    const err = this.x.fd_write(fd, IOV, 1, OUT);
    return { err, n: err === 0 ? this.u32(OUT) : 0 };
  }

  close(fd) {
    return this.x.fd_close(fd);
  }

  readdir(fd, cookie = 0n) {
    const err = this.x.fd_readdir(fd, BUF, BUF_LEN, cookie, OUT);
    const n = err === 0 ? this.u32(OUT) : 0;
    return { err, data: Buffer.from(this.bytes.slice(BUF, BUF + n)) };
  }

  /** path_filestat_get: { err, stat: { dev, ino, filetype, nlink, size, atim, mtim, ctim } }. */
  stat(dirfd, p, flags = 0) {
    const [ptr, len] = this.put(PATH1, p);
    const err = this.x.path_filestat_get(dirfd, flags, ptr, len, BUF);
    if (err !== 0) return { err };
    const v = this.view();
    return {
      err,
      raw: Buffer.from(this.bytes.slice(BUF, BUF + 64)),
      stat: {
        dev: v.getBigUint64(BUF, true),
        ino: v.getBigUint64(BUF + 8, true),
        filetype: v.getUint8(BUF + 16),
        nlink: v.getBigUint64(BUF + 24, true),
        size: v.getBigUint64(BUF + 32, true),
        atim: v.getBigUint64(BUF + 40, true),
        mtim: v.getBigUint64(BUF + 48, true),
        ctim: v.getBigUint64(BUF + 56, true),
      },
    };
  }

  setTimes(dirfd, p, flags, atim, mtim, fst) {
    const [ptr, len] = this.put(PATH1, p);
    return this.x.path_filestat_set_times(dirfd, flags, ptr, len, atim, mtim, fst);
  }

  mkdir(dirfd, p) {
    const [ptr, len] = this.put(PATH1, p);
    return this.x.path_create_directory(dirfd, ptr, len);
  }

  rmdir(dirfd, p) {
    const [ptr, len] = this.put(PATH1, p);
    return this.x.path_remove_directory(dirfd, ptr, len);
  }

  unlink(dirfd, p) {
    const [ptr, len] = this.put(PATH1, p);
    return this.x.path_unlink_file(dirfd, ptr, len);
  }

  rename(fd1, p1, fd2, p2) {
    const [a, al] = this.put(PATH1, p1);
    const [b, bl] = this.put(PATH2, p2);
    return this.x.path_rename(fd1, a, al, fd2, b, bl);
  }

  link(fd1, flags, p1, fd2, p2) {
    const [a, al] = this.put(PATH1, p1);
    const [b, bl] = this.put(PATH2, p2);
    return this.x.path_link(fd1, flags, a, al, fd2, b, bl);
  }

  symlink(target, dirfd, p) {
    const [a, al] = this.put(PATH1, target);
    const [b, bl] = this.put(PATH2, p);
    return this.x.path_symlink(a, al, dirfd, b, bl);
  }

  readlink(dirfd, p, bufLen = BUF_LEN) {
    const [ptr, len] = this.put(PATH1, p);
    const err = this.x.path_readlink(dirfd, ptr, len, BUF, bufLen, OUT);
    const n = err === 0 ? this.u32(OUT) : 0;
    return { err, data: Buffer.from(this.bytes.slice(BUF, BUF + n)) };
  }
}

/** Instantiates the trampoline under `wasi` (node:wasi or wasi-rs) and returns a Guest. */
async function trampoline(wasi) {
  const module = await trampolineModule();
  const instance = new WebAssembly.Instance(module, wasi.getImportObject());
  wasi.initialize(instance);
  return new Guest(instance);
}

/**
 * A deterministic description of a host tree: relative path -> { type, size, content or
 * link target, mode, nlink, ino, mtimeNs }. Directories include their sorted entry list.
 */
function snapshot(root, { skip = [], times = true } = {}) {
  // Names are handled as bytes (a guest may create a name that is not UTF-8); keys are the
  // relative paths as latin1 text, one character per byte.
  const out = {};
  const rootBuf = Buffer.from(root);
  const slash = Buffer.from('/');
  const walk = (rel) => {
    const abs = rel.length ? Buffer.concat([rootBuf, slash, rel]) : rootBuf;
    const st = fs.lstatSync(abs, { bigint: true });
    const e = { mode: Number(st.mode), nlink: Number(st.nlink), ino: String(st.ino) };
    if (times) e.mtimeNs = String(st.mtimeNs);
    let children = [];
    if (st.isSymbolicLink()) {
      e.type = 'symlink';
      e.target = fs.readlinkSync(abs, { encoding: 'buffer' }).toString('latin1');
    } else if (st.isDirectory()) {
      e.type = 'dir';
      children = fs.readdirSync(abs, { encoding: 'buffer' }).sort(Buffer.compare);
      e.entries = children.map((n) => n.toString('latin1'));
    } else if (st.isFile()) {
      e.type = 'file';
      e.size = Number(st.size);
      e.content = fs.readFileSync(abs).toString('latin1');
    } else {
      e.type = 'other';
    }
    const key = rel.length ? rel.toString('latin1') : '.';
    out[key] = e;
    for (const name of children) {
      const child = rel.length ? Buffer.concat([rel, slash, name]) : name;
      if (!skip.includes(child.toString('latin1'))) walk(child);
    }
  };
  walk(Buffer.alloc(0));
  return out;
}

module.exports = {
  SIGNATURES, trampolineWat, trampolineModule, trampoline, Guest, snapshot, errnoName,
  E, OFLAGS, FDFLAGS, FST, RIGHTS_ALL, WRITE_RIGHTS, LOOKUP_SYMLINK_FOLLOW, BUF, BUF_LEN,
};

/**
 * helpers.runGuest without blocking the test worker: spawns the same runner
 * (__test__/runner.js) asynchronously, so AVA runs a file's children in parallel.
 */
function runGuestAsync(impl, wasmFile, options = {}) {
  const { spawn } = require('node:child_process');
  const path = require('node:path');
  const { stdin, node = process.execPath, timeout = 60000, cwd, ...wasiOptions } = options;
  const runner = path.join(__dirname, 'runner.js');
  return new Promise((resolve, reject) => {
    const child = spawn(node, ['--no-warnings', runner, impl, wasmFile, JSON.stringify(wasiOptions)], { cwd, timeout });
    const out = [];
    const err = [];
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    child.on('error', reject);
    child.on('close', (status, signal) => resolve({
      stdout: Buffer.concat(out).toString(),
      stderr: Buffer.concat(err).toString(),
      status,
      signal,
    }));
    child.stdin.end(stdin ?? '');
  });
}

module.exports.runGuestAsync = runGuestAsync;
