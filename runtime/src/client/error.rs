//! What a typed call answers when it gets no documented success.

use std::collections::BTreeMap;
use std::fmt;

use http::{HeaderMap, StatusCode};
use serde::Deserialize;

/// Why a typed call did not answer its route's success body.
#[derive(Debug)]
#[non_exhaustive]
pub enum ClientError {
    /// The route answered a status outside `2xx`, with routekit's error body.
    Status {
        /// The status, `404`.
        status: StatusCode,
        /// The answer's headers (`www-authenticate`, `retry-after`, …).
        headers: HeaderMap,
        /// The body, read as one of routekit's error shapes.
        body: ErrorBody,
    },
    /// No answer: the server could not be reached, or the connection failed.
    Transport(Box<dyn std::error::Error + Send + Sync>),
    /// A `2xx` answer whose body is not what the route documents.
    Decode {
        /// The status of the answer.
        status: StatusCode,
        /// What did not parse.
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The request could not be written: a header value or a body that does not serialize.
    Request(Box<dyn std::error::Error + Send + Sync>),
}

impl ClientError {
    /// The status of the answer, when there was one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            ClientError::Status { status, .. } | ClientError::Decode { status, .. } => {
                Some(*status)
            }
            _ => None,
        }
    }

    /// The error body of a non-`2xx` answer.
    pub fn body(&self) -> Option<&ErrorBody> {
        match self {
            ClientError::Status { body, .. } => Some(body),
            _ => None,
        }
    }
}

impl fmt::Display for ClientError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClientError::Status { status, body, .. } => match body.message() {
                Some(message) => write!(f, "{status}: {message}"),
                None => write!(f, "{status}"),
            },
            ClientError::Transport(e) => write!(f, "request failed: {e}"),
            ClientError::Decode { status, source } => {
                write!(f, "{status} answer is not the documented body: {source}")
            }
            ClientError::Request(e) => write!(f, "request could not be written: {e}"),
        }
    }
}

impl std::error::Error for ClientError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ClientError::Transport(e) | ClientError::Request(e) => Some(&**e),
            ClientError::Decode { source, .. } => Some(&**source),
            ClientError::Status { .. } => None,
        }
    }
}

/// The body of an error answer, in the shapes routekit answers with.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorBody {
    /// `{"error": "Not found"}`: what every `ApiError` and routekit's own errors answer.
    Message(String),
    /// `{"error": {"formErrors": […], "fieldErrors": {…}}}`: input that failed
    /// validation, in zod's `flatten()` shape.
    Validation {
        /// Errors about the input as a whole.
        form_errors: Vec<String>,
        /// Errors by field path: `email`, `address.city`, `tags[1]`.
        field_errors: BTreeMap<String, Vec<String>>,
    },
    /// Any other body (a proxy's HTML page, an empty body), as text.
    Other(String),
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Shape {
    Message { error: String },
    Validation { error: Flattened },
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Flattened {
    form_errors: Vec<String>,
    field_errors: BTreeMap<String, Vec<String>>,
}

impl ErrorBody {
    /// Reads a body as one of routekit's error shapes, or keeps its text.
    pub fn parse(body: &[u8]) -> Self {
        match serde_json::from_slice::<Shape>(body) {
            Ok(Shape::Message { error }) => ErrorBody::Message(error),
            Ok(Shape::Validation { error }) => ErrorBody::Validation {
                form_errors: error.form_errors,
                field_errors: error.field_errors,
            },
            Err(_) => ErrorBody::Other(String::from_utf8_lossy(body).into_owned()),
        }
    }

    /// The message of `{"error": "…"}`.
    pub fn message(&self) -> Option<&str> {
        match self {
            ErrorBody::Message(message) => Some(message),
            _ => None,
        }
    }

    /// The errors of one field of a validation answer (`"email"`); empty otherwise.
    pub fn field(&self, name: &str) -> &[String] {
        match self {
            ErrorBody::Validation { field_errors, .. } => {
                field_errors.get(name).map_or(&[], Vec::as_slice)
            }
            _ => &[],
        }
    }
}
