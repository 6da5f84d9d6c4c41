//! [`Inbox`]: the handler marks its event handled inside its own transaction.

use hookshield_core::replay::Claim;
use hookshield_core::{Reason, Rejection, VerifyError};
use sqlx::{Postgres, Transaction};

use crate::sql::{self, MARK_HANDLED};

/// The transactional inbox of one event: [`mark_handled`](Self::mark_handled) writes the
/// "handled" mark in the handler's own transaction, so the handler's writes and the mark
/// commit together or not at all.
///
/// Take it as an extractor (features `axum`, `actix`) next to `VerifiedJson`, on a route
/// behind the webhook layer or middleware whose replay store is a [`PgStore`](crate::PgStore)
/// on the same database:
///
/// - the transaction **commits**: the event is done; the layer does not commit it again,
///   and every later copy (a retry after a crash, a lost answer) is answered as a duplicate;
/// - it **rolls back** (an error, a panic, the process killed): the layer releases the
///   event after the handler, or its lease lapses if the process died, and the provider's
///   retry runs the handler again, on a database that holds none of the first attempt's
///   writes.
///
/// ```no_run
/// # #[cfg(feature = "axum")] mod example {
/// use axum::extract::State;
/// use axum::http::StatusCode;
/// use hookshield_axum::VerifiedJson;
/// use hookshield_postgres::{Inbox, InboxError};
/// use sqlx::PgPool;
///
/// #[derive(serde::Deserialize)]
/// struct Payment { account: i64, credits: i64 }
///
/// async fn credit(
///     State(pool): State<PgPool>,
///     inbox: Inbox,
///     VerifiedJson(payment, _): VerifiedJson<Payment>,
/// ) -> Result<StatusCode, InboxError> {
///     let mut transaction = pool.begin().await?;
///     sqlx::query("UPDATE accounts SET credits = credits + $1 WHERE id = $2")
///         .bind(payment.credits)
///         .bind(payment.account)
///         .execute(&mut *transaction)
///         .await?;
///     inbox.mark_handled(&mut transaction).await?;
///     transaction.commit().await?;
///     Ok(StatusCode::NO_CONTENT)
/// }
/// # }
/// ```
///
/// Under a receiver that failed open (its store was down and it was told to run handlers
/// unprotected), there is nothing to mark: [`mark_handled`](Self::mark_handled) does
/// nothing and says so at warning level.
#[derive(Debug, Clone)]
pub struct Inbox {
    claim: Option<Claim>,
}

/// Why [`Inbox::mark_handled`] (or the handler's transaction around it) failed. Whatever it
/// is, **do not commit the transaction**: return the error and let the transaction drop,
/// so the provider's retry runs on a clean slate.
///
/// As an axum or actix-web response: [`NotHeld`](Self::NotHeld) is 409
/// `duplicate_in_flight` and [`Database`](Self::Database) 503
/// `replay_store_unavailable`, both with `Retry-After`, like the layer's own answers.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum InboxError {
    /// The event's reservation is no longer this request's: its lease lapsed and another
    /// delivery took the event over, or the mark was written already.
    #[error("the event's reservation is no longer held by this request")]
    NotHeld,
    /// The database failed (the mark, or any statement of the handler's, through `?`).
    #[error("the database failed: {0}")]
    Database(#[from] sqlx::Error),
}

impl InboxError {
    /// The answer the adapters give for this error.
    pub fn rejection(&self) -> Rejection {
        let reason = match self {
            Self::NotHeld => Reason::DuplicateInFlight,
            Self::Database(_) => Reason::StoreUnavailable,
        };
        Rejection::from(VerifyError::new(reason))
    }
}

impl Inbox {
    /// The inbox of the event `claim` holds (from the request's extensions, where the
    /// layer puts it), for use without the extractors (a plain tower service).
    pub fn new(claim: Claim) -> Self {
        Self { claim: Some(claim) }
    }

    /// The inbox of an event that runs unprotected (the receiver failed open).
    pub(crate) fn unprotected() -> Self {
        Self { claim: None }
    }

    /// The event id, or `None` when the event runs unprotected.
    pub fn event_id(&self) -> Option<&str> {
        self.claim.as_ref().map(Claim::event_id)
    }

    /// Marks the event (its id, and its content digest when it holds one) handled, inside
    /// `transaction`: one statement. Call it after the handler's own writes, right before
    /// `transaction.commit()`, so the row lock it takes is held briefly; copies arriving
    /// meanwhile are answered 409 without waiting for it.
    ///
    /// [`InboxError::NotHeld`] means another delivery took the event over (this one
    /// outlived its lease): roll back.
    pub async fn mark_handled(
        &self,
        transaction: &mut Transaction<'_, Postgres>,
    ) -> Result<(), InboxError> {
        let Some(claim) = &self.claim else {
            tracing::warn!("the event runs unprotected (the replay store failed open): no mark");
            return Ok(());
        };
        let held = claim.reservations();
        let expected = held.len();
        let (mut namespaces, mut ids, mut owners) = (
            Vec::with_capacity(expected),
            Vec::with_capacity(expected),
            Vec::with_capacity(expected),
        );
        for (key, owner) in held {
            namespaces.push(key.namespace());
            ids.push(key.event_id());
            owners.push(owner.to_hex());
        }
        let marked = sqlx::query(MARK_HANDLED)
            .bind(namespaces)
            .bind(ids)
            .bind(owners)
            .bind(sql::millis(claim.ttl()))
            .execute(&mut **transaction)
            .await?;
        if usize::try_from(marked.rows_affected()).ok() != Some(expected) {
            return Err(InboxError::NotHeld);
        }
        claim.mark_settled_by_handler();
        Ok(())
    }
}
