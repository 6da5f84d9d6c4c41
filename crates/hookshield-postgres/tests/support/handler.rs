//! The inbox tests' handler: what it does with its event, and what each run saw.

use super::*;

// The handler.
// ---------------------------------------------------------------------------------------

/// What the handler does with its event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Writes its row, marks the event through the inbox, commits; 204.
    Commit,
    /// First attempt: writes, marks, and answers 500 without committing (the transaction
    /// is dropped: rolled back). Later attempts: as [`Commit`](Self::Commit).
    RollbackFirst,
    /// Writes, marks, commits, then answers 500.
    CommitThenFail,
    /// Writes, then `Inbox::commit` (marks and commits; the layer sends nothing after);
    /// 204.
    InboxCommit,
    /// Takes the inbox but never uses it: writes its row on its own (autocommit); 204.
    Plain,
    /// First attempt: writes, then waits until a later attempt has committed (it outlived
    /// its lease and was taken over), then marks: `NotHeld`, returned as the error. Later
    /// attempts: as [`Commit`](Self::Commit).
    OutlivesLease,
}

/// What one run of the handler saw and did.
#[derive(Debug, Clone, Default)]
pub(crate) struct Attempt {
    /// 1 for the first run, 2 for the second…
    pub(crate) n: usize,
    /// The verified event id.
    pub(crate) event_id: String,
    /// What [`Inbox::event_id`] said.
    pub(crate) inbox_event_id: Option<String>,
    /// The claim the layer put in the extensions (empty when there was none).
    pub(crate) reservations: Vec<Reserved>,
    /// Whether the claim said, once the handler ended, that its transaction committed.
    pub(crate) committed_by_handler: bool,
    /// What `mark_handled` answered (`None`: not called).
    pub(crate) mark: Option<Result<(), String>>,
    /// The reservations' rows read inside the handler's transaction, right after the mark.
    pub(crate) in_tx: Vec<EventRow>,
    /// The same rows read on another connection at the same time (before the commit).
    pub(crate) outside: Vec<EventRow>,
    /// Whether the handler's transaction committed.
    pub(crate) committed: bool,
}

impl Attempt {
    /// The (namespace, id) keys of its reservations.
    pub(crate) fn keys(&self) -> Vec<(String, String)> {
        self.reservations
            .iter()
            .map(|r| (r.namespace.clone(), r.event_id.clone()))
            .collect()
    }
}

/// The test handler: [`Mode`] says what it does; it records each run.
#[derive(Debug)]
pub(crate) struct Handler {
    /// The database of its own writes (and of the inbox mark).
    pool: PgPool,
    mode: Mode,
    /// What it waits for between its write and the mark (keeps the event in flight).
    gate: Option<Arc<Gate>>,
    pub(crate) runs: AtomicUsize,
    seen: Mutex<Vec<Attempt>>,
    /// Notified when a run has written its row.
    started: Notify,
    /// Notified when a run has committed.
    committed: Notify,
}

impl Handler {
    pub(crate) fn new(pool: &PgPool, mode: Mode) -> Arc<Self> {
        Self::build(pool, mode, None)
    }

    /// A handler that waits for `gate` between its write and its mark.
    pub(crate) fn gated(pool: &PgPool, mode: Mode, gate: &Arc<Gate>) -> Arc<Self> {
        Self::build(pool, mode, Some(Arc::clone(gate)))
    }

    fn build(pool: &PgPool, mode: Mode, gate: Option<Arc<Gate>>) -> Arc<Self> {
        Arc::new(Self {
            pool: pool.clone(),
            mode,
            gate,
            runs: AtomicUsize::new(0),
            seen: Mutex::new(Vec::new()),
            started: Notify::new(),
            committed: Notify::new(),
        })
    }

    /// How many times it ran.
    pub(crate) fn runs(&self) -> usize {
        self.runs.load(Ordering::SeqCst)
    }

    /// Run `n` (from 1), once it has finished.
    pub(crate) fn attempt(&self, n: usize) -> Attempt {
        let seen = self.seen.lock().unwrap();
        seen.iter()
            .find(|a| a.n == n)
            .cloned()
            .unwrap_or_else(|| panic!("no finished run {n}: {seen:?}"))
    }

