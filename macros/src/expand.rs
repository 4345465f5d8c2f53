//! Code generation: one axum `Handler` per method, running the middleware chain inline,
//! and the `__routekit_def` function `routes!` calls.
//!
//! A generated handler does what a hand-written axum handler does: split the request,
//! run each extractor once, call the function, turn its output into a response. Middleware
//! are called as nested async blocks, so a provider costs no boxing at all.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Ident, LitStr};

use crate::ast::{Binding, Handler, Role, Slot};
use crate::attr::{MiddlewareItem, RouteArgs};

/// Everything codegen needs about one route.
pub struct Route<'a> {
    pub args: &'a RouteArgs,
    /// The module or function name the route table shows.
    pub name: String,
    pub route_middleware: &'a [MiddlewareItem],
    pub handlers: &'a [Handler],
    /// Whether the route answers `OPTIONS` and `405` itself (module form).
    pub complete: bool,
}

const P: &str = "::routekit::__private";

fn private() -> TokenStream {
    P.parse().expect("path tokens")
}

/// The generic bounds every generated impl repeats.
fn state_bound() -> TokenStream {
    quote!(S: ::core::clone::Clone + ::core::marker::Send + ::core::marker::Sync + 'static)
}

/// Wraps `inner` (code that answers a response from `parts`, `body`, `state`) in the chain.
fn chain(items: &[&MiddlewareItem], inner: TokenStream) -> TokenStream {
    let rk = private();
    let mut code = inner;
    for item in items.iter().rev() {
        code = match item {
            MiddlewareItem::Named(path) => quote_spanned! {path.span()=>
                <#path as ::routekit::__private::Middleware<S>>::call(parts, body, state, move |mut parts: #rk::http::request::Parts, body: #rk::axum::body::Body, state: S| async move {
                    #code
                }).await
            },
            MiddlewareItem::Layer(expr) => quote_spanned! {expr.span()=>
                #rk::through_layer(#expr, parts, body, state, move |mut parts: #rk::http::request::Parts, body: #rk::axum::body::Body, state: S| async move {
                    #code
                }).await
            },
        };
    }
    code
}

fn middleware_bounds(items: &[&MiddlewareItem]) -> Vec<TokenStream> {
    items
        .iter()
        .filter_map(|item| match item {
            MiddlewareItem::Named(path) => {
                Some(quote_spanned!(path.span()=> #path: ::routekit::__private::Middleware<S>))
            }
            MiddlewareItem::Layer(_) => None,
        })
        .collect()
}

/// A unit struct implementing axum's `Handler` by running `inner` after the chain.
fn handler_impl(
    ty: &Ident,
    template: &str,
    items: &[&MiddlewareItem],
    bounds: Vec<TokenStream>,
    inner: TokenStream,
) -> TokenStream {
    let rk = private();
    let state = state_bound();
    let mut bounds = bounds;
    bounds.extend(middleware_bounds(items));
    let body = chain(items, inner);
    quote! {
        #[allow(non_camel_case_types, dead_code)]
        #[doc(hidden)]
        #[derive(Clone, Copy)]
        pub struct #ty;

        impl<S> #rk::axum::handler::Handler<(), S> for #ty
        where
            #state,
            #(#bounds,)*
        {
            type Future = #rk::HandlerFuture;

            #[allow(unused_mut, unused_variables, clippy::let_unit_value, clippy::needless_return)]
            fn call(self, req: #rk::http::Request<#rk::axum::body::Body>, state: S) -> Self::Future {
                ::std::boxed::Box::pin(#rk::finish(#template, async move {
                    let (mut parts, body) = req.into_parts();
                    #body
                }))
            }
        }
    }
}

