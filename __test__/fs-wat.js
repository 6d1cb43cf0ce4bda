'use strict';
// The WAT command-guest template of the filesystem specs (defects, unstable ABI, the
// differential guests in fs-wat-guests.js): imports the filesystem calls below from the
// chosen module, exports memory, and gives the body line-printing helpers. Inside a body:
// (call $str ptr len) appends bytes, (call $ch c) appends one byte, (call $num i64) appends
// " N", (call $n i32) appends " N" (unsigned), (call $flush) writes the line plus "\n" to
// stdout. Memory: 0..999 results, 1000..1011 $flush's iovec, 1024..4095 strings (data
// segments), 4096..8191 buffers, 8192.. the line buffer.

const { importLines } = require('./guest.js');

const IMPORTS = [
  'fd_write', 'fd_close', 'fd_seek', 'fd_fdstat_get', 'fd_filestat_get', 'fd_readdir', 'fd_prestat_dir_name',
  'poll_oneoff', 'path_open', 'path_readlink', 'path_filestat_get', 'path_filestat_set_times', 'path_symlink',
  'path_create_directory',
];

/** Bytes placed at a fixed address: { seg (the data segment), ptr, len } (latin1, any byte). */
function data(addr, text) {
  const b = Buffer.from(text, 'latin1');
  const esc = [...b].map((x) => `\\${x.toString(16).padStart(2, '0')}`).join('');
  return { seg: `(data (i32.const ${addr}) "${esc}")`, ptr: addr, len: b.length };
}

/**
 * strings: { addr: text } and segments: [data(addr, text)…], placed as data segments;
 * locals: `_start`'s locals; body: its instructions.
 */
function commandWat({ module = 'wasi_snapshot_preview1', strings = {}, segments = [], locals = '', body }) {
  const segs = [...Object.entries(strings).map(([addr, text]) => data(Number(addr), text)), ...segments];
  return `(module
  ${importLines(module, IMPORTS).join('\n  ')}
  (memory (export "memory") 1)
  ${segs.map((d) => d.seg).join('\n  ')}
  (global $out (mut i32) (i32.const 8192))
  ;; append bytes [ptr, ptr+len) to the line buffer
  (func $str (param $p i32) (param $len i32)
    (memory.copy (global.get $out) (local.get $p) (local.get $len))
    (global.set $out (i32.add (global.get $out) (local.get $len))))
  (func $ch (param $c i32)
    (i32.store8 (global.get $out) (local.get $c))
    (global.set $out (i32.add (global.get $out) (i32.const 1))))
  ;; append an unsigned 64-bit decimal number, preceded by a space
  (func $num (param $v i64) (local $s i32) (local $e i32) (local $t i32)
    (call $ch (i32.const 32))
    (local.set $s (global.get $out))
    (loop $d
      (call $ch (i32.add (i32.const 48) (i32.wrap_i64 (i64.rem_u (local.get $v) (i64.const 10)))))
      (local.set $v (i64.div_u (local.get $v) (i64.const 10)))
      (br_if $d (i64.ne (local.get $v) (i64.const 0))))
    ;; reverse the digits in place
    (local.set $e (i32.sub (global.get $out) (i32.const 1)))
    (block $x (loop $r
      (br_if $x (i32.ge_u (local.get $s) (local.get $e)))
      (local.set $t (i32.load8_u (local.get $s)))
      (i32.store8 (local.get $s) (i32.load8_u (local.get $e)))
      (i32.store8 (local.get $e) (local.get $t))
      (local.set $s (i32.add (local.get $s) (i32.const 1)))
      (local.set $e (i32.sub (local.get $e) (i32.const 1)))
      (br $r))))
  (func $n (param $v i32) (call $num (i64.extend_i32_u (local.get $v))))
  ;; write the line buffer plus a newline to fd 1 and reset it
  (func $flush
    (call $ch (i32.const 10))
    (i32.store (i32.const 1000) (i32.const 8192))
    (i32.store (i32.const 1004) (i32.sub (global.get $out) (i32.const 8192)))
    (drop (call $fd_write (i32.const 1) (i32.const 1000) (i32.const 1) (i32.const 1008)))
    (global.set $out (i32.const 8192)))
  (func (export "_start") ${locals}
    ${body}))`;
}

/** Parses the guest's stdout into { label: [fields…] } (first word of a line = label). */
function lines(stdout) {
  const out = {};
  for (const line of stdout.split('\n').filter(Boolean)) {
    const [label, ...rest] = line.split(' ');
    (out[label] ??= []).push(rest);
  }
  return out;
}

module.exports = { commandWat, data, lines };