    /// Waits (at most 5 s) until a run has written its row.
    pub(crate) async fn started(&self) {
        tokio::time::timeout(Duration::from_secs(5), self.started.notified())
            .await
            .expect("the handler did not start");
    }

    /// Handles event `event_id` with `inbox` (and the `claim` the layer put beside it):
    /// the status to answer, or the inbox's error.
    pub(crate) async fn handle(
        &self,
        inbox: Inbox,
        claim: Option<Claim>,
        event_id: &str,
    ) -> Result<u16, InboxError> {
        let n = self.runs.fetch_add(1, Ordering::SeqCst) + 1;
        let reservations = claim.as_ref().map_or_else(Vec::new, |claim| {
            claim
                .reservations()
                .map(|(key, owner)| Reserved {
                    namespace: key.namespace().to_owned(),
                    event_id: key.event_id().to_owned(),
                    owner: owner.to_hex(),
                })
                .collect()
        });
        let mut attempt = Attempt {
            n,
            event_id: event_id.to_owned(),
            inbox_event_id: inbox.event_id().map(str::to_owned),
            reservations,
            ..Attempt::default()
        };
        let outcome = self.run(&inbox, &mut attempt).await;
        attempt.committed_by_handler = claim.is_some_and(|c| c.is_committed_by_handler());
        self.seen.lock().unwrap().push(attempt);
        outcome
    }

    async fn run(&self, inbox: &Inbox, attempt: &mut Attempt) -> Result<u16, InboxError> {
        let first = attempt.n == 1;
        if self.mode == Mode::Plain {
            insert_handled(&self.pool, &attempt.event_id, attempt.n).await?;
            self.started.notify_one();
            if let Some(gate) = &self.gate {
                gate.wait().await;
            }
            return Ok(204);
        }
        let mut transaction = self.pool.begin().await?;
        insert_handled(&mut *transaction, &attempt.event_id, attempt.n).await?;
        self.started.notify_one();
        if let Some(gate) = &self.gate {
            gate.wait().await;
        }
        if self.mode == Mode::OutlivesLease && first {
            // Until the copy that took the event over has committed (or 5 s).
            let _ = tokio::time::timeout(Duration::from_secs(5), self.committed.notified()).await;
        }
        let marked = inbox.mark_handled(&mut transaction).await;
        attempt.mark = Some(marked.as_ref().map(|_| ()).map_err(ToString::to_string));
        marked?;
        let keys = attempt.keys();
        attempt.in_tx = event_rows(&mut *transaction, &keys).await?;
        attempt.outside = event_rows(&self.pool, &keys).await?;
        if self.mode == Mode::RollbackFirst && first {
            drop(transaction);
            return Ok(500);
        }
        if self.mode == Mode::InboxCommit {
            // Marked already: this commits, and tells the layer nothing is left.
            inbox.commit(transaction).await?;
        } else {
            transaction.commit().await?;
        }
        attempt.committed = true;
        self.committed.notify_one();
        Ok(if self.mode == Mode::CommitThenFail {
            500
        } else {
            204
        })
    }
}

/// Keeps a handler running until copies of its event have been answered by each of two
/// instances (every such answer is necessarily "in flight"), so a race between copies
/// happens whatever the machine's load, instead of depending on a handler's duration.
#[derive(Debug)]
pub(crate) struct Gate {
    answered: [AtomicUsize; 2],
    needed: usize,
}

impl Gate {
    /// A gate that opens once each instance has answered `needed` copies (or after 10 s).
    pub(crate) fn new(needed: usize) -> Arc<Self> {
        Arc::new(Self {
            answered: [AtomicUsize::new(0), AtomicUsize::new(0)],
            needed,
        })
    }

    /// Instance `instance` (0 or 1) answered a copy.
    pub(crate) fn answered(&self, instance: usize) {
        self.answered[instance].fetch_add(1, Ordering::SeqCst);
    }

    /// Waits until the gate opens.
    pub(crate) async fn wait(&self) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline
            && self
                .answered
                .iter()
                .any(|a| a.load(Ordering::SeqCst) < self.needed)
        {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
}

// ---------------------------------------------------------------------------------------
