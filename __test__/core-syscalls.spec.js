'use strict';
// Every non-filesystem syscall with exact results, in process: a WAT proxy guest makes each
// call (so arguments cross wasm's i32/i64 conversion) and the test reads guest memory and the
// host files behind the stdio options. Pipes, sockets and exits are in core-stdio.spec.js.

const test = require('ava');
const fs = require('node:fs');
const { bound, scratch } = require('./core-support.js');

process.removeAllListeners('warning');

const E = { SUCCESS: 0, BADF: 8, INVAL: 28, NOSYS: 52, NOTSOCK: 57, NOTSUP: 58, OVERFLOW: 61, SPIPE: 70 };
const FILETYPE = { UNKNOWN: 0, CHARACTER_DEVICE: 2, DIRECTORY: 3, REGULAR_FILE: 4, SOCKET_STREAM: 6 };
const RIGHT = { FD_READ: 1n << 1n, FD_SEEK: 1n << 2n, FD_TELL: 1n << 5n, FD_WRITE: 1n << 6n };

// args and environ.

test('args_sizes_get and args_get: exact counts, pointers and bytes', async (t) => {
  const args = ['prog', 'a b', 'ünï', ''];
  const { x, mem } = await bound({ args });
  mem.u8().fill(0xee, 0, 256);
  t.is(x.call_args_sizes_get(0, 4), E.SUCCESS);
  const bytes = Buffer.concat(args.map((a) => Buffer.from(`${a}\0`)));
  t.is(mem.u32(0), 4);
  t.is(mem.u32(4), bytes.length);
  t.is(x.call_args_get(100, 200), E.SUCCESS);
  const offsets = [0, 5, 9, 15];
  t.deepEqual([0, 1, 2, 3].map((i) => mem.u32(100 + i * 4)), offsets.map((o) => 200 + o));
  t.deepEqual(mem.bytes(200, bytes.length), bytes);
  t.is(mem.u8()[200 + bytes.length], 0xee, 'nothing written past the buffer');
  t.is(mem.u8()[116], 0xee, 'nothing written past the table');
});

test('environ_sizes_get and environ_get: key=value, undefined skipped, exact bytes', async (t) => {
  const { x, mem } = await bound({ env: { A: '1', B: 'x=y', C: undefined, EMPTY: '', N: 5 } });
  mem.u8().fill(0xee, 0, 256);
  t.is(x.call_environ_sizes_get(0, 4), E.SUCCESS);
  const bytes = Buffer.from('A=1\0B=x=y\0EMPTY=\0N=5\0');
  t.deepEqual([mem.u32(0), mem.u32(4)], [4, bytes.length]);
  t.is(x.call_environ_get(100, 200), E.SUCCESS);
  t.deepEqual([0, 1, 2, 3].map((i) => mem.u32(100 + i * 4)), [200, 204, 210, 217]);
  t.deepEqual(mem.bytes(200, bytes.length), bytes);
  t.is(mem.u8()[200 + bytes.length], 0xee);
});

test('empty args and environment (the default): zero sizes, nothing written', async (t) => {
  const { x, mem } = await bound();
  mem.u8().fill(0xee, 0, 64);
  t.is(x.call_args_sizes_get(0, 4), E.SUCCESS);
  t.is(x.call_environ_sizes_get(8, 12), E.SUCCESS);
  t.deepEqual([mem.u32(0), mem.u32(4), mem.u32(8), mem.u32(12)], [0, 0, 0, 0]);
  t.is(x.call_args_get(16, 32), E.SUCCESS);
  t.is(x.call_environ_get(16, 32), E.SUCCESS);
  t.deepEqual([...mem.bytes(16, 32)], new Array(32).fill(0xee));
  // With nothing to write, even pointers at the end of memory are fine.
  t.is(x.call_args_get(65536, 65536), E.SUCCESS);
});

// Clocks.

