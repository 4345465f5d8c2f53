//! Compile-time checks the type system makes for us: every `Ctx<T>` a handler or a later
//! middleware takes must be provided by a middleware before it on the same route, or by the
//! app-wide list `routes![middleware(…); …]`.
//!
//! The macro cannot see what `auth` returns, only its name, and a route cannot see what the
//! app it ends up in provides. So each check is a where-clause predicate of the route's
//! `Register` impl, generic over the app-wide list `__RkA`, asking the trait solver: is
//! `User` in the list of types the chain provides, followed by `__RkA`? `routes!` names the
//! app's list when it registers the route, and a missing provider is reported there, with
//! the predicate, spanned at the user's own `Ctx<User>` token, as the bound that failed.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::Ident;

use crate::ast::{Handler, Role};
use crate::attr::MiddlewareItem;
use crate::chain::Values;
use crate::listed::Listed;

/// The generic parameter every check's list ends in: what the app-wide list provides.
pub fn app_param() -> Ident {
    format_ident!("__RkA")
}

/// The type-level list of what `items` provide, then the app's: `(P1, (P2, __RkA))`.
/// Layers provide nothing and are left out.
fn provided(items: &[&MiddlewareItem], listed: &Listed) -> TokenStream {
    let mut list = {
        let app = app_param();
        quote!(#app)
    };
    for item in items.iter().rev() {
        if let MiddlewareItem::Named(path) = item {
            let with = listed.with(path);
            list = quote_spanned!(path.span()=> #with<#list>);
        }
    }
    list
}

/// The where-clause predicates of one route, each with the generic parameter it infers
/// (where in the list the value was found).
#[derive(Default)]
pub struct CtxChecks {
    pub predicates: Vec<TokenStream>,
    pub indices: Vec<Ident>,
}

impl CtxChecks {
    fn push(&mut self, predicate: impl FnOnce(&Ident) -> TokenStream) {
        let index = format_ident!("__RkI{}", self.indices.len());
        self.predicates.push(predicate(&index));
        self.indices.push(index);
    }

    /// The checks of the middleware `chain[from..]`: each takes only `Ctx` values provided
    /// before it.
    pub fn middleware(&mut self, chain: &[&MiddlewareItem], from: usize, listed: &Listed) {
        for index in from..chain.len() {
            if let MiddlewareItem::Named(path) = chain[index] {
                let before = provided(&chain[..index], listed);
                let rk = crate::runtime_at(path.span());
                let ty = listed.ty(path);
                self.push(|i| {
                    quote_spanned! {path.span()=>
                        <#ty as #rk::MiddlewareInfo>::Requires: #rk::SatisfiedBy<#before, #i>
                    }
                });
            }
        }
    }

    /// The checks of a handler's `Ctx` arguments against its whole chain.
    pub fn handler(&mut self, handler: &Handler, chain: &[&MiddlewareItem], listed: &Listed) {
        let all = provided(chain, listed);
        for arg in &handler.args {
            if let Role::Ctx { inner } = &arg.role {
                let rk = crate::runtime_at(inner.span());
                self.push(|i| quote_spanned!(inner.span()=> #inner: #rk::ProvidedBy<#all, #i>));
            }
        }
    }

    /// The tuple of index parameters, the `I` of `Register<S, M, A, I>`.
    pub fn index_tuple(&self) -> TokenStream {
        self.indices
            .iter()
            .rev()
            .fold(quote!(()), |tail, index| quote!((#index, #tail)))
    }
}

/// The `Ctx` checks of a route whose lists hold values, made in its `build` on the values
/// themselves: a configured `#[middleware]` (`require_role("admin")`) is known only by the
/// type of its value, which carries `MiddlewareInfo`; any other layer provides nothing.
/// Route-level items are checked once, then each handler's own items and `Ctx` arguments.
pub(crate) fn value_checks(
    route_level: &[&MiddlewareItem],
    handlers: &[Handler],
    values: &Values,
    listed: &Listed,
) -> TokenStream {
    let rk = crate::chain::private();
    let step = |item: &MiddlewareItem| match item {
        MiddlewareItem::Named(path) => {
            let ty = listed.ty(path);
            let step = quote_spanned!(path.span()=> .named::<#ty, _>());
            quote!(let __rk_list = __rk_list #step;)
        }
        MiddlewareItem::Layer(expr) => {
            let local = values.local(item);
            let step = quote_spanned!(expr.span()=> .step());
            quote!(let __rk_list = (&__rk_list.item(&#local)) #step;)
        }
    };
    let route_steps: TokenStream = route_level.iter().map(|item| step(item)).collect();
    // A handler's `Ctx` arguments are checked with the app-wide list (`check.rs`), which
    // these checks cannot see.
    let handler_checks = handlers.iter().map(|handler| {
        let steps: TokenStream = handler.middleware.iter().map(step).collect();
        quote! {{
            #steps
        }}
    });
    quote! {
        {
            #[allow(unused_imports)]
            use #rk::{StepInfo as _, StepLayer as _};
            let __rk_list = #rk::provided();
            #route_steps
            #(#handler_checks)*
        }
    }
}
