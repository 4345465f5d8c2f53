//! Assembling route definitions into one `axum::Router`, and the route table that
//! describes what was built.
//!
//! A route module arrives complete: its `MethodRouter` already answers `OPTIONS` and `405`
//! through the route's middleware. Function-form routes arrive one method each; the set
//! merges those of one path and adds the automatic answers here, once, at build time.

pub(crate) mod answer_first;
mod def;
mod model;
mod shapes;
mod state_free;
mod table;

use std::collections::{BTreeMap, BTreeSet, HashMap};

pub(crate) use crate::answers::not_found;
pub use crate::answers::{automatic_answer, method_not_allowed};
use def::wrap;
pub use def::{
    function_router, module_router, state_free, stateful, stateful_any, Endpoint, Outer, RouteDef,
    RouteOptions, RouteRouter,
};
#[doc(hidden)]
pub use model::Mount;
pub use model::{MethodInfo, RouteInfo, RouteKind};
pub use shapes::AffixTable;
pub(crate) use shapes::CallWithState;
pub(crate) use state_free::endpoint as state_free_endpoint;
pub use state_free::{whole_route, Answered, IgnoreState, StateFree};
pub(crate) use table::is_table_probe;
pub use table::{format_route_table, route_infos, route_table, RouteEntry};
use table::{Row, TableSlot};

use axum::routing::MethodRouter;
use axum::Router;

/// Collects route definitions for `routes![…]`.
#[doc(hidden)]
pub struct RouteSet<S> {
    defs: Vec<RouteDef<S>>,
    trailing_slash: crate::TrailingSlash,
    /// The app-wide middleware in front of every route, for the route table.
    app_labels: &'static [&'static str],
}

impl<S> Default for RouteSet<S> {
    fn default() -> Self {
        Self {
            defs: Vec::new(),
            trailing_slash: crate::TrailingSlash::default(),
            app_labels: &[],
        }
    }
}

/// A path with its parameter names blanked, so `/a/{id}` and `/a/{slug}` compare equal as
/// axum's router would.
fn shape(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_param = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_param = true;
                out.push('{');
            }
            '}' => {
                in_param = false;
                out.push('}');
            }
            '*' if in_param => out.push('*'),
            _ if in_param => {}
            _ => out.push(c),
        }
    }
    out
}

/// The shapes of a set's paths, each built once and numbered, so that the maps of
/// [`RouteSet::build`] are keyed by a number (a router of 10,000 routes looks each path
/// up several times).
#[derive(Default)]
struct Shapes {
    by_path: FastMap<&'static str, usize>,
    ids: FastMap<String, usize>,
}

/// The maps of a router build: keyed by the app's own paths, never by a client's input, so
/// a fast unkeyed hash (foldhash, already hashbrown's) replaces std's SipHash.
type FastMap<K, V> = HashMap<K, V, foldhash::fast::FixedState>;

impl Shapes {
    fn intern(&mut self, path: &'static str) -> usize {
        if let Some(&id) = self.by_path.get(path) {
            return id;
        }
        let next = self.ids.len();
        let id = *self.ids.entry(shape(path)).or_insert(next);
        self.by_path.insert(path, id);
        id
    }

    /// The number of a path [`intern`](Self::intern) has seen.
    fn of(&self, path: &str) -> usize {
        self.by_path[path]
    }
}

