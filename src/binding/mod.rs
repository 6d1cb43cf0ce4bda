//! The only code that knows Node-API. It builds an instance (`createHost`): the Rust `Ctx`,
//! a slot in the environment's instance table, an External handle that owns the instance,
//! and, through lib/imports.js, the instance's 46 import functions; binds guest memory
//! (`bindMemory`); and runs each syscall. No panic crosses into Node: each syscall runs under
//! `catch_unwind` and a panic becomes a thrown JS Error.
//!
//! The call path (see imports.rs and lib/imports.js): per Node environment there is one set of
//! native functions, carrying the environment's `EnvState`, and one argument block (a small
//! ArrayBuffer). An instance's wrappers write its slot and the arguments into the block and
//! call the native function with no arguments; it reads them back, and leaves the errno there.
//!
//! Guest memory: the instance keeps the window (data pointer, length) of the memory's buffer
//! it was last handed. For an ordinary memory the wrappers check before every call that this
//! buffer still has the length it had then (growth detaches it, making its length 0) and hand
//! over the new one first, so the window is never stale when a syscall runs. A shared memory's
//! buffer never moves but another thread may grow it: a range past the window asks
//! JavaScript for a new view once.
//!
//! Lifetime: the instance is owned by its handle (an External) and released by the handle's
//! finalizer, so the host fds close when it is garbage collected (or when the environment,
//! e.g. a Worker, is torn down). The wrappers of an instance keep its handle alive.
//!
//! The module declares Node-API's experimental module version
//! (`node_api_module_get_api_version_v1`), under which Node 20, 22 and 24 run an addon's
//! finalizers from the garbage collector itself instead of queueing them for a later turn of
//! the event loop. An instance collected in the middle of a synchronous loop therefore closes
//! its host fds and frees its native state at once, as node:wasi's do (its instances are
//! freed from V8's weak callbacks); with queued finalizers, a loop making 10,000 instances
//! held all their fds until it returned. The cost of that mode is its rule: a finalizer run
//! from GC may only call the Node-API functions that do not touch the JS heap (Node aborts
//! otherwise). `release_instance` frees Rust state, closes fds and deletes at most one
//! reference (`napi_delete_reference`, allowed there), and nothing else in this addon has a
//! finalizer.

mod imports;
mod inspect;
mod trace;

use crate::abi::{Errno, Version};
use crate::ctx::{open_preopen, Ctx, Preopen, StdioFile};
use crate::memory::GuestMemory;
use crate::syscalls::SysResult;
use napi::bindgen_prelude::*;
use napi::sys;
use napi_derive::napi;
use std::cell::{Cell, RefCell};
use std::ffi::c_void;
#[cfg(unix)]
use std::fs::File;
#[cfg(unix)]
use std::os::fd::{AsFd, BorrowedFd};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;
use std::rc::Rc;
#[cfg(unix)]
use std::sync::{Arc, Mutex, Weak};

pub(crate) struct Instance {
    ctx: RefCell<Ctx>,
    env: sys::napi_env,
    /// The window of the memory buffer last handed over by `bindMemory`; `None` until bound.
    window: Cell<Option<(*mut u8, usize)>>,
    /// Whether the memory is shared (its copies are atomic; its window may grow).
    shared: Cell<bool>,
    /// For a shared memory: returns a Uint8Array over its current buffer (Node-API reads
    /// SharedArrayBuffers only through views). Null otherwise.
    refresh: Cell<sys::napi_ref>,
    /// The environment's instance table and this instance's slot in it.
    slots: Rc<Slots>,
    slot: Cell<u32>,
    /// Whether any trace is on: the one branch tracing costs when it is off.
    tracing: bool,
    trace_mode: trace::Mode,
}

impl Drop for Instance {
    fn drop(&mut self) {
        let r = self.refresh.get();
        if !r.is_null() {
            // SAFETY: the ref was created on `self.env`, which is still alive while its
            // finalizers run.
            unsafe { sys::napi_delete_reference(self.env, r) };
        }
    }
}

unsafe fn ref_value(env: sys::napi_env, r: sys::napi_ref) -> sys::napi_value {
    let mut v = ptr::null_mut();
    // SAFETY: `r` is a live reference created on `env`.
    unsafe { sys::napi_get_reference_value(env, r, &mut v) };
    v
}