test('clock_res_get: every clock answers a resolution of at least 1 ns; bad ids are EINVAL', async (t) => {
  const { x, mem } = await bound();
  for (const id of [0, 1, 2, 3]) {
    mem.setU64(0, 0n);
    t.is(x.call_clock_res_get(id, 0), E.SUCCESS, `clock ${id}`);
    // Linux's hrtimer clocks and CPU-time clocks all report 1 ns; elsewhere, what the host says.
    if (process.platform === 'linux') t.is(mem.u64(0), 1n, `clock ${id}`);
    else t.true(mem.u64(0) >= 1n, `clock ${id}`);
  }
  for (const id of [4, 100, -1]) {
    mem.setU64(0, 77n);
    t.is(x.call_clock_res_get(id, 0), E.INVAL, `clock ${id}`);
    t.is(mem.u64(0), 77n, 'nothing written');
  }
});

test('clock_time_get: realtime and monotonic match the host clocks', async (t) => {
  const { x, mem } = await bound();
  const before = BigInt(Date.now()) * 1000000n;
  t.is(x.call_clock_time_get(0, 0n, 0), E.SUCCESS);
  const after = BigInt(Date.now() + 1) * 1000000n;
  t.true(mem.u64(0) >= before && mem.u64(0) <= after, `${mem.u64(0)} in [${before}, ${after}]`);
  // process.hrtime is CLOCK_MONOTONIC: our reading lies between two of its readings.
  const h1 = process.hrtime.bigint();
  t.is(x.call_clock_time_get(1, 1000n, 8), E.SUCCESS);
  const h2 = process.hrtime.bigint();
  t.true(mem.u64(8) >= h1 && mem.u64(8) <= h2, `${h1} <= ${mem.u64(8)} <= ${h2}`);
  t.is(x.call_clock_time_get(1, 0xffffffffffffffffn, 16), E.SUCCESS, 'any precision is accepted');
  t.true(mem.u64(16) >= mem.u64(8));
});

test('clock_time_get: process and thread CPU time are plausible and ordered', async (t) => {
  const { x, mem } = await bound();
  // Burn a little CPU so both clocks have advanced.
  let s = 0;
  for (let i = 0; i < 1e6; i += 1) s += i;
  t.true(s > 0);
  t.is(x.call_clock_time_get(3, 0n, 8), E.SUCCESS);
  t.is(x.call_clock_time_get(2, 0n, 0), E.SUCCESS);
  const proc = mem.u64(0);
  const thread = mem.u64(8);
  t.true(thread > 0n);
  t.true(thread <= proc, `thread ${thread} <= process ${proc}`);
  const usage = process.cpuUsage();
  // getrusage and the CPU clocks use different accounting; an hour is a generous bound.
  t.true(proc < BigInt(usage.user + usage.system + 3600e6) * 1000n);
  t.is(x.call_clock_time_get(2, 0n, 16), E.SUCCESS);
  t.true(mem.u64(16) >= proc, 'process CPU time does not go backwards');
});

test('clock_time_get: a bad clock id is EINVAL and writes nothing', async (t) => {
  const { x, mem } = await bound();
  for (const id of [4, 5, -1]) {
    mem.setU64(0, 5n);
    t.is(x.call_clock_time_get(id, 0n, 0), E.INVAL);
    t.is(mem.u64(0), 5n);
  }
});

// random_get.

test('random_get fills exactly the range, differs between calls', async (t) => {
  const { x, mem } = await bound();
  mem.u8().fill(0, 0, 200);
  t.is(x.call_random_get(10, 64), E.SUCCESS);
  const a = Buffer.from(mem.bytes(10, 64));
  t.is(mem.u8()[9], 0);
  t.is(mem.u8()[74], 0);
  t.false(a.equals(Buffer.alloc(64)));
  t.is(x.call_random_get(10, 64), E.SUCCESS);
  t.false(Buffer.from(mem.bytes(10, 64)).equals(a));
  t.is(x.call_random_get(100, 0), E.SUCCESS, 'length 0');
  t.is(x.call_random_get(65536, 0), E.SUCCESS, 'length 0 at the end of memory is in bounds');
});

test('random_get: a large length (1 MiB) fills it all, every byte value appears', async (t) => {
  const { x, mem } = await bound();
  t.is(x.grow(17), 1);
  const n = 1 << 20;
  t.is(x.call_random_get(65536, n), E.SUCCESS);
  const data = mem.bytes(65536, n);
  const seen = new Set(data);
  t.is(seen.size, 256);
  // No 4 KiB block is left zero (the generator works in blocks).
  for (let off = 0; off < n; off += 4096) {
    t.false(data.subarray(off, off + 4096).equals(Buffer.alloc(4096)), `block at ${off}`);
  }
  // Two instances produce different streams.
  const other = await bound();
  t.is(other.x.call_random_get(0, 32), E.SUCCESS);
  t.is(x.call_random_get(0, 32), E.SUCCESS);
  t.false(Buffer.from(other.mem.bytes(0, 32)).equals(Buffer.from(mem.bytes(0, 32))));
});

