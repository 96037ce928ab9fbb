//! [`list_for_table`]: a list written where the format has a table.
//!
//! serde fills a table's keys from a list, in order (`berths = [1, 2]` as
//! `tanker = 1, rail_ferry = 2`), which no reader of the file would expect,
//! so such a file is refused. The scenario read from the file is walked
//! alongside the file's table by a [`Serializer`] that writes nothing
//! ([`Walk`]): it goes only into the keys and entries the file has, and
//! finds where the scenario has a table (a struct or a map, as TOML writes
//! them) and the file a list. It builds nothing but the path it finds.

use std::fmt::{self, Write as _};

use serde::Serialize;
use serde::ser::{self, Serializer};
use toml::{Table, Value};

use crate::scenario::Scenario;

/// What [`list_for_table`] finds, in words.
pub(crate) const LIST_FOR_TABLE: &str = "expected a table, got a list";

/// The dotted key path (with ids) of the first place, in the order of
/// `given`'s keys and entries, where `given`, a scenario as written, has a
/// list and `scenario`, what was read from it, has a table.
pub(crate) fn list_for_table(given: &Table, scenario: &Scenario) -> Option<String> {
    let whole = walk(scenario, Given::Table(given), "");
    // Tables the scenario leaves out when they hold only defaults (which
    // `costs = []` gives), walked on their own.
    let costs = walk(&scenario.costs, Given::of(given.get("costs")), "costs");
    let tonnes =
        walk(&scenario.tonnes_per_unit, Given::of(given.get("tonnes_per_unit")), "tonnes_per_unit");
    // The first in the order of `given`'s keys (no top-level key has a dot).
    [whole, costs, tonnes].into_iter().flatten().min_by_key(|path| {
        let top = path.split('.').next().unwrap_or_default();
        given.keys().position(|k| k == top)
    })
}

/// Walks `value`, with `given` at its place `path`.
fn walk<T: Serialize + ?Sized>(value: &T, given: Given<'_>, path: &str) -> Option<String> {
    let mut path = path.to_string();
    value.serialize(Walk { given, path: &mut path }).ok().flatten()
}

/// What the file has at a place: only lists and tables matter.
#[derive(Debug, Clone, Copy)]
enum Given<'g> {
    List(&'g [Value]),
    Table(&'g Table),
    Other,
}

impl<'g> Given<'g> {
    fn of(value: Option<&'g Value>) -> Self {
        match value {
            Some(Value::Array(list)) => Given::List(list),
            Some(Value::Table(table)) => Given::Table(table),
            _ => Given::Other,
        }
    }
}

/// `name` appended to the dotted `path`.
fn push(path: &mut String, name: fmt::Arguments<'_>) {
    if !path.is_empty() {
        path.push('.');
    }
    // Writing to a `String` cannot fail.
    let _ = path.write_fmt(name);
}

/// A serializer that writes nothing: it walks a value alongside `given`,
/// what the file has at the value's place `path`, and returns the path of
/// the first place where the value is a table and the file has a list.
#[derive(Debug)]
struct Walk<'g, 'p> {
    given: Given<'g>,
    path: &'p mut String,
}

impl<'g, 'p> Walk<'g, 'p> {
    /// The value here is a table: found, if the file has a list.
    fn table(self) -> Entries<'g, 'p> {
        let found = matches!(self.given, Given::List(_)).then(|| (0, self.path.clone()));
        let given = if found.is_some() { Given::Other } else { self.given };
        let back = self.path.len();
        Entries { given, path: self.path, back, next: 0, found, key: None }
    }

    /// The value here is a list.
    fn list(self) -> Entries<'g, 'p> {
        let back = self.path.len();
        Entries { given: self.given, path: self.path, back, next: 0, found: None, key: None }
    }

    /// The value here is `{ variant = ... }` (an enum's variant that holds
    /// a table or a list, as TOML writes it): its entries are those of the
    /// value at `variant`.
    fn variant(self, variant: &str, table: bool) -> Entries<'g, 'p> {
        let Given::Table(outer) = self.given else { return self.table() };
        let back = self.path.len();
        push(self.path, format_args!("{variant}"));
        let inner = Walk { given: Given::of(outer.get(variant)), path: self.path };
        let mut entries = if table { inner.table() } else { inner.list() };
        entries.back = back;
        entries
    }
}

/// The keys or entries of a table or list being walked.
#[derive(Debug)]
struct Entries<'g, 'p> {
    /// What the file has here (`Other` once a list is found where the
    /// table is).
    given: Given<'g>,
    path: &'p mut String,
    /// The length `path` returns to at the end.
    back: usize,
    /// The index of the next entry of a list.
    next: usize,
    /// The first place found: the position in the file's table or list of
    /// the key or entry it is under, and its path.
    found: Option<(usize, String)>,
    /// A map's key, until its value.
    key: Option<String>,
}

impl Entries<'_, '_> {
    /// Walks `value`, the table's value at `key`, if the file has the key
    /// and nothing is found yet under a key before it in the file's table.
    fn field<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) {
        let Given::Table(table) = self.given else { return };
        let Some(given) = table.get(key) else { return };
        let position = || table.keys().position(|k| k == key);
        if let Some((first, _)) = &self.found
            && position() > Some(*first)
        {
            return;
        }
        if let Some(path) = self.walk(format_args!("{key}"), given, value) {
            self.found = position().map(|at| (at, path));
        }
    }

    /// Walks `value`, the list's next entry, named by its id (or index), if
    /// nothing is found yet.
    fn entry<T: Serialize + ?Sized>(&mut self, value: &T) {
        let at = self.next;
        self.next += 1;
        let Given::List(list) = self.given else { return };
        let (None, Some(given)) = (&self.found, list.get(at)) else { return };
        let found = match given.get("id").and_then(Value::as_str) {
            Some(id) => self.walk(format_args!("{id}"), given, value),
            None => self.walk(format_args!("{at}"), given, value),
        };
        self.found = found.map(|path| (at, path));
    }

    /// Walks `value`, with `given` at its place: this place and `name`.
    fn walk<T: Serialize + ?Sized>(
        &mut self,
        name: fmt::Arguments<'_>,
        given: &Value,
        value: &T,
    ) -> Option<String> {
        let len = self.path.len();
        push(self.path, name);
        let found = value.serialize(Walk { given: Given::of(Some(given)), path: self.path });
        self.path.truncate(len);
        found.ok().flatten()
    }

    fn end(self) -> Result<Option<String>, fmt::Error> {
        self.path.truncate(self.back);
        Ok(self.found.map(|(_, path)| path))
    }
}

