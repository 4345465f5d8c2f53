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
use crate::template::{Segment, Template};

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

fn private() -> TokenStream {
    crate::runtime()
}

/// The state parameter of every generated generic item. Named so that no user type (a
/// handler taking `Json<S>`) is ever captured by it.
fn state_param() -> Ident {
    format_ident!("__RkS")
}

/// The generic bounds every generated impl repeats.
fn state_bound() -> TokenStream {
    let s = state_param();
    quote!(#s: ::core::clone::Clone + ::core::marker::Send + ::core::marker::Sync + 'static)
}

/// The chain's code, built from the innermost answer outwards. The code of every stage
/// answers a response from the locals `__rk_parts`, `__rk_body`, `__rk_state` and
/// `__rk_layers`; a layer moves the code inside it into a function of its
/// own (the layer's [`Resume`](routekit::__private::Resume)), built once with the router.
#[derive(Default)]
struct Chain {
    /// One `__routekit_resume_N` function per layer.
    resumes: TokenStream,
    /// The layer expressions, built in `__routekit_def`, in index order.
    builds: Vec<TokenStream>,
}

impl Chain {
    fn wrap(
        &mut self,
        items: &[&MiddlewareItem],
        inner: TokenStream,
        bounds: &[TokenStream],
    ) -> TokenStream {
        let rk = private();
        let s = state_param();
        let mut code = inner;
        for item in items.iter().rev() {
            code = match item {
                MiddlewareItem::Named(path) => {
                    let rk = crate::runtime_at(path.span());
                    quote_spanned! {path.span()=>
                    <#path as #rk::Middleware<#s>>::call(__rk_parts, __rk_body, __rk_state, move |mut __rk_parts: #rk::http::request::Parts, __rk_body: #rk::axum::body::Body, __rk_state: #s| async move {
                        #code
                    }).await
                    }
                }
                MiddlewareItem::Layer(expr) => {
                    let index = self.builds.len();
                    let resume = format_ident!("__routekit_resume_{}", index);
                    let state = state_bound();
                    self.resumes.extend(quote! {
                        #[doc(hidden)]
                        #[allow(non_snake_case, unused_mut, unused_variables, clippy::let_unit_value, clippy::needless_return)]
                        fn #resume<#s>(
                            mut __rk_parts: #rk::http::request::Parts,
                            __rk_body: #rk::axum::body::Body,
                            __rk_carry: #rk::Carry<#s>,
                        ) -> #rk::NextFuture
                        where
                            #state,
                            #(#bounds,)*
                        {
                            let #rk::Carry { state: __rk_state, layers: __rk_layers } = __rk_carry;
                            ::std::boxed::Box::pin(async move { #code })
                        }
                    });
                    self.builds.push(quote_spanned! {expr.span()=>
                        #rk::build_layer::<#s, _, _>(#expr, #resume::<#s>)
                    });
                    quote!(#rk::through_layer::<#s>(&__rk_layers, #index, __rk_parts, __rk_body, __rk_state).await)
                }
            };
        }
        code
    }
}

fn middleware_bounds(items: &[&MiddlewareItem]) -> Vec<TokenStream> {
    let s = state_param();
    items
        .iter()
        .filter_map(|item| match item {
            MiddlewareItem::Named(path) => {
                let rk = crate::runtime_at(path.span());
                Some(quote_spanned!(path.span()=> #path: #rk::Middleware<#s>))
            }
            MiddlewareItem::Layer(_) => None,
        })
        .collect()
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
            .map(|(name, slot, value_ty, _, ty)| match slot {
                Slot::Segment => quote_spanned!(ty.span()=> #rk::Slot<#rk::Seg<#value_ty>>),
                Slot::Rest => quote_spanned!(ty.span()=> #rk::Slot<#rk::Rest<#value_ty>>),
                Slot::Affixed => {
                    let affix = affix_marker(name);
                    quote_spanned!(ty.span()=> #rk::Slot<#rk::Affixed<#value_ty, #affix>>)
                }
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
            let __routekit_params = match #rk::path_params::<#names_ty, (#(#slot_tys,)*), __RkS>(&mut __rk_parts, &__rk_state).await {
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
                let path = quote!(__rk_parts.uri.path());
                let read = match (slot, binding) {
                    (Slot::Segment | Slot::Affixed, Binding::Required) => {
                        quote!(#rk::required(#value, #name, #expected))
                    }
                    (Slot::Segment | Slot::Affixed, _) => {
                        quote!(#rk::optional(#value, #name, #expected))
                    }
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
                bounds.push(quote_spanned!(ty.span()=> #ty: #rk::axum::extract::FromRequestParts<__RkS> + ::core::marker::Send));
                stmts.push(quote_spanned! {ty.span()=>
                    let #var = match #rk::from_parts::<#ty, __RkS>(&mut __rk_parts, &__rk_state).await {
                        ::core::result::Result::Ok(value) => value,
                        ::core::result::Result::Err(response) => return response,
                    };
                });
            }
            Role::Body => {
                bounds.push(quote_spanned!(ty.span()=> #ty: #rk::axum::extract::FromRequest<__RkS> + ::core::marker::Send));
                body_stmt = Some(quote_spanned! {ty.span()=>
                    let #var = match #rk::from_request::<#ty, __RkS, _>(__rk_parts, __rk_body, &__rk_state).await {
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
            __routekit_credentialed,
        )),
        None => quote!(#rk::respond(#call)),
    };
    // `revalidate`: whether the request carries credentials, read before a body reader
    // takes the parts.
    let credentialed = revalidate
        .map(|_| quote!(let __routekit_credentialed = #rk::credentialed(&__rk_parts.headers);));
    let code = quote! {
        #credentialed
        #(#stmts)*
        #respond
    };
    (items, bounds, code)
}

/// The marker type holding a prefix/suffix parameter's text (`post-{$id}`).
fn affix_marker(name: &str) -> Ident {
    format_ident!("__routekit_affix_{}", name)
}

/// One marker type per prefix/suffix parameter of the template, for [`endpoint`]'s slots.
fn affix_markers(template: &Template) -> TokenStream {
    let rk = private();
    let mut items = TokenStream::new();
    for segment in &template.segments {
        if let Segment::Affixed {
            name,
            prefix,
            suffix,
        } = segment
        {
            let marker = affix_marker(name);
            items.extend(quote! {
                #[allow(non_camel_case_types, dead_code)]
                #[doc(hidden)]
                pub struct #marker;
                impl #rk::Affix for #marker {
                    const PREFIX: &'static str = #prefix;
                    const SUFFIX: &'static str = #suffix;
                }
            });
        }
    }
    items
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

/// The route's handler, its `static` description and its `__routekit_def` function.
/// `handler_scope` is how handler functions are named in the route table (`post::`).
///
/// A route is one axum handler whatever its number of methods: the route-level chain runs
/// once around a `match` on the method, so it is generated once, and the automatic
/// `HEAD`, `OPTIONS` and `405` answers are runtime functions inside that chain.
pub fn route(route: &Route, handler_scope: &str) -> (TokenStream, TokenStream) {
    let rk = private();
    let s = state_param();
    let state = state_bound();
    let mut items = TokenStream::new();
    let mut bounds = Vec::new();
    let mut method_infos = Vec::new();
    let mut chain = Chain::default();
    let revalidate = route.args.cache_control();
    let route_level: Vec<&MiddlewareItem> = route.route_middleware.iter().collect();
    let template = route.args.template_lit.value();
    bounds.extend(middleware_bounds(&route_level));
    items.extend(affix_markers(&route.args.template));

    let mut branches = Vec::new();
    let mut endpoints = Vec::new();
    for handler in route.handlers {
        let names_ty = format_ident!("__routekit_params_{}", handler.method);
        let cache = match handler.method {
            "GET" | "HEAD" => revalidate.as_deref(),
            _ => None,
        };
        let (param_items, handler_bounds, inner) = endpoint(handler, &names_ty, cache);
        items.extend(param_items);
        bounds.extend(handler_bounds);
        let handler_level: Vec<&MiddlewareItem> = handler.middleware.iter().collect();
        bounds.extend(middleware_bounds(&handler_level));
        endpoints.push((handler, handler_level, inner));

        let chain_items: Vec<&MiddlewareItem> = route_level
            .iter()
            .copied()
            .chain(handler.middleware.iter())
            .collect();
        items.extend(crate::check::ctx_checks(handler, &chain_items));
        let chain_labels = labels(&chain_items);
        let handler_name = format!("{handler_scope}{}", handler.ident);
        let line = line_of(&handler.ident);
        let method = handler.method;
        let openapi = crate::openapi::operation(handler, &chain_items); // openapi hook
        method_infos.push(quote! {
            #rk::MethodInfo { method: #method, handler: #handler_name, middleware: &[#(#chain_labels),*], line: #line, automatic: false, openapi: #openapi }
        });
    }
    let methods: Vec<&str> = route.handlers.iter().map(|h| h.method).collect();
    for (handler, handler_level, inner) in endpoints {
        let code = chain.wrap(&handler_level, inner, &bounds);
        let method = format_ident!("{}", handler.method);
        let test = if handler.method == "GET" && !methods.contains(&"HEAD") {
            quote!(__rk_parts.method == #rk::http::Method::GET || __rk_parts.method == #rk::http::Method::HEAD)
        } else {
            quote!(__rk_parts.method == #rk::http::Method::#method)
        };
        branches.push(quote!(if #test { #code }));
    }
    // A module knows its `Allow` value; a function-form route's depends on the other
    // functions of its path, and reaches its automatic answers with it (`allow_of`).
    let allow_value = if route.complete {
        let allow = allow(route.handlers);
        quote!(const { #rk::http::HeaderValue::from_static(#allow) })
    } else {
        items.extend(quote! {
            #[doc(hidden)]
            static __ROUTEKIT_ALLOW: #rk::AllowSlot = #rk::AllowSlot::new();
        });
        quote!(#rk::allow_of(&__rk_parts, &__ROUTEKIT_ALLOW))
    };
    let automatic = if methods.contains(&"OPTIONS") {
        quote!(#rk::method_not_allowed(&__rk_parts.method, #allow_value))
    } else {
        quote!(#rk::automatic_answer(&__rk_parts.method, #allow_value))
    };
    let dispatch = quote!(#(#branches else)* { #automatic });
    // The layers a route's list starts with wrap the whole route: axum builds them once,
    // when the router is finalised, around the route's one endpoint, at the cost of a
    // hand-written `route_layer`. Layers after a `#[middleware]` function, or on a handler,
    // sit inside the generated chain and reach its state through `Resume`.
    let leading = route_level
        .iter()
        .take_while(|item| matches!(item, MiddlewareItem::Layer(_)))
        .count();
    let outer_layers: Vec<TokenStream> = route_level[..leading]
        .iter()
        .rev()
        .map(|item| match item {
            MiddlewareItem::Layer(expr) => {
                quote_spanned!(expr.span()=> .layer(#rk::answer_errors(#expr)))
            }
            MiddlewareItem::Named(_) => unreachable!("leading items are layers"),
        })
        .collect();
    let outer = if outer_layers.is_empty() {
        quote!(::core::option::Option::None)
    } else {
        quote!(::core::option::Option::Some(|__rk_router| __rk_router #(#outer_layers)*))
    };
    let body = chain.wrap(&route_level[leading..], dispatch, &bounds);

    let route_labels = labels(&route_level);
    let route_line = line_of(&route.args.template_lit);
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
    if route.complete && !methods.contains(&"OPTIONS") {
        let openapi = crate::openapi::none(); // openapi hook
        method_infos.push(quote!(#rk::MethodInfo { method: "OPTIONS", handler: "(automatic)", middleware: &[#(#route_labels),*], line: #route_line, automatic: true, openapi: #openapi }));
    }

    let Chain { resumes, builds } = chain;
    items.extend(resumes);
    // Without layers the handler is a unit struct, as an axum handler `fn` is: axum clones
    // a route's boxed service per request, and a zero-sized one costs no allocation.
    let (fields, take_layers, make) = if builds.is_empty() {
        (quote!(;), quote!(), quote!(__routekit_handler))
    } else {
        (
            quote!({ layers: #rk::Layers }),
            quote!(let __routekit_handler { layers: __rk_layers } = self;),
            quote!(__routekit_handler { layers: #rk::layers(::std::vec![#(#builds),*]) }),
        )
    };
    items.extend(quote! {
        #[allow(non_camel_case_types, dead_code)]
        #[doc(hidden)]
        #[derive(Clone)]
        pub struct __routekit_handler #fields

        impl<#s> #rk::axum::handler::Handler<(), #s> for __routekit_handler
        where
            #state,
            #(#bounds,)*
        {
            type Future = #rk::HandlerFuture;

            #[allow(unused_mut, unused_variables, clippy::let_unit_value, clippy::needless_return)]
            fn call(self, __rk_request: #rk::http::Request<#rk::axum::body::Body>, __rk_state: #s) -> Self::Future {
                #take_layers
                ::std::boxed::Box::pin(#rk::finish(#template, async move {
                    let (mut __rk_parts, __rk_body) = __rk_request.into_parts();
                    #body
                }))
            }
        }
    });

    let paths = route.args.template.axum_paths();
    let patterns = route.args.template.patterns();
    let name = &route.name;
    let (kind, router) = if route.complete {
        (quote!(Module), quote!(#rk::module_router(#make)))
    } else {
        let filter = method_filter(route.handlers[0].method);
        (
            quote!(Function),
            quote!(#rk::function_router(#filter, #make, __rk_allow, &__ROUTEKIT_ALLOW)),
        )
    };
    let body_limit = match route.args.body_limit {
        Some(limit) => quote!(::core::option::Option::Some(#limit)),
        None => quote!(::core::option::Option::None),
    };
    let etag = route.args.etag;
    let max_duration = match route.args.max_duration {
        Some(seconds) => quote!(::core::option::Option::Some(#seconds)),
        None => quote!(::core::option::Option::None),
    };
    let def = quote! {
        #[doc(hidden)]
        #[allow(private_bounds, private_interfaces, dead_code, non_snake_case, unused_variables)]
        pub fn __routekit_def<#s>() -> #rk::RouteDef<#s>
        where
            #state,
            #(#bounds,)*
        {
            static INFO: #rk::RouteInfo = #rk::RouteInfo {
                template: #template,
                paths: &[#(#paths),*],
                patterns: &[#(#patterns),*],
                name: #name,
                kind: #rk::RouteKind::#kind,
                file: ::core::file!(),
                line: #route_line,
                methods: &[#(#method_infos),*],
            };
            #rk::RouteDef {
                info: &INFO,
                options: #rk::RouteOptions {
                    body_limit: #body_limit,
                    etag: #etag,
                    max_duration: #max_duration,
                },
                build: |__rk_allow: &'static str| #router,
                outer: #outer,
            }
        }
    };
    (items, def)
}

/// The source line of a token, for the route table.
fn line_of(tokens: &impl Spanned) -> TokenStream {
    let span = tokens.span();
    quote_spanned!(span=> ::core::line!())
}
