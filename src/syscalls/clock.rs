//! clock_res_get, clock_time_get: realtime, monotonic, process and thread CPU time, read from
//! the host clocks of the same names (vDSO where the kernel offers it). `precision` is a hint
//! the host clocks cannot use; it is accepted and ignored, as node:wasi does. The result
//! pointer is checked before the clock id, as node:wasi does (EOVERFLOW wins over EINVAL).

use super::SysResult;
use crate::abi::Errno;
use crate::ctx::Ctx;
use crate::memory::GuestMemory;
use crate::sys;

/// The current time of a WASI clock in nanoseconds.
#[inline]
pub fn now(id: u32) -> Result<u64, Errno> {
    sys::clock_now(id)
}

pub fn clock_res_get(_ctx: &mut Ctx, mem: &GuestMemory, id: u32, resolution: u32) -> SysResult {
    mem.range(resolution, 8)?;
    mem.write_u64(resolution, sys::clock_res(id)?)
}

pub fn clock_time_get(
    _ctx: &mut Ctx,
    mem: &GuestMemory,
    id: u32,
    _precision: u64,
    time: u32,
) -> SysResult {
    mem.range(time, 8)?;
    let t = now(id)?;
    mem.write_u64(time, t)
}
