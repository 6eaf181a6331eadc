//! Reports: where two boundary systems disagree (`lor mismatch`).
//!
//! The report reads the classified overlay of layer A (e.g. LOR PLR) on
//! layer B (e.g. Sozialräume): per unit of A the units of B it falls into,
//! rolled up to the LOR levels of A; per unit of B the units of A that
//! compose it; and, with statistics, the people in the split parts.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::spatial::overlay::{PartClass, Tolerance, UnitParts, UnitStatus};
use crate::table::key::Level;
use crate::text::Lang;

/// One level of the report (the units of A, or a roll-up to BZR/PGR).
#[derive(Debug, Clone)]
pub struct LevelReport {
    /// `plr`, `bzr`, `pgr`, … or `unit` for layers without LOR keys.
    pub level: String,
    pub title: &'static str,
    pub units: Vec<UnitParts>,
    /// People per unit and target (`None` = outside every target), when
    /// statistics were given.
    pub people: BTreeMap<String, BTreeMap<Option<String>, f64>>,
}

impl LevelReport {
    pub fn split(&self) -> impl Iterator<Item = &UnitParts> {
        self.units.iter().filter(|u| u.status == UnitStatus::Split)
    }

    /// People of unit `key` in target `t`.
    pub fn people_in(&self, key: &str, t: &Option<String>) -> Option<f64> {
        self.people
            .get(key)
            .map(|m| m.get(t).copied().unwrap_or(0.0))
    }

    pub fn people_total(&self, key: &str) -> Option<f64> {
        self.people.get(key).map(|m| m.values().sum())
    }

    /// People in the split units, all their parts (slivers too).
    pub fn people_in_split_units(&self) -> Option<f64> {
        if self.people.is_empty() {
            return None;
        }
        Some(self.split().filter_map(|u| self.people_total(&u.key)).sum())
    }

    /// People in the real parts of split units other than each unit's
    /// largest part (the minority parts).
    pub fn people_in_split_parts(&self) -> Option<f64> {
        if self.people.is_empty() {
            return None;
        }
        Some(
            self.split()
                .map(|u| {
                    u.parts
                        .iter()
                        .filter(|p| p.class != PartClass::Noise)
                        .skip(1)
                        .filter_map(|p| self.people_in(&u.key, &p.target))
                        .sum::<f64>()
                })
                .sum(),
        )
    }

    /// What the summary line of this level states.
    pub fn counts(&self) -> LevelCounts {
        let status = |s: UnitStatus| self.units.iter().filter(move |u| u.status == s);
        LevelCounts {
            units: self.units.len(),
            split: status(UnitStatus::Split).count(),
            inside: status(UnitStatus::Inside).count(),
            inside_with_noise: status(UnitStatus::Inside)
                .filter(|u| u.parts.iter().any(|p| p.class == PartClass::Noise))
                .count(),
            outside: status(UnitStatus::Outside).count(),
            people_in_split_units: self.people_in_split_units(),
            people_in_minority_parts: self.people_in_split_parts(),
        }
    }
}

/// The numbers of one level of the report, as its summary line states them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LevelCounts {
    pub units: usize,
    /// Units with two or more real parts.
    pub split: usize,
    /// Units whose area, but for slivers of noise, lies in one unit of B.
    pub inside: usize,
    /// Of those, the units that have such slivers (in other units of B or
    /// outside every one); the rest lie in one unit of B entirely.
    pub inside_with_noise: usize,
    /// Units with no real part in any unit of B.
    pub outside: usize,
    /// People in the split units, and in their parts other than each
    /// unit's largest (`None` without statistics).
    pub people_in_split_units: Option<f64>,
    pub people_in_minority_parts: Option<f64>,
}

/// How the people of a unit of A are shared among its parts: the
/// statistics count whole units, so people per part are estimates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartPeople {
    /// By each part's share of the unit's area (B as polygons).
    AreaShare,
    /// By the weights of the list (B as a list "unit → unit of B").
    ListWeights,
}

