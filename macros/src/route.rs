//! `#[route]`: reads a route module or function, checks it, and hands it to codegen.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{parse_quote, Item, ItemFn, ItemMod};

use crate::ast;
use crate::attr::{self, RouteArgs};
use crate::calls;
use crate::errors::Errors;
use crate::expand::{self, Route};
use crate::links;
use crate::method;

/// Entry point of `#[route(...)]`, over `proc_macro2` so tests call it directly.
pub fn expand(attr: TokenStream, item: TokenStream) -> TokenStream {
    let mut errors = Errors::default();
    let args = match syn::parse2::<RouteArgs>(attr) {
        Ok(mut args) => {
            if let Some(error) = args.deferred.take() {
                errors.push(error);
            }
            Some(args)
        }
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

/// What a route that failed to expand still gives `routes![…]` (and a `#[group]`), so the
/// one mistake is reported once, where it is, and not again as "no `__routekit_route` in
/// `posts`" (as thiserror's fallback expansion does for a failed derive). `self_ty` is the
/// type registered: a module's `__routekit_route`, a function's companion.
fn stub_register(self_ty: &TokenStream) -> TokenStream {
    let rk = crate::runtime();
    quote! {
        impl<__RkS, __RkM: #rk::Mount<__RkS>, __RkA> #rk::Register<__RkS, __RkM, __RkA, ()> for #self_ty {
            fn register(_: &mut #rk::Routes<__RkS, __RkM, __RkA>) {
                ::core::unreachable!("this route did not compile")
            }
        }
    }
}

/// The `__routekit_register` of a route that failed to expand.
fn stub_register_fn() -> TokenStream {
    let rk = crate::runtime();
    quote! {
        #[doc(hidden)]
        #[allow(dead_code)]
        pub fn __routekit_register<__RkS, __RkM: #rk::Mount<__RkS>, __RkA>(_: &mut #rk::Routes<__RkS, __RkM, __RkA>) {
            ::core::unreachable!("this route did not compile")
        }
    }
}

/// The `href` of a route that failed to expand, when its template is sound: each parameter
/// an `impl Display`, so a link elsewhere is not a second error (a wrong "import `href`"
/// suggestion) for the one mistake.
fn stub_href(args: Option<&RouteArgs>, vis: &TokenStream) -> Option<TokenStream> {
    let args = args.filter(|args| args.template_ok)?;
    Some(links::href(&args.template, &[], vis))
}

/// The items of a route module that failed to expand.
fn stub_module(args: Option<&RouteArgs>) -> TokenStream {
    let register = stub_register(&quote!(__routekit_route));
    let register_fn = stub_register_fn();
    let href = stub_href(args, &quote!(pub));
    quote! {
        #[doc(hidden)]
        #[allow(non_camel_case_types)]
        pub struct __routekit_route;
        #register
        #register_fn
        #href
    }
}

