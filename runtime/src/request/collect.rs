//! Every field error of a JSON body, as zod's `flatten()` lists them, found only after the
//! body failed to deserialize.
//!
//! The success path parses the bytes straight into `T` and never comes here. On a shape
//! error the body is parsed once into a [`Value`] and `T` is deserialized from it again by
//! a deserializer that keeps going past errors:
//!
//! - a value of the wrong JSON type for a primitive, a sequence, a map or a struct is
//!   recorded and replaced by a placeholder of the type the field asks for (`""`, `0`, an
//!   empty list, a struct of placeholders), so the rest of the body is still checked in
//!   the same pass;
//! - any other error (a missing field, a number out of range, a type's own `Deserialize`
//!   refusing a string) stops the pass; it is recorded at its path, and the next pass
//!   puts a placeholder there (or, for a missing field, adds one).
//!
//! Passes are bounded ([`MAX_PASSES`]); a placeholder that its type refuses, or an error at
//! or around a path already handled, ends the search with what was found. The value built
//! from placeholders is handed back so the caller can also run the type's `garde` rules on
//! the fields that did deserialize, as zod reports type errors and rule failures together.

use std::cell::RefCell;

use serde::Deserialize;
use serde_json::Value;

use super::lenient::{join, Node, State};
use crate::validation::error::ValidationError;

/// The most passes one body gets: one per error that stops a pass.
const MAX_PASSES: usize = 32;

/// What the search found: every field error, one per path, in document order, and `T`
/// built with placeholders where the body was wrong (`None` when no placeholder fitted).
pub(super) struct Collected<T> {
    pub errors: ValidationError,
    pub filled: Option<T>,
}

/// Collects the errors of deserializing `value` as `T`.
/// `text`: every leaf of `value` is a string, as from a query string (see [`State::text`]).
pub(super) fn collect<T: for<'de> Deserialize<'de>>(value: &Value, text: bool) -> Collected<T> {
    let state = RefCell::new(State {
        text,
        ..State::default()
    });
    // Every error found, at most one per path: errors kept going past are real body
    // values (placeholders record nothing), so those of every pass are kept.
    let mut errors: Vec<(String, String)> = Vec::new();
    let add = |errors: &mut Vec<(String, String)>, path: String, message: String| {
        if !errors.iter().any(|(p, _)| *p == path) {
            errors.push((path, message));
        }
    };
    let mut filled = None;
    for _ in 0..MAX_PASSES {
        {
            let mut state = state.borrow_mut();
            state.recovered.clear();
            state.error_at = None;
        }
        let result = T::deserialize(Node {
            value,
            path: String::new(),
            state: &state,
        });
        let mut state = state.borrow_mut();
        for (path, message) in std::mem::take(&mut state.recovered) {
            add(&mut errors, path, message);
        }
        let error = match result {
            Ok(value) => {
                filled = Some(value);
                break;
            }
            Err(error) => error,
        };
        let at = state.error_at.take().unwrap_or_default();
        let message = error.to_string();
        let (path, message, missing) = match message
            .strip_prefix("missing field `")
            .and_then(|rest| rest.strip_suffix('`'))
        {
            Some(field) => (join(&at, field), "missing field".to_owned(), Some(field)),
            None => (at.clone(), message.clone(), None),
        };
        if missing.is_none() && state.is_replaced(&path) && !state.is_skipped(&path) {
            // The type refuses the placeholder too: leave the value out next time.
            state.skipped.push(path);
            continue;
        }
        let handled = errors
            .iter()
            .map(|(p, _)| p)
            .chain(&state.replaced)
            .any(|p| overlaps(p, &path));
        if handled {
            break;
        }
        match missing {
            Some(field) => state.missing.push((at, field.to_owned())),
            None => state.replaced.push(path.clone()),
        }
        add(&mut errors, path, message);
    }
    let mut found = ValidationError::default();
    for (path, message) in errors {
        found.push(path, message);
    }
    Collected {
        errors: found,
        filled,
    }
}

/// `a` and `b` are the same path, or one lies inside the other (`""` holds every path).
pub(super) fn overlaps(a: &str, b: &str) -> bool {
    let inside = |outer: &str, inner: &str| {
        outer.is_empty()
            || inner
                .strip_prefix(outer)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
    };
    inside(a, b) || inside(b, a)
}

/// Adds the `garde` rule failures of the fields that did deserialize, as zod reports type
/// errors and rule failures in one answer; never those of a placeholder.
pub(super) fn add_rule_errors<T>(errors: &mut ValidationError, filled: Option<T>)
where
    T: garde::Validate,
    T::Context: Default,
{
    let Some(Err(report)) = filled.map(|value| value.validate()) else {
        return;
    };
    let mut wrong: Vec<String> = errors.paths().map(str::to_owned).collect();
    if !errors.form_errors.is_empty() {
        wrong.push(String::new());
    }
    for (path, error) in report.iter() {
        let path = path.to_string();
        if !wrong.iter().any(|w| overlaps(w, &path)) {
            errors.push(path, error.message());
        }
    }
}
