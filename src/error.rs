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

/// The kinds of warning: a stable code each, for `--allow`, thresholds and
/// machine-readable logs. The README's table of codes is tested against
/// this list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum WarningCode {
    /// Statistics rows whose keys are not in the reference list (names table or polygons) or not in the crosswalk.
    UnknownKey,
    /// Units of the reference list (names table, units layer) without a row in the statistics.
    MissingPlr,
    /// Keys of two LOR vintages (2006 and 2021) mixed, or keys of another vintage than the one asked for.
    Vintage,
    /// The file's own totals disagree (E_E is not E_EM + E_EW, not the sum of the age bands, …).
    Totals,
    /// A share column has values outside 0–100 (a rate of change, or not in %?).
    ShareRange,
    /// A count column has negative values.
    Negative,
    /// Empty or suppressed cells: units left empty in a sum, or columns with such cells.
    MissingValues,
    /// Files in a series folder without a date in their name, left out of the series.
    SkippedFiles,
    /// The files of a series do not all have the same columns (left empty at the dates that lack them).
    Columns,
    /// Dates of a series disagree (a date flag, ZEIT and the file name) or are out of order; which one is used is said.
    Date,
    /// Rows above the header (titles, notes) skipped while reading.
    TitleRows,
    /// A computed value differs from the published table (the check-against option): unit, column, both values.
    PublishedDeviation,
    /// A unit of a published table (the check-against option) was not computed.
    PublishedUnit,
    /// A derived column or ratio divides by zero in some units (their cells are left empty).
    DivisionByZero,
    /// Note: cells with the statistics office's marker '-' (nothing there) read as 0.
    ZeroMarker,
    /// Note: unit names taken from the built-in LOR catalogue (which vintage, how many keys matched).
    Catalogue,
    /// A wrong feature id corrected with the layer's fix-id option set to auto (each correction reported).
    FixId,
    /// Some points lack an attribute to sum or to group by (their ids are listed).
    MissingAttribute,
    /// Rows without a key and without figures (notes, footers) skipped while reading.
    IgnoredRows,
    /// Rows with keys of a coarser level (subtotals) among PLR rows, not used.
    SubtotalRows,
    /// A names table gives one unit different names in different rows.
    Names,
    /// A key-part column (BEZ, PGR, BZR) disagrees with the part derived from the PLR key.
    Hierarchy,
    /// A requested level cannot be made from the rows or targets (it is finer) and is skipped.
    Level,
    /// A column that looks like a share or rate is summed because a flag says so.
    SummedShare,
    /// A weighted mean is weighted by a column that looks like a share, not a count.
    ShareWeight,
    /// Polygons with the same id; they are left out, so their units have no geometry.
    DuplicateId,
    /// Polygon rings that were not closed, closed while reading.
    UnclosedRing,
    /// Self-intersecting or overlapping polygon parts, repaired.
    InvalidGeometry,
    /// Units of the statistics or names without a polygon in the layer.
    NoGeometry,
    /// Polygons of one layer overlap (in check), or points lie where two unit polygons overlap.
    Overlap,
    /// Gaps between the polygons of one layer larger than the tolerance.
    Gap,
    /// Units reach outside their parent polygon (PLR outside its BZR), or have none.
    Nesting,
    /// Parts of units below the sliver tolerance dropped as digitising noise.
    Slivers,
    /// Units that lie wholly or partly outside every target unit or Sozialraum.
    Unassigned,
    /// Points that lie outside every unit, and so are in no total.
    Outside,
    /// Weights of a source unit that do not add up to 1 (used as given).
    Weights,
    /// Keys of a key table that are both renamed and targets of a rename.
    Cycle,
    /// A table of a crosswalk chain has no row for units the table before it produces.
    ChainGap,
    /// Split units without population points: their area shares are used instead.
    AreaFallback,
    /// Points without a declared CRS: the CRS their coordinates look like is used.
    CrsGuessed,
    /// Point attribute values that cannot be read as numbers, left out of the sums.
    BadValues,
    /// Points that repeat an earlier feature exactly, or share an id with another point: each is counted (they are listed).
    DuplicatePoint,
}