/// The function-form companion of a route that failed to expand.
fn stub_companion(func: &ItemFn, args: Option<&RouteArgs>) -> TokenStream {
    let vis = &func.vis;
    let ident = &func.sig.ident;
    let register = stub_register(&quote!(#ident));
    let register_fn = stub_register_fn();
    let href = stub_href(args, &quote!(#vis));
    quote! {
        #[allow(non_camel_case_types, dead_code)]
        #[doc(hidden)]
        #vis struct #ident {}

        impl #ident {
            #register_fn
            #href
        }

        #register
    }
}

/// Marks a function named after a method so `non_snake_case` never reaches the user.
fn allow_method_name(func: &mut ItemFn) {
    func.attrs.push(parse_quote!(#[allow(non_snake_case)]));
}

fn module_form(args: Option<RouteArgs>, mut module: ItemMod, mut errors: Errors) -> TokenStream {
    let in_group = attr::take_in_group(&mut module.attrs);
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
                                                               // TanStack's `ANY`: every method the module does not name.
        let any = (name == "ANY" || name == "any").then_some("ANY");
        match method::from_name(&name).or(any) {
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
                    let mut handler = ast::handler(func, m, args, &mut errors);
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

    let args = match args {
        Some(args) if errors.is_empty() => args,
        args => {
            let errors = errors.into_compile_errors();
            content.push(Item::Verbatim(stub_module(args.as_ref())));
            return quote!(#errors #module);
        }
    };
    let route = Route {
        args: &args,
        name: module.ident.to_string(),
        route_middleware: &route_middleware,
        handlers: &handlers,
        complete: true,
        in_group,
    };
    let expand::Expansion { items, def, .. } =
        expand::route(&route, &format!("{}::", module.ident));
    let link = links::link(&args.template, &handlers, &quote!(pub));
    let calls = calls::calls(
        &args.template,
        &handlers,
        &link,
        &quote!(pub),
        &quote!(href),
    );
    content.push(Item::Verbatim(items));
    content.push(Item::Verbatim(def));
    content.push(Item::Verbatim(link.item));
    content.push(Item::Verbatim(calls));
    quote!(#module)
}

fn function_form(args: Option<RouteArgs>, mut func: ItemFn, mut errors: Errors) -> TokenStream {
    let in_group = attr::take_in_group(&mut func.attrs);
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
            if named_method.is_none() && args.as_ref().is_some_and(|a| !a.method_written) {
                errors.error(
                    &func.sig.ident,
                    format!("which method does `{name}` answer? Write `#[route(GET, \"…\")]`, or name the function after a method"),
                );
            }
            named_method
        }
    };
    let (args, method) = match (args, method) {
        (Some(args), Some(method)) => (args, method),
        (args, _) => {
            let errors = errors.into_compile_errors();
            let companion = stub_companion(&func, args.as_ref());
            return quote!(#errors #func #companion);
        }
    };
    let mut handler = ast::handler(&func, method, &args, &mut errors);
    handler.openapi = openapi; // openapi hook
    if !errors.is_empty() {
        let errors = errors.into_compile_errors();
        let companion = stub_companion(&func, Some(&args));
        return quote!(#errors #func #companion);
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
        in_group,
    };
    let expand::Expansion { items, def, fields } = expand::route(&route, "");
    let vis = &func.vis;
    let link = links::link(&args.template, &handlers, &quote!(#vis));
    let calls = calls::calls(
        &args.template,
        &handlers,
        &link,
        &quote!(#vis),
        &quote!(Self::href),
    );
    let href = link.item;
    let ident = &func.sig.ident;
    let companion = format_ident!("{}", ident);
    quote! {
        #func

        #[allow(non_camel_case_types, dead_code)]
        #[doc(hidden)]
        #[derive(Clone)]
        #vis struct #companion #fields

        #[allow(
            non_camel_case_types, non_snake_case, dead_code, private_bounds, private_interfaces,
            unused_mut, unused_variables, clippy::let_unit_value, clippy::needless_return,
            clippy::result_large_err
        )]
        const _: () = {
            #items
            impl #companion {
                #def

                #href

                #calls
            }
        };
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    /// The messages of every `compile_error!` in an expansion.
    fn errors(tokens: proc_macro2::TokenStream) -> Vec<String> {
        let text = tokens.to_string();
        text.split("compile_error !")
            .skip(1)
            .map(|rest| rest.split(')').next().unwrap_or_default().to_owned())
            .collect()
    }

    #[test]
    fn a_failed_route_module_still_defines_what_routes_calls() {
        let out = super::expand(
            quote!("/api/posts/$id/post-$slug"),
            quote! {
                mod post {
                    pub async fn GET(id: u64) -> Response { todo!() }
                }
            },
        );
        let errors = errors(out.clone());
        assert_eq!(errors.len(), 1, "{errors:#?}");
        assert!(errors[0].contains("post-$slug"), "{errors:#?}");
        // `routes![post]` finds `__routekit_register` and adds no second error.
        assert!(out.to_string().contains("fn __routekit_register"));
    }

    #[test]
    fn a_template_error_and_an_argument_error_are_reported_in_one_build() {
        let out = super::expand(
            quote!("/api/posts/$id/post-$slug", revalidate = "soon"),
            quote! {
                mod post {
                    pub async fn GET(id: u64, req: Request, body: String) -> Response { todo!() }
                }
            },
        );
        let errors = errors(out);
        assert_eq!(errors.len(), 3, "{errors:#?}");
        assert!(
            errors.iter().any(|e| e.contains("post-$slug")),
            "{errors:#?}"
        );
        assert!(
            errors.iter().any(|e| e.contains("whole number of seconds")),
            "{errors:#?}"
        );
        assert!(
            errors
                .iter()
                .any(|e| e.contains("only one argument may read")),
            "{errors:#?}"
        );
        // `id` is not blamed: the broken template may have meant it.
        assert!(
            !errors.iter().any(|e| e.contains("not a parameter")),
            "{errors:#?}"
        );
    }

    #[test]
    fn several_argument_errors_of_one_route_are_reported_together() {
        let out = super::expand(
            quote!("/api/posts/$id"),
            quote! {
                mod post {
                    pub async fn GET(id: u64, count: u32, req: Request, body: String) -> Response { todo!() }
                    pub async fn GTE() -> Response { todo!() }
                }
            },
        );
        let errors = errors(out);
        assert_eq!(errors.len(), 3, "{errors:#?}");
        assert!(
            errors
                .iter()
                .any(|e| e.contains("`count` is not a parameter")),
            "{errors:#?}"
        );
        assert!(
            errors
                .iter()
                .any(|e| e.contains("only one argument may read")),
            "{errors:#?}"
        );
        assert!(
            errors.iter().any(|e| e.contains("did you mean `GET`")),
            "{errors:#?}"
        );
    }

    #[test]
    fn a_failed_function_route_still_has_its_companion() {
        let out = super::expand(
            quote!(GTE, "/api/hello"),
            quote! { async fn hello() -> Response { todo!() } },
        );
        assert_eq!(errors(out.clone()).len(), 1);
        let text = out.to_string();
        assert!(text.contains("struct hello"), "{text}");
        assert!(text.contains("fn __routekit_register"), "{text}");
    }
}
