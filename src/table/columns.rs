//! What a column's name says about it: a share or rate (never summed), a
//! count (summed), or a label (kept where the members agree). The statistics
//! reader and the aggregation rules read the same conventions here.

/// Does a column name say "share, rate, mean or index"?
pub fn share_like_name(name: &str) -> bool {
    let l = name.to_lowercase();
    let b = l.as_bytes();
    // MSS indicator codes: K01, S3, D12, …
    let indicator = b.len() >= 2
        && b.len() <= 4
        && b[0].is_ascii_alphabetic()
        && b[1..].iter().all(|c| c.is_ascii_digit())
        && matches!(b[0], b'k' | b's' | b'd' | b'i');
    // German words are compounds (Arbeitslosenquote): substrings. English
    // words only as whole words, so that "migration" is not a "ratio".
    let german = [
        "prozent",
        "anteil",
        "quote",
        "dichte",
        "durchschnitt",
        "mittelwert",
        "je 100",
        "pro 100",
        "je einw",
        "pro einw",
    ];
    let english = [
        "percent",
        "percentage",
        "pct",
        "share",
        "ratio",
        "rate",
        "density",
        "average",
        "mean",
        "median",
        "index",
        "per",
    ];
    indicator
        || l.contains('%')
        || german.iter().any(|w| l.contains(w))
        || l.split(|c: char| !c.is_alphanumeric())
            .any(|w| english.contains(&w))
        || l.ends_with("rate")
}

/// Does a column name say "count or amount" (extensive: may be summed)?
/// Such a column is summed even when its values lie between 0 and 100.
pub fn count_like_name(name: &str) -> bool {
    let l = name.to_lowercase();
    [
        "fläche",
        "flaeche",
        "area",
        " qm",
        "m²",
        "anzahl",
        "count",
        "einwohner",
        "inhabitants",
        "plätze",
        "plaetze",
        "places",
        "summe",
        "total",
    ]
    .iter()
    .any(|w| l.contains(w))
        || l.starts_with("ew ")
        || l == "ew"
}

/// The LOR level whose key digits a key-part column holds: `BEZ`, `PGR`,
/// `BZR`, `PLR` (and `RAUMID`, the whole PLR key), in any case.
pub fn key_part_level(name: &str) -> Option<crate::table::key::Level> {
    use crate::table::key::Level;
    match name.trim().to_lowercase().as_str() {
        "bez" => Some(Level::Bezirk),
        "pgr" => Some(Level::Pgr),
        "bzr" => Some(Level::Bzr),
        "plr" | "raumid" => Some(Level::Plr),
        _ => None,
    }
}

/// Names of columns that are labels, not figures.
pub fn label_name(name: &str) -> bool {
    let l = name.trim().to_lowercase();
    matches!(
        l.as_str(),
        "zeit"
            | "jahr"
            | "year"
            | "stichtag"
            | "datum"
            | "date"
            | "stand"
            | "quartal"
            | "stadtraum"
            | "bez"
            | "pgr"
            | "bzr"
            | "plr"
            | "bezirk"
            | "prognoseraum"
            | "bezirksregion"
            | "planungsraum"
    ) || l.ends_with("_id")
        || l.ends_with("(nummer)")
        || l.starts_with("stand ")
}
