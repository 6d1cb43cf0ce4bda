'use strict';
// The differential suite, non-filesystem part: each WAT guest (args and environment, clocks,
// random_get, proc_*, fd_* on stdio, poll_oneoff, sock_*, memory bounds) runs under node:wasi
// and under wasi-rs, each in a child process (helpers.runGuest), and stdout, stderr and exit
// status must be equal. node:wasi is the reference wherever it is right; where it is not,
// the difference is declared per guest as { id, node, rs } line substitutions (or a status
// pair) whose id must be listed in differences.js. An undeclared mismatch fails, and so does
// a declared one that no longer shows.

const test = require('ava');
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { tmpdir, rm, runGuest, runGuestPiped } = require('./helpers.js');
const { guest, printEvents } = require('./guest.js');
const differences = require('./differences.js');

const byId = new Map(differences.map((d) => [d.id, d]));

process.removeAllListeners('warning');

function known(id, node, rs) {
  if (!byId.has(id)) throw new Error(`difference '${id}' is not listed in __test__/differences.js`);
  return { id, node, rs };
}

// Prints "<label> <errno> " and a newline.
const call = (label, expr) => `(say "${label} ") (call $i ${expr}) (call $nl)`;
const iov = (at, ptr, len) => `(i32.store (i32.const ${at}) (i32.const ${ptr})) (i32.store (i32.const ${at + 4}) (i32.const ${len}))`;

