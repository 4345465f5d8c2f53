//! The whole benchmark suite, run by `bench/run`: instructions per request (callgrind),
//! route-count scaling, loopback load (wrk) and compile time, printed as tables of ratios
//! and written to `bench/results/latest.md`.
//!
//! ```text
//! suite [instructions] [scaling] [load] [compile] [--quick] [--sizes=N,M]
//! ```
//!
//! With no part named, every part runs. `--quick` shortens the load rounds and the
//! compile sizes, to check the suite itself; its figures are not the published ones.
//! `--sizes=200,500` runs `compile` at those route counts only; `--repo=DIR` builds its
//! apps against another checkout's runtime (an A/B against an earlier commit).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use routekit_bench::scenario::{wire_bytes, RequestSpec};
use routekit_bench::{Scenario, TowerScenario, SERVERS};

/// Requests per callgrind measure (the difference of a run with this many and one with none).
const CALLGRIND_REQUESTS: usize = 2000;
/// Connections of the load generator.
const CONNECTIONS: usize = 32;

struct Options {
    quick: bool,
    bin_dir: PathBuf,
    repo: PathBuf,
    work: PathBuf,
    /// `--openapi`: the routekit apps of `compile` built with the `openapi` feature on.
    openapi: bool,
    /// `--sizes=200,500`: the route counts of `compile`, instead of 50, 200, 500 and 1,000.
    sizes: Option<Vec<usize>>,
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let quick = args.iter().any(|a| a == "--quick");
    let openapi = args.iter().any(|a| a == "--openapi");
    let sizes = args
        .iter()
        .find_map(|a| a.strip_prefix("--sizes="))
        .map(|list| {
            list.split(',')
                .map(|n| n.parse().expect("--sizes=N,M takes route counts"))
                .collect()
        });
    let mut parts: Vec<&str> = args
        .iter()
        .map(String::as_str)
        .filter(|a| !a.starts_with("--"))
        .collect();
    for part in &parts {
        if !["instructions", "scaling", "load", "compile"].contains(part) {
            eprintln!(
                "usage: suite [instructions] [scaling] [load] [compile] [--quick] [--openapi] [--sizes=N,M] [--repo=DIR]"
            );
            std::process::exit(2);
        }
    }
    if parts.is_empty() {
        parts = vec!["instructions", "scaling", "load", "compile"];
    }
    let bin_dir = std::env::current_exe()
        .unwrap()
        .parent()
        .unwrap()
        .to_path_buf();
    // `--repo=DIR`: the routekit checkout whose runtime the compile apps build (an A/B
    // against another commit's worktree), this one's by default.
    let repo = match args.iter().find_map(|a| a.strip_prefix("--repo=")) {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .unwrap()
            .to_path_buf(),
    };
    let work = std::env::temp_dir().join("routekit-bench");
    std::fs::create_dir_all(&work).unwrap();
    let options = Options {
        quick,
        openapi,
        sizes,
        bin_dir,
        repo,
        work,
    };

    let started = Instant::now();
    let mut report = String::new();
    writeln!(report, "# routekit benchmark results\n").unwrap();
    if quick {
        writeln!(
            report,
            "**`--quick` run: shortened, not for publishing.**\n"
        )
        .unwrap();
    }
    report.push_str(&machine());
    for part in &parts {
        eprintln!("== {part}");
        let section = match *part {
            "instructions" => instructions(&options),
            "scaling" => scaling(&options),
            "load" => load(&options),
            "compile" => compile(&options),
            _ => unreachable!(),
        };
        println!("{section}");
        report.push_str(&section);
        report.push('\n');
    }
    writeln!(
        report,
        "_Suite ran in {:.1} min._",
        started.elapsed().as_secs_f64() / 60.0
    )
    .unwrap();
    let results = options.repo.join("bench/results");
    std::fs::create_dir_all(&results).unwrap();
    let name = if parts.len() == 4 && !quick {
        "latest.md".to_owned()
    } else {
        format!("partial-{}.md", parts.join("-"))
    };
    std::fs::write(results.join(&name), &report).unwrap();
    eprintln!("written to bench/results/{name}");
}

