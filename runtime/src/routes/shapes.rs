//! Prefix/suffix parameters (`post-{$id}`, `{$name}.txt`) and several routes on one axum
//! path.
//!
//! axum's router (matchit 0.8.4) matches whole segments only, so `/files/{$name}.txt`
//! registers `/files/{name}` and routekit checks the text around the parameter, where it
//! lies in the request path (a segment is decoded only when it holds an escape). A route
//! alone on its axum path checks it in its handler, first thing ([`AffixTable`], written by
//! `#[route]`); one that leading layers or options wrap, or whose optional segments move the
//! text, gets the check as a layer in front of it instead, so that it still runs before any
//! of the route's middleware. Routes whose templates share one
//! axum path (`/files/{$name}.txt`, `/files/{$name}.json`, `/files/$id`) are one endpoint
//! that picks the route by TanStack Start's specificity: the longest prefix/suffix text
//! first, a bare parameter last (a static `/files/latest.json` beside them is matched
//! before any of them by the router itself). A segment no route fits is the JSON `404`.
//!
//! Each route of such a shared path keeps its own method router (its methods, its automatic
//! `HEAD`/`OPTIONS`/`405` answers, its layers, built once); since axum hands the state only
//! to the endpoint it matched, the shared path passes it to the chosen route with the request. A
//! route whose handler answers every method itself, with nothing wrapped around it, is
//! called directly instead, with the state as axum gave it.

use std::convert::Infallible;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::body::Body;
use axum::handler::Handler;
use axum::response::Response;
use axum::routing::future::InfallibleRouteFuture;
use axum::routing::MethodRouter;
use futures_util::future::{Either, Map};
use futures_util::FutureExt;
use http::HeaderValue;
use tower::Service;

use crate::handler::{RouteFuture, RouteHandler};
use crate::params::ParamAliases;

/// The prefix and suffix text of a pattern segment (`post-{id}` → `("post-", "")`), `None`
/// for a static segment, a bare parameter or a catch-all.
fn affix(segment: &str) -> Option<(&str, &str)> {
    let open = segment.find('{')?;
    let close = segment.rfind('}')?;
    if segment[open..].starts_with("{*") {
        return None;
    }
    let (prefix, suffix) = (&segment[..open], &segment[close + 1..]);
    (!prefix.is_empty() || !suffix.is_empty()).then_some((prefix, suffix))
}

/// Whether `pattern` (`/files/{name}.txt`) has prefix/suffix text to check.
pub(super) fn has_affixes(pattern: &str) -> bool {
    pattern.split('/').any(|segment| affix(segment).is_some())
}

/// The prefix/suffix text of a route's pattern as `#[route]` writes it into the route's
/// handler, which answers the `404` itself when the request path lacks it (so a route alone
/// on its axum path needs no layer for it).
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AffixTable {
    /// How many segments the pattern has (the empty text before its first `/` counted), `0`
    /// when a catch-all leaves that open. When known, the segments are found from the end
    /// of the path, where prefix/suffix parameters usually are.
    pub segments: usize,
    /// For each segment with text around its parameter: its index, the prefix, the suffix.
    pub entries: &'static [(usize, &'static str, &'static str)],
}

/// Whether `path` carries the text of `table`: what a route's handler checks first.
///
/// A [`SharedPath`] that has just chosen the route by the same text calls it, and the text is
/// scanned a second time (170 instructions in `bench/run instructions` scenario 10) rather
/// than telling the handler through a side channel that it was.
#[doc(hidden)]
pub fn affixes_fit(table: &AffixTable, path: &str) -> bool {
    fit(table.segments, table.entries, path)
}

/// The prefix/suffix text of a pattern, read once when the router is built: see
/// [`AffixTable`].
#[derive(Clone)]
pub(super) struct Affixes {
    segments: usize,
    entries: Arc<[(usize, &'static str, &'static str)]>,
}

impl Affixes {
    pub(super) fn of(pattern: &'static str) -> Self {
        let mut entries = Vec::new();
        let mut segments = 0;
        for (index, segment) in pattern.split('/').enumerate() {
            if segment.contains("{*") {
                segments = 0;
                break;
            }
            segments = index + 1;
            if let Some((prefix, suffix)) = affix(segment) {
                entries.push((index, prefix, suffix));
            }
        }
        Self {
            segments,
            entries: entries.into(),
        }
    }

    /// Whether the request path's segments carry this text.
    pub(super) fn fit(&self, path: &str) -> bool {
        fit(self.segments, &self.entries, path)
    }

    /// Whether a handler checking `table` answers every request path of this pattern as
    /// [`fit`](Self::fit) would.
    pub(super) fn checked_by(&self, table: &AffixTable) -> bool {
        !table.entries.is_empty()
            && *self.entries == *table.entries
            && (table.segments == 0 || table.segments == self.segments)
    }
}

