'use strict';
// Stdio that needs a child process: stdin from a real pipe (a shell pipe: Node's own 'pipe'
// stdio is a socketpair), stdout redirected to a file, pipes at EOF in poll_oneoff, a guest
// closing or renumbering fd 1 while the host keeps printing, and sock_* on real sockets
// handed to the child through its stdio (inetd-style).

const test = require('ava');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const { spawn, spawnSync } = require('node:child_process');
const { tmpdir, rm, wasmFile, runGuestPiped } = require('./helpers.js');
const { guest, printEvents } = require('./guest.js');

const runner = path.join(__dirname, 'runner.js');

/** Runs a guest with the given stdio (spawn's stdio option), collecting stdout/stderr if piped. */
function spawnGuest(impl, file, wasiOptions, stdio, onSpawn = () => {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--no-warnings', runner, impl, file, JSON.stringify(wasiOptions)], { stdio });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d) => { stdout += d; });
    child.stderr?.on('data', (d) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (status, signal) => resolve({ stdout, stderr, status, signal }));
    onSpawn(child);
  });
}

async function withGuest(source, fn) {
  const dir = tmpdir();
  try {
    return await fn(wasmFile(await guest(source), dir), dir);
  } finally {
    rm(dir);
  }
}

// A guest that reads stdin to EOF (64-byte reads into two iovecs) and echoes it with counts.
const catGuest = {
  start: `(local $n i32)
    (i32.store (i32.const 0) (i32.const 1000)) (i32.store (i32.const 4) (i32.const 3))
    (i32.store (i32.const 8) (i32.const 2000)) (i32.store (i32.const 12) (i32.const 61))
    (block $eof (loop $more
      (say "read ") (call $i (call $fd_read (i32.const 0) (i32.const 0) (i32.const 2) (i32.const 100)))
      (local.set $n (i32.load (i32.const 100)))
      (call $i (local.get $n)) (call $nl)
      (br_if $eof (i32.eqz (local.get $n)))
      (call $print (i32.const 1000) (select (local.get $n) (i32.const 3) (i32.lt_u (local.get $n) (i32.const 3))))
      (if (i32.gt_u (local.get $n) (i32.const 3))
        (then (call $print (i32.const 2000) (i32.sub (local.get $n) (i32.const 3)))))
      (call $nl)
      (br $more)))`,
};

test('fd_read: stdin from a pipe, through two iovecs, to EOF', async (t) => {
  await withGuest(catGuest, (file) => {
    const res = runGuestPiped('wasi-rs', file, 'hello pipe');
    t.is(res.stderr, '');
    t.is(res.status, 0);
    t.is(res.stdout, 'read 0 10 \nhello pipe\nread 0 0 \n');
  });
});

// fd_fdstat_get / seek / pread on whatever the stdio fds are.
const describeGuest = {
  start: `
    (say "fdstat ") (call $i (call $fd_fdstat_get (i32.const 0) (i32.const 0)))
    (call $i (i32.load8_u (i32.const 0))) (call $i (i32.load16_u (i32.const 2)))
    (call $u (i64.and (i64.load (i32.const 8)) (i64.const 0x24))) (call $nl)
    (say "seek ") (call $i (call $fd_seek (i32.const 0) (i64.const 0) (i32.const 1) (i32.const 100))) (call $nl)
    (say "tell ") (call $i (call $fd_tell (i32.const 0) (i32.const 100))) (call $nl)
    (i32.store (i32.const 200) (i32.const 300)) (i32.store (i32.const 204) (i32.const 4))
    (say "pread ") (call $i (call $fd_pread (i32.const 0) (i32.const 200) (i32.const 1) (i64.const 0) (i32.const 100))) (call $nl)
    (say "pwrite ") (call $i (call $fd_pwrite (i32.const 0) (i32.const 200) (i32.const 1) (i64.const 0) (i32.const 100))) (call $nl)
    (say "filestat ") (call $i (call $fd_filestat_get (i32.const 0) (i32.const 400))) (call $i (i32.load8_u (i32.const 416))) (call $nl)
    (say "sock_recv ") (call $i (call $sock_recv (i32.const 0) (i32.const 200) (i32.const 1) (i32.const 0) (i32.const 100) (i32.const 104))) (call $nl)
    (say "sock_send ") (call $i (call $sock_send (i32.const 0) (i32.const 200) (i32.const 1) (i32.const 0) (i32.const 100))) (call $nl)
    (say "sock_accept ") (call $i (call $sock_accept (i32.const 0) (i32.const 0) (i32.const 100))) (call $nl)
    (say "sock_shutdown ") (call $i (call $sock_shutdown (i32.const 0) (i32.const 3))) (call $nl)`,
};