// proc_raise and sched_yield.

test('proc_raise is ENOSYS for every signal (the host is never signalled); sched_yield succeeds', async (t) => {
  const { x } = await bound();
  for (let sig = 0; sig <= 31; sig += 1) t.is(x.call_proc_raise(sig), E.NOSYS, `signal ${sig}`);
  t.is(x.call_proc_raise(-1), E.NOSYS);
  t.is(x.call_sched_yield(), E.SUCCESS);
});

// fd_write / fd_read / fd_pread / fd_pwrite / fd_seek / fd_tell on stdio files.

test('fd_write: several iovecs, exact nwritten and bytes; zero iovecs write nothing', async (t) => {
  const s = scratch();
  try {
    const out = s.file('out');
    const { x, mem } = await bound({ stdout: out.fd });
    mem.put(1000, 'hello, ');
    mem.put(2000, 'world');
    mem.iovs(0, [[1000, 7], [2000, 5], [3000, 0], [1000, 5]]);
    t.is(x.call_fd_write(1, 0, 4, 100), E.SUCCESS);
    t.is(mem.u32(100), 17);
    t.is(out.read(), 'hello, worldhello');
    t.is(x.call_fd_write(1, 0, 0, 100), E.SUCCESS);
    t.is(mem.u32(100), 0);
    // Overlapping iovecs (the same bytes twice) are fine.
    mem.iovs(0, [[1000, 5], [1002, 3]]);
    t.is(x.call_fd_write(1, 0, 2, 100), E.SUCCESS);
    t.is(mem.u32(100), 8);
    t.is(out.read(), 'hello, worldhellohellollo');
    t.is(x.call_fd_write(7, 0, 1, 100), E.BADF);
  } finally {
    s.done();
  }
});

test('fd_read: stdin from a file, scattered into iovecs; EOF reads 0', async (t) => {
  const s = scratch();
  try {
    const input = s.file('in', 'abcdefghij', 'r');
    const { x, mem } = await bound({ stdin: input.fd });
    mem.iovs(0, [[1000, 3], [2000, 4]]);
    t.is(x.call_fd_read(0, 0, 2, 100), E.SUCCESS);
    t.is(mem.u32(100), 7);
    t.is(mem.bytes(1000, 3).toString(), 'abc');
    t.is(mem.bytes(2000, 4).toString(), 'defg');
    t.is(x.call_fd_read(0, 0, 2, 100), E.SUCCESS);
    t.is(mem.u32(100), 3);
    t.is(mem.bytes(1000, 3).toString(), 'hij');
    t.is(x.call_fd_read(0, 0, 2, 100), E.SUCCESS);
    t.is(mem.u32(100), 0, 'EOF');
    t.is(x.call_fd_read(9, 0, 1, 100), E.BADF);
  } finally {
    s.done();
  }
});

test('fd_pread / fd_pwrite on a file: at the offset, position unchanged', async (t) => {
  const s = scratch();
  try {
    const f = s.file('f', '0123456789');
    const { x, mem } = await bound({ stdout: f.fd });
    mem.iovs(0, [[1000, 4]]);
    t.is(x.call_fd_pread(1, 0, 1, 3n, 100), E.SUCCESS);
    t.is(mem.u32(100), 4);
    t.is(mem.bytes(1000, 4).toString(), '3456');
    t.is(x.call_fd_pread(1, 0, 1, 8n, 100), E.SUCCESS);
    t.is(mem.u32(100), 2, 'short read at the end');
    t.is(x.call_fd_pread(1, 0, 1, 100n, 100), E.SUCCESS);
    t.is(mem.u32(100), 0, 'past the end');
    mem.put(1000, 'XY');
    mem.iovs(0, [[1000, 2]]);
    t.is(x.call_fd_pwrite(1, 0, 1, 5n, 100), E.SUCCESS);
    t.is(mem.u32(100), 2);
    t.is(f.read(), '01234XY789');
    t.is(x.call_fd_tell(1, 200), E.SUCCESS);
    t.is(mem.u64(200), 0n, 'pread/pwrite leave the position alone');
    t.is(x.call_fd_pread(1, 0, 1, -1n, 100), E.INVAL, 'offset beyond i64');
  } finally {
    s.done();
  }
});

