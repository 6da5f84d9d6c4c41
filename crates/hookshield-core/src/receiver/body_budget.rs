//! [`BodyBudget`]: a cap on the bytes of request bodies being received at once.

use std::fmt;
use std::sync::Arc;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::error::ConfigError;

/// The budget [`Receiver::new`](crate::Receiver::new) sets: 16 MiB of bodies being received
/// at once.
pub const DEFAULT_BODY_BUDGET: usize = 16 * 1024 * 1024;

/// How many bytes of request bodies may be held at once while they are being received,
/// shared by every clone of a [`Receiver`](crate::Receiver) (and so by every worker of a
/// layer or middleware).
///
/// Without it, each slow client holds what it has sent so far: 128 clients that each stop
/// one byte short of a 1 MiB body hold 128 MiB until the body deadline. With it, a body
/// is read only while the budget has room for it (its declared `Content-Length` up front,
/// or chunk by chunk when it has none); the others wait, their bytes left in the kernel's
/// socket buffers, until room is made or their body deadline passes (408). A single body
/// is never held back by more than the whole budget, so a body limit larger than the
/// budget still works, one such body at a time.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), hookshield_core::ConfigError> {
/// use hookshield_core::BodyBudget;
///
/// let budget = BodyBudget::new(1024)?;
/// let mut first = budget.hold();
/// first.grow_to(1000).await;
/// assert_eq!(budget.available(), 24);
/// drop(first); // the body was read: its bytes go back to the budget
/// assert_eq!(budget.available(), 1024);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct BodyBudget {
    total: usize,
    semaphore: Arc<Semaphore>,
}

impl BodyBudget {
    /// A budget of `bytes` (not zero; at most [`Semaphore::MAX_PERMITS`], larger values are
    /// lowered to it).
    pub fn new(bytes: usize) -> Result<Self, ConfigError> {
        if bytes == 0 {
            return Err(ConfigError::ZeroBodyBudget);
        }
        let total = bytes.min(Semaphore::MAX_PERMITS);
        Ok(Self {
            total,
            semaphore: Arc::new(Semaphore::new(total)),
        })
    }

    /// The whole budget in bytes.
    pub fn total(&self) -> usize {
        self.total
    }

    /// The bytes not held by any body right now.
    pub fn available(&self) -> usize {
        self.semaphore.available_permits()
    }

    /// A hold for one body, holding nothing yet; what it holds goes back when it is
    /// dropped.
    pub fn hold(&self) -> BodyHold {
        BodyHold {
            budget: self.clone(),
            permit: None,
            held: 0,
        }
    }
}

impl Default for BodyBudget {
    fn default() -> Self {
        Self {
            total: DEFAULT_BODY_BUDGET,
            semaphore: Arc::new(Semaphore::new(DEFAULT_BODY_BUDGET)),
        }
    }
}

impl fmt::Debug for BodyBudget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BodyBudget")
            .field("total", &self.total)
            .field("available", &self.available())
            .finish()
    }
}

/// The share of a [`BodyBudget`] one body holds while it is read.
pub struct BodyHold {
    budget: BodyBudget,
    permit: Option<OwnedSemaphorePermit>,
    held: usize,
}

impl BodyHold {
    /// Waits until this body holds `bytes` in all (or the whole budget, if `bytes` is
    /// more). Run it under the body deadline: it waits as long as other bodies hold the
    /// budget.
    pub async fn grow_to(&mut self, bytes: usize) {
        let wanted = bytes.min(self.budget.total);
        let Some(more) = wanted.checked_sub(self.held).filter(|more| *more > 0) else {
            return;
        };
        // `more` ≤ the total, which fits a semaphore; a semaphore takes u32 at a time.
        let mut missing = more;
        while missing > 0 {
            let step = u32::try_from(missing).unwrap_or(u32::MAX);
            let Ok(permit) = Arc::clone(&self.budget.semaphore)
                .acquire_many_owned(step)
                .await
            else {
                // The semaphore is never closed; nothing to wait for if it were.
                return;
            };
            match &mut self.permit {
                Some(held) => held.merge(permit),
                None => self.permit = Some(permit),
            }
            let step = usize::try_from(step).unwrap_or(missing);
            missing = missing.saturating_sub(step);
            self.held = self.held.saturating_add(step);
        }
    }

    /// The bytes this body holds.
    pub fn held(&self) -> usize {
        self.held
    }
}

impl fmt::Debug for BodyHold {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BodyHold")
            .field("held", &self.held)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[tokio::test]
    async fn a_body_waits_for_room_and_gets_it_when_another_finishes() {
        let budget = BodyBudget::new(100).unwrap();
        let mut first = budget.hold();
        first.grow_to(80).await;
        let mut second = budget.hold();
        let waiting = tokio::time::timeout(Duration::from_millis(50), second.grow_to(40)).await;
        assert!(waiting.is_err(), "no room: the second body waits");
        drop(first);
        second.grow_to(40).await;
        assert_eq!((second.held(), budget.available()), (40, 60));
    }

    #[tokio::test]
    async fn a_body_larger_than_the_budget_holds_the_whole_budget() {
        let budget = BodyBudget::new(100).unwrap();
        let mut big = budget.hold();
        big.grow_to(1000).await;
        assert_eq!((big.held(), budget.available()), (100, 0));
        big.grow_to(50).await; // never shrinks while held
        assert_eq!(big.held(), 100);
    }

    #[test]
    fn zero_is_config_error() {
        assert_eq!(BodyBudget::new(0).unwrap_err(), ConfigError::ZeroBodyBudget);
    }
}
