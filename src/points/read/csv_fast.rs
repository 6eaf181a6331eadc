//! The fast way through a plain CSV file of points: the bytes are cut into
//! blocks at line ends, and the blocks are parsed, located and counted on
//! every core at once, with memory flat (a few blocks in flight).
//!
//! Only files without anything unusual take this way: no quote characters,
//! no lone carriage returns, every line with as many fields as the header.
//! A coordinate that is not a plain number, or any other surprise, sends
//! the whole file back to the general CSV reader ([`super::tally_points`]),
//! which reads it from the start and says exactly what is wrong. Results are
//! the same either way: numbers are parsed to the same values (a plain
//! decimal with at most 15 digits is exact as integer / power of ten, which
//! is the correctly rounded value; anything else goes to the same parser as
//! before), sums are exact, and the ids kept for messages are the first
//! ones in file order. A point's id (`line N`) is made only when it is
//! reported.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};

use anyhow::Result;
use geo::Coord;

use crate::points::read::exact_sum::ExactSum;
use crate::points::read::tally::{number_value, Accumulator};
use crate::points::read::KEEP_IDS;
use crate::spatial::crs::{Crs, Transformer};
use crate::spatial::locate::Location;

/// Bytes per block handed to a worker.
const BLOCK: usize = 1 << 19;

/// Where the columns are.
pub(super) struct Columns<'c> {
    pub x: usize,
    pub y: usize,
    pub id: Option<usize>,
    pub sums: &'c [usize],
    pub sum_names: &'c [String],
    pub n_fields: usize,
    pub delimiter: u8,
}

/// What the fast way found besides the tallies: the warning about a
/// guessed CRS, if any.
pub(super) struct Done {
    pub crs_note: Option<String>,
}

/// Text of a field as the general reader sees it.
fn text(b: &[u8]) -> &str {
    std::str::from_utf8(b).unwrap_or("").trim()
}

const POW10: [f64; 16] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
];

/// A plain decimal (`-390123.45`, surrounding blanks allowed) with at most
/// 15 digits: the digits as an integer divided by a power of ten. Both are
/// exact in f64, so the one division gives the correctly rounded value,
/// the same as `str::parse`. Anything else: None (the caller parses the
/// text as before).
#[inline]
fn plain_number(b: &[u8]) -> Option<f64> {
    let ws = |c: u8| matches!(c, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r');
    let mut s = b;
    while let [c, rest @ ..] = s {
        if !ws(*c) {
            break;
        }
        s = rest;
    }
    while let [rest @ .., c] = s {
        if !ws(*c) {
            break;
        }
        s = rest;
    }
    let neg = matches!(s.first(), Some(b'-'));
    if matches!(s.first(), Some(b'-' | b'+')) {
        s = &s[1..];
    }
    if s.len() > 16 {
        return None;
    }
    let mut m: u64 = 0;
    let mut k = 0;
    while k < s.len() {
        let d = s[k].wrapping_sub(b'0');
        if d > 9 {
            break;
        }
        m = m * 10 + u64::from(d);
        k += 1;
    }
    let int_digits = k;
    let mut frac = 0;
    if k < s.len() && s[k] == b'.' {
        k += 1;
        let f0 = k;
        while k < s.len() {
            let d = s[k].wrapping_sub(b'0');
            if d > 9 {
                break;
            }
            m = m * 10 + u64::from(d);
            k += 1;
        }
        frac = k - f0;
    }
    let digits = int_digits + frac;
    if k != s.len() || digits == 0 || digits > 15 {
        return None;
    }
    let v = m as f64 / POW10[frac];
    Some(if neg { -v } else { v })
}

/// A coordinate as the general reader reads it.
fn coordinate(b: &[u8]) -> Option<f64> {
    plain_number(b).or_else(|| {
        let s = text(b);
        s.parse::<f64>()
            .ok()
            .or_else(|| crate::table::stats::numbers::parse_number(s, true))
    })
}

/// Per layer: what a worker counted.
struct Part {
    count: Vec<f64>,
    exact: Vec<Vec<ExactSum>>,
    outside: u64,
    overlap: u64,
}

/// What one worker counted over all its blocks.
struct Sums {
    parts: Vec<Part>,
    total: u64,
    bbox: Option<(f64, f64, f64, f64)>,
    bad_count: u64,
}

/// What depends on the order of the points, per block.
struct BlockOut {
    /// None: something unusual, the general reader must take the file.
    ok: Option<Ordered>,
    buf: Vec<u8>,
}

struct Ordered {
    outside_ids: Vec<Vec<String>>,
    bad_values: Vec<String>,
}

struct Shared<'a, 'l> {
    layers: &'a [(
        &'l crate::spatial::geometry::Layer,
        crate::spatial::locate::Locator,
    )],
    cols: &'a Columns<'a>,
    crs: Crs,
    work: Crs,
}

