//! Typed links: the `href` function of every route (`item::href(7)` → `"/api/posts/7"`).
//!
//! Its arguments are the template's parameters in order. A parameter is typed as the route's
//! handlers take it, so a link with a wrong value, or to a route whose template changed,
//! does not compile:
//!
//! - a segment (`$id`, `post-{$id}`) the handlers take as `T`: `impl LinkSegment<T>` (a `T`
//!   or a `&T`; `&str` too for `String`);
//! - an optional segment (`{-$lang}`) taken as `Option<T>`: `impl LinkOptional<T>` (an
//!   `Option<T>`), and `Option<&str>` for `Option<String>`;
//! - a catch-all: its segments, any `IntoIterator` of `Display` values (an empty one leaves
//!   an optional catch-all out);
//! - a parameter no handler takes, or that handlers take as different types:
//!   `impl Display` (an optional segment: `Option<&str>`).
//!
//! Generic (`impl Trait`) arguments keep `href` compiling for a parameter type without
//! `Display`: only a call to it then fails, at the call.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::Type;

use crate::ast::{type_name, Handler, Role};
use crate::template::{Segment, Template};

/// The type every handler that takes parameter `name` gives it (the inner `T` of an
/// optional segment's `Option<T>`), when they agree.
fn declared<'a>(handlers: &'a [Handler], name: &str) -> Option<&'a Type> {
    let mut found: Option<&Type> = None;
    for handler in handlers {
        for arg in &handler.args {
            let Role::Param {
                name: param,
                value_ty,
                ..
            } = &arg.role
            else {
                continue;
            };
            if param != name {
                continue;
            }
            match found {
                None => found = Some(value_ty),
                Some(ty) if quote!(#ty).to_string() == quote!(#value_ty).to_string() => {}
                Some(_) => return None,
            }
        }
    }
    found
}

fn is_string(ty: &Type) -> bool {
    type_name(ty).is_some_and(|n| n == "String")
}

/// A route's `href` function and its parameters, which its typed calls take too.
pub struct Href {
    /// The function, `vis` as the route's own visibility.
    pub item: TokenStream,
    /// Its parameters, `id: impl LinkSegment<u64>`, in template order.
    pub args: Vec<TokenStream>,
    /// Their names.
    pub names: Vec<syn::Ident>,
}

/// The `href` function of a route, `vis` as the route's own visibility.
pub fn href(template: &Template, handlers: &[Handler], vis: &TokenStream) -> TokenStream {
    link(template, handlers, vis).item
}

