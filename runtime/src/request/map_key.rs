//! A JSON object's key as a deserializer, for the error-collecting reader (`collect`).

use serde::de::{self, Deserializer, IntoDeserializer, Unexpected, Visitor};
use serde_json::Error;

/// A map key, as serde_json reads one: a string, or a number or bool spelled as one.
pub(super) struct Key<'de>(pub(super) &'de str);

macro_rules! parsed_key {
    ($($method:ident => $ty:ty => $visit:ident;)*) => {
        $(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
                match self.0.parse::<$ty>() {
                    Ok(value) => visitor.$visit(value),
                    Err(_) => Err(de::Error::invalid_value(Unexpected::Str(self.0), &visitor)),
                }
            }
        )*
    };
}

impl<'de> Deserializer<'de> for Key<'de> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_borrowed_str(self.0)
    }

    parsed_key! {
        deserialize_bool => bool => visit_bool;
        deserialize_i8 => i8 => visit_i8;
        deserialize_i16 => i16 => visit_i16;
        deserialize_i32 => i32 => visit_i32;
        deserialize_i64 => i64 => visit_i64;
        deserialize_i128 => i128 => visit_i128;
        deserialize_u8 => u8 => visit_u8;
        deserialize_u16 => u16 => visit_u16;
        deserialize_u32 => u32 => visit_u32;
        deserialize_u64 => u64 => visit_u64;
        deserialize_u128 => u128 => visit_u128;
        deserialize_f32 => f32 => visit_f32;
        deserialize_f64 => f64 => visit_f64;
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_enum(self.0.into_deserializer())
    }

    serde::forward_to_deserialize_any! {
        char str string bytes byte_buf unit unit_struct seq tuple tuple_struct map struct
        identifier ignored_any
    }
}
