'use strict';
// npm run bench [-- --quick] [--only a,b1] [--rounds N] [--no-build] [--callgrind]
//
// Runs every workload under wasi-rs, node:wasi and @tybys/wasm-util. Each measurement is a
// fresh child process (bench/child.js); within a round the runtimes are alternated (the
// starting runtime rotates each round). Only the guest's _start is timed; setup (construct +
// instantiate) is reported on its own. Prints a markdown table with the median time per
// runtime and the median of the per-round ratios against node:wasi, and writes it plus the
// raw measurements to bench/results/.
//
// --callgrind instead counts, once per workload, the user-space instructions each runtime runs
// inside the guest's _start (valgrind's callgrind, collecting only under V8's JS-to-wasm entry):
// unlike wall time on a busy machine, these repeat to within a fraction of a percent.
//
// Exit status: 0 unless the harness broke or wasi-rs produced a wrong result (a missed target
// or a call wasi-rs does not implement yet is reported, not failed).

const { spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { workloads, sizes, makeFixtures, VERIFY_FAILED, ENOSYS, ENOTSUP } = require('./workloads.js');

const root = path.join(__dirname, '..');
const RUNTIMES = ['wasi-rs', 'node', 'wasm-util'];
const SLOW_ONCE_NS = 20e9;
const LABEL = { 'wasi-rs': 'wasi-rs', node: 'node:wasi', 'wasm-util': 'wasm-util' };

function parseArgs(argv) {
  const o = { quick: false, only: null, rounds: null, build: true, memcheck: true, callgrind: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => (a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i]);
    if (a === '--quick') o.quick = true;
    else if (a === '--no-build') o.build = false;
    else if (a === '--no-memcheck') o.memcheck = false;
    else if (a === '--callgrind') o.callgrind = true;
    else if (a.startsWith('--only')) o.only = value().split(',').map((s) => s.trim()).filter(Boolean);
    else if (a.startsWith('--rounds')) o.rounds = Number(value());
    else if (a === '--help' || a === '-h') {
      console.log('usage: npm run bench [-- --quick] [--only a,b1,...,mem] [--rounds N] [--no-build] [--no-memcheck] [--callgrind]');
      process.exit(0);
    } else {
      console.error(`bench: unknown option ${a}`);
      process.exit(2);
    }
  }
  o.rounds ??= o.quick ? 1 : 5;
  if (!Number.isInteger(o.rounds) || o.rounds < 1) {
    console.error('bench: --rounds must be a positive integer');
    process.exit(2);
  }
  return o;
}

// ---- the native binary ------------------------------------------------------------------

