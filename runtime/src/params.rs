//! Typed path parameters: `$id` bound to `id: u64` by argument name, parsed with `FromStr`.
//!
//! The values come out of axum's own `Path` extractor, which borrows the already
//! percent-decoded segments from the matched route, so reading a parameter costs what
//! `Path<u64>` costs in a hand-written axum handler, and nothing in it is generic in the
//! route (see [`Params`]). Parsing never fails inside axum: each
//! slot keeps `Err` and the generated handler answers a `400` naming the parameter.

use std::fmt;
use std::marker::PhantomData;
use std::str::FromStr;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;

use axum::extract::{FromRequestParts, Path};
use axum::response::{IntoResponse, Response};
use http::request::Parts;

use crate::error::ApiError;

/// A path parameter's text that does not parse as the handler's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvalidParam;

/// A catch-all value (`[...slug]`, `{*slug}`, `$`): the rest of the path.
///
/// `Vec<String>` gets its segments, each percent-decoded, as Next.js `params.slug` (so
/// `a%2Fb/c` is `["a/b", "c"]`); `String` gets the decoded rest as one string (`"a/b/c"`).
pub trait FromCatchAll: Sized {
    /// Builds the value from the decoded rest of the path (owned, so a `String` catch-all
    /// costs no second copy) and, when known, the same rest as it was sent, still
    /// percent-encoded.
    fn from_catch_all(decoded: String, raw: Option<&str>) -> Result<Self, InvalidParam>;

    /// What a value must look like, said in the `400` when `from_catch_all` refuses one
    /// (empty: the message names only the type).
    const REQUIREMENT: &'static str = "";
}

impl FromCatchAll for String {
    fn from_catch_all(decoded: String, _raw: Option<&str>) -> Result<Self, InvalidParam> {
        Ok(decoded)
    }
}

impl FromCatchAll for Vec<String> {
    fn from_catch_all(decoded: String, raw: Option<&str>) -> Result<Self, InvalidParam> {
        let Some(raw) = raw else {
            return Ok(decoded
                .split('/')
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect());
        };
        raw.split('/')
            .filter(|segment| !segment.is_empty())
            .map(|segment| {
                percent_encoding::percent_decode_str(segment)
                    .decode_utf8()
                    .map(|s| s.into_owned())
                    .map_err(|_| InvalidParam)
            })
            .collect()
    }
}

/// A relative path below the route's root: `a/b.txt`. Refused (`400` naming the parameter):
/// a `..` or `.` segment, an empty segment (so an absolute path, `//` or a trailing `/`),
/// NUL, a backslash, or a `:` (a Windows drive `C:` or stream `file:name`), whether sent
/// plain or percent-encoded (`..%2F..%2Fetc`). The absent optional catch-all is the empty
/// path.
impl FromCatchAll for std::path::PathBuf {
    const REQUIREMENT: &'static str =
        "a relative path without `..`, `.`, empty segments, NUL, `\\` or `:`";

    fn from_catch_all(decoded: String, _raw: Option<&str>) -> Result<Self, InvalidParam> {
        if decoded.is_empty() {
            return Ok(Self::new());
        }
        let safe = decoded.split('/').all(|segment| {
            !matches!(segment, "" | "." | "..") && !segment.contains(['\0', '\\', ':'])
        });
        if safe {
            Ok(decoded.into())
        } else {
            Err(InvalidParam)
        }
    }
}

/// The suffix of the request path that decodes to `decoded`: the catch-all as sent.
fn raw_rest<'a>(path: &'a str, decoded: &str) -> Option<&'a str> {
    let mut start = path.len();
    while let Some(slash) = path[..start].rfind('/') {
        let candidate = &path[slash + 1..];
        let text = percent_encoding::percent_decode_str(candidate)
            .decode_utf8()
            .ok()?;
        if text.len() >= decoded.len() {
            return (text == decoded).then_some(candidate);
        }
        start = slash;
    }
    None
}

/// One path segment parsed with `FromStr`.
#[doc(hidden)]
pub struct Seg<T>(PhantomData<T>);
/// The catch-all rest of a path, parsed with [`FromCatchAll`].
#[doc(hidden)]
pub struct Rest<T>(PhantomData<T>);

/// The literal text around a prefix/suffix parameter (`post-{$id}`), one marker type per
/// parameter, written by `#[route]`.
#[doc(hidden)]
pub trait Affix: Send + 'static {
    const PREFIX: &'static str;
    const SUFFIX: &'static str;
}

