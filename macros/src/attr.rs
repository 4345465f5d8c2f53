//! Parsing the attributes: `#[route(...)]` arguments and `#[middleware(...)]` lists.

use proc_macro2::{Span, TokenStream};
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Attribute, Expr, Ident, LitInt, LitStr, Path, Token};

use crate::method;
use crate::template::{self, Template};

/// The options `#[route("/p", …)]` accepts.
pub const OPTIONS: &[&str] = &["revalidate", "expire", "body_limit", "etag", "max_duration"];

/// `#[route(GET, "/p", revalidate = 60)]`, parsed and checked.
pub struct RouteArgs {
    /// The method of the function form, when written.
    pub method: Option<(&'static str, Ident)>,
    /// Whether a method was written, valid or not (a misspelt one is reported once).
    pub method_written: bool,
    pub template_lit: LitStr,
    pub template: Template,
    /// Whether the template parsed: when not, handlers are still checked, but an argument
    /// is never blamed for a parameter the broken template may have meant.
    pub template_ok: bool,
    /// Errors in the template and options, reported by `#[route]` together with the
    /// handlers' own, so one build shows every mistake of the route.
    pub deferred: Option<syn::Error>,
    pub revalidate: Option<u32>,
    /// `expire = N` (hardening): seconds a stale answer may still be served, counted from
    /// the response; Next.js `expireTime`, one year by default.
    pub expire: Option<u32>,
    pub body_limit: Option<usize>,
    /// `etag`: a strong `ETag` on successful `GET`/`HEAD` answers, `304` for `If-None-Match`.
    pub etag: bool,
    /// `max_duration = N`: seconds after which the handler is dropped and `503` answered.
    pub max_duration: Option<u64>,
}

/// Next.js's default `expireTime`: one year.
const DEFAULT_EXPIRE: u32 = 31_536_000;

impl RouteArgs {
    /// The `Cache-Control` of `revalidate = N`, as Next.js 16 writes it:
    /// `s-maxage=N, stale-while-revalidate=EXPIRE-N`, the second part left out when
    /// `N >= EXPIRE`; `revalidate = 0` is Next.js's "never cache" header.
    pub fn cache_control(&self) -> Option<String> {
        let revalidate = self.revalidate?;
        if revalidate == 0 {
            return Some("private, no-cache, no-store, max-age=0, must-revalidate".to_owned());
        }
        let expire = self.expire.unwrap_or(DEFAULT_EXPIRE);
        Some(
            match expire.checked_sub(revalidate).filter(|swr| *swr > 0) {
                Some(swr) => format!("s-maxage={revalidate}, stale-while-revalidate={swr}"),
                None => format!("s-maxage={revalidate}"),
            },
        )
    }
}

impl Parse for RouteArgs {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let mut errors = crate::errors::Errors::default();
        let mut method = None;
        let mut method_written = false;
        if input.peek(Ident) && !input.peek2(Token![=]) {
            method_written = true;
            let ident: Ident = input.parse()?;
            let name = ident.to_string();
            match method::from_name(&name) {
                Some(m) => method = Some((m, ident)),
                None if name.eq_ignore_ascii_case("ANY") => errors.error(
                    &ident,
                    "`ANY` is a route module's catch-all handler: write `#[route(\"/path\")] mod m { pub async fn ANY(…) }`, or name the methods",
                ),
                None => errors.error(
                    &ident,
                    format!(
                        "`{name}` is not an HTTP method: write `{}` (one of {})",
                        method::nearest(&name),
                        method::METHODS.join(", ")
                    ),
                ),
            }
            if input.is_empty() {
                return Err(syn::Error::new(
                    Span::call_site(),
                    "missing route path: write `#[route(GET, \"/path\")]`",
                ));
            }
            input.parse::<Token![,]>()?;
        }
        let template_lit: LitStr = input.parse().map_err(|e| {
            syn::Error::new(
                e.span(),
                "expected the route path as a string literal: `#[route(\"/api/posts/$id\")]`",
            )
        })?;
        let (template, template_ok) = match template::parse(&template_lit.value()) {
            Ok(t) => (t, true),
            Err(e) => {
                // The whole literal is underlined and the message quotes the offending
                // segment: pointing at characters inside a literal needs
                // `proc_macro::Literal::subspan`, which is unstable (rust-lang/rust#54725).
                errors.error(&template_lit, e);
                (
                    Template {
                        segments: Vec::new(),
                    },
                    false,
                )
            }
        };
        let mut revalidate = None;
        let mut expire = None;
        let mut expire_tokens = None;
        let mut body_limit = None;
        let mut etag = false;
        let mut max_duration = None;
        while !input.is_empty() {
            input.parse::<Token![,]>()?;
            if input.is_empty() {
                break;
            }
            let name: Ident = input.parse()?;
            if name == "etag" {
                if input.peek(Token![=]) {
                    errors.error(&name, "`etag` takes no value: write `etag`");
                    input.parse::<Token![=]>()?;
                    input.parse::<Expr>()?;
                }
                etag = true;
                continue;
            }
            input.parse::<Token![=]>()?;
            let value: Expr = input.parse()?;
            match name.to_string().as_str() {
                "max_duration" => {
                    max_duration = int_option(
                        &mut errors,
                        &name,
                        &value,
                        "seconds, as in `max_duration = 10`",
                    );
                    if max_duration == Some(0) {
                        errors.error(&value, "`max_duration` must be at least 1 second");
                    }
                }
                "revalidate" => {
                    revalidate = int_option(
                        &mut errors,
                        &name,
                        &value,
                        "seconds, as in `revalidate = 60`",
                    )
                }
                "expire" => {
                    expire = int_option(
                        &mut errors,
                        &name,
                        &value,
                        "seconds, as in `expire = 86_400`",
                    );
                    expire_tokens = Some((name.clone(), value.clone()));
                }
                "body_limit" => {
                    body_limit = int_option(
                        &mut errors,
                        &name,
                        &value,
                        "bytes, as in `body_limit = 1_048_576`",
                    )
                }
                other => errors.error(
                    &name,
                    format!(
                        "unknown route option `{other}`: the known options are `{}`",
                        OPTIONS.join("`, `")
                    ),
                ),
            }
        }
        match (&expire_tokens, revalidate, expire) {
            (Some((name, _)), None, _) => errors.error(
                name,
                "`expire` bounds how long a `revalidate` answer may be served stale: add `revalidate = N` (N below expire), or remove `expire`",
            ),
            (Some((_, value)), Some(revalidate), Some(expire)) if expire <= revalidate => errors
                .error(
                    value,
                    format!("`expire` must be greater than `revalidate` ({revalidate}): a stale answer is served from `revalidate` until `expire` seconds, so write `expire = {}` or more", u64::from(revalidate) + 1),
                ),
            _ => {}
        }
        Ok(RouteArgs {
            method,
            method_written,
            template_lit,
            template,
            template_ok,
            deferred: errors.into_error(),
            revalidate,
            expire,
            body_limit,
            etag,
            max_duration,
        })
    }
}

