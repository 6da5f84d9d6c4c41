//! `listen` for a provider that hands its secret over in a handshake (Asana's
//! `X-Hook-Secret`) when no secret is given: the first handover teaches it, in memory, and
//! later deliveries verify with it.

use std::sync::{Arc, RwLock};

use hookshield_core::{KeyError, KeyQuery, KeyResolver, KeySet, Scheme, Secret, SecretLearner};

/// The one secret a listener learned, first handover first.
#[derive(Clone, Default)]
pub(crate) struct Learned(Arc<RwLock<Option<Arc<KeySet>>>>);

impl KeyResolver for Learned {
    fn resolve(&self, _: &KeyQuery<'_>) -> Result<Arc<KeySet>, KeyError> {
        self.0
            .read()
            .ok()
            .and_then(|slot| slot.clone())
            .ok_or(KeyError::Unknown)
    }
}

impl SecretLearner for Learned {
    fn learn(&self, _: &KeyQuery<'_>, secret: Secret, scheme: &Scheme) -> bool {
        let Ok(mut slot) = self.0.write() else {
            return false;
        };
        if slot.is_some() {
            eprintln!("hookshield: a second secret handover was refused (one was learned already)");
            return false;
        }
        let Ok(keys) = KeySet::builder().secret(secret).build(scheme) else {
            return false;
        };
        *slot = Some(keys);
        eprintln!(
            "hookshield: learned the secret the provider handed over (not shown); \
             deliveries now verify with it"
        );
        true
    }
}

#[cfg(test)]
mod tests {
    use hookshield_core::{RequestContext, Verifier, presets};

    use super::*;

    #[test]
    fn the_first_handover_is_learned_and_later_ones_refused() {
        let learned = Learned::default();
        let verifier = Verifier::builder(presets::asana())
            .key_resolver(learned.clone())
            .secret_learner(learned)
            .build()
            .unwrap();
        let request = RequestContext::new("POST", "/webhook");
        let handover = |secret| verifier.answer_challenge(&request, &[("X-Hook-Secret", secret)]);
        assert!(handover("first-secret").unwrap().is_ok());
        assert!(handover("second-secret").unwrap().is_err());
    }
}
