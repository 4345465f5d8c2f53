//! Fixtures the integration tests share.

use std::sync::{Arc, Mutex};

/// The names of the middleware a request passed, in order: provided as a `Ctx<Trace>` by a
/// test's first middleware, pushed to by the rest, read by the handler.
#[derive(Clone, Default)]
pub struct Trace(Arc<Mutex<Vec<&'static str>>>);

impl Trace {
    pub fn push(&self, name: &'static str) {
        self.0.lock().unwrap().push(name);
    }

    /// The names joined as the route table prints a chain: `auth → logger`.
    pub fn joined(&self) -> String {
        self.0.lock().unwrap().join(" → ")
    }
}
