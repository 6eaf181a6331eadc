//! Points counted into the units of each layer: buffered in chunks,
//! transformed into the working CRS and located together; counts, exact
//! sums and categories per unit, the points outside every unit and the
//! values that are not numbers kept for messages.

use anyhow::Result;
use geo::Coord;

use crate::error::input_error;
use crate::points::read::exact_sum::ExactSum;
use crate::points::read::{PointOptions, Tally, KEEP_IDS, MAX_BY_CATEGORIES};
use crate::spatial::crs::{Crs, Transformer};
use crate::spatial::geometry::Layer;
use crate::spatial::locate::{Location, Locator};
use crate::table::stats::numbers::parse_number;

/// One point as read, before it is located. Borrowed text is copied into
/// the chunk's flat buffers, so a point costs no allocation of its own.
pub(super) struct Pending<'s> {
    pub(super) coord: Coord<f64>,
    pub(super) id: &'s str,
    pub(super) values: &'s [Option<f64>],
    pub(super) category: Option<&'s str>,
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

pub(super) struct Accumulator<'a> {
    pub(super) layers: Vec<(&'a Layer, Locator)>,
    pub(super) transformer: Transformer,
    pub(super) tallies: Vec<Tally>,
    /// Per layer, per category index, per unit.
    by: Vec<Vec<Vec<f64>>>,
    categories: Vec<String>,
    pub(super) category_index: std::collections::HashMap<String, u32>,
    n_sums: usize,
    chunk: Chunk,
    pub(super) total: u64,
    pub(super) crs: Crs,
    pub(super) source: String,
    pub(super) bad_values: Vec<String>,
    pub(super) bad_count: u64,
    /// Exact sums per layer, per `--sum` attribute, per unit.
    pub(super) exact: Vec<Vec<Vec<ExactSum>>>,
    /// Bounding box of the points in the working CRS.
    pub(super) bbox: Option<(f64, f64, f64, f64)>,
    /// `--by` attribute, for messages.
    pub(super) by_name: String,
    /// The flag that gives the points' CRS, for messages.
    pub(super) crs_flag: String,
    /// The flag that names the category attribute, for messages.
    pub(super) by_flag: String,
}

impl<'a> Accumulator<'a> {
    /// An empty accumulator over `layers`, for points in the working CRS
    /// until the file says otherwise.
    pub(super) fn new(
        layers: &[&'a Layer],
        opts: &PointOptions,
        work: Crs,
        source: &str,
    ) -> Accumulator<'a> {
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

impl<'a> Accumulator<'a> {
    pub(super) fn push(&mut self, p: Pending<'_>) -> Result<()> {
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

    pub(super) fn flush(&mut self) -> Result<()> {
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
    pub(super) fn check_coord(&mut self, x: f64, y: f64, what: &str) -> Result<Coord<f64>> {
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

    pub(super) fn value(
        &mut self,
        raw: Option<&str>,
        id: &dyn Fn() -> String,
        attr: &str,
    ) -> Option<f64> {
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

impl Accumulator<'_> {
    /// The exact sums into the tallies; a total too large to hold is an error.
    pub(super) fn final_sums(&mut self, opts: &PointOptions) -> Result<()> {
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
    pub(super) fn categories_into_tallies(&mut self) {
        for (t, by) in self.tallies.iter_mut().zip(std::mem::take(&mut self.by)) {
            for (name, counts) in self.categories.iter().zip(by) {
                t.by.insert(name.clone(), counts);
            }
        }
    }
}

/// A summed value read from its (trimmed, non-empty) text: a number, with
/// a decimal point or comma, or None when it is none.
pub(super) fn number_value(raw: &str) -> Option<f64> {
    if let Ok(v) = raw.parse::<f64>() {
        if v.is_finite() {
            return Some(v);
        }
    }
    parse_number(raw, false).or_else(|| parse_number(raw, true))
}
