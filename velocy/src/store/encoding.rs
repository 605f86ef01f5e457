//! The order-preserving, prefix-free encodings of the standard types: [`Indexable`] and [`Key`] for
//! integers, floats, `bool`, `char`, strings, byte strings, arrays, `Option` and tuples (the table is on
//! [`Indexable`]), and the helpers that build index bounds from encodings.

use super::record::{AutoIncrement, Indexable, Key};

fn take<'a>(input: &mut &'a [u8], count: usize) -> Option<&'a [u8]> {
    if input.len() < count {
        return None;
    }
    let (head, rest) = input.split_at(count);
    *input = rest;
    Some(head)
}

macro_rules! unsigned {
    ($($ty:ty),*) => {$(
        impl Indexable for $ty {
            fn encode(&self, out: &mut Vec<u8>) {
                out.extend_from_slice(&self.to_be_bytes());
            }
        }

        impl Key for $ty {
            fn decode(input: &mut &[u8]) -> Option<Self> {
                let bytes = take(input, std::mem::size_of::<$ty>())?;
                Some(<$ty>::from_be_bytes(bytes.try_into().ok()?))
            }

            fn from_sequence(sequence: u64) -> Option<Self> {
                <$ty>::try_from(sequence).ok()
            }

            fn to_sequence(&self) -> Option<u64> {
                u64::try_from(*self).ok()
            }

            fn is_unset(&self) -> bool {
                *self == 0
            }
        }

        impl AutoIncrement for $ty {}
    )*};
}

macro_rules! signed {
    ($($ty:ty => $unsigned:ty),*) => {$(
        impl Indexable for $ty {
            fn encode(&self, out: &mut Vec<u8>) {
                let flipped = (*self as $unsigned) ^ (1 << (<$unsigned>::BITS - 1));
                out.extend_from_slice(&flipped.to_be_bytes());
            }
        }

        impl Key for $ty {
            fn decode(input: &mut &[u8]) -> Option<Self> {
                let bytes = take(input, std::mem::size_of::<$ty>())?;
                let flipped = <$unsigned>::from_be_bytes(bytes.try_into().ok()?);
                Some((flipped ^ (1 << (<$unsigned>::BITS - 1))) as $ty)
            }

            fn from_sequence(sequence: u64) -> Option<Self> {
                <$ty>::try_from(sequence).ok()
            }

            fn to_sequence(&self) -> Option<u64> {
                u64::try_from(*self).ok()
            }

            fn is_unset(&self) -> bool {
                *self == 0
            }
        }

        impl AutoIncrement for $ty {}
    )*};
}

unsigned!(u8, u16, u32, u64, u128);
signed!(i8 => u8, i16 => u16, i32 => u32, i64 => u64, i128 => u128);

/// `usize` and `isize` encode as their 64-bit counterparts, so an index built on one platform reads the same
/// on another.
macro_rules! pointer_sized {
    ($($ty:ty => $wide:ty),*) => {$(
        impl Indexable for $ty {
            fn encode(&self, out: &mut Vec<u8>) {
                (*self as $wide).encode(out);
            }
        }

        impl Key for $ty {
            fn decode(input: &mut &[u8]) -> Option<Self> {
                <$ty>::try_from(<$wide>::decode(input)?).ok()
            }

            fn from_sequence(sequence: u64) -> Option<Self> {
                <$ty>::try_from(sequence).ok()
            }

            fn to_sequence(&self) -> Option<u64> {
                u64::try_from(*self).ok()
            }

            fn is_unset(&self) -> bool {
                *self == 0
            }
        }

        impl AutoIncrement for $ty {}
    )*};
}

pointer_sized!(usize => u64, isize => i64);

impl Indexable for f64 {
    fn encode(&self, out: &mut Vec<u8>) {
        let bits = self.to_bits();
        let ordered = if bits >> 63 == 1 { !bits } else { bits | (1 << 63) };
        out.extend_from_slice(&ordered.to_be_bytes());
    }
}

