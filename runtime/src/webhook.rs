//! Stripe's webhook signature check (feature `webhook`).
//!
//! Stripe signs every event it posts: the `stripe-signature` header carries a timestamp and
//! an HMAC-SHA256 of `"{timestamp}.{raw body}"` keyed with the endpoint's secret
//! (`whsec_…`). Checking it proves the event came from Stripe and was not replayed long
//! after; [`verify_stripe`] does what stripe-node's `stripe.webhooks.constructEvent` does
//! before it parses the event.
//!
//! The signature covers the exact bytes Stripe sent, so read the body raw with
//! [`Request::bytes`](crate::Request::bytes), verify, and only then parse it: JSON that was
//! parsed and re-serialized no longer matches.
//!
//! ```no_run
//! use routekit::prelude::*;
//!
//! #[route(POST, "/api/webhooks/stripe")]
//! pub async fn stripe_webhook(mut req: Request) -> Result<Response, ApiError> {
//!     let secret = std::env::var("STRIPE_WEBHOOK_SECRET").map_err(ApiError::internal)?;
//!     let body = req.bytes().await?;
//!     let Some(sig) = req.header("stripe-signature") else {
//!         return Ok(Response::error(400, "Missing signature"));
//!     };
//!     // A failed check answers `400` through `From<WebhookError> for ApiError`.
//!     routekit::webhook::verify_stripe(&body, sig, &secret)?;
//!     let event: serde_json::Value = serde_json::from_slice(&body)?;
//!     // … handle `event["type"]` …
//!     # let _ = event;
//!     Ok(Response::json(&serde_json::json!({ "received": true })))
//! }
//! ```
//!
//! [`sign_stripe`] builds the header for a payload, to test such a handler or to send it
//! test events, like stripe-node's `generateTestHeaderString`.

use std::fmt;
use std::time::{Duration, SystemTime};

use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// The only signature scheme Stripe uses for live events; others (`v0`) are ignored.
const SCHEME: &str = "v1";

/// How old (or, here, how far in the future) a signed timestamp may be: 5 minutes, Stripe's
/// own default, long enough for delivery and clock skew, short enough to limit replays.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

/// Why a webhook failed verification.
///
/// The messages name the failure and never the expected signature or the secret, so they
/// are safe to log and to answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum WebhookError {
    /// The header has no `t=` item, more than one, or one that is not a decimal number of
    /// seconds.
    MalformedHeader,
    /// The header has no `v1=` signature (only other schemes, such as `v0`).
    NoSignatures,
    /// No `v1` signature matches the payload under this secret: a wrong secret, an altered
    /// body or timestamp, or a forged request.
    SignatureMismatch,
    /// The signature is genuine but its timestamp is further than the tolerance from now:
    /// a replay, or a clock badly off.
    OutsideTolerance,
}

impl fmt::Display for WebhookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::MalformedHeader => "malformed webhook signature header",
            Self::NoSignatures => "no v1 webhook signature in header",
            Self::SignatureMismatch => "webhook signature does not match payload",
            Self::OutsideTolerance => "webhook timestamp outside the tolerance window",
        })
    }
}

impl std::error::Error for WebhookError {}

/// Verifies a Stripe `stripe-signature` header against the raw request body, now, with
/// [`DEFAULT_TOLERANCE`]. See [`verify_stripe_at`] for the rules.
pub fn verify_stripe(
    payload: &[u8],
    signature_header: &str,
    secret: &str,
) -> Result<(), WebhookError> {
    verify_stripe_at(
        payload,
        signature_header,
        secret,
        DEFAULT_TOLERANCE,
        SystemTime::now(),
    )
}