test('a pipe on stdin: filetype unknown, not seekable (ESPIPE), not a socket (ENOTSOCK)', async (t) => {
  await withGuest(describeGuest, (file) => {
    const res = runGuestPiped('wasi-rs', file, 'abc');
    t.is(res.stderr, '');
    t.is(res.stdout, [
      'fdstat 0 0 0 0 ', 'seek 70 ', 'tell 70 ', 'pread 70 ', 'pwrite 70 ', 'filestat 0 0 ',
      'sock_recv 57 ', 'sock_send 57 ', 'sock_accept 57 ', 'sock_shutdown 57 ', '',
    ].join('\n'));
  });
});

test('a file on stdin: regular file, seekable, pread works, not a socket', async (t) => {
  await withGuest(describeGuest, async (file, dir) => {
    const input = path.join(dir, 'input');
    fs.writeFileSync(input, 'file data');
    const fd = fs.openSync(input, 'r');
    try {
      const res = await spawnGuest('wasi-rs', file, {}, [fd, 'pipe', 'pipe']);
      t.is(res.stderr, '');
      t.is(res.stdout, [
        // filetype 4, flags 0, rights include FD_SEEK (4) and FD_TELL (32).
        'fdstat 0 4 0 36 ', 'seek 0 ', 'tell 0 ', 'pread 0 ', 'pwrite 8 ', 'filestat 0 4 ',
        'sock_recv 57 ', 'sock_send 57 ', 'sock_accept 57 ', 'sock_shutdown 57 ', '',
      ].join('\n'), 'pwrite on a read-only file is EBADF from the host');
    } finally {
      fs.closeSync(fd);
    }
  });
});

test('/dev/null on stdin: a character device that is not a terminal (seek and tell rights), seeks answered by the host, ENOTSOCK', async (t) => {
  await withGuest(describeGuest, async (file) => {
    const res = await spawnGuest('wasi-rs', file, {}, ['ignore', 'pipe', 'pipe']);
    t.is(res.stderr, '');
    // Node opens /dev/null read-only for 'ignore': pwrite is EBADF from the host.
    t.is(res.stdout, [
      'fdstat 0 2 0 36 ', 'seek 0 ', 'tell 0 ', 'pread 0 ', 'pwrite 8 ', 'filestat 0 2 ',
      'sock_recv 57 ', 'sock_send 57 ', 'sock_accept 57 ', 'sock_shutdown 57 ', '',
    ].join('\n'));
  });
});

test('stdout redirected to a file is a seekable regular file', async (t) => {
  const source = {
    start: `(say "0123456789")
      (drop (call $fd_fdstat_get (i32.const 1) (i32.const 0)))
      (drop (call $fd_seek (i32.const 1) (i64.const 2) (i32.const 0) (i32.const 100)))
      (say "ab")
      (drop (call $fd_tell (i32.const 1) (i32.const 100)))
      (drop (call $fd_seek (i32.const 1) (i64.const 0) (i32.const 2) (i32.const 108)))
      (call $nl) (call $i (i32.load8_u (i32.const 0))) (call $u (i64.and (i64.load (i32.const 8)) (i64.const 0x24)))
      (call $u (i64.load (i32.const 100))) (call $u (i64.load (i32.const 108)))`,
  };
  await withGuest(source, async (file, dir) => {
    const out = path.join(dir, 'out');
    const fd = fs.openSync(out, 'w');
    try {
      const res = await spawnGuest('wasi-rs', file, {}, ['ignore', fd, 'pipe']);
      t.is(res.stderr, '');
      t.is(res.status, 0);
    } finally {
      fs.closeSync(fd);
    }
    // After "0123456789", seek to 2 and overwrite "ab"; tell = 4; seek END = 10; then append.
    t.is(fs.readFileSync(out, 'utf8'), '01ab456789\n4 36 4 10 ');
  });
});

