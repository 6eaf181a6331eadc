//! The population columns of the two kinds of population tables people
//! have: the statistics office's register file (EWR: `E_E`, `E_EU1`,
//! `E_E1U6`, …) and the open-data tables (`inhabitants`,
//! `inhabitants_age_below_6`, …). One place says which column counts people
//! and which columns make the age groups, for every command that needs
//! them (the report's key figures, people per part in `mismatch`, the
//! unassigned people of a Sozialraum assignment).

/// Columns that count people, in the order they are looked for when no
/// column is named.
pub const PEOPLE_COLUMNS: &[&str] = &["E_E", "inhabitants", "EW", "EW 31.12.2020", "Einwohner"];

/// The first of [`PEOPLE_COLUMNS`] for which `has` is true.
pub fn people_column(has: impl Fn(&str) -> bool) -> Option<&'static str> {
    PEOPLE_COLUMNS.iter().copied().find(|c| has(c))
}

/// One age group of the key figures: a short name, its German words and
/// the columns that add up to it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AgeGroup {
    pub name: &'static str,
    pub label_de: &'static str,
    pub columns: &'static [&'static str],
}

/// The population columns of one kind of table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Schema {
    /// What the table is, for messages.
    pub what: &'static str,
    /// The column that counts everybody.
    pub people: &'static str,
    /// The age groups, youngest first; together they are everybody.
    pub groups: [AgeGroup; 5],
}

impl Schema {
    /// The columns of the children under 6.
    pub fn under_6(&self) -> &'static [&'static str] {
        self.groups[0].columns
    }
}

/// The statistics office's population register file (EWR…_Matrix.csv).
pub const REGISTER: Schema = Schema {
    what: "population register (E_E, E_EU1, …)",
    people: "E_E",
    groups: [
        AgeGroup {
            name: "E_u6",
            label_de: "unter 6 Jahre",
            columns: &["E_EU1", "E_E1U6"],
        },
        AgeGroup {
            name: "E_6u15",
            label_de: "6 bis unter 15 Jahre",
            columns: &["E_E6U15"],
        },
        AgeGroup {
            name: "E_15u18",
            label_de: "15 bis unter 18 Jahre",
            columns: &["E_E15U18"],
        },
        AgeGroup {
            name: "E_18u65",
            label_de: "18 bis unter 65 Jahre",
            columns: &["E_E18U25", "E_E25U55", "E_E55U65"],
        },
        AgeGroup {
            name: "E_65plus",
            label_de: "65 Jahre und älter",
            columns: &["E_E65U80", "E_E80U110"],
        },
    ],
};

/// The open-data population tables (t2-planning-areas.csv and the like).
pub const OPEN_DATA: Schema = Schema {
    what: "open-data population table (inhabitants, inhabitants_age_below_6, …)",
    people: "inhabitants",
    groups: [
        AgeGroup {
            name: "inhabitants_u6",
            label_de: "unter 6 Jahre",
            columns: &["inhabitants_age_below_6"],
        },
        AgeGroup {
            name: "inhabitants_6u15",
            label_de: "6 bis unter 15 Jahre",
            columns: &["inhabitants_age_6_15"],
        },
        AgeGroup {
            name: "inhabitants_15u18",
            label_de: "15 bis unter 18 Jahre",
            columns: &["inhabitants_age_15_18"],
        },
        AgeGroup {
            name: "inhabitants_18u65",
            label_de: "18 bis unter 65 Jahre",
            columns: &[
                "inhabitants_age_18_27",
                "inhabitants_age_27_45",
                "inhabitants_age_45_55",
                "inhabitants_age_55_65",
            ],
        },
        AgeGroup {
            name: "inhabitants_65plus",
            label_de: "65 Jahre und älter",
            columns: &["inhabitants_age_above_65"],
        },
    ],
};

/// The schemas, in the order they are tried.
pub const SCHEMAS: [&Schema; 2] = [&REGISTER, &OPEN_DATA];

/// The schema whose people column the table has (`has` tells whether a
/// column is there); the register wins when a table has both.
pub fn schema_of(has: impl Fn(&str) -> bool) -> Option<&'static Schema> {
    SCHEMAS.iter().copied().find(|s| has(s.people))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn has(cols: &'static [&'static str]) -> impl Fn(&str) -> bool {
        move |c| cols.contains(&c)
    }

    #[test]
    fn the_schema_follows_the_people_column() {
        assert_eq!(schema_of(has(&["E_E", "E_EU1"])), Some(&REGISTER));
        assert_eq!(
            schema_of(has(&["id", "inhabitants", "inhabitants_age_below_6"])),
            Some(&OPEN_DATA)
        );
        assert_eq!(schema_of(has(&["E_E", "inhabitants"])), Some(&REGISTER));
        assert_eq!(schema_of(has(&["EW"])), None);
        assert_eq!(people_column(has(&["x", "EW"])), Some("EW"));
        assert_eq!(people_column(has(&["x"])), None);
    }

    /// The age groups of both schemas are the same ages, and their words
    /// are those of the codebook for the register's columns.
    #[test]
    fn both_schemas_have_the_same_age_groups() {
        for (a, b) in REGISTER.groups.iter().zip(&OPEN_DATA.groups) {
            assert_eq!(a.label_de, b.label_de);
        }
        assert_eq!(REGISTER.under_6(), ["E_EU1", "E_E1U6"]);
        assert_eq!(OPEN_DATA.under_6(), ["inhabitants_age_below_6"]);
    }
}