/// Whether the path's segments carry the text of `entries`, with at least one character
/// between (a parameter is never empty). The router already matched the path's shape; the
/// segments are found by a scan of the path's bytes (from its end when the pattern has a
/// known number of `segments`), and only a segment holding an escape is percent-decoded
/// before its text is compared.
fn fit(segments: usize, entries: &[(usize, &str, &str)], path: &str) -> bool {
    let bytes = path.as_bytes();
    if segments == 0 {
        // The start of segment `current` (segment 0 is the empty text before the first `/`).
        let (mut start, mut current) = (0, 0);
        for &(index, prefix, suffix) in entries {
            while current < index {
                match bytes[start..].iter().position(|&b| b == b'/') {
                    Some(slash) => start += slash + 1,
                    None => return false,
                }
                current += 1;
            }
            let mut end = start;
            let mut escaped = false;
            while let Some(&b) = bytes.get(end) {
                if b == b'/' {
                    break;
                }
                escaped |= b == b'%';
                end += 1;
            }
            if !segment_fits(&path[start..end], escaped, prefix, suffix) {
                return false;
            }
        }
    } else {
        // The end of segment `current`, counted from the last (`0`).
        let (mut end, mut current) = (bytes.len(), 0);
        for &(index, prefix, suffix) in entries.iter().rev() {
            let Some(wanted) = (segments - 1).checked_sub(index) else {
                return false;
            };
            while current < wanted {
                match bytes[..end].iter().rposition(|&b| b == b'/') {
                    Some(slash) => end = slash,
                    None => return false,
                }
                current += 1;
            }
            let mut start = end;
            let mut escaped = false;
            while let Some(&b) = start.checked_sub(1).and_then(|at| bytes.get(at)) {
                if b == b'/' {
                    break;
                }
                escaped |= b == b'%';
                start -= 1;
            }
            if !segment_fits(&path[start..end], escaped, prefix, suffix) {
                return false;
            }
        }
    }
    true
}

/// Whether one segment of the path is `prefix`, at least one character, then `suffix`,
/// percent-decoded first when it holds an escape.
#[inline]
fn segment_fits(segment: &str, escaped: bool, prefix: &str, suffix: &str) -> bool {
    if escaped {
        text_fits(
            &percent_encoding::percent_decode_str(segment).decode_utf8_lossy(),
            prefix,
            suffix,
        )
    } else {
        text_fits(segment, prefix, suffix)
    }
}

/// Whether `text` is `prefix`, at least one character, then `suffix`. Compared byte by
/// byte: the texts are a few bytes long, shorter than a call to `memcmp`.
#[inline]
fn text_fits(text: &str, prefix: &str, suffix: &str) -> bool {
    let (text, prefix, suffix) = (text.as_bytes(), prefix.as_bytes(), suffix.as_bytes());
    text.len() > prefix.len() + suffix.len()
        && text.iter().zip(prefix).all(|(a, b)| a == b)
        && text
            .iter()
            .rev()
            .zip(suffix.iter().rev())
            .all(|(a, b)| a == b)
}

/// [`Affixes::fit`] of `pattern`, read on the spot (tests).
#[cfg(test)]
fn fits(pattern: &'static str, path: &str) -> bool {
    Affixes::of(pattern).fit(path)
}

/// How specific a pattern's parameters are, segment by segment: the length of the text
/// around each (prefix and suffix together, then the prefix), `0` for a bare parameter.
/// Larger sorts first.
fn specificity(pattern: &str) -> Vec<(usize, usize)> {
    pattern
        .split('/')
        .filter(|segment| segment.contains('{'))
        .map(|segment| match affix(segment) {
            Some((prefix, suffix)) => (prefix.len() + suffix.len(), prefix.len()),
            None => (0, 0),
        })
        .collect()
}

/// The parameter names of an axum path, in order.
fn names(path: &str) -> impl Iterator<Item = &str> {
    path.split('/').filter_map(|segment| {
        let name = segment.strip_prefix('{')?.strip_suffix('}')?;
        Some(name.strip_prefix('*').unwrap_or(name))
    })
}

/// A route alone on its axum path: answers the `404` itself when the segment lacks the text.
#[derive(Clone)]
pub(super) struct AffixCheck(pub(super) Affixes);

impl super::answer_first::AnswerFirst for AffixCheck {
    fn answer(&self, req: &http::Request<Body>) -> Option<Response> {
        (!self.0.fit(req.uri().path())).then(crate::answers::not_found)
    }
}