const GUESTS = {
  'args-and-environ': {
    options: { args: ['prog', 'a b', 'ünï', ''], env: { HOME: '/h', EMPTY: '', 'K=': 'v=w' } },
    start: `
      ${call('args_sizes_get', '(call $args_sizes_get (i32.const 0) (i32.const 4))')}
      (call $i (i32.load (i32.const 0))) (call $i (i32.load (i32.const 4))) (call $nl)
      ${call('args_get', '(call $args_get (i32.const 100) (i32.const 200))')}
      (call $hex (i32.const 100) (i32.const 16)) (call $hex (i32.const 200) (i32.load (i32.const 4))) (call $nl)
      ${call('environ_sizes_get', '(call $environ_sizes_get (i32.const 0) (i32.const 4))')}
      (call $i (i32.load (i32.const 0))) (call $i (i32.load (i32.const 4))) (call $nl)
      ${call('environ_get', '(call $environ_get (i32.const 100) (i32.const 300))')}
      (call $hex (i32.const 100) (i32.const 12)) (call $hex (i32.const 300) (i32.load (i32.const 4))) (call $nl)
      ${call('args_sizes_get at the end', '(call $args_sizes_get (i32.const 65534) (i32.const 4))')}
      ${call('args_get buffer past the end', '(call $args_get (i32.const 0) (i32.const 65530))')}
      ${call('environ_get table past the end', '(call $environ_get (i32.const 65532) (i32.const 0))')}
      ${call('args_sizes_get high pointer', '(call $args_sizes_get (i32.const 0x80000000) (i32.const 4))')}
      ${call('environ_sizes_get pointer -4', '(call $environ_sizes_get (i32.const -4) (i32.const 4))')}`,
  },
  clocks: {
    start: `
      ${[0, 1, 2].map((id) => `${call(`clock_res_get ${id}`, `(call $clock_res_get (i32.const ${id}) (i32.const 0))`)} (call $u (i64.load (i32.const 0))) (call $nl)`).join('\n')}
      ;; The thread CPU clock's resolution is whatever the host says: only that it is set.
      (i64.store (i32.const 0) (i64.const 0))
      ${call('clock_res_get 3', '(call $clock_res_get (i32.const 3) (i32.const 0))')}
      (call $i (i64.ne (i64.load (i32.const 0)) (i64.const 0))) (call $nl)
      ${[0, 1, 2, 3].map((id) => `${call(`clock_time_get ${id}`, `(call $clock_time_get (i32.const ${id}) (i64.const 1000) (i32.const 8))`)}
        (call $i (i64.ne (i64.load (i32.const 8)) (i64.const 0))) (call $nl)`).join('\n')}
      ;; Realtime is after 2020-01-01; monotonic does not go back.
      (drop (call $clock_time_get (i32.const 0) (i64.const 0) (i32.const 8)))
      (say "realtime after 2020 ") (call $i (i64.gt_u (i64.load (i32.const 8)) (i64.const 1577836800000000000))) (call $nl)
      (drop (call $clock_time_get (i32.const 1) (i64.const 0) (i32.const 16)))
      (drop (call $clock_time_get (i32.const 1) (i64.const 0) (i32.const 24)))
      (say "monotonic ordered ") (call $i (i64.ge_u (i64.load (i32.const 24)) (i64.load (i32.const 16)))) (call $nl)
      (i64.store (i32.const 32) (i64.const 1234))
      ${call('clock_time_get bad id 4', '(call $clock_time_get (i32.const 4) (i64.const 0) (i32.const 32))')}
      ${call('clock_time_get bad id -1', '(call $clock_time_get (i32.const -1) (i64.const 0) (i32.const 32))')}
      ${call('clock_res_get bad id', '(call $clock_res_get (i32.const 4) (i32.const 32))')}
      (say "untouched ") (call $u (i64.load (i32.const 32))) (call $nl)
      ${call('clock_time_get past the end', '(call $clock_time_get (i32.const 0) (i64.const 0) (i32.const 65530))')}
      ${call('clock_time_get bad id past the end', '(call $clock_time_get (i32.const 9) (i64.const 0) (i32.const 65530))')}
      ${call('clock_res_get bad id past the end', '(call $clock_res_get (i32.const 9) (i32.const 65530))')}`,
  },
  'random-and-proc': {
    known: [known('zero-length-range-at-memory-end', 'random_get length 0 at the end 61 ', 'random_get length 0 at the end 0 ')],
    start: `
      ${call('random_get', '(call $random_get (i32.const 100) (i32.const 32))')}
      (say "filled ") (call $i (i64.ne (i64.or (i64.load (i32.const 100)) (i64.load (i32.const 108))) (i64.const 0))) (call $nl)
      (say "untouched after ") (call $i (i32.load8_u (i32.const 132))) (call $nl)
      ${call('random_get large', '(call $random_get (i32.const 32768) (i32.const 32768))')}
      ${call('random_get length 0', '(call $random_get (i32.const 100) (i32.const 0))')}
      ${call('random_get past the end', '(call $random_get (i32.const 65530) (i32.const 7))')}
      ${call('random_get length 0 at the end', '(call $random_get (i32.const 65536) (i32.const 0))')}
      ${call('random_get high pointer', '(call $random_get (i32.const -16) (i32.const 8))')}
      ${call('proc_raise none', '(call $proc_raise (i32.const 0))')}
      ${call('proc_raise 100', '(call $proc_raise (i32.const 100))')}
      ${call('sched_yield', '(call $sched_yield)')}
      (call $proc_exit (i32.const 3))`,
  },
  'proc-raise-term': {
    start: `${call('proc_raise TERM', '(call $proc_raise (i32.const 15))')} (say "still here") (call $nl)`,
    status: known('proc-raise', { status: null, signal: 'SIGTERM' }, { status: 0, signal: null }),
    known: [known('proc-raise', 'proc_raise TERM ', 'proc_raise TERM 52 \nstill here\n')],
  },
  'proc-exit-256': {
    options: { returnOnExit: false },
    start: '(say "exiting") (call $nl) (call $proc_exit (i32.const 256))',
    status: known('proc-exit-256', { status: 0, signal: null }, { status: 1, signal: null }),
  },
  'proc-exit-codes': {
    options: { returnOnExit: false },
    start: '(call $proc_exit (i32.const 42))',
  },
  'stdio-fds': {
    input: 'abc',
    start: `
      ${[0, 1, 2].map((fd) => `${call(`fd_fdstat_get ${fd}`, `(call $fd_fdstat_get (i32.const ${fd}) (i32.const 0))`)}
        (say "filetype ") (call $i (i32.load8_u (i32.const 0))) (say "flags ") (call $i (i32.load16_u (i32.const 2)))
        (say "rights ") (call $u (i64.load (i32.const 8))) (call $u (i64.load (i32.const 16))) (call $nl)`).join('\n')}
      ${call('fd_filestat_get 0', '(call $fd_filestat_get (i32.const 0) (i32.const 0))')}
      (say "filetype ") (call $i (i32.load8_u (i32.const 16))) (say "size ") (call $u (i64.load (i32.const 32))) (call $nl)
      ${iov(100, 200, 2)} ${iov(108, 300, 10)}
      ${call('fd_read 0', '(call $fd_read (i32.const 0) (i32.const 100) (i32.const 2) (i32.const 120))')}
      (call $i (i32.load (i32.const 120))) (call $print (i32.const 200) (i32.const 2)) (call $print (i32.const 300) (i32.const 1)) (call $nl)
      ${call('fd_read 0 at EOF', '(call $fd_read (i32.const 0) (i32.const 100) (i32.const 2) (i32.const 120))')}
      (call $i (i32.load (i32.const 120))) (call $nl)
      (i32.store (i32.const 400) (i32.const 0x0a6b6f))
      ${iov(100, 400, 3)}
      ${call('fd_write 1', '(call $fd_write (i32.const 1) (i32.const 100) (i32.const 1) (i32.const 120))')}
      ${call('fd_write 2', '(call $fd_write (i32.const 2) (i32.const 100) (i32.const 1) (i32.const 120))')}
      ${call('fd_write 9', '(call $fd_write (i32.const 9) (i32.const 100) (i32.const 1) (i32.const 120))')}
      ${call('fd_write iovec past the end', '(call $fd_write (i32.const 1) (i32.const 65532) (i32.const 1) (i32.const 120))')}
      ${call('fd_pread 0', '(call $fd_pread (i32.const 0) (i32.const 100) (i32.const 1) (i64.const 0) (i32.const 120))')}
      ${call('fd_pwrite 1', '(call $fd_pwrite (i32.const 1) (i32.const 100) (i32.const 1) (i64.const 0) (i32.const 120))')}
      ${call('fd_seek 1', '(call $fd_seek (i32.const 1) (i64.const 0) (i32.const 1) (i32.const 120))')}
      ${call('fd_tell 1', '(call $fd_tell (i32.const 1) (i32.const 120))')}
      ${call('fd_seek 9', '(call $fd_seek (i32.const 9) (i64.const 0) (i32.const 1) (i32.const 120))')}
      ${call('fd_prestat_get 0', '(call $fd_prestat_get (i32.const 0) (i32.const 120))')}
      ${call('fd_prestat_get 9', '(call $fd_prestat_get (i32.const 9) (i32.const 120))')}
      ${call('fd_fdstat_set_flags NONBLOCK', '(call $fd_fdstat_set_flags (i32.const 2) (i32.const 4))')}
      ${call('fd_fdstat_set_flags none', '(call $fd_fdstat_set_flags (i32.const 2) (i32.const 0))')}
      ${call('fd_fdstat_set_flags DSYNC', '(call $fd_fdstat_set_flags (i32.const 2) (i32.const 2))')}
      ${call('fd_fdstat_set_flags unknown bits', '(call $fd_fdstat_set_flags (i32.const 2) (i32.const 0x100))')}
      ${call('fd_fdstat_set_flags 9', '(call $fd_fdstat_set_flags (i32.const 9) (i32.const 0))')}
      ${call('fd_renumber 9 1', '(call $fd_renumber (i32.const 9) (i32.const 1))')}
      ${call('fd_renumber 1 9', '(call $fd_renumber (i32.const 1) (i32.const 9))')}
      ${call('fd_close 9', '(call $fd_close (i32.const 9))')}
      ${call('fd_close 0', '(call $fd_close (i32.const 0))')}
      ${call('fd_close 0 again', '(call $fd_close (i32.const 0))')}`,
    known: [
      ...[0, 1, 2].map((fd) => known('fdstat-flags-host-bits', `filetype 6 flags 2 rights 941621322 1073741823 `, `filetype 6 flags 0 rights 941621322 1073741823 `)),
      ...['fd_pread 0', 'fd_pwrite 1', 'fd_seek 1', 'fd_tell 1'].map((l) => known('seek-on-stream', `${l} 76 `, `${l} 70 `)),
      known('prestat-non-preopen', 'fd_prestat_get 0 28 ', 'fd_prestat_get 0 8 '),
      known('fdstat-set-flags-unsupported', 'fd_fdstat_set_flags DSYNC 0 ', 'fd_fdstat_set_flags DSYNC 58 '),
      known('fdstat-set-flags-unsupported', 'fd_fdstat_set_flags unknown bits 0 ', 'fd_fdstat_set_flags unknown bits 28 '),
    ],
  },
  poll: {
    input: 'xyz',
    known: [known('poll-nbytes', 'event 1 0 1 0 ', 'event 1 0 1 3 ')],
    start: `(local $k i32)
      ;; fd_read on stdin (3 bytes waiting), fd_write on stdout, a long clock: two events.
      (i64.store (i32.const 0) (i64.const 1)) (i32.store8 (i32.const 8) (i32.const 1)) (i32.store (i32.const 16) (i32.const 0))
      (i64.store (i32.const 48) (i64.const 2)) (i32.store8 (i32.const 56) (i32.const 2)) (i32.store (i32.const 64) (i32.const 1))
      (i64.store (i32.const 96) (i64.const 3)) (i32.store8 (i32.const 104) (i32.const 0)) (i32.store (i32.const 112) (i32.const 1))
      (i64.store (i32.const 120) (i64.const 60000000000))
      ${call('poll fds', '(call $poll_oneoff (i32.const 0) (i32.const 1000) (i32.const 3) (i32.const 900))')}
      (say "nevents ") (call $i (i32.load (i32.const 900))) (call $nl)
      ${printEvents(1000, 900)}
      ;; One relative clock per clock id (1 ms), then an absolute one in the past.
      ${[0, 1, 2, 3].map((id) => `(i64.store (i32.const 0) (i64.const ${10 + id})) (i32.store8 (i32.const 8) (i32.const 0))
        (i32.store (i32.const 16) (i32.const ${id})) (i64.store (i32.const 24) (i64.const 1000000)) (i32.store16 (i32.const 40) (i32.const 0))
        ${call(`poll clock ${id}`, '(call $poll_oneoff (i32.const 0) (i32.const 1000) (i32.const 1) (i32.const 900))')}
        (call $i (i32.load (i32.const 900))) (call $u (i64.load (i32.const 1000))) (call $i (i32.load16_u (i32.const 1008))) (call $i (i32.load8_u (i32.const 1010))) (call $nl)`).join('\n')}
      ${call('poll none', '(call $poll_oneoff (i32.const 0) (i32.const 1000) (i32.const 0) (i32.const 900))')}
      ${call('poll input past the end', '(call $poll_oneoff (i32.const 65500) (i32.const 1000) (i32.const 1) (i32.const 900))')}
      ${call('poll output past the end', '(call $poll_oneoff (i32.const 0) (i32.const 65530) (i32.const 1) (i32.const 900))')}`,
  },
  'sock-recv-on-stdio': {
    // runGuest's stdio are Node pipes: connected Unix stream sockets.
    input: 'sock',
    start: `
      ${iov(100, 200, 4)}
      ${call('sock_recv 0', '(call $sock_recv (i32.const 0) (i32.const 100) (i32.const 1) (i32.const 0) (i32.const 120) (i32.const 124))')}
      (call $i (i32.load (i32.const 120))) (call $i (i32.load16_u (i32.const 124))) (call $print (i32.const 200) (i32.load (i32.const 120))) (call $nl)`,
    status: known('sock-calls-crash', { status: null, signal: 'SIGSEGV' }, { status: 0, signal: null }),
    known: [known('sock-calls-crash', 'sock_recv 0 ', 'sock_recv 0 0 \n4 0 sock\n')],
  },
  'sock-send-on-stdio': {
    start: `
      ${iov(100, 200, 4)} (i32.store (i32.const 200) (i32.const 0x0a646e73))
      ${call('sock_send 1', '(call $sock_send (i32.const 1) (i32.const 100) (i32.const 1) (i32.const 0) (i32.const 120))')}
      (call $i (i32.load (i32.const 120))) (call $nl)`,
    status: known('sock-calls-crash', { status: null, signal: 'SIGSEGV' }, { status: 0, signal: null }),
    known: [known('sock-calls-crash', 'sock_send 1 ', 'sock_send 1 snd\n0 \n4 \n')],
  },
  'sock-bad-fds': {
    start: `
      ${iov(100, 200, 4)}
      ${call('sock_recv 9', '(call $sock_recv (i32.const 9) (i32.const 100) (i32.const 1) (i32.const 0) (i32.const 120) (i32.const 124))')}
      ${call('sock_send 9', '(call $sock_send (i32.const 9) (i32.const 100) (i32.const 1) (i32.const 0) (i32.const 120))')}
      ${call('sock_accept 9', '(call $sock_accept (i32.const 9) (i32.const 0) (i32.const 120))')}
      ${call('sock_shutdown 9', '(call $sock_shutdown (i32.const 9) (i32.const 2))')}
      ${call('sock_shutdown 0', '(call $sock_shutdown (i32.const 0) (i32.const 1))')}`,
    known: [
      known('sock-shutdown-errno', 'sock_shutdown 0 58 ', 'sock_shutdown 0 0 '),
    ],
  },
  'sock-accept-not-listening': {
    start: `${call('sock_accept 0', '(call $sock_accept (i32.const 0) (i32.const 0) (i32.const 120))')} (say "still here") (call $nl)`,
    status: known('sock-calls-crash', { status: null, signal: 'SIGSEGV' }, { status: 0, signal: null }),
    known: [known('sock-calls-crash', 'sock_accept 0 ', 'sock_accept 0 28 \nstill here\n')],
  },
  'poll-absolute-past': {
    // node:wasi turns a deadline in the past into an (almost) endless wait: its run is cut
    // short by this timeout (wasi-rs's run keeps the default, so a loaded machine is fine).
    nodeTimeout: 20000,
    start: `(i64.store (i32.const 0) (i64.const 5)) (i32.store8 (i32.const 8) (i32.const 0))
      (i32.store (i32.const 16) (i32.const 0)) (i64.store (i32.const 24) (i64.const 1000)) (i32.store16 (i32.const 40) (i32.const 1))
      ${call('poll absolute past', '(call $poll_oneoff (i32.const 0) (i32.const 1000) (i32.const 1) (i32.const 900))')}
      (call $i (i32.load (i32.const 900))) (call $u (i64.load (i32.const 1000))) (call $nl)`,
    status: known('poll-absolute-past', { status: null, signal: 'SIGTERM' }, { status: 0, signal: null }),
    known: [known('poll-absolute-past', 'poll absolute past ', 'poll absolute past 0 \n1 5 \n')],
  },
};

