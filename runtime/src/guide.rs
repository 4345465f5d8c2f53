//! The guide, a chapter per module, read in order or on its own. Every Rust block in it is
//! a doctest (`cargo test --doc -p routekit`), so what it shows compiles and runs.
//!
//! The macro reference is on each macro's page: [`route`](macro@crate::route),
//! [`middleware`](macro@crate::middleware), [`routes!`](crate::routes!) and
//! [`group`](macro@crate::group).

#[doc = include_str!("../docs/guide/routes.md")]
pub mod routes {}

#[doc = include_str!("../docs/guide/middleware.md")]
pub mod middleware {}

#[doc = include_str!("../docs/guide/errors.md")]
pub mod errors {}

#[doc = include_str!("../docs/guide/serving.md")]
pub mod serving {}

#[doc = include_str!("../docs/guide/openapi.md")]
pub mod openapi {}

#[doc = include_str!("../docs/guide/client.md")]
pub mod client {}

#[doc = include_str!("../docs/guide/testing.md")]
pub mod testing {}

#[doc = include_str!("../docs/guide/porting.md")]
pub mod porting {}