impl<S> RouteSet<S>
where
    S: Clone + Send + Sync + 'static,
{
    pub fn new() -> Self {
        Self::default()
    }

    /// One statement per route in the `routes!` expansion, not a method chain: a chain of
    /// thousands of calls is one deeply nested expression that overflows rustc's stack.
    pub fn add(&mut self, def: RouteDef<S>) {
        self.defs.push(def);
    }

    /// `routes![trailing_slash = NotFound; …]`.
    pub fn trailing_slash(&mut self, policy: crate::TrailingSlash) {
        self.trailing_slash = policy;
    }

    /// `routes![middleware(…); …]`: the list's labels, first in every row of the table.
    pub(crate) fn app_labels(&mut self, labels: &'static [&'static str]) {
        self.app_labels = labels;
    }

    /// Registers every route on one router with a JSON `404` fallback.
    ///
    /// # Panics
    ///
    /// When two handlers answer the same method and path, or two routes claim one path,
    /// with a message naming both source locations (instead of axum's bare panic).
    pub fn build(self) -> Router<S> {
        // An `Option` to move the router through each `route` call (a `mem::take` would
        // build an empty router per route).
        let mut router = Some(Router::new());
        let fallback = self.assemble(|path, endpoint, _direct| {
            router = router.take().map(|router| router.route(path, endpoint));
        });
        router.unwrap_or_default().fallback(fallback)
    }

    /// Builds every route's endpoint, hands each to `register` with its axum path, and
    /// returns what answers a path none matches. [`build`](Self::build) puts them on one
    /// router; the app behind app-wide middleware puts each behind the chain.
    pub(crate) fn assemble(
        self,
        mut register: impl FnMut(&'static str, MethodRouter<S>, Option<CallWithState<S>>),
    ) -> Unmatched {
        let mut shapes = Shapes::default();
        let mut owners: FastMap<usize, (&'static RouteInfo, &'static str)> = FastMap::default();
        let mut functions: BTreeMap<&'static str, Vec<RouteDef<S>>> = BTreeMap::new();
        let mut modules = Vec::new();
        let mut rows = Vec::new();
        // The patterns registering each axum shape: several are one endpoint that picks
        // the route by its prefix/suffix text (`shapes::SharedPath`).
        let mut by_shape: FastMap<usize, BTreeSet<&'static str>> = FastMap::default();

        for def in self.defs {
            for (&path, &pattern) in def.info.paths.iter().zip(def.info.patterns) {
                check_owner(&mut owners, shapes.intern(pattern), def.info, pattern);
                by_shape
                    .entry(shapes.intern(path))
                    .or_default()
                    .insert(pattern);
            }
            match def.info.kind {
                RouteKind::Module => modules.push(def),
                RouteKind::Function => {
                    let key = def.info.patterns[0];
                    functions.entry(key).or_default().push(def);
                }
            }
        }
        let shared =
            |path: &'static str| by_shape.get(&shapes.of(path)).is_some_and(|p| p.len() > 1);

        let policy = self.trailing_slash;
        let table = TableSlot::default();
        let mut infos = Vec::new();
        // Every (axum path, pattern, endpoint), grouped by axum shape in `routes!` order.
        let mut endpoints: Vec<Vec<shapes::Candidate<S>>> = Vec::new();
        let mut slots: FastMap<usize, usize> = FastMap::default();
        let mut add = |path: &'static str,
                       table: &'static AffixTable,
                       router: MethodRouter<S>,
                       direct: Option<shapes::CallWithState<S>>,
                       checks: Option<&'static AffixTable>| {
            let member = shapes::Candidate {
                path,
                table,
                router,
                direct,
                checks,
            };
            let slot = *slots.entry(shapes.of(path)).or_insert_with(|| {
                endpoints.push(Vec::new());
                endpoints.len() - 1
            });
            endpoints[slot].push(member);
        };
        for def in modules {
            let built = (def.build)(None);
            infos.push(def.info);
            let plain = built.plain(&def);
            let direct = built.direct.clone().filter(|_| plain);
            let checks = built.affixes.filter(|_| plain);
            let carried = (direct.is_none() && def.info.paths.iter().any(|p| shared(p)))
                .then(|| wrap(built.outer.as_ref(), def.options, (built.carried)().0));
            // Wrapped only when a path uses it: a state-free route's layers are built here.
            let main = match carried.is_none() || def.info.paths.iter().any(|p| !shared(p)) {
                true => built.wrapped(&def).main,
                false => MethodRouter::new(),
            };
            let mut main = Reused::new(main, def.info.paths.len());
            for (index, &path) in def.info.paths.iter().enumerate() {
                rows.extend(Row::of(def.info, path, true));
                let router = match (&carried, shared(path)) {
                    (Some(carried), true) => carried.clone(),
                    _ => main.next(),
                };
                let table = shapes::path_table(def.info.affixes, index);
                add(path, table, router, direct.clone(), checks);
            }
        }
        for (_, defs) in functions {
            infos.extend(defs.iter().map(|def| def.info));
            let paths = defs[0].info.paths;
            let carry = paths.iter().any(|p| shared(p));
            let main = paths.iter().any(|p| !shared(p));
            let merged = merge_functions(defs, &mut rows, carry, main);
            let info = merged.info;
            let mut main = Reused::new(merged.router, info.paths.len());
            for (index, &path) in info.paths.iter().enumerate() {
                for &method in &merged.auto {
                    rows.push(Row::Automatic { info, path, method });
                }
                let router = match (&merged.carried, shared(path)) {
                    (Some(carried), true) => carried.clone(),
                    _ => main.next(),
                };
                let table = shapes::path_table(info.affixes, index);
                add(path, table, router, merged.direct.clone(), merged.checks);
            }
        }
        for mut members in endpoints {
            let (path, endpoint, direct) = if members.len() == 1 {
                let member = members.pop().expect("one member");
                // A path without prefix/suffix text has nothing to check, and a route whose
                // handler checks it, with nothing wrapped around, needs no layer for it.
                let checked = |own: &AffixTable| shapes::checked_by(member.table, own);
                if !member.table.entries.is_empty() && !member.checks.is_some_and(checked) {
                    let check = shapes::AffixCheck(member.table);
                    let endpoint = member.router.layer(answer_first::AnswerFirstLayer(check));
                    (member.path, endpoint, None)
                } else {
                    (member.path, member.router, member.direct)
                }
            } else {
                let (path, shared) = shapes::SharedPath::new(members);
                (path, axum::routing::any(shared), None)
            };
            // A catch-all's trailing-slash policy and route-table answer sit in its router.
            let direct = direct.filter(|_| !path.contains("{*"));
            register(
                path,
                table.probe(path, slash_policy(path, endpoint, policy)),
                direct,
            );
        }
        Unmatched {
            table: table.fill(rows, self.app_labels, infos),
            policy,
        }
    }
}

