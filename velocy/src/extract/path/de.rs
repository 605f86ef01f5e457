//! A serde deserializer over decoded path parameters: a map (for structs), a sequence (for tuples) or a
//! single value (for one parameter).

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use serde::forward_to_deserialize_any;

/// Why path parameters did not deserialize; the message names the parameter.
#[derive(Debug)]
pub(super) struct PathDeError(String);

impl fmt::Display for PathDeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for PathDeError {}

impl de::Error for PathDeError {
    fn custom<T: fmt::Display>(message: T) -> Self {
        Self(message.to_string())
    }
}

/// Deserializes the whole parameter list.
pub(super) struct ParamsDeserializer<'a> {
    params: &'a [(&'a str, Cow<'a, str>)],
}

impl<'a> ParamsDeserializer<'a> {
    pub(super) fn new(params: &'a [(&'a str, Cow<'a, str>)]) -> Self {
        Self { params }
    }

    fn single(&self) -> Result<ValueDeserializer<'a>, PathDeError> {
        match self.params {
            [(name, value)] => Ok(ValueDeserializer { name, value }),
            _ => Err(PathDeError(format!(
                "expected exactly one path parameter, the route has {}",
                self.params.len()
            ))),
        }
    }
}

macro_rules! single_value {
    ($($method:ident)*) => {
        $(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
                self.single()?.$method(visitor)
            }
        )*
    };
}

impl<'de> de::Deserializer<'de> for ParamsDeserializer<'de> {
    type Error = PathDeError;

    single_value!(deserialize_bool deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64
        deserialize_i128 deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64 deserialize_u128
        deserialize_f32 deserialize_f64 deserialize_char deserialize_str deserialize_string
        deserialize_bytes deserialize_byte_buf deserialize_option);

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        self.deserialize_map(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_map(ParamsMap { params: self.params.iter(), value: None })
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.deserialize_map(visitor)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_seq(ParamsSeq { params: self.params.iter() })
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, Self::Error> {
        if len != self.params.len() {
            return Err(PathDeError(format!(
                "expected a tuple of {len} path parameters, the route has {}",
                self.params.len()
            )));
        }
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.deserialize_tuple(len, visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.single()?.deserialize_enum(name, variants, visitor)
    }

    forward_to_deserialize_any! { unit unit_struct identifier ignored_any }
}

struct ParamsMap<'a> {
    params: std::slice::Iter<'a, (&'a str, Cow<'a, str>)>,
    value: Option<(&'a str, &'a str)>,
}

impl<'de> MapAccess<'de> for ParamsMap<'de> {
    type Error = PathDeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Self::Error> {
        match self.params.next() {
            Some((name, value)) => {
                self.value = Some((name, value));
                seed.deserialize((*name).into_deserializer()).map(Some)
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Self::Error> {
        match self.value.take() {
            Some((name, value)) => seed.deserialize(ValueDeserializer { name, value }),
            None => Err(PathDeError("a value was requested before its key".to_owned())),
        }
    }
}

struct ParamsSeq<'a> {
    params: std::slice::Iter<'a, (&'a str, Cow<'a, str>)>,
}

impl<'de> SeqAccess<'de> for ParamsSeq<'de> {
    type Error = PathDeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Self::Error> {
        match self.params.next() {
            Some((name, value)) => seed.deserialize(ValueDeserializer { name, value }).map(Some),
            None => Ok(None),
        }
    }
}

/// Deserializes one parameter value, parsing scalars from text.
struct ValueDeserializer<'a> {
    name: &'a str,
    value: &'a str,
}

impl ValueDeserializer<'_> {
    fn parse<T: std::str::FromStr>(&self, expected: &str) -> Result<T, PathDeError>
    where
        T::Err: fmt::Display,
    {
        self.value.parse().map_err(|error| {
            PathDeError(format!(
                "invalid value {:?} for path parameter `{}` (expected {expected}): {error}",
                self.value, self.name
            ))
        })
    }
}

macro_rules! parse_scalar {
    ($($method:ident => $visit:ident : $ty:ty),* $(,)?) => {
        $(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
                visitor.$visit(self.parse::<$ty>(stringify!($ty))?)
            }
        )*
    };
}

impl<'de> de::Deserializer<'de> for ValueDeserializer<'de> {
    type Error = PathDeError;

    parse_scalar!(
        deserialize_bool => visit_bool: bool,
        deserialize_i8 => visit_i8: i8, deserialize_i16 => visit_i16: i16,
        deserialize_i32 => visit_i32: i32, deserialize_i64 => visit_i64: i64, deserialize_i128 => visit_i128: i128,
        deserialize_u8 => visit_u8: u8, deserialize_u16 => visit_u16: u16,
        deserialize_u32 => visit_u32: u32, deserialize_u64 => visit_u64: u64, deserialize_u128 => visit_u128: u128,
        deserialize_f32 => visit_f32: f32, deserialize_f64 => visit_f64: f64,
        deserialize_char => visit_char: char,
    );

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_borrowed_str(self.value)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        visitor.visit_enum(self.value.into_deserializer())
    }

    forward_to_deserialize_any! {
        str string bytes byte_buf unit unit_struct seq tuple tuple_struct map struct identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde::Deserialize;

    fn params(pairs: &[(&'static str, &'static str)]) -> Vec<(&'static str, Cow<'static, str>)> {
        pairs.iter().map(|(name, value)| (*name, Cow::Borrowed(*value))).collect()
    }

    #[test]
    fn structs_bind_by_name() {
        #[derive(Deserialize, Debug, PartialEq)]
        struct Key {
            repo: String,
            id: u32,
        }
        let list = params(&[("id", "7"), ("repo", "velocy")]);
        let key = Key::deserialize(ParamsDeserializer::new(&list)).unwrap();
        assert_eq!(key, Key { repo: "velocy".into(), id: 7 });
    }

    #[test]
    fn tuples_bind_in_order_and_check_the_count() {
        let list = params(&[("a", "1"), ("b", "two")]);
        let pair = <(u8, String)>::deserialize(ParamsDeserializer::new(&list)).unwrap();
        assert_eq!(pair, (1, "two".to_owned()));
        assert!(<(u8,)>::deserialize(ParamsDeserializer::new(&list)).is_err());
    }

    #[test]
    fn errors_name_the_parameter() {
        let list = params(&[("id", "seven")]);
        let error = u64::deserialize(ParamsDeserializer::new(&list)).unwrap_err();
        assert!(error.to_string().contains("path parameter `id`"), "{error}");
    }
}
