//! The bundled sample: an invented district, made by this code.
//!
//! "Auenwalde" (Bezirk key `13`, which Berlin does not use) has 50
//! Planungsräume on a 10 × 5 grid, in 15 Bezirksregionen and 5
//! Prognoseräume, with keys in the LOR 2021 style (`13 PP RR NN`). The
//! generator is deterministic: `lor sample --output-dir data/sample` writes
//! byte-identical files every time, and a test checks that the committed
//! files are exactly what it makes. Each PLR is a cell of the grid, so
//! geometries, Sozialräume and points can be derived from the same plan.

use std::fmt::Write as _;

/// Bezirk key of the sample district.
pub const BEZIRK: &str = "13";
pub const BEZIRK_NAME: &str = "Auenwalde";
/// The README of the sample folder: what it is, and the source lines of
/// its files in maps and reports (`render::draw::source` reads the table).
pub const README: &str = "\
# Sample district Auenwalde (invented)

Made by `lor sample` (src/sample.rs): an invented district, Bezirk key `13`, with 50
Planungsräume, its statistics at seven dates, Sozialräume as polygons and as a list.
No real person or place is in it; use it freely.

## Source lines

What `lor` writes as the source of each file in maps and reports (the date of the
statistics is their own: `ZEIT`, or the date in the file name).

| file | publisher | title | date | licence |
|---|---|---|---|---|
| `EWR*_Matrix.csv` | lor | Beispielbezirk Auenwalde (erfunden), Einwohnerinnen und Einwohner | – | frei verwendbar |
| `indikatoren.csv` | lor | Beispielbezirk Auenwalde (erfunden), Indikatoren | – | frei verwendbar |
| `plr.csv` | lor | Beispielbezirk Auenwalde (erfunden), Planungsräume | – | frei verwendbar |
| `plr.geojson` | lor | Beispielbezirk Auenwalde (erfunden), Planungsräume | – | frei verwendbar |
| `sozialraeume.geojson` | lor | Beispielbezirk Auenwalde (erfunden), Sozialräume | – | frei verwendbar |
| `sozialraum-liste.csv` | lor | Beispielbezirk Auenwalde (erfunden), Sozialräume | – | frei verwendbar |
| `lor-alt-neu.csv` | lor | Beispielbezirk Auenwalde (erfunden), Schlüssel alt–neu | – | frei verwendbar |
";

/// Reference date of the sample statistics (`ZEIT`).
pub const ZEIT: &str = "202412";
pub const COLS: usize = 10;
pub const ROWS: usize = 5;

const PGR_NAMES: [&str; 5] = [
    "Altstadt",
    "Auenviertel",
    "Bahnhofsviertel",
    "Seeufer",
    "Heidefeld",
];
const BZR_SUFFIX: [&str; 3] = ["Nord", "Mitte", "Süd"];
const PLR_FIRST: [&str; 10] = [
    "Linden",
    "Eichen",
    "Mühlen",
    "Birken",
    "Weiden",
    "Rosen",
    "Ahorn",
    "Erlen",
    "Kastanien",
    "Buchen",
];
const PLR_SECOND: [&str; 5] = ["park", "hof", "grund", "anger", "feld"];

/// Age bands of the statistics office's population file: (from, to) years.
pub const AGE_BANDS: [(u32, u32); 32] = [
    (0, 1),
    (1, 2),
    (2, 3),
    (3, 5),
    (5, 6),
    (6, 7),
    (7, 8),
    (8, 10),
    (10, 12),
    (12, 14),
    (14, 15),
    (15, 18),
    (18, 21),
    (21, 25),
    (25, 27),
    (27, 30),
    (30, 35),
    (35, 40),
    (40, 45),
    (45, 50),
    (50, 55),
    (55, 60),
    (60, 63),
    (63, 65),
    (65, 67),
    (67, 70),
    (70, 75),
    (75, 80),
    (80, 85),
    (85, 90),
    (90, 95),
    (95, 110),
];

