//! Which LOR vintage a set of keys has, judged by the built-in catalogues,
//! and the refusal to join keys of one vintage to units of the other.
//!
//! Every statistics file since 2021 has LOR 2021 keys, and the bundled PLR
//! polygons are LOR 2006: joined, almost no key matches and everybody would
//! end up unassigned. Keys are counted against both catalogues (keys of PGR
//! level or finer; Bezirk keys are the same in both); a key known to only
//! one vintage speaks for it. Keys no catalogue knows (the invented sample
//! district) decide nothing.

use anyhow::Result;

use crate::error::input_error;
use crate::table::catalogue;
use crate::table::key::Vintage;

/// A share of keys of the minority vintage, at or above which a file is
/// mixed rather than one vintage with a few stray keys.
const MIXED_SHARE: f64 = 0.1;

/// The keys of one input, counted against both catalogues.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyVintage {
    /// What the keys are, for messages: `"st.csv"`, `"the units layer plr.geojson"`.
    pub what: String,
    /// Keys of PGR level or finer.
    pub total: usize,
    /// Keys in the LOR 2006 catalogue only.
    pub only_2006: usize,
    /// Keys in the LOR 2021 catalogue only.
    pub only_2021: usize,
    /// Keys in both catalogues (the same key, two areas).
    pub both: usize,
}

impl KeyVintage {
    /// Count `keys` (of any level; Bezirk keys are left out).
    pub fn of<'a>(what: impl Into<String>, keys: impl IntoIterator<Item = &'a str>) -> KeyVintage {
        let c06 = &catalogue::get(Vintage::Lor2006).keys;
        let c21 = &catalogue::get(Vintage::Lor2021).keys;
        let mut k = KeyVintage {
            what: what.into(),
            total: 0,
            only_2006: 0,
            only_2021: 0,
            both: 0,
        };
        for key in keys.into_iter().filter(|k| k.len() >= 4) {
            k.total += 1;
            match (c06.contains(key), c21.contains(key)) {
                (true, true) => k.both += 1,
                (true, false) => k.only_2006 += 1,
                (false, true) => k.only_2021 += 1,
                (false, false) => {}
            }
        }
        k
    }

    /// Keys of `vintage` (its own and those in both catalogues).
    pub fn of_vintage(&self, vintage: Vintage) -> usize {
        self.both
            + match vintage {
                Vintage::Lor2006 => self.only_2006,
                Vintage::Lor2021 => self.only_2021,
            }
    }

    /// The vintage of the keys: `None` when no key is known to one vintage
    /// only; an error (exit 1) when both vintages have a real share.
    pub fn vintage(&self) -> Result<Option<Vintage>> {
        let (a, b) = (self.only_2006, self.only_2021);
        let minority = a.min(b) as f64;
        if minority > 0.0 && minority >= MIXED_SHARE * (a + b) as f64 {
            return Err(input_error(format!(
                "{} mixes both LOR vintages: {} keys are LOR 2006 keys only and {} LOR 2021 keys only (of {} keys); a file has the keys of one vintage — split it, or translate the LOR 2006 rows with `lor translate`",
                self.what,
                a,
                b,
                self.total
            )));
        }
        Ok(match a.cmp(&b) {
            std::cmp::Ordering::Greater => Some(Vintage::Lor2006),
            std::cmp::Ordering::Less => Some(Vintage::Lor2021),
            std::cmp::Ordering::Equal => None,
        })
    }

    /// How the keys fall, for messages: "53 of 53 keys are LOR 2021 keys, 0 LOR 2006 keys".
    fn counts(&self, v: Vintage) -> String {
        let other = v.other();
        format!(
            "{} of {} keys are {} keys, {} {} keys",
            self.of_vintage(v),
            self.total,
            v.label(),
            self.of_vintage(other),
            other.label()
        )
    }
}

/// Refuse (exit 1) to join `keys` (statistics, a names table, a list) to
/// `units` (a layer, a names table) of the other LOR vintage; `kind` says
/// what to give instead ("PLR polygons", "a names table"), of the keys'
/// vintage. Inputs whose vintage no catalogue decides pass.
pub fn check_join(keys: &KeyVintage, units: &KeyVintage, kind: &str) -> Result<()> {
    let (Some(a), Some(b)) = (keys.vintage()?, units.vintage()?) else {
        return Ok(());
    };
    if a == b {
        return Ok(());
    }
    Err(input_error(format!(
        "{} has {} keys ({}), but {} has {} keys ({}): the keys of one LOR vintage do not name the areas of the other. Give {} of {}, or first translate the statistics into {} with `lor translate`",
        keys.what,
        a.label(),
        keys.counts(a),
        units.what,
        b.label(),
        units.counts(b),
        kind,
        a.label(),
        b.label()
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plr(v: Vintage) -> Vec<&'static str> {
        catalogue::get(v).plr().collect()
    }

    #[test]
    fn the_catalogues_decide_the_vintage_of_keys() {
        let k = KeyVintage::of("a", plr(Vintage::Lor2021));
        assert_eq!(k.total, 542);
        assert_eq!(k.vintage().unwrap(), Some(Vintage::Lor2021));
        let k = KeyVintage::of("b", plr(Vintage::Lor2006));
        assert_eq!(k.vintage().unwrap(), Some(Vintage::Lor2006));
        // Keys no catalogue knows (the sample district) decide nothing.
        let k = KeyVintage::of("c", ["13100101", "13100102", "13"]);
        assert_eq!((k.total, k.vintage().unwrap()), (2, None));
    }

    #[test]
    fn a_few_stray_keys_are_no_mix_but_two_files_in_one_are() {
        let mut keys = plr(Vintage::Lor2021);
        keys.extend(plr(Vintage::Lor2006).into_iter().take(3));
        let k = KeyVintage::of("st.csv", keys.iter().copied());
        assert_eq!(k.vintage().unwrap(), Some(Vintage::Lor2021));
        keys.extend(plr(Vintage::Lor2006));
        let e = KeyVintage::of("st.csv", keys).vintage().unwrap_err();
        assert_eq!(crate::error::exit_code_of(&e), 1);
        assert!(
            e.to_string().contains("st.csv mixes both LOR vintages"),
            "{e}"
        );
    }

    #[test]
    fn keys_of_one_vintage_against_units_of_the_other_are_an_error() {
        let stats = KeyVintage::of(
            "mss.csv",
            plr(Vintage::Lor2021)
                .into_iter()
                .filter(|k| k.starts_with("04")),
        );
        let layer = KeyVintage::of("the units layer lor2006:plr", plr(Vintage::Lor2006));
        let e = check_join(&stats, &layer, "PLR polygons").unwrap_err();
        assert_eq!(crate::error::exit_code_of(&e), 1);
        let m = e.to_string();
        assert!(
            m.starts_with("mss.csv has LOR 2021 keys (53 of 53 keys are LOR 2021 keys, 0 LOR 2006 keys), but the units layer lor2006:plr has LOR 2006 keys ("),
            "{m}"
        );
        assert!(
            m.ends_with("Give PLR polygons of LOR 2021, or first translate the statistics into LOR 2006 with `lor translate`"),
            "{m}"
        );
        let same = KeyVintage::of("the units layer", plr(Vintage::Lor2021));
        assert!(check_join(&stats, &same, "PLR polygons").is_ok());
    }
}