test('fd_seek / fd_tell on a file: SET, CUR, END, bad whence, negative result', async (t) => {
  const s = scratch();
  try {
    const f = s.file('f', '0123456789');
    const { x, mem } = await bound({ stdout: f.fd });
    t.is(x.call_fd_seek(1, 4n, 0, 0), E.SUCCESS);
    t.is(mem.u64(0), 4n);
    t.is(x.call_fd_seek(1, -1n, 1, 0), E.SUCCESS);
    t.is(mem.u64(0), 3n);
    t.is(x.call_fd_seek(1, -2n, 2, 0), E.SUCCESS);
    t.is(mem.u64(0), 8n);
    t.is(x.call_fd_tell(1, 8), E.SUCCESS);
    t.is(mem.u64(8), 8n);
    mem.put(1000, 'AB');
    mem.iovs(16, [[1000, 2]]);
    t.is(x.call_fd_write(1, 16, 1, 32), E.SUCCESS);
    t.is(f.read(), '01234567AB');
    t.is(x.call_fd_tell(1, 8), E.SUCCESS);
    t.is(mem.u64(8), 10n);
    mem.setU64(0, 99n);
    t.is(x.call_fd_seek(1, 0n, 3, 0), E.INVAL, 'whence 3');
    t.is(x.call_fd_seek(1, -1n, 0, 0), E.INVAL, 'SET to -1');
    t.is(x.call_fd_seek(1, -100n, 1, 0), E.INVAL, 'CUR before the start');
    t.is(mem.u64(0), 99n, 'nothing written on failure');
    t.is(x.call_fd_seek(1, 20n, 0, 0), E.SUCCESS, 'past the end is allowed');
    t.is(mem.u64(0), 20n);
    t.is(x.call_fd_seek(9, 0n, 0, 0), E.BADF);
    t.is(x.call_fd_tell(9, 0), E.BADF);
  } finally {
    s.done();
  }
});

test('version unstable: fd_seek uses snapshot 0 whence values (CUR=0, END=1, SET=2)', async (t) => {
  const s = scratch();
  try {
    const f = s.file('f', '0123456789');
    const { x, mem } = await bound({ version: 'unstable', stdout: f.fd });
    t.is(x.call_fd_seek(1, 6n, 2, 0), E.SUCCESS);
    t.is(mem.u64(0), 6n, 'SET');
    t.is(x.call_fd_seek(1, 1n, 0, 0), E.SUCCESS);
    t.is(mem.u64(0), 7n, 'CUR');
    t.is(x.call_fd_seek(1, -3n, 1, 0), E.SUCCESS);
    t.is(mem.u64(0), 7n, 'END');
    t.is(x.call_fd_seek(1, 0n, 3, 0), E.INVAL);
  } finally {
    s.done();
  }
});

test('/dev/null as stdin: a character device that is not a terminal (seek and tell rights, so isatty says no), the host answers seeks, reads EOF', async (t) => {
  const s = scratch();
  try {
    const fd = s.open('/dev/null', 'r+');
    const { x, mem } = await bound({ stdin: fd });
    t.is(x.call_fd_fdstat_get(0, 0), E.SUCCESS);
    t.is(mem.u8()[0], FILETYPE.CHARACTER_DEVICE);
    const rights = mem.u64(8);
    t.is(rights & (RIGHT.FD_SEEK | RIGHT.FD_TELL), RIGHT.FD_SEEK | RIGHT.FD_TELL);
    t.is(rights & RIGHT.FD_READ, RIGHT.FD_READ);
    mem.setU64(100, 99n);
    t.is(x.call_fd_seek(0, 0n, 0, 100), E.SUCCESS);
    t.is(mem.u64(100), 0n);
    t.is(x.call_fd_tell(0, 100), E.SUCCESS);
    t.is(mem.u64(100), 0n);
    mem.iovs(16, [[1000, 10]]);
    t.is(x.call_fd_pread(0, 16, 1, 0n, 100), E.SUCCESS);
    t.is(mem.u32(100), 0);
    t.is(x.call_fd_read(0, 16, 1, 100), E.SUCCESS);
    t.is(mem.u32(100), 0);
  } finally {
    s.done();
  }
});

