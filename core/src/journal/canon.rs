//! The journal's canonical binary encoding: what the digest hashes.
//!
//! Every value the journal's serde types produce, written in order and unambiguously:
//! integers as LEB128 varints (signed ones zigzagged), floats as their IEEE-754 bits,
//! strings and bytes with a length prefix, enum variants by index, options and
//! sequences with markers. Field names are not written (the types fix them), but the `ev` tag of an
//! entry is, as its variant name. Two journals encode alike exactly when every line is
//! alike, which is all a digest needs; the encoding is well under half the JSON's size
//! and several times cheaper to produce.

use serde::Serialize;
use serde::ser;

/// Appends the canonical encoding of `value` to `out`.
pub fn encode<T: Serialize + ?Sized>(value: &T, out: &mut Vec<u8>) {
    value
        .serialize(&mut Canon(out))
        .expect("journal values encode canonically");
}

/// The encoder, writing into a buffer.
struct Canon<'a>(&'a mut Vec<u8>);

/// Never produced: every journal value encodes.
#[derive(Debug)]
pub struct Never(String);

impl std::fmt::Display for Never {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Never {}

impl ser::Error for Never {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        Never(msg.to_string())
    }
}

/// Marks one more element of a sequence or map; [`END`] closes it.
const MORE: u8 = 1;
const END: u8 = 0;

impl Canon<'_> {
    /// An unsigned integer, seven bits a byte, low bits first; the high bit of a byte
    /// says another follows.
    fn varint(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.0.push((v as u8) | 0x80);
            v >>= 7;
        }
        self.0.push(v as u8);
    }

    /// A signed integer, zigzagged so small magnitudes stay short.
    fn signed(&mut self, v: i64) {
        self.varint(((v << 1) ^ (v >> 63)) as u64);
    }

    fn len(&mut self, n: usize) {
        self.varint(n as u64);
    }

    fn variant(&mut self, index: u32) {
        self.varint(u64::from(index));
    }
}

/// Integer methods of the serializer: each widens its value losslessly and writes it
/// as a (zigzagged) varint.
macro_rules! integers {
    ($($method:ident($ty:ty) => $write:ident,)*) => {
        $(fn $method(self, v: $ty) -> Result<(), Never> {
            self.$write(v.into());
            Ok(())
        })*
    };
}

impl<'a, 'b> ser::Serializer for &'a mut Canon<'b> {
    type Ok = ();
    type Error = Never;
    type SerializeSeq = Self;
    type SerializeTuple = Self;
    type SerializeTupleStruct = Self;
    type SerializeTupleVariant = Self;
    type SerializeMap = Self;
    type SerializeStruct = Self;
    type SerializeStructVariant = Self;

