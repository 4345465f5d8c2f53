//! Generated code captures no user name: types named `S`, `F` and `Fut`, arguments named
//! `parts`, `body` and `state`, and a layer expression naming items called `parts`,
//! `body` and `state` all compile and mean what the user wrote.
#![allow(non_snake_case, non_upper_case_globals, dead_code)]

use routekit::prelude::*;
use tower::limit::ConcurrencyLimitLayer;

#[derive(Clone, serde::Deserialize)]
pub struct S {
    pub name: String,
}

#[derive(Clone)]
pub struct F(pub u32);

#[derive(Clone)]
pub struct Fut;

#[middleware]
async fn give_f(headers: HeaderMap) -> Result<F, ApiError> {
    Ok(F(headers.len() as u32))
}

#[middleware]
async fn give_fut(f: Ctx<F>) -> Fut {
    let _ = f;
    Fut
}

/// Layer expressions naming items called `parts`, `body` and `state`.
mod limited {
    use super::*;

    const parts: usize = 1;
    const body: usize = 2;
    const state: usize = 3;

    #[route("/api/things/$id")]
    #[middleware(give_f, ConcurrencyLimitLayer::new(parts + body + state), give_fut)]
    pub mod things {
        use super::{body, give_f, give_fut, parts, state, ConcurrencyLimitLayer, F, Fut, S};
        use routekit::prelude::*;

        pub async fn POST(id: u64, f: Ctx<F>, fut: Ctx<Fut>, Json(s): Json<S>) -> Response {
            let _ = (fut, f.0 .0);
            Response::text(format!("{id} {}", s.name))
        }
    }

    #[route(GET, "/api/s")]
    #[middleware(ConcurrencyLimitLayer::new(state))]
    pub async fn with_s(q: Query<std::collections::HashMap<String, String>>) -> Json<Vec<String>> {
        Json(q.0.into_keys().collect())
    }
}

/// Arguments named `parts`, `body` and `state`.
#[route("/api/named")]
mod named {
    use super::*;

    pub async fn PUT(parts: HeaderMap, state: State<()>, body: String) -> Response {
        let _ = (parts, state);
        Response::text(body)
    }
}

#[route(GET, "/api/parts")]
async fn with_parts(parts: Query<std::collections::HashMap<String, String>>) -> Json<Vec<String>> {
    Json(parts.0.into_keys().collect())
}

fn main() {
    let _app: axum::Router = routes![limited::things, limited::with_s, named, with_parts].with_state(());
}
