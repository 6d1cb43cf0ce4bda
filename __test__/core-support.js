'use strict';
// In-process harness for the core specs: a proxy guest (see guest.js) bound to a wasi-rs
// instance, with little readers and writers for its memory, and temporary stdio files.

const fs = require('node:fs');
const path = require('node:path');
const { WASI } = require('..');
const { tmpdir, rm } = require('./helpers.js');
const { proxy } = require('./guest.js');

const compiled = new Map();
async function proxyModule(options = {}) {
  const key = JSON.stringify(options);
  if (!compiled.has(key)) compiled.set(key, new WebAssembly.Module(await proxy(options)));
  return compiled.get(key);
}

/**
 * A bound proxy guest. `options` are WASI options (version defaults to preview1);
 * `guestOptions` go to the proxy builder (module name is derived from the version).
 */
async function bound(options = {}, guestOptions = {}, Impl = WASI) {
  const version = options.version ?? 'preview1';
  const module = version === 'unstable' ? 'wasi_unstable' : 'wasi_snapshot_preview1';
  const wasi = new Impl({ version, ...options });
  const instance = new WebAssembly.Instance(await proxyModule({ module, ...guestOptions }), wasi.getImportObject());
  wasi.initialize(instance);
  const x = instance.exports;
  const mem = {
    u8: () => new Uint8Array(x.memory.buffer),
    dv: () => new DataView(x.memory.buffer),
    u16: (p) => mem.dv().getUint16(p, true),
    u32: (p) => mem.dv().getUint32(p, true),
    u64: (p) => mem.dv().getBigUint64(p, true),
    setU32: (p, v) => mem.dv().setUint32(p, v, true),
    setU64: (p, v) => mem.dv().setBigUint64(p, BigInt(v), true),
    setU16: (p, v) => mem.dv().setUint16(p, v, true),
    bytes: (p, n) => Buffer.from(x.memory.buffer, p, n),
    put: (p, data) => { Buffer.from(x.memory.buffer).set(Buffer.from(data), p); },
    /** Writes an iovec table at `at`: [[ptr, len], ...]. */
    iovs: (at, list) => list.forEach(([p, n], i) => { mem.setU32(at + i * 8, p); mem.setU32(at + i * 8 + 4, n); }),
  };
  return { wasi, x, mem };
}

/** A temporary directory with helpers for stdio files; call done() at the end. */
function scratch() {
  const dir = tmpdir('wasi-rs-core-');
  const fds = [];
  return {
    dir,
    file(name, content = '', flags = 'r+') {
      const p = path.join(dir, name);
      fs.writeFileSync(p, content);
      const fd = fs.openSync(p, flags);
      fds.push(fd);
      return { path: p, fd, read: () => fs.readFileSync(p, 'utf8') };
    },
    open(p, flags) {
      const fd = fs.openSync(p, flags);
      fds.push(fd);
      return fd;
    },
    done() {
      for (const fd of fds) {
        try { fs.closeSync(fd); } catch { /* closed by the test */ }
      }
      rm(dir);
    },
  };
}

/** Open fds of this process (Linux). */
function openFds() {
  return fs.readdirSync(process.platform === 'linux' ? '/proc/self/fd' : '/dev/fd').length;
}

module.exports = { bound, proxyModule, scratch, openFds };
