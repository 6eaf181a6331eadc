//! CSV points: the delimiter (sniffed when the header has no comma), the
//! coordinate, id, `--sum` and `--by` columns (named or detected), the CRS
//! decided by the first point, and the rows counted the fast way or row by
//! row.

use std::io::{BufReader, Read};
use std::path::Path;

use anyhow::Result;
use geo::Coord;

use crate::error::{examples, input_error, usage_error, Warnings};
use crate::points::read::csv_fast;
use crate::points::read::repeats::Repeats;
use crate::points::read::tally::{Accumulator, Pending};
use crate::points::read::PointOptions;
use crate::spatial::crs::{Crs, Transformer};
use crate::table::stats::numbers::parse_number;

/// The CSV reader of a points file.
pub(super) type CsvReader = ::csv::Reader<BufReader<Box<dyn Read + Send>>>;

/// The column names of a CSV file, trimmed, without a byte order mark.
pub(super) fn csv_headers(rdr: &mut CsvReader, source: &str) -> Result<Vec<String>> {
    Ok(rdr
        .headers()
        .map_err(|e| input_error(format!("{source}: cannot read the header: {e}")))?
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_string())
        .collect())
}

/// The options with the delimiter sniffed from a header line that has no
/// comma (`;` unless another delimiter is plain).
pub(super) fn sniffed(opts: &PointOptions, headers: &[String]) -> PointOptions {
    PointOptions {
        delimiter: Some(crate::table::stats::csv::sniff_delimiter(
            &headers.join(","),
        ))
        .filter(|d| *d != b',')
        .or(Some(b';')),
        ..opts.clone()
    }
}

/// Where the columns of a points CSV file are.
#[derive(Debug, PartialEq)]
pub(super) struct CsvColumns {
    x: usize,
    y: usize,
    /// The `--sum` columns, in the order given.
    sums: Vec<usize>,
    by: Option<usize>,
    pub(super) id: Option<usize>,
    /// The x column is named like a longitude (then the CRS is WGS 84).
    lonlat: bool,
    n_fields: usize,
}

impl CsvColumns {
    /// The columns named by the options, or detected from the header.
    pub(super) fn pick(
        headers: &[String],
        opts: &PointOptions,
        source: &str,
    ) -> Result<CsvColumns> {
        let lonlat = ["lon", "lng", "longitude", "laenge", "länge"];
        let x_names = [
            "x",
            "rechtswert",
            "easting",
            "lon",
            "lng",
            "longitude",
            "laenge",
        ];
        let y_names = ["y", "hochwert", "northing", "lat", "latitude", "breite"];
        let f = &opts.flags;
        let x = pick(
            headers,
            opts.x.as_deref(),
            &x_names,
            &format!("{} column", f.x),
            source,
        )?;
        let y = pick(
            headers,
            opts.y.as_deref(),
            &y_names,
            &format!("{} column", f.y),
            source,
        )?;
        let (Some(x), Some(y)) = (x, y) else {
            return Err(usage_error(format!(
                "{source}: no coordinate columns found; name them with {} and {}. Columns: {}",
                f.x,
                f.y,
                examples(headers, 30)
            )));
        };
        let given = |name: &str, flag: &str| {
            pick(headers, Some(name), &[], &format!("{flag} column"), source)
                .map(|o| o.expect("given"))
        };
        let sums = (opts.sum.iter())
            .map(|s| given(s, &f.sum))
            .collect::<Result<_>>()?;
        let by = opts.by.as_deref().map(|b| given(b, &f.by)).transpose()?;
        let id = match &opts.id_field {
            Some(name) => Some(given(name, &f.id_field)?),
            None => pick(headers, None, &["id", "e_nr", "nr", "name"], "", source)?,
        };
        Ok(CsvColumns {
            x,
            y,
            sums,
            by,
            id,
            lonlat: lonlat.iter().any(|n| headers[x].eq_ignore_ascii_case(n)),
            n_fields: headers.len(),
        })
    }
}

fn pick(
    headers: &[String],
    given: Option<&str>,
    names: &[&str],
    what: &str,
    source: &str,
) -> Result<Option<usize>> {
    if let Some(g) = given {
        return headers
            .iter()
            .position(|h| h == g)
            .or_else(|| headers.iter().position(|h| h.eq_ignore_ascii_case(g)))
            .map(Some)
            .ok_or_else(|| {
                usage_error(format!(
                    "{source}: no {what} '{g}'; there are: {}",
                    examples(headers, 30)
                ))
            });
    }
    Ok(names
        .iter()
        .find_map(|n| headers.iter().position(|h| h.eq_ignore_ascii_case(n))))
}