fn int_option<T: std::str::FromStr>(
    errors: &mut crate::errors::Errors,
    name: &Ident,
    value: &Expr,
    unit: &str,
) -> Option<T>
where
    T::Err: std::fmt::Display,
{
    let parsed = match value {
        Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Int(int),
            ..
        }) => int_value::<T>(int),
        _ => None,
    };
    if parsed.is_none() {
        errors.error(value, format!("`{name}` takes a whole number of {unit}"));
    }
    parsed
}

fn int_value<T: std::str::FromStr>(int: &LitInt) -> Option<T>
where
    T::Err: std::fmt::Display,
{
    int.base10_parse::<T>().ok()
}

/// One entry of `#[middleware(a, b::c, CorsLayer::permissive())]`.
pub enum MiddlewareItem {
    /// A path: a `#[middleware]` function.
    Named(Path),
    /// Any other expression, a value: a `tower::Layer`, or a `#[middleware]` given its
    /// arguments (`require_role("admin")`), whose value is a layer too. The two cannot be
    /// told apart by their tokens; the generated code tells them apart by type.
    Layer(Expr),
}

impl MiddlewareItem {
    /// How the route table names it.
    pub fn label(&self) -> String {
        let squeeze = |tokens: proc_macro2::TokenStream| {
            tokens.to_string().split_whitespace().collect::<String>()
        };
        match self {
            MiddlewareItem::Named(path) => squeeze(quote::quote!(#path)),
            // Arguments that are literals or names are shown, `require_role("admin")`,
            // `ConcurrencyLimitLayer::new(64)`; longer ones are elided.
            MiddlewareItem::Layer(Expr::Call(call))
                if call.args.iter().all(|a| plain(a).is_some()) =>
            {
                let func = &call.func;
                let args: Vec<String> = call.args.iter().filter_map(plain).collect();
                format!("{}({})", squeeze(quote::quote!(#func)), args.join(", "))
            }
            MiddlewareItem::Layer(Expr::Call(call)) => {
                let func = &call.func;
                format!("{}(…)", squeeze(quote::quote!(#func)))
            }
            MiddlewareItem::Layer(expr) => squeeze(quote::quote!(#expr)),
        }
    }
}

/// The text of a literal, a name, or a reference to or negation of one: short enough for
/// the route table. `None` for anything longer.
fn plain(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Lit(lit) => Some(quote::ToTokens::to_token_stream(&lit.lit).to_string()),
        Expr::Path(p) if p.qself.is_none() => {
            let path = &p.path;
            Some(
                quote::quote!(#path)
                    .to_string()
                    .split_whitespace()
                    .collect(),
            )
        }
        Expr::Reference(r) if r.mutability.is_none() => Some(format!("&{}", plain(&r.expr)?)),
        Expr::Unary(syn::ExprUnary {
            op: syn::UnOp::Neg(_),
            expr,
            ..
        }) => Some(format!("-{}", plain(expr)?)),
        _ => None,
    }
}

/// Parses the list inside `#[middleware(...)]`.
pub fn parse_middleware_list(tokens: TokenStream) -> syn::Result<Vec<MiddlewareItem>> {
    let list = syn::parse::Parser::parse2(Punctuated::<Expr, Token![,]>::parse_terminated, tokens)?;
    Ok(list
        .into_iter()
        .map(|expr| match expr {
            Expr::Path(p) if p.qself.is_none() && p.attrs.is_empty() => {
                MiddlewareItem::Named(p.path)
            }
            other => MiddlewareItem::Layer(other),
        })
        .collect())
}

/// Whether `attr` is `#[name]` or `#[routekit::name]` (any path ending in `name`).
pub fn is_attr(attr: &Attribute, name: &str) -> bool {
    attr.path().segments.last().is_some_and(|s| s.ident == name)
}

/// Removes the mark `#[group]` leaves on a child it registers (`in_group`), and says
/// whether it was there.
pub fn take_in_group(attrs: &mut Vec<Attribute>) -> bool {
    let before = attrs.len();
    attrs.retain(|attr| {
        let segments = &attr.path().segments;
        let private = segments.len() >= 2 && segments[segments.len() - 2].ident == "__private";
        !(private && is_attr(attr, "in_group"))
    });
    attrs.len() != before
}

/// Removes every `#[middleware(...)]` from `attrs` and parses their lists, in order.
pub fn take_middleware(
    attrs: &mut Vec<Attribute>,
    errors: &mut crate::errors::Errors,
) -> Vec<MiddlewareItem> {
    let mut items = Vec::new();
    attrs.retain(|attr| {
        if !is_attr(attr, "middleware") {
            return true;
        }
        match &attr.meta {
            syn::Meta::List(list) => match parse_middleware_list(list.tokens.clone()) {
                Ok(parsed) => items.extend(parsed),
                Err(e) => errors.push(e),
            },
            _ => errors.error(
                attr,
                "a route takes its middleware as a list: write `#[middleware(auth, logger)]`",
            ),
        }
        false
    });
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(tokens: TokenStream) -> Vec<String> {
        parse_middleware_list(tokens)
            .expect("a list")
            .iter()
            .map(MiddlewareItem::label)
            .collect()
    }

    #[test]
    fn a_call_with_plain_arguments_shows_them() {
        assert_eq!(
            labels(quote::quote!(
                auth,
                require_role("admin"),
                add_header("x-a", "two words"),
                ConcurrencyLimitLayer::new(64),
                Counting(&ROUTE_BUILDS),
                offset(-1)
            )),
            [
                "auth",
                r#"require_role("admin")"#,
                r#"add_header("x-a", "two words")"#,
                "ConcurrencyLimitLayer::new(64)",
                "Counting(&ROUTE_BUILDS)",
                "offset(-1)",
            ]
        );
    }

    #[test]
    fn a_call_with_longer_arguments_is_elided() {
        assert_eq!(
            labels(quote::quote!(
                TimeoutLayer::new(Duration::from_secs(10)),
                from_fn(|req, next| async move { next.run(req).await })
            )),
            ["TimeoutLayer::new(…)", "from_fn(…)"]
        );
    }

    #[test]
    fn a_call_is_a_value_and_a_path_a_named_middleware() {
        let items = parse_middleware_list(quote::quote!(require_role("admin"), auth)).unwrap();
        assert!(matches!(items[0], MiddlewareItem::Layer(Expr::Call(_))));
        assert!(matches!(items[1], MiddlewareItem::Named(_)));
    }
}
