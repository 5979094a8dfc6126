//! Strict JSON reading: size, nesting and value-count limits, duplicate keys, and
//! syntax errors reported with line and column.

use super::error::{ErrorCode, ValidationError};
use super::limits::{MAX_DEPTH, MAX_JSON_VALUES, MAX_PROJECT_BYTES};
use super::path::{index_path, key_path, quote};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};
use std::fmt;

/// A parsed document plus the duplicate keys found in it (the first occurrence is kept).
pub(crate) struct Parsed {
    /// The document.
    pub value: Value,
    /// One error per repeated key.
    pub duplicates: Vec<ValidationError>,
}

/// Parses `text` as one JSON value, or returns the single reason it cannot be read.
pub(crate) fn parse(text: &str) -> Result<Parsed, ValidationError> {
    if text.len() > MAX_PROJECT_BYTES {
        let message = format!(
            "the project is {} bytes; the limit is {MAX_PROJECT_BYTES} bytes (8 MiB): keep media out of the JSON and split very long subtitle files into SRT/VTT sources",
            text.len()
        );
        return Err(ValidationError::new("", ErrorCode::TooLarge, message));
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(ValidationError::new("", ErrorCode::InvalidJson, "the project is empty: expected a JSON object"));
    }
    let mut state = State::default();
    let mut de = serde_json::Deserializer::from_str(text);
    let result = Node { state: &mut state, depth: 0 }.deserialize(&mut de).and_then(|value| de.end().map(|()| value));
    match result {
        Ok(value) => Ok(Parsed { value, duplicates: state.duplicates }),
        Err(e) => Err(state.limit.unwrap_or_else(|| syntax_error(&e))),
    }
}

/// Turns a serde_json error into "invalid JSON at line L, column C: what".
fn syntax_error(e: &serde_json::Error) -> ValidationError {
    let full = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    let what = full.strip_suffix(&suffix).unwrap_or(&full);
    let hint = match e.classify() {
        serde_json::error::Category::Eof => " (an object, array or string is not closed)",
        _ => "",
    };
    let message = format!("invalid JSON at line {}, column {}: {what}{hint}", e.line(), e.column());
    ValidationError::new("", ErrorCode::InvalidJson, message)
}

/// What the parse has seen so far.
#[derive(Default)]
struct State {
    /// The keys leading to the value being read, for error paths.
    stack: Vec<Segment>,
    /// Values read so far.
    values: usize,
    /// Repeated keys found.
    duplicates: Vec<ValidationError>,
    /// The limit that stopped the parse, if one did.
    limit: Option<ValidationError>,
}

/// One step of a path.
enum Segment {
    Key(String),
    Index(usize),
}

impl State {
    /// The path of the value being read.
    fn path(&self) -> String {
        self.stack.iter().fold(String::new(), |path, seg| match seg {
            Segment::Key(k) => key_path(&path, k),
            Segment::Index(i) => index_path(&path, *i),
        })
    }

    /// Counts one value; errors once there are too many.
    fn count<E: de::Error>(&mut self) -> Result<(), E> {
        self.values += 1;
        if self.values > MAX_JSON_VALUES {
            let message = format!(
                "the project has more than {MAX_JSON_VALUES} JSON values; that is far beyond what the limits allow"
            );
            return Err(self.stop(ErrorCode::TooComplex, message));
        }
        Ok(())
    }

    /// Records the limit that stops the parse and returns the error that unwinds it.
    fn stop<E: de::Error>(&mut self, code: ErrorCode, message: String) -> E {
        self.limit = Some(ValidationError::new(self.path(), code, message));
        E::custom("limit exceeded")
    }
}

/// A seed that reads one value at `depth` into a `serde_json::Value`.
struct Node<'s> {
    state: &'s mut State,
    depth: usize,
}

