//! `inspectModule(bytes, version?)`: the module's interface for the `wasi-rs` command line
//! (see `crate::inspect`). A cold `#[napi]` entry point, called once per run.

use crate::abi::Version;
use crate::inspect;
use napi::bindgen_prelude::*;
use napi_derive::napi;

#[napi(object)]
pub struct ModuleImport {
    pub module: String,
    pub name: String,
    /// `func`, `table`, `memory`, `global` or `tag`.
    pub kind: String,
    /// For functions: `(i32, i64) -> (i32)`.
    pub signature: Option<String>,
    /// Whether the chosen WASI version provides it.
    pub wasi: bool,
}

#[napi(object)]
pub struct ModuleExport {
    pub name: String,
    pub kind: String,
    pub signature: Option<String>,
}

#[napi(object)]
pub struct ModuleMemory {
    pub export_name: Option<String>,
    pub import_name: Option<String>,
    pub initial_pages: f64,
    pub maximum_pages: Option<f64>,
    pub shared: bool,
    pub memory64: bool,
}

#[napi(object)]
pub struct ModuleInfo {
    pub imports: Vec<ModuleImport>,
    pub exports: Vec<ModuleExport>,
    pub memories: Vec<ModuleMemory>,
    /// The version given, or the one the imports ask for.
    pub version: String,
    /// The version the imports ask for (preview1 when they name none).
    pub detected_version: String,
    /// The WASI functions the module imports from `version`, in import order.
    pub wasi_calls: Vec<String>,
    /// Imports a WASI object of `version` does not provide.
    pub unresolved: Vec<ModuleImport>,
    pub has_start: bool,
    pub has_initialize: bool,
    /// Whether the module exports a memory called `memory` (what WASI binds).
    pub has_memory: bool,
}

fn version_name(v: Version) -> String {
    match v {
        Version::Preview1 => "preview1",
        Version::Unstable => "unstable",
    }
    .to_string()
}

/// Reads a module's imports, exports and memories. Throws when the bytes are not a core
/// WebAssembly module. `version` ("preview1" or "unstable") overrides the detected one.
#[napi(js_name = "inspectModule", catch_unwind)]
pub fn inspect_module(bytes: Uint8Array, version: Option<String>) -> Result<ModuleInfo> {
    let info = inspect::inspect(&bytes)
        .map_err(|e| Error::new(Status::InvalidArg, format!("not a WebAssembly module: {e}")))?;
    let detected = info.wasi_version();
    let chosen = match version.as_deref() {
        None => detected,
        Some("preview1") => Version::Preview1,
        Some("unstable") => Version::Unstable,
        Some(other) => {
            return Err(Error::new(
                Status::InvalidArg,
                format!("unsupported WASI version {other:?} (preview1 or unstable)"),
            ))
        }
    };
    let module = inspect::module_name(chosen);
    let import = |i: &inspect::Import| ModuleImport {
        module: i.module.clone(),
        name: i.name.clone(),
        kind: i.kind.to_string(),
        signature: i.signature.clone(),
        wasi: i.module == module && i.kind == "func" && inspect::provides(chosen, &i.name),
    };
    Ok(ModuleInfo {
        imports: info.imports.iter().map(import).collect(),
        exports: info
            .exports
            .iter()
            .map(|e| ModuleExport {
                name: e.name.clone(),
                kind: e.kind.to_string(),
                signature: e.signature.clone(),
            })
            .collect(),
        memories: info
            .memories
            .iter()
            .map(|m| ModuleMemory {
                export_name: m.export_name.clone(),
                import_name: m.import_name.clone(),
                initial_pages: m.initial_pages as f64,
                maximum_pages: m.maximum_pages.map(|p| p as f64),
                shared: m.shared,
                memory64: m.memory64,
            })
            .collect(),
        version: version_name(chosen),
        detected_version: version_name(detected),
        wasi_calls: info.wasi_calls(chosen),
        unresolved: info.unresolved(chosen).into_iter().map(import).collect(),
        has_start: info.exports_func("_start"),
        has_initialize: info.exports_func("_initialize"),
        has_memory: info
            .exports
            .iter()
            .any(|e| e.name == "memory" && e.kind == "memory"),
    })
}

/// The signature WASI gives `name` (`(i32, i32) -> (i32)`), for messages.
#[napi(js_name = "wasiSignature", catch_unwind)]
pub fn wasi_signature(name: String) -> Option<String> {
    inspect::wasi_signature(&name)
}
