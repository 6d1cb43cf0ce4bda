'use strict';
// The JavaScript side of every import function: a named function with the WASI arity as its
// formal parameter count, calling the native template with the receiver it is bound to (the
// instance handle). Written out (not made with new Function) so loading costs no compilation;
// index.js checks the names and arities against the native templates. A call with another
// argument count is passed on unchanged, so the native side answers EINVAL as node:wasi does.
/* eslint-disable camelcase, prefer-rest-params */

const call = Function.prototype.call.bind(Function.prototype.call);
const apply = Reflect.apply;

/** Returns the wrappers by name around the native functions in `n` (by name). */
module.exports = function wrapImports(n) {
  const args_get$ = n.args_get;
  const args_sizes_get$ = n.args_sizes_get;
  const clock_res_get$ = n.clock_res_get;
  const clock_time_get$ = n.clock_time_get;
  const environ_get$ = n.environ_get;
  const environ_sizes_get$ = n.environ_sizes_get;
  const fd_advise$ = n.fd_advise;
  const fd_allocate$ = n.fd_allocate;
  const fd_close$ = n.fd_close;
  const fd_datasync$ = n.fd_datasync;
  const fd_fdstat_get$ = n.fd_fdstat_get;
  const fd_fdstat_set_flags$ = n.fd_fdstat_set_flags;
  const fd_fdstat_set_rights$ = n.fd_fdstat_set_rights;
  const fd_filestat_get$ = n.fd_filestat_get;
  const fd_filestat_set_size$ = n.fd_filestat_set_size;
  const fd_filestat_set_times$ = n.fd_filestat_set_times;
  const fd_pread$ = n.fd_pread;
  const fd_prestat_get$ = n.fd_prestat_get;
  const fd_prestat_dir_name$ = n.fd_prestat_dir_name;
  const fd_pwrite$ = n.fd_pwrite;
  const fd_read$ = n.fd_read;
  const fd_readdir$ = n.fd_readdir;
  const fd_renumber$ = n.fd_renumber;
  const fd_seek$ = n.fd_seek;
  const fd_sync$ = n.fd_sync;
  const fd_tell$ = n.fd_tell;
  const fd_write$ = n.fd_write;
  const path_create_directory$ = n.path_create_directory;
  const path_filestat_get$ = n.path_filestat_get;
  const path_filestat_set_times$ = n.path_filestat_set_times;
  const path_link$ = n.path_link;
  const path_open$ = n.path_open;
  const path_readlink$ = n.path_readlink;
  const path_remove_directory$ = n.path_remove_directory;
  const path_rename$ = n.path_rename;
  const path_symlink$ = n.path_symlink;
  const path_unlink_file$ = n.path_unlink_file;
  const poll_oneoff$ = n.poll_oneoff;
  const proc_exit$ = n.proc_exit;
  const proc_raise$ = n.proc_raise;
  const random_get$ = n.random_get;
  const sched_yield$ = n.sched_yield;
  const sock_accept$ = n.sock_accept;
  const sock_recv$ = n.sock_recv;
  const sock_send$ = n.sock_send;
  const sock_shutdown$ = n.sock_shutdown;
  return {
    args_get: function args_get(a0, a1) {
      return arguments.length === 2
        ? call(args_get$, this, a0, a1)
        : apply(args_get$, this, arguments);
    },
    args_sizes_get: function args_sizes_get(a0, a1) {
      return arguments.length === 2
        ? call(args_sizes_get$, this, a0, a1)
        : apply(args_sizes_get$, this, arguments);
    },
    clock_res_get: function clock_res_get(a0, a1) {
      return arguments.length === 2
        ? call(clock_res_get$, this, a0, a1)
        : apply(clock_res_get$, this, arguments);
    },
    clock_time_get: function clock_time_get(a0, a1, a2) {
      return arguments.length === 3
        ? call(clock_time_get$, this, a0, a1, a2)
        : apply(clock_time_get$, this, arguments);
    },
    environ_get: function environ_get(a0, a1) {
      return arguments.length === 2
        ? call(environ_get$, this, a0, a1)
        : apply(environ_get$, this, arguments);
    },
    environ_sizes_get: function environ_sizes_get(a0, a1) {
      return arguments.length === 2
        ? call(environ_sizes_get$, this, a0, a1)
        : apply(environ_sizes_get$, this, arguments);
    },
    fd_advise: function fd_advise(a0, a1, a2, a3) {
      return arguments.length === 4
        ? call(fd_advise$, this, a0, a1, a2, a3)
        : apply(fd_advise$, this, arguments);
    },
    fd_allocate: function fd_allocate(a0, a1, a2) {
      return arguments.length === 3
        ? call(fd_allocate$, this, a0, a1, a2)
        : apply(fd_allocate$, this, arguments);
    },
    fd_close: function fd_close(a0) {
      return arguments.length === 1
        ? call(fd_close$, this, a0)
        : apply(fd_close$, this, arguments);
    },
    fd_datasync: function fd_datasync(a0) {
      return arguments.length === 1
        ? call(fd_datasync$, this, a0)
        : apply(fd_datasync$, this, arguments);
    },
    fd_fdstat_get: function fd_fdstat_get(a0, a1) {
      return arguments.length === 2
        ? call(fd_fdstat_get$, this, a0, a1)
        : apply(fd_fdstat_get$, this, arguments);
    },
    fd_fdstat_set_flags: function fd_fdstat_set_flags(a0, a1) {
      return arguments.length === 2
        ? call(fd_fdstat_set_flags$, this, a0, a1)
        : apply(fd_fdstat_set_flags$, this, arguments);
    },
    fd_fdstat_set_rights: function fd_fdstat_set_rights(a0, a1, a2) {
      return arguments.length === 3
        ? call(fd_fdstat_set_rights$, this, a0, a1, a2)
        : apply(fd_fdstat_set_rights$, this, arguments);
    },
    fd_filestat_get: function fd_filestat_get(a0, a1) {
      return arguments.length === 2
        ? call(fd_filestat_get$, this, a0, a1)
        : apply(fd_filestat_get$, this, arguments);
    },
    fd_filestat_set_size: function fd_filestat_set_size(a0, a1) {
      return arguments.length === 2
        ? call(fd_filestat_set_size$, this, a0, a1)
        : apply(fd_filestat_set_size$, this, arguments);
    },
    fd_filestat_set_times: function fd_filestat_set_times(a0, a1, a2, a3) {
      return arguments.length === 4
        ? call(fd_filestat_set_times$, this, a0, a1, a2, a3)
        : apply(fd_filestat_set_times$, this, arguments);
    },
    fd_pread: function fd_pread(a0, a1, a2, a3, a4) {
      return arguments.length === 5
        ? call(fd_pread$, this, a0, a1, a2, a3, a4)
        : apply(fd_pread$, this, arguments);
    },
    fd_prestat_get: function fd_prestat_get(a0, a1) {
      return arguments.length === 2
        ? call(fd_prestat_get$, this, a0, a1)
        : apply(fd_prestat_get$, this, arguments);
    },
    fd_prestat_dir_name: function fd_prestat_dir_name(a0, a1, a2) {
      return arguments.length === 3
        ? call(fd_prestat_dir_name$, this, a0, a1, a2)
        : apply(fd_prestat_dir_name$, this, arguments);
    },
    fd_pwrite: function fd_pwrite(a0, a1, a2, a3, a4) {
      return arguments.length === 5
        ? call(fd_pwrite$, this, a0, a1, a2, a3, a4)
        : apply(fd_pwrite$, this, arguments);
    },
    fd_read: function fd_read(a0, a1, a2, a3) {
      return arguments.length === 4
        ? call(fd_read$, this, a0, a1, a2, a3)
        : apply(fd_read$, this, arguments);
    },
    fd_readdir: function fd_readdir(a0, a1, a2, a3, a4) {
      return arguments.length === 5
        ? call(fd_readdir$, this, a0, a1, a2, a3, a4)
        : apply(fd_readdir$, this, arguments);
    },
    fd_renumber: function fd_renumber(a0, a1) {
      return arguments.length === 2
        ? call(fd_renumber$, this, a0, a1)
        : apply(fd_renumber$, this, arguments);
    },
    fd_seek: function fd_seek(a0, a1, a2, a3) {
      return arguments.length === 4
        ? call(fd_seek$, this, a0, a1, a2, a3)
        : apply(fd_seek$, this, arguments);
    },
    fd_sync: function fd_sync(a0) {
      return arguments.length === 1
        ? call(fd_sync$, this, a0)
        : apply(fd_sync$, this, arguments);
    },
    fd_tell: function fd_tell(a0, a1) {
      return arguments.length === 2
        ? call(fd_tell$, this, a0, a1)
        : apply(fd_tell$, this, arguments);
    },
    fd_write: function fd_write(a0, a1, a2, a3) {
      return arguments.length === 4
        ? call(fd_write$, this, a0, a1, a2, a3)
        : apply(fd_write$, this, arguments);
    },
    path_create_directory: function path_create_directory(a0, a1, a2) {
      return arguments.length === 3
        ? call(path_create_directory$, this, a0, a1, a2)
        : apply(path_create_directory$, this, arguments);
    },
    path_filestat_get: function path_filestat_get(a0, a1, a2, a3, a4) {
      return arguments.length === 5
        ? call(path_filestat_get$, this, a0, a1, a2, a3, a4)
        : apply(path_filestat_get$, this, arguments);
    },
    path_filestat_set_times: function path_filestat_set_times(a0, a1, a2, a3, a4, a5, a6) {
      return arguments.length === 7
        ? call(path_filestat_set_times$, this, a0, a1, a2, a3, a4, a5, a6)
        : apply(path_filestat_set_times$, this, arguments);
    },
    path_link: function path_link(a0, a1, a2, a3, a4, a5, a6) {
      return arguments.length === 7
        ? call(path_link$, this, a0, a1, a2, a3, a4, a5, a6)
        : apply(path_link$, this, arguments);
    },
    path_open: function path_open(a0, a1, a2, a3, a4, a5, a6, a7, a8) {
      return arguments.length === 9
        ? call(path_open$, this, a0, a1, a2, a3, a4, a5, a6, a7, a8)
        : apply(path_open$, this, arguments);
    },
    path_readlink: function path_readlink(a0, a1, a2, a3, a4, a5) {
      return arguments.length === 6
        ? call(path_readlink$, this, a0, a1, a2, a3, a4, a5)
        : apply(path_readlink$, this, arguments);
    },
    path_remove_directory: function path_remove_directory(a0, a1, a2) {
      return arguments.length === 3
        ? call(path_remove_directory$, this, a0, a1, a2)
        : apply(path_remove_directory$, this, arguments);
    },
    path_rename: function path_rename(a0, a1, a2, a3, a4, a5) {
      return arguments.length === 6
        ? call(path_rename$, this, a0, a1, a2, a3, a4, a5)
        : apply(path_rename$, this, arguments);
    },
    path_symlink: function path_symlink(a0, a1, a2, a3, a4) {
      return arguments.length === 5
        ? call(path_symlink$, this, a0, a1, a2, a3, a4)
        : apply(path_symlink$, this, arguments);
    },
    path_unlink_file: function path_unlink_file(a0, a1, a2) {
      return arguments.length === 3
        ? call(path_unlink_file$, this, a0, a1, a2)
        : apply(path_unlink_file$, this, arguments);
    },
    poll_oneoff: function poll_oneoff(a0, a1, a2, a3) {
      return arguments.length === 4
        ? call(poll_oneoff$, this, a0, a1, a2, a3)
        : apply(poll_oneoff$, this, arguments);
    },
    proc_exit: function proc_exit(a0) {
      return arguments.length === 1
        ? call(proc_exit$, this, a0)
        : apply(proc_exit$, this, arguments);
    },
    proc_raise: function proc_raise(a0) {
      return arguments.length === 1
        ? call(proc_raise$, this, a0)
        : apply(proc_raise$, this, arguments);
    },
    random_get: function random_get(a0, a1) {
      return arguments.length === 2
        ? call(random_get$, this, a0, a1)
        : apply(random_get$, this, arguments);
    },
    sched_yield: function sched_yield() {
      return arguments.length === 0
        ? call(sched_yield$, this)
        : apply(sched_yield$, this, arguments);
    },
    sock_accept: function sock_accept(a0, a1, a2) {
      return arguments.length === 3
        ? call(sock_accept$, this, a0, a1, a2)
        : apply(sock_accept$, this, arguments);
    },
    sock_recv: function sock_recv(a0, a1, a2, a3, a4, a5) {
      return arguments.length === 6
        ? call(sock_recv$, this, a0, a1, a2, a3, a4, a5)
        : apply(sock_recv$, this, arguments);
    },
    sock_send: function sock_send(a0, a1, a2, a3, a4) {
      return arguments.length === 5
        ? call(sock_send$, this, a0, a1, a2, a3, a4)
        : apply(sock_send$, this, arguments);
    },
    sock_shutdown: function sock_shutdown(a0, a1) {
      return arguments.length === 2
        ? call(sock_shutdown$, this, a0, a1)
        : apply(sock_shutdown$, this, arguments);
    },
  };
};