/// Parse, locate and count one block of whole lines starting at `line`.
fn block(
    sh: &Shared<'_, '_>,
    data: &[u8],
    line: u64,
    tr: &Transformer,
    sums: &mut Sums,
    scratch: &mut Scratch,
) -> Option<Ordered> {
    let bad_values = parse_block(sh, data, line, &mut sums.bad_count, scratch)?;
    // Pass 2: transform, locate, count.
    if sh.crs != sh.work && tr.coords(&mut scratch.coords).is_err() {
        return None;
    }
    grow_bbox(&mut sums.bbox, &scratch.coords);
    let mut outside_ids = vec![Vec::new(); sums.parts.len()];
    for ((part, (_, loc)), ids) in sums.parts.iter_mut().zip(sh.layers).zip(&mut outside_ids) {
        count_layer(part, loc, ids, data, line, sh.cols, scratch);
    }
    sums.total += scratch.coords.len() as u64;
    Some(Ordered {
        outside_ids,
        bad_values,
    })
}

/// Pass 1 of a block: the coordinates and `--sum` values of every line
/// into `scratch` (and where each line starts), with the first values that
/// are not numbers (all of them counted in `bad_count`). None: something
/// unusual, the general reader must take the file.
#[inline]
fn parse_block(
    sh: &Shared<'_, '_>,
    data: &[u8],
    line: u64,
    bad_count: &mut u64,
    scratch: &mut Scratch,
) -> Option<Vec<String>> {
    let cols = sh.cols;
    let Scratch {
        coords,
        values,
        bounds,
        starts,
    } = scratch;
    coords.clear();
    values.clear();
    starts.clear();
    let mut bad_values = Vec::new();
    let special = special_bytes(cols.delimiter);
    let mut start = 0;
    let mut k: u64 = 0;
    while start < data.len() {
        let end = scan_line(data, start, &special, cols.delimiter, bounds)?;
        let mut l = &data[start..end];
        starts.push(start);
        start = end + 1;
        if let [rest @ .., b'\r'] = l {
            l = rest;
        }
        // Field i is l[bounds[i]..bounds[i + 1] - 1].
        bounds.push(l.len() + 1);
        if bounds.len() - 1 != cols.n_fields {
            return None;
        }
        let field = |i: usize| &l[bounds[i]..bounds[i + 1] - 1];
        coords.push(point(sh.crs, field(cols.x), field(cols.y))?);
        for (&i, name) in cols.sums.iter().zip(cols.sum_names) {
            let v = sum_value(field(i), |raw| {
                *bad_count += 1;
                if bad_values.len() < KEEP_IDS {
                    let id = match cols.id {
                        Some(i) => format!("{} (line {})", text(field(i)), line + k),
                        None => format!("line {}", line + k),
                    };
                    bad_values.push(format!("{id}: {name} = '{}'", crate::error::clip(raw)));
                }
            });
            values.push(v);
        }
        k += 1;
    }
    Some(bad_values)
}

/// The bytes that stop the scan of a line: the delimiter, line ends and
/// quotes.
fn special_bytes(delimiter: u8) -> [bool; 256] {
    let mut special = [false; 256];
    for c in [delimiter, b'\n', b'\r', b'"'] {
        special[c as usize] = true;
    }
    special
}

/// One look at each byte of the line from `start`: where it ends (the
/// `\n` or the end of the data), with `bounds` = 0 and one past every
/// delimiter (relative to `start`). None: a quote or a carriage return not
/// ending a line (not plain).
#[inline]
fn scan_line(
    data: &[u8],
    start: usize,
    special: &[bool; 256],
    delim: u8,
    bounds: &mut Vec<usize>,
) -> Option<usize> {
    bounds.clear();
    bounds.push(0);
    let mut q = start;
    while q < data.len() {
        let c = data[q];
        if special[c as usize] {
            if c == delim {
                bounds.push(q - start + 1);
            } else if c == b'\n' {
                return Some(q);
            } else if c == b'"' || data.get(q + 1) != Some(&b'\n') {
                // A quote, or a carriage return not ending a line.
                return None;
            }
        }
        q += 1;
    }
    Some(data.len())
}

