//! Opening input files: one place that knows how a file is read from disk.
//!
//! The files a run reads are an [`Inputs`] value made for each run (a
//! command, a step of a job, a whole job) from the paths its plan names;
//! the output step refuses to replace one of them. There is no
//! process-wide list: one step of a job never changes what another may
//! write.
//!
//! Any input may be gzip-compressed (`plr.geojson.gz`, `stats.csv.gz`): the
//! format is then the extension before `.gz`, and the bytes are decompressed
//! as they are read. The bundled Berlin geometry in `data/berlin` is stored
//! this way (QGIS and GDAL open such files directly as well).

use std::io::{BufReader, Read};
use std::path::{Component, Path, PathBuf};

use anyhow::{Context, Result};
use flate2::read::MultiGzDecoder;

use crate::error::{input_error, usage_error};

/// Is the file gzip-compressed (by its name)?
pub fn is_gzip(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("gz"))
}

/// The extension that names the file's format, lower case, without a final
/// `.gz`: `plr.geojson.gz` → `geojson`; empty when there is none.
pub fn format_extension(path: &Path) -> String {
    let inner = if is_gzip(path) {
        Path::new(path.file_stem().unwrap_or_default())
    } else {
        path
    };
    inner
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// How many times its own size a `.gz` input may decompress to (real
/// geometry and statistics compress 2–10 times, a table of zeros up to
/// about 50 times) …
pub const GZ_MAX_RATIO: u64 = 100;
/// … plus this many bytes, so that small files are never refused; a pipe
/// (size unknown) may decompress to this absolute limit only: 4 GiB.
pub const GZ_SLACK: u64 = 64 << 20;
pub const GZ_MAX_UNKNOWN: u64 = 4 << 30;

/// Open a file for reading, decompressing `.gz` on the fly, at most
/// [`GZ_MAX_RATIO`] times the file's size plus [`GZ_SLACK`]: more is a
/// damaged or hostile file (a "gzip bomb"), refused with an error naming
/// it before it fills the memory.
pub fn open(path: &Path) -> Result<Box<dyn Read + Send>> {
    let file = std::fs::File::open(path)
        .map_err(|e| input_error(format!("{}: cannot open: {e}", path.display())))?;
    let size = file
        .metadata()
        .ok()
        .filter(|m| m.is_file())
        .map(|m| m.len());
    let buffered = BufReader::with_capacity(1 << 16, file);
    Ok(if is_gzip(path) {
        let limit = match size {
            Some(n) => n.saturating_mul(GZ_MAX_RATIO).saturating_add(GZ_SLACK),
            None => GZ_MAX_UNKNOWN,
        };
        Box::new(Bounded {
            inner: MultiGzDecoder::new(buffered),
            left: limit,
            limit,
            compressed: size,
        })
    } else {
        Box::new(buffered)
    })
}

/// A decompressing reader that stops with an error past its limit.
struct Bounded<R> {
    inner: R,
    left: u64,
    limit: u64,
    compressed: Option<u64>,
}

impl<R: Read> Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n as u64 > self.left {
            let why = match self.compressed {
                Some(c) => format!(
                    "it decompresses to more than {} bytes, {GZ_MAX_RATIO} times its {c} bytes (plus {} MiB): a damaged or hostile .gz file",
                    self.limit,
                    GZ_SLACK >> 20
                ),
                None => format!(
                    "it decompresses to more than {} GiB, the limit for a compressed stream",
                    GZ_MAX_UNKNOWN >> 30
                ),
            };
            return Err(std::io::Error::new(std::io::ErrorKind::InvalidData, why));
        }
        self.left -= n as u64;
        Ok(n)
    }
}

/// Read a whole file into memory, decompressing `.gz`.
pub fn read_bytes(path: &Path) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    open(path)?
        .read_to_end(&mut bytes)
        .map_err(|e| input_error(format!("{}: cannot read: {e}", path.display())))?;
    Ok(bytes)
}

/// Read a whole file as UTF-8 text, decompressing `.gz`.
pub fn read_text(path: &Path) -> Result<String> {
    String::from_utf8(read_bytes(path)?).map_err(|e| {
        input_error(format!(
            "{}: not UTF-8 text (byte {}): {e}",
            path.display(),
            e.utf8_error().valid_up_to()
        ))
    })
}