/// Age groups (`E_EU1`, `E_E1U6`, …): (from, to) years, each a run of bands.
pub const AGE_GROUPS: [(u32, u32); 9] = [
    (0, 1),
    (1, 6),
    (6, 15),
    (15, 18),
    (18, 25),
    (25, 55),
    (55, 65),
    (65, 80),
    (80, 110),
];

/// Deterministic pseudo-random numbers (SplitMix64).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }
}

/// One Planungsraum of the sample: its grid cell and figures.
#[derive(Debug, Clone)]
pub struct SamplePlr {
    pub key: String,
    pub name: String,
    pub col: usize,
    pub row: usize,
    /// Persons per age band (same order as [`AGE_BANDS`]), and how many of them are female.
    pub bands: Vec<u64>,
    pub female: Vec<u64>,
}

impl SamplePlr {
    pub fn pgr(&self) -> &str {
        &self.key[..4]
    }
    pub fn bzr(&self) -> &str {
        &self.key[..6]
    }
    pub fn population(&self) -> u64 {
        self.bands.iter().sum()
    }
}

/// The whole sample district.
#[derive(Debug, Clone)]
pub struct Sample {
    pub plr: Vec<SamplePlr>,
}

/// Index of the Bezirksregion (0..3) inside its Prognoseraum for a grid row.
fn bzr_of_row(row: usize) -> usize {
    match row {
        0 | 1 => 0,
        2 | 3 => 1,
        _ => 2,
    }
}

pub fn pgr_name(p: usize) -> &'static str {
    PGR_NAMES[p]
}

pub fn bzr_name(p: usize, b: usize) -> String {
    format!("{} {}", PGR_NAMES[p], BZR_SUFFIX[b])
}

/// Split `total` into integers proportional to `weights` (largest remainder).
fn apportion(total: u64, weights: &[f64]) -> Vec<u64> {
    let sum: f64 = weights.iter().sum();
    let exact: Vec<f64> = weights.iter().map(|w| total as f64 * w / sum).collect();
    let mut out: Vec<u64> = exact.iter().map(|x| x.floor() as u64).collect();
    let mut rest = total - out.iter().sum::<u64>();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by(|&a, &b| {
        let ra = exact[a] - exact[a].floor();
        let rb = exact[b] - exact[b].floor();
        rb.partial_cmp(&ra)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(a.cmp(&b))
    });
    for i in order {
        if rest == 0 {
            break;
        }
        out[i] += 1;
        rest -= 1;
    }
    out
}

/// Dates of the sample series (`ZEIT`), half-yearly.
pub const SERIES_DATES: [&str; 6] = ["202206", "202212", "202306", "202312", "202406", "202412"];
/// The first date in the new keys.
pub const SERIES_FIRST_NEW: &str = "202306";
/// File names of the series, beside the other sample files.
pub const SERIES_FILES: [&str; 6] = [
    "series/EWR202206E_Matrix.csv",
    "series/EWR202212E_Matrix.csv",
    "series/EWR202306E_Matrix.csv",
    "series/EWR202312E_Matrix.csv",
    "series/EWR202406E_Matrix.csv",
    "series/EWR202412E_Matrix.csv",
];
/// The crosswalk old keys → new keys of the series.
pub const SERIES_CROSSWALK: &str = "lor-alt-neu.csv";
/// Two PLR of the new keys that were one PLR in the old.
pub const MERGED_NEW: [&str; 2] = ["13100101", "13100102"];
pub const MERGED_OLD: &str = "13010101";

/// The old key of a PLR: Prognoseraum `P0` was `0P` (LOR 2006 style).
pub fn old_key(new: &str) -> String {
    format!("{}0{}{}", &new[..2], &new[2..3], &new[4..])
}

/// One row of a population file.
struct PopulationRow {
    key: String,
    col: usize,
    bands: Vec<u64>,
    female: Vec<u64>,
}