impl WarningCode {
    /// Every code, in the order of the README table.
    pub const ALL: &'static [WarningCode] = &[
        WarningCode::UnknownKey,
        WarningCode::MissingPlr,
        WarningCode::Vintage,
        WarningCode::Totals,
        WarningCode::ShareRange,
        WarningCode::Negative,
        WarningCode::MissingValues,
        WarningCode::SkippedFiles,
        WarningCode::Columns,
        WarningCode::Date,
        WarningCode::TitleRows,
        WarningCode::PublishedDeviation,
        WarningCode::PublishedUnit,
        WarningCode::DivisionByZero,
        WarningCode::ZeroMarker,
        WarningCode::Catalogue,
        WarningCode::FixId,
        WarningCode::MissingAttribute,
        WarningCode::IgnoredRows,
        WarningCode::SubtotalRows,
        WarningCode::Names,
        WarningCode::Hierarchy,
        WarningCode::Level,
        WarningCode::SummedShare,
        WarningCode::ShareWeight,
        WarningCode::DuplicateId,
        WarningCode::UnclosedRing,
        WarningCode::InvalidGeometry,
        WarningCode::NoGeometry,
        WarningCode::Overlap,
        WarningCode::Gap,
        WarningCode::Nesting,
        WarningCode::Slivers,
        WarningCode::Unassigned,
        WarningCode::Outside,
        WarningCode::Weights,
        WarningCode::Cycle,
        WarningCode::ChainGap,
        WarningCode::AreaFallback,
        WarningCode::CrsGuessed,
        WarningCode::BadValues,
        WarningCode::DuplicatePoint,
    ];

    /// The code as written in messages, logs and `--allow`.
    pub fn as_str(self) -> &'static str {
        match self {
            WarningCode::UnknownKey => "unknown-key",
            WarningCode::MissingPlr => "missing-plr",
            WarningCode::Vintage => "vintage",
            WarningCode::Totals => "totals",
            WarningCode::ShareRange => "share-range",
            WarningCode::Negative => "negative",
            WarningCode::MissingValues => "missing-values",
            WarningCode::SkippedFiles => "skipped-files",
            WarningCode::Columns => "columns",
            WarningCode::Date => "date",
            WarningCode::TitleRows => "title-rows",
            WarningCode::PublishedDeviation => "published-deviation",
            WarningCode::PublishedUnit => "published-unit",
            WarningCode::DivisionByZero => "division-by-zero",
            WarningCode::ZeroMarker => "zero-marker",
            WarningCode::Catalogue => "catalogue",
            WarningCode::FixId => "fix-id",
            WarningCode::MissingAttribute => "missing-attribute",
            WarningCode::IgnoredRows => "ignored-rows",
            WarningCode::SubtotalRows => "subtotal-rows",
            WarningCode::Names => "names",
            WarningCode::Hierarchy => "hierarchy",
            WarningCode::Level => "level",
            WarningCode::SummedShare => "summed-share",
            WarningCode::ShareWeight => "share-weight",
            WarningCode::DuplicateId => "duplicate-id",
            WarningCode::UnclosedRing => "unclosed-ring",
            WarningCode::InvalidGeometry => "invalid-geometry",
            WarningCode::NoGeometry => "no-geometry",
            WarningCode::Overlap => "overlap",
            WarningCode::Gap => "gap",
            WarningCode::Nesting => "nesting",
            WarningCode::Slivers => "slivers",
            WarningCode::Unassigned => "unassigned",
            WarningCode::Outside => "outside",
            WarningCode::Weights => "weights",
            WarningCode::Cycle => "cycle",
            WarningCode::ChainGap => "chain-gap",
            WarningCode::AreaFallback => "area-fallback",
            WarningCode::CrsGuessed => "crs-guessed",
            WarningCode::BadValues => "bad-values",
            WarningCode::DuplicatePoint => "duplicate-point",
        }
    }

    /// One line on what the code means.
    pub fn doc(self) -> &'static str {
        match self {
            WarningCode::UnknownKey => "Statistics rows whose keys are not in the reference list (names table or polygons) or not in the crosswalk.",
            WarningCode::MissingPlr => "Units of the reference list (names table, units layer) without a row in the statistics.",
            WarningCode::Vintage => "Keys of two LOR vintages (2006 and 2021) mixed, or keys of another vintage than the one asked for.",
            WarningCode::Totals => "The file's own totals disagree (E_E is not E_EM + E_EW, not the sum of the age bands, …).",
            WarningCode::ShareRange => "A share column has values outside 0–100 (a rate of change, or not in %?).",
            WarningCode::Negative => "A count column has negative values.",
            WarningCode::MissingValues => "Empty or suppressed cells: units left empty in a sum, or columns with such cells.",
            WarningCode::SkippedFiles => "Files in a series folder without a date in their name, left out of the series.",
            WarningCode::Columns => "The files of a series do not all have the same columns (left empty at the dates that lack them).",
            WarningCode::Date => "Dates of a series disagree (a date flag, ZEIT and the file name) or are out of order; which one is used is said.",
            WarningCode::TitleRows => "Rows above the header (titles, notes) skipped while reading.",
            WarningCode::PublishedDeviation => "A computed value differs from the published table (the check-against option): unit, column, both values.",
            WarningCode::PublishedUnit => "A unit of a published table (the check-against option) was not computed.",
            WarningCode::DivisionByZero => "A derived column or ratio divides by zero in some units (their cells are left empty).",
            WarningCode::ZeroMarker => "Note: cells with the statistics office's marker '-' (nothing there) read as 0.",
            WarningCode::Catalogue => "Note: unit names taken from the built-in LOR catalogue (which vintage, how many keys matched).",
            WarningCode::FixId => "A wrong feature id corrected with the layer's fix-id option set to auto (each correction reported).",
            WarningCode::MissingAttribute => "Some points lack an attribute to sum or to group by (their ids are listed).",
            WarningCode::IgnoredRows => "Rows without a key and without figures (notes, footers) skipped while reading.",
            WarningCode::SubtotalRows => "Rows with keys of a coarser level (subtotals) among PLR rows, not used.",
            WarningCode::Names => "A names table gives one unit different names in different rows.",
            WarningCode::Hierarchy => "A key-part column (BEZ, PGR, BZR) disagrees with the part derived from the PLR key.",
            WarningCode::Level => "A requested level cannot be made from the rows or targets (it is finer) and is skipped.",
            WarningCode::SummedShare => "A column that looks like a share or rate is summed because a flag says so.",
            WarningCode::ShareWeight => "A weighted mean is weighted by a column that looks like a share, not a count.",
            WarningCode::DuplicateId => "Polygons with the same id; they are left out, so their units have no geometry.",
            WarningCode::UnclosedRing => "Polygon rings that were not closed, closed while reading.",
            WarningCode::InvalidGeometry => "Self-intersecting or overlapping polygon parts, repaired.",
            WarningCode::NoGeometry => "Units of the statistics or names without a polygon in the layer.",
            WarningCode::Overlap => "Polygons of one layer overlap (in check), or points lie where two unit polygons overlap.",
            WarningCode::Gap => "Gaps between the polygons of one layer larger than the tolerance.",
            WarningCode::Nesting => "Units reach outside their parent polygon (PLR outside its BZR), or have none.",
            WarningCode::Slivers => "Parts of units below the sliver tolerance dropped as digitising noise.",
            WarningCode::Unassigned => "Units that lie wholly or partly outside every target unit or Sozialraum.",
            WarningCode::Outside => "Points that lie outside every unit, and so are in no total.",
            WarningCode::Weights => "Weights of a source unit that do not add up to 1 (used as given).",
            WarningCode::Cycle => "Keys of a key table that are both renamed and targets of a rename.",
            WarningCode::ChainGap => "A table of a crosswalk chain has no row for units the table before it produces.",
            WarningCode::AreaFallback => "Split units without population points: their area shares are used instead.",
            WarningCode::CrsGuessed => "Points without a declared CRS: the CRS their coordinates look like is used.",
            WarningCode::BadValues => "Point attribute values that cannot be read as numbers, left out of the sums.",
            WarningCode::DuplicatePoint => "Points that repeat an earlier feature exactly, or share an id with another point: each is counted (they are listed).",
        }
    }

    /// The code written as `text`, if there is one.
    pub fn parse(text: &str) -> Option<WarningCode> {
        WarningCode::ALL
            .iter()
            .copied()
            .find(|c| c.as_str() == text.trim())
    }

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
}

/// Codes of notes: information about how the input was read (which
/// built-in catalogue named the units, `-` read as zero), printed like a
/// warning allowed with `--allow`, never a finding under `--strict`.
pub const NOTE_CODES: &[WarningCode] = &[WarningCode::Catalogue, WarningCode::ZeroMarker];

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