/// `(data, length)` of an ArrayBuffer (`shared == false`) or of a Uint8Array view.
#[inline(always)]
unsafe fn buffer_window(
    env: sys::napi_env,
    value: sys::napi_value,
    shared: bool,
) -> Option<(*mut u8, usize)> {
    if shared {
        // SAFETY: forwarded contract: `value` is a live Uint8Array handle.
        return unsafe { typedarray_window(env, value) };
    }
    let mut len = 0usize;
    let mut data = ptr::null_mut();
    // SAFETY: `value` is a live ArrayBuffer handle.
    let st = unsafe { sys::napi_get_arraybuffer_info(env, value, &mut data, &mut len) };
    (st == sys::Status::napi_ok).then_some((data as *mut u8, len))
}

/// A window with a null data pointer (a zero-length buffer) as an empty dangling one.
fn nonnull((p, len): (*mut u8, usize)) -> (*mut u8, usize) {
    if p.is_null() {
        (ptr::NonNull::dangling().as_ptr(), 0)
    } else {
        (p, len)
    }
}

unsafe fn typedarray_window(env: sys::napi_env, view: sys::napi_value) -> Option<(*mut u8, usize)> {
    let mut len = 0usize;
    let mut data = ptr::null_mut();
    // SAFETY: `view` is a live Uint8Array handle.
    let st = unsafe {
        sys::napi_get_typedarray_info(
            env,
            view,
            ptr::null_mut(),
            &mut len,
            &mut data,
            ptr::null_mut(),
            ptr::null_mut(),
        )
    };
    (st == sys::Status::napi_ok).then_some((data as *mut u8, len))
}

impl Instance {
    /// Asks JavaScript for a view of a shared memory's current buffer and keeps its window.
    #[cold]
    fn refresh_window(&self, env: sys::napi_env) -> Option<(*mut u8, usize)> {
        let f = self.refresh.get();
        if f.is_null() {
            return None;
        }
        // SAFETY: `f` is a live reference to the refresh function; it takes no arguments
        // and only reads `memory.buffer`. The window stays valid while the memory lives:
        // a shared memory's buffer never moves, and the wrappers hold the memory.
        unsafe {
            let func = ref_value(env, f);
            let mut undefined = ptr::null_mut();
            sys::napi_get_undefined(env, &mut undefined);
            let mut view = ptr::null_mut();
            if sys::napi_call_function(env, undefined, func, 0, ptr::null(), &mut view)
                != sys::Status::napi_ok
            {
                return None;
            }
            let w = nonnull(typedarray_window(env, view)?);
            self.window.set(Some(w));
            Some(w)
        }
    }

    /// Runs one syscall. `Some(errno)` for the guest; `None` when a JS exception is pending.
    /// `args` are the call's raw arguments, used only when tracing.
    #[inline(always)]
    fn run<const N: usize>(
        &self,
        env: sys::napi_env,
        name: &'static str,
        args: [u64; N],
        f: impl FnOnce(&mut Ctx, &GuestMemory) -> SysResult,
    ) -> Option<u16> {
        if self.tracing {
            return self.run_traced(env, name, &args, f);
        }
        self.run_plain(env, f)
    }

    /// `run` with a trace line (see `trace`): node:wasi's before the call, or the decoded
    /// one after it.
    #[cold]
    #[inline(never)]
    fn run_traced(
        &self,
        env: sys::napi_env,
        name: &'static str,
        args: &[u64],
        f: impl FnOnce(&mut Ctx, &GuestMemory) -> SysResult,
    ) -> Option<u16> {
        match self.trace_mode {
            trace::Mode::Node => {
                trace::node_line(name, args);
                self.run_plain(env, f)
            }
            trace::Mode::Decoded => self.run_plain(env, |ctx, mem| {
                let line = trace::describe_call(name, args, mem, ctx.version);
                let result = f(ctx, mem);
                let errno = match &result {
                    Ok(()) => 0,
                    Err(e) => e.0,
                };
                trace::finish(line, name, args, mem, ctx.version, errno);
                result
            }),
        }
    }

