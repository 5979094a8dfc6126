//! Reading parsed JSON field by field, with a path, collecting every problem.

mod report;
mod values;

pub(crate) use report::{Got, Report};
pub(crate) use values::{
    Bounds, read_array, read_color, read_integer, read_keyword, read_number, read_seconds, read_string, show_number,
    show_seconds, wrong_type,
};

use crate::project::color::Color;
use crate::project::error::ErrorCode;
use crate::project::keyword::{Keyword, quoted_list};
use crate::project::path::key_path;
use crate::project::suggest::closest;
use serde_json::{Map, Value};

/// The fields of one JSON object, read by name; the names read are the object's known fields.
pub(crate) struct Fields<'a> {
    map: &'a Map<String, Value>,
    path: String,
    what: &'static str,
    known: Vec<&'static str>,
}

impl<'a> Fields<'a> {
    /// The object at `path`, described as `what` (e.g. "a video layer"), or a type error.
    pub fn new(v: &'a Value, path: String, what: &'static str, r: &mut Report) -> Option<Fields<'a>> {
        match v.as_object() {
            Some(map) => Some(Fields { map, path, what, known: Vec::new() }),
            None => {
                wrong_type(v, &path, &format!("an object ({what})"), r);
                None
            }
        }
    }

    /// Changes how the object is described in messages, once its kind is known.
    pub fn describe(&mut self, what: &'static str) {
        self.what = what;
    }

    /// This object's path.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The path of field `name`.
    pub fn path_of(&self, name: &str) -> String {
        key_path(&self.path, name)
    }

    /// Reads field `name` with `read`, marking the name as known.
    pub fn get<T>(&mut self, name: &'static str, read: impl FnOnce(&'a Value, &str) -> Option<T>) -> Got<T> {
        self.known.push(name);
        let path = self.path_of(name);
        match self.map.get(name) {
            None => Got::Absent(path),
            Some(v) => read(v, &path).map_or(Got::Bad, Got::Ok),
        }
    }

    /// Reads a number within `b`.
    pub fn number(&mut self, name: &'static str, b: Bounds, r: &mut Report) -> Got<f64> {
        self.get(name, |v, p| read_number(v, p, b, r))
    }

    /// Reads a whole number within `b`.
    pub fn integer(&mut self, name: &'static str, b: Bounds, r: &mut Report) -> Got<u64> {
        self.get(name, |v, p| read_integer(v, p, b, r))
    }

    /// Reads a time in seconds within `b`, as microseconds.
    pub fn seconds(&mut self, name: &'static str, b: Bounds, r: &mut Report) -> Got<i64> {
        self.get(name, |v, p| read_seconds(v, p, b, r))
    }

    /// Reads a single-line string.
    pub fn string(&mut self, name: &'static str, max_chars: usize, r: &mut Report) -> Got<&'a str> {
        self.get(name, |v, p| read_string(v, p, max_chars, false, r))
    }

    /// Reads a string that may hold line breaks and tabs.
    pub fn text(&mut self, name: &'static str, max_chars: usize, r: &mut Report) -> Got<&'a str> {
        self.get(name, |v, p| read_string(v, p, max_chars, true, r))
    }

    /// Reads a keyword.
    pub fn keyword<K: Keyword>(&mut self, name: &'static str, r: &mut Report) -> Got<K> {
        self.get(name, |v, p| read_keyword(v, p, r))
    }

    /// Reads a colour.
    pub fn color(&mut self, name: &'static str, r: &mut Report) -> Got<Color> {
        self.get(name, |v, p| read_color(v, p, r))
    }

    /// Reads an opaque colour (for frame backgrounds, which have no transparency in v1).
    pub fn opaque_color(&mut self, name: &'static str, r: &mut Report) -> Got<Color> {
        self.get(name, |v, p| {
            let c = read_color(v, p, r)?;
            if !c.is_opaque() {
                r.add(
                    p,
                    ErrorCode::InvalidValue,
                    format!(
                        "must be opaque: outputs have no transparency in v1; use \"#{:02x}{:02x}{:02x}\"",
                        c.r, c.g, c.b
                    ),
                );
                return None;
            }
            Some(c)
        })
    }

    /// Reads a boolean.
    pub fn boolean(&mut self, name: &'static str, r: &mut Report) -> Got<bool> {
        self.get(name, |v, p| match v.as_bool() {
            Some(b) => Some(b),
            None => {
                wrong_type(v, p, "true or false", r);
                None
            }
        })
    }

    /// Reads a nested object, described as `what`.
    pub fn object(&mut self, name: &'static str, what: &'static str, r: &mut Report) -> Got<Fields<'a>> {
        self.get(name, |v, p| Fields::new(v, p.to_owned(), what, r))
    }

    /// Reads a nested object, described as `what`, with `read`.
    pub fn nested<T>(
        &mut self,
        name: &'static str,
        what: &'static str,
        r: &mut Report,
        read: impl FnOnce(Fields<'a>, &mut Report) -> Option<T>,
    ) -> Got<T> {
        self.get(name, |v, p| {
            let fields = Fields::new(v, p.to_owned(), what, r)?;
            read(fields, r)
        })
    }

    /// Reads an array of at most `max` items.
    pub fn array(&mut self, name: &'static str, max: usize, r: &mut Report) -> Got<&'a [Value]> {
        self.get(name, |v, p| read_array(v, p, max, r))
    }

    /// Reports every field that was not read as unknown, suggesting the closest known name.
    pub fn finish(self, r: &mut Report) {
        for key in self.map.keys().filter(|k| !self.known.contains(&k.as_str())) {
            let path = key_path(&self.path, key);
            let message = if !r.has_room() {
                String::new()
            } else if let Some(near) = closest(key, self.known.iter().copied()) {
                format!("unknown field; did you mean \"{near}\"?")
            } else {
                format!("unknown field; {} has {}", self.what, quoted_list(&self.known, "and"))
            };
            r.add(path, ErrorCode::UnknownField, message);
        }
    }
}