/// [`href`] with its parameters.
pub fn link(template: &Template, handlers: &[Handler], vis: &TokenStream) -> Href {
    let rk = crate::runtime();
    let mut names = Vec::new();
    let mut args = Vec::new();
    let mut stmts = Vec::new();
    let mut literal = String::new();
    let mut capacity = 0usize;
    let flush = |literal: &mut String, stmts: &mut Vec<TokenStream>| {
        if !literal.is_empty() {
            let text = std::mem::take(literal);
            stmts.push(quote!(__rk_href.push_str(#text);));
        }
    };
    for segment in &template.segments {
        let Some(name) = segment.name() else {
            if let Segment::Static(text) = segment {
                literal.push('/');
                literal.push_str(text);
                capacity += text.len() + 1;
            }
            continue;
        };
        let ident = format_ident!("{}", name);
        names.push(ident.clone());
        let ty = declared(handlers, name);
        capacity += 8;
        match segment {
            Segment::Param(_) | Segment::Affixed { .. } => {
                let (prefix, suffix) = match segment {
                    Segment::Affixed { prefix, suffix, .. } => (prefix.as_str(), suffix.as_str()),
                    _ => ("", ""),
                };
                literal.push('/');
                literal.push_str(prefix);
                flush(&mut literal, &mut stmts);
                match ty {
                    Some(ty) => {
                        args.push(quote!(#ident: impl #rk::LinkSegment<#ty>));
                        stmts.push(
                            quote!(#rk::LinkSegment::<#ty>::write_segment(&#ident, &mut __rk_href);),
                        );
                    }
                    None => {
                        args.push(quote!(#ident: impl ::core::fmt::Display));
                        stmts.push(quote!(#rk::write_display(&mut __rk_href, &#ident);));
                    }
                }
                literal.push_str(suffix);
            }
            Segment::Optional(_) => {
                flush(&mut literal, &mut stmts);
                match ty.filter(|ty| !is_string(ty)) {
                    Some(ty) => {
                        args.push(quote!(#ident: impl #rk::LinkOptional<#ty>));
                        stmts.push(quote!(
                            #rk::LinkOptional::<#ty>::write_optional(&#ident, &mut __rk_href);
                        ));
                    }
                    None => {
                        args.push(quote!(#ident: ::core::option::Option<&str>));
                        stmts.push(quote!(#rk::write_optional_str(&mut __rk_href, #ident);));
                    }
                }
            }
            Segment::CatchAll(_) | Segment::OptionalCatchAll(_) => {
                flush(&mut literal, &mut stmts);
                args.push(quote!(
                    #ident: impl ::core::iter::IntoIterator<Item = impl ::core::fmt::Display>
                ));
                stmts.push(quote!(#rk::write_rest(&mut __rk_href, #ident);));
            }
            Segment::Static(_) => unreachable!("a static segment has no name"),
        }
    }
    // A path without parameters is its text.
    let fixed = args.is_empty().then(|| match literal.as_str() {
        "" => "/".to_owned(),
        text => text.to_owned(),
    });
    flush(&mut literal, &mut stmts);
    let doc = format!(
        "The URL path of this route, `{}`, its parameters filled in order and percent-encoded.",
        template_text(template)
    );
    let body = match fixed {
        Some(text) => quote!(::std::string::String::from(#text)),
        None => quote! {
            let mut __rk_href = ::std::string::String::with_capacity(#capacity);
            #(#stmts)*
            #rk::finish_link(__rk_href)
        },
    };
    let item = quote! {
        #[doc = #doc]
        #[must_use]
        #[allow(dead_code, clippy::too_many_arguments)]
        #vis fn href(#(#args),*) -> ::std::string::String {
            #body
        }
    };
    Href { item, args, names }
}

/// The template in axum's spelling, for the doc comment.
pub fn template_text(template: &Template) -> String {
    template
        .patterns()
        .last()
        .cloned()
        .unwrap_or_else(|| "/".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn href_of(template: &str, handler: TokenStream) -> String {
        let args: crate::attr::RouteArgs = syn::parse2(quote!(#template)).unwrap();
        let func: syn::ItemFn = syn::parse2(handler).unwrap();
        let mut errors = crate::errors::Errors::default();
        let handler = crate::ast::handler(&func, "GET", &args, &mut errors);
        assert!(errors.is_empty());
        href(&args.template, &[handler], &quote!(pub)).to_string()
    }

    #[test]
    fn parameters_are_typed_as_the_handlers_take_them() {
        let out = href_of(
            "/api/posts/$id/{-$lang}/files/$",
            quote!(
                async fn GET(id: u64, lang: Option<String>) {}
            ),
        );
        assert!(
            out.contains("id : impl :: routekit :: __private :: LinkSegment < u64 >"),
            "{out}"
        );
        assert!(
            out.contains("lang : :: core :: option :: Option < & str >"),
            "{out}"
        );
        assert!(
            out.contains("_splat : impl :: core :: iter :: IntoIterator"),
            "{out}"
        );
        assert!(out.contains("push_str (\"/api/posts/\")"), "{out}");
    }

    #[test]
    fn an_untaken_parameter_is_any_display_value() {
        let out = href_of(
            "/p/post-{$id}.json",
            quote!(
                async fn GET() {}
            ),
        );
        assert!(out.contains("id : impl :: core :: fmt :: Display"), "{out}");
        assert!(out.contains("push_str (\"/p/post-\")"), "{out}");
        assert!(out.contains("push_str (\".json\")"), "{out}");
    }
}
