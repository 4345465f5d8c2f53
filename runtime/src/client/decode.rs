//! How a typed call reads a successful answer: by the type its handler declares.

use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use serde::de::DeserializeOwned;

use super::error::ClientError;

/// An answer as it came: for a handler whose success body has no declared type
/// (`-> Response` without `#[response(200, T)]`, `-> impl IntoResponse`), and for
/// [`Call::send_raw`](super::call::Call::send_raw).
#[derive(Debug, Clone)]
pub struct Raw {
    /// The status.
    pub status: StatusCode,
    /// The headers.
    pub headers: HeaderMap,
    /// The body, read in full.
    pub body: Bytes,
}

impl Raw {
    /// The body parsed as JSON.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, ClientError> {
        serde_json::from_slice(&self.body).map_err(|e| ClientError::Decode {
            status: self.status,
            source: Box::new(e),
        })
    }

    /// The body as text (invalid UTF-8 replaced).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// A handler's answer type as a client reads it: `Json<Post>` is a `Post`,
/// `Result<T, ApiError>` is what `T` is (the error comes back as
/// [`ClientError::Status`]), `Response` is a [`Raw`] answer.
#[diagnostic::on_unimplemented(
    message = "a typed call cannot read `{Self}`, this route's answer type",
    label = "the route's answer is `{Self}`",
    note = "declare the success body on the handler, `#[response(200, Post)]`, or return `Json<Post>`; or read the answer with `.send_raw(&client)`"
)]
pub trait Decode {
    /// What the call answers.
    type Output;
    /// Reads a `2xx` answer.
    fn decode(answer: Raw) -> Result<Self::Output, ClientError>;
}

impl<T: DeserializeOwned> Decode for axum::Json<T> {
    type Output = T;
    fn decode(answer: Raw) -> Result<T, ClientError> {
        answer.json()
    }
}

impl<T: Decode, E> Decode for Result<T, E> {
    type Output = T::Output;
    fn decode(answer: Raw) -> Result<T::Output, ClientError> {
        T::decode(answer)
    }
}

impl<T: Decode> Decode for (StatusCode, T) {
    type Output = T::Output;
    fn decode(answer: Raw) -> Result<T::Output, ClientError> {
        T::decode(answer)
    }
}

/// No body: `#[response(204)]`, `-> StatusCode`, `-> ()`.
impl Decode for () {
    type Output = ();
    fn decode(_: Raw) -> Result<(), ClientError> {
        Ok(())
    }
}

impl Decode for StatusCode {
    type Output = ();
    fn decode(_: Raw) -> Result<(), ClientError> {
        Ok(())
    }
}

impl Decode for Raw {
    type Output = Raw;
    fn decode(answer: Raw) -> Result<Raw, ClientError> {
        Ok(answer)
    }
}

impl Decode for crate::response::Response {
    type Output = Raw;
    fn decode(answer: Raw) -> Result<Raw, ClientError> {
        Ok(answer)
    }
}

impl Decode for axum::response::Response {
    type Output = Raw;
    fn decode(answer: Raw) -> Result<Raw, ClientError> {
        Ok(answer)
    }
}

fn text(answer: Raw) -> Result<String, ClientError> {
    let status = answer.status;
    String::from_utf8(answer.body.into()).map_err(|e| ClientError::Decode {
        status,
        source: Box::new(e),
    })
}

impl Decode for String {
    type Output = String;
    fn decode(answer: Raw) -> Result<String, ClientError> {
        text(answer)
    }
}

impl Decode for &str {
    type Output = String;
    fn decode(answer: Raw) -> Result<String, ClientError> {
        text(answer)
    }
}

impl<T> Decode for axum::response::Html<T> {
    type Output = String;
    fn decode(answer: Raw) -> Result<String, ClientError> {
        text(answer)
    }
}

impl Decode for Bytes {
    type Output = Bytes;
    fn decode(answer: Raw) -> Result<Bytes, ClientError> {
        Ok(answer.body)
    }
}