/// Scalars: nothing to find.
macro_rules! scalars {
    ($($method:ident($ty:ty)),* $(,)?) => {
        $(fn $method(self, _: $ty) -> Result<Self::Ok, Self::Error> {
            Ok(None)
        })*
    };
}

impl<'g, 'p> Serializer for Walk<'g, 'p> {
    type Ok = Option<String>;
    type Error = fmt::Error;
    type SerializeSeq = Entries<'g, 'p>;
    type SerializeTuple = Entries<'g, 'p>;
    type SerializeTupleStruct = Entries<'g, 'p>;
    type SerializeTupleVariant = Entries<'g, 'p>;
    type SerializeMap = Entries<'g, 'p>;
    type SerializeStruct = Entries<'g, 'p>;
    type SerializeStructVariant = Entries<'g, 'p>;

    scalars!(
        serialize_bool(bool),
        serialize_i8(i8),
        serialize_i16(i16),
        serialize_i32(i32),
        serialize_i64(i64),
        serialize_i128(i128),
        serialize_u8(u8),
        serialize_u16(u16),
        serialize_u32(u32),
        serialize_u64(u64),
        serialize_u128(u128),
        serialize_f32(f32),
        serialize_f64(f64),
        serialize_char(char),
        serialize_str(&str),
        serialize_bytes(&[u8]),
        serialize_unit_struct(&'static str),
    );

    fn serialize_none(self) -> Result<Self::Ok, Self::Error> {
        Ok(None)
    }

    fn serialize_unit(self) -> Result<Self::Ok, Self::Error> {
        Ok(None)
    }

    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
    ) -> Result<Self::Ok, Self::Error> {
        Ok(None)
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Self::Ok, Self::Error> {
        value.serialize(self)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<Self::Ok, Self::Error> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<Self::Ok, Self::Error> {
        let mut entries = self.table();
        entries.field(variant, value);
        entries.end()
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Self::Error> {
        Ok(self.list())
    }

    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Self::Error> {
        Ok(self.list())
    }

    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, Self::Error> {
        Ok(self.list())
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Self::Error> {
        Ok(self.variant(variant, false))
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Self::Error> {
        Ok(self.table())
    }

    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, Self::Error> {
        Ok(self.table())
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Self::Error> {
        Ok(self.variant(variant, true))
    }
}

/// The entries of a list.
macro_rules! list {
    ($($trait:ident::$method:ident),* $(,)?) => {
        $(impl ser::$trait for Entries<'_, '_> {
            type Ok = Option<String>;
            type Error = fmt::Error;

            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), fmt::Error> {
                self.entry(value);
                Ok(())
            }

            fn end(self) -> Result<Option<String>, fmt::Error> {
                Entries::end(self)
            }
        })*
    };
}

list!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field,
);

/// The keys of a table.
macro_rules! table {
    ($($trait:ident),* $(,)?) => {
        $(impl ser::$trait for Entries<'_, '_> {
            type Ok = Option<String>;
            type Error = fmt::Error;

            fn serialize_field<T: Serialize + ?Sized>(
                &mut self,
                key: &'static str,
                value: &T,
            ) -> Result<(), fmt::Error> {
                self.field(key, value);
                Ok(())
            }

            fn end(self) -> Result<Option<String>, fmt::Error> {
                Entries::end(self)
            }
        })*
    };
}

table!(SerializeStruct, SerializeStructVariant);

impl ser::SerializeMap for Entries<'_, '_> {
    type Ok = Option<String>;
    type Error = fmt::Error;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), fmt::Error> {
        // A key as TOML writes it: only text keys can match the file's.
        self.key = Value::try_from(key).ok().and_then(|k| k.as_str().map(str::to_string));
        Ok(())
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), fmt::Error> {
        if let Some(key) = self.key.take() {
            self.field(&key, value);
        }
        Ok(())
    }

    fn end(self) -> Result<Option<String>, fmt::Error> {
        Entries::end(self)
    }
}
