//! `/api/users`: TanStack's "REST API with multiple methods".

use routekit::prelude::*;
use routekit::ValidQuery;
use serde::{Deserialize, Serialize};

use crate::Db;

/// The seed's `createUserSchema`.
#[derive(Serialize, Deserialize, garde::Validate, schemars::JsonSchema)]
pub struct CreateUser {
    #[garde(length(min = 1, max = 100))]
    pub name: String,
    #[garde(email)]
    pub email: String,
}

/// `?page=&limit=`, the seed's `parseInt(url.searchParams.get('page') || '1')` and
/// `… 'limit') || '10'`, made strict: a value that is not an integer, a `page` below 1 or a
/// `limit` outside 1–100 answers `400` in the same `fieldErrors` shape as a bad body. An
/// empty value takes the default, as `|| '1'` does.
#[derive(Serialize, Deserialize, garde::Validate, schemars::JsonSchema)]
pub struct Pagination {
    /// The page, from 1.
    #[serde(default = "first_page")]
    #[garde(range(min = 1, max = i64::MAX / 100))]
    pub page: i64,
    /// Users per page, 1–100.
    #[serde(default = "ten")]
    #[garde(range(min = 1, max = 100))]
    pub limit: i64,
}

fn first_page() -> i64 {
    1
}

fn ten() -> i64 {
    10
}

#[route("/api/users")]
pub mod collection {
    use super::*;

    /// `{data, pagination: {page, limit, total}}`; a bad `page` or `limit` answers `400`.
    pub async fn GET(
        ValidQuery(Pagination { page, limit }): ValidQuery<Pagination>,
        State(db): State<Db>,
    ) -> Result<Response, ApiError> {
        let (data, total) = db.users_page(page, limit).await?;
        Ok(Response::json(&serde_json::json!({
            "data": data,
            "pagination": { "page": page, "limit": limit, "total": total },
        })))
    }

    /// Validated like the seed (`400` with zod's `flatten()` shape), `409` for a taken
    /// email, `201` with the user.
    #[body(CreateUser)]
    #[response(201, crate::db::User)]
    pub async fn POST(State(db): State<Db>, mut req: Request) -> Result<Response, ApiError> {
        let body: CreateUser = req.json_valid().await?;
        match db.create_user(&body.name, &body.email).await? {
            Some(user) => Ok(Response::json(&user).status(201)),
            None => Err(ApiError::conflict("email already registered")),
        }
    }
}
