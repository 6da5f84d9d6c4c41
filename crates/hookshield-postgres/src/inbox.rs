//! [`Inbox`]: the handler marks its event handled inside its own transaction.

use std::sync::Arc;

use hookshield_core::replay::Claim;
use hookshield_core::{Reason, Rejection, VerifyError};
use sqlx::{Postgres, Transaction};

use crate::sql::{self, MARK_HANDLED, MARK_HANDLED_WITH_CONTENT};
use crate::store::PgStore;

/// The transactional inbox of one event: [`mark_handled`](Self::mark_handled) writes the
/// "handled" mark in the handler's own transaction, so the handler's writes and the mark
/// commit together or not at all.
///
/// Take it as an extractor (features `axum`, `actix`) next to `VerifiedJson`, on a route
/// behind the webhook layer or middleware whose replay store is a [`PgStore`] on the
/// **same database** as the transaction (on another, the mark finds no reservation and
/// answers [`InboxError::NotHeld`]; on another kind of store, [`InboxError::NotPgStore`]):
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
///     inbox.commit(transaction).await?; // the "handled" mark, then COMMIT
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
/// `replay_store_unavailable`, both with `Retry-After` (the adapters' default, 10 s: the
/// handler does not know the receiver's `with_retry_after`), like the layer's own
/// answers; [`NotPgStore`](Self::NotPgStore) is 500 `webhook_not_configured`.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum InboxError {
    /// The event's reservation is no longer this request's: its lease lapsed and another
    /// delivery took the event over, or the mark was written already.
    #[error("the event's reservation is no longer held by this request")]
    NotHeld,
    /// The route's replay store is not a [`PgStore`](crate::PgStore): the event's
    /// reservations are somewhere the transaction cannot mark (a bug in the app's wiring).
    #[error("the route's replay store is not a PgStore: the inbox cannot mark the event")]
    NotPgStore,
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
            Self::NotPgStore => return Rejection::not_configured(),
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

    /// The inbox the layer left in a request's extensions: its `claim`'s, or, beside a
    /// `Verified` without a claim (the receiver failed open), an unprotected one; `None`
    /// when no layer verified the request. What both extractors answer.
    #[cfg(any(feature = "axum", feature = "actix"))]
    pub(crate) fn from_extensions(claim: Option<&Claim>, verified: bool) -> Option<Self> {
        match claim {
            Some(claim) => Some(Self::new(claim.clone())),
            None => verified.then_some(Self { claim: None }),
        }
    }

    /// The event id, or `None` when the event runs unprotected.
    pub fn event_id(&self) -> Option<&str> {
        self.claim.as_ref().map(Claim::event_id)
    }

    /// Marks the event (its id, and its content digest when it holds one) handled, inside
    /// `transaction`: one statement. Marking again in the same transaction is harmless.
    ///
    /// Call it after the handler's own writes, right before the commit (or let
    /// [`commit`](Self::commit) do both), so the row lock it takes is held briefly. Copies
    /// arriving meanwhile are answered 409 without waiting for it, while the event's lease
    /// holds; past the lease, a copy tries to take the event over and waits for the lock
    /// (up to the store's timeout, then 503), and finds the event done once this
    /// transaction commits.
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
        if !claim.store_is::<PgStore>() && !claim.store_is::<Arc<PgStore>>() {
            tracing::error!(
                "Inbox used on a route whose replay store is not a PgStore: nothing marked"
            );
            return Err(InboxError::NotPgStore);
        }
        let mut held = claim.reservations();
        let expected = held.len();
        let ttl = sql::millis(claim.ttl());
        let marked = match (held.next(), held.next()) {
            (Some((id, id_owner)), None) => {
                sqlx::query(MARK_HANDLED)
                    .bind(id.namespace())
                    .bind(id.event_id())
                    .bind(id_owner.to_hex())
                    .bind(ttl)
                    .execute(&mut **transaction)
                    .await?
            }
            (Some((id, id_owner)), Some((content, content_owner))) => {
                sqlx::query(MARK_HANDLED_WITH_CONTENT)
                    .bind(id.namespace())
                    .bind(id.event_id())
                    .bind(id_owner.to_hex())
                    .bind(ttl)
                    .bind(content.namespace())
                    .bind(content.event_id())
                    .bind(content_owner.to_hex())
                    .execute(&mut **transaction)
                    .await?
            }
            _ => return Err(InboxError::NotHeld),
        };
        if usize::try_from(marked.rows_affected()).ok() != Some(expected) {
            return Err(InboxError::NotHeld);
        }
        claim.mark_settled_by_handler();
        Ok(())
    }

    /// Marks the event handled in `transaction` and commits it. Once the commit
    /// succeeded, the layer sends nothing after the handler: the cheapest way to finish,
    /// one statement in the transaction and none after it. (Committing the transaction
    /// yourself after `mark_handled` is just as safe; the layer then releases,
    /// owner-checked, what the transaction may have left in flight: one statement more.)
    ///
    /// It always marks, also after [`mark_handled`](Self::mark_handled): marking twice in
    /// one transaction is harmless, and a mark made in an earlier transaction that rolled
    /// back (a retry after a serialization failure, say) must be made again in this one.
    /// A failed commit leaves it to the layer: the mark either committed or did not, and
    /// its owner-checked release after the handler tells the two apart.
    pub async fn commit(
        &self,
        mut transaction: Transaction<'_, Postgres>,
    ) -> Result<(), InboxError> {
        self.mark_handled(&mut transaction).await?;
        transaction.commit().await?;
        if let Some(claim) = &self.claim {
            claim.mark_committed_by_handler();
        }
        Ok(())
    }
}
