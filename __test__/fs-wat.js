'use strict';
// A tiny WAT command-guest template for the filesystem defect and unstable-ABI specs: imports
// the named functions from the chosen module, exports memory, and gives the body line-printing
// helpers. Inside a body: (call $str ptr len) appends bytes, (call $num i64) appends " N",
// (call $n i32) appends " N" (unsigned), (call $flush) writes the line plus "\n" to stdout.
// Memory: 0..1023 results, 1024..4095 strings (data segments), 4096..8191 buffers,
// 8192.. the line buffer.

const SIGS = {
  fd_write: 'i32 i32 i32 i32', fd_close: 'i32', fd_seek: 'i32 i64 i32 i32',
  fd_fdstat_get: 'i32 i32', fd_filestat_get: 'i32 i32', fd_readdir: 'i32 i32 i32 i64 i32',
  fd_prestat_dir_name: 'i32 i32 i32', poll_oneoff: 'i32 i32 i32 i32',
  path_open: 'i32 i32 i32 i32 i32 i64 i64 i32 i32', path_readlink: 'i32 i32 i32 i32 i32 i32',
  path_filestat_get: 'i32 i32 i32 i32 i32', path_filestat_set_times: 'i32 i32 i32 i32 i64 i64 i32',
};

/** strings: { addr: text } placed as data segments (latin1 bytes, any byte allowed). */
function commandWat({ module = 'wasi_snapshot_preview1', strings = {}, locals = '', body }) {
  const imports = Object.entries(SIGS).map(([name, params]) =>
    `(import "${module}" "${name}" (func $${name} (param ${params}) (result i32)))`);
  const data = Object.entries(strings).map(([addr, text]) => {
    const esc = [...Buffer.from(text, 'latin1')].map((b) => `\\${b.toString(16).padStart(2, '0')}`).join('');
    return `(data (i32.const ${addr}) "${esc}")`;
  });
  return `(module
  ${imports.join('\n  ')}
  (memory (export "memory") 1)
  ${data.join('\n  ')}
  (global $out (mut i32) (i32.const 8192))
  (func $str (param $p i32) (param $len i32)
    (memory.copy (global.get $out) (local.get $p) (local.get $len))
    (global.set $out (i32.add (global.get $out) (local.get $len))))
  (func $ch (param $c i32)
    (i32.store8 (global.get $out) (local.get $c))
    (global.set $out (i32.add (global.get $out) (i32.const 1))))
  (func $num (param $v i64) (local $s i32) (local $e i32) (local $t i32)
    (call $ch (i32.const 32))
    (local.set $s (global.get $out))
    (loop $d
      (call $ch (i32.add (i32.const 48) (i32.wrap_i64 (i64.rem_u (local.get $v) (i64.const 10)))))
      (local.set $v (i64.div_u (local.get $v) (i64.const 10)))
      (br_if $d (i64.ne (local.get $v) (i64.const 0))))
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

module.exports = { commandWat, lines };
