//! Validation of typed bodies and queries with `garde`, answering the shape the seeds return:
//! zod's `error.flatten()`, `{"formErrors": [...], "fieldErrors": {"email": ["..."]}}`.
//!
//! A body that does not deserialize (a missing field, a wrong type) answers the same shape
//! naming the field, so a client handles one format for every "your input is wrong".

pub(crate) mod error;
mod query;
mod valid;

pub use error::ValidationError;
pub use query::ValidQuery;
pub use valid::Valid;
