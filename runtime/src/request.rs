//! The request a handler reads, after the Fetch API's `Request`.
//!
//! Next.js and TanStack Start handlers read `request.nextUrl.searchParams.get("page")`,
//! `request.headers.get("referer")`, `request.cookies.get("token")` and
//! `await request.json()`; [`Request`] offers the same calls over the
//! [`http::Request`] axum hands a handler, so the handler ports line by line and can still
//! drop down to axum with [`Request::into_http`].
//!
//! The body readers answer the errors a client can act on: `415` for a wrong content type,
//! `400` naming where the body is malformed, `413` past the body limit. They read through
//! axum's own extractors so a route's `DefaultBodyLimit` (2 MB unless changed) applies
//! exactly as it does for `Json<T>` or `Multipart`.

use std::convert::Infallible;
use std::fmt;
use std::sync::{Mutex, OnceLock, PoisonError};

use axum::body::Body;
use axum::extract::multipart::MultipartError;
use axum::extract::{FromRequest, Multipart};
use axum::response::IntoResponse;
use bytes::Bytes;
use http::header::{CONTENT_TYPE, COOKIE};
use http::{Extensions, HeaderMap, Method, StatusCode, Uri};
use serde::de::DeserializeOwned;

use crate::error::ApiError;
use crate::validation::ValidationError;

const JSON: &str = "application/json";
const URLENCODED: &str = "application/x-www-form-urlencoded";
const MULTIPART: &str = "multipart/form-data";

/// A Fetch-style request; take it as the last argument of a handler (it owns the body).
///
/// Query and cookie look-ups are parsed on first use and cached, so a handler that never
/// asks pays nothing.
///
/// `Request` is `Sync`, so a handler may `await` a helper taking `&Request` (as in
/// `getUser(request)`) and its future stays `Send`, as axum requires. axum's `Body` is not
/// `Sync`, hence the body sits in a `Mutex` that is only ever reached through `&mut self`
/// (`Mutex::into_inner`, never locked), and the caches are `OnceLock` rather than `OnceCell`.
pub struct Request {
    parts: http::request::Parts,
    /// `None` once a reader took it.
    body: Option<Mutex<Body>>,
    search_params: OnceLock<SearchParams>,
    cookies: OnceLock<Cookies>,
}

impl Request {
    /// Wraps the request axum received.
    pub fn from_http(request: http::Request<Body>) -> Self {
        let (parts, body) = request.into_parts();
        Self {
            parts,
            body: Some(Mutex::new(body)),
            search_params: OnceLock::new(),
            cookies: OnceLock::new(),
        }
    }

    /// The underlying request, for axum APIs; its body is empty once a reader took it.
    pub fn into_http(self) -> http::Request<Body> {
        let body = self.body.map_or_else(Body::empty, into_body);
        http::Request::from_parts(self.parts, body)
    }

    /// The method (`GET`, `POST`, …).
    pub fn method(&self) -> &Method {
        &self.parts.method
    }

    /// The request target: `url().path()`, `url().query()`. On a server this is the
    /// origin form (`/path?query`), without scheme or host.
    pub fn url(&self) -> &Uri {
        &self.parts.uri
    }

