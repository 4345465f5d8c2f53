//! `FormData`: text fields and files of a submitted form.

use axum::extract::Multipart;
use bytes::Bytes;

use super::body_error::{multipart_error, BodyError};

/// A submitted form, as the Fetch API's `FormData`: text fields and files by name, in the
/// order sent.
///
/// [`get`](Self::get) answers what `formData.get(name)` answers: the first entry of that
/// name, a text field or a file ([`FormValue`]), so a port that expects text from a part a
/// browser sent as a file (`formData.append(k, blob)` sends `filename="blob"`) finds out.
/// [`text`](Self::text) and [`file`](Self::file) ask for one kind.
#[derive(Debug, Clone, Default)]
pub struct FormData {
    entries: Vec<Entry>,
}

#[derive(Debug, Clone)]
enum Entry {
    Text(String, String),
    File(FormFile),
}

impl Entry {
    fn name(&self) -> &str {
        match self {
            Entry::Text(name, _) => name,
            Entry::File(file) => &file.name,
        }
    }

    fn value(&self) -> FormValue<'_> {
        match self {
            Entry::Text(_, value) => FormValue::Text(value),
            Entry::File(file) => FormValue::File(file),
        }
    }
}

/// One entry of a form: `FormDataEntryValue`, a string or a `File`.
///
/// It serializes as `JSON.stringify` writes one: a text field as its string, a file as `{}`,
/// so `Response::json(&json!({ "name": form.get("name") }))` answers what the seed's
/// `Response.json({ name })` does.
#[derive(Debug, Clone, Copy)]
pub enum FormValue<'a> {
    /// A text field.
    Text(&'a str),
    /// A part sent with a file name.
    File(&'a FormFile),
}

impl<'a> FormValue<'a> {
    /// The text, if this is a text field.
    pub fn as_text(self) -> Option<&'a str> {
        match self {
            FormValue::Text(text) => Some(text),
            FormValue::File(_) => None,
        }
    }

    /// The file, if this is one.
    pub fn as_file(self) -> Option<&'a FormFile> {
        match self {
            FormValue::Text(_) => None,
            FormValue::File(file) => Some(file),
        }
    }
}

impl PartialEq<&str> for FormValue<'_> {
    fn eq(&self, other: &&str) -> bool {
        self.as_text() == Some(*other)
    }
}

impl serde::Serialize for FormValue<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        match self {
            FormValue::Text(text) => serializer.serialize_str(text),
            FormValue::File(_) => serializer.serialize_map(Some(0))?.end(),
        }
    }
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
            entries: form_urlencoded::parse(body)
                .into_owned()
                .map(|(name, value)| Entry::Text(name, value))
                .collect(),
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
                form.entries.push(Entry::File(FormFile {
                    name,
                    file_name,
                    content_type,
                    bytes,
                }));
            } else {
                let text = String::from_utf8(Vec::from(bytes)).map_err(|_| {
                    BodyError::Malformed(format!("form field `{name}` is not valid UTF-8"))
                })?;
                form.entries.push(Entry::Text(name, text));
            }
        }
        Ok(form)
    }

    /// `formData.get(name)`: the first entry called `name`, a text field or a file.
    pub fn get(&self, name: &str) -> Option<FormValue<'_>> {
        self.named(name).next()
    }

    /// `formData.getAll(name)`: every entry called `name`, in order (checkboxes,
    /// multi-selects, several files).
    pub fn get_all(&self, name: &str) -> Vec<FormValue<'_>> {
        self.named(name).collect()
    }

    /// `formData.has(name)`.
    pub fn has(&self, name: &str) -> bool {
        self.named(name).next().is_some()
    }

    /// The first text field called `name`, passing over files of that name.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.named(name).find_map(FormValue::as_text)
    }

    /// The first file called `name`, passing over text fields of that name.
    pub fn file(&self, name: &str) -> Option<&FormFile> {
        self.named(name).find_map(FormValue::as_file)
    }

    /// Every text field as `(name, value)`, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entries.iter().filter_map(|entry| match entry {
            Entry::Text(name, value) => Some((name.as_str(), value.as_str())),
            Entry::File(_) => None,
        })
    }

    /// Every file, in order.
    pub fn files(&self) -> impl Iterator<Item = &FormFile> {
        self.entries.iter().filter_map(|entry| match entry {
            Entry::File(file) => Some(file),
            Entry::Text(..) => None,
        })
    }

    /// `formData.entries()`: every entry as `(name, value)`, in order.
    pub fn entries(&self) -> impl Iterator<Item = (&str, FormValue<'_>)> {
        self.entries
            .iter()
            .map(|entry| (entry.name(), entry.value()))
    }

    fn named<'a, 'n>(&'a self, name: &'n str) -> impl Iterator<Item = FormValue<'a>> + use<'a, 'n> {
        self.entries
            .iter()
            .filter(move |entry| entry.name() == name)
            .map(Entry::value)
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
