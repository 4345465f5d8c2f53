//! One handler's call: its arguments extracted from the request (path parameters, the
//! body, extractors, `Ctx` values) and its output turned into a response.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::LitStr;

use crate::ast::{Binding, Handler, Role, Slot};

use crate::affix::affix_marker;
use crate::chain::{parts_bound, private};

/// The code that extracts a handler's arguments and calls it: an expression of the
/// handler's future, made by the runtime's `invoke` from the argument types and three
/// closures (path parameters, the call, the answer). The generated code holds no `async`
/// block: the compiler checks one per place it is written, and `invoke`'s once.
pub(crate) fn endpoint(
    handler: &Handler,
    revalidate: Option<&str>,
) -> (Vec<TokenStream>, TokenStream) {
    let rk = private();
    let mut bounds = Vec::new();
    let mut param_vars = Vec::new();
    let mut param_reads = Vec::new();
    let mut slot_tys = Vec::new();
    let mut parts_vars = Vec::new();
    let mut parts_tys = Vec::new();
    let mut body = None;
    let mut call_args = Vec::new();
    for (index, arg) in handler.args.iter().enumerate() {
        let var = format_ident!("__routekit_arg{}", index);
        let ty = &arg.ty;
        match &arg.role {
            Role::Param {
                name,
                binding,
                slot,
                value_ty,
            } => {
                // The slot's type carries its parameter's name as its hash, written here as a
                // literal: a `const` call per slot was the compiler's to evaluate (`name_hash`).
                let kind = match slot {
                    Slot::Segment => quote_spanned!(ty.span()=> #rk::Seg<#value_ty>),
                    Slot::Rest => quote_spanned!(ty.span()=> #rk::Rest<#value_ty>),
                    Slot::Affixed => {
                        let affix = affix_marker(name);
                        quote_spanned!(ty.span()=> #rk::Affixed<#value_ty, #affix>)
                    }
                };
                let hash = proc_macro2::Literal::u64_suffixed(name_hash(name));
                slot_tys.push(quote_spanned!(ty.span()=> #rk::Slot<#kind, #hash>));
                let field = syn::Index::from(param_reads.len());
                let expected = quote!(#value_ty).to_string().replace(' ', "");
                let expected = LitStr::new(&expected, Span::call_site());
                let value = quote!(__routekit_params.#field);
                let path = quote!(__rk_parts.uri.path());
                let read = match (slot, binding) {
                    (Slot::Segment | Slot::Affixed, Binding::Required) => {
                        quote!(#rk::required(#value, #name, #expected))
                    }
                    (Slot::Segment | Slot::Affixed, _) => {
                        quote!(#rk::optional(#value, #name, #expected))
                    }
                    (Slot::Rest, Binding::Required) => quote! {
                        #rk::required(#value, #name, #expected)
                            .and_then(|text| #rk::rest(text, #path, #name, #expected))
                    },
                    (Slot::Rest, Binding::Optional) => quote! {
                        #rk::optional(#value, #name, #expected).and_then(|text| {
                            text.map(|text| #rk::rest(text, #path, #name, #expected)).transpose()
                        })
                    },
                    (Slot::Rest, Binding::OrEmpty) => {
                        quote!(#rk::rest_or_empty(#value, #path, #name, #expected))
                    }
                };
                param_reads.push(quote_spanned! {ty.span()=>
                    let #var: #ty = #read.map_err(#rk::respond)?;
                });
                param_vars.push(var.clone());
            }
            Role::Ctx { .. } | Role::Parts => {
                bounds.push(parts_bound(ty, &quote!(__RkS)));
                parts_vars.push(var.clone());
                parts_tys.push(ty);
            }
            Role::Body => {
                let rk_at = crate::runtime_at(ty.span());
                bounds.push(quote_spanned!(ty.span()=> #ty: #rk_at::axum::extract::FromRequest<__RkS> + ::core::marker::Send));
                body = Some((var.clone(), ty));
            }
        }
        call_args.push(var);
    }
    let params = if slot_tys.is_empty() {
        quote!(#rk::no_params)
    } else {
        quote! {
            |__rk_parts: &mut #rk::http::request::Parts| {
                let __routekit_params = #rk::path_params::<(#(#slot_tys,)*)>(__rk_parts)?;
                #(#param_reads)*
                ::core::result::Result::Ok((#(#param_vars,)*))
            }
        }
    };
    let (body_var, body_ty) = match body {
        Some((var, ty)) => (quote!(#var), quote!(#ty)),
        None => (quote!(_), quote!(#rk::NoBody)),
    };

    let ident = &handler.ident;
    let call = if handler.is_async {
        quote!(#ident(#(#call_args),*))
    } else {
        quote!(::core::future::ready(#ident(#(#call_args),*)))
    };
    let answer = respond_to(handler, &call);
    let answer = match revalidate {
        Some(value) => quote!(#rk::revalidate_to(
            #answer,
            const { #rk::http::HeaderValue::from_static(#value) },
            __routekit_credentialed,
        )),
        None => answer,
    };
    // `revalidate`: whether the request carries credentials, read before a body reader
    // takes the parts.
    let credentialed = revalidate
        .map(|_| quote!(let __routekit_credentialed = #rk::credentialed(&__rk_parts.headers);));
    let code = if handler.args.is_empty() && revalidate.is_none() {
        // Nothing to read: the request is left to be dropped where it is, as axum does.
        quote!(#rk::invoke_bare(move || #answer))
    } else {
        quote! {{
            #credentialed
            #rk::invoke(
                __rk_parts,
                __rk_body,
                __rk_state,
                #params,
                move |(#(#param_vars,)*), (#(#parts_vars,)*): (#(#parts_tys,)*), #body_var: #body_ty| #answer,
            )
        }}
    };
    (bounds, code)
}

/// A handler's future, its output turned into a response through routekit's `Returns` probe
/// (autoref: a response type takes `IsResponse`, any other `NotResponse`, which does not
/// compile), spanned at the handler's return type, so a type that is not a response is one
/// error there. A named return type is named (`Returns::<Response>::NEW`); an `impl Trait`
/// one is taken from the future.
pub(crate) fn respond_to(handler: &Handler, call: &TokenStream) -> TokenStream {
    let rk = private();
    match &handler.openapi.output {
        Some(ty) => quote_spanned! {handler.output_span=>
            (&&#rk::Returns::<#ty>::NEW).respond_to(#call)
        },
        None => quote_spanned! {handler.output_span=> {
            let __rk_future = #call;
            (&&#rk::Returns::of_future(&__rk_future)).respond_to(__rk_future)
        }},
    }
}

/// The imports [`respond_to`] calls through, once per route: anonymous, so
/// they clash with nothing in a route module.
pub(crate) fn respond_imports() -> TokenStream {
    let rk = private();
    quote! {
        #[allow(unused_imports)]
        use #rk::{IsResponse as _, NotResponse as _};
    }
}

/// `routekit::__private::name_hash` (FNV-1a, 64 bits): the hash a path parameter's slot
/// type carries, which the runtime compares with the hash of each name axum matched. The
/// two must agree; every route with a path parameter tests that they do.
pub(crate) fn name_hash(name: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in name.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

#[cfg(test)]
mod tests {
    #[test]
    fn name_hash_is_fnv_1a() {
        // The FNV-1a test vectors (offset basis for "", then "a").
        assert_eq!(super::name_hash(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(super::name_hash("a"), 0xaf63_dc4c_8601_ec8c);
    }
}