    /// All headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.parts.headers
    }

    /// All headers, for a middleware that adjusts the request before passing it on.
    pub fn headers_mut(&mut self) -> &mut HeaderMap {
        // The cookie cache was parsed from the old headers.
        self.cookies = OnceLock::new();
        &mut self.parts.headers
    }

    /// Typed values other layers attached to the request.
    pub fn extensions(&self) -> &Extensions {
        &self.parts.extensions
    }

    /// Typed values other layers attached to the request, mutably.
    pub fn extensions_mut(&mut self) -> &mut Extensions {
        &mut self.parts.extensions
    }

    /// `headers.get(name)`: the first value, or `None` if absent or not visible ASCII.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.parts.headers.get(name)?.to_str().ok()
    }

    /// The query string's parameters (`?page=2&tag=a&tag=b`), decoded.
    pub fn search_params(&self) -> &SearchParams {
        self.search_params
            .get_or_init(|| SearchParams::parse(self.parts.uri.query().unwrap_or("")))
    }

    /// The cookies of every `Cookie` header, values percent-decoded.
    pub fn cookies(&self) -> &Cookies {
        self.cookies
            .get_or_init(|| Cookies::parse(self.parts.headers.get_all(COOKIE)))
    }

    /// The raw body. Like every reader, it takes the body: a second read is a `400`.
    pub async fn bytes(&mut self) -> Result<Bytes, BodyError> {
        let request = self.take_body()?;
        <Bytes as FromRequest<()>>::from_request(request, &())
            .await
            .map_err(|rejection| {
                if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    BodyError::TooLarge
                } else {
                    BodyError::Unreadable
                }
            })
    }

    /// The body as UTF-8 text, whatever its content type.
    pub async fn text(&mut self) -> Result<String, BodyError> {
        let bytes = self.bytes().await?;
        String::from_utf8(Vec::from(bytes)).map_err(|error| {
            let at = error.utf8_error().valid_up_to();
            BodyError::Malformed(format!("request body is not valid UTF-8 (at byte {at})"))
        })
    }

    /// The body as JSON (`application/json` or a `+json` type such as
    /// `application/merge-patch+json`). A `415` leaves the body unread, so a handler may
    /// fall back to another reader.
    pub async fn json<T: DeserializeOwned>(&mut self) -> Result<T, BodyError> {
        self.expect_content_type(JSON, is_json)?;
        let bytes = self.bytes().await?;
        parse_json(&bytes)
    }

    /// The body as an `application/x-www-form-urlencoded` form.
    pub async fn form<T: DeserializeOwned>(&mut self) -> Result<T, BodyError> {
        self.expect_content_type(URLENCODED, |media| media == URLENCODED)?;
        let bytes = self.bytes().await?;
        let deserializer = serde_urlencoded::Deserializer::new(form_urlencoded::parse(&bytes));
        serde_path_to_error::deserialize(deserializer)
            .map_err(|error| shape_error(error.path(), &error.inner().to_string()))
    }

    /// [`json`](Self::json), then the type's `garde` rules: every failure is a `400` with
    /// the shape of zod's `error.flatten()`, field by field.
    pub async fn json_valid<T>(&mut self) -> Result<T, BodyError>
    where
        T: DeserializeOwned + garde::Validate,
        T::Context: Default,
    {
        let value: T = self.json().await?;
        value
            .validate()
            .map_err(|report| BodyError::Invalid(report.into()))?;
        Ok(value)
    }

    /// [`form`](Self::form), then the type's `garde` rules, as [`json_valid`](Self::json_valid).
    pub async fn form_valid<T>(&mut self) -> Result<T, BodyError>
    where
        T: DeserializeOwned + garde::Validate,
        T::Context: Default,
    {
        let value: T = self.form().await?;
        value
            .validate()
            .map_err(|report| BodyError::Invalid(report.into()))?;
        Ok(value)
    }

    /// The body as form fields and files, from `multipart/form-data` or an urlencoded form.
    pub async fn form_data(&mut self) -> Result<FormData, BodyError> {
        const EXPECTED: &str = "multipart/form-data or application/x-www-form-urlencoded";
        self.expect_content_type(EXPECTED, |media| media == MULTIPART || media == URLENCODED)?;
        if self.media_type().as_deref() == Some(URLENCODED) {
            let bytes = self.bytes().await?;
            return Ok(FormData::from_urlencoded(&bytes));
        }
        let request = self.take_body()?;
        let multipart = Multipart::from_request(request, &())
            .await
            .map_err(|rejection| {
                if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    BodyError::TooLarge
                } else {
                    BodyError::Malformed(
                        "multipart/form-data content-type has no valid boundary".to_owned(),
                    )
                }
            })?;
        FormData::from_multipart(multipart).await
    }

    /// Moves the body into a request axum's extractors accept. The headers and extensions
    /// are cloned along because the body limit (`DefaultBodyLimit`) travels as an extension
    /// and multipart needs the content type.
    fn take_body(&mut self) -> Result<axum::extract::Request, BodyError> {
        self.ensure_unread()?;
        let body = self.body.take().map_or_else(Body::empty, into_body);
        let mut request = axum::extract::Request::new(body);
        *request.headers_mut() = self.parts.headers.clone();
        *request.extensions_mut() = self.parts.extensions.clone();
        Ok(request)
    }

    fn ensure_unread(&self) -> Result<(), BodyError> {
        if self.body.is_none() {
            Err(BodyError::AlreadyRead)
        } else {
            Ok(())
        }
    }

    /// The content type without parameters, lowercased (`application/json`).
    fn media_type(&self) -> Option<String> {
        let value = self.header(CONTENT_TYPE.as_str())?;
        let essence = value.split(';').next().unwrap_or("").trim();
        (!essence.is_empty()).then(|| essence.to_ascii_lowercase())
    }

    fn expect_content_type(
        &self,
        expected: &'static str,
        accepts: impl Fn(&str) -> bool,
    ) -> Result<(), BodyError> {
        self.ensure_unread()?;
        match self.media_type() {
            Some(media) if accepts(&media) => Ok(()),
            found => {
                // Echo what the client sent, bounded, so the message names the mistake.
                let found = found.map(|media| media.chars().take(100).collect());
                Err(BodyError::UnsupportedMediaType { expected, found })
            }
        }
    }
}

