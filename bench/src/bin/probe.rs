//! What the suite runs under `valgrind --tool=callgrind` and times:
//!
//! ```text
//! probe instr <routekit|axum|none> <scenario key | tower-only scenario key | routes:N> <requests>
//! probe build-time <routekit|axum> <routes> <repetitions>
//! probe wire <axum|routekit-axum|routekit-serve> <scenario key> <requests>
//! ```
//!
//! `wire` serves the scenario's app on a loopback socket from the same single-threaded
//! runtime (`axum::serve` or `routekit::serve` with every default on) and sends `requests`
//! requests over one kept-alive connection from a raw client in the same loop, inside
//! `routekit_bench_measure`: the server's whole cost per request (hyper, the server's
//! layers, the app) plus a client and the kernel's loopback that are the same for every
//! server, so differences between servers are the servers'.
//!
//! `instr` builds the app, sends 100 warm-up requests, then `requests` more inside
//! `routekit_bench_measure`, the one function callgrind collects (`--collect-atstart=no
//! --toggle-collect=routekit_bench_measure`): the router called as a tower service on a
//! single-threaded runtime, each request built inside the loop the same way for every
//! implementation, each response body read to the end. `none` builds and drops the
//! requests without a router, the cost to subtract for the router alone.
//!
//! The apps of `Scenario` are measured as the apps module builds them (a `Router<()>`
//! called directly); those of `TowerScenario` (a route behind a tower layer) are finalised
//! with `with_state(())` by both implementations, as `axum::serve` does: axum applies a
//! layer given to a handler's `MethodRouter` only then, and otherwise every request would
//! build it anew.

use std::hint::black_box;
use std::time::Instant;

use axum::body::Body;
use http_body_util::BodyExt;
use routekit_bench::apps;
use routekit_bench::scenario::{http_request, wire_bytes, RequestSpec};
use routekit_bench::{Scenario, TowerScenario};
use tower::Service;

fn app_for(imp: &str, target: &str) -> Option<axum::Router> {
    let app = match target.strip_prefix("routes:") {
        Some(n) => {
            let n: usize = n.parse().expect("routes:N");
            match imp {
                "routekit" => apps::routekit::app_with_routes(n).unwrap_or_else(|| {
                    panic!("no routekit app of {n} routes in this build (10000 needs `--features routes-10k`)")
                }),
                "axum" => apps::axum::app_with_routes(n),
                _ => return None,
            }
        }
        None => match target.parse::<Scenario>() {
            Ok(scenario) => match imp {
                "routekit" => apps::routekit::app(scenario),
                "axum" => apps::axum::app(scenario),
                _ => return None,
            },
            Err(_) => {
                let scenario: TowerScenario = target.parse().unwrap();
                match imp {
                    "routekit" => apps::routekit::tower_app(scenario),
                    "axum" => apps::axum::tower_app(scenario),
                    _ => return None,
                }
            }
        },
    };
    // Finalised as `routekit::serve` and `axum::serve` finalise a router before serving it:
    // route layers built, handlers turned into routes once rather than per request.
    Some(app.with_state(()))
}

fn spec_for(target: &str) -> RequestSpec {
    match target.strip_prefix("routes:") {
        Some(_) => Scenario::Post.request(),
        None => match target.parse::<Scenario>() {
            Ok(scenario) => scenario.request(),
            Err(_) => target.parse::<TowerScenario>().unwrap().request(),
        },
    }
}

async fn send(app: &axum::Router, spec: &RequestSpec) -> usize {
    let req = http_request(spec);
    let res = app.clone().call(req).await.unwrap();
    let status = res.status();
    let body = Body::new(res.into_body())
        .collect()
        .await
        .unwrap()
        .to_bytes();
    assert!(
        status.as_u16() < 500,
        "{} {}: {status}",
        spec.method,
        spec.path
    );
    body.len()
}

/// The measured region: `requests` requests through `app` (or only built, without one).
#[inline(never)]
#[unsafe(no_mangle)]
pub fn routekit_bench_measure(
    runtime: &tokio::runtime::Runtime,
    app: Option<&axum::Router>,
    spec: &RequestSpec,
    requests: usize,
) -> usize {
    runtime.block_on(async {
        let mut bytes = 0;
        for _ in 0..requests {
            match app {
                Some(app) => bytes += send(app, spec).await,
                None => drop(black_box(http_request(spec))),
            }
        }
        bytes
    })
}

