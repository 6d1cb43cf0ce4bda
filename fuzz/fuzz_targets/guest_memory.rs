//! Fuzz target `guest_memory`: `GuestMemory`'s checks with arbitrary pointers, lengths and
//! iovec tables over images of fuzzer-chosen size (0 to 64 KiB, a `Vec`, so AddressSanitizer
//! sees any access outside). Invariants: a range is accepted exactly when it lies inside the
//! image (computed independently here in 128-bit arithmetic), out-of-range is EOVERFLOW,
//! reads return what was written, and every accepted iovec lies inside the image.

#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use wasi_rs::abi::Errno;
use wasi_rs::memory::OwnedMemory;

#[derive(Arbitrary, Debug)]
enum Op {
    Range { ptr: u32, len: u64 },
    Array { ptr: u32, count: u32, size: u32 },
    Write { ptr: u32, data: Vec<u8> },
    Read { ptr: u32, len: u16 },
    U64 { ptr: u32, v: u64 },
    Iovecs { ptr: u32, count: u32, max: u16 },
}

#[derive(Arbitrary, Debug)]
struct Input {
    size: u16,
    init: Vec<u8>,
    ops: Vec<Op>,
}

fn fits(size: usize, ptr: u32, len: u128) -> bool {
    u128::from(ptr) + len <= size as u128
}

fuzz_target!(|input: Input| {
    let size = usize::from(input.size);
    let mut image = OwnedMemory::new(size);
    let n = input.init.len().min(size);
    image.bytes_mut()[..n].copy_from_slice(&input.init[..n]);
    let mem = image.view();
    for op in input.ops.iter().take(64) {
        match *op {
            Op::Range { ptr, len } => {
                let r = mem.range(ptr, len);
                assert_eq!(r.is_ok(), fits(size, ptr, u128::from(len)));
                if let Err(e) = r {
                    assert_eq!(e, Errno::EOVERFLOW);
                }
            }
            Op::Array {
                ptr,
                count,
                size: rec,
            } => {
                let r = mem.array(ptr, count, rec);
                assert_eq!(
                    r.is_ok(),
                    fits(size, ptr, u128::from(count) * u128::from(rec))
                );
            }
            Op::Write { ptr, ref data } => {
                let r = mem.write_bytes(ptr, data);
                assert_eq!(r.is_ok(), fits(size, ptr, data.len() as u128));
                if r.is_ok() {
                    assert_eq!(mem.read_bytes(ptr, data.len() as u32).unwrap(), *data);
                }
            }
            Op::Read { ptr, len } => {
                let r = mem.read_bytes(ptr, u32::from(len));
                assert_eq!(r.is_ok(), fits(size, ptr, u128::from(len)));
            }
            Op::U64 { ptr, v } => {
                if mem.write_u64(ptr, v).is_ok() {
                    assert_eq!(mem.read_u64(ptr), Ok(v));
                } else {
                    assert!(!fits(size, ptr, 8));
                }
            }
            Op::Iovecs { ptr, count, max } => {
                if let Ok(v) = mem.iovecs(ptr, count, u32::from(max)) {
                    assert!(fits(size, ptr, u128::from(count) * 8));
                    assert_eq!(v.len(), count.min(u32::from(max)) as usize);
                    for iov in &v {
                        assert!(fits(size, iov.guest, iov.len as u128));
                    }
                }
            }
        }
    }
});
