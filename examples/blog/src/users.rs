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

/// `?page=&limit=`, the seed's `parseInt(url.searchParams.get('page') || '1')` and
/// `… 'limit') || '10'`, made strict: a value that is not an integer, a `page` below 1 or a
/// `limit` outside 1–100 answers `400` in the same `fieldErrors` shape as a bad body.
pub fn pagination(req: &Request) -> Result<(i64, i64), ValidationError> {
    let params = req.search_params();
    let mut errors: Option<ValidationError> = None;
    let mut field = |name: &str, default: i64, min: i64, max: i64| -> i64 {
        let Some(raw) = params.get(name).filter(|raw| !raw.is_empty()) else {
            return default;
        };
        let message = match raw.parse::<i64>() {
            Ok(value) if (min..=max).contains(&value) => return value,
            Ok(_) => format!("must be between {min} and {max}"),
            Err(_) => "expected an integer".to_owned(),
        };
        match &mut errors {
            Some(errors) => errors.push(name, message),
            None => errors = Some(ValidationError::from_field(name, message)),
        }
        default
    };
    let page = field("page", 1, 1, i64::MAX / 100);
    let limit = field("limit", 10, 1, 100);
    match errors {
        Some(errors) => Err(errors),
        None => Ok((page, limit)),
    }
}

#[route("/api/users")]
pub mod collection {
    use super::*;

    /// `{data, pagination: {page, limit, total}}`; a bad `page` or `limit` answers `400`.
    pub async fn GET(req: Request, State(db): State<Db>) -> Result<Response, ApiError> {
        let (page, limit) = pagination(&req)?;
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
