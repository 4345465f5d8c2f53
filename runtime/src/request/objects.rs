//! A JSON body read into a struct must be an object.
//!
//! serde's derived `Deserialize` for a struct also accepts a JSON array of its fields in
//! order (`[null, null]` for `{title, body}`), a shape no client of a JSON API means and no
//! OpenAPI document allows. A body that starts with `[` goes through [`Objects`], which
//! answers a struct with "expected a JSON object" and forwards everything else, so a
//! `Vec<T>` body still reads; a body that starts with `{` never pays for it.

use serde::de::{self, Deserializer, Visitor};

/// Forwards to the JSON deserializer, refusing a struct at the top level.
pub(super) struct Objects<D>(pub D);

macro_rules! forward {
    ($($method:ident),* $(,)?) => {
        $(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
                self.0.$method(visitor)
            }
        )*
    };
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Objects<D> {
    type Error = D::Error;

    forward!(
        deserialize_any,
        deserialize_bool,
        deserialize_i8,
        deserialize_i16,
        deserialize_i32,
        deserialize_i64,
        deserialize_i128,
        deserialize_u8,
        deserialize_u16,
        deserialize_u32,
        deserialize_u64,
        deserialize_u128,
        deserialize_f32,
        deserialize_f64,
        deserialize_char,
        deserialize_str,
        deserialize_string,
        deserialize_bytes,
        deserialize_byte_buf,
        deserialize_option,
        deserialize_unit,
        deserialize_seq,
        deserialize_map,
        deserialize_identifier,
        deserialize_ignored_any,
    );

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.deserialize_unit_struct(name, visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        // `struct Wrapper(Inner)` is its inner value: keep looking at the top level.
        self.0.deserialize_newtype_struct(name, visitor)
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.deserialize_tuple(len, visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.deserialize_tuple_struct(name, len, visitor)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, Self::Error> {
        Err(de::Error::invalid_type(
            de::Unexpected::Seq,
            &"a JSON object",
        ))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.deserialize_enum(name, variants, visitor)
    }

    fn is_human_readable(&self) -> bool {
        self.0.is_human_readable()
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::Objects;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Post {
        title: Option<String>,
        body: Option<String>,
    }

    fn read<T: for<'de> Deserialize<'de>>(json: &str) -> Result<T, serde_json::Error> {
        let mut de = serde_json::Deserializer::from_str(json);
        T::deserialize(Objects(&mut de))
    }

    #[test]
    fn a_struct_is_never_read_from_an_array() {
        assert!(
            serde_json::from_str::<Post>("[null, null]").is_ok(),
            "serde would"
        );
        let error = read::<Post>("[null, null]").unwrap_err();
        assert!(
            error.to_string().contains("expected a JSON object"),
            "{error}"
        );
    }

    #[test]
    fn arrays_of_structs_and_other_values_still_read() {
        let posts: Vec<Post> = read(r#"[{"title": "a", "body": null}]"#).unwrap();
        assert_eq!(posts[0].title.as_deref(), Some("a"));
        let numbers: Vec<u32> = read("[1, 2]").unwrap();
        assert_eq!(numbers, [1, 2]);
        let pair: (u8, String) = read(r#"[1, "x"]"#).unwrap();
        assert_eq!(pair, (1, "x".to_owned()));
        let value: serde_json::Value = read("[1]").unwrap();
        assert_eq!(value, serde_json::json!([1]));
    }
}