let scratch;
async function guestFile(name, spec) {
  scratch ??= tmpdir('wasi-rs-diffcore-');
  const file = path.join(scratch, `${name}.wasm`);
  fs.writeFileSync(file, await guest({ start: spec.start }));
  return file;
}

test.after.always(() => { if (scratch) rm(scratch); });

/** node:wasi's stdout with the declared substitutions applied; asserts each one showed. */
function applyKnown(t, stdout, list) {
  const lines = stdout.split('\n');
  for (const { id, node, rs } of list) {
    if (node === null) {
      // A line only wasi-rs prints: it goes where node:wasi stopped (before the final '').
      lines.splice(lines.length - 1, 0, rs);
      continue;
    }
    const i = lines.indexOf(node);
    t.true(i >= 0, `declared difference ${id} shows under node:wasi: ${JSON.stringify(node)}`);
    if (i < 0) continue;
    if (rs === null) lines.splice(i, 1);
    else lines[i] = rs;
  }
  return lines.join('\n');
}

for (const [name, spec] of Object.entries(GUESTS)) {
  test(`differential: ${name}`, async (t) => {
    const file = await guestFile(name, spec);
    const options = { ...spec.options, stdin: spec.input ?? '' };
    const theirs = runGuest('node', file, { ...options, timeout: spec.nodeTimeout ?? 180000 });
    const ours = runGuest('wasi-rs', file, options);
    const list = spec.known ?? [];
    // WASI_RS_DIFF_SHOW=1 logs both raw runs (to write a declaration).
    if (process.env.WASI_RS_DIFF_SHOW) t.log({ theirs, ours });
    if (list.length || spec.status) {
      t.log(`known differences: ${[...new Set([...list, spec.status].filter(Boolean).map((k) => k.id))].join(', ')}`);
    }
    t.is(ours.stderr, theirs.stderr.replace(/^.*ExperimentalWarning.*\n(\(Use `node --trace-warnings.*\n)?/m, ''));
    t.is(ours.stdout, applyKnown(t, theirs.stdout, list));
    if (spec.status) {
      t.deepEqual({ status: theirs.status, signal: theirs.signal }, spec.status.node, `node:wasi still shows ${spec.status.id}`);
      t.deepEqual({ status: ours.status, signal: ours.signal }, spec.status.rs);
    } else {
      t.deepEqual({ status: ours.status, signal: ours.signal }, { status: theirs.status, signal: theirs.signal });
    }
  });
}

test('differential: a guest closing fd 1 (node:wasi closes the host\'s stdout)', async (t) => {
  const dir = tmpdir();
  try {
    const file = path.join(dir, 'close.wasm');
    fs.writeFileSync(file, await guest({ start: `${call('fd_close 1', '(call $fd_close (i32.const 1))')}` }));
    const run = (impl) => {
      const script = `
        const { WASI } = ${impl === 'node' ? "require('node:wasi')" : `require(${JSON.stringify(path.join(__dirname, '..'))})`};
        const fs = require('node:fs');
        const wasi = new WASI({ version: 'preview1' });
        const instance = new WebAssembly.Instance(new WebAssembly.Module(fs.readFileSync(process.argv[1])), wasi.getImportObject());
        wasi.start(instance);
        try { fs.writeSync(1, 'host stdout works\\n'); } catch (err) { fs.writeSync(2, 'host stdout: ' + err.code + '\\n'); }`;
      return spawnSync(process.execPath, ['--no-warnings', '-e', script, file], { encoding: 'utf8' });
    };
    const ours = run('wasi-rs');
    const theirs = run('node');
    t.log('known difference: stdio-duplicated');
    t.true(byId.has('stdio-duplicated'));
    t.is(ours.stdout, 'fd_close 1 host stdout works\n');
    t.is(ours.stderr, '');
    // node:wasi closed the process's own fd 1: the guest's errno line is the last thing out.
    t.is(theirs.stdout, 'fd_close 1 ');
    t.is(theirs.stderr, 'host stdout: EBADF\n');
  } finally {
    rm(dir);
  }
});

test('differential: a FIFO on stdin (node:wasi calls it a socket)', async (t) => {
  const dir = tmpdir();
  try {
    const file = path.join(dir, 'pipe.wasm');
    fs.writeFileSync(file, await guest({
      start: `${call('fd_fdstat_get 0', '(call $fd_fdstat_get (i32.const 0) (i32.const 0))')}
        (say "filetype ") (call $i (i32.load8_u (i32.const 0))) (call $nl)
        ${iov(100, 200, 8)}
        ${call('fd_read 0', '(call $fd_read (i32.const 0) (i32.const 100) (i32.const 1) (i32.const 120))')}
        (call $i (i32.load (i32.const 120))) (call $print (i32.const 200) (i32.load (i32.const 120))) (call $nl)`,
    }));
    const ours = runGuestPiped('wasi-rs', file, 'piped');
    const theirs = runGuestPiped('node', file, 'piped');
    t.log('known difference: stdio-pipe-filetype');
    t.true(byId.has('stdio-pipe-filetype'));
    t.is(ours.stdout, 'fd_fdstat_get 0 0 \nfiletype 0 \nfd_read 0 0 \n5 piped\n');
    t.is(theirs.stdout, ours.stdout.replace('filetype 0 ', 'filetype 6 '));
    t.is(ours.stderr, '');
    t.is(ours.status, theirs.status);
  } finally {
    rm(dir);
  }
});

test('differential: version unstable import lists (node:wasi also offers sock_accept)', (t) => {
  const nodeWasi = require('node:wasi');
  const { WASI } = require('..');
  const theirs = Object.keys(new nodeWasi.WASI({ version: 'unstable' }).wasiImport);
  const ours = Object.keys(new WASI({ version: 'unstable' }).wasiImport);
  t.log('known difference: unstable-sock-accept');
  t.true(byId.has('unstable-sock-accept'));
  t.deepEqual(ours, theirs.filter((k) => k !== 'sock_accept'));
  t.true(theirs.includes('sock_accept'));
});
