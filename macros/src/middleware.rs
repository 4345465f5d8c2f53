//! `#[middleware]`: declares a provider or around middleware, or (with a list) attaches
//! middleware to a route written with the attributes in the other order.
//!
//! A declaration keeps the user's function as written and adds a same-named empty struct
//! in the type namespace (as Rocket does for routes), which carries the trait impls a
//! route's generated handler calls: `#[middleware(auth)]` then names both at once.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{FnArg, Item, ItemFn, ReturnType, Type};

use crate::ast::{generic_arg, reads_body, type_name};
use crate::attr;
use crate::errors::Errors;

pub fn expand(attr: TokenStream, item: TokenStream) -> TokenStream {
    if !attr.is_empty() {
        return attach(attr, item);
    }
    let func: ItemFn = match syn::parse2(item.clone()) {
        Ok(func) => func,
        Err(_) => {
            let error = syn::Error::new_spanned(
                &item,
                "#[middleware] declares a middleware function: `#[middleware] async fn auth(headers: HeaderMap) -> Result<User, ApiError>`",
            )
            .to_compile_error();
            return quote!(#error #item);
        }
    };
    if func.attrs.iter().any(|a| attr::is_attr(a, "route")) {
        let error = syn::Error::new_spanned(
            &func.sig.ident,
            "on a route, #[middleware] takes the list of middleware to run: `#[middleware(auth, logger)]`",
        )
        .to_compile_error();
        return quote!(#error #func);
    }
    declare(func)
}

/// `#[middleware(list)]` written above `#[route]`: put `#[route]` first so it expands first
/// and takes the list itself.
fn attach(attr: TokenStream, item: TokenStream) -> TokenStream {
    let parsed: syn::Result<Item> = syn::parse2(item.clone());
    let attrs = match &parsed {
        Ok(Item::Fn(f)) => Some(&f.attrs),
        Ok(Item::Mod(m)) => Some(&m.attrs),
        _ => None,
    };
    // A `#[group]` module takes its list as a route does.
    let takes_list = |a: &syn::Attribute| attr::is_attr(a, "route") || attr::is_attr(a, "group");
    let has_route = attrs.is_some_and(|attrs| attrs.iter().any(takes_list));
    if !has_route {
        let error = syn::Error::new_spanned(
            &attr,
            "#[middleware(…)] with a list goes on a #[route] module, a #[route] function, a handler inside a #[route] module or a #[group] module; to declare a middleware write `#[middleware]` without a list",
        )
        .to_compile_error();
        return quote!(#error #item);
    }
    let mut item = parsed.expect("checked above");
    let attrs = match &mut item {
        Item::Fn(f) => &mut f.attrs,
        Item::Mod(m) => &mut m.attrs,
        _ => unreachable!("checked above"),
    };
    let index = attrs.iter().position(takes_list).expect("checked above");
    let route = attrs.remove(index);
    let rk = crate::runtime();
    attrs.insert(0, syn::parse_quote!(#[#rk::middleware(#attr)]));
    attrs.insert(0, route);
    quote!(#item)
}

enum Style {
    /// Returns the value it adds to the context.
    Provider { value: Box<Type>, is_result: bool },
    /// Takes `req: Request, next: Next` last and answers a response.
    Around,
}

fn declare(mut func: ItemFn) -> TokenStream {
    let mut errors = Errors::default();
    let openapi = crate::openapi::middleware(&mut func, &mut errors); // openapi hook
    let rk = crate::runtime();
    let ident = &func.sig.ident;
    let vis = &func.vis;
    if !func.sig.generics.params.is_empty() {
        errors.error(
            &func.sig.generics,
            "a middleware function cannot be generic: name concrete types",
        );
    }

    let mut types: Vec<&Type> = Vec::new();
    for input in &func.sig.inputs {
        match input {
            FnArg::Typed(t) => types.push(&t.ty),
            FnArg::Receiver(r) => errors.error(r, "a middleware is a free function: remove `self`"),
        }
    }
    let is_named = |ty: &Type, name: &str| type_name(ty).is_some_and(|n| n == name);
    let next_at = types.iter().position(|t| is_named(t, "Next"));
    let style = match next_at {
        Some(index) => {
            let well_formed =
                index + 1 == types.len() && index >= 1 && is_named(types[index - 1], "Request");
            if !well_formed {
                errors.error(
                    &func.sig.inputs,
                    "an around middleware is written `async fn name(req: Request, next: Next) -> Response`: `req` then `next` come last (extractors may come before `req`)",
                );
            }
            if func.sig.asyncness.is_none() {
                errors.error(
                    func.sig.fn_token,
                    "an around middleware awaits `next.run(req)`: make it `async fn`",
                );
            }
            Style::Around
        }
        None => match &func.sig.output {
            ReturnType::Default => {
                errors.error(
                    &func.sig.ident,
                    "a provider middleware returns the value it adds to the context, `Result<User, ApiError>`; an around middleware takes `req: Request, next: Next`",
                );
                Style::Around
            }
            ReturnType::Type(_, ty) => match type_name(ty).filter(|n| *n == "Result") {
                Some(_) => Style::Provider {
                    value: Box::new(result_ok(ty).unwrap_or_else(|| (**ty).clone())),
                    is_result: true,
                },
                None => Style::Provider {
                    value: ty.clone(),
                    is_result: false,
                },
            },
        },
    };
    let extractor_count = match style {
        Style::Around => types.len().saturating_sub(2),
        Style::Provider { .. } => types.len(),
    };
    for ty in &types[..extractor_count.min(types.len())] {
        if reads_body(ty) {
            errors.error(
                ty,
                "a middleware cannot read the body before the handler: take `req: Request, next: Next` and read it there, or read it in the handler",
            );
        }
    }
    if !errors.is_empty() {
        let errors = errors.into_compile_errors();
        return quote!(#errors #func);
    }

    let extractors = &types[..extractor_count];
    let vars: Vec<_> = (0..extractor_count)
        .map(|i| format_ident!("__routekit_arg{}", i))
        .collect();
    let bounds = extractors
        .iter()
        .map(|ty| quote_spanned!(ty.span()=> #ty: #rk::axum::extract::FromRequestParts<__RkS> + ::core::marker::Send));
    let extract = extractors.iter().zip(&vars).map(|(ty, var)| {
        quote_spanned! {ty.span()=>
            let #var = match #rk::from_parts::<#ty, __RkS>(&mut __rk_parts, &__rk_state).await {
                ::core::result::Result::Ok(value) => value,
                ::core::result::Result::Err(response) => return response,
            };
        }
    });
    let requires =
        extractors
            .iter()
            .rev()
            .fold(quote!(()), |tail, ty| match generic_arg(ty, "Ctx") {
                Some(inner) => quote!((#inner, #tail)),
                None => tail,
            });
    let awaited = func.sig.asyncness.map(|_| quote!(.await));
    let (provides, run) = match &style {
        Style::Provider { value, is_result } => {
            let outcome = if *is_result {
                quote!(#ident(#(#vars),*) #awaited)
            } else {
                quote!(::core::result::Result::<_, ::core::convert::Infallible>::Ok(#ident(#(#vars),*) #awaited))
            };
            let check =
                quote_spanned!(value.span()=> #rk::provide::<#value, _>(&mut __rk_parts, #outcome));
            (
                quote!(#value),
                quote! {
                    match #check {
                        ::core::result::Result::Ok(()) => __rk_rest(__rk_parts, __rk_body, __rk_state).await,
                        ::core::result::Result::Err(response) => response,
                    }
                },
            )
        }
        Style::Around => (
            quote!(()),
            quote! {
                let next = #rk::Next::new(move |req| {
                    let (__rk_parts, __rk_body) = #rk::split(req);
                    ::std::boxed::Box::pin(__rk_rest(__rk_parts, __rk_body, __rk_state))
                });
                #rk::respond(#ident(#(#vars,)* #rk::request(__rk_parts, __rk_body), next).await)
            },
        ),
    };

    quote! {
        #func

        #[allow(non_camel_case_types, dead_code)]
        #[doc(hidden)]
        #vis struct #ident {}

        #openapi

        impl #rk::MiddlewareInfo for #ident {
            type Provides = #provides;
            type Requires = #requires;
        }

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
                    #(#extract)*
                    #run
                }
            }
        }
    }
}

/// `T` of `Result<T, E>`.
fn result_ok(ty: &Type) -> Option<Type> {
    let Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        syn::GenericArgument::Type(t) => Some(t.clone()),
        _ => None,
    }
}
