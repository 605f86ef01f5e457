//! [`Clock`]: where rate limits read the time; [`MonotonicClock`] (the default) and [`ManualClock`] (tests).

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

/// A source of time for rate limits: the time elapsed since the clock's fixed epoch. Decisions are pure
/// functions of (state, now), so a controllable clock makes every boundary testable.
pub trait Clock: Send + Sync + 'static {
    /// The time since the clock's epoch; never decreases for a well-behaved clock.
    fn now(&self) -> Duration;
}

/// The process's monotonic clock ([`Instant`]), with the epoch at its first use. Suits the in-memory
/// store; a store shared by several servers should compare times from one clock (the store's own).
#[derive(Debug, Clone, Copy, Default)]
pub struct MonotonicClock;

impl Clock for MonotonicClock {
    fn now(&self) -> Duration {
        static EPOCH: OnceLock<Instant> = OnceLock::new();
        EPOCH.get_or_init(Instant::now).elapsed()
    }
}

/// A clock that moves only when told to, for tests; clones share the same time.
///
/// ```
/// use std::time::Duration;
/// use velocy::rate_limit::{Clock, ManualClock};
///
/// let clock = ManualClock::new();
/// clock.advance(Duration::from_millis(1500));
/// assert_eq!(clock.now(), Duration::from_millis(1500));
/// ```
#[derive(Clone, Default)]
pub struct ManualClock {
    nanos: Arc<AtomicU64>,
}

impl ManualClock {
    /// A clock at time zero.
    pub fn new() -> Self {
        Self::default()
    }

    /// Moves the clock forward by `by` (saturating at about 584 years).
    pub fn advance(&self, by: Duration) {
        let by = u64::try_from(by.as_nanos()).unwrap_or(u64::MAX);
        let _ =
            self.nanos.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |now| Some(now.saturating_add(by)));
    }

    /// Sets the clock to `to` since its epoch.
    pub fn set(&self, to: Duration) {
        self.nanos.store(u64::try_from(to.as_nanos()).unwrap_or(u64::MAX), Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Duration {
        Duration::from_nanos(self.nanos.load(Ordering::SeqCst))
    }
}

impl fmt::Debug for ManualClock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ManualClock").field("now", &self.now()).finish()
    }
}
