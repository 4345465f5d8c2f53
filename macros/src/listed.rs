//! The names generated code gives the `#[middleware]` functions of a list: per distinct
//! path a constant, `const __ROUTEKIT_MW0: bool = <<auth as MiddlewareInfo>::Listing as
//! Listing>::LISTED;`, and a
//! type alias, `type __routekit_mw0 = <(auth,) as ListItem<__ROUTEKIT_MW0>>::Type;`, which
//! is `auth` itself.
//!
//! Every bound, check and call of the route names the alias, never the path. An item that
//! is not a `#[middleware]` function (`#[middleware(NotMiddleware)]`) then fails once, in
//! the constant, at the item, with `MiddlewareInfo`'s message (or, for one that takes
//! `#[arg]` arguments, `CallWithArguments`'s); the alias is an
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

    /// The alias of `path`'s list step, `__routekit_with0<T>`: what it provides, then `T`
    /// (`(<auth as MiddlewareInfo>::Provides, T)`), so each `Ctx` check names its list in
    /// one short type rather than spelling every provider out again.
    pub fn with(&self, path: &Path) -> Ident {
        let alias = self
            .ty(path)
            .to_string()
            .replace("__routekit_mw", "__routekit_with");
        Ident::new(&alias, path.span())
    }

    /// The items: per path its constant and its alias. A path without generic arguments
    /// is [`imported`] with a fallback, so that a function without `#[middleware]` (or a
    /// misspelt name) is reported as that rather than as the compiler's "expected type,
    /// found function".
    pub fn items(&self) -> TokenStream {
        let named = self.paths.iter().any(|(_, p)| importable(p)).then(|| {
            quote::quote! {
                #[doc(hidden)]
                #[allow(non_camel_case_types)]
                trait __routekit_named<const I: usize> {
                    type Type;
                }
            }
        });
        let items: TokenStream = self.paths
            .iter()
            .enumerate()
            .map(|(index, (_, path))| {
                let rk = crate::runtime_at(path.span());
                let alias = Ident::new(&format!("__routekit_mw{index}"), path.span());
                let listed = Ident::new(&format!("__ROUTEKIT_MW{index}"), path.span());
                let with = Ident::new(&format!("__routekit_with{index}"), path.span());
                let (resolve, ty) = if importable(path) {
                    imported(index, path)
                } else {
                    (TokenStream::new(), quote_spanned!(path.span()=> #path))
                };
                // The path stands only where a type is expected, never in generic arguments,
                // so that a misspelt name is reported alike (once) in both items.
                quote_spanned! {path.span()=>
                    #resolve
                    #[doc(hidden)]
                    const #listed: bool = <<#ty as #rk::MiddlewareInfo>::Listing as #rk::Listing>::LISTED;
                    #[doc(hidden)]
                    #[allow(non_camel_case_types)]
                    type #alias = <(#ty,) as #rk::ListItem<#listed>>::Type;
                    #[doc(hidden)]
                    #[allow(non_camel_case_types)]
                    type #with<__RkT> = (<#alias as #rk::MiddlewareInfo>::Provides, __RkT);
                }
            })
            .collect();
        quote::quote!(#named #items)
    }
}

/// Whether `use #path as …;` can name it: no generic arguments.
fn importable(path: &Path) -> bool {
    path.segments.iter().all(|s| s.arguments.is_none())
}

/// A path resolved with a fallback wherever it stands, a function body included: a type
/// alias `__routekit_found = NotAMiddleware` in a block, and inside it
/// `use path as __routekit_found;`. An import binds only the namespaces the path has, so a
/// `#[middleware]` function (a function and a struct) replaces the alias with its struct,
/// while a plain function binds only a value and leaves the alias, whose `Listing` reports
/// "add `#[middleware]`" at the name. A bare name is also given a macro of its own in the
/// outer block, so that the import finds at least that and a misspelling gets the same
/// message instead of "unresolved import". (A path with `::` that names nothing fails the
/// import at its last segment, with the compiler's suggestion of a similar name in that
/// module; the failed import reports nothing further.) The answer leaves the blocks as an
/// implementation of the scope's private `__routekit_named<index>`.
fn imported(index: usize, path: &Path) -> (TokenStream, TokenStream) {
    let rk = crate::runtime_at(path.span());
    let index = proc_macro2::Literal::usize_unsuffixed(index);
    let found = Ident::new("__routekit_found", path.span());
    // Any macro will do: the import needs a name in the macro namespace only.
    let somewhere = path.get_ident().map(|name| {
        quote_spanned! {path.span()=>
            #[allow(unused_imports)]
            use #rk::if_openapi as #name;
        }
    });
    let resolve = quote_spanned! {path.span()=>
        const _: () = {
            #[allow(non_camel_case_types, dead_code)]
            type #found = #rk::NotAMiddleware;
            #somewhere
            const _: () = {
                #[allow(unused_imports)]
                use #path as #found;
                impl __routekit_named<#index> for () {
                    type Type = #found;
                }
            };
        };
    };
    (
        resolve,
        quote_spanned!(path.span()=> <() as __routekit_named<#index>>::Type),
    )
}