/// Verifies a Stripe `stripe-signature` header against the raw request body, with an
/// explicit tolerance and clock (for tests, or to replay stored events).
///
/// - The header is comma-separated `key=value` items (whitespace around them is ignored):
///   exactly one `t=<unix seconds>`, and any number of `v1=<hex>`; other keys (`v0`) are
///   ignored, as Stripe's libraries do.
/// - The payload passes if any `v1` equals HMAC-SHA256 of `"{t}.{payload}"` keyed with
///   `secret` (the `whsec_…` string as is). Each comparison is constant-time
///   ([`Mac::verify_slice`]), so timing reveals nothing about the expected signature.
/// - The timestamp is checked only once a signature matched, as Stripe does, so
///   [`WebhookError::OutsideTolerance`] always means a genuine but stale (or early) event.
///   It is rejected when `now - t > tolerance` (exactly `tolerance` old still passes) and
///   also when `t - now > tolerance`: stricter than Stripe's libraries, which accept any
///   future timestamp, so that a signature captured from a sender whose clock runs ahead
///   cannot be replayed for longer than the window.
/// - `tolerance == Duration::ZERO` disables the timestamp check, as a tolerance of `0` does
///   in stripe-node. That leaves replays unchecked: use it only for stored events.
///
/// An empty `secret` is not rejected (HMAC accepts any key), but it is a configuration
/// error: anyone can sign with it. Check the secret once at start-up.
pub fn verify_stripe_at(
    payload: &[u8],
    signature_header: &str,
    secret: &str,
    tolerance: Duration,
    now: SystemTime,
) -> Result<(), WebhookError> {
    let header = parse_header(signature_header)?;
    if header.signatures.is_empty() {
        return Err(WebhookError::NoSignatures);
    }

    let expected = mac(payload, secret, header.timestamp);
    let matched = header.signatures.iter().any(|signature| {
        // A `v1` that is not hex (or empty) is a signature that does not match, not a
        // malformed header, as in stripe-node.
        hex::decode(signature).is_ok_and(|bytes| expected.clone().verify_slice(&bytes).is_ok())
    });
    if !matched {
        return Err(WebhookError::SignatureMismatch);
    }

    if !tolerance.is_zero() {
        // Whole seconds, like the header; a clock before 1970 counts as 1970.
        let now = now
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |since| since.as_secs());
        let tolerance = tolerance.as_secs();
        if now.abs_diff(header.timestamp) > tolerance {
            return Err(WebhookError::OutsideTolerance);
        }
    }
    Ok(())
}

/// Builds a `stripe-signature` header, `t={timestamp},v1={hex}`, for `payload` signed with
/// `secret`: to test a webhook handler or send it test events, like stripe-node's
/// `generateTestHeaderString`.
///
/// ```
/// use std::time::{SystemTime, UNIX_EPOCH};
/// use routekit::webhook::{sign_stripe, verify_stripe, WebhookError};
///
/// let body = br#"{"id":"evt_1","type":"checkout.session.completed"}"#;
/// let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs();
/// let header = sign_stripe(body, "whsec_test", now);
/// assert!(verify_stripe(body, &header, "whsec_test").is_ok());
///
/// // Another secret, or a body changed after signing, fails.
/// assert!(matches!(verify_stripe(body, &header, "whsec_other"), Err(WebhookError::SignatureMismatch)));
/// ```
pub fn sign_stripe(payload: &[u8], secret: &str, timestamp: u64) -> String {
    let signature = mac(payload, secret, timestamp).finalize().into_bytes();
    format!("t={timestamp},{SCHEME}={}", hex::encode(signature))
}

/// HMAC-SHA256 of `"{timestamp}.{payload}"`, not yet finalized.
fn mac(payload: &[u8], secret: &str, timestamp: u64) -> HmacSha256 {
    let mut mac =
        HmacSha256::new_from_slice(secret.as_bytes()).expect("HMAC accepts keys of any length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(payload);
    mac
}

struct Header<'a> {
    timestamp: u64,
    signatures: Vec<&'a str>,
}

