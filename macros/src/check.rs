//! Compile-time checks the type system makes for us: every `Ctx<T>` a handler or a later
//! middleware takes must be provided by a middleware before it on the same route.
//!
//! The macro cannot see what `auth` returns, only its name, so it emits a never-called
//! function whose body asks the trait solver: is `User` in the list of types the chain
//! provides? The answer comes back as an error on the user's own `Ctx<User>` token.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use crate::ast::{Handler, Role};
use crate::attr::MiddlewareItem;

/// The type-level list of what `items` provide: `(P1, (P2, ()))`.
fn provided(items: &[&MiddlewareItem]) -> TokenStream {
    let mut list = quote!(());
    for item in items.iter().rev() {
        let head = match item {
            MiddlewareItem::Named(path) => {
                let rk = crate::runtime_at(path.span());
                quote_spanned!(path.span()=> <#path as #rk::MiddlewareInfo>::Provides)
            }
            MiddlewareItem::Layer(_) => quote!(()),
        };
        list = quote!((#head, #list));
    }
    list
}

/// A never-called function asserting the chain provides each `Ctx<T>` the handler and each
/// middleware take.
pub fn ctx_checks(handler: &Handler, chain: &[&MiddlewareItem]) -> TokenStream {
    let rk = crate::runtime();
    let mut checks = Vec::new();
    for (index, item) in chain.iter().enumerate() {
        if let MiddlewareItem::Named(path) = item {
            let before = provided(&chain[..index]);
            let rk_at = crate::runtime_at(path.span());
            let requires =
                quote_spanned!(path.span()=> <#path as #rk_at::MiddlewareInfo>::Requires);
            checks.push(quote! {
                #rk::require_all::<#requires, #before, _>();
            });
        }
    }
    let all = provided(chain);
    for arg in &handler.args {
        if let Role::Ctx { inner } = &arg.role {
            checks.push(quote! {
                #rk::require_ctx::<#inner, #all, _>();
            });
        }
    }
    if checks.is_empty() {
        return TokenStream::new();
    }
    let name = format_ident!("__routekit_check_{}", handler.method);
    quote! {
        #[allow(dead_code, non_snake_case)]
        fn #name() {
            #(#checks)*
        }
    }
}
