//! Cue text markup. Cue text is only ever *drawn*: tags are removed, never interpreted.
//!
//! - WebVTT: every `<...>` tag (`<b>`, `<i>`, `<u>`, `<c.class>`, `<v Speaker>`, `<lang>`,
//!   `<ruby>`/`<rt>`, timestamps) is stripped, keeping the text inside; the character
//!   references `&amp;` `&lt;` `&gt;` `&nbsp;` `&lrm;` `&rlm;` `&quot;` `&apos;` and numeric
//!   ones are decoded. A `<` with no closing `>` stays as text.
//! - SRT: only the common HTML-like tags `<b>`, `<i>`, `<u>`, `<s>`, `<font ...>` (and their
//!   closing forms) and ASS overrides like `{\an8}` are stripped; any other `<` is text.
//!
//! Styling tags are stripped rather than honoured: the layer's style applies to the whole cue.

/// Strips WebVTT tags and decodes character references.
pub(crate) fn vtt_to_plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(['<', '&']) {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        if tail.starts_with('<') {
            match tail.find('>') {
                Some(end) => rest = &tail[end + 1..],
                None => {
                    out.push_str(tail);
                    rest = "";
                }
            }
        } else {
            let (decoded, used) = entity(tail);
            out.push_str(&decoded);
            rest = &tail[used..];
        }
    }
    out.push_str(rest);
    out
}

/// Strips the HTML-like tags SRT files commonly carry and ASS override blocks.
pub(crate) fn srt_to_plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(['<', '{']) {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let close = if tail.starts_with('<') { '>' } else { '}' };
        match tail.find(close).map(|end| (&tail[1..end], end)) {
            Some((inner, end)) if is_srt_tag(inner, close) => rest = &tail[end + 1..],
            _ => {
                out.push_str(&tail[..1]);
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// True for the inside of a tag SRT players strip: `b`, `/i`, `font color="red"`, `\an8`.
fn is_srt_tag(inner: &str, close: char) -> bool {
    if close == '}' {
        return inner.starts_with('\\');
    }
    let name = inner.strip_prefix('/').unwrap_or(inner);
    let name = name.split([' ', '\t']).next().unwrap_or("").to_ascii_lowercase();
    matches!(name.as_str(), "b" | "i" | "u" | "s" | "font")
}

/// Decodes the character reference at the start of `text` (which starts with `&`); returns the
/// text and the bytes used. An unknown reference stays as written.
fn entity(text: &str) -> (String, usize) {
    let Some(end) = text.find(';').filter(|&e| e <= 10) else { return ("&".into(), 1) };
    let name = &text[1..end];
    let decoded = match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "nbsp" => Some('\u{a0}'),
        "lrm" => Some('\u{200e}'),
        "rlm" => Some('\u{200f}'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => numeric(name),
    };
    match decoded {
        Some(c) => (c.to_string(), end + 1),
        None => ("&".into(), 1),
    }
}

/// `#123` or `#x1F600` as a character (not a control character).
fn numeric(name: &str) -> Option<char> {
    let digits = name.strip_prefix('#')?;
    let code = match digits.strip_prefix(['x', 'X']) {
        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
        None => digits.parse().ok()?,
    };
    char::from_u32(code).filter(|c| !c.is_control())
}

/// Escapes text for a WebVTT cue: `&`, `<` and `>` as references; `-->` cannot appear.
pub(crate) fn vtt_escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vtt_tags_are_stripped_and_references_decoded() {
        assert_eq!(vtt_to_plain("<v Roger>Hi <b>there</b> &amp; <c.loud>you</c>"), "Hi there & you");
        assert_eq!(vtt_to_plain("a &lt;script&gt; b &#x1F600; &bogus; &"), "a <script> b 😀 &bogus; &");
        assert_eq!(vtt_to_plain("<00:00:01.000>karaoke <i>unclosed"), "karaoke unclosed");
        assert_eq!(vtt_to_plain("5 < 6"), "5 < 6");
        assert_eq!(vtt_to_plain(&vtt_escape("a <b> & c")), "a <b> & c");
    }

    #[test]
    fn srt_strips_only_known_tags() {
        assert_eq!(srt_to_plain("<i>Hello</i> <font color=\"red\">you</font>"), "Hello you");
        assert_eq!(srt_to_plain("{\\an8}Top <3 and <script>x</script>"), "Top <3 and <script>x</script>");
        assert_eq!(srt_to_plain("{not ass} {"), "{not ass} {");
    }
}