/// One route of a shared path: its pattern, its method router (built with [`Carried`] handlers,
/// so it holds no handler waiting for a state), and its handler itself when the method
/// router adds nothing to it.
pub(super) struct Candidate<S> {
    pub(super) path: &'static str,
    pub(super) pattern: &'static str,
    pub(super) router: MethodRouter<S>,
    /// The route's handler, when it answers every method itself (its automatic `HEAD`,
    /// `OPTIONS` and `405` included) and no layer or option wraps it: the shared path then calls
    /// it directly, with the state axum gave the shared path.
    pub(super) direct: Option<CallWithState<S>>,
    /// The prefix/suffix text the route's handler checks itself, when nothing wraps it.
    pub(super) checks: Option<&'static AffixTable>,
}

/// Routes on one axum path, tried most specific first.
pub(super) struct SharedPath<S> {
    members: Arc<[Choice<S>]>,
}

impl<S> Clone for SharedPath<S> {
    fn clone(&self) -> Self {
        Self {
            members: self.members.clone(),
        }
    }
}

struct Choice<S> {
    /// The route's prefix/suffix text, checked against the request's path.
    affixes: Affixes,
    way: Way<S>,
    /// The route's own parameter names for those of the registered path, when they differ.
    aliases: Option<Arc<[(&'static str, &'static str)]>>,
}

/// How a shared path reaches one of its routes.
enum Way<S> {
    /// Its handler, called in place (nothing cloned, the state passed as it is).
    Direct(CallWithState<S>),
    /// Its method router, for a route with layers or options or several handlers: cloned
    /// per request as axum calls a handler, the state travelling in the request.
    Router(Box<MethodRouter<S>>),
}

impl<S> SharedPath<S> {
    /// The shared path and the axum path to register it at (the most specific route's).
    pub(super) fn new(mut members: Vec<Candidate<S>>) -> (&'static str, Self) {
        // Stable: of two equally specific patterns, the one `routes!` listed first.
        members.sort_by_key(|member| std::cmp::Reverse(specificity(member.pattern)));
        let registered = members[0].path;
        let choices = members
            .into_iter()
            .map(|member| {
                let aliases = (member.path != registered).then(|| {
                    names(registered)
                        .zip(names(member.path))
                        .collect::<Vec<_>>()
                        .into()
                });
                Choice {
                    affixes: Affixes::of(member.pattern),
                    way: match member.direct {
                        Some(call) => Way::Direct(call),
                        None => Way::Router(Box::new(member.router)),
                    },
                    aliases,
                }
            })
            .collect();
        (registered, Self { members: choices })
    }
}

impl<S> Handler<(), S> for SharedPath<S>
where
    S: Clone + Send + Sync + 'static,
{
    type Future = Either<RouteFuture, InfallibleRouteFuture>;

    fn call(self, mut req: http::Request<Body>, state: S) -> Self::Future {
        let path = req.uri().path();
        let Some(choice) = self.members.iter().find(|m| m.affixes.fit(path)) else {
            return Either::Left(RouteFuture::not_found());
        };
        if let Some(aliases) = &choice.aliases {
            req.extensions_mut().insert(ParamAliases(aliases.clone()));
        }
        match &choice.way {
            Way::Direct(call) => Either::Left(call(req, state)),
            Way::Router(router) => {
                req.extensions_mut().insert(CarriedState(state.clone()));
                Either::Right(Handler::call(MethodRouter::clone(router), req, state))
            }
        }
    }
}

/// The state of the app, travelling with a request a [`SharedPath`] passes on.
#[derive(Clone)]
struct CarriedState<S>(S);

/// A route's handler called with the state given per call, behind one `dyn`: what a
/// [`SharedPath`] member is built from. Erased so that a route pays for the chance of sharing a
/// path one small closure, not a second set of axum's service machinery (the services and
/// method routers below are built once per state type, not once per route).
pub(crate) type CallWithState<S> =
    Arc<dyn Fn(http::Request<Body>, S) -> RouteFuture + Send + Sync + 'static>;

/// `handler` as a [`CallWithState`], answering with `allow` (the path's `Allow` value when
/// other routes decide it).
pub(super) fn erase<H, S>(handler: H, allow: Option<&'static HeaderValue>) -> CallWithState<S>
where
    H: RouteHandler<S>,
    S: Clone + Send + Sync + 'static,
{
    Arc::new(move |req, state| handler.clone().call(req, state, allow))
}

/// A route's handler as a service that takes the state from the request, so the route's
/// layers are built once around it, with the router.
pub(super) struct Carried<S> {
    call: CallWithState<S>,
}

impl<S> Clone for Carried<S> {
    fn clone(&self) -> Self {
        Self {
            call: self.call.clone(),
        }
    }
}

type Answer = Result<Response, Infallible>;

impl<S> Service<http::Request<Body>> for Carried<S>
where
    S: Clone + Send + Sync + 'static,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Map<RouteFuture, fn(Response) -> Answer>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, mut req: http::Request<Body>) -> Self::Future {
        let future = match req.extensions_mut().remove::<CarriedState<S>>() {
            Some(CarriedState(state)) => (self.call)(req, state),
            // Only a shared path calls a carried handler, and it always passes the state.
            None => RouteFuture::without_state(false),
        };
        future.map(Ok as fn(_) -> _)
    }
}

