//! `/api/users`: TanStack's "REST API with multiple methods".

use routekit::prelude::*;
use routekit::ValidationError;
use serde::Deserialize;

use crate::Db;

/// The seed's `createUserSchema`.
#[derive(Deserialize, garde::Validate, schemars::JsonSchema)]
pub struct CreateUser {
    #[garde(length(min = 1, max = 100))]
    pub name: String,
    #[garde(email)]
    pub email: String,
}

/// `?page=&limit=`, defaulting to the seed's `1` and `10`.
#[derive(Deserialize, garde::Validate, schemars::JsonSchema)]
pub struct Pagination {
    #[serde(default = "first_page")]
    #[garde(range(min = 1))]
    pub page: i64,
    #[serde(default = "default_limit")]
    #[garde(range(min = 1, max = 100))]
    pub limit: i64,
}

fn first_page() -> i64 {
    1
}

fn default_limit() -> i64 {
    10
}

#[route("/api/users")]
pub mod collection {
    use super::*;

    /// `{data, pagination: {page, limit, total}}`; a bad `page` or `limit` answers `400`.
    pub async fn GET(
        Query(pagination): Query<Pagination>,
        State(db): State<Db>,
    ) -> Result<Response, ApiError> {
        garde::Validate::validate(&pagination).map_err(ValidationError::from)?;
        let Pagination { page, limit } = pagination;
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
