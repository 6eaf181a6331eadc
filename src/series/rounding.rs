//! `--round` and `--decimals` of a series: every date rounded as
//! `lor aggregate` rounds its levels, so that at each date the units of a
//! level add up to their rounded parent (the Sozialräume, with the row of
//! the people in no Sozialraum, to the city or the Bezirk).
//!
//! The changes are then taken of the rounded values: the change shown is
//! the difference of the numbers shown.

use crate::aggregation::rounding::round_tables;
use crate::series::build::Series;
use crate::table::level::LevelTable;

impl Series {
    /// Round the counts of every date to `round` decimals (totals kept,
    /// largest remainder within each parent unit), shares, ratios and
    /// means to `decimals` decimals; `None` leaves them as they are.
    pub fn round(&mut self, round: Option<u32>, decimals: Option<u32>) {
        if round.is_none() && decimals.is_none() {
            return;
        }
        for d in 0..self.dates.len() {
            // The levels at date d: the units that have a row then.
            let present: Vec<Vec<usize>> = self
                .levels
                .iter()
                .map(|ls| {
                    (0..ls.units.len())
                        .filter(|&u| ls.values[u][d].is_some())
                        .collect()
                })
                .collect();
            let mut tables: Vec<LevelTable> = self
                .levels
                .iter()
                .zip(&present)
                .map(|(ls, units)| LevelTable {
                    level: ls.level.clone(),
                    keys: units.iter().map(|&u| ls.units[u].0.clone()).collect(),
                    names: units.iter().map(|&u| ls.units[u].1.clone()).collect(),
                    columns: self.columns.clone(),
                    rows: units
                        .iter()
                        .filter_map(|&u| ls.values[u][d].clone())
                        .collect(),
                })
                .collect();
            round_tables(&mut tables, &self.rules, round, decimals);
            for ((ls, units), t) in self.levels.iter_mut().zip(&present).zip(tables) {
                for (&u, row) in units.iter().zip(t.rows) {
                    ls.values[u][d] = Some(row);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::aggregation::rules::RuleFlags;
    use crate::series::build::build;
    use crate::series::changes::{change_columns, Against, Changes};
    use crate::series::fixtures::{bzr_plan, dated};
    use crate::table::key::Level;
    use crate::table::level::LevelTable;

    /// Two BZR of one PGR with fractions (as a crosswalk by area makes
    /// them): at each date the BZR add up to the rounded PGR, the share is
    /// rounded on its own, and the changes are the differences of the
    /// rounded values, so they add up too.
    #[test]
    fn every_date_adds_up_and_changes_are_of_the_shown_values() {
        let d = dated(&[
            (
                2023,
                6,
                "RAUMID;E_E;Q\n13101101;10.4;10\n13101102;20.4;20\n13102101;5.4;33.333\n",
            ),
            (
                2023,
                12,
                "RAUMID;E_E;Q\n13101101;10.6;10\n13101102;20.6;20\n13102101;5.6;40\n",
            ),
        ]);
        let mut plan = bzr_plan(RuleFlags {
            sum: vec!["E_E".into()],
            weighted: vec!["Q=E_E".into()],
            ..Default::default()
        });
        plan.levels = vec![Level::Bzr, Level::Pgr];
        let (mut s, _) = build(&d, &plan).unwrap();
        s.round(Some(0), Some(1));
        let ch = Changes {
            against: vec![Against::Previous],
            columns: change_columns(&s, &["E_E".into(), "Q".into()]).unwrap(),
            round: Some(0),
            decimals: Some(1),
        };
        let t = s.long(&ch, false);
        let (bzr, pgr) = (&t[0], &t[1]);
        let n = |t: &LevelTable, r: usize, c: &str| t.rows[r][t.column_index(c).unwrap()].num();
        assert_eq!(bzr.keys, ["131011", "131011", "131021", "131021"]);
        assert_eq!(pgr.keys, ["1310", "1310"]);
        // PGR 36.2 → 36, 36.8 → 37 (each on its own).
        assert_eq!(
            (n(pgr, 0, "E_E"), n(pgr, 1, "E_E")),
            (Some(36.0), Some(37.0))
        );
        // BZR 30.8 + 5.4 within 36: 31 + 5; 31.2 + 5.6 within 37: 31 + 6.
        let e: Vec<_> = (0..4).map(|r| n(bzr, r, "E_E").unwrap()).collect();
        assert_eq!(e, [31.0, 31.0, 5.0, 6.0]);
        // The changes of the numbers shown (not 0.4, 0.2, 0.6), adding up.
        assert_eq!(n(bzr, 1, "E_E change previous"), Some(0.0));
        assert_eq!(n(bzr, 3, "E_E change previous"), Some(1.0));
        assert_eq!(n(pgr, 1, "E_E change previous"), Some(1.0));
        assert_eq!(n(bzr, 3, "E_E change previous %"), Some(20.0));
        // 1 / 36 = 2.777… %.
        assert_eq!(n(pgr, 1, "E_E change previous %"), Some(2.8));
        assert_eq!(n(bzr, 0, "E_E change previous"), None);
        // Q: 512 / 30.8 = 16.62 → 16.6; 33.333 → 33.3 and 40; the PGR
        // (512 + 180.0) / 36.2 = 19.12 → 19.1, 742 / 36.8 = 20.16 → 20.2.
        assert_eq!(n(bzr, 0, "Q"), Some(16.6));
        assert_eq!(n(bzr, 2, "Q"), Some(33.3));
        assert_eq!(n(bzr, 3, "Q change previous pp"), Some(6.7));
        assert_eq!((n(pgr, 0, "Q"), n(pgr, 1, "Q")), (Some(19.1), Some(20.2)));
        assert_eq!(n(pgr, 1, "Q change previous pp"), Some(1.1));
    }

    /// Without --round and --decimals nothing changes.
    #[test]
    fn no_flags_no_rounding() {
        let d = dated(&[(2023, 6, "RAUMID;E_E\n13101101;10.4\n13101102;20.4\n")]);
        let plan = bzr_plan(RuleFlags {
            sum: vec!["E_E".into()],
            ..Default::default()
        });
        let (mut s, _) = build(&d, &plan).unwrap();
        let before = s.clone();
        s.round(None, None);
        assert_eq!(s, before);
        s.round(Some(0), None);
        let t = &s.long(&Changes::default(), false)[0];
        // 30.8 → 31 at the top level.
        assert_eq!(t.rows[0][t.column_index("E_E").unwrap()].num(), Some(31.0));
    }
}