/// A CSV file of points being read: where it is, how, and its columns.
pub(super) struct CsvRead<'a> {
    pub(super) path: &'a Path,
    pub(super) source: &'a str,
    pub(super) opts: &'a PointOptions,
    pub(super) cols: CsvColumns,
    /// The id column is a facility's key (`id`, `--id-field`, …), so a
    /// repeated value is reported.
    pub(super) id_is_key: bool,
    /// The working CRS (that of the layers).
    pub(super) work: Crs,
    /// The file's size in bytes, for progress.
    pub(super) size: u64,
}

impl CsvRead<'_> {
    /// The CRS from the first point's coordinates: given, WGS 84 for
    /// longitude columns, or guessed (with a note saying so).
    fn decide(&self, px: f64, py: f64) -> Result<(Crs, Option<String>)> {
        let (source, flag) = (self.source, &self.opts.flags.crs);
        Ok(match self.opts.crs {
            Some(c) => (c, None),
            None if self.cols.lonlat => (Crs::Wgs84, None),
            None => {
                let g = Crs::guess(Coord { x: px, y: py }).ok_or_else(|| {
                    usage_error(format!(
                        "{source}: give the CRS of the coordinates with {flag}"
                    ))
                })?;
                (
                    g,
                    Some(format!(
                        "{source}: no {flag} given; the coordinates look like {g}, which is used"
                    )),
                )
            }
        })
    }

    /// Count every row into `acc`: plain files (no `--by`) the fast way, on
    /// all cores; others, or when the fast way gives up, row by row.
    pub(super) fn tally(
        &self,
        rdr: CsvReader,
        acc: &mut Accumulator<'_>,
        repeats: &mut Repeats,
        progress: &mut dyn FnMut(u64, u64),
        warnings: &mut Warnings,
    ) -> Result<()> {
        let cols = &self.cols;
        let fast = match cols.by {
            None => csv_fast::tally(
                self.path,
                &csv_fast::Columns {
                    x: cols.x,
                    y: cols.y,
                    id: cols.id,
                    sums: &cols.sums,
                    sum_names: &self.opts.sum,
                    n_fields: cols.n_fields,
                    delimiter: self.opts.delimiter.unwrap_or(b','),
                },
                acc,
                self.work,
                &|px, py| self.decide(px, py),
                progress,
                self.size,
            )?,
            Some(_) => None,
        };
        match fast {
            Some(done) => {
                if let Some(note) = done.crs_note {
                    warnings.push(crate::error::WarningCode::CrsGuessed, note);
                }
                Ok(())
            }
            None => self.tally_rows(rdr, acc, repeats, progress, warnings),
        }
    }

    /// The general way: row by row through the CSV reader, which says
    /// exactly what is wrong with a row.
    fn tally_rows(
        &self,
        mut rdr: CsvReader,
        acc: &mut Accumulator<'_>,
        repeats: &mut Repeats,
        progress: &mut dyn FnMut(u64, u64),
        warnings: &mut Warnings,
    ) -> Result<()> {
        let (source, cols) = (self.source, &self.cols);
        let mut record = ::csv::ByteRecord::new();
        let mut idbuf = String::new();
        let mut values: Vec<Option<f64>> = Vec::with_capacity(self.opts.sum.len());
        let mut rows: u64 = 0;
        // The line where each record starts, counted from the lines each
        // record spans (a quoted field may span several). The reader's own
        // line lags by one after a CRLF, so only its differences are used.
        let mut next_line = 2;
        loop {
            let before = rdr.position().line();
            if !read_record(&mut rdr, &mut record, source)? {
                break;
            }
            let line = next_line;
            next_line += rdr.position().line() - before;
            rows += 1;
            let field = |i: usize| {
                std::str::from_utf8(record.get(i).unwrap_or(b""))
                    .unwrap_or("")
                    .trim()
            };
            write_id(&mut idbuf, cols.id.map(field), line);
            if let Some(i) = cols.id.filter(|_| self.id_is_key) {
                repeats.see_id(field(i), &idbuf);
            }
            let (px, py) = coordinates(field(cols.x), field(cols.y), source, line)?;
            if rows == 1 {
                self.first_point(px, py, acc, warnings)?;
            }
            let coord = acc.check_coord(px, py, &idbuf)?;
            values.clear();
            for (&i, s) in cols.sums.iter().zip(&self.opts.sum) {
                let v = acc.value(Some(field(i)), &|| idbuf.clone(), s);
                values.push(v);
            }
            let category = cols.by.map(|i| match field(i) {
                "" => "(none)",
                v => v,
            });
            acc.push(Pending {
                coord,
                id: &idbuf,
                values: &values,
                category,
            })?;
            if rows.is_multiple_of(262_144) {
                progress(record.position().map(|p| p.byte()).unwrap_or(0), self.size);
            }
        }
        Ok(())
    }

    /// The first point decides the CRS of all.
    fn first_point(
        &self,
        px: f64,
        py: f64,
        acc: &mut Accumulator<'_>,
        warnings: &mut Warnings,
    ) -> Result<()> {
        let (crs, note) = self.decide(px, py)?;
        if let Some(note) = note {
            warnings.push(crate::error::WarningCode::CrsGuessed, note);
        }
        acc.crs = crs;
        acc.transformer = Transformer::new(acc.crs, self.work);
        Ok(())
    }
}

