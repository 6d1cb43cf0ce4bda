//! random_get: bytes from the instance's ChaCha12 generator (seeded from the OS), produced in
//! 4 KiB blocks on the host stack and copied into the guest, so any length costs bounded host
//! memory.

use super::SysResult;
use crate::ctx::Ctx;
use crate::memory::GuestMemory;
use rand_core::Rng;

const BLOCK: usize = 4096;

pub fn random_get(ctx: &mut Ctx, mem: &GuestMemory, buf: u32, len: u32) -> SysResult {
    mem.range(buf, len as u64)?;
    let rng = ctx.rng()?;
    let mut block = [0u8; BLOCK];
    let mut done = 0u32;
    while done < len {
        let n = ((len - done) as usize).min(BLOCK);
        rng.fill_bytes(&mut block[..n]);
        mem.write_bytes(buf + done, &block[..n])?;
        done += n as u32;
    }
    Ok(())
}
