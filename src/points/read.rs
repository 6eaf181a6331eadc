//! Point data (Kitas, youth facilities, …): count points and sum their
//! attributes per polygon unit.
//!
//! Points are streamed: GeoJSON feature by feature, CSV row by row, in
//! chunks that are transformed into the working CRS and located with a
//! [`Locator`]. Memory does not grow with the number of points. Plain CSV
//! files (no quotes, no `--by`) take a faster way (`csv_fast`): blocks of
//! lines parsed from the bytes and located on all cores, same results.

use std::collections::BTreeMap;
use std::io::{BufReader, Read};
use std::path::Path;

use anyhow::Result;
use geo::Coord;

use crate::error::{examples, input_error, usage_error, Warnings};
use crate::spatial::crs::{Crs, Transformer};
use crate::spatial::geometry::Layer;
use crate::spatial::locate::{Location, Locator};
use crate::table::stats::numbers::parse_number;

mod csv_fast;

#[derive(Debug, Clone, Default)]
pub struct PointOptions {
    /// CSV coordinate columns (detected: x/y, lon/lat, …).
    pub x: Option<String>,
    pub y: Option<String>,
    /// CRS of the points (declared in GeoJSON; detected from column names
    /// or values in CSV otherwise).
    pub crs: Option<Crs>,
    /// Numeric attributes to sum.
    pub sum: Vec<String>,
    /// A category attribute: one count column per category.
    pub by: Option<String>,
    /// The attribute that names a point in messages (detected: id, e_nr, …).
    pub id_field: Option<String>,
    pub delimiter: Option<u8>,
    /// How messages name the options above: the flags of the command
    /// that reads the points.
    pub flags: PointFlags,
}

/// The flags of the command that set each of [`PointOptions`], for
/// messages: `--crs`, `--x`, … in `lor points`; `--population-crs`,
/// `--population-attr`, … where the points are a crosswalk's population.
#[derive(Debug, Clone)]
pub struct PointFlags {
    pub x: String,
    pub y: String,
    pub crs: String,
    pub sum: String,
    pub by: String,
    pub id_field: String,
}

impl PointFlags {
    /// The flags `--{prefix}x`, `--{prefix}y`, `--{prefix}crs`,
    /// `--{prefix}sum`, `--{prefix}by`, `--{prefix}id-field`.
    pub fn prefixed(prefix: &str) -> PointFlags {
        let flag = |name: &str| format!("--{prefix}{name}");
        PointFlags {
            x: flag("x"),
            y: flag("y"),
            crs: flag("crs"),
            sum: flag("sum"),
            by: flag("by"),
            id_field: flag("id-field"),
        }
    }
}

impl Default for PointFlags {
    /// The flags of `lor points`.
    fn default() -> PointFlags {
        PointFlags::prefixed("")
    }
}

/// Counts and sums per unit of one layer (indexed like the layer's features).
#[derive(Debug, Clone)]
pub struct Tally {
    pub count: Vec<f64>,
    /// Per `--sum` attribute, per unit.
    pub sums: Vec<Vec<f64>>,
    /// Per category, per unit.
    pub by: BTreeMap<String, Vec<f64>>,
    pub outside: u64,
    pub outside_ids: Vec<String>,
    pub overlap: u64,
}

impl Tally {
    fn new(units: usize, sums: usize) -> Tally {
        Tally {
            count: vec![0.0; units],
            sums: vec![vec![0.0; units]; sums],
            by: BTreeMap::new(),
            outside: 0,
            outside_ids: Vec::new(),
            overlap: 0,
        }
    }
}

/// What a run over the points found.
#[derive(Debug, Clone)]
pub struct PointRun {
    pub source: String,
    pub crs: Crs,
    pub total: u64,
    /// One per layer, in the order given.
    pub tallies: Vec<Tally>,
    pub sum_names: Vec<String>,
    pub by_name: Option<String>,
}

/// How many ids of points outside / with bad values are kept for messages.
const KEEP_IDS: usize = 20;

/// The most categories `--by` makes (one count column each). An attribute
/// with more different values is an id or a name, not a category.
pub const MAX_BY_CATEGORIES: usize = 1000;

/// An exact sum of floating-point numbers (Shewchuk's algorithm, as in
/// Python's `math.fsum`): the result is the exact sum rounded once, so it
/// does not depend on the order in which the values come.
#[derive(Debug, Clone, Default)]
pub struct ExactSum {
    partials: Vec<f64>,
}

impl ExactSum {
    pub fn add(&mut self, mut x: f64) {
        let mut i = 0;
        for j in 0..self.partials.len() {
            let mut y = self.partials[j];
            if x.abs() < y.abs() {
                std::mem::swap(&mut x, &mut y);
            }
            let hi = x + y;
            let lo = y - (hi - x);
            if lo != 0.0 {
                self.partials[i] = lo;
                i += 1;
            }
            x = hi;
        }
        self.partials.truncate(i);
        self.partials.push(x);
    }

