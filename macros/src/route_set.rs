//! `routes![a, b::c]`: the route set as one `axum::Router<S>`, with the options
//! `trailing_slash = NotFound;` and `middleware(session, logger);` (app-wide middleware)
//! before the list, in either order.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::parse::ParseStream;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Ident, Path, Token};

use crate::attr::{self, MiddlewareItem};
use crate::listed::Listed;

/// What comes before the list.
#[derive(Default)]
struct Options {
    trailing_slash: Option<Ident>,
    /// `middleware(…);`: the keyword (for spans) and the list.
    middleware: Option<(Ident, Vec<MiddlewareItem>)>,
}

const SYNTAX: &str = "routes! takes options ending in `;`, then route paths: `routes![trailing_slash = NotFound; middleware(session, logger); post, hello, api::users]`";

/// Whether the input starts with an option: `name =` or `middleware(…)`.
fn at_option(input: ParseStream) -> bool {
    if input.peek(Ident) && input.peek2(Token![=]) && !input.peek2(Token![==]) {
        return true;
    }
    let fork = input.fork();
    match fork.parse::<Ident>() {
        Ok(ident) if ident == "middleware" => fork.peek(syn::token::Paren),
        _ => false,
    }
}

fn parse(input: ParseStream) -> syn::Result<(Options, Punctuated<Path, Token![,]>)> {
    let mut options = Options::default();
    while at_option(input) {
        let key: Ident = input.parse()?;
        if key == "middleware" {
            let content;
            syn::parenthesized!(content in input);
            let tokens: TokenStream = content.parse()?;
            if options.middleware.is_some() {
                return Err(syn::Error::new(
                    key.span(),
                    "app-wide middleware is given once: put every item in one `middleware(…);`",
                ));
            }
            let items = attr::parse_middleware_list(tokens)?;
            if items.is_empty() {
                return Err(syn::Error::new(
                    key.span(),
                    "`middleware()` lists no middleware: name them, `middleware(session, logger);`, or remove it",
                ));
            }
            options.middleware = Some((key.clone(), items));
        } else if key == "trailing_slash" {
            input.parse::<Token![=]>()?;
            let value: Ident = input.parse()?;
            if value != "Redirect" && value != "NotFound" {
                return Err(syn::Error::new(
                    value.span(),
                    "`trailing_slash` is `Redirect` (308 to the slash-less path, the default) or `NotFound`",
                ));
            }
            if options.trailing_slash.is_some() {
                return Err(syn::Error::new(
                    key.span(),
                    "`trailing_slash` is given twice: keep one",
                ));
            }
            options.trailing_slash = Some(value);
        } else {
            return Err(syn::Error::new(
                key.span(),
                format!("unknown routes! option `{key}`: the options are `trailing_slash = Redirect` (the default) or `trailing_slash = NotFound`, and `middleware(…)` (app-wide middleware), each followed by `;`"),
            ));
        }
        if !input.peek(Token![;]) {
            return Err(input.error(format!(
                "expected `;` after the `{key}` option, before the route paths"
            )));
        }
        input.parse::<Token![;]>()?;
    }
    let paths = Punctuated::<Path, Token![,]>::parse_terminated(input)
        .map_err(|error| syn::Error::new(error.span(), SYNTAX))?;
    Ok((options, paths))
}

