//! The only code that knows Node-API. It builds an instance (`createHost`): the Rust `Ctx`,
//! the 46 import functions as raw callbacks carrying a pointer to the instance, and an
//! external handle for the JS class; binds guest memory (`bindMemory`); and runs each
//! syscall with the memory window taken fresh on every call. No panic crosses into Node:
//! each syscall runs under `catch_unwind` and a panic becomes a thrown JS Error.
//!
//! Lifetime: the instance is owned by its handle (an External) and released by the
//! handle's finalizer, so the host fds close when it is garbage collected (or when the
//! environment, e.g. a Worker, is torn down). The import functions are per-environment
//! templates bound to the handle (`Function.prototype.bind`, as node:wasi does with its
//! methods), so each keeps the handle alive and finds the instance through its receiver.

mod imports;
mod inspect;
mod trace;

use crate::abi::{Errno, Version};
use crate::ctx::{open_preopen, Ctx, Preopen};
use crate::memory::GuestMemory;
use crate::syscalls::SysResult;
use napi::bindgen_prelude::*;
use napi::sys;
use napi_derive::napi;
use std::cell::{Cell, RefCell};
use std::ffi::c_void;
use std::os::fd::OwnedFd;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;
use std::rc::Rc;

/// Most arguments any import takes (path_open: 9) plus one, to see extra arguments.
const MAX_ARGS: usize = 10;

pub(crate) struct Instance {
    ctx: RefCell<Ctx>,
    env: sys::napi_env,
    /// The memory's current buffer: the ArrayBuffer itself, or for a shared memory a
    /// Uint8Array over its SharedArrayBuffer (Node-API reads SharedArrayBuffers only through
    /// views). Null until bound.
    view: Cell<sys::napi_ref>,
    /// Whether `view` is a Uint8Array (shared memory) rather than an ArrayBuffer.
    shared: Cell<bool>,
    /// Returns a fresh `view` (same kind), called when the old one went stale.
    refresh: Cell<sys::napi_ref>,
    /// `(code, returnOnExit, status) => never`, shared by all instances of a module.
    exit_hook: sys::napi_ref,
    return_on_exit: bool,
    /// Whether any trace is on: the one branch tracing costs when it is off.
    tracing: bool,
    trace_mode: trace::Mode,
}

