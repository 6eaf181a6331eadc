//! The date of each file of a series (`Date`: year and month): given with
//! `--date`, from its `ZEIT` column, from its file or folder name; the
//! dated files in order.

use std::collections::BTreeSet;
use std::fmt;
use std::path::Path;

use anyhow::Result;

use crate::error::{examples, input_error, usage_error, Warnings};
use crate::table::stats::StatTable;

/// A reference date: year and month (`ZEIT` 201812 is 2018-12).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u32,
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl Date {
    pub fn new(year: i32, month: u32) -> Option<Date> {
        ((1900..=2200).contains(&year) && (1..=12).contains(&month)).then_some(Date { year, month })
    }

    /// The same month one year earlier.
    pub fn year_before(self) -> Date {
        Date {
            year: self.year - 1,
            month: self.month,
        }
    }

    /// A whole value: `201812`, `2018-12`, `2018_12`, `12/2018`, `31.12.2018`,
    /// `2018-12-31`, `20181231`.
    pub fn parse(s: &str) -> Option<Date> {
        let s = s.trim();
        let parts: Vec<&str> = s
            .split(|c: char| !c.is_ascii_digit())
            .filter(|p| !p.is_empty())
            .collect();
        let num = |p: &str| p.parse::<i64>().ok();
        match parts.as_slice() {
            [one] if one.len() == 6 => Date::new(num(&one[..4])? as i32, num(&one[4..])? as u32),
            [one] if one.len() == 8 => Date::new(num(&one[..4])? as i32, num(&one[4..6])? as u32),
            [a, b] if a.len() == 4 && b.len() <= 2 => Date::new(num(a)? as i32, num(b)? as u32),
            [a, b] if b.len() == 4 && a.len() <= 2 => Date::new(num(b)? as i32, num(a)? as u32),
            [a, b, _] if a.len() == 4 => Date::new(num(a)? as i32, num(b)? as u32),
            [_, b, c] if c.len() == 4 => Date::new(num(c)? as i32, num(b)? as u32),
            _ => None,
        }
    }

    /// A date inside a file or folder name: `EWR201812E_Matrix.csv`,
    /// `population-2020-12`, `bestand_2023_06.xlsx`.
    pub fn in_name(name: &str) -> Option<Date> {
        let b = name.as_bytes();
        let digits_at = |i: usize, n: usize| -> bool {
            i + n <= b.len()
                && b[i..i + n].iter().all(u8::is_ascii_digit)
                && (i == 0 || !b[i - 1].is_ascii_digit())
                && (i + n == b.len() || !b[i + n].is_ascii_digit())
        };
        for i in 0..b.len() {
            // YYYYMM as its own run of digits.
            if digits_at(i, 6) {
                if let Some(d) = Date::parse(&name[i..i + 6]) {
                    return Some(d);
                }
            }
            // YYYY-MM, YYYY_MM, YYYY.MM
            if i + 7 <= b.len()
                && b[i..i + 4].iter().all(u8::is_ascii_digit)
                && (i == 0 || !b[i - 1].is_ascii_digit())
                && matches!(b[i + 4], b'-' | b'_' | b'.')
                && digits_at(i + 5, 2)
            {
                if let Some(d) = Date::new(
                    name[i..i + 4].parse().ok()?,
                    name[i + 5..i + 7].parse().ok()?,
                ) {
                    return Some(d);
                }
            }
        }
        None
    }
}

/// Where a file's date came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateSource {
    Zeit,
    FileName,
    Folder,
    Given,
}

/// The one date in the `ZEIT` column (None without the column or values);
/// several dates or a value that is no date are errors.
fn zeit_date(table: &StatTable) -> Result<Option<Date>> {
    let Some(c) = table.column("ZEIT") else {
        return Ok(None);
    };
    let values: BTreeSet<&str> = c
        .raw
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect();
    match values.len() {
        0 => Ok(None),
        1 => {
            let v = values.into_iter().next().expect("one");
            Ok(Some(Date::parse(v).ok_or_else(|| {
                input_error(format!(
                    "{}: column ZEIT: '{v}' is not a date such as 201812",
                    table.source
                ))
            })?))
        }
        _ => {
            let v: Vec<&str> = values.into_iter().collect();
            Err(input_error(format!(
                "{}: column ZEIT has {} different dates ({}); a series takes one file per date",
                table.source,
                v.len(),
                examples(&v, 5)
            )))
        }
    }
}

/// The date of a statistics file: `given` (from `--date`), else its `ZEIT`
/// column (one value for all rows), else its file name, else its folder's
/// name. Disagreements are warned about; no date at all is an error.
pub fn date_of(
    table: &StatTable,
    path: &Path,
    given: Option<Date>,
) -> Result<(Date, DateSource, Warnings)> {
    let mut warnings = Warnings::default();
    let zeit = zeit_date(table)?;
    let from_name = path
        .file_name()
        .and_then(|n| Date::in_name(&n.to_string_lossy()));
    let from_folder = path
        .parent()
        .and_then(Path::file_name)
        .and_then(|n| Date::in_name(&n.to_string_lossy()));
    let found = [
        (zeit, DateSource::Zeit),
        (from_name, DateSource::FileName),
        (from_folder, DateSource::Folder),
    ];
    if let Some(g) = given {
        if let Some((d, _)) = found.iter().find_map(|(d, s)| d.map(|d| (d, s))) {
            if d != g {
                warnings.push(
                    crate::error::WarningCode::Date,
                    format!(
                        "{}: --date says {g} but the file says {d}; {g} is used",
                        table.source
                    ),
                );
            }
        }
        return Ok((g, DateSource::Given, warnings));
    }
    if let (Some(z), Some(n)) = (zeit, from_name) {
        if z != n {
            warnings.push(
                crate::error::WarningCode::Date,
                format!(
                    "{}: ZEIT says {z} but the file name says {n}; {z} (ZEIT) is used",
                    table.source
                ),
            );
        }
    }
    match found.iter().find_map(|(d, s)| d.map(|d| (d, *s))) {
        Some((d, s)) => Ok((d, s, warnings)),
        None => Err(usage_error(format!(
            "{}: no date found (no ZEIT column, no date such as 201812 or 2020-12 in the file or folder name): give it with --date {}=YYYY-MM",
            table.source,
            path.display()
        ))),
    }
}

