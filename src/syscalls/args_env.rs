//! args_get, args_sizes_get, environ_get, environ_sizes_get: the tables are laid out once at
//! construction, so each call is a bounds check and one or two copies.

use super::SysResult;
use crate::ctx::{Ctx, StringTable};
use crate::memory::GuestMemory;

fn sizes_get(t: &StringTable, mem: &GuestMemory, count_ptr: u32, size_ptr: u32) -> SysResult {
    mem.range(count_ptr, 4)?;
    mem.range(size_ptr, 4)?;
    mem.write_u32(count_ptr, t.offsets.len() as u32)?;
    mem.write_u32(size_ptr, t.buf.len() as u32)
}

fn table_get(t: &StringTable, mem: &GuestMemory, ptrs: u32, buf: u32) -> SysResult {
    mem.array(ptrs, t.offsets.len() as u32, 4)?;
    mem.range(buf, t.buf.len() as u64)?;
    let mut table = Vec::with_capacity(t.offsets.len() * 4);
    for off in &t.offsets {
        // The buffer was checked to fit, so `buf + off` cannot wrap.
        table.extend_from_slice(&(buf + off).to_le_bytes());
    }
    mem.write_bytes(ptrs, &table)?;
    mem.write_bytes(buf, &t.buf)
}

pub fn args_sizes_get(
    ctx: &mut Ctx,
    mem: &GuestMemory,
    argc: u32,
    argv_buf_size: u32,
) -> SysResult {
    sizes_get(&ctx.args, mem, argc, argv_buf_size)
}

pub fn args_get(ctx: &mut Ctx, mem: &GuestMemory, argv: u32, argv_buf: u32) -> SysResult {
    table_get(&ctx.args, mem, argv, argv_buf)
}

pub fn environ_sizes_get(ctx: &mut Ctx, mem: &GuestMemory, count: u32, buf_size: u32) -> SysResult {
    sizes_get(&ctx.env, mem, count, buf_size)
}

pub fn environ_get(ctx: &mut Ctx, mem: &GuestMemory, environ: u32, environ_buf: u32) -> SysResult {
    table_get(&ctx.env, mem, environ, environ_buf)
}
