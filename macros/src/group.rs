//! `#[group("/admin")] #[middleware(auth)] mod admin { … }`: route modules and functions
//! sharing a path prefix and a middleware list, as TanStack Start's layout routes share
//! their parent's server middleware.
//!
//! An attribute on a module expands before the attributes of the items inside it, so the
//! group sees its children's `#[route]` (and nested `#[group]`) attributes unexpanded. It
//! rewrites them: the prefix goes in front of each template, and the group's list in front
//! of each child's own. Each route then expands as if written that way, with its own
//! `Ctx` checks and its row in the route table; the group adds only its `__routekit_route`,
//! which registers every child.

use proc_macro2::{Span, TokenStream, TokenTree};
use quote::{format_ident, quote, quote_spanned};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Attribute, Expr, Ident, Item, ItemMod, LitStr, Token};

use crate::attr;
use crate::errors::Errors;
use crate::template::{self, Segment};

/// A child the group registers.
enum Child {
    /// A route module or a nested group: registered as `name::__routekit_route`.
    Module(Ident),
    /// A function-form route: registered as its companion, `name`.
    Function(Ident),
}

pub fn expand(attr: TokenStream, item: TokenStream) -> TokenStream {
    let mut errors = Errors::default();
    let prefix = match prefix(attr) {
        Ok(prefix) => prefix,
        Err(error) => {
            errors.push(error);
            None
        }
    };
    let mut module: ItemMod = match syn::parse2(item.clone()) {
        Ok(module) => module,
        Err(_) => {
            let error = syn::Error::new_spanned(
                &item,
                "#[group] goes on a module of routes: `#[group(\"/admin\")] #[middleware(auth)] mod admin { #[route(\"/users\")] pub mod users { … } }`",
            )
            .to_compile_error();
            return quote!(#error #item);
        }
    };
    let in_group = attr::take_in_group(&mut module.attrs);
    let lists = take_lists(&mut module.attrs, &mut errors);
    let Some((_, content)) = module.content.as_mut() else {
        errors.error(
            &module,
            "#[group] needs the module's body inline: `#[group(\"/admin\")] mod admin { … }`",
        );
        let errors = errors.into_compile_errors();
        return quote!(#errors #module);
    };

    let rk = crate::runtime();
    let shared = (!lists.is_empty()).then(|| {
        let attr: Attribute = syn::parse_quote!(#[#rk::middleware(#(#lists),*)]);
        attr
    });
    let mut children = Vec::new();
    for item in content.iter_mut() {
        let (attrs, child) = match item {
            Item::Mod(m) => (&mut m.attrs, Child::Module(m.ident.clone())),
            Item::Fn(f) => (&mut f.attrs, Child::Function(f.sig.ident.clone())),
            _ => continue,
        };
        let Some(at) = attrs
            .iter()
            .position(|a| attr::is_attr(a, "route") || attr::is_attr(a, "group"))
        else {
            continue;
        };
        if attr::is_attr(&attrs[at], "group") && matches!(child, Child::Function(_)) {
            // `#[group]` on a function reports itself.
            continue;
        }
        if let Some(prefix) = &prefix {
            let is_group = attr::is_attr(&attrs[at], "group");
            attrs[at] = with_prefix(&attrs[at], prefix, is_group);
        }
        attrs.insert(at + 1, syn::parse_quote!(#[#rk::in_group]));
        if let Some(shared) = &shared {
            // Before the child's own lists: right after its `#[route]`/`#[group]`, or, when
            // a list is written above that attribute, before the first such list (which
            // `#[middleware]` then moves below it, keeping the order).
            let first_list_above = attrs[..at]
                .iter()
                .position(|a| attr::is_attr(a, "middleware"));
            let index = first_list_above.unwrap_or(at + 1);
            attrs.insert(index, shared.clone());
        }
        children.push(child);
    }
    if children.is_empty() {
        errors.error(
            &module.ident,
            format!(
                "group `{}` has no routes: put `#[route]` modules or functions (or nested `#[group]` modules) inside it",
                module.ident
            ),
        );
    }
    content.push(Item::Verbatim(register(&children, in_group)));
    let errors = errors.into_compile_errors();
    quote!(#errors #module)
}

/// The prefix of `#[group("/admin")]`, checked as a route template that ends before a
/// catch-all; `None` for `#[group]`, a group without one.
fn prefix(attr: TokenStream) -> syn::Result<Option<LitStr>> {
    if attr.is_empty() {
        return Ok(None);
    }
    let lit: LitStr = syn::parse2(attr).map_err(|error| {
        syn::Error::new(
            error.span(),
            "#[group] takes the path prefix of its routes as a string, `#[group(\"/admin\")]`, or nothing, `#[group]`",
        )
    })?;
    let value = lit.value();
    if value == "/" || value.is_empty() {
        return Err(syn::Error::new(
            lit.span(),
            "a group without a path prefix is written `#[group]`",
        ));
    }
    let template = template::parse(&value).map_err(|e| syn::Error::new(lit.span(), e))?;
    if let Some(rest) = template
        .segments
        .iter()
        .find(|s| matches!(s, Segment::CatchAll(_) | Segment::OptionalCatchAll(_)))
    {
        let name = rest.name().unwrap_or_default();
        return Err(syn::Error::new(
            lit.span(),
            format!("a group's prefix cannot end in a catch-all (`{name}`): the routes inside go after it; give the catch-all to a route"),
        ));
    }
    Ok(Some(lit))
}

/// Removes the group's `#[middleware(…)]` lists and returns their items, in order, as
/// tokens to hand to each child.
fn take_lists(attrs: &mut Vec<Attribute>, errors: &mut Errors) -> Vec<TokenStream> {
    let mut lists = Vec::new();
    attrs.retain(|attr| {
        if !attr::is_attr(attr, "middleware") {
            return true;
        }
        match &attr.meta {
            syn::Meta::List(list) => match attr::parse_middleware_list(list.tokens.clone()) {
                Ok(_) => {
                    // Item by item (a trailing comma dropped), as the child's list is read.
                    let parsed = syn::parse::Parser::parse2(
                        Punctuated::<Expr, Token![,]>::parse_terminated,
                        list.tokens.clone(),
                    );
                    lists.extend(parsed.into_iter().flatten().map(|item| quote!(#item)));
                }
                Err(error) => errors.push(error),
            },
            _ => errors.error(
                attr,
                "a group takes its middleware as a list: write `#[middleware(auth, logger)]`",
            ),
        }
        false
    });
    lists
}

/// `attr` (a child's `#[route(…)]` or `#[group(…)]`) with `prefix` in front of its path.
fn with_prefix(attr: &Attribute, prefix: &LitStr, is_group: bool) -> Attribute {
    let path = attr.path();
    let join = |lit: &LitStr| {
        let child = lit.value();
        let joined = if child == "/" {
            prefix.value()
        } else {
            format!("{}{child}", prefix.value())
        };
        LitStr::new(&joined, lit.span())
    };
    match &attr.meta {
        syn::Meta::List(list) => {
            let mut done = false;
            let tokens: TokenStream = list
                .tokens
                .clone()
                .into_iter()
                .map(|token| {
                    if done {
                        return token;
                    }
                    if let TokenTree::Literal(literal) = &token {
                        if let Ok(lit) =
                            syn::parse2::<LitStr>(TokenTree::Literal(literal.clone()).into())
                        {
                            // A path not starting with `/` is left for `#[route]` to report.
                            if lit.value().starts_with('/') {
                                done = true;
                                let joined = join(&lit);
                                return quote!(#joined).into_iter().next().expect("one literal");
                            }
                            done = true;
                        }
                    }
                    token
                })
                .collect();
            syn::parse_quote_spanned!(attr.span()=> #[#path(#tokens)])
        }
        // `#[group]` inside a group with a prefix: the prefix becomes its own.
        syn::Meta::Path(_) if is_group => {
            let lit = LitStr::new(&prefix.value(), prefix.span());
            syn::parse_quote_spanned!(attr.span()=> #[#path(#lit)])
        }
        _ => attr.clone(),
    }
}

/// The group's `__routekit_register`, registering each child: it holds when every child's
/// `Register` impl does, so a child's failed `Ctx` check is reported where the group is
/// registered, with the child's own predicate as the cause. A group inside another
/// (`in_group`) also implements `Register` itself, on its `__routekit_route`.
fn register(children: &[Child], in_group: bool) -> TokenStream {
    let rk = crate::runtime();
    let s = format_ident!("__RkS");
    let app = crate::ctx_checks::app_param();
    let mut indices = Vec::new();
    let mut bounds = Vec::new();
    let mut calls = Vec::new();
    for (n, child) in children.iter().enumerate() {
        let index = format_ident!("__RkI{}", n);
        let ty = match child {
            Child::Module(ident) => quote_spanned!(ident.span()=> #ident::__routekit_route),
            Child::Function(ident) => quote!(#ident),
        };
        bounds.push(quote!(#ty: #rk::Register<#s, __RkM, #app, #index>));
        calls.push(quote!(<#ty as #rk::Register<#s, __RkM, #app, #index>>::register(__rk_routes);));
        indices.push(index);
    }
    let index_tuple = indices
        .iter()
        .rev()
        .fold(quote!(()), |tail, index| quote!((#index, #tail)));
    let where_clause = quote! {
        where
            #s: #rk::StateBound,
            __RkM: #rk::Mount<#s>,
            #(#bounds,)*
    };
    let own_impl = in_group.then(|| {
        quote_spanned! {Span::call_site()=>
            #[doc(hidden)]
            #[allow(non_camel_case_types)]
            pub struct __routekit_route;

            #[allow(private_bounds, private_interfaces)]
            impl<#s, __RkM, #app, #(#indices),*> #rk::Register<#s, __RkM, #app, #index_tuple> for __routekit_route
            #where_clause
            {
                #[inline]
                fn register(__rk_routes: &mut #rk::Routes<#s, __RkM, #app>) {
                    #(#calls)*
                }
            }
        }
    });
    quote_spanned! {Span::call_site()=>
        #own_impl

        /// What `routes![group]` calls: registers every route of the group.
        #[doc(hidden)]
        #[inline]
        #[allow(private_bounds, private_interfaces)]
        pub fn __routekit_register<#s, __RkM, #app, #(#indices),*>(__rk_routes: &mut #rk::Routes<#s, __RkM, #app>)
        #where_clause
        {
            #(#calls)*
        }
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    fn expand(attr: proc_macro2::TokenStream, item: proc_macro2::TokenStream) -> String {
        super::expand(attr, item).to_string()
    }

    #[test]
    fn a_prefix_ending_in_a_catch_all_is_refused() {
        let out = expand(
            quote!("/files/$"),
            quote!(
                mod files {
                    #[route(GET, "/a")]
                    fn a() {}
                }
            ),
        );
        assert!(out.contains("cannot end in a catch-all"), "{out}");
    }

    #[test]
    fn a_root_prefix_says_to_write_group_alone() {
        let out = expand(
            quote!("/"),
            quote!(
                mod m {
                    #[route(GET, "/a")]
                    fn a() {}
                }
            ),
        );
        assert!(out.contains("is written `#[group]`"), "{out}");
    }

    #[test]
    fn a_group_without_routes_is_refused() {
        let out = expand(
            quote!("/admin"),
            quote!(
                mod admin {
                    fn helper() {}
                }
            ),
        );
        assert!(out.contains("has no routes"), "{out}");
        // It still defines what `routes![admin]` calls.
        assert!(out.contains("fn __routekit_register"), "{out}");
    }

    #[test]
    fn a_group_on_a_function_is_refused() {
        let out = expand(
            quote!("/admin"),
            quote!(
                fn admin() {}
            ),
        );
        assert!(out.contains("goes on a module"), "{out}");
    }

    #[test]
    fn the_prefix_joins_each_childs_template_and_a_nested_groups() {
        let out = expand(
            quote!("/admin"),
            quote! {
                mod admin {
                    #[route(GET, "/")] fn home() {}
                    #[route("/users", etag)] mod users {}
                    #[group] mod inner {}
                    #[group("/reports")] mod reports {}
                    #[route(GET, "stats")] fn stats() {}
                }
            },
        );
        assert!(out.contains(r#"route (GET , "/admin")"#), "{out}");
        assert!(out.contains(r#"route ("/admin/users" , etag)"#), "{out}");
        assert!(out.contains(r#"group ("/admin")"#), "{out}");
        assert!(out.contains(r#"group ("/admin/reports")"#), "{out}");
        // A template without its leading `/` is left for `#[route]` to report.
        assert!(out.contains(r#"route (GET , "stats")"#), "{out}");
    }

    #[test]
    fn the_groups_list_goes_before_the_childs_own_whichever_side_of_route_it_is() {
        let out = expand(
            quote!(),
            quote! {
                #[middleware(a, b,)]
                mod g {
                    #[route(GET, "/x")] #[middleware(c)] fn x() {}
                    #[middleware(c)] #[route(GET, "/y")] fn y() {}
                }
            },
        );
        let x = out.find("fn x").unwrap();
        let before_x = &out[..x];
        let route = before_x.rfind("route (GET , \"/x\")").unwrap();
        let group = before_x.rfind("middleware (a , b)").unwrap();
        let own = before_x.rfind("middleware (c)").unwrap();
        assert!(route < group && group < own, "{out}");
        let y = out.find("fn y").unwrap();
        let between = &out[x..y];
        let group = between.find("middleware (a , b)").unwrap();
        let own = between.find("middleware (c)").unwrap();
        let route = between.find("route (GET , \"/y\")").unwrap();
        assert!(group < own && own < route, "{out}");
    }
}