/// The next record of a CSV file; false at the end.
fn read_record(rdr: &mut CsvReader, record: &mut ::csv::ByteRecord, source: &str) -> Result<bool> {
    rdr.read_byte_record(record).map_err(|e| {
        let line = e.position().map(|p| p.line()).unwrap_or(0);
        input_error(format!("{source}, line {line}: cannot read CSV: {e}"))
    })
}

/// A point's id for messages: `K1 (line 5)`, or `line 5` without an id column.
fn write_id(buf: &mut String, id: Option<&str>, line: u64) {
    use std::fmt::Write as _;
    buf.clear();
    let _ = match id {
        Some(id) => write!(buf, "{id} (line {line})"),
        None => write!(buf, "line {line}"),
    };
}

/// The coordinates of a CSV row as numbers.
fn coordinates(x: &str, y: &str, source: &str, line: u64) -> Result<(f64, f64)> {
    let parse = |s: &str| s.parse::<f64>().ok().or_else(|| parse_number(s, true));
    let (Some(px), Some(py)) = (parse(x), parse(y)) else {
        return Err(input_error(format!(
            "{source}, line {line}: the coordinates ('{}', '{}') are not numbers",
            crate::error::clip(x),
            crate::error::clip(y)
        )));
    };
    Ok((px, py))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(names: &str) -> Vec<String> {
        names.split(',').map(String::from).collect()
    }

    #[test]
    fn csv_columns_are_detected_or_named() {
        let opts = PointOptions {
            sum: vec!["plaetze".into()],
            ..PointOptions::default()
        };
        let h = header("E_NR,Name,Rechtswert,Hochwert,Plaetze");
        assert_eq!(
            CsvColumns::pick(&h, &opts, "k.csv").unwrap(),
            CsvColumns {
                x: 2,
                y: 3,
                sums: vec![4],
                by: None,
                id: Some(0),
                lonlat: false,
                n_fields: 5,
            }
        );
        let cols = CsvColumns::pick(&header("lat,lon,art"), &PointOptions::default(), "k.csv");
        let cols = cols.unwrap();
        assert_eq!((cols.x, cols.y, cols.id, cols.lonlat), (1, 0, None, true));
        let by = PointOptions {
            by: Some("Träger".into()),
            ..PointOptions::default()
        };
        let e = CsvColumns::pick(&header("x,y,art"), &by, "k.csv").unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "k.csv: no {} column 'Träger'; there are: x, y, art",
                by.flags.by
            )
        );
        let e = CsvColumns::pick(&header("a,b"), &PointOptions::default(), "k.csv");
        assert_eq!(
            e.unwrap_err().to_string(),
            format!(
                "k.csv: no coordinate columns found; name them with {} and {}. Columns: a, b",
                by.flags.x, by.flags.y
            )
        );
    }

    #[test]
    fn the_first_csv_point_decides_the_crs() {
        let opts = PointOptions::default();
        let cols = CsvColumns::pick(&header("x,y"), &opts, "k.csv").unwrap();
        let read = CsvRead {
            path: Path::new("k.csv"),
            source: "k.csv",
            opts: &opts,
            cols,
            id_is_key: false,
            work: Crs::Utm33,
            size: 0,
        };
        let (crs, note) = read.decide(390_000.0, 5_820_000.0).unwrap();
        assert_eq!(crs, Crs::Utm33);
        assert_eq!(
            note.unwrap(),
            format!(
                "k.csv: no {} given; the coordinates look like {crs}, which is used",
                opts.flags.crs
            )
        );
        let e = read.decide(1e12, -1e12).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "k.csv: give the CRS of the coordinates with {}",
                opts.flags.crs
            )
        );
        let mut id = String::from("old");
        write_id(&mut id, Some("K1"), 5);
        assert_eq!(id, "K1 (line 5)");
        write_id(&mut id, None, 6);
        assert_eq!(id, "line 6");
        let e = coordinates("13,4", "x", "k.csv", 7).unwrap_err();
        assert_eq!(
            e.to_string(),
            "k.csv, line 7: the coordinates ('13,4', 'x') are not numbers"
        );
        assert_eq!(
            coordinates(" 13,4", "52.5", "k.csv", 7).unwrap(),
            (13.4, 52.5)
        );
    }
}
