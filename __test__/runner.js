'use strict';
// Child-process runner: node runner.js <wasi-rs|node> <module.wasm> <options-json>
// Runs the module's _start under the chosen WASI host; exit status = start()'s result.

const fs = require('node:fs');
const path = require('node:path');

const [impl, file, json] = process.argv.slice(2);
const options = JSON.parse(json || '{}');
const { WASI } = impl === 'node' ? require('node:wasi') : require(path.join(__dirname, '..'));
const wasi = new WASI({ version: 'preview1', ...options });
const wasmModule = new WebAssembly.Module(fs.readFileSync(file));
const instance = new WebAssembly.Instance(wasmModule, wasi.getImportObject());
const code = wasi.start(instance);
process.exitCode = code;
