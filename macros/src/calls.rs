//! Typed calls: next to `href`, one function per handler (but `ANY`, and one the user
//! named in lower case already), named after its method
//! (`item::get(7)`, `collection::post(&new_post)`), that builds the request a client sends
//! to it, typed by what the handler declares (feature `client` of the runtime; without it
//! the functions are not there, through `if_client!`).
//!
//! - the path parameters are `href`'s, in template order, typed alike;
//! - a JSON or form body (`#[body(T)]`, `Json<T>`, `Valid<T>`, `Form<T>`) is a
//!   parameter `&impl BodyOf<T>` after them (a `T`; `Serialize` is asked where the
//!   call is built, so a body type that only derives `Deserialize` keeps compiling);
//! - a query (`Query<T>`, `ValidQuery<T>`) is typed in `Call<_, T>`, set with `.query(&q)`;
//! - the answer decodes as the first documented success with a type
//!   (`#[response(201, Post)]` → `Json<Post>`), `()` for a documented success without one
//!   (`#[response(204)]`), otherwise as the return type (`Result<Json<Post>, ApiError>`), and
//!   `Raw` for an `impl Trait` one, which names no type.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::Type;

use crate::ast::{generic_arg, type_name, Handler, Role};
use crate::links::{template_text, Href};
use crate::template::Template;