/// The point of a line's x and y fields, if both are finite numbers
/// plausible in `crs`.
#[inline]
fn point(crs: Crs, x: &[u8], y: &[u8]) -> Option<Coord<f64>> {
    let (Some(x), Some(y)) = (coordinate(x), coordinate(y)) else {
        return None;
    };
    let c = Coord { x, y };
    (x.is_finite() && y.is_finite() && crs.plausible(c)).then_some(c)
}

/// A `--sum` value: a number, None for an empty field, and None with
/// `bad(text)` called for a field that is not a number.
#[inline]
fn sum_value(f: &[u8], bad: impl FnOnce(&str)) -> Option<f64> {
    plain_number(f).or_else(|| {
        let raw = text(f);
        if raw.is_empty() {
            return None;
        }
        let v = number_value(raw);
        if v.is_none() {
            bad(raw);
        }
        v
    })
}

/// Widen `bbox` to hold every point.
#[inline]
fn grow_bbox(bbox: &mut Option<(f64, f64, f64, f64)>, coords: &[Coord<f64>]) {
    for p in coords {
        let b = bbox.get_or_insert((p.x, p.y, p.x, p.y));
        *b = (b.0.min(p.x), b.1.min(p.y), b.2.max(p.x), b.3.max(p.y));
    }
}

/// Pass 2 for one layer: locate the points of the block (`scratch`, parsed
/// from `data`) and count them and their values into `part`; the first ids
/// of points outside every unit into `ids`.
#[inline]
fn count_layer(
    part: &mut Part,
    loc: &crate::spatial::locate::Locator,
    ids: &mut Vec<String>,
    data: &[u8],
    line: u64,
    cols: &Columns<'_>,
    scratch: &mut Scratch,
) {
    let n_sums = cols.sums.len();
    let Scratch {
        coords,
        values,
        bounds,
        starts,
    } = scratch;
    for (k, p) in coords.iter().enumerate() {
        let i = match loc.locate(p.x, p.y) {
            Location::In(i) => i,
            Location::Overlap(i) => {
                part.overlap += 1;
                i
            }
            Location::Outside => {
                part.outside += 1;
                if ids.len() < KEEP_IDS {
                    ids.push(nth_id(data, starts[k], line + k as u64, cols, bounds));
                }
                continue;
            }
        };
        part.count[i] += 1.0;
        for (s, v) in part
            .exact
            .iter_mut()
            .zip(&values[k * n_sums..(k + 1) * n_sums])
        {
            if let Some(v) = v {
                s[i].add(*v);
            }
        }
    }
}

/// The id of the line of a block that starts at `start` (only for the few
/// reported points).
fn nth_id(
    data: &[u8],
    start: usize,
    line: u64,
    cols: &Columns<'_>,
    bounds: &mut Vec<usize>,
) -> String {
    let Some(i) = cols.id else {
        return format!("line {line}");
    };
    let end = memchr::memchr(b'\n', &data[start..]).map_or(data.len(), |e| start + e);
    let mut l = &data[start..end];
    if let [rest @ .., b'\r'] = l {
        l = rest;
    }
    bounds.clear();
    bounds.push(0);
    bounds.extend(memchr::memchr_iter(cols.delimiter, l).map(|p| p + 1));
    bounds.push(l.len() + 1);
    format!("{} (line {line})", text(&l[bounds[i]..bounds[i + 1] - 1]))
}

/// Buffers a worker reuses from block to block.
#[derive(Default)]
struct Scratch {
    coords: Vec<Coord<f64>>,
    values: Vec<Option<f64>>,
    /// Field i of the current line is line[bounds[i]..bounds[i + 1] - 1].
    bounds: Vec<usize>,
    /// Where each line of the block starts.
    starts: Vec<usize>,
}

