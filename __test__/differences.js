'use strict';
// THE list of intended differences between wasi-rs and node:wasi (the README table mirrors
// it). Differential tests look a difference up here by id: a mismatch that is not listed is
// a failure, and an id used by a test must exist here. Append new entries; keep ids stable.
//   id:   short kebab-case name used by the tests
//   what: the observable difference (node:wasi's behaviour -> wasi-rs's)
//   why:  the reason wasi-rs differs (spec, security, or a node:wasi defect)

module.exports = [
  {
    id: 'args-env-nul',
    what: 'A NUL byte inside an `args` entry or an `env` value is silently truncated by node:wasi; wasi-rs throws TypeError ERR_INVALID_ARG_VALUE, as child_process does.',
    why: 'A truncated argument is a silent data change.',
  },
  {
    id: 'proc-exit-256',
    what: 'proc_exit(256) with returnOnExit false exits node:wasi with status 0; wasi-rs exits with 1 (a non-zero code whose low 8 bits are 0 becomes 1).',
    why: 'A failure must not be reported as success.',
  },
  {
    id: 'stdio-duplicated',
    what: 'A guest fd_close(1) (or fd_renumber(x, 1)) closes the Node process\'s own stdout under node:wasi; under wasi-rs it closes the guest\'s duplicate only, and the host keeps printing.',
    why: 'The guest\'s fds 0-2 are its own duplicates of the host fds the stdio options name.',
  },
  {
    id: 'proc-raise',
    what: 'proc_raise with a real signal (TERM, USR1, KILL, …) is raised on the Node process by node:wasi (a guest can kill its host or open the inspector); wasi-rs returns ENOSYS for every signal and the process carries on.',
    why: 'A sandboxed guest must not signal its host; proc_raise is optional in WASI (wasmtime refuses it too). node:wasi already answers ENOSYS for `none` and unknown values, so only real signals differ.',
  },
  {
    id: 'stdio-pipe-filetype',
    what: 'A FIFO (e.g. stdin from a shell pipe) is reported as SOCKET_STREAM with socket rights by node:wasi; wasi-rs reports filetype UNKNOWN (WASI has no pipe type) and, as for every stream, ENOTSOCK from sock_* calls.',
    why: 'A pipe is not a socket: a guest that believes it is would call sock_* on it.',
  },
  {
    id: 'sandbox-symlink-escape',
    what: 'A symlink inside a preopen that leads outside it (middle component, final component without the follow flag, dangling target with O_CREAT, `s -> .` chains, a sibling `sandboxXYZ`) is followed by node:wasi; wasi-rs refuses with EPERM (absolute target) or ENOTCAPABLE, and a final symlink opened without LOOKUPFLAGS_SYMLINK_FOLLOW is not followed (ELOOP).',
    why: 'node:wasi checks path strings and lets the kernel follow symlinks the check never saw (its docs call it "not a secure sandbox"); wasi-rs resolves beneath the preopen handle, so no path reaches outside.',
  },
  {
    id: 'path-dotdot-reentry',
    what: '`../sandbox/file.txt` (leaves the preopen and comes back) opens under node:wasi; wasi-rs returns ENOTCAPABLE.',
    why: 'Resolution is beneath the preopen handle: a component may never climb above it, even to come back (as openat2 RESOLVE_BENEATH and cap-std do).',
  },
  {
    id: 'path-trailing-nul',
    what: 'A NUL byte inside path_len (trailing included) is cut off by node:wasi, which opens/unlinks the shorter name; wasi-rs returns EINVAL.',
    why: 'The guest named a different file than the one node:wasi touches; a NUL can never be part of a WASI path.',
  },
  {
    id: 'path-invalid-utf8',
    what: 'A path that is not valid UTF-8 is passed to the host by node:wasi (ENOENT, or a file created with that name); wasi-rs returns EILSEQ.',
    why: 'WASI paths are strings (UTF-8); the spec\'s errno for an illegal byte sequence is EILSEQ.',
  },
  {
    id: 'path-empty',
    what: 'An empty path gives EINVAL under node:wasi; wasi-rs returns ENOENT.',
    why: 'POSIX (and wasmtime) answer an empty path with ENOENT.',
  },
  {
    id: 'path-too-long',
    what: 'An 8 KiB path of `./` components is normalised and opened by node:wasi; wasi-rs returns ENAMETOOLONG.',
    why: 'Guest path lengths are capped before the host allocates or resolves (the kernel\'s PATH_MAX is 4096).',
  },
  {
    id: 'timestamps-nanoseconds',
    what: 'Times set with fd/path_filestat_set_times are stored by node:wasi in whole seconds; wasi-rs keeps the nanoseconds.',
    why: 'WASI timestamps are nanoseconds; the host (utimensat) keeps them.',
  },
  {
    id: 'readdir-dot-entries',
    what: 'fd_readdir under node:wasi omits `.` and `..`; wasi-rs lists them.',
    why: 'The spec\'s directory listing is the host\'s, `.` and `..` included (as wasmtime and POSIX readdir).',
  },
  {
    id: 'readdir-inode-zero',
    what: 'fd_readdir under node:wasi reports d_ino 0 for every entry; wasi-rs reports the real inode number.',
    why: 'Programs compare inodes (find, du, cp -a); 0 is not an inode.',
  },
  {
    id: 'readlink-short-buffer',
    what: 'path_readlink into a buffer shorter than the link text returns ENOBUFS under node:wasi; wasi-rs fills the buffer and reports the truncated length.',
    why: 'The spec and wasmtime truncate (readlink(2) semantics).',
  },
  {
    id: 'fdstat-flags-host-bits',
    what: 'fd_fdstat_get fs_flags under node:wasi carries host open(2) bits (0x8401 for O_APPEND on Linux); wasi-rs reports only WASI fdflags (APPEND = 1).',
    why: 'fs_flags is a WASI fdflags bit set; host bits are meaningless to the guest.',
  },
  {
    id: 'empty-path-at-memory-end',
    what: 'A zero-length path whose pointer is exactly the end of guest memory gives EOVERFLOW under node:wasi; wasi-rs reads the (valid, empty) range and returns ENOENT as for any empty path.',
    why: 'A zero-length range ending at the memory\'s end is in bounds; the empty path is then the error.',
  },
  {
    id: 'prestat-dir-name-short-buffer',
    what: 'fd_prestat_dir_name into a buffer shorter than the preopen name returns ENOBUFS under node:wasi; wasi-rs returns ENAMETOOLONG.',
    why: 'wasmtime (the reference runtime) answers ENAMETOOLONG; the guest asks fd_prestat_get for the exact length first.',
  },
  {
    id: 'symlink-final-nofollow',
    what: 'A symlink to a directory inside the preopen is opened by node:wasi without LOOKUPFLAGS_SYMLINK_FOLLOW; wasi-rs does not follow it (ENOTDIR with O_DIRECTORY, ELOOP otherwise).',
    why: 'The spec follows a final symlink only when the guest sets LOOKUPFLAGS_SYMLINK_FOLLOW (as wasmtime and O_NOFOLLOW do).',
  },
  {
    id: 'unstable-layouts',
    what: 'Under version "unstable" node:wasi uses the preview1 layouts; wasi-rs uses snapshot 0\'s: whence CUR=0 END=1 SET=2, a 56-byte filestat (nlink u32 at 20, size at 24), a 56-byte clock subscription.',
    why: 'wasi_unstable binaries are built against the snapshot-0 ABI; with the preview1 layouts they mis-seek, mis-read stat and mis-poll.',
  },
  {
    id: 'readdir-skips-after-unlink',
    what: 'Unlinking entries while listing a directory makes node:wasi skip entries that were never removed (its cookies are positions, which shift); wasi-rs returns every remaining entry exactly once.',
    why: 'POSIX readdir: an entry neither removed nor added during the listing is returned exactly once; `rm -r`-style loops rely on it.',
  },
  {
    id: 'unknown-flag-bits',
    what: 'path_open with oflags or fdflags bits the ABI does not define opens under node:wasi (the bits are ignored); wasi-rs returns EINVAL.',
    why: 'Undefined bits in a flags argument are invalid input (wasmtime rejects them with EINVAL too); ignoring them hides guest bugs.',
  },
  {
    id: 'set-times-einval-abort',
    what: 'path_filestat_set_times with both ATIM and ATIM_NOW (or MTIM and MTIM_NOW) returns EINVAL under node:wasi and leaves a lock held, so the process aborts (SIGABRT in uv_mutex_destroy) when the WASI object is destroyed; wasi-rs returns EINVAL and carries on.',
    why: 'Bad guest input must never crash the host process.',
  },
  {
    id: 'sock-shutdown-errno',
    what: 'sock_shutdown on any open fd returns ENOTSUP under node:wasi, a real socket included; wasi-rs shuts a socket down (0), returns ENOTSOCK for a non-socket and EINVAL for an empty or unknown `how` (EBADF for a closed fd under both).',
    why: 'The spec\'s sock_shutdown works on sockets; the errnos are the ones POSIX shutdown(2) gives.',
  },
  {
    id: 'sock-calls-crash',
    what: 'sock_accept, sock_recv and sock_send on stdio fds (a pipe, /dev/null, or the connected Unix sockets Node uses for a child\'s stdio) crash node:wasi (SIGSEGV); wasi-rs does the socket operation on a socket (EINVAL from accept on one that is not listening), returns ENOTSOCK on anything else, and the guest continues.',
    why: 'Bad guest input must never crash the host.',
  },
  {
    id: 'seek-on-stream',
    what: 'fd_seek, fd_tell, fd_pread and fd_pwrite on a pipe, socket or terminal return ENOTCAPABLE under node:wasi (its rights table has no seek right there); wasi-rs returns ESPIPE. (A character device that is not a terminal, such as /dev/null, holds the seek and tell rights under both, and the host answers.)',
    why: 'ESPIPE is the spec\'s (and POSIX\'s) errno for seeking something that cannot seek; wasmtime answers ESPIPE too.',
  },
  {
    id: 'prestat-non-preopen',
    what: 'fd_prestat_get on an open fd that is not a preopen (stdio, an opened file) returns EINVAL under node:wasi; wasi-rs returns EBADF.',
    why: 'The spec and wasmtime answer EBADF, and wasi-libc\'s preopen scan stops at EBADF.',
  },
  {
    id: 'fdstat-set-flags-unsupported',
    what: 'fd_fdstat_set_flags with DSYNC, RSYNC or SYNC, or with bits fdflags does not define, succeeds under node:wasi without doing anything; wasi-rs returns ENOTSUP for the sync flags and EINVAL for unknown bits, and changes nothing.',
    why: 'The sync flags can only be chosen at open time on the hosts we support, so claiming success would be false; unknown bits are invalid input (wasmtime rejects them too).',
  },
  {
    id: 'zero-length-range-at-memory-end',
    what: 'A zero-length buffer whose pointer is exactly the end of guest memory (random_get(memory_size, 0), an empty iovec there) gives EOVERFLOW under node:wasi; wasi-rs accepts the empty range.',
    why: 'The range [end, end) lies inside memory; wasmtime accepts it too.',
  },
  {
    id: 'unstable-sock-accept',
    what: 'Under version "unstable" node:wasi\'s wasiImport also has sock_accept (46 functions); wasi-rs\'s has the 45 functions snapshot 0 defines.',
    why: 'sock_accept was added in preview1; wasi_unstable never had it.',
  },
  {
    id: 'poll-nbytes',
    what: 'An fd_read event from poll_oneoff on a pipe or socket reports nbytes 0 under node:wasi; wasi-rs reports the bytes waiting to be read (FIONREAD; for a regular file, size minus position).',
    why: 'The spec defines nbytes as the number of bytes available for reading.',
  },
  {
    id: 'poll-absolute-past',
    what: 'A clock subscription with SUBSCRIPTION_CLOCK_ABSTIME and a deadline already past makes node:wasi wait (practically) forever; wasi-rs reports the clock event at once.',
    why: 'A deadline that has passed is due now; the wait must not wrap around.',
  },
  {
    id: 'path-dotdot-above-dirfd',
    what: 'From a directory fd the guest opened inside a preopen, `../x` is resolved by node:wasi against the preopen (it opens a sibling); wasi-rs returns ENOTCAPABLE.',
    why: 'In WASI every directory fd is a capability of its own: a path is resolved beneath the fd it is given, never above it (as wasmtime does).',
  },
  {
    id: 'hostcall-caps',
    what: 'node:wasi moves every iovec and byte a read/write asks for, takes any poll_oneoff count (2^28 subscriptions hang it) and any number of open fds; wasi-rs moves at most 1024 iovecs and 64 MiB per call (a short transfer, as POSIX allows), refuses more than 16384 subscriptions (EINVAL) and more than 16384 open fds (EMFILE). See the README\'s hostcall limits.',
    why: 'A guest must not make the host allocate or block without bound in one call.',
  },
  {
    id: 'worker-terminate-blocked',
    what: 'A Worker whose guest sleeps in poll_oneoff or blocks reading a pipe cannot be terminated under node:wasi until the call returns; under wasi-rs worker.terminate() ends it within about 50 ms (the interrupted call returns EINTR to a guest that is being stopped anyway).',
    why: 'Blocking calls wait in slices and check for environment teardown between them.',
  },
  {
    id: 'js-import-functions',
    what: 'Called from JavaScript, node:wasi\'s proc_exit (with returnOnExit) accepts any value and start() returns it unchanged, and its name is `bound wasiReturnOnProcExit`; wasi-rs\'s proc_exit returns EINVAL (28) for a value that is not a Number, like every other import, and is named `bound proc_exit`. Keys, order, arities and the other 45 names are the same. node:wasi\'s import functions are bound functions (`toString()` gives `function () { [native code] }`); wasi-rs\'s are plain functions with the same names and arities, so `toString()` shows their JavaScript. An extra argument that is `undefined` (`fd_close(3, undefined)`) is not noticed by wasi-rs; node:wasi answers EINVAL for any extra argument.',
    why: 'From wasm the argument is always an i32, so only hand-made JS calls see it; one rule for every import is simpler, and the name says what the function is. Plain functions are what make a call cheap: wasm calls them directly, and they hand the arguments to Rust through a shared block instead of one Node-API call each. Counting arguments would allocate an arguments object per call until V8 optimizes the function (thousands of calls in); wasm never passes extra arguments.',
  },
  {
    id: 'preopen-host-nul',
    what: 'A preopen host path containing a NUL byte is cut at the NUL by node:wasi (it opens the shorter path, or fails with UVWASI_ENOENT); wasi-rs fails construction with UVWASI_EINVAL.',
    why: 'Opening a different directory than the one named is a silent change of the sandbox root.',
  },
  {
    id: 'trace-node24-fast-calls',
    what: 'With NODE_DEBUG_NATIVE=wasi, node:wasi on Node 24 prints no line for 8 calls (fd_advise, fd_filestat_set_times, fd_pread, fd_pwrite, fd_readdir, fd_seek, path_filestat_set_times, path_open; Node 20 and 22 print them); wasi-rs prints node:wasi\'s line for every call on every Node version.',
    why: 'A trace that drops calls misleads; the lines are node:wasi\'s own format, so Node 20/22 traces still diff clean.',
  },
];
