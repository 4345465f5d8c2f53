//! Expansion snapshots: what each macro generates for representative routes, formatted
//! with `prettyplease`, so a reviewer reads the generated code in `snapshots/`.

use proc_macro2::TokenStream;
use quote::quote;

fn pretty(tokens: TokenStream) -> String {
    let file: syn::File = syn::parse2(tokens).expect("expansion parses as a file");
    prettyplease::unparse(&file)
}

#[test]
fn function_form_hello() {
    let out = crate::route::expand(
        quote!(GET, "/api/hello"),
        quote! {
            async fn hello() -> Response {
                Response::text("Hello, World!")
            }
        },
    );
    insta::assert_snapshot!(pretty(out));
}

#[test]
fn state_free_function_with_a_leading_layer() {
    let out = crate::route::expand(
        quote!(GET, "/api/limited"),
        quote! {
            #[middleware(ConcurrencyLimitLayer::new(64))]
            async fn limited() -> &'static str {
                "limited"
            }
        },
    );
    insta::assert_snapshot!(pretty(out));
}

#[test]
fn module_form_with_params_and_middleware() {
    let out = crate::route::expand(
        quote!("/api/posts/$id"),
        quote! {
            #[middleware(auth, logger)]
            mod post {
                use super::*;

                pub async fn GET(id: u64, State(db): State<Db>) -> Result<Response, ApiError> {
                    todo()
                }

                #[middleware(audit)]
                pub async fn PATCH(id: u64, user: Ctx<User>, req: Request) -> Result<Response, ApiError> {
                    todo()
                }
            }
        },
    );
    insta::assert_snapshot!(pretty(out));
}

#[test]
fn optional_segments_and_catch_all() {
    let out = crate::route::expand(
        quote!("/{-$lang}/docs/[[...slug]]", revalidate = 60),
        quote! {
            mod docs {
                pub fn GET(lang: Option<String>, slug: Vec<String>) -> String {
                    format!("{lang:?} {slug:?}")
                }
            }
        },
    );
    insta::assert_snapshot!(pretty(out));
}

#[test]
fn prefix_and_suffix_parameters_and_href() {
    let out = crate::route::expand(
        quote!(GET, "/posts/post-{$id}/{$name}.txt"),
        quote! {
            async fn post_file(id: u64, name: String) -> String {
                format!("{id} {name}")
            }
        },
    );
    insta::assert_snapshot!(pretty(out));
}

#[test]
fn provider_middleware() {
    let out = crate::middleware::expand(
        TokenStream::new(),
        quote! {
            async fn auth(headers: HeaderMap, State(db): State<Db>) -> Result<User, ApiError> {
                lookup(&headers, &db).await
            }
        },
    );
    insta::assert_snapshot!(pretty(out));
}

#[test]
fn around_middleware() {
    let out = crate::middleware::expand(
        TokenStream::new(),
        quote! {
            async fn logger(user: Ctx<User>, req: Request, next: Next) -> Response {
                next.run(req).await
            }
        },
    );
    insta::assert_snapshot!(pretty(out));
}

#[test]
fn middleware_factory() {
    let out = crate::middleware::expand(
        TokenStream::new(),
        quote! {
            /// Lets the request through when the user has `role`.
            async fn require_role(#[arg] role: &'static str, user: Ctx<User>) -> Result<(), ApiError> {
                check(&user, role)
            }
        },
    );
    insta::assert_snapshot!(pretty(out));
}

#[test]
fn around_middleware_factory() {
    let out = crate::middleware::expand(
        TokenStream::new(),
        quote! {
            async fn add_header(#[arg] name: &'static str, #[arg] value: &'static str, req: Request, next: Next) -> Response {
                next.run(req).await.header(name, value)
            }
        },
    );
    insta::assert_snapshot!(pretty(out));
}

#[test]
fn route_with_middleware_factories() {
    let out = crate::route::expand(
        quote!("/api/admin"),
        quote! {
            #[middleware(add_header("x-a", "1"), auth, require_role("admin"))]
            mod admin {
                use super::*;

                pub async fn GET(user: Ctx<User>) -> Response {
                    todo()
                }
            }
        },
    );
    insta::assert_snapshot!(pretty(out));
}

#[test]
fn routes_list() {
    let out = crate::route_set::expand(quote!(post, hello, api::users));
    let wrapped = quote!(fn app() { let _ = #out; });
    insta::assert_snapshot!(pretty(wrapped));
}

#[test]
fn routes_with_app_wide_middleware() {
    let out = crate::route_set::expand(quote!(
        trailing_slash = NotFound;
        middleware(session, CorsLayer::permissive(), logger);
        post, hello
    ));
    let wrapped = quote!(fn app() { let _ = #out; });
    insta::assert_snapshot!(pretty(wrapped));
}

#[test]
fn group_with_prefix_and_middleware() {
    let out = crate::group::expand(
        quote!("/admin"),
        quote! {
            #[middleware(auth)]
            mod admin {
                use super::*;

                #[route("/users")]
                #[middleware(audit)]
                pub mod users {
                    use super::*;

                    pub async fn GET(user: Ctx<User>) -> Response {
                        todo()
                    }
                }

                #[route(GET, "/")]
                pub async fn home() -> Response {
                    todo()
                }

                #[group("/reports")]
                pub mod reports {
                    use super::*;
                }
            }
        },
    );
    insta::assert_snapshot!(pretty(out));
}

#[test]
fn server_fn_with_middleware_ctx_and_input() {
    let out = crate::server_fn::expand(
        quote!(),
        quote! {
            /// Adds a todo.
            #[middleware(auth)]
            pub async fn add_todo(user: Ctx<User>, input: NewTodo) -> Result<Todo, ApiError> {
                todo!()
            }
        },
    );
    insta::assert_snapshot!(pretty(out));
}
