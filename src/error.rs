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

/// One table of warning codes: `Variant = "code", "documentation"` makes
/// the enum variant (documented), its place in [`WarningCode::ALL`], what
/// [`WarningCode::as_str`] and [`WarningCode::parse`] read and write, and
/// [`WarningCode::doc`].
macro_rules! warning_codes {
    ($($variant:ident = $code:literal, $doc:literal),+ $(,)?) => {
        /// The kinds of warning: a stable code each, for `--allow`, thresholds and
        /// machine-readable logs. `docs/warnings.md` is generated from this table
        /// (`LOR_UPDATE_DOCS=1 cargo test --bin lor`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum WarningCode {
            $(#[doc = $doc] $variant,)+
        }

        impl WarningCode {
            /// Every code, in the order of the table (and of docs/warnings.md).
            pub const ALL: &'static [WarningCode] = &[$(WarningCode::$variant),+];

            /// The code as written in messages, logs and `--allow`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(WarningCode::$variant => $code,)+
                }
            }

            /// One line on what the code means.
            pub fn doc(self) -> &'static str {
                match self {
                    $(WarningCode::$variant => $doc,)+
                }
            }

            /// The code written as `text`, if there is one.
            pub fn parse(text: &str) -> Option<WarningCode> {
                match text.trim() {
                    $($code => Some(WarningCode::$variant),)+
                    _ => None,
                }
            }
        }
    };
}

warning_codes! {
    UnknownKey = "unknown-key",
        "Statistics rows whose keys are not in the reference list (names table or polygons) or not in the crosswalk.",
    MissingPlr = "missing-plr",
        "Units of the reference list (names table, units layer) without a row in the statistics.",
    Vintage = "vintage",
        "Keys of two LOR vintages (2006 and 2021) mixed, or keys of another vintage than the one asked for.",
    Totals = "totals",
        "The file's own totals disagree (E_E is not E_EM + E_EW, not the sum of the age bands, …).",
    ShareRange = "share-range",
        "A share column has values outside 0–100 (a rate of change, or not in %?).",
    Negative = "negative",
        "A count column has negative values.",
    MissingValues = "missing-values",
        "Empty or suppressed cells: units left empty in a sum, or columns with such cells.",
    SkippedFiles = "skipped-files",
        "Files in a series folder without a date in their name, left out of the series.",
    Columns = "columns",
        "The files of a series do not all have the same columns (left empty at the dates that lack them).",
    Date = "date",
        "Dates of a series disagree (a date flag, ZEIT and the file name) or are out of order; which one is used is said.",
    TitleRows = "title-rows",
        "Rows above the header (titles, notes) skipped while reading.",
    PublishedDeviation = "published-deviation",
        "A computed value differs from the published table (the check-against option): unit, column, both values.",
    PublishedUnit = "published-unit",
        "A unit of a published table (the check-against option) was not computed.",
    DivisionByZero = "division-by-zero",
        "A derived column or ratio divides by zero in some units (their cells are left empty).",
    ZeroMarker = "zero-marker",
        "Note: cells with the statistics office's marker '-' (nothing there) read as 0.",
    Catalogue = "catalogue",
        "Note: unit names taken from the built-in LOR catalogue (which vintage, how many keys matched).",
    FixId = "fix-id",
        "Note: a wrong feature id that the built-in catalogue proves (name and area of a unit without polygon) corrected; on by default, off with the layer's fix-id option set to none.",
    ProvenShare = "proven-share",
        "Note: a share column (X_percentage) that is X / people × 100 in every row of the file, recomputed from the aggregated counts instead of being summed.",
    MissingAttribute = "missing-attribute",
        "Some points lack an attribute to sum or to group by (their ids are listed).",
    ExtraColumn = "extra-column",
        "A statistics file has a column that its expected columns (a list, or the columns of a reference file) do not have.",
    IgnoredRows = "ignored-rows",
        "Rows without a key and without figures (notes, footers) skipped while reading.",
    SubtotalRows = "subtotal-rows",
        "Rows with keys of a coarser level (subtotals) among PLR rows, not used.",
    Names = "names",
        "A names table gives one unit different names in different rows.",
    Hierarchy = "hierarchy",
        "A key-part column (BEZ, PGR, BZR) disagrees with the part derived from the PLR key.",
    Level = "level",
        "A requested level cannot be made from the rows or targets (it is finer) and is skipped.",
    SummedShare = "summed-share",
        "A column that looks like a share or rate is summed because a flag says so.",
    ShareWeight = "share-weight",
        "A weighted mean is weighted by a column that looks like a share, not a count.",
    DuplicateId = "duplicate-id",
        "Polygons with the same id; they are left out, so their units have no geometry.",
    UnclosedRing = "unclosed-ring",
        "Polygon rings that were not closed, closed while reading.",
    InvalidGeometry = "invalid-geometry",
        "Self-intersecting or overlapping polygon parts, repaired.",
    NoGeometry = "no-geometry",
        "Units of the statistics or names without a polygon in the layer.",
    Overlap = "overlap",
        "Polygons of one layer overlap (in check), or points lie where two unit polygons overlap.",
    Gap = "gap",
        "Gaps between the polygons of one layer larger than the tolerance.",
    Nesting = "nesting",
        "Units reach outside their parent polygon (PLR outside its BZR), or have none.",
    Slivers = "slivers",
        "Parts of units below the sliver tolerance dropped as digitising noise.",
    Unassigned = "unassigned",
        "Units that lie wholly or partly outside every target unit or Sozialraum.",
    Outside = "outside",
        "Points that lie outside every unit, and so are in no total.",
    Weights = "weights",
        "Weights of a source unit that do not add up to 1 (used as given).",
    Cycle = "cycle",
        "Keys of a key table that are both renamed and targets of a rename.",
    ChainGap = "chain-gap",
        "A table of a crosswalk chain has no row for units the table before it produces.",
    AreaFallback = "area-fallback",
        "Split units without population points: their area shares are used instead.",
    CrsGuessed = "crs-guessed",
        "Points without a declared CRS: the CRS their coordinates look like is used.",
    BadValues = "bad-values",
        "Point attribute values that cannot be read as numbers, left out of the sums.",
    Unattributed = "unattributed",
        "Note: an input of a report has no source entry (no row in a README.md of its data folder) and no source option was given: the report names it by its file name only.",
    DuplicatePoint = "duplicate-point",
        "Points that repeat an earlier feature exactly, or share an id with another point: each is counted (they are listed).",
}

