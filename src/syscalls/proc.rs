//! proc_raise, sched_yield, and the exit-status rule of proc_exit (the binding performs the
//! exit itself, since it unwinds through JavaScript).

use super::SysResult;
use crate::abi::Errno;
use crate::ctx::Ctx;
use crate::memory::GuestMemory;

/// A guest may not signal the Node process: `proc_raise` is ENOSYS for every value (node:wasi
/// raises a valid signal on the host, which lets a guest kill or debug its host; for `none`
/// and unknown values it answers ENOSYS too, so only real signals differ).
pub fn proc_raise(_ctx: &mut Ctx, _mem: &GuestMemory, _sig: u32) -> SysResult {
    Err(Errno::ENOSYS)
}

pub fn sched_yield(_ctx: &mut Ctx, _mem: &GuestMemory) -> SysResult {
    std::thread::yield_now();
    Ok(())
}

/// The host exit status for `proc_exit(code)` with returnOnExit false: the low 8 bits, as a
/// POSIX status carries, except that a non-zero code whose low bits are zero (256, 512, …)
/// becomes 1, so a failure is never reported as success.
pub fn exit_status(code: u32) -> i32 {
    match (code & 0xff) as i32 {
        0 if code != 0 => 1,
        s => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_status_never_turns_failure_into_success() {
        assert_eq!(exit_status(0), 0);
        assert_eq!(exit_status(3), 3);
        assert_eq!(exit_status(255), 255);
        assert_eq!(exit_status(256), 1);
        assert_eq!(exit_status(257), 1);
        assert_eq!(exit_status(u32::MAX), 255);
    }
}
