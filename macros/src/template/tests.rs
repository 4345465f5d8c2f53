use super::*;
use proptest::prelude::*;

fn paths(template: &str) -> Vec<String> {
    parse(template).unwrap().axum_paths()
}

#[test]
fn every_spelling_maps_to_axum() {
    assert_eq!(paths("/"), ["/"]);
    assert_eq!(paths("/api/users"), ["/api/users"]);
    assert_eq!(paths("/api/posts/$id"), ["/api/posts/{id}"]);
    assert_eq!(paths("/api/posts/[id]"), ["/api/posts/{id}"]);
    assert_eq!(paths("/api/posts/{id}"), ["/api/posts/{id}"]);
    assert_eq!(paths("/files/$"), ["/files/{*_splat}"]);
    assert_eq!(paths("/docs/[...slug]"), ["/docs/{*slug}"]);
    assert_eq!(paths("/docs/{*slug}"), ["/docs/{*slug}"]);
    assert_eq!(paths("/shop/[[...slug]]"), ["/shop", "/shop/{*slug}"]);
    assert_eq!(paths("/[[...slug]]"), ["/", "/{*slug}"]);
    assert_eq!(paths("/{-$lang}/about"), ["/about", "/{lang}/about"]);
    assert_eq!(paths("/api/posts/{$id}"), ["/api/posts/{id}"]);
}

#[test]
fn prefix_and_suffix_parameters_register_the_whole_segment() {
    let t = parse("/posts/post-{$id}").unwrap();
    assert_eq!(
        t.segments[1],
        Segment::Affixed {
            name: "id".into(),
            prefix: "post-".into(),
            suffix: String::new()
        }
    );
    assert_eq!(t.axum_paths(), ["/posts/{id}"]);
    assert_eq!(t.patterns(), ["/posts/post-{id}"]);
    // The axum spelling means the same.
    assert_eq!(parse("/posts/post-{id}").unwrap(), t);
    let t = parse("/files/{$name}.txt").unwrap();
    assert_eq!(t.patterns(), ["/files/{name}.txt"]);
    assert_eq!(parse("/files/{name}.txt").unwrap(), t);
    let t = parse("/f/v{$major}x").unwrap();
    assert_eq!(t.patterns(), ["/f/v{major}x"]);
    assert_eq!(t.param("major").and_then(Segment::name), Some("major"));
    // Beside optional segments, each variant keeps its text.
    let t = parse("/{-$lang}/post-{$id}").unwrap();
    assert_eq!(t.axum_paths(), ["/{id}", "/{lang}/{id}"]);
    assert_eq!(t.patterns(), ["/post-{id}", "/{lang}/post-{id}"]);
    // Two variants of one template with one axum shape but different text stay apart
    // (`routes!` dispatches between them by their text).
    let t = parse("/{-$a}/p-{$b}/{-$c}").unwrap();
    assert_eq!(
        t.patterns(),
        ["/p-{b}", "/{a}/p-{b}", "/p-{b}/{c}", "/{a}/p-{b}/{c}"]
    );
}

#[test]
fn optional_segments_fill_left_to_right() {
    // `/posts/tech` is `category`, not `slug`: one path per shape, the left fill.
    assert_eq!(
        paths("/posts/{-$category}/{-$slug}"),
        ["/posts", "/posts/{category}", "/posts/{category}/{slug}"]
    );
    assert_eq!(
        paths("/{-$a}/{-$b}/{-$c}"),
        ["/", "/{a}", "/{a}/{b}", "/{a}/{b}/{c}"]
    );
    assert_eq!(
        paths("/{-$a}/$b/{-$c}"),
        ["/{b}", "/{a}/{b}", "/{a}/{b}/{c}"]
    );
    // A fixed segment between them keeps every combination apart.
    assert_eq!(
        paths("/{-$a}/x/{-$b}"),
        ["/x", "/{a}/x", "/x/{b}", "/{a}/x/{b}"]
    );
    assert_eq!(
        paths("/{-$lang}/docs/[[...slug]]"),
        [
            "/docs",
            "/{lang}/docs",
            "/docs/{*slug}",
            "/{lang}/docs/{*slug}"
        ]
    );
}

#[test]
fn optional_segment_right_before_a_catch_all_is_refused() {
    fails("/{-$a}/$", "no fixed segment between them");
    fails(
        "/x/{-$lang}/[...slug]",
        "`{-$lang}` and the catch-all `[...slug]`",
    );
    fails("/{-$a}/$b/[[...rest]]", "`[[...rest]]`");
    fails("/{-$a}/{*rest}", "put a fixed segment between them");
    assert!(parse("/{-$lang}/docs/$").is_ok());
}

#[test]
fn segments_carry_names_and_kinds() {
    let t = parse("/a/$id/{-$lang}/x/[...rest]").unwrap();
    assert_eq!(
        t.segments,
        [
            Segment::Static("a".into()),
            Segment::Param("id".into()),
            Segment::Optional("lang".into()),
            Segment::Static("x".into()),
            Segment::CatchAll("rest".into()),
        ]
    );
    assert_eq!(
        parse("/f/$").unwrap().param("_splat"),
        Some(&Segment::CatchAll("_splat".into()))
    );
}

#[track_caller]
fn fails(template: &str, needle: &str) {
    let message = parse(template).unwrap_err().0;
    assert!(message.contains(needle), "{template}: {message}");
}