/// The whole mismatch report.
#[derive(Debug, Clone)]
pub struct Mismatch {
    pub a_source: String,
    pub b_source: String,
    pub tolerance: Tolerance,
    /// Finest first.
    pub levels: Vec<LevelReport>,
    /// Units of B: key → (name, area).
    pub b_units: BTreeMap<String, (String, f64)>,
    pub people_column: Option<String>,
    /// How people per part were estimated.
    pub part_people: PartPeople,
    /// What the units of B are, in German words: "Prognoseräume" when
    /// their keys are LOR keys of one level, else "Sozialräume".
    pub b_title: &'static str,
}

/// What the units of B are: the German plural of their LOR level when
/// every key is a LOR key of one level (a layer of PGR: "Prognoseräume"),
/// else "Sozialräume".
fn b_title<'a>(keys: impl IntoIterator<Item = &'a str>) -> &'static str {
    let mut level = None;
    for k in keys {
        let l = Level::from_digits(k.len()).filter(|_| k.bytes().all(|b| b.is_ascii_digit()));
        match (level, l) {
            (_, None) => return "Sozialräume",
            (Some(x), Some(y)) if x != y => return "Sozialräume",
            _ => level = l,
        }
    }
    level.map_or("Sozialräume", Level::german_plural)
}

/// The dative plural of a German plural ("von 58 Planungsräumen").
fn dative(plural: &str) -> String {
    if plural.ends_with('e') {
        format!("{plural}n")
    } else {
        plural.to_string()
    }
}

fn title(level: Option<Level>) -> &'static str {
    match level {
        Some(Level::Plr) => "Planungsräume",
        Some(Level::Bzr) => "Bezirksregionen",
        Some(Level::Pgr) => "Prognoseräume",
        Some(Level::Bezirk) => "Bezirke",
        Some(Level::Berlin) => "Berlin",
        None => "units",
    }
}

/// What a mismatch report is built from.
pub struct MismatchInput<'a> {
    /// The names of the two layers, for the report.
    pub a_source: &'a str,
    pub b_source: &'a str,
    /// The classified units of A.
    pub units: Vec<UnitParts>,
    /// The LOR level of A's units, if they have LOR keys.
    pub a_level: Option<Level>,
    /// Coarser LOR levels to roll A's units up to.
    pub rollups: &'a [Level],
    /// The name of a unit of A or of a roll-up unit.
    pub name_of: &'a dyn Fn(&str) -> String,
    /// The units of B: (name, area in m²) by key.
    pub b_units: BTreeMap<String, (String, f64)>,
    /// People per unit of A: (column, value by key).
    pub people: Option<(&'a str, &'a BTreeMap<String, f64>)>,
    /// How people are shared among the parts of a unit (the parts' area
    /// shares are the list's weights when B is a list).
    pub part_people: PartPeople,
    pub tol: Tolerance,
}

impl Mismatch {
    /// Build the report from the classified units of A. `people` are the
    /// values per unit of A (e.g. `E_E` per PLR); they are apportioned to
    /// parts by their shares (of the area, or the list's weights).
    pub fn new(input: MismatchInput<'_>) -> Mismatch {
        let MismatchInput {
            a_source,
            b_source,
            units,
            a_level,
            rollups,
            name_of,
            b_units,
            people,
            part_people,
            tol,
        } = input;
        // People of each A unit by target, apportioned by area share.
        let mut base_people: BTreeMap<String, BTreeMap<Option<String>, f64>> = BTreeMap::new();
        if let Some((_, values)) = people {
            for u in &units {
                if let Some(v) = values.get(&u.key) {
                    let m = base_people.entry(u.key.clone()).or_default();
                    for p in &u.parts {
                        *m.entry(p.target.clone()).or_default() += v * p.share;
                    }
                }
            }
        }
        let mut levels = vec![LevelReport {
            level: a_level
                .map(|l| l.code().to_string())
                .unwrap_or_else(|| "unit".into()),
            title: title(a_level),
            units: units.clone(),
            people: base_people.clone(),
        }];
        if let Some(al) = a_level {
            for &l in rollups.iter().filter(|l| **l > al && **l != Level::Berlin) {
                let rolled = crate::spatial::overlay::roll_up(&units, l, name_of, &tol);
                let mut ppl: BTreeMap<String, BTreeMap<Option<String>, f64>> = BTreeMap::new();
                for (k, m) in &base_people {
                    let e = ppl.entry(l.parent_of(k).to_string()).or_default();
                    for (t, v) in m {
                        *e.entry(t.clone()).or_default() += v;
                    }
                }
                levels.push(LevelReport {
                    level: l.code().to_string(),
                    title: title(Some(l)),
                    units: rolled,
                    people: ppl,
                });
            }
        }
        let b_title = b_title(b_units.keys().map(String::as_str));
        Mismatch {
            a_source: a_source.to_string(),
            b_source: b_source.to_string(),
            b_title,
            tolerance: tol,
            levels,
            b_units,
            people_column: people.map(|(c, _)| c.to_string()),
            part_people,
        }
    }

