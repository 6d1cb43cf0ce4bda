//! Byte layouts of the records syscalls exchange with the guest. Every encoder returns the
//! exact little-endian bytes the guest reads; every decoder takes the exact bytes it wrote.
//! Offsets follow the preview1 witx; `Version::Unstable` switches filestat and subscription
//! to their snapshot-0 layouts.

use super::Version;

/// `iovec` / `ciovec`: `{ buf: u32, buf_len: u32 }`.
pub const IOVEC_SIZE: u32 = 8;
/// `fdstat`
pub const FDSTAT_SIZE: u32 = 24;
/// `dirent` header (the name follows it).
pub const DIRENT_SIZE: u32 = 24;
/// `prestat`
pub const PRESTAT_SIZE: u32 = 8;
/// `event`
pub const EVENT_SIZE: u32 = 32;

/// `filestat`, version-independent.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Filestat {
    pub dev: u64,
    pub ino: u64,
    pub filetype: u8,
    pub nlink: u64,
    pub size: u64,
    pub atim: u64,
    pub mtim: u64,
    pub ctim: u64,
}

impl Filestat {
    /// Encodes for the guest: 64 bytes (preview1) or 56 bytes (unstable, u32 nlink).
    pub fn encode(&self, version: Version) -> ([u8; 64], usize) {
        let mut b = [0u8; 64];
        b[0..8].copy_from_slice(&self.dev.to_le_bytes());
        b[8..16].copy_from_slice(&self.ino.to_le_bytes());
        b[16] = self.filetype;
        match version {
            Version::Preview1 => {
                b[24..32].copy_from_slice(&self.nlink.to_le_bytes());
                b[32..40].copy_from_slice(&self.size.to_le_bytes());
                b[40..48].copy_from_slice(&self.atim.to_le_bytes());
                b[48..56].copy_from_slice(&self.mtim.to_le_bytes());
                b[56..64].copy_from_slice(&self.ctim.to_le_bytes());
                (b, 64)
            }
            Version::Unstable => {
                let nlink = u32::try_from(self.nlink).unwrap_or(u32::MAX);
                b[20..24].copy_from_slice(&nlink.to_le_bytes());
                b[24..32].copy_from_slice(&self.size.to_le_bytes());
                b[32..40].copy_from_slice(&self.atim.to_le_bytes());
                b[40..48].copy_from_slice(&self.mtim.to_le_bytes());
                b[48..56].copy_from_slice(&self.ctim.to_le_bytes());
                (b, 56)
            }
        }
    }
}

/// `fdstat`
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Fdstat {
    pub filetype: u8,
    pub flags: u16,
    pub rights_base: u64,
    pub rights_inheriting: u64,
}

impl Fdstat {
    pub fn encode(&self) -> [u8; 24] {
        let mut b = [0u8; 24];
        b[0] = self.filetype;
        b[2..4].copy_from_slice(&self.flags.to_le_bytes());
        b[8..16].copy_from_slice(&self.rights_base.to_le_bytes());
        b[16..24].copy_from_slice(&self.rights_inheriting.to_le_bytes());
        b
    }
}

/// `dirent` header: `{ d_next: u64, d_ino: u64, d_namlen: u32, d_type: u8 }`.
pub fn encode_dirent(next: u64, ino: u64, namlen: u32, filetype: u8) -> [u8; 24] {
    let mut b = [0u8; 24];
    b[0..8].copy_from_slice(&next.to_le_bytes());
    b[8..16].copy_from_slice(&ino.to_le_bytes());
    b[16..20].copy_from_slice(&namlen.to_le_bytes());
    b[20] = filetype;
    b
}

/// `prestat` for a directory: `{ tag: u8 = dir, pr_name_len: u32 }`.
pub fn encode_prestat_dir(name_len: u32) -> [u8; 8] {
    let mut b = [0u8; 8];
    b[0] = super::preopentype::DIR;
    b[4..8].copy_from_slice(&name_len.to_le_bytes());
    b
}