fn instr(imp: &str, target: &str, requests: usize) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let app = app_for(imp, target);
    let spec = spec_for(target);
    routekit_bench_measure(&runtime, app.as_ref(), &spec, 0);
    for _ in 0..100 {
        match &app {
            Some(app) => {
                runtime.block_on(send(app, &spec));
            }
            None => drop(black_box(http_request(&spec))),
        }
    }
    let bytes = routekit_bench_measure(&runtime, app.as_ref(), &spec, requests);
    black_box(bytes);
}

/// One request written as bytes (keep-alive), and its answer read to the end of its body.
async fn wire_request(stream: &mut tokio::net::TcpStream, raw: &[u8], buf: &mut Vec<u8>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    stream.write_all(raw).await.unwrap();
    buf.clear();
    loop {
        let mut chunk = [0u8; 4096];
        let n = stream.read(&mut chunk).await.unwrap();
        assert!(n > 0, "the server closed the connection");
        buf.extend_from_slice(&chunk[..n]);
        let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") else {
            continue;
        };
        let head = std::str::from_utf8(&buf[..end])
            .unwrap()
            .to_ascii_lowercase();
        let length: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .map_or(0, |v| v.trim().parse().unwrap());
        if buf.len() >= end + 4 + length {
            assert!(!head.starts_with("http/1.1 5"), "{head}");
            return;
        }
    }
}

#[inline(never)]
#[unsafe(no_mangle)]
pub fn routekit_bench_measure_wire(
    runtime: &tokio::runtime::Runtime,
    stream: &mut tokio::net::TcpStream,
    raw: &[u8],
    requests: usize,
) {
    runtime.block_on(async {
        let mut buf = Vec::with_capacity(4096);
        for _ in 0..requests {
            wire_request(stream, raw, &mut buf).await;
        }
    })
}

fn wire(server: &str, scenario: &str, requests: usize) {
    let scenario: Scenario = scenario.parse().unwrap();
    let spec = scenario.request();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut stream = runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        match server {
            "axum" => {
                tokio::spawn(async move { axum::serve(listener, apps::axum::app(scenario)).await });
            }
            "routekit-axum" => {
                tokio::spawn(
                    async move { axum::serve(listener, apps::routekit::app(scenario)).await },
                );
            }
            "routekit-serve" => {
                tokio::spawn(routekit::serve_on(apps::routekit::app(scenario), listener));
            }
            other => panic!("unknown server {other}"),
        }
        let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        stream.set_nodelay(true).unwrap();
        stream
    });
    let raw = wire_bytes(&spec, "");
    routekit_bench_measure_wire(&runtime, &mut stream, raw.as_bytes(), 100);
    routekit_bench_measure_wire(&runtime, &mut stream, raw.as_bytes(), requests);
}

fn build_time(imp: &str, routes: usize, repetitions: usize) {
    let target = format!("routes:{routes}");
    let mut times = Vec::with_capacity(repetitions);
    for _ in 0..repetitions {
        let start = Instant::now();
        let app = app_for(imp, &target).expect("routekit or axum");
        let elapsed = start.elapsed();
        drop(black_box(app));
        times.push(elapsed.as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    println!("build-time {imp} {routes} median_ms {median:.3}");
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["instr", imp, target, requests] => instr(imp, target, requests.parse().unwrap()),
        ["wire", server, scenario, requests] => wire(server, scenario, requests.parse().unwrap()),
        ["build-time", imp, routes, repetitions] => {
            build_time(imp, routes.parse().unwrap(), repetitions.parse().unwrap())
        }
        _ => {
            eprintln!(
                "usage: probe instr <routekit|axum|none> <scenario|routes:N> <requests>\n       probe build-time <routekit|axum> <routes> <repetitions>\n       probe wire <axum|routekit-axum|routekit-serve> <scenario> <requests>"
            );
            std::process::exit(2);
        }
    }
}