impl Indexable for f32 {
    fn encode(&self, out: &mut Vec<u8>) {
        let bits = self.to_bits();
        let ordered = if bits >> 31 == 1 { !bits } else { bits | (1 << 31) };
        out.extend_from_slice(&ordered.to_be_bytes());
    }
}

impl Indexable for bool {
    fn encode(&self, out: &mut Vec<u8>) {
        out.push(u8::from(*self));
    }
}

impl Key for bool {
    fn decode(input: &mut &[u8]) -> Option<Self> {
        match take(input, 1)? {
            [0] => Some(false),
            [1] => Some(true),
            _ => None,
        }
    }
}

impl Indexable for char {
    fn encode(&self, out: &mut Vec<u8>) {
        u32::from(*self).encode(out);
    }
}

impl Key for char {
    fn decode(input: &mut &[u8]) -> Option<Self> {
        char::from_u32(u32::decode(input)?)
    }
}

/// Writes `bytes` escaped and terminated: `0x00` becomes `0x00 0xFF`, and `0x00 0x01` ends the value.
fn encode_bytes(bytes: &[u8], out: &mut Vec<u8>) {
    out.reserve(bytes.len() + 2);
    for &byte in bytes {
        out.push(byte);
        if byte == 0 {
            out.push(0xFF);
        }
    }
    out.extend_from_slice(&[0x00, 0x01]);
}

fn decode_bytes(input: &mut &[u8]) -> Option<Vec<u8>> {
    let mut value = Vec::new();
    let mut index = 0;
    loop {
        let byte = *input.get(index)?;
        if byte == 0 {
            match *input.get(index + 1)? {
                0xFF => value.push(0),
                0x01 => {
                    *input = &input[index + 2..];
                    return Some(value);
                }
                _ => return None,
            }
            index += 2;
        } else {
            value.push(byte);
            index += 1;
        }
    }
}

impl Indexable for str {
    fn encode(&self, out: &mut Vec<u8>) {
        encode_bytes(self.as_bytes(), out);
    }
}

impl Indexable for String {
    fn encode(&self, out: &mut Vec<u8>) {
        encode_bytes(self.as_bytes(), out);
    }
}

impl Key for String {
    fn decode(input: &mut &[u8]) -> Option<Self> {
        String::from_utf8(decode_bytes(input)?).ok()
    }
}

impl Indexable for [u8] {
    fn encode(&self, out: &mut Vec<u8>) {
        encode_bytes(self, out);
    }
}

impl Indexable for Vec<u8> {
    fn encode(&self, out: &mut Vec<u8>) {
        encode_bytes(self, out);
    }
}

impl Key for Vec<u8> {
    fn decode(input: &mut &[u8]) -> Option<Self> {
        decode_bytes(input)
    }
}

impl<const N: usize> Indexable for [u8; N] {
    fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self);
    }
}

impl<const N: usize> Key for [u8; N] {
    fn decode(input: &mut &[u8]) -> Option<Self> {
        take(input, N)?.try_into().ok()
    }
}

impl<T: Indexable> Indexable for Option<T> {
    fn encode(&self, out: &mut Vec<u8>) {
        match self {
            None => out.push(0),
            Some(value) => {
                out.push(1);
                value.encode(out);
            }
        }
    }

    fn is_null(&self) -> bool {
        self.is_none()
    }
}

impl<T: Indexable + ?Sized> Indexable for &T {
    fn encode(&self, out: &mut Vec<u8>) {
        (**self).encode(out);
    }

    fn is_null(&self) -> bool {
        (**self).is_null()
    }
}

impl<A: Indexable, B: Indexable> Indexable for (A, B) {
    fn encode(&self, out: &mut Vec<u8>) {
        self.0.encode(out);
        self.1.encode(out);
    }
}

impl<A: Key, B: Key> Key for (A, B) {
    fn decode(input: &mut &[u8]) -> Option<Self> {
        Some((A::decode(input)?, B::decode(input)?))
    }
}

