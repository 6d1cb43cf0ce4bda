'use strict';
// wasi-rs: the WASI class, with node:wasi's API, validation order, errors and control flow
// (start / initialize / finalizeBindings as in Node >= 24.4). The syscalls are native.

const native = require('./lib/native.js');
const {
  makeError, invalidArgType, invalidArgValue, validateObject, validateInt32,
  validateFunction, validateUndefined, wasiInitError,
} = require('./lib/errors.js');

const kBindMemory = Symbol('kBindMemory');
const kStarted = Symbol('kStarted');
const kInstance = Symbol('kInstance');
const kBindingName = Symbol('kBindingName');

// Thrown through the guest's stack by proc_exit when returnOnExit is true; start() catches it.
class ExitSignal {
  constructor(code) { this.code = code; }
}

// The import functions. Rust makes one set of native functions per Node environment, plus the
// argument block they read their arguments from; lib/imports.js wraps them once per environment
// into a factory that makes an instance's wasiImport (46 "bound <name>" functions with the WASI
// arities, as node:wasi's) and its memory binder from the handle the native createHost returns.
const { importsFactory, SIGNATURES } = require('./lib/imports.js');

let instanceImports = null;

function imports() {
  if (instanceImports !== null) return instanceImports;
  const [natives, block] = native.envImports();
  for (const [name, params] of Object.entries(SIGNATURES)) {
    if (typeof natives[name] !== 'function' || natives[name].length !== params.length) {
      throw new Error(`wasi-rs: lib/imports.js does not match the native import ${name}`);
    }
  }
  if (Object.keys(natives).length !== Object.keys(SIGNATURES).length) {
    throw new Error('wasi-rs: lib/imports.js does not list every native import');
  }
  instanceImports = importsFactory(natives, block, native.bindMemory, exitHook);
  return instanceImports;
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

const { isSharedArrayBuffer } = require('node:util').types;

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

    const make = imports();
    const handle = native.createHost(options.version, args, env, preopens,
      [stdin, stdout, stderr], options.trace === true);
    if (typeof handle === 'number') throw wasiInitError(handle);
    if (returnOnExitError) throw returnOnExitError;
    const { wasiImport, bind } = make(handle, bindingName === 'wasi_unstable', returnOnExit);

    this[kBindMemory] = bind;
    this[kBindingName] = bindingName;
    this[kStarted] = false;
    this[kInstance] = undefined;
    this.wasiImport = wasiImport;
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
    this[kBindMemory](memory, isSharedArrayBuffer(memoryBufferGetter.call(memory)));
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
