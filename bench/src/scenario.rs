//! The implementations, the scenarios, and the one request each scenario sends.

use std::fmt;
use std::str::FromStr;

/// An implementation of the benchmark API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Impl {
    Routekit,
    Axum,
    Actix,
    Rocket,
}

impl Impl {
    pub const ALL: [Impl; 4] = [Impl::Routekit, Impl::Axum, Impl::Actix, Impl::Rocket];

    pub fn name(self) -> &'static str {
        match self {
            Impl::Routekit => "routekit",
            Impl::Axum => "axum",
            Impl::Actix => "actix",
            Impl::Rocket => "rocket",
        }
    }
}

impl fmt::Display for Impl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Impl {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Impl::ALL
            .into_iter()
            .find(|i| i.name() == s)
            .ok_or_else(|| format!("unknown implementation `{s}` (routekit, axum, actix, rocket)"))
    }
}

/// The servers of the load measure (`serve <server> <scenario> <port>`): the app and the
/// server that runs it, hand-written axum on `axum::serve` first (the baseline).
pub const SERVERS: [&str; 6] = [
    "axum",
    "routekit-axum",
    "routekit-serve",
    "routekit-serve-log",
    "actix",
    "rocket",
];

/// A scenario of the issue; 6 is split in its two requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scenario {
    /// 1. `GET /api/hello`, plain text.
    Hello,
    /// 2. `GET /api/posts/42`, typed parameter, JSON.
    Post,
    /// 3. `POST /api/users`, JSON body validated, `201`.
    CreateUser,
    /// 4. `GET /api/posts/42` behind auth (provider) and logger (around).
    Middleware,
    /// 5. scenario 2 in an app of 1,000 routes.
    ManyRoutes,
    /// 6a. `PUT /api/hello`: `405` with `Allow`.
    MethodNotAllowed,
    /// 6b. preflight `OPTIONS /api/hello`: `204` with `Allow`.
    Preflight,
}

/// One request, described so every client (tower, actix test, Rocket local, wrk) can
/// build it the same way.
#[derive(Debug, Clone, Copy)]
pub struct RequestSpec {
    pub method: &'static str,
    pub path: &'static str,
    pub headers: &'static [(&'static str, &'static str)],
    pub body: &'static str,
}

/// The number of routes of scenario 5's app.
pub const MANY_ROUTES: usize = 1000;

/// The valid body of scenario 3.
pub const CREATE_BODY: &str = r#"{"name":"Ada Lovelace","email":"ada@example.com"}"#;

impl Scenario {
    pub const ALL: [Scenario; 7] = [
        Scenario::Hello,
        Scenario::Post,
        Scenario::CreateUser,
        Scenario::Middleware,
        Scenario::ManyRoutes,
        Scenario::MethodNotAllowed,
        Scenario::Preflight,
    ];

    /// The short name used on command lines.
    pub fn key(self) -> &'static str {
        match self {
            Scenario::Hello => "hello",
            Scenario::Post => "post",
            Scenario::CreateUser => "create",
            Scenario::Middleware => "middleware",
            Scenario::ManyRoutes => "routes1000",
            Scenario::MethodNotAllowed => "405",
            Scenario::Preflight => "options",
        }
    }

    /// The label of the result tables.
    pub fn label(self) -> &'static str {
        match self {
            Scenario::Hello => "1 GET /api/hello (text)",
            Scenario::Post => "2 GET /api/posts/$id (u64, JSON)",
            Scenario::CreateUser => "3 POST /api/users (JSON, garde, 201)",
            Scenario::Middleware => "4 GET /api/posts/$id + auth + logger",
            Scenario::ManyRoutes => "5 scenario 2 among 1,000 routes",
            Scenario::MethodNotAllowed => "6a PUT on GET-only (405 + Allow)",
            Scenario::Preflight => "6b preflight OPTIONS (204 + Allow)",
        }
    }

    /// The request the benchmarks send.
    pub fn request(self) -> RequestSpec {
        const NONE: &[(&str, &str)] = &[];
        match self {
            Scenario::Hello => RequestSpec {
                method: "GET",
                path: "/api/hello",
                headers: NONE,
                body: "",
            },
            Scenario::Post | Scenario::ManyRoutes => RequestSpec {
                method: "GET",
                path: "/api/posts/42",
                headers: NONE,
                body: "",
            },
            Scenario::CreateUser => RequestSpec {
                method: "POST",
                path: "/api/users",
                headers: &[("content-type", "application/json")],
                body: CREATE_BODY,
            },
            Scenario::Middleware => RequestSpec {
                method: "GET",
                path: "/api/posts/42",
                headers: &[("authorization", crate::model::TOKEN)],
                body: "",
            },
            Scenario::MethodNotAllowed => RequestSpec {
                method: "PUT",
                path: "/api/hello",
                headers: NONE,
                body: "",
            },
            Scenario::Preflight => RequestSpec {
                method: "OPTIONS",
                path: "/api/hello",
                headers: &[
                    ("origin", "https://example.com"),
                    ("access-control-request-method", "GET"),
                ],
                body: "",
            },
        }
    }
}

