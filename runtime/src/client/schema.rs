//! JSON Schema (OpenAPI 3.1's dialect, as schemars writes it) as a TypeScript type.
//!
//! Objects become object types (a property outside `required` is optional), `enum` and
//! `const` literal unions, arrays `T[]` (`prefixItems` tuples), `type: [T, "null"]`,
//! `anyOf` with `null` and OpenAPI 3.0's `nullable` unions with `null`, `oneOf`/`anyOf`
//! unions, `allOf` intersections, `additionalProperties` a `Record`, and a `$ref` into
//! `components/schemas` the exported type of that schema. A `format` changes nothing but
//! the doc comment: `int64` is a `number`, `date-time` and `uuid` a `string`. What a type
//! cannot say (`minLength`, `pattern`) is left to the server, which checks it.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use super::names::{jsdoc, property_key, string_literal};

/// A TypeScript type expression, and whether it needs parentheses inside `T[]` or `A & B`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Ty {
    pub(crate) text: String,
    compound: bool,
}

impl Ty {
    pub(crate) fn atom(text: impl Into<String>) -> Ty {
        Ty {
            text: text.into(),
            compound: false,
        }
    }

    fn unknown() -> Ty {
        Ty::atom("unknown")
    }

    /// The type as an operand of `[]`, `&` or `|`.
    fn operand(&self) -> String {
        if self.compound {
            format!("({})", self.text)
        } else {
            self.text.clone()
        }
    }

    /// `A | B`: `unknown` absorbs the others, `never` drops out, repeats count once.
    pub(crate) fn union(members: Vec<Ty>) -> Ty {
        let mut seen = BTreeSet::new();
        let mut kept = Vec::new();
        for member in members {
            if member.text == "unknown" {
                return Ty::unknown();
            }
            if member.text != "never" && seen.insert(member.text.clone()) {
                kept.push(member);
            }
        }
        match kept.len() {
            0 => Ty::atom("never"),
            1 => kept.pop().expect("one member"),
            _ => Ty {
                text: kept.iter().map(Ty::operand).collect::<Vec<_>>().join(" | "),
                compound: true,
            },
        }
    }

    /// `A & B`: `unknown` drops out.
    fn intersection(members: Vec<Ty>) -> Ty {
        let mut kept: Vec<Ty> = members
            .into_iter()
            .filter(|m| m.text != "unknown")
            .collect();
        match kept.len() {
            0 => Ty::unknown(),
            1 => kept.pop().expect("one member"),
            _ => Ty {
                text: kept.iter().map(Ty::operand).collect::<Vec<_>>().join(" & "),
                compound: true,
            },
        }
    }
}

/// The schemas of one document, by their names in `components/schemas`.
pub(crate) struct Schemas<'a> {
    /// A component's name → its exported TypeScript name.
    pub(crate) names: &'a BTreeMap<String, String>,
}

const INDENT: &str = "  ";

