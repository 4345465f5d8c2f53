//! `POST /api/webhooks/stripe`: TanStack's webhook handler, with Stripe's signature scheme
//! checked by `routekit::webhook`.

use routekit::prelude::*;
use serde::Deserialize;

use crate::{Db, StripeSecret};

/// The part of a Stripe event the blog records.
#[derive(Deserialize)]
struct Event {
    id: String,
    #[serde(rename = "type")]
    kind: String,
}

#[route(POST, "/api/webhooks/stripe")]
pub async fn stripe(
    State(db): State<Db>,
    State(secret): State<StripeSecret>,
    mut req: Request,
) -> Result<Response, ApiError> {
    let body = req.bytes().await?;
    let Some(signature) = req.header("stripe-signature") else {
        return Ok(Response::error(400, "Missing signature"));
    };
    if let Err(error) = routekit::webhook::verify_stripe(&body, signature, &secret.0) {
        tracing::warn!(%error, "webhook refused");
        return Ok(Response::error(400, "Webhook failed"));
    }
    let Ok(event) = serde_json::from_slice::<Event>(&body) else {
        tracing::warn!("webhook refused: signed body is not a Stripe event");
        return Ok(Response::error(400, "Webhook failed"));
    };
    match event.kind.as_str() {
        "checkout.session.completed" | "customer.subscription.updated" => {
            db.record_event(&event.id, &event.kind).await?;
        }
        _ => {}
    }
    Ok(Response::json(&serde_json::json!({ "received": true })))
}
