//! Why a body reader refused the body, and the status each reason answers.

use std::fmt;

use axum::extract::multipart::MultipartError;
use http::StatusCode;

use crate::validation::error::ValidationError;

/// Why a body reader refused the body. Converts into [`ApiError`](crate::ApiError) with `?` and answers
/// `{"error": "<message>"}` with [`status`](BodyError::status).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum BodyError {
    /// `415`: the content type is not one the reader parses.
    UnsupportedMediaType {
        /// What the reader parses.
        expected: &'static str,
        /// The media type the client sent, if any.
        found: Option<String>,
    },
    /// `413`: the body is over the route's limit.
    TooLarge,
    /// `400`: a reader already took the body.
    AlreadyRead,
    /// `400`: the body stream failed (the client went away or sent a broken encoding).
    Unreadable,
    /// `400`: the body is malformed; the message names where.
    Malformed(String),
    /// `400`: the body does not fit the type or fails its `garde` rules, by field.
    Invalid(ValidationError),
}

impl BodyError {
    /// The status this error answers.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::UnsupportedMediaType { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::AlreadyRead | Self::Unreadable | Self::Malformed(_) | Self::Invalid(_) => {
                StatusCode::BAD_REQUEST
            }
        }
    }
}

impl fmt::Display for BodyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnsupportedMediaType {
                expected,
                found: Some(found),
            } => {
                write!(f, "expected content-type {expected}, got {found}")
            }
            Self::UnsupportedMediaType {
                expected,
                found: None,
            } => {
                write!(f, "expected content-type {expected}, got none")
            }
            Self::TooLarge => f.write_str("request body is larger than this route accepts"),
            Self::AlreadyRead => f.write_str("body already read"),
            Self::Unreadable => f.write_str("request body could not be read"),
            Self::Malformed(message) => f.write_str(message),
            Self::Invalid(errors) => fmt::Display::fmt(errors, f),
        }
    }
}

impl std::error::Error for BodyError {}

pub(super) fn multipart_error(error: MultipartError) -> BodyError {
    if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
        BodyError::TooLarge
    } else {
        BodyError::Malformed(format!("malformed multipart body: {}", error.body_text()))
    }
}