test('poll_oneoff: a pipe with data is readable with nbytes; a pipe at EOF reports the hangup flag', async (t) => {
  const pollGuest = {
    start: `(local $k i32)
      ;; fd_read on stdin, fd_write on stdout (a pipe to the parent).
      (i64.store (i32.const 0) (i64.const 1)) (i32.store8 (i32.const 8) (i32.const 1)) (i32.store (i32.const 16) (i32.const 0))
      (i64.store (i32.const 48) (i64.const 2)) (i32.store8 (i32.const 56) (i32.const 2)) (i32.store (i32.const 64) (i32.const 1))
      (say "poll ") (call $i (call $poll_oneoff (i32.const 0) (i32.const 1000) (i32.const 2) (i32.const 900)))
      (call $i (i32.load (i32.const 900))) (call $nl)
      ${printEvents(1000, 900, { flags: true })}`,
  };
  await withGuest(pollGuest, (file) => {
    // Stdout is Node's 'pipe' stdio here (a socketpair): writable at once.
    const withData = runGuestPiped('wasi-rs', file, 'xyz');
    t.is(withData.stderr, '');
    const lines = withData.stdout.split('\n');
    t.is(lines[0], 'poll 0 2 ');
    // The shell's printf may still hold the write end open: nbytes 3, hangup or not.
    t.true(['event 1 0 1 3 0 ', 'event 1 0 1 3 1 '].includes(lines[1]), lines[1]);
    t.is(lines[2], 'event 2 0 2 0 0 ');

    const atEof = runGuestPiped('wasi-rs', file, '');
    t.is(atEof.stderr, '');
    // The write end is closed once printf exits; poll may catch stdout first, so retry-free
    // parsing: the fd_read event, whenever present, carries the hangup flag and 0 bytes.
    const events = atEof.stdout.split('\n').filter((l) => l.startsWith('event 1 '));
    t.deepEqual(events, ['event 1 0 1 0 1 ']);
  });
});

test('a guest closing fd 1 and renumbering onto it leaves the host\'s stdout working', async (t) => {
  const source = {
    start: `
      (say "guest before")
      (call $nl)
      ;; fd_renumber closes the guest's fd 1 and moves its stderr there.
      (say "renumber ") (call $i (call $fd_renumber (i32.const 2) (i32.const 1))) (call $nl)
      (say "guest to stderr via 1")
      (drop (call $fd_close (i32.const 1)))
      (drop (call $fd_close (i32.const 0)))`,
  };
  await withGuest(source, (file) => {
    const script = `
      const { WASI } = require(${JSON.stringify(path.join(__dirname, '..'))});
      const fs = require('node:fs');
      const wasi = new WASI({ version: 'preview1' });
      const instance = new WebAssembly.Instance(new WebAssembly.Module(fs.readFileSync(process.argv[1])), wasi.getImportObject());
      const code = wasi.start(instance);
      console.log('host after start', code);
      process.stdout.write('host write\\n');
      console.error('host stderr');`;
    const res = spawnSync(process.execPath, ['-e', script, file], { encoding: 'utf8' });
    t.is(res.status, 0);
    t.is(res.stdout, 'guest before\nrenumber host after start 0\nhost write\n');
    t.is(res.stderr, '0 \nguest to stderr via 1host stderr\n');
  });
});

// Real sockets.