function sha256(file) {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

function newestSourceMtime() {
  let newest = 0;
  const visit = (p) => {
    const st = fs.statSync(p);
    if (st.isDirectory()) for (const e of fs.readdirSync(p)) visit(path.join(p, e));
    else newest = Math.max(newest, st.mtimeMs);
  };
  for (const p of ['src', 'Cargo.toml', 'Cargo.lock', 'build.rs']) {
    if (fs.existsSync(path.join(root, p))) visit(path.join(root, p));
  }
  return newest;
}

/** Which cargo profile produced `file`: compares it with the artifacts under target/. */
function profileOf(file) {
  const hash = sha256(file);
  const target = path.join(root, 'target');
  const candidates = [];
  if (fs.existsSync(target)) {
    for (const t of ['', ...fs.readdirSync(target)]) {
      for (const profile of ['release', 'debug']) {
        const so = path.join(target, t, profile, 'libwasi_rs.so');
        if (fs.existsSync(so)) candidates.push([profile, so]);
      }
    }
  }
  for (const [profile, so] of candidates) if (sha256(so) === hash) return profile;
  return 'unknown';
}

function ensureBinary(build) {
  const file = fs.readdirSync(root).find((f) => /^wasi-rs\..+\.node$/.test(f));
  if (build) {
    console.error('bench: building the release addon (npm run build; cargo rebuilds only what changed)…');
    const res = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
    if (res.status !== 0) throw new Error('bench: npm run build failed');
    return ensureBinary(false);
  }
  if (!file) throw new Error('bench: no native binary; run `npm run build` (or drop --no-build)');
  const full = path.join(root, file);
  const st = fs.statSync(full);
  const profile = profileOf(full);
  const stale = newestSourceMtime() > st.mtimeMs;
  return {
    file, profile, stale, bytes: st.size, sha256: sha256(full).slice(0, 16), built: st.mtime.toISOString(),
  };
}

// ---- measurements -----------------------------------------------------------------------

/** The `p`-quantile of `xs` (0 ≤ p ≤ 1), interpolated between the two nearest ranks. */
function quantile(xs, p) {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const at = p * (s.length - 1);
  const lo = Math.floor(at);
  return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (at - lo);
}

/** The median: for an even count, the mean of the two middle values. */
const median = (xs) => quantile(xs, 0.5);

function runChild(runtime, spec, stdout, timeout) {
  const args = ['--no-warnings', path.join(__dirname, 'child.js'), runtime, JSON.stringify(spec)];
  // The guest's stderr goes to /dev/null: wasm-util logs a stack trace to it for every failed
  // call (g2 would write gigabytes). Failures are reported through the exit code and fd 3.
  const res = spawnSync(process.execPath, args, {
    cwd: root, stdio: ['ignore', stdout, 'ignore', 'pipe'], timeout, maxBuffer: 16 * 1024 * 1024,
  });
  if (res.error?.code === 'ETIMEDOUT') {
    return { state: 'timeout', message: `no result within ${timeout / 1000} s` };
  }
  if (res.error) return { state: 'error', message: `child failed: ${res.error.message}` };
  const out = res.output[3]?.toString() ?? '';
  if (!out) return { state: 'error', message: `child exited with ${res.status ?? res.signal} without a result` };
  const r = JSON.parse(out);
  if (r.error) return { state: 'error', message: r.error.split('\n').slice(0, 3).join(' | ') };
  if (r.status === ENOSYS || r.status === ENOTSUP) {
    return { state: 'unsupported', message: `guest got errno ${r.status} (${r.status === ENOSYS ? 'ENOSYS' : 'ENOTSUP'})` };
  }
  if (r.status === VERIFY_FAILED) return { state: 'error', message: 'the guest saw wrong data' };
  if (r.status !== 0) return { state: 'error', message: `guest exited with ${r.status} (a failed call's errno)` };
  return { state: 'ok', ...r };
}

/** What bench/child.js runs for workload `w`. */
function specFor(w, fx) {
  const spec = {
    wasm: w.wasmFile, kind: w.kind ?? 'start', iterations: w.iterations, args: w.args, env: w.env,
  };
  if (w.preopen) spec.preopens = { [w.preopenName ?? '/sandbox']: fx[w.preopen] };
  return spec;
}

/**
 * Lists every directory beneath `dir` and, with `read`, reads every file there, so that a
 * measurement starts with its fixture in the page cache. Some VMs page out file pages left
 * unread for a while (a DAMON "pageout" scheme: on the machine the README's numbers come from,
 * pages not read for about a minute); whichever runtime ran first after that would pay for the
 * disk.
 */
function warm(dir, read) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      warm(p, read);
    } else if (read && e.isFile()) {
      const fd = fs.openSync(p, 'r');
      try {
        while (fs.readSync(fd, WARM_BUFFER, 0, WARM_BUFFER.length, null) > 0);
      } finally {
        fs.closeSync(fd);
      }
    }
  }
}

const WARM_BUFFER = Buffer.allocUnsafe(1024 * 1024);

function measure(w, runtime, fx, tmp, timeout) {
  const spec = specFor(w, fx);
  // Workloads marked `reads` read file contents ((c), (k)); the others only open, stat or list
  // theirs, and 'work' is where (b2) writes.
  if (w.preopen && w.preopen !== 'work') warm(fx[w.preopen], w.reads === true);
  let stdout = 'ignore';
  let outFile = null;
  if (w.stdout === 'file') {
    outFile = path.join(tmp, `stdout-${w.id}-${runtime}.txt`);
    stdout = fs.openSync(outFile, 'w');
  }
  let r;
  try {
    r = runChild(runtime, spec, stdout, timeout);
  } finally {
    if (typeof stdout === 'number') fs.closeSync(stdout);
  }
  if (outFile) {
    r.stdout = fs.readFileSync(outFile, 'utf8');
    fs.rmSync(outFile);
  }
  if (r.state === 'ok' && w.verify) {
    const problem = w.verify(fx, r);
    if (problem) return { state: 'error', message: problem };
  }
  delete r.stdout;
  return r;
}