    #[inline(always)]
    fn run_plain(
        &self,
        env: sys::napi_env,
        f: impl FnOnce(&mut Ctx, &GuestMemory) -> SysResult,
    ) -> Option<u16> {
        let Some((base, len)) = self.window.get() else {
            throw_code(
                env,
                "ERR_WASI_NOT_STARTED",
                "wasi.start() has not been called",
            );
            return None;
        };
        // A shared memory grown by another thread: a range past the window asks once for
        // the current buffer (an ordinary memory's window is current; see the module docs).
        let asked = Cell::new(false);
        let refresh = || {
            if asked.replace(true) {
                return None;
            }
            self.refresh_window(env)
        };
        let shared = self.shared.get();
        // SAFETY: the window is the memory's live buffer for the duration of this call (no
        // JS runs during a syscall except the refresher, which returns a new live window).
        let mem = unsafe {
            GuestMemory::new(
                base,
                len,
                if shared {
                    Some(&refresh as &dyn Fn() -> Option<(*mut u8, usize)>)
                } else {
                    None
                },
            )
        };
        let interrupt = || terminating(env);
        let mem = mem.with_shared(shared).with_interrupt(&interrupt);
        let Ok(mut ctx) = self.ctx.try_borrow_mut() else {
            // Re-entered from inside a syscall: impossible from wasm, refused from JS.
            return Some(Errno::EBUSY.0);
        };
        match catch_unwind(AssertUnwindSafe(|| f(&mut ctx, &mem))) {
            Ok(Ok(())) => Some(0),
            Ok(Err(e)) => Some(e.0),
            Err(_) => {
                throw_code(
                    env,
                    "ERR_WASI_RS_PANIC",
                    "wasi-rs: internal error in a syscall",
                );
                None
            }
        }
    }

    fn trace_exit(&self, code: u32) {
        if self.tracing && self.trace_mode == trace::Mode::Decoded {
            trace::exit_line(code);
        }
    }
}

/// Whether this environment is being torn down (`worker.terminate()`, process exit). Node
/// then refuses every Node-API call that could run JavaScript (`napi_pending_exception`, or
/// `napi_cannot_run_js` for experimental-version modules), which makes one such call, a
/// boolean coercion of `undefined`, a cheap probe that works from inside a blocked syscall.
/// Blocking calls ask it between wait slices; once they return, V8's pending termination
/// stops the guest at its next call or loop edge.
fn terminating(env: sys::napi_env) -> bool {
    // SAFETY: plain Node-API calls on the live env of this syscall, handles in its scope.
    unsafe {
        let mut undefined = ptr::null_mut();
        sys::napi_get_undefined(env, &mut undefined);
        let mut out = ptr::null_mut();
        sys::napi_coerce_to_bool(env, undefined, &mut out) != sys::Status::napi_ok
    }
}

fn throw_code(env: sys::napi_env, code: &str, msg: &str) {
    // SAFETY: creating strings and an error in the current scope, then throwing it.
    unsafe {
        let mut c = ptr::null_mut();
        let mut m = ptr::null_mut();
        sys::napi_create_string_utf8(env, code.as_ptr().cast(), code.len() as isize, &mut c);
        sys::napi_create_string_utf8(env, msg.as_ptr().cast(), msg.len() as isize, &mut m);
        let mut err = ptr::null_mut();
        sys::napi_create_error(env, c, m, &mut err);
        sys::napi_throw(env, err);
    }
}

/// The environment's instance table: slot -> instance, for the callbacks (lib/imports.js
/// writes the slot into the argument block). A slot is taken at creation and freed by the
/// handle's finalizer; instances hold the table by `Rc`, so it outlives them all.
pub(crate) struct Slots {
    table: RefCell<Vec<*const Instance>>,
    free: RefCell<Vec<u32>>,
}

impl Slots {
    fn insert(&self, inst: *const Instance) -> u32 {
        let mut table = self.table.borrow_mut();
        match self.free.borrow_mut().pop() {
            Some(slot) => {
                table[slot as usize] = inst;
                slot
            }
            None => {
                table.push(inst);
                (table.len() - 1) as u32
            }
        }
    }

    fn remove(&self, slot: u32) {
        if let Some(entry) = self.table.borrow_mut().get_mut(slot as usize) {
            *entry = ptr::null();
            self.free.borrow_mut().push(slot);
        }
    }

    /// The instance in `slot`, if any.
    ///
    /// # Safety
    /// The caller must not keep the reference past the current callback (the instance
    /// lives at least as long as the handle of the wrapper making the call).
    #[inline(always)]
    unsafe fn get<'a>(&self, slot: u32) -> Option<&'a Instance> {
        let p = *self.table.borrow().get(slot as usize)?;
        // SAFETY: non-null entries are live instances (see the type's docs).
        (!p.is_null()).then(|| unsafe { &*p })
    }
}

