'use strict';
// wasi-rs: the WASI class, with node:wasi's API, validation order, errors and control flow
// (start / initialize / finalizeBindings as in Node >= 24.4). The syscalls are native.

const native = require('./lib/native.js');
const {
  makeError, invalidArgType, invalidArgValue, validateObject, validateInt32,
  validateFunction, validateUndefined, wasiInitError,
} = require('./lib/errors.js');

const kHost = Symbol('kHost');
const kStarted = Symbol('kStarted');
const kInstance = Symbol('kInstance');
const kBindingName = Symbol('kBindingName');

// Thrown through the guest's stack by proc_exit when returnOnExit is true; start() catches it.
class ExitSignal {
  constructor(code) { this.code = code; }
}

// The import functions. Rust makes one set of native templates per Node environment; each gets
// its JavaScript wrapper from lib/imports.js (a named function with the WASI arity as formal
// parameter count), made once per template set, and per instance every wrapper is bound to the
// instance's handle, as node:wasi binds its methods: the functions are "bound <name>" with the
// arity as length, and each call reaches its instance through the bound receiver. Binding a
// plain function takes V8's fast path; a native function whose length was redefined would take
// the slow one (a dictionary-mode copy per function, ~40 µs per instance). The wrapper also makes
// each call cheaper: wasm calling a Node-API function directly goes through V8's generic C++
// API-call path, while optimized JS calling it gets V8's inlined API-call trampoline.
const FunctionPrototypeBind = Function.prototype.call.bind(Function.prototype.bind);
const wrapImports = require('./lib/imports.js');
let wrapped = { templates: null, wrappers: null };

function wrappersFor(templates) {
  const byName = { __proto__: null };
  for (let i = 0; i < templates.length; i++) byName[templates[i].name] = templates[i];
  const all = wrapImports(byName);
  const wrappers = [];
  for (let i = 0; i < templates.length; i++) {
    const { name, length } = templates[i];
    const fn = all[name];
    if (typeof fn !== 'function' || fn.length !== length) {
      throw new Error(`wasi-rs: lib/imports.js does not match the native import ${name}/${length}`);
    }
    wrappers.push(fn);
  }
  return wrappers;
}

function bindImports(templates, handle) {
  if (wrapped.templates !== templates) wrapped = { templates, wrappers: wrappersFor(templates) };
  const { wrappers } = wrapped;
  const wasiImport = {};
  for (let i = 0; i < wrappers.length; i++) {
    const fn = wrappers[i];
    wasiImport[fn.name] = FunctionPrototypeBind(fn, handle);
  }
  return wasiImport;
}

function exitHook(code, returnOnExit, status) {
  if (returnOnExit) throw new ExitSignal(code);
  process.exit(status);
}

const memoryBufferGetter = Object.getOwnPropertyDescriptor(WebAssembly.Memory.prototype, 'buffer').get;

// A brand check: true for any WebAssembly.Memory, from any realm.
function isWasmMemory(value) {
  if (value === null || typeof value !== 'object') return false;
  try {
    memoryBufferGetter.call(value);
    return true;
  } catch {
    return false;
  }
}

const sabByteLength = typeof SharedArrayBuffer === 'function'
  ? Object.getOwnPropertyDescriptor(SharedArrayBuffer.prototype, 'byteLength').get
  : null;

function isSharedArrayBuffer(buffer) {
  if (!sabByteLength) return false;
  try {
    sabByteLength.call(buffer);
    return true;
  } catch {
    return false;
  }
}

function noNulBytes(value, name) {
  if (value.includes('\0')) {
    throw invalidArgValue(name, value, 'must be a string without null bytes');
  }
}

