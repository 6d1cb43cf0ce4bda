'use strict';
// The constructor's checks, in node:wasi's order: each bad option is given to node:wasi and
// to wasi-rs, and the thrown error's class, code and message must match; the exact texts
// NODE-PARITY.md records are asserted too, so a change in Node cannot hide a regression.

const test = require('ava');
const nodeWasi = require('node:wasi');
const { WASI } = require('..');
const { tmpdir, rm } = require('./helpers.js');
const fs = require('node:fs');
const path = require('node:path');

process.removeAllListeners('warning');

function thrown(Impl, options) {
  try {
    // eslint-disable-next-line no-new
    new Impl(options);
  } catch (err) {
    return { name: err.constructor.name, code: err.code, message: err.message, errno: err.errno, syscall: err.syscall };
  }
  return null;
}

const cases = [
  ['options null', null, 'TypeError', 'ERR_INVALID_ARG_TYPE', 'The "options" argument must be of type object. Received null'],
  ['options string', 'x', 'TypeError', 'ERR_INVALID_ARG_TYPE', 'The "options" argument must be of type object. Received type string (\'x\')'],
  ['options array', [], 'TypeError', 'ERR_INVALID_ARG_TYPE', 'The "options" argument must be of type object. Received an instance of Array'],
  ['options function', function f() {}, 'TypeError', 'ERR_INVALID_ARG_TYPE', 'The "options" argument must be of type object. Received function f'],
  ['options number', 5, 'TypeError', 'ERR_INVALID_ARG_TYPE', 'The "options" argument must be of type object. Received type number (5)'],
  ['version missing', {}, 'TypeError', 'ERR_INVALID_ARG_TYPE', 'The "options.version" property must be of type string. Received undefined'],
  ['version number', { version: 1 }, 'TypeError', 'ERR_INVALID_ARG_TYPE', 'The "options.version" property must be of type string. Received type number (1)'],
  ['version unknown', { version: 'preview2' }, 'TypeError', 'ERR_INVALID_ARG_VALUE', 'The property \'options.version\' unsupported WASI version. Received \'preview2\''],
  ['args string', { version: 'preview1', args: 'x' }, 'TypeError', 'ERR_INVALID_ARG_TYPE', 'The "options.args" property must be an instance of Array. Received type string (\'x\')'],
  ['env null', { version: 'preview1', env: null }, 'TypeError', 'ERR_INVALID_ARG_TYPE', 'The "options.env" property must be of type object. Received null'],
  ['env string', { version: 'preview1', env: 'a=b' }, 'TypeError', 'ERR_INVALID_ARG_TYPE', 'The "options.env" property must be of type object. Received type string (\'a=b\')'],
  ['preopens array', { version: 'preview1', preopens: [] }, 'TypeError', 'ERR_INVALID_ARG_TYPE', 'The "options.preopens" property must be of type object. Received an instance of Array'],
  ['stderr string', { version: 'preview1', stderr: '2' }, 'TypeError', 'ERR_INVALID_ARG_TYPE', 'The "options.stderr" property must be of type number. Received type string (\'2\')'],
  ['stdin negative', { version: 'preview1', stdin: -1 }, 'RangeError', 'ERR_OUT_OF_RANGE', 'The value of "options.stdin" is out of range. It must be >= 0 && <= 2147483647. Received -1'],
  ['stdout fraction', { version: 'preview1', stdout: 1.5 }, 'RangeError', 'ERR_OUT_OF_RANGE', 'The value of "options.stdout" is out of range. It must be an integer. Received 1.5'],
  ['stdout huge', { version: 'preview1', stdout: 2 ** 31 }, 'RangeError', 'ERR_OUT_OF_RANGE', 'The value of "options.stdout" is out of range. It must be >= 0 && <= 2147483647. Received 2147483648'],
  ['stdout beyond 2^32', { version: 'preview1', stdout: 2 ** 40 }, 'RangeError', 'ERR_OUT_OF_RANGE', 'The value of "options.stdout" is out of range. It must be >= 0 && <= 2147483647. Received 1_099_511_627_776'],
  ['stdin NaN', { version: 'preview1', stdin: NaN }, 'RangeError', 'ERR_OUT_OF_RANGE', 'The value of "options.stdin" is out of range. It must be an integer. Received NaN'],
  ['stdin not open', { version: 'preview1', stdin: 987654 }, 'Error', 'UVWASI_EBADF', 'UVWASI_EBADF, uvwasi_init'],
  ['returnOnExit number', { version: 'preview1', returnOnExit: 0 }, 'TypeError', 'ERR_INVALID_ARG_TYPE', 'The "options.returnOnExit" property must be of type boolean. Received type number (0)'],
  ['returnOnExit checked after stdio', { version: 'preview1', returnOnExit: 'x', stdin: -1 }, 'RangeError', 'ERR_OUT_OF_RANGE', 'The value of "options.stdin" is out of range. It must be >= 0 && <= 2147483647. Received -1'],
  ['version checked before args', { version: 'x', args: 5 }, 'TypeError', 'ERR_INVALID_ARG_VALUE', 'The property \'options.version\' unsupported WASI version. Received \'x\''],
  ['args before env', { version: 'preview1', args: 5, env: 5 }, 'TypeError', 'ERR_INVALID_ARG_TYPE', 'The "options.args" property must be an instance of Array. Received type number (5)'],
  ['28 characters are shown whole', { version: 'preview1', args: 'a'.repeat(28) }, 'TypeError', 'ERR_INVALID_ARG_TYPE', `The "options.args" property must be an instance of Array. Received type string ('${'a'.repeat(28)}')`],
  ['bigint shown whole', { version: 'preview1', args: 123456789012345678901234567890n }, 'TypeError', 'ERR_INVALID_ARG_TYPE', 'The "options.args" property must be an instance of Array. Received type bigint (123456789012345678901234567890n)'],
  ['long string is cut', { version: 'preview1', args: 'abcdefghijklmnopqrstuvwxyz0123' }, 'TypeError', 'ERR_INVALID_ARG_TYPE', 'The "options.args" property must be an instance of Array. Received type string (\'abcdefghijklmnopqrstuvwxy...\')'],
];

