//! Renderer tests against real ffmpeg (see server/tests/render.rs for the CLI).