/// Node-API's module version hook: `NAPI_VERSION_EXPERIMENTAL` (`i32::MAX`), so Node runs this
/// addon's finalizers from GC (see the module docs). Node versions without the hook ignore it
/// and queue finalizers as before.
#[no_mangle]
pub extern "C" fn node_api_module_get_api_version_v1() -> i32 {
    i32::MAX
}

/// The type tag of instance handles: `bindMemory` accepts no other External.
static INSTANCE_TAG: sys::napi_type_tag = sys::napi_type_tag {
    lower: 0x7761_7369_2d72_7331, // "wasi-rs1"
    upper: 0x696e_7374_616e_6365, // "instance"
};

unsafe extern "C" fn release_instance(_env: sys::napi_env, data: *mut c_void, _hint: *mut c_void) {
    // SAFETY: `data` is the one count of an `Rc<Instance>` handed out by `create_host`.
    let inst = unsafe { Rc::from_raw(data as *const Instance) };
    inst.slots.remove(inst.slot.get());
    drop(inst);
}

fn check(st: sys::napi_status) -> Result<()> {
    if st == sys::Status::napi_ok {
        Ok(())
    } else {
        Err(Error::new(
            Status::from(st),
            "Node-API call failed".to_string(),
        ))
    }
}

// Windows: Node's fds are C runtime fds; the handle behind one is duplicated instead.
#[cfg(windows)]
#[path = "stdio_windows.rs"]
mod stdio_windows;
#[cfg(windows)]
use stdio_windows::stdio_file;

/// The duplicates of host stdio fds that instances hold, so that instances naming the same
/// host fd share one duplicate and constructing many instances does not cost three fds each
/// until they are collected.
#[cfg(unix)]
static STDIO: Mutex<Vec<SharedStdio>> = Mutex::new(Vec::new());

/// A duplicate of host fd `fd`, made when `fd` named the file `id`, with what the guest is
/// told about it (its filetype, and whether the description was in append mode then).
#[cfg(unix)]
struct SharedStdio {
    fd: i32,
    id: FileId,
    dup: Weak<File>,
    filetype: u8,
    append: bool,
    tty: bool,
}

/// (device, inode) of an open fd, and for a regular file the offset of its open file
/// description.
#[cfg(unix)]
type FileId = (u64, u64);

#[cfg(unix)]
fn file_id(fd: BorrowedFd<'_>) -> std::result::Result<(FileId, Option<u64>), Errno> {
    let st = rustix::fs::fstat(fd).map_err(crate::host::errno)?;
    let regular =
        rustix::fs::FileType::from_raw_mode(st.st_mode) == rustix::fs::FileType::RegularFile;
    let offset = if regular {
        rustix::fs::tell(fd).ok()
    } else {
        None
    };
    Ok(((st.st_dev as u64, st.st_ino as u64), offset))
}

/// Whether fds `a` and `b` of this process name the same open file description (Linux's
/// kcmp, one syscall). None when the kernel cannot say (no kcmp, or it is not permitted, or
/// an fd is not open): the caller then compares what fstat shows.
#[cfg(target_os = "linux")]
fn same_description(pid: i32, a: i32, b: i32) -> Option<bool> {
    const KCMP_FILE: libc::c_long = 0;
    // SAFETY: kcmp only compares two fd numbers of this process; it reads no memory of ours.
    let r = unsafe {
        libc::syscall(
            libc::SYS_kcmp,
            pid as libc::c_long,
            pid as libc::c_long,
            KCMP_FILE,
            a as libc::c_long,
            b as libc::c_long,
        )
    };
    (r >= 0).then_some(r == 0)
}

