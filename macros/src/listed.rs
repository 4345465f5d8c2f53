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

    /// The items: per path its constant and its alias. `in_module`: the items stand in a
    /// route module, where every name the list can mean is one of the module's, so a bare
    /// name is [`resolved`] with a fallback. Elsewhere (a function-form route or `routes!`,
    /// maybe inside a function body) a name may be local to a block that `use self::*`
    /// cannot reach, and the compiler's own "expected type, found function" stands.
    pub fn items(&self, in_module: bool) -> TokenStream {
        let named =
            (in_module && self.paths.iter().any(|(_, p)| p.get_ident().is_some())).then(|| {
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
                let (resolve, ty) = match path.get_ident().filter(|_| in_module) {
                    Some(name) => resolved(index, name),
                    // A path with `::` resolves absolutely: the compiler's own error for a
                    // missing item is then the right one.
                    None => (TokenStream::new(), quote_spanned!(path.span()=> #path)),
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

/// A bare name resolved with a fallback: the type `name` in scope (a `#[middleware]`
/// function's struct), or, when there is none (a function without `#[middleware]`, a
/// misspelling), `NotAMiddleware`, whose `Listing` reports "no `#[middleware]` function of
/// this name is in scope: add `#[middleware]` above its `fn`", at the name, once.
///
/// The stand-in is a type alias in a block; the name is looked up from a block inside it
/// that glob-imports the module (`use self::*`). Lexical lookup tries the inner block first,
/// so a real type wins and the stand-in is found only when the module has no type `name`.
/// (A type local to a function body is not in the glob, which is why only route modules,
/// whose names are all module-level, use this.) The answer leaves the blocks as an
/// implementation of the module's private `__routekit_named<index>` (private, so a private
/// middleware may be the answer).
fn resolved(index: usize, name: &Ident) -> (TokenStream, TokenStream) {
    let rk = crate::runtime_at(name.span());
    let index = proc_macro2::Literal::usize_unsuffixed(index);
    let resolve = quote_spanned! {name.span()=>
        const _: () = {
            #[allow(non_camel_case_types, dead_code)]
            type #name = #rk::NotAMiddleware;
            const _: () = {
                #[allow(unused_imports)]
                use self::*;
                impl __routekit_named<#index> for () {
                    type Type = #name;
                }
            };
        };
    };
    (
        resolve,
        quote_spanned!(name.span()=> <() as __routekit_named<#index>>::Type),
    )
}