/// The part of one segment between its prefix and suffix, parsed with `FromStr`: `7` of
/// `post-7` for `post-{$id}`. The router checked the text around it before the route ran.
#[doc(hidden)]
pub struct Affixed<T, A>(PhantomData<(T, A)>);

impl<T: FromStr, A: Affix> SlotKind for Affixed<T, A> {
    type Value = T;
    fn parse(text: &str) -> Result<T, InvalidParam> {
        text.strip_prefix(A::PREFIX)
            .and_then(|rest| rest.strip_suffix(A::SUFFIX))
            .ok_or(InvalidParam)?
            .parse()
            .map_err(|_| InvalidParam)
    }
}

/// What a slot yields: its value once parsed (`Err` when the text did not parse).
#[doc(hidden)]
pub trait SlotKind {
    type Value;
    fn parse(text: &str) -> Result<Self::Value, InvalidParam>;
}

impl<T: FromStr> SlotKind for Seg<T> {
    type Value = T;
    fn parse(text: &str) -> Result<T, InvalidParam> {
        text.parse().map_err(|_| InvalidParam)
    }
}

impl<T: FromCatchAll> SlotKind for Rest<T> {
    /// The decoded text; [`rest`] builds the value once the raw path is at hand.
    type Value = String;
    fn parse(text: &str) -> Result<String, InvalidParam> {
        Ok(text.to_owned())
    }
}

/// One parameter's outcome: `None` when the matched path variant lacks it (an optional
/// segment), `Some(Err)` when it did not parse. `NAME` is the parameter's name as
/// [`name_hash`] spells it, so the slot knows which of axum's parameters is its own.
#[doc(hidden)]
pub struct Slot<K: SlotKind, const NAME: u64>(pub Option<Result<K::Value, InvalidParam>>);

impl<K: SlotKind, const NAME: u64> Default for Slot<K, NAME> {
    fn default() -> Self {
        Slot(None)
    }
}

/// A slot's value, read from axum's parameter text.
struct SlotValue<K>(PhantomData<K>);

impl<'de, K: SlotKind> DeserializeSeed<'de> for SlotValue<K> {
    type Value = Option<Result<K::Value, InvalidParam>>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        struct SlotVisitor<K>(PhantomData<K>);
        impl<K: SlotKind> Visitor<'_> for SlotVisitor<K> {
            type Value = Option<Result<K::Value, InvalidParam>>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a path segment")
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
                Ok(Some(K::parse(text)))
            }
        }
        deserializer.deserialize_str(SlotVisitor::<K>(PhantomData))
    }
}

/// A parameter name as a number, FNV-1a: what a [`Slot`] carries in its type, so that the
/// slots of every route whose handler takes `id: u64` share one deserializer, and the
/// name reaches it with nothing at run time. `#[route]` writes the slot with the hash as a
/// literal (`Slot<Seg<u64>, 628…u64>` for `id`), computed by its own copy of this function,
/// which the test below and the macro's test pin to the same values; two different names
/// hash alike with a chance of about one in 2^64.
pub(crate) const fn name_hash(name: &str) -> u64 {
    let bytes = name.as_bytes();
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut i = 0;
    while i < bytes.len() {
        hash ^= bytes[i] as u64;
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        i += 1;
    }
    hash
}

/// The slots of one handler's parameters, filled from axum's matched path by name.
///
/// Generic only in the slots' kinds and names' hashes, so every route whose handler takes
/// one `u64` called `id` shares one deserializer: a type per route cost the compiler a
/// serde deserializer per route (a third of a large app's generated code).
#[doc(hidden)]
pub struct Params<T>(pub T);

/// The index of the slot a parameter name belongs to, among `hashes`.
struct NameIndex<'a>(&'a [u64]);

impl<'de> DeserializeSeed<'de> for NameIndex<'_> {
    type Value = Option<usize>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        struct NameVisitor<'a>(&'a [u64]);
        impl Visitor<'_> for NameVisitor<'_> {
            type Value = Option<usize>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a parameter name")
            }
            fn visit_str<E: de::Error>(self, name: &str) -> Result<Option<usize>, E> {
                let hash = name_hash(name);
                Ok(self.0.iter().position(|known| *known == hash))
            }
        }
        deserializer.deserialize_str(NameVisitor(self.0))
    }
}

