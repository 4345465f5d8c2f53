//! The middleware chain's code, shared by `#[route]`, the app-wide list of `routes!` and
//! `#[middleware]`: the chain built from the innermost answer outwards, middleware calls
//! and their bounds, and extraction from the request's parts.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::Ident;

use crate::attr::MiddlewareItem;
use crate::listed::Listed;

pub(crate) fn private() -> TokenStream {
    crate::runtime()
}

/// The state parameter of every generated generic item. Named so that no user type (a
/// handler taking `Json<S>`) is ever captured by it.
pub(crate) fn state_param() -> Ident {
    format_ident!("__RkS")
}

/// The generic bounds every generated impl repeats.
pub(crate) fn state_bound() -> TokenStream {
    let s = state_param();
    let rk = private();
    quote!(#s: #rk::StateBound)
}

/// The chain's code, built from the innermost answer outwards. The code of every stage is
/// an expression of a future of the response, made from the locals `__rk_parts`,
/// `__rk_body`, `__rk_state` and `__rk_layers`: the next stage's call, with no `async`
/// block around it (one costs a state machine per stage per route, and its work per
/// request); a layer moves the code inside it into a function of its own (the layer's
/// [`Resume`](routekit::__private::Resume)), built once with the router.
#[derive(Default)]
pub(crate) struct Chain {
    /// One `__routekit_resume_N` function per layer.
    pub(crate) resumes: TokenStream,
    /// How `build` builds each layer around its `Resume`, from the layer's value
    /// ([`Values`]), in index order.
    pub(crate) builds: Vec<TokenStream>,
}

/// The list items given by value (tower layers, configured `#[middleware]` with
/// arguments), each bound to a local of the route's `build` in list order: evaluated once,
/// when the router is built, and seen by the `Ctx` checks with its type.
pub(crate) struct Values<'a>(pub(crate) Vec<(&'a MiddlewareItem, Ident)>);

impl<'a> Values<'a> {
    pub(crate) fn new(items: impl IntoIterator<Item = &'a MiddlewareItem>) -> Self {
        let mut values = Vec::new();
        for item in items {
            if let MiddlewareItem::Layer(_) = item {
                let local = format_ident!("__rk_layer{}", values.len());
                values.push((item, local));
            }
        }
        Values(values)
    }

    pub(crate) fn local(&self, item: &MiddlewareItem) -> &Ident {
        let (_, local) = self
            .0
            .iter()
            .find(|(value, _)| std::ptr::eq(*value, item))
            .expect("every layer item has a local");
        local
    }

