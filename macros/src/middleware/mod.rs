//! `#[middleware]`: declares a provider or around middleware (optionally with `#[arg]`
//! arguments, a factory), or (with a list) attaches middleware to a route written with
//! the attributes in the other order.
//!
//! A declaration goes through the stages `#[route]` has: `model` reads the function,
//! `validate` records every mistake, `generate` writes the items.

mod generate;
mod model;
mod validate;

use proc_macro2::TokenStream;
use quote::quote;
use syn::{Item, ItemFn};

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
    let takes_list = |a: &syn::Attribute| {
        attr::is_attr(a, "route") || attr::is_attr(a, "group") || attr::is_attr(a, "server_fn")
    };
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

fn declare(mut func: ItemFn) -> TokenStream {
    let mut errors = Errors::default();
    let openapi = crate::openapi::middleware(&mut func, &mut errors); // openapi hook
    let decl = model::parse(func);
    validate::validate(&decl, &mut errors);
    if !errors.is_empty() {
        let errors = errors.into_compile_errors();
        let func = &decl.func;
        return quote!(#errors #func);
    }
    generate::declaration(&decl, openapi)
}

#[cfg(test)]
mod tests {
    use quote::quote;

    fn expand(item: proc_macro2::TokenStream) -> String {
        super::expand(proc_macro2::TokenStream::new(), item).to_string()
    }

    #[test]
    fn a_middleware_with_arguments_is_a_factory_of_a_layer() {
        let out = expand(quote! {
            /// Checks the role.
            pub async fn require_role(#[arg] role: &'static str, user: Ctx<User>) -> Result<(), ApiError> { todo!() }
        });
        assert!(
            out.contains("pub fn require_role (role : & 'static str) -> require_role"),
            "{out}"
        );
        assert!(out.contains("Layer < __RkI > for require_role"), "{out}");
        assert!(out.contains("Configured for require_role"), "{out}");
        // Listed without arguments, it names this message.
        assert!(
            out.contains("CallWithArguments < require_role , __RkS >"),
            "{out}"
        );
        assert!(!out.contains("# [arg]"), "{out}");
        // The doc comment goes on what users call.
        let factory = out.find("pub fn require_role").unwrap();
        let doc = out.find("Checks the role").unwrap();
        assert!(doc < factory, "{out}");
        // Its extractors run without the app's state.
        assert!(out.contains("from_parts :: < Ctx < User > , () >"), "{out}");
    }

    #[test]
    fn a_middleware_without_arguments_is_unchanged_by_factories() {
        let out = expand(quote! {
            async fn auth(headers: HeaderMap) -> Result<User, ApiError> { todo!() }
        });
        assert!(!out.contains("Configured"), "{out}");
        assert!(!out.contains("Layer <"), "{out}");
        assert!(out.contains("Middleware < __RkS > for auth"), "{out}");
    }

    #[test]
    fn a_declaration_with_mistakes_reports_them_all_and_generates_nothing() {
        let out = expand(quote! {
            async fn limit(State(db): State<Db>, #[arg] per_second: u32, body: Json<Value>) -> Result<(), ApiError> { todo!() }
        });
        assert_eq!(out.matches("compile_error").count(), 3, "{out}");
        assert!(!out.contains("Layer"), "{out}");
        // The function is kept, its `#[arg]` removed, so no second error follows.
        assert!(out.contains("async fn limit"), "{out}");
        assert!(!out.contains("# [arg]"), "{out}");
    }
}
