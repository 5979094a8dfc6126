//! Keyword enums: one list of JSON names per enum drives parsing, printing and serde.

/// An enum whose JSON form is one of a fixed set of lowercase words.
pub(crate) trait Keyword: Copy + PartialEq + 'static {
    /// Every variant with its JSON name, in documentation order.
    const ALL: &'static [(&'static str, Self)];

    /// The JSON name of this variant.
    fn name(self) -> &'static str {
        Self::ALL.iter().find(|(_, v)| *v == self).map_or("", |(n, _)| n)
    }

    /// The variant called `text`, if any.
    fn parse(text: &str) -> Option<Self> {
        Self::ALL.iter().find(|(n, _)| *n == text).map(|(_, v)| *v)
    }

    /// The accepted names for a message, e.g. `"mp4", "webm" or "gif"`.
    fn choices() -> String {
        let names: Vec<&str> = Self::ALL.iter().map(|(n, _)| *n).collect();
        quoted_list(&names, "or")
    }
}

/// Joins names as `"a", "b" or "c"`.
pub(crate) fn quoted_list(names: &[&str], last: &str) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
    match quoted.split_last() {
        None => String::new(),
        Some((only, [])) => only.clone(),
        Some((tail, head)) => format!("{} {last} {tail}", head.join(", ")),
    }
}

/// Declares a keyword enum with its JSON names, `as_str`, and serde impls.
macro_rules! keyword_enum {
    ($(#[$meta:meta])* $vis:vis enum $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        $vis enum $name { $($(#[$vmeta])* $variant),+ }

        impl $crate::project::keyword::Keyword for $name {
            const ALL: &'static [(&'static str, Self)] = &[$(($text, Self::$variant)),+];
        }

        impl $name {
            /// The JSON name of this value.
            pub fn as_str(self) -> &'static str {
                $crate::project::keyword::Keyword::name(self)
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                use $crate::project::keyword::Keyword;
                let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                Self::parse(&text).ok_or_else(|| {
                    <D::Error as serde::de::Error>::custom(format!("must be one of {}", Self::choices()))
                })
            }
        }
    };
}

pub(crate) use keyword_enum;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_read_naturally() {
        assert_eq!(quoted_list(&[], "or"), "");
        assert_eq!(quoted_list(&["a"], "or"), "\"a\"");
        assert_eq!(quoted_list(&["a", "b"], "or"), "\"a\" or \"b\"");
        assert_eq!(quoted_list(&["a", "b", "c"], "and"), "\"a\", \"b\" and \"c\"");
    }
}
