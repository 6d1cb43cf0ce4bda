'use strict';
// WAT guest builder for the core specs: a prelude that imports every non-path WASI function
// and gives guests small printing helpers, so a guest is a few lines of calls whose results
// it prints to stdout. The same guest runs under wasi-rs, node:wasi (differential) and, for
// open questions, any other runtime. It also holds the one WASI signature table
// (WASI_SIGNATURES) and the import lines made from it (importLines) for every WAT builder here.
//
// Inside a guest body:
//   (say "text")      prints text (plain ASCII, no escapes)
//   (call $u (i64))   prints an unsigned decimal and a space
//   (call $i (i32))   prints an i32 as unsigned decimal and a space (errnos, sizes)
//   (call $hex (ptr) (len))  prints bytes as hex and a space
//   (call $nl)        prints a newline
// Memory: 0..16383 is free for the guest's data; the prelude uses 16384..16511; string
// literals live from 20000; 32768..65535 is free too.

const { wat } = require('./helpers.js');

// Every WASI function but proc_exit (which returns nothing): name -> parameter types, in
// Node's wasiImport key order. Each returns an i32 errno.
const WASI_SIGNATURES = {
  args_get: 'i32 i32', args_sizes_get: 'i32 i32', clock_res_get: 'i32 i32',
  clock_time_get: 'i32 i64 i32', environ_get: 'i32 i32', environ_sizes_get: 'i32 i32',
  fd_advise: 'i32 i64 i64 i32', fd_allocate: 'i32 i64 i64', fd_close: 'i32', fd_datasync: 'i32',
  fd_fdstat_get: 'i32 i32', fd_fdstat_set_flags: 'i32 i32', fd_fdstat_set_rights: 'i32 i64 i64',
  fd_filestat_get: 'i32 i32', fd_filestat_set_size: 'i32 i64',
  fd_filestat_set_times: 'i32 i64 i64 i32', fd_pread: 'i32 i32 i32 i64 i32',
  fd_prestat_get: 'i32 i32', fd_prestat_dir_name: 'i32 i32 i32',
  fd_pwrite: 'i32 i32 i32 i64 i32', fd_read: 'i32 i32 i32 i32',
  fd_readdir: 'i32 i32 i32 i64 i32', fd_renumber: 'i32 i32', fd_seek: 'i32 i64 i32 i32',
  fd_sync: 'i32', fd_tell: 'i32 i32', fd_write: 'i32 i32 i32 i32',
  path_create_directory: 'i32 i32 i32', path_filestat_get: 'i32 i32 i32 i32 i32',
  path_filestat_set_times: 'i32 i32 i32 i32 i64 i64 i32', path_link: 'i32 i32 i32 i32 i32 i32 i32',
  path_open: 'i32 i32 i32 i32 i32 i64 i64 i32 i32', path_readlink: 'i32 i32 i32 i32 i32 i32',
  path_remove_directory: 'i32 i32 i32', path_rename: 'i32 i32 i32 i32 i32 i32',
  path_symlink: 'i32 i32 i32 i32 i32', path_unlink_file: 'i32 i32 i32',
  poll_oneoff: 'i32 i32 i32 i32', proc_raise: 'i32', random_get: 'i32 i32', sched_yield: '',
  sock_accept: 'i32 i32 i32', sock_recv: 'i32 i32 i32 i32 i32 i32',
  sock_send: 'i32 i32 i32 i32 i32', sock_shutdown: 'i32 i32',
};

const pick = (keep) => Object.fromEntries(Object.entries(WASI_SIGNATURES).filter(([name]) => keep(name)));
// The prelude imports these; the path calls it leaves to the filesystem specs.
const SIGNATURES = pick((name) => !name.startsWith('path_'));
const PATH_SIGNATURES = pick((name) => name.startsWith('path_'));
const ALL_SIGNATURES = { ...SIGNATURES, ...PATH_SIGNATURES, proc_exit: 'i32' };

const PRINT_IOV = 16384;
const NUM_BUF = 16400;
const STRINGS = 20000;

/** `(import …)` lines for the named WASI functions (each as `$name`, returning an errno). */
function importLines(module, names) {
  return names.map((name) => {
    const params = WASI_SIGNATURES[name];
    return `(import "${module}" "${name}" (func $${name}${params ? ` (param ${params})` : ''} (result i32)))`;
  });
}