// fd_close and fd_renumber.

test('fd_close on stdout: later writes are EBADF, a second close too; the host fd stays open', async (t) => {
  const s = scratch();
  try {
    const out = s.file('out');
    const { x, mem } = await bound({ stdout: out.fd });
    t.is(x.call_fd_close(1), E.SUCCESS);
    mem.iovs(0, [[1000, 1]]);
    t.is(x.call_fd_write(1, 0, 1, 100), E.BADF);
    t.is(x.call_fd_close(1), E.BADF);
    t.is(x.call_fd_fdstat_get(1, 200), E.BADF);
    fs.writeSync(out.fd, 'host still writes');
    t.is(out.read(), 'host still writes');
    t.is(x.call_fd_close(1000), E.BADF);
    t.is(x.call_fd_close(-1), E.BADF);
  } finally {
    s.done();
  }
});

test('fd_renumber: moves an fd onto another, closing the target; both must be open', async (t) => {
  const s = scratch();
  try {
    const out = s.file('out');
    const err = s.file('err');
    const { x, mem } = await bound({ stdout: out.fd, stderr: err.fd });
    t.is(x.call_fd_renumber(2, 1), E.SUCCESS);
    mem.put(1000, 'to-err');
    mem.iovs(0, [[1000, 6]]);
    t.is(x.call_fd_write(1, 0, 1, 100), E.SUCCESS);
    t.is(x.call_fd_write(2, 0, 1, 100), E.BADF);
    t.is(err.read(), 'to-err');
    t.is(out.read(), '');
    t.is(x.call_fd_renumber(1, 1), E.SUCCESS, 'onto itself');
    t.is(x.call_fd_renumber(1, 5), E.BADF, 'target not open');
    t.is(x.call_fd_renumber(5, 1), E.BADF, 'source not open');
    fs.writeSync(out.fd, 'host');
    t.is(out.read(), 'host', 'the host fd behind the old guest fd 1 is untouched');
  } finally {
    s.done();
  }
});

// fd_fdstat_get / fd_fdstat_set_flags / fd_filestat_get / fd_prestat_get.

test('fd_fdstat_get: a regular file is seekable; an append file reports APPEND', async (t) => {
  const s = scratch();
  try {
    const f = s.file('f', 'x', 'r+');
    const a = s.file('a', '', 'a');
    const { x, mem } = await bound({ stdin: f.fd, stdout: a.fd });
    t.is(x.call_fd_fdstat_get(0, 0), E.SUCCESS);
    t.is(mem.u8()[0], FILETYPE.REGULAR_FILE);
    t.is(mem.u16(2), 0);
    const rights = mem.u64(8);
    for (const r of [RIGHT.FD_READ, RIGHT.FD_WRITE, RIGHT.FD_SEEK, RIGHT.FD_TELL]) t.is(rights & r, r);
    t.is(mem.u64(16), 0n, 'no inheriting rights on a file');
    t.is(x.call_fd_fdstat_get(1, 32), E.SUCCESS);
    t.is(mem.u8()[32], FILETYPE.REGULAR_FILE);
    t.is(mem.u16(34), 1, 'APPEND');
    t.is(x.call_fd_fdstat_get(3, 0), E.BADF);
  } finally {
    s.done();
  }
});

test('fd_fdstat_set_flags: APPEND and NONBLOCK are kept, sync flags ENOTSUP, unknown bits EINVAL', async (t) => {
  const s = scratch();
  try {
    const f = s.file('f');
    const { x, mem } = await bound({ stdout: f.fd });
    t.is(x.call_fd_fdstat_set_flags(1, 1), E.SUCCESS);
    t.is(x.call_fd_fdstat_get(1, 0), E.SUCCESS);
    t.is(mem.u16(2), 1);
    t.is(x.call_fd_fdstat_set_flags(1, 4), E.SUCCESS);
    t.is(x.call_fd_fdstat_get(1, 0), E.SUCCESS);
    t.is(mem.u16(2), 4);
    t.is(x.call_fd_fdstat_set_flags(1, 0), E.SUCCESS);
    for (const flag of [2, 8, 16]) t.is(x.call_fd_fdstat_set_flags(1, flag), E.NOTSUP, `flag ${flag}`);
    for (const flag of [32, 999, -1]) t.is(x.call_fd_fdstat_set_flags(1, flag), E.INVAL, `flag ${flag}`);
    t.is(x.call_fd_fdstat_get(1, 0), E.SUCCESS);
    t.is(mem.u16(2), 0, 'failed calls change nothing');
    t.is(x.call_fd_fdstat_set_flags(9, 0), E.BADF);
  } finally {
    s.done();
  }
});

