//! `routes![a, b::c]`: the route set as one `axum::Router<S>`.

use proc_macro2::TokenStream;
use quote::quote_spanned;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Path, Token};

pub fn expand(input: TokenStream) -> TokenStream {
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
    quote_spanned! {proc_macro2::Span::call_site()=>
        {
            let mut __routekit_set = ::routekit::__private::RouteSet::new();
            #(#adds)*
            __routekit_set.build()
        }
    }
}
