//! The binding for a platform with no WASI host (neither Unix nor Windows): the addon still
//! loads, `inspectModule` works (`wasi-rs inspect`), and `envImports` / `createHost` throw
//! `ERR_WASI_RS_UNSUPPORTED_PLATFORM`: `new WASI()` fails with one clear line, not with a
//! missing binary or a crash. Built on Linux too with `RUSTFLAGS="--cfg wasi_rs_unsupported"`
//! (see .ci/run), so this file is compiled on every run.

#[path = "inspect.rs"]
mod inspect;

use napi::bindgen_prelude::*;
use napi_derive::napi;

fn refuse(env: &Env) -> Result<()> {
    env.throw_error(
        &format!(
            "wasi-rs cannot host WASI guests on {} yet: its host layer supports Linux, macOS and \
             Windows. inspectModule works.",
            std::env::consts::OS
        ),
        Some("ERR_WASI_RS_UNSUPPORTED_PLATFORM"),
    )?;
    Err(Error::from_status(Status::PendingException))
}

/// Always throws ERR_WASI_RS_UNSUPPORTED_PLATFORM (the arguments are those of the real one).
#[napi(js_name = "createHost")]
pub fn create_host(env: &Env) -> Result<()> {
    refuse(env)
}

/// Always throws ERR_WASI_RS_UNSUPPORTED_PLATFORM.
#[napi(js_name = "bindMemory")]
pub fn bind_memory(env: &Env) -> Result<()> {
    refuse(env)
}

/// Always throws ERR_WASI_RS_UNSUPPORTED_PLATFORM (index.js asks for it before createHost).
#[napi(js_name = "envImports")]
pub fn env_imports(env: &Env) -> Result<()> {
    refuse(env)
}