function expectedFilestat(fd) {
  const st = fs.fstatSync(fd, { bigint: true });
  return { dev: st.dev, ino: st.ino, nlink: st.nlink, size: st.size, atim: st.atimeNs, mtim: st.mtimeNs, ctim: st.ctimeNs };
}

test('fd_filestat_get on a stdio file: exact preview1 (64-byte) record', async (t) => {
  const s = scratch();
  try {
    const f = s.file('f', 'twelve bytes');
    fs.utimesSync(f.path, 1000.5, 2000.25);
    const { x, mem } = await bound({ stdout: f.fd });
    mem.u8().fill(0xee, 0, 80);
    t.is(x.call_fd_filestat_get(1, 0), E.SUCCESS);
    const want = expectedFilestat(f.fd);
    t.deepEqual({
      dev: mem.u64(0), ino: mem.u64(8), filetype: mem.u8()[16], nlink: mem.u64(24), size: mem.u64(32),
      atim: mem.u64(40), mtim: mem.u64(48), ctim: mem.u64(56),
    }, { ...want, filetype: FILETYPE.REGULAR_FILE });
    t.is(want.size, 12n);
    t.is(want.mtim, 2000250000000n);
    t.is(mem.u8()[64], 0xee, 'exactly 64 bytes');
    t.is(x.call_fd_filestat_get(5, 0), E.BADF);
  } finally {
    s.done();
  }
});

test('version unstable: fd_filestat_get writes the 56-byte snapshot 0 record', async (t) => {
  const s = scratch();
  try {
    const f = s.file('f', 'abc');
    const { x, mem } = await bound({ version: 'unstable', stdout: f.fd });
    mem.u8().fill(0xee, 0, 80);
    t.is(x.call_fd_filestat_get(1, 0), E.SUCCESS);
    const want = expectedFilestat(f.fd);
    t.deepEqual({
      dev: mem.u64(0), ino: mem.u64(8), filetype: mem.u8()[16], nlink: BigInt(mem.u32(20)), size: mem.u64(24),
      atim: mem.u64(32), mtim: mem.u64(40), ctim: mem.u64(48),
    }, { ...want, filetype: FILETYPE.REGULAR_FILE });
    t.is(mem.u8()[56], 0xee, 'exactly 56 bytes');
  } finally {
    s.done();
  }
});

test('fd_prestat_get / fd_prestat_dir_name: EBADF on stdio and unknown fds; preopens describe themselves', async (t) => {
  const s = scratch();
  try {
    const { x, mem } = await bound({ preopens: { '/sandbox': s.dir, '.': s.dir } });
    for (const fd of [0, 1, 2, 5, 100]) t.is(x.call_fd_prestat_get(fd, 0), E.BADF, `fd ${fd}`);
    mem.u8().fill(0xee, 0, 16);
    t.is(x.call_fd_prestat_get(3, 0), E.SUCCESS);
    t.is(mem.u8()[0], 0, 'tag dir');
    t.is(mem.u32(4), 8);
    t.is(x.call_fd_prestat_dir_name(3, 100, 8), E.SUCCESS);
    t.is(mem.bytes(100, 8).toString(), '/sandbox');
    t.is(x.call_fd_prestat_get(4, 0), E.SUCCESS);
    t.is(mem.u32(4), 1);
    t.is(x.call_fd_prestat_dir_name(4, 100, 1), E.SUCCESS);
    t.is(mem.bytes(100, 1).toString(), '.');
    t.is(x.call_fd_prestat_dir_name(1, 100, 8), E.BADF);
    t.is(x.call_fd_fdstat_get(3, 0), E.SUCCESS);
    t.is(mem.u8()[0], FILETYPE.DIRECTORY);
  } finally {
    s.done();
  }
});

