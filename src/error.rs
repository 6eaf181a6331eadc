//! Errors that carry their exit code, and warnings collected during a run.

use std::fmt;

/// What kind of failure ended a run; decides the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Bad input data or an I/O problem (exit code 1).
    Input,
    /// The command line or a job file asks for something impossible (exit code 2).
    Usage,
    /// The data was read, but findings exceed what `--strict` or a threshold allows (exit code 3).
    Quality,
}

impl ErrorKind {
    pub fn exit_code(self) -> i32 {
        match self {
            ErrorKind::Input => 1,
            ErrorKind::Usage => 2,
            ErrorKind::Quality => 3,
        }
    }
}

#[derive(Debug, Clone)]
pub struct LorError {
    pub kind: ErrorKind,
    pub message: String,
}

impl fmt::Display for LorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for LorError {}

/// An error in the input data (exit code 1).
pub fn input_error(message: impl Into<String>) -> anyhow::Error {
    LorError {
        kind: ErrorKind::Input,
        message: message.into(),
    }
    .into()
}

/// An error in how the tool was called (exit code 2).
pub fn usage_error(message: impl Into<String>) -> anyhow::Error {
    LorError {
        kind: ErrorKind::Usage,
        message: message.into(),
    }
    .into()
}

/// Data-quality findings that the run was told not to accept (exit code 3).
pub fn quality_error(message: impl Into<String>) -> anyhow::Error {
    LorError {
        kind: ErrorKind::Quality,
        message: message.into(),
    }
    .into()
}

/// The exit code for an error chain: the first `LorError` in it decides,
/// anything else (I/O and the like) is 1.
pub fn exit_code_of(err: &anyhow::Error) -> i32 {
    err.chain()
        .find_map(|e| e.downcast_ref::<LorError>())
        .map(|e| e.kind.exit_code())
        .unwrap_or(1)
}

/// A finding about suspicious data: printed on stderr, never in the data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// Stable short code (`unknown-key`, `missing-plr`, `totals`, …), for
    /// thresholds and machine-readable logs.
    pub code: &'static str,
    pub message: String,
}

/// Warnings collected during a run, in the order they were found.
#[derive(Debug, Clone, Default)]
pub struct Warnings(pub Vec<Warning>);

impl Warnings {
    pub fn push(&mut self, code: &'static str, message: impl Into<String>) {
        self.0.push(Warning {
            code,
            message: message.into(),
        });
    }

    pub fn extend(&mut self, other: Warnings) {
        self.0.extend(other.0);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Warning> {
        self.0.iter()
    }

    pub fn has(&self, code: &str) -> bool {
        self.0.iter().any(|w| w.code == code)
    }
}

/// Codes of notes: information about how the input was read (which
/// built-in catalogue named the units, `-` read as zero), printed like a
/// warning allowed with `--allow`, never a finding under `--strict`.
pub const NOTE_CODES: &[&str] = &["catalogue", "zero-marker"];

/// Is a warning of this code a note (see [`NOTE_CODES`])?
pub fn is_note(code: &str) -> bool {
    NOTE_CODES.contains(&code)
}

/// Up to `n` examples from a list, for messages: `a, b, c and 12 more`.
pub fn examples<T: fmt::Display>(items: &[T], n: usize) -> String {
    let shown: Vec<String> = items.iter().take(n).map(|x| x.to_string()).collect();
    let mut s = shown.join(", ");
    if items.len() > n {
        s.push_str(&format!(" and {} more", items.len() - n));
    }
    s
}