    /// Add everything another sum holds (still exact).
    pub fn merge(&mut self, other: &ExactSum) {
        for &p in &other.partials {
            self.add(p);
        }
    }

    /// The sum, correctly rounded (infinite when it overflows).
    pub fn value(&self) -> f64 {
        let p = &self.partials;
        let mut n = p.len();
        if n == 0 {
            return 0.0;
        }
        n -= 1;
        let mut hi = p[n];
        let mut lo = 0.0;
        while n > 0 {
            let x = hi;
            n -= 1;
            let y = p[n];
            hi = x + y;
            let yr = hi - x;
            lo = y - yr;
            if lo != 0.0 {
                break;
            }
        }
        if n > 0 && ((lo < 0.0 && p[n - 1] < 0.0) || (lo > 0.0 && p[n - 1] > 0.0)) {
            let y = lo * 2.0;
            let x = hi + y;
            let yr = x - hi;
            if y == yr {
                hi = x;
            }
        }
        hi
    }
}

/// One point as read, before it is located. Borrowed text is copied into
/// the chunk's flat buffers, so a point costs no allocation of its own.
struct Pending<'s> {
    coord: Coord<f64>,
    id: &'s str,
    values: &'s [Option<f64>],
    category: Option<&'s str>,
}

/// Points waiting to be transformed and located, in flat arrays.
#[derive(Default)]
struct Chunk {
    coords: Vec<Coord<f64>>,
    ids: String,
    id_ends: Vec<usize>,
    values: Vec<Option<f64>>,
    cats: Vec<u32>,
}

const NO_CATEGORY: u32 = u32::MAX;
const CHUNK: usize = 8192;

struct Accumulator<'a> {
    layers: Vec<(&'a Layer, Locator)>,
    transformer: Transformer,
    tallies: Vec<Tally>,
    /// Per layer, per category index, per unit.
    by: Vec<Vec<Vec<f64>>>,
    categories: Vec<String>,
    category_index: std::collections::HashMap<String, u32>,
    n_sums: usize,
    chunk: Chunk,
    total: u64,
    crs: Crs,
    source: String,
    bad_values: Vec<String>,
    bad_count: u64,
    /// Exact sums per layer, per `--sum` attribute, per unit.
    exact: Vec<Vec<Vec<ExactSum>>>,
    /// Bounding box of the points in the working CRS.
    bbox: Option<(f64, f64, f64, f64)>,
    /// `--by` attribute, for messages.
    by_name: String,
    /// The flag that gives the points' CRS, for messages.
    crs_flag: String,
    /// The flag that names the category attribute, for messages.
    by_flag: String,
}

