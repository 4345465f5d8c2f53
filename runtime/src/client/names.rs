//! Writing names and text as TypeScript source: identifiers, property keys, string
//! literals, JSDoc comments, and the exported type names of one module (unique, and clear
//! of the global types the client itself uses).

use std::collections::BTreeSet;

/// Words TypeScript does not take as a type's name, or that the generated module uses
/// for the platform's own types (`Response`, `Headers`): a schema named so is renamed.
const TAKEN: &[&str] = &[
    // Reserved words and the built-in type names.
    "any",
    "bigint",
    "boolean",
    "break",
    "case",
    "catch",
    "class",
    "const",
    "continue",
    "debugger",
    "default",
    "delete",
    "do",
    "else",
    "enum",
    "export",
    "extends",
    "false",
    "finally",
    "for",
    "function",
    "if",
    "import",
    "in",
    "instanceof",
    "never",
    "new",
    "null",
    "number",
    "object",
    "return",
    "string",
    "super",
    "switch",
    "symbol",
    "this",
    "throw",
    "true",
    "try",
    "typeof",
    "undefined",
    "unknown",
    "var",
    "void",
    "while",
    "with",
    // The platform's types and the runtime part's own names.
    "AbortSignal",
    "Array",
    "ArrayBuffer",
    "Blob",
    "BodyInit",
    "BodyKind",
    "Call",
    "CallOptions",
    "Client",
    "ClientOptions",
    "Failure",
    "FormData",
    "Headers",
    "HeadersInit",
    "NoContent",
    "Promise",
    "ReadableStream",
    "Record",
    "Response",
    "Spec",
    "Success",
    "URLSearchParams",
    "Uint8Array",
];

/// `name` as a TypeScript identifier, if it already is one (ASCII letters, digits, `_`
/// and `$`, not starting with a digit).
pub(crate) fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}

/// A string literal holding `text`, in double quotes (JSON's escapes are TypeScript's).
pub(crate) fn string_literal(text: &str) -> String {
    let quoted = serde_json::to_string(text).expect("a string serializes");
    // JSON leaves U+2028 and U+2029 as they are; older engines read them as line ends.
    quoted
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

/// A property's key: the name itself when it is an identifier, quoted otherwise
/// (`"content-type"`). Reserved words are fine as keys (`delete: …`).
pub(crate) fn property_key(name: &str) -> String {
    if is_identifier(name) {
        name.to_owned()
    } else {
        string_literal(name)
    }
}

/// `posts.item.get` → `PostsItemGet`; `Page_for_User` → `PageForUser`. The parts are split
/// on anything that is not a letter or a digit, each starts upper case.
pub(crate) fn pascal_case(text: &str) -> String {
    let mut out = String::new();
    for part in text.split(|c: char| !c.is_ascii_alphanumeric()) {
        let mut chars = part.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars);
        }
    }
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'T');
    }
    out
}

/// The exported type names of one module, each given once.
#[derive(Debug, Default)]
pub(crate) struct Names {
    given: BTreeSet<String>,
}

impl Names {
    /// A free name for `wanted`: itself when it is an identifier nobody has, else made one
    /// (`Page_for_User` stays, `a-b` becomes `AB`), with `Schema` added for a taken word
    /// and a number after a name already given.
    pub(crate) fn give(&mut self, wanted: &str) -> String {
        let mut base = if is_identifier(wanted) {
            wanted.to_owned()
        } else {
            pascal_case(wanted)
        };
        if TAKEN.contains(&base.as_str()) {
            base.push_str("Schema");
        }
        let mut candidate = base.clone();
        let mut n = 2;
        while self.given.contains(&candidate) {
            candidate = format!("{base}{n}");
            n += 1;
        }
        self.given.insert(candidate.clone());
        candidate
    }

    /// Whether `name` is still free, to add an alias under it.
    pub(crate) fn is_free(&self, name: &str) -> bool {
        !self.given.contains(name) && !TAKEN.contains(&name)
    }
}

/// A JSDoc comment of `lines` (each may hold line breaks), indented by `indent`; empty
/// when there is nothing to say. `*/` in the text cannot end the comment.
pub(crate) fn jsdoc(lines: &[String], indent: &str) -> String {
    let text: Vec<String> = lines
        .iter()
        .flat_map(|block| match block.is_empty() {
            // An empty block is a blank line between paragraphs.
            true => vec![String::new()],
            false => block.lines().map(|l| l.trim_end().to_owned()).collect(),
        })
        .collect();
    let first = text.iter().position(|l| !l.trim().is_empty());
    let last = text.iter().rposition(|l| !l.trim().is_empty());
    let (Some(first), Some(last)) = (first, last) else {
        return String::new();
    };
    let text = &text[first..=last];
    let safe = |line: &str| line.replace("*/", "*\\/");
    if text.len() == 1 {
        return format!("{indent}/** {} */\n", safe(&text[0]));
    }
    let mut out = format!("{indent}/**\n");
    for line in text {
        if line.is_empty() {
            out.push_str(&format!("{indent} *\n"));
        } else {
            out.push_str(&format!("{indent} * {}\n", safe(line)));
        }
    }
    out.push_str(&format!("{indent} */\n"));
    out
}
