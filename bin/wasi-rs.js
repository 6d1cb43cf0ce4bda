#!/usr/bin/env node
'use strict';
// wasi-rs command line: runs a WASI command module; the exit status is the guest's.
//
//   wasi-rs [--dir HOST[::GUEST]]... [--env K=V]... [--inherit-env]
//           [--version preview1|unstable] [--trace] MODULE.wasm [ARGS...]
//   wasi-rs inspect MODULE.wasm
//
// Before running, the module is read with wasmparser (inspectModule): the WASI version comes
// from its imports unless --version is given; imports no WASI version provides, a missing
// _start and a missing exported memory are refused with one line each, instead of V8's
// LinkError or a TypeError from start(). Usage errors exit with 2, refused modules with 1.

const fs = require('node:fs');
const path = require('node:path');

const USAGE = `usage: wasi-rs [--dir HOST[::GUEST]]... [--env K=V]... [--inherit-env]
               [--version preview1|unstable] [--trace] MODULE.wasm [ARGS...]
       wasi-rs inspect MODULE.wasm

  --dir HOST[::GUEST]   give the guest the host directory HOST, named GUEST (default: HOST)
  --env K=V             set an environment variable for the guest
  --inherit-env         pass this process's environment to the guest (--env entries win)
  --version V           WASI version: preview1 or unstable (default: from the imports)
  --trace               print every WASI call, decoded, to stderr
  inspect               print the module's imports, exports, memory and WASI calls
`;

class UsageError extends Error {}
class Refused extends Error {}

function parseArgs(argv) {
  const o = { dirs: [], env: {}, inheritEnv: false, version: undefined, trace: false };
  let i = 0;
  const value = (name, inline) => {
    if (inline !== undefined) return inline;
    if (i + 1 >= argv.length) throw new UsageError(`${name} needs a value`);
    return argv[++i];
  };
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') { i++; break; }
    if (!a.startsWith('--')) break;
    const eq = a.indexOf('=');
    const name = eq === -1 ? a : a.slice(0, eq);
    const inline = eq === -1 ? undefined : a.slice(eq + 1);
    switch (name) {
      case '--dir': {
        const spec = value(name, inline);
        const sep = spec.indexOf('::');
        const host = sep === -1 ? spec : spec.slice(0, sep);
        const guest = sep === -1 ? spec : spec.slice(sep + 2);
        if (!host || !guest) throw new UsageError(`--dir ${spec}: expected HOST or HOST::GUEST`);
        o.dirs.push([guest, host]);
        break;
      }
      case '--env': {
        const kv = value(name, inline);
        const k = kv.indexOf('=');
        if (k <= 0) throw new UsageError(`--env ${kv}: expected K=V`);
        o.env[kv.slice(0, k)] = kv.slice(k + 1);
        break;
      }
      case '--inherit-env':
        o.inheritEnv = true;
        break;
      case '--version': {
        const v = value(name, inline);
        if (v !== 'preview1' && v !== 'unstable') {
          throw new UsageError(`--version ${v}: expected preview1 or unstable`);
        }
        o.version = v;
        break;
      }
      case '--trace':
        o.trace = true;
        break;
      case '--help':
        o.help = true;
        return o;
      default:
        throw new UsageError(`unknown option ${name}`);
    }
  }
  o.file = argv[i];
  o.args = argv.slice(i + 1);
  if (o.file === undefined) throw new UsageError('no module given');
  return o;
}

function readModule(file, version) {
  let bytes;
  try {
    bytes = fs.readFileSync(file);
  } catch (err) {
    throw new Refused(`cannot read ${file}: ${err.code || err.message}`);
  }
  const { inspectModule } = require('../lib/native.js');
  let info;
  try {
    info = inspectModule(bytes, version);
  } catch (err) {
    throw new Refused(`${file}: ${err.message}`);
  }
  return { bytes, info };
}

function describeUnresolved(imp, info) {
  const wasiModules = { wasi_snapshot_preview1: 'preview1', wasi_unstable: 'unstable' };
  const other = wasiModules[imp.module];
  let why = '';
  if (other && other !== info.version) why = ` (a WASI ${other} import; this run provides ${info.version})`;
  else if (other && imp.kind !== 'func') why = ` (a ${imp.kind}; WASI provides functions)`;
  return `${imp.module}.${imp.name} (${imp.kind})${why}`;
}

