//! Splits a paragraph into runs that shape as one: same bidi level, script and font.

use super::style::FaceChoice;
use crate::raster::fonts::{FontId, FontLibrary};
use std::ops::Range;
use unicode_bidi::{BidiInfo, Level};
use unicode_properties::emoji::{EmojiStatus, UnicodeEmoji};
use unicode_script::{Script, UnicodeScript};

/// A stretch of a paragraph shaped in one go.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Run {
    /// Bytes of the paragraph.
    pub range: Range<usize>,
    /// Bidi embedding level (odd: right to left).
    pub level: Level,
    /// The face that draws it.
    pub font: FontId,
    /// The script, for the shaper (`None`: let the shaper guess).
    pub script: Option<Script>,
}

/// Splits `para` (one line of input, no `\n`) into runs in logical order.
pub(crate) fn itemize(para: &str, fonts: &FontLibrary, choice: &FaceChoice) -> Vec<Run> {
    let bidi = BidiInfo::new(para, None);
    let mut runs: Vec<Run> = Vec::new();
    let mut chars = para.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let next = chars.peek().map(|&(_, n)| n);
        let level = bidi.levels.get(i).copied().unwrap_or_else(Level::ltr);
        let script = real_script(c);
        let emoji = wants_emoji(c, next);
        let (font, script) = match runs.last() {
            // Marks, joiners and selectors stay with what they modify.
            Some(prev) if joins_previous(c) => (prev.font, prev.script),
            // Spaces, digits and punctuation stay in the current text face when it has them.
            Some(prev)
                if !emoji && script.is_none() && is_text_face(fonts, prev.font) && covers(fonts, prev.font, c) =>
            {
                (prev.font, prev.script)
            }
            _ => (choose_face(fonts, choice, c, emoji), script),
        };
        let end = i + c.len_utf8();
        match runs.last_mut() {
            Some(prev) if prev.level == level && prev.font == font && compatible(prev.script, script) => {
                prev.range.end = end;
                prev.script = prev.script.or(script);
            }
            _ => runs.push(Run { range: i..end, level, font, script }),
        }
    }
    runs
}

/// The face for `c`: the style's faces in order, then any loaded face with the glyph, else the
/// first style face (which draws its missing-glyph box).
fn choose_face(fonts: &FontLibrary, choice: &FaceChoice, c: char, emoji: bool) -> FontId {
    let fallback = || fonts.fallback(c, emoji, choice.weight, choice.italic);
    if emoji {
        if let Some(id) = fallback().filter(|id| fonts.info(*id).is_some_and(|f| f.color)) {
            return id;
        }
    }
    choice.faces.iter().copied().find(|&id| covers(fonts, id, c)).or_else(fallback).unwrap_or(choice.primary())
}

/// True when face `id` draws text rather than colour emoji.
fn is_text_face(fonts: &FontLibrary, id: FontId) -> bool {
    fonts.info(id).is_some_and(|f| !f.color)
}

/// True when face `id` has a glyph for `c`.
fn covers(fonts: &FontLibrary, id: FontId, c: char) -> bool {
    fonts.face(id).and_then(|f| f.ttf()).is_some_and(|t| t.glyph_index(c).is_some())
}

/// True for characters drawn as part of the one before: combining marks, zero-width joiners,
/// variation selectors, emoji modifiers and tags.
fn joins_previous(c: char) -> bool {
    c.script() == Script::Inherited
        || matches!(c, '\u{200C}' | '\u{200D}' | '\u{FE00}'..='\u{FE0F}' | '\u{1F3FB}'..='\u{1F3FF}' | '\u{E0020}'..='\u{E007F}' | '\u{20E3}')
}

/// True when `c` (followed by `next`) should be drawn as a colour emoji.
fn wants_emoji(c: char, next: Option<char>) -> bool {
    if next == Some('\u{FE0E}') {
        return false;
    }
    let presentation = matches!(
        c.emoji_status(),
        EmojiStatus::EmojiPresentation
            | EmojiStatus::EmojiPresentationAndModifierBase
            | EmojiStatus::EmojiPresentationAndEmojiComponent
            | EmojiStatus::EmojiPresentationAndModifierAndEmojiComponent
    );
    presentation || (next == Some('\u{FE0F}') && c.is_emoji_char_or_emoji_component())
}

/// The script of `c`, or `None` for characters shared by scripts (Common, Inherited).
fn real_script(c: char) -> Option<Script> {
    match c.script() {
        Script::Common | Script::Inherited | Script::Unknown => None,
        s => Some(s),
    }
}

/// True when a run in script `a` can take a character in script `b`.
fn compatible(a: Option<Script>, b: Option<Script>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a == b || (is_han_family(a) && is_han_family(b)),
        _ => true,
    }
}

/// Scripts written together in Chinese, Japanese and Korean text.
fn is_han_family(s: Script) -> bool {
    matches!(s, Script::Han | Script::Hiragana | Script::Katakana | Script::Hangul | Script::Bopomofo)
}