impl<'a> Accumulator<'a> {
    fn push(&mut self, p: Pending<'_>) -> Result<()> {
        let c = &mut self.chunk;
        c.coords.push(p.coord);
        c.ids.push_str(p.id);
        c.id_ends.push(c.ids.len());
        c.values.extend_from_slice(p.values);
        let cat = match p.category {
            None => NO_CATEGORY,
            Some(name) => match self.category_index.get(name) {
                Some(&i) => i,
                None if self.category_index.len() >= MAX_BY_CATEGORIES => {
                    // Too many: only count the different values for the message.
                    self.category_index.insert(name.to_string(), NO_CATEGORY);
                    NO_CATEGORY
                }
                None => {
                    let i = self.categories.len() as u32;
                    self.categories.push(name.to_string());
                    self.category_index.insert(name.to_string(), i);
                    for (b, l) in self.by.iter_mut().zip(&self.layers) {
                        b.push(vec![0.0; l.0.features.len()]);
                    }
                    i
                }
            },
        };
        c.cats.push(cat);
        if c.coords.len() >= CHUNK {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<()> {
        let c = &mut self.chunk;
        if c.coords.is_empty() {
            return Ok(());
        }
        self.transformer.coords(&mut c.coords)?;
        for p in &c.coords {
            let b = self.bbox.get_or_insert((p.x, p.y, p.x, p.y));
            *b = (b.0.min(p.x), b.1.min(p.y), b.2.max(p.x), b.3.max(p.y));
        }
        let n_sums = self.n_sums;
        for (li, (_, loc)) in self.layers.iter().enumerate() {
            let t = &mut self.tallies[li];
            let exact = &mut self.exact[li];
            let by = &mut self.by[li];
            let mut start = 0;
            for (k, p) in c.coords.iter().enumerate() {
                let end = c.id_ends[k];
                let id = &c.ids[start..end];
                start = end;
                let i = match loc.locate(p.x, p.y) {
                    Location::In(i) => i,
                    Location::Overlap(i) => {
                        t.overlap += 1;
                        i
                    }
                    Location::Outside => {
                        t.outside += 1;
                        if t.outside_ids.len() < KEEP_IDS {
                            t.outside_ids.push(id.to_string());
                        }
                        continue;
                    }
                };
                t.count[i] += 1.0;
                for (s, v) in exact
                    .iter_mut()
                    .zip(&c.values[k * n_sums..(k + 1) * n_sums])
                {
                    if let Some(v) = v {
                        s[i].add(*v);
                    }
                }
                if c.cats[k] != NO_CATEGORY {
                    by[c.cats[k] as usize][i] += 1.0;
                }
            }
        }
        self.total += c.coords.len() as u64;
        c.coords.clear();
        c.ids.clear();
        c.id_ends.clear();
        c.values.clear();
        c.cats.clear();
        Ok(())
    }

    /// Check a point's coordinates before it is counted.
    fn check_coord(&mut self, x: f64, y: f64, what: &str) -> Result<Coord<f64>> {
        if !x.is_finite() || !y.is_finite() {
            return Err(input_error(format!(
                "{}, {what}: the coordinates ({x}, {y}) are not finite numbers",
                self.source
            )));
        }
        let c = Coord { x, y };
        if !self.crs.plausible(c) {
            let guess = Crs::guess(c)
                .map(|g| format!(" (they look like {g}; give {} {g})", self.crs_flag))
                .unwrap_or_default();
            return Err(input_error(format!(
                "{}, {what}: the coordinates ({x}, {y}) cannot be in {} near Berlin{guess}",
                self.source, self.crs
            )));
        }
        Ok(c)
    }

    fn value(&mut self, raw: Option<&str>, id: &dyn Fn() -> String, attr: &str) -> Option<f64> {
        let raw = raw.map(str::trim).unwrap_or("");
        if raw.is_empty() {
            return None;
        }
        match number_value(raw) {
            Some(v) => Some(v),
            None => {
                self.bad_count += 1;
                if self.bad_values.len() < KEEP_IDS {
                    self.bad_values.push(format!(
                        "{}: {attr} = '{}'",
                        id(),
                        crate::error::clip(raw)
                    ));
                }
                None
            }
        }
    }
}

/// A summed value read from its (trimmed, non-empty) text: a number, with
/// a decimal point or comma, or None when it is none.
fn number_value(raw: &str) -> Option<f64> {
    if let Ok(v) = raw.parse::<f64>() {
        if v.is_finite() {
            return Some(v);
        }
    }
    parse_number(raw, false).or_else(|| parse_number(raw, true))
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

/// Count the points of `path` in the units of each layer (all layers must
/// be in the same working CRS).
pub fn tally_points(
    path: &Path,
    opts: &PointOptions,
    layers: &[&Layer],
    mut progress: impl FnMut(u64, u64),
) -> Result<(PointRun, Warnings)> {
    let source = path.display().to_string();
    if !path.exists() {
        return Err(input_error(format!("{source}: file not found")));
    }
    let work = layers.first().map(|l| l.crs).unwrap_or(Crs::Utm33);
    let ext = crate::table::input::format_extension(path);
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let file = crate::table::input::open(path)?;
    let mut acc = Accumulator::new(layers, opts, work, &source);
    let mut warnings = Warnings::default();
    let mut presence = Presence::new(opts);
    if matches!(ext.as_str(), "geojson" | "json") {
        presence = read_geojson(path, file, opts, &mut acc, work)?;
    } else {
        let mut rdr = csv::ReaderBuilder::new()
            .delimiter(opts.delimiter.unwrap_or(b','))
            .from_reader(BufReader::with_capacity(1 << 16, file));
        let headers = csv_headers(&mut rdr, &source)?;
        if headers.len() < 2 && opts.delimiter.is_none() {
            // Not comma-separated: sniff from the header line.
            return tally_points(path, &sniffed(opts, &headers), layers, progress);
        }
        let cols = CsvColumns::pick(&headers, opts, &source)?;
        let read = CsvRead {
            path,
            source: &source,
            opts,
            id_is_key: cols.id.is_some_and(|i| is_id_field(&headers[i], opts)),
            cols,
            work,
            size,
        };
        read.tally(
            rdr,
            &mut acc,
            &mut presence.repeats,
            &mut progress,
            &mut warnings,
        )?;
    }
    acc.flush()?;
    let run = finish(acc, opts, &presence, layers, &mut warnings)?;
    progress(size, size);
    Ok((run, warnings))
}

/// The CSV reader of a points file.
type CsvReader = csv::Reader<BufReader<Box<dyn Read + Send>>>;

/// The column names of a CSV file, trimmed, without a byte order mark.
fn csv_headers(rdr: &mut CsvReader, source: &str) -> Result<Vec<String>> {
    Ok(rdr
        .headers()
        .map_err(|e| input_error(format!("{source}: cannot read the header: {e}")))?
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_string())
        .collect())
}

/// The options with the delimiter sniffed from a header line that has no
/// comma (`;` unless another delimiter is plain).
fn sniffed(opts: &PointOptions, headers: &[String]) -> PointOptions {
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
struct CsvColumns {
    x: usize,
    y: usize,
    /// The `--sum` columns, in the order given.
    sums: Vec<usize>,
    by: Option<usize>,
    id: Option<usize>,
    /// The x column is named like a longitude (then the CRS is WGS 84).
    lonlat: bool,
    n_fields: usize,
}

impl CsvColumns {
    /// The columns named by the options, or detected from the header.
    fn pick(headers: &[String], opts: &PointOptions, source: &str) -> Result<CsvColumns> {
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

/// A CSV file of points being read: where it is, how, and its columns.
struct CsvRead<'a> {
    path: &'a Path,
    source: &'a str,
    opts: &'a PointOptions,
    cols: CsvColumns,
    /// The id column is a facility's key (`id`, `--id-field`, …), so a
    /// repeated value is reported.
    id_is_key: bool,
    /// The working CRS (that of the layers).
    work: Crs,
    /// The file's size in bytes, for progress.
    size: u64,
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
    fn tally(
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
        let mut record = csv::ByteRecord::new();
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
fn read_record(rdr: &mut CsvReader, record: &mut csv::ByteRecord, source: &str) -> Result<bool> {
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

/// Per `--sum` attribute (then `--by`): how many points lack it, and some
/// of their ids; and the properties of the first feature, for messages.
/// (CSV checks its columns on the header; every row has them.)
struct Presence {
    lacking: Vec<(u64, Vec<String>)>,
    first_keys: Vec<String>,
    repeats: Repeats,
}

impl Presence {
    fn new(opts: &PointOptions) -> Presence {
        let n_attrs = opts.sum.len() + usize::from(opts.by.is_some());
        Presence {
            lacking: vec![(0, Vec::new()); n_attrs],
            first_keys: Vec::new(),
            repeats: Repeats::default(),
        }
    }
}

impl<'a> Accumulator<'a> {
    /// An empty accumulator over `layers`, for points in the working CRS
    /// until the file says otherwise.
    fn new(layers: &[&'a Layer], opts: &PointOptions, work: Crs, source: &str) -> Accumulator<'a> {
        Accumulator {
            layers: layers.iter().map(|l| (*l, Locator::new(l))).collect(),
            transformer: Transformer::new(work, work),
            tallies: layers
                .iter()
                .map(|l| Tally::new(l.features.len(), opts.sum.len()))
                .collect(),
            by: vec![Vec::new(); layers.len()],
            categories: Vec::new(),
            category_index: std::collections::HashMap::new(),
            n_sums: opts.sum.len(),
            chunk: Chunk::default(),
            total: 0,
            crs: work,
            source: source.to_string(),
            bad_values: Vec::new(),
            bad_count: 0,
            exact: layers
                .iter()
                .map(|l| vec![vec![ExactSum::default(); l.features.len()]; opts.sum.len()])
                .collect(),
            bbox: None,
            by_name: opts.by.clone().unwrap_or_default(),
            crs_flag: opts.flags.crs.clone(),
            by_flag: opts.flags.by.clone(),
        }
    }
}

/// Read the points of a GeoJSON file into `acc`: the CRS from the head,
/// then feature by feature.
fn read_geojson(
    path: &Path,
    file: impl Read,
    opts: &PointOptions,
    acc: &mut Accumulator,
    work: Crs,
) -> Result<Presence> {
    let source = acc.source.clone();
    let Presence {
        mut lacking,
        mut first_keys,
        mut repeats,
    } = Presence::new(opts);
    let top = scan_top(path);
    if top.as_ref().is_some_and(|t| t.features == Some(0)) {
        return Err(input_error(format!(
            "{source}: the FeatureCollection has no features: there are no points to count"
        )));
    }
    acc.crs = declared_crs(path, opts, &source, top.and_then(|t| t.crs).as_deref())?;
    acc.transformer = Transformer::new(acc.crs, work);
    let reader = geojson::FeatureReader::from_reader(BufReader::with_capacity(1 << 16, file));
    let mut id_field: Option<String> = opts.id_field.clone();
    for (i, f) in reader.features().enumerate() {
        let number = i + 1;
        let f = f.map_err(|e| {
            input_error(format!(
                "{source}, after feature {i}: not valid GeoJSON: {e}"
            ))
        })?;
        let props = f.properties.as_ref();
        let text = |k: &str| -> Option<String> {
            props.and_then(|p| p.get(k)).and_then(|v| match v {
                serde_json::Value::String(s) => Some(s.clone()),
                serde_json::Value::Number(n) => Some(n.to_string()),
                serde_json::Value::Bool(b) => Some(b.to_string()),
                _ => None,
            })
        };
        if number == 1 {
            let keys: Vec<String> = props
                .map(|p| p.keys().cloned().collect())
                .unwrap_or_default();
            first_keys = keys.clone();
            if id_field.is_none() {
                id_field = ["id", "e_nr", "nr", "nummer", "name"]
                    .iter()
                    .find(|k| keys.iter().any(|x| x == *k))
                    .map(|k| k.to_string());
            }
        }
        let id = id_field
            .as_deref()
            .and_then(text)
            .map(|v| format!("{v} (feature {number})"))
            .unwrap_or_else(|| format!("feature {number}"));
        // Every point must have every `--sum`/`--by` attribute (null is missing).
        for (a, attr) in opts.sum.iter().chain(opts.by.iter()).enumerate() {
            if props.is_none_or(|p| p.get(attr.as_str()).is_none_or(|v| v.is_null())) {
                lacking[a].0 += 1;
                if lacking[a].1.len() < KEEP_IDS {
                    lacking[a].1.push(id.clone());
                }
            }
        }
        let coords = point_coords(f.geometry.as_ref(), &source, &id)?;
        let id_value = id_field
            .as_deref()
            .filter(|f| is_id_field(f, opts))
            .and_then(text);
        repeats.see_feature(&f, id_value.as_deref(), &id);
        let raw_values: Vec<Option<String>> = opts.sum.iter().map(|s| text(s)).collect();
        let values: Vec<Option<f64>> = raw_values
            .iter()
            .zip(&opts.sum)
            .map(|(v, s)| acc.value(v.as_deref(), &|| id.clone(), s))
            .collect();
        let category = opts
            .by
            .as_deref()
            .map(|b| text(b).unwrap_or_else(|| "(none)".into()));
        for (x, y) in coords {
            let coord = acc.check_coord(x, y, &id)?;
            acc.push(Pending {
                coord,
                id: &id,
                values: &values,
                category: category.as_deref(),
            })?;
        }
    }
    Ok(Presence {
        lacking,
        first_keys,
        repeats,
    })
}

/// The CRS of a GeoJSON points file: `--crs`, else the one declared before
/// the features (`"crs": {"type": "name", "properties": {"name":
/// "urn:ogc:def:crs:EPSG::25833"}}`), else the one declared after them
/// (`later`, from [`scan_top`]), else lon/lat (RFC 7946).
fn declared_crs(
    path: &Path,
    opts: &PointOptions,
    source: &str,
    later: Option<&str>,
) -> Result<Crs> {
    let mut head = vec![0u8; 65_536];
    let n = crate::table::input::open(path)?
        .read(&mut head)
        .map_err(|e| input_error(format!("{source}: cannot read: {e}")))?;
    let head = String::from_utf8_lossy(&head[..n]);
    let declared = head
        .split("\"features\"")
        .next()
        .and_then(|h| h.find("\"crs\"").map(|i| &h[i..]))
        .and_then(|c| c.find("\"properties\"").map(|i| &c[i + 12..]))
        .and_then(|c| c.find("\"name\"").map(|i| &c[i + 6..]))
        .and_then(|c| c.split('"').nth(1))
        .map(str::to_string)
        .or_else(|| later.map(str::to_string));
    Ok(match (opts.crs, &declared) {
        (Some(c), _) => c,
        (None, Some(d)) => Crs::parse(d).ok_or_else(|| {
            input_error(format!(
                "{source}: unknown CRS '{d}' (give {})",
                opts.flags.crs
            ))
        })?,
        (None, None) => Crs::Wgs84,
    })
}

/// The top level of a GeoJSON file: the CRS name, wherever the `crs`
/// member stands, and how many features a FeatureCollection has.
#[derive(Debug, Default, PartialEq)]
struct Top {
    crs: Option<String>,
    features: Option<usize>,
}

impl<'de> serde::Deserialize<'de> for Top {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Top, D::Error> {
        use serde::de::{IgnoredAny, MapAccess, SeqAccess, Visitor};
        /// The number of elements of an array, each skipped.
        struct Count(usize);
        impl<'de> serde::Deserialize<'de> for Count {
            fn deserialize<D: serde::Deserializer<'de>>(
                d: D,
            ) -> std::result::Result<Count, D::Error> {
                struct V;
                impl<'de> Visitor<'de> for V {
                    type Value = Count;
                    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                        f.write_str("an array of features")
                    }
                    fn visit_seq<A: SeqAccess<'de>>(
                        self,
                        mut s: A,
                    ) -> std::result::Result<Count, A::Error> {
                        let mut n = 0;
                        while s.next_element::<IgnoredAny>()?.is_some() {
                            n += 1;
                        }
                        Ok(Count(n))
                    }
                }
                d.deserialize_seq(V)
            }
        }
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Top;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a GeoJSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> std::result::Result<Top, A::Error> {
                let mut top = Top::default();
                while let Some(k) = m.next_key::<String>()? {
                    match k.as_str() {
                        "crs" => {
                            let v: serde_json::Value = m.next_value()?;
                            top.crs = v
                                .pointer("/properties/name")
                                .and_then(|n| n.as_str())
                                .map(str::to_string);
                        }
                        "features" => top.features = Some(m.next_value::<Count>()?.0),
                        _ => {
                            m.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(top)
            }
        }
        d.deserialize_map(V)
    }
}

/// The top level of a GeoJSON file, read in one pass that skips the
/// features; None when it is not valid JSON (the feature reader then says
/// where).
fn scan_top(path: &Path) -> Option<Top> {
    let file = crate::table::input::open(path).ok()?;
    serde_json::from_reader(BufReader::with_capacity(1 << 16, file)).ok()
}

/// The positions of a Point or MultiPoint feature; anything else is an
/// error naming the feature.
fn point_coords(
    geometry: Option<&geojson::Geometry>,
    source: &str,
    id: &str,
) -> Result<Vec<(f64, f64)>> {
    use geojson::GeometryValue as G;
    let position = |c: &geojson::Position| -> Result<(f64, f64)> {
        if c.len() < 2 {
            return Err(input_error(format!(
                "{source}, {id}: a position with {} coordinate{} (a point needs x and y)",
                c.len(),
                if c.len() == 1 { "" } else { "s" }
            )));
        }
        Ok((c[0], c[1]))
    };
    match geometry.map(|g| &g.value) {
        None => Err(input_error(format!("{source}, {id}: no geometry (null)"))),
        Some(G::Point { coordinates }) => Ok(vec![position(coordinates)?]),
        Some(G::MultiPoint { coordinates }) if coordinates.len() == 1 => {
            Ok(vec![position(&coordinates[0])?])
        }
        Some(G::MultiPoint { coordinates }) if coordinates.len() > 1 => Err(input_error(format!(
            "{source}, {id}: a MultiPoint with {} positions; a facility is one point, so it would be counted {} times with all its attributes. Give each facility its own Point feature",
            coordinates.len(),
            coordinates.len()
        ))),
        Some(G::MultiPoint { .. }) => {
            Err(input_error(format!("{source}, {id}: an empty MultiPoint")))
        }
        Some(other) => Err(input_error(format!(
            "{source}, {id}: a {} where a Point is expected",
            other.type_name()
        ))),
    }
}

/// After the last point: check what was read, make the exact sums final,
/// and hand the tallies over.
fn finish(
    mut acc: Accumulator,
    opts: &PointOptions,
    presence: &Presence,
    layers: &[&Layer],
    warnings: &mut Warnings,
) -> Result<PointRun> {
    check_presence(&acc, opts, presence, warnings)?;
    presence.repeats.warn(&acc.source, warnings);
    check_categories(&acc)?;
    acc.final_sums(opts)?;
    check_located(&acc, layers)?;
    acc.categories_into_tallies();
    let source = acc.source.clone();
    if acc.bad_count > 0 {
        warnings.push(
            crate::error::WarningCode::BadValues,
            format!(
                "{source}: {} values could not be read as numbers and were left out of the sums: {}",
                acc.bad_count,
                examples(&acc.bad_values, 5)
            ),
        );
    }
    if acc.total == 0 {
        return Err(input_error(format!("{source}: no points")));
    }
    Ok(PointRun {
        source,
        crs: acc.crs,
        total: acc.total,
        tallies: acc.tallies,
        sum_names: opts.sum.clone(),
        by_name: opts.by.clone(),
    })
}

/// Every `--sum`/`--by` attribute is on some point (an error when on none);
/// points without it are reported.
fn check_presence(
    acc: &Accumulator,
    opts: &PointOptions,
    presence: &Presence,
    warnings: &mut Warnings,
) -> Result<()> {
    let source = &acc.source;
    if acc.total == 0 {
        return Ok(());
    }
    for (a, attr) in opts.sum.iter().chain(opts.by.iter()).enumerate() {
        let is_sum = a < opts.sum.len();
        let flag = if is_sum {
            &opts.flags.sum
        } else {
            &opts.flags.by
        };
        let (n, ids) = &presence.lacking[a];
        if *n == acc.total {
            return Err(usage_error(format!(
                "{source}: {flag} '{attr}': the features have no property '{attr}' (or only null); they have: {}",
                examples(&presence.first_keys, 30)
            )));
        }
        if *n > 0 {
            warnings.push(
                crate::error::WarningCode::MissingAttribute,
                format!(
                    "{source}: {n} of {} points have no property '{attr}' (or it is null) ({flag}){}: {}",
                    acc.total,
                    if is_sum {
                        "; they count, but add nothing to the sum"
                    } else {
                        "; they are counted under '(none)'"
                    },
                    examples(ids, 5)
                ),
            );
        }
    }
    Ok(())
}

/// `--by` made at most [`MAX_BY_CATEGORIES`] categories.
fn check_categories(acc: &Accumulator) -> Result<()> {
    if acc.category_index.len() > MAX_BY_CATEGORIES {
        return Err(usage_error(format!(
            "{}: {} '{}' has {} different values; at most {MAX_BY_CATEGORIES} categories make count columns. It looks like an id or a name, not a category",
            acc.source,
            acc.by_flag,
            acc.by_name,
            acc.category_index.len()
        )));
    }
    Ok(())
}

/// Not every point outside every unit: that is a wrong CRS, and the message
/// shows where the points and the units are.
fn check_located(acc: &Accumulator, layers: &[&Layer]) -> Result<()> {
    if acc.total == 0 || acc.tallies.iter().any(|t| t.outside < acc.total) {
        return Ok(());
    }
    let (x0, y0, x1, y1) = acc.bbox.unwrap_or_default();
    let work = layers.first().map(|l| l.crs).unwrap_or(Crs::Utm33);
    let units: Vec<String> = layers
        .iter()
        .filter_map(|l| {
            l.bbox().map(|b| {
                format!(
                    "{} ({:.0}, {:.0}) – ({:.0}, {:.0})",
                    l.source,
                    b.min().x,
                    b.min().y,
                    b.max().x,
                    b.max().y
                )
            })
        })
        .collect();
    Err(input_error(format!(
        "{}: all {} points lie outside every unit. Most likely the coordinates are in another CRS than {} (give the right one with {}). In {}: points ({x0:.0}, {y0:.0}) – ({x1:.0}, {y1:.0}); units {}",
        acc.source,
        acc.total,
        acc.crs,
        acc.crs_flag,
        work,
        units.join("; ")
    )))
}

impl Accumulator<'_> {
    /// The exact sums into the tallies; a total too large to hold is an error.
    fn final_sums(&mut self, opts: &PointOptions) -> Result<()> {
        for (t, exact) in self.tallies.iter_mut().zip(&self.exact) {
            for (sums, ex) in t.sums.iter_mut().zip(exact) {
                for (s, e) in sums.iter_mut().zip(ex) {
                    *s = e.value();
                }
            }
        }
        for (a, attr) in opts.sum.iter().enumerate() {
            if self
                .tallies
                .iter()
                .any(|t| t.sums[a].iter().any(|v| !v.is_finite()))
            {
                return Err(input_error(format!(
                    "{}: {} '{attr}': the values add up to more than the largest number a total can hold; the figures cannot be right",
                    self.source,
                    opts.flags.sum
                )));
            }
        }
        Ok(())
    }

    /// The counts per category into the tallies, by category name.
    fn categories_into_tallies(&mut self) {
        for (t, by) in self.tallies.iter_mut().zip(std::mem::take(&mut self.by)) {
            for (name, counts) in self.categories.iter().zip(by) {
                t.by.insert(name.clone(), counts);
            }
        }
    }
}

#[cfg(test)]
mod exact_sum_tests {
    use super::ExactSum;

    fn sum(values: &[f64]) -> f64 {
        let mut s = ExactSum::default();
        for v in values {
            s.add(*v);
        }
        s.value()
    }

    #[test]
    fn sums_do_not_depend_on_the_order() {
        // Fractional places and large counts: naive sums differ by order.
        let mut v: Vec<f64> = (0..5000)
            .map(|i| [0.1, 0.7, 12.35, 1e12, -1e12, 3.3][i % 6] * (1 + i % 7) as f64)
            .collect();
        let reference = sum(&v);
        // A fixed pseudo-random shuffle (xorshift), several rounds.
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..20 {
            for i in (1..v.len()).rev() {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                v.swap(i, (state % (i as u64 + 1)) as usize);
            }
            assert_eq!(sum(&v).to_bits(), reference.to_bits());
        }
        assert_eq!(sum(&[0.1; 10]), 1.0);
        assert!(!sum(&[1e308, 1e308]).is_finite());
        assert_eq!(sum(&[]), 0.0);
    }
}

#[cfg(test)]
mod step_tests {
    use super::*;

    fn geometry(json: &str) -> geojson::Geometry {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn point_coords_take_points_and_name_the_feature_otherwise() {
        let p = geometry(r#"{"type":"MultiPoint","coordinates":[[1,2]]}"#);
        assert_eq!(
            point_coords(Some(&p), "k.geojson", "K1").unwrap(),
            vec![(1.0, 2.0)]
        );
        for (json, says) in [
            (
                r#"{"type":"MultiPoint","coordinates":[[1,2],[3,4]]}"#,
                "a MultiPoint with 2 positions; a facility is one point",
            ),
            (
                r#"{"type":"MultiPoint","coordinates":[]}"#,
                "an empty MultiPoint",
            ),
            (
                r#"{"type":"LineString","coordinates":[[1,2],[3,4]]}"#,
                "a LineString where a Point",
            ),
        ] {
            let e = point_coords(Some(&geometry(json)), "k.geojson", "K1").unwrap_err();
            assert!(e.to_string().starts_with("k.geojson, K1: "), "{e}");
            assert!(e.to_string().contains(says), "{e}");
        }
        let e = point_coords(None, "k.geojson", "K1").unwrap_err();
        assert!(e.to_string().contains("no geometry (null)"), "{e}");
    }

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

    #[test]
    fn the_crs_is_given_declared_or_lon_lat() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.geojson");
        std::fs::write(
            &path,
            r#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::25833"}},"features":[]}"#,
        )
        .unwrap();
        let opts = PointOptions::default();
        assert_eq!(declared_crs(&path, &opts, "p", None).unwrap(), Crs::Utm33);
        let given = PointOptions {
            crs: Some(Crs::Wgs84),
            ..PointOptions::default()
        };
        assert_eq!(declared_crs(&path, &given, "p", None).unwrap(), Crs::Wgs84);
        std::fs::write(&path, r#"{"type":"FeatureCollection","features":[]}"#).unwrap();
        assert_eq!(declared_crs(&path, &opts, "p", None).unwrap(), Crs::Wgs84);
        // Declared after the features: found by the top-level scan.
        std::fs::write(
            &path,
            r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"crs":1},"geometry":null}],"crs":{"type":"name","properties":{"name":"EPSG:25833"}}}"#,
        )
        .unwrap();
        let top = scan_top(&path).unwrap();
        assert_eq!(
            top,
            Top {
                crs: Some("EPSG:25833".into()),
                features: Some(1)
            }
        );
        let later = top.crs.as_deref();
        assert_eq!(declared_crs(&path, &opts, "p", later).unwrap(), Crs::Utm33);
        std::fs::write(&path, "{").unwrap();
        assert_eq!(scan_top(&path), None);
    }
}

/// Points counted more than once: features that repeat an earlier one
/// exactly, and ids (the id attribute or column, not a name) on several
/// points. Each is counted as it stands; the warning lists them.
#[derive(Debug, Default)]
struct Repeats {
    /// Feature (hash of its text) → the first one's label.
    features: std::collections::HashMap<u64, String>,
    /// Id → the first point's label.
    ids: std::collections::HashMap<String, String>,
    /// What repeats, for the message (the first few).
    shown: Vec<String>,
    count: u64,
}

impl Repeats {
    /// A GeoJSON feature with its id value (if the id attribute is an id)
    /// and its label (`K1 (feature 3)`).
    fn see_feature(&mut self, f: &geojson::Feature, id: Option<&str>, label: &str) {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        serde_json::to_string(f).unwrap_or_default().hash(&mut h);
        match self.features.entry(h.finish()) {
            std::collections::hash_map::Entry::Occupied(e) => {
                let first = e.get().clone();
                self.note(format!("{label} repeats {first} exactly"));
                return;
            }
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(label.to_string());
            }
        }
        if let Some(id) = id {
            self.see_id(id, label);
        }
    }

    /// A point's id value and its label (`P5 (line 7)`).
    fn see_id(&mut self, id: &str, label: &str) {
        if id.is_empty() {
            return;
        }
        match self.ids.get(id) {
            Some(first) => {
                let first = first.clone();
                self.note(format!("id '{id}' on {first} and {label}"));
            }
            None => {
                self.ids.insert(id.to_string(), label.to_string());
            }
        }
    }

    fn note(&mut self, what: String) {
        self.count += 1;
        if self.shown.len() < KEEP_IDS {
            self.shown.push(what);
        }
    }

    /// The warning, when something repeats.
    fn warn(&self, source: &str, warnings: &mut Warnings) {
        if self.count == 0 {
            return;
        }
        warnings.push(
            crate::error::WarningCode::DuplicatePoint,
            format!(
                "{source}: {} points repeat an earlier point or its id and are counted again (a facility twice in the file?): {}",
                self.count,
                examples(&self.shown, 5)
            ),
        );
    }
}

/// Whether the attribute that names points is an id (given with the id
/// flag, or detected as id/e_nr/nr/nummer), not a name that two
/// facilities may share.
fn is_id_field(field: &str, opts: &PointOptions) -> bool {
    opts.id_field.is_some() || !field.eq_ignore_ascii_case("name")
}

#[cfg(test)]
mod repeats_tests {
    use super::*;

    #[test]
    fn repeated_features_and_ids_are_named() {
        let f: geojson::Feature = serde_json::from_str(
            r#"{"type":"Feature","properties":{"id":"K1"},"geometry":{"type":"Point","coordinates":[1,2]}}"#,
        )
        .unwrap();
        let mut r = Repeats::default();
        r.see_feature(&f, Some("K1"), "K1 (feature 1)");
        r.see_feature(&f, Some("K1"), "K1 (feature 2)");
        r.see_id("K1", "K1 (feature 3)");
        r.see_id("K2", "K2 (feature 4)");
        r.see_id("", "feature 5");
        r.see_id("", "feature 6");
        assert_eq!(r.count, 2);
        assert_eq!(r.shown[0], "K1 (feature 2) repeats K1 (feature 1) exactly");
        assert_eq!(r.shown[1], "id 'K1' on K1 (feature 1) and K1 (feature 3)");
        let mut w = Warnings::default();
        r.warn("k.geojson", &mut w);
        assert!(w.has("duplicate-point"));
    }
}