#[test]
fn every_mistake_says_what_to_write() {
    fails("api/users", "must start with `/`: write \"/api/users\"");
    fails("", "must start with `/`");
    fails("/api//users", "remove the doubled `/`");
    fails("/api/users/", "remove the trailing `/`");
    fails("/posts/$1d", "not a Rust identifier");
    fails("/posts/[my-id]", "for example `my_id`");
    fails("/a/$id/b/$id", "appears twice");
    fails("/docs/[...slug]/edit", "must be the last segment");
    fails("/files/$/x", "must be the last segment");
    fails(
        "/posts/post-$id",
        "write the parameter in braces, `post-{$id}`",
    );
    fails("/posts/post-[id]", "`post-{$id}`");
    fails("/files/$name.txt", "`{$name}.txt`");
    fails("/avatars/{$user}.{$ext}", "two parameters in one segment");
    fails(
        "/avatars/{$user}.{$ext}",
        "`{$file}`, and split it in the handler",
    );
    fails("/a/x{$b}y{c}", "two parameters in one segment");
    fails("/a/x-$b{c}", "one parameter per segment");
    fails("/a/}x{", "wrong way round");
    fails("/a/x{b", "unmatched brace");
    fails("/a/x-{-$lang}", "cannot share its segment");
    fails("/a/x-{*rest}", "give it a segment of its own");
    fails("/a/x-{my-id}", "for example `my_id`");
    fails("/a/x {id}", "cannot appear in a path");
    fails("/posts/:id", "old axum syntax: write `$id`");
    fails("/posts/[[slug]]", "`[[...slug]]`");
    fails("/posts/$type", "keyword");
    fails("/a b", "cannot appear in a path");
}

#[test]
fn limits_are_enforced() {
    let many: String = (0..13).map(|i| format!("/$p{i}")).collect();
    fails(&many, "at most 12");
    fails("/{-$a}/{-$b}/{-$c}/{-$d}", "at most 3");
}

proptest! {
    #[test]
    fn no_input_panics(template in "\\PC*") {
        let _ = parse(&template).map(|t| t.axum_paths());
    }

    #[test]
    fn template_like_input_never_panics(template in "(/([a-z$\\[\\]{}*.\\-]{0,6}))*") {
        if let Ok(t) = parse(&template) {
            for path in t.axum_paths() {
                prop_assert!(path.starts_with('/'));
            }
            serve(&template, &t);
        }
    }

    /// Templates built from every kind of segment: each one accepted registers in a
    /// real axum router without a panic, so an accepted template can always be served.
    #[test]
    fn every_accepted_template_is_servable(
        segments in proptest::collection::vec(segment(), 0..6)
    ) {
        let template = format!("/{}", segments.join("/"));
        if let Ok(t) = parse(&template) {
            serve(&template, &t);
        }
    }
}

fn segment() -> impl Strategy<Value = String> {
    let name = prop_oneof![Just("a"), Just("b"), Just("c"), Just("d"), Just("slug")];
    prop_oneof![
        prop_oneof![Just("x"), Just("docs"), Just("a.b"), Just("-")].prop_map(str::to_owned),
        name.clone().prop_map(|n| format!("${n}")),
        name.clone().prop_map(|n| format!("p-{{${n}}}")),
        name.clone().prop_map(|n| format!("{{{n}}}.txt")),
        name.clone().prop_map(|n| format!("[{n}]")),
        name.clone().prop_map(|n| format!("{{{n}}}")),
        name.clone().prop_map(|n| format!("{{-${n}}}")),
        Just("$".to_owned()),
        name.clone().prop_map(|n| format!("[...{n}]")),
        name.clone().prop_map(|n| format!("{{*{n}}}")),
        name.prop_map(|n| format!("[[...{n}]]")),
    ]
}

/// Registers every path of `t` in one axum router, as `routes!` does for one route.
fn serve(template: &str, t: &Template) {
    let paths = t.axum_paths();
    let registered = std::panic::catch_unwind(|| {
        // One registration per axum shape, as `routes!` groups them.
        let mut seen = std::collections::BTreeSet::new();
        let mut router: axum::Router = axum::Router::new();
        for path in &paths {
            let coarse: String = path
                .split('/')
                .map(|s| {
                    if s.starts_with("{*") {
                        "{*}"
                    } else if s.starts_with('{') {
                        "{}"
                    } else {
                        s
                    }
                })
                .collect::<Vec<_>>()
                .join("/");
            if seen.insert(coarse) {
                router = router.route(path, axum::routing::get(|| async {}));
            }
        }
    });
    assert!(
        registered.is_ok(),
        "`{template}` was accepted but its paths {paths:?} do not register"
    );
    // `routes!` refuses two paths of one shape (the same URLs, other names); paths of one
    // axum shape whose prefix/suffix text differs are dispatched by it.
    let blank = |p: &String| {
        p.split('/')
            .map(|s| match (s.find('{'), s.find('}')) {
                (Some(open), Some(close)) if s[open..].starts_with("{*") => {
                    format!("{}{{*}}{}", &s[..open], &s[close + 1..])
                }
                (Some(open), Some(close)) => format!("{}{{}}{}", &s[..open], &s[close + 1..]),
                _ => s.to_owned(),
            })
            .collect::<Vec<_>>()
            .join("/")
    };
    let mut shapes: Vec<String> = t.patterns().iter().map(blank).collect();
    shapes.sort();
    shapes.dedup();
    assert_eq!(shapes.len(), paths.len(), "`{template}`: {paths:?}");
}