impl Schemas<'_> {
    /// `schema` as a type, laid out for a line indented by `indent`.
    pub(crate) fn ty(&self, schema: &Value, indent: &str) -> Ty {
        let Some(map) = schema.as_object() else {
            // `true` allows anything, `false` nothing.
            return match schema {
                Value::Bool(false) => Ty::atom("never"),
                _ => Ty::unknown(),
            };
        };
        if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
            return nullable(self.reference(reference), map);
        }
        let mut parts = Vec::new();
        if let Some(value) = map.get("const") {
            parts.push(literal(value));
        } else if let Some(Value::Array(values)) = map.get("enum") {
            parts.push(Ty::union(values.iter().map(literal).collect()));
        } else if let Some(by_type) = self.by_type(map, indent) {
            parts.push(by_type);
        }
        for key in ["anyOf", "oneOf"] {
            if let Some(Value::Array(options)) = map.get(key) {
                let options = options.iter().map(|s| self.ty(s, indent)).collect();
                parts.push(Ty::union(options));
            }
        }
        if let Some(Value::Array(all)) = map.get("allOf") {
            parts.extend(all.iter().map(|s| self.ty(s, indent)));
        }
        // A bare `type: object` beside `oneOf` (a tagged enum) says nothing the options
        // do not.
        if parts.len() > 1 && is_bare_object(map) {
            parts.remove(0);
        }
        nullable(Ty::intersection(parts), map)
    }

    fn reference(&self, reference: &str) -> Ty {
        reference
            .strip_prefix("#/components/schemas/")
            .map(unescape_pointer)
            .and_then(|name| self.names.get(&name))
            .map_or_else(Ty::unknown, |name| Ty::atom(name.clone()))
    }

    /// The type from `type` (or from `properties` / `items` when `type` is left out).
    fn by_type(&self, map: &Map<String, Value>, indent: &str) -> Option<Ty> {
        let types: Vec<&str> = match map.get("type") {
            Some(Value::String(one)) => vec![one.as_str()],
            Some(Value::Array(many)) => many.iter().filter_map(Value::as_str).collect(),
            _ if map.contains_key("properties") || map.contains_key("additionalProperties") => {
                vec!["object"]
            }
            _ if map.contains_key("items") || map.contains_key("prefixItems") => vec!["array"],
            _ => return None,
        };
        let members = types
            .into_iter()
            .map(|name| match name {
                "string" => Ty::atom("string"),
                "integer" | "number" => Ty::atom("number"),
                "boolean" => Ty::atom("boolean"),
                "null" => Ty::atom("null"),
                "object" => self.object(map, indent),
                "array" => self.array(map, indent),
                _ => Ty::unknown(),
            })
            .collect();
        Some(Ty::union(members))
    }

    fn object(&self, map: &Map<String, Value>, indent: &str) -> Ty {
        let properties = map.get("properties").and_then(Value::as_object);
        let required: BTreeSet<&str> = map
            .get("required")
            .and_then(Value::as_array)
            .map(|names| names.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let additional = map.get("additionalProperties");
        let patterns: Vec<&Value> = map
            .get("patternProperties")
            .and_then(Value::as_object)
            .map(|p| p.values().collect())
            .unwrap_or_default();
        let Some(properties) = properties.filter(|p| !p.is_empty()) else {
            let mut values: Vec<Ty> = patterns.iter().map(|s| self.ty(s, indent)).collect();
            match additional {
                Some(Value::Bool(false)) => {}
                Some(schema) => values.push(self.ty(schema, indent)),
                None => values.push(Ty::unknown()),
            }
            return Ty::atom(format!("Record<string, {}>", Ty::union(values).text));
        };
        let inner = format!("{indent}{INDENT}");
        let mut out = String::from("{\n");
        for (name, property) in properties {
            out.push_str(&jsdoc(&property_docs(property), &inner));
            let optional = if required.contains(name.as_str()) {
                ""
            } else {
                "?"
            };
            let ty = self.ty(property, &inner);
            out.push_str(&format!(
                "{inner}{}{optional}: {};\n",
                property_key(name),
                ty.text
            ));
        }
        let open = !patterns.is_empty() || !matches!(additional, None | Some(Value::Bool(false)));
        if open {
            // An index signature must admit every named property's type too.
            out.push_str(&format!("{inner}[key: string]: unknown;\n"));
        }
        out.push_str(indent);
        out.push('}');
        Ty::atom(out)
    }

    fn array(&self, map: &Map<String, Value>, indent: &str) -> Ty {
        let items = map.get("items");
        if let Some(Value::Array(prefix)) = map.get("prefixItems") {
            let mut members: Vec<String> = prefix.iter().map(|s| self.ty(s, indent).text).collect();
            match items {
                Some(Value::Bool(false)) => {}
                Some(rest) => members.push(format!("...{}[]", self.ty(rest, indent).operand())),
                None => members.push("...unknown[]".to_owned()),
            }
            return Ty::atom(format!("[{}]", members.join(", ")));
        }
        let item = items.map_or_else(Ty::unknown, |s| self.ty(s, indent));
        Ty::atom(format!("{}[]", item.operand()))
    }
}

/// A `$ref` name written as a JSON pointer: `~1` is `/`, `~0` is `~`.
fn unescape_pointer(name: &str) -> String {
    name.replace("~1", "/").replace("~0", "~")
}

/// A schema that says `type: object` and nothing about its members.
fn is_bare_object(map: &Map<String, Value>) -> bool {
    map.get("type") == Some(&Value::from("object"))
        && ![
            "properties",
            "additionalProperties",
            "patternProperties",
            "const",
            "enum",
        ]
        .iter()
        .any(|k| map.contains_key(*k))
}

/// `T | null` for OpenAPI 3.0's `nullable: true`.
fn nullable(ty: Ty, map: &Map<String, Value>) -> Ty {
    if map.get("nullable") == Some(&Value::Bool(true)) {
        Ty::union(vec![ty, Ty::atom("null")])
    } else {
        ty
    }
}

/// A JSON value as a literal type: strings, numbers, booleans and `null`.
fn literal(value: &Value) -> Ty {
    match value {
        Value::String(text) => Ty::atom(string_literal(text)),
        Value::Number(n) => Ty::atom(n.to_string()),
        Value::Bool(b) => Ty::atom(b.to_string()),
        Value::Null => Ty::atom("null"),
        _ => Ty::unknown(),
    }
}

/// What a schema's doc comment says: its title, description, `format`, default and
/// whether it is deprecated.
pub(crate) fn property_docs(schema: &Value) -> Vec<String> {
    let text = |key: &str| schema.get(key).and_then(Value::as_str);
    let mut lines = Vec::new();
    if let Some(title) = text("title") {
        lines.push(title.to_owned());
    }
    if let Some(description) = text("description") {
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.push(description.to_owned());
    }
    if let Some(format) = text("format") {
        lines.push(format!("@format {format}"));
    }
    if let Some(default) = schema.get("default") {
        lines.push(format!("@default {default}"));
    }
    if schema.get("deprecated") == Some(&Value::Bool(true)) {
        lines.push("@deprecated".to_owned());
    }
    lines
}
