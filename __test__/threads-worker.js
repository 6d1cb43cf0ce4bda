'use strict';
// Worker side of threads.spec.js: builds its own WASI instance (workerData.options), binds the
// shared memory it was handed with finalizeBindings, then runs the calls the parent sends:
// { id, call, args } -> posts { started: id } before the call and { id, result } after.

const { parentPort, workerData } = require('node:worker_threads');
const path = require('node:path');
const { WASI } = require(path.join(__dirname, '..'));

const { wasmModule, memory, options } = workerData;
const wasi = new WASI({ version: 'preview1', ...options });
const instance = new WebAssembly.Instance(wasmModule, { ...wasi.getImportObject(), env: { memory } });
wasi.finalizeBindings(instance, { memory });

parentPort.on('message', ({ id, call, args }) => {
  parentPort.postMessage({ started: id });
  const result = instance.exports[call](...args);
  parentPort.postMessage({ id, result });
});
parentPort.postMessage({ ready: true });
