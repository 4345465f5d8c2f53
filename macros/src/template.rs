//! Path templates: the TanStack Start, Next.js and axum spellings, parsed into one form.
//!
//! A pure function over `&str` so it is unit- and property-tested without a compiler.

use std::fmt;

/// One `/`-separated piece of a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// Literal text: `api`.
    Static(String),
    /// One segment bound to a name: `$id`, `[id]`, `{id}`.
    Param(String),
    /// TanStack's optional segment: `{-$lang}`.
    Optional(String),
    /// The rest of the path, one or more segments: `$` (as `_splat`), `[...slug]`, `{*slug}`.
    CatchAll(String),
    /// Next.js's optional catch-all, zero or more segments: `[[...slug]]`.
    OptionalCatchAll(String),
}

impl Segment {
    /// The parameter's name, if the segment is one.
    pub fn name(&self) -> Option<&str> {
        match self {
            Segment::Static(_) => None,
            Segment::Param(n)
            | Segment::Optional(n)
            | Segment::CatchAll(n)
            | Segment::OptionalCatchAll(n) => Some(n),
        }
    }
}

/// A checked template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pub segments: Vec<Segment>,
}

/// Why a template was refused; the message says what to write instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError(pub String);

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The most parameters a route may have (matchit panics past 26; handlers want far fewer).
pub const MAX_PARAMS: usize = 12;
/// The most optional pieces a route may have: each doubles the axum paths it registers.
pub const MAX_OPTIONAL: usize = 3;

fn err<T>(message: impl Into<String>) -> Result<T, TemplateError> {
    Err(TemplateError(message.into()))
}

/// Parses and checks a template such as `/api/posts/$id`.
pub fn parse(template: &str) -> Result<Template, TemplateError> {
    let Some(rest) = template.strip_prefix('/') else {
        return err(format!(
            "a route path must start with `/`: write \"/{template}\""
        ));
    };
    let mut segments = Vec::new();
    if !rest.is_empty() {
        for (index, raw) in rest.split('/').enumerate() {
            if raw.is_empty() {
                let hint = if index == rest.split('/').count() - 1 {
                    "remove the trailing `/`"
                } else {
                    "remove the doubled `/`"
                };
                return err(format!("empty segment in route path `{template}`: {hint}"));
            }
            segments.push(parse_segment(raw)?);
        }
    }
    check(template, &segments)?;
    Ok(Template { segments })
}

fn parse_segment(raw: &str) -> Result<Segment, TemplateError> {
    if raw == "$" {
        return Ok(Segment::CatchAll("_splat".to_owned()));
    }
    if let Some(inner) = raw.strip_prefix("[[").and_then(|s| s.strip_suffix("]]")) {
        return match inner.strip_prefix("...") {
            Some(name) => Ok(Segment::OptionalCatchAll(ident(name, raw)?)),
            None => err(format!(
                "`{raw}` is not a segment: an optional catch-all is written `[[...{inner}]]`"
            )),
        };
    }
    if let Some(inner) = raw.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
        return match inner.strip_prefix("...") {
            Some(name) => Ok(Segment::CatchAll(ident(name, raw)?)),
            None => Ok(Segment::Param(ident(inner, raw)?)),
        };
    }
    if let Some(inner) = raw.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
        if let Some(name) = inner.strip_prefix("-$") {
            return Ok(Segment::Optional(ident(name, raw)?));
        }
        if let Some(name) = inner.strip_prefix('*') {
            return Ok(Segment::CatchAll(ident(name, raw)?));
        }
        if let Some(name) = inner.strip_prefix('$') {
            return err(format!(
                "`{raw}` mixes spellings: write `${name}` or `{{{name}}}`"
            ));
        }
        return Ok(Segment::Param(ident(inner, raw)?));
    }
    if let Some(name) = raw.strip_prefix('$') {
        return Ok(Segment::Param(ident(name, raw)?));
    }
    if let Some(name) = raw.strip_prefix(':') {
        return err(format!(
            "`{raw}` is the old axum syntax: write `${name}` or `{{{name}}}`"
        ));
    }
    if raw.contains(['$', '[', ']', '{', '}', '*']) {
        return err(format!(
            "a parameter must fill a whole segment, but `{raw}` glues one to other text: split it with `/`, or drop the special characters `$ [ ] {{ }} *`"
        ));
    }
    if let Some(c) = raw
        .chars()
        .find(|c| c.is_whitespace() || c.is_control() || *c == '?' || *c == '#')
    {
        return err(format!("segment `{raw}` contains {c:?}, which cannot appear in a path: percent-encode it or remove it"));
    }
    Ok(Segment::Static(raw.to_owned()))
}