/// The code that extracts a handler's arguments and calls it.
fn endpoint(
    handler: &Handler,
    names_ty: &Ident,
    revalidate: Option<&str>,
) -> (TokenStream, Vec<TokenStream>, TokenStream) {
    let rk = private();
    let mut items = TokenStream::new();
    let mut bounds = Vec::new();
    let mut stmts = Vec::new();
    let mut call_args = Vec::new();

    let params: Vec<_> = handler
        .args
        .iter()
        .filter_map(|a| match &a.role {
            Role::Param {
                name,
                slot,
                value_ty,
                binding,
            } => Some((name, *slot, value_ty, *binding, &a.ty)),
            _ => None,
        })
        .collect();
    if !params.is_empty() {
        let names = params.iter().map(|p| p.0);
        let slot_tys: Vec<_> = params
            .iter()
            .map(|(_, slot, value_ty, _, ty)| {
                let kind = match slot {
                    Slot::Segment => quote!(Seg),
                    Slot::Rest => quote!(Rest),
                };
                quote_spanned!(ty.span()=> #rk::Slot<#rk::#kind<#value_ty>>)
            })
            .collect();
        items.extend(quote! {
            #[allow(non_camel_case_types, dead_code)]
            #[doc(hidden)]
            pub struct #names_ty;
            impl #rk::ParamNames for #names_ty {
                const NAMES: &'static [&'static str] = &[#(#names),*];
            }
        });
        stmts.push(quote! {
            let __routekit_params = match #rk::path_params::<#names_ty, (#(#slot_tys,)*), S>(&mut parts, &state).await {
                ::core::result::Result::Ok(params) => params,
                ::core::result::Result::Err(response) => return response,
            };
        });
    }

    let mut param_index = 0usize;
    let mut body_stmt = None;
    for (index, arg) in handler.args.iter().enumerate() {
        let var = format_ident!("__routekit_arg{}", index);
        let ty = &arg.ty;
        match &arg.role {
            Role::Param {
                name,
                binding,
                slot,
                value_ty,
            } => {
                let field = syn::Index::from(param_index);
                param_index += 1;
                let expected = quote!(#value_ty).to_string().replace(' ', "");
                let expected = LitStr::new(&expected, Span::call_site());
                let value = quote!(__routekit_params.#field);
                let path = quote!(parts.uri.path());
                let read = match (slot, binding) {
                    (Slot::Segment, Binding::Required) => {
                        quote!(#rk::required(#value, #name, #expected))
                    }
                    (Slot::Segment, _) => quote!(#rk::optional(#value, #name, #expected)),
                    (Slot::Rest, Binding::Required) => quote! {
                        #rk::required(#value, #name, #expected)
                            .and_then(|text| #rk::rest(text, #path, #name, #expected))
                    },
                    (Slot::Rest, Binding::Optional) => quote! {
                        #rk::optional(#value, #name, #expected).and_then(|text| {
                            text.map(|text| #rk::rest(text, #path, #name, #expected)).transpose()
                        })
                    },
                    (Slot::Rest, Binding::OrEmpty) => {
                        quote!(#rk::rest_or_empty(#value, #path, #name, #expected))
                    }
                };
                stmts.push(quote_spanned! {ty.span()=>
                    let #var: #ty = match #read {
                        ::core::result::Result::Ok(value) => value,
                        ::core::result::Result::Err(error) => return #rk::respond(error),
                    };
                });
            }
            Role::Ctx { .. } | Role::Parts => {
                bounds.push(quote_spanned!(ty.span()=> #ty: #rk::axum::extract::FromRequestParts<S> + ::core::marker::Send));
                stmts.push(quote_spanned! {ty.span()=>
                    let #var = match #rk::from_parts::<#ty, S>(&mut parts, &state).await {
                        ::core::result::Result::Ok(value) => value,
                        ::core::result::Result::Err(response) => return response,
                    };
                });
            }
            Role::Body => {
                bounds.push(quote_spanned!(ty.span()=> #ty: #rk::axum::extract::FromRequest<S> + ::core::marker::Send));
                body_stmt = Some(quote_spanned! {ty.span()=>
                    let #var = match #rk::from_request::<#ty, S, _>(parts, body, &state).await {
                        ::core::result::Result::Ok(value) => value,
                        ::core::result::Result::Err(response) => return response,
                    };
                });
            }
        }
        call_args.push(var);
    }
    stmts.extend(body_stmt);

    let ident = &handler.ident;
    let call = if handler.is_async {
        quote!(#ident(#(#call_args),*).await)
    } else {
        quote!(#ident(#(#call_args),*))
    };
    let respond = match revalidate {
        Some(value) => quote!(#rk::revalidate(
            #rk::respond(#call),
            const { #rk::http::HeaderValue::from_static(#value) },
        )),
        None => quote!(#rk::respond(#call)),
    };
    let code = quote! {
        #(#stmts)*
        #respond
    };
    (items, bounds, code)
}

/// The `Allow` header value of a route module: its methods, `HEAD` with `GET`, and
/// `OPTIONS`, sorted as Next.js sorts them.
pub fn allow(handlers: &[Handler]) -> String {
    let mut methods: Vec<&str> = handlers.iter().map(|h| h.method).collect();
    if methods.contains(&"GET") {
        methods.push("HEAD");
    }
    methods.push("OPTIONS");
    methods.sort_unstable();
    methods.dedup();
    methods.join(", ")
}

fn method_filter(method: &str) -> TokenStream {
    let rk = private();
    let ident = format_ident!("{}", method);
    quote!(#rk::axum::routing::MethodFilter::#ident)
}

fn labels(items: &[&MiddlewareItem]) -> Vec<String> {
    items.iter().map(|i| i.label()).collect()
}

/// The handler types, the route's `static` description and its `__routekit_def` function.
/// `scope` is how handler functions are named in the route table (`post::`).
pub fn route(route: &Route, handler_scope: &str) -> (TokenStream, TokenStream) {
    let rk = private();
    let state = state_bound();
    let mut items = TokenStream::new();
    let mut registrations = Vec::new();
    let mut def_bounds = Vec::new();
    let mut method_infos = Vec::new();
    let revalidate = route
        .args
        .revalidate
        .map(|seconds| format!("s-maxage={seconds}, stale-while-revalidate"));
    let route_level: Vec<&MiddlewareItem> = route.route_middleware.iter().collect();
    let template = route.args.template_lit.value();

    for handler in route.handlers {
        let ty = format_ident!("__routekit_{}", handler.method);
        let names_ty = format_ident!("__routekit_params_{}", handler.method);
        let cache = match handler.method {
            "GET" | "HEAD" => revalidate.as_deref(),
            _ => None,
        };
        let (param_items, bounds, inner) = endpoint(handler, &names_ty, cache);
        let chain_items: Vec<&MiddlewareItem> = route_level
            .iter()
            .copied()
            .chain(handler.middleware.iter())
            .collect();
        items.extend(param_items);
        items.extend(handler_impl(&ty, &template, &chain_items, bounds, inner));
        items.extend(crate::check::ctx_checks(handler, &chain_items));
        let filter = method_filter(handler.method);
        registrations.push(quote!(.on(#filter, #ty)));
        def_bounds.push(quote!(#ty: #rk::axum::handler::Handler<(), S>));

        let chain_labels = labels(&chain_items);
        let handler_name = format!("{handler_scope}{}", handler.ident);
        let line = line_of(&handler.ident);
        let method = handler.method;
        let openapi = crate::openapi::operation(handler, &chain_items); // openapi hook
        method_infos.push(quote! {
            #rk::MethodInfo { method: #method, handler: #handler_name, middleware: &[#(#chain_labels),*], line: #line, automatic: false, openapi: #openapi }
        });
    }

    let route_labels = labels(&route_level);
    let route_line = line_of(&route.args.template_lit);
    let methods: Vec<&str> = route.handlers.iter().map(|h| h.method).collect();
    if methods.contains(&"GET") && !methods.contains(&"HEAD") {
        let get = route
            .handlers
            .iter()
            .find(|h| h.method == "GET")
            .expect("GET is defined");
        let chain_labels: Vec<String> = route_labels
            .iter()
            .cloned()
            .chain(get.middleware.iter().map(MiddlewareItem::label))
            .collect();
        let line = line_of(&get.ident);
        let openapi = crate::openapi::none(); // openapi hook
        method_infos.push(quote!(#rk::MethodInfo { method: "HEAD", handler: "(GET)", middleware: &[#(#chain_labels),*], line: #line, automatic: true, openapi: #openapi }));
    }
    if route.complete {
        let allow = allow(route.handlers);
        if !methods.contains(&"OPTIONS") {
            let ty = format_ident!("__routekit_auto_OPTIONS");
            items.extend(handler_impl(
                &ty,
                &template,
                &route_level,
                Vec::new(),
                quote!(#rk::options_response(#rk::http::HeaderValue::from_static(#allow))),
            ));
            registrations.push(quote!(.options(#ty)));
            def_bounds.push(quote!(#ty: #rk::axum::handler::Handler<(), S>));
            let openapi = crate::openapi::none(); // openapi hook
            method_infos.push(quote!(#rk::MethodInfo { method: "OPTIONS", handler: "(automatic)", middleware: &[#(#route_labels),*], line: #route_line, automatic: true, openapi: #openapi }));
        }
        let ty = format_ident!("__routekit_method_not_allowed");
        items.extend(handler_impl(
            &ty,
            &template,
            &route_level,
            Vec::new(),
            quote!(#rk::method_not_allowed(&parts.method, #rk::http::HeaderValue::from_static(#allow))),
        ));
        registrations.push(quote!(.fallback(#ty)));
        def_bounds.push(quote!(#ty: #rk::axum::handler::Handler<(), S>));
    }

    let body_limit = route.args.body_limit.map(|limit| {
        quote!(let router = router.layer(#rk::axum::extract::DefaultBodyLimit::max(#limit));)
    });
    let paths = route.args.template.axum_paths();
    let name = &route.name;
    let kind = if route.complete {
        quote!(Module)
    } else {
        quote!(Function)
    };
    let def = quote! {
        #[doc(hidden)]
        #[allow(private_bounds, private_interfaces, dead_code, non_snake_case)]
        pub fn __routekit_def<S>() -> #rk::RouteDef<S>
        where
            #state,
            #(#def_bounds,)*
        {
            static INFO: #rk::RouteInfo = #rk::RouteInfo {
                template: #template,
                paths: &[#(#paths),*],
                name: #name,
                kind: #rk::RouteKind::#kind,
                file: ::core::file!(),
                line: #route_line,
                methods: &[#(#method_infos),*],
            };
            let router = #rk::axum::routing::MethodRouter::new() #(#registrations)*;
            #body_limit
            #rk::RouteDef { info: &INFO, router }
        }
    };
    (items, def)
}

/// The source line of a token, for the route table.
fn line_of(tokens: &impl Spanned) -> TokenStream {
    let span = tokens.span();
    quote_spanned!(span=> ::core::line!())
}
