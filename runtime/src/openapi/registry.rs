//! Which routes an app was built from.
//!
//! TODO(lead): per-router table (issue 13.5). Until a router carries its own route table,
//! this is every route `routes![…]` built in the process, so two apps in one process each
//! get a document with both apps' routes. Replace `routes_of` with the router's own table;
//! the document builder already takes the list it is given.

use std::sync::Mutex;

use axum::Router;

use crate::routes::RouteInfo;

static BUILT: Mutex<Vec<&'static RouteInfo>> = Mutex::new(Vec::new());

/// Called by `RouteSet::build` with every route it registers.
pub(crate) fn record(infos: impl Iterator<Item = &'static RouteInfo>) {
    let mut built = BUILT
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    for info in infos {
        if !built.iter().any(|known| std::ptr::eq(*known, info)) {
            built.push(info);
        }
    }
}

/// The routes `app` was built from, in the order they were first built.
///
/// TODO(lead): per-router table. For now: every route built in this process.
pub fn routes_of<S>(_app: &Router<S>) -> Vec<&'static RouteInfo> {
    BUILT
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .clone()
}
