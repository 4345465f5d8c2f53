//! Which routes an app was built from: the router's own table.

use axum::Router;

use crate::routes::RouteInfo;

/// The routes `app` (a router `routes![…]` built, after `.with_state`) was built from.
pub fn routes_of(app: &Router) -> Vec<&'static RouteInfo> {
    crate::routes::route_infos(app)
}