    fn serialize_bool(self, v: bool) -> Result<(), Never> {
        self.0.push(v as u8);
        Ok(())
    }
    integers! {
        serialize_i8(i8) => signed,
        serialize_i16(i16) => signed,
        serialize_i32(i32) => signed,
        serialize_i64(i64) => signed,
        serialize_u16(u16) => varint,
        serialize_u32(u32) => varint,
        serialize_u64(u64) => varint,
    }
    fn serialize_u8(self, v: u8) -> Result<(), Never> {
        self.0.push(v);
        Ok(())
    }
    fn serialize_f32(self, v: f32) -> Result<(), Never> {
        self.0.extend_from_slice(&v.to_bits().to_le_bytes());
        Ok(())
    }
    fn serialize_f64(self, v: f64) -> Result<(), Never> {
        self.0.extend_from_slice(&v.to_bits().to_le_bytes());
        Ok(())
    }
    fn serialize_char(self, v: char) -> Result<(), Never> {
        self.serialize_u32(v as u32)
    }
    fn serialize_str(self, v: &str) -> Result<(), Never> {
        self.len(v.len());
        self.0.extend_from_slice(v.as_bytes());
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), Never> {
        self.len(v.len());
        self.0.extend_from_slice(v);
        Ok(())
    }
    fn serialize_none(self) -> Result<(), Never> {
        self.0.push(0);
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Never> {
        self.0.push(1);
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Never> {
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Never> {
        Ok(())
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        index: u32,
        _: &'static str,
    ) -> Result<(), Never> {
        self.variant(index);
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), Never> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        index: u32,
        _: &'static str,
        value: &T,
    ) -> Result<(), Never> {
        self.variant(index);
        value.serialize(self)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self, Never> {
        Ok(self)
    }
    fn serialize_tuple(self, _: usize) -> Result<Self, Never> {
        Ok(self)
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Self, Never> {
        Ok(self)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        index: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self, Never> {
        self.variant(index);
        Ok(self)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self, Never> {
        Ok(self)
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, Never> {
        Ok(self)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        index: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self, Never> {
        self.variant(index);
        Ok(self)
    }
}

impl ser::SerializeSeq for &mut Canon<'_> {
    type Ok = ();
    type Error = Never;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Never> {
        self.0.push(MORE);
        value.serialize(&mut **self)
    }
    fn end(self) -> Result<(), Never> {
        self.0.push(END);
        Ok(())
    }
}

impl ser::SerializeMap for &mut Canon<'_> {
    type Ok = ();
    type Error = Never;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Never> {
        self.0.push(MORE);
        key.serialize(&mut **self)
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Never> {
        value.serialize(&mut **self)
    }
    fn end(self) -> Result<(), Never> {
        self.0.push(END);
        Ok(())
    }
}

/// Tuples and structs have a fixed shape: their elements, nothing more.
macro_rules! fixed {
    ($trait:ident, $method:ident $(, $name:ty)?) => {
        impl ser::$trait for &mut Canon<'_> {
            type Ok = ();
            type Error = Never;
            fn $method<T: Serialize + ?Sized>(&mut self, $(_: $name,)? value: &T) -> Result<(), Never> {
                value.serialize(&mut **self)
            }
            fn end(self) -> Result<(), Never> {
                Ok(())
            }
        }
    };
}

fixed!(SerializeTuple, serialize_element);
fixed!(SerializeTupleStruct, serialize_field);
fixed!(SerializeTupleVariant, serialize_field);
fixed!(SerializeStruct, serialize_field, &'static str);
fixed!(SerializeStructVariant, serialize_field, &'static str);

#[cfg(test)]
mod tests {
    use super::encode;

    fn bytes<T: serde::Serialize>(v: &T) -> Vec<u8> {
        let mut out = Vec::new();
        encode(v, &mut out);
        out
    }

    #[test]
    fn strings_and_sequences_are_delimited() {
        // Without length prefixes and markers these pairs would encode alike.
        assert_ne!(bytes(&("ab", "c")), bytes(&("a", "bc")));
        assert_ne!(
            bytes(&(vec![1u8], vec![2u8])),
            bytes(&(vec![1u8, 2], Vec::<u8>::new()))
        );
        assert_ne!(bytes(&Some(0u8)), bytes(&None::<u8>));
        assert_ne!(bytes(&0.0f64), bytes(&-0.0f64));
    }

    #[test]
    fn integers_are_varints() {
        assert_eq!(bytes(&0u64), [0]);
        assert_eq!(bytes(&127u32), [127]);
        assert_eq!(bytes(&128u64), [0x80, 1]);
        assert_eq!(bytes(&300u16), [0xac, 2]);
        assert_eq!(bytes(&u64::MAX).len(), 10);
        assert_eq!(bytes(&-1i64), [1]);
        assert_eq!(bytes(&1i32), [2]);
        assert_eq!(bytes(&i64::MIN).len(), 10);
    }

    #[test]
    fn an_instant_encodes_as_its_seconds() {
        // Journals hashed before times had a type of their own keep their digests.
        use crate::clock::SimTime;
        assert_eq!(bytes(&SimTime::from_secs(128)), bytes(&128u64));
        assert_eq!(bytes(&Some(SimTime::ZERO)), bytes(&Some(0u64)));
    }
}