/// A duplicate (close-on-exec) of host fd `fd` for an instance's stdio, so the guest never
/// holds the Node process's own fd: the one other instances already hold when `fd` still
/// names the same open file description (Linux asks the kernel directly; elsewhere the same
/// file and, for a regular file, a description at the same offset), else a new one. EBADF
/// when `fd` is not open. `pid` is this process's id.
#[cfg(unix)]
fn stdio_file(fd: i32, pid: i32) -> std::result::Result<StdioFile, Errno> {
    if fd < 0 {
        return Err(Errno::EBADF);
    }
    let mut cache = STDIO.lock().unwrap_or_else(|e| e.into_inner());
    cache.retain(|s| s.dup.strong_count() > 0);
    let shared = cache
        .iter()
        .find(|s| s.fd == fd)
        .and_then(|s| Some((s.id, s.dup.upgrade()?, s.filetype, s.append, s.tty)));
    let reuse = |(file, filetype, append, tty)| StdioFile {
        file,
        filetype,
        append,
        tty,
    };
    #[cfg(target_os = "linux")]
    if let Some((_, dup, filetype, append, tty)) = &shared {
        use std::os::fd::AsRawFd;
        if same_description(pid, fd, dup.as_raw_fd()) == Some(true) {
            return Ok(reuse((Arc::clone(dup), *filetype, *append, *tty)));
        }
    }
    let _ = pid;
    // SAFETY: the fd number is only borrowed for the fstat/lseek/fcntl calls below; an fd
    // that is not open makes them fail with EBADF, which is reported.
    let host = unsafe { BorrowedFd::borrow_raw(fd) };
    let (id, offset) = file_id(host)?;
    if let Some((shared_id, dup, filetype, append, tty)) = shared {
        if shared_id == id && (offset.is_none() || file_id(dup.as_fd()).ok() == Some((id, offset)))
        {
            return Ok(reuse((dup, filetype, append, tty)));
        }
    }
    let dup = Arc::new(File::from(
        rustix::io::fcntl_dupfd_cloexec(host, 0).map_err(crate::host::errno)?,
    ));
    let made = StdioFile::describe(dup)?;
    cache.retain(|s| s.fd != fd);
    cache.push(SharedStdio {
        fd,
        id,
        dup: Arc::downgrade(&made.file),
        filetype: made.filetype,
        append: made.append,
        tty: made.tty,
    });
    Ok(made)
}

/// Creates an instance. Returns its handle (an External that owns it; lib/imports.js's
/// `instanceImports` makes its wasiImport from it), with the instance's slot left in the
/// environment's argument block (word 0's second half), or a WASI errno number when the host
/// refused (a stdio fd not open, a preopen missing or not a directory).
#[napi(js_name = "createHost", catch_unwind)]
pub fn create_host<'env>(
    env: &'env Env,
    version: String,
    args: Vec<String>,
    environ: Vec<String>,
    preopens: Vec<String>,
    stdio: Vec<i32>,
    trace: Option<bool>,
) -> Result<Unknown<'env>> {
    let raw_env = env.raw();
    let version = if version == "unstable" {
        Version::Unstable
    } else {
        Version::Preview1
    };
    let built = (|| -> std::result::Result<Ctx, Errno> {
        let fd = |i: usize| stdio.get(i).copied().unwrap_or(i as i32);
        #[cfg(unix)]
        let stdio = {
            let pid = rustix::process::getpid().as_raw_nonzero().get();
            [
                stdio_file(fd(0), pid)?,
                stdio_file(fd(1), pid)?,
                stdio_file(fd(2), pid)?,
            ]
        };
        #[cfg(windows)]
        let stdio = [
            StdioFile::describe(stdio_file(fd(0))?)?,
            StdioFile::describe(stdio_file(fd(1))?)?,
            StdioFile::describe(stdio_file(fd(2))?)?,
        ];
        let mut opened: Vec<Preopen> = Vec::new();
        for pair in preopens.chunks_exact(2) {
            opened.push(open_preopen(&pair[0], &pair[1])?);
        }
        Ctx::with_stdio(version, &args, &environ, stdio, opened)
    })();
    let ctx = match built {
        Ok(c) => c,
        Err(e) => {
            let mut n = ptr::null_mut();
            // SAFETY: creating a Number in this call's scope.
            check(unsafe { sys::napi_create_uint32(raw_env, e.0 as u32, &mut n) })?;
            // SAFETY: `n` is a live Number handle.
            return Ok(unsafe { Unknown::from_raw_unchecked(raw_env, n) });
        }
    };
    let trace_mode = trace::mode(trace.unwrap_or(false));
    // SAFETY: plain Node-API construction in this call's scope.
    let state = unsafe { env_state(raw_env)? };
    let inst = Rc::new(Instance {
        ctx: RefCell::new(ctx),
        env: raw_env,
        window: Cell::new(None),
        shared: Cell::new(false),
        refresh: Cell::new(ptr::null_mut()),
        slots: Rc::clone(&state.slots),
        slot: Cell::new(0),
        tracing: trace_mode.is_some(),
        trace_mode: trace_mode.unwrap_or(trace::Mode::Node),
    });
    let slot = state.slots.insert(Rc::as_ptr(&inst));
    inst.slot.set(slot);

    // SAFETY: plain Node-API calls in this call's scope. The handle holds the instance's one
    // count, released by its finalizer (which also frees the slot); the instance's wrappers
    // (lib/imports.js) keep the handle alive.
    unsafe {
        let mut handle = ptr::null_mut();
        let st = sys::napi_create_external(
            raw_env,
            Rc::into_raw(inst) as *mut c_void,
            Some(release_instance),
            ptr::null_mut(),
            &mut handle,
        );
        if st != sys::Status::napi_ok {
            state.slots.remove(slot);
            return Err(Error::new(Status::from(st), "napi_create_external failed"));
        }
        check(sys::napi_type_tag_object(raw_env, handle, &INSTANCE_TAG))?;
        imports::ArgBlock::of_env(state).set_errno(slot);
        Ok(Unknown::from_raw_unchecked(raw_env, handle))
    }
}

