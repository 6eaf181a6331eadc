//! Column labels: German headers for the statistics office's codes.
//!
//! The built-in codebook (`--labels de`) covers
//! - the EWR population file (`E_E` Einwohnerinnen und Einwohner insgesamt,
//!   `E_EM`/`E_EW` by sex, the age bands `E_E00_01` … `E_E95_110` and the
//!   age groups `E_EU1`, `E_E1U6` … `E_E80U110`), derived from the code
//!   pattern `E_E<from>_<to>` / `E_E<from>U<to>` = "von bis unter Jahre";
//! - the MSS indicators, labelled by their kind only (`K01` →
//!   "Kontextindikator K01 (MSS, in %)", `S1` Statusindikator, `D1`
//!   Dynamikindikator): their definitions change between MSS editions, so
//!   the code is kept rather than a meaning that may be wrong;
//! - the open-data population tables (`inhabitants`, `inhabitants_female`,
//!   `inhabitants_age_6_15`, … and their `_percentage` shares).
//!
//! A user codebook is a CSV `code;label` (or `code,label`; a header line
//! `code;label` is skipped); `--rename OLD=NEW` renames single columns and
//! wins over both.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Result;

use crate::error::{input_error, usage_error};
use crate::table::level::LevelTable;

/// German label of an EWR age code such as `00_01`, `1U6`, `95_110`, `U1`.
fn age_label(code: &str) -> Option<String> {
    if let Some(to) = code.strip_prefix('U') {
        let to: u32 = to.parse().ok()?;
        return Some(format!(
            "unter {to} {}",
            if to == 1 { "Jahr" } else { "Jahre" }
        ));
    }
    let (a, b) = code.split_once('_').or_else(|| code.split_once('U'))?;
    let (a, b): (u32, u32) = (a.parse().ok()?, b.parse().ok()?);
    (a < b).then(|| {
        format!(
            "{a} bis unter {b} {}",
            if b == 1 { "Jahr" } else { "Jahre" }
        )
    })
}

/// The ages (from, to: "von bis unter") of an EWR age code: `E_EU1` (0, 1),
/// `E_E1U6` (1, 6), `E_E80U110` (80, 110), `E_E00_01` (0, 1).
pub fn ewr_age(code: &str) -> Option<(u32, u32)> {
    let age = code.strip_prefix("E_E")?;
    if let Some(to) = age.strip_prefix('U') {
        return Some((0, to.parse().ok()?));
    }
    let (a, b) = age.split_once('_').or_else(|| age.split_once('U'))?;
    let (a, b): (u32, u32) = (a.parse().ok()?, b.parse().ok()?);
    (a < b).then_some((a, b))
}

/// German words for the ages of EWR codes that together make one range
/// without gaps: `E_E65U80` + `E_E80U110` → "65 Jahre und älter", `E_EU1` +
/// `E_E1U6` → "unter 6 Jahre", `E_E6U15` → "6 bis unter 15 Jahre". None when
/// a code is not an age code or the ages leave a gap or overlap.
pub fn age_range_de(codes: &[String]) -> Option<String> {
    let mut ages: Vec<(u32, u32)> = codes.iter().map(|c| ewr_age(c)).collect::<Option<_>>()?;
    ages.sort_unstable();
    let (from, mut to) = *ages.first()?;
    for &(a, b) in &ages[1..] {
        if a != to {
            return None;
        }
        to = b;
    }
    let years = |n: u32| if n == 1 { "Jahr" } else { "Jahre" };
    Some(if from == 0 {
        format!("unter {to} {}", years(to))
    } else if to >= 110 {
        format!("{from} Jahre und älter")
    } else {
        format!("{from} bis unter {to} {}", years(to))
    })
}

/// Label of `code` in the built-in German codebook.
pub fn builtin_de(code: &str) -> Option<String> {
    let ew = "Einwohnerinnen und Einwohner";
    match code {
        "E_E" => return Some(format!("{ew} insgesamt")),
        "E_EM" => return Some(format!("{ew} männlich")),
        "E_EW" => return Some(format!("{ew} weiblich")),
        "ZEIT" => return Some("Stand".into()),
        "RAUMID" => return Some("Planungsraum (Nummer)".into()),
        "BEZ" => return Some("Bezirk (Nummer)".into()),
        "PGR" => return Some("Prognoseraum (Nummer)".into()),
        "BZR" => return Some("Bezirksregion (Nummer)".into()),
        "PLR" => return Some("Planungsraum (Nummer)".into()),
        "STADTRAUM" => return Some("Stadtraum".into()),
        "EW 31.12.2020" => return Some(format!("{ew} am 31.12.2020")),
        // The Kita directory's approved places (`lor points --sum e_platz`).
        "e_platz" => return Some("Genehmigte Plätze".into()),
        _ => {}
    }
    if let Some(age) = code.strip_prefix("E_E") {
        // `E_E1U6` is an age group, `E_E00_01` an age band.
        let group = age.contains('U');
        return age_label(age).map(|a| {
            if group {
                format!("{ew}, Altersgruppe {a}")
            } else {
                format!("{ew} {a}")
            }
        });
    }
    let b = code.as_bytes();
    if b.len() >= 2 && b[1..].iter().all(u8::is_ascii_digit) {
        let kind = match b[0] {
            b'K' => "Kontextindikator",
            b'S' => "Statusindikator",
            b'D' => "Dynamikindikator",
            _ => return None,
        };
        return Some(format!("{kind} {code} (MSS, in %)"));
    }
    open_data_label(code).or_else(|| points_label_de(code))
}