// ---- instruction counts (--callgrind) ---------------------------------------------------

/**
 * User-space instructions `runtime` runs inside workload `w`'s _start, counted by callgrind
 * with collection switched on only under V8's JS-to-wasm entry (start() calls _start through
 * it; setup and process start-up are not counted). null when the run failed.
 */
function countInstructions(w, runtime, fx) {
  const args = ['--tool=callgrind', '--collect-atstart=no',
    '--toggle-collect=Builtins_GenericJSToWasmWrapper', '--callgrind-out-file=/dev/null',
    process.execPath, '--no-warnings', path.join(__dirname, 'child.js'), runtime, JSON.stringify(specFor(w, fx))];
  const res = spawnSync('valgrind', args, {
    cwd: root, stdio: ['ignore', 'ignore', 'pipe', 'pipe'], timeout: 1_800_000, maxBuffer: 64 * 1024 * 1024,
  });
  const result = res.output?.[3]?.toString();
  if (res.status !== 0 || !result || JSON.parse(result).status !== 0) return null;
  const err = res.stderr.toString();
  const m = /I\s+refs:\s+([\d,]+)/.exec(err);
  if (!m) return null;
  // Syscalls valgrind does not know answer ENOSYS, so the program may take another path than
  // it does outside valgrind (wasi-rs's openat2, 437 on x86-64, under valgrind 3.19).
  const unhandled = [...new Set([...err.matchAll(/unhandled \S+ syscall: (\d+)/g)].map((x) => Number(x[1])))];
  return { count: Number(m[1].replace(/,/g, '')), unhandled };
}

function callgrindTable(list, fx) {
  const rows = ['| id | workload | wasi-rs | node:wasi | wasi-rs / node |', '| --- | --- | ---: | ---: | ---: |'];
  const notes = [];
  for (const w of list) {
    const count = {};
    for (const rt of ['wasi-rs', 'node']) {
      console.error(`bench: callgrind ${w.id} under ${LABEL[rt]}…`);
      const c = countInstructions(w, rt, fx);
      count[rt] = c?.count ?? null;
      if (c?.unhandled.length) {
        notes.push(`- ${w.id} / ${LABEL[rt]}: valgrind answered ENOSYS to syscall ${c.unhandled.join(', ')}, ` +
          'so this count is of the path taken without it' +
          (c.unhandled.includes(437) && rt === 'wasi-rs' ? ' (openat2: paths of more than one name went through the cap-std fallback)' : ''));
      }
    }
    const cell = (x) => (x == null ? 'failed' : x.toLocaleString('en-US'));
    const r = count['wasi-rs'] != null && count.node ? (count['wasi-rs'] / count.node).toFixed(2) : '–';
    rows.push(`| ${w.id} | ${w.what} | ${cell(count['wasi-rs'])} | ${cell(count.node)} | ${r} |`);
  }
  const tail = notes.length ? `\n${notes.join('\n')}\n` : '';
  return `User-space instructions inside _start (valgrind --tool=callgrind):\n\n${rows.join('\n')}\n${tail}`;
}

// ---- the memory check -------------------------------------------------------------------

function memcheck(runtime, count, wasmFile, dir) {
  const res = spawnSync(process.execPath,
    ['--expose-gc', '--no-warnings', path.join(__dirname, 'memcheck.js'), runtime, String(count), wasmFile, dir],
    { cwd: root, stdio: ['ignore', 'ignore', 'pipe', 'pipe'], timeout: 600_000 });
  const out = res.output?.[3]?.toString();
  if (!out) return { error: `memcheck child failed: ${res.stderr?.toString().trim().slice(-500)}` };
  return JSON.parse(out);
}

