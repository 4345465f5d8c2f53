//! Code generation: one axum `Handler` per method, running the middleware chain inline,
//! and the `__routekit_def` function `routes!` calls.
//!
//! A generated handler does what a hand-written axum handler does: split the request,
//! run each extractor once, call the function, turn its output into a response, in one
//! `async` block. Middleware stages call one another's futures directly (no `async` block
//! around each), so a provider costs no boxing at all.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::Ident;

use crate::ast::Handler;
use crate::attr::{MiddlewareItem, RouteArgs};
use crate::listed::Listed;

use crate::affix::{affix_markers, affix_table, affix_table_tokens};
use crate::chain::{middleware_bounds, private, state_bound, state_param, Chain, Values};
use crate::dispatch::Branch;
use crate::endpoint::endpoint;

/// Everything codegen needs about one route.
pub struct Route<'a> {
    pub args: &'a RouteArgs,
    /// The module or function name the route table shows.
    pub name: String,
    pub route_middleware: &'a [MiddlewareItem],
    pub handlers: &'a [Handler],
    /// Whether the route answers `OPTIONS` and `405` itself (module form).
    pub complete: bool,
    /// Whether a `#[group]` registers the route (`in_group`): only then does it implement
    /// `Register`, the trait the group names it by; `routes!` calls `__routekit_register`.
    pub in_group: bool,
}