fn run(cmd: &mut Command) -> String {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("running {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn first_line(cmd: &mut Command) -> String {
    cmd.output()
        .ok()
        .and_then(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .next()
                .map(str::to_owned)
        })
        .unwrap_or_else(|| "?".to_owned())
}

fn machine() -> String {
    let mut out = String::from("## Machine\n\n```text\n");
    let date = first_line(Command::new("date").arg("-u").arg("+%Y-%m-%d %H:%M UTC"));
    let nproc = first_line(&mut Command::new("nproc"));
    writeln!(out, "date      {date}\nnproc     {nproc}").unwrap();
    if let Ok(o) = Command::new("lscpu").output() {
        for line in String::from_utf8_lossy(&o.stdout).lines().filter(|l| {
            [
                "Architecture",
                "Model name",
                "CPU(s):",
                "Thread(s) per core",
                "CPU max MHz",
                "L2 cache",
                "L3 cache",
                "Hypervisor vendor",
            ]
            .iter()
            .any(|k| l.trim_start().starts_with(k))
        }) {
            writeln!(out, "{}", line.trim()).unwrap();
        }
    }
    let loadavg = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    writeln!(
        out,
        "load avg  {}\nrustc     {}\nvalgrind  {}\nwrk       {}",
        loadavg.trim(),
        first_line(Command::new("rustc").arg("-V")),
        first_line(Command::new("valgrind").arg("--version")),
        first_line(Command::new("wrk").arg("-v")),
    )
    .unwrap();
    out.push_str("```\n\n");
    out
}

fn pct(ratio: f64) -> String {
    format!("{:+.1}%", (ratio - 1.0) * 100.0)
}

// ---------------------------------------------------------------------------------------
// Instructions per request