/** Runs of the memory check per runtime: 3, or 1 with --quick. */
function memRunsFor(opts) {
  return opts.quick ? 1 : 3;
}

/** The run with the median end / start RSS (any failed run makes the result an error), with
 * every run's ratio alongside. */
function medianMemRun(runtime, runs) {
  const failed = runs.find((m) => m.error);
  if (failed) return { runtime, error: failed.error };
  const ratioOf = (m) => m.rssEnd / m.rssStart;
  const sorted = [...runs].sort((x, y) => ratioOf(x) - ratioOf(y));
  return { runtime, ...sorted[(sorted.length - 1) >> 1], ratios: runs.map(ratioOf) };
}

// ---- output -----------------------------------------------------------------------------

const ms = (ns) => (ns == null ? '–' : (ns / 1e6 >= 100 ? (ns / 1e6).toFixed(0) : (ns / 1e6).toFixed(2)));
const ratio = (x) => (x == null ? '–' : x.toFixed(2));

function cell(r, key = 'timeNs') {
  if (r.state !== 'ok') return r.state;
  return `${ms(median(r.runs.map((x) => x[key])))} ms`;
}

/**
 * Rounds for workload `w`: a workload whose timed work is short (`w.short`: about 0.1 s or
 * less under node:wasi: a, c, e, f, g, g2, j, k) varies most from run to run on a shared
 * machine, so it gets three times the rounds (not in --quick).
 */
function roundsFor(w, opts) {
  return w.short && !opts.quick ? 3 * opts.rounds : opts.rounds;
}

function summarize(list, results, opts) {
  const rows = [];
  for (const w of list) {
    const res = results[w.id];
    const ratios = {};
    let spread = null;
    for (const rt of ['wasi-rs', 'wasm-util']) {
      const per = [];
      for (let round = 0; round < roundsFor(w, opts); round++) {
        const a = res[rt].runs.find((x) => x.round === round);
        const b = res.node.runs.find((x) => x.round === round);
        if (a && b) per.push(a.timeNs / b.timeNs);
      }
      ratios[rt] = res[rt].state === 'ok' && res.node.state === 'ok' ? median(per) : null;
      // How far the rounds disagree: the middle half of wasi-rs's per-round ratios.
      if (rt === 'wasi-rs' && ratios[rt] != null) spread = [quantile(per, 0.25), quantile(per, 0.75)];
    }
    let verdict;
    if (res['wasi-rs'].state !== 'ok') verdict = res['wasi-rs'].state;
    else if (res.node.state !== 'ok') verdict = `node:wasi ${res.node.state}`;
    else verdict = ratios['wasi-rs'] <= w.target ? 'met' : 'MISSED';
    rows.push({
      id: w.id, what: w.what, target: w.target, verdict, ratios, spread,
      medians: Object.fromEntries(RUNTIMES.map((rt) => [rt, res[rt].state === 'ok' ? median(res[rt].runs.map((x) => x.timeNs)) : null])),
      setup: Object.fromEntries(RUNTIMES.map((rt) => [rt, res[rt].state === 'ok' ? median(res[rt].runs.map((x) => x.setupNs).filter((x) => x != null)) : null])),
      peakRssKiB: Object.fromEntries(RUNTIMES.map((rt) => [rt, res[rt].state === 'ok' ? median(res[rt].runs.map((x) => x.peakRssKiB)) : null])),
      states: Object.fromEntries(RUNTIMES.map((rt) => [rt, { state: res[rt].state, message: res[rt].message }])),
    });
  }
  return rows;
}

