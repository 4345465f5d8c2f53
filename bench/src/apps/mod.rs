//! One module per implementation of the benchmark API.

pub mod actix;
pub mod axum;
pub mod rocket;
pub mod routekit;