    pub fn any_split(&self) -> bool {
        self.levels.iter().any(|l| l.split().next().is_some())
    }

    pub(crate) fn b_name(&self, t: &Option<String>, lang: Lang) -> String {
        match t {
            None => lang
                .pick("(außerhalb aller Einheiten)", "(outside every unit)")
                .into(),
            Some(k) => match self.b_units.get(k) {
                Some((n, _)) if !n.is_empty() => format!("{k} {n}"),
                _ => k.clone(),
            },
        }
    }

    /// One line per level a planner can quote, in `lang`: the units split,
    /// the units inside one unit of B (and how many of those only up to
    /// slivers of noise), the people in the split units and in their
    /// smaller parts, the units outside every unit of B. A last line says
    /// how people per part are estimated, when the lines name any. Units
    /// and people are named in words (Planungsräume, Prognoseräume,
    /// Einwohnerinnen und Einwohner), never by file or column code.
    pub fn summary(&self, lang: Lang) -> Vec<String> {
        let mut lines: Vec<String> = self
            .levels
            .iter()
            .map(|l| self.summary_line(l.title, &l.counts(), lang))
            .collect();
        if let Some(note) = self.estimate_note(lang) {
            lines.push(note);
        }
        lines
    }

    /// The people counted, in words: "Einwohnerinnen und Einwohner"
    /// ("inhabitants") for a column that counts people (`E_E`,
    /// `inhabitants`, `EW`, …), else the column's name.
    pub fn people_words(&self, lang: Lang) -> Option<String> {
        let col = self.people_column.as_deref()?;
        Some(if crate::table::population::PEOPLE_COLUMNS.contains(&col) {
            lang.pick("Einwohnerinnen und Einwohner", "inhabitants")
                .to_string()
        } else {
            col.to_string()
        })
    }

