//! The documented limits of the v1 format (see `docs/project-format.md`, "Limits").

/// Largest accepted project text, in bytes (8 MiB).
pub const MAX_PROJECT_BYTES: usize = 8 * 1024 * 1024;
/// Deepest nesting of JSON objects and arrays.
pub const MAX_DEPTH: usize = 32;
/// Most JSON values (objects, arrays, strings, numbers, ...) in one project.
pub const MAX_JSON_VALUES: usize = 1_000_000;
/// Most problems reported at once; the rest are summarized in one last error.
pub const MAX_ERRORS: usize = 100;

/// Smallest output width or height, in pixels.
pub const MIN_OUTPUT_SIDE: u32 = 16;
/// Largest output width or height, in pixels.
pub const MAX_OUTPUT_SIDE: u32 = 8192;
/// Most pixels in one output frame (8192 × 4320, DCI 8K).
pub const MAX_OUTPUT_PIXELS: u64 = 8192 * 4320;
/// Lowest output frame rate, in frames per second.
pub const MIN_FPS: f64 = 1.0;
/// Highest output frame rate, in frames per second.
pub const MAX_FPS: f64 = 120.0;
/// Smallest `targetSizeBytes` (16 KiB).
pub const MIN_TARGET_SIZE_BYTES: u64 = 16 * 1024;
/// Largest `targetSizeBytes` (16 GiB).
pub const MAX_TARGET_SIZE_BYTES: u64 = 16 * 1024 * 1024 * 1024;

/// Longest time value, and longest whole timeline, in seconds (4 hours).
pub const MAX_SECONDS: f64 = 4.0 * 3600.0;

/// Most entries in `sources`.
pub const MAX_SOURCES: usize = 1000;
/// Longest source id, in characters.
pub const MAX_ID_CHARS: usize = 64;
/// Longest source `name`, in characters.
pub const MAX_NAME_CHARS: usize = 255;
/// Largest source file `size`, in bytes (1 TiB).
pub const MAX_SOURCE_BYTES: u64 = 1 << 40;

/// Most scenes in a project.
pub const MAX_SCENES: usize = 1000;
/// Most layers in one scene.
pub const MAX_LAYERS_PER_SCENE: usize = 100;
/// Most layers in the whole project.
pub const MAX_LAYERS: usize = 10_000;
/// Most cues in one subtitles layer.
pub const MAX_CUES_PER_LAYER: usize = 10_000;
/// Most inline cues in the whole project.
pub const MAX_CUES: usize = 100_000;
/// Longest `text` of a text layer or cue, in characters.
pub const MAX_TEXT_CHARS: usize = 10_000;

/// Largest absolute layer position and largest layer size, in output pixels.
pub const MAX_LAYER_PIXELS: f64 = 32_768.0;
/// Largest crop offset or size, in source pixels.
pub const MAX_SOURCE_PIXELS: u32 = 65_536;
/// Largest absolute rotation, in degrees.
pub const MAX_ROTATION: f64 = 360.0;
/// Slowest playback speed.
pub const MIN_SPEED: f64 = 0.25;
/// Fastest playback speed.
pub const MAX_SPEED: f64 = 4.0;
/// Loudest volume (a gain factor; 4 is about +12 dB).
pub const MAX_VOLUME: f64 = 4.0;

/// Largest font size, in output pixels.
pub const MAX_FONT_SIZE: f64 = 1000.0;
/// Lightest font weight.
pub const MIN_FONT_WEIGHT: u64 = 100;
/// Heaviest font weight.
pub const MAX_FONT_WEIGHT: u64 = 900;
/// Smallest line height, as a multiple of the font size.
pub const MIN_LINE_HEIGHT: f64 = 0.5;
/// Largest line height, as a multiple of the font size.
pub const MAX_LINE_HEIGHT: f64 = 4.0;
/// Largest outline width, shadow offset or blur, box padding or radius, in output pixels.
pub const MAX_EFFECT_PIXELS: f64 = 1000.0;
