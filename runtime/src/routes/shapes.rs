//! Prefix/suffix parameters (`post-{$id}`, `{$name}.txt`) and several routes on one axum
//! path.
//!
//! axum's router (matchit 0.8.4) matches whole segments only, so `/files/{$name}.txt`
//! registers `/files/{name}` and routekit checks the text around the parameter, where it
//! lies in the request path (a segment is decoded only when it holds an escape). A route
//! alone on its axum path checks it in its handler's `call`, first thing (the trait's own
//! method, from the [`AffixTable`] `#[route]` writes); one that leading layers or options
//! wrap, or whose optional segments move the
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
use tower::Service;

use crate::handler::{Allow, RouteFuture, RouteHandler};
use crate::params::ParamAliases;

use crate::affixes::affixes_fit;
pub use crate::affixes::AffixTable;

/// The table of a path without prefix/suffix text: every request path fits.
static NO_TEXT: AffixTable = AffixTable {
    segments: 0,
    entries: &[],
};

/// The table of axum path `index` of a route (its `RouteInfo::affixes`).
pub(super) fn path_table(tables: &'static [AffixTable], index: usize) -> &'static AffixTable {
    tables.get(index).unwrap_or(&NO_TEXT)
}

/// Whether a handler checking `own` answers every request path of `path`'s table as the
/// table's own check would.
pub(super) fn checked_by(path: &AffixTable, own: &AffixTable) -> bool {
    !own.entries.is_empty()
        && path.entries == own.entries
        && (own.segments == 0 || own.segments == path.segments)
}

/// How specific a path's text is, segment by segment: the length of the text around each
/// parameter (prefix and suffix together, then the prefix), `(0, 0)` where there is none.
/// Larger sorts first. The routes compared share one axum shape, so their parameters sit
/// at the same indices.
fn specificity(table: &AffixTable) -> Vec<(usize, usize)> {
    let mut key = Vec::new();
    for &(index, prefix, suffix) in table.entries {
        key.resize(key.len().max(index + 1), (0, 0));
        key[index] = (prefix.len() + suffix.len(), prefix.len());
    }
    key
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
pub(super) struct AffixCheck(pub(super) &'static AffixTable);

impl super::answer_first::AnswerFirst for AffixCheck {
    fn answer(&self, req: &http::Request<Body>) -> Option<Response> {
        (!affixes_fit(self.0, req.uri().path())).then(crate::answers::not_found)
    }
}

/// One route of a shared path: its pattern, its method router (built with [`Carried`] handlers,
/// so it holds no handler waiting for a state), and its handler itself when the method
/// router adds nothing to it.
pub(super) struct Candidate<S> {
    pub(super) path: &'static str,
    /// The path's prefix/suffix text (`RouteInfo::affixes`).
    pub(super) table: &'static AffixTable,
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
    table: &'static AffixTable,
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
        members.sort_by_key(|member| std::cmp::Reverse(specificity(member.table)));
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
                    table: member.table,
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
        let Some(choice) = self.members.iter().find(|m| affixes_fit(m.table, path)) else {
            return Either::Left(RouteFuture::not_found());
        };
        if let Some(aliases) = &choice.aliases {
            req.extensions_mut().insert(ParamAliases(aliases.clone()));
        }
        match &choice.way {
            // The text was just checked: the route's work, not a second scan.
            Way::Direct(call) => Either::Left(call(req, state, true)),
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
///
/// Its `bool` says whether the caller has checked the path's prefix/suffix text (a shared
/// path, which chose the route by it): then the handler's [`RouteHandler::answer`] runs
/// alone, else its `call`, which checks first.
pub(crate) type CallWithState<S> =
    Arc<dyn Fn(http::Request<Body>, S, bool) -> RouteFuture + Send + Sync + 'static>;

/// `handler` as a [`CallWithState`], answering with `allow` (the path's `Allow` value when
/// other routes decide it).
pub(super) fn erase<H, S>(handler: H, allow: Allow) -> CallWithState<S>
where
    H: RouteHandler<S>,
    S: Clone + Send + Sync + 'static,
{
    Arc::new(move |req, state, checked| {
        let handler = handler.clone();
        if checked {
            handler.answer(req, state, allow)
        } else {
            handler.call(req, state, allow)
        }
    })
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
            Some(CarriedState(state)) => (self.call)(req, state, true),
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

/// A function-form route's carried build: its method (`main`), and its path's automatic
/// answers (`automatic`, with the path's `Allow` value, when other functions share the
/// path; else `main` answers them too). Not generic over the route's handler, so it is
/// compiled once per state type.
pub(super) fn carried_function<S>(
    filter: axum::routing::MethodFilter,
    main: CallWithState<S>,
    automatic: Option<CallWithState<S>>,
) -> super::model::CarriedBuild<S>
where
    S: Clone + Send + Sync + 'static,
{
    let automatic = automatic.unwrap_or_else(|| main.clone());
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

    /// A table as `#[route]` writes it.
    const fn table(
        segments: usize,
        entries: &'static [(usize, &'static str, &'static str)],
    ) -> AffixTable {
        AffixTable { segments, entries }
    }

    #[test]
    fn prefix_and_suffix_text_is_checked_decoded() {
        // `/posts/post-{id}`
        let post = &table(3, &[(2, "post-", "")]);
        assert!(affixes_fit(post, "/posts/post-7"));
        assert!(affixes_fit(post, "/posts/post%2D7"));
        assert!(!affixes_fit(post, "/posts/post-"));
        assert!(!affixes_fit(post, "/posts/page-7"));
        // `/files/{name}.txt`
        let txt = &table(3, &[(2, "", ".txt")]);
        assert!(affixes_fit(txt, "/files/a%20b.txt"));
        assert!(!affixes_fit(txt, "/files/a.json"));
        assert!(affixes_fit(&NO_TEXT, "/files/anything"));
        // `/f/{a}.txt/{*rest}`: open, read from the start.
        assert!(affixes_fit(
            &table(0, &[(2, "", ".txt")]),
            "/f/x.txt/y/z.json"
        ));
        // `/f/p-{a}/q-{b}`
        let two = &table(4, &[(2, "p-", ""), (3, "q-", "")]);
        assert!(!affixes_fit(two, "/f/p-1/r-2"));
        assert!(affixes_fit(two, "/f/p-1/q-2"));
        assert!(!affixes_fit(two, "/f/p-1"));
    }

    #[test]
    fn segments_are_found_from_the_end_when_their_number_is_known() {
        // `/a/p-{x}/b/{y}.txt`
        let known = &table(5, &[(2, "p-", ""), (4, "", ".txt")]);
        assert!(affixes_fit(known, "/a/p-1/b/2.txt"));
        assert!(affixes_fit(known, "/a/p-%31/b/%32.txt"));
        assert!(!affixes_fit(known, "/a/q-1/b/2.txt"));
        assert!(!affixes_fit(known, "/a/p-1/b/2.json"));
        assert!(!affixes_fit(known, "/a/p-1/b/.txt"));
        // `/a/p-{x}/{*rest}`: a catch-all leaves the number open, read from the start.
        let open = &table(0, &[(2, "p-", "")]);
        assert!(affixes_fit(open, "/a/p-1/b/c/d"));
        assert!(!affixes_fit(open, "/a/q-1/b"));
    }

    #[test]
    fn a_handler_table_stands_for_the_check_only_when_it_is_the_same() {
        let own = table(3, &[(2, "post-", "")]);
        let open = table(0, &[(2, "post-", "")]);
        let other = table(3, &[(2, "page-", "")]);
        let path = table(3, &[(2, "post-", "")]);
        assert!(checked_by(&path, &own));
        assert!(checked_by(&path, &open));
        assert!(!checked_by(&path, &other));
        // `/posts/post-{id}/{x}`: one segment more than the handler's table counts.
        assert!(!checked_by(&table(4, &[(2, "post-", "")]), &own));
        assert!(!checked_by(&NO_TEXT, &NO_TEXT));
    }

    #[test]
    fn longer_text_is_more_specific_and_a_bare_parameter_least() {
        // `/files/{id}`, `/files/{name}.txt`, `/files/{name}.json`, `/files/v-{name}.json`
        let mut tables = [
            ("bare", NO_TEXT),
            ("txt", table(3, &[(2, "", ".txt")])),
            ("json", table(3, &[(2, "", ".json")])),
            ("v-json", table(3, &[(2, "v-", ".json")])),
        ];
        tables.sort_by_key(|(_, t)| std::cmp::Reverse(specificity(t)));
        let order: Vec<_> = tables.iter().map(|(name, _)| *name).collect();
        assert_eq!(order, ["v-json", "json", "txt", "bare"]);
    }

    #[test]
    fn parameter_names_of_an_axum_path() {
        assert_eq!(names("/a/{x}/b/{*rest}").collect::<Vec<_>>(), ["x", "rest"]);
    }
}