/// An input that a reader may open more than once (the points reader reads
/// a GeoJSON file's top level, then its features): a regular file as it
/// is; a pipe (FIFO), a device or a socket is copied once, as it streams,
/// into a temporary file of the same name (so that its format is known),
/// removed when this is dropped. A second open of a pipe would wait for a
/// writer that never comes.
pub struct Rereadable {
    path: PathBuf,
    _spool: Option<tempfile::TempDir>,
}

impl Rereadable {
    pub fn new(path: &Path) -> Result<Rereadable> {
        let meta = std::fs::metadata(path)
            .map_err(|e| input_error(format!("{}: cannot open: {e}", path.display())))?;
        if meta.is_file() || meta.is_dir() {
            return Ok(Rereadable {
                path: path.to_path_buf(),
                _spool: None,
            });
        }
        let dir = tempfile::Builder::new()
            .prefix(".lor-spool-")
            .tempdir()
            .map_err(|e| {
                input_error(format!(
                    "{}: cannot make a temporary copy: {e}",
                    path.display()
                ))
            })?;
        let name = path.file_name().unwrap_or_else(|| "input".as_ref());
        let copy = dir.path().join(name);
        let mut from = std::fs::File::open(path)
            .map_err(|e| input_error(format!("{}: cannot open: {e}", path.display())))?;
        let mut to = std::fs::File::create(&copy).map_err(|e| {
            input_error(format!(
                "{}: cannot make a temporary copy: {e}",
                path.display()
            ))
        })?;
        std::io::copy(&mut from, &mut to)
            .map_err(|e| input_error(format!("{}: cannot read: {e}", path.display())))?;
        Ok(Rereadable {
            path: copy,
            _spool: Some(dir),
        })
    }

    /// The file to open (the original, or its copy).
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// The files a Shapefile reader reads beside the `.shp`.
const SHAPEFILE_PARTS: [&str; 4] = ["shx", "dbf", "prj", "cpg"];

/// The files of a run that no output of it may replace: resolved (a short
/// name of the bundled geometry as its file, symlinks followed), with the
/// files read beside them (a Shapefile's `.shx`, `.dbf`, `.prj`, `.cpg`).
/// A folder or a glob is given as the files it stands for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Inputs(Vec<PathBuf>);

impl Inputs {
    /// The inputs named by `paths` (folders among them are left out: a
    /// folder is never replaced by an output).
    pub fn of<P: AsRef<Path>>(paths: impl IntoIterator<Item = P>) -> Inputs {
        let mut inputs = Inputs::default();
        for p in paths {
            let p = p.as_ref();
            let file =
                crate::table::catalogue::resolve_layer_path(p).unwrap_or_else(|_| p.to_path_buf());
            if file.is_dir() {
                continue;
            }
            let shapefile = format_extension(&file) == "shp" && !is_gzip(&file);
            inputs.add(&file);
            if shapefile {
                for ext in SHAPEFILE_PARTS {
                    inputs.add(&file.with_extension(ext));
                }
            }
        }
        inputs
    }

    fn add(&mut self, path: &Path) {
        let p = resolve(path).unwrap_or_else(|_| absolute(path));
        if !self.0.contains(&p) {
            self.0.push(p);
        }
    }

    /// The resolved files.
    pub fn paths(&self) -> &[PathBuf] {
        &self.0
    }

    /// These inputs and `other`'s.
    pub fn extend(&mut self, other: &Inputs) {
        for p in &other.0 {
            if !self.0.contains(p) {
                self.0.push(p.clone());
            }
        }
    }
}

/// `path` made absolute, with `.` and `..` removed lexically.
pub fn absolute(path: &Path) -> PathBuf {
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .unwrap_or_else(|_| PathBuf::from("/"))
            .join(path)
    };
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// The file a path really names: symlinks followed (even a link to a file
/// that does not exist yet), the folder canonical where it exists.
pub fn resolve(path: &Path) -> Result<PathBuf> {
    let mut p = absolute(path);
    for _ in 0..40 {
        match std::fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => {
                let t = std::fs::read_link(&p)
                    .with_context(|| format!("{}: cannot read the link", p.display()))?;
                let parent = p.parent().map(Path::to_path_buf).unwrap_or_default();
                p = absolute(&parent.join(t));
            }
            _ => break,
        }
    }
    let name = p
        .file_name()
        .ok_or_else(|| usage_error(format!("{}: not a file name", path.display())))?
        .to_os_string();
    // Canonicalise the deepest existing folder, keep the rest as written.
    let mut parent = p.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut rest = Vec::new();
    loop {
        if let Ok(c) = std::fs::canonicalize(&parent) {
            let mut out = c;
            for r in rest.iter().rev() {
                out.push(r);
            }
            out.push(&name);
            return Ok(out);
        }
        match (
            parent.file_name().map(|n| n.to_os_string()),
            parent.parent(),
        ) {
            (Some(n), Some(up)) => {
                rest.push(n);
                parent = up.to_path_buf();
            }
            _ => return Ok(p),
        }
    }
}

