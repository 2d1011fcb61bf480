//! The one error contract. Every layer's error says three things, from one
//! definition: a stable `code` (what tests, scripts and the pane match on),
//! a [`Kind`] (who can fix it, which decides the HTTP status; the command
//! line exits 1 for every kind) and a message in Korean and English
//! ([`Text`]). Its `Display` is
//! the English message, derived, never written a second time.
//!
//! A stage's own error type (`IngestError`, `StoreError`, …) implements
//! [`Explain`]; at a door it becomes an [`Error`]: `server/errors.rs` turns
//! that into the API's JSON error and `cli/mod.rs` into the message and
//! exit status. Neither door writes a message of its own for a stage's
//! failure.

use crate::i18n::{Lang, Text};

/// What kind of failure, by who can act on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The request itself could not be read (bad JSON, a bad query).
    Malformed,
    /// No or a wrong agent key.
    Unauthenticated,
    /// A caller the agent does not serve (a foreign origin or host).
    Forbidden,
    /// No such run, path or file.
    NotFound,
    /// The caller was too slow to send its request.
    TimedOut,
    /// The request conflicts with what is stored (a complete run cannot be removed).
    Conflict,
    /// Over a size limit.
    TooLarge,
    /// A content type the agent does not read.
    UnsupportedType,
    /// Understood, but refused: a ledger, a mapping, a config or a value
    /// that is wrong in a way the user can fix (the message says where).
    Invalid,
    /// Not now: busy, paused, or the store cannot be written safely.
    Unavailable,
    /// Our failure, or the machine's (a full disk, a failed write).
    Internal,
}

impl Kind {
    /// The kind as the Python package's exceptions name it (`e.kind`).
    pub fn code(self) -> &'static str {
        match self {
            Kind::Malformed => "malformed",
            Kind::Unauthenticated => "unauthenticated",
            Kind::Forbidden => "forbidden",
            Kind::NotFound => "not_found",
            Kind::TimedOut => "timed_out",
            Kind::Conflict => "conflict",
            Kind::TooLarge => "too_large",
            Kind::UnsupportedType => "unsupported_type",
            Kind::Invalid => "invalid",
            Kind::Unavailable => "unavailable",
            Kind::Internal => "internal",
        }
    }
}

/// An error as every door shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Error {
    pub kind: Kind,
    pub code: &'static str,
    pub message: Text,
}

impl Error {
    pub fn new(kind: Kind, code: &'static str, message: Text) -> Error {
        Error {
            kind,
            code,
            message,
        }
    }

    /// Refused input the user can correct.
    pub fn invalid(code: &'static str, message: Text) -> Error {
        Error::new(Kind::Invalid, code, message)
    }

    /// Something that should not fail did; logged where it happens.
    pub fn internal(detail: impl std::fmt::Display) -> Error {
        tracing::error!("internal error: {detail}");
        Error::new(
            Kind::Internal,
            "internal",
            Text::new(
                format!("내부 오류: {detail}"),
                format!("internal error: {detail}"),
            ),
        )
    }

    /// A file that could not be read, written or created, with what was
    /// being done (`doing`, in both languages) and the system's reason.
    pub fn file(doing: Text, path: &std::path::Path, cause: impl std::fmt::Display) -> Error {
        Error::new(
            Kind::Internal,
            "file_error",
            Text::new(
                format!("{}: {}: {cause}", doing.ko, path.display()),
                format!("{}: {}: {cause}", doing.en, path.display()),
            ),
        )
    }

    /// This error, said of `path` ("config.toml: configuration error: …").
    pub fn of_file(self, path: &std::path::Path) -> Error {
        let at = format!("{}: ", path.display());
        self.prefixed(at.clone(), at)
    }

    /// This error as the cause of a failure to do `doing` with `path`
    /// ("cannot write the output: out.xlsx: disk full").
    pub fn context(self, doing: Text, path: &std::path::Path) -> Error {
        let at = path.display();
        self.prefixed(
            format!("{}: {at}: ", doing.ko),
            format!("{}: {at}: ", doing.en),
        )
    }

    fn prefixed(mut self, ko: String, en: String) -> Error {
        self.message = Text::new(ko + &self.message.ko, en + &self.message.en);
        self
    }

    /// The message in one language.
    pub fn get(&self, lang: Lang) -> &str {
        self.message.get(lang)
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message.en)
    }
}

impl std::error::Error for Error {}

/// A stage's error: its code, kind and bilingual message. Implemented once
/// per error type; [`explained!`] then derives `Display` (the English
/// message) and `std::error::Error` from it.
pub trait Explain {
    fn code(&self) -> &'static str;
    fn kind(&self) -> Kind;
    fn message(&self) -> Text;
}

impl<E: Explain> From<E> for Error {
    fn from(e: E) -> Error {
        Error::new(e.kind(), e.code(), e.message())
    }
}

/// `Display` and `std::error::Error` for types that implement [`Explain`],
/// so the English text exists once, in `message()`.
macro_rules! explained {
    ($($ty:ty),*) => {$(
        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&$crate::error::Explain::message(self).en)
            }
        }

        impl std::error::Error for $ty {}
    )*};
}
pub(crate) use explained;

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Broken;

    impl Explain for Broken {
        fn code(&self) -> &'static str {
            "broken"
        }
        fn kind(&self) -> Kind {
            Kind::Invalid
        }
        fn message(&self) -> Text {
            Text::new("고장", "broken")
        }
    }

    explained!(Broken);

    #[test]
    fn display_is_the_english_message_and_conversion_keeps_all_three() {
        assert_eq!(Broken.to_string(), "broken");
        let e = Error::from(Broken);
        assert_eq!(
            (e.kind, e.code, e.get(Lang::Ko)),
            (Kind::Invalid, "broken", "고장")
        );
        assert_eq!(e.to_string(), "broken");
    }
}