/// Instructions callgrind counts inside `routekit_bench_measure` for `requests` requests.
fn callgrind(options: &Options, imp: &str, target: &str, requests: usize) -> u64 {
    let file = options.work.join(format!(
        "callgrind.{imp}.{}.{requests}.out",
        target.replace(':', "")
    ));
    let status = Command::new("valgrind")
        .arg("--tool=callgrind")
        .arg("--collect-atstart=no")
        .arg("--toggle-collect=routekit_bench_measure")
        .arg(format!("--callgrind-out-file={}", file.display()))
        .arg(options.bin_dir.join("probe"))
        .args(["instr", imp, target, &requests.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("valgrind (apt-get install valgrind)");
    assert!(
        status.success(),
        "callgrind of probe {imp} {target} {requests} failed"
    );
    let text = std::fs::read_to_string(&file).unwrap();
    text.lines()
        .find_map(|l| {
            l.strip_prefix("summary:")
                .or_else(|| l.strip_prefix("totals:"))
        })
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no instruction total in {}", file.display()))
}

/// Instructions of one request: the difference of a run with `CALLGRIND_REQUESTS` requests
/// and one with none, so the runtime's own cost of entering `block_on` cancels out.
fn per_request(options: &Options, imp: &str, target: &str) -> f64 {
    let with = callgrind(options, imp, target, CALLGRIND_REQUESTS);
    let without = callgrind(options, imp, target, 0);
    eprintln!("  {imp:<8} {target:<12} {with} - {without}");
    (with - without) as f64 / CALLGRIND_REQUESTS as f64
}

fn instructions(options: &Options) -> String {
    let mut out = String::new();
    writeln!(
        out,
        "## Instructions per request (callgrind, in process)\n\n\
         The router called as a tower service on a current-thread runtime, response body read to\n\
         the end; mean over {CALLGRIND_REQUESTS} requests after 100 warm-up ones. \"request\" is the cost of\n\
         building and dropping that scenario's `http::Request` in the loop without a router (the same\n\
         for both); \"router only\" is the ratio with it subtracted. Scenario 7 (a tower layer,\n\
         routekit and axum only) is measured on routers finalised with `with_state(())`, as\n\
         `axum::serve` runs them.\n\n\
         | scenario | routekit | axum | routekit / axum | request | router only |\n|---|---:|---:|---:|---:|---:|"
    )
    .unwrap();
    let scenarios = Scenario::ALL
        .iter()
        .map(|s| (s.key(), s.label()))
        .chain(TowerScenario::ALL.iter().map(|s| (s.key(), s.label())));
    for (key, label) in scenarios {
        let baseline = per_request(options, "none", key);
        let ours = per_request(options, "routekit", key);
        let theirs = per_request(options, "axum", key);
        writeln!(
            out,
            "| {label} | {ours:.0} | {theirs:.0} | {:.3} ({}) | {baseline:.0} | {:.3} |",
            ours / theirs,
            pct(ours / theirs),
            (ours - baseline) / (theirs - baseline)
        )
        .unwrap();
    }
    out
}

// ---------------------------------------------------------------------------------------
// Route-count scaling

fn scaling(options: &Options) -> String {
    let mut out = String::new();
    writeln!(
        out,
        "## Route-count scaling\n\n\
         Scenario 2's request in apps of N routes (routekit: every route a `#[route]` item,\n\
         generated by `bench/build.rs`; axum: `.route` in a loop). Instructions per request:\n\n\
         | routes | routekit | axum | routekit / axum |\n|---:|---:|---:|---:|"
    )
    .unwrap();
    for n in [1, 100, 1000, 10000] {
        let target = format!("routes:{n}");
        let ours = per_request(options, "routekit", &target);
        let theirs = per_request(options, "axum", &target);
        writeln!(
            out,
            "| {n} | {ours:.0} | {theirs:.0} | {:.3} ({}) |",
            ours / theirs,
            pct(ours / theirs)
        )
        .unwrap();
    }
    writeln!(
        out,
        "\nRouter build time (median of 7 builds, release):\n\n\
         | routes | routekit | axum | routekit / axum |\n|---:|---:|---:|---:|"
    )
    .unwrap();
    for n in [1000, 10000] {
        let ms = |imp: &str| -> f64 {
            let text = run(Command::new(options.bin_dir.join("probe")).args([
                "build-time",
                imp,
                &n.to_string(),
                "7",
            ]));
            text.split_whitespace().last().unwrap().parse().unwrap()
        };
        let (ours, theirs) = (ms("routekit"), ms("axum"));
        writeln!(
            out,
            "| {n} | {ours:.1} ms | {theirs:.1} ms | {:.2}× |",
            ours / theirs
        )
        .unwrap();
    }
    out
}

// ---------------------------------------------------------------------------------------
// Loopback load

struct Server {
    child: Child,
    port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_server(options: &Options, name: &str, scenario: Scenario, port: u16) -> Server {
    let child = Command::new("taskset")
        .args(["-c", "0"])
        .arg(options.bin_dir.join("serve"))
        .args([name, scenario.key(), &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("taskset (util-linux)");
    let server = Server { child, port };
    let deadline = Instant::now() + Duration::from_secs(20);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "{name} did not listen on {port} in time"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    server
}

/// One request over a fresh connection: the status, to check the server answers the
/// scenario as the in-process tests say before loading it.
fn status_over_http(port: u16, spec: &RequestSpec) -> u16 {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let req = wire_bytes(spec, "connection: close\r\n");
    stream.write_all(req.as_bytes()).unwrap();
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

fn expected_status(scenario: Scenario) -> u16 {
    match scenario {
        Scenario::CreateUser => 201,
        Scenario::MethodNotAllowed => 405,
        Scenario::Preflight => 204,
        _ => 200,
    }
}

fn lua_script(options: &Options, scenario: Scenario) -> PathBuf {
    let spec = scenario.request();
    let mut lua = format!("wrk.method = {:?}\n", spec.method);
    if !spec.body.is_empty() {
        writeln!(lua, "wrk.body = '{}'", spec.body).unwrap();
    }
    for (name, value) in spec.headers {
        writeln!(lua, "wrk.headers[{name:?}] = {value:?}").unwrap();
    }
    let path = options.work.join(format!("{}.lua", scenario.key()));
    std::fs::write(&path, lua).unwrap();
    path
}

#[derive(Default, Clone)]
struct Load {
    rps: Vec<f64>,
    p50: Vec<f64>,
    p99: Vec<f64>,
}

fn median(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// A wrk latency such as `1.23ms` in microseconds.
fn micros(text: &str) -> f64 {
    let (number, unit) = text.split_at(text.find(|c: char| c.is_alphabetic()).unwrap());
    let number: f64 = number.parse().unwrap();
    number
        * match unit {
            "us" => 1.0,
            "ms" => 1_000.0,
            "s" => 1_000_000.0,
            other => panic!("wrk unit {other}"),
        }
}

fn wrk(script: &Path, port: u16, path: &str, seconds: u64) -> (f64, f64, f64) {
    let text = run(Command::new("taskset").args(["-c", "1"]).arg("wrk").args([
        "-t1".to_owned(),
        format!("-c{CONNECTIONS}"),
        format!("-d{seconds}s"),
        "--latency".to_owned(),
        "-s".to_owned(),
        script.display().to_string(),
        format!("http://127.0.0.1:{port}{path}"),
    ]));
    let mut rps = 0.0;
    let (mut p50, mut p99) = (0.0, 0.0);
    for line in text.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["Requests/sec:", v] => rps = v.parse().unwrap(),
            ["50%", v] => p50 = micros(v),
            ["99%", v] => p99 = micros(v),
            ["Socket", "errors:", ..] => eprintln!("    wrk: {line}"),
            _ => {}
        }
    }
    (rps, p50, p99)
}

fn load(options: &Options) -> String {
    // At least 5 rounds: a median of fewer moves with one noisy round.
    let (rounds, seconds) = if options.quick { (1, 2) } else { (5, 4) };
    let mut results: BTreeMap<(usize, usize), Load> = BTreeMap::new();
    for (s, scenario) in Scenario::ALL.into_iter().enumerate() {
        eprintln!("  {}", scenario.label());
        let script = lua_script(options, scenario);
        let spec = scenario.request();
        let servers: Vec<Server> = SERVERS
            .iter()
            .enumerate()
            .map(|(i, name)| start_server(options, name, scenario, 18080 + i as u16))
            .collect();
        for (i, server) in servers.iter().enumerate() {
            let status = status_over_http(server.port, &spec);
            assert_eq!(
                status,
                expected_status(scenario),
                "{} over HTTP on {}",
                SERVERS[i],
                scenario.label()
            );
            wrk(&script, server.port, spec.path, 1);
        }
        for round in 0..rounds {
            // Alternate, and rotate who goes first each round.
            for k in 0..servers.len() {
                let i = (k + round) % servers.len();
                let (rps, p50, p99) = wrk(&script, servers[i].port, spec.path, seconds);
                eprintln!(
                    "    {:<18} {rps:>10.0} req/s  p50 {p50:>7.0} us  p99 {p99:>7.0} us",
                    SERVERS[i]
                );
                let entry = results.entry((s, i)).or_default();
                entry.rps.push(rps);
                entry.p50.push(p50);
                entry.p99.push(p99);
            }
        }
    }
    let header: String = SERVERS[1..]
        .iter()
        .map(|name| format!(" {name} |"))
        .collect();
    let align: String = SERVERS[1..].iter().map(|_| "---:|").collect();
    let mut out = String::new();
    writeln!(
        out,
        "## Throughput and latency over loopback (wrk)\n\n\
         Each server on one worker thread pinned to core 0 (`taskset -c 0`), wrk with one thread\n\
         pinned to core 1, {CONNECTIONS} connections, {rounds} alternating rounds of {seconds} s per\n\
         server and scenario (after a 1 s warm-up each); medians of the rounds. Ratios are to\n\
         hand-written axum on `axum::serve` (throughput: higher is better; latency: lower is\n\
         better). `routekit-axum` is the routekit app on plain `axum::serve`; `routekit-serve` is\n\
         `routekit::serve` with every default on and no `tracing` subscriber; `routekit-serve-log`\n\
         adds a `tracing_subscriber::fmt` subscriber writing every request event to a buffered file.\n\n\
         | scenario | axum req/s |{header}\n|---|---:|{align}"
    )
    .unwrap();
    for (s, scenario) in Scenario::ALL.into_iter().enumerate() {
        let base = median(&results[&(s, 0)].rps);
        let mut row = format!("| {} | {base:.0} |", scenario.label());
        for i in 1..SERVERS.len() {
            let rps = median(&results[&(s, i)].rps);
            write!(row, " {:.3} ({rps:.0}) |", rps / base).unwrap();
        }
        writeln!(out, "{row}").unwrap();
    }
    writeln!(
        out,
        "\nLatency p50 / p99 in µs (ratio to axum):\n\n\
         | scenario | axum |{header}\n|---|---:|{align}"
    )
    .unwrap();
    for (s, scenario) in Scenario::ALL.into_iter().enumerate() {
        let a = &results[&(s, 0)];
        let (b50, b99) = (median(&a.p50), median(&a.p99));
        let mut row = format!("| {} | {b50:.0} / {b99:.0} |", scenario.label());
        for i in 1..SERVERS.len() {
            let r = &results[&(s, i)];
            let (p50, p99) = (median(&r.p50), median(&r.p99));
            write!(
                row,
                " {p50:.0} / {p99:.0} ({:.2} / {:.2}) |",
                p50 / b50,
                p99 / b99
            )
            .unwrap();
        }
        writeln!(out, "{row}").unwrap();
    }
    out
}

// ---------------------------------------------------------------------------------------
// Compile time

fn compile(options: &Options) -> String {
    let sizes: &[usize] = match &options.sizes {
        Some(sizes) => sizes,
        None if options.quick => &[50],
        None => &[50, 200, 500, 1000],
    };
    let root = options.work.join("compile");
    let target = root.join("target");
    let mut out = String::new();
    writeln!(
        out,
        "## Compile time (dev profile)\n\n\
         A generated app of N routes (each `GET /api/rN/items/$id` with a typed id and JSON and\n\
         `POST` with a JSON body; every fourth route behind auth + logger middleware), written with\n\
         routekit and by hand with axum (with the same `OPTIONS`/`405` answers through one shared\n\
         helper). Dependencies built once beforehand; \"clean\" is `cargo clean -p app` then\n\
         `cargo build`, \"incremental\" the rebuild after editing one handler's body. Best of 2.{}\n\n\
         | routes | routekit clean | axum clean | ratio | routekit incremental | axum incremental | ratio |\n\
         |---:|---:|---:|---:|---:|---:|---:|",
        if options.openapi {
            " routekit is built with its `openapi` feature on: every route also describes its operation."
        } else {
            ""
        }
    )
    .unwrap();
    let flavour = if options.openapi { "_openapi" } else { "" };
    for &n in sizes {
        let mut times = Vec::new();
        for imp in ["routekit", "axum"] {
            let dir = root.join(format!("{imp}{flavour}_{n}"));
            let name = format!("app_{imp}{flavour}_{n}");
            write_compile_app(options, &dir, &name, imp, n);
            let cargo = |args: &[&str]| {
                let mut cmd = Command::new("cargo");
                cmd.args(args)
                    .arg("--offline")
                    .arg("--quiet")
                    .current_dir(&dir)
                    .env("CARGO_TARGET_DIR", &target)
                    .env_remove("RUSTFLAGS");
                run(&mut cmd);
            };
            let timed = |args: &[&str]| {
                let start = Instant::now();
                cargo(args);
                start.elapsed().as_secs_f64()
            };
            cargo(&["build"]);
            let mut clean = f64::MAX;
            for _ in 0..2 {
                cargo(&["clean", "-p", &name]);
                clean = clean.min(timed(&["build"]));
            }
            let mut incremental = f64::MAX;
            for edit in 1..=2 {
                edit_one_handler(&dir, n, edit);
                incremental = incremental.min(timed(&["build"]));
            }
            eprintln!(
                "  {imp:<8} {n:>4} routes: clean {clean:.1} s, incremental {incremental:.1} s"
            );
            times.push((clean, incremental));
        }
        let ((rc, ri), (ac, ai)) = (times[0], times[1]);
        writeln!(
            out,
            "| {n} | {rc:.1} s | {ac:.1} s | {:.2}× | {ri:.1} s | {ai:.1} s | {:.2}× |",
            rc / ac,
            ri / ai
        )
        .unwrap();
    }
    out
}

const AXUM_FEATURES: &str = r#"default-features = false, features = ["tokio", "http1", "json", "query", "form", "matched-path", "original-uri", "multipart"]"#;

fn write_compile_app(options: &Options, dir: &Path, name: &str, imp: &str, n: usize) {
    let _ = std::fs::remove_dir_all(dir.join("src"));
    std::fs::create_dir_all(dir.join("src/routes")).unwrap();
    let runtime = options.repo.join("runtime");
    let mut manifest = format!(
        "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [workspace]\n\n[dependencies]\naxum = {{ version = \"0.8\", {AXUM_FEATURES} }}\n\
         serde = {{ version = \"1\", features = [\"derive\"] }}\n"
    );
    if imp == "routekit" {
        let features = if options.openapi {
            ", features = [\"openapi\"]"
        } else {
            ""
        };
        writeln!(
            manifest,
            "routekit = {{ path = {:?}{features} }}",
            runtime.display()
        )
        .unwrap();
    } else {
        manifest.push_str("tower = \"0.5\"\n");
    }
    std::fs::write(dir.join("Cargo.toml"), manifest).unwrap();
    if !dir.join("Cargo.lock").exists() {
        std::fs::copy(options.repo.join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    }
    let mut mods = String::new();
    for i in 0..n {
        writeln!(mods, "pub mod r{i};").unwrap();
        let guarded = i % 4 == 0;
        let src = if imp == "routekit" {
            routekit_route(i, guarded)
        } else {
            axum_route(i, guarded)
        };
        std::fs::write(dir.join(format!("src/routes/r{i}.rs")), src).unwrap();
    }
    std::fs::write(dir.join("src/routes/mod.rs"), mods).unwrap();
    let main = if imp == "routekit" {
        let list: Vec<String> = (0..n).map(|i| format!("routes::r{i}::r{i}")).collect();
        format!("{ROUTEKIT_MAIN}{MODEL}\nfn main() {{\n    let app: axum::Router = routes![{}];\n    std::hint::black_box(app);\n}}\n", list.join(", "))
    } else {
        let mut chain = String::from("axum::Router::new().fallback(not_found)");
        for i in 0..n {
            write!(
                chain,
                "\n        .route(\"/api/r{i}/items/{{id}}\", routes::r{i}::router())"
            )
            .unwrap();
        }
        format!("{AXUM_MAIN}{MODEL}\nfn main() {{\n    let app: axum::Router = {chain};\n    std::hint::black_box(app);\n}}\n")
    };
    std::fs::write(dir.join("src/main.rs"), main).unwrap();
}

/// Changes the text one handler answers, as a developer's edit would.
fn edit_one_handler(dir: &Path, n: usize, edit: usize) {
    let file = dir.join(format!("src/routes/r{}.rs", n / 2));
    let text = std::fs::read_to_string(&file).unwrap();
    let marker = "name: \"";
    let at = text.find(marker).unwrap() + marker.len();
    let mut edited = text.clone();
    edited.insert_str(at, &format!("edit{edit} "));
    std::fs::write(file, edited).unwrap();
}

/// The types both generated apps share, written once.
const MODEL: &str = r#"#[derive(serde::Serialize)]
pub struct Item {
    pub id: u64,
    pub name: String,
    pub owner: u64,
}

#[derive(serde::Deserialize)]
pub struct NewItem {
    pub name: String,
}

#[derive(Clone)]
pub struct User {
    pub id: u64,
}
"#;

const ROUTEKIT_MAIN: &str = r#"#![allow(non_snake_case)]
use routekit::prelude::*;

mod routes;


#[middleware]
pub async fn auth(headers: HeaderMap) -> Result<User, ApiError> {
    match headers.get("authorization") {
        Some(v) if v == "Bearer secret-token" => Ok(User { id: 7 }),
        _ => Err(ApiError::unauthorized("Unauthorized")),
    }
}

#[middleware]
pub async fn logger(req: Request, next: Next) -> Response {
    let start = std::time::Instant::now();
    let res = next.run(req).await;
    eprintln!("{:?}", start.elapsed());
    res
}
"#;

fn routekit_route(i: usize, guarded: bool) -> String {
    let (attr, user_arg, owner) = if guarded {
        (
            "#[middleware(auth, logger)]\n",
            ", user: Ctx<User>",
            "user.id",
        )
    } else {
        ("", "", "0")
    };
    format!(
        r#"use crate::*;

#[route("/api/r{i}/items/$id")]
{attr}pub mod r{i} {{
    use super::*;

    pub async fn GET(id: u64{user_arg}) -> Response {{
        Response::json(&Item {{ id, name: "r{i}".to_owned(), owner: {owner} }})
    }}

    pub async fn POST(id: u64{user_arg}, Json(item): Json<NewItem>) -> Response {{
        Response::json(&Item {{ id, name: item.name, owner: {owner} }}).status(201)
    }}
}}
"#
    )
}

const AXUM_MAIN: &str = r#"use axum::extract::Request;
use axum::http::header::{HeaderValue, ALLOW};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::MethodRouter;
use axum::Json;

mod routes;


pub fn error(status: StatusCode, message: String) -> Response {
    let mut body = std::collections::BTreeMap::new();
    body.insert("error", message);
    (status, Json(body)).into_response()
}

pub async fn auth(mut req: Request, next: Next) -> Response {
    match req.headers().get("authorization") {
        Some(v) if v == "Bearer secret-token" => {
            req.extensions_mut().insert(User { id: 7 });
            next.run(req).await
        }
        _ => error(StatusCode::UNAUTHORIZED, "Unauthorized".to_owned()),
    }
}

pub async fn logger(req: Request, next: Next) -> Response {
    let start = std::time::Instant::now();
    let res = next.run(req).await;
    eprintln!("{:?}", start.elapsed());
    res
}

/// `OPTIONS` and the JSON `405`, once for every route.
pub fn with_automatic_answers(router: MethodRouter, allow: &'static str) -> MethodRouter {
    router
        .options(move || async move {
            (StatusCode::NO_CONTENT, [(ALLOW, HeaderValue::from_static(allow))]).into_response()
        })
        .fallback(move |method: Method| async move {
            let mut res = error(StatusCode::METHOD_NOT_ALLOWED, format!("method {method} not allowed"));
            res.headers_mut().insert(ALLOW, HeaderValue::from_static(allow));
            res
        })
}

async fn not_found() -> Response {
    error(StatusCode::NOT_FOUND, "Not found".to_owned())
}
"#;

fn axum_route(i: usize, guarded: bool) -> String {
    let (import, user_arg, owner, layer) = if guarded {
        (
            "{Extension, Path}",
            ", Extension(user): Extension<User>",
            "user.id",
            "\n        .layer(\n            tower::ServiceBuilder::new()\n                .layer(axum::middleware::from_fn(auth))\n                .layer(axum::middleware::from_fn(logger)),\n        )",
        )
    } else {
        ("Path", "", "0", "")
    };
    format!(
        r#"use axum::extract::{import};
use axum::http::StatusCode;
use axum::routing::{{get, MethodRouter}};
use axum::Json;

use crate::*;

async fn get_item(Path(id): Path<u64>{user_arg}) -> Json<Item> {{
    Json(Item {{ id, name: "r{i}".to_owned(), owner: {owner} }})
}}

async fn post_item(Path(id): Path<u64>{user_arg}, Json(item): Json<NewItem>) -> (StatusCode, Json<Item>) {{
    (StatusCode::CREATED, Json(Item {{ id, name: item.name, owner: {owner} }}))
}}

pub fn router() -> MethodRouter {{
    with_automatic_answers(get(get_item).post(post_item), "GET, HEAD, OPTIONS, POST"){layer}
}}
"#
    )
}
