//! The model of a `#[middleware]` declaration: the user's function and what each of its
//! parameters is. Parsing never fails here; what is wrong is reported by `validate`.

use syn::{Attribute, FnArg, ItemFn, Pat, ReturnType, Type};

use crate::ast::type_name;
use crate::attr;

/// One `#[middleware] fn`, read.
pub struct Declaration {
    /// The user's function, its `#[arg]` attributes removed.
    pub func: ItemFn,
    /// Its parameters in order (`self` ones are in `receivers`).
    pub params: Vec<Param>,
    /// `self` parameters, which a middleware cannot have.
    pub receivers: Vec<syn::Receiver>,
    pub style: Style,
}

pub struct Param {
    pub pat: Pat,
    pub ty: Type,
    pub kind: Kind,
    /// The `#[arg]` attribute that made it an argument.
    pub arg_attr: Option<Attribute>,
}

/// What fills a parameter.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    /// `#[arg]`: given in the route's list, `require_role("admin")`, once, when the router
    /// is built.
    Argument,
    /// A `FromRequestParts` extractor, run per request.
    Extractor,
    /// An around middleware's `req: Request` (the one before `next`).
    Request,
    /// An around middleware's `next: Next` (the last one).
    Next,
}

/// What the middleware does with the chain.
pub enum Style {
    /// Returns the value it adds to the context: `Result<T, E>` (`is_result`) or `T`.
    Provider { value: Box<Type>, is_result: bool },
    /// Takes `req: Request, next: Next` last and answers a response.
    Around,
    /// Neither a `Next` parameter nor a return type: validation says what to write.
    Neither,
}

impl Declaration {
    pub fn params_of(&self, kind: Kind) -> impl Iterator<Item = &Param> {
        self.params.iter().filter(move |p| p.kind == kind)
    }

    /// Whether it takes `#[arg]` arguments: a middleware factory.
    pub fn is_factory(&self) -> bool {
        self.params_of(Kind::Argument).next().is_some()
    }
}

/// Whether `ty`'s last path segment is `name`.
pub fn is_named(ty: &Type, name: &str) -> bool {
    type_name(ty).is_some_and(|n| n == name)
}

/// Reads a declaration. An around middleware is one with a `Next` parameter; its last
/// two parameters are then its `Request` and `Next` (validation checks they are).
pub fn parse(mut func: ItemFn) -> Declaration {
    let mut receivers = Vec::new();
    let mut params = Vec::new();
    for input in &mut func.sig.inputs {
        match input {
            FnArg::Receiver(r) => receivers.push(r.clone()),
            FnArg::Typed(typed) => {
                let index = typed.attrs.iter().position(|a| attr::is_attr(a, "arg"));
                let arg_attr = index.map(|i| typed.attrs.remove(i));
                params.push(Param {
                    pat: (*typed.pat).clone(),
                    ty: (*typed.ty).clone(),
                    kind: if arg_attr.is_some() {
                        Kind::Argument
                    } else {
                        Kind::Extractor
                    },
                    arg_attr,
                });
            }
        }
    }
    let around = params
        .iter()
        .any(|p| p.kind != Kind::Argument && is_named(&p.ty, "Next"));
    let style = if around {
        let count = params.len();
        for (index, param) in params.iter_mut().enumerate() {
            if param.kind == Kind::Argument {
                continue;
            }
            if index + 1 == count {
                param.kind = Kind::Next;
            } else if index + 2 == count {
                param.kind = Kind::Request;
            }
        }
        Style::Around
    } else {
        match &func.sig.output {
            ReturnType::Default => Style::Neither,
            ReturnType::Type(_, ty) => match result_ok(ty) {
                Some(ok) if is_named(ty, "Result") => Style::Provider {
                    value: Box::new(ok),
                    is_result: true,
                },
                _ if is_named(ty, "Result") => Style::Provider {
                    value: ty.clone(),
                    is_result: true,
                },
                _ => Style::Provider {
                    value: ty.clone(),
                    is_result: false,
                },
            },
        }
    };
    Declaration {
        func,
        params,
        receivers,
        style,
    }
}

/// `T` of `Result<T, E>`.
fn result_ok(ty: &Type) -> Option<Type> {
    let Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        syn::GenericArgument::Type(t) => Some(t.clone()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn parse_fn(tokens: proc_macro2::TokenStream) -> Declaration {
        parse(syn::parse2(tokens).expect("a function"))
    }

    fn kinds(decl: &Declaration) -> Vec<Kind> {
        decl.params.iter().map(|p| p.kind).collect()
    }

    #[test]
    fn a_provider_returns_the_value_it_adds() {
        let decl = parse_fn(quote! {
            async fn auth(headers: HeaderMap) -> Result<User, ApiError> { todo!() }
        });
        assert_eq!(kinds(&decl), [Kind::Extractor]);
        let Style::Provider { value, is_result } = &decl.style else {
            panic!("a provider")
        };
        assert!(is_result);
        assert_eq!(quote!(#value).to_string(), "User");
        assert!(!decl.is_factory());
    }

    #[test]
    fn an_around_middleware_ends_with_request_and_next() {
        let decl = parse_fn(quote! {
            async fn logger(user: Ctx<User>, req: Request, next: Next) -> Response { todo!() }
        });
        assert!(matches!(decl.style, Style::Around));
        assert_eq!(kinds(&decl), [Kind::Extractor, Kind::Request, Kind::Next]);
    }

    #[test]
    fn arguments_are_marked_and_their_attribute_removed() {
        let decl = parse_fn(quote! {
            async fn add_header(#[arg] name: &'static str, #[arg] value: &'static str, req: Request, next: Next) -> Response { todo!() }
        });
        assert!(decl.is_factory());
        assert_eq!(
            kinds(&decl),
            [Kind::Argument, Kind::Argument, Kind::Request, Kind::Next]
        );
        let func = &decl.func;
        assert!(!quote!(#func).to_string().contains("arg"));
    }

    #[test]
    fn a_plain_return_type_is_a_provider_without_error() {
        let decl = parse_fn(quote! {
            fn greeting(#[arg] text: &'static str, user: Ctx<User>) -> Greeting { todo!() }
        });
        assert!(matches!(
            decl.style,
            Style::Provider {
                is_result: false,
                ..
            }
        ));
        assert_eq!(kinds(&decl), [Kind::Argument, Kind::Extractor]);
    }

    #[test]
    fn no_next_and_no_return_type_is_neither() {
        let decl = parse_fn(quote! { async fn nothing(headers: HeaderMap) {} });
        assert!(matches!(decl.style, Style::Neither));
    }
}