function prelude(module, { noSockAccept = false } = {}) {
  const imports = importLines(module, Object.keys(SIGNATURES).filter((name) => !(noSockAccept && name === 'sock_accept')));
  imports.push(`(import "${module}" "proc_exit" (func $proc_exit (param i32)))`);
  return `${imports.join('\n')}
  (func $print (param $ptr i32) (param $len i32)
    (i32.store (i32.const ${PRINT_IOV}) (local.get $ptr))
    (i32.store (i32.const ${PRINT_IOV + 4}) (local.get $len))
    (drop (call $fd_write (i32.const 1) (i32.const ${PRINT_IOV}) (i32.const 1) (i32.const ${PRINT_IOV + 8}))))
  (func $u (param $v i64) (local $p i32)
    (local.set $p (i32.const ${NUM_BUF + 24}))
    (i32.store8 (local.get $p) (i32.const 32))
    (loop $digits
      (local.set $p (i32.sub (local.get $p) (i32.const 1)))
      (i32.store8 (local.get $p) (i32.add (i32.const 48) (i32.wrap_i64 (i64.rem_u (local.get $v) (i64.const 10)))))
      (local.set $v (i64.div_u (local.get $v) (i64.const 10)))
      (br_if $digits (i64.ne (local.get $v) (i64.const 0))))
    (call $print (local.get $p) (i32.sub (i32.const ${NUM_BUF + 25}) (local.get $p))))
  (func $i (param $v i32) (call $u (i64.extend_i32_u (local.get $v))))
  (func $hex (param $ptr i32) (param $len i32) (local $b i32)
    (block $done (loop $bytes
      (br_if $done (i32.eqz (local.get $len)))
      (local.set $b (i32.load8_u (local.get $ptr)))
      (i32.store8 (i32.const ${NUM_BUF}) (i32.load8_u offset=${STRINGS} (i32.shr_u (local.get $b) (i32.const 4))))
      (i32.store8 (i32.const ${NUM_BUF + 1}) (i32.load8_u offset=${STRINGS} (i32.and (local.get $b) (i32.const 15))))
      (call $print (i32.const ${NUM_BUF}) (i32.const 2))
      (local.set $ptr (i32.add (local.get $ptr) (i32.const 1)))
      (local.set $len (i32.sub (local.get $len) (i32.const 1)))
      (br $bytes)))
    (call $print (i32.const ${STRINGS + 16}) (i32.const 1)))
  (func $nl (call $print (i32.const ${STRINGS + 17}) (i32.const 1)))`;
}

/**
 * Builds a guest's WAT text.
 * start: instructions of `_start` (omit for a library module); funcs: extra module fields;
 * module: import module name; pages: initial memory pages; maxPages: optional maximum.
 */
function guestSource({ start, funcs = '', module = 'wasi_snapshot_preview1', pages = 1, maxPages, shared = false, exportMemory = true, noSockAccept = module === 'wasi_unstable' } = {}) {
  const strings = ['0123456789abcdef \n'];
  let offset = STRINGS + strings[0].length;
  const replaceSay = (text) => text.replace(/\(say "([^"\\]*)"\)/g, (_, s) => {
    const at = offset;
    strings.push(s);
    offset += s.length;
    return `(call $print (i32.const ${at}) (i32.const ${s.length}))`;
  });
  const body = start === undefined ? '' : `(func (export "_start") ${replaceSay(start)})`;
  const extra = replaceSay(funcs);
  const limits = `${pages}${maxPages !== undefined ? ` ${maxPages}` : ''}${shared ? ' shared' : ''}`;
  const memory = exportMemory ? `(memory (export "memory") ${limits})` : `(memory ${limits})`;
  return `(module
  ${prelude(module, { noSockAccept })}
  ${memory}
  (data (i32.const ${STRINGS}) "${strings.join('').replace(/\n/g, '\\n')}")
  ${extra}
  ${body})`;
}

/**
 * A "proxy" guest: exports `call_<name>` for every non-path import (a wasm function that
 * passes its i32/i64 arguments straight through, so JS calls cross wasm's i32 conversion:
 * 0x80000000 arrives at the host as a negative Number), `grow(pages)`, and its memory.
 */
function proxySource(options = {}) {
  const module = options.module ?? 'wasi_snapshot_preview1';
  const wrappers = Object.entries(SIGNATURES)
    .filter(([name]) => !(module === 'wasi_unstable' && name === 'sock_accept'))
    .map(([name, params]) => {
      const list = params ? params.split(' ') : [];
      const gets = list.map((_, i) => `(local.get ${i})`).join(' ');
      return `(func (export "call_${name}")${list.length ? ` (param ${params})` : ''} (result i32) (call $${name} ${gets}))`;
    });
  wrappers.push('(func (export "call_proc_exit") (param i32) (call $proc_exit (local.get 0)))');
  wrappers.push('(func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))');
  return guestSource({ ...options, funcs: `${wrappers.join('\n')}\n${options.funcs ?? ''}` });
}

/**
 * Guest instructions printing each poll_oneoff event as a line "event userdata error type
 * nbytes " (and the fd_readwrite flags with `flags`): the events at `events`, their count (a
 * u32) at `count`. The guest declares `(local $k i32)`, starting at 0.
 */
function printEvents(events, count, { flags = false } = {}) {
  const at = `(i32.add (i32.const ${events}) (i32.mul (local.get $k) (i32.const 32)))`;
  return `(block $done (loop $ev
        (br_if $done (i32.ge_u (local.get $k) (i32.load (i32.const ${count}))))
        (say "event ")
        (call $u (i64.load ${at}))
        (call $i (i32.load16_u offset=8 ${at}))
        (call $i (i32.load8_u offset=10 ${at}))
        (call $u (i64.load offset=16 ${at}))
        ${flags ? `(call $i (i32.load16_u offset=24 ${at}))` : ''}
        (call $nl)
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $ev)))`;
}

/** Compiles a proxy guest (see proxySource). */
function proxy(options) {
  return wat(proxySource(options));
}

/** Compiles a guest to a wasm Buffer. */
function guest(options) {
  return wat(guestSource(options));
}

module.exports = {
  guest, guestSource, proxy, proxySource, printEvents, importLines, SIGNATURES, WASI_SIGNATURES, ALL_SIGNATURES, PRINT_IOV, STRINGS,
};
