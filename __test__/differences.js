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
    what: 'A guest fd_close(1) or fd_renumber(x, 1) closes the Node process\'s own stdout under node:wasi; under wasi-rs the guest\'s fds 0-2 are duplicates of the host fds.',
    why: 'A guest must not be able to break its host.',
  },
  {
    id: 'proc-raise',
    what: 'proc_raise raises the signal in the Node process under node:wasi; wasi-rs returns ENOSYS.',
    why: 'A guest must not be able to kill its host.',
  },
  {
    id: 'stdio-pipe-filetype',
    what: 'A pipe on stdio is reported as a socket by node:wasi (and sock_accept on it crashes the process); wasi-rs reports filetype unknown and sock_* on a non-socket is ENOTSOCK.',
    why: 'The spec\'s unknown is the honest type, and no input may crash the process.',
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
];
