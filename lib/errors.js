'use strict';
// Node-style errors for the WASI class: the same classes, `code` values and message texts as
// node:wasi's validators, so programs that branch on them keep working.

const { inspect } = require('node:util');

function makeError(Base, code, message) {
  const err = new Base(message);
  Object.defineProperty(err, 'code', {
    value: code, enumerable: true, writable: true, configurable: true,
  });
  Object.defineProperty(err, 'toString', {
    value() { return `${this.name} [${code}]: ${this.message}`; },
    enumerable: false, writable: true, configurable: true,
  });
  // Stack traces start at the caller of the public API, as Node's do.
  Error.captureStackTrace?.(err, makeError);
  return err;
}

// How Node's ERR_INVALID_ARG_TYPE describes the value it received.
function describeReceived(value) {
  if (value == null) return ` Received ${value}`;
  if (typeof value === 'function' && value.name) return ` Received function ${value.name}`;
  if (typeof value === 'object') {
    if (value.constructor?.name) return ` Received an instance of ${value.constructor.name}`;
    return ` Received ${inspect(value, { depth: -1 })}`;
  }
  // Long strings are cut to 25 characters before quoting; other values are shown whole.
  const cut = typeof value === 'string' && value.length > 28 ? `${value.slice(0, 25)}...` : value;
  return ` Received type ${typeof value} (${inspect(cut, { colors: false })})`;
}

const primitiveTypes = new Set(['string', 'function', 'number', 'object', 'boolean', 'bigint', 'symbol']);

function invalidArgType(name, expected, value) {
  const kind = name.includes('.') ? 'property' : 'argument';
  let wanted = expected;
  if (primitiveTypes.has(expected)) wanted = `of type ${expected}`;
  else if (/^[A-Z]/.test(expected)) wanted = `an instance of ${expected}`;
  return makeError(TypeError, 'ERR_INVALID_ARG_TYPE',
    `The "${name}" ${kind} must be ${wanted}.${describeReceived(value)}`);
}

function invalidArgValue(name, value, reason) {
  const kind = name.includes('.') ? 'property' : 'argument';
  let shown = inspect(value);
  if (shown.length > 128) shown = `${shown.slice(0, 128)}...`;
  return makeError(TypeError, 'ERR_INVALID_ARG_VALUE',
    `The ${kind} '${name}' ${reason}. Received ${shown}`);
}

function withSeparators(text) {
  let out = '';
  let i = text.length;
  const start = text[0] === '-' ? 1 : 0;
  for (; i >= start + 4; i -= 3) out = `_${text.slice(i - 3, i)}${out}`;
  return `${text.slice(0, i)}${out}`;
}

function outOfRange(name, range, value) {
  let shown;
  if (Number.isInteger(value) && Math.abs(value) > 2 ** 32) {
    shown = withSeparators(String(value));
  } else {
    shown = inspect(value);
  }
  return makeError(RangeError, 'ERR_OUT_OF_RANGE',
    `The value of "${name}" is out of range. It must be ${range}. Received ${shown}`);
}

function validateObject(value, name) {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw invalidArgType(name, 'object', value);
  }
}

function validateInt32(value, name, min = -2147483648, max = 2147483647) {
  if (typeof value !== 'number') throw invalidArgType(name, 'number', value);
  if (!Number.isInteger(value)) throw outOfRange(name, 'an integer', value);
  if (value < min || value > max) throw outOfRange(name, `>= ${min} && <= ${max}`, value);
}

function validateFunction(value, name) {
  if (typeof value !== 'function') throw invalidArgType(name, 'function', value);
}

function validateUndefined(value, name) {
  if (value !== undefined) throw invalidArgType(name, 'undefined', value);
}

// The error node:wasi throws when uvwasi_init fails: `UVWASI_ENOENT, uvwasi_init`.
const wasiErrnoNames = ['ESUCCESS', 'E2BIG', 'EACCES', 'EADDRINUSE', 'EADDRNOTAVAIL',
  'EAFNOSUPPORT', 'EAGAIN', 'EALREADY', 'EBADF', 'EBADMSG', 'EBUSY', 'ECANCELED', 'ECHILD',
  'ECONNABORTED', 'ECONNREFUSED', 'ECONNRESET', 'EDEADLK', 'EDESTADDRREQ', 'EDOM', 'EDQUOT',
  'EEXIST', 'EFAULT', 'EFBIG', 'EHOSTUNREACH', 'EIDRM', 'EILSEQ', 'EINPROGRESS', 'EINTR',
  'EINVAL', 'EIO', 'EISCONN', 'EISDIR', 'ELOOP', 'EMFILE', 'EMLINK', 'EMSGSIZE', 'EMULTIHOP',
  'ENAMETOOLONG', 'ENETDOWN', 'ENETRESET', 'ENETUNREACH', 'ENFILE', 'ENOBUFS', 'ENODEV',
  'ENOENT', 'ENOEXEC', 'ENOLCK', 'ENOLINK', 'ENOMEM', 'ENOMSG', 'ENOPROTOOPT', 'ENOSPC',
  'ENOSYS', 'ENOTCONN', 'ENOTDIR', 'ENOTEMPTY', 'ENOTRECOVERABLE', 'ENOTSOCK', 'ENOTSUP',
  'ENOTTY', 'ENXIO', 'EOVERFLOW', 'EOWNERDEAD', 'EPERM', 'EPIPE', 'EPROTO', 'EPROTONOSUPPORT',
  'EPROTOTYPE', 'ERANGE', 'EROFS', 'ESPIPE', 'ESRCH', 'ESTALE', 'ETIMEDOUT', 'ETXTBSY',
  'EXDEV', 'ENOTCAPABLE'];

function wasiInitError(errno, detail) {
  const code = `UVWASI_${wasiErrnoNames[errno] ?? 'EIO'}`;
  const err = new Error(`${code}, uvwasi_init${detail ? ` (${detail})` : ''}`);
  err.errno = errno;
  err.code = code;
  err.syscall = 'uvwasi_init';
  Error.captureStackTrace?.(err, wasiInitError);
  return err;
}

module.exports = {
  makeError,
  invalidArgType,
  invalidArgValue,
  outOfRange,
  validateObject,
  validateInt32,
  validateFunction,
  validateUndefined,
  wasiInitError,
  wasiErrnoNames,
};
