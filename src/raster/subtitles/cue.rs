//! Cues as read from SRT/WebVTT files, with WebVTT positioning settings.

use serde::{Deserialize, Serialize};

/// One caption.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Cue {
    /// The cue identifier (the SRT number or WebVTT id), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// When it appears, in microseconds.
    pub start_us: i64,
    /// When it disappears, in microseconds (after `start_us`).
    pub end_us: i64,
    /// Plain text (markup removed); `\n` breaks lines.
    pub text: String,
    /// WebVTT positioning (all `None` for SRT and inline cues).
    #[serde(default)]
    pub settings: CueSettings,
}

impl From<&crate::project::Cue> for Cue {
    fn from(cue: &crate::project::Cue) -> Cue {
        Cue {
            id: None,
            start_us: cue.start_us,
            end_us: cue.end_us,
            text: cue.text.clone(),
            settings: CueSettings::default(),
        }
    }
}

/// WebVTT cue settings; `None` means the default (`auto`).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CueSettings {
    /// `line`: where the cue sits vertically.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<CueLine>,
    /// `position`: where the cue box sits horizontally.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<CuePosition>,
    /// `size`: the cue box width, in percent of the box (default 100).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<f64>,
    /// `align`: text alignment in the cue box (default `center`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub align: Option<CueAlign>,
}

impl CueSettings {
    /// True when no setting is given (the layer style places the cue).
    pub fn is_default(&self) -> bool {
        *self == CueSettings::default()
    }
}

/// The `line` setting.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CueLine {
    /// Percent of the box height, or a line number.
    pub value: LineValue,
    /// Which edge of the cue the value places.
    pub align: LineAlign,
}

/// A `line` value.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum LineValue {
    /// `line:NN%`: from the top of the box.
    Percent(f64),
    /// `line:N`: in line heights; 0 is the top line, -1 the bottom line.
    Number(f64),
}

/// The alignment part of `line` (`line:90%,end`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum LineAlign {
    /// The value places the cue's top.
    #[default]
    Start,
    /// The value places the cue's middle.
    Center,
    /// The value places the cue's bottom.
    End,
}

/// The `position` setting.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CuePosition {
    /// Percent of the box width.
    pub percent: f64,
    /// Which edge of the cue box it places (default: from `align`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub align: Option<PositionAlign>,
}

/// The alignment part of `position`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PositionAlign {
    /// The cue box's left edge.
    LineLeft,
    /// Its centre.
    Center,
    /// Its right edge.
    LineRight,
}

/// The `align` setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum CueAlign {
    /// Start of the line (drawn as left).
    Start,
    /// Centred.
    Center,
    /// End of the line (drawn as right).
    End,
    /// Left.
    Left,
    /// Right.
    Right,
}