/// A route module's carried build: its handler for every method.
pub(super) fn carried_module<S>(call: CallWithState<S>) -> super::model::CarriedBuild<S>
where
    S: Clone + Send + Sync + 'static,
{
    Box::new(move || {
        let handler = Carried { call: call.clone() };
        (axum::routing::any_service(handler), None)
    })
}

/// A function-form route's carried build: its method, and its path's automatic answers
/// (with the path's `Allow` value when `allow` is given).
pub(super) fn carried_function<H, S>(
    filter: axum::routing::MethodFilter,
    handler: H,
    allow: Option<&'static HeaderValue>,
) -> super::model::CarriedBuild<S>
where
    H: RouteHandler<S>,
    S: Clone + Send + Sync + 'static,
{
    let main = erase(handler.clone(), None);
    let automatic = erase(handler, allow);
    Box::new(move || {
        let main = Carried { call: main.clone() };
        let automatic = Carried {
            call: automatic.clone(),
        };
        (
            axum::routing::on_service(filter, main),
            Some(axum::routing::any_service(automatic)),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_and_suffix_text_is_checked_decoded() {
        assert!(fits("/posts/post-{id}", "/posts/post-7"));
        assert!(fits("/posts/post-{id}", "/posts/post%2D7"));
        assert!(!fits("/posts/post-{id}", "/posts/post-"));
        assert!(!fits("/posts/post-{id}", "/posts/page-7"));
        assert!(fits("/files/{name}.txt", "/files/a%20b.txt"));
        assert!(!fits("/files/{name}.txt", "/files/a.json"));
        assert!(fits("/files/{name}", "/files/anything"));
        assert!(fits("/f/{a}.txt/{*rest}", "/f/x.txt/y/z.json"));
        assert!(!fits("/f/p-{a}/q-{b}", "/f/p-1/r-2"));
        assert!(fits("/f/p-{a}/q-{b}", "/f/p-1/q-2"));
        assert!(!fits("/f/p-{a}/q-{b}", "/f/p-1"));
        assert!(has_affixes("/f/{a}.txt"));
        assert!(!has_affixes("/f/{a}/{*rest}"));
    }

    #[test]
    fn segments_are_found_from_the_end_when_their_number_is_known() {
        let table = Affixes::of("/a/p-{x}/b/{y}.txt");
        assert_eq!(table.segments, 5);
        assert!(table.fit("/a/p-1/b/2.txt"));
        assert!(table.fit("/a/p-%31/b/%32.txt"));
        assert!(!table.fit("/a/q-1/b/2.txt"));
        assert!(!table.fit("/a/p-1/b/2.json"));
        assert!(!table.fit("/a/p-1/b/.txt"));
        // A catch-all leaves the number open: from the start.
        let open = Affixes::of("/a/p-{x}/{*rest}");
        assert_eq!(open.segments, 0);
        assert!(open.fit("/a/p-1/b/c/d"));
        assert!(!open.fit("/a/q-1/b"));
    }

    #[test]
    fn a_handler_table_stands_for_the_check_only_when_it_is_the_same() {
        static TABLE: AffixTable = AffixTable {
            segments: 3,
            entries: &[(2, "post-", "")],
        };
        static OPEN: AffixTable = AffixTable {
            segments: 0,
            entries: &[(2, "post-", "")],
        };
        static OTHER: AffixTable = AffixTable {
            segments: 3,
            entries: &[(2, "page-", "")],
        };
        let own = Affixes::of("/posts/post-{id}");
        assert!(own.checked_by(&TABLE));
        assert!(own.checked_by(&OPEN));
        assert!(!own.checked_by(&OTHER));
        assert!(!Affixes::of("/posts/post-{id}/{x}").checked_by(&TABLE));
        assert!(affixes_fit(&TABLE, "/posts/post-1"));
        assert!(!affixes_fit(&TABLE, "/posts/page-1"));
    }

    #[test]
    fn longer_text_is_more_specific_and_a_bare_parameter_least() {
        let mut patterns = [
            "/files/{id}",
            "/files/{name}.txt",
            "/files/{name}.json",
            "/files/v-{name}.json",
        ];
        patterns.sort_by_key(|p| std::cmp::Reverse(specificity(p)));
        assert_eq!(
            patterns,
            [
                "/files/v-{name}.json",
                "/files/{name}.json",
                "/files/{name}.txt",
                "/files/{id}"
            ]
        );
    }

    #[test]
    fn parameter_names_of_an_axum_path() {
        assert_eq!(names("/a/{x}/b/{*rest}").collect::<Vec<_>>(), ["x", "rest"]);
    }
}
