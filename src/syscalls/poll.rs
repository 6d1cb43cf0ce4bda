//! poll_oneoff: clock subscriptions (relative or absolute, any clock, waited on with
//! nanosecond precision) and fd_read / fd_write subscriptions (host `ppoll`; regular files
//! and directories are always ready). Returns as soon as any subscription has an event; a
//! bad fd, missing right or bad clock id becomes an event carrying that error. The
//! subscription count is capped before the host allocates anything. Waiting happens in
//! slices of at most `BLOCK_SLICE` with the embedder's interrupt check between them, so a
//! Worker sleeping in poll_oneoff can be terminated.

use super::SysResult;
#[cfg(unix)]
use crate::abi::eventrwflags;
use crate::abi::layout::{self, Event, Subscription, SubscriptionKind};
use crate::abi::{eventtype, filetype, rights, subclockflags, Errno};
use crate::ctx::Ctx;
#[cfg(unix)]
use crate::host::errno;
use crate::memory::{GuestMemory, BLOCK_SLICE};
#[cfg(unix)]
use rustix::event::{PollFd, PollFlags};
#[cfg(unix)]
use std::os::fd::BorrowedFd;
use std::time::{Duration, Instant};

/// The host object an fd subscription is about: an fd on Unix, a handle on Windows.
#[cfg(unix)]
type HostRef<'a> = BorrowedFd<'a>;
#[cfg(windows)]
type HostRef<'a> = std::os::windows::io::BorrowedHandle<'a>;

fn host_ref(h: &crate::fd_table::Handle) -> HostRef<'_> {
    #[cfg(unix)]
    return h.as_fd();
    #[cfg(windows)]
    return std::os::windows::io::AsHandle::as_handle(h);
}

/// The most subscriptions one call may pass.
pub const MAX_SUBSCRIPTIONS: u32 = 16384;

fn clock_remaining(id: u32, timeout: u64, flags: u16) -> Result<Duration, Errno> {
    let now = super::clock::now(id)?;
    let ns = if flags & subclockflags::ABSTIME != 0 {
        timeout.saturating_sub(now)
    } else {
        timeout
    };
    Ok(Duration::from_nanos(ns))
}

// Windows waits on no host object (see poll_oneoff), so this is never built there.
#[cfg_attr(windows, allow(dead_code))]
struct FdWait<'a> {
    index: usize,
    fd: HostRef<'a>,
    write: bool,
}