impl fmt::Display for Scenario {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

impl FromStr for Scenario {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Scenario::ALL
            .into_iter()
            .find(|sc| sc.key() == s)
            .ok_or_else(|| {
                let keys: Vec<_> = Scenario::ALL.iter().map(|sc| sc.key()).collect();
                format!("unknown scenario `{s}` ({})", keys.join(", "))
            })
    }
}

/// A scenario measured against hand-written axum only: 7 uses a tower layer, which
/// actix-web and Rocket do not take; 8 compares app-wide middleware with an axum `Router`
/// layer; 9 and 10 compare prefix/suffix parameters with the axum code they replace. They
/// are measured by `suite instructions` only; the load test and the four-way `same_bytes` checks
/// run [`Scenario::ALL`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TowerScenario {
    /// Scenario 7: `GET /api/limited`, a route behind a stateful layer, `ConcurrencyLimitLayer::new(64)`.
    Limited,
    /// Scenario 8: scenario 4 with auth (provider) and logger (around) given app-wide:
    /// routekit's `routes![middleware(auth, logger); …]` against axum's
    /// `Router::layer(from_fn(…))`.
    AppWide,
    /// Scenario 9: `GET /api/posts/post-42`, a prefix parameter (`post-{$id}`, `u64`),
    /// against an axum handler taking `Path<String>` and stripping the prefix itself.
    Affixed,
    /// Scenario 10: `GET /files/42.json` where `{$id}.json`, `{$id}.txt` and a bare
    /// `$name` share the segment, against one axum handler that tells the suffixes apart.
    AffixedGroup,
}

/// The permits of scenario 7's `ConcurrencyLimitLayer`.
pub const LIMIT: usize = 64;

/// The text of scenario 7.
pub const LIMITED: &str = "limited";

impl TowerScenario {
    pub const ALL: [TowerScenario; 4] = [
        TowerScenario::Limited,
        TowerScenario::AppWide,
        TowerScenario::Affixed,
        TowerScenario::AffixedGroup,
    ];

    /// The short name used on command lines.
    pub fn key(self) -> &'static str {
        match self {
            TowerScenario::Limited => "limited",
            TowerScenario::AppWide => "appwide",
            TowerScenario::Affixed => "affixed",
            TowerScenario::AffixedGroup => "affixed-group",
        }
    }

    /// The label of the result tables.
    pub fn label(self) -> &'static str {
        match self {
            TowerScenario::Limited => "7 GET /api/limited behind ConcurrencyLimitLayer::new(64)",
            TowerScenario::AppWide => "8 GET /api/posts/$id + auth + logger app-wide",
            TowerScenario::Affixed => "9 GET /api/posts/post-{$id} (prefix parameter, u64)",
            TowerScenario::AffixedGroup => {
                "10 GET /files/{$id}.json beside {$id}.txt and $name (one segment, three routes)"
            }
        }
    }

    /// The request the benchmarks send.
    pub fn request(self) -> RequestSpec {
        match self {
            TowerScenario::Limited => RequestSpec {
                method: "GET",
                path: "/api/limited",
                headers: &[],
                body: "",
            },
            TowerScenario::AppWide => RequestSpec {
                method: "GET",
                path: "/api/posts/42",
                headers: &[("authorization", crate::model::TOKEN)],
                body: "",
            },
            TowerScenario::Affixed => RequestSpec {
                method: "GET",
                path: "/api/posts/post-42",
                headers: &[],
                body: "",
            },
            TowerScenario::AffixedGroup => RequestSpec {
                method: "GET",
                path: "/files/42.json",
                headers: &[],
                body: "",
            },
        }
    }
}

impl fmt::Display for TowerScenario {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

impl FromStr for TowerScenario {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        TowerScenario::ALL
            .into_iter()
            .find(|sc| sc.key() == s)
            .ok_or_else(|| {
                let keys: Vec<_> = TowerScenario::ALL.iter().map(|sc| sc.key()).collect();
                format!("unknown tower-only scenario `{s}` ({})", keys.join(", "))
            })
    }
}

/// `http::Request` of a spec, for the tower-service implementations (routekit, axum).
/// The request as HTTP/1.1 bytes on the wire, with `extra` header lines (each ending in
/// `\r\n`) after `host`.
pub fn wire_bytes(spec: &RequestSpec, extra: &str) -> String {
    let mut raw = format!(
        "{} {} HTTP/1.1\r\nhost: 127.0.0.1\r\n{extra}content-length: {}\r\n",
        spec.method,
        spec.path,
        spec.body.len()
    );
    for (name, value) in spec.headers {
        raw.push_str(name);
        raw.push_str(": ");
        raw.push_str(value);
        raw.push_str("\r\n");
    }
    raw.push_str("\r\n");
    raw.push_str(spec.body);
    raw
}

pub fn http_request(spec: &RequestSpec) -> http::Request<axum::body::Body> {
    let mut builder = http::Request::builder().method(spec.method).uri(spec.path);
    for &(name, value) in spec.headers {
        builder = builder.header(name, value);
    }
    builder
        .body(axum::body::Body::from(spec.body))
        .expect("a valid request")
}