// poll_oneoff.

// Subscription records: preview1 48 bytes, unstable 56 (a u64 identifier before the clock id).
function clockSub(mem, at, { userdata, id, timeout, flags = 0, unstable = false }) {
  mem.u8().fill(0, at, at + (unstable ? 56 : 48));
  mem.setU64(at, userdata);
  mem.u8()[at + 8] = 0;
  const base = unstable ? at + 24 : at + 16;
  if (unstable) mem.setU64(at + 16, 0xabcdefn);
  mem.setU32(base, id);
  mem.setU64(base + 8, timeout);
  mem.setU64(base + 16, 0n);
  mem.setU16(base + 24, flags);
}

function fdSub(mem, at, { userdata, fd, write = false }) {
  mem.u8().fill(0, at, at + 48);
  mem.setU64(at, userdata);
  mem.u8()[at + 8] = write ? 2 : 1;
  mem.setU32(at + 16, fd);
}

function events(mem, at, n) {
  return Array.from({ length: n }, (_, i) => {
    const p = at + i * 32;
    return { userdata: mem.u64(p), error: mem.u16(p + 8), type: mem.u8()[p + 10], nbytes: mem.u64(p + 16), flags: mem.u16(p + 24) };
  });
}

const clockEvent = (userdata) => ({ userdata, error: 0, type: 0, nbytes: 0n, flags: 0 });

test('poll_oneoff: a relative clock subscription fires, on every clock', async (t) => {
  const { x, mem } = await bound();
  for (const id of [0, 1, 2, 3]) {
    clockSub(mem, 0, { userdata: 0x1122334455667788n + BigInt(id), id, timeout: 1000000n });
    mem.u8().fill(0xee, 1000, 1100);
    t.is(x.call_poll_oneoff(0, 1000, 1, 2000), E.SUCCESS, `clock ${id}`);
    t.is(mem.u32(2000), 1);
    t.deepEqual(events(mem, 1000, 1), [clockEvent(0x1122334455667788n + BigInt(id))]);
  }
});

test('poll_oneoff: absolute clock subscriptions (future and past) fire', async (t) => {
  const { x, mem } = await bound();
  for (const id of [0, 1, 2, 3]) {
    t.is(x.call_clock_time_get(id, 0n, 3000), E.SUCCESS);
    const now = mem.u64(3000);
    for (const target of [now + 2000000n, now - 1000000n, 0n]) {
      clockSub(mem, 0, { userdata: 7n, id, timeout: target, flags: 1 });
      t.is(x.call_poll_oneoff(0, 1000, 1, 2000), E.SUCCESS);
      t.is(mem.u32(2000), 1);
      t.deepEqual(events(mem, 1000, 1), [clockEvent(7n)]);
    }
    if (id <= 1) {
      // The wait really reached the target on the wall and monotonic clocks.
      t.is(x.call_clock_time_get(id, 0n, 3008), E.SUCCESS);
      t.true(mem.u64(3008) >= now + 2000000n);
    }
  }
});

test('poll_oneoff: the earliest clocks fire, later ones do not; a bad clock id is an EINVAL event', async (t) => {
  const { x, mem } = await bound();
  clockSub(mem, 0, { userdata: 1n, id: 1, timeout: 60n * 1000000000n });
  clockSub(mem, 48, { userdata: 2n, id: 1, timeout: 1000n });
  clockSub(mem, 96, { userdata: 3n, id: 1, timeout: 1000n });
  t.is(x.call_poll_oneoff(0, 1000, 3, 2000), E.SUCCESS);
  t.is(mem.u32(2000), 2);
  t.deepEqual(events(mem, 1000, 2), [clockEvent(2n), clockEvent(3n)]);

  clockSub(mem, 0, { userdata: 9n, id: 42, timeout: 1000n });
  clockSub(mem, 48, { userdata: 10n, id: 1, timeout: 60n * 1000000000n });
  t.is(x.call_poll_oneoff(0, 1000, 2, 2000), E.SUCCESS);
  t.is(mem.u32(2000), 1, 'the error event is returned at once');
  t.deepEqual(events(mem, 1000, 1), [{ userdata: 9n, error: E.INVAL, type: 0, nbytes: 0n, flags: 0 }]);
});

