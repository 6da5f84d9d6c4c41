//! The `with_*` methods every adapter shell (tower layer, actix-web middleware) offers,
//! written once: each forwards to the [`Receiver`](crate::Receiver) the shell wraps.

/// Implements `From<Receiver<S>>`, a private `map` and the `with_*` builder methods of
/// `Receiver` for an adapter type `$shell<S>` holding `receiver: Receiver<S>` and
/// `responder: Option<_>`. `$status` is the adapter's HTTP status type (anything with
/// `as_u16()`). For hookshield's adapters; not a stable API.
#[doc(hidden)]
#[macro_export]
macro_rules! receiver_shell {
    ($shell:ident, $status:ty) => {
        impl<S> ::core::convert::From<$crate::Receiver<S>> for $shell<S> {
            /// A shell around a configured [`Receiver`](hookshield_core::Receiver).
            fn from(receiver: $crate::Receiver<S>) -> Self {
                Self {
                    receiver,
                    responder: None,
                }
            }
        }

        impl<S: $crate::replay::ReplayStore> $shell<S> {
            fn map<T>(
                self,
                f: impl FnOnce($crate::Receiver<S>) -> $crate::Receiver<T>,
            ) -> $shell<T> {
                $shell {
                    receiver: f(self.receiver),
                    responder: self.responder,
                }
            }

            /// See [`Receiver::with_replay_store`](hookshield_core::Receiver::with_replay_store).
            pub fn with_replay_store<T: $crate::replay::ReplayStore>(self, store: T) -> $shell<T> {
                self.map(|r| r.with_replay_store(store))
            }

            /// See [`Receiver::with_replay_guard`](hookshield_core::Receiver::with_replay_guard).
            pub fn with_replay_guard<T: $crate::replay::ReplayStore>(
                self,
                guard: $crate::replay::ReplayGuard<T>,
            ) -> Result<$shell<T>, $crate::ConfigError> {
                Ok($shell {
                    receiver: self.receiver.with_replay_guard(guard)?,
                    responder: self.responder,
                })
            }

            /// See [`Receiver::with_namespace`](hookshield_core::Receiver::with_namespace).
            pub fn with_namespace(mut self, namespace: &str) -> Result<Self, $crate::ConfigError> {
                self.receiver = self.receiver.with_namespace(namespace)?;
                Ok(self)
            }

            /// See [`Receiver::with_ttl`](hookshield_core::Receiver::with_ttl).
            pub fn with_ttl(
                mut self,
                ttl: ::std::time::Duration,
            ) -> Result<Self, $crate::ConfigError> {
                self.receiver = self.receiver.with_ttl(ttl)?;
                Ok(self)
            }

            /// See [`Receiver::with_body_timeout`](hookshield_core::Receiver::with_body_timeout).
            pub fn with_body_timeout(
                mut self,
                timeout: ::std::time::Duration,
            ) -> Result<Self, $crate::ConfigError> {
                self.receiver = self.receiver.with_body_timeout(timeout)?;
                Ok(self)
            }

            /// See [`Receiver::with_lease`](hookshield_core::Receiver::with_lease).
            pub fn with_lease(self, lease: ::std::time::Duration) -> Self {
                self.map(|r| r.with_lease(lease))
            }

            /// See [`Receiver::with_fail_open`](hookshield_core::Receiver::with_fail_open).
            pub fn with_fail_open(self, fail_open: bool) -> Self {
                self.map(|r| r.with_fail_open(fail_open))
            }

            /// See [`Receiver::with_body_limit`](hookshield_core::Receiver::with_body_limit).
            pub fn with_body_limit(self, limit: usize) -> Self {
                self.map(|r| r.with_body_limit(limit))
            }

            /// See [`Receiver::with_body_budget`](hookshield_core::Receiver::with_body_budget).
            pub fn with_body_budget(mut self, bytes: usize) -> Result<Self, $crate::ConfigError> {
                self.receiver = self.receiver.with_body_budget(bytes)?;
                Ok(self)
            }

            /// See [`Receiver::with_duplicate_status`](hookshield_core::Receiver::with_duplicate_status).
            pub fn with_duplicate_status(self, status: $status) -> Self {
                self.map(|r| r.with_duplicate_status(status.as_u16()))
            }

            /// See [`Receiver::with_retry_after`](hookshield_core::Receiver::with_retry_after).
            pub fn with_retry_after(self, retry_after: ::std::time::Duration) -> Self {
                self.map(|r| r.with_retry_after(retry_after))
            }

            /// See [`Receiver::with_handshakes`](hookshield_core::Receiver::with_handshakes).
            pub fn with_handshakes(self, answer: bool) -> Self {
                self.map(|r| r.with_handshakes(answer))
            }

            /// The pipeline this shell runs.
            pub fn receiver(&self) -> &$crate::Receiver<S> {
                &self.receiver
            }
        }
    };
}