/// The body out of its `Mutex`, which is never locked and so never poisoned.
fn into_body(body: Mutex<Body>) -> Body {
    body.into_inner().unwrap_or_else(PoisonError::into_inner)
}

fn is_json(media: &str) -> bool {
    media == JSON
        || media
            .split_once('/')
            .is_some_and(|(_, subtype)| subtype.ends_with("+json"))
}

fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, BodyError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(BodyError::Malformed(
            "request body is empty, expected JSON".to_owned(),
        ));
    }
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let inner = error.inner();
        match inner.classify() {
            serde_json::error::Category::Data => {
                shape_error(error.path(), &without_position(inner))
            }
            _ => json_syntax_error(inner),
        }
    })?;
    deserializer
        .end()
        .map_err(|error| json_syntax_error(&error))?;
    Ok(value)
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
fn shape_error(path: &serde_path_to_error::Path, message: &str) -> BodyError {
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

fn multipart_error(error: MultipartError) -> BodyError {
    if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
        BodyError::TooLarge
    } else {
        BodyError::Malformed(format!("malformed multipart body: {}", error.body_text()))
    }
}

impl<S: Send + Sync> FromRequest<S> for Request {
    type Rejection = Infallible;

    async fn from_request(
        request: axum::extract::Request,
        _state: &S,
    ) -> Result<Self, Self::Rejection> {
        Ok(Self::from_http(request))
    }
}

impl From<http::Request<Body>> for Request {
    fn from(request: http::Request<Body>) -> Self {
        Self::from_http(request)
    }
}

impl From<Request> for http::Request<Body> {
    fn from(request: Request) -> Self {
        request.into_http()
    }
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("method", self.method())
            .field("url", self.url())
            .field("headers", self.headers())
            .field("body_read", &self.body.is_none())
            .finish_non_exhaustive()
    }
}

/// Why a body reader refused the body. Converts into [`ApiError`] with `?` and answers
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

impl From<BodyError> for ApiError {
    fn from(error: BodyError) -> Self {
        match error {
            BodyError::Invalid(errors) => errors.into(),
            other => ApiError::with_status(other.status(), other.to_string()),
        }
    }
}

impl IntoResponse for BodyError {
    fn into_response(self) -> axum::response::Response {
        ApiError::from(self).into_response()
    }
}

