//! A query string read into `T` and checked by its `garde` rules, every bad field named in
//! zod's `flatten()` shape, as a JSON body is.

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::body_error::BodyError;
use super::collect;
use crate::validation::error::ValidationError;

/// Reads `query` (without the `?`) as `T`, then runs its rules. A query that fits costs one
/// `serde_urlencoded` pass; one that does not is read again, leniently, to name every field
/// that is wrong. That second reader also takes a key given once for a `Vec` field and a
/// repeated key for one (`?tag=a&tag=b`), which `serde_urlencoded` refuses.
///
/// A key with an empty value (`?page=`, `?page`) counts as absent: an HTML form sends an
/// empty field so, and the seeds read it so (`searchParams.get('page') || '1'`), so the
/// field takes its `#[serde(default)]` or is `None`.
pub(crate) fn query_valid<T>(query: &str) -> Result<T, BodyError>
where
    T: DeserializeOwned + garde::Validate,
    T::Context: Default,
{
    let value = read::<T>(query).map_err(|(mut errors, filled)| {
        collect::add_rule_errors(&mut errors, filled);
        BodyError::Invalid(errors)
    })?;
    value
        .validate()
        .map_err(|report| BodyError::Invalid(report.into()))?;
    Ok(value)
}

/// [`query_valid`] without the rules: what a server function with `method = GET` reads
/// its input with (`runtime/src/server_fns.rs`), every bad field named alike.
pub(crate) fn query_lenient<T: DeserializeOwned>(query: &str) -> Result<T, BodyError> {
    read(query).map_err(|(errors, _)| BodyError::Invalid(errors))
}

/// The query as `T`, or every field that is wrong and what could be filled in.
fn read<T: DeserializeOwned>(query: &str) -> Result<T, (ValidationError, Option<T>)> {
    let fast = if has_empty_value(query) {
        None
    } else {
        serde_urlencoded::from_str::<T>(query).ok()
    };
    if let Some(value) = fast {
        return Ok(value);
    }
    let pairs = pairs(query);
    let collected = collect::collect::<T>(&pairs, true);
    if collected.errors.is_empty() {
        collected.filled.ok_or_else(|| {
            (
                ValidationError::from_field("", "the query does not fit"),
                None,
            )
        })
    } else {
        Err((collected.errors, collected.filled))
    }
}

/// Whether a pair of `query` has no value: `a=` or a bare `a`.
fn has_empty_value(query: &str) -> bool {
    query
        .split('&')
        .any(|pair| !pair.is_empty() && pair.split_once('=').is_none_or(|(_, v)| v.is_empty()))
}

/// The query as one object of strings, leaving out empty values; a repeated key becomes a
/// list, in order.
fn pairs(query: &str) -> Value {
    let mut object = Map::new();
    for (key, value) in form_urlencoded::parse(query.as_bytes()) {
        if value.is_empty() {
            continue;
        }
        let value = Value::String(value.into_owned());
        match object.get_mut(key.as_ref()) {
            Some(Value::Array(items)) => items.push(value),
            Some(first) => {
                let first = first.take();
                object.insert(key.into_owned(), Value::Array(vec![first, value]));
            }
            None => {
                object.insert(key.into_owned(), value);
            }
        }
    }
    Value::Object(object)
}
