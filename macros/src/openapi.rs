//! What `#[route]` and `#[middleware]` generate for the OpenAPI document.
//!
//! The generated code is wrapped in `::routekit::__private::if_openapi!`, which expands to
//! nothing unless routekit's `openapi` feature is on, so a build without the feature
//! compiles none of it. The attributes read here (`#[body(T)]`, `#[response(201, T)]` on a
//! handler, `#[security(bearer)]` on a middleware) are always stripped.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::parse::{Parse, ParseStream};
use syn::spanned::Spanned;
use syn::{Attribute, Expr, Ident, ItemFn, Lit, LitInt, LitStr, ReturnType, Token, Type};

use crate::ast::{result_args, type_name, Handler, HandlerDoc, Role, Slot};
use crate::attr::{is_attr, MiddlewareItem};
use crate::errors::Errors;
use crate::listed::Listed;

/// The text of the `#[doc = "…"]` attributes, one line each, the leading space of
/// `/// text` removed.
fn doc_text(attrs: &[Attribute]) -> String {
    let mut lines = Vec::new();
    for attr in attrs.iter().filter(|a| is_attr(a, "doc")) {
        if let syn::Meta::NameValue(nv) = &attr.meta {
            if let Expr::Lit(syn::ExprLit {
                lit: Lit::Str(s), ..
            }) = &nv.value
            {
                let text = s.value();
                for line in text.split('\n') {
                    lines.push(line.strip_prefix(' ').unwrap_or(line).to_owned());
                }
            }
        }
    }
    lines.join("\n")
}

struct BodyArgs {
    ty: Type,
    form: bool,
}

impl Parse for BodyArgs {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let ty: Type = input.parse()?;
        let mut form = false;
        if input.parse::<Option<Token![,]>>()?.is_some() && !input.is_empty() {
            let kind: Ident = input.parse()?;
            if kind != "form" {
                return Err(syn::Error::new(
                    kind.span(),
                    "`#[body(T)]` reads JSON; `#[body(T, form)]` an urlencoded form",
                ));
            }
            form = true;
        }
        if !input.is_empty() {
            return Err(input.error("`#[body(T)]` takes the body's type, then optionally `form`"));
        }
        Ok(BodyArgs { ty, form })
    }
}

struct ResponseArgs {
    status: String,
    ty: Option<Type>,
}

impl Parse for ResponseArgs {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let status = if input.peek(LitInt) {
            let lit: LitInt = input.parse()?;
            let code: u16 = lit.base10_parse()?;
            if !(100..=599).contains(&code) {
                return Err(syn::Error::new(lit.span(), "a status is 100 to 599"));
            }
            code.to_string()
        } else {
            let ident: Ident = input.parse().map_err(|e| {
                syn::Error::new(
                    e.span(),
                    "`#[response(201, Post)]`: a status (or `default`), then the body's type",
                )
            })?;
            if ident != "default" {
                return Err(syn::Error::new(
                    ident.span(),
                    "a response's status is a number, `#[response(201, Post)]`, or `default`",
                ));
            }
            "default".to_owned()
        };
        let mut ty = None;
        if input.parse::<Option<Token![,]>>()?.is_some() && !input.is_empty() {
            ty = Some(input.parse()?);
        }
        if !input.is_empty() {
            return Err(input.error("`#[response(status, Type)]` takes a status and a type"));
        }
        Ok(ResponseArgs { status, ty })
    }
}

