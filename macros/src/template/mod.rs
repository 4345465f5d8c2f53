//! Path templates: the TanStack Start, Next.js and axum spellings, parsed into one form.
//!
//! A pure function over `&str` so it is unit- and property-tested without a compiler.

use std::fmt;

/// One `/`-separated piece of a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// Literal text: `api`.
    Static(String),
    /// One segment bound to a name: `$id`, `[id]`, `{id}`, `{$id}`.
    Param(String),
    /// TanStack's prefix/suffix parameter: `post-{$id}`, `{$name}.txt` (or `post-{id}`).
    /// axum registers the whole segment; routekit checks and strips the literal text.
    Affixed {
        name: String,
        prefix: String,
        suffix: String,
    },
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
            | Segment::Affixed { name: n, .. }
            | Segment::Optional(n)
            | Segment::CatchAll(n)
            | Segment::OptionalCatchAll(n) => Some(n),
        }
    }
}

/// One axum path a template registers, and the same path with its prefix/suffix text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    /// What axum registers: `/posts/{id}`.
    pub path: String,
    /// What it matches: `/posts/post-{id}`.
    pub pattern: String,
    /// Its prefix/suffix text, where the runtime finds it in a request path.
    pub affixes: Affixes,
}

/// The prefix/suffix text of one variant, the runtime's `AffixTable`: how many
/// `/`-separated segments the pattern has (the empty text before its first `/` counted),
/// `0` when a catch-all leaves that open; and for each segment with text around its
/// parameter, its index, the prefix and the suffix.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Affixes {
    pub segments: usize,
    pub entries: Vec<(usize, String, String)>,
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
    // One braced piece filling the segment (`{$user}.{$ext}` is two, see `affixed`).
    if let Some(inner) = raw
        .strip_prefix('{')
        .and_then(|s| s.strip_suffix('}'))
        .filter(|inner| !inner.contains(['{', '}']))
    {
        if let Some(name) = inner.strip_prefix("-$") {
            return Ok(Segment::Optional(ident(name, raw)?));
        }
        if let Some(name) = inner.strip_prefix('*') {
            return Ok(Segment::CatchAll(ident(name, raw)?));
        }
        // `{$id}`: TanStack's braced parameter, the same as `$id`.
        let name = inner.strip_prefix('$').unwrap_or(inner);
        return Ok(Segment::Param(ident(name, raw)?));
    }
    if let Some(name) = raw.strip_prefix('$') {
        if let Some((_, name, suffix)) = glued_name(raw).filter(|g| g.2.starts_with('.')) {
            return err(format!(
                "`{raw}` glues a parameter to other text without braces: write the parameter in braces, `{{${name}}}{suffix}` (TanStack's prefix/suffix parameter)"
            ));
        }
        return Ok(Segment::Param(ident(name, raw)?));
    }
    if let Some(name) = raw.strip_prefix(':') {
        return err(format!(
            "`{raw}` is the old axum syntax: write `${name}` or `{{{name}}}`"
        ));
    }
    if raw.contains(['{', '}']) {
        return affixed(raw);
    }
    if raw.contains(['$', '[', ']', '*']) {
        let hint = match glued_name(raw) {
            Some((before, name, after)) => format!(
                "write the parameter in braces, `{before}{{${name}}}{after}` (TanStack's prefix/suffix parameter), or split it with `/`"
            ),
            None => "split it with `/`, or drop the special characters `$ [ ] { } *`".to_owned(),
        };
        return err(format!(
            "`{raw}` glues a parameter to other text without braces: {hint}"
        ));
    }
    static_text(raw, raw)?;
    Ok(Segment::Static(raw.to_owned()))
}

