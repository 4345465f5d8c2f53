//! The header-read deadline (slowloris protection) without a timer per request.
//!
//! hyper's own `header_read_timeout` re-arms a tokio timer for every request of a
//! kept-alive connection, and a runtime with 32 armed timers reads the clock and walks its
//! timer wheel each time it parks: about 1,900 instructions per request under callgrind, a
//! tenth of the whole request (see BENCHMARKS.md). Here one coarse clock and one sweep serve
//! every connection:
//!
//! - each connection has a [`HeaderDeadline`]: armed when the server starts waiting for a
//!   request (the connection opens, or an HTTP/1.1 response has gone out), cleared when a
//!   request's head has arrived. Arming is a store of "coarse clock + timeout", with no
//!   system call and no allocation;
//! - one task per server ([`Deadlines::sweep`]) wakes every tenth of the timeout (at least
//!   10 ms, at most 1 s), advances the clock and marks connections whose deadline has passed;
//!   the next read of such a connection fails, and hyper closes it.
//!
//! So a connection is closed between the timeout and the timeout plus two ticks after the
//! server started waiting (10 to 12 s by default), never earlier.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::task::Waker;
use std::time::Duration;

use futures_util::task::AtomicWaker;
use tokio::time::Instant;

/// No deadline: a request is in flight.
const NONE: u64 = 0;
/// The deadline passed: reads fail from now on.
const EXPIRED: u64 = u64::MAX;
/// Never again: the connection speaks HTTP/2 or was upgraded.
const STOPPED: u64 = u64::MAX - 1;

/// The server's coarse clock, timeout, and the connections it watches.
#[derive(Debug)]
pub(crate) struct Deadlines {
    start: Instant,
    /// Milliseconds since `start`, as of the last sweep (never ahead of the real clock).
    clock_ms: AtomicU64,
    tick: Duration,
    /// The header-read timeout plus one tick, so the lagging clock never makes it shorter.
    timeout_ms: u64,
    connections: Mutex<Vec<Weak<HeaderDeadline>>>,
}

impl Deadlines {
    pub(crate) fn new(header_read_timeout: Duration) -> Arc<Self> {
        let tick =
            (header_read_timeout / 10).clamp(Duration::from_millis(10), Duration::from_secs(1));
        let timeout_ms =
            u64::try_from((header_read_timeout + tick).as_millis()).unwrap_or(u64::MAX / 2);
        Arc::new(Self {
            start: Instant::now(),
            // 1 rather than 0: `NONE` is 0, and a deadline is at least the timeout anyway.
            clock_ms: AtomicU64::new(1),
            tick,
            timeout_ms,
            connections: Mutex::new(Vec::new()),
        })
    }

    /// A new connection's deadline, armed: its first bytes are awaited from now.
    pub(crate) fn watch(self: &Arc<Self>) -> Arc<HeaderDeadline> {
        let deadline = Arc::new(HeaderDeadline {
            server: self.clone(),
            at: AtomicU64::new(NONE),
            waker: AtomicWaker::new(),
        });
        deadline.arm();
        let mut connections = self.connections.lock().unwrap_or_else(|e| e.into_inner());
        connections.push(Arc::downgrade(&deadline));
        deadline
    }

    /// Advances the clock and closes the connections past their deadline, every tick, for as
    /// long as the server runs.
    pub(crate) async fn sweep(self: Arc<Self>) {
        let mut ticks = tokio::time::interval(self.tick);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            let now = u64::try_from(self.start.elapsed().as_millis()).unwrap_or(STOPPED - 1);
            self.clock_ms.store(now.max(1), Ordering::Release);
            let mut connections = self.connections.lock().unwrap_or_else(|e| e.into_inner());
            connections.retain(|connection| {
                let Some(connection) = connection.upgrade() else {
                    return false;
                };
                connection.expire_if_past(now);
                true
            });
        }
    }
}

/// One connection's header-read deadline.
#[derive(Debug)]
pub(crate) struct HeaderDeadline {
    server: Arc<Deadlines>,
    /// [`NONE`], [`EXPIRED`], [`STOPPED`], or the deadline in the server's clock.
    at: AtomicU64,
    /// The connection's task, registered by each read that waits.
    waker: AtomicWaker,
}