function markdown(meta, list, results, rows, mem) {
  const L = [];
  L.push(`# wasi-rs benchmarks (${meta.quick ? 'quick' : 'full'})`, '');
  L.push(`- date: ${meta.date}; host: ${meta.host}; ${meta.node}; rounds: ${meta.rounds}` +
    (meta.shortRounds !== meta.rounds ? ` (${meta.shortRounds} for the short workloads ${meta.short.join(', ')})` : ''));
  L.push(`- binary: ${meta.binary.file} (${meta.binary.profile} profile${meta.binary.stale ? ', OLDER THAN THE SOURCES' : ''}; ` +
    `${meta.binary.bytes} bytes; sha256 ${meta.binary.sha256}…; built ${meta.binary.built})`);
  L.push(`- @tybys/wasm-util ${meta.wasmUtil}; each measurement a fresh process; runtimes alternated per round;` +
    ' time = `wasi.start()` only (median); ratio = median of the per-round ratios against node:wasi;' +
    ' middle half = the 25th to 75th percentile of the wasi-rs per-round ratios', '');
  L.push('| id | workload | wasi-rs | node:wasi | wasm-util | wasi-rs / node | middle half | wasm-util / node | target | result |');
  L.push('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
  for (const r of rows) {
    const res = results[r.id];
    L.push(`| ${r.id} | ${r.what} | ${cell(res['wasi-rs'])} | ${cell(res.node)} | ${cell(res['wasm-util'])} | ` +
      `${ratio(r.ratios['wasi-rs'])} | ${r.spread ? `${ratio(r.spread[0])}–${ratio(r.spread[1])}` : '–'} | ` +
      `${ratio(r.ratios['wasm-util'])} | ≤ ${r.target} | ${r.verdict} |`);
  }
  L.push('', 'Setup (construct WASI + instantiate), median:', '');
  L.push('| id | wasi-rs | node:wasi | wasm-util |', '| --- | ---: | ---: | ---: |');
  for (const r of rows) {
    if (list.find((w) => w.id === r.id).kind === 'lifecycle') continue;
    L.push(`| ${r.id} | ${ms(r.setup['wasi-rs'])} ms | ${ms(r.setup.node)} ms | ${ms(r.setup['wasm-util'])} ms |`);
  }
  const j = rows.find((r) => r.id === 'j');
  if (j) {
    const mib = (k) => (k == null ? '–' : `${(k / 1024).toFixed(1)} MiB`);
    const ok = j.peakRssKiB['wasi-rs'] != null && j.peakRssKiB.node != null;
    L.push('', `Peak RSS of (j), median: wasi-rs ${mib(j.peakRssKiB['wasi-rs'])}, node:wasi ${mib(j.peakRssKiB.node)}, ` +
      `wasm-util ${mib(j.peakRssKiB['wasm-util'])} — target wasi-rs ≤ node:wasi: ` +
      `${ok ? (j.peakRssKiB['wasi-rs'] <= j.peakRssKiB.node ? 'met' : 'MISSED') : '–'}`);
  }
  if (mem.length) {
    L.push('', 'Memory check (instances created and collected in one process, node --expose-gc; ' +
      'the median of the runs by end / start, every run\'s end / start in the last column):', '');
    L.push('| runtime | instances | RSS start | RSS end | end / start | RSS anonymous start → end | RSS file-backed start → end | heapUsed start → end | heapTotal start → end | V8 new space start → end | external start → end | open fds start → end | target (wasi-rs) | runs |');
    L.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |');
    for (const m of mem) {
      if (m.error) { L.push(`| ${LABEL[m.runtime]} | – | – | – | – | – | – | – | – | – | – | – | error: ${m.error.replace(/\n/g, ' ')} | – |`); continue; }
      const q = m.rssEnd / m.rssStart;
      const mb = (x) => (x == null ? '–' : `${(x / 1048576).toFixed(1)}`);
      L.push(`| ${LABEL[m.runtime]} | ${m.count} | ${mb(m.rssStart)} MiB | ${mb(m.rssEnd)} MiB | ` +
        `${q.toFixed(3)} | ${mb(m.rssAnonStart)} → ${mb(m.rssAnonEnd)} MiB | ${mb(m.rssFileStart)} → ${mb(m.rssFileEnd)} MiB | ${mb(m.heapUsedStart)} → ${mb(m.heapUsedEnd)} MiB | ${mb(m.heapTotalStart)} → ${mb(m.heapTotalEnd)} MiB | ` +
        `${mb(m.newSpaceStart)} → ${mb(m.newSpaceEnd)} MiB | ${mb(m.externalStart)} → ${mb(m.externalEnd)} MiB | ${m.fdsStart} → ${m.fdsEnd} | ` +
        `${m.runtime === 'wasi-rs' ? (q <= 1.1 ? 'met (≤ 1.10)' : 'MISSED (≤ 1.10)') : '–'} | ${m.ratios.map((x) => x.toFixed(3)).join(', ')} |`);
    }
  }
  const notes = [];
  for (const r of rows) {
    for (const rt of RUNTIMES) {
      const s = r.states[rt];
      if (s.state !== 'ok') notes.push(`- ${r.id} / ${LABEL[rt]}: ${s.state}: ${s.message}`);
    }
  }
  for (const r of rows) {
    const s = results[r.id]['wasm-util'];
    if (s.once) notes.push(`- ${r.id} / wasm-util: measured in one round only (over ${SLOW_ONCE_NS / 1e9} s per run)`);
  }
  if (notes.length) L.push('', 'Notes:', '', ...notes);
  return `${L.join('\n')}\n`;
}

// ---- main -------------------------------------------------------------------------------

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const n = sizes(opts.quick);
  let list = workloads(n);
  if (opts.only) {
    const unknown = opts.only.filter((id) => id !== 'mem' && !list.some((w) => w.id === id));
    if (unknown.length) {
      console.error(`bench: unknown workload(s) ${unknown.join(', ')}; known: ${list.map((w) => w.id).join(', ')}, mem (the memory check)`);
      process.exit(2);
    }
    list = list.filter((w) => opts.only.includes(w.id));
  }
  // Before a build or the fixtures, which take minutes and seconds.
  if (opts.callgrind && spawnSync('valgrind', ['--version']).status !== 0) {
    console.error('bench: --callgrind needs valgrind (Debian: apt-get install valgrind)');
    process.exit(2);
  }

  const binary = ensureBinary(opts.build);
  console.error(`bench: measuring ${binary.file} (${binary.profile} profile, sha256 ${binary.sha256}…, built ${binary.built})`);
  if (binary.profile !== 'release') console.error('bench: WARNING: this is not the release build; numbers are not representative');
  if (binary.stale) console.error('bench: WARNING: the binary is older than the Rust sources');

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wasi-rs-bench-'));
  try {
    const wabt = await require('wabt')();
    const wasmDir = path.join(tmp, 'wasm');
    fs.mkdirSync(wasmDir);
    for (const w of list) {
      if (w.wasm) { w.wasmFile = w.wasm; continue; }
      const mod = wabt.parseWat(`${w.id}.wat`, w.wat);
      try {
        w.wasmFile = path.join(wasmDir, `${w.id}.wasm`);
        fs.writeFileSync(w.wasmFile, Buffer.from(mod.toBinary({}).buffer));
      } finally {
        mod.destroy();
      }
    }
    console.error('bench: creating the fixture files…');
    const fx = makeFixtures(path.join(tmp, 'fx'), n);
    if (opts.callgrind) {
      process.stdout.write(`\n${callgrindTable(list, fx)}`);
      return;
    }

    const timeout = opts.quick ? 60_000 : 300_000;
    // wasm-util re-reads and stats the whole directory on every fd_readdir call (i) and logs a
    // stack trace per failed call (g2); it gets a shorter limit and is reported as a timeout.
    const compareTimeout = opts.quick ? 60_000 : 150_000;
    const results = Object.fromEntries(list.map((w) => [w.id,
      Object.fromEntries(RUNTIMES.map((rt) => [rt, { state: 'ok', runs: [] }]))]));
    const allRounds = Math.max(...list.map((w) => roundsFor(w, opts)));
    for (let round = 0; round < allRounds; round++) {
      for (const w of list) {
        if (round >= roundsFor(w, opts)) continue;
        const order = RUNTIMES.map((_, k) => RUNTIMES[(k + round + list.indexOf(w)) % RUNTIMES.length]);
        const line = [];
        for (const rt of order) {
          const slot = results[w.id][rt];
          if (slot.state !== 'ok') { line.push(`${LABEL[rt]} skipped (${slot.state})`); continue; }
          if (slot.once) { line.push(`${LABEL[rt]} skipped (measured once)`); continue; }
          const r = measure(w, rt, fx, tmp, rt === 'wasm-util' ? compareTimeout : timeout);
          if (r.state !== 'ok') {
            Object.assign(slot, { state: r.state, message: r.message });
            line.push(`${LABEL[rt]} ${r.state}`);
            continue;
          }
          slot.runs.push({ round, timeNs: r.timeNs, setupNs: r.setupNs, peakRssKiB: r.peakRssKiB });
          // The comparison runtime can be orders of magnitude slower on some workloads (wasm-util
          // logs a stack trace per failed call in g2); one sample of it is enough there.
          if (rt === 'wasm-util' && r.timeNs > SLOW_ONCE_NS) slot.once = true;
          line.push(`${LABEL[rt]} ${ms(r.timeNs)} ms`);
        }
        console.error(`bench: round ${round + 1}/${roundsFor(w, opts)} ${w.id}: ${line.join(', ')}`);
      }
    }

    const mem = [];
    if (opts.memcheck && (!opts.only || opts.only.includes('mem'))) {
      const wabtMod = wabt.parseWat('mem.wat', require('./memcheck.js').GUEST);
      const memWasm = path.join(wasmDir, 'mem.wasm');
      fs.writeFileSync(memWasm, Buffer.from(wabtMod.toBinary({}).buffer));
      wabtMod.destroy();
      // Like the workloads, the check is repeated (the runtimes alternating) and judged on its
      // median run: one run's end / start varies by a few percent on this kind of machine.
      const runs = { 'wasi-rs': [], node: [] };
      for (let r = 0; r < memRunsFor(opts); r++) {
        for (const rt of r % 2 ? ['node', 'wasi-rs'] : ['wasi-rs', 'node']) {
          console.error(`bench: memory check ${r + 1}/${memRunsFor(opts)}, ${n.mem} instances under ${LABEL[rt]}…`);
          runs[rt].push(memcheck(rt, n.mem, memWasm, fx.data));
        }
      }
      for (const rt of ['wasi-rs', 'node']) mem.push(medianMemRun(rt, runs[rt]));
    }

    const rows = summarize(list, results, opts);
    const meta = {
      date: new Date().toISOString(),
      host: `${os.cpus()[0]?.model ?? 'unknown cpu'} × ${os.cpus().length}, ${os.platform()} ${os.release()}`,
      node: `node ${process.version}`,
      rounds: opts.rounds,
      shortRounds: roundsFor({ short: true }, opts),
      short: list.filter((w) => w.short).map((w) => w.id),
      quick: opts.quick,
      binary,
      wasmUtil: JSON.parse(fs.readFileSync(path.join(root, 'node_modules', '@tybys', 'wasm-util', 'package.json'), 'utf8')).version,
    };
    const md = markdown(meta, list, results, rows, mem);
    process.stdout.write(`\n${md}`);

    const outDir = path.join(__dirname, 'results');
    fs.mkdirSync(outDir, { recursive: true });
    const stamp = `${meta.date.replace(/[:.]/g, '-')}${opts.quick ? '-quick' : ''}`;
    const raw = JSON.stringify({ meta, rows, results, memcheck: mem }, null, 2);
    fs.writeFileSync(path.join(outDir, `${stamp}.md`), md);
    fs.writeFileSync(path.join(outDir, `${stamp}.json`), raw);
    fs.writeFileSync(path.join(outDir, 'latest.md'), md);
    fs.writeFileSync(path.join(outDir, 'latest.json'), raw);
    console.error(`bench: wrote bench/results/${stamp}.md and .json (also latest.md / latest.json)`);

    const broken = rows.filter((r) => r.states['wasi-rs'].state === 'error');
    const harness = rows.filter((r) => r.states.node.state === 'error');
    if (broken.length || harness.length) {
      for (const r of broken) console.error(`bench: wasi-rs failed ${r.id}: ${r.states['wasi-rs'].message}`);
      for (const r of harness) console.error(`bench: node:wasi failed ${r.id}: ${r.states.node.message}`);
      process.exitCode = 1;
    }
    if (mem.some((m) => m.error)) process.exitCode = 1;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err?.stack ?? err);
  process.exit(1);
});