impl Drop for Instance {
    fn drop(&mut self) {
        for r in [self.view.get(), self.refresh.get(), self.exit_hook] {
            if !r.is_null() {
                // SAFETY: the refs were created on `self.env`, which is still alive while its
                // finalizers run.
                unsafe { sys::napi_delete_reference(self.env, r) };
            }
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
    /// The memory window for this call; `None` when no memory is bound yet.
    #[inline(always)]
    fn window(&self, env: sys::napi_env) -> Option<(*mut u8, usize)> {
        let r = self.view.get();
        if r.is_null() {
            return None;
        }
        // SAFETY: `r` is a live reference to the kind of buffer `shared` says.
        let w = unsafe { buffer_window(env, ref_value(env, r), self.shared.get()) };
        match w {
            Some((p, len)) if len > 0 && !p.is_null() => Some((p, len)),
            // Detached by memory.grow() (or a zero-page memory): take the current buffer.
            _ => Some(
                self.refresh_window(env)
                    .unwrap_or((ptr::NonNull::dangling().as_ptr(), 0)),
            ),
        }
    }

    /// Asks JavaScript for a view of the memory's current buffer and keeps it.
    #[cold]
    fn refresh_window(&self, env: sys::napi_env) -> Option<(*mut u8, usize)> {
        let f = self.refresh.get();
        if f.is_null() {
            return None;
        }
        // SAFETY: `f` is a live reference to the refresh function; it takes no arguments
        // and only reads `memory.buffer`.
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
            let w = buffer_window(env, view, self.shared.get())?;
            let mut new_ref = ptr::null_mut();
            if sys::napi_create_reference(env, view, 1, &mut new_ref) == sys::Status::napi_ok {
                let old = self.view.replace(new_ref);
                if !old.is_null() {
                    sys::napi_delete_reference(env, old);
                }
            }
            if w.0.is_null() {
                return Some((ptr::NonNull::dangling().as_ptr(), 0));
            }
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
        if self.view.get().is_null() {
            throw_code(
                env,
                "ERR_WASI_NOT_STARTED",
                "wasi.start() has not been called",
            );
            return None;
        }
        // The window is fetched on the first guest access (calls that touch no memory pay
        // nothing); a later miss asks JavaScript for the current buffer once (a shared
        // memory grown by another thread keeps its old length in a stale view).
        let misses = Cell::new(0u8);
        let fetch = || {
            let n = misses.get();
            misses.set(n.saturating_add(1));
            match n {
                0 => self.window(env),
                1 => self.refresh_window(env),
                _ => None,
            }
        };
        // SAFETY: every window `fetch` returns is the memory's live buffer for the duration
        // of this call (no JS runs during a syscall except the refresher, which returns a new
        // live window); the initial empty window is never dereferenced.
        let mem = unsafe { GuestMemory::new(ptr::NonNull::dangling().as_ptr(), 0, Some(&fetch)) };
        let interrupt = || terminating(env);
        let mem = mem
            .with_shared(self.shared.get())
            .with_interrupt(&interrupt);
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

    /// Calls the exit hook with the guest's code value.
    unsafe fn call_exit_hook(&self, env: sys::napi_env, code: sys::napi_value, status: i32) {
        // SAFETY: the hook reference is live; arguments are handles in this scope.
        unsafe {
            let hook = ref_value(env, self.exit_hook);
            let mut roe = ptr::null_mut();
            sys::napi_get_boolean(env, self.return_on_exit, &mut roe);
            let mut st = ptr::null_mut();
            sys::napi_create_int32(env, status, &mut st);
            let mut undefined = ptr::null_mut();
            sys::napi_get_undefined(env, &mut undefined);
            let argv = [code, roe, st];
            let mut result = ptr::null_mut();
            sys::napi_call_function(env, undefined, hook, 3, argv.as_ptr(), &mut result);
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

unsafe extern "C" fn release_instance(_env: sys::napi_env, data: *mut c_void, _hint: *mut c_void) {
    // SAFETY: `data` is one count of an `Rc<Instance>` handed out by `share`.
    drop(unsafe { Rc::from_raw(data as *const Instance) });
}

fn share(inst: &Rc<Instance>) -> *mut c_void {
    Rc::into_raw(Rc::clone(inst)) as *mut c_void
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

/// Duplicates a host fd for the instance (close-on-exec), so the guest owns only its copy.
fn dup_stdio(fd: i32) -> std::result::Result<OwnedFd, Errno> {
    use std::os::fd::BorrowedFd;
    if fd < 0 {
        return Err(Errno::EBADF);
    }
    // SAFETY: the fd number is only borrowed for the duration of the fcntl; an fd that is
    // not open makes fcntl fail with EBADF, which is reported.
    let borrowed = unsafe { BorrowedFd::borrow_raw(fd) };
    rustix::io::fcntl_dupfd_cloexec(borrowed, 0).map_err(crate::host::errno)
}

/// Creates an instance. Returns `{ wasiImport, handle }`, or a WASI errno number when the
/// host refused (a stdio fd not open, a preopen missing or not a directory).
/// `bind_imports(templates, handle)` returns the wasiImport object: each template bound to
/// the handle, keyed by its name.
#[napi(js_name = "createHost", catch_unwind)]
#[allow(clippy::too_many_arguments)]
pub fn create_host<'env>(
    env: &'env Env,
    version: String,
    args: Vec<String>,
    environ: Vec<String>,
    preopens: Vec<String>,
    stdio: Vec<i32>,
    return_on_exit: bool,
    exit_hook: Unknown<'env>,
    trace: Option<bool>,
    bind_imports: Unknown<'env>,
) -> Result<Unknown<'env>> {
    let raw_env = env.raw();
    let version = if version == "unstable" {
        Version::Unstable
    } else {
        Version::Preview1
    };
    let built = (|| -> std::result::Result<Ctx, Errno> {
        let mut fds = Vec::with_capacity(3);
        for i in 0..3 {
            fds.push(dup_stdio(stdio.get(i).copied().unwrap_or(i as i32))?);
        }
        let stdio: [OwnedFd; 3] = fds.try_into().map_err(|_| Errno::EINVAL)?;
        let mut opened: Vec<Preopen> = Vec::new();
        for pair in preopens.chunks_exact(2) {
            opened.push(open_preopen(&pair[0], &pair[1])?);
        }
        Ctx::new(version, &args, &environ, stdio, opened)
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
    let mut hook_ref = ptr::null_mut();
    // SAFETY: `exit_hook` is a live handle; a strong reference keeps the (module-level)
    // hook alive for the instance's lifetime.
    check(unsafe { sys::napi_create_reference(raw_env, exit_hook.raw(), 1, &mut hook_ref) })?;
    let inst = Rc::new(Instance {
        ctx: RefCell::new(ctx),
        env: raw_env,
        view: Cell::new(ptr::null_mut()),
        shared: Cell::new(false),
        refresh: Cell::new(ptr::null_mut()),
        exit_hook: hook_ref,
        return_on_exit,
        tracing: trace_mode.is_some(),
        trace_mode: trace_mode.unwrap_or(trace::Mode::Node),
    });

    // SAFETY: plain Node-API calls in this call's scope. The handle holds the instance's one
    // count, released by its finalizer; the import functions are the per-environment
    // templates bound to the handle by `bind_imports` (index.js), so they keep it alive.
    unsafe {
        let mut handle = ptr::null_mut();
        check(sys::napi_create_external(
            raw_env,
            share(&inst),
            Some(release_instance),
            ptr::null_mut(),
            &mut handle,
        ))?;
        let templates = templates(raw_env, version)?;
        let mut undefined = ptr::null_mut();
        check(sys::napi_get_undefined(raw_env, &mut undefined))?;
        let argv = [templates, handle];
        let mut imports = ptr::null_mut();
        check(sys::napi_call_function(
            raw_env,
            undefined,
            bind_imports.raw(),
            2,
            argv.as_ptr(),
            &mut imports,
        ))?;
        let mut result = ptr::null_mut();
        check(sys::napi_create_object(raw_env, &mut result))?;
        check(sys::napi_set_named_property(
            raw_env,
            result,
            c"wasiImport".as_ptr(),
            imports,
        ))?;
        check(sys::napi_set_named_property(
            raw_env,
            result,
            c"handle".as_ptr(),
            handle,
        ))?;
        Ok(Unknown::from_raw_unchecked(raw_env, result))
    }
}

/// The import functions of one Node environment, made once per WASI version: unbound
/// templates (no data pointer; each call finds its instance through its receiver, the
/// instance handle it was bound to). Per instance this leaves 46 `bind`s in JavaScript
/// instead of 46 native function creations with a finalizer each, which cost ~15 µs and
/// kept every instance alive for several GC cycles.
struct Templates {
    env: sys::napi_env,
    preview1: sys::napi_ref,
    unstable: sys::napi_ref,
}

thread_local! {
    static TEMPLATES: RefCell<Vec<Templates>> = const { RefCell::new(Vec::new()) };
}

/// Environment cleanup hook: drops the environment's cached templates.
unsafe extern "C" fn forget_templates(arg: *mut c_void) {
    let env = arg as sys::napi_env;
    let gone: Vec<Templates> = TEMPLATES.with(|t| {
        let mut t = t.borrow_mut();
        let (gone, keep) = t.drain(..).partition(|e| e.env == env);
        *t = keep;
        gone
    });
    for e in gone {
        for r in [e.preview1, e.unstable] {
            // SAFETY: the references were created on `env`, which is being torn down but
            // still valid while its cleanup hooks run.
            unsafe { sys::napi_delete_reference(env, r) };
        }
    }
}

/// The template array for `version` in this environment (created on first use).
unsafe fn templates(env: sys::napi_env, version: Version) -> Result<sys::napi_value> {
    let cached = TEMPLATES.with(|t| {
        t.borrow()
            .iter()
            .find(|e| e.env == env)
            .map(|e| match version {
                Version::Unstable => e.unstable,
                Version::Preview1 => e.preview1,
            })
    });
    if let Some(r) = cached {
        // SAFETY: `r` is a live reference on `env` (removed by the cleanup hook).
        return Ok(unsafe { ref_value(env, r) });
    }
    // SAFETY: plain Node-API construction in the caller's scope.
    unsafe {
        let preview1 = make_templates(env, Version::Preview1)?;
        let unstable = make_templates(env, Version::Unstable)?;
        let mut p_ref = ptr::null_mut();
        check(sys::napi_create_reference(env, preview1, 1, &mut p_ref))?;
        let mut u_ref = ptr::null_mut();
        check(sys::napi_create_reference(env, unstable, 1, &mut u_ref))?;
        check(sys::napi_add_env_cleanup_hook(
            env,
            Some(forget_templates),
            env as *mut c_void,
        ))?;
        TEMPLATES.with(|t| {
            t.borrow_mut().push(Templates {
                env,
                preview1: p_ref,
                unstable: u_ref,
            })
        });
        Ok(match version {
            Version::Unstable => unstable,
            Version::Preview1 => preview1,
        })
    }
}

/// An array of the import functions in node:wasi's order, each with its arity as `length`
/// (`wasi_unstable` has no sock_accept).
unsafe fn make_templates(env: sys::napi_env, version: Version) -> Result<sys::napi_value> {
    // SAFETY: plain Node-API construction in the caller's scope.
    unsafe {
        let mut array = ptr::null_mut();
        check(sys::napi_create_array(env, &mut array))?;
        let mut index = 0u32;
        for (name, arity, cb) in imports::IMPORTS {
            if version == Version::Unstable && name == "sock_accept\0" {
                continue;
            }
            let mut f = ptr::null_mut();
            check(sys::napi_create_function(
                env,
                name.as_ptr().cast(),
                name.len() as isize - 1,
                cb,
                ptr::null_mut(),
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
            check(sys::napi_set_element(env, array, index, f))?;
            index += 1;
        }
        Ok(array)
    }
}

/// Binds guest memory: `view` is `memory.buffer` (an ArrayBuffer) or, when `shared`, a
/// Uint8Array over the SharedArrayBuffer; `refresh` returns a new one of the same kind when
/// the buffer was replaced by growth.
#[napi(js_name = "bindMemory", catch_unwind)]
pub fn bind_memory(
    env: &Env,
    handle: Unknown,
    view: Unknown,
    refresh: Unknown,
    shared: bool,
) -> Result<()> {
    let raw_env = env.raw();
    // SAFETY: `handle` is the external created by `create_host` (the JS side never hands
    // anything else); its data is a live instance count.
    unsafe {
        let mut data = ptr::null_mut();
        check(sys::napi_get_value_external(
            raw_env,
            handle.raw(),
            &mut data,
        ))?;
        let inst = &*(data as *const Instance);
        let mut view_ref = ptr::null_mut();
        check(sys::napi_create_reference(
            raw_env,
            view.raw(),
            1,
            &mut view_ref,
        ))?;
        let mut refresh_ref = ptr::null_mut();
        check(sys::napi_create_reference(
            raw_env,
            refresh.raw(),
            1,
            &mut refresh_ref,
        ))?;
        inst.shared.set(shared);
        for old in [
            inst.view.replace(view_ref),
            inst.refresh.replace(refresh_ref),
        ] {
            if !old.is_null() {
                sys::napi_delete_reference(raw_env, old);
            }
        }
    }
    Ok(())
}