macro_rules! params_tuple {
    ($($kind:ident $name:ident $index:tt),+) => {
        impl<'de, $($kind: SlotKind, const $name: u64),+> Deserialize<'de> for Params<($(Slot<$kind, $name>,)+)> {
            fn deserialize<De: Deserializer<'de>>(deserializer: De) -> Result<Self, De::Error> {
                struct MapVisitor<T>(PhantomData<T>);
                impl<'de, $($kind: SlotKind, const $name: u64),+> Visitor<'de> for MapVisitor<($(Slot<$kind, $name>,)+)> {
                    type Value = Params<($(Slot<$kind, $name>,)+)>;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str("path parameters")
                    }
                    fn visit_map<Ma: MapAccess<'de>>(self, mut map: Ma) -> Result<Self::Value, Ma::Error> {
                        let names = [$($name),+];
                        let mut slots: ($(Slot<$kind, $name>,)+) = Default::default();
                        while let Some(index) = map.next_key_seed(NameIndex(&names))? {
                            match index {
                                $(Some($index) => slots.$index.0 = map.next_value_seed(SlotValue::<$kind>(PhantomData))?,)+
                                _ => {
                                    map.next_value::<IgnoredAny>()?;
                                }
                            }
                        }
                        Ok(Params(slots))
                    }
                }
                deserializer.deserialize_map(MapVisitor::<($(Slot<$kind, $name>,)+)>(PhantomData))
            }
        }
    };
}

params_tuple!(A NA 0);
params_tuple!(A NA 0, B NB 1);
params_tuple!(A NA 0, B NB 1, C NC 2);
params_tuple!(A NA 0, B NB 1, C NC 2, D ND 3);
params_tuple!(A NA 0, B NB 1, C NC 2, D ND 3, E NE 4);
params_tuple!(A NA 0, B NB 1, C NC 2, D ND 3, E NE 4, F NF 5);
params_tuple!(A NA 0, B NB 1, C NC 2, D ND 3, E NE 4, F NF 5, G NG 6);
params_tuple!(A NA 0, B NB 1, C NC 2, D ND 3, E NE 4, F NF 5, G NG 6, H NH 7);
params_tuple!(A NA 0, B NB 1, C NC 2, D ND 3, E NE 4, F NF 5, G NG 6, H NH 7, I NI 8);
params_tuple!(A NA 0, B NB 1, C NC 2, D ND 3, E NE 4, F NF 5, G NG 6, H NH 7, I NI 8, J NJ 9);
params_tuple!(A NA 0, B NB 1, C NC 2, D ND 3, E NE 4, F NF 5, G NG 6, H NH 7, I NI 8, J NJ 9, K NK 10);
params_tuple!(A NA 0, B NB 1, C NC 2, D ND 3, E NE 4, F NF 5, G NG 6, H NH 7, I NI 8, J NJ 9, K NK 10, L NL 11);

/// The `400` a parameter that does not parse answers: it names the parameter and the type.
pub fn invalid_param(name: &'static str, expected: &'static str) -> ApiError {
    ApiError::bad_request(format!(
        "invalid path parameter `{name}`: expected {expected}"
    ))
    .with_field("param", name)
    .with_field("expected", expected)
}

/// A required parameter's value.
#[doc(hidden)]
pub fn required<K: SlotKind, const NAME: u64>(
    slot: Slot<K, NAME>,
    name: &'static str,
    expected: &'static str,
) -> Result<K::Value, ApiError> {
    match slot.0 {
        Some(Ok(value)) => Ok(value),
        Some(Err(InvalidParam)) => Err(invalid_param(name, expected)),
        None => Err(ApiError::internal(format!(
            "path parameter `{name}` missing from the matched route"
        ))),
    }
}

/// An optional segment's (`{-$lang}`) or optional catch-all's value: `None` when absent.
#[doc(hidden)]
pub fn optional<K: SlotKind, const NAME: u64>(
    slot: Slot<K, NAME>,
    name: &'static str,
    expected: &'static str,
) -> Result<Option<K::Value>, ApiError> {
    match slot.0 {
        Some(Ok(value)) => Ok(Some(value)),
        Some(Err(InvalidParam)) => Err(invalid_param(name, expected)),
        None => Ok(None),
    }
}

/// A catch-all's value, built from its decoded text and the request path as sent.
#[doc(hidden)]
pub fn rest<T: FromCatchAll>(
    text: String,
    path: &str,
    name: &'static str,
    expected: &'static str,
) -> Result<T, ApiError> {
    let raw = raw_rest(path, &text);
    T::from_catch_all(text, raw).map_err(|InvalidParam| refused::<T>(name, expected))
}