fn population_matrix(zeit: &str, rows: &[PopulationRow]) -> String {
    let mut s = String::from("ZEIT;RAUMID;BEZ;PGR;BZR;PLR;STADTRAUM;E_E;E_EM;E_EW");
    for (lo, hi) in AGE_BANDS {
        let _ = write!(s, ";E_E{lo:02}_{hi:02}");
    }
    for (lo, hi) in AGE_GROUPS {
        if lo == 0 {
            s.push_str(";E_EU1");
        } else {
            let _ = write!(s, ";E_E{lo}U{hi}");
        }
    }
    s.push_str("\r\n");
    for p in rows {
        let total: u64 = p.bands.iter().sum();
        let female: u64 = p.female.iter().sum();
        let stadtraum = if p.col < 4 { 1 } else { 2 };
        let k = &p.key;
        let _ = write!(
            s,
            "{zeit};{k};{};{};{};{};{stadtraum};{total};{};{female}",
            &k[0..2],
            &k[2..4],
            &k[4..6],
            &k[6..8],
            total - female
        );
        for b in &p.bands {
            let _ = write!(s, ";{b}");
        }
        for (lo, hi) in AGE_GROUPS {
            let g: u64 = AGE_BANDS
                .iter()
                .zip(&p.bands)
                .filter(|((a, b), _)| *a >= lo && *b <= hi)
                .map(|(_, n)| n)
                .sum();
            let _ = write!(s, ";{g}");
        }
        s.push_str("\r\n");
    }
    s
}

impl Sample {
    /// Make the sample district (always the same).
    pub fn generate() -> Sample {
        let mut rng = Rng::new(0x004C_4F52_3230_3231);
        let mut plr = Vec::with_capacity(COLS * ROWS);
        let mut n = 0;
        for p in 0..5 {
            for b in 0..3 {
                let rr = p * 3 + b + 1;
                for col in [2 * p, 2 * p + 1] {
                    for (row, second) in PLR_SECOND.iter().enumerate().take(ROWS) {
                        if bzr_of_row(row) != b {
                            continue;
                        }
                        n += 1;
                        let key = format!("{BEZIRK}{}{rr:02}{n:02}", (p + 1) * 10);
                        let name = format!("{}{second}", PLR_FIRST[col]);
                        // Population: a forest with nobody, an allotment area
                        // with a handful, dense blocks in the Altstadt.
                        let total = if col == 9 && row == 4 {
                            0
                        } else if col == 8 && row == 4 {
                            23
                        } else {
                            let density = if p == 0 { 1.6 } else { 1.0 };
                            (rng.range(900.0, 7800.0) * density).round() as u64
                        };
                        // Age profile: young families in the east, older in the west.
                        let youth = 0.7 + 0.08 * col as f64 + rng.range(-0.1, 0.1);
                        let weights: Vec<f64> = AGE_BANDS
                            .iter()
                            .map(|&(lo, hi)| {
                                let mid = (lo + hi.min(100)) as f64 / 2.0;
                                let width = (hi.min(100) - lo) as f64;
                                let d = if mid < 18.0 {
                                    youth
                                } else if mid < 45.0 {
                                    1.3
                                } else if mid < 65.0 {
                                    1.0
                                } else {
                                    (1.8 - youth) * (-(mid - 65.0) / 18.0).exp()
                                };
                                width * d * rng.range(0.85, 1.15)
                            })
                            .collect();
                        let bands = apportion(total, &weights);
                        let female = bands
                            .iter()
                            .zip(AGE_BANDS.iter())
                            .map(|(&k, &(lo, _))| {
                                let share =
                                    if lo >= 75 { 0.6 } else { 0.49 } + rng.range(-0.03, 0.03);
                                ((k as f64) * share).round() as u64
                            })
                            .collect();
                        plr.push(SamplePlr {
                            key,
                            name,
                            col,
                            row,
                            bands,
                            female,
                        });
                    }
                }
            }
        }
        plr.sort_by(|a, b| a.key.cmp(&b.key));
        Sample { plr }
    }