impl WarningCode {
    /// The code written as `text` (`--allow`, a job file's `allow`): a
    /// usage error listing the codes when there is none.
    pub fn parse_known(text: &str) -> anyhow::Result<WarningCode> {
        WarningCode::parse(text).ok_or_else(|| {
            usage_error(format!(
                "unknown warning code '{text}'; the codes are: {}",
                WarningCode::ALL
                    .iter()
                    .map(|c| c.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })
    }
}

impl fmt::Display for WarningCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for WarningCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// A finding about suspicious data: printed on stderr, never in the data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// Stable short code, for thresholds and machine-readable logs.
    pub code: WarningCode,
    pub message: String,
}

/// Warnings collected during a run, in the order they were found.
#[derive(Debug, Clone, Default)]
pub struct Warnings(pub Vec<Warning>);

impl Warnings {
    pub fn push(&mut self, code: WarningCode, message: impl Into<String>) {
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
        self.0.iter().any(|w| w.code.as_str() == code)
    }

    /// Each warning once, in the order first given: steps that read the
    /// same input again (a report aggregates it at several levels) say the
    /// same thing once.
    pub fn distinct(&self) -> impl Iterator<Item = &Warning> {
        let mut seen = std::collections::HashSet::new();
        self.0
            .iter()
            .filter(move |w| seen.insert((w.code, w.message.as_str())))
    }
}

/// Codes of notes: information about how the input was read (which
/// built-in catalogue named the units, `-` read as zero), printed like a
/// warning allowed with `--allow`, never a finding under `--strict`.
pub const NOTE_CODES: &[WarningCode] = &[
    WarningCode::Catalogue,
    WarningCode::ZeroMarker,
    WarningCode::FixId,
    WarningCode::ProvenShare,
    WarningCode::Unattributed,
];

/// Is a warning of this code a note (see [`NOTE_CODES`])?
pub fn is_note(code: WarningCode) -> bool {
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

/// Longest data value echoed in a message, in characters.
pub const CLIP_CHARS: usize = 80;

/// A data value for a message: cut to [`CLIP_CHARS`] characters with "…",
/// and control characters (newlines, NUL) shown as `\n`, `\0`…, so that a
/// multi-megabyte cell or an embedded newline cannot flood or break a log.
pub fn clip(value: &str) -> String {
    let mut out = String::new();
    for (n, c) in value.chars().enumerate() {
        if n == CLIP_CHARS {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod clip_tests {
    use super::clip;

    #[test]
    fn long_values_are_cut() {
        assert_eq!(clip("04030417"), "04030417");
        let long = "x".repeat(5000);
        let c = clip(&long);
        assert_eq!(c.chars().count(), 81);
        assert!(c.ends_with('…'));
        assert_eq!(clip("a\nb\0"), "a\\nb\\u{0}");
    }
}

#[cfg(test)]
mod warning_code_tests {
    use super::WarningCode;

    #[test]
    fn codes_are_unique_and_parse_back() {
        let mut seen = std::collections::BTreeSet::new();
        for &c in WarningCode::ALL {
            assert!(seen.insert(c.as_str()), "{} twice", c.as_str());
            assert_eq!(WarningCode::parse(c.as_str()), Some(c));
            assert_eq!(WarningCode::parse(&format!(" {} ", c.as_str())), Some(c));
            assert_eq!(c.to_string(), c.as_str());
        }
        assert_eq!(WarningCode::ALL.len(), 45);
        assert_eq!(
            WarningCode::parse("missing-plr"),
            Some(WarningCode::MissingPlr)
        );
        assert_eq!(WarningCode::parse("Missing-PLR"), None);
        assert_eq!(WarningCode::parse(""), None);
        // ALL is in declaration order, which is also the derived order.
        assert!(WarningCode::ALL.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn every_code_has_one_line_of_documentation() {
        for &c in WarningCode::ALL {
            let d = c.doc();
            assert!(
                d.ends_with('.') && !d.contains('\n') && !d.contains('|'),
                "{c}: {d}"
            );
        }
        assert_eq!(
            WarningCode::Negative.doc(),
            "A count column has negative values."
        );
    }

    #[test]
    fn unknown_codes_are_usage_errors_listing_the_codes() {
        let e = WarningCode::parse_known("typo").unwrap_err();
        assert_eq!(super::exit_code_of(&e), 2);
        let m = e.to_string();
        assert!(
            m.starts_with("unknown warning code 'typo'; the codes are: unknown-key, missing-plr,"),
            "{m}"
        );
        assert!(
            m.ends_with("bad-values, unattributed, duplicate-point"),
            "{m}"
        );
    }
}