/// A clone of leading layer `local` (written as `expr`), as it wraps the route: as written
/// when its service cannot fail, in `AnswerErrors` otherwise (`LeadingLayer`'s autoref
/// specialization).
fn leading_layer(expr: &syn::Expr, local: &Ident) -> TokenStream {
    let rk = private();
    quote_spanned!(expr.span()=> {
        #[allow(unused_imports)]
        use #rk::{LeadingFallible as _, LeadingInfallible as _};
        (&#rk::LeadingLayer(::core::clone::Clone::clone(&#local))).leading()
    })
}

/// A route's own methods as the runtime's method bits, by which it reads the route's
/// `Allow` value from its one table of every value (`allow`, `allow_or`).
fn own_allow(handlers: &[Handler]) -> TokenStream {
    let rk = private();
    let methods = handlers.iter().map(|h| format_ident!("{}", h.method));
    quote!(#(#rk::method_bit::#methods)|*)
}

fn method_filter(method: &str) -> TokenStream {
    let rk = private();
    let ident = format_ident!("{}", method);
    quote!(#rk::MethodFilter::#ident)
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
pub fn route(route: &Route, handler_scope: &str) -> Expansion {
    let rk = private();
    let s = state_param();
    let state = state_bound();
    let mut items = TokenStream::new();
    let mut bounds = Vec::new();
    let mut method_infos = Vec::new();
    let mut chain = Chain::default();
    let revalidate = route.args.cache_control();
    let route_level: Vec<&MiddlewareItem> = route.route_middleware.iter().collect();
    let values = Values::new(
        route_level
            .iter()
            .copied()
            .chain(route.handlers.iter().flat_map(|h| &h.middleware)),
    );
    // A route whose lists hold values also checks what those values require (a
    // `#[middleware]` with arguments taking `Ctx`) where they are built.
    let checked_by_value = !values.0.is_empty();
    let template = route.args.template_lit.value();
    // Every list item is named through its alias, defined once per route.
    let listed = Listed::new(
        route_level
            .iter()
            .copied()
            .chain(route.handlers.iter().flat_map(|h| &h.middleware)),
    );
    items.extend(listed.items());
    items.extend(crate::endpoint::respond_imports());
    bounds.extend(middleware_bounds(&route_level, &listed));
    let mut checks = crate::ctx_checks::CtxChecks::default();
    checks.middleware(&route_level, 0, &listed);
    items.extend(affix_markers(&route.args.template));

    let mut branches = Vec::new();
    let mut endpoints = Vec::new();
    for handler in route.handlers {
        let cache = match handler.method {
            "GET" | "HEAD" => revalidate.as_deref(),
            _ => None,
        };
        let (handler_bounds, inner) = endpoint(handler, cache);
        // A bare `async fn` without arguments: its own future is the work, its output
        // turned into a response by `Respond` rather than by an `async` block around it.
        let bare = handler.args.is_empty()
            && handler.is_async
            && cache.is_none()
            && handler.middleware.is_empty();
        let ident = &handler.ident;
        let direct = bare.then(|| crate::endpoint::respond_to(handler, &quote!(#ident())));
        // Otherwise, without middleware of its own or a cache header, its whole call is
        // the runtime's, where the route's chain is not around it (`call_body`).
        let invoke = match (bare, cache) {
            (false, None) => crate::endpoint::invoke(handler, &template),
            _ => None,
        };
        bounds.extend(handler_bounds);
        let handler_level: Vec<&MiddlewareItem> = handler.middleware.iter().collect();
        bounds.extend(middleware_bounds(&handler_level, &listed));
        endpoints.push((handler, handler_level, inner, direct, invoke));

        let chain_items: Vec<&MiddlewareItem> = route_level
            .iter()
            .copied()
            .chain(handler.middleware.iter())
            .collect();
        checks.middleware(&chain_items, route_level.len(), &listed);
        checks.handler(handler, &chain_items, &listed);
        let chain_labels = labels(&chain_items);
        let handler_name = format!("{handler_scope}{}", handler.ident);
        let line = line_of(&handler.ident);
        let method = handler.method;
        let openapi = crate::openapi::operation(handler, &chain_items, &listed); // openapi hook
        method_infos.push(quote! {
            #rk::MethodInfo { method: #method, handler: #handler_name, middleware: &[#(#chain_labels),*], line: #line, openapi: #openapi }
        });
    }
    let methods: Vec<&str> = route.handlers.iter().map(|h| h.method).collect();
    // An `ANY` handler answers what no named method does, so it is tried last and takes
    // the place of the automatic `OPTIONS` and `405`.
    // Each handler as a future (its statements in one `async` block, inside its own
    // middleware), and as what a dispatch inside the route's chain (itself `async`) runs:
    // the statements themselves, or, behind handler-level middleware, that future awaited.
    let mut any = None;
    for (handler, handler_level, inner, direct, invoke) in endpoints {
        let own = quote!(async move { #inner });
        let (code, in_chain) = if handler_level.is_empty() {
            (own, inner)
        } else {
            let code = chain.wrap(&handler_level, own, &bounds, &values, &listed);
            let awaited = quote!(#code.await);
            (code, awaited)
        };
        let branch = Branch {
            method: handler.method,
            also_head: handler.method == "GET" && !methods.contains(&"HEAD"),
            code,
            in_chain,
            direct,
            invoke,
        };
        match handler.method {
            "ANY" => any = Some(branch),
            _ => branches.push(branch),
        }
    }
    // A module knows its `Allow` value; a function-form route's is its own unless other
    // functions share its path, when the runtime passes the path's (`__rk_allow`).
    let own_allow = own_allow(route.handlers);
    let allow_value = if route.complete {
        quote!(#rk::allow(#own_allow))
    } else {
        quote!(#rk::allow_or(__rk_allow, #own_allow))
    };
    let handles_options = methods.contains(&"OPTIONS");
    let automatic = match &any {
        Some(any) => any.in_chain.clone(),
        None if handles_options => {
            quote!(#rk::method_not_allowed(&__rk_parts.method, #allow_value))
        }
        None => quote!(#rk::automatic_answer(&__rk_parts.method, #allow_value)),
    };
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
                let layer = leading_layer(expr, values.local(item));
                // The error type named: with two layers, the one between them is otherwise
                // left to inference, which cannot choose (E0283 `NewError`).
                quote_spanned!(expr.span()=> .layer::<_, ::core::convert::Infallible>(#layer))
            }
            MiddlewareItem::Named(_) => unreachable!("leading items are layers"),
        })
        .collect();
    let outer = if outer_layers.is_empty() {
        TokenStream::new()
    } else {
        quote!(.with_outer(move |__rk_router| __rk_router #(#outer_layers)*))
    };
    // Without route-level middleware inside the handler, the method is matched before any
    // future is made: only the matched method's work is boxed, and the automatic answers
    // are given on the spot. Otherwise the middleware runs first, around the match.
    let call_body = if route_level[leading..].is_empty() {
        crate::dispatch::unwrapped(
            &branches,
            any.as_ref(),
            &template,
            &allow_value,
            handles_options,
        )
    } else {
        let dispatch = crate::dispatch::in_chain(&branches, &automatic);
        let body = chain.wrap(&route_level[leading..], dispatch, &bounds, &values, &listed);
        quote! {
            #rk::RouteFuture::pending(#template, {
                let (mut __rk_parts, __rk_body) = __rk_request.into_parts();
                #body
            })
        }
    };
    let value_checks = if checked_by_value {
        crate::ctx_checks::value_checks(&route_level, route.handlers, &values, &listed)
    } else {
        TokenStream::new()
    };
    let bindings = values.bindings();

    let route_labels = labels(&route_level);
    let route_line = line_of(&route.args.template_lit);
    let Chain { resumes, builds } = chain;
    items.extend(resumes);
    // A prefix/suffix parameter's text is checked by the handler, first: a path without it
    // is the JSON `404` whatever the method, before any middleware inside the handler runs
    // (the runtime puts the same check as a layer in front of a route that leading layers
    // or options wrap, or that shares its axum path with others).
    let patterns = route.args.template.patterns();
    let own_table = affix_table(&route.args.template);
    let (affix_check, with_affixes) = match &own_table {
        Some(table) => {
            let table = affix_table_tokens(table);
            items.extend(quote! {
                #[doc(hidden)]
                const __ROUTEKIT_AFFIXES: #rk::AffixTable = #table;
            });
            (
                quote! {
                    const AFFIXES: ::core::option::Option<&'static #rk::AffixTable> =
                        ::core::option::Option::Some(&__ROUTEKIT_AFFIXES);
                },
                quote!(.with_affixes(&__ROUTEKIT_AFFIXES)),
            )
        }
        None => (TokenStream::new(), TokenStream::new()),
    };
    // Each axum path's own text, for the runtime (`&[]` when the template has none): the
    // handler's table where it is the same.
    let variants = route.args.template.variants();
    let path_tables: Vec<TokenStream> = if variants.iter().all(|v| v.affixes.entries.is_empty()) {
        Vec::new()
    } else {
        variants
            .iter()
            .map(|variant| match &own_table {
                Some(own) if *own == variant.affixes => quote!(__ROUTEKIT_AFFIXES),
                _ => affix_table_tokens(&variant.affixes),
            })
            .collect()
    };
    // Without layers the handler is a unit struct, as an axum handler `fn` is: axum clones
    // a route's boxed service per request, and a zero-sized one costs no allocation.
    // A module's handler is its own unit struct; a function's is its companion, the type
    // `routes![hello]` names (braced, as the function holds the name's value).
    let handler_ty = match route.complete {
        true => quote!(__routekit_handler),
        false => {
            let companion = format_ident!("{}", route.name);
            quote!(#companion)
        }
    };
    let (fields, take_layers, make) = match (builds.is_empty(), route.complete) {
        (true, true) => (quote!(;), quote!(), quote!(#handler_ty)),
        (true, false) => (quote!({}), quote!(), quote!(#handler_ty {})),
        (false, _) => (
            quote!({ layers: #rk::Layers }),
            quote!(let #handler_ty { layers: __rk_layers } = self;),
            quote!(#handler_ty { layers: #rk::layers(::std::vec![#(#builds),*]) }),
        ),
    };
    // A function-form route's items sit in a `const _` block that allows these lints once
    // (`route.rs`); a module's sit among the user's items, each allowing its own.
    let allow = |lints: TokenStream| route.complete.then(|| quote!(#[allow(#lints)]));
    let allow_handler = allow(quote!(non_camel_case_types, dead_code));
    let allow_call = allow(quote!(
        unused_mut,
        unused_variables,
        clippy::let_unit_value,
        clippy::needless_return,
        clippy::result_large_err
    ));
    let allow_register = allow(quote!(private_bounds, private_interfaces));
    let allow_register_fn = allow(quote!(
        private_bounds,
        private_interfaces,
        dead_code,
        non_snake_case,
        unused_variables
    ));
    if route.complete {
        items.extend(quote! {
            #allow_handler
            #[doc(hidden)]
            #[derive(Clone)]
            pub struct __routekit_handler #fields
        });
    }
    items.extend(quote! {
        impl<#s> #rk::RouteHandler<#s> for #handler_ty
        where
            #state,
            #(#bounds,)*
        {
            #affix_check

            #allow_call
            fn answer(
                self,
                __rk_request: #rk::HttpRequest,
                __rk_state: #s,
                __rk_allow: #rk::Allow,
            ) -> #rk::RouteFuture {
                #take_layers
                #call_body
            }
        }
    });

    let paths = route.args.template.axum_paths();
    let name = &route.name;
    // A handler whose impl bounds nothing by the state type, and whose chain builds no
    // layer service for one (`Carry<S>`), answers alike whatever state it is called with:
    // on the app's router it is a plain tower service (`routes/state_free.rs`).
    let state_free = bounds.is_empty() && builds.is_empty();
    let endpoint = if state_free {
        quote!(#rk::state_free::<#s, __RkM, _>)
    } else {
        match route.complete {
            true => quote!(#rk::stateful_any::<#s, __RkM, _>),
            false => quote!(#rk::stateful::<#s, __RkM, _>),
        }
    };
    // A state-free route's leading layers are also built, once, straight around its
    // handler's service, which then answers every method (`whole_route`): what the
    // runtime uses where the route is its path's one endpoint. The layer values are
    // cloned for it before `with_outer` takes them.
    let whole = if state_free && leading > 0 {
        let clones = route_level[..leading].iter().map(|item| {
            let local = values.local(item);
            quote!(let #local = ::core::clone::Clone::clone(&#local);)
        });
        let layered = route_level[..leading].iter().rev().map(|item| {
            let expr = match item {
                MiddlewareItem::Layer(expr) => expr,
                MiddlewareItem::Named(_) => unreachable!("leading items are layers"),
            };
            let layer = leading_layer(expr, values.local(item));
            quote_spanned!(expr.span()=>
                let __rk_service = #rk::Layer::layer(&#layer, __rk_service);
            )
        });
        quote!(.with_whole({
            #(#clones)*
            move || {
                let __rk_service = #rk::StateFree(#make);
                #(#layered)*
                #rk::whole_route(__rk_service)
            }
        }))
    } else {
        TokenStream::new()
    };
    // Its body is then compiled for `()` only, whatever the app's state type.
    let handler = if state_free {
        quote!(#rk::IgnoreState(#make))
    } else {
        make.clone()
    };
    let (kind, router) = if route.complete {
        (
            quote!(Module),
            quote!(#rk::module_router::<#s, __RkM, _>(#handler, #endpoint)),
        )
    } else {
        let filter = method_filter(route.handlers[0].method);
        (
            quote!(Function),
            quote!(#rk::function_router::<#s, __RkM, _>(#filter, #handler, __rk_allow, #endpoint)),
        )
    };
    let options = route_options(route.args);
    let build = if values.0.is_empty() {
        quote!(#router #with_affixes)
    } else {
        quote!({
            #bindings
            #value_checks
            #router #whole #outer #with_affixes
        })
    };
    // What `routes!` calls, `__routekit_register`, and what a `#[group]` names, the
    // `Register` impl of a module's unit struct or a function's companion, which forwards
    // to it: both carry the route's `Ctx` checks in their where-clauses, generic over the
    // app-wide list `__RkA` that `routes!` gives.
    let app = crate::ctx_checks::app_param();
    let indices = &checks.indices;
    let index_tuple = checks.index_tuple();
    let predicates = &checks.predicates;
    // The handler's own bounds are named through it, once: a failed one is still reported
    // as itself, at the user's argument, "required for `__routekit_handler`" (a
    // function's: for its companion, the route's name).
    // A chain with layers also builds their `__routekit_resume_N` functions here, which
    // carry the same bounds themselves.
    let handler_bound = match (bounds.is_empty(), builds.is_empty()) {
        (true, _) => TokenStream::new(),
        (false, true) => {
            quote!(#handler_ty: #rk::RouteHandler<#s>,)
        }
        (false, false) => quote!(#(#bounds,)*),
    };
    let where_clause = quote! {
        where
            #state,
            __RkM: #rk::Mount<#s>,
            #handler_bound
            #(#predicates,)*
    };
    let (self_ty, register_path, marker) = if route.complete {
        (
            quote!(__routekit_route),
            quote!(__routekit_register),
            route.in_group.then(|| {
                quote! {
                    #[doc(hidden)]
                    #[allow(non_camel_case_types)]
                    pub struct __routekit_route;
                }
            }),
        )
    } else {
        (handler_ty.clone(), quote!(Self::__routekit_register), None)
    };
    if route.in_group {
        items.extend(quote! {
            #allow_register
            impl<#s, __RkM, #app, #(#indices),*> #rk::Register<#s, __RkM, #app, #index_tuple> for #self_ty
            #where_clause
            {
                #[inline]
                fn register(__rk_routes: &mut #rk::Routes<#s, __RkM, #app>) {
                    #register_path::<#s, __RkM, #app, #(#indices),*>(__rk_routes);
                }
            }
        });
    }
    let def = quote! {
        #marker

        #[doc(hidden)]
        #allow_register_fn
        pub fn __routekit_register<#s, __RkM, #app, #(#indices),*>(__rk_routes: &mut #rk::Routes<#s, __RkM, #app>)
        #where_clause
        {
            static INFO: #rk::RouteInfo = #rk::RouteInfo {
                template: #template,
                paths: &[#(#paths),*],
                patterns: &[#(#patterns),*],
                affixes: &[#(#path_tables),*],
                name: #name,
                kind: #rk::RouteKind::#kind,
                file: ::core::file!(),
                line: #route_line,
                middleware: &[#(#route_labels),*],
                methods: &[#(#method_infos),*],
            };
            __rk_routes.add(#rk::RouteDef {
                info: &INFO,
                options: #options,
                build: |__rk_allow| #build,
            });
        }
    };
    Expansion {
        items,
        def,
        fields: (!route.complete).then_some(fields),
    }
}

/// What [`route`] generates: the handler and its impls (`items`), `__routekit_register`
/// (`def`), and for a function-form route the fields of its companion struct, which is
/// the handler and which `route.rs` writes beside the function.
pub struct Expansion {
    pub items: TokenStream,
    pub def: TokenStream,
    pub fields: Option<TokenStream>,
}

/// The route's `#[route]` options, `RouteOptions::NONE` when it sets none.
fn route_options(args: &RouteArgs) -> TokenStream {
    let rk = private();
    if args.body_limit.is_none() && !args.etag && args.max_duration.is_none() {
        return quote!(#rk::RouteOptions::NONE);
    }
    let some = |value: Option<TokenStream>| match value {
        Some(value) => quote!(::core::option::Option::Some(#value)),
        None => quote!(::core::option::Option::None),
    };
    let body_limit = some(args.body_limit.map(|limit| quote!(#limit)));
    let max_duration = some(args.max_duration.map(|seconds| quote!(#seconds)));
    let etag = args.etag;
    quote!(#rk::RouteOptions { body_limit: #body_limit, etag: #etag, max_duration: #max_duration })
}

/// The source line of a token, for the route table.
fn line_of(tokens: &impl Spanned) -> TokenStream {
    let span = tokens.span();
    quote_spanned!(span=> ::core::line!())
}