fn refused<T: FromCatchAll>(name: &'static str, expected: &'static str) -> ApiError {
    if T::REQUIREMENT.is_empty() {
        return invalid_param(name, expected);
    }
    ApiError::bad_request(format!(
        "invalid path parameter `{name}`: expected {expected}, {}",
        T::REQUIREMENT
    ))
    .with_field("param", name)
    .with_field("expected", expected)
}

/// An optional catch-all taken without `Option`: absent means empty (`Vec::new()`, `""`).
#[doc(hidden)]
pub fn rest_or_empty<T: FromCatchAll, const NAME: u64>(
    slot: Slot<Rest<T>, NAME>,
    path: &str,
    name: &'static str,
    expected: &'static str,
) -> Result<T, ApiError> {
    match optional(slot, name, expected)? {
        Some(text) => rest(text, path, name, expected),
        None => T::from_catch_all(String::new(), None)
            .map_err(|InvalidParam| refused::<T>(name, expected)),
    }
}

/// Reads a handler's path parameters (each slot's type names its parameter) out of axum's
/// matched route. Synchronous: axum's `Path` answers in its first poll, which happens here.
#[inline]
#[doc(hidden)]
pub fn path_params<T>(parts: &mut Parts) -> Result<T, Response>
where
    Params<T>: serde::de::DeserializeOwned + Send,
{
    use std::future::Future;
    use std::task::{Context, Poll, Waker};
    if has_bad_escape(parts.uri.path()) {
        return Err(
            ApiError::bad_request("invalid percent-encoding in the request path").into_response(),
        );
    }
    if let Some(aliases) = parts.extensions.get::<ParamAliases>() {
        let aliases = aliases.0.clone();
        return renamed::<T>(parts, &aliases);
    }
    let extract = std::pin::pin!(Path::<Params<T>>::from_request_parts(parts, &()));
    match extract.poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(Ok(Path(params))) => Ok(params.0),
        Poll::Ready(Err(rejection)) => Err(path_rejection(rejection).into_response()),
        Poll::Pending => Err(ApiError::internal("path parameters not ready").into_response()),
    }
}

/// The parameter names of the route a request was dispatched to when axum matched it by
/// another route's path of the same shape (`/files/{name}` for `/files/{$id}.json`): pairs
/// of (name axum matched, name the route uses). Set by the router only for such routes.
#[derive(Clone)]
pub(crate) struct ParamAliases(pub(crate) std::sync::Arc<[(&'static str, &'static str)]>);

/// [`path_params`] for a request matched under another route's parameter names: the
/// values, read once more by the names this route uses.
#[cold]
fn renamed<T>(parts: &mut Parts, aliases: &[(&'static str, &'static str)]) -> Result<T, Response>
where
    Params<T>: serde::de::DeserializeOwned + Send,
{
    use axum::extract::RawPathParams;
    use serde::de::value::{Error, MapDeserializer};
    use std::future::Future;
    use std::task::{Context, Poll, Waker};
    let extract = std::pin::pin!(RawPathParams::from_request_parts(parts, &()));
    let Poll::Ready(raw) = extract.poll(&mut Context::from_waker(Waker::noop())) else {
        return Err(ApiError::internal("path parameters not ready").into_response());
    };
    let raw = match raw {
        Ok(raw) => raw,
        Err(rejection) => {
            let error = match rejection {
                axum::extract::rejection::RawPathParamsRejection::InvalidUtf8InPathParam(e) => {
                    ApiError::bad_request(e.body_text())
                }
                other => ApiError::internal(other.body_text()),
            };
            return Err(error.into_response());
        }
    };
    let entries = raw.iter().map(|(key, value)| {
        let key = aliases
            .iter()
            .find(|(matched, _)| *matched == key)
            .map_or(key, |(_, own)| *own);
        (key, value)
    });
    match Params::<T>::deserialize(MapDeserializer::<_, Error>::new(entries)) {
        Ok(params) => Ok(params.0),
        Err(_) => Err(ApiError::bad_request("invalid path parameters").into_response()),
    }
}

/// A `%` not followed by two hex digits: axum would pass it through undecoded.
fn has_bad_escape(path: &str) -> bool {
    let bytes = path.as_bytes();
    // Most paths hold no escape at all: one `memchr` instead of a look at every byte.
    if !bytes.contains(&b'%') {
        return false;
    }
    bytes.iter().enumerate().any(|(i, &b)| {
        b == b'%'
            && !(bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit))
    })
}