/// One date of a series: its statistics per PLR (or coarser LOR units).
#[derive(Debug)]
pub struct Dated {
    pub date: Date,
    pub table: StatTable,
}

/// Sort the dates (a note when they were given out of order) and refuse
/// duplicates.
pub fn order(mut dated: Vec<Dated>) -> Result<(Vec<Dated>, Warnings)> {
    let mut warnings = Warnings::default();
    if dated.windows(2).any(|w| w[0].date > w[1].date) {
        warnings.push(
            crate::error::WarningCode::Date,
            format!(
                "the files were not given in date order; the series is sorted by date ({})",
                dated
                    .iter()
                    .map(|d| d.date.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
    }
    dated.sort_by_key(|d| d.date);
    if let Some(w) = dated.windows(2).find(|w| w[0].date == w[1].date) {
        return Err(input_error(format!(
            "{} and {} are both of {}: a series takes one file per date (give the right one with --date FILE=YYYY-MM)",
            w[0].table.source, w[1].table.source, w[0].date
        )));
    }
    Ok((dated, warnings))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::series::fixtures::table;

    #[test]
    fn dates_from_values_and_names() {
        let d = |y, m| Some(Date { year: y, month: m });
        assert_eq!(Date::parse("201812"), d(2018, 12));
        assert_eq!(Date::parse("2020-12"), d(2020, 12));
        assert_eq!(Date::parse("31.12.2020"), d(2020, 12));
        assert_eq!(Date::parse("06/2023"), d(2023, 6));
        assert_eq!(Date::parse("201813"), None);
        assert_eq!(Date::in_name("EWR201812E_Matrix.csv"), d(2018, 12));
        assert_eq!(Date::in_name("population-2020-12"), d(2020, 12));
        assert_eq!(Date::in_name("bestand_2023_06.xlsx"), d(2023, 6));
        assert_eq!(Date::in_name("t1-planning-areas.csv"), None);
        assert_eq!(Date::in_name("plr2006-pgr2021.csv"), None);
        assert_eq!(d(2024, 6).unwrap().year_before(), d(2023, 6).unwrap());
    }

    #[test]
    fn date_of_prefers_zeit_and_warns_on_disagreement() {
        let t = table(
            "a.csv",
            "ZEIT;RAUMID;E_E\n202306;13101101;5\n202306;13101102;7\n",
        );
        let (d, s, w) = date_of(&t, Path::new("x/EWR202312E_Matrix.csv"), None).unwrap();
        assert_eq!(
            (d.to_string(), s),
            ("2023-06".to_string(), DateSource::Zeit)
        );
        assert!(w.has("date"));
        let t = table("b.csv", "RAUMID;E_E\n13101101;5\n");
        let (d, s, _) = date_of(&t, Path::new("population-2020-12/t1.csv"), None).unwrap();
        assert_eq!(
            (d.to_string(), s),
            ("2020-12".to_string(), DateSource::Folder)
        );
        assert!(date_of(&t, Path::new("t1.csv"), None).is_err());
        let given = Date::new(2019, 6);
        let (d, s, _) = date_of(&t, Path::new("t1.csv"), given).unwrap();
        assert_eq!(
            (d.to_string(), s),
            ("2019-06".to_string(), DateSource::Given)
        );
    }

    #[test]
    fn zeit_has_one_date_or_none() {
        let t = table(
            "a.csv",
            "ZEIT;RAUMID;E_E\n201812;13101101;5\n 201812 ;13101102;7\n",
        );
        assert_eq!(zeit_date(&t).unwrap(), Date::new(2018, 12));
        let t = table("b.csv", "RAUMID;E_E\n13101101;5\n");
        assert_eq!(zeit_date(&t).unwrap(), None);
        let t = table(
            "c.csv",
            "ZEIT;RAUMID;E_E\n201812;13101101;5\n201912;13101102;7\n",
        );
        assert_eq!(
            zeit_date(&t).unwrap_err().to_string(),
            "c.csv: column ZEIT has 2 different dates (201812, 201912); a series takes one file per date"
        );
        let t = table("d.csv", "ZEIT;RAUMID;E_E\nQ4;13101101;5\n");
        assert_eq!(
            zeit_date(&t).unwrap_err().to_string(),
            "d.csv: column ZEIT: 'Q4' is not a date such as 201812"
        );
    }

    #[test]
    fn order_sorts_and_refuses_duplicates() {
        let mk = |y, m, n: &str| Dated {
            date: Date::new(y, m).unwrap(),
            table: table(n, "RAUMID;E_E\n13101101;5\n"),
        };
        let (v, w) = order(vec![mk(2024, 6, "b"), mk(2023, 12, "a")]).unwrap();
        assert_eq!(v[0].date.to_string(), "2023-12");
        assert!(w.has("date"));
        let e = order(vec![mk(2024, 6, "b"), mk(2024, 6, "a")]).unwrap_err();
        assert!(e.to_string().contains("both of 2024-06"), "{e}");
    }
}
