//! Code generation for a validated `#[middleware]` declaration.
//!
//! A declaration keeps the user's function as written and adds a same-named empty struct
//! in the type namespace (as Rocket does for routes), which carries the trait impls a
//! route's generated handler calls: `#[middleware(auth)]` then names both at once.
//!
//! A declaration with `#[arg]` arguments is a factory, as TanStack Start's
//! `const requireRole = (role) => createMiddleware()…`: the value namespace gets a function
//! taking the arguments, `require_role("admin")`, that returns the configured middleware,
//! a struct of the same name holding them. That value is a `tower::Layer`, so a route's
//! list builds it once with the router as any layer, and it carries `MiddlewareInfo`, so
//! the route's `Ctx` checks see what it provides and needs.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Ident, Pat, Type};

use super::model::{Declaration, Kind, Style};
use crate::ast::generic_arg;
use crate::chain::{extract_parts, parts_bound};

/// The items of a declaration; `openapi` is what the OpenAPI hook generated for it.
pub fn declaration(decl: &Declaration, openapi: TokenStream) -> TokenStream {
    if decl.is_factory() {
        factory(decl, openapi)
    } else {
        plain(decl, openapi)
    }
}

/// The extractor parameters, with the variables they are extracted into.
fn extractors(decl: &Declaration) -> Vec<(Ident, &Type)> {
    decl.params_of(Kind::Extractor)
        .enumerate()
        .map(|(i, p)| (format_ident!("__routekit_arg{}", i), &p.ty))
        .collect()
}

