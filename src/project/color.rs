//! Colours written as CSS hex strings: `#rgb`, `#rgba`, `#rrggbb` or `#rrggbbaa`.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// An sRGB colour with straight (not premultiplied) alpha.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Color {
    /// Red, 0–255.
    pub r: u8,
    /// Green, 0–255.
    pub g: u8,
    /// Blue, 0–255.
    pub b: u8,
    /// Alpha, 0 (transparent) – 255 (opaque).
    pub a: u8,
}

impl Color {
    /// Opaque black.
    pub const BLACK: Color = Color::rgba(0, 0, 0, 255);
    /// Opaque white.
    pub const WHITE: Color = Color::rgba(255, 255, 255, 255);

    /// A colour from its four channels.
    pub const fn rgba(r: u8, g: u8, b: u8, a: u8) -> Color {
        Color { r, g, b, a }
    }

    /// Parses `#rgb`, `#rgba`, `#rrggbb` or `#rrggbbaa` (hex digits in either case).
    pub fn parse(text: &str) -> Option<Color> {
        let hex = text.strip_prefix('#')?;
        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let digit = |i: usize| u8::from_str_radix(hex.get(i..=i)?, 16).ok();
        let pair = |i: usize| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok();
        match hex.len() {
            3 | 4 => {
                let short = |i: usize| digit(i).map(|d| d * 17);
                let a = if hex.len() == 4 { short(3)? } else { 255 };
                Some(Color::rgba(short(0)?, short(1)?, short(2)?, a))
            }
            6 | 8 => {
                let a = if hex.len() == 8 { pair(6)? } else { 255 };
                Some(Color::rgba(pair(0)?, pair(2)?, pair(4)?, a))
            }
            _ => None,
        }
    }

    /// True when alpha is 255.
    pub fn is_opaque(self) -> bool {
        self.a == 255
    }
}

impl fmt::Display for Color {
    /// Writes `#rrggbb`, or `#rrggbbaa` when not opaque.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{:02x}{:02x}{:02x}", self.r, self.g, self.b)?;
        if !self.is_opaque() {
            write!(f, "{:02x}", self.a)?;
        }
        Ok(())
    }
}

impl Serialize for Color {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Color {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Color::parse(&text).ok_or_else(|| serde::de::Error::custom("must be a hex colour like \"#ffffff\""))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_hex_form() {
        assert_eq!(Color::parse("#fff"), Some(Color::WHITE));
        assert_eq!(Color::parse("#0008"), Some(Color::rgba(0, 0, 0, 0x88)));
        assert_eq!(Color::parse("#FF8000"), Some(Color::rgba(255, 128, 0, 255)));
        assert_eq!(Color::parse("#ff800080"), Some(Color::rgba(255, 128, 0, 128)));
    }

    #[test]
    fn rejects_other_text() {
        for bad in ["", "#", "fff", "#ff", "#fffff", "#ggg", "#ff80001", "white", "#+1f", "#é12"] {
            assert_eq!(Color::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn prints_short_form_when_opaque() {
        assert_eq!(Color::parse("#ABC").unwrap().to_string(), "#aabbcc");
        assert_eq!(Color::rgba(1, 2, 3, 4).to_string(), "#01020304");
    }
}
