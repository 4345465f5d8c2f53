//! The model of a route the macros work on: handlers and what each argument is.

use syn::{FnArg, GenericArgument, Ident, ItemFn, Pat, PathArguments, Type};

use crate::attr::MiddlewareItem;
use crate::errors::Errors;
use crate::template::{Segment, Template};

/// One method of a route: the user's function and what its arguments are.
pub struct Handler {
    pub method: &'static str,
    pub ident: Ident,
    pub is_async: bool,
    /// Where a return type that is not a response is reported: the type, or the name.
    pub output_span: proc_macro2::Span,
    pub args: Vec<Arg>,
    pub middleware: Vec<MiddlewareItem>,
    /// openapi hook: doc comment, `#[body]`, `#[response]` and return type.
    pub openapi: HandlerDoc,
}

pub struct Arg {
    pub ty: Type,
    pub role: Role,
}

/// How a handler argument is filled.
pub enum Role {
    /// A path parameter, matched by the argument's name.
    Param {
        name: String,
        slot: Slot,
        value_ty: Type,
        binding: Binding,
    },
    /// `Ctx<T>`: a context value, checked at compile time against the route's providers.
    Ctx { inner: Type },
    /// Any other `FromRequestParts` extractor.
    Parts,
    /// The one extractor that reads the body; it runs last whatever its position.
    Body,
}

/// Which parser a parameter slot uses.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// One segment, `FromStr`.
    Segment,
    /// The part of one segment between its prefix and suffix text (`post-{$id}`), `FromStr`.
    Affixed,
    /// The rest of the path, `FromCatchAll`.
    Rest,
}

/// What an absent parameter means.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Binding {
    Required,
    /// `Option<T>`: `None` when absent.
    Optional,
    /// An optional catch-all taken without `Option`: empty when absent.
    OrEmpty,
}

/// Types whose extractors read the request body; axum needs them last, routekit moves them.
/// The one list: handlers and middleware declarations both ask [`reads_body`].
const BODY_TYPES: &[&str] = &[
    "Request",
    "Json",
    "Form",
    "Bytes",
    "String",
    "Multipart",
    "Body",
    "RawForm",
    "Valid",
];

/// Whether `ty` is an extractor that reads the request body.
pub fn reads_body(ty: &Type) -> bool {
    type_name(ty).is_some_and(|n| BODY_TYPES.iter().any(|b| n == b))
}

/// Types that cannot be extractors: an argument of one of these, named like no parameter, is
/// a misspelt parameter.
const VALUE_TYPES: &[&str] = &[
    "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64", "i128", "isize", "f32",
    "f64", "bool", "char", "Uuid",
];

/// A type that is a plain value and never an extractor: `u64`, `Option<u64>`, `Vec<String>`.
fn is_value_type(ty: &Type) -> bool {
    if let Some(inner) = generic_arg(ty, "Option").or_else(|| generic_arg(ty, "Vec")) {
        return is_value_type(inner) || type_name(inner).is_some_and(|n| n == "String");
    }
    type_name(ty).is_some_and(|n| VALUE_TYPES.iter().any(|v| n == v))
}

/// The last path segment's name of a type, `Json` for `axum::Json<T>`.
pub fn type_name(ty: &Type) -> Option<&Ident> {
    match ty {
        Type::Path(p) if p.qself.is_none() => p.path.segments.last().map(|s| &s.ident),
        Type::Paren(p) => type_name(&p.elem),
        Type::Group(g) => type_name(&g.elem),
        _ => None,
    }
}

/// `T` of `Wrapper<T>` when the type is named `wrapper`.
pub fn generic_arg<'a>(ty: &'a Type, wrapper: &str) -> Option<&'a Type> {
    let Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident != wrapper {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        GenericArgument::Type(t) if args.args.len() == 1 => Some(t),
        _ => None,
    }
}

/// `(T, E)` of a `Result<T, E>` return type.
pub fn result_args(ty: &Type) -> Option<(&Type, &Type)> {
    let Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident != "Result" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    let mut types = args.args.iter().filter_map(|a| match a {
        syn::GenericArgument::Type(t) => Some(t),
        _ => None,
    });
    match (types.next(), types.next()) {
        (Some(ok), Some(err)) => Some((ok, err)),
        _ => None,
    }
}

