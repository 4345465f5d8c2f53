//! `#[route]`: reads a route module or function, checks it, and hands it to codegen.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{parse_quote, Item, ItemFn, ItemMod};

use crate::ast;
use crate::attr::{self, RouteArgs};
use crate::errors::Errors;
use crate::expand::{self, Route};
use crate::method;

/// Entry point of `#[route(...)]`, over `proc_macro2` so tests call it directly.
pub fn expand(attr: TokenStream, item: TokenStream) -> TokenStream {
    let mut errors = Errors::default();
    let args = match syn::parse2::<RouteArgs>(attr) {
        Ok(args) => Some(args),
        Err(error) => {
            errors.push(error);
            None
        }
    };
    let item: Item = match syn::parse2(item.clone()) {
        Ok(item) => item,
        Err(error) => {
            errors.push(error);
            let errors = errors.into_compile_errors();
            return quote!(#errors #item);
        }
    };
    match item {
        Item::Mod(module) => module_form(args, module, errors),
        Item::Fn(func) => function_form(args, func, errors),
        other => {
            errors.error(
                &other,
                "#[route] goes on a module (`#[route(\"/p\")] mod m { pub async fn GET() … }`) or a function (`#[route(GET, \"/p\")] async fn f() …`)",
            );
            let errors = errors.into_compile_errors();
            quote!(#errors #other)
        }
    }
}

/// Marks a function named after a method so `non_snake_case` never reaches the user.
fn allow_method_name(func: &mut ItemFn) {
    func.attrs.push(parse_quote!(#[allow(non_snake_case)]));
}

fn module_form(args: Option<RouteArgs>, mut module: ItemMod, mut errors: Errors) -> TokenStream {
    let route_middleware = attr::take_middleware(&mut module.attrs, &mut errors);
    if let Some((_, ident)) = args.as_ref().and_then(|a| a.method.as_ref()) {
        errors.error(
            ident,
            "a route module names its methods by its functions: write `#[route(\"/path\")]` and `pub async fn GET(…)` inside",
        );
    }
    let Some((_, content)) = module.content.as_mut() else {
        errors.error(
            &module,
            "#[route] needs the module's body inline: `#[route(\"/p\")] mod m { … }`",
        );
        let errors = errors.into_compile_errors();
        return quote!(#errors #module);
    };

    let mut handlers: Vec<ast::Handler> = Vec::new();
    for item in content.iter_mut() {
        let Item::Fn(func) = item else { continue };
        let name = func.sig.ident.to_string();
        let middleware = attr::take_middleware(&mut func.attrs, &mut errors);
        let openapi = crate::openapi::take(func, &mut errors); // openapi hook
        match method::from_name(&name) {
            Some(m) => {
                allow_method_name(func);
                if let Some(previous) = handlers.iter().find(|h| h.method == m) {
                    errors.error(
                        &func.sig.ident,
                        format!("{m} is defined twice in this route (`{}` and `{name}`): keep one", previous.ident),
                    );
                    continue;
                }
                if let Some(args) = &args {
                    let mut handler = ast::handler(func, m, &args.template, &args.template_lit.value(), &mut errors);
                    handler.middleware = middleware;
                    handler.openapi = openapi; // openapi hook
                    handlers.push(handler);
                }
            }
            None if method::looks_like_method(&name) => {
                allow_method_name(func);
                errors.error(
                    &func.sig.ident,
                    format!(
                        "`{name}` is not an HTTP method: did you mean `{}`? Handlers are named {}",
                        method::nearest(&name),
                        method::METHODS.join(", ")
                    ),
                );
            }
            None if !middleware.is_empty() => errors.error(
                &func.sig.ident,
                format!("`{name}` is not a handler, so it cannot take `#[middleware(…)]`: name it after an HTTP method"),
            ),
            None => {}
        }
    }
    if handlers.is_empty() && errors.is_empty() {
        errors.error(
            &module.ident,
            format!("route module `{}` defines no handler: add `pub async fn GET(…)` (or POST, PUT, PATCH, DELETE, HEAD, OPTIONS)", module.ident),
        );
    }

    let Some(args) = args.filter(|_| errors.is_empty()) else {
        let errors = errors.into_compile_errors();
        return quote!(#errors #module);
    };
    let route = Route {
        args: &args,
        name: module.ident.to_string(),
        route_middleware: &route_middleware,
        handlers: &handlers,
        complete: true,
    };
    let (items, def) = expand::route(&route, &format!("{}::", module.ident));
    content.push(Item::Verbatim(items));
    content.push(Item::Verbatim(def));
    quote!(#module)
}

fn function_form(args: Option<RouteArgs>, mut func: ItemFn, mut errors: Errors) -> TokenStream {
    let middleware = attr::take_middleware(&mut func.attrs, &mut errors);
    let openapi = crate::openapi::take(&mut func, &mut errors); // openapi hook
    let name = func.sig.ident.to_string();
    let named_method = method::from_name(&name);
    if named_method.is_some() {
        allow_method_name(&mut func);
    }
    let method = match args.as_ref().and_then(|a| a.method.as_ref()) {
        Some((m, _)) => Some(*m),
        None => {
            if named_method.is_none() && args.is_some() {
                errors.error(
                    &func.sig.ident,
                    format!("which method does `{name}` answer? Write `#[route(GET, \"…\")]`, or name the function after a method"),
                );
            }
            named_method
        }
    };
    let (Some(args), Some(method)) = (args, method) else {
        let errors = errors.into_compile_errors();
        return quote!(#errors #func);
    };
    let mut handler = ast::handler(
        &func,
        method,
        &args.template,
        &args.template_lit.value(),
        &mut errors,
    );
    handler.openapi = openapi; // openapi hook
    if !errors.is_empty() {
        let errors = errors.into_compile_errors();
        return quote!(#errors #func);
    }
    let handlers = [handler];
    // A function-form route's list wraps its automatic answers too, as a module's
    // route-level list does.
    let route = Route {
        args: &args,
        name: name.clone(),
        route_middleware: &middleware,
        handlers: &handlers,
        complete: false,
    };
    let (items, def) = expand::route(&route, "");
    let vis = &func.vis;
    let ident = &func.sig.ident;
    let companion = format_ident!("{}", ident);
    quote! {
        #func

        #[allow(non_camel_case_types, dead_code)]
        #[doc(hidden)]
        #vis struct #companion {}

        const _: () = {
            #items
            impl #companion {
                #def
            }
        };
    }
}