/// The typed calls of a route's handlers; `href` is how they name the route's `href`
/// (`href`, or `Self::href` on a function-form route's companion struct).
pub fn calls(
    template: &Template,
    handlers: &[Handler],
    link: &Href,
    vis: &TokenStream,
    href: &TokenStream,
) -> TokenStream {
    let rk = crate::runtime();
    let args = &link.args;
    let names = &link.names;
    let path = template_text(template);
    handlers
        .iter()
        // A handler already named in lower case (`pub async fn get`) keeps its name: it
        // has no typed call.
        .filter(|handler| {
            handler.method != "ANY" && handler.ident != handler.method.to_ascii_lowercase()
        })
        .map(|handler| {
            let method = format_ident!("{}", handler.method);
            let name = format_ident!("{}", handler.method.to_ascii_lowercase());
            let data = data(handler);
            let query = query(handler)
                .map(|ty| quote!(#ty))
                .unwrap_or_else(|| quote!(#rk::client::NoQuery));
            let (body_arg, body_call) = match body(handler) {
                Some((ty, form)) => {
                    // Not `body`: a constant of that name in scope would be a pattern here.
                    let body = format_ident!("__routekit_body");
                    (
                        quote!(#body: &impl #rk::client::BodyOf<#ty>),
                        quote!(.body::<#ty>(#body, #form)),
                    )
                }
                None => (TokenStream::new(), TokenStream::new()),
            };
            let comma = (!args.is_empty() && !body_arg.is_empty()).then(|| quote!(,));
            let doc = format!(
                "`{} {path}` as a typed request: `.send(&client).await` answers the documented \
                 success body, or a `ClientError` with the status and error body.",
                handler.method
            );
            quote! {
                #rk::if_client! {
                    #[doc = #doc]
                    #[must_use]
                    #[allow(dead_code, clippy::too_many_arguments, private_interfaces)]
                    #vis fn #name(#(#args),* #comma #body_arg) -> #rk::client::Call<#data, #query> {
                        #rk::client::Call::new(
                            #rk::http::Method::#method,
                            #href(#(#names),*),
                        ) #body_call
                    }
                }
            }
        })
        .collect()
}

/// What a successful answer decodes as.
fn data(handler: &Handler) -> TokenStream {
    let rk = crate::runtime();
    let doc = &handler.openapi;
    let success = |status: &String| status.starts_with('2');
    if let Some(ty) = doc
        .responses
        .iter()
        .find_map(|(status, ty)| ty.as_ref().filter(|_| success(status)))
    {
        return quote!(#rk::axum::Json<#ty>);
    }
    if doc.responses.iter().any(|(status, _)| success(status)) {
        return quote!(());
    }
    match &doc.output {
        Some(ty) => quote!(#ty),
        None => quote!(#rk::client::Raw),
    }
}

/// The body the handler reads, and whether it is a form.
fn body(handler: &Handler) -> Option<(Type, bool)> {
    if let Some(body) = &handler.openapi.body {
        return Some(body.clone());
    }
    handler.args.iter().find_map(|arg| {
        if !matches!(arg.role, Role::Body) {
            return None;
        }
        let ty = &arg.ty;
        match type_name(ty)?.to_string().as_str() {
            // `Valid<T>` reads JSON (or a form when the request says so): JSON is sent.
            name @ ("Json" | "Valid") => generic_arg(ty, name).map(|t| (t.clone(), false)),
            "Form" => generic_arg(ty, "Form").map(|t| (t.clone(), true)),
            _ => None,
        }
    })
}

/// The type of the handler's query string.
fn query(handler: &Handler) -> Option<&Type> {
    handler.args.iter().find_map(|arg| {
        if !matches!(arg.role, Role::Parts) {
            return None;
        }
        generic_arg(&arg.ty, "Query").or_else(|| generic_arg(&arg.ty, "ValidQuery"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn calls_of(template: &str, method: &'static str, handler: TokenStream) -> String {
        let args: crate::attr::RouteArgs = syn::parse2(quote!(#template)).unwrap();
        let mut func: syn::ItemFn = syn::parse2(handler).unwrap();
        let mut errors = crate::errors::Errors::default();
        let doc = crate::openapi::take(&mut func, &mut errors);
        let mut handler = crate::ast::handler(&func, method, &args, &mut errors);
        handler.openapi = doc;
        assert!(errors.is_empty());
        let handlers = [handler];
        let link = crate::links::link(&args.template, &handlers, &quote!(pub));
        calls(
            &args.template,
            &handlers,
            &link,
            &quote!(pub),
            &quote!(href),
        )
        .to_string()
    }

    #[test]
    fn a_declared_success_is_the_answer_and_the_body_a_parameter() {
        let out = calls_of(
            "/api/posts/$id",
            "PATCH",
            quote!(
                #[body(UpdatePost)]
                #[response(200, Post)]
                async fn PATCH(id: i64, req: Request) -> Result<Response, ApiError> {}
            ),
        );
        assert!(out.contains("pub fn patch (id : impl"), "{out}");
        assert!(out.contains(", __routekit_body : & impl :: routekit :: __private :: client :: BodyOf < UpdatePost >)"), "{out}");
        assert!(
            out.contains("Call < :: routekit :: __private :: axum :: Json < Post >"),
            "{out}"
        );
        assert!(out.contains("Method :: PATCH"), "{out}");
        assert!(
            out.contains("href (id) ,) . body :: < UpdatePost > (__routekit_body , false)"),
            "{out}"
        );
    }

    #[test]
    fn a_query_types_the_call_and_the_return_type_is_the_answer() {
        let out = calls_of(
            "/api/users",
            "GET",
            quote!(
                async fn GET(q: ValidQuery<Pagination>) -> Result<Json<Page>, ApiError> {}
            ),
        );
        assert!(out.contains("pub fn get () -> "), "{out}");
        assert!(
            out.contains("Result < Json < Page > , ApiError > , Pagination >"),
            "{out}"
        );
    }

    #[test]
    fn no_content_and_impl_trait_and_any() {
        let out = calls_of(
            "/x",
            "DELETE",
            quote!(
                #[response(204)]
                async fn DELETE() -> Response {}
            ),
        );
        assert!(out.contains("Call < () , "), "{out}");
        let out = calls_of(
            "/x",
            "GET",
            quote!(
                async fn GET() -> impl IntoResponse {}
            ),
        );
        assert!(out.contains("client :: Raw"), "{out}");
        let out = calls_of(
            "/x",
            "ANY",
            quote!(
                async fn ANY() -> Response {}
            ),
        );
        assert!(out.is_empty(), "{out}");
    }
}
