//! The types every implementation shares, so their JSON is the same by construction.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The text of scenario 1.
pub const HELLO: &str = "Hello, World!";
/// The title every post has.
pub const TITLE: &str = "Hello, routekit";
/// The token the auth middleware of scenario 4 accepts.
pub const TOKEN: &str = "Bearer secret-token";
/// `Allow` of the `GET`-only paths, as routekit lists it (sorted, automatic methods included).
pub const ALLOW_GET: &str = "GET, HEAD, OPTIONS";

/// Scenario 2's answer.
#[derive(Debug, Clone, Serialize)]
pub struct Post {
    pub id: u64,
    pub title: &'static str,
}

/// Scenario 4's answer: the post and who asked.
#[derive(Debug, Clone, Serialize)]
pub struct SecurePost {
    pub id: u64,
    pub title: &'static str,
    pub author: u64,
}

/// What scenario 4's auth middleware puts into the request context.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct User {
    pub id: u64,
}

/// Scenario 3's body, validated with `garde` in every implementation.
#[derive(Debug, Deserialize, garde::Validate)]
pub struct CreateUser {
    #[garde(length(min = 2, max = 64))]
    pub name: String,
    #[garde(email)]
    pub email: String,
}

/// Scenario 3's answer.
#[derive(Debug, Serialize)]
pub struct CreatedUser {
    pub id: u64,
    pub name: String,
    pub email: String,
}

impl CreatedUser {
    pub fn from_input(input: CreateUser) -> Self {
        Self {
            id: 1,
            name: input.name,
            email: input.email,
        }
    }
}

/// Auth of scenario 4, the same check everywhere: the user, or `None` for `401`.
#[inline]
pub fn user_from_authorization(value: Option<&[u8]>) -> Option<User> {
    match value {
        Some(token) if token == TOKEN.as_bytes() => Some(User { id: 7 }),
        _ => None,
    }
}

/// A `garde` report as the body routekit answers (zod's `error.flatten()` under `error`),
/// written by hand for the implementations that are not routekit.
pub fn validation_error_body(report: &garde::Report) -> serde_json::Value {
    let mut fields: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut form: Vec<String> = Vec::new();
    for (path, error) in report.iter() {
        let path = path.to_string();
        if path.is_empty() {
            form.push(error.message().to_string());
        } else {
            fields
                .entry(path)
                .or_default()
                .push(error.message().to_string());
        }
    }
    serde_json::json!({ "error": { "formErrors": form, "fieldErrors": fields } })
}

/// `{"error": message}`, the error body of every implementation.
pub fn error_body(message: impl Into<String>) -> serde_json::Value {
    serde_json::json!({ "error": message.into() })
}

/// The path of filler route `i` of the many-route apps (scenario 5, scaling): a mix of
/// static paths, one parameter and a nested resource, as a real API has.
pub fn filler_path(i: usize, axum_style: bool) -> String {
    let param = if axum_style { "{id}" } else { "$id" };
    match i % 3 {
        0 => format!("/api/r{i}"),
        1 => format!("/api/r{i}/items/{param}"),
        _ => format!("/api/r{i}/items/{param}/comments"),
    }
}