/// The columns of `lor points`: `count` "Anzahl", and the ratios to a
/// denominator, `e_platz per 100 Kinder_u6` "Genehmigte Plätze je 100
/// Kinder_u6" (the summed attribute by its label
/// when the codebook has one).
fn points_label_de(code: &str) -> Option<String> {
    if code == "count" {
        return Some("Anzahl".into());
    }
    let (value, per) = code.split_once(" per ")?;
    let value = if value == "count" {
        "Anzahl".to_string()
    } else {
        builtin_de(value).unwrap_or_else(|| value.to_string())
    };
    Some(format!("{value} je {per}"))
}

/// `inhabitants_…` columns of the open-data population tables.
fn open_data_label(code: &str) -> Option<String> {
    let (base, share) = match code.strip_suffix("_percentage") {
        Some(b) => (b, true),
        None => (code, false),
    };
    let rest = base.strip_prefix("inhabitants")?;
    let what = match rest {
        "" => "Einwohnerinnen und Einwohner".to_string(),
        "_female" => "Einwohnerinnen (weiblich)".to_string(),
        "_male" => "Einwohner (männlich)".to_string(),
        "_foreigners" => "Ausländerinnen und Ausländer".to_string(),
        "_germans" => "Deutsche".to_string(),
        "_with_migration_background" => "Einwohner/-innen mit Migrationshintergrund".to_string(),
        "_germans_with_migration_background" => "Deutsche mit Migrationshintergrund".to_string(),
        "_germans_without_migration_background" => {
            "Deutsche ohne Migrationshintergrund".to_string()
        }
        r => {
            let age = r.strip_prefix("_age_")?;
            let a = if let Some(x) = age.strip_prefix("below_") {
                format!("unter {x} Jahre")
            } else if let Some(x) = age.strip_prefix("above_") {
                format!("{x} Jahre und älter")
            } else {
                let (a, b) = age.split_once('_')?;
                let (a, b): (u32, u32) = (a.parse().ok()?, b.parse().ok()?);
                format!("{a} bis unter {b} Jahre")
            };
            format!("Einwohner/-innen {a}")
        }
    };
    Some(if share {
        format!("Anteil {what} in %")
    } else {
        what
    })
}

/// Where the labels come from.
#[derive(Debug, Clone, Default)]
pub struct Codebook {
    /// Use the built-in German labels.
    pub builtin: bool,
    /// From a user file, code → label.
    pub file: BTreeMap<String, String>,
    /// `--rename OLD=NEW`.
    pub rename: BTreeMap<String, String>,
}

impl Codebook {
    /// `--labels de` or `--labels FILE`, and `--rename` values.
    pub fn from_flags(labels: Option<&str>, rename: &[String]) -> Result<Codebook> {
        let mut cb = Codebook::default();
        match labels {
            None => {}
            Some("de") => cb.builtin = true,
            Some(path) => cb.file = read_codebook(Path::new(path))?,
        }
        for r in rename {
            let (a, b) = r
                .split_once('=')
                .map(|(a, b)| (a.trim(), b.trim()))
                .filter(|(a, b)| !a.is_empty() && !b.is_empty())
                .ok_or_else(|| {
                    usage_error(format!(
                        "--rename '{r}': write OLD=NEW, e.g. --rename 'E_E=Einwohner'"
                    ))
                })?;
            cb.rename.insert(a.to_string(), b.to_string());
        }
        Ok(cb)
    }

    pub fn is_empty(&self) -> bool {
        !self.builtin && self.file.is_empty() && self.rename.is_empty()
    }