/// Removes `#[body]` and `#[response]` from a handler and reads its doc comment and
/// return type.
pub fn take(func: &mut ItemFn, errors: &mut Errors) -> HandlerDoc {
    let mut doc = HandlerDoc {
        docs: doc_text(&func.attrs),
        output: match &func.sig.output {
            ReturnType::Default => Some(syn::parse_quote!(())),
            ReturnType::Type(_, ty) if contains_impl(ty) => None,
            ReturnType::Type(_, ty) => Some((**ty).clone()),
        },
        ..HandlerDoc::default()
    };
    func.attrs.retain(|attr| {
        // Written by `#[server_fn]` on the route it generates: `#[__routekit_server_fn = "addTodo"]`.
        if is_attr(attr, "__routekit_server_fn") {
            if let syn::Meta::NameValue(nv) = &attr.meta {
                if let Expr::Lit(syn::ExprLit {
                    lit: Lit::Str(s), ..
                }) = &nv.value
                {
                    doc.server_fn = Some(s.value());
                }
            }
            return false;
        }
        if is_attr(attr, "body") && attr.path().segments.len() == 1 {
            match attr.parse_args::<BodyArgs>() {
                Ok(args) if doc.body.is_none() => doc.body = Some((args.ty, args.form)),
                Ok(_) => errors.error(attr, "a handler reads one body: keep one `#[body(…)]`"),
                Err(e) => errors.push(e),
            }
            return false;
        }
        if is_attr(attr, "response") && attr.path().segments.len() == 1 {
            match attr.parse_args::<ResponseArgs>() {
                Ok(args) => doc.responses.push((args.status, args.ty)),
                Err(e) => errors.push(e),
            }
            return false;
        }
        true
    });
    doc
}