/// Checks a parameter name is a plain Rust identifier, so it can name a handler argument.
fn ident(name: &str, raw: &str) -> Result<String, TemplateError> {
    let mut chars = name.chars();
    let valid = match chars.next() {
        Some(first) => {
            (first == '_' || first.is_ascii_alphabetic())
                && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
        }
        None => false,
    };
    if !valid || name == "_" {
        let hint = if name.is_empty() {
            "give the parameter a name".to_owned()
        } else {
            let cleaned: String = name
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() {
                        c.to_ascii_lowercase()
                    } else {
                        '_'
                    }
                })
                .collect();
            let cleaned = if cleaned.starts_with(|c: char| c.is_ascii_digit()) {
                format!("_{cleaned}")
            } else {
                cleaned
            };
            format!(
                "use letters, digits and `_`, not starting with a digit: for example `{cleaned}`"
            )
        };
        return err(format!(
            "parameter name `{name}` in `{raw}` is not a Rust identifier: {hint}"
        ));
    }
    if is_keyword(name) {
        return err(format!("parameter name `{name}` in `{raw}` is a Rust keyword and cannot name an argument: rename it, for example `{name}_`"));
    }
    Ok(name.to_owned())
}

fn is_keyword(name: &str) -> bool {
    const KEYWORDS: &[&str] = &[
        "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum",
        "extern", "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move",
        "mut", "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait",
        "true", "type", "unsafe", "use", "where", "while", "abstract", "become", "box", "do",
        "final", "gen", "macro", "override", "priv", "try", "typeof", "unsized", "virtual",
        "yield",
    ];
    KEYWORDS.contains(&name)
}

fn check(template: &str, segments: &[Segment]) -> Result<(), TemplateError> {
    let mut names: Vec<&str> = Vec::new();
    let mut optional = 0;
    for (index, segment) in segments.iter().enumerate() {
        let last = index + 1 == segments.len();
        match segment {
            Segment::CatchAll(name) | Segment::OptionalCatchAll(name) if !last => {
                return err(format!(
                    "catch-all `{name}` in `{template}` must be the last segment: move it to the end, or use a one-segment parameter `${name}`"
                ));
            }
            _ => {}
        }
        if matches!(segment, Segment::Optional(_) | Segment::OptionalCatchAll(_)) {
            optional += 1;
        }
        if let Some(name) = segment.name() {
            if names.contains(&name) {
                return err(format!("parameter `{name}` appears twice in `{template}`: give each parameter its own name"));
            }
            names.push(name);
        }
    }
    check_optional_before_catch_all(template, segments)?;
    if names.len() > MAX_PARAMS {
        return err(format!(
            "`{template}` has {} parameters; a route may have at most {MAX_PARAMS}",
            names.len()
        ));
    }
    if optional > MAX_OPTIONAL {
        return err(format!(
            "`{template}` has {optional} optional pieces; a route may have at most {MAX_OPTIONAL}"
        ));
    }
    Ok(())
}

/// An optional segment followed by a catch-all with no fixed segment between them cannot be
/// served: with the optional absent, the catch-all would start where the optional's segment
/// stands, and axum's router refuses a catch-all beside a parameter (it would also be
/// ambiguous: in `/{-$a}/$` is `/x/y` `a = x` or all splat?).
fn check_optional_before_catch_all(
    template: &str,
    segments: &[Segment],
) -> Result<(), TemplateError> {
    let Some(catch_all) = segments
        .last()
        .filter(|s| matches!(s, Segment::CatchAll(_) | Segment::OptionalCatchAll(_)))
    else {
        return Ok(());
    };
    let before = &segments[..segments.len() - 1];
    let fixed = before.iter().rposition(|s| matches!(s, Segment::Static(_)));
    let unfixed = &before[fixed.map_or(0, |i| i + 1)..];
    if let Some(Segment::Optional(name)) =
        unfixed.iter().find(|s| matches!(s, Segment::Optional(_)))
    {
        let catch_all = match catch_all {
            Segment::CatchAll(name) if name == "_splat" => "$".to_owned(),
            Segment::CatchAll(name) => format!("[...{name}]"),
            _ => format!("[[...{}]]", catch_all.name().unwrap_or_default()),
        };
        return err(format!(
            "optional segment `{{-${name}}}` and the catch-all `{catch_all}` in `{template}` have no fixed segment between them, so both would claim the same segment: put a fixed segment between them (`{{-${name}}}/docs/{catch_all}`), make the segment required (`${name}`), or drop it and read it from the catch-all"
        ));
    }
    Ok(())
}