fn path_rejection(rejection: axum::extract::rejection::PathRejection) -> ApiError {
    use axum::extract::path::ErrorKind;
    use axum::extract::rejection::PathRejection;
    match rejection {
        PathRejection::FailedToDeserializePathParams(error) => match error.into_kind() {
            ErrorKind::InvalidUtf8InPathParam { key } => {
                ApiError::bad_request(format!("invalid path parameter `{key}`: not valid UTF-8"))
                    .with_field("param", key)
            }
            _ => ApiError::bad_request("invalid path parameters"),
        },
        other => ApiError::internal(other.body_text()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_hash_is_fnv_1a() {
        assert_eq!(name_hash(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(name_hash("id"), 0x08b7_2e07_b55c_3ac0);
        assert_eq!(name_hash("slug"), name_hash("slug"));
        assert_ne!(name_hash("id"), name_hash("di"));
    }

    #[test]
    fn catch_all_splits_the_raw_rest_then_decodes_each_segment() {
        let vec = |decoded: &str, path: &str| {
            rest::<Vec<String>>(decoded.into(), path, "slug", "Vec<String>").unwrap()
        };
        assert_eq!(vec("a/b/c", "/docs/a/b/c"), ["a", "b", "c"]);
        assert_eq!(vec("a/b/c", "/docs/a%2Fb/c"), ["a/b", "c"]);
        assert_eq!(vec("a b/c", "/docs/a%20b/c"), ["a b", "c"]);
        assert_eq!(vec("a//b/", "/docs/a//b/"), ["a", "b"]);
        assert_eq!(vec("x/y", "/nested/prefix/stripped/x/y"), ["x", "y"]);
        let text = rest::<String>("a/b".into(), "/docs/a%2Fb", "slug", "String").unwrap();
        assert_eq!(text, "a/b");
        let absent = rest_or_empty(
            Slot::<Rest<Vec<String>>, 0>(None),
            "/docs",
            "slug",
            "Vec<String>",
        );
        assert!(absent.unwrap().is_empty());
    }

    #[test]
    fn a_path_buf_catch_all_stays_below_its_root() {
        let path = |decoded: &str| {
            rest::<std::path::PathBuf>(decoded.into(), "/static/x", "file", "PathBuf")
        };
        assert_eq!(
            path("css/site.css").unwrap(),
            std::path::Path::new("css/site.css")
        );
        assert_eq!(
            path("a..b/.hidden").unwrap(),
            std::path::Path::new("a..b/.hidden")
        );
        for bad in [
            "../../etc/passwd",
            "a/../../b",
            "..",
            "./a",
            "a/.",
            "/etc/passwd",
            "a//b",
            "a/",
            "a\0b",
            "..\\..\\windows",
            "C:/windows",
            "c:",
            "file.txt:stream",
        ] {
            let error = path(bad).unwrap_err();
            assert_eq!(error.status(), http::StatusCode::BAD_REQUEST, "{bad:?}");
            let message = error.error().as_str().unwrap();
            assert!(
                message.starts_with(
                    "invalid path parameter `file`: expected PathBuf, a relative path"
                ),
                "{bad:?}: {message}"
            );
        }
        let absent = rest_or_empty(
            Slot::<Rest<std::path::PathBuf>, 0>(None),
            "/static",
            "file",
            "PathBuf",
        );
        assert_eq!(absent.unwrap(), std::path::PathBuf::new());
    }

    #[test]
    fn slots_report_parse_failures_without_failing() {
        assert_eq!(<Seg<u64> as SlotKind>::parse("12"), Ok(12));
        assert_eq!(<Seg<u64> as SlotKind>::parse("x"), Err(InvalidParam));
        let error =
            required(Slot::<Seg<u64>, 0>(Some(Err(InvalidParam))), "id", "u64").unwrap_err();
        assert_eq!(error.status(), http::StatusCode::BAD_REQUEST);
        assert_eq!(error.error(), "invalid path parameter `id`: expected u64");
        assert!(optional(Slot::<Seg<u64>, 0>(None), "id", "u64")
            .unwrap()
            .is_none());
    }

    #[test]
    fn an_affixed_slot_parses_what_is_between_its_text() {
        struct Post;
        impl Affix for Post {
            const PREFIX: &'static str = "post-";
            const SUFFIX: &'static str = ".json";
        }
        type Id = Affixed<u64, Post>;
        assert_eq!(<Id as SlotKind>::parse("post-7.json"), Ok(7));
        assert_eq!(<Id as SlotKind>::parse("post-x.json"), Err(InvalidParam));
        assert_eq!(<Id as SlotKind>::parse("7.json"), Err(InvalidParam));
        assert_eq!(<Id as SlotKind>::parse("post-7"), Err(InvalidParam));
    }
}
