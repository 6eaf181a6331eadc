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

use super::{Accumulator, ExactSum, KEEP_IDS};
use crate::crs::{Crs, Transformer};
use crate::locate::Location;

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
            .or_else(|| crate::stats::parse_number(s, true))
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
    layers: &'a [(&'l crate::geometry::Layer, crate::locate::Locator)],
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
    let cols = sh.cols;
    let n_sums = cols.sums.len();
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
    let id_of = |bounds: &[usize], l: &[u8], line: u64| match cols.id {
        Some(i) => format!("{} (line {line})", text(&l[bounds[i]..bounds[i + 1] - 1])),
        None => format!("line {line}"),
    };
    // Pass 1: the numbers of every line. One look at each byte finds the
    // line end and the delimiters (and quotes or lone CRs: not plain).
    let delim = cols.delimiter;
    let mut special = [false; 256];
    for c in [delim, b'\n', b'\r', b'"'] {
        special[c as usize] = true;
    }
    let mut start = 0;
    let mut k: u64 = 0;
    while start < data.len() {
        bounds.clear();
        bounds.push(0);
        let mut end = data.len();
        let mut q = start;
        while q < data.len() {
            let c = data[q];
            if special[c as usize] {
                if c == delim {
                    bounds.push(q - start + 1);
                } else if c == b'\n' {
                    end = q;
                    break;
                } else if c == b'"' || data.get(q + 1) != Some(&b'\n') {
                    // A quote, or a carriage return not ending a line.
                    return None;
                }
            }
            q += 1;
        }
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
        let (Some(x), Some(y)) = (coordinate(field(cols.x)), coordinate(field(cols.y))) else {
            return None;
        };
        let c = Coord { x, y };
        if !x.is_finite() || !y.is_finite() || !sh.crs.plausible(c) {
            return None;
        }
        coords.push(c);
        for (&i, name) in cols.sums.iter().zip(cols.sum_names) {
            let f = field(i);
            let v = plain_number(f).or_else(|| {
                let raw = text(f);
                if raw.is_empty() {
                    return None;
                }
                let v = super::number_value(raw);
                if v.is_none() {
                    sums.bad_count += 1;
                    if bad_values.len() < KEEP_IDS {
                        bad_values.push(format!(
                            "{}: {name} = '{}'",
                            id_of(bounds, l, line + k),
                            crate::error::clip(raw)
                        ));
                    }
                }
                v
            });
            values.push(v);
        }
        k += 1;
    }
    // Pass 2: transform, locate, count.
    if sh.crs != sh.work && tr.coords(coords).is_err() {
        return None;
    }
    for p in coords.iter() {
        let b = sums.bbox.get_or_insert((p.x, p.y, p.x, p.y));
        *b = (b.0.min(p.x), b.1.min(p.y), b.2.max(p.x), b.3.max(p.y));
    }
    let mut outside_ids = vec![Vec::new(); sums.parts.len()];
    for ((part, (_, loc)), ids) in sums.parts.iter_mut().zip(sh.layers).zip(&mut outside_ids) {
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
    sums.total += coords.len() as u64;
    Some(Ordered {
        outside_ids,
        bad_values,
    })
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
    let mut input = crate::input::open(path)?;
    // The header line: up to the first line end, without quotes.
    let mut buf: Vec<u8> = Vec::with_capacity(BLOCK + 4096);
    let mut carry: Vec<u8> = Vec::new();
    let mut done_reading = false;
    let fill = |input: &mut dyn Read, buf: &mut Vec<u8>, want: usize| -> Result<bool> {
        // Read until `want` bytes or the end; true at the end.
        while buf.len() < want {
            let n = input
                .take((want - buf.len()) as u64)
                .read_to_end(buf)
                .map_err(|e| {
                    crate::error::input_error(format!("{}: cannot read: {e}", path.display()))
                })?;
            if n == 0 {
                return Ok(true);
            }
        }
        Ok(false)
    };
    done_reading |= fill(&mut input, &mut carry, BLOCK)?;
    let Some(header_end) = memchr::memchr(b'\n', &carry) else {
        return Ok(None);
    };
    if memchr::memchr(b'"', &carry[..header_end]).is_some() {
        return Ok(None);
    }
    carry.drain(..=header_end);
    // The first point decides the CRS.
    let first_end = memchr::memchr(b'\n', &carry).unwrap_or(carry.len());
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
    let Ok((crs, crs_note)) = decide(x, y) else {
        return Ok(None);
    };
    let sh = Shared {
        layers: &acc.layers,
        cols,
        crs,
        work,
    };
    let n_sums = cols.sums.len();
    let new_sums = || Sums {
        parts: sh
            .layers
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
    };
    let workers = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .clamp(1, 8);
    let (job_tx, job_rx) = mpsc::sync_channel::<(u64, u64, Vec<u8>)>(workers + 1);
    let job_rx = Arc::new(Mutex::new(job_rx));
    let (out_tx, out_rx) = mpsc::channel::<(u64, BlockOut)>();
    let mut ordered: Vec<Ordered> = Vec::new();
    let mut failed = false;
    let results: Vec<Sums> = std::thread::scope(|s| -> Result<Vec<Sums>> {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                let job_rx = Arc::clone(&job_rx);
                let out_tx = out_tx.clone();
                let sh = &sh;
                let new_sums = &new_sums;
                s.spawn(move || {
                    let tr = Transformer::new(sh.crs, sh.work);
                    let mut sums = new_sums();
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
                })
            })
            .collect();
        drop(out_tx);
        let mut pending: BTreeMap<u64, Option<Ordered>> = BTreeMap::new();
        let mut next_out: u64 = 0;
        let mut pool: Vec<Vec<u8>> = Vec::new();
        let mut collect =
            |(seq, out): (u64, BlockOut), pool: &mut Vec<Vec<u8>>, failed: &mut bool| {
                pool.push(out.buf);
                pending.insert(seq, out.ok);
                while let Some(o) = pending.remove(&next_out) {
                    match o {
                        Some(o) => ordered.push(o),
                        None => *failed = true,
                    }
                    next_out += 1;
                }
            };
        let mut seq: u64 = 0;
        let mut line: u64 = 2;
        let mut read: u64 = 0;
        loop {
            if !done_reading {
                done_reading = fill(&mut input, &mut carry, BLOCK)?;
            }
            if carry.is_empty() || failed {
                break;
            }
            // A block of whole lines (all that is left at the end).
            let cut = if done_reading {
                carry.len()
            } else {
                match memchr::memrchr(b'\n', &carry) {
                    Some(p) => p + 1,
                    None => {
                        // A line longer than a block: read on.
                        let want = carry.len() * 2;
                        done_reading = fill(&mut input, &mut carry, want)?;
                        continue;
                    }
                }
            };
            // The block goes as it is; the part line after it starts the next.
            buf = pool.pop().unwrap_or_default();
            buf.clear();
            buf.reserve(BLOCK + 4096);
            buf.extend_from_slice(&carry[cut..]);
            carry.truncate(cut);
            std::mem::swap(&mut buf, &mut carry);
            read += cut as u64;
            let lines = memchr::memchr_iter(b'\n', &buf).count() as u64
                + u64::from(buf.last() != Some(&b'\n'));
            let l0 = line;
            line += lines;
            let job = (seq, l0, std::mem::take(&mut buf));
            seq += 1;
            // Wait for room, taking results meanwhile.
            let mut job = Some(job);
            while let Some(j) = job.take() {
                match job_tx.try_send(j) {
                    Ok(()) => {}
                    Err(mpsc::TrySendError::Full(j)) => {
                        job = Some(j);
                        if let Ok(r) = out_rx.recv() {
                            collect(r, &mut pool, &mut failed);
                        }
                    }
                    Err(mpsc::TrySendError::Disconnected(_)) => {
                        failed = true;
                    }
                }
            }
            while let Ok(r) = out_rx.try_recv() {
                collect(r, &mut pool, &mut failed);
            }
            progress(read, size);
        }
        drop(job_tx);
        for r in out_rx.iter() {
            collect(r, &mut pool, &mut failed);
        }
        Ok(handles
            .into_iter()
            .map(|h| h.join().expect("a point worker panicked"))
            .collect())
    })?;
    if failed {
        return Ok(None);
    }
    // Merge: counts and exact sums in any order; ids in file order.
    acc.crs = crs;
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
    Ok(Some(Done { crs_note }))
}
