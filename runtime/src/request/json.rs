//! Reading a JSON body as the Fetch API's `json()` does, and saying what is wrong with it:
//! a syntax error with its position, or every field that does not fit, in the shape of
//! zod's `flatten()`.

use serde::de::DeserializeOwned;

use super::body_error::BodyError;
use super::{collect, objects};
use crate::validation::error::ValidationError;

/// Why a JSON body was refused: a reader's error, or the shape errors together with the
/// value built from placeholders where the body was wrong, for `json_valid`'s rules.
pub(super) enum JsonFailure<T> {
    Body(BodyError),
    Shape(ValidationError, Option<T>),
}

impl<T> JsonFailure<T> {
    pub(super) fn into_body_error(self) -> BodyError {
        match self {
            Self::Body(error) => error,
            Self::Shape(errors, _) => BodyError::Invalid(errors),
        }
    }
}

/// Parses straight into `T`; only a body that does not fit pays for finding every error.
pub(super) fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, JsonFailure<T>> {
    // The Fetch API's `json()` decodes with UTF-8 "BOM sniffing" and skips the mark.
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(JsonFailure::Body(BodyError::Malformed(
            "request body is empty, expected JSON".to_owned(),
        )));
    }
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let starts_with_array = bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[');
    let read = if starts_with_array {
        T::deserialize(objects::Objects(&mut deserializer))
    } else {
        T::deserialize(&mut deserializer)
    };
    if starts_with_array {
        if let Err(error) = &read {
            if error.to_string().contains("expected a JSON object") {
                // The whole input has the wrong shape: one form error, as zod's
                // `flatten()` reports a body that is not an object.
                return Err(JsonFailure::Shape(
                    ValidationError::from_field("", "expected a JSON object, not an array"),
                    None,
                ));
            }
        }
    }
    let error = match read {
        Ok(value) => {
            return match deserializer.end() {
                Ok(()) => Ok(value),
                Err(error) => Err(JsonFailure::Body(json_syntax_error(&error))),
            }
        }
        Err(error) => error,
    };
    if error.classify() != serde_json::error::Category::Data {
        return not_json(bytes, &error);
    }
    every_shape_error(bytes, &error)
}

/// A body serde_json refuses before `T` sees it. Two of its refusals are text JavaScript's
/// `request.json()` reads, so the body is read as it would be there and parsed again: bytes
/// that are not UTF-8 (`TextDecoder` makes each bad sequence U+FFFD) and a lone surrogate
/// escape (`"\ud800"`, what a client that cut a string inside an emoji sends; the string
/// holds U+FFFD in its place, as it would once encoded to UTF-8). A number beyond `f64`
/// (`1e400`, `Infinity` in JavaScript) is a field error at its path.
#[cold]
#[inline(never)]
fn not_json<T: DeserializeOwned>(
    bytes: &[u8],
    error: &serde_json::Error,
) -> Result<T, JsonFailure<T>> {
    if let Some(text) = as_javascript_reads(bytes) {
        return parse_json::<T>(&text);
    }
    if error.to_string().starts_with("number out of range") {
        let mut deserializer = serde_json::Deserializer::from_slice(bytes);
        if let Err(error) = serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
            if let BodyError::Invalid(errors) = shape_error(error.path(), "number out of range") {
                return Err(JsonFailure::Shape(errors, None));
            }
        }
    }
    Err(JsonFailure::Body(json_syntax_error(error)))
}