    /// The names table (`;`, UTF-8), like the statistics office's key list.
    pub fn names_csv(&self) -> String {
        let mut s =
            String::from("Schlüssel;Bezirk;Planungsraum;Bezirksregion;Prognoseraum;Fläche in m²\n");
        for p in &self.plr {
            let pgr = p.col / 2;
            let _ = writeln!(
                s,
                "{};{BEZIRK_NAME};{};{};{};300000",
                p.key,
                p.name,
                bzr_name(pgr, bzr_of_row(p.row)),
                pgr_name(pgr),
            );
        }
        s
    }

    /// Population figures in the statistics office's format (`EWR…_Matrix.csv`:
    /// `;`, CRLF, `ZEIT`, `RAUMID`, key parts, counts).
    pub fn population_csv(&self) -> String {
        let rows: Vec<PopulationRow> = self
            .plr
            .iter()
            .map(|p| PopulationRow {
                key: p.key.clone(),
                col: p.col,
                bands: p.bands.clone(),
                female: p.female.clone(),
            })
            .collect();
        population_matrix(ZEIT, &rows)
    }

    /// The population of the sample at each date of [`SERIES_DATES`]: the
    /// last is [`Sample::population_csv`]; earlier dates change by a steady
    /// drift per PLR (−1.2 … +1.8 % a half-year) and ±2 % noise per age
    /// band. Up to 2022-12 the district used its old keys ([`old_key`]: the
    /// Prognoseraum digits `0P` instead of `P0`, LOR 2006 style), in which
    /// [`MERGED_NEW`] were one PLR, [`MERGED_OLD`].
    pub fn series_csv(&self) -> Vec<String> {
        let mut rng = Rng::new(0x0053_4552_4945_5321);
        let last = SERIES_DATES.len() - 1;
        // Per PLR: a drift per half-year.
        let drift: Vec<f64> = self.plr.iter().map(|_| rng.range(-0.012, 0.018)).collect();
        let mut out = Vec::with_capacity(SERIES_DATES.len());
        for (t, zeit) in SERIES_DATES.iter().enumerate() {
            let mut rows: Vec<PopulationRow> = Vec::with_capacity(self.plr.len());
            for (i, p) in self.plr.iter().enumerate() {
                let f = (1.0 + drift[i]).powi(-((last - t) as i32));
                let mut bands = Vec::with_capacity(p.bands.len());
                let mut female = Vec::with_capacity(p.bands.len());
                for (&b, &fm) in p.bands.iter().zip(&p.female) {
                    if t == last {
                        bands.push(b);
                        female.push(fm);
                        continue;
                    }
                    let nb = (b as f64 * f * (1.0 + rng.range(-0.02, 0.02))).round() as u64;
                    let nf = if b == 0 {
                        0
                    } else {
                        (fm as f64 * nb as f64 / b as f64).round() as u64
                    };
                    bands.push(nb);
                    female.push(nf);
                }
                let old = *zeit < SERIES_FIRST_NEW;
                let key = if old { old_key(&p.key) } else { p.key.clone() };
                if old && p.key == MERGED_NEW[1] {
                    let prev = rows.last_mut().expect("the merged PLR follow each other");
                    for (a, b) in prev.bands.iter_mut().zip(&bands) {
                        *a += b;
                    }
                    for (a, b) in prev.female.iter_mut().zip(&female) {
                        *a += b;
                    }
                    continue;
                }
                rows.push(PopulationRow {
                    key,
                    col: p.col,
                    bands,
                    female,
                });
            }
            out.push(population_matrix(zeit, &rows));
        }
        out
    }

    /// The old keys → the new (`;`, UTF-8): 1 where a PLR only changed its
    /// key; the merged PLR split by area (both halves have 300 000 m², so 0.5).
    pub fn series_crosswalk_csv(&self) -> String {
        let mut s = String::from("PLR_alt;PLR_neu;Gewicht\n");
        for p in &self.plr {
            let w = if MERGED_NEW.contains(&p.key.as_str()) {
                "0.5"
            } else {
                "1"
            };
            let old = if p.key == MERGED_NEW[1] {
                MERGED_OLD.to_string()
            } else {
                old_key(&p.key)
            };
            let _ = writeln!(s, "{old};{};{w}", p.key);
        }
        s
    }