/// `event`: `{ userdata: u64, error: u16, type: u8, fd_readwrite: { nbytes: u64, flags: u16 } }`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Event {
    pub userdata: u64,
    pub error: u16,
    pub kind: u8,
    pub nbytes: u64,
    pub flags: u16,
}

impl Event {
    pub fn encode(&self) -> [u8; 32] {
        let mut b = [0u8; 32];
        b[0..8].copy_from_slice(&self.userdata.to_le_bytes());
        b[8..10].copy_from_slice(&self.error.to_le_bytes());
        b[10] = self.kind;
        b[16..24].copy_from_slice(&self.nbytes.to_le_bytes());
        b[24..26].copy_from_slice(&self.flags.to_le_bytes());
        b
    }
}

/// A decoded `subscription`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Subscription {
    pub userdata: u64,
    pub kind: SubscriptionKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SubscriptionKind {
    Clock {
        id: u32,
        timeout: u64,
        precision: u64,
        flags: u16,
    },
    FdRead(u32),
    FdWrite(u32),
    /// An eventtype tag the ABI does not define.
    Unknown(u8),
}

fn u64_at(b: &[u8], at: usize) -> u64 {
    let mut a = [0u8; 8];
    a.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(a)
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    let mut a = [0u8; 4];
    a.copy_from_slice(&b[at..at + 4]);
    u32::from_le_bytes(a)
}

fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

impl Subscription {
    /// Decodes one subscription record (`bytes.len()` is the version's record size).
    pub fn decode(bytes: &[u8], version: Version) -> Subscription {
        let userdata = u64_at(bytes, 0);
        let tag = bytes[8];
        let kind = match tag {
            super::eventtype::CLOCK => {
                // snapshot 0 puts a u64 `identifier` before the clock id.
                let base = match version {
                    Version::Preview1 => 16,
                    Version::Unstable => 24,
                };
                SubscriptionKind::Clock {
                    id: u32_at(bytes, base),
                    timeout: u64_at(bytes, base + 8),
                    precision: u64_at(bytes, base + 16),
                    flags: u16_at(bytes, base + 24),
                }
            }
            super::eventtype::FD_READ => SubscriptionKind::FdRead(u32_at(bytes, 16)),
            super::eventtype::FD_WRITE => SubscriptionKind::FdWrite(u32_at(bytes, 16)),
            other => SubscriptionKind::Unknown(other),
        };
        Subscription { userdata, kind }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filestat_layouts() {
        let st = Filestat {
            dev: 1,
            ino: 2,
            filetype: 4,
            nlink: 3,
            size: 5,
            atim: 6,
            mtim: 7,
            ctim: 8,
        };
        let (b, n) = st.encode(Version::Preview1);
        assert_eq!(n, 64);
        assert_eq!(b[24], 3);
        assert_eq!(b[32], 5);
        assert_eq!(b[56], 8);
        let (b, n) = st.encode(Version::Unstable);
        assert_eq!(n, 56);
        assert_eq!(b[20], 3);
        assert_eq!(b[24], 5);
        assert_eq!(b[48], 8);
    }

    #[test]
    fn clock_subscription_layouts() {
        let mut p1 = [0u8; 48];
        p1[0] = 9;
        p1[8] = 0;
        p1[16] = 1;
        p1[24] = 100;
        p1[40] = 1;
        let s = Subscription::decode(&p1, Version::Preview1);
        assert_eq!(
            s.kind,
            SubscriptionKind::Clock {
                id: 1,
                timeout: 100,
                precision: 0,
                flags: 1
            }
        );
        let mut u = [0u8; 56];
        u[16] = 0xAA; // identifier, ignored
        u[24] = 1;
        u[32] = 100;
        u[48] = 1;
        let s = Subscription::decode(&u, Version::Unstable);
        assert_eq!(
            s.kind,
            SubscriptionKind::Clock {
                id: 1,
                timeout: 100,
                precision: 0,
                flags: 1
            }
        );
    }
}
