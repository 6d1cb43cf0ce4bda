//! Reads a WebAssembly module's interface before it runs: its imports, exports and memories,
//! which WASI version it was built for and which of its imports no WASI host provides. The
//! `wasi-rs` command line uses it (through the `inspectModule` binding) to pick the version
//! from the module's imports, as wasmtime and other WASI runtimes do, and to name what is
//! missing in one line instead of V8's `LinkError`. Pure Rust over wasmparser: the module is
//! only parsed here; V8 compiles and validates it.

use crate::abi::Version;
use wasmparser::{CompositeInnerType, ExternalKind, FuncType, Parser, Payload, TypeRef, ValType};

/// The import module name of each WASI version.
pub const PREVIEW1_MODULE: &str = "wasi_snapshot_preview1";
pub const UNSTABLE_MODULE: &str = "wasi_unstable";

/// Every WASI function: its name, its parameters (`I` = i32, `L` = i64) and whether it
/// returns an errno (all but `proc_exit`). Both versions share the list, except that
/// `sock_accept` exists only in preview1.
pub const WASI_FUNCTIONS: [(&str, &str); 46] = [
    ("args_get", "II"),
    ("args_sizes_get", "II"),
    ("clock_res_get", "II"),
    ("clock_time_get", "ILI"),
    ("environ_get", "II"),
    ("environ_sizes_get", "II"),
    ("fd_advise", "ILLI"),
    ("fd_allocate", "ILL"),
    ("fd_close", "I"),
    ("fd_datasync", "I"),
    ("fd_fdstat_get", "II"),
    ("fd_fdstat_set_flags", "II"),
    ("fd_fdstat_set_rights", "ILL"),
    ("fd_filestat_get", "II"),
    ("fd_filestat_set_size", "IL"),
    ("fd_filestat_set_times", "ILLI"),
    ("fd_pread", "IIILI"),
    ("fd_prestat_get", "II"),
    ("fd_prestat_dir_name", "III"),
    ("fd_pwrite", "IIILI"),
    ("fd_read", "IIII"),
    ("fd_readdir", "IIILI"),
    ("fd_renumber", "II"),
    ("fd_seek", "ILII"),
    ("fd_sync", "I"),
    ("fd_tell", "II"),
    ("fd_write", "IIII"),
    ("path_create_directory", "III"),
    ("path_filestat_get", "IIIII"),
    ("path_filestat_set_times", "IIIILLI"),
    ("path_link", "IIIIIII"),
    ("path_open", "IIIIILLII"),
    ("path_readlink", "IIIIII"),
    ("path_remove_directory", "III"),
    ("path_rename", "IIIIII"),
    ("path_symlink", "IIIII"),
    ("path_unlink_file", "III"),
    ("poll_oneoff", "IIII"),
    ("proc_exit", "I"),
    ("proc_raise", "I"),
    ("random_get", "II"),
    ("sched_yield", ""),
    ("sock_accept", "III"),
    ("sock_recv", "IIIIII"),
    ("sock_send", "IIIII"),
    ("sock_shutdown", "II"),
];

/// The import module a version's functions live in.
pub fn module_name(version: Version) -> &'static str {
    match version {
        Version::Preview1 => PREVIEW1_MODULE,
        Version::Unstable => UNSTABLE_MODULE,
    }
}

/// Whether `version` provides a function called `name`.
pub fn provides(version: Version, name: &str) -> bool {
    if version == Version::Unstable && name == "sock_accept" {
        return false;
    }
    WASI_FUNCTIONS.iter().any(|(n, _)| *n == name)
}