    /// The headers of the identity fields: `--rename level=…`, `key=…`,
    /// `name=…`, else with `--labels de` "Ebene", "Schlüssel" and the unit
    /// of each level ("Bezirksregion"; "Name" in a long table).
    pub fn identity(&self) -> Identity {
        let mut id = Identity::default();
        if self.builtin {
            id.level = "Ebene".into();
            id.key = "Schlüssel".into();
            id.name = "Name".into();
            id.name_by_level = true;
        }
        for (field, header) in [
            ("level", &mut id.level),
            ("key", &mut id.key),
            ("name", &mut id.name),
        ] {
            if let Some(h) = self.rename.get(field) {
                *header = h.clone();
            }
        }
        if self.rename.contains_key("name") {
            id.name_by_level = false;
        }
        id
    }

    /// The header of column `code` (the code itself when no label is known).
    /// `--rename` of `level`, `key` or `name` renames the identity fields
    /// ([`Codebook::identity`]), not a column of that name.
    pub fn label(&self, code: &str) -> String {
        self.rename
            .get(code)
            .filter(|_| !IDENTITY_FIELDS.contains(&code))
            .or_else(|| self.file.get(code))
            .cloned()
            .or_else(|| self.builtin.then(|| builtin_de(code)).flatten())
            .unwrap_or_else(|| code.to_string())
    }

    /// Rename the columns of `tables`; returns each header's code (the
    /// name before), for a second header row. A `--rename` of a column that
    /// is not in the output, or two columns that get the same header, is an
    /// error.
    pub fn apply(&self, tables: &mut [LevelTable]) -> Result<HeaderCodes> {
        let codes: Vec<String> = tables
            .first()
            .map(|t| t.columns.clone())
            .unwrap_or_default();
        let labels = self.relabel(&codes)?;
        for t in tables.iter_mut() {
            t.columns = labels.clone();
        }
        Ok(labels.into_iter().zip(codes).collect())
    }

    /// The headers of the columns `codes`, in their order: a `--rename` of
    /// a column that is not among them, or two columns that get the same
    /// header, is an error.
    pub fn relabel(&self, codes: &[String]) -> Result<Vec<String>> {
        for old in self.rename.keys() {
            if !codes.contains(old) && !IDENTITY_FIELDS.contains(&old.as_str()) {
                return Err(usage_error(format!(
                    "--rename '{old}=…': no column '{old}' in the output; columns: {}",
                    crate::error::examples(
                        &IDENTITY_FIELDS
                            .iter()
                            .copied()
                            .chain(codes.iter().map(String::as_str))
                            .collect::<Vec<_>>(),
                        40
                    )
                )));
            }
        }
        let mut labels: Vec<String> = codes.iter().map(|c| self.label(c)).collect();
        // Two columns with the same label keep apart by their codes.
        for i in 0..labels.len() {
            let twice = labels[..i].contains(&labels[i]) || labels[i + 1..].contains(&labels[i]);
            if twice && codes[i] != labels[i] {
                labels[i] = format!("{} ({})", labels[i], codes[i]);
            }
        }
        for (i, l) in labels.iter().enumerate() {
            if let Some(j) = labels[..i].iter().position(|x| x == l) {
                return Err(usage_error(format!(
                    "columns '{}' and '{}' would both be headed '{l}'; give one of them another name with --rename",
                    codes[j], codes[i]
                )));
            }
        }
        Ok(labels)
    }
}

/// The code of each header of an output whose headers are labels (header →
/// code), for the second header row of XLSX.
pub type HeaderCodes = BTreeMap<String, String>;

/// Read a user codebook: CSV with code and label per line.
pub fn read_codebook(path: &Path) -> Result<BTreeMap<String, String>> {
    let name = path.display().to_string();
    if !path.exists() {
        return Err(input_error(format!(
            "{name}: file not found (--labels takes 'de' or a CSV file code;label)"
        )));
    }
    let bytes = crate::table::input::read_bytes(path)?;
    let text = String::from_utf8(
        bytes
            .strip_prefix(b"\xef\xbb\xbf")
            .unwrap_or(&bytes)
            .to_vec(),
    )
    .map_err(|_| input_error(format!("{name}: the codebook is not UTF-8 text")))?;
    let delimiter = crate::table::stats::csv::sniff_delimiter(&text);
    let mut r = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut map = BTreeMap::new();
    for (i, rec) in r.records().enumerate() {
        let rec = rec.map_err(|e| input_error(format!("{name}: {e}")))?;
        let line = i + 1;
        let code = rec.get(0).unwrap_or("").trim();
        let label = rec.get(1).unwrap_or("").trim();
        if code.is_empty() && label.is_empty() {
            continue;
        }
        if i == 0 && code.eq_ignore_ascii_case("code") {
            continue;
        }
        if code.is_empty() || label.is_empty() {
            return Err(input_error(format!(
                "{name}, line {line}: write code and label, separated by '{}'",
                delimiter as char
            )));
        }
        if map.insert(code.to_string(), label.to_string()).is_some() {
            return Err(input_error(format!(
                "{name}, line {line}: code '{code}' is labelled twice"
            )));
        }
    }
    Ok(map)
}

