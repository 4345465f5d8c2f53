//! Clients from the routes: typed Rust calls (feature `client`) and a TypeScript module
//! (feature `client-ts`, which turns on `openapi`).
//!
//! With `client`, every route has, next to its `href`, one function per handler named after
//! its method: `posts::item::get(7)` builds a [`Call`] typed by the handler (its path
//! parameters, its body, its query and its documented success body), and
//! `.send(&client).await` answers `Result<Post, ClientError>`. A [`Client`] sends it over
//! HTTP; a [`TestClient`](crate::test::TestClient) sends the same call in process.
//!
//! [`typescript`] writes a TypeScript module from the app's OpenAPI document: a typed
//! `fetch` call per operation, nested by `operationId`, with the schemas as exported types.
//! Nothing is written twice: the routes are the one source of the document, and the
//! document is the one source of the client. The guide's chapter
//! [Calling your API](crate::guide::client) shows it end to end.

#[cfg(feature = "client")]
mod call;
#[cfg(feature = "client-ts")]
mod calls;
#[cfg(feature = "client")]
mod decode;
#[cfg(feature = "client")]
mod error;
#[cfg(feature = "client-ts")]
mod names;
#[cfg(feature = "client-ts")]
mod operations;
#[cfg(feature = "client-ts")]
mod schema;
#[cfg(feature = "client")]
mod transport;
#[cfg(feature = "client-ts")]
mod typescript;

#[cfg(feature = "client")]
pub use self::call::{BodyOf, Call, NoQuery};
#[cfg(feature = "client")]
pub use self::decode::{Decode, Raw};
#[cfg(feature = "client")]
pub use self::error::{ClientError, ErrorBody};
#[cfg(feature = "client")]
pub use self::transport::{Client, Transport};
#[cfg(feature = "client-ts")]
pub use self::typescript::typescript;

#[cfg(all(test, feature = "client-ts"))]
mod tests;