impl HeaderDeadline {
    /// Starts waiting for a request.
    pub(crate) fn arm(&self) {
        let at = self.server.clock_ms.load(Ordering::Acquire) + self.server.timeout_ms;
        // An expired connection stays expired, a stopped one stopped.
        self.set_unless(at, &[EXPIRED, STOPPED]);
    }

    /// The connection no longer reads requests itself: HTTP/2 (whose pings watch it), or an
    /// upgrade (a WebSocket's own protocol decides when it is idle).
    pub(crate) fn stop(&self) {
        self.set_unless(STOPPED, &[EXPIRED]);
    }

    /// A request's head has arrived.
    pub(crate) fn clear(&self) {
        self.set_unless(NONE, &[EXPIRED, STOPPED]);
    }

    /// Sets the deadline to `to` unless it is one of `kept`.
    fn set_unless(&self, to: u64, kept: &[u64]) {
        let _ = self
            .at
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |current| {
                (!kept.contains(&current)).then_some(to)
            });
    }

    /// Whether reads must fail.
    pub(crate) fn expired(&self) -> bool {
        self.at.load(Ordering::Acquire) == EXPIRED
    }

    /// Whether a deadline is running.
    #[cfg(test)]
    pub(crate) fn armed(&self) -> bool {
        !matches!(self.at.load(Ordering::Acquire), NONE | STOPPED)
    }

    /// The task to wake when the deadline passes (the connection's, registered by each read
    /// that waits).
    pub(crate) fn register(&self, waker: &Waker) {
        self.waker.register(waker);
    }

    fn expire_if_past(&self, now: u64) {
        let at = self.at.load(Ordering::Acquire);
        if !matches!(at, NONE | EXPIRED | STOPPED)
            && at <= now
            && self
                .at
                .compare_exchange(at, EXPIRED, Ordering::AcqRel, Ordering::Acquire)
                .is_ok()
        {
            self.waker.wake();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_deadline_expires_after_the_timeout_and_not_before() {
        let server = Deadlines::new(Duration::from_secs(10));
        let sweep = tokio::spawn(server.clone().sweep());
        let deadline = server.watch();
        tokio::time::sleep(Duration::from_millis(9_900)).await;
        assert!(!deadline.expired());
        tokio::time::sleep(Duration::from_secs(3)).await;
        assert!(deadline.expired());
        // An expired connection stays expired, whatever it does next.
        deadline.clear();
        deadline.arm();
        assert!(deadline.expired());
        sweep.abort();
    }

    #[tokio::test(start_paused = true)]
    async fn a_stopped_deadline_never_expires() {
        let server = Deadlines::new(Duration::from_secs(1));
        let sweep = tokio::spawn(server.clone().sweep());
        let deadline = server.watch();
        deadline.stop();
        deadline.arm();
        tokio::time::sleep(Duration::from_secs(5)).await;
        assert!(!deadline.expired());
        assert!(!deadline.armed());
        sweep.abort();
    }

    #[tokio::test(start_paused = true)]
    async fn a_cleared_deadline_does_not_expire_and_a_rearmed_one_starts_again() {
        let server = Deadlines::new(Duration::from_secs(1));
        let sweep = tokio::spawn(server.clone().sweep());
        let deadline = server.watch();
        deadline.clear();
        assert!(!deadline.armed());
        tokio::time::sleep(Duration::from_secs(5)).await;
        assert!(!deadline.expired());
        deadline.arm();
        tokio::time::sleep(Duration::from_millis(900)).await;
        assert!(!deadline.expired());
        tokio::time::sleep(Duration::from_millis(1_500)).await;
        assert!(deadline.expired());
        sweep.abort();
    }

    #[tokio::test(start_paused = true)]
    async fn closed_connections_leave_the_sweep() {
        let server = Deadlines::new(Duration::from_secs(1));
        let sweep = tokio::spawn(server.clone().sweep());
        drop(server.watch());
        let kept = server.watch();
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert_eq!(server.connections.lock().unwrap().len(), 1);
        drop(kept);
        sweep.abort();
    }
}