    fn summary_line(&self, title: &str, c: &LevelCounts, lang: Lang) -> String {
        let n = |v: usize| lang.int(v as f64);
        let b = self.b_title;
        let people = self.people_words(lang);
        let people = people
            .as_deref()
            .filter(|_| c.split > 0)
            .zip(c.people_in_split_units.zip(c.people_in_minority_parts));
        match lang {
            Lang::De => {
                let ist = if c.split == 1 { "ist" } else { "sind" };
                let mut line = format!(
                    "{} von {} {} {ist} auf mehrere {b} verteilt; {} {} in genau {} der {b}",
                    n(c.split),
                    n(c.units),
                    dative(title),
                    n(c.inside),
                    if c.inside == 1 { "liegt" } else { "liegen" },
                    if b.ends_with("regionen") {
                        "einer"
                    } else {
                        "einem"
                    },
                );
                if c.inside_with_noise > 0 {
                    let _ = write!(
                        line,
                        " ({} davon bis auf Splitter aus Digitalisierungsungenauigkeit)",
                        n(c.inside_with_noise)
                    );
                }
                if let Some((words, (all, minority))) = people {
                    let _ = write!(
                        line,
                        "; {} {words} leben in den verteilten {}, {} davon in deren kleineren Teilen",
                        lang.int(all),
                        dative(title),
                        lang.int(minority)
                    );
                }
                if c.outside > 0 {
                    let _ = write!(line, "; {} außerhalb aller {b}", n(c.outside));
                }
                line
            }
            Lang::En => {
                let verb = |k: usize, one: &str, more: &str| -> String {
                    if k == 1 { one } else { more }.to_string()
                };
                let mut line = format!(
                    "{} of {} {title} {} split between the {b}; {} {} inside one of them",
                    n(c.split),
                    n(c.units),
                    verb(c.split, "is", "are"),
                    n(c.inside),
                    verb(c.inside, "lies", "lie"),
                );
                if c.inside_with_noise > 0 {
                    let _ = write!(
                        line,
                        " ({} of them with slivers of digitising noise outside it)",
                        n(c.inside_with_noise)
                    );
                }
                if let Some((words, (all, minority))) = people {
                    let _ = write!(
                        line,
                        "; {} {words} live in the split ones, {} of these in their smaller parts",
                        lang.int(all),
                        lang.int(minority)
                    );
                }
                if c.outside > 0 {
                    let _ = write!(line, "; {} outside every one of the {b}", n(c.outside));
                }
                line
            }
        }
    }

    /// "Einwohnerinnen und Einwohner je Teil … sind geschätzt …" when the
    /// summary names people in parts of split units.
    fn estimate_note(&self, lang: Lang) -> Option<String> {
        let words = self.people_words(lang)?;
        if !self.any_split() {
            return None;
        }
        let a = self.levels[0].title;
        Some(match (lang, self.part_people) {
            (Lang::De, PartPeople::AreaShare) => format!(
                "{words} je Teil verteilter {a} sind nach dem Flächenanteil des Teils geschätzt (die Statistik zählt ganze {a})"
            ),
            (Lang::De, PartPeople::ListWeights) => format!(
                "{words} je Teil verteilter {a} sind nach den Gewichten der Liste geschätzt (die Statistik zählt ganze {a})"
            ),
            (Lang::En, how) => format!(
                "{words} per part of a split unit are estimated from {} (the statistics count whole units)",
                match how {
                    PartPeople::AreaShare => "each part's share of the unit's area",
                    PartPeople::ListWeights => "the weights of the list",
                }
            ),
        })
    }

    /// People as a suffix for a text line: ", 1.234 E_E" (`format`
    /// places value and column), nothing without statistics.
    pub(crate) fn people_text(
        &self,
        people: Option<f64>,
        lang: Lang,
        format: fn(&str, &str) -> String,
    ) -> String {
        let words = self.people_words(lang).unwrap_or_default();
        people
            .map(|p| format(&lang.int(p), &words))
            .unwrap_or_default()
    }