/// `post-$id` → (`post-`, `id`, ``), `post-[id]` → the same: the braced spelling to suggest.
fn glued_name(raw: &str) -> Option<(&str, &str, &str)> {
    if let Some(at) = raw.find('[') {
        let close = raw[at..].find(']')? + at;
        let name = &raw[at + 1..close];
        return Some((&raw[..at], name, &raw[close + 1..]));
    }
    let at = raw.find('$')?;
    let rest = &raw[at + 1..];
    let end = rest
        .find(|c: char| !(c == '_' || c.is_ascii_alphanumeric()))
        .unwrap_or(rest.len());
    (end > 0).then(|| (&raw[..at], &rest[..end], &rest[end..]))
}

/// A segment with braces that is not one whole braced parameter: a prefix/suffix parameter
/// (`post-{$id}`, `{$name}.txt`, `post-{id}`), or a mistake said plainly.
fn affixed(raw: &str) -> Result<Segment, TemplateError> {
    let opens = raw.matches('{').count();
    let closes = raw.matches('}').count();
    if opens > 1 || closes > 1 {
        let example = if raw.contains('.') { "file" } else { "value" };
        return err(format!(
            "`{raw}` has two parameters in one segment, which cannot be told apart reliably: take the whole segment as one parameter, `{{${example}}}`, and split it in the handler (for example with `rsplit_once('.')`), or put each parameter in its own segment"
        ));
    }
    let (Some(open), Some(close)) = (raw.find('{'), raw.find('}')) else {
        return err(format!(
            "`{raw}` has an unmatched brace: a prefix/suffix parameter is written `post-{{$id}}` or `{{$name}}.txt`"
        ));
    };
    if close < open {
        return err(format!(
            "`{raw}` has its braces the wrong way round: a prefix/suffix parameter is written `post-{{$id}}` or `{{$name}}.txt`"
        ));
    }
    let (prefix, inner, suffix) = (&raw[..open], &raw[open + 1..close], &raw[close + 1..]);
    if let Some(name) = inner.strip_prefix("-$") {
        return err(format!(
            "optional segment `{{-${name}}}` cannot share its segment with other text in `{raw}`: make the whole segment optional (`{{-${name}}}`) or the parameter required (`{prefix}{{${name}}}{suffix}`)"
        ));
    }
    if let Some(name) = inner.strip_prefix('*') {
        return err(format!(
            "catch-all `{{*{name}}}` cannot share its segment with other text in `{raw}`: give it a segment of its own, `/{{*{name}}}`"
        ));
    }
    let name = inner.strip_prefix('$').unwrap_or(inner);
    let name = ident(name, raw)?;
    for text in [prefix, suffix] {
        if text.contains(['$', '[', ']', '*']) {
            return err(format!(
                "`{raw}` has a second parameter or a special character beside `{{${name}}}`: one parameter per segment; take the whole segment as `{{${name}}}` and split it in the handler"
            ));
        }
        static_text(text, raw)?;
    }
    Ok(Segment::Affixed {
        name,
        prefix: prefix.to_owned(),
        suffix: suffix.to_owned(),
    })
}