/// What answers a path no route matches: the route-table look-up, the trailing-slash
/// policy, else the JSON `404`.
#[derive(Clone)]
pub(crate) struct Unmatched {
    table: TableSlot,
    policy: crate::TrailingSlash,
}

impl<S> axum::handler::Handler<(), S> for Unmatched {
    type Future = std::future::Ready<axum::response::Response>;

    fn call(self, req: http::Request<axum::body::Body>, _state: S) -> Self::Future {
        let answer = self
            .table
            .answer_probe(&req)
            .or_else(|| self.policy.answer(&req))
            .unwrap_or_else(not_found);
        std::future::ready(answer)
    }
}

/// A route's method router for each of its `uses` axum paths: cloned for all but the last,
/// which gets the original (most routes have one path, and a clone of a method router
/// allocates each of its endpoints anew).
struct Reused<S> {
    router: Option<MethodRouter<S>>,
    left: usize,
}

impl<S: Clone> Reused<S> {
    fn new(router: MethodRouter<S>, uses: usize) -> Self {
        Self {
            router: Some(router),
            left: uses,
        }
    }

    fn next(&mut self) -> MethodRouter<S> {
        self.left = self.left.saturating_sub(1);
        match self.left {
            0 => self.router.take().unwrap_or_default(),
            _ => self.router.clone().unwrap_or_default(),
        }
    }
}

/// A catch-all route is the only kind a path with a trailing slash or an empty segment can
/// reach: the policy runs in front of it, before its middleware.
fn slash_policy<S>(
    path: &str,
    router: MethodRouter<S>,
    policy: crate::TrailingSlash,
) -> MethodRouter<S>
where
    S: Clone + Send + Sync + 'static,
{
    if path.contains("{*") {
        router.layer(answer_first::AnswerFirstLayer(policy))
    } else {
        router
    }
}

/// Remembers which route owns each path shape and method, and refuses a second one. Keyed
/// by the pattern (prefix/suffix text kept): `/files/{name}.txt` and `/files/{name}.json`
/// are different paths on one axum shape.
fn check_owner(
    owners: &mut FastMap<usize, (&'static RouteInfo, &'static str)>,
    key: usize,
    info: &'static RouteInfo,
    path: &'static str,
) {
    if let Some(&(other, other_path)) = owners.get(&key) {
        if other_path != path {
            panic!(
                "routekit: routes `{}` ({}:{}) and `{}` ({}:{}) match the same paths with different parameter names; use one name",
                other.template, other.file, other.line, info.template, info.file, info.line
            );
        }
        if other.kind == RouteKind::Module || info.kind == RouteKind::Module {
            panic!(
                "routekit: path `{}` is defined twice: by `{}` at {}:{} and by `{}` at {}:{}; put every method of a path in one route module",
                info.template, other.name, other.file, other.line, info.name, info.file, info.line
            );
        }
        for method in info.methods {
            if let Some(previous) = other.methods.iter().find(|m| m.method == method.method) {
                panic!(
                    "routekit: `{} {}` is defined twice: by `{}` at {}:{} and by `{}` at {}:{}",
                    method.method,
                    info.template,
                    previous.handler,
                    other.file,
                    previous.line,
                    method.handler,
                    info.file,
                    method.line
                );
            }
        }
    }
    owners.insert(key, (info, path));
}