    /// Social indicators in % (like the Monitoring Soziale Stadtentwicklung):
    /// `;`, decimal comma, UTF-8 with BOM, `.` where a PLR is too small to publish.
    pub fn indicators_csv(&self) -> String {
        let mut rng = Rng::new(0x004B_3031);
        let mut s = String::from("\u{feff}PLR-ID;PLR-Name;EW;K01 Arbeitslose %;K02 Kinderarmut %;K03 Alleinerziehende %\n");
        for p in &self.plr {
            let ew = p.population();
            let base = 3.0 + 0.9 * (p.col as f64) + rng.range(-1.0, 1.0);
            let vals = [
                base,
                base * 2.6 + rng.range(0.0, 4.0),
                18.0 + rng.range(-5.0, 9.0),
            ];
            let _ = write!(s, "{};{};{ew}", p.key, p.name);
            for v in vals {
                if ew < 50 {
                    s.push_str(";.");
                } else {
                    let _ = write!(s, ";{}", format!("{v:.2}").replace('.', ","));
                }
            }
            s.push('\n');
        }
        s
    }

    /// Every file of the sample, by file name.
    pub fn files(&self) -> Vec<(&'static str, String)> {
        let mut v = vec![
            ("README.md", README.to_string()),
            ("plr.csv", self.names_csv()),
            ("EWR202412E_Matrix.csv", self.population_csv()),
            ("indikatoren.csv", self.indicators_csv()),
            ("plr.geojson", self.plr_geojson()),
            ("sozialraeume.geojson", self.sozialraum_geojson()),
            ("sozialraum-liste.csv", self.sozialraum_list_csv()),
        ];
        v.extend(SERIES_FILES.into_iter().zip(self.series_csv()));
        v.push((SERIES_CROSSWALK, self.series_crosswalk_csv()));
        v
    }

    /// Corner (grid line `c`, `r`) of the grid in EPSG:25833.
    fn corner(c: usize, r: usize) -> (f64, f64) {
        (X0 + c as f64 * CELL_W, Y0 - r as f64 * CELL_H)
    }

    /// Offset of the midpoint of an inner grid edge: the PLR borders are not
    /// ruler-straight, and both neighbours share the same vertex, so the PLR
    /// tile the district exactly.
    fn wiggle(kind: u64, c: usize, r: usize) -> f64 {
        let mut rng = Rng::new(kind * 10_007 + (c as u64) * 101 + r as u64);
        rng.range(-4.0, 4.0)
    }

    /// The ring of one PLR cell: corners and wiggled edge midpoints, clockwise
    /// from the north-west corner, closed.
    fn cell_ring(col: usize, row: usize) -> Vec<(f64, f64)> {
        let (x0, y0) = Sample::corner(col, row);
        let (x1, y1) = Sample::corner(col + 1, row + 1);
        // Horizontal edges: top (grid row `row`), bottom (`row + 1`);
        // vertical edges: left (grid column `col`), right (`col + 1`).
        let h = |r: usize| {
            if r == 0 || r == ROWS {
                0.0
            } else {
                Sample::wiggle(1, col, r)
            }
        };
        let v = |c: usize| {
            if c == 0 || c == COLS {
                0.0
            } else {
                Sample::wiggle(2, c, row)
            }
        };
        let xm = (x0 + x1) / 2.0;
        let ym = (y0 + y1) / 2.0;
        vec![
            (x0, y0),
            (xm, y0 + h(row)),
            (x1, y0),
            (x1 + v(col + 1), ym),
            (x1, y1),
            (xm, y1 + h(row + 1)),
            (x0, y1),
            (x0 + v(col), ym),
            (x0, y0),
        ]
    }

