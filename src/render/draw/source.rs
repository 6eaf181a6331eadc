//! The source lines of documents: given (`--source`), or each input's entry
//! in the README.md of its data folder — publisher, title, date, licence —
//! never its path. The bundled short names (`lor2006:plr`) are read as the
//! bundled files they stand for.
//!
//! A data README gives its files' sources as a table with the header
//! `| file | publisher | title | date | licence |` (a file cell may be a
//! pattern such as `population-2018-12/t1-*.csv`, relative to the README's
//! folder); a README without one may still carry an attribution text (an
//! `## Attribution` section, or `Attribution: "…"` in the bullet naming
//! the file or anywhere in the README). The README is looked for beside
//! the file and up to two folders above it.

use std::path::Path;

use crate::text::Lang;

/// Where one input comes from, as its data README says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Source {
    /// The file name (never its folder), for an input without an entry.
    pub file: String,
    pub publisher: Option<String>,
    pub title: Option<String>,
    /// The reference date as the README writes it (`31.12.2018`,
    /// `Dezember 2022`).
    pub date: Option<String>,
    pub licence: Option<String>,
    /// The attribution text of a README without a source table.
    pub attribution: Option<String>,
}

impl Source {
    /// The source of the input `path` (a path or a bundled short name).
    pub fn of(path: &Path) -> Source {
        let bundled = crate::table::catalogue::SHORT_NAMES
            .iter()
            .find(|(n, _, _)| {
                path.to_str()
                    .is_some_and(|s| n.eq_ignore_ascii_case(s.trim()))
            });
        let resolved = crate::table::catalogue::resolve_layer_path(path)
            .unwrap_or_else(|_| path.to_path_buf());
        let file = resolved
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let mut s = entry_of(&resolved).unwrap_or_default();
        s.file = file;
        if let (Some((_, _, what)), false) = (bundled, s.is_attributed()) {
            // The bundled data without its README beside it: say what it is.
            s.title = Some(format!("{what} (mit lor ausgeliefert)"));
        }
        s
    }

    /// Whether a README (or the bundled data) says where it comes from.
    pub fn is_attributed(&self) -> bool {
        self.publisher.is_some() || self.title.is_some() || self.attribution.is_some()
    }

    /// One line for a list of sources: publisher, title, date, licence
    /// (`Amt für Statistik Berlin-Brandenburg: Einwohnerregisterstatistik
    /// Berlin, Stand 31.12.2018, Lizenz: …`); `stand`, the date of the
    /// figures when known, stands in for a date the README does not give.
    /// An input without an entry is named by its file name and said to have
    /// no source.
    pub fn text(&self, lang: Lang, stand: Option<&str>) -> String {
        let mut parts: Vec<String> = Vec::new();
        match (&self.publisher, &self.title) {
            (Some(p), Some(t)) => parts.push(match lang {
                Lang::De => format!("{p}, „{t}“"),
                Lang::En => format!("{p}, “{t}”"),
            }),
            (Some(x), None) | (None, Some(x)) => parts.push(x.clone()),
            (None, None) => match &self.attribution {
                Some(a) => parts.push(a.clone()),
                None => parts.push(format!(
                    "{} ({})",
                    self.file,
                    lang.pick("ohne Quellenangabe", "no source given")
                )),
            },
        }
        if let Some(d) = self.date.as_deref().or(stand) {
            parts.push(format!("{} {d}", lang.pick("Stand", "as at")));
        }
        if let Some(l) = &self.licence {
            parts.push(format!("{}: {l}", lang.pick("Lizenz", "licence")));
        }
        parts.join(", ")
    }

    /// The short form for a map's source line: publisher and title (or the
    /// attribution), date and licence, without the words of [`Source::text`].
    fn short(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        match (&self.publisher, &self.title, &self.attribution) {
            (None, None, Some(a)) => parts.push(a.clone()),
            (None, None, None) => parts.push(self.file.clone()),
            (p, t, _) => parts.extend(p.iter().chain(t).cloned()),
        }
        parts.extend(self.date.iter().chain(&self.licence).cloned());
        parts.join(", ")
    }
}

/// The source line of a map: `given` (`--source`), else the source of
/// each input from its data README (see the module), each once; an input
/// without an entry is named by its file name, never by its path.
pub fn source_line(inputs: &[&Path], given: Option<&str>) -> String {
    if let Some(g) = given {
        return format!("Source: {g}");
    }
    let mut parts: Vec<String> = Vec::new();
    for p in inputs {
        let text = Source::of(p).short();
        if !text.is_empty() && !parts.contains(&text) {
            parts.push(text);
        }
    }
    format!("Source: {}", parts.join("; "))
}