class WASI {
  constructor(options = {}) {
    validateObject(options, 'options');

    if (typeof options.version !== 'string') {
      throw invalidArgType('options.version', 'string', options.version);
    }
    let bindingName;
    switch (options.version) {
      case 'preview1': bindingName = 'wasi_snapshot_preview1'; break;
      case 'unstable': bindingName = 'wasi_unstable'; break;
      default:
        throw invalidArgValue('options.version', options.version, 'unsupported WASI version');
    }

    if (options.args !== undefined && !Array.isArray(options.args)) {
      throw invalidArgType('options.args', 'Array', options.args);
    }
    const args = (options.args || []).map(String);
    args.forEach((a, i) => noNulBytes(a, `options.args[${i}]`));

    const env = [];
    if (options.env !== undefined) {
      validateObject(options.env, 'options.env');
      for (const [key, value] of Object.entries(options.env)) {
        if (value === undefined) continue;
        const entry = `${key}=${value}`;
        noNulBytes(entry, `options.env['${key}']`);
        env.push(entry);
      }
    }

    const preopens = [];
    if (options.preopens !== undefined) {
      validateObject(options.preopens, 'options.preopens');
      for (const [key, value] of Object.entries(options.preopens)) {
        preopens.push(String(key), String(value));
      }
    }

    const { stdin = 0, stdout = 1, stderr = 2 } = options;
    validateInt32(stdin, 'options.stdin', 0);
    validateInt32(stdout, 'options.stdout', 0);
    validateInt32(stderr, 'options.stderr', 0);

    // returnOnExit is checked after the host is set up, as node:wasi does.
    let returnOnExit = true;
    let returnOnExitError = null;
    if (options.returnOnExit !== undefined) {
      if (typeof options.returnOnExit !== 'boolean') {
        returnOnExitError = invalidArgType('options.returnOnExit', 'boolean', options.returnOnExit);
      } else {
        returnOnExit = options.returnOnExit;
      }
    }

    // wasi-rs's own option: trace every call, decoded, to stderr (see README, Tracing).
    if (options.trace !== undefined && typeof options.trace !== 'boolean') {
      throw invalidArgType('options.trace', 'boolean', options.trace);
    }

    const host = native.createHost(options.version, args, env, preopens,
      [stdin, stdout, stderr], returnOnExit, exitHook, options.trace === true, bindImports);
    if (typeof host === 'number') throw wasiInitError(host);
    if (returnOnExitError) throw returnOnExitError;

    this[kHost] = host.handle;
    this[kBindingName] = bindingName;
    this[kStarted] = false;
    this[kInstance] = undefined;
    this.wasiImport = host.wasiImport;
  }

  finalizeBindings(instance, { memory = instance?.exports?.memory } = {}) {
    if (this[kStarted]) {
      throw makeError(Error, 'ERR_WASI_ALREADY_STARTED', 'WASI instance has already started');
    }
    validateObject(instance, 'instance');
    validateObject(instance.exports, 'instance.exports');
    if (!isWasmMemory(memory)) {
      throw makeError(TypeError, 'ERR_INVALID_ARG_TYPE',
        '"instance.exports.memory" property must be a WebAssembly.Memory object');
    }
    // An ArrayBuffer is read directly; a SharedArrayBuffer only through a view.
    const shared = isSharedArrayBuffer(memoryBufferGetter.call(memory));
    const view = shared
      ? () => new Uint8Array(memoryBufferGetter.call(memory))
      : () => memoryBufferGetter.call(memory);
    native.bindMemory(this[kHost], view(), view, shared);
    this[kInstance] = instance;
    this[kStarted] = true;
  }

  start(instance) {
    this.finalizeBindings(instance);
    const { _start, _initialize } = this[kInstance].exports;
    validateFunction(_start, 'instance.exports._start');
    validateUndefined(_initialize, 'instance.exports._initialize');
    try {
      _start();
    } catch (err) {
      if (err instanceof ExitSignal) return err.code;
      throw err;
    }
    return 0;
  }

  initialize(instance) {
    this.finalizeBindings(instance);
    const { _start, _initialize } = this[kInstance].exports;
    validateUndefined(_start, 'instance.exports._start');
    if (_initialize !== undefined) {
      validateFunction(_initialize, 'instance.exports._initialize');
      _initialize();
    }
  }

  getImportObject() {
    return { [this[kBindingName]]: this.wasiImport };
  }
}

module.exports = { WASI };
module.exports.default = module.exports;
