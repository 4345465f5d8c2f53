//! `#[server_fn]`: an RPC endpoint after TanStack Start's `createServerFn`, written as a
//! thin front end over the function form of `#[route]`.
//!
//! ```text
//! #[server_fn]                                 // POST /_server/todos/add_todo
//! #[middleware(auth)]
//! async fn add_todo(user: Ctx<User>, input: NewTodo) -> Result<Todo, ApiError> { … }
//! ```
//!
//! becomes
//!
//! ```text
//! #[route(POST, "/_server/__routekit_module__/add_todo")]
//! #[middleware(auth)]
//! #[__routekit_server_fn = "addTodo"]          // read by `openapi::take`
//! async fn add_todo(__rk_arg0: Ctx<User>, __rk_input: server_fn::Json<NewTodo>)
//!     -> Result<Json<Todo>, ApiError>
//! {
//!     async fn __routekit_server_fn(user: Ctx<User>, input: NewTodo) -> Result<Todo, ApiError> { … }
//!     let server_fn::Json(__rk_input) = __rk_input;
//!     (&&&server_fn::Check::<NewTodo>::NEW).check(&__rk_input)?;   // garde, when it has rules
//!     __routekit_server_fn(__rk_arg0, __rk_input).await.map(Json)
//! }
//! ```
//!
//! handed to `route::expand`. Without `path = "…"` the template's middle segment is a
//! placeholder: `module_path!()` is only known when the user's crate compiles, so every
//! string literal of the expansion equal to the placeholder path is replaced by the
//! companion's `__ROUTEKIT_PATH`, a constant built from `module_path!()` at compile time
//! (`runtime/src/server_fns.rs`).
//!
//! The input is the last argument, unless the last argument is an extractor a server
//! function takes (`Ctx<T>`, `Option<Ctx<T>>`, `State<T>`, `HeaderMap`, `Extension<T>`):
//! then the function takes no input. Every argument before it is such an extractor.

use proc_macro2::{Literal, TokenStream, TokenTree};
use quote::{format_ident, quote, quote_spanned, ToTokens};
use syn::parse::{Parse, ParseStream};
use syn::spanned::Spanned;
use syn::{FnArg, Ident, ItemFn, LitStr, ReturnType, Token, Type};

use crate::ast::{generic_arg, result_args, type_name};
use crate::errors::Errors;

/// The middle of the template of a server function without `path`, replaced afterwards.
const PLACEHOLDER: &str = "__routekit_module__";

/// Extractors a server function may take besides its input.
const EXTRACTORS: &[&str] = &["Ctx", "State", "HeaderMap", "Extension"];

/// `#[server_fn(method = GET, path = "/…", body_limit = …)]`: the route options other than
/// `method` and `path` are passed to `#[route]` as written.
struct Args {
    get: bool,
    path: Option<LitStr>,
    options: Vec<TokenStream>,
}

impl Parse for Args {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let mut args = Args {
            get: false,
            path: None,
            options: Vec::new(),
        };
        while !input.is_empty() {
            let key: Ident = input.parse()?;
            if key == "method" {
                input.parse::<Token![=]>()?;
                let method: Ident = input.parse()?;
                match method.to_string().to_ascii_uppercase().as_str() {
                    "GET" => args.get = true,
                    "POST" => args.get = false,
                    _ => {
                        return Err(syn::Error::new(
                            method.span(),
                            "a server function is `POST` (the input as a JSON body, the default) or `GET` (the input as the query string): write `method = GET` or `method = POST`; for another method write a `#[route]`",
                        ))
                    }
                }
            } else if key == "path" {
                input.parse::<Token![=]>()?;
                let path: LitStr = input.parse()?;
                let text = path.value();
                if text.contains(['$', '[', '{']) {
                    return Err(syn::Error::new(
                        path.span(),
                        "a server function's path has no parameters: its input is its last argument; for parameters in the path write a `#[route]`",
                    ));
                }
                args.path = Some(path);
            } else {
                // A route option (`body_limit = 1024`): `#[route]` checks it.
                let mut option = key.to_token_stream();
                while !input.is_empty() && !input.peek(Token![,]) {
                    let tt: TokenTree = input.parse()?;
                    option.extend([tt]);
                }
                args.options.push(option);
            }
            if !input.is_empty() {
                input.parse::<Token![,]>()?;
            }
        }
        Ok(args)
    }
}