/// The entry of `path` in the README.md of its folder or of one or two
/// folders above it (the first README that has one).
fn entry_of(path: &Path) -> Option<Source> {
    let mut dir = path.parent()?;
    for _ in 0..3 {
        if let Ok(readme) = std::fs::read_to_string(dir.join("README.md")) {
            let rel = path
                .strip_prefix(dir)
                .map(|r| r.to_string_lossy().replace('\\', "/"))
                .unwrap_or_default();
            if let Some(s) = table_entry(&readme, &rel).or_else(|| attribution(&readme, &rel)) {
                return Some(s);
            }
        }
        dir = dir.parent()?;
    }
    None
}

/// The row for `rel` (the file's path below the README's folder) in the
/// README's source table.
fn table_entry(readme: &str, rel: &str) -> Option<Source> {
    let cells = |line: &str| -> Vec<String> {
        line.trim()
            .trim_matches('|')
            .split('|')
            .map(|c| c.trim().trim_matches('`').trim().to_string())
            .collect()
    };
    let mut columns: Option<Vec<String>> = None;
    for line in readme.lines() {
        let t = line.trim();
        if !t.starts_with('|') {
            columns = None;
            continue;
        }
        let row = cells(t);
        match &columns {
            None => {
                let head: Vec<String> = row.iter().map(|c| c.to_lowercase()).collect();
                if head.first().map(String::as_str) == Some("file")
                    && head.iter().any(|c| c == "publisher")
                {
                    columns = Some(head);
                }
            }
            Some(head) => {
                if row
                    .iter()
                    .all(|c| c.chars().all(|x| matches!(x, '-' | ':')))
                {
                    continue;
                }
                if !matches_file(&row[0], rel) {
                    continue;
                }
                let get = |name: &str| {
                    head.iter()
                        .position(|h| h == name)
                        .and_then(|i| row.get(i))
                        .filter(|v| !v.is_empty() && *v != "–" && *v != "-")
                        .cloned()
                };
                return Some(Source {
                    file: String::new(),
                    publisher: get("publisher"),
                    title: get("title"),
                    date: get("date"),
                    licence: get("licence"),
                    attribution: None,
                });
            }
        }
    }
    None
}

/// Whether a file cell (a name, a path below the README's folder, with
/// `*` for any characters; `.gz` optional) names `rel`.
fn matches_file(cell: &str, rel: &str) -> bool {
    let rel_plain = rel.strip_suffix(".gz").unwrap_or(rel);
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let cell = cell.strip_prefix("./").unwrap_or(cell);
    let cell_plain = cell.strip_suffix(".gz").unwrap_or(cell);
    [rel, rel_plain]
        .iter()
        .any(|r| glob(cell_plain, r) || glob(cell, r))
        || (!cell.contains('/') && (glob(cell, name) || glob(cell_plain, name)))
}

/// `*` matches any run of characters (no other wildcards).
fn glob(pattern: &str, text: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == text,
        Some((head, rest)) => {
            let Some(t) = text.strip_prefix(head) else {
                return false;
            };
            (0..=t.len())
                .filter(|&i| t.is_char_boundary(i))
                .any(|i| glob(rest, &t[i..]))
        }
    }
}

