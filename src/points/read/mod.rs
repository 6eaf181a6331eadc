//! Point data (Kitas, youth facilities, …): count points and sum their
//! attributes per polygon unit.
//!
//! Points are streamed: GeoJSON feature by feature (`geojson`), CSV row
//! by row (`csv`), in chunks that are transformed into the working CRS
//! and located with a [`Locator`](crate::spatial::locate::Locator)
//! (`tally`). Memory does not grow with the number of points. Plain CSV
//! files (no quotes, no `--by`) take a faster way (`csv_fast`): blocks of
//! lines parsed from the bytes and located on all cores, same results.
//! After the last point the run is checked and its tallies handed over
//! (`finish`).

use std::collections::BTreeMap;
use std::io::BufReader;
use std::path::Path;

use anyhow::Result;

use crate::error::{input_error, Warnings};
use crate::points::read::csv::{csv_headers, sniffed, CsvColumns, CsvRead};
use crate::points::read::finish::finish;
use crate::points::read::geojson::read_geojson;
use crate::points::read::repeats::Repeats;
use crate::points::read::tally::Accumulator;
use crate::spatial::crs::Crs;
use crate::spatial::geometry::Layer;

mod csv;
mod csv_fast;
pub mod exact_sum;
mod finish;
mod geojson;
mod repeats;
mod tally;

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
    // A pipe is read once, into a copy the readers below may open again.
    let spool = crate::table::input::Rereadable::new(path)?;
    let path = spool.path();
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
        let mut rdr = ::csv::ReaderBuilder::new()
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

/// Whether the attribute that names points is an id (given with the id
/// flag, or detected as id/e_nr/nr/nummer), not a name that two
/// facilities may share.
fn is_id_field(field: &str, opts: &PointOptions) -> bool {
    opts.id_field.is_some() || !field.eq_ignore_ascii_case("name")
}