/// The WASI signature of `name`, written as `signature` writes a module's.
pub fn wasi_signature(name: &str) -> Option<String> {
    let (_, params) = WASI_FUNCTIONS.iter().find(|(n, _)| *n == name)?;
    let params: Vec<&str> = params
        .chars()
        .map(|c| if c == 'L' { "i64" } else { "i32" })
        .collect();
    let results = if name == "proc_exit" { "" } else { "i32" };
    Some(format!("({}) -> ({})", params.join(", "), results))
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Import {
    pub module: String,
    pub name: String,
    /// `func`, `table`, `memory`, `global` or `tag`.
    pub kind: &'static str,
    /// For functions: `(i32, i64) -> (i32)`.
    pub signature: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Export {
    pub name: String,
    pub kind: &'static str,
    pub signature: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Memory {
    /// The first name it is exported under.
    pub export_name: Option<String>,
    /// `MODULE.NAME` when it is imported.
    pub import_name: Option<String>,
    pub initial_pages: u64,
    pub maximum_pages: Option<u64>,
    pub shared: bool,
    pub memory64: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModuleInfo {
    pub imports: Vec<Import>,
    pub exports: Vec<Export>,
    pub memories: Vec<Memory>,
}

impl ModuleInfo {
    /// The version the module's imports ask for: the one whose module it imports from (the
    /// first one, if it imports from both); preview1 when it imports from neither.
    pub fn wasi_version(&self) -> Version {
        self.imports
            .iter()
            .find_map(|i| match i.module.as_str() {
                PREVIEW1_MODULE => Some(Version::Preview1),
                UNSTABLE_MODULE => Some(Version::Unstable),
                _ => None,
            })
            .unwrap_or(Version::Preview1)
    }

    /// The WASI functions the module imports from `version`'s module, in import order.
    pub fn wasi_calls(&self, version: Version) -> Vec<String> {
        let module = module_name(version);
        self.imports
            .iter()
            .filter(|i| i.module == module && i.kind == "func" && provides(version, &i.name))
            .map(|i| i.name.clone())
            .collect()
    }

    /// The imports a WASI object of `version` does not provide: another module, a name the
    /// version lacks, or a non-function import of a WASI name.
    pub fn unresolved(&self, version: Version) -> Vec<&Import> {
        let module = module_name(version);
        self.imports
            .iter()
            .filter(|i| !(i.module == module && i.kind == "func" && provides(version, &i.name)))
            .collect()
    }

    /// The exported memory the WASI host binds (`memory`), if there is one.
    pub fn exported_memory(&self) -> Option<&Memory> {
        self.memories
            .iter()
            .find(|m| m.export_name.as_deref() == Some("memory"))
    }

    /// Whether the module exports a function called `name`.
    pub fn exports_func(&self, name: &str) -> bool {
        self.exports
            .iter()
            .any(|e| e.name == name && e.kind == "func")
    }
}

fn val_type(t: &ValType) -> String {
    match t {
        ValType::I32 => "i32".into(),
        ValType::I64 => "i64".into(),
        ValType::F32 => "f32".into(),
        ValType::F64 => "f64".into(),
        ValType::V128 => "v128".into(),
        ValType::Ref(r) => format!("{r}"),
    }
}

/// `(i32, i64) -> (i32)`.
pub fn signature(f: &FuncType) -> String {
    let list = |ts: &[ValType]| ts.iter().map(val_type).collect::<Vec<_>>().join(", ");
    format!("({}) -> ({})", list(f.params()), list(f.results()))
}

/// Parses a module's interface. Errors name what wasmparser found wrong.
pub fn inspect(bytes: &[u8]) -> Result<ModuleInfo, String> {
    let mut types: Vec<Option<FuncType>> = Vec::new();
    let mut func_types: Vec<u32> = Vec::new();
    let mut imports = Vec::new();
    let mut exports_raw: Vec<(String, ExternalKind, u32)> = Vec::new();
    let mut memories: Vec<Memory> = Vec::new();
    // One line: wasmparser's messages may span several.
    let err = |e: wasmparser::BinaryReaderError| {
        let msg = e.message().split_whitespace().collect::<Vec<_>>().join(" ");
        format!("{msg} (at offset {:#x})", e.offset())
    };
    if !bytes.starts_with(b"\0asm") {
        return Err("no \\0asm header".into());
    }

    for payload in Parser::new(0).parse_all(bytes) {
        match payload.map_err(err)? {
            Payload::Version { encoding, .. } if encoding != wasmparser::Encoding::Module => {
                return Err("a component, not a core WebAssembly module".into());
            }
            Payload::TypeSection(reader) => {
                for group in reader {
                    for sub in group.map_err(err)?.into_types() {
                        types.push(match sub.composite_type.inner {
                            CompositeInnerType::Func(f) => Some(f),
                            _ => None,
                        });
                    }
                }
            }
            Payload::ImportSection(reader) => {
                for import in reader.into_imports() {
                    let import = import.map_err(err)?;
                    let (kind, signature) = match import.ty {
                        TypeRef::Func(t) | TypeRef::FuncExact(t) => {
                            func_types.push(t);
                            let sig = types.get(t as usize).cloned().flatten();
                            ("func", sig.as_ref().map(signature))
                        }
                        TypeRef::Table(_) => ("table", None),
                        TypeRef::Memory(m) => {
                            memories.push(Memory {
                                export_name: None,
                                import_name: Some(format!("{}.{}", import.module, import.name)),
                                initial_pages: m.initial,
                                maximum_pages: m.maximum,
                                shared: m.shared,
                                memory64: m.memory64,
                            });
                            ("memory", None)
                        }
                        TypeRef::Global(_) => ("global", None),
                        TypeRef::Tag(_) => ("tag", None),
                    };
                    imports.push(Import {
                        module: import.module.to_string(),
                        name: import.name.to_string(),
                        kind,
                        signature,
                    });
                }
            }
            Payload::FunctionSection(reader) => {
                for t in reader {
                    func_types.push(t.map_err(err)?);
                }
            }
            Payload::MemorySection(reader) => {
                for m in reader {
                    let m = m.map_err(err)?;
                    memories.push(Memory {
                        export_name: None,
                        import_name: None,
                        initial_pages: m.initial,
                        maximum_pages: m.maximum,
                        shared: m.shared,
                        memory64: m.memory64,
                    });
                }
            }
            Payload::ExportSection(reader) => {
                for e in reader {
                    let e = e.map_err(err)?;
                    exports_raw.push((e.name.to_string(), e.kind, e.index));
                }
            }
            _ => {}
        }
    }

    let mut exports = Vec::with_capacity(exports_raw.len());
    for (name, kind, index) in exports_raw {
        let (kind, signature) = match kind {
            ExternalKind::Func | ExternalKind::FuncExact => {
                let sig = func_types
                    .get(index as usize)
                    .and_then(|t| types.get(*t as usize).cloned().flatten());
                ("func", sig.as_ref().map(signature))
            }
            ExternalKind::Table => ("table", None),
            ExternalKind::Memory => {
                if let Some(m) = memories.get_mut(index as usize) {
                    m.export_name.get_or_insert_with(|| name.clone());
                }
                ("memory", None)
            }
            ExternalKind::Global => ("global", None),
            ExternalKind::Tag => ("tag", None),
        };
        exports.push(Export {
            name,
            kind,
            signature,
        });
    }
    Ok(ModuleInfo {
        imports,
        exports,
        memories,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// hello.wasm, hand-assembled: imports fd_write and proc_exit from preview1, exports a
    /// one-page memory and `_start`.
    fn hello() -> Vec<u8> {
        std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/examples/hello/hello.wasm"
        ))
        .unwrap()
    }

    #[test]
    fn reads_the_example() {
        let info = inspect(&hello()).unwrap();
        let names: Vec<_> = info
            .imports
            .iter()
            .map(|i| format!("{}.{}", i.module, i.name))
            .collect();
        assert_eq!(
            names,
            [
                "wasi_snapshot_preview1.fd_write",
                "wasi_snapshot_preview1.proc_exit"
            ]
        );
        assert_eq!(
            info.imports[0].signature.as_deref(),
            Some("(i32, i32, i32, i32) -> (i32)")
        );
        assert_eq!(info.imports[1].signature.as_deref(), Some("(i32) -> ()"));
        assert_eq!(info.wasi_version(), Version::Preview1);
        assert_eq!(
            info.wasi_calls(Version::Preview1),
            ["fd_write", "proc_exit"]
        );
        assert!(info.unresolved(Version::Preview1).is_empty());
        assert_eq!(info.unresolved(Version::Unstable).len(), 2);
        assert!(info.exports_func("_start"));
        let mem = info.exported_memory().unwrap();
        assert_eq!((mem.initial_pages, mem.maximum_pages), (1, None));
    }

    #[test]
    fn the_table_matches_the_wasi_signatures() {
        assert_eq!(
            wasi_signature("fd_write").as_deref(),
            Some("(i32, i32, i32, i32) -> (i32)")
        );
        assert_eq!(
            wasi_signature("path_open").as_deref(),
            Some("(i32, i32, i32, i32, i32, i64, i64, i32, i32) -> (i32)")
        );
        assert_eq!(wasi_signature("proc_exit").as_deref(), Some("(i32) -> ()"));
        assert!(provides(Version::Preview1, "sock_accept"));
        assert!(!provides(Version::Unstable, "sock_accept"));
        assert!(!provides(Version::Preview1, "fd_fancy"));
    }

    #[test]
    fn rejects_garbage_and_components() {
        assert_eq!(inspect(b"not wasm").unwrap_err(), "no \\0asm header");
        // Truncated after the header: one line naming the offset.
        let e = inspect(&hello()[..20]).unwrap_err();
        assert_eq!(e, "unexpected end-of-file (at offset 0xa)");
        // A component's preamble: magic, version 0x0d, layer 1.
        let component = [0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00];
        assert!(inspect(&component).unwrap_err().contains("component"));
    }
}
