//! LOR keys and the LOR hierarchy.
//!
//! A Planungsraum key has eight digits `BB PP RR NN`: Bezirk, Prognoseraum,
//! Bezirksregion, Planungsraum. The parents of a unit are prefixes of its key:
//! BZR = first 6 digits, PGR = first 4, Bezirk = first 2. Both LOR vintages
//! (2006, valid until 2020, and 2021) use this structure; they differ in the
//! numbering of the Prognoseräume (2006: `01`…`09`, 2021: `10`, `20`, …).

use std::fmt;

/// A level of the LOR hierarchy, from the finest to the whole city.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Level {
    Plr,
    Bzr,
    Pgr,
    Bezirk,
    Berlin,
}

/// Key of the whole city in output tables: `BE`, the official abbreviation
/// of the Land Berlin (ISO 3166-2 `DE-BE`). The statistics office's tables
/// use `0`; `lor aggregate --check-against` reads both.
pub const BERLIN_KEY: &str = "BE";

impl Level {
    pub const ALL: [Level; 5] = [
        Level::Plr,
        Level::Bzr,
        Level::Pgr,
        Level::Bezirk,
        Level::Berlin,
    ];

    /// Number of key digits of a unit at this level (0 for the city).
    pub fn digits(self) -> usize {
        match self {
            Level::Plr => 8,
            Level::Bzr => 6,
            Level::Pgr => 4,
            Level::Bezirk => 2,
            Level::Berlin => 0,
        }
    }

    pub fn from_digits(n: usize) -> Option<Level> {
        match n {
            8 => Some(Level::Plr),
            6 => Some(Level::Bzr),
            4 => Some(Level::Pgr),
            2 => Some(Level::Bezirk),
            _ => None,
        }
    }

    /// Short name used on the command line and in the `level` output column.
    pub fn code(self) -> &'static str {
        match self {
            Level::Plr => "plr",
            Level::Bzr => "bzr",
            Level::Pgr => "pgr",
            Level::Bezirk => "bez",
            Level::Berlin => "berlin",
        }
    }

    /// German name of the level, as planners say it.
    /// German plural: Planungsräume, Bezirksregionen, …
    pub fn german_plural(self) -> &'static str {
        match self {
            Level::Plr => "Planungsräume",
            Level::Bzr => "Bezirksregionen",
            Level::Pgr => "Prognoseräume",
            Level::Bezirk => "Bezirke",
            Level::Berlin => "Berlin",
        }
    }

    pub fn german(self) -> &'static str {
        match self {
            Level::Plr => "Planungsraum",
            Level::Bzr => "Bezirksregion",
            Level::Pgr => "Prognoseraum",
            Level::Bezirk => "Bezirk",
            Level::Berlin => "Berlin",
        }
    }

    pub fn parse(s: &str) -> Option<Level> {
        match s.trim().to_ascii_lowercase().as_str() {
            "plr" | "planungsraum" | "planungsräume" => Some(Level::Plr),
            "bzr" | "bezirksregion" | "bezirksregionen" => Some(Level::Bzr),
            "pgr" | "prognoseraum" | "prognoseräume" => Some(Level::Pgr),
            "bez" | "bezirk" | "bezirke" => Some(Level::Bezirk),
            "berlin" | "city" | "stadt" => Some(Level::Berlin),
            _ => None,
        }
    }

    /// The key of the unit at this level that contains `key` (a key of this
    /// level or finer).
    pub fn parent_of(self, key: &str) -> &str {
        match self {
            Level::Berlin => BERLIN_KEY,
            l => &key[..l.digits().min(key.len())],
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// The two LOR vintages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Vintage {
    /// LOR 2006 (as revised up to 2019): 447/448 PLR, valid until 2020.
    Lor2006,
    /// LOR 2021: 542 PLR, valid from 1 January 2021.
    Lor2021,
}

impl Vintage {
    pub fn parse(s: &str) -> Option<Vintage> {
        match s.trim() {
            "2006" | "2019" => Some(Vintage::Lor2006),
            "2021" => Some(Vintage::Lor2021),
            _ => None,
        }
    }

    /// The vintage a single key (of PGR level or finer) belongs to, judged by
    /// the Prognoseraum digits: 2021 numbers them in tens (`10`…`90`).
    pub fn of_key(key: &str) -> Option<Vintage> {
        if key.len() < 4 {
            return None;
        }
        let b = key.as_bytes();
        let (bez, pp) = (&key[..2], &b[2..4]);
        if pp == b"00" {
            None
        } else if pp[0] == b'0' || pp[1] != b'0' {
            // 2006: `01`…`09`, and Reinickendorf's `21`…`23`.
            Some(Vintage::Lor2006)
        } else if bez == "12" && pp == b"30" {
            // Reinickendorf 2006 had PGR `1210`, `1221`–`1223` and `1230`.
            Some(Vintage::Lor2006)
        } else if bez == "12" && pp == b"10" {
            None // `1210` exists in both vintages
        } else {
            Some(Vintage::Lor2021)
        }
    }

    /// Detect the vintage of a set of keys. Returns the vintage and the keys
    /// that do not fit it (keys that fit both, like `1210…`, fit either).
    pub fn detect<'a>(keys: impl IntoIterator<Item = &'a str>) -> Option<(Vintage, Vec<&'a str>)> {
        let mut v06 = Vec::new();
        let mut v21 = Vec::new();
        for k in keys {
            match Vintage::of_key(k) {
                Some(Vintage::Lor2006) => v06.push(k),
                Some(Vintage::Lor2021) => v21.push(k),
                None => {}
            }
        }
        if v06.is_empty() && v21.is_empty() {
            return None;
        }
        if v21.len() > v06.len() {
            Some((Vintage::Lor2021, v06))
        } else {
            Some((Vintage::Lor2006, v21))
        }
    }

    /// The other vintage.
    pub fn other(self) -> Vintage {
        match self {
            Vintage::Lor2006 => Vintage::Lor2021,
            Vintage::Lor2021 => Vintage::Lor2006,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Vintage::Lor2006 => "LOR 2006",
            Vintage::Lor2021 => "LOR 2021",
        }
    }
}

