//! Series: statistics of many dates, each aggregated with the same rules,
//! in one table per level with the date as a column; optionally all in one
//! LOR vintage (dates of the other vintage translated through a crosswalk)
//! and with the change against the previous date and the year before.
//!
//! One module per step: the dates of the files ([`dates`]), the input files
//! read ([`input`]), the translation across vintages ([`translate`]), the
//! Sozialräume ([`sozialraum`]), the series built ([`build`]), rounded
//! ([`rounding`]), its changes ([`changes`]) and its tables ([`tables`]).

pub mod build;
pub mod changes;
pub mod dates;
pub mod input;
pub mod rounding;
pub mod sozialraum;
pub mod tables;
pub mod translate;

/// Fixtures the tests of the series' files share.
#[cfg(test)]
mod fixtures {
    use crate::aggregation::aggregate::MissingPolicy;
    use crate::aggregation::rules::RuleFlags;
    use crate::series::build::Plan;
    use crate::series::dates::{Date, Dated};
    use crate::table::key::Level;
    use crate::table::stats::{read_stats_bytes, ReadOptions, StatTable};

    pub(super) fn table(name: &str, text: &str) -> StatTable {
        read_stats_bytes(name, text.as_bytes(), &ReadOptions::default())
            .unwrap()
            .0
    }

    /// Dated tables from (year, month, CSV text).
    pub(super) fn dated(files: &[(i32, u32, &str)]) -> Vec<Dated> {
        files
            .iter()
            .map(|(y, m, t)| Dated {
                date: Date::new(*y, *m).unwrap(),
                table: table(&format!("{y}-{m}"), t),
            })
            .collect()
    }

    /// A plan to the BZR with these rules.
    pub(super) fn bzr_plan(rules: RuleFlags) -> Plan<'static> {
        Plan {
            rules,
            missing: MissingPolicy::Propagate,
            levels: vec![Level::Bzr],
            names: None,
            vintage: None,
            translation: None,
            sozialraum: None,
        }
    }
}
