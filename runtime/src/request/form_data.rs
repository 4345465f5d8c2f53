//! `FormData`: text fields and files of a submitted form.

use axum::extract::Multipart;
use bytes::Bytes;

use super::body_error::{multipart_error, BodyError};
use super::search::{lookup, lookup_all};

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
    pub(super) fn from_urlencoded(body: &[u8]) -> Self {
        Self {
            fields: form_urlencoded::parse(body).into_owned().collect(),
            files: Vec::new(),
        }
    }

    /// Reads every part: a part with a file name is a file, any other part a text field.
    pub(super) async fn from_multipart(mut multipart: Multipart) -> Result<Self, BodyError> {
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