/// `bytes` as `request.json()` reads them: not-UTF-8 bytes replaced by U+FFFD, and lone
/// surrogate escapes inside strings by `\ufffd`. `None` when that changes nothing.
fn as_javascript_reads(bytes: &[u8]) -> Option<Vec<u8>> {
    let text = String::from_utf8_lossy(bytes);
    let mut changed = matches!(text, std::borrow::Cow::Owned(_));
    let b = text.as_bytes();
    let hex4 = |at: usize| -> Option<u32> {
        let digits = std::str::from_utf8(b.get(at..at + 4)?).ok()?;
        u32::from_str_radix(digits, 16).ok()
    };
    let is_low = |at: usize| {
        b.get(at..at + 2) == Some(b"\\u")
            && hex4(at + 2).is_some_and(|u| (0xDC00..0xE000).contains(&u))
    };
    let mut out = Vec::with_capacity(b.len());
    let (mut i, mut in_string) = (0, false);
    while i < b.len() {
        let c = b[i];
        if !in_string || c != b'\\' {
            in_string ^= c == b'"';
            out.push(c);
            i += 1;
            continue;
        }
        match (b.get(i + 1), hex4(i + 2)) {
            (Some(b'u'), Some(0xD800..=0xDBFF)) if is_low(i + 6) => {
                out.extend_from_slice(&b[i..i + 12]);
                i += 12;
            }
            (Some(b'u'), Some(0xD800..=0xDFFF)) => {
                out.extend_from_slice(b"\\ufffd");
                changed = true;
                i += 6;
            }
            _ => {
                out.extend_from_slice(&b[i..(i + 2).min(b.len())]);
                i += 2;
            }
        }
    }
    changed.then_some(out)
}

#[cold]
#[inline(never)]
fn every_shape_error<T: DeserializeOwned>(
    bytes: &[u8],
    first: &serde_json::Error,
) -> Result<T, JsonFailure<T>> {
    let value: serde_json::Value = match serde_json::from_slice(bytes) {
        Ok(value) => value,
        // Past the first error the body is broken or nested deeper than a `Value` may be
        // (serde skips an unknown field without that limit): the first error, at its path.
        Err(_) => return Err(first_shape_error(bytes)),
    };
    let collected = collect::collect::<T>(&value, false);
    let mut errors = collected.errors;
    if errors.is_empty() {
        // Not found again from the parsed value (it cannot tell `1.0` from `1` apart in
        // every case): the first error, about the whole body.
        errors.push(String::new(), without_position(first));
    }
    Err(JsonFailure::Shape(errors, collected.filled))
}

/// The first error of a body that does not fit `T`, at its path.
fn first_shape_error<T: DeserializeOwned>(bytes: &[u8]) -> JsonFailure<T> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let error = match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
        Ok(_) => return JsonFailure::Body(BodyError::Malformed("malformed JSON".to_owned())),
        Err(error) => error,
    };
    let inner = error.inner();
    match inner.classify() {
        serde_json::error::Category::Data => {
            match shape_error(error.path(), &without_position(inner)) {
                BodyError::Invalid(errors) => JsonFailure::Shape(errors, None),
                other => JsonFailure::Body(other),
            }
        }
        _ => JsonFailure::Body(json_syntax_error(inner)),
    }
}

fn json_syntax_error(error: &serde_json::Error) -> BodyError {
    let (line, column) = (error.line(), error.column());
    BodyError::Malformed(format!(
        "malformed JSON at line {line} column {column}: {}",
        without_position(error)
    ))
}

/// serde_json's message without its ` at line L column C` suffix.
fn without_position(error: &serde_json::Error) -> String {
    let message = error.to_string();
    let suffix = format!(" at line {} column {}", error.line(), error.column());
    message.strip_suffix(&suffix).unwrap_or(&message).to_owned()
}

/// A body that parsed but does not fit `T`, as `address.city: invalid type: …`. serde
/// reports a missing field at its parent, so the field is moved into the path:
/// `address.city: missing field`.
pub(super) fn shape_error(path: &serde_path_to_error::Path, message: &str) -> BodyError {
    let mut path = if path.iter().next().is_none() {
        String::new()
    } else {
        path.to_string()
    };
    let mut message = message;
    if let Some(field) = message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.strip_suffix('`'))
    {
        if !path.is_empty() {
            path.push('.');
        }
        path.push_str(field);
        message = "missing field";
    }
    BodyError::Invalid(ValidationError::from_field(path, message))
}
