//! One handler's call: its arguments extracted from the request (path parameters, the
//! body, extractors, `Ctx` values) and its output turned into a response.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::LitStr;

use crate::ast::{Binding, Handler, Role, Slot};

use crate::affix::affix_marker;
use crate::chain::{extract_parts, parts_bound, private};

/// The code that extracts a handler's arguments and calls it.
pub(crate) fn endpoint(
    handler: &Handler,
    revalidate: Option<&str>,
) -> (Vec<TokenStream>, TokenStream) {
    let rk = private();
    let mut bounds = Vec::new();
    let mut stmts = Vec::new();
    let mut call_args = Vec::new();

    let params: Vec<_> = handler
        .args
        .iter()
        .filter_map(|a| match &a.role {
            Role::Param {
                name,
                slot,
                value_ty,
                ..
            } => Some((name, *slot, value_ty, &a.ty)),
            _ => None,
        })
        .collect();
    if !params.is_empty() {
        let slot_tys: Vec<_> = params
            .iter()
            .map(|(name, slot, value_ty, ty)| {
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
                quote_spanned!(ty.span()=> #rk::Slot<#kind, #hash>)
            })
            .collect();
        stmts.push(quote! {
            let __routekit_params = match #rk::path_params::<(#(#slot_tys,)*)>(&mut __rk_parts) { ::core::result::Result::Ok(value) => value, ::core::result::Result::Err(error) => return #rk::respond(error) };
        });
    }

    let mut param_index = 0usize;
    let mut body_stmt = None;
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
                let field = syn::Index::from(param_index);
                param_index += 1;
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
                stmts.push(quote_spanned! {ty.span()=>
                    let #var: #ty = match #read { ::core::result::Result::Ok(value) => value, ::core::result::Result::Err(error) => return #rk::respond(error) };
                });
            }
            Role::Ctx { .. } | Role::Parts => {
                let s = quote!(__RkS);
                bounds.push(parts_bound(ty, &s));
                stmts.push(extract_parts(&var, ty, &s, &quote!(&__rk_state)));
            }
            Role::Body => {
                let rk_at = crate::runtime_at(ty.span());
                bounds.push(quote_spanned!(ty.span()=> #ty: #rk_at::axum::extract::FromRequest<__RkS> + ::core::marker::Send));
                body_stmt = Some(quote_spanned! {ty.span()=>
                    let #var = match #rk::from_request::<#ty, __RkS, _>(__rk_parts, __rk_body, &__rk_state).await { ::core::result::Result::Ok(value) => value, ::core::result::Result::Err(error) => return #rk::respond(error) };
                });
            }
        }
        call_args.push(var);
    }
    stmts.extend(body_stmt);

    let ident = &handler.ident;
    let call = if handler.is_async {
        quote!(#ident(#(#call_args),*).await)
    } else {
        quote!(#ident(#(#call_args),*))
    };
    let answer = respond(handler, &call);
    let respond = match revalidate {
        Some(value) => quote!(#rk::revalidate(
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
    let code = quote! {
        #credentialed
        #(#stmts)*
        #respond
    };
    (bounds, code)
}

/// The handler's whole call as one runtime call, `invoke_params` (path parameters only)
/// or `invoke` (and a body), when its arguments fit the runtime's tuples: up to three
/// path parameters (one segment each, required or optional), then at most one body
/// extractor, and it is an `async fn` with a named return type. `None` keeps the
/// generated block (`endpoint`), as for any `FromRequestParts` extractor
/// (`runtime/src/invoke.rs` says why). The handler's name is spanned at its return type:
/// a type that is not a response is reported there, by `HandlerFn`'s message.
pub(crate) fn invoke(handler: &Handler, template: &str) -> Option<TokenStream> {
    let rk = private();
    let output = handler.openapi.output.as_ref()?;
    if !handler.is_async || !handler.middleware.is_empty() {
        return None;
    }
    let (mut params, mut body) = (Vec::new(), Vec::new());
    let mut names = Vec::new();
    for arg in &handler.args {
        let ty = &arg.ty;
        match &arg.role {
            Role::Param {
                name,
                slot,
                value_ty,
                binding,
            } => {
                if !body.is_empty() {
                    return None;
                }
                let kind = match slot {
                    Slot::Segment => quote_spanned!(ty.span()=> #rk::Seg<#value_ty>),
                    Slot::Affixed => {
                        let affix = affix_marker(name);
                        quote_spanned!(ty.span()=> #rk::Affixed<#value_ty, #affix>)
                    }
                    Slot::Rest => return None,
                };
                let hash = proc_macro2::Literal::u64_suffixed(name_hash(name));
                params.push(match binding {
                    Binding::Required => quote_spanned!(ty.span()=> #rk::Req<#kind, #hash>),
                    Binding::Optional => quote_spanned!(ty.span()=> #rk::Opt<#kind, #hash>),
                    Binding::OrEmpty => return None,
                });
                let expected = quote!(#value_ty).to_string().replace(' ', "");
                names.push(quote!((#name, #expected)));
            }
            Role::Ctx { .. } | Role::Parts => return None,
            Role::Body => body.push(quote!(#ty)),
        }
    }
    if params.len() > 3 || body.len() > 1 {
        return None;
    }
    let mut ident = handler.ident.clone();
    ident.set_span(handler.output_span);
    let names = quote!(&[#(#names),*]);
    Some(if body.is_empty() {
        quote! {
            #rk::invoke_params::<(#(#params,)*), #output>(__rk_request, #template, #names, #ident)
        }
    } else {
        quote! {
            #rk::invoke::<__RkS, (#(#params,)*), #(#body)*, #output>(
                __rk_request, __rk_state, #template, #names, #ident,
            )
        }
    })
}

/// `call`'s value as a response, through routekit's `Returns` probe (autoref: a response
/// type takes `IsResponse`, any other `NotResponse`, which does not compile), spanned at
/// the handler's return type, so a type that is not a response is one error there.
pub(crate) fn respond(handler: &Handler, call: &TokenStream) -> TokenStream {
    let rk = private();
    match &handler.openapi.output {
        Some(ty) => quote_spanned! {handler.output_span=>
            (&&#rk::Returns::<#ty>::NEW).respond(#call)
        },
        None => quote_spanned! {handler.output_span=> {
            let __rk_out = #call;
            (&&#rk::Returns::of(&__rk_out)).respond(__rk_out)
        }},
    }
}

/// A bare handler's future, its output turned into a response as [`respond`] does. A
/// named return type is named (`Returns::<Response>::NEW`); an `impl Trait` one is taken
/// from the future.
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

/// The imports [`respond`] and [`respond_to`] call through, once per route: anonymous, so
/// they clash with nothing in a route module.
pub(crate) fn respond_imports() -> TokenStream {
    let rk = private();
    quote! {
        #[allow(unused_imports)]
        use #rk::{IsResponse as _, NotResponse as _};
    }
}

/// The runtime's `params::name_hash` (FNV-1a, 64 bits): the hash a path parameter's slot
/// type carries, which the runtime compares with the hash of each name axum matched. The
/// two must agree: both crates' tests pin `"id"` to the same value, and every route with a
/// path parameter would miss its value if they did not.
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
        // The value the runtime's test pins (`params.rs`).
        assert_eq!(super::name_hash("id"), 0x08b7_2e07_b55c_3ac0);
    }
}