/// The query string's parameters, as `URLSearchParams`: names and values are
/// percent-decoded and `+` is a space; a name may repeat (`?tag=a&tag=b`).
#[derive(Debug, Clone, Default)]
pub struct SearchParams {
    pairs: Vec<(String, String)>,
}

impl SearchParams {
    fn parse(query: &str) -> Self {
        Self {
            pairs: form_urlencoded::parse(query.as_bytes())
                .into_owned()
                .collect(),
        }
    }

    /// The first value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        lookup(&self.pairs, name)
    }

    /// Every value of `name`, in order.
    pub fn get_all(&self, name: &str) -> Vec<&str> {
        lookup_all(&self.pairs, name)
    }

    /// Whether `name` appears at all (`?draft` has it, with an empty value).
    pub fn has(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// Every `(name, value)` pair, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.pairs
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str()))
    }
}

/// The cookies the client sent. Values are percent-decoded and stripped of surrounding
/// quotes; a pair that does not parse is skipped rather than failing the request. When a
/// name repeats, [`get`](Cookies::get) gives the first, which browsers send for the most
/// specific path.
#[derive(Debug, Clone, Default)]
pub struct Cookies {
    pairs: Vec<(String, String)>,
}

impl Cookies {
    fn parse(headers: http::header::GetAll<'_, http::HeaderValue>) -> Self {
        let pairs = headers
            .iter()
            .filter_map(|value| std::str::from_utf8(value.as_bytes()).ok())
            .flat_map(cookie::Cookie::split_parse_encoded)
            .flatten()
            .map(|cookie| (cookie.name().to_owned(), cookie.value_trimmed().to_owned()))
            .collect();
        Self { pairs }
    }

    /// The value of cookie `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        lookup(&self.pairs, name)
    }

    /// Every `(name, value)` pair, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.pairs
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str()))
    }
}

fn lookup<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
}

fn lookup_all<'a>(pairs: &'a [(String, String)], name: &str) -> Vec<&'a str> {
    pairs
        .iter()
        .filter(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
        .collect()
}

/// A submitted form, as the Fetch API's `FormData`: text fields and files by name.
#[derive(Debug, Clone, Default)]
pub struct FormData {
    fields: Vec<(String, String)>,
    files: Vec<FormFile>,
}

/// A file from a `multipart/form-data` part that had a file name.
#[derive(Debug, Clone)]
pub struct FormFile {
    name: String,
    file_name: Option<String>,
    content_type: Option<String>,
    bytes: Bytes,
}

impl FormData {
    fn from_urlencoded(body: &[u8]) -> Self {
        Self {
            fields: form_urlencoded::parse(body).into_owned().collect(),
            files: Vec::new(),
        }
    }

    /// Reads every part: a part with a file name is a file, any other part a text field.
    async fn from_multipart(mut multipart: Multipart) -> Result<Self, BodyError> {
        let mut form = Self::default();
        while let Some(field) = multipart.next_field().await.map_err(multipart_error)? {
            let Some(name) = field.name().map(str::to_owned) else {
                return Err(BodyError::Malformed(
                    "multipart part has no name in its content-disposition".to_owned(),
                ));
            };
            let file_name = field.file_name().map(str::to_owned);
            let content_type = field.content_type().map(str::to_owned);
            let bytes = field.bytes().await.map_err(multipart_error)?;
            if file_name.is_some() {
                form.files.push(FormFile {
                    name,
                    file_name,
                    content_type,
                    bytes,
                });
            } else {
                let text = String::from_utf8(Vec::from(bytes)).map_err(|_| {
                    BodyError::Malformed(format!("form field `{name}` is not valid UTF-8"))
                })?;
                form.fields.push((name, text));
            }
        }
        Ok(form)
    }

