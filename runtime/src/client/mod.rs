//! Clients generated from the routes (feature `client-ts`, which turns on `openapi`).
//!
//! [`typescript`] writes a TypeScript module from the app's OpenAPI document: a typed
//! `fetch` call per operation, nested by `operationId`, with the schemas as exported types.
//! Nothing is written twice: the routes are the one source of the document, and the
//! document is the one source of the client. The guide's chapter
//! [Calling your API](crate::guide::client) shows it end to end.

mod calls;
mod names;
mod operations;
mod schema;
mod typescript;

pub use self::typescript::typescript;

#[cfg(test)]
mod tests;