impl Template {
    /// The axum paths this template registers: one, or one per combination of optional
    /// pieces present and absent (axum's `{*rest}` does not match an empty rest).
    ///
    /// Optional segments fill left to right, as in TanStack Start: of the combinations that
    /// match the same URLs (`/posts/{category}` and `/posts/{slug}` for
    /// `/posts/{-$category}/{-$slug}`), only the one with the earlier segments present is
    /// registered, so `/posts/tech` binds `category`.
    pub fn axum_paths(&self) -> Vec<String> {
        let optional = self
            .segments
            .iter()
            .filter(|s| matches!(s, Segment::Optional(_) | Segment::OptionalCatchAll(_)))
            .count();
        // Combination `mask`: bit `k` set = optional piece `k` (counted from the left)
        // present. In increasing mask order; of several combinations with one shape, the
        // left-to-right fill (earlier pieces present: the larger bit-reversed mask) wins.
        let fill_rank = |mask: u32| (0..optional).fold(0u32, |key, k| key << 1 | (mask >> k & 1));
        let mut chosen: Vec<(String, String, u32)> = Vec::with_capacity(1 << optional);
        for mask in 0..1u32 << optional {
            let (path, shape) = self.combination(mask);
            match chosen.iter_mut().find(|(_, s, _)| *s == shape) {
                Some(entry) if fill_rank(mask) > fill_rank(entry.2) => {
                    *entry = (path, shape, mask);
                }
                Some(_) => {}
                None => chosen.push((path, shape, mask)),
            }
        }
        chosen.sort_by_key(|entry| entry.2);
        chosen.into_iter().map(|(path, _, _)| path).collect()
    }

    /// The axum path and its shape (parameter names blanked) with the optional pieces of
    /// `mask` present.
    fn combination(&self, mask: u32) -> (String, String) {
        let mut path = String::new();
        let mut shape = String::new();
        let mut k = 0;
        for segment in &self.segments {
            let (piece, blank) = match segment {
                Segment::Static(text) => (text.clone(), text.as_str()),
                Segment::Param(name) => (format!("{{{name}}}"), "{}"),
                Segment::CatchAll(name) => (format!("{{*{name}}}"), "{*}"),
                Segment::Optional(name) | Segment::OptionalCatchAll(name) => {
                    let present = mask >> k & 1 == 1;
                    k += 1;
                    match (present, segment) {
                        (false, _) => continue,
                        (true, Segment::Optional(_)) => (format!("{{{name}}}"), "{}"),
                        (true, _) => (format!("{{*{name}}}"), "{*}"),
                    }
                }
            };
            path.push('/');
            path.push_str(&piece);
            shape.push('/');
            shape.push_str(blank);
        }
        if path.is_empty() {
            path.push('/');
        }
        (path, shape)
    }

    /// The parameters, in template order.
    pub fn params(&self) -> impl Iterator<Item = &Segment> {
        self.segments.iter().filter(|s| s.name().is_some())
    }

    /// The parameter called `name`.
    pub fn param(&self, name: &str) -> Option<&Segment> {
        self.params().find(|s| s.name() == Some(name))
    }
}

#[cfg(test)]
mod tests {
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
        fails("/posts/post-$id", "must fill a whole segment");
        fails("/posts/{id}.json", "must fill a whole segment");
        fails("/posts/:id", "old axum syntax: write `$id`");
        fails("/posts/[[slug]]", "`[[...slug]]`");
        fails("/posts/$type", "keyword");
        fails("/posts/{$id}", "mixes spellings");
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
            let mut router: axum::Router = axum::Router::new();
            for path in &paths {
                router = router.route(path, axum::routing::get(|| async {}));
            }
        });
        assert!(
            registered.is_ok(),
            "`{template}` was accepted but its paths {paths:?} do not register"
        );
        // `routes!` refuses two paths of one shape (the same URLs, other names).
        let mut shapes: Vec<String> = paths
            .iter()
            .map(|p| {
                p.split('/')
                    .map(|s| match s.strip_prefix("{*") {
                        Some(_) => "{*}",
                        None if s.starts_with('{') => "{}",
                        None => s,
                    })
                    .collect::<Vec<_>>()
                    .join("/")
            })
            .collect();
        shapes.sort();
        shapes.dedup();
        assert_eq!(shapes.len(), paths.len(), "`{template}`: {paths:?}");
    }
}