    /// The first text field called `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        lookup(&self.fields, name)
    }

    /// Every text field called `name`, in order (checkboxes, multi-selects).
    pub fn get_all(&self, name: &str) -> Vec<&str> {
        lookup_all(&self.fields, name)
    }

    /// The first file called `name`.
    pub fn file(&self, name: &str) -> Option<&FormFile> {
        self.files.iter().find(|file| file.name == name)
    }

    /// Every text field as `(name, value)`, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.fields
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str()))
    }

    /// Every file, in order.
    pub fn files(&self) -> impl Iterator<Item = &FormFile> {
        self.files.iter()
    }
}

impl FormFile {
    /// The form field name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The file name the client gave; treat it as untrusted input, never as a path.
    pub fn file_name(&self) -> Option<&str> {
        self.file_name.as_deref()
    }

    /// The part's content type as the client declared it.
    pub fn content_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }

    /// The file's contents.
    pub fn bytes(&self) -> &Bytes {
        &self.bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::extract::DefaultBodyLimit;
    use axum::routing::post;
    use http_body_util::BodyExt;
    use serde::Deserialize;
    use tower::ServiceExt;

    fn request(content_type: Option<&str>, body: impl Into<Body>) -> Request {
        let mut builder = http::Request::builder().method("POST").uri("/submit?x=1");
        if let Some(content_type) = content_type {
            builder = builder.header(CONTENT_TYPE, content_type);
        }
        Request::from_http(builder.body(body.into()).unwrap())
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct User {
        name: String,
        address: Address,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Address {
        city: String,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Signup {
        email: String,
        age: u8,
    }

    fn invalid(error: BodyError) -> String {
        assert_eq!(error.status(), StatusCode::BAD_REQUEST, "{error}");
        error.to_string()
    }

    #[test]
    fn accessors() {
        let http = http::Request::builder()
            .method("PUT")
            .uri("/posts/1?draft")
            .header("referer", "https://example.com/")
            .header(
                "x-binary",
                http::HeaderValue::from_bytes(b"caf\xc3\xa9").unwrap(),
            )
            .body(Body::empty())
            .unwrap();
        let mut req = Request::from(http);
        assert_eq!(
            (req.method(), req.url().path(), req.url().query()),
            (&Method::PUT, "/posts/1", Some("draft"))
        );
        assert_eq!(req.header("referer"), Some("https://example.com/"));
        assert_eq!(req.header("Referer"), Some("https://example.com/"));
        assert_eq!(
            (req.header("x-binary"), req.header("missing")),
            (None, None)
        );
        req.extensions_mut().insert(7u32);
        assert_eq!(req.extensions().get::<u32>(), Some(&7));
        let back: http::Request<Body> = req.into();
        assert_eq!(back.uri(), "/posts/1?draft");
    }

    #[test]
    fn request_is_send_and_sync() {
        // Sync is what lets a handler await a helper that borrows the request.
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Request>();
    }

    #[test]
    fn search_params_decode_plus_and_percent() {
        let req = Request::from_http(
            http::Request::get("/search?q=hello+world&tag=a%20b&tag=c&draft&empty=")
                .body(Body::empty())
                .unwrap(),
        );
        let params = req.search_params();
        assert_eq!(params.get("q"), Some("hello world"));
        assert_eq!(params.get("tag"), Some("a b"));
        assert_eq!(params.get_all("tag"), ["a b", "c"]);
        assert!(params.has("draft") && params.has("empty") && !params.has("page"));
        assert_eq!((params.get("draft"), params.get("page")), (Some(""), None));
        assert!(params.get_all("page").is_empty());
        assert_eq!(params.iter().count(), 5);
        assert!(std::ptr::eq(params, req.search_params()), "parsed once");
        let bare = Request::from_http(http::Request::get("/").body(Body::empty()).unwrap());
        assert_eq!(bare.search_params().iter().count(), 0);
    }

    #[test]
    fn cookies_from_every_header() {
        let mut req = Request::from_http(
            http::Request::get("/")
                .header(COOKIE, "token=abc%20def; theme=\"dark\"")
                .header(COOKIE, "bad; token=second; lang=en")
                .body(Body::empty())
                .unwrap(),
        );
        let cookies = req.cookies();
        assert_eq!(cookies.get("token"), Some("abc def"));
        assert_eq!(cookies.get("theme"), Some("dark"));
        assert_eq!(cookies.get("lang"), Some("en"));
        assert_eq!(cookies.get("bad"), None);
        assert_eq!(
            cookies.iter().map(|(name, _)| name).collect::<Vec<_>>(),
            ["token", "theme", "token", "lang"]
        );
        req.headers_mut()
            .insert(COOKIE, http::HeaderValue::from_static("fresh=1"));
        assert_eq!(
            (req.cookies().get("fresh"), req.cookies().get("token")),
            (Some("1"), None)
        );
    }

    #[tokio::test]
    async fn json_ok_including_plus_json() {
        let body = r#"{"name":"Ada","address":{"city":"London"}}"#;
        let mut req = request(Some("application/json; charset=utf-8"), body);
        let user: User = req.json().await.unwrap();
        assert_eq!(
            user,
            User {
                name: "Ada".into(),
                address: Address {
                    city: "London".into()
                }
            }
        );
        let mut req = request(Some("application/merge-patch+json"), r#"{"city":"Paris"}"#);
        assert_eq!(req.json::<Address>().await.unwrap().city, "Paris");
    }

    #[tokio::test]
    async fn json_wrong_content_type_is_415_and_keeps_body() {
        let mut req = request(Some("text/plain"), r#"{"city":"Paris"}"#);
        let error = req.json::<Address>().await.unwrap_err();
        assert_eq!(error.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
        assert_eq!(
            error.to_string(),
            "expected content-type application/json, got text/plain"
        );
        assert_eq!(req.text().await.unwrap(), r#"{"city":"Paris"}"#);
        let error = request(None, "{}").json::<Address>().await.unwrap_err();
        assert_eq!(
            error.to_string(),
            "expected content-type application/json, got none"
        );
    }

    #[tokio::test]
    async fn json_syntax_error_names_line_and_column() {
        let message = invalid(
            request(Some(JSON), "{\n  \"city\": \"x\",,\n}")
                .json::<Address>()
                .await
                .unwrap_err(),
        );
        assert!(
            message.starts_with("malformed JSON at line 2 column"),
            "{message}"
        );
        let message = invalid(
            request(Some(JSON), r#"{"city":"x"} trailing"#)
                .json::<Address>()
                .await
                .unwrap_err(),
        );
        assert!(
            message.starts_with("malformed JSON at line 1 column 14"),
            "{message}"
        );
        let message = invalid(request(Some(JSON), "").json::<Address>().await.unwrap_err());
        assert_eq!(message, "request body is empty, expected JSON");
    }

    #[tokio::test]
    async fn json_shape_error_names_path() {
        let message = invalid(
            request(Some(JSON), r#"{"address":{"city":"x"}}"#)
                .json::<User>()
                .await
                .unwrap_err(),
        );
        assert_eq!(message, "name: missing field");
        let message = invalid(
            request(Some(JSON), r#"{"name":"a","address":{}}"#)
                .json::<User>()
                .await
                .unwrap_err(),
        );
        assert_eq!(message, "address.city: missing field");
        let message = invalid(
            request(Some(JSON), r#"{"name":"a","address":{"city":5}}"#)
                .json::<User>()
                .await
                .unwrap_err(),
        );
        assert_eq!(
            message,
            "address.city: invalid type: integer `5`, expected a string"
        );
        let message = invalid(
            request(Some(JSON), r#"[1,"x"]"#)
                .json::<Vec<u8>>()
                .await
                .unwrap_err(),
        );
        assert!(
            message.starts_with("[1]: invalid type: string"),
            "{message}"
        );
    }

    #[tokio::test]
    async fn text_and_invalid_utf8() {
        assert_eq!(request(None, "héllo").text().await.unwrap(), "héllo");
        let message = invalid(request(None, vec![b'a', 0xff]).text().await.unwrap_err());
        assert_eq!(message, "request body is not valid UTF-8 (at byte 1)");
        assert_eq!(request(None, "raw").bytes().await.unwrap(), "raw");
    }

    #[tokio::test]
    async fn form_ok_and_errors() {
        let mut req = request(Some(URLENCODED), "email=a%40b.c&age=30");
        assert_eq!(
            req.form::<Signup>().await.unwrap(),
            Signup {
                email: "a@b.c".into(),
                age: 30
            }
        );
        let message = invalid(
            request(Some(URLENCODED), "email=x&age=old")
                .form::<Signup>()
                .await
                .unwrap_err(),
        );
        assert_eq!(message, "age: invalid digit found in string");
        let message = invalid(
            request(Some(URLENCODED), "age=3")
                .form::<Signup>()
                .await
                .unwrap_err(),
        );
        assert_eq!(message, "email: missing field");
        let error = request(Some(JSON), "{}")
            .form::<Signup>()
            .await
            .unwrap_err();
        assert_eq!(error.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    }

    #[tokio::test]
    async fn form_data_urlencoded() {
        let form = request(Some(URLENCODED), "email=a%40b.c&tag=x&tag=y+z")
            .form_data()
            .await
            .unwrap();
        assert_eq!(
            (form.get("email"), form.get_all("tag")),
            (Some("a@b.c"), vec!["x", "y z"])
        );
        assert!(form.file("email").is_none() && form.get("missing").is_none());
        let error = request(Some("text/plain"), "x")
            .form_data()
            .await
            .unwrap_err();
        assert_eq!(error.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
        assert!(error.to_string().contains("multipart/form-data"));
    }

    const BOUNDARY: &str = "XyZ";

    fn multipart_body() -> Vec<u8> {
        let mut body = Vec::new();
        body.extend_from_slice(
            b"--XyZ\r\nContent-Disposition: form-data; name=\"email\"\r\n\r\na@b.c\r\n",
        );
        body.extend_from_slice(
            b"--XyZ\r\nContent-Disposition: form-data; name=\"tag\"\r\n\r\none\r\n",
        );
        body.extend_from_slice(
            b"--XyZ\r\nContent-Disposition: form-data; name=\"tag\"\r\n\r\ntwo\r\n",
        );
        body.extend_from_slice(
            b"--XyZ\r\nContent-Disposition: form-data; name=\"avatar\"; filename=\"me.png\"\r\n\
              Content-Type: image/png\r\n\r\n\x89PNG\xff\r\n",
        );
        body.extend_from_slice(b"--XyZ--\r\n");
        body
    }

    #[tokio::test]
    async fn form_data_multipart() {
        let content_type = format!("multipart/form-data; boundary={BOUNDARY}");
        let form = request(Some(&content_type), multipart_body())
            .form_data()
            .await
            .unwrap();
        assert_eq!(
            (form.get("email"), form.get_all("tag")),
            (Some("a@b.c"), vec!["one", "two"])
        );
        let avatar = form.file("avatar").unwrap();
        assert_eq!(
            (avatar.name(), avatar.file_name(), avatar.content_type()),
            ("avatar", Some("me.png"), Some("image/png"))
        );
        assert_eq!(avatar.bytes().as_ref(), b"\x89PNG\xff");
        assert_eq!(
            (
                form.get("avatar"),
                form.iter().count(),
                form.files().count()
            ),
            (None, 3, 1)
        );
    }

    #[tokio::test]
    async fn form_data_multipart_errors() {
        let message = invalid(
            request(Some("multipart/form-data"), multipart_body())
                .form_data()
                .await
                .unwrap_err(),
        );
        assert_eq!(
            message,
            "multipart/form-data content-type has no valid boundary"
        );
        let content_type = format!("multipart/form-data; boundary={BOUNDARY}");
        let bad_text =
            b"--XyZ\r\nContent-Disposition: form-data; name=\"bio\"\r\n\r\n\xff\r\n--XyZ--\r\n"
                .to_vec();
        let message = invalid(
            request(Some(&content_type), bad_text)
                .form_data()
                .await
                .unwrap_err(),
        );
        assert_eq!(message, "form field `bio` is not valid UTF-8");
        let truncated = b"--XyZ\r\nContent-Disposition: form-data; name=\"bio\"\r\n\r\nhi".to_vec();
        let message = invalid(
            request(Some(&content_type), truncated)
                .form_data()
                .await
                .unwrap_err(),
        );
        assert!(message.starts_with("malformed multipart body"), "{message}");
    }

    #[tokio::test]
    async fn second_read_is_400() {
        let mut req = request(Some(JSON), "{}");
        req.bytes().await.unwrap();
        for error in [
            req.bytes().await.unwrap_err(),
            req.text().await.unwrap_err(),
            req.json::<serde_json::Value>().await.unwrap_err(),
            req.form_data().await.unwrap_err(),
        ] {
            assert_eq!(
                (error.status(), error.to_string()),
                (StatusCode::BAD_REQUEST, "body already read".to_owned())
            );
        }
    }

    async fn call(
        app: axum::Router,
        content_type: &str,
        body: impl Into<Body>,
    ) -> (StatusCode, String) {
        let request = http::Request::post("/")
            .header(CONTENT_TYPE, content_type)
            .body(body.into())
            .unwrap();
        let response = app.oneshot(request).await.unwrap();
        let status = response.status();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        (status, String::from_utf8(body.to_vec()).unwrap())
    }

    async fn echo_text(mut req: Request) -> Result<String, BodyError> {
        req.text().await
    }

    async fn count_form_fields(mut req: Request) -> Result<String, ApiError> {
        Ok(req.form_data().await?.iter().count().to_string())
    }

    #[tokio::test]
    async fn body_over_route_limit_is_413() {
        let app = axum::Router::new()
            .route("/", post(echo_text))
            .layer(DefaultBodyLimit::max(10));
        assert_eq!(
            call(app.clone(), "text/plain", "short").await,
            (StatusCode::OK, "short".to_owned())
        );
        let too_large = r#"{"error":"request body is larger than this route accepts"}"#.to_owned();
        assert_eq!(
            call(app, "text/plain", "0123456789ABC").await,
            (StatusCode::PAYLOAD_TOO_LARGE, too_large.clone())
        );

        let app = axum::Router::new()
            .route("/", post(count_form_fields))
            .layer(DefaultBodyLimit::max(10));
        let content_type = format!("multipart/form-data; boundary={BOUNDARY}");
        assert_eq!(
            call(app, &content_type, multipart_body()).await,
            (StatusCode::PAYLOAD_TOO_LARGE, too_large)
        );
    }

    #[tokio::test]
    async fn body_over_default_limit_is_413() {
        let app = axum::Router::new().route("/", post(echo_text));
        let (status, _) = call(app, "text/plain", vec![b'a'; 2 * 1024 * 1024 + 1]).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    }

    #[tokio::test]
    async fn errors_answer_json_through_api_error() {
        let app = axum::Router::new().route("/", post(count_form_fields));
        let expected = r#"{"error":"expected content-type multipart/form-data or application/x-www-form-urlencoded, got application/json"}"#;
        assert_eq!(
            call(app.clone(), "application/json", "{}").await,
            (StatusCode::UNSUPPORTED_MEDIA_TYPE, expected.to_owned())
        );
        let content_type = format!("multipart/form-data; boundary={BOUNDARY}");
        assert_eq!(
            call(app, &content_type, multipart_body()).await,
            (StatusCode::OK, "3".to_owned())
        );
        let api: ApiError = BodyError::TooLarge.into();
        assert_eq!(api.status(), StatusCode::PAYLOAD_TOO_LARGE);
    }
}