/// `add_todo` → `addTodo`.
fn camel_case(name: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in name.trim_start_matches('_').chars() {
        if c == '_' {
            upper = !out.is_empty();
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

fn is_extractor(ty: &Type) -> bool {
    if let Some(inner) = generic_arg(ty, "Option") {
        return generic_arg(inner, "Ctx").is_some();
    }
    type_name(ty).is_some_and(|n| EXTRACTORS.iter().any(|e| n == e))
}

/// What to write instead of a wrapper or a body reader as the input, if `ty` is one.
fn misused_input(ty: &Type) -> Option<String> {
    let name = type_name(ty)?.to_string();
    let inner = ["Json", "Valid", "Query", "ValidQuery", "Form"]
        .iter()
        .find_map(|w| generic_arg(ty, w))
        .map(|t| t.to_token_stream().to_string());
    match (name.as_str(), inner) {
        ("Json" | "Valid" | "Query" | "ValidQuery" | "Form", Some(inner)) => Some(format!(
            "a server function reads its input itself: write `input: {inner}`, not `{name}<{inner}>` (a JSON body, or the query string with `method = GET`, checked by its `garde` rules when it has them)"
        )),
        ("Request" | "Bytes" | "Multipart" | "Body" | "RawForm", _) => Some(format!(
            "a server function's body is its input, read as JSON: take `input: T` with `T: Deserialize`, not `{name}`; to read the request yourself, write a `#[route]`"
        )),
        _ => None,
    }
}

/// Entry point of `#[server_fn(...)]`, over `proc_macro2` so tests call it directly.
pub fn expand(attr: TokenStream, item: TokenStream) -> TokenStream {
    let mut errors = Errors::default();
    let args = match syn::parse2::<Args>(attr) {
        Ok(args) => Some(args),
        Err(error) => {
            errors.push(error);
            None
        }
    };
    let func: ItemFn = match syn::parse2(item.clone()) {
        Ok(func) => func,
        Err(_) => {
            errors.error(
                &item,
                "#[server_fn] goes on a function: `#[server_fn] async fn add_todo(input: NewTodo) -> Result<Todo, ApiError> { … }`",
            );
            let errors = errors.into_compile_errors();
            return quote!(#errors #item);
        }
    };
    let sig = &func.sig;
    if !sig.generics.params.is_empty() {
        errors.error(
            &sig.generics,
            "a server function cannot be generic: name concrete types",
        );
    }
    let ident = &sig.ident;
    let name = ident.to_string();

    // The arguments: extractors, then the input.
    let mut typed = Vec::new();
    for input in &sig.inputs {
        match input {
            FnArg::Typed(t) => typed.push(t),
            FnArg::Receiver(r) => {
                errors.error(r, "a server function is a free function: remove `self`")
            }
        }
    }
    let last_is_input = typed.last().is_some_and(|t| !is_extractor(&t.ty));
    let mut input_ty: Option<&Type> = None;
    for (index, arg) in typed.iter().enumerate() {
        if let Some(message) = misused_input(&arg.ty) {
            errors.error(&arg.ty, message);
            continue;
        }
        let is_last = index + 1 == typed.len();
        if is_last && last_is_input {
            input_ty = Some(&arg.ty);
        } else if !is_extractor(&arg.ty) {
            let pat = arg.pat.to_token_stream().to_string();
            let ty = arg.ty.to_token_stream().to_string();
            let message = if last_is_input {
                format!(
                    "a server function takes one input, its last argument: put `{pat}` into the input's type (`struct … {{ {pat}: {ty}, … }}`); the other arguments are extractors: {}",
                    "`Ctx<T>`, `Option<Ctx<T>>`, `State<T>`, `HeaderMap`, `Extension<T>`"
                )
            } else {
                format!(
                    "the input of a server function comes last: move `{pat}: {ty}` after the extractors (`Ctx<T>`, `Option<Ctx<T>>`, `State<T>`, `HeaderMap`, `Extension<T>`)"
                )
            };
            errors.error(&arg.ty, message);
        }
    }

    // The answer: `T`, or `Result<T, E>`, as JSON.
    let (data_ty, err_ty) = match &sig.output {
        ReturnType::Default => (syn::parse_quote!(()), None),
        ReturnType::Type(_, ty) => {
            if ty
                .to_token_stream()
                .into_iter()
                .any(|t| t.to_string() == "impl")
            {
                errors.error(
                    ty,
                    "a server function returns its data, answered as JSON: name the type (`Todo`, `Result<Todo, ApiError>`), not `impl Trait`; for another kind of answer write a `#[route]`",
                );
            }
            match result_args(ty) {
                Some((ok, err)) => (ok.clone(), Some(err.clone())),
                None => ((**ty).clone(), None),
            }
        }
    };

    let Some(args) = args.filter(|_| errors.is_empty()) else {
        // The function as written, without the `#[middleware(…)]` lists that only a route
        // takes (they would be a second error each).
        let mut func = func.clone();
        func.attrs
            .retain(|a| !crate::attr::is_attr(a, "middleware"));
        let errors = errors.into_compile_errors();
        return quote!(#errors #func);
    };

    let rk = crate::runtime();
    let vis = &func.vis;
    let default_path = args.path.is_none();
    let path = match &args.path {
        Some(path) => path.clone(),
        None => LitStr::new(&format!("/_server/{PLACEHOLDER}/{name}"), ident.span()),
    };
    let method = if args.get { quote!(GET) } else { quote!(POST) };
    let options = &args.options;

    // The wrapper's arguments: the extractors by position, then the input wrapped.
    let mut wrapper_args = Vec::new();
    let mut call_args = Vec::new();
    for (index, arg) in typed.iter().enumerate() {
        let ty = &arg.ty;
        if input_ty.is_some() && index + 1 == typed.len() {
            continue;
        }
        let arg_name = format_ident!("__rk_arg{}", index);
        wrapper_args.push(quote_spanned!(ty.span()=> #arg_name: #ty));
        call_args.push(quote!(#arg_name));
    }
    let mut read_input = TokenStream::new();
    if let Some(ty) = input_ty {
        let wrapper = if args.get {
            quote!(Query)
        } else {
            quote!(Json)
        };
        let input = format_ident!("__rk_input");
        wrapper_args.push(quote_spanned!(ty.span()=> #input: #rk::server_fn::#wrapper<#ty>));
        call_args.push(quote!(#input));
        read_input = quote! {
            let #rk::server_fn::#wrapper(#input) = #input;
            {
                #[allow(unused_imports)]
                use #rk::server_fn::{CheckNone as _, CheckRules as _};
                (&&&#rk::server_fn::Check::<#ty>::NEW).check(&#input)?;
            }
        };
    }

    let json = quote!(#rk::axum::Json);
    let api_error = quote!(::routekit::ApiError);
    let flat = err_ty
        .as_ref()
        .is_some_and(|e| type_name(e).is_some_and(|n| n == "ApiError"));
    let (output, answer) = match &err_ty {
        None => (
            quote!(::core::result::Result<#json<#data_ty>, #api_error>),
            quote!(::core::result::Result::Ok(#json(__rk_data))),
        ),
        Some(err) if flat => (
            quote!(::core::result::Result<#json<#data_ty>, #err>),
            quote!(__rk_data.map(#json)),
        ),
        Some(err) => (
            quote!(::core::result::Result<::core::result::Result<#json<#data_ty>, #err>, #api_error>),
            quote!(::core::result::Result::Ok(__rk_data.map(#json))),
        ),
    };
    let await_ = sig.asyncness.map(|_| quote!(.await));

    let mut inner = func.clone();
    inner.attrs.clear();
    inner.vis = syn::Visibility::Inherited;
    inner.sig.ident = Ident::new("__routekit_server_fn", ident.span());
    let attrs = &func.attrs;
    let camel = camel_case(&name);
    let wrapper = quote! {
        #(#attrs)*
        #[__routekit_server_fn = #camel]
        #vis async fn #ident(#(#wrapper_args),*) -> #output {
            #[allow(clippy::too_many_arguments)]
            #inner
            #read_input
            let __rk_data = __routekit_server_fn(#(#call_args),*) #await_;
            #answer
        }
    };
    let route_attr = quote!(#method, #path #(, #options)*);
    let expanded = crate::route::expand(route_attr, wrapper);
    if !default_path {
        return expanded;
    }
    let placeholder = path.value();
    let replacement = quote!(#ident::__ROUTEKIT_PATH);
    let expanded = replace_path(expanded, &placeholder, &replacement, &name);
    quote! {
        #expanded

        #[allow(dead_code)]
        impl #ident {
            /// The path it is served at: `/_server/`, the module path without the crate, the name.
            #[doc(hidden)]
            pub const __ROUTEKIT_PATH: &'static str = {
                const MODULE: &str = ::core::module_path!();
                const LEN: usize = #rk::server_fn::path_len(MODULE, #name);
                const BYTES: [u8; LEN] = #rk::server_fn::path::<LEN>(MODULE, #name);
                #rk::server_fn::as_str(&BYTES)
            };
        }
    }
}

/// Replaces each string literal equal to `placeholder` by `replacement`; in a longer
/// literal (a doc comment) the placeholder segment reads `{module path}`.
fn replace_path(
    tokens: TokenStream,
    placeholder: &str,
    replacement: &TokenStream,
    name: &str,
) -> TokenStream {
    let exact = Literal::string(placeholder).to_string();
    let readable = format!("/_server/{{module path}}/{name}");
    tokens
        .into_iter()
        .flat_map(|tt| -> Vec<TokenTree> {
            match tt {
                TokenTree::Group(group) => {
                    let stream = replace_path(group.stream(), placeholder, replacement, name);
                    let mut new = proc_macro2::Group::new(group.delimiter(), stream);
                    new.set_span(group.span());
                    vec![TokenTree::Group(new)]
                }
                TokenTree::Literal(lit) => {
                    let text = lit.to_string();
                    if text == exact {
                        let span = lit.span();
                        let mut group = proc_macro2::Group::new(
                            proc_macro2::Delimiter::Parenthesis,
                            replacement.clone(),
                        );
                        group.set_span(span);
                        vec![TokenTree::Group(group)]
                    } else if text.starts_with('"') && text.contains(placeholder) {
                        let value: LitStr = syn::parse_str(&text).expect("a string literal");
                        let value = value.value().replace(placeholder, &readable);
                        let mut new = Literal::string(&value);
                        new.set_span(lit.span());
                        vec![TokenTree::Literal(new)]
                    } else {
                        vec![TokenTree::Literal(lit)]
                    }
                }
                other => vec![other],
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use quote::quote;

    fn expand(attr: proc_macro2::TokenStream, item: proc_macro2::TokenStream) -> String {
        super::expand(attr, item).to_string()
    }

    #[test]
    fn the_default_path_is_the_companion_constant_everywhere() {
        let out = expand(
            quote!(),
            quote!(
                async fn add_todo(input: NewTodo) -> Todo {
                    todo!()
                }
            ),
        );
        // No literal of the placeholder path is left: the route registers the constant.
        assert!(
            !out.contains("\"/_server/__routekit_module__/add_todo\""),
            "{out}"
        );
        assert!(
            out.contains("template : (add_todo :: __ROUTEKIT_PATH)"),
            "{out}"
        );
        assert!(out.contains("path_len (MODULE , \"add_todo\")"), "{out}");
        assert!(out.contains("op . server_fn (\"addTodo\")"), "{out}");
        // The input is read as JSON, then checked.
        assert!(out.contains("server_fn :: Json < NewTodo >"), "{out}");
        assert!(
            out.contains("Check :: < NewTodo > :: NEW) . check"),
            "{out}"
        );
    }

    #[test]
    fn a_given_path_is_used_as_written_and_get_reads_the_query() {
        let out = expand(
            quote!(method = GET, path = "/rpc/find"),
            quote!(
                async fn find(q: Find) -> Vec<Todo> {
                    todo!()
                }
            ),
        );
        assert!(out.contains("template : \"/rpc/find\""), "{out}");
        assert!(!out.contains("__ROUTEKIT_PATH"), "{out}");
        assert!(out.contains("server_fn :: Query < Find >"), "{out}");
        assert!(out.contains("MethodFilter :: GET"), "{out}");
    }

    #[test]
    fn misuses_are_errors_saying_what_to_write() {
        let out = expand(
            quote!(path = "/todos/$id"),
            quote!(
                async fn f(input: A) {}
            ),
        );
        assert!(out.contains("has no parameters"), "{out}");
        let out = expand(
            quote!(),
            quote!(
                async fn f(q: Query<A>) {}
            ),
        );
        assert!(out.contains("write `input: A`, not `Query<A>`"), "{out}");
        let out = expand(
            quote!(),
            quote!(
                async fn f(req: Request) {}
            ),
        );
        assert!(out.contains("its input, read as JSON"), "{out}");
        let out = expand(
            quote!(),
            quote!(
                async fn f(a: A, b: B) {}
            ),
        );
        assert!(out.contains("takes one input"), "{out}");
        let out = expand(
            quote!(),
            quote!(
                async fn f() -> impl Serialize {}
            ),
        );
        assert!(out.contains("not `impl Trait`"), "{out}");
        let out = expand(
            quote!(),
            quote!(
                struct S;
            ),
        );
        assert!(out.contains("goes on a function"), "{out}");
    }

    #[test]
    fn camel_case_of_names() {
        assert_eq!(super::camel_case("add_todo"), "addTodo");
        assert_eq!(super::camel_case("list"), "list");
        assert_eq!(super::camel_case("get_user_by_id"), "getUserById");
    }
}