for (const [title, options, name, code, message] of cases) {
  test(`constructor: ${title}`, (t) => {
    const ours = thrown(WASI, options);
    const theirs = thrown(nodeWasi.WASI, options);
    t.truthy(ours, 'wasi-rs must throw');
    t.is(ours.name, name);
    t.is(ours.code, code);
    t.true(ours.message.startsWith(message), ours.message);
    t.is(theirs.name, ours.name);
    t.is(theirs.code, ours.code);
    t.true(ours.message.startsWith(theirs.message), `${ours.message} vs ${theirs.message}`);
  });
}

test('constructor: preopen errors carry errno and syscall like node:wasi', (t) => {
  const dir = tmpdir();
  try {
    const file = path.join(dir, 'file');
    fs.writeFileSync(file, 'x');
    for (const [host, code, errno] of [[path.join(dir, 'missing'), 'UVWASI_ENOENT', 44], [file, 'UVWASI_ENOTDIR', 54]]) {
      const options = { version: 'preview1', preopens: { '/sandbox': host } };
      const ours = thrown(WASI, options);
      const theirs = thrown(nodeWasi.WASI, options);
      t.is(ours.code, code);
      t.is(ours.errno, errno);
      t.is(ours.syscall, 'uvwasi_init');
      t.is(ours.name, 'Error');
      t.deepEqual([theirs.code, theirs.errno, theirs.syscall], [ours.code, ours.errno, ours.syscall]);
    }
  } finally {
    rm(dir);
  }
});

test('constructor: valid options construct, with defaults', (t) => {
  t.notThrows(() => new WASI({ version: 'preview1' }));
  t.notThrows(() => new WASI({ version: 'unstable', args: [1, 'b'], env: { A: 1, B: undefined }, returnOnExit: false }));
  t.throws(() => new WASI(), { code: 'ERR_INVALID_ARG_TYPE', message: /options\.version/ });
});

test('constructor: NUL bytes in args and env are refused, not truncated', (t) => {
  t.throws(() => new WASI({ version: 'preview1', args: ['a\0b'] }), {
    instanceOf: TypeError, code: 'ERR_INVALID_ARG_VALUE', message: /options\.args\[0\]' must be a string without null bytes/,
  });
  t.throws(() => new WASI({ version: 'preview1', env: { K: 'v\0w' } }), {
    instanceOf: TypeError, code: 'ERR_INVALID_ARG_VALUE', message: /options\.env\['K'\]/,
  });
});

test('errors print like Node errors', (t) => {
  const err = thrown(WASI, null);
  t.truthy(err);
  try {
    new WASI(null);
  } catch (e) {
    t.is(String(e), 'TypeError [ERR_INVALID_ARG_TYPE]: The "options" argument must be of type object. Received null');
  }
});