/// The routes listed once each, and an error at every later mention of one: axum would
/// refuse the second at start-up, and the list is where the mistake is. The rest of the
/// list still expands, so the mistake is the only error.
fn once_each(paths: Punctuated<Path, Token![,]>) -> (Vec<Path>, TokenStream) {
    let text = |path: &Path| quote!(#path).to_string().replace(' ', "");
    let mut kept: Vec<Path> = Vec::new();
    let mut errors = TokenStream::new();
    for path in paths {
        let name = text(&path);
        if kept.iter().any(|earlier| text(earlier) == name) {
            let error = syn::Error::new_spanned(
                &path,
                format!("`{name}` is listed twice in `routes![…]`: remove this one"),
            );
            errors.extend(error.to_compile_error());
        } else {
            kept.push(path);
        }
    }
    (kept, errors)
}

pub fn expand(input: TokenStream) -> TokenStream {
    let (options, paths) = match syn::parse::Parser::parse2(parse, input) {
        Ok(parsed) => parsed,
        Err(error) => return error.to_compile_error(),
    };
    let (paths, repeated) = once_each(paths);
    let rk = crate::runtime();
    let policy = options.trailing_slash.map(|value| {
        let rk = crate::runtime();
        quote_spanned!(value.span()=> __routekit_set.trailing_slash(#rk::TrailingSlash::#value);)
    });
    // Statements rather than a `.route(…)` chain, so 10,000 routes stay a flat block. Each
    // is spanned at its path: a route's failed `Ctx` check is reported there.
    let adds = paths
        .iter()
        .map(|path| quote_spanned!(path.span()=> #path::__routekit_register(&mut __routekit_set);));
    match options.middleware {
        None => quote_spanned! {Span::call_site()=>
            {
                #repeated
                let mut __routekit_set = #rk::Routes::<_, #rk::Direct, ()>::new();
                #policy
                #(#adds)*
                __routekit_set.build()
            }
        },
        Some((keyword, items)) => {
            let app = app_chain(&items);
            let AppChain {
                items: app_items,
                builds,
                provides,
            } = app;
            let labels: Vec<String> = items.iter().map(MiddlewareItem::label).collect();
            let set = quote_spanned!(keyword.span()=> #rk::Routes::<_, #rk::ViaApp, __routekit_provides>::new());
            quote_spanned! {Span::call_site()=>
                {
                    #repeated
                    #app_items
                    #[allow(non_camel_case_types)]
                    type __routekit_provides = #provides;
                    let mut __routekit_set = #set;
                    let __routekit_layers = ::std::vec![#(#builds),*];
                    #policy
                    #(#adds)*
                    __routekit_set.with_app::<__routekit_app>(__routekit_layers, &[#(#labels),*])
                }
            }
        }
    }
}

/// The generated app-wide chain: its items (the `AppChain` impl, one resume function per
/// layer, the ordering checks), the layer builds (expressions of the user's scope, so a
/// layer may use local variables) and the list of what it provides.
struct AppChain {
    items: TokenStream,
    builds: Vec<TokenStream>,
    provides: TokenStream,
}

fn app_chain(items: &[MiddlewareItem]) -> AppChain {
    let rk = crate::runtime();
    let s = format_ident!("__RkS");
    let state = quote!(#s: #rk::StateBound);
    // Every list item is named through its alias (`listed.rs`).
    let listed = Listed::new(items);
    let aliases = listed.items();
    let bounds = crate::chain::middleware_bounds(&items.iter().collect::<Vec<_>>(), &listed);

    let mut resumes = TokenStream::new();
    let mut builds = Vec::new();
    let mut code = quote!(#rk::enter(__rk_inner, __rk_parts, __rk_body, __rk_state));
    let layer_count = items
        .iter()
        .filter(|item| matches!(item, MiddlewareItem::Layer(_)))
        .count();
    let mut layer_index = layer_count;
    for item in items.iter().rev() {
        code = match item {
            MiddlewareItem::Named(path) => crate::chain::call_named(&listed.ty(path), &code),
            MiddlewareItem::Layer(expr) => {
                layer_index -= 1;
                let index = layer_index;
                let resume = format_ident!("__routekit_app_resume_{}", index);
                let with = format_ident!("__rk_inner");
                let with_ty = quote!(#rk::Inner);
                resumes.extend(crate::chain::resume_fn(
                    &resume, &with, &with_ty, &bounds, &code,
                ));
                builds.push(quote_spanned! {expr.span()=>
                    __routekit_set.app_layer(#expr, #resume)
                });
                crate::chain::through_layer(index, &with)
            }
        };
    }
    builds.reverse();

    // A middleware of the list that takes `Ctx<T>` needs a provider of `T` before it.
    let mut checks = Vec::new();
    let mut before = quote!(());
    let mut provides_rev = Vec::new();
    for item in items {
        if let MiddlewareItem::Named(path) = item {
            let rk_at = crate::runtime_at(path.span());
            let ty = listed.ty(path);
            checks.push(quote_spanned! {path.span()=>
                #rk_at::require_all::<<#ty as #rk_at::MiddlewareInfo>::Requires, #before, _>();
            });
            provides_rev
                .push(quote_spanned!(path.span()=> <#ty as #rk_at::MiddlewareInfo>::Provides));
            let list = provides_rev
                .iter()
                .rev()
                .fold(quote!(()), |tail, head| quote!((#head, #tail)));
            before = list;
        }
    }
    let provides = before;

    let items = quote! {
        #aliases

        #[allow(non_camel_case_types)]
        struct __routekit_app;

        #resumes

        impl<#s> #rk::AppChain<#s> for __routekit_app
        where
            #state,
            #(#bounds,)*
        {
            #[allow(unused_mut, unused_variables, clippy::needless_return)]
            fn run(
                mut __rk_parts: #rk::http::request::Parts,
                __rk_body: #rk::axum::body::Body,
                __rk_state: #s,
                __rk_layers: #rk::Layers,
                __rk_inner: #rk::Inner,
            ) -> impl ::core::future::Future<Output = #rk::axum::response::Response> + ::core::marker::Send + 'static {
                #code
            }
        }

        #[allow(dead_code)]
        fn __routekit_app_checks() {
            #(#checks)*
        }
    };
    AppChain {
        items,
        builds,
        provides,
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    fn expand(input: proc_macro2::TokenStream) -> String {
        super::expand(input).to_string()
    }

    #[test]
    fn options_come_in_either_order() {
        for out in [
            expand(quote!(trailing_slash = NotFound; middleware(a, b); post)),
            expand(quote!(middleware(a, b); trailing_slash = NotFound; post)),
        ] {
            assert!(!out.contains("compile_error"), "{out}");
            assert!(out.contains("with_app"), "{out}");
            assert!(out.contains("TrailingSlash :: NotFound"), "{out}");
        }
        let out = expand(quote!(post, hello));
        assert!(!out.contains("with_app"), "{out}");
    }

    #[test]
    fn option_mistakes_say_what_to_write() {
        let cases = [
            (quote!(middleware(a); middleware(b); post), "given once"),
            (quote!(middleware(); post), "lists no middleware"),
            (
                quote!(middleware(a) post),
                "expected `;` after the `middleware` option",
            ),
            (
                quote!(trailing_slash = Sometimes; post),
                "`trailing_slash` is `Redirect`",
            ),
            (
                quote!(trailing_slash = NotFound; trailing_slash = NotFound; post),
                "given twice",
            ),
            (quote!(layers = 1; post), "unknown routes! option `layers`"),
            (quote!(post hello), "routes! takes options"),
        ];
        for (input, message) in cases {
            let out = expand(input);
            assert!(out.contains("compile_error"), "{out}");
            assert!(out.contains(message), "{message}: {out}");
        }
    }

    #[test]
    fn a_route_named_middleware_is_still_a_route() {
        let out = expand(quote!(middleware, hello));
        assert!(!out.contains("compile_error"), "{out}");
        assert!(out.contains("middleware :: __routekit_register"), "{out}");
    }
}
