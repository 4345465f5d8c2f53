//! A route's dispatch on the request's method: each handler's branch, and what answers
//! the methods no handler takes (the automatic `OPTIONS`/`405`, or the `ANY` handler).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::chain::private;

/// One handler as the dispatch runs it.
pub struct Branch {
    pub method: &'static str,
    /// A `GET` without a `HEAD` handler beside it also answers `HEAD`.
    pub also_head: bool,
    /// Its future: its statements in one `async` block, inside its own middleware.
    pub code: TokenStream,
    /// What a dispatch inside the route's chain (itself `async`) runs: the statements
    /// themselves, or, behind handler-level middleware, that future awaited.
    pub in_chain: TokenStream,
    /// A bare `async fn` without arguments: its own future, answered by `Respond`.
    pub direct: Option<TokenStream>,
    /// Its whole call as the runtime's (`invoke`), a `RouteFuture`.
    pub invoke: Option<TokenStream>,
}

impl Branch {
    /// Whether the method `actual` (an expression of type `Method`) is this branch's.
    fn test(&self, actual: TokenStream) -> TokenStream {
        let rk = private();
        let method = format_ident!("{}", self.method);
        if self.also_head {
            quote!(#actual == #rk::http::Method::GET || #actual == #rk::http::Method::HEAD)
        } else {
            quote!(#actual == #rk::http::Method::#method)
        }
    }

    /// The branch as `answer`'s statements when no route-level middleware runs first:
    /// the `RouteFuture` of its work, made only for its own method, and what goes before
    /// it. A branch whose code reads neither the parts nor the body leaves the request to
    /// be dropped here, as axum does, rather than moving it into the boxed future.
    fn unwrapped(&self, template: &str) -> (Option<TokenStream>, TokenStream) {
        let rk = private();
        if let Some(invoke) = &self.invoke {
            return (None, invoke.clone());
        }
        if let Some(direct) = &self.direct {
            return (None, quote!(#rk::RouteFuture::pending(#template, #direct)));
        }
        let code = &self.code;
        let split = mentions(code, &["__rk_parts", "__rk_body"])
            .then(|| quote!(let (mut __rk_parts, __rk_body) = __rk_request.into_parts();));
        (split, quote!(#rk::RouteFuture::pending(#template, #code)))
    }
}

/// `answer`'s body without route-level middleware: the method matched before any future
/// is made, so only the matched method's work is boxed and the automatic answers are
/// given on the spot.
pub fn unwrapped(
    branches: &[Branch],
    any: Option<&Branch>,
    template: &str,
    allow_value: &TokenStream,
    handles_options: bool,
) -> TokenStream {
    let rk = private();
    let branches = branches.iter().map(|branch| {
        let test = branch.test(quote!(*__rk_request.method()));
        let (before, work) = branch.unwrapped(template);
        quote! {
            if #test {
                #before
                return #work;
            }
        }
    });
    let tail = match any {
        Some(any) => {
            let (before, work) = any.unwrapped(template);
            quote!(#before #work)
        }
        None => quote! {
            let __rk_allow = #allow_value;
            #rk::RouteFuture::automatic(__rk_request, __rk_allow, #handles_options)
        },
    };
    quote! {
        #(#branches)*
        #tail
    }
}

/// The dispatch inside the route's chain, which the chain's last stage runs with the
/// parts: each branch's statements, else `automatic`.
pub fn in_chain(branches: &[Branch], automatic: &TokenStream) -> TokenStream {
    let branches = branches.iter().map(|branch| {
        let test = branch.test(quote!(__rk_parts.method));
        let in_chain = &branch.in_chain;
        quote!(if #test { #in_chain })
    });
    quote!(async move { #(#branches else)* { #automatic } })
}

/// Whether generated `code` names one of `idents` (the chain's locals), so that a local
/// nothing reads is not made.
pub fn mentions(code: &TokenStream, idents: &[&str]) -> bool {
    code.clone().into_iter().any(|tree| match tree {
        proc_macro2::TokenTree::Ident(ident) => idents.iter().any(|name| ident == name),
        proc_macro2::TokenTree::Group(group) => mentions(&group.stream(), idents),
        _ => false,
    })
}