#[cfg(test)]
mod gz_tests {
    use super::*;
    use std::io::Write;

    /// A small `.gz` of zeros that decompresses to more than 100 times its
    /// size plus 64 MiB is refused, naming why; a real file reads whole.
    #[test]
    fn a_gzip_bomb_is_refused_with_its_ratio() {
        let dir = tempfile::tempdir().unwrap();
        let bomb = dir.path().join("bomb.csv.gz");
        let mut gz = flate2::write::GzEncoder::new(
            std::fs::File::create(&bomb).unwrap(),
            flate2::Compression::best(),
        );
        let zeros = vec![b'0'; 1 << 20];
        for _ in 0..80 {
            gz.write_all(&zeros).unwrap();
        }
        gz.finish().unwrap();
        let size = std::fs::metadata(&bomb).unwrap().len();
        assert!(size < 200_000, "{size}");
        let e = read_bytes(&bomb).unwrap_err().to_string();
        assert!(
            e.contains("bomb.csv.gz: cannot read: it decompresses to more than")
                && e.contains("100 times its"),
            "{e}"
        );
        let plr = crate::table::catalogue::data_dir().join("lor-2006/plr.geojson.gz");
        assert_eq!(read_bytes(&plr).unwrap().len(), 2_988_427);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn format_extension_skips_gz() {
        assert_eq!(format_extension(Path::new("a/plr.geojson.gz")), "geojson");
        assert_eq!(format_extension(Path::new("a/plr.GeoJSON")), "geojson");
        assert_eq!(format_extension(Path::new("stats.CSV.GZ")), "csv");
        assert_eq!(format_extension(Path::new("noext")), "");
        assert_eq!(format_extension(Path::new("x.gz")), "");
    }

    #[test]
    fn inputs_are_resolved_with_the_files_beside_a_shapefile() {
        let dir = tempfile::tempdir().unwrap();
        let shp = dir.path().join("plr.shp");
        let csv = dir.path().join("st.csv");
        std::fs::write(&csv, "x").unwrap();
        std::os::unix::fs::symlink(&csv, dir.path().join("link.csv")).unwrap();
        let inputs = Inputs::of([
            shp.clone(),
            dir.path().join("sub/../link.csv"),
            csv.clone(),
            dir.path().to_path_buf(),
        ]);
        let real = |p: &Path| resolve(p).unwrap();
        let want: Vec<PathBuf> = ["plr.shp", "plr.shx", "plr.dbf", "plr.prj", "plr.cpg"]
            .iter()
            .map(|n| real(&dir.path().join(n)))
            .chain([real(&csv)])
            .collect();
        assert_eq!(inputs.paths(), want.as_slice());
        // A short name of the bundled geometry is its file.
        let bundled = Inputs::of(["lor2006:plr"]);
        assert!(
            bundled.paths()[0].ends_with("data/berlin/lor-2006/plr.geojson.gz"),
            "{bundled:?}"
        );
    }

    #[test]
    fn gzip_is_read_transparently() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("t.csv.gz");
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all("a;b\n1;2\n".as_bytes()).unwrap();
        std::fs::write(&p, enc.finish().unwrap()).unwrap();
        assert_eq!(read_text(&p).unwrap(), "a;b\n1;2\n");
        let plain = dir.path().join("t.csv");
        std::fs::write(&plain, "x").unwrap();
        assert_eq!(read_bytes(&plain).unwrap(), b"x");
    }
}