/// This environment's native import functions (`{ name: function }`) and their argument
/// block (an ArrayBuffer), from which lib/imports.js makes its wrappers: `[natives, block]`.
/// The same pair every time within one environment.
#[napi(js_name = "envImports", catch_unwind)]
pub fn env_imports(env: &Env) -> Result<Unknown<'_>> {
    let raw_env = env.raw();
    // SAFETY: plain Node-API calls in this call's scope; the references are the state's own.
    unsafe {
        let state = env_state(raw_env)?;
        let mut pair = ptr::null_mut();
        check(sys::napi_create_array_with_length(raw_env, 2, &mut pair))?;
        check(sys::napi_set_element(
            raw_env,
            pair,
            0,
            ref_value(raw_env, state.templates),
        ))?;
        check(sys::napi_set_element(
            raw_env,
            pair,
            1,
            ref_value(raw_env, state.block_ref),
        ))?;
        Ok(Unknown::from_raw_unchecked(raw_env, pair))
    }
}

/// One Node environment's share of the call path: the native import functions (made once,
/// each carrying a pointer to this state), the argument block they read, the instance
/// table, and the per-instance factory lib/imports.js builds from them.
pub(crate) struct EnvState {
    env: sys::napi_env,
    /// Data of the argument block (`imports::BLOCK_BYTES`), a V8 ArrayBuffer kept alive by
    /// `block_ref` and never handed to user code, so never detached.
    pub(crate) block: *mut u8,
    block_ref: sys::napi_ref,
    /// `{ name: native function }`.
    templates: sys::napi_ref,
    pub(crate) slots: Rc<Slots>,
}

thread_local! {
    /// Boxed so the address each native function carries stays put.
    #[allow(clippy::vec_box)]
    static ENV_STATES: RefCell<Vec<Box<EnvState>>> = const { RefCell::new(Vec::new()) };
}

/// Environment cleanup hook: drops the environment's state.
unsafe extern "C" fn forget_env(arg: *mut c_void) {
    let env = arg as sys::napi_env;
    let gone: Vec<Box<EnvState>> = ENV_STATES.with(|t| {
        let mut t = t.borrow_mut();
        let (gone, keep) = t.drain(..).partition(|e| e.env == env);
        *t = keep;
        gone
    });
    for e in gone {
        for r in [e.block_ref, e.templates] {
            if !r.is_null() {
                // SAFETY: the references were created on `env`, which is being torn down
                // but still valid while its cleanup hooks run.
                unsafe { sys::napi_delete_reference(env, r) };
            }
        }
    }
}

