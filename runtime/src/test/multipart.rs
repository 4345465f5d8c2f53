//! `multipart/form-data` bodies for [`TestRequest::multipart`](super::TestRequest::multipart),
//! written as a browser's `FormData` sends them.

use bytes::{BufMut, Bytes, BytesMut};

/// A `multipart/form-data` body: text fields and files, in order, as a browser's
/// `FormData` builds it (`form.append("name", "Ada")`, `form.append("avatar", blob, "a.png")`).
///
/// ```
/// use routekit::test::MultipartForm;
///
/// let form = MultipartForm::new()
///     .text("title", "Hello")
///     .file("avatar", "a.png", "image/png", &b"\x89PNG"[..]);
/// assert!(form.content_type().starts_with("multipart/form-data; boundary="));
/// ```
#[derive(Debug, Clone, Default)]
pub struct MultipartForm {
    parts: Vec<Part>,
}

#[derive(Debug, Clone)]
struct Part {
    name: String,
    file: Option<(String, String)>,
    bytes: Bytes,
}

impl MultipartForm {
    /// An empty form.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a text field, as `form.append(name, value)`.
    pub fn text(mut self, name: &str, value: &str) -> Self {
        self.parts.push(Part {
            name: name.to_owned(),
            file: None,
            bytes: Bytes::copy_from_slice(value.as_bytes()),
        });
        self
    }

    /// Adds a file, as `form.append(name, blob, file_name)` with the blob's `type`.
    pub fn file(
        mut self,
        name: &str,
        file_name: &str,
        content_type: &str,
        bytes: impl Into<Bytes>,
    ) -> Self {
        self.parts.push(Part {
            name: name.to_owned(),
            file: Some((file_name.to_owned(), content_type.to_owned())),
            bytes: bytes.into(),
        });
        self
    }

    /// The boundary: one that no part's bytes contain.
    fn boundary(&self) -> String {
        (0u64..)
            .map(|n| format!("routekit-test-boundary-{n:016x}"))
            .find(|boundary| {
                !self
                    .parts
                    .iter()
                    .any(|part| contains(&part.bytes, boundary.as_bytes()))
            })
            .expect("some boundary is free")
    }

    /// The `content-type` header to send with [`to_bytes`](Self::to_bytes)'s body.
    pub fn content_type(&self) -> String {
        format!("multipart/form-data; boundary={}", self.boundary())
    }

    /// The body, with the boundary of [`content_type`](Self::content_type).
    pub fn to_bytes(&self) -> Bytes {
        let boundary = self.boundary();
        let mut out = BytesMut::new();
        for part in &self.parts {
            out.put_slice(format!("--{boundary}\r\n").as_bytes());
            let mut disposition = format!("form-data; name=\"{}\"", escape(&part.name));
            if let Some((file_name, _)) = &part.file {
                disposition.push_str(&format!("; filename=\"{}\"", escape(file_name)));
            }
            out.put_slice(format!("content-disposition: {disposition}\r\n").as_bytes());
            if let Some((_, content_type)) = &part.file {
                out.put_slice(format!("content-type: {content_type}\r\n").as_bytes());
            }
            out.put_slice(b"\r\n");
            out.put_slice(&part.bytes);
            out.put_slice(b"\r\n");
        }
        out.put_slice(format!("--{boundary}--\r\n").as_bytes());
        out.freeze()
    }
}

/// A name or file name as browsers write it in a quoted header value: `"`, CR and LF
/// percent-encoded (the HTML standard's multipart/form-data encoding).
fn escape(text: &str) -> String {
    text.replace('"', "%22")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}
