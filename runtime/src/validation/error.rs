//! The error a validation answers: zod's `error.flatten()` shape. A leaf, so the body
//! readers of `request` and the `Valid<T>` extractor both use it without depending on each
//! other.

use std::collections::BTreeMap;
use std::fmt;

/// Field-by-field input errors, as zod's `error.flatten()`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ValidationError {
    /// Errors about the input as a whole.
    pub form_errors: Vec<String>,
    /// Errors by field path: `email`, `address.city`, `tags[0]`.
    pub field_errors: BTreeMap<String, Vec<String>>,
}

impl ValidationError {
    /// One error at `path` (the whole input when `path` is empty).
    pub fn from_field(path: impl Into<String>, message: impl Into<String>) -> Self {
        let mut errors = Self::default();
        errors.push(path, message);
        errors
    }

    /// Adds an error at `path` (the whole input when `path` is empty).
    pub fn push(&mut self, path: impl Into<String>, message: impl Into<String>) {
        let path = path.into();
        if path.is_empty() {
            self.form_errors.push(message.into());
        } else {
            self.field_errors
                .entry(path)
                .or_default()
                .push(message.into());
        }
    }

    /// Whether there is no error at all.
    pub fn is_empty(&self) -> bool {
        self.form_errors.is_empty() && self.field_errors.is_empty()
    }

    /// The paths of the field errors.
    pub(crate) fn paths(&self) -> impl Iterator<Item = &str> {
        self.field_errors.keys().map(String::as_str)
    }

    /// The `flatten()` JSON: `{"formErrors": […], "fieldErrors": {…}}`.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "formErrors": self.form_errors,
            "fieldErrors": self.field_errors,
        })
    }
}

impl From<garde::Report> for ValidationError {
    fn from(report: garde::Report) -> Self {
        let mut errors = Self::default();
        for (path, error) in report.iter() {
            errors.push(path.to_string(), error.message());
        }
        errors
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        let mut sep = |f: &mut fmt::Formatter<'_>| {
            let out = if first { Ok(()) } else { f.write_str("; ") };
            first = false;
            out
        };
        for message in &self.form_errors {
            sep(f)?;
            f.write_str(message)?;
        }
        for (path, messages) in &self.field_errors {
            for message in messages {
                sep(f)?;
                write!(f, "{path}: {message}")?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for ValidationError {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ApiError;
    use garde::Validate;
    use http::StatusCode;

    #[derive(serde::Deserialize, Validate)]
    struct Address {
        #[garde(length(min = 1))]
        city: String,
    }

    #[derive(serde::Deserialize, Validate)]
    struct Signup {
        #[garde(length(min = 2))]
        name: String,
        #[garde(email)]
        email: String,
        #[garde(dive)]
        address: Address,
        #[garde(inner(length(min = 1)))]
        tags: Vec<String>,
    }

    #[test]
    fn reports_flatten_by_dotted_path_and_index() {
        let signup = Signup {
            name: "A".into(),
            email: "nope".into(),
            address: Address {
                city: String::new(),
            },
            tags: vec!["ok".into(), String::new()],
        };
        let errors = ValidationError::from(signup.validate().unwrap_err());
        let json = errors.to_json();
        assert_eq!(json["formErrors"], serde_json::json!([]));
        let fields = json["fieldErrors"].as_object().unwrap();
        let keys: Vec<_> = fields.keys().cloned().collect();
        assert_eq!(keys, ["address.city", "email", "name", "tags[1]"]);
        assert!(
            fields["email"][0].as_str().unwrap().contains("email"),
            "{json}"
        );
    }

    #[test]
    fn an_empty_path_is_a_form_error() {
        let errors = ValidationError::from_field("", "expected an object");
        assert_eq!(
            errors.to_json(),
            serde_json::json!({ "formErrors": ["expected an object"], "fieldErrors": {} })
        );
        assert_eq!(ApiError::from(errors).status(), StatusCode::BAD_REQUEST);
    }
}