    /// PLR polygons in EPSG:25833 (declared with the legacy `crs` member).
    pub fn plr_geojson(&self) -> String {
        let mut s = String::from(
            "{\"type\":\"FeatureCollection\",\"name\":\"plr\",\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"urn:ogc:def:crs:EPSG::25833\"}},\"features\":[\n",
        );
        for (i, p) in self.plr.iter().enumerate() {
            let ring: Vec<String> = Sample::cell_ring(p.col, p.row)
                .iter()
                .map(|(x, y)| format!("[{x:.2},{y:.2}]"))
                .collect();
            let _ = writeln!(
                s,
                "{{\"type\":\"Feature\",\"properties\":{{\"id\":\"{}\",\"name\":\"{}\"}},\"geometry\":{{\"type\":\"Polygon\",\"coordinates\":[[{}]]}}}}{}",
                p.key,
                p.name,
                ring.join(","),
                if i + 1 < self.plr.len() { "," } else { "" }
            );
        }
        s.push_str("]}\n");
        s
    }

    /// The five Sozialräume as (id, name, x-range in cells, y-range in cells).
    /// Their borders cut through Prognoseräume, Bezirksregionen and a few
    /// Planungsräume (column 5 and row 2 are halved).
    pub fn sozialraeume() -> [SampleSozialraum; 5] {
        [
            ("SR1", "Nordwest", (0.0, 4.0), (0.0, 2.0)),
            ("SR2", "Südwest", (0.0, 4.0), (2.0, 5.0)),
            ("SR3", "Mitte", (4.0, 5.5), (0.0, 5.0)),
            ("SR4", "Nordost", (5.5, 10.0), (0.0, 2.5)),
            ("SR5", "Südost", (5.5, 10.0), (2.5, 5.0)),
        ]
    }

    /// Sozialraum polygons, digitised by another office: in WGS84 (RFC 7946,
    /// no `crs` member), straight borders with vertices every half cell,
    /// each a metre or two off the PLR borders (digitising noise).
    pub fn sozialraum_geojson(&self) -> String {
        let to_wgs = crate::spatial::crs::Transformer::new(
            crate::spatial::crs::Crs::Utm33,
            crate::spatial::crs::Crs::Wgs84,
        );
        // Shared jitter per grid point so that neighbouring Sozialräume meet.
        let jitter = |gx: f64, gy: f64, axis: u64| -> f64 {
            if (axis == 0 && (gx == 0.0 || gx == COLS as f64))
                || (axis == 1 && (gy == 0.0 || gy == ROWS as f64))
            {
                return 0.0;
            }
            let mut rng =
                Rng::new(((gx * 2.0) as u64) * 1_000 + ((gy * 2.0) as u64) * 7 + axis * 99_991);
            rng.range(-1.5, 1.5)
        };
        let mut s = String::from(
            "{\"type\":\"FeatureCollection\",\"name\":\"sozialraeume\",\"features\":[\n",
        );
        let srs = Sample::sozialraeume();
        for (i, (id, name, (cx0, cx1), (ry0, ry1))) in srs.iter().enumerate() {
            // Walk the rectangle's border in half-cell steps.
            let mut pts: Vec<(f64, f64)> = Vec::new();
            let steps = |a: f64, b: f64| -> Vec<f64> {
                let n = ((b - a) * 2.0).round() as usize;
                (0..n).map(|k| a + (b - a) * k as f64 / n as f64).collect()
            };
            for gx in steps(*cx0, *cx1) {
                pts.push((gx, *ry0));
            }
            for gy in steps(*ry0, *ry1) {
                pts.push((*cx1, gy));
            }
            for gx in steps(*cx0, *cx1).into_iter().map(|g| cx1 + cx0 - g) {
                pts.push((gx, *ry1));
            }
            for gy in steps(*ry0, *ry1).into_iter().map(|g| ry1 + ry0 - g) {
                pts.push((*cx0, gy));
            }
            pts.push(pts[0]);
            let coords: Vec<String> = pts
                .iter()
                .map(|&(gx, gy)| {
                    let x = X0 + gx * CELL_W + jitter(gx, gy, 0);
                    let y = Y0 - gy * CELL_H + jitter(gx, gy, 1);
                    let c = to_wgs
                        .point(geo::Coord { x, y })
                        .expect("built-in transform");
                    format!("[{:.8},{:.8}]", c.x, c.y)
                })
                .collect();
            let _ = writeln!(
                s,
                "{{\"type\":\"Feature\",\"properties\":{{\"id\":\"{id}\",\"name\":\"{name}\"}},\"geometry\":{{\"type\":\"Polygon\",\"coordinates\":[[{}]]}}}}{}",
                coords.join(","),
                if i + 1 < srs.len() { "," } else { "" }
            );
        }
        s.push_str("]}\n");
        s
    }