/// Reads a handler function's signature against its route's template.
pub fn handler(
    func: &ItemFn,
    method: &'static str,
    args: &crate::attr::RouteArgs,
    errors: &mut Errors,
) -> Handler {
    let template: &Template = &args.template;
    let template_text = &args.template_lit.value();
    let sig = &func.sig;
    if !sig.generics.params.is_empty() {
        errors.error(
            &sig.generics,
            "a route handler cannot be generic: name concrete types",
        );
    }
    if sig.constness.is_some() {
        errors.error(sig.constness, "a route handler cannot be `const fn`");
    }
    let mut handler_args = Vec::new();
    let mut has_body = false;
    for input in &sig.inputs {
        let FnArg::Typed(typed) = input else {
            errors.error(input, "a route handler is a free function: remove `self`");
            continue;
        };
        let ty = (*typed.ty).clone();
        if matches!(ty, Type::ImplTrait(_)) {
            errors.error(
                &typed.ty,
                "a route handler argument needs a concrete type, not `impl Trait`",
            );
            continue;
        }
        let name = match &*typed.pat {
            Pat::Ident(p) if p.subpat.is_none() => Some(p.ident.to_string()),
            _ => None,
        };
        let segment = name.as_deref().and_then(|n| template.param(n));
        let role = if let (Some(name), Some(segment)) = (&name, segment) {
            param_role(name, segment, &ty, &typed.ty, errors)
        } else if generic_arg(&ty, "Ctx").is_some() {
            Role::Ctx {
                inner: generic_arg(&ty, "Ctx")
                    .cloned()
                    .unwrap_or_else(|| ty.clone()),
            }
        } else if reads_body(&ty) {
            if has_body {
                errors.error(&typed.ty, "only one argument may read the request body: keep one of them (a `Request` gives every reader)");
            }
            has_body = true;
            Role::Body
        } else {
            if let Some(name) = &name {
                if is_value_type(&ty) && args.template_ok {
                    let known: Vec<_> = template.params().filter_map(|s| s.name()).collect();
                    let known = if known.is_empty() {
                        "it has none".to_owned()
                    } else {
                        format!("its parameters are `{}`", known.join("`, `"))
                    };
                    // A near miss (`ids` for `$id`) names the parameter it likely meant.
                    let near = template
                        .params()
                        .filter_map(|s| s.name())
                        .filter(|p| crate::method::distance(p, name) <= 2.min(p.len() / 2 + 1))
                        .min_by_key(|p| crate::method::distance(p, name));
                    let fix = match near {
                        Some(near) => {
                            format!("rename the argument to `{near}`, or add `${name}` to the path")
                        }
                        None => format!("add `${name}` to the path or rename the argument"),
                    };
                    errors.error(
                        &typed.pat,
                        format!(
                            "`{name}` is not a parameter of `{template_text}` ({known}): {fix}"
                        ),
                    );
                }
            }
            Role::Parts
        };
        handler_args.push(Arg { ty, role });
    }
    Handler {
        method,
        ident: sig.ident.clone(),
        is_async: sig.asyncness.is_some(),
        output_span: match &sig.output {
            syn::ReturnType::Type(_, ty) => syn::spanned::Spanned::span(&**ty),
            syn::ReturnType::Default => sig.ident.span(),
        },
        args: handler_args,
        middleware: Vec::new(),
        openapi: Default::default(), // openapi hook
    }
}

fn param_role(name: &str, segment: &Segment, ty: &Type, span: &Type, errors: &mut Errors) -> Role {
    let option_inner = generic_arg(ty, "Option").cloned();
    let (slot, binding, value_ty) = match segment {
        Segment::Param(_) => (Slot::Segment, Binding::Required, ty.clone()),
        Segment::Affixed { .. } => (Slot::Affixed, Binding::Required, ty.clone()),
        Segment::CatchAll(_) => (Slot::Rest, Binding::Required, ty.clone()),
        Segment::Optional(_) => match option_inner {
            Some(inner) => (Slot::Segment, Binding::Optional, inner),
            None => {
                errors.error(
                    span,
                    format!("`{name}` is an optional segment, so it may be absent: take it as `{name}: Option<String>` (or `Option<T>`)"),
                );
                (Slot::Segment, Binding::Required, ty.clone())
            }
        },
        Segment::OptionalCatchAll(_) => match option_inner {
            Some(inner) => (Slot::Rest, Binding::Optional, inner),
            None => (Slot::Rest, Binding::OrEmpty, ty.clone()),
        },
        Segment::Static(_) => unreachable!("static segments have no name"),
    };
    Role::Param {
        name: name.to_owned(),
        slot,
        value_ty,
        binding,
    }
}

/// What a handler's attributes and signature add to its OpenAPI operation: read by
/// `openapi::take`, written out by `openapi`'s generators.
#[derive(Default)]
pub struct HandlerDoc {
    /// The doc comment, lines joined.
    pub docs: String,
    /// `#[body(T)]` or `#[body(T, form)]`.
    pub body: Option<(Type, bool)>,
    /// `#[response(201, T)]`, `#[response(204)]`, `#[response(default, T)]`.
    pub responses: Vec<(String, Option<Type>)>,
    /// The return type; `None` for `impl Trait`, which names no type.
    pub output: Option<Type>,
    /// A `#[server_fn]`'s name in camelCase (`addTodo`): its operation is `server.addTodo`.
    pub server_fn: Option<String>,
}
