//! Checks a `#[middleware]` declaration, recording every mistake before any code is
//! generated, so one build shows them all.

use syn::{Pat, Type};

use super::model::{is_named, Declaration, Kind, Style};
use crate::ast::reads_body;
use crate::errors::Errors;

pub fn validate(decl: &Declaration, errors: &mut Errors) {
    let sig = &decl.func.sig;
    if !sig.generics.params.is_empty() {
        errors.error(
            &sig.generics,
            "a middleware function cannot be generic: name concrete types",
        );
    }
    for receiver in &decl.receivers {
        errors.error(receiver, "a middleware is a free function: remove `self`");
    }
    match &decl.style {
        Style::Around => {
            let well_formed = decl
                .params
                .iter()
                .all(|p| p.kind != Kind::Extractor || !is_named(&p.ty, "Next"))
                && decl
                    .params_of(Kind::Request)
                    .all(|p| is_named(&p.ty, "Request"))
                && decl.params_of(Kind::Request).count() == 1
                && decl.params_of(Kind::Next).all(|p| is_named(&p.ty, "Next"))
                && decl.params_of(Kind::Next).count() == 1;
            if !well_formed {
                errors.error(
                    &sig.inputs,
                    "an around middleware is written `async fn name(req: Request, next: Next) -> Response`: `req` then `next` come last (extractors may come before `req`)",
                );
            }
            if sig.asyncness.is_none() {
                errors.error(
                    sig.fn_token,
                    "an around middleware awaits `next.run(req)`: make it `async fn`",
                );
            }
        }
        Style::Neither => errors.error(
            &sig.ident,
            "a provider middleware returns the value it adds to the context, `Result<User, ApiError>`; an around middleware takes `req: Request, next: Next`",
        ),
        Style::Provider { .. } => {}
    }
    for param in decl.params_of(Kind::Extractor) {
        if reads_body(&param.ty) {
            errors.error(
                &param.ty,
                "a middleware cannot read the body before the handler: take `req: Request, next: Next` and read it there, or read it in the handler",
            );
        }
    }
    arguments(decl, errors);
}

/// The `#[arg]` parameters of a middleware factory.
fn arguments(decl: &Declaration, errors: &mut Errors) {
    let mut seen_other = false;
    for param in &decl.params {
        let Some(attr) = &param.arg_attr else {
            seen_other = true;
            continue;
        };
        if !matches!(attr.meta, syn::Meta::Path(_)) {
            errors.error(
                attr,
                "`#[arg]` takes nothing: write `#[arg] role: &'static str`",
            );
        }
        if seen_other {
            errors.error(
                attr,
                "`#[arg]` arguments come first, before the extractors: `async fn require_role(#[arg] role: &'static str, user: Ctx<User>)`",
            );
        }
        if !matches!(&param.pat, Pat::Ident(p) if p.subpat.is_none() && p.by_ref.is_none()) {
            errors.error(
                &param.pat,
                "an argument is kept with the middleware under its name: write `#[arg] role: &'static str`",
            );
        }
        if let Some(problem) = not_storable(&param.ty) {
            errors.error(
                &param.ty,
                format!("{problem}: an argument is kept with the middleware from when the router is built, so take `&'static str`, an owned value or an `Arc<…>`"),
            );
        }
    }
    if !decl.is_factory() {
        return;
    }
    for param in decl.params_of(Kind::Extractor) {
        if is_named(&param.ty, "State") {
            errors.error(
                &param.ty,
                "a middleware with arguments runs as a layer, outside the app's state, so it cannot take `State<…>`: pass what it needs as an `#[arg]` (evaluated once, when the router is built)",
            );
        }
    }
}

/// Why a type cannot be a field of the configured middleware, if it cannot.
fn not_storable(ty: &Type) -> Option<&'static str> {
    match ty {
        Type::Reference(r) => match &r.lifetime {
            Some(lifetime) if lifetime.ident == "static" => not_storable(&r.elem),
            _ => Some("a borrowed argument needs the `'static` lifetime"),
        },
        Type::ImplTrait(_) => Some("an argument needs a concrete type, not `impl Trait`"),
        Type::Infer(_) => Some("an argument needs a type"),
        Type::Paren(p) => not_storable(&p.elem),
        Type::Group(g) => not_storable(&g.elem),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::model::parse;
    use super::*;
    use quote::quote;

    fn errors_of(tokens: proc_macro2::TokenStream) -> Vec<String> {
        let decl = parse(syn::parse2(tokens).expect("a function"));
        let mut errors = Errors::default();
        validate(&decl, &mut errors);
        errors
            .into_error()
            .map(|e| e.into_iter().map(|e| e.to_string()).collect())
            .unwrap_or_default()
    }

    #[test]
    fn a_well_formed_factory_has_no_error() {
        let errors = errors_of(quote! {
            async fn require_role(#[arg] role: &'static str, user: Ctx<User>) -> Result<(), ApiError> { todo!() }
        });
        assert!(errors.is_empty(), "{errors:#?}");
        let errors = errors_of(quote! {
            async fn add_header(#[arg] name: &'static str, #[arg] value: Arc<str>, req: Request, next: Next) -> Response { todo!() }
        });
        assert!(errors.is_empty(), "{errors:#?}");
    }

    #[test]
    fn every_mistake_is_reported_together() {
        let errors = errors_of(quote! {
            async fn bad<T>(user: Ctx<User>, #[arg] role: &str, #[arg(x)] (a, b): (u8, u8), body: String) -> Result<(), ApiError> { todo!() }
        });
        let expect = [
            "cannot be generic",
            "cannot read the body",
            "`#[arg]` arguments come first",
            "`'static` lifetime",
            "`#[arg]` takes nothing",
            "kept with the middleware under its name",
        ];
        for expected in expect {
            assert!(
                errors.iter().any(|e| e.contains(expected)),
                "{expected}: {errors:#?}"
            );
        }
        // `role` and `(a, b)` both come after `user`.
        assert_eq!(
            errors
                .iter()
                .filter(|e| e.contains("arguments come first"))
                .count(),
            2
        );
    }

    #[test]
    fn a_factory_cannot_take_the_state() {
        let errors = errors_of(quote! {
            async fn limit(#[arg] per_second: u32, State(db): State<Db>) -> Result<(), ApiError> { todo!() }
        });
        assert_eq!(errors.len(), 1, "{errors:#?}");
        assert!(errors[0].contains("cannot take `State<…>`"), "{errors:#?}");
        // Without arguments it may.
        let errors = errors_of(quote! {
            async fn auth(State(db): State<Db>) -> Result<User, ApiError> { todo!() }
        });
        assert!(errors.is_empty(), "{errors:#?}");
    }

    #[test]
    fn an_around_middleware_keeps_its_shape_rules() {
        let errors = errors_of(quote! {
            fn logger(#[arg] tag: &'static str, next: Next, req: Request) -> Response { todo!() }
        });
        assert_eq!(errors.len(), 2, "{errors:#?}");
        assert!(errors[0].contains("`req` then `next` come last"));
        assert!(errors[1].contains("make it `async fn`"));
    }

    #[test]
    fn a_middleware_without_return_type_or_next_is_refused() {
        let errors = errors_of(quote! { async fn nothing(headers: HeaderMap) {} });
        assert_eq!(errors.len(), 1, "{errors:#?}");
        assert!(errors[0].contains("returns the value it adds"));
    }
}