    /// `let __rk_layerN = expr;` for each, in list order.
    pub(crate) fn bindings(&self) -> TokenStream {
        self.0
            .iter()
            .map(|(item, local)| match item {
                MiddlewareItem::Layer(expr) => quote_spanned!(expr.span()=> let #local = #expr;),
                MiddlewareItem::Named(_) => unreachable!("only layers are values"),
            })
            .collect()
    }
}

impl Chain {
    pub(crate) fn wrap(
        &mut self,
        items: &[&MiddlewareItem],
        inner: TokenStream,
        bounds: &[TokenStream],
        values: &Values,
        listed: &Listed,
    ) -> TokenStream {
        let rk = private();
        let s = state_param();
        let mut code = inner;
        for item in items.iter().rev() {
            code = match item {
                MiddlewareItem::Named(path) => call_named(&listed.ty(path), &code),
                item @ MiddlewareItem::Layer(expr) => {
                    let local = values.local(item);
                    let index = self.builds.len();
                    let resume = format_ident!("__routekit_resume_{}", index);
                    let with = format_ident!("__rk_allow");
                    let with_ty = quote!(#rk::Allow);
                    self.resumes
                        .extend(resume_fn(&resume, &with, &with_ty, bounds, &code));
                    self.builds.push(quote_spanned! {expr.span()=>
                        #rk::build_layer::<#rk::Carry<#s, #with_ty>, _, _>(#local, #resume::<#s>)
                    });
                    through_layer(index, &with)
                }
            };
        }
        code
    }
}

/// The rest of a chain after a layer, as a function the layer's inner `Resume` calls
/// with the request and the chain's `Carry`: `with` names what the chain's end needs
/// (`__rk_allow` in a route's chain, `__rk_inner` in the app-wide one), of type `with_ty`.
/// The one generator of both chains' resume functions.
pub(crate) fn resume_fn(
    name: &Ident,
    with: &Ident,
    with_ty: &TokenStream,
    bounds: &[TokenStream],
    code: &TokenStream,
) -> TokenStream {
    let rk = private();
    let s = state_param();
    let state = state_bound();
    quote! {
        #[doc(hidden)]
        #[allow(non_snake_case, unused_mut, unused_variables, clippy::let_unit_value, clippy::needless_return, clippy::result_large_err)]
        fn #name<#s>(
            mut __rk_parts: #rk::http::request::Parts,
            __rk_body: #rk::axum::body::Body,
            __rk_carry: #rk::Carry<#s, #with_ty>,
        ) -> #rk::NextFuture
        where
            #state,
            #(#bounds,)*
        {
            let #rk::Carry { state: __rk_state, layers: __rk_layers, with: #with } = __rk_carry;
            ::std::boxed::Box::pin(#code)
        }
    }
}

/// Sends the request through layer `index` of the chain, `with` travelling with it.
pub(crate) fn through_layer(index: usize, with: &Ident) -> TokenStream {
    let rk = private();
    let s = state_param();
    quote!(#rk::through_layer::<#s, _>(__rk_layers, #index, __rk_parts, __rk_body, __rk_state, #with))
}

/// A `#[middleware]` function's stage of a chain, `code` running inside it: the one
/// expansion routes and the app-wide list share. `ty` is the function's alias
/// ([`Listed`]).
pub fn call_named(ty: &Ident, code: &TokenStream) -> TokenStream {
    let s = state_param();
    let rk = crate::runtime_at(ty.span());
    quote_spanned! {ty.span()=>
    <#ty as #rk::Middleware<#s>>::call(__rk_parts, __rk_body, __rk_state, move |mut __rk_parts, __rk_body, __rk_state| #code)
    }
}

/// `auth: Middleware<__RkS>` for each `#[middleware]` function of `items`, through its
/// alias ([`Listed`]).
pub fn middleware_bounds(items: &[&MiddlewareItem], listed: &Listed) -> Vec<TokenStream> {
    let s = state_param();
    items
        .iter()
        .filter_map(|item| match item {
            MiddlewareItem::Named(path) => {
                let rk = crate::runtime_at(path.span());
                let ty = listed.ty(path);
                Some(quote_spanned!(path.span()=> #ty: #rk::Middleware<#s>))
            }
            MiddlewareItem::Layer(_) => None,
        })
        .collect()
}

/// `let #var = …`: runs the `FromRequestParts` extractor `ty` on `__rk_parts` with
/// `state` (of type `state_ty`), answering its rejection. The one statement handlers and
/// `#[middleware]` functions both extract with.
pub fn extract_parts(
    var: &Ident,
    ty: &syn::Type,
    state_ty: &TokenStream,
    state: &TokenStream,
) -> TokenStream {
    let rk = private();
    extract_parts_or(var, ty, state_ty, state, quote!(return #rk::respond(error)))
}

/// [`extract_parts`], doing `fail` (which sees the rejection as `error`) when it fails.
pub fn extract_parts_or(
    var: &Ident,
    ty: &syn::Type,
    state_ty: &TokenStream,
    state: &TokenStream,
    fail: TokenStream,
) -> TokenStream {
    let rk = private();
    quote_spanned! {ty.span()=>
        let #var = match #rk::from_parts::<#ty, #state_ty>(&mut __rk_parts, #state).await { ::core::result::Result::Ok(value) => value, ::core::result::Result::Err(error) => #fail };
    }
}

/// The bound [`extract_parts`] needs: `ty: FromRequestParts<state_ty> + Send`.
pub fn parts_bound(ty: &syn::Type, state_ty: &TokenStream) -> TokenStream {
    // The runtime path is spanned at the argument too: the compiler's "required by this
    // bound" note shows the bound's trait, which then points at the handler's argument.
    let rk = crate::runtime_at(ty.span());
    quote_spanned!(ty.span()=> #ty: #rk::axum::extract::FromRequestParts<#state_ty> + ::core::marker::Send)
}