test('poll_oneoff: nsubscriptions 0 is EINVAL; subscription arrays outside memory are EOVERFLOW', async (t) => {
  const { x, mem } = await bound();
  mem.setU32(2000, 1234);
  t.is(x.call_poll_oneoff(0, 1000, 0, 2000), E.INVAL);
  t.is(mem.u32(2000), 1234);
  t.is(x.call_poll_oneoff(65536 - 40, 1000, 1, 2000), E.OVERFLOW);
  t.is(x.call_poll_oneoff(0, 65536 - 16, 1, 2000), E.OVERFLOW);
  t.is(x.call_poll_oneoff(0, 1000, 0x10000000, 2000), E.OVERFLOW);
});

test('poll_oneoff: fd subscriptions on stdio files are ready at once, with the bytes left to read', async (t) => {
  const s = scratch();
  try {
    const input = s.file('in', '0123456789', 'r');
    const out = s.file('out');
    const { x, mem } = await bound({ stdin: input.fd, stdout: out.fd });
    mem.iovs(3000, [[3100, 4]]);
    t.is(x.call_fd_read(0, 3000, 1, 3200), E.SUCCESS);
    fdSub(mem, 0, { userdata: 11n, fd: 0 });
    fdSub(mem, 48, { userdata: 12n, fd: 1, write: true });
    clockSub(mem, 96, { userdata: 13n, id: 1, timeout: 60n * 1000000000n });
    fdSub(mem, 144, { userdata: 14n, fd: 77 });
    t.is(x.call_poll_oneoff(0, 1000, 4, 2000), E.SUCCESS);
    t.is(mem.u32(2000), 3);
    const got = events(mem, 1000, 3).sort((a, b) => Number(a.userdata - b.userdata));
    t.deepEqual(got, [
      { userdata: 11n, error: 0, type: 1, nbytes: 6n, flags: 0 },
      { userdata: 12n, error: 0, type: 2, nbytes: 0n, flags: 0 },
      { userdata: 14n, error: E.BADF, type: 1, nbytes: 0n, flags: 0 },
    ]);
  } finally {
    s.done();
  }
});

test('poll_oneoff, version unstable: the clock subscription has its 56-byte layout', async (t) => {
  const { x, mem } = await bound({ version: 'unstable' });
  clockSub(mem, 0, { userdata: 21n, id: 1, timeout: 60n * 1000000000n, unstable: true });
  clockSub(mem, 56, { userdata: 22n, id: 1, timeout: 1000n, unstable: true });
  t.is(x.call_poll_oneoff(0, 1000, 2, 2000), E.SUCCESS);
  t.is(mem.u32(2000), 1);
  t.deepEqual(events(mem, 1000, 1), [clockEvent(22n)]);
});

// sock_* on things that are not sockets (real sockets are in core-stdio.spec.js).

test('sock_* on a regular file and /dev/null: ENOTSOCK; on a closed fd: EBADF', async (t) => {
  const s = scratch();
  try {
    const f = s.file('f', 'data');
    const devnull = s.open('/dev/null', 'r+');
    const { x, mem } = await bound({ stdin: devnull, stdout: f.fd });
    mem.iovs(0, [[1000, 4]]);
    for (const fd of [0, 1]) {
      t.is(x.call_sock_accept(fd, 0, 100), E.NOTSOCK, `accept ${fd}`);
      t.is(x.call_sock_recv(fd, 0, 1, 0, 100, 104), E.NOTSOCK, `recv ${fd}`);
      t.is(x.call_sock_send(fd, 0, 1, 0, 100), E.NOTSOCK, `send ${fd}`);
      t.is(x.call_sock_shutdown(fd, 3), E.NOTSOCK, `shutdown ${fd}`);
    }
    t.is(x.call_fd_close(0), E.SUCCESS);
    t.is(x.call_sock_accept(0, 0, 100), E.BADF);
    t.is(x.call_sock_recv(0, 0, 1, 0, 100, 104), E.BADF);
    t.is(x.call_sock_send(0, 0, 1, 0, 100), E.BADF);
    t.is(x.call_sock_shutdown(0, 3), E.BADF);
    t.is(x.call_sock_accept(1, 0x10, 100), E.INVAL, 'unknown accept flags');
    t.is(x.call_sock_shutdown(1, 0), E.INVAL, 'no shutdown direction');
  } finally {
    s.done();
  }
});
