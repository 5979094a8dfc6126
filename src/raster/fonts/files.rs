//! The fallback font files shipped next to the engine (not embedded): which file gives which
//! scripts. The npm package copies them to fetch lazily; the server loads them at startup.

/// A font file the engine uses when present.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FontFile {
    /// Where Debian installs it.
    pub path: &'static str,
    /// The Debian package that installs it.
    pub package: &'static str,
    /// What it provides.
    pub covers: &'static str,
}

/// Fonts added at run time for scripts Noto Sans lacks and for the `serif`/`monospace`
/// families (all OFL, from Debian's Noto packages, installed by `scripts/setup.sh`).
pub const FALLBACK_FILES: &[FontFile] = &[
    FontFile {
        path: "/usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf",
        package: "fonts-noto-core",
        covers: "Arabic, Persian, Urdu",
    },
    FontFile {
        path: "/usr/share/fonts/truetype/noto/NotoSansArabic-Bold.ttf",
        package: "fonts-noto-core",
        covers: "Arabic (bold)",
    },
    FontFile {
        path: "/usr/share/fonts/truetype/noto/NotoSansHebrew-Regular.ttf",
        package: "fonts-noto-core",
        covers: "Hebrew",
    },
    FontFile {
        path: "/usr/share/fonts/truetype/noto/NotoSansHebrew-Bold.ttf",
        package: "fonts-noto-core",
        covers: "Hebrew (bold)",
    },
    FontFile {
        path: "/usr/share/fonts/truetype/noto/NotoSansDevanagari-Regular.ttf",
        package: "fonts-noto-core",
        covers: "Devanagari (Hindi, Marathi, Nepali)",
    },
    FontFile {
        path: "/usr/share/fonts/truetype/noto/NotoSansThai-Regular.ttf",
        package: "fonts-noto-core",
        covers: "Thai",
    },
    FontFile {
        path: "/usr/share/fonts/truetype/noto/NotoSansSymbols2-Regular.ttf",
        package: "fonts-noto-core",
        covers: "symbols, arrows, shapes without colour",
    },
    FontFile {
        path: "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
        package: "fonts-noto-cjk",
        covers: "Chinese, Japanese, Korean (JP face first: Han glyphs in Japanese style)",
    },
    FontFile {
        path: "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
        package: "fonts-noto-cjk",
        covers: "Chinese, Japanese, Korean (bold)",
    },
    FontFile {
        path: "/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf",
        package: "fonts-noto-color-emoji",
        covers: "colour emoji (CBDT bitmaps)",
    },
    FontFile {
        path: "/usr/share/fonts/truetype/noto/NotoSerif-Regular.ttf",
        package: "fonts-noto-core",
        covers: "the `serif` family",
    },
    FontFile {
        path: "/usr/share/fonts/truetype/noto/NotoSerif-Bold.ttf",
        package: "fonts-noto-core",
        covers: "the `serif` family (bold)",
    },
    FontFile {
        path: "/usr/share/fonts/truetype/noto/NotoSansMono-Regular.ttf",
        package: "fonts-noto-mono",
        covers: "the `monospace` family",
    },
    FontFile {
        path: "/usr/share/fonts/truetype/noto/NotoSansMono-Bold.ttf",
        package: "fonts-noto-mono",
        covers: "the `monospace` family (bold)",
    },
];