/** The one-line reasons a module cannot run as a WASI command, or []. */
function refusals(file, info) {
  const out = [];
  if (info.unresolved.length > 0) {
    out.push(`${file} imports what no WASI ${info.version} host provides: ` +
      info.unresolved.map((imp) => describeUnresolved(imp, info)).join(', '));
  }
  if (!info.hasStart) {
    out.push(`${file} exports no _start function` +
      (info.hasInitialize ? ' (it is a reactor: it exports _initialize; load it with the API)' :
        ' (a WASI command exports _start)'));
  }
  if (!info.hasMemory) {
    out.push(`${file} exports no memory named "memory" (WASI passes all data through it)`);
  }
  return out;
}

function pages(n) {
  const bytes = n * 65536;
  const size = bytes >= 1 << 20 ? `${bytes / (1 << 20)} MiB` : `${bytes / 1024} KiB`;
  return `${n} page${n === 1 ? '' : 's'} (${size})`;
}

function inspect(file) {
  const { info } = readModule(file);
  const lines = [];
  const kind = info.hasStart ? 'command' : info.hasInitialize ? 'reactor' : 'module';
  lines.push(`${file}: WASI ${info.version} ${kind}`);
  const width = (items, f) => Math.max(0, ...items.map((x) => f(x).length));
  const importName = (imp) => `${imp.module}.${imp.name}`;
  lines.push(`imports (${info.imports.length}):`);
  const iw = width(info.imports, importName);
  for (const imp of info.imports) {
    const sig = imp.signature ? ` ${imp.signature}` : '';
    lines.push(`  ${importName(imp).padEnd(iw)}  ${imp.kind}${sig}${imp.wasi ? '' : '  [not provided by WASI]'}`);
  }
  lines.push(`exports (${info.exports.length}):`);
  const ew = width(info.exports, (e) => e.name);
  for (const e of info.exports) {
    lines.push(`  ${e.name.padEnd(ew)}  ${e.kind}${e.signature ? ` ${e.signature}` : ''}`);
  }
  for (const m of info.memories) {
    const name = m.exportName ? `exported as "${m.exportName}"` :
      m.importName ? `imported from ${m.importName}` : 'not exported';
    const max = m.maximumPages === undefined || m.maximumPages === null ? 'no maximum' :
      `maximum ${pages(m.maximumPages)}`;
    const flags = [m.shared && 'shared', m.memory64 && 'memory64'].filter(Boolean);
    lines.push(`memory: ${name}, initial ${pages(m.initialPages)}, ${max}` +
      (flags.length ? `, ${flags.join(', ')}` : ''));
  }
  if (info.memories.length === 0) lines.push('memory: none');
  lines.push(`WASI calls (${info.wasiCalls.length}): ${info.wasiCalls.join(', ') || 'none'}`);
  for (const r of refusals(file, info)) lines.push(`cannot run: ${r}`);
  process.stdout.write(lines.join('\n') + '\n');
  return 0;
}

function run(o) {
  const { bytes, info } = readModule(o.file, o.version);
  const reasons = refusals(o.file, info);
  if (reasons.length > 0) throw new Refused(reasons.join('\nwasi-rs: '));
  const env = o.inheritEnv ? { ...process.env, ...o.env } : o.env;
  const preopens = Object.fromEntries(o.dirs);
  const { WASI } = require('..');
  const wasi = new WASI({
    version: info.version,
    args: [o.file, ...o.args],
    env,
    preopens,
    returnOnExit: false,
    ...(o.trace ? { trace: true } : {}),
  });
  const module = new WebAssembly.Module(bytes);
  const instance = new WebAssembly.Instance(module, wasi.getImportObject());
  try {
    return wasi.start(instance);
  } catch (err) {
    if (err instanceof WebAssembly.RuntimeError) {
      throw new Refused(`${path.basename(o.file)} trapped: ${err.message}`);
    }
    throw err;
  }
}

function main(argv) {
  try {
    if (argv[0] === 'inspect') {
      if (argv.length !== 2) throw new UsageError('inspect takes one MODULE.wasm');
      return inspect(argv[1]);
    }
    const o = parseArgs(argv);
    if (o.help) {
      process.stdout.write(USAGE);
      return 0;
    }
    return run(o);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`wasi-rs: ${err.message}\n${USAGE}`);
      return 2;
    }
    if (err?.code === 'ERR_WASI_RS_UNSUPPORTED_PLATFORM') {
      process.stderr.write(`${err.message}\n`);
      return 1;
    }
    if (err instanceof Refused) {
      process.stderr.write(`wasi-rs: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}

process.exitCode = main(process.argv.slice(2));