/// Count the points of a plain CSV file on all cores into `acc`. Ok(None):
/// the file needs the general reader (nothing in `acc` has changed).
/// `decide` gives the CRS from the first point's coordinates (and the
/// warning when it was guessed), as the general reader does.
pub(super) fn tally(
    path: &Path,
    cols: &Columns<'_>,
    acc: &mut Accumulator<'_>,
    work: Crs,
    decide: &dyn Fn(f64, f64) -> Result<(Crs, Option<String>)>,
    progress: &mut dyn FnMut(u64, u64),
    size: u64,
) -> Result<Option<Done>> {
    let mut blocks = Blocks {
        input: crate::table::input::open(path)?,
        carry: Vec::new(),
        done: false,
        path,
    };
    let Some((crs, crs_note)) = blocks.head(cols, decide)? else {
        return Ok(None);
    };
    let sh = Shared {
        layers: &acc.layers,
        cols,
        crs,
        work,
    };
    let Some((results, ordered)) = run_workers(&sh, &mut blocks, progress, size)? else {
        return Ok(None);
    };
    acc.crs = crs;
    merge(acc, results, ordered);
    Ok(Some(Done { crs_note }))
}

/// The file cut into blocks of whole lines.
struct Blocks<'p> {
    input: Box<dyn Read + Send>,
    /// Read and not yet handed out.
    carry: Vec<u8>,
    /// The input is read to its end.
    done: bool,
    path: &'p Path,
}

impl Blocks<'_> {
    /// Read until `carry` holds `want` bytes or the end; true at the end.
    fn fill(&mut self, want: usize) -> Result<bool> {
        while self.carry.len() < want {
            let n = (&mut self.input)
                .take((want - self.carry.len()) as u64)
                .read_to_end(&mut self.carry)
                .map_err(|e| {
                    crate::error::input_error(format!("{}: cannot read: {e}", self.path.display()))
                })?;
            if n == 0 {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Past the header line (up to the first line end, without quotes);
    /// the CRS that `decide` gives from the first point's coordinates.
    /// None: not a plain file.
    fn head(
        &mut self,
        cols: &Columns<'_>,
        decide: &dyn Fn(f64, f64) -> Result<(Crs, Option<String>)>,
    ) -> Result<Option<(Crs, Option<String>)>> {
        self.done |= self.fill(BLOCK)?;
        let carry = &mut self.carry;
        let Some(header_end) = memchr::memchr(b'\n', carry) else {
            return Ok(None);
        };
        if memchr::memchr(b'"', &carry[..header_end]).is_some() {
            return Ok(None);
        }
        carry.drain(..=header_end);
        let first_end = memchr::memchr(b'\n', carry).unwrap_or(carry.len());
        let first = carry[..first_end]
            .strip_suffix(b"\r")
            .unwrap_or(&carry[..first_end]);
        let fields: Vec<&[u8]> = first.split(|&b| b == cols.delimiter).collect();
        if fields.len() != cols.n_fields || first.contains(&b'"') {
            return Ok(None);
        }
        let (Some(x), Some(y)) = (coordinate(fields[cols.x]), coordinate(fields[cols.y])) else {
            return Ok(None);
        };
        Ok(decide(x, y).ok())
    }

    /// The next block of whole lines (all that is left at the end), in a
    /// buffer from `pool` if there is one. None at the end, or at once when
    /// `stop`.
    fn next(&mut self, pool: &mut Vec<Vec<u8>>, stop: bool) -> Result<Option<Vec<u8>>> {
        loop {
            if !self.done {
                self.done = self.fill(BLOCK)?;
            }
            if self.carry.is_empty() || stop {
                return Ok(None);
            }
            let cut = if self.done {
                self.carry.len()
            } else {
                match memchr::memrchr(b'\n', &self.carry) {
                    Some(p) => p + 1,
                    None => {
                        // A line longer than a block: read on.
                        let want = self.carry.len() * 2;
                        self.done = self.fill(want)?;
                        continue;
                    }
                }
            };
            // The block goes as it is; the part line after it starts the next.
            let mut buf = pool.pop().unwrap_or_default();
            buf.clear();
            buf.reserve(BLOCK + 4096);
            buf.extend_from_slice(&self.carry[cut..]);
            self.carry.truncate(cut);
            std::mem::swap(&mut buf, &mut self.carry);
            return Ok(Some(buf));
        }
    }
}

/// A block for a worker: its number, its first line and its bytes.
type Job = (u64, u64, Vec<u8>);

/// The blocks a worker has done, put back in file order.
#[derive(Default)]
struct Results {
    /// Done blocks waiting for an earlier one.
    pending: BTreeMap<u64, Option<Ordered>>,
    next_out: u64,
    ordered: Vec<Ordered>,
    /// A block needs the general reader.
    failed: bool,
    /// Buffers of done blocks, for reuse.
    pool: Vec<Vec<u8>>,
}

impl Results {
    fn take(&mut self, (seq, out): (u64, BlockOut)) {
        self.pool.push(out.buf);
        self.pending.insert(seq, out.ok);
        while let Some(o) = self.pending.remove(&self.next_out) {
            match o {
                Some(o) => self.ordered.push(o),
                None => self.failed = true,
            }
            self.next_out += 1;
        }
    }
}

/// Read the blocks and count them on up to 8 worker threads: what each
/// worker counted, and what depends on the order in file order. None: the
/// file needs the general reader.
fn run_workers(
    sh: &Shared<'_, '_>,
    blocks: &mut Blocks<'_>,
    progress: &mut dyn FnMut(u64, u64),
    size: u64,
) -> Result<Option<(Vec<Sums>, Vec<Ordered>)>> {
    let workers = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .clamp(1, 8);
    let (job_tx, job_rx) = mpsc::sync_channel::<Job>(workers + 1);
    let job_rx = Arc::new(Mutex::new(job_rx));
    let (out_tx, out_rx) = mpsc::channel::<(u64, BlockOut)>();
    let mut results = Results::default();
    let sums: Vec<Sums> = std::thread::scope(|s| -> Result<Vec<Sums>> {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                let job_rx = Arc::clone(&job_rx);
                let out_tx = out_tx.clone();
                s.spawn(move || worker(sh, &job_rx, &out_tx))
            })
            .collect();
        drop(out_tx);
        feed(blocks, &job_tx, &out_rx, &mut results, progress, size)?;
        drop(job_tx);
        for r in out_rx.iter() {
            results.take(r);
        }
        Ok(handles
            .into_iter()
            .map(|h| h.join().expect("a point worker panicked"))
            .collect())
    })?;
    Ok((!results.failed).then_some((sums, results.ordered)))
}