/// The attribution text of a README without a source table: the bullet
/// naming the file with its `Attribution: "…"`, an `## Attribution`
/// section, or the one `Attribution:` of the README.
fn attribution(readme: &str, rel: &str) -> Option<Source> {
    let file = rel.rsplit('/').next().unwrap_or(rel);
    let clean = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .trim_matches(|c| c == '"' || c == '.' || c == ' ')
            .to_string()
    };
    let found = |text: String| {
        Some(Source {
            attribution: Some(text),
            ..Source::default()
        })
    };
    let mut block = String::new();
    let mut blocks = Vec::new();
    for line in readme.lines() {
        if (line.starts_with("- ") || line.starts_with('#') || line.trim().is_empty())
            && !block.is_empty()
        {
            blocks.push(std::mem::take(&mut block));
        }
        block.push_str(line);
        block.push('\n');
    }
    blocks.push(block);
    let stem = file.trim_end_matches(".gz");
    let after = |b: &str| b.find("Attribution:").map(|i| clean(&b[i + 12..]));
    for b in &blocks {
        if b.starts_with("- ") && b.contains(stem) {
            if let Some(a) = after(b) {
                return found(a);
            }
        }
    }
    if let Some(i) = readme.find("## Attribution") {
        let rest = &readme[i + "## Attribution".len()..];
        let end = rest.find("\n#").unwrap_or(rest.len());
        return found(clean(&rest[..end]));
    }
    let mut all = blocks.iter().filter_map(|b| after(b));
    match (all.next(), all.next()) {
        (Some(a), None) => found(a),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn berlin(rel: &str) -> PathBuf {
        PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/data/berlin")).join(rel)
    }

    #[test]
    fn every_bundled_file_has_publisher_title_date_and_licence() {
        for rel in [
            "stats/EWR201812E_Matrix.csv",
            "stats/population-2018-12/t1-planning-areas.csv",
            "stats/mss-2021-kontext-plr2021.csv",
            "lor-2006/plr.geojson.gz",
            "lor-2006/plr-names.csv",
            "lor-2021/pgr.geojson.gz",
            "lor-2021/lor-2021.csv",
            "points/kitas.geojson.gz",
            "points/jugendfreizeiteinrichtungen.geojson.gz",
            "districts.geojson.gz",
        ] {
            let s = Source::of(&berlin(rel));
            assert!(s.publisher.is_some() && s.title.is_some(), "{rel}: {s:?}");
            assert!(s.date.is_some() && s.licence.is_some(), "{rel}: {s:?}");
        }
    }

    #[test]
    fn source_texts_name_no_path() {
        let ewr = Source::of(&berlin("stats/EWR201812E_Matrix.csv"));
        assert_eq!(
            ewr.text(Lang::De, None),
            "Amt für Statistik Berlin-Brandenburg, „Einwohnerregisterstatistik Berlin, Einwohnerinnen und Einwohner nach Planungsräumen“, Stand 31.12.2018, Lizenz: offene Lizenz mit Namensnennung (daten.berlin.de)"
        );
        let kitas = Source::of(&berlin("points/kitas.geojson.gz"));
        assert_eq!(
            kitas.text(Lang::De, None),
            "Senatsverwaltung für Bildung, Jugend und Familie Berlin, „Kindertagesstätten (Kita-Verzeichnis)“, Stand Dezember 2022, Lizenz: Datenlizenz Deutschland – Namensnennung – Version 2.0"
        );
        // The bundled short name is its file.
        assert_eq!(
            Source::of(Path::new("lor2006:plr")),
            Source::of(&berlin("lor-2006/plr.geojson.gz"))
        );
        let line = source_line(&[Path::new("lor2006:plr"), Path::new("lor2021:pgr")], None);
        assert!(!line.contains("lor2006") && !line.contains('/'), "{line}");
        assert!(
            line.starts_with("Source: Senatsverwaltung für Stadtentwicklung"),
            "{line}"
        );
        // A file without an entry: its name, never its folder.
        let dir = std::env::temp_dir().join("lor-source-test");
        std::fs::create_dir_all(&dir).unwrap();
        let aktuell = Source::of(&dir.join("aktuell.csv"));
        assert!(!aktuell.is_attributed());
        assert_eq!(
            aktuell.text(Lang::De, Some("31.03.2025")),
            "aktuell.csv (ohne Quellenangabe), Stand 31.03.2025"
        );
        assert_eq!(
            aktuell.text(Lang::En, None),
            "aktuell.csv (no source given)"
        );
        assert_eq!(
            source_line(&[&dir.join("aktuell.csv")], None),
            "Source: aktuell.csv"
        );
        assert_eq!(
            source_line(&[&dir.join("x.csv")], Some("Eigene Erhebung")),
            "Source: Eigene Erhebung"
        );
    }

    #[test]
    fn file_cells_and_attribution_texts() {
        assert!(matches_file(
            "population-2018-12/t1-*.csv",
            "population-2018-12/t1-city.csv"
        ));
        assert!(!matches_file(
            "population-2018-12/t1-*.csv",
            "population-2020-12/t1-city.csv"
        ));
        assert!(matches_file("plr.geojson", "plr.geojson.gz"));
        assert!(matches_file("plr.geojson.gz", "plr.geojson.gz"));
        assert!(!matches_file("plr.geojson.gz", "bzr.geojson.gz"));
        let readme = "# Data\n\n## Attribution\n\"Own survey, 2024.\"\n";
        assert_eq!(
            attribution(readme, "x.csv").unwrap().attribution.as_deref(),
            Some("Own survey, 2024")
        );
        let readme = "- `a.csv`: stuff. Attribution: \"A office\".\n- `b.csv`: other. Attribution: \"B office\".\n";
        assert_eq!(
            attribution(readme, "b.csv").unwrap().attribution.as_deref(),
            Some("B office")
        );
        assert_eq!(attribution(readme, "c.csv"), None);
    }
}
