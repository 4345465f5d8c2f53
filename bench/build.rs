//! Writes the many-route routekit apps: `#[route]` takes a literal path, so an app of N
//! routes is N route items in source, as a real app of that size would be. The paths are
//! those of `model::filler_path` (kept in sync by the `same_bytes` tests, which request a
//! filler route of every shape from every implementation).

use std::fmt::Write as _;
use std::path::Path;

fn filler_path(i: usize) -> String {
    match i % 3 {
        0 => format!("/api/r{i}"),
        1 => format!("/api/r{i}/items/$id"),
        _ => format!("/api/r{i}/items/$id/comments"),
    }
}

fn write_app(out_dir: &Path, routes: usize) {
    let fillers = routes - 1;
    let mut src = String::new();
    writeln!(
        src,
        "/// Scenario 2's route and {fillers} more, all `#[route]`."
    )
    .unwrap();
    writeln!(src, "pub mod routes_{routes} {{").unwrap();
    writeln!(src, "    use super::*;").unwrap();
    for i in 0..fillers {
        let path = filler_path(i);
        if i % 3 == 0 {
            writeln!(
                src,
                "    #[route(GET, {path:?})]\n    pub async fn r{i}() -> Response {{ Response::text(\"filler\") }}"
            )
            .unwrap();
        } else {
            writeln!(
                src,
                "    #[route(GET, {path:?})]\n    pub async fn r{i}(id: u64) -> Response {{ Response::json(&Post {{ id, title: \"filler\" }}) }}"
            )
            .unwrap();
        }
    }
    write!(
        src,
        "    pub fn app() -> axum::Router {{\n        routes![super::post"
    )
    .unwrap();
    for i in 0..fillers {
        write!(src, ", r{i}").unwrap();
    }
    writeln!(src, "]\n    }}\n}}").unwrap();
    let file = out_dir.join(format!("routekit_routes_{routes}.rs"));
    if std::fs::read_to_string(&file).ok().as_deref() != Some(src.as_str()) {
        std::fs::write(file, src).unwrap();
    }
}

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    let out_dir = std::env::var_os("OUT_DIR").expect("OUT_DIR");
    let out_dir = Path::new(&out_dir);
    write_app(out_dir, 100);
    write_app(out_dir, 1000);
    if std::env::var_os("CARGO_FEATURE_ROUTES_10K").is_some() {
        write_app(out_dir, 10000);
    }
}