function listen() {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

function exchange(port, send) {
  return new Promise((resolve, reject) => {
    const client = net.connect(port, '127.0.0.1');
    let got = '';
    client.on('data', (d) => {
      got += d;
      if (got === 'pong') client.end();
    });
    client.on('connect', () => client.write(send));
    client.on('end', () => resolve(got));
    client.on('error', reject);
  });
}

const socketGuest = (fd, { accept }) => ({
  start: `(local $c i32)
    ${accept ? `(say "accept ") (call $i (call $sock_accept (i32.const ${fd}) (i32.const 0) (i32.const 100)))
    (local.set $c (i32.load (i32.const 100))) (call $i (local.get $c)) (call $nl)` : `(local.set $c (i32.const ${fd}))`}
    (say "fdstat ") (call $i (call $fd_fdstat_get (local.get $c) (i32.const 0))) (call $i (i32.load8_u (i32.const 0))) (call $nl)
    ;; recv with PEEK | WAITALL (riflags 1 | 2), then for real.
    (i32.store (i32.const 200) (i32.const 300)) (i32.store (i32.const 204) (i32.const 4))
    (say "peek ") (call $i (call $sock_recv (local.get $c) (i32.const 200) (i32.const 1) (i32.const 3) (i32.const 104) (i32.const 108)))
    (call $i (i32.load (i32.const 104))) (call $print (i32.const 300) (i32.load (i32.const 104))) (call $nl)
    (say "recv ") (call $i (call $sock_recv (local.get $c) (i32.const 200) (i32.const 1) (i32.const 0) (i32.const 104) (i32.const 108)))
    (call $i (i32.load (i32.const 104))) (call $i (i32.load16_u (i32.const 108))) (call $print (i32.const 300) (i32.load (i32.const 104))) (call $nl)
    (i32.store (i32.const 400) (i32.const 500)) (i32.store (i32.const 404) (i32.const 2))
    (i32.store (i32.const 408) (i32.const 502)) (i32.store (i32.const 412) (i32.const 2))
    (i32.store (i32.const 500) (i32.const 0x676e6f70))
    (say "send ") (call $i (call $sock_send (local.get $c) (i32.const 400) (i32.const 2) (i32.const 0) (i32.const 104))) (call $i (i32.load (i32.const 104))) (call $nl)
    (say "send flags ") (call $i (call $sock_send (local.get $c) (i32.const 400) (i32.const 2) (i32.const 1) (i32.const 104))) (call $nl)
    (say "recv flags ") (call $i (call $sock_recv (local.get $c) (i32.const 200) (i32.const 1) (i32.const 4) (i32.const 104) (i32.const 108))) (call $nl)
    (say "shutdown wr ") (call $i (call $sock_shutdown (local.get $c) (i32.const 2))) (call $nl)
    (say "eof ") (call $i (call $sock_recv (local.get $c) (i32.const 200) (i32.const 1) (i32.const 0) (i32.const 104) (i32.const 108))) (call $i (i32.load (i32.const 104))) (call $nl)
    (say "close ") (call $i (call $fd_close (local.get $c))) (call $nl)
    (say "recv closed ") (call $i (call $sock_recv (local.get $c) (i32.const 200) (i32.const 1) (i32.const 0) (i32.const 104) (i32.const 108))) (call $nl)`,
});

const socketTranscript = (prefix) => [
  ...prefix,
  'fdstat 0 6 ',
  'peek 0 4 ping',
  'recv 0 4 0 ping',
  'send 0 4 ',
  'send flags 28 ',
  'recv flags 28 ',
  'shutdown wr 0 ',
  'eof 0 0 ',
  'close 0 ',
  'recv closed 8 ',
  '',
].join('\n');

test('sock_accept / sock_recv / sock_send / sock_shutdown on a listening socket passed as stdin', async (t) => {
  const server = await listen();
  try {
    await withGuest(socketGuest(0, { accept: true }), async (file) => {
      const { port } = server.address();
      const run = spawnGuest('wasi-rs', file, {}, [server._handle.fd, 'pipe', 'pipe']);
      // The listening socket is now shared with the child; stop accepting here.
      server.close();
      const reply = await exchange(port, 'ping');
      const res = await run;
      t.is(res.stderr, '');
      t.is(res.status, 0);
      t.is(reply, 'pong');
      // The accepted connection is the lowest free fd: 3.
      t.is(res.stdout, socketTranscript(['accept 0 3 ']));
    });
  } finally {
    server.close();
  }
});

test('sock_recv / sock_send / sock_shutdown on a connected socket named by the stdin option', async (t) => {
  const server = await listen();
  try {
    await withGuest(socketGuest(0, { accept: false }), async (file) => {
      const { port } = server.address();
      const accepted = new Promise((resolve) => server.once('connection', resolve));
      // Paused before it connects, so this process never reads from it.
      const client = net.connect(port, '127.0.0.1');
      client.pause();
      await new Promise((resolve) => client.once('connect', resolve));
      const peer = await accepted;
      // The child gets the client's fd as its fd 3; the WASI stdin option names it.
      const run = spawnGuest('wasi-rs', file, { stdin: 3 }, ['ignore', 'pipe', 'pipe', client._handle.fd]);
      let got = '';
      const ended = new Promise((resolve) => {
        peer.on('data', (d) => {
          got += d;
          if (got === 'pong') peer.end();
        });
        peer.on('end', resolve);
      });
      peer.write('ping');
      await ended;
      const res = await run;
      client.destroy();
      t.is(res.stderr, '');
      t.is(got, 'pong');
      t.is(res.stdout, socketTranscript([]));
    });
  } finally {
    server.close();
  }
});
