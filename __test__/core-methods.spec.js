'use strict';
// The WASI methods and the import object, as NODE-PARITY.md "Methods" records them (Node >= 24.4
// semantics): start / initialize / finalizeBindings rules with exact errors, returnOnExit,
// ERR_WASI_NOT_STARTED, argument checking (EINVAL, never a throw), EOVERFLOW for ranges
// outside memory, pointers >= 2^31 read as u32, and wasiImport's keys and arities against
// node:wasi's live object.

const test = require('ava');
const vm = require('node:vm');
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const nodeWasi = require('node:wasi');
const { WASI } = require('..');
const { tmpdir, rm, wasmFile } = require('./helpers.js');
const { guest, proxy, SIGNATURES, ALL_SIGNATURES } = require('./guest.js');

process.removeAllListeners('warning');

const ROOT = path.join(__dirname, '..');
const preview1 = (options = {}) => new WASI({ version: 'preview1', ...options });
const noop = () => {};

function caught(fn) {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
}

function errorOf(fn) {
  const err = caught(fn);
  return err && { name: err.constructor.name, code: err.code, message: err.message };
}

const typeError = (message) => ({ name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE', message });
const memoryError = typeError('"instance.exports.memory" property must be a WebAssembly.Memory object');
const alreadyStarted = { name: 'Error', code: 'ERR_WASI_ALREADY_STARTED', message: 'WASI instance has already started' };
const notStarted = { name: 'Error', code: 'ERR_WASI_NOT_STARTED', message: 'wasi.start() has not been called' };

const memory = () => new WebAssembly.Memory({ initial: 1 });

// start() / initialize() argument rules, each checked on a fresh object.
const startCases = [
  ['instance undefined', undefined, typeError('The "instance" argument must be of type object. Received undefined')],
  ['instance null', null, typeError('The "instance" argument must be of type object. Received null')],
  ['instance a number', 5, typeError('The "instance" argument must be of type object. Received type number (5)')],
  ['exports null', { exports: null }, typeError('The "instance.exports" property must be of type object. Received null')],
  ['exports undefined', {}, typeError('The "instance.exports" property must be of type object. Received undefined')],
  ['exports a function', { exports: noop }, typeError('The "instance.exports" property must be of type object. Received function noop')],
  ['no memory', { exports: { _start: noop } }, memoryError],
  ['memory an ArrayBuffer', { exports: { memory: new ArrayBuffer(8), _start: noop } }, memoryError],
  ['memory a fake with Memory.prototype', { exports: { memory: Object.create(WebAssembly.Memory.prototype), _start: noop } }, memoryError],
];

for (const [title, instance, expected] of startCases) {
  test(`start: ${title}`, (t) => {
    t.deepEqual(errorOf(() => preview1().start(instance)), expected);
  });
  test(`initialize: ${title}`, (t) => {
    t.deepEqual(errorOf(() => preview1().initialize(instance)), expected);
  });
}

test('start: _start missing or not a function', (t) => {
  t.deepEqual(errorOf(() => preview1().start({ exports: { memory: memory() } })),
    typeError('The "instance.exports._start" property must be of type function. Received undefined'));
  t.deepEqual(errorOf(() => preview1().start({ exports: { memory: memory(), _start: 5 } })),
    typeError('The "instance.exports._start" property must be of type function. Received type number (5)'));
});

test('start: _initialize present is refused, and _start is not called', (t) => {
  let called = false;
  const exports = { memory: memory(), _start() { called = true; }, _initialize: function init() {} };
  t.deepEqual(errorOf(() => preview1().start({ exports })),
    typeError('The "instance.exports._initialize" property must be undefined. Received function init'));
  t.false(called);
});

test('initialize: _start present is refused; _initialize must be a function; it is called', (t) => {
  t.deepEqual(errorOf(() => preview1().initialize({ exports: { memory: memory(), _start: noop } })),
    typeError('The "instance.exports._start" property must be undefined. Received function noop'));
  t.deepEqual(errorOf(() => preview1().initialize({ exports: { memory: memory(), _initialize: 1 } })),
    typeError('The "instance.exports._initialize" property must be of type function. Received type number (1)'));
  let calls = 0;
  t.is(preview1().initialize({ exports: { memory: memory(), _initialize() { calls += 1; return 7; } } }), undefined);
  t.is(calls, 1);
  t.is(preview1().initialize({ exports: { memory: memory() } }), undefined);
});

test('a memory failure does not mark the object started; a success does', (t) => {
  const wasi = preview1();
  t.deepEqual(errorOf(() => wasi.start({ exports: { memory: {}, _start: noop } })), memoryError);
  t.deepEqual(errorOf(() => wasi.start({ exports: { memory: 'x', _start: noop } })), memoryError);
  t.is(wasi.start({ exports: { memory: memory(), _start: noop } }), 0);
  t.deepEqual(errorOf(() => wasi.start({ exports: { memory: memory(), _start: noop } })), alreadyStarted);
  t.deepEqual(errorOf(() => wasi.initialize({ exports: { memory: memory() } })), alreadyStarted);
  t.deepEqual(errorOf(() => wasi.finalizeBindings({ exports: { memory: memory() } })), alreadyStarted);
});

test('a _start check failure happens after binding: the object counts as started', (t) => {
  // Node >= 24.4 binds (finalizeBindings) before looking at _start.
  const wasi = preview1();
  t.is(errorOf(() => wasi.start({ exports: { memory: memory() } })).code, 'ERR_INVALID_ARG_TYPE');
  t.deepEqual(errorOf(() => wasi.start({ exports: { memory: memory(), _start: noop } })), alreadyStarted);
});

test('already started is checked first, before the instance', (t) => {
  const wasi = preview1();
  wasi.initialize({ exports: { memory: memory() } });
  t.deepEqual(errorOf(() => wasi.start(undefined)), alreadyStarted);
  t.deepEqual(errorOf(() => wasi.initialize(null)), alreadyStarted);
  t.deepEqual(errorOf(() => wasi.finalizeBindings()), alreadyStarted);
});

test('any object with an exports object is accepted (no instanceof check)', async (t) => {
  const wasm = await guest({ start: '(call $proc_exit (call $args_sizes_get (i32.const 0) (i32.const 4)))' });
  const wasi = preview1();
  const real = new WebAssembly.Instance(new WebAssembly.Module(wasm), wasi.getImportObject());
  const plain = { exports: { ...real.exports } };
  t.is(wasi.start(plain), 0);
});

test('an instance and memory from another vm context work (brand check, not instanceof)', async (t) => {
  const wasm = await guest({
    start: `(drop (call $args_sizes_get (i32.const 0) (i32.const 4)))
      (call $proc_exit (i32.add (i32.load (i32.const 0)) (i32.mul (i32.load (i32.const 4)) (i32.const 100))))`,
  });
  const wasi = preview1({ args: ['ab', 'c'] });
  const instance = vm.runInNewContext('new WebAssembly.Instance(new WebAssembly.Module(bytes), imports)',
    { bytes: new Uint8Array(wasm), imports: wasi.getImportObject() });
  t.false(instance instanceof WebAssembly.Instance);
  t.false(instance.exports.memory instanceof WebAssembly.Memory);
  // argc 2, buffer 5 bytes ("ab\0c\0").
  t.is(wasi.start(instance), 502);
});

test('finalizeBindings with an explicit memory binds it and marks started without calling anything', async (t) => {
  const wasm = await proxy({ exportMemory: false });
  const wasi = preview1({ args: ['xyz'] });
  const { exports } = new WebAssembly.Instance(new WebAssembly.Module(wasm), wasi.getImportObject());
  t.is(exports.memory, undefined);
  t.deepEqual(errorOf(() => preview1().finalizeBindings({ exports })), memoryError);
  const other = memory();
  let called = false;
  t.is(wasi.finalizeBindings({ exports: { ...exports, _start() { called = true; } } }, { memory: other }), undefined);
  t.false(called);
  // The calls now write into `other` (not into the module's own, unexported memory).
  t.is(wasi.wasiImport.args_sizes_get(8, 12), 0);
  t.deepEqual([...new Uint32Array(other.buffer, 8, 2)], [1, 4]);
  t.deepEqual(errorOf(() => wasi.start({ exports: { memory: other, _start: noop } })), alreadyStarted);
  t.deepEqual(errorOf(() => wasi.finalizeBindings({ exports }, { memory: other })), alreadyStarted);
});

test('finalizeBindings validates like start: instance, exports, memory', (t) => {
  t.deepEqual(errorOf(() => preview1().finalizeBindings()), typeError('The "instance" argument must be of type object. Received undefined'));
  t.deepEqual(errorOf(() => preview1().finalizeBindings({ exports: 1 })), typeError('The "instance.exports" property must be of type object. Received type number (1)'));
  t.deepEqual(errorOf(() => preview1().finalizeBindings({ exports: {} }, { memory: new ArrayBuffer(1) })), memoryError);
  const wasi = preview1();
  t.deepEqual(errorOf(() => wasi.finalizeBindings({ exports: {} }, {})), memoryError);
  t.is(wasi.finalizeBindings({ exports: {} }, { memory: memory() }), undefined);
});

// returnOnExit: true (the default).

async function exitGuest(code) {
  return guest({ start: `(call $proc_exit (i32.const ${code})) (unreachable)` });
}

test('returnOnExit: start() returns the code as wasm passed it (an i32)', async (t) => {
  for (const [code, expected] of [[0, 0], [7, 7], [-1, -1], [255, 255], [256, 256], [0x7fffffff, 0x7fffffff], [-2147483648, -2147483648]]) {
    const wasi = preview1();
    const instance = new WebAssembly.Instance(new WebAssembly.Module(await exitGuest(code)), wasi.getImportObject());
    t.is(wasi.start(instance), expected, `proc_exit(${code})`);
  }
  const wasi = preview1({ returnOnExit: true });
  const instance = new WebAssembly.Instance(new WebAssembly.Module(await guest({ start: '' })), wasi.getImportObject());
  t.is(wasi.start(instance), 0, 'returning from _start is 0');
});

test('returnOnExit: a proc_exit replaced by the user and throwing something else is rethrown unchanged', async (t) => {
  const wasm = await exitGuest(5);
  const wasi = preview1();
  const sentinel = { mine: true };
  wasi.wasiImport.proc_exit = () => { throw sentinel; };
  const instance = new WebAssembly.Instance(new WebAssembly.Module(wasm), wasi.getImportObject());
  t.is(caught(() => wasi.start(instance)), sentinel);

  const wasi2 = preview1();
  const err = new RangeError('from _start');
  t.is(caught(() => wasi2.start({ exports: { memory: memory(), _start() { throw err; } } })), err);
});

test('returnOnExit: initialize() does not catch the exit', async (t) => {
  const wasm = await guest({ funcs: '(func (export "_initialize") (call $proc_exit (i32.const 3)))' });
  const wasi = preview1();
  const instance = new WebAssembly.Instance(new WebAssembly.Module(wasm), wasi.getImportObject());
  const thrown = caught(() => wasi.initialize(instance));
  t.not(thrown, undefined, 'initialize must not return normally');
  t.false(thrown instanceof Error, 'it is the private exit value, not an error');
});

// returnOnExit: false, in child processes (the process exits at once).

function exitScript(impl) {
  return `
    const { WASI } = ${impl === 'node' ? "require('node:wasi')" : `require(${JSON.stringify(ROOT)})`};
    const fs = require('node:fs');
    const wasi = new WASI({ version: 'preview1', returnOnExit: false });
    const bytes = fs.readFileSync(process.argv[1]);
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), wasi.getImportObject());
    process.on('exit', (status) => fs.writeSync(1, 'exit event ' + status + '\\n'));
    wasi.start(instance);
    fs.writeSync(1, 'after start\\n');`;
}

async function runExit(code, impl) {
  const dir = tmpdir();
  const script = exitScript(impl);
  try {
    const file = wasmFile(await guest({ start: `(say "before ") (call $proc_exit (i32.const ${code})) (say "unreachable")` }), dir);
    const res = spawnSync(process.execPath, ['--no-warnings', '-e', script, file], { encoding: 'utf8' });
    return res;
  } finally {
    rm(dir);
  }
}

test('returnOnExit false: the process exits at once with the status', async (t) => {
  for (const [code, status] of [[0, 0], [3, 3], [255, 255], [-1, 255]]) {
    const res = await runExit(code, 'wasi-rs');
    t.is(res.status, status, `proc_exit(${code}): ${res.stderr}`);
    t.is(res.stdout, `before exit event ${status}\n`, 'nothing after start() runs');
    t.is(res.stderr, '');
  }
});

test('returnOnExit false: proc_exit(256) exits with status 1, never 0 (node:wasi: 0)', async (t) => {
  const ours = await runExit(256, 'wasi-rs');
  t.is(ours.status, 1);
  t.is(ours.stdout, 'before exit event 1\n');
  // The intended difference (differences.js: proc-exit-256).
  const theirs = await runExit(256, 'node');
  t.is(theirs.status, 0);
});

// ERR_WASI_NOT_STARTED and argument checks.

const i64Params = (name) => ALL_SIGNATURES[name].split(' ').filter(Boolean);

function goodArgs(name) {
  return i64Params(name).map((ty) => (ty === 'i64' ? 0n : 0));
}

test('every syscall before binding throws ERR_WASI_NOT_STARTED (right argument count and types)', (t) => {
  const wasi = preview1();
  for (const name of Object.keys(wasi.wasiImport)) {
    if (name === 'proc_exit') continue;
    const params = goodArgs(name);
    t.deepEqual(errorOf(() => wasi.wasiImport[name](...params)), notStarted, name);
  }
});

test('wrong argument count or types return EINVAL (28) and never throw, bound or not', (t) => {
  const unbound = preview1();
  const bound = preview1();
  bound.initialize({ exports: { memory: memory() } });
  for (const wasi of [unbound, bound]) {
    for (const [name, fn] of Object.entries(wasi.wasiImport)) {
      if (name === 'proc_exit') continue;
      const n = fn.length;
      t.is(fn(...new Array(n + 1).fill(0)), 28, `${name}: one argument too many`);
      if (n > 0) {
        t.is(fn(...new Array(n - 1).fill(0)), 28, `${name}: one argument too few`);
        t.is(fn(...new Array(n).fill('0')), 28, `${name}: strings`);
        t.is(fn(...new Array(n).fill(undefined)), 28, `${name}: undefined`);
      }
      if (n > 0) {
        const types = i64Params(name);
        // Swap one argument's kind at a time: BigInt where wasm passes i32, Number for i64.
        types.forEach((ty, i) => {
          const args = goodArgs(name);
          args[i] = ty === 'i64' ? 0 : 0n;
          t.is(fn(...args), 28, `${name}: argument ${i} of the wrong kind`);
        });
      }
    }
  }
});

test('proc_exit with a wrong argument returns EINVAL (not an exit)', (t) => {
  const wasi = preview1({ returnOnExit: false });
  wasi.initialize({ exports: { memory: memory() } });
  t.is(wasi.wasiImport.proc_exit(), 28);
  t.is(wasi.wasiImport.proc_exit('1'), 28);
  t.is(wasi.wasiImport.proc_exit(1n), 28);
});

test('ranges outside memory are EOVERFLOW (61), nothing written', async (t) => {
  const wasi = preview1({ args: ['a'], env: { K: 'v' } });
  const instance = new WebAssembly.Instance(new WebAssembly.Module(await proxy()), wasi.getImportObject());
  wasi.initialize(instance);
  const x = instance.exports;
  const end = 65536;
  const u8 = new Uint8Array(x.memory.buffer);
  u8.fill(0xaa, end - 16);
  const calls = [
    ['args_sizes_get end', () => x.call_args_sizes_get(end - 2, 0)],
    ['args_sizes_get second', () => x.call_args_sizes_get(0, end - 3)],
    ['args_get buffer', () => x.call_args_get(0, end - 1)],
    ['args_get table', () => x.call_args_get(end - 3, 0)],
    ['environ_sizes_get', () => x.call_environ_sizes_get(end, 0)],
    ['environ_get buffer', () => x.call_environ_get(0, end - 3)],
    ['clock_time_get', () => x.call_clock_time_get(1, 0n, end - 7)],
    ['clock_res_get', () => x.call_clock_res_get(1, end - 4)],
    ['random_get', () => x.call_random_get(end - 8, 9)],
    ['random_get huge', () => x.call_random_get(0, -1)],
    ['fd_write iovec table', () => x.call_fd_write(1, end - 4, 1, 0)],
    ['fd_write nwritten', () => x.call_fd_write(1, 0, 0, end - 2)],
    ['fd_fdstat_get', () => x.call_fd_fdstat_get(1, end - 23)],
    ['fd_filestat_get', () => x.call_fd_filestat_get(1, end - 63)],
    ['fd_prestat_get', () => x.call_fd_prestat_get(0, end - 7)],
    ['fd_seek', () => x.call_fd_seek(1, 0n, 1, end - 7)],
    ['fd_tell', () => x.call_fd_tell(1, end - 7)],
    ['poll_oneoff input', () => x.call_poll_oneoff(end - 47, 0, 1, 100)],
    ['poll_oneoff output', () => x.call_poll_oneoff(0, end - 31, 1, 100)],
    ['poll_oneoff nevents', () => x.call_poll_oneoff(0, 100, 1, end - 3)],
    ['sock_recv result', () => x.call_sock_recv(0, 0, 0, 0, end - 3, 0)],
  ];
  for (const [title, call] of calls) t.is(call(), 61, title);
  // An iovec whose buffer runs past the end.
  new DataView(x.memory.buffer).setUint32(0, end - 4, true);
  new DataView(x.memory.buffer).setUint32(4, 5, true);
  t.is(x.call_fd_write(1, 0, 1, 8), 61, 'fd_write buffer past the end');
  t.is(x.call_fd_read(0, 0, 1, 8), 61, 'fd_read buffer past the end');
  t.deepEqual([...u8.subarray(end - 16)], new Array(16).fill(0xaa), 'nothing written near the end');
});

test('pointers >= 2^31 arrive as negative Numbers and are read as u32 (EOVERFLOW, not EINVAL)', async (t) => {
  const wasi = preview1({ args: ['a'] });
  const instance = new WebAssembly.Instance(new WebAssembly.Module(await proxy()), wasi.getImportObject());
  wasi.initialize(instance);
  const x = instance.exports;
  for (const p of [0x80000000, 0xfffffff8, -1, -8]) {
    t.is(x.call_args_sizes_get(p, 0), 61, `args_sizes_get(${p})`);
    t.is(x.call_clock_time_get(0, 0n, p), 61, `clock_time_get(${p})`);
    t.is(x.call_random_get(p, 1), 61, `random_get(${p})`);
    t.is(x.call_fd_write(1, p, 1, 0), 61, `fd_write(${p})`);
  }
  // The same through the JS function directly: negative Numbers are u32 too.
  t.is(wasi.wasiImport.args_sizes_get(-1, 0), 61);
  // A large u32 that is inside memory after all works: the i32 -> u32 mapping is exact.
  t.is(x.grow(1), 1);
  t.is(x.call_args_sizes_get(65536 + 8, 65536 + 12), 0);
  t.deepEqual([...new Uint32Array(x.memory.buffer, 65536 + 8, 2)], [1, 2]);
});

// wasiImport and getImportObject.

test('wasiImport has node:wasi\'s 46 keys in its order, with its arities', (t) => {
  const theirs = new nodeWasi.WASI({ version: 'preview1' }).wasiImport;
  const ours = preview1().wasiImport;
  t.deepEqual(Object.keys(ours), Object.keys(theirs));
  t.is(Object.keys(ours).length, 46);
  for (const key of Object.keys(theirs)) {
    t.is(typeof ours[key], 'function', key);
    t.is(ours[key].length, theirs[key].length, `${key}.length`);
  }
  // Arities as the witx defines them, independently of node:wasi.
  t.is(Object.keys(ALL_SIGNATURES).length, 46);
  for (const [name, params] of Object.entries(ALL_SIGNATURES)) {
    t.is(ours[name].length, params ? params.split(' ').length : 0, name);
  }
  t.is(ours.proc_exit.length, 1);
  t.is(ours.path_open.length, 9);
});

test('getImportObject returns a new object each call around the same wasiImport', (t) => {
  const wasi = preview1();
  const a = wasi.getImportObject();
  const b = wasi.getImportObject();
  t.not(a, b);
  t.deepEqual(Object.keys(a), ['wasi_snapshot_preview1']);
  t.is(a.wasi_snapshot_preview1, wasi.wasiImport);
  t.is(b.wasi_snapshot_preview1, wasi.wasiImport);
});

test('version unstable: wasi_unstable with 45 functions, no sock_accept', (t) => {
  const wasi = new WASI({ version: 'unstable' });
  const obj = wasi.getImportObject();
  t.deepEqual(Object.keys(obj), ['wasi_unstable']);
  t.not(obj, wasi.getImportObject());
  const keys = Object.keys(obj.wasi_unstable);
  t.is(keys.length, 45);
  t.false(keys.includes('sock_accept'));
  const preview1Keys = Object.keys(preview1().wasiImport).filter((k) => k !== 'sock_accept');
  t.deepEqual(keys, preview1Keys);
});

test('an unstable guest links against wasi_unstable and runs', async (t) => {
  const wasm = await guest({ module: 'wasi_unstable', start: '(call $proc_exit (call $args_sizes_get (i32.const 0) (i32.const 4)))' });
  const wasi = new WASI({ version: 'unstable' });
  const instance = new WebAssembly.Instance(new WebAssembly.Module(wasm), wasi.getImportObject());
  t.is(wasi.start(instance), 0);
  t.throws(() => new WebAssembly.Instance(new WebAssembly.Module(wasm), preview1().getImportObject()));
});

test('a file descriptor stdout option receives the guest\'s output', async (t) => {
  const dir = tmpdir();
  try {
    const out = path.join(dir, 'out');
    const fd = fs.openSync(out, 'w');
    const wasi = preview1({ stdout: fd });
    const instance = new WebAssembly.Instance(new WebAssembly.Module(await guest({ start: '(say "hello")' })), wasi.getImportObject());
    t.is(wasi.start(instance), 0);
    fs.closeSync(fd);
    t.is(fs.readFileSync(out, 'utf8'), 'hello');
  } finally {
    rm(dir);
  }
});

test('a preopen host path with a NUL byte is refused (EINVAL), never cut short', (t) => {
  const dir = tmpdir();
  try {
    const options = { version: 'preview1', preopens: { '/a': `${dir}\0/nonexistent` } };
    const ours = caught(() => new WASI(options));
    t.is(ours.code, 'UVWASI_EINVAL');
    t.is(ours.errno, 28);
    // node:wasi cuts the path at the NUL and opens `dir` (differences.js: preopen-host-nul).
    t.is(caught(() => new nodeWasi.WASI(options)), undefined);
  } finally {
    rm(dir);
  }
});

test('import functions called from JS: proc_exit takes Numbers only; names as node:wasi\'s', (t) => {
  // differences.js: js-import-functions.
  const ours = preview1({ returnOnExit: true }).wasiImport;
  t.is(ours.proc_exit('7'), 28);
  const theirs = new nodeWasi.WASI({ version: 'preview1' }).wasiImport;
  for (const key of Object.keys(theirs)) {
    if (key === 'proc_exit') continue;
    t.is(ours[key].name, theirs[key].name, key);
  }
  t.is(ours.proc_exit.name, 'bound proc_exit');
  t.is(theirs.proc_exit.name, 'bound wasiReturnOnProcExit');
});

test('lib/imports.js is what scripts/gen-imports.js writes', (t) => {
  const r = spawnSync(process.execPath, [path.join(__dirname, '..', 'scripts', 'gen-imports.js'), '--check'],
    { encoding: 'utf8' });
  t.is(r.stderr, '');
  t.is(r.status, 0);
});

test('the native bindMemory refuses anything but an instance handle', (t) => {
  const native = require('../lib/native.js');
  for (const handle of [{}, [], () => {}]) {
    t.throws(() => native.bindMemory(handle, new ArrayBuffer(8), () => {}, false));
  }
});

test('an extra argument that is undefined is not noticed (differences.js: js-import-functions)', (t) => {
  const ours = preview1();
  const memory = new WebAssembly.Memory({ initial: 1 });
  ours.initialize({ exports: { memory } });
  t.is(ours.wasiImport.args_sizes_get(0, 4, undefined), 0);
  t.is(ours.wasiImport.args_sizes_get(0, 4, 0), 28);
  const theirs = new nodeWasi.WASI({ version: 'preview1' });
  theirs.initialize({ exports: { memory } });
  t.is(theirs.wasiImport.args_sizes_get(0, 4, undefined), 28);
});