pub fn poll_oneoff(
    ctx: &mut Ctx,
    mem: &GuestMemory,
    input: u32,
    output: u32,
    nsubscriptions: u32,
    nevents: u32,
) -> SysResult {
    let version = ctx.version;
    let sub_size = version.subscription_size();
    mem.range(nevents, 4)?;
    if nsubscriptions == 0 {
        return Err(Errno::EINVAL);
    }
    mem.array(input, nsubscriptions, sub_size)?;
    mem.array(output, nsubscriptions, layout::EVENT_SIZE)?;
    if nsubscriptions > MAX_SUBSCRIPTIONS {
        return Err(Errno::EINVAL);
    }
    let raw = mem.read_bytes(input, nsubscriptions * sub_size)?;
    let subs: Vec<Subscription> = raw
        .chunks_exact(sub_size as usize)
        .map(|b| Subscription::decode(b, version))
        .collect();

    let mut events: Vec<Event> = Vec::new();
    let mut timeout: Option<(Duration, Vec<usize>)> = None;
    #[cfg_attr(windows, allow(unused_mut))]
    let mut waits: Vec<FdWait> = Vec::new();
    // Regular files and directories never block.
    let mut ready_now: Vec<(usize, u64, u8)> = Vec::new();

    let fds = &mut ctx.fds;
    // Collect fd handles first (immutable borrows of distinct entries).
    let mut fd_info: Vec<Option<Result<(u8, HostRef<'_>), Errno>>> = Vec::new();
    // Lookups need &mut for the rights check; resolve errors first, then borrow immutably.
    let mut lookup_err: Vec<Option<Errno>> = vec![None; subs.len()];
    for (i, s) in subs.iter().enumerate() {
        if let SubscriptionKind::FdRead(fd) | SubscriptionKind::FdWrite(fd) = s.kind {
            if let Err(e) = fds.get(fd, rights::POLL_FD_READWRITE) {
                lookup_err[i] = Some(e);
            }
        }
    }
    let fds = &*fds;
    for (i, s) in subs.iter().enumerate() {
        let info = match s.kind {
            SubscriptionKind::FdRead(fd) | SubscriptionKind::FdWrite(fd) => match lookup_err[i] {
                Some(e) => Some(Err(e)),
                None => fds.peek(fd).map(|e| Ok((e.filetype, host_ref(&e.handle)))),
            },
            _ => None,
        };
        fd_info.push(info);
    }

    for (i, s) in subs.iter().enumerate() {
        match s.kind {
            SubscriptionKind::Clock {
                id,
                timeout: t,
                flags,
                ..
            } => match clock_remaining(id, t, flags) {
                Ok(d) => match &mut timeout {
                    Some((best, who)) if d == *best => who.push(i),
                    Some((best, _)) if d > *best => {}
                    _ => timeout = Some((d, vec![i])),
                },
                Err(e) => events.push(Event {
                    userdata: s.userdata,
                    error: e.0,
                    kind: eventtype::CLOCK,
                    ..Event::default()
                }),
            },
            SubscriptionKind::FdRead(_) | SubscriptionKind::FdWrite(_) => {
                let write = matches!(s.kind, SubscriptionKind::FdWrite(_));
                let kind = if write {
                    eventtype::FD_WRITE
                } else {
                    eventtype::FD_READ
                };
                match fd_info[i] {
                    Some(Ok((ft, fd))) => {
                        if ft == filetype::REGULAR_FILE || ft == filetype::DIRECTORY {
                            let nbytes = if write { 0 } else { readable_bytes(fd) };
                            ready_now.push((i, nbytes, kind));
                        } else {
                            #[cfg(unix)]
                            waits.push(FdWait {
                                index: i,
                                fd,
                                write,
                            });
                            // Windows cannot wait for a pipe or console to become ready
                            // (no poll for them): the subscription answers ENOTSUP at once.
                            #[cfg(windows)]
                            events.push(Event {
                                userdata: s.userdata,
                                error: Errno::ENOTSUP.0,
                                kind,
                                ..Event::default()
                            });
                        }
                    }
                    Some(Err(e)) => events.push(Event {
                        userdata: s.userdata,
                        error: e.0,
                        kind,
                        ..Event::default()
                    }),
                    None => events.push(Event {
                        userdata: s.userdata,
                        error: Errno::EBADF.0,
                        kind,
                        ..Event::default()
                    }),
                }
            }
            SubscriptionKind::Unknown(_) => events.push(Event {
                userdata: s.userdata,
                error: Errno::EINVAL.0,
                kind: 0,
                ..Event::default()
            }),
        }
    }
    for &(i, nbytes, kind) in &ready_now {
        events.push(Event {
            userdata: subs[i].userdata,
            kind,
            nbytes,
            ..Event::default()
        });
    }

    // Block only when nothing is ready yet.
    let wait_for = if events.is_empty() {
        timeout.as_ref().map(|(d, _)| *d)
    } else {
        Some(Duration::ZERO)
    };
    let mut timed_out = false;
    if waits.is_empty() {
        if let Some(d) = wait_for {
            if !d.is_zero() {
                sleep(mem, d)?;
            }
            timed_out = true;
        }
    } else {
        #[cfg(unix)]
        let mut pfds: Vec<PollFd> = waits
            .iter()
            .map(|w| {
                let f = if w.write {
                    PollFlags::OUT
                } else {
                    PollFlags::IN
                };
                PollFd::new(&w.fd, f)
            })
            .collect();
        #[cfg(unix)]
        {
            let n = poll_sliced(mem, &mut pfds, wait_for)?;
            if n == 0 {
                timed_out = wait_for.is_some();
            }
            for (w, p) in waits.iter().zip(&pfds) {
                let rev = p.revents();
                if rev.is_empty() {
                    continue;
                }
                let s = &subs[w.index];
                let kind = if w.write {
                    eventtype::FD_WRITE
                } else {
                    eventtype::FD_READ
                };
                let mut ev = Event {
                    userdata: s.userdata,
                    kind,
                    ..Event::default()
                };
                if rev.contains(PollFlags::NVAL) {
                    ev.error = Errno::EBADF.0;
                } else if rev.contains(PollFlags::ERR) && !rev.contains(PollFlags::HUP) {
                    ev.error = Errno::EIO.0;
                } else {
                    if rev.contains(PollFlags::HUP) {
                        ev.flags = eventrwflags::FD_READWRITE_HANGUP;
                    }
                    if !w.write {
                        ev.nbytes = readable_bytes(w.fd);
                    }
                }
                events.push(ev);
            }
        }
    }
    if timed_out {
        if let Some((d, who)) = &timeout {
            // Fire the earliest clocks when their time has come (not when an fd woke us).
            if events.is_empty() || d.is_zero() {
                for &i in who {
                    events.push(Event {
                        userdata: subs[i].userdata,
                        kind: eventtype::CLOCK,
                        ..Event::default()
                    });
                }
            }
        }
    }

    let mut out = Vec::with_capacity(events.len() * 32);
    for ev in &events {
        out.extend_from_slice(&ev.encode());
    }
    mem.write_bytes(output, &out)?;
    mem.write_u32(nevents, events.len() as u32)
}

#[cfg(unix)]
fn readable_bytes(fd: BorrowedFd<'_>) -> u64 {
    if let Ok(st) = rustix::fs::fstat(fd) {
        if rustix::fs::FileType::from_raw_mode(st.st_mode) == rustix::fs::FileType::RegularFile {
            let pos = rustix::fs::tell(fd).unwrap_or(0);
            return (st.st_size as u64).saturating_sub(pos);
        }
    }
    rustix::io::ioctl_fionread(fd).unwrap_or(0)
}

/// The bytes left to read in a regular file (size minus position); 0 when unknown.
#[cfg(windows)]
fn readable_bytes(h: HostRef<'_>) -> u64 {
    let size = crate::sys::filestat(h, crate::abi::filetype::REGULAR_FILE).map_or(0, |st| st.size);
    size.saturating_sub(crate::sys::tell(h).unwrap_or(0))
}

/// Sleeps for `d` in slices of at most [`BLOCK_SLICE`], giving up with EINTR when the
/// embedder interrupts (a Worker being terminated).
fn sleep(mem: &GuestMemory, d: Duration) -> Result<(), Errno> {
    let deadline = Instant::now() + d;
    loop {
        let now = Instant::now();
        if now >= deadline {
            return Ok(());
        }
        if mem.interrupted() {
            return Err(Errno::EINTR);
        }
        std::thread::sleep((deadline - now).min(BLOCK_SLICE));
    }
}

#[cfg(unix)]
fn timespec(d: Duration) -> rustix::time::Timespec {
    rustix::time::Timespec {
        tv_sec: d.as_secs() as _,
        tv_nsec: d.subsec_nanos() as _,
    }
}

/// Host `poll` on `fds` for at most `wait` (forever when `None`), in slices of at most
/// [`BLOCK_SLICE`] with the embedder's interrupt check between them (EINTR when it fires).
/// Returns the number of ready fds (0 when the wait ran out).
#[cfg(unix)]
pub fn poll_sliced(
    mem: &GuestMemory,
    fds: &mut [PollFd<'_>],
    wait: Option<Duration>,
) -> Result<usize, Errno> {
    let deadline = wait.map(|d| Instant::now() + d);
    loop {
        let slice = match deadline {
            Some(dl) => dl
                .saturating_duration_since(Instant::now())
                .min(BLOCK_SLICE),
            None => BLOCK_SLICE,
        };
        match rustix::event::poll(fds, Some(&timespec(slice))) {
            Ok(0) => {
                if deadline.is_some_and(|dl| Instant::now() >= dl) {
                    return Ok(0);
                }
                if mem.interrupted() {
                    return Err(Errno::EINTR);
                }
            }
            Ok(n) => return Ok(n),
            Err(rustix::io::Errno::INTR) => {
                if mem.interrupted() {
                    return Err(Errno::EINTR);
                }
            }
            Err(e) => return Err(errno(e)),
        }
    }
}

/// Blocks until `fd` is ready for reading (`write == false`) or writing, interruptibly (see
/// [`poll_sliced`]). Used before blocking host I/O on pipes, terminals and sockets, so a
/// guest blocked reading stdin inside a Worker can be terminated.
#[cfg(unix)]
pub fn wait_ready(mem: &GuestMemory, fd: BorrowedFd<'_>, write: bool) -> Result<(), Errno> {
    let flags = if write { PollFlags::OUT } else { PollFlags::IN };
    let mut fds = [PollFd::new(&fd, flags)];
    poll_sliced(mem, &mut fds, None).map(drop)
}
