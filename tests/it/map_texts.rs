//! What a person reads on a map (issue 23): the visible text of the SVG
//! that the PNG is rendered from, for each kind of map on the Bezirk-04
//! data — German words and numbers by default, no file path or short name,
//! none of the English words that used to slip through; English with
//! `--lang en`.

use crate::common;

use std::path::{Path, PathBuf};

use common::{berlin, lor, stderr};

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("lor-map-texts-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// The contents of every `<text>` element, unescaped, in document order.
fn visible(svg: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = svg;
    while let Some(i) = rest.find("<text") {
        rest = &rest[i..];
        let open = rest.find('>').unwrap();
        let close = rest.find("</text>").unwrap();
        out.push(
            rest[open + 1..close]
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&amp;", "&"),
        );
        rest = &rest[close..];
    }
    out
}

/// English words and phrases that must not be on a German map.
const ENGLISH: [&str; 10] = [
    "of",
    "per",
    "change since",
    "key figures",
    "source",
    "warnings",
    "borders",
    "classes",
    "legend",
    "no value",
];

/// File names, paths and short names that must not be on any map.
const NOT_FOR_READERS: [&str; 8] = [
    ".geojson", ".gz", ".csv", ".shp", "lor2006:", "lor2021:", "data/", "E_E",
];

/// The visible text of a German map, checked: no paths or short names,
/// none of [`ENGLISH`] as a word or phrase, a source line "Quelle: …".
/// Returns the lines, and all of them joined with spaces (wrapped lines
/// read as one).
fn german(kind: &str, svg: &str) -> (Vec<String>, String) {
    let texts = visible(svg);
    let all = texts.join(" ");
    for bad in NOT_FOR_READERS {
        assert!(!all.contains(bad), "{kind}: '{bad}' in {texts:#?}");
    }
    let words: Vec<String> = all
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(String::from)
        .collect();
    let joined = words.join(" ");
    for e in ENGLISH {
        let hit = if e.contains(' ') {
            format!(" {joined} ").contains(&format!(" {e} "))
        } else {
            words.iter().any(|w| w == e)
        };
        assert!(!hit, "{kind}: English '{e}' in {texts:#?}");
    }
    assert!(
        texts.iter().any(|t| t.starts_with("Quelle: ")),
        "{kind}: {texts:#?}"
    );
    (texts, all)
}

fn has(texts: &[String], line: &str) -> bool {
    texts.iter().any(|t| t == line)
}

fn map_b04(out: &Path, extra: &[&str]) {
    let (stats, plr, pgr) = (
        berlin("stats/EWR201812E_Matrix.csv"),
        berlin("lor-2006/plr.geojson.gz"),
        berlin("lor-2021/pgr.geojson.gz"),
    );
    let mut args = vec![
        "map",
        s(&stats),
        "--units",
        s(&plr),
        "--bezirk",
        "04",
        "--sozialraum",
        s(&pgr),
        "--column",
        "Anteil_65plus=(E_E65U80+E_E80U110)/E_E*100",
        "--output",
        s(out),
    ];
    args.extend(extra);
    let o = lor(&args);
    assert!(o.status.success(), "{}", stderr(&o));
}

/// The share of people 65+ per PLR with the Sozialraum borders (the
/// README's map): German title, date from ZEIT, class bounds with a
/// decimal comma, the legend in German; `--lang en` English.
#[test]
fn choropleth_per_plr_reads_german() {
    let out = tmp("65.svg");
    map_b04(&out, &[]);
    let svg = std::fs::read_to_string(&out).unwrap();
    let (texts, _) = german("choropleth", &svg);
    for line in [
        "Anteil 65 Jahre und älter in % je Planungsraum",
        "Bezirk 04 Charlottenburg-Wilmersdorf · Stand 31.12.2018 · 57 Planungsräume",
        "5,9 – 18,7 (12)",
        "> 28,5 – 45,8 (12)",
        "Sozialraumgrenzen",
    ] {
        assert!(has(&texts, line), "'{line}' not in {texts:#?}");
    }
    assert!(texts.iter().any(|t| t.starts_with("5 Klassen, Quantile;")));
    // Sozialräume are named where the name fits, else keyed.
    assert!(has(&texts, "0410 Charlottenburg Nord"), "{texts:#?}");
    assert!(has(&texts, "0430"), "{texts:#?}");

    let out = tmp("65-en.svg");
    map_b04(&out, &["--lang", "en"]);
    let texts = visible(&std::fs::read_to_string(&out).unwrap());
    for line in [
        "Anteil 65 Jahre und älter in % per Planungsraum",
        "Bezirk 04 Charlottenburg-Wilmersdorf · as of 31 December 2018 · 57 Planungsräume",
        "5.9 – 18.7 (12)",
        "Sozialraum borders",
    ] {
        assert!(has(&texts, line), "'{line}' not in {texts:#?}");
    }
    assert!(texts.iter().any(|t| t.starts_with("Source: ")));
}

/// The mismatch map of Bezirk 04 (the README's command): the subtitle is
/// the summary in German, whole (wrapped, never cut with "…"), people in
/// words and German thousands; split PLR by name where it fits, else by
/// key; the PNG rendered from the same SVG.
#[test]
fn mismatch_map_reads_german_and_whole() {
    let (svg_out, png_out) = (tmp("b04.svg"), tmp("b04.png"));
    let o = lor(&[
        "mismatch",
        s(&berlin("lor-2006/plr.geojson.gz")),
        s(&berlin("lor-2021/pgr.geojson.gz")),
        "--bezirk",
        "04",
        "--stats",
        s(&berlin("stats/EWR201812E_Matrix.csv")),
        "--column",
        "E_E",
        "--svg",
        s(&svg_out),
        "--png",
        s(&png_out),
        "--output",
        s(&tmp("b04.csv")),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    // The summary on stderr is German too.
    assert!(
        stderr(&o).contains("2 von 57 Planungsräumen sind auf mehrere Prognoseräume verteilt"),
        "{}",
        stderr(&o)
    );
    let svg = std::fs::read_to_string(&svg_out).unwrap();
    let (texts, all) = german("mismatch", &svg);
    assert!(!all.contains('…'), "{texts:#?}");
    for phrase in [
        "Bezirk 04 Charlottenburg-Wilmersdorf: wo die Planungsräume nicht in die Prognoseräume passen",
        "2 von 57 Planungsräumen sind auf mehrere Prognoseräume verteilt; 55 liegen in genau einem der Prognoseräume (41 davon bis auf Splitter aus Digitalisierungsungenauigkeit); 5.867 Einwohnerinnen und Einwohner leben in den verteilten Planungsräumen, 1.117 davon in deren kleineren Teilen",
        "nach dem Flächenanteil des Teils geschätzt",
    ] {
        assert!(all.contains(phrase), "'{phrase}' not in {texts:#?}");
    }
    for line in [
        "Legende",
        "Grenzen der Prognoseräume",
        "Grenzen der Planungsräume",
        "Verteilte Planungsräume, Teile in",
        "0420 Charlottenburg West",
        // The split PLR 04020418 by its name, 04030726 (too small) by key.
        "Forst Grunewald",
        "04030726",
    ] {
        assert!(has(&texts, line), "'{line}' not in {texts:#?}");
    }
    let png = std::fs::read(&png_out).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
}

/// The layout map (the README's `layout evaluate` with `--svg`): the
/// reference by what it is, people with German thousands.
#[test]
fn layout_map_reads_german() {
    let out = tmp("layout.svg");
    let pgr = berlin("lor-2021/pgr.geojson.gz");
    let o = lor(&[
        "layout",
        "evaluate",
        s(&pgr),
        "--bezirk",
        "04",
        "--units",
        s(&berlin("lor-2006/plr.geojson.gz")),
        "--stats",
        s(&berlin("stats/EWR201812E_Matrix.csv")),
        "--reference",
        s(&pgr),
        "--format",
        "csv",
        "--output",
        s(&tmp("layout.csv")),
        "--svg",
        s(&out),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let (texts, all) = german("layout", &std::fs::read_to_string(&out).unwrap());
    for phrase in [
        "5 Regionen in Bezirk 04 Charlottenburg-Wilmersdorf: Einteilung im Vergleich zu den Prognoseräumen",
        "in einer anderen Region als in der Referenz 1.117 Einw. (0,33 %)",
        "Regionen 19.478–118.384 Einw. (max/min 6,08)",
    ] {
        assert!(all.contains(phrase), "'{phrase}' not in {texts:#?}");
    }
    for line in ["0410 (19.478)", "Regionsgrenzen", "Referenz: Prognoseräume"] {
        assert!(has(&texts, line), "'{line}' not in {texts:#?}");
    }
}
