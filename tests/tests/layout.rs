//! The shape of the source: no import cycle between the files of `runtime/src` or of
//! `macros/src`, and no source file over 600 lines (test files aside), so each file can be
//! read in one sitting and each stage of the code depends only on the stages below it.
//!
//! A file depends on another when it names an item of that file's module: by a `crate::`
//! path, a `super::` path, or (a parent) a `child::` path to one of its own submodules.
//! Paths are resolved to the longest module prefix that is a file. Comments and `#[cfg(test)]`
//! modules at the end of a file are left out.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every `.rs` file under `root`, by its module path (`["routes", "shapes"]`).
fn modules(root: &Path) -> BTreeMap<Vec<String>, PathBuf> {
    let mut found = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let relative = path.strip_prefix(root).unwrap().with_extension("");
                let mut parts: Vec<String> = relative
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
                    parts.pop();
                }
                found.insert(parts, path);
            }
        }
    }
    found
}

/// The file's code without comments and without a trailing `#[cfg(test)] mod`.
fn code(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let text = match text.find("#[cfg(test)]\nmod ") {
        Some(at) => &text[..at],
        None => &text[..],
    };
    text.lines()
        .map(|line| match line.find("//") {
            Some(at) => &line[..at],
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The `::`-separated path starting at `at` in `code` (`a::b::{c, d::e}` gives `a::b::c`
/// and `a::b::d::e`), as lists of segments.
fn paths_at(code: &str, at: usize) -> Vec<Vec<String>> {
    let rest = &code[at..];
    let mut segments: Vec<String> = Vec::new();
    let mut i = 0;
    loop {
        if rest[i..].starts_with('{') {
            let close = rest[i..].find('}').map_or(rest.len(), |c| i + c);
            return rest[i + 1..close]
                .split(',')
                .map(|item| {
                    let mut path = segments.clone();
                    path.extend(
                        item.split("::")
                            .map(|s| s.trim().trim_start_matches('{').to_owned())
                            .filter(|s| !s.is_empty() && s.chars().all(is_ident)),
                    );
                    path
                })
                .collect();
        }
        let ident: String = rest[i..].chars().take_while(|c| is_ident(*c)).collect();
        if ident.is_empty() {
            break;
        }
        i += ident.len();
        segments.push(ident);
        if !rest[i..].starts_with("::") {
            return vec![segments];
        }
        i += 2;
    }
    vec![segments]
}

/// Where each `word::` path begins in `code` (`word` not preceded by an identifier or `::`).
fn starts_of(code: &str, word: &str) -> Vec<usize> {
    let needle = format!("{word}::");
    code.match_indices(needle.as_str())
        .map(|(at, _)| at)
        .filter(|&at| {
            let before = &code[..at];
            !before.ends_with("::") && !before.chars().next_back().is_some_and(is_ident)
        })
        .map(|at| at + needle.len())
        .collect()
}

fn dependencies(root: &Path) -> BTreeMap<PathBuf, BTreeSet<PathBuf>> {
    let modules = modules(root);
    let resolve = |path: &[String]| -> Option<PathBuf> {
        (1..=path.len())
            .rev()
            .find_map(|n| modules.get(&path[..n]).cloned())
    };
    let mut graph = BTreeMap::new();
    for (module, file) in &modules {
        let code = code(file);
        let mut uses = BTreeSet::new();
        for at in starts_of(&code, "crate") {
            for path in paths_at(&code, at) {
                uses.extend(resolve(&path));
            }
        }
        let parent = &module[..module.len().saturating_sub(1)];
        for at in starts_of(&code, "super") {
            for path in paths_at(&code, at) {
                let mut full = parent.to_vec();
                full.extend(path);
                uses.extend(resolve(&full));
            }
        }
        for (child, child_file) in &modules {
            if child.len() == module.len() + 1 && child.starts_with(module) {
                let name = child.last().unwrap();
                if !starts_of(&code, name).is_empty() {
                    uses.insert(child_file.clone());
                }
            }
        }
        uses.remove(file);
        graph.insert(file.clone(), uses);
    }
    graph
}

/// A cycle through `start`, if any, as the files along it.
fn cycle_from(
    graph: &BTreeMap<PathBuf, BTreeSet<PathBuf>>,
    start: &PathBuf,
) -> Option<Vec<PathBuf>> {
    fn walk(
        graph: &BTreeMap<PathBuf, BTreeSet<PathBuf>>,
        at: &PathBuf,
        start: &PathBuf,
        trail: &mut Vec<PathBuf>,
        seen: &mut BTreeSet<PathBuf>,
    ) -> bool {
        for next in &graph[at] {
            if next == start {
                return true;
            }
            if seen.insert(next.clone()) {
                trail.push(next.clone());
                if walk(graph, next, start, trail, seen) {
                    return true;
                }
                trail.pop();
            }
        }
        false
    }
    let mut trail = vec![start.clone()];
    walk(graph, start, start, &mut trail, &mut BTreeSet::new()).then_some(trail)
}

fn crate_src(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(name)
        .join("src")
}

#[test]
fn no_file_imports_one_that_imports_it_back() {
    for name in ["runtime", "macros"] {
        let root = crate_src(name);
        let graph = dependencies(&root);
        assert!(graph.len() > 10, "{name}: found {} files", graph.len());
        for file in graph.keys() {
            if let Some(cycle) = cycle_from(&graph, file) {
                let shown: Vec<_> = cycle
                    .iter()
                    .map(|f| f.strip_prefix(&root).unwrap().display().to_string())
                    .collect();
                panic!("{name}: import cycle {} → back", shown.join(" → "));
            }
        }
    }
}

#[test]
fn the_dependency_scan_sees_what_a_file_names() {
    // The scan itself, on the one edge every layering keeps: the handler's future is used
    // by the route building code, never the other way round.
    let root = crate_src("runtime");
    let graph = dependencies(&root);
    let handler = root.join("handler.rs");
    assert!(graph[&root.join("routes").join("def.rs")].contains(&handler));
    assert!(!graph[&handler].contains(&root.join("routes").join("mod.rs")));
}

#[test]
fn no_source_file_is_over_600_lines() {
    for name in ["runtime", "macros"] {
        for file in modules(&crate_src(name)).values() {
            if file.file_name().is_some_and(|f| f == "tests.rs") {
                continue;
            }
            let lines = std::fs::read_to_string(file).unwrap().lines().count();
            assert!(lines <= 600, "{}: {lines} lines", file.display());
        }
    }
}
