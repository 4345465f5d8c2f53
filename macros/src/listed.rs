//! The names generated code gives the `#[middleware]` functions of a list: per distinct
//! path a constant, `const __ROUTEKIT_MW0: bool = <auth as MiddlewareInfo>::LISTED;`, and a
//! type alias, `type __routekit_mw0 = <(auth,) as ListItem<__ROUTEKIT_MW0>>::Type;`, which
//! is `auth` itself.
//!
//! Every bound, check and call of the route names the alias, never the path. An item that
//! is not a `#[middleware]` function (`#[middleware(NotMiddleware)]`) then fails once, in
//! the constant, at the item, with `MiddlewareInfo`'s message; the alias is an
//! error type, so the bounds generic over the state that name it are left out by the
//! compiler, rather than each failing again where `routes!` registers the route.

use proc_macro2::TokenStream;
use quote::quote_spanned;
use syn::spanned::Spanned;
use syn::{Ident, Path};

use crate::attr::MiddlewareItem;

/// The aliases of one scope (a route's items, or `routes!`'s app-wide chain).
#[derive(Default)]
pub struct Listed {
    /// Each distinct path, by its label, in order of first appearance.
    paths: Vec<(String, Path)>,
}

impl Listed {
    pub fn new<'a>(items: impl IntoIterator<Item = &'a MiddlewareItem>) -> Self {
        let mut listed = Listed::default();
        for item in items {
            if let MiddlewareItem::Named(path) = item {
                let label = item.label();
                if !listed.paths.iter().any(|(known, _)| *known == label) {
                    listed.paths.push((label, path.clone()));
                }
            }
        }
        listed
    }

    /// The alias naming `path`, spanned at `path` so that an error on it points there.
    pub fn ty(&self, path: &Path) -> Ident {
        let label = MiddlewareItem::Named(path.clone()).label();
        let index = self
            .paths
            .iter()
            .position(|(known, _)| *known == label)
            .expect("every listed path has an alias");
        Ident::new(&format!("__routekit_mw{index}"), path.span())
    }

    /// The items: per path its constant and its alias.
    pub fn items(&self) -> TokenStream {
        self.paths
            .iter()
            .enumerate()
            .map(|(index, (_, path))| {
                let rk = crate::runtime_at(path.span());
                let alias = Ident::new(&format!("__routekit_mw{index}"), path.span());
                let listed = Ident::new(&format!("__ROUTEKIT_MW{index}"), path.span());
                // The path stands only where a type is expected, never in generic arguments,
                // so that a misspelt name is reported alike (once) in both items.
                quote_spanned! {path.span()=>
                    #[doc(hidden)]
                    const #listed: bool = <#path as #rk::MiddlewareInfo>::LISTED;
                    #[doc(hidden)]
                    #[allow(non_camel_case_types)]
                    type #alias = <(#path,) as #rk::ListItem<#listed>>::Type;
                }
            })
            .collect()
    }
}