impl fmt::Display for Vintage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Why a cell could not be read as a LOR key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyError {
    pub value: String,
    pub reason: String,
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "'{}' is not a LOR key: {}",
            crate::error::clip(&self.value),
            self.reason
        )
    }
}

impl std::error::Error for KeyError {}

/// Normalise a LOR key as it comes in a file.
///
/// Accepts 8, 6, 4 or 2 digits (PLR, BZR, PGR, Bezirk); restores one leading
/// zero lost by a spreadsheet (`1011101` → `01011101`); tolerates spaces
/// between digit groups and a trailing `.0` written by Excel for numbers.
/// Returns the level and the normalised digits.
pub fn normalize_key(raw: &str) -> Result<(Level, String), KeyError> {
    let err = |reason: &str| KeyError {
        value: raw.to_string(),
        reason: reason.to_string(),
    };
    let mut s = raw.trim().trim_matches('"').trim();
    if s.is_empty() {
        return Err(err("the key is empty"));
    }
    // Excel writes numeric cells as `1011101.0` or `1011101,0`.
    for suffix in [".0", ",0"] {
        if let Some(stripped) = s.strip_suffix(suffix) {
            if stripped.bytes().all(|b| b.is_ascii_digit()) {
                s = stripped;
            }
        }
    }
    let mut digits = String::with_capacity(8);
    for c in s.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
        } else if c == ' ' || c == '\u{a0}' {
            continue;
        } else {
            return Err(err("only digits are allowed (8 for a Planungsraum)"));
        }
    }
    let n = digits.len();
    if n % 2 == 1 && n <= 7 {
        // A spreadsheet dropped the leading zero of Bezirk 01–09.
        digits.insert(0, '0');
    }
    let level = Level::from_digits(digits.len()).ok_or_else(|| {
        err(&format!(
            "{} digits; a Planungsraum has 8 (BB PP RR NN), a Bezirksregion 6, a Prognoseraum 4, a Bezirk 2",
            n
        ))
    })?;
    let bez: u32 = digits[..2].parse().unwrap_or(0);
    if bez == 0 {
        return Err(err("the Bezirk number (first two digits) is 00"));
    }
    Ok((level, digits))
}

/// Normalise a key that must be a Planungsraum key.
pub fn normalize_plr(raw: &str) -> Result<String, KeyError> {
    let (level, key) = normalize_key(raw)?;
    if level != Level::Plr {
        return Err(KeyError {
            value: raw.to_string(),
            reason: format!(
                "this is a {} key ({} digits), a Planungsraum key has 8",
                level.german(),
                level.digits()
            ),
        });
    }
    Ok(key)
}

/// The twelve Berlin Bezirke (the same numbering in both vintages).
pub fn bezirk_name(key: &str) -> Option<&'static str> {
    Some(match key {
        "01" => "Mitte",
        "02" => "Friedrichshain-Kreuzberg",
        "03" => "Pankow",
        "04" => "Charlottenburg-Wilmersdorf",
        "05" => "Spandau",
        "06" => "Steglitz-Zehlendorf",
        "07" => "Tempelhof-Schöneberg",
        "08" => "Neukölln",
        "09" => "Treptow-Köpenick",
        "10" => "Marzahn-Hellersdorf",
        "11" => "Lichtenberg",
        "12" => "Reinickendorf",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_plr_keys() {
        assert_eq!(normalize_plr("01011101").unwrap(), "01011101");
        assert_eq!(normalize_plr("1011101").unwrap(), "01011101");
        assert_eq!(normalize_plr(" 1011101.0 ").unwrap(), "01011101");
        assert_eq!(normalize_plr("04 30 04 14").unwrap(), "04300414");
        assert!(normalize_plr("0101110").is_err());
        assert!(normalize_plr("01011101a").is_err());
        assert!(normalize_plr("00011101").is_err());
        assert!(normalize_plr("010111").is_err());
        assert_eq!(
            normalize_key("10111").unwrap(),
            (Level::Bzr, "010111".into())
        );
    }

    #[test]
    fn parents_from_digits() {
        let k = "04030417";
        assert_eq!(Level::Bzr.parent_of(k), "040304");
        assert_eq!(Level::Pgr.parent_of(k), "0403");
        assert_eq!(Level::Bezirk.parent_of(k), "04");
        assert_eq!(Level::Berlin.parent_of(k), "BE");
    }

    #[test]
    fn detects_vintage() {
        assert_eq!(Vintage::of_key("04030417"), Some(Vintage::Lor2006));
        assert_eq!(Vintage::of_key("04300414"), Some(Vintage::Lor2021));
        assert_eq!(Vintage::of_key("12103115"), None);
        assert_eq!(Vintage::of_key("12302222"), Some(Vintage::Lor2006));
        assert_eq!(Vintage::of_key("12214101"), Some(Vintage::Lor2006));
        assert_eq!(Vintage::of_key("12200101"), Some(Vintage::Lor2021));
        let (v, odd) = Vintage::detect(["04300414", "01100101", "04030417"]).unwrap();
        assert_eq!(v, Vintage::Lor2021);
        assert_eq!(odd, vec!["04030417"]);
    }
}