/// A worker: blocks from `job_rx` until there are no more, each sent back
/// with what depends on the order; returns its counts.
fn worker(
    sh: &Shared<'_, '_>,
    job_rx: &Mutex<mpsc::Receiver<Job>>,
    out_tx: &mpsc::Sender<(u64, BlockOut)>,
) -> Sums {
    let tr = Transformer::new(sh.crs, sh.work);
    let mut sums = Sums::new(sh.layers, sh.cols.sums.len());
    let mut scratch = Scratch::default();
    loop {
        let job = job_rx.lock().map(|r| r.recv());
        let Ok(Ok((seq, line, buf))) = job else {
            break;
        };
        let ok = block(sh, &buf, line, &tr, &mut sums, &mut scratch);
        if out_tx.send((seq, BlockOut { ok, buf })).is_err() {
            break;
        }
    }
    sums
}

/// Hand every block to the workers (taking their results meanwhile) until
/// the end of the file or a block that needs the general reader.
fn feed(
    blocks: &mut Blocks<'_>,
    job_tx: &mpsc::SyncSender<Job>,
    out_rx: &mpsc::Receiver<(u64, BlockOut)>,
    results: &mut Results,
    progress: &mut dyn FnMut(u64, u64),
    size: u64,
) -> Result<()> {
    let mut seq: u64 = 0;
    let mut line: u64 = 2;
    let mut read: u64 = 0;
    while let Some(buf) = blocks.next(&mut results.pool, results.failed)? {
        read += buf.len() as u64;
        let lines =
            memchr::memchr_iter(b'\n', &buf).count() as u64 + u64::from(buf.last() != Some(&b'\n'));
        let job = (seq, line, buf);
        line += lines;
        seq += 1;
        // Wait for room, taking results meanwhile.
        let mut job = Some(job);
        while let Some(j) = job.take() {
            match job_tx.try_send(j) {
                Ok(()) => {}
                Err(mpsc::TrySendError::Full(j)) => {
                    job = Some(j);
                    if let Ok(r) = out_rx.recv() {
                        results.take(r);
                    }
                }
                Err(mpsc::TrySendError::Disconnected(_)) => {
                    results.failed = true;
                }
            }
        }
        while let Ok(r) = out_rx.try_recv() {
            results.take(r);
        }
        progress(read, size);
    }
    Ok(())
}