/// Refuses text that cannot stand in a path as written.
fn static_text(text: &str, raw: &str) -> Result<(), TemplateError> {
    match text
        .chars()
        .find(|c| c.is_whitespace() || c.is_control() || *c == '?' || *c == '#')
    {
        Some(c) => err(format!("segment `{raw}` contains {c:?}, which cannot appear in a path: percent-encode it or remove it")),
        None => Ok(()),
    }
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
    pub fn axum_paths(&self) -> Vec<String> {
        self.variants().into_iter().map(|v| v.path).collect()
    }

    /// The paths this template matches, as [`axum_paths`](Self::axum_paths) in the same
    /// order, but with the literal text of prefix/suffix parameters kept: `/posts/post-{id}`
    /// where axum registers `/posts/{id}`. The OpenAPI document's path keys.
    pub fn patterns(&self) -> Vec<String> {
        self.variants().into_iter().map(|v| v.pattern).collect()
    }

    /// One variant per combination of optional pieces present and absent.
    ///
    /// Optional segments fill left to right, as in TanStack Start: of the combinations that
    /// match the same URLs (`/posts/{category}` and `/posts/{slug}` for
    /// `/posts/{-$category}/{-$slug}`), only the one with the earlier segments present is
    /// registered, so `/posts/tech` binds `category`.
    pub fn variants(&self) -> Vec<Variant> {
        let optional = self
            .segments
            .iter()
            .filter(|s| matches!(s, Segment::Optional(_) | Segment::OptionalCatchAll(_)))
            .count();
        // Combination `mask`: bit `k` set = optional piece `k` (counted from the left)
        // present. In increasing mask order; of several combinations with one shape, the
        // left-to-right fill (earlier pieces present: the larger bit-reversed mask) wins.
        let fill_rank = |mask: u32| (0..optional).fold(0u32, |key, k| key << 1 | (mask >> k & 1));
        let mut chosen: Vec<(Variant, String, u32)> = Vec::with_capacity(1 << optional);
        for mask in 0..1u32 << optional {
            let (variant, shape) = self.combination(mask);
            match chosen.iter_mut().find(|(_, s, _)| *s == shape) {
                Some(entry) if fill_rank(mask) > fill_rank(entry.2) => {
                    *entry = (variant, shape, mask);
                }
                Some(_) => {}
                None => chosen.push((variant, shape, mask)),
            }
        }
        chosen.sort_by_key(|entry| entry.2);
        chosen.into_iter().map(|(variant, _, _)| variant).collect()
    }

    /// The variant with the optional pieces of `mask` present, and its shape (parameter
    /// names blanked, prefix/suffix text kept: the URLs it matches).
    fn combination(&self, mask: u32) -> (Variant, String) {
        let mut path = String::new();
        let mut pattern = String::new();
        let mut shape = String::new();
        let mut affixes = Affixes::default();
        let mut open = false;
        let mut k = 0;
        for segment in &self.segments {
            let (piece, literal, blank) = match segment {
                Segment::Static(text) => (text.clone(), text.clone(), text.clone()),
                Segment::Param(name) => {
                    let piece = format!("{{{name}}}");
                    (piece.clone(), piece, "{}".to_owned())
                }
                Segment::Affixed {
                    name,
                    prefix,
                    suffix,
                } => (
                    format!("{{{name}}}"),
                    format!("{prefix}{{{name}}}{suffix}"),
                    format!("{prefix}{{}}{suffix}"),
                ),
                Segment::CatchAll(name) => {
                    let piece = format!("{{*{name}}}");
                    (piece.clone(), piece, "{*}".to_owned())
                }
                Segment::Optional(name) | Segment::OptionalCatchAll(name) => {
                    let present = mask >> k & 1 == 1;
                    k += 1;
                    let piece = match (present, segment) {
                        (false, _) => continue,
                        (true, Segment::Optional(_)) => format!("{{{name}}}"),
                        (true, _) => format!("{{*{name}}}"),
                    };
                    let blank = if piece.starts_with("{*") { "{*}" } else { "{}" };
                    (piece.clone(), piece, blank.to_owned())
                }
            };
            // Segment 0 is the empty text before the first `/`.
            affixes.segments += 1;
            if let Segment::Affixed { prefix, suffix, .. } = segment {
                let index = affixes.segments;
                affixes
                    .entries
                    .push((index, prefix.clone(), suffix.clone()));
            }
            open |= piece.starts_with("{*");
            for (out, text) in [
                (&mut path, &piece),
                (&mut pattern, &literal),
                (&mut shape, &blank),
            ] {
                out.push('/');
                out.push_str(text);
            }
        }
        if path.is_empty() {
            path.push('/');
            pattern.push('/');
        }
        affixes.segments = if open { 0 } else { affixes.segments + 1 };
        let variant = Variant {
            path,
            pattern,
            affixes,
        };
        (variant, shape)
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
mod tests;