fn contains_impl(ty: &Type) -> bool {
    quote!(#ty).into_iter().any(|t| t.to_string() == "impl")
}

/// The `openapi` field of a generated `MethodInfo`: the handler's describe function.
pub fn operation(handler: &Handler, chain: &[&MiddlewareItem], listed: &Listed) -> TokenStream {
    let rk = crate::runtime();
    let doc = &handler.openapi;
    let mut calls = Vec::new();
    let docs = &doc.docs;
    if !docs.is_empty() {
        calls.push(quote!(op.docs(#docs);));
    }
    if let Some(name) = &doc.server_fn {
        calls.push(quote!(op.server_fn(#name);));
    }
    for item in chain {
        if let MiddlewareItem::Named(path) = item {
            // Through the list's alias, so a name that is no `#[middleware]` is reported once.
            let alias = listed.ty(path);
            calls.push(
                quote_spanned!(path.span()=> (&&&__RkProbe::<(#alias,)>::NEW).middleware(op);),
            );
        }
    }
    for arg in &handler.args {
        let ty = &arg.ty;
        match &arg.role {
            Role::Param {
                name,
                slot: Slot::Rest,
                ..
            } => calls.push(quote!(op.rest_param(#name);)),
            Role::Param {
                name,
                slot: Slot::Segment | Slot::Affixed,
                value_ty,
                ..
            } => calls.push(quote!((&&&__RkProbe::<#value_ty>::NEW).param(op, #name);)),
            Role::Body | Role::Parts => calls.push(quote!((&&&__RkProbe::<#ty>::NEW).arg(op);)),
            Role::Ctx { .. } => {}
        }
    }
    if let Some((ty, form)) = &doc.body {
        let wrapper = if *form {
            quote!(InCodeForm)
        } else {
            quote!(InCode)
        };
        calls.push(quote_spanned!(ty.span()=>
            (&&&__RkProbe::<#rk::openapi::__gen::#wrapper<#ty>>::NEW).arg(op);
        ));
    }
    for (status, ty) in &doc.responses {
        match ty {
            Some(ty) => calls.push(
                quote_spanned!(ty.span()=> (&&&__RkProbe::<#ty>::NEW).response(op, #status);),
            ),
            None => calls.push(quote!(op.declared(); op.response(#status, None, None);)),
        }
    }
    match &doc.output {
        Some(ty) => calls.push(quote!((&&&__RkProbe::<#ty>::NEW).ret(op);)),
        None => calls.push(quote!(op.untyped();)),
    }
    quote! {
        #rk::if_openapi!({
            #rk::openapi::Hook(|op: &mut #rk::openapi::Operation<'_>| {
                #[allow(unused_imports)]
                use #rk::openapi::__gen::prelude::*;
                op.module(::core::module_path!());
                #(#calls)*
            })
        } else { () })
    }
}

/// `#[security(…)]` on a middleware declaration.
struct SecurityArgs(TokenStream);

impl Parse for SecurityArgs {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let rk = crate::runtime();
        let scheme = quote!(#rk::openapi::Scheme);
        let key: Ident = input.parse()?;
        let tokens = match key.to_string().as_str() {
            "bearer" => {
                let mut format = quote!(::core::option::Option::None);
                if input.parse::<Option<Token![,]>>()?.is_some() && !input.is_empty() {
                    let name: Ident = input.parse()?;
                    if name != "format" {
                        return Err(syn::Error::new(
                            name.span(),
                            "`#[security(bearer, format = \"JWT\")]`",
                        ));
                    }
                    input.parse::<Token![=]>()?;
                    let value: LitStr = input.parse()?;
                    format = quote!(::core::option::Option::Some(#value));
                }
                quote!(#scheme::Bearer { format: #format })
            }
            "basic" => quote!(#scheme::Basic),
            "header" | "cookie" | "query" => {
                input.parse::<Token![=]>()?;
                let name: LitStr = input.parse()?;
                let location = key.to_string();
                quote!(#scheme::ApiKey { location: #location, name: #name })
            }
            _ => {
                return Err(syn::Error::new(
                    key.span(),
                    "unknown security scheme: write `#[security(bearer)]`, `#[security(basic)]`, `#[security(header = \"x-api-key\")]`, `#[security(cookie = \"session\")]` or `#[security(query = \"api_key\")]`",
                ))
            }
        };
        if !input.is_empty() {
            return Err(input.error("one scheme per `#[security(…)]`"));
        }
        Ok(SecurityArgs(tokens))
    }
}

/// For a `#[middleware]` declaration: strips `#[security(…)]` and implements the
/// document's `Middleware` trait on the middleware's struct: its scheme, and the answers a
/// provider gives instead of the handler (its `Result`'s error type).
pub fn middleware(func: &mut ItemFn, errors: &mut Errors) -> TokenStream {
    let rk = crate::runtime();
    let mut scheme = quote!(::core::option::Option::None);
    let mut seen = false;
    func.attrs.retain(|attr| {
        if !(is_attr(attr, "security") && attr.path().segments.len() == 1) {
            return true;
        }
        match attr.parse_args::<SecurityArgs>() {
            Ok(_) if seen => errors.error(
                attr,
                "a middleware enforces one scheme: keep one `#[security(…)]`",
            ),
            Ok(SecurityArgs(tokens)) => {
                seen = true;
                scheme = quote!(::core::option::Option::Some(#tokens));
            }
            Err(e) => errors.push(e),
        }
        false
    });
    let ident = &func.sig.ident;
    let name = ident.to_string();
    let is_around = func.sig.inputs.iter().any(|input| match input {
        syn::FnArg::Typed(t) => type_name(&t.ty).is_some_and(|n| n == "Next"),
        syn::FnArg::Receiver(_) => false,
    });
    let describe = match &func.sig.output {
        ReturnType::Type(_, ty) if !is_around => result_args(ty)
            .map(|(_, err)| err)
            .map(|err| quote!((&&&__RkProbe::<#err>::NEW).ret(op);))
            .unwrap_or_default(),
        _ => TokenStream::new(),
    };
    quote! {
        #rk::if_openapi! {
            impl #rk::openapi::__gen::Middleware for #ident {
                const NAME: &'static str = #name;
                const SCHEME: ::core::option::Option<#rk::openapi::Scheme> = #scheme;
                #[allow(unused_variables)]
                fn describe(op: &mut #rk::openapi::Operation<'_>) {
                    #[allow(unused_imports)]
                    use #rk::openapi::__gen::prelude::*;
                    #describe
                }
            }
        }
    }
}
