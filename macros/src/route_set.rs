//! `routes![a, b::c]`: the route set as one `axum::Router<S>`.

use proc_macro2::TokenStream;
use quote::quote_spanned;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Ident, Path, Token};

/// `trailing_slash = NotFound;` before the list.
struct Options {
    trailing_slash: Option<Ident>,
    rest: TokenStream,
}

fn options(input: TokenStream) -> syn::Result<Options> {
    let mut tokens = input.clone().into_iter().peekable();
    let starts_with_option = matches!(
        (tokens.next(), tokens.next()),
        (Some(proc_macro2::TokenTree::Ident(_)), Some(proc_macro2::TokenTree::Punct(p))) if p.as_char() == '=' && p.spacing() == proc_macro2::Spacing::Alone
    );
    if !starts_with_option {
        return Ok(Options {
            trailing_slash: None,
            rest: input,
        });
    }
    let parser = |stream: syn::parse::ParseStream| -> syn::Result<Options> {
        let key: Ident = stream.parse()?;
        if key != "trailing_slash" {
            return Err(syn::Error::new(
                key.span(),
                format!("unknown routes! option `{key}`: the one option is `trailing_slash = Redirect` (the default) or `trailing_slash = NotFound`, followed by `;`"),
            ));
        }
        stream.parse::<Token![=]>()?;
        let value: Ident = stream.parse()?;
        if value != "Redirect" && value != "NotFound" {
            return Err(syn::Error::new(
                value.span(),
                "`trailing_slash` is `Redirect` (308 to the slash-less path, the default) or `NotFound`",
            ));
        }
        stream.parse::<Token![;]>()?;
        Ok(Options {
            trailing_slash: Some(value),
            rest: stream.parse()?,
        })
    };
    syn::parse::Parser::parse2(parser, input)
}

pub fn expand(input: TokenStream) -> TokenStream {
    let Options {
        trailing_slash,
        rest: input,
    } = match options(input) {
        Ok(options) => options,
        Err(error) => return error.to_compile_error(),
    };
    let policy = trailing_slash.map(|value| {
        let rk = crate::runtime();
        quote_spanned!(value.span()=> __routekit_set.trailing_slash(#rk::TrailingSlash::#value);)
    });
    let paths =
        match syn::parse::Parser::parse2(Punctuated::<Path, Token![,]>::parse_terminated, input) {
            Ok(paths) => paths,
            Err(error) => {
                return syn::Error::new(
                    error.span(),
                    "routes! takes route modules and functions: `routes![post, hello, api::users]`",
                )
                .to_compile_error()
            }
        };
    // Statements rather than a `.route(…)` chain, so 10,000 routes stay a flat block.
    let adds = paths
        .iter()
        .map(|path| quote_spanned!(path.span()=> __routekit_set.add(#path::__routekit_def());));
    let rk = crate::runtime();
    quote_spanned! {proc_macro2::Span::call_site()=>
        {
            let mut __routekit_set = #rk::RouteSet::new();
            #policy
            #(#adds)*
            __routekit_set.build()
        }
    }
}