    /// One row per unit and part, at every level.
    pub fn rows(&self) -> Vec<MismatchRow> {
        let mut rows = Vec::new();
        for l in &self.levels {
            for u in &l.units {
                for p in &u.parts {
                    rows.push(MismatchRow {
                        level: l.level.clone(),
                        key: u.key.clone(),
                        name: u.name.clone(),
                        status: u.status.label(),
                        area_m2: u.area,
                        target: p.target.clone().unwrap_or_default(),
                        target_name: p
                            .target
                            .as_ref()
                            .and_then(|t| self.b_units.get(t))
                            .map(|x| x.0.clone())
                            .unwrap_or_default(),
                        part_m2: p.area,
                        share: p.share,
                        class: p.class.label(),
                        people: l.people_in(&u.key, &p.target),
                    });
                }
            }
        }
        rows
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct MismatchRow {
    pub level: String,
    pub key: String,
    pub name: String,
    pub status: &'static str,
    pub area_m2: f64,
    pub target: String,
    pub target_name: String,
    pub part_m2: f64,
    pub share: f64,
    pub class: &'static str,
    pub people: Option<f64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_separators() {
        assert_eq!(crate::text::thousands(12345.4), "12,345");
        assert_eq!(crate::text::thousands(999.0), "999");
        assert_eq!(crate::text::thousands(3769962.0), "3,769,962");
        assert_eq!(crate::text::thousands(-1000.0), "-1,000");
    }

    /// Three PLR against a list: one split 70/30, one inside S1 with a
    /// sliver in S2, one with no part in any unit; people per part from
    /// the list's weights.
    #[test]
    fn summary_states_split_inside_noise_outside_and_the_estimate() {
        let tol = Tolerance::default();
        let unit = |key: &str, pieces: Vec<(Option<&str>, f64)>| {
            let pieces = pieces
                .into_iter()
                .map(|(t, a)| (t.map(String::from), a))
                .collect();
            UnitParts::new(key.into(), String::new(), 100_000.0, pieces, &tol)
        };
        let units = vec![
            unit(
                "04010101",
                vec![(Some("S1"), 70_000.0), (Some("S2"), 30_000.0)],
            ),
            unit(
                "04010102",
                vec![(Some("S1"), 99_900.0), (Some("S2"), 100.0)],
            ),
            unit("04010103", vec![]),
        ];
        let people: BTreeMap<String, f64> = [
            ("04010101".to_string(), 1_000.0),
            ("04010102".to_string(), 500.0),
            ("04010103".to_string(), 20.0),
        ]
        .into();
        let build = |people: Option<(&str, &BTreeMap<String, f64>)>| {
            Mismatch::new(MismatchInput {
                a_source: "plr.geojson",
                b_source: "dir/list.csv",
                units: units.clone(),
                a_level: Some(Level::Plr),
                rollups: &[],
                name_of: &|_| String::new(),
                b_units: BTreeMap::new(),
                people,
                part_people: PartPeople::ListWeights,
                tol,
            })
        };
        let m = build(Some(("E_E", &people)));
        let c = m.levels[0].counts();
        assert_eq!(
            (c.units, c.split, c.inside, c.inside_with_noise, c.outside),
            (3, 1, 1, 1, 1)
        );
        assert_eq!(c.people_in_split_units, Some(1_000.0));
        assert_eq!(c.people_in_minority_parts, Some(300.0));
        assert_eq!(
            m.summary(Lang::De),
            [
                "1 von 3 Planungsräumen ist auf mehrere Sozialräume verteilt; 1 liegt in genau einem der Sozialräume (1 davon bis auf Splitter aus Digitalisierungsungenauigkeit); 1.000 Einwohnerinnen und Einwohner leben in den verteilten Planungsräumen, 300 davon in deren kleineren Teilen; 1 außerhalb aller Sozialräume",
                "Einwohnerinnen und Einwohner je Teil verteilter Planungsräume sind nach den Gewichten der Liste geschätzt (die Statistik zählt ganze Planungsräume)",
            ]
        );
        assert_eq!(
            m.summary(Lang::En),
            [
                "1 of 3 Planungsräume is split between the Sozialräume; 1 lies inside one of them (1 of them with slivers of digitising noise outside it); 1,000 inhabitants live in the split ones, 300 of these in their smaller parts; 1 outside every one of the Sozialräume",
                "inhabitants per part of a split unit are estimated from the weights of the list (the statistics count whole units)",
            ]
        );
        // Without statistics no people and no estimate.
        let m = build(None);
        assert_eq!(
            m.summary(Lang::De),
            ["1 von 3 Planungsräumen ist auf mehrere Sozialräume verteilt; 1 liegt in genau einem der Sozialräume (1 davon bis auf Splitter aus Digitalisierungsungenauigkeit); 1 außerhalb aller Sozialräume"]
        );
        // A column that does not count people is named as it is.
        let m = build(Some(("Kinder", &people)));
        assert!(m.summary(Lang::De)[0].contains("; 1.000 Kinder leben in den verteilten"));
        assert_eq!(b_title(["0401", "0402"]), "Prognoseräume");
        assert_eq!(b_title(["SR1", "0402"]), "Sozialräume");
    }
}