fn parse_header(header: &str) -> Result<Header<'_>, WebhookError> {
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for item in header.split(',') {
        // Items without `=` are ignored like unknown keys; a lone `t` leaves no timestamp.
        let Some((key, value)) = item.split_once('=') else {
            continue;
        };
        let value = value.trim();
        match key.trim() {
            "t" => {
                // Digits only: `u64::from_str` would also take a leading `+`. Two `t` items
                // are ambiguous about what was signed, so they are rejected.
                let valid = !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit());
                let parsed = value.parse().ok().filter(|_| valid);
                match (parsed, timestamp) {
                    (Some(parsed), None) => timestamp = Some(parsed),
                    _ => return Err(WebhookError::MalformedHeader),
                }
            }
            SCHEME => signatures.push(value),
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or(WebhookError::MalformedHeader)?;
    Ok(Header {
        timestamp,
        signatures,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ApiError;

    const SECRET: &str = "whsec_test";
    const PAYLOAD: &[u8] = br#"{"id":"evt_1"}"#;
    const T: u64 = 1_700_000_000;
    // python3 -c 'import hmac,hashlib; print(hmac.new(b"whsec_test", b"1700000000.{\"id\":\"evt_1\"}", hashlib.sha256).hexdigest())'
    const KNOWN: &str = "c89214b5b5da833daed6f0b8c5bb6bd58cea9022bd80ccc78230f3942d632925";

    fn at(seconds: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(seconds)
    }

    fn verify(header: &str) -> Result<(), WebhookError> {
        verify_stripe_at(PAYLOAD, header, SECRET, DEFAULT_TOLERANCE, at(T))
    }

    #[test]
    fn known_vector() {
        assert_eq!(sign_stripe(PAYLOAD, SECRET, T), format!("t={T},v1={KNOWN}"));
        assert_eq!(verify(&format!("t={T},v1={KNOWN}")), Ok(()));
    }

    #[test]
    fn round_trip() {
        let payload = b"any bytes \x00\xff at all";
        let header = sign_stripe(payload, "whsec_other", 42);
        assert_eq!(
            verify_stripe_at(payload, &header, "whsec_other", DEFAULT_TOLERANCE, at(42)),
            Ok(())
        );
    }

    #[test]
    fn round_trip_now() {
        let now = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let header = sign_stripe(PAYLOAD, SECRET, now);
        assert_eq!(verify_stripe(PAYLOAD, &header, SECRET), Ok(()));
    }

    #[test]
    fn wrong_secret() {
        let header = sign_stripe(PAYLOAD, "whsec_wrong", T);
        assert_eq!(verify(&header), Err(WebhookError::SignatureMismatch));
    }

    #[test]
    fn tampered_body() {
        let header = sign_stripe(PAYLOAD, SECRET, T);
        assert_eq!(
            verify_stripe_at(
                br#"{"id":"evt_2"}"#,
                &header,
                SECRET,
                DEFAULT_TOLERANCE,
                at(T)
            ),
            Err(WebhookError::SignatureMismatch)
        );
    }

    #[test]
    fn tampered_timestamp() {
        // The signature of T under a header claiming T + 1.
        let header = format!("t={},v1={KNOWN}", T + 1);
        assert_eq!(verify(&header), Err(WebhookError::SignatureMismatch));
    }

    #[test]
    fn one_good_among_several() {
        let bad = "0".repeat(64);
        assert_eq!(
            verify(&format!("t={T},v1={bad},v1={KNOWN},v0={bad}")),
            Ok(())
        );
        assert_eq!(verify(&format!("t={T},v1={KNOWN},v1={bad}")), Ok(()));
        assert_eq!(
            verify(&format!("v1={bad},v1=nothex,v1=,t={T},v1={KNOWN}")),
            Ok(())
        );
        assert_eq!(
            verify(&format!("t={T},v1={bad},v1=nothex,v1=")),
            Err(WebhookError::SignatureMismatch)
        );
    }

    #[test]
    fn truncated_signature() {
        assert_eq!(
            verify(&format!("t={T},v1={}", &KNOWN[..32])),
            Err(WebhookError::SignatureMismatch)
        );
    }

    #[test]
    fn v0_only() {
        // Even a correct MAC under another scheme name is not accepted.
        assert_eq!(
            verify(&format!("t={T},v0={KNOWN}")),
            Err(WebhookError::NoSignatures)
        );
        assert_eq!(verify(&format!("t={T}")), Err(WebhookError::NoSignatures));
    }

    #[test]
    fn malformed_headers() {
        for header in [
            "",
            " ",
            ",,,",
            "garbage",
            "t",
            "t=",
            "t=abc",
            "t=-1",
            "t=+1700000000",
            "t=1.5",
            "t=99999999999999999999999",
            &format!("v1={KNOWN}"),
            &format!("t=abc,v1={KNOWN}"),
            &format!("t={T},t={T},v1={KNOWN}"),
            &format!("T={T},v1={KNOWN}"),
        ] {
            assert_eq!(
                verify(header),
                Err(WebhookError::MalformedHeader),
                "{header:?}"
            );
        }
    }

    #[test]
    fn too_old_and_too_far_in_the_future() {
        let header = sign_stripe(PAYLOAD, SECRET, T);
        let check = |now| verify_stripe_at(PAYLOAD, &header, SECRET, DEFAULT_TOLERANCE, at(now));
        assert_eq!(check(T + 301), Err(WebhookError::OutsideTolerance));
        assert_eq!(check(T + 86_400), Err(WebhookError::OutsideTolerance));
        assert_eq!(check(T - 301), Err(WebhookError::OutsideTolerance));
        assert_eq!(check(0), Err(WebhookError::OutsideTolerance));
    }

    #[test]
    fn tolerance_boundary() {
        let header = sign_stripe(PAYLOAD, SECRET, T);
        let check = |now| verify_stripe_at(PAYLOAD, &header, SECRET, DEFAULT_TOLERANCE, at(now));
        assert_eq!(check(T + 300), Ok(()));
        assert_eq!(check(T - 300), Ok(()));
        // Sub-second parts of `now` are dropped, as the header only has seconds.
        let just_under = at(T + 300) + Duration::from_millis(999);
        assert_eq!(
            verify_stripe_at(PAYLOAD, &header, SECRET, DEFAULT_TOLERANCE, just_under),
            Ok(())
        );
        let short = Duration::from_secs(10);
        assert_eq!(
            verify_stripe_at(PAYLOAD, &header, SECRET, short, at(T + 10)),
            Ok(())
        );
        assert_eq!(
            verify_stripe_at(PAYLOAD, &header, SECRET, short, at(T + 11)),
            Err(WebhookError::OutsideTolerance)
        );
    }

    #[test]
    fn zero_tolerance_disables_window() {
        let header = sign_stripe(PAYLOAD, SECRET, T);
        for now in [0, T - 1_000_000, T + 1_000_000] {
            assert_eq!(
                verify_stripe_at(PAYLOAD, &header, SECRET, Duration::ZERO, at(now)),
                Ok(())
            );
        }
    }

    #[test]
    fn signature_checked_before_timestamp() {
        // A forged stale request learns only that the signature is wrong.
        let header = sign_stripe(PAYLOAD, "whsec_wrong", T);
        assert_eq!(
            verify_stripe_at(PAYLOAD, &header, SECRET, DEFAULT_TOLERANCE, at(T + 10_000)),
            Err(WebhookError::SignatureMismatch)
        );
    }

    #[test]
    fn whitespace() {
        assert_eq!(verify(&format!(" t={T} , v1={KNOWN} ")), Ok(()));
        assert_eq!(verify(&format!("t = {T},\tv1 = {KNOWN}\n")), Ok(()));
        assert_eq!(verify(&format!("t={T}, v0=abc, v1={KNOWN}")), Ok(()));
    }

    #[test]
    fn api_error_is_400_without_secrets() {
        let error = ApiError::from(WebhookError::SignatureMismatch);
        assert_eq!(error.status(), http::StatusCode::BAD_REQUEST);
        assert_eq!(error.error(), "Invalid signature");
        for error in [
            WebhookError::MalformedHeader,
            WebhookError::NoSignatures,
            WebhookError::SignatureMismatch,
            WebhookError::OutsideTolerance,
        ] {
            let api = ApiError::from(error);
            assert_eq!(api.status(), http::StatusCode::BAD_REQUEST);
            assert!(!api.to_string().contains(SECRET));
            assert!(!error.to_string().is_empty());
        }
    }
}
