//! The deserializer behind [`collect`](super::collect): `T` read from a parsed [`Value`]
//! that records a wrong type and carries on with a placeholder, and marks where a stopping
//! error arose, so the driver can put a placeholder there on its next pass.

use std::cell::RefCell;

use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, Unexpected,
    VariantAccess, Visitor,
};
use serde_json::{Error, Map, Number, Value};

use super::map_key::Key;
use super::placeholder::Placeholder;

#[derive(Default)]
pub(super) struct State {
    /// Paths of values replaced by a placeholder.
    pub(super) replaced: Vec<String>,
    /// Paths of values left out, their type refusing every placeholder.
    pub(super) skipped: Vec<String>,
    /// `(parent path, field)` of missing fields supplied by a placeholder.
    pub(super) missing: Vec<(String, String)>,
    /// Errors recorded this pass and kept going past.
    pub(super) recovered: Vec<(String, String)>,
    /// Where this pass's stopping error arose (the innermost path that saw it).
    pub(super) error_at: Option<String>,
    /// Every leaf is text, as in a query string: a number or a boolean is parsed from a
    /// string, and a single string is a one-item sequence.
    pub(super) text: bool,
}

impl State {
    pub(super) fn is_replaced(&self, path: &str) -> bool {
        self.replaced.iter().any(|p| p == path)
    }

    pub(super) fn is_skipped(&self, path: &str) -> bool {
        self.skipped.iter().any(|p| p == path)
    }
}

pub(super) fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

fn unexpected(value: &Value) -> Unexpected<'_> {
    match value {
        Value::Null => Unexpected::Unit,
        Value::Bool(b) => Unexpected::Bool(*b),
        Value::Number(n) => number_unexpected(n),
        Value::String(s) => Unexpected::Str(s),
        Value::Array(_) => Unexpected::Seq,
        Value::Object(_) => Unexpected::Map,
    }
}

fn number_unexpected(n: &Number) -> Unexpected<'static> {
    if let Some(u) = n.as_u64() {
        Unexpected::Unsigned(u)
    } else if let Some(i) = n.as_i64() {
        Unexpected::Signed(i)
    } else {
        Unexpected::Float(n.as_f64().unwrap_or(f64::NAN))
    }
}

fn visit_number<'de, V: Visitor<'de>>(n: &Number, visitor: V) -> Result<V::Value, Error> {
    if let Some(u) = n.as_u64() {
        visitor.visit_u64(u)
    } else if let Some(i) = n.as_i64() {
        visitor.visit_i64(i)
    } else {
        visitor.visit_f64(n.as_f64().unwrap_or(f64::NAN))
    }
}

/// One value of the body, at `path`.
pub(super) struct Node<'s, 'de> {
    pub(super) value: &'de Value,
    pub(super) path: String,
    pub(super) state: &'s RefCell<State>,
}

impl<'s, 'de> Node<'s, 'de> {
    fn text(&self) -> bool {
        self.state.borrow().text
    }

    fn replaced(&self) -> bool {
        self.state.borrow().is_replaced(&self.path)
    }

    /// Records a wrong JSON type and carries on with a placeholder.
    fn wrong_type(&self, expected: &dyn de::Expected) {
        let message = <Error as de::Error>::invalid_type(unexpected(self.value), expected);
        self.state
            .borrow_mut()
            .recovered
            .push((self.path.clone(), message.to_string()));
    }

    fn visit_array<V: Visitor<'de>>(
        self,
        items: &'de [Value],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let len = items.len();
        let mut access = Items {
            items: items.iter().enumerate(),
            path: &self.path,
            state: self.state,
        };
        let value = visitor.visit_seq(&mut access)?;
        if access.items.len() == 0 {
            Ok(value)
        } else {
            Err(de::Error::invalid_length(len, &"fewer elements in array"))
        }
    }

    fn visit_object<V: Visitor<'de>>(
        self,
        object: &'de Map<String, Value>,
        visitor: V,
    ) -> Result<V::Value, Error> {
        let missing: Vec<String> = self
            .state
            .borrow()
            .missing
            .iter()
            .filter(|(parent, field)| *parent == self.path && !object.contains_key(field))
            .map(|(_, field)| field.clone())
            .collect();
        let mut access = Entries {
            entries: object.iter(),
            missing: missing.into_iter(),
            pending: None,
            path: &self.path,
            state: self.state,
        };
        visitor.visit_map(&mut access)
    }
}

/// Dispatches to the placeholder when this path was replaced in an earlier pass.
macro_rules! or_placeholder {
    ($self:ident, $method:ident ( $($arg:expr),* ), $visitor:ident) => {
        if $self.replaced() {
            return Placeholder(0).$method($($arg,)* $visitor);
        }
    };
}