impl Sums {
    /// Nothing counted yet, for `layers` and `n_sums` values per point.
    fn new(
        layers: &[(
            &crate::spatial::geometry::Layer,
            crate::spatial::locate::Locator,
        )],
        n_sums: usize,
    ) -> Sums {
        Sums {
            parts: layers
                .iter()
                .map(|(l, _)| Part {
                    count: vec![0.0; l.features.len()],
                    exact: vec![vec![ExactSum::default(); l.features.len()]; n_sums],
                    outside: 0,
                    overlap: 0,
                })
                .collect(),
            total: 0,
            bbox: None,
            bad_count: 0,
        }
    }
}

/// Merge the workers' counts into `acc`: counts and exact sums in any
/// order; ids in file order.
fn merge(acc: &mut Accumulator<'_>, results: Vec<Sums>, ordered: Vec<Ordered>) {
    for sums in results {
        acc.total += sums.total;
        acc.bad_count += sums.bad_count;
        if let Some(b) = sums.bbox {
            let a = acc.bbox.get_or_insert(b);
            *a = (a.0.min(b.0), a.1.min(b.1), a.2.max(b.2), a.3.max(b.3));
        }
        for ((part, t), exact) in sums
            .parts
            .into_iter()
            .zip(&mut acc.tallies)
            .zip(&mut acc.exact)
        {
            for (c, p) in t.count.iter_mut().zip(&part.count) {
                *c += p;
            }
            t.outside += part.outside;
            t.overlap += part.overlap;
            for (e, p) in exact.iter_mut().zip(&part.exact) {
                for (e, p) in e.iter_mut().zip(p) {
                    e.merge(p);
                }
            }
        }
    }
    for o in ordered {
        for (t, ids) in acc.tallies.iter_mut().zip(o.outside_ids) {
            let room = KEEP_IDS.saturating_sub(t.outside_ids.len());
            t.outside_ids.extend(ids.into_iter().take(room));
        }
        let room = KEEP_IDS.saturating_sub(acc.bad_values.len());
        acc.bad_values.extend(o.bad_values.into_iter().take(room));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_is_scanned_for_its_fields_and_end() {
        let special = special_bytes(b';');
        let mut bounds = Vec::new();
        let data = b"h;x\nK1;12.5;3\r\nK2";
        assert_eq!(scan_line(data, 4, &special, b';', &mut bounds), Some(14));
        assert_eq!(bounds, [0, 3, 8]);
        assert_eq!(scan_line(data, 15, &special, b';', &mut bounds), Some(17));
        assert_eq!(bounds, [0]);
        assert_eq!(scan_line(b"\"K1\";1", 0, &special, b';', &mut bounds), None);
        assert_eq!(scan_line(b"K1\r;1\n", 0, &special, b';', &mut bounds), None);
    }

    #[test]
    fn sum_values_are_numbers_or_reported() {
        let mut bad = Vec::new();
        assert_eq!(
            sum_value(b" 12.5 ", |r| bad.push(r.to_string())),
            Some(12.5)
        );
        assert_eq!(sum_value(b"1e3", |r| bad.push(r.to_string())), Some(1000.0));
        assert_eq!(sum_value(b"  ", |r| bad.push(r.to_string())), None);
        assert_eq!(sum_value(b"viele", |r| bad.push(r.to_string())), None);
        assert_eq!(bad, ["viele"]);
        let utm = Crs::Utm33;
        assert_eq!(
            point(utm, b"390000.5", b" 5810000"),
            Some(Coord {
                x: 390_000.5,
                y: 5_810_000.0
            })
        );
        assert_eq!(point(utm, b"13.4", b"52.5"), None);
        assert_eq!(point(utm, b"x", b"5810000"), None);
        let mut bbox = None;
        grow_bbox(
            &mut bbox,
            &[Coord { x: 2.0, y: 1.0 }, Coord { x: -1.0, y: 5.0 }],
        );
        assert_eq!(bbox, Some((-1.0, 1.0, 2.0, 5.0)));
    }
}