/// Is this column a part of the key or a place label (`BEZ`, `PGR`, `BZR`,
/// `PLR`, `STADTRAUM`, `RAUMID`, `district_id`, …), left out of XLSX by
/// default?
pub fn is_key_part_name(code: &str) -> bool {
    let l = code.trim().to_lowercase();
    crate::table::columns::key_part_level(&l).is_some() || l == "stadtraum" || l.ends_with("_id")
}

/// The identity fields every output row has (their headers unless
/// renamed, see [`Identity`]).
pub const IDENTITY_FIELDS: &[&str] = &["level", "key", "name"];

/// The headers of the identity fields: `level`, `key`, `name` unless
/// `--rename key=Schlüssel` or `--labels de` (`Ebene`, `Schlüssel`, and in
/// a workbook sheet the unit's word, `Bezirksregion`) say otherwise.
#[derive(Debug, Clone, PartialEq)]
pub struct Identity {
    pub level: String,
    pub key: String,
    pub name: String,
    /// A sheet of one level heads the names by the level's unit
    /// (`Planungsraum`, `Bezirksregion`, …) instead of `name`.
    pub name_by_level: bool,
}

impl Default for Identity {
    fn default() -> Self {
        Identity {
            level: "level".into(),
            key: "key".into(),
            name: "name".into(),
            name_by_level: false,
        }
    }
}

impl Identity {
    /// The three headers of a long table (all levels in one).
    pub(crate) fn long(&self) -> [&str; 3] {
        [&self.level, &self.key, &self.name]
    }

    /// Key and name headers of a table of one level.
    pub(crate) fn of_level(&self, level: &str) -> [String; 2] {
        let name = match (self.name_by_level, unit_word(level)) {
            (true, Some(w)) => w.to_string(),
            _ => self.name.clone(),
        };
        [self.key.clone(), name]
    }
}

/// The German word of one unit of a level (`Bezirksregion`), the header of
/// its names.
pub(crate) fn unit_word(level: &str) -> Option<&'static str> {
    Some(match level {
        "plr" => "Planungsraum",
        "bzr" => "Bezirksregion",
        "pgr" => "Prognoseraum",
        "bez" => "Bezirk",
        "berlin" => "Land",
        "sozialraum" => "Sozialraum",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_labels() {
        assert_eq!(
            builtin_de("E_E").unwrap(),
            "Einwohnerinnen und Einwohner insgesamt"
        );
        assert_eq!(
            builtin_de("E_EU1").unwrap(),
            "Einwohnerinnen und Einwohner, Altersgruppe unter 1 Jahr"
        );
        assert_eq!(
            builtin_de("E_E1U6").unwrap(),
            "Einwohnerinnen und Einwohner, Altersgruppe 1 bis unter 6 Jahre"
        );
        assert_eq!(
            builtin_de("E_E00_01").unwrap(),
            "Einwohnerinnen und Einwohner 0 bis unter 1 Jahr"
        );
        assert_eq!(
            builtin_de("K01").unwrap(),
            "Kontextindikator K01 (MSS, in %)"
        );
        assert_eq!(
            builtin_de("inhabitants_age_6_15_percentage").unwrap(),
            "Anteil Einwohner/-innen 6 bis unter 15 Jahre in %"
        );
        assert_eq!(builtin_de("Kinder_u6"), None);
        assert_eq!(builtin_de("e_platz").unwrap(), "Genehmigte Plätze");
        let codes = |c: &[&str]| c.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            age_range_de(&codes(&["E_E80U110", "E_E65U80"])).unwrap(),
            "65 Jahre und älter"
        );
        assert_eq!(
            age_range_de(&codes(&["E_EU1", "E_E1U6"])).unwrap(),
            "unter 6 Jahre"
        );
        assert_eq!(
            age_range_de(&codes(&["E_E18U25", "E_E25U55", "E_E55U65"])).unwrap(),
            "18 bis unter 65 Jahre"
        );
        assert_eq!(age_range_de(&codes(&["E_EU1"])).unwrap(), "unter 1 Jahr");
        // A gap, an overlap, a column that is no age.
        assert_eq!(age_range_de(&codes(&["E_EU1", "E_E6U15"])), None);
        assert_eq!(age_range_de(&codes(&["E_E1U6", "E_E00_01", "E_EU1"])), None);
        assert_eq!(age_range_de(&codes(&["E_EU1", "E_EW"])), None);
    }
}