impl Node<'_> {
    /// Enters an object or array, checking the nesting limit.
    fn enter<E: de::Error>(&mut self) -> Result<(), E> {
        self.state.count()?;
        if self.depth >= MAX_DEPTH {
            let message =
                format!("objects and arrays are nested deeper than {MAX_DEPTH} levels; a project needs far fewer");
            return Err(self.state.stop(ErrorCode::TooComplex, message));
        }
        Ok(())
    }

    /// A seed for a child value.
    fn child(&mut self) -> Node<'_> {
        Node { state: self.state, depth: self.depth + 1 }
    }
}

impl<'de> DeserializeSeed<'de> for Node<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Node<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        self.state.count()?;
        Ok(Value::Null)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        self.state.count()?;
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        self.state.count()?;
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        self.state.count()?;
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        self.state.count()?;
        Number::from_f64(v).map(Value::Number).ok_or_else(|| E::custom("number out of range"))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        self.visit_string(v.to_owned())
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        self.state.count()?;
        Ok(Value::String(v))
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<Value, A::Error> {
        self.enter()?;
        let mut items = Vec::new();
        loop {
            self.state.stack.push(Segment::Index(items.len()));
            let item = seq.next_element_seed(self.child());
            self.state.stack.pop();
            match item? {
                Some(v) => items.push(v),
                None => return Ok(Value::Array(items)),
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<Value, A::Error> {
        self.enter()?;
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            self.state.stack.push(Segment::Key(key.clone()));
            let value = map.next_value_seed(self.child());
            self.state.stack.pop();
            let value = value?;
            if object.contains_key(&key) {
                let path = key_path(&self.state.path(), &key);
                let message =
                    format!("duplicate key {}: this object has it more than once; keep only one", quote(&key));
                self.state.duplicates.push(ValidationError::new(path, ErrorCode::DuplicateKey, message));
            } else {
                object.insert(key, value);
            }
        }
        Ok(Value::Object(object))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_of(text: &str) -> ValidationError {
        parse(text).err().expect("should fail")
    }

    #[test]
    fn reads_plain_json() {
        let parsed = parse("\u{feff} {\"a\": [1, -2, 3.5, \"x\", null, true, {}]} ").unwrap();
        assert_eq!(parsed.value, serde_json::json!({ "a": [1, -2, 3.5, "x", null, true, {}] }));
        assert!(parsed.duplicates.is_empty());
    }

    #[test]
    fn reports_syntax_errors_with_position() {
        let e = error_of("{\"a\": [1,\n 2,,]}");
        assert_eq!(e.message, "invalid JSON at line 2, column 4: expected value");
        assert_eq!(e.code, ErrorCode::InvalidJson);
        assert!(error_of("{\"a\": 1").message.contains("not closed"));
        assert!(error_of("{} x").message.contains("trailing characters"));
        assert!(error_of("[1e999]").message.contains("number out of range"));
        assert_eq!(error_of("  ").message, "the project is empty: expected a JSON object");
    }

    #[test]
    fn reports_every_duplicate_key_with_its_path() {
        let parsed = parse(r#"{"a": {"b": 1, "b": 2}, "c": [{"d": 1, "d": 1}], "a": 3}"#).unwrap();
        let paths: Vec<&str> = parsed.duplicates.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(paths, ["a.b", "c[0].d", "a"]);
        assert_eq!(parsed.value["a"]["b"], 1);
    }

    #[test]
    fn stops_deep_nesting_with_a_path() {
        let deep = "[".repeat(10_000) + &"]".repeat(10_000);
        let e = error_of(&deep);
        assert_eq!(e.code, ErrorCode::TooComplex);
        assert!(e.path.starts_with("[0][0]"), "{}", e.path);
        let ok = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        assert!(parse(&ok).is_ok());
        let objects = "{\"a\":".repeat(100) + "1" + &"}".repeat(100);
        assert!(error_of(&objects).path.starts_with("a.a.a"));
    }

    #[test]
    fn stops_too_many_values_and_too_many_bytes() {
        let many = format!("[{}0]", "0,".repeat(MAX_JSON_VALUES));
        assert_eq!(error_of(&many).code, ErrorCode::TooComplex);
        let big = format!("\"{}\"", "x".repeat(MAX_PROJECT_BYTES));
        assert_eq!(error_of(&big).code, ErrorCode::TooLarge);
    }
}
