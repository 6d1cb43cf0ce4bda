'use strict';
// Child process for the hostile-argument battery:
//   node hostile-child.js <wasi-rs|node> <module.wasm> <preopen dir>
// Instantiates the module, binds it (initialize), calls its `call` export once and, if the
// process is still alive afterwards, prints a marker line with the errno the call returned.
// The marker goes through Node's own stdout (fd 1), so a guest that closed or renumbered its
// fd 1 must not have touched the process's stdout for the marker to appear.

const fs = require('node:fs');
const path = require('node:path');

const [impl, file, dir] = process.argv.slice(2);
const { WASI } = impl === 'node' ? require('node:wasi') : require(path.join(__dirname, '..'));
const wasi = new WASI({
  version: 'preview1',
  args: ['prog', 'x'],
  env: { A: '1' },
  preopens: { '/sandbox': dir },
  returnOnExit: true,
});
const mod = new WebAssembly.Module(fs.readFileSync(file));
const instance = new WebAssembly.Instance(mod, wasi.getImportObject());
wasi.initialize(instance);
const errno = instance.exports.call();
process.stdout.write(`\nHOSTILE-DONE ${errno >>> 0}\n`);