/// This environment's state, made on first use. The reference lives until the
/// environment's cleanup hook (no callback can run after it).
unsafe fn env_state<'a>(env: sys::napi_env) -> Result<&'a EnvState> {
    let found = ENV_STATES.with(|t| {
        t.borrow()
            .iter()
            .find(|e| e.env == env)
            .map(|e| &**e as *const EnvState)
    });
    if let Some(p) = found {
        // SAFETY: boxed states are dropped only by the cleanup hook.
        return Ok(unsafe { &*p });
    }
    // SAFETY: plain Node-API construction in the caller's scope.
    unsafe {
        let mut data = ptr::null_mut();
        let mut block = ptr::null_mut();
        check(sys::napi_create_arraybuffer(
            env,
            imports::BLOCK_BYTES,
            &mut data,
            &mut block,
        ))?;
        let mut block_ref = ptr::null_mut();
        check(sys::napi_create_reference(env, block, 1, &mut block_ref))?;
        let mut state = Box::new(EnvState {
            env,
            block: data as *mut u8,
            block_ref,
            templates: ptr::null_mut(),
            slots: Rc::new(Slots {
                table: RefCell::new(Vec::new()),
                free: RefCell::new(Vec::new()),
            }),
        });
        let templates = make_templates(env, &*state as *const EnvState)?;
        check(sys::napi_create_reference(
            env,
            templates,
            1,
            &mut state.templates,
        ))?;
        check(sys::napi_add_env_cleanup_hook(
            env,
            Some(forget_env),
            env as *mut c_void,
        ))?;
        let p = &*state as *const EnvState;
        ENV_STATES.with(|t| t.borrow_mut().push(state));
        Ok(&*p)
    }
}

/// `{ name: function }` for every import in node:wasi's order, each carrying `state` and
/// with its arity as `length` (lib/imports.js checks both).
unsafe fn make_templates(env: sys::napi_env, state: *const EnvState) -> Result<sys::napi_value> {
    // SAFETY: plain Node-API construction in the caller's scope.
    unsafe {
        let mut object = ptr::null_mut();
        check(sys::napi_create_object(env, &mut object))?;
        for (name, arity, cb) in imports::IMPORTS {
            let mut f = ptr::null_mut();
            check(sys::napi_create_function(
                env,
                name.as_ptr().cast(),
                name.len() as isize - 1,
                cb,
                state as *mut c_void,
                &mut f,
            ))?;
            let mut len = ptr::null_mut();
            check(sys::napi_create_uint32(env, arity as u32, &mut len))?;
            let desc = sys::napi_property_descriptor {
                utf8name: c"length".as_ptr(),
                name: ptr::null_mut(),
                method: None,
                getter: None,
                setter: None,
                value: len,
                attributes: sys::PropertyAttributes::configurable,
                data: ptr::null_mut(),
            };
            check(sys::napi_define_properties(env, f, 1, &desc))?;
            check(sys::napi_set_named_property(
                env,
                object,
                name.as_ptr().cast(),
                f,
            ))?;
        }
        Ok(object)
    }
}

/// Binds guest memory: `buffer` is the memory's ArrayBuffer or, when `shared`, a Uint8Array
/// over its SharedArrayBuffer; `refresh` returns a view of a shared memory's current buffer.
/// Called by lib/imports.js at binding time and whenever growth replaced the buffer.
#[napi(js_name = "bindMemory", catch_unwind)]
pub fn bind_memory(
    env: &Env,
    handle: Unknown,
    buffer: Unknown,
    refresh: Unknown,
    shared: bool,
) -> Result<()> {
    let raw_env = env.raw();
    // SAFETY: `handle` is checked to carry the instance tag, which only `create_host` puts
    // on its instance handles, whose data is a live instance count.
    unsafe {
        let mut tagged = false;
        check(sys::napi_check_object_type_tag(
            raw_env,
            handle.raw(),
            &INSTANCE_TAG,
            &mut tagged,
        ))?;
        if !tagged {
            return Err(Error::new(
                Status::InvalidArg,
                "not a wasi-rs instance handle",
            ));
        }
        let mut data = ptr::null_mut();
        check(sys::napi_get_value_external(
            raw_env,
            handle.raw(),
            &mut data,
        ))?;
        let inst = &*(data as *const Instance);
        let window = buffer_window(raw_env, buffer.raw(), shared)
            .ok_or_else(|| Error::new(Status::InvalidArg, "not a memory buffer"))?;
        let mut refresh_ref = ptr::null_mut();
        if shared {
            check(sys::napi_create_reference(
                raw_env,
                refresh.raw(),
                1,
                &mut refresh_ref,
            ))?;
        }
        let old = inst.refresh.replace(refresh_ref);
        if !old.is_null() {
            sys::napi_delete_reference(raw_env, old);
        }
        inst.shared.set(shared);
        inst.window.set(Some(nonnull(window)));
    }
    Ok(())
}