impl<A: Indexable, B: Indexable, C: Indexable> Indexable for (A, B, C) {
    fn encode(&self, out: &mut Vec<u8>) {
        self.0.encode(out);
        self.1.encode(out);
        self.2.encode(out);
    }
}

impl<A: Key, B: Key, C: Key> Key for (A, B, C) {
    fn decode(input: &mut &[u8]) -> Option<Self> {
        Some((A::decode(input)?, B::decode(input)?, C::decode(input)?))
    }
}

/// `value`'s encoding as a new vector.
pub(crate) fn encoded<T: Indexable + ?Sized>(value: &T) -> Vec<u8> {
    let mut out = Vec::new();
    value.encode(&mut out);
    out
}

/// The smallest byte string greater than every string that starts with `prefix`; `None` if there is none
/// (the prefix is all `0xFF`).
pub(crate) fn prefix_successor(prefix: &[u8]) -> Option<Vec<u8>> {
    let mut successor = prefix.to_vec();
    while let Some(last) = successor.pop() {
        if last != 0xFF {
            successor.push(last + 1);
            return Some(successor);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn sorted_by_encoding<T: Indexable + Clone>(values: &[T]) -> Vec<T> {
        let mut pairs: Vec<(Vec<u8>, T)> = values.iter().map(|v| (encoded(v), v.clone())).collect();
        pairs.sort_by(|a, b| a.0.cmp(&b.0));
        pairs.into_iter().map(|(_, v)| v).collect()
    }

    #[test]
    fn integers_order_like_their_values() {
        let values = [i64::MIN, -300, -1, 0, 1, 255, 256, i64::MAX];
        assert_eq!(sorted_by_encoding(&values), values);
        let values = [0u32, 1, 255, 256, u32::MAX];
        assert_eq!(sorted_by_encoding(&values), values);
    }

    #[test]
    fn floats_order_totally() {
        let values = [f64::NEG_INFINITY, -2.5, -0.0, 0.0, 1e-9, 3.0, f64::INFINITY];
        let sorted = sorted_by_encoding(&values);
        assert_eq!(
            sorted.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
            values.iter().map(|v| v.to_bits()).collect::<Vec<_>>()
        );
    }

    #[test]
    fn strings_are_prefix_free_and_ordered() {
        let values: Vec<String> =
            ["", "\0", "\0\0", "a", "a\0", "a\0b", "ab", "b"].iter().map(|s| s.to_string()).collect();
        assert_eq!(sorted_by_encoding(&values), values);
        let pairs = [("a".to_string(), 9u8), ("a".to_string(), 10), ("ab".to_string(), 0)];
        assert_eq!(sorted_by_encoding(&pairs), pairs);
    }

    #[test]
    fn options_put_none_first() {
        let values = [None, Some(-1i32), Some(0), Some(7)];
        assert_eq!(sorted_by_encoding(&values), values);
        assert!(None::<u8>.is_null());
    }

    #[test]
    fn keys_round_trip() {
        fn round_trip<K: Key>(key: K) {
            let bytes = encoded(&key);
            let mut input = bytes.as_slice();
            assert_eq!(K::decode(&mut input), Some(key));
            assert!(input.is_empty());
        }
        round_trip(-5i32);
        round_trip(u128::MAX);
        round_trip(String::from("a\0b\u{e9}"));
        round_trip(vec![0u8, 0xFF, 1]);
        round_trip([7u8; 16]);
        round_trip((3u64, String::from("x")));
        round_trip(('z', true, -1i8));
        round_trip(usize::MAX);
    }

    #[test]
    fn successor_bounds_a_prefix() {
        assert_eq!(prefix_successor(&[1, 2]), Some(vec![1, 3]));
        assert_eq!(prefix_successor(&[1, 0xFF]), Some(vec![2]));
        assert_eq!(prefix_successor(&[0xFF]), None);
    }
}
