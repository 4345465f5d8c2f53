//! What the binary reads from its environment, and the one rule that keeps the demo from
//! failing open: the public demo defaults (the webhook secret from the README and the
//! demo users' fixed tokens) apply only on a loopback address, or when asked for with
//! `BLOG_DEMO=1`.

use std::net::IpAddr;

/// The webhook secret used in demo mode when `STRIPE_WEBHOOK_SECRET` is unset. Public:
/// anyone can sign events with it.
pub const DEMO_WEBHOOK_SECRET: &str = "whsec_routekit_demo";

/// The binary's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    pub host: String,
    pub port: String,
    pub database_url: String,
    /// The Stripe endpoint's signing secret.
    pub webhook_secret: String,
    /// Whether `webhook_secret` is the public demo secret.
    pub demo_secret: bool,
    /// Demo mode: seed the demo users into an empty database and allow their tokens.
    pub demo: bool,
}

impl Config {
    /// Reads `HOST` (default `127.0.0.1`), `PORT` (`3000`), `DATABASE_URL`,
    /// `STRIPE_WEBHOOK_SECRET` and `BLOG_DEMO` (`1` on, `0` off; unset: on for a loopback
    /// `HOST` only) through `var`. Outside demo mode a webhook secret is required: the
    /// error says what to set.
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Result<Config, String> {
        let var = |name: &str| var(name).filter(|value| !value.is_empty());
        let host = var("HOST").unwrap_or_else(|| "127.0.0.1".to_owned());
        let port = var("PORT").unwrap_or_else(|| "3000".to_owned());
        let database_url =
            var("DATABASE_URL").unwrap_or_else(|| crate::db::DEFAULT_DATABASE_URL.to_owned());
        let demo = match var("BLOG_DEMO").as_deref() {
            None => is_loopback(&host),
            Some("1" | "true") => true,
            Some("0" | "false") => false,
            Some(other) => return Err(format!("BLOG_DEMO must be 1 or 0, not {other:?}")),
        };
        let (webhook_secret, demo_secret) = match var("STRIPE_WEBHOOK_SECRET") {
            Some(secret) => (secret, false),
            None if demo => (DEMO_WEBHOOK_SECRET.to_owned(), true),
            None => {
                return Err(format!(
                    "refusing to start on {host}: STRIPE_WEBHOOK_SECRET is not set. Outside \
                     loopback the demo defaults (a public webhook secret, demo users with \
                     public tokens) are off: set STRIPE_WEBHOOK_SECRET to your endpoint's \
                     signing secret, or BLOG_DEMO=1 to serve the demo anyway."
                ))
            }
        };
        Ok(Config {
            host,
            port,
            database_url,
            webhook_secret,
            demo_secret,
            demo,
        })
    }

    /// `Config::from_vars` over the process environment.
    pub fn from_env() -> Result<Config, String> {
        Config::from_vars(|name| std::env::var(name).ok())
    }
}

/// `localhost` or a loopback IP (`127.0.0.0/8`, `::1`, with or without brackets). Any other
/// name counts as public: an unknown is not assumed safe.
pub fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(vars: &[(&str, &str)]) -> Result<Config, String> {
        Config::from_vars(|name| {
            vars.iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| (*value).to_owned())
        })
    }

    #[test]
    fn loopback_gets_the_demo_defaults() {
        let config = config(&[]).unwrap();
        assert!(config.demo && config.demo_secret);
        assert_eq!(config.webhook_secret, DEMO_WEBHOOK_SECRET);
        assert_eq!(
            (config.host.as_str(), config.port.as_str()),
            ("127.0.0.1", "3000")
        );
        for host in ["localhost", "127.0.0.2", "::1", "[::1]"] {
            assert!(self::config(&[("HOST", host)]).unwrap().demo, "{host}");
        }
    }

    #[test]
    fn a_public_address_needs_a_secret_or_an_explicit_demo() {
        for host in [
            "0.0.0.0",
            "::",
            "192.0.2.1",
            "example.com",
            "localhost.evil.example",
        ] {
            let error = config(&[("HOST", host)]).unwrap_err();
            assert!(error.contains("STRIPE_WEBHOOK_SECRET"), "{error}");
            assert!(error.contains("BLOG_DEMO=1"), "{error}");

            let config =
                config(&[("HOST", host), ("STRIPE_WEBHOOK_SECRET", "whsec_real")]).unwrap();
            assert!(!config.demo && !config.demo_secret, "{host}");
            assert_eq!(config.webhook_secret, "whsec_real");

            let config = self::config(&[("HOST", host), ("BLOG_DEMO", "1")]).unwrap();
            assert!(config.demo && config.demo_secret, "{host}");
        }
        let error = config(&[("HOST", "0.0.0.0"), ("STRIPE_WEBHOOK_SECRET", "")]).unwrap_err();
        assert!(
            error.contains("refusing to start"),
            "an empty secret is no secret"
        );
    }

    #[test]
    fn demo_mode_can_be_turned_off_on_loopback() {
        assert!(config(&[("BLOG_DEMO", "0")]).is_err());
        let config = config(&[("BLOG_DEMO", "0"), ("STRIPE_WEBHOOK_SECRET", "whsec_x")]).unwrap();
        assert!(!config.demo);
        assert!(self::config(&[("BLOG_DEMO", "yes")]).is_err());
    }
}
