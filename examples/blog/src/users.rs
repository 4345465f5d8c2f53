//! `/api/users`: TanStack's "REST API with multiple methods".

use routekit::prelude::*;
use serde::Deserialize;

use crate::Db;

/// The seed's `createUserSchema`.
#[derive(Deserialize, garde::Validate)]
pub struct CreateUser {
    #[garde(length(min = 1, max = 100))]
    pub name: String,
    #[garde(email)]
    pub email: String,
}

#[route("/api/users")]
pub mod collection {
    use super::*;

    pub async fn GET(req: Request, State(db): State<Db>) -> Response {
        let page: u64 = req
            .search_params()
            .get("page")
            .and_then(|p| p.parse().ok())
            .unwrap_or(1);
        let limit: u64 = req
            .search_params()
            .get("limit")
            .and_then(|l| l.parse().ok())
            .unwrap_or(10);
        let (data, total) = db.users_page(page, limit);
        Response::json(&serde_json::json!({
            "data": data,
            "pagination": { "page": page, "limit": limit, "total": total },
        }))
    }

    pub async fn POST(State(db): State<Db>, mut req: Request) -> Result<Response, ApiError> {
        let body: CreateUser = req.json().await?;
        if body.name.trim().is_empty() || !body.email.contains('@') {
            return Err(ApiError::bad_request(
                "name is required and email must be an email address",
            ));
        }
        let token = format!("{}-token", body.name.to_lowercase());
        let user = db.create_user(&body.name, &body.email, &token);
        Ok(Response::json(&user).status(201))
    }
}