    /// The same Sozialräume as a list PLR → Sozialraum (by the cell centre),
    /// as districts keep it in a spreadsheet.
    pub fn sozialraum_list_csv(&self) -> String {
        let mut s = String::from("PLR;Sozialraum;Sozialraum_Name\n");
        for p in &self.plr {
            let (cx, cy) = (p.col as f64 + 0.5, p.row as f64 + 0.5);
            if let Some((id, name, _, _)) = Sample::sozialraeume()
                .into_iter()
                .find(|(_, _, (x0, x1), (y0, y1))| cx >= *x0 && cx < *x1 && cy >= *y0 && cy < *y1)
            {
                let _ = writeln!(s, "{};{id};{name}", p.key);
            }
        }
        s
    }
}

/// A sample Sozialraum: id, name, x range and y range in grid cells.
pub type SampleSozialraum = (&'static str, &'static str, (f64, f64), (f64, f64));

/// Write `n` random points (id, x, y, places; EPSG:25833) inside `extent`
/// (xmin, ymin, xmax, ymax) as CSV, streaming: for load tests and benchmarks.
pub fn write_random_points(
    out: &mut impl std::io::Write,
    n: u64,
    extent: (f64, f64, f64, f64),
    seed: u64,
) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut rng = Rng::new(seed);
    let mut w = std::io::BufWriter::with_capacity(1 << 16, out);
    writeln!(w, "id,x,y,plaetze")?;
    for i in 0..n {
        let x = rng.range(extent.0, extent.2);
        let y = rng.range(extent.1, extent.3);
        let p = (rng.unit() * 150.0) as u32;
        writeln!(w, "P{i},{x:.2},{y:.2},{p}")?;
    }
    w.flush()
}

/// Berlin's extent in EPSG:25833 (a little larger than the city).
pub const BERLIN_EXTENT: (f64, f64, f64, f64) = (368_000.0, 5_797_000.0, 417_000.0, 5_839_000.0);

/// The sample district's extent in EPSG:25833.
pub const SAMPLE_EXTENT: (f64, f64, f64, f64) =
    (X0, Y0 - ROWS as f64 * CELL_H, X0 + COLS as f64 * CELL_W, Y0);

/// North-west corner of the sample district in EPSG:25833 (east of Berlin,
/// so it is never confused with real units).
const X0: f64 = 430_000.0;
const Y0: f64 = 5_830_000.0;
/// Size of one PLR cell in metres.
const CELL_W: f64 = 600.0;
const CELL_H: f64 = 500.0;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn structure() {
        let s = Sample::generate();
        assert_eq!(s.plr.len(), 50);
        let bzr: std::collections::BTreeSet<&str> = s.plr.iter().map(|p| p.bzr()).collect();
        let pgr: std::collections::BTreeSet<&str> = s.plr.iter().map(|p| p.pgr()).collect();
        assert_eq!(bzr.len(), 15);
        assert_eq!(pgr.len(), 5);
        for p in &s.plr {
            assert!(p.female.iter().zip(&p.bands).all(|(f, b)| f <= b));
        }
    }

    #[test]
    fn apportion_is_exact() {
        assert_eq!(apportion(10, &[1.0, 1.0, 1.0]).iter().sum::<u64>(), 10);
        assert_eq!(apportion(0, &[1.0, 2.0]), vec![0, 0]);
    }
}