/// Merges the function-form routes of one path and adds `OPTIONS` and `405`, answered by
/// the first function's handler so that they pass through the middleware every function
/// of the path shares.
///
/// # Panics
///
/// When two functions of one path carry different middleware: the automatic answers
/// could only run one of the two lists, and skipping middleware silently is not an option.
///
/// `carry`: some path of the route is shared (`Merged::carried` is built); `main`: some is
/// not (`Merged::router` is built, and with it a state-free route's layers).
fn merge_functions<S>(
    defs: Vec<RouteDef<S>>,
    rows: &mut Vec<Row>,
    carry: bool,
    main: bool,
) -> Merged<S>
where
    S: Clone + Send + Sync + 'static,
{
    let info = defs[0].info;
    let first_chain = info.middleware;
    let mut methods: Vec<&'static str> = Vec::new();
    for def in &defs {
        let chain = def.info.middleware;
        if chain != first_chain {
            panic!(
                "routekit: the functions of path `{}` carry different middleware: `{}` at {}:{} has [{}] and `{}` at {}:{} has [{}]; give every function of one path the same list (or write one route module)",
                info.template,
                info.name,
                info.file,
                info.line,
                first_chain.join(", "),
                def.info.name,
                def.info.file,
                def.info.line,
                chain.join(", ")
            );
        }
        methods.extend(def.info.methods.iter().map(|m| m.method));
    }
    let mut auto = Vec::new();
    if !methods.contains(&"OPTIONS") {
        auto.push("OPTIONS");
    }
    let bits = methods.iter().fold(0, |bits, method| {
        bits | crate::answers::method_bit::of(method)
    });
    let allow = crate::answers::allow_header(bits);
    // A path of one function whose list starts with layers is one endpoint, so those layers
    // are built once for the path and its automatic answers share them (around the
    // handler itself, on every method, when it needs no state: `whole_route`). Otherwise each
    // function answers its own method (axum matches it before any fallback, the faster
    // path), and the first answers the rest.
    let one = defs.len() == 1;
    let mut router = None;
    let mut automatic = None;
    let mut carried = carry.then(|| (None, None));
    // Each function's handler checks its prefix/suffix text (the same for all: one
    // pattern), unless something wraps one of them.
    let mut checks = None;
    let mut plain = true;
    let mut direct = None;
    for def in defs {
        for &path in def.info.paths {
            rows.extend(Row::of(def.info, path, false));
        }
        let built = (def.build)((!one).then_some(allow));
        plain &= built.plain(&def);
        checks = checks.or(built.affixes);
        // One function answers every method of its path itself.
        if one {
            direct = built.direct.clone();
        }
        let single = one && built.outer.is_some();
        let outer = built.outer.as_ref();
        if let Some((router, automatic)) = &mut carried {
            let (main, auto) = (built.carried)();
            merge_one(outer, def.options, router, automatic, main, auto, single);
        }
        if !main {
            continue;
        }
        match built.whole.filter(|_| single) {
            Some(whole) => router = Some(def.options.apply(whole())),
            None => merge_one(
                outer,
                def.options,
                &mut router,
                &mut automatic,
                built.main,
                built.automatic,
                single,
            ),
        }
    }
    let finish = |router, automatic| match (router, automatic) {
        (Some(router), Some(automatic)) => MethodRouter::merge(router, automatic),
        (router, automatic) => router.or(automatic).unwrap_or_default(),
    };
    Merged {
        router: finish(router, automatic),
        carried: carried.map(|(router, automatic)| finish(router, automatic)),
        direct: direct.filter(|_| plain),
        checks: checks.filter(|_| plain),
        info,
        auto,
    }
}

/// The function-form routes of one path, merged.
struct Merged<S> {
    router: MethodRouter<S>,
    /// The same built for a shared path (`shapes::Carried`), when one of its paths is shared.
    carried: Option<MethodRouter<S>>,
    /// The one function's handler, when it answers every method and nothing wraps it.
    direct: Option<shapes::CallWithState<S>>,
    /// The prefix/suffix text the functions' handlers check, when nothing wraps them.
    checks: Option<&'static AffixTable>,
    info: &'static RouteInfo,
    /// The methods added automatically.
    auto: Vec<&'static str>,
}

/// Adds one function's routers, wrapped in its layers, to its path's.
fn merge_one<S>(
    outer: Option<&Outer<S>>,
    options: RouteOptions,
    router: &mut Option<MethodRouter<S>>,
    automatic: &mut Option<MethodRouter<S>>,
    main: MethodRouter<S>,
    auto: Option<MethodRouter<S>>,
    single: bool,
) where
    S: Clone + Send + Sync + 'static,
{
    if single {
        *router = Some(wrap(outer, options, auto.unwrap_or(main)));
    } else {
        // The first function's router is the path's (merging it into an empty one would
        // move every endpoint for nothing).
        let main = wrap(outer, options, main);
        *router = Some(match router.take() {
            Some(router) => router.merge(main),
            None => main,
        });
        if automatic.is_none() {
            *automatic = auto.map(|auto| wrap(outer, options, auto));
        }
    }
}

#[cfg(test)]
mod tests;
