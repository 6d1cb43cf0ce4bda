//! clock_res_get, clock_time_get: realtime, monotonic, process and thread CPU time, read from
//! the host clocks of the same names (vDSO where the kernel offers it). `precision` is a hint
//! the host clocks cannot use; it is accepted and ignored, as node:wasi does. The result
//! pointer is checked before the clock id, as node:wasi does (EOVERFLOW wins over EINVAL).

use super::SysResult;
use crate::abi::{clockid, Errno};
use crate::ctx::Ctx;
use crate::memory::GuestMemory;
use rustix::time::{ClockId, Timespec};

fn host_clock(id: u32) -> Result<ClockId, Errno> {
    Ok(match id {
        clockid::REALTIME => ClockId::Realtime,
        clockid::MONOTONIC => ClockId::Monotonic,
        clockid::PROCESS_CPUTIME_ID => ClockId::ProcessCPUTime,
        clockid::THREAD_CPUTIME_ID => ClockId::ThreadCPUTime,
        _ => return Err(Errno::EINVAL),
    })
}

fn to_ns(t: Timespec) -> u64 {
    (t.tv_sec as i128 * 1_000_000_000 + t.tv_nsec as i128).clamp(0, u64::MAX as i128) as u64
}

/// The current time of a WASI clock in nanoseconds.
pub fn now(id: u32) -> Result<u64, Errno> {
    Ok(to_ns(rustix::time::clock_gettime(host_clock(id)?)))
}

pub fn clock_res_get(_ctx: &mut Ctx, mem: &GuestMemory, id: u32, resolution: u32) -> SysResult {
    mem.range(resolution, 8)?;
    let clock = host_clock(id)?;
    let res = to_ns(rustix::time::clock_getres(clock)).max(1);
    mem.write_u64(resolution, res)
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