/// `MiddlewareInfo`: the type it provides and the type-level list of the `Ctx<T>` it takes.
fn info(decl: &Declaration, ident: &Ident) -> TokenStream {
    let rk = crate::runtime();
    let provides = match &decl.style {
        Style::Provider { value, .. } => quote!(#value),
        Style::Around | Style::Neither => quote!(()),
    };
    let requires = decl
        .params_of(Kind::Extractor)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .fold(quote!(()), |tail, p| match generic_arg(&p.ty, "Ctx") {
            Some(inner) => quote!((#inner, #tail)),
            None => tail,
        });
    // Named bare in a list, or only called with its `#[arg]` arguments.
    let listing = if decl.is_factory() {
        quote!(#rk::NeedsArguments<Self>)
    } else {
        quote!(#rk::Bare)
    };
    quote! {
        impl #rk::MiddlewareInfo for #ident {
            type Provides = #provides;
            type Requires = #requires;
            type Listing = #listing;
        }
    }
}

/// After the extractors: call the function with `call_args`, then run `rest` (a closure
/// of the remaining chain taking `rest_args`) or answer.
fn run(
    decl: &Declaration,
    callee: TokenStream,
    call_args: &[TokenStream],
    rest_args: TokenStream,
) -> TokenStream {
    let rk = crate::runtime();
    match &decl.style {
        Style::Provider { .. } => {
            let check = provided(decl, callee, call_args, quote!(&mut __rk_parts));
            quote! {
                match #check {
                    ::core::result::Result::Ok(()) => __rk_rest(__rk_parts, __rk_body #rest_args).await,
                    ::core::result::Result::Err(response) => response,
                }
            }
        }
        Style::Around | Style::Neither => quote! {
            let next = #rk::Next::new(move |req| {
                let (__rk_parts, __rk_body) = #rk::split(req);
                ::std::boxed::Box::pin(__rk_rest(__rk_parts, __rk_body #rest_args))
            });
            #rk::respond(#callee(#(#call_args,)* #rk::request(__rk_parts, __rk_body), next).await)
        },
    }
}

/// A middleware without arguments: the function, and its struct implementing `Middleware<S>`.
fn plain(decl: &Declaration, openapi: TokenStream) -> TokenStream {
    let rk = crate::runtime();
    let func = &decl.func;
    let ident = &func.sig.ident;
    let vis = &func.vis;
    let extractors = extractors(decl);
    let state = quote!(__RkS);
    let bounds: Vec<TokenStream> = extractors
        .iter()
        .map(|(_, ty)| parts_bound(ty, &state))
        .collect();
    let vars: Vec<TokenStream> = extractors.iter().map(|(var, _)| quote!(#var)).collect();
    let info = info(decl, ident);
    // A provider's work before the rest of the chain (its extractors, the call, the
    // context value) is a function of its own, generic over the state only: compiled once
    // per state type, where `call`, generic over each route's chain, only awaits it.
    let (before, body) = match &decl.style {
        Style::Provider { .. } => {
            let fail = quote!(return ::core::result::Result::Err(#rk::respond(error)));
            let extract = extractors.iter().map(|(var, ty)| {
                crate::chain::extract_parts_or(var, ty, &state, &quote!(&__rk_state), fail.clone())
            });
            let provided = provided(decl, quote!(#ident), &vars, quote!(__rk_parts));
            let before = quote! {
                impl #ident {
                    #[doc(hidden)]
                    #[allow(unused_mut, unused_variables, clippy::needless_return)]
                    async fn __routekit_before<__RkS>(
                        mut __rk_parts: &mut #rk::http::request::Parts,
                        __rk_state: &__RkS,
                    ) -> ::core::result::Result<(), #rk::axum::response::Response>
                    where
                        __RkS: ::core::marker::Send + ::core::marker::Sync,
                        #(#bounds,)*
                    {
                        #(#extract)*
                        #provided
                    }
                }
            };
            let body = quote! {
                match #ident::__routekit_before(&mut __rk_parts, &__rk_state).await {
                    ::core::result::Result::Ok(()) => __rk_rest(__rk_parts, __rk_body, __rk_state).await,
                    ::core::result::Result::Err(response) => response,
                }
            };
            (before, body)
        }
        Style::Around | Style::Neither => {
            let extract = extractors
                .iter()
                .map(|(var, ty)| extract_parts(var, ty, &state, &quote!(&__rk_state)));
            let run = run(decl, quote!(#ident), &vars, quote!(, __rk_state));
            (TokenStream::new(), quote!(#(#extract)* #run))
        }
    };

    quote! {
        #func

        #[allow(non_camel_case_types, dead_code)]
        #[doc(hidden)]
        #vis struct #ident {}

        #openapi

        #info

        #before

        impl<__RkS> #rk::Middleware<__RkS> for #ident
        where
            __RkS: ::core::marker::Send + ::core::marker::Sync,
            #(#bounds,)*
        {
            #[allow(unused_mut, unused_variables, clippy::needless_return)]
            fn call<__RkF, __RkFut>(
                mut __rk_parts: #rk::http::request::Parts,
                __rk_body: #rk::axum::body::Body,
                __rk_state: __RkS,
                __rk_rest: __RkF,
            ) -> impl ::core::future::Future<Output = #rk::axum::response::Response> + ::core::marker::Send
            where
                __RkF: ::core::ops::FnOnce(#rk::http::request::Parts, #rk::axum::body::Body, __RkS) -> __RkFut + ::core::marker::Send + 'static,
                __RkFut: ::core::future::Future<Output = #rk::axum::response::Response> + ::core::marker::Send + 'static,
                __RkS: ::core::marker::Send + ::core::marker::Sync + 'static,
            {
                async move {
                    #body
                }
            }
        }
    }
}

/// A provider's outcome as the context value: the call of `callee` with `call_args`, its
/// value put in the request (`Ok(())`) or its error answered (`Err(response)`).
/// `parts` is the request's `&mut Parts`.
fn provided(
    decl: &Declaration,
    callee: TokenStream,
    call_args: &[TokenStream],
    parts: TokenStream,
) -> TokenStream {
    let rk = crate::runtime();
    let awaited = decl.func.sig.asyncness.map(|_| quote!(.await));
    let Style::Provider { value, is_result } = &decl.style else {
        unreachable!("only a provider provides")
    };
    let outcome = if *is_result {
        quote!(#callee(#(#call_args),*) #awaited)
    } else {
        quote!(::core::result::Result::<_, ::core::convert::Infallible>::Ok(#callee(#(#call_args),*) #awaited))
    };
    quote_spanned!(value.span()=> #rk::provide::<#value, _>(#parts, #outcome))
}

/// A middleware with `#[arg]` arguments: the factory function, the configured struct it
/// returns, and the user's function kept as an associated function of that struct.
fn factory(decl: &Declaration, openapi: TokenStream) -> TokenStream {
    let rk = crate::runtime();
    let mut func = decl.func.clone();
    let ident = func.sig.ident.clone();
    let vis = func.vis.clone();
    // The documentation describes what users call: the factory.
    let (docs, attrs): (Vec<_>, Vec<_>) = std::mem::take(&mut func.attrs)
        .into_iter()
        .partition(|a| crate::attr::is_attr(a, "doc"));
    func.attrs = attrs;
    func.vis = syn::Visibility::Inherited;

    let args: Vec<(&Ident, &Type)> = decl
        .params_of(Kind::Argument)
        .filter_map(|p| match &p.pat {
            Pat::Ident(pat) => Some((&pat.ident, &p.ty)),
            _ => None,
        })
        .collect();
    let names: Vec<&Ident> = args.iter().map(|(name, _)| *name).collect();
    let types: Vec<&Type> = args.iter().map(|(_, ty)| *ty).collect();

    // Extractors run without the app's state: a factory runs as a layer, which has none.
    let extractors = extractors(decl);
    let extract = extractors
        .iter()
        .map(|(var, ty)| extract_parts(var, ty, &quote!(()), &quote!(&())));
    let mut call_args: Vec<TokenStream> = names
        .iter()
        .map(|name| quote!(::core::clone::Clone::clone(&self.#name)))
        .collect();
    call_args.extend(extractors.iter().map(|(var, _)| quote!(#var)));
    let run = run(decl, quote!(Self::#ident), &call_args, TokenStream::new());
    let info = info(decl, &ident);
    let call_hint = format!(
        "`{ident}` takes arguments: call it in the list, as in `#[middleware({ident}(…))]`"
    );

    quote! {
        #(#docs)*
        #vis fn #ident(#(#names: #types),*) -> #ident {
            #ident { #(#names),* }
        }

        #[allow(non_camel_case_types, dead_code)]
        #[doc(hidden)]
        #[derive(Clone)]
        #vis struct #ident {
            #(#names: #types,)*
        }

        impl #ident {
            #[allow(clippy::too_many_arguments)]
            #func
        }

        #openapi

        #info

        impl #rk::Configured for #ident {
            #[allow(unused_mut, unused_variables, clippy::needless_return)]
            fn run<__RkF, __RkFut>(
                &self,
                mut __rk_parts: #rk::http::request::Parts,
                __rk_body: #rk::axum::body::Body,
                __rk_rest: __RkF,
            ) -> impl ::core::future::Future<Output = #rk::axum::response::Response> + ::core::marker::Send
            where
                __RkF: ::core::ops::FnOnce(#rk::http::request::Parts, #rk::axum::body::Body) -> __RkFut + ::core::marker::Send + 'static,
                __RkFut: ::core::future::Future<Output = #rk::axum::response::Response> + ::core::marker::Send + 'static,
            {
                async move {
                    #(#extract)*
                    #run
                }
            }
        }

        impl<__RkI> #rk::Layer<__RkI> for #ident {
            type Service = #rk::ConfiguredService<#ident, __RkI>;

            fn layer(&self, inner: __RkI) -> Self::Service {
                #rk::ConfiguredService::new(self, inner)
            }
        }

        #[doc = #call_hint]
        impl<__RkS> #rk::Middleware<__RkS> for #ident
        where
            (): #rk::CallWithArguments<#ident, __RkS>,
        {
            fn call<__RkF, __RkFut>(
                _: #rk::http::request::Parts,
                _: #rk::axum::body::Body,
                _: __RkS,
                _: __RkF,
            ) -> impl ::core::future::Future<Output = #rk::axum::response::Response> + ::core::marker::Send
            where
                __RkF: ::core::ops::FnOnce(#rk::http::request::Parts, #rk::axum::body::Body, __RkS) -> __RkFut + ::core::marker::Send + 'static,
                __RkFut: ::core::future::Future<Output = #rk::axum::response::Response> + ::core::marker::Send + 'static,
                __RkS: ::core::marker::Send + ::core::marker::Sync + 'static,
            {
                async { ::core::unreachable!("a middleware with arguments is called in the list") }
            }
        }
    }
}