/// A typed request: the JSON type `$ok` is taken, anything else is recorded and replaced.
macro_rules! typed {
    ($($method:ident => $pattern:pat => $visit:expr;)*) => {
        $(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
                or_placeholder!(self, $method(), visitor);
                match self.value {
                    $pattern => $visit(self, visitor),
                    _ => {
                        self.wrong_type(&visitor);
                        Placeholder(0).$method(visitor)
                    }
                }
            }
        )*
    };
}

/// A number or a boolean: the JSON value `$pattern`, or in text mode a string that
/// parses as `$ty`; anything else is recorded and replaced.
macro_rules! parsed {
    ($($method:ident: $ty:ty => $visit:ident, $pattern:pat => $json:expr;)*) => {
        $(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
                or_placeholder!(self, $method(), visitor);
                let parsed = match self.value {
                    $pattern => return $json(visitor),
                    Value::String(s) if self.text() => s.parse::<$ty>().ok(),
                    _ => None,
                };
                match parsed {
                    Some(value) => visitor.$visit(value),
                    None => {
                        self.wrong_type(&visitor);
                        Placeholder(0).$method(visitor)
                    }
                }
            }
        )*
    };
}

impl<'de> Deserializer<'de> for Node<'_, 'de> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        or_placeholder!(self, deserialize_any(), visitor);
        match self.value {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Number(n) => visit_number(n, visitor),
            Value::String(s) => visitor.visit_borrowed_str(s),
            Value::Array(items) => self.visit_array(items, visitor),
            Value::Object(object) => self.visit_object(object, visitor),
        }
    }

    typed! {
        deserialize_char => Value::String(s) => |_, v: V| v.visit_borrowed_str(s);
        deserialize_str => Value::String(s) => |_, v: V| v.visit_borrowed_str(s);
        deserialize_string => Value::String(s) => |_, v: V| v.visit_borrowed_str(s);
        deserialize_unit => Value::Null => |_, v: V| v.visit_unit();
        deserialize_map => Value::Object(object) => |node: Self, v| node.visit_object(object, v);
    }

    parsed! {
        deserialize_bool: bool => visit_bool, Value::Bool(b) => |v: V| v.visit_bool(*b);
        deserialize_i8: i8 => visit_i8, Value::Number(n) => |v| visit_number(n, v);
        deserialize_i16: i16 => visit_i16, Value::Number(n) => |v| visit_number(n, v);
        deserialize_i32: i32 => visit_i32, Value::Number(n) => |v| visit_number(n, v);
        deserialize_i64: i64 => visit_i64, Value::Number(n) => |v| visit_number(n, v);
        deserialize_i128: i128 => visit_i128, Value::Number(n) => |v| visit_number(n, v);
        deserialize_u8: u8 => visit_u8, Value::Number(n) => |v| visit_number(n, v);
        deserialize_u16: u16 => visit_u16, Value::Number(n) => |v| visit_number(n, v);
        deserialize_u32: u32 => visit_u32, Value::Number(n) => |v| visit_number(n, v);
        deserialize_u64: u64 => visit_u64, Value::Number(n) => |v| visit_number(n, v);
        deserialize_u128: u128 => visit_u128, Value::Number(n) => |v| visit_number(n, v);
        deserialize_f32: f32 => visit_f32, Value::Number(n) => |v| visit_number(n, v);
        deserialize_f64: f64 => visit_f64, Value::Number(n) => |v| visit_number(n, v);
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        or_placeholder!(self, deserialize_seq(), visitor);
        match self.value {
            Value::Array(items) => self.visit_array(items, visitor),
            Value::String(_) if self.text() => {
                let one = std::slice::from_ref(self.value);
                self.visit_array(one, visitor)
            }
            _ => {
                self.wrong_type(&visitor);
                Placeholder(0).deserialize_seq(visitor)
            }
        }
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_any(visitor)
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_any(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        or_placeholder!(self, deserialize_option(), visitor);
        match self.value {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        or_placeholder!(self, deserialize_newtype_struct(name), visitor);
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, Error> {
        or_placeholder!(self, deserialize_tuple(len), visitor);
        match self.value {
            Value::Array(items) => self.visit_array(items, visitor),
            _ => {
                self.wrong_type(&visitor);
                Placeholder(0).deserialize_tuple(len, visitor)
            }
        }
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        or_placeholder!(self, deserialize_tuple_struct(name, len), visitor);
        match self.value {
            Value::Array(items) => self.visit_array(items, visitor),
            _ => {
                self.wrong_type(&visitor);
                Placeholder(0).deserialize_tuple_struct(name, len, visitor)
            }
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        or_placeholder!(self, deserialize_struct(name, fields), visitor);
        match self.value {
            Value::Object(object) => self.visit_object(object, visitor),
            Value::Array(items) => self.visit_array(items, visitor),
            _ => {
                self.wrong_type(&visitor);
                Placeholder(0).deserialize_struct(name, fields, visitor)
            }
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        or_placeholder!(self, deserialize_enum(name, variants), visitor);
        let (variant, value) = match self.value {
            Value::String(variant) => (variant, None),
            Value::Object(object) if object.len() == 1 => {
                let (variant, value) = object.iter().next().expect("one entry");
                (variant, Some(value))
            }
            Value::Object(_) => {
                return Err(de::Error::invalid_value(
                    Unexpected::Map,
                    &"map with a single key",
                ))
            }
            _ => {
                self.wrong_type(&"string or map");
                return Placeholder(0).deserialize_enum(name, variants, visitor);
            }
        };
        visitor.visit_enum(Variant {
            variant,
            value,
            path: join(&self.path, variant),
            state: self.state,
        })
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_string(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }
}

/// Marks `path` as where a stopping error arose, unless a deeper value already did.
fn mark<T>(
    state: &RefCell<State>,
    path: impl FnOnce() -> String,
    result: Result<T, Error>,
) -> Result<T, Error> {
    if result.is_err() {
        let mut state = state.borrow_mut();
        if state.error_at.is_none() {
            state.error_at = Some(path());
        }
    }
    result
}

struct Items<'a, 's, 'de> {
    items: std::iter::Enumerate<std::slice::Iter<'de, Value>>,
    path: &'a str,
    state: &'s RefCell<State>,
}

impl<'de> SeqAccess<'de> for Items<'_, '_, 'de> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        let (value, path) = loop {
            let Some((index, value)) = self.items.next() else {
                return Ok(None);
            };
            let path = format!("{}[{index}]", self.path);
            if !self.state.borrow().is_skipped(&path) {
                break (value, path);
            }
        };
        let node = Node {
            value,
            path: path.clone(),
            state: self.state,
        };
        mark(self.state, || path, seed.deserialize(node)).map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

struct Entries<'a, 's, 'de> {
    entries: serde_json::map::Iter<'de>,
    /// Missing fields supplied by a placeholder, after the real entries.
    missing: std::vec::IntoIter<String>,
    /// The value of the key just returned: a body value, or `None` for a placeholder.
    pending: Option<(String, Option<&'de Value>)>,
    path: &'a str,
    state: &'s RefCell<State>,
}

impl<'de> MapAccess<'de> for Entries<'_, '_, 'de> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        for (key, value) in self.entries.by_ref() {
            if self.state.borrow().is_skipped(&join(self.path, key)) {
                continue;
            }
            self.pending = Some((key.clone(), Some(value)));
            let result = seed.deserialize(Key(key));
            return mark(self.state, || join(self.path, key), result).map(Some);
        }
        match self.missing.next() {
            Some(field) => {
                let result = seed.deserialize(de::value::StrDeserializer::<Error>::new(&field));
                self.pending = Some((field, None));
                result.map(Some)
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let (key, value) = self
            .pending
            .take()
            .ok_or_else(|| <Error as de::Error>::custom("value asked before its key"))?;
        let path = join(self.path, &key);
        match value {
            Some(value) => {
                let node = Node {
                    value,
                    path: path.clone(),
                    state: self.state,
                };
                mark(self.state, || path, seed.deserialize(node))
            }
            None => mark(self.state, || path, seed.deserialize(Placeholder(0))),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len() + self.missing.len())
    }
}

/// An enum written as `"Variant"` or `{"Variant": value}`.
struct Variant<'s, 'de> {
    variant: &'de str,
    value: Option<&'de Value>,
    path: String,
    state: &'s RefCell<State>,
}

impl<'s, 'de> EnumAccess<'de> for Variant<'s, 'de> {
    type Error = Error;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self), Error> {
        let variant = seed.deserialize(Key(self.variant))?;
        Ok((variant, self))
    }
}

impl<'s, 'de> Variant<'s, 'de> {
    fn node(self, expected: &'static str) -> Result<Node<'s, 'de>, Error> {
        match self.value {
            Some(value) => Ok(Node {
                value,
                path: self.path,
                state: self.state,
            }),
            None => Err(de::Error::invalid_type(Unexpected::UnitVariant, &expected)),
        }
    }
}

impl<'de> VariantAccess<'de> for Variant<'_, 'de> {
    type Error = Error;

    fn unit_variant(self) -> Result<(), Error> {
        match self.value {
            None | Some(Value::Null) => Ok(()),
            Some(other) => Err(de::Error::invalid_type(unexpected(other), &"unit variant")),
        }
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Error> {
        let node = self.node("newtype variant")?;
        let path = node.path.clone();
        let state = node.state;
        mark(state, || path, seed.deserialize(node))
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, Error> {
        self.node("tuple variant")?.deserialize_tuple(len, visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.node("struct variant")?
            .deserialize_struct("", fields, visitor)
    }
}
