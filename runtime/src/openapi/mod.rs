//! An OpenAPI 3.1 document built from the routes themselves (feature `openapi`).
//!
//! Nothing about a route is written twice: its path, methods, doc comments, typed
//! parameters, `Query<T>`, bodies (`Json<T>`, `Valid<T>`, `Form<T>`, `Multipart`) and typed
//! return values are read from the handler's signature by `#[route]`, schemas come from
//! `#[derive(JsonSchema)]` (schemars 1.x, which reads `#[garde(…)]` rules as schema
//! constraints), and a `#[middleware]` declares the security scheme it enforces once.
//!
//! ```
//! # #[cfg(feature = "openapi")] {
//! use routekit::openapi::{self, Info};
//! use routekit::prelude::*;
//!
//! /// One post's id, doubled.
//! #[route(GET, "/api/posts/$id")]
//! async fn post(id: u64) -> Json<u64> {
//!     Json(id * 2)
//! }
//!
//! let app = routes![post];
//! let app = openapi::mount(app, Info::new("Blog", "1.0.0")); // GET /openapi.json
//! let app = openapi::docs(app, "/docs");                     // GET /docs
//! # let _: axum::Router = app;
//! # }
//! ```
//!
//! Handlers that read their body in code, or answer an untyped `Response`, name the type
//! once with `#[body(T)]` and `#[response(201, T)]` (both stripped by `#[route]`); a
//! provider middleware names its scheme with `#[security(bearer)]` (stripped by
//! `#[middleware]`).
//!
//! Without the feature none of this is compiled: the macros wrap what they generate for
//! the document in [`__routekit_if_openapi!`](crate::__routekit_if_openapi), which expands
//! to nothing then.

/// Emits its tokens when routekit's `openapi` feature is on, nothing (or the `else` part)
/// when it is off. Generated code uses it because the macros cannot see the features.
#[cfg(feature = "openapi")]
#[macro_export]
#[doc(hidden)]
macro_rules! __routekit_if_openapi {
    ({ $($on:tt)* } else { $($off:tt)* }) => { $($on)* };
    ($($on:tt)*) => { $($on)* };
}

/// Emits its tokens when routekit's `openapi` feature is on, nothing (or the `else` part)
/// when it is off. Generated code uses it because the macros cannot see the features.
#[cfg(not(feature = "openapi"))]
#[macro_export]
#[doc(hidden)]
macro_rules! __routekit_if_openapi {
    ({ $($on:tt)* } else { $($off:tt)* }) => { $($off)* };
    ($($on:tt)*) => {};
}

/// A declared method's generated describe function, called once per document (the
/// methods routekit adds by itself are not in the document).
#[cfg(feature = "openapi")]
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub struct Hook(pub fn(&mut Operation<'_>));

#[cfg(feature = "openapi")]
impl PartialEq for Hook {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::fn_addr_eq(self.0, other.0)
    }
}

#[cfg(feature = "openapi")]
impl Eq for Hook {}

/// Without the feature a method carries nothing for the document.
#[cfg(not(feature = "openapi"))]
#[doc(hidden)]
pub type Hook = ();

#[cfg(feature = "openapi")]
#[doc(hidden)]
pub mod __gen;
#[cfg(feature = "openapi")]
mod components;
#[cfg(feature = "openapi")]
mod document;
#[cfg(feature = "openapi")]
mod page;
#[cfg(feature = "openapi")]
mod registry;

#[cfg(feature = "openapi")]
pub use self::__gen::{Operation, Responses, Scheme};
#[cfg(feature = "openapi")]
pub use self::document::{document, Info};
#[cfg(feature = "openapi")]
pub use self::page::{docs, mount, DocsPage};
#[cfg(feature = "openapi")]
#[cfg(feature = "openapi")]
pub use self::registry::routes_of;

/// Re-exported so a crate can derive `JsonSchema` without its own dependency:
/// `#[derive(routekit::openapi::schemars::JsonSchema)] #[schemars(crate = "routekit::openapi::schemars")]`.
#[cfg(feature = "openapi")]
pub use schemars;
/// The derive, re-exported: `use routekit::openapi::JsonSchema;`.
#[cfg(feature = "openapi")]
pub use schemars::JsonSchema;

/// Without the feature the generated code's wrapper emits nothing, or its `else` part,
/// which is what a method's `openapi` field holds then.
#[cfg(all(test, not(feature = "openapi")))]
mod without_the_feature {
    crate::__routekit_if_openapi! {
        compile_error!("emitted without the `openapi` feature");
    }

    #[test]
    fn the_wrapper_emits_nothing() {
        let hook: super::Hook = crate::__routekit_if_openapi!({ compile_error!("on") } else { () });
        assert_eq!(std::mem::size_of_val(&hook), 0);
    }
}

#[cfg(all(test, feature = "openapi"))]
mod with_the_feature {
    #[test]
    fn the_wrapper_emits_its_tokens() {
        fn describe(_: &mut super::Operation<'_>) {}
        let hook: super::Hook =
            crate::__routekit_if_openapi!({ super::Hook(describe) } else { compile_error!("off") });
        assert!(std::ptr::fn_addr_eq(
            hook.0,
            describe as fn(&mut super::Operation<'_>)
        ));
        crate::__routekit_if_openapi! {
            let emitted = true;
        }
        assert!(emitted);
    }
}
