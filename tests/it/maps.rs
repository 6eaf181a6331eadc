//! Maps (`lor map`, `mismatch --svg`) and the Sozialraum report (`lor
//! report`) on the bundled Berlin data, and the report in a real browser.

use crate::common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::browser::{browse, chromium};
use common::{berlin, lor};

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("lor-maps-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

const SHARE_65: &str = "Anteil_65plus=(E_E65U80+E_E80U110)/E_E*100";

/// The Bezirk 04 report from the bundled 2018 data; `fix` is the value of
/// `--units-fix-id` (`None`: the default, the known wrong id of the 2006
/// PLR file corrected; `none`: not corrected).
fn b04_report(out: &Path, fix: Option<&str>, extra: &[&str]) {
    let (stats, plr, pgr) = (
        berlin("stats/EWR201812E_Matrix.csv"),
        berlin("lor-2006/plr.geojson.gz"),
        berlin("lor-2021/pgr.geojson.gz"),
    );
    let mut args = vec![
        "report",
        s(&stats),
        "--bezirk",
        "04",
        "--units",
        s(&plr),
        "--sozialraum",
        s(&pgr),
        "--output",
        s(out),
    ];
    if let Some(fix) = fix {
        args.extend(["--units-fix-id", fix]);
    }
    args.extend(extra);
    let o = lor(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// `data-key` → `data-col` → `data-value` of the report's key-figure table.
fn html_figures(html: &str) -> BTreeMap<(String, String), f64> {
    let table = &html[html.find("id=\"key-figures\"").unwrap()..];
    let table = &table[..table.find("</table>").unwrap()];
    let mut out = BTreeMap::new();
    for cell in table.split("<td data-key=\"").skip(1) {
        let key = &cell[..cell.find('"').unwrap()];
        let rest = &cell[cell.find("data-col=\"").unwrap() + 10..];
        let col = &rest[..rest.find('"').unwrap()];
        if let Some(i) = rest.find("data-value=\"") {
            let v = &rest[i + 12..];
            let v: f64 = v[..v.find('"').unwrap()].parse().unwrap();
            out.insert((key.to_string(), col.to_string()), v);
        }
    }
    out
}

/// `lor aggregate`'s Sozialraum and Bezirk rows: key → column → value;
/// `fix` as for [`b04_report`].
fn aggregate_rows(fix: Option<&str>) -> BTreeMap<String, BTreeMap<String, f64>> {
    let out = tmp("agg.csv");
    let (stats, plr, pgr) = (
        berlin("stats/EWR201812E_Matrix.csv"),
        berlin("lor-2006/plr.geojson.gz"),
        berlin("lor-2021/pgr.geojson.gz"),
    );
    let mut args = vec![
        "aggregate",
        s(&stats),
        "--bezirk",
        "04",
        "--units",
        s(&plr),
        "--sozialraum",
        s(&pgr),
        "--levels",
        "bez",
        "--output",
        s(&out),
    ];
    if let Some(fix) = fix {
        args.extend(["--units-fix-id", fix]);
    }
    let o = lor(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    common::numeric_rows(&out)
        .into_iter()
        .map(|(r, m)| (r[1].to_string(), m))
        .collect()
}

#[test]
fn report_figures_equal_lor_aggregate() {
    // By default (feature 124 read as PLR 04030417) and without the
    // correction (then 04030417 has no polygon).
    for fix in [None, Some("none")] {
        let out = tmp("b04-figures.html");
        b04_report(&out, fix, &[]);
        let html = std::fs::read_to_string(&out).unwrap();
        let fig = html_figures(&html);
        let agg = aggregate_rows(fix);
        // The five Sozialräume and the Bezirk; without the correction also
        // the row "-" (nicht zugeordnet: PLR 04030417, whose polygon has a
        // wrong id in this file).
        let srs: &[&str] = if fix.is_none() {
            &["0410", "0420", "0430", "0440", "0450"]
        } else {
            &["0410", "0420", "0430", "0440", "0450", "-"]
        };
        for key in srs.iter().chain(["04"].iter()) {
            let a = &agg[*key];
            let sum = |cols: &[&str]| cols.iter().map(|c| a[*c]).sum::<f64>();
            let expect = [
                ("E_E", sum(&["E_E"])),
                ("E_u6", sum(&["E_EU1", "E_E1U6"])),
                ("E_6u15", sum(&["E_E6U15"])),
                ("E_15u18", sum(&["E_E15U18"])),
                ("E_18u65", sum(&["E_E18U25", "E_E25U55", "E_E55U65"])),
                ("E_65plus", sum(&["E_E65U80", "E_E80U110"])),
                (
                    "Anteil E_65plus",
                    sum(&["E_E65U80", "E_E80U110"]) / a["E_E"] * 100.0,
                ),
            ];
            for (col, v) in expect {
                let got = fig[&(key.to_string(), col.to_string())];
                assert!(
                    (got - v).abs() < 1e-9,
                    "{fix:?} {key} {col}: report {got}, aggregate {v}"
                );
            }
        }
        // The real figures, as a planner would quote them.
        assert_eq!(fig[&("04".into(), "E_E".into())], 341327.0);
        if fix.is_none() {
            // 04030417's 10,976 people are in 0430.
            assert_eq!(fig[&("0430".into(), "E_E".into())], 97672.0 + 10976.0);
            assert!(!html.contains("no-geometry"), "no PLR without polygon");
        } else {
            assert_eq!(fig[&("0430".into(), "E_E".into())], 97672.0);
            assert_eq!(fig[&("-".into(), "E_E".into())], 10976.0);
            assert!(
                html.contains("no-geometry"),
                "the PLR without polygon is named"
            );
        }
        // Every person is in the table: the rows add up to the Bezirk.
        let rows: f64 = srs
            .iter()
            .map(|k| fig[&(k.to_string(), "E_E".to_string())])
            .sum();
        assert_eq!(rows, 341327.0);
        let mut keys: Vec<&str> = srs.iter().chain(["04"].iter()).copied().collect();
        keys.sort();
        assert_eq!(
            fig.keys()
                .filter(|(_, c)| c == "E_E")
                .map(|(k, _)| k.as_str())
                .collect::<Vec<_>>(),
            keys
        );
        assert!(
            html.contains("5 Sozialräume"),
            "the row - is not a Sozialraum"
        );
    }
}

#[test]
fn report_b04_with_the_fixed_id() {
    let out = tmp("b04.html");
    b04_report(&out, Some("124=04030417"), &[]);
    let html = std::fs::read_to_string(&out).unwrap();
    let fig = html_figures(&html);
    // With feature 124 as PLR 04030417, its 10,976 people are in 0430 and
    // the five Sozialräume add up to the Bezirk.
    assert_eq!(fig[&("0430".into(), "E_E".into())], 97672.0 + 10976.0);
    let sum: f64 = ["0410", "0420", "0430", "0440", "0450"]
        .iter()
        .map(|k| fig[&(k.to_string(), "E_E".to_string())])
        .sum();
    assert_eq!(sum, 341327.0);
    // The two split BZR in the mismatch section, with their people.
    assert!(
        html.contains("2 von 17 Bezirksregionen sind auf mehrere"),
        "summary"
    );
    let bzr = &html[html.find("data-level=\"bzr\"").unwrap()..];
    let bzr = &bzr[..bzr.find("</table>").unwrap()];
    let units: Vec<&str> = bzr
        .split("<td class=\"key\">")
        .skip(1)
        .map(|c| &c[..c.find('<').unwrap()])
        .filter(|k| k.len() == 6)
        .collect();
    assert_eq!(units.len(), 2, "{units:?}");
    // The choropleth of the share of people 65+ per PLR, every PLR with
    // its value as a tooltip: 01011101 is not here, 04010101 is.
    assert!(html.contains("<h2>Anteil 65 Jahre und älter in % je Planungsraum</h2>"));
    let m = &html[html.find("id=\"map-1\"").unwrap()..];
    let m = &m[..m.find("</section>").unwrap()];
    let tips = m.matches(": ").count();
    assert!(tips >= 57, "{tips} tooltips");
    // Self-contained: no external reference of any kind.
    for bad in ["<script", "<link", "src=", "@import", "url(http"] {
        assert!(!html.contains(bad), "{bad}");
    }
    let http: Vec<&str> = html
        .match_indices("http")
        .map(|(i, _)| &html[i..i + 30])
        .collect();
    assert!(
        http.iter()
            .all(|h| h.starts_with("http://www.w3.org/2000/svg")
                || h.starts_with("https://www.govdata.de")),
        "{http:?}"
    );
    // Same inputs, same bytes.
    let again = tmp("b04-again.html");
    b04_report(&again, Some("124=04030417"), &[]);
    assert_eq!(std::fs::read(&again).unwrap(), html.as_bytes());
}

/// The share of people 65+ per PLR of Bezirk 04, from the CSV itself.
fn shares_65() -> BTreeMap<String, f64> {
    let text = std::fs::read_to_string(berlin("stats/EWR201812E_Matrix.csv")).unwrap();
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(text.as_bytes());
    let h = rdr.headers().unwrap().clone();
    let col = |n: &str| h.iter().position(|x| x == n).unwrap();
    let (k, e, a, b) = (col("RAUMID"), col("E_E"), col("E_E65U80"), col("E_E80U110"));
    rdr.records()
        .map(|r| r.unwrap())
        .filter(|r| r[k].starts_with("04"))
        .map(|r| {
            let n: f64 = r[a].parse::<f64>().unwrap() + r[b].parse::<f64>().unwrap();
            (r[k].to_string(), n / r[e].parse::<f64>().unwrap() * 100.0)
        })
        .collect()
}

#[test]
fn map_jenks_matches_mapclassify_on_real_data() {
    // mapclassify 2.10 FisherJenks(k=5) on the 57 shares (run once, by hand):
    // bins [16.0714, 23.2614, 29.5402, 35.3482, 45.7651], counts [5, 23, 22, 6, 1]
    assert_eq!(shares_65().len(), 57);
    let o = lor(&[
        "map",
        s(&berlin("stats/EWR201812E_Matrix.csv")),
        "--units",
        s(&berlin("lor-2006/plr.geojson.gz")),
        "--bezirk",
        "04",
        "--units-fix-id",
        "124=04030417",
        "--column",
        SHARE_65,
        "--classes",
        "jenks",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let svg = String::from_utf8(o.stdout).unwrap();
    for entry in [
        "5,9 – 16,1 (5)",
        "&gt; 16,1 – 23,3 (23)",
        "&gt; 23,3 – 29,5 (22)",
        "&gt; 29,5 – 35,3 (6)",
        "&gt; 35,3 – 45,8 (1)",
    ] {
        assert!(svg.contains(entry), "{entry}");
    }
    // Title from the data, not from file names; scale bar, north arrow, source.
    assert!(svg.contains(">Anteil 65 Jahre und älter in % je Planungsraum</text>"));
    assert!(
        svg.contains("Bezirk 04 Charlottenburg-Wilmersdorf · Stand 31.12.2018 · 57 Planungsräume")
    );
    assert!(svg.contains("class=\"scale-bar\"") && svg.contains("class=\"north-arrow\""));
    assert!(svg.contains("Amt für Statistik Berlin-Brandenburg, Einwohnerregisterstatistik"));
    assert!(!svg.contains("geojson"));
    // Each PLR's value in its tooltip, as computed from the CSV.
    let v = shares_65()["04010101"];
    let german = format!("{v:.1}").replace('.', ",");
    assert!(svg.contains(&format!(": {german}</title>")), "{v}");
}

#[test]
fn map_png_and_errors() {
    let png = tmp("b04.png");
    let o = lor(&[
        "map",
        s(&berlin("stats/EWR201812E_Matrix.csv")),
        "--units",
        s(&berlin("lor-2006/plr.geojson.gz")),
        "--bezirk",
        "04",
        "--sozialraum",
        s(&berlin("lor-2021/pgr.geojson.gz")),
        "--level",
        "sozialraum",
        "--column",
        "E_E",
        "-k",
        "3",
        "--output",
        s(&png),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let bytes = std::fs::read(&png).unwrap();
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    // 2× the SVG's 1090 px width.
    assert_eq!(u32::from_be_bytes(bytes[16..20].try_into().unwrap()), 2180);
    // A column that is not there, a level without Sozialräume, a bad class spec.
    for (args, code, msg) in [
        (vec!["--column", "E_X"], 2, "no column 'E_X'"),
        (
            vec!["--column", "E_E", "--level", "sozialraum"],
            2,
            "needs the Sozialraum polygons",
        ),
        (
            vec!["--column", "E_E", "--classes", "breaks:5,1"],
            2,
            "must increase",
        ),
        (
            vec!["--column", "E_E", "--output", "x.pdf"],
            2,
            ".svg or .png",
        ),
    ] {
        let mut a = vec![
            "map",
            "data/berlin/stats/EWR201812E_Matrix.csv",
            "--units",
            "data/berlin/lor-2006/plr.geojson.gz",
            "--bezirk",
            "04",
        ];
        a.extend(args);
        let o = Command::new(env!("CARGO_BIN_EXE_lor"))
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(&a)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(code), "{err}");
        assert!(err.contains(msg), "{err}");
    }
}

#[test]
fn mismatch_svg_is_fit_for_the_board() {
    let svg = tmp("mm.svg");
    let (plr, pgr, ewr, names, csv) = (
        berlin("lor-2006/plr.geojson.gz"),
        berlin("lor-2021/pgr.geojson.gz"),
        berlin("stats/EWR201812E_Matrix.csv"),
        berlin("lor-2006/plr-names.csv"),
        tmp("mm.csv"),
    );
    let args = [
        "mismatch",
        s(&plr),
        s(&pgr),
        "--bezirk",
        "04",
        "--stats",
        s(&ewr),
        "--names",
        s(&names),
        "--format",
        "csv",
        "--output",
        s(&csv),
        "--svg",
        s(&svg),
    ];
    // By default feature 124 is PLR 04030417: no PLR without polygon.
    let o = lor(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let m = std::fs::read_to_string(&svg).unwrap();
    assert!(!m.contains("url(#hatch)") && !m.contains("keine Geometrie"));
    // Without the correction 04030417 has no polygon.
    let mut unfixed = args.to_vec();
    unfixed.extend(["--a-fix-id", "none"]);
    let o = lor(&unfixed);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let m = std::fs::read_to_string(&svg).unwrap();
    assert!(m.contains(
        "<title>Bezirk 04 Charlottenburg-Wilmersdorf: wo die Planungsräume nicht in die Prognoseräume passen</title>"
    ));
    assert!(!m.contains(" vs ") && !m.contains("plr.geojson"));
    assert!(m.contains("class=\"scale-bar\"") && m.contains("class=\"north-arrow\""));
    assert!(m.contains("Quelle: Senatsverwaltung für Stadtentwicklung"));
    // The PLR without polygon: hatched and named.
    assert!(m.contains("url(#hatch)"));
    assert!(m.contains("keine Geometrie: 04030417 Schloßstraße"));
    // Legend: only the Prognoseräume that receive split parts.
    let legend = &m[m.find("class=\"legend\"").unwrap()..];
    let legend = &legend[..legend.find("</g>").unwrap()];
    let swatches = legend.matches("<rect x=\"0\"").count();
    let hatches = legend.matches("url(#hatch)").count();
    assert_eq!((swatches, hatches), (4 + 1, 1), "{legend}");
    assert!(legend.contains("0430 Charlottenburg Zentrum") && !legend.contains("0410"));
}

/// `lor mismatch` on Bezirk 04 (the README's example): the summary states
/// the people of the two split PLR (5,795 in Droysenstraße + 72 in Forst
/// Grunewald) and of their smaller parts (by area share: 19.09 % and
/// 14.22 %), the 55 PLR inside one PGR, 41 of them with slivers, and that
/// people per part are area estimates; the map as PNG too; every map
/// output's name checked before anything is read.
#[test]
fn mismatch_summary_and_png_of_bezirk_04() {
    let dir = common::scratch("mismatch_b04_png");
    let (plr, pgr, ewr) = (
        berlin("lor-2006/plr.geojson.gz"),
        berlin("lor-2021/pgr.geojson.gz"),
        berlin("stats/EWR201812E_Matrix.csv"),
    );
    let (svg, png, json) = (
        dir.join("b04.svg"),
        dir.join("b04.png"),
        dir.join("b04.json"),
    );
    let base = [
        "mismatch",
        s(&plr),
        s(&pgr),
        "--bezirk",
        "04",
        "--stats",
        s(&ewr),
        "--column",
        "E_E",
    ];
    let run = |extra: &[&str]| lor(&[&base[..], extra].concat());
    let o = run(&["--svg", s(&svg), "--png", s(&png), "-o", s(&json)]);
    assert!(o.status.success(), "{}", common::stderr(&o));
    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    let summary: Vec<&str> = report["summary"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect();
    assert_eq!(
        summary[0],
        "2 von 57 Planungsräumen sind auf mehrere Prognoseräume verteilt; 55 liegen in genau einem der Prognoseräume (41 davon bis auf Splitter aus Digitalisierungsungenauigkeit); 5.867 Einwohnerinnen und Einwohner leben in den verteilten Planungsräumen, 1.117 davon in deren kleineren Teilen"
    );
    assert!(
        summary[1].contains("2 von 17 Bezirksregionen")
            && summary[1].contains("24.659 Einwohnerinnen und Einwohner leben in den verteilten Bezirksregionen, 4.699 davon"),
        "{}",
        summary[1]
    );
    assert_eq!(
        summary[3],
        "Einwohnerinnen und Einwohner je Teil verteilter Planungsräume sind nach dem Flächenanteil des Teils geschätzt (die Statistik zählt ganze Planungsräume)"
    );
    // The same lines on stderr after the files.
    assert!(common::stderr(&o).contains(summary[0]));
    // The PNG is the SVG rendered at twice its 1090 px.
    let bytes = std::fs::read(&png).unwrap();
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    assert_eq!(u32::from_be_bytes(bytes[16..20].try_into().unwrap()), 2180);
    assert!(std::fs::read_to_string(&svg).unwrap().starts_with("<svg"));
    // A name that does not say what is written: exit 2, the flag and the
    // names allowed said, nothing written.
    for (flag, name, msg) in [
        (
            "--svg",
            "x.png",
            "--svg 'DIR/x.png': this writes an SVG map; for a PNG of it give --png DIR/x.png",
        ),
        (
            "--geojson",
            "x.xlsx",
            "--geojson 'DIR/x.xlsx': this writes the intersection pieces as GeoJSON; name the file .geojson or .json",
        ),
        (
            "--png",
            "x.svg",
            "--png 'DIR/x.svg': this writes a PNG map; name the file .png",
        ),
        (
            "-o",
            "x.xls",
            "--output 'DIR/x.xls': this writes the report as CSV or JSON (or give --format); name the file .csv or .json",
        ),
    ] {
        let out = dir.join(name);
        let o = run(&[flag, s(&out)]);
        assert_eq!(o.status.code(), Some(2), "{flag}");
        let msg = msg.replace("DIR", s(&dir));
        assert!(common::stderr(&o).contains(&msg), "{}", common::stderr(&o));
        assert!(!out.exists(), "{name}");
    }
    assert_eq!(common::listing(&dir), ["b04.json", "b04.png", "b04.svg"]);
}

// ---- the browser test -------------------------------------------------

/// Console messages of the page (Chromium logs them as `CONSOLE`).
fn console(stderr: &str) -> Vec<&str> {
    stderr.lines().filter(|l| l.contains(":CONSOLE")).collect()
}

/// URLs the page requested: every URL in the NetLog except Chromium's own
/// service calls (update, time, account checks on Google hosts).
fn requests(netlog: &Path) -> Vec<String> {
    let log = std::fs::read_to_string(netlog).unwrap_or_default();
    let mut urls: Vec<String> = log
        .split("\"url\":\"")
        .skip(1)
        .map(|r| r[..r.find('"').unwrap_or(0)].to_string())
        .filter(|u| {
            let host = u.split('/').nth(2).unwrap_or("");
            !(host.ends_with("google.com") || host.ends_with("googleapis.com"))
        })
        .collect();
    urls.sort();
    urls.dedup();
    urls
}

/// Every map and table of a page as the browser lays it out: a test page
/// (not the report: that has no scripts) loads it in a frame and lists
/// per `svg` and `table` its section, size and computed visibility, one
/// line each: `TAG SECTION WIDTH HEIGHT DISPLAY VISIBILITY OPACITY`.
fn layout(chrome: &Path, page: &Path) -> Vec<String> {
    let probe = page.with_file_name("probe.html");
    std::fs::write(
        &probe,
        format!(
            r#"<!DOCTYPE html><html><body>
<iframe id="f" src="{}" style="width:1200px;height:900px"></iframe><pre id="out">not loaded</pre>
<script>
document.getElementById('f').addEventListener('load', function () {{
  var d = this.contentDocument, rows = [];
  if (!d) {{ document.getElementById('out').textContent = 'no access'; return; }}
  d.querySelectorAll('svg, table').forEach(function (e) {{
    var r = e.getBoundingClientRect(), st = d.defaultView.getComputedStyle(e);
    var sec = e.closest('section');
    rows.push(['BOX', e.tagName.toLowerCase(), sec ? sec.id : '-', Math.round(r.width),
      Math.round(r.height), st.display, st.visibility, st.opacity].join(' '));
  }});
  document.getElementById('out').textContent = rows.join('\n');
}});
</script></body></html>"#,
            page.file_name().unwrap().to_string_lossy()
        ),
    )
    .unwrap();
    let (dom, _) = browse(
        chrome,
        &[
            "--allow-file-access-from-files",
            "--virtual-time-budget=10000",
            "--dump-dom",
        ],
        &probe,
        &tmp("net-probe.json"),
    );
    dom.lines()
        .filter(|l| l.starts_with("BOX ") || l.contains(">BOX "))
        .map(|l| {
            l[l.find("BOX ").unwrap() + 4..]
                .trim_end_matches("</pre>")
                .to_string()
        })
        .collect()
}

/// Every box of [`layout`] has a size and is displayed and visible.
fn assert_visible(boxes: &[String]) {
    assert!(!boxes.is_empty());
    for b in boxes {
        let f: Vec<&str> = b.split(' ').collect();
        let (w, h): (u32, u32) = (f[2].parse().unwrap(), f[3].parse().unwrap());
        assert!(w >= 300 && h >= 80, "{b}");
        assert!(f[4] != "none" && f[5] == "visible" && f[6] == "1", "{b}");
    }
}

/// Pages of a PDF written by Chromium (the page tree's /Count).
fn pdf_pages(pdf: &[u8]) -> usize {
    let text = String::from_utf8_lossy(pdf);
    text.match_indices("/Count ")
        .filter_map(|(i, _)| {
            text[i + 7..]
                .split(|c: char| !c.is_ascii_digit())
                .next()?
                .parse()
                .ok()
        })
        .max()
        .unwrap_or(0)
}

/// Pages the Bezirk 04 report prints to on A4: key figures, two maps, the
/// mismatch section with its map, warnings and sources. 5 today; a range
/// so that a font with other metrics does not fail the test.
const PAGES: std::ops::RangeInclusive<usize> = 4..=8;

#[test]
fn report_in_a_real_browser() {
    let Some(chrome) = chromium() else {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("CI=true but chromium is not installed: .ci/run installs it (apt-get install chromium)");
        }
        eprintln!("SKIPPED report_in_a_real_browser: chromium is not installed (apt-get install chromium); CI=true makes this a failure");
        return;
    };
    let html = tmp("browser-b04.html");
    b04_report(
        &html,
        Some("124=04030417"),
        &[
            "--points",
            s(&berlin("points/kitas.geojson.gz")),
            "--points-sum",
            "e_platz",
        ],
    );

    // The detector works: a page with a console error and a request.
    let bad = tmp("bad.html");
    std::fs::write(
        &bad,
        "<!DOCTYPE html><html><body><img src=\"http://example.invalid/x.png\"><script>console.error('boom')</script></body></html>",
    )
    .unwrap();
    let (_, err) = browse(&chrome, &["--dump-dom"], &bad, &tmp("net-bad.json"));
    assert!(console(&err).iter().any(|l| l.contains("boom")), "{err}");
    assert_eq!(
        requests(&tmp("net-bad.json")),
        vec!["http://example.invalid/x.png"]
    );

    // The report: no console messages, no requests, everything there.
    let net = tmp("net-report.json");
    let (dom, err) = browse(&chrome, &["--dump-dom"], &html, &net);
    assert_eq!(console(&err), Vec::<&str>::new());
    assert_eq!(requests(&net), Vec::<String>::new());
    assert_eq!(
        dom.matches("<svg").count(),
        3,
        "two choropleths and the mismatch map"
    );
    for id in ["key-figures", "map-1", "map-2", "mismatch", "warnings"] {
        assert!(dom.contains(&format!("id=\"{id}\"")), "{id}");
    }
    assert_eq!(
        dom.matches("<table").count(),
        1 + 3,
        "key figures and the split PLR/BZR/PGR"
    );
    assert!(dom.contains("data-col=\"e_platz per E_u6\""));

    // Every map and table laid out with a size, displayed and visible.
    let boxes = layout(&chrome, &html);
    let sections: Vec<String> = boxes
        .iter()
        .map(|b| b.split(' ').take(2).collect::<Vec<_>>().join(" "))
        .collect();
    assert_eq!(
        sections,
        [
            "table figures",
            "svg map-1",
            "svg map-2",
            "table mismatch",
            "table mismatch",
            "table mismatch",
            "svg mismatch"
        ],
        "{boxes:?}"
    );
    assert_visible(&boxes);

    // The sample district with a series: change rows and a map of a change.
    let here = |rel: &str| Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    let sample = tmp("browser-sample.html");
    let o = lor(&[
        "report",
        s(&here("data/sample/EWR202412E_Matrix.csv")),
        "--units",
        s(&here("data/sample/plr.geojson")),
        "--sozialraum",
        s(&here("data/sample/sozialraeume.geojson")),
        "--series",
        s(&here("data/sample/series")),
        "--change-map",
        SHARE_65,
        "--output",
        s(&sample),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let net = tmp("net-sample.json");
    let (dom, err) = browse(&chrome, &["--dump-dom"], &sample, &net);
    assert_eq!(console(&err), Vec::<&str>::new());
    assert_eq!(requests(&net), Vec::<String>::new());
    assert_eq!(dom.matches("<tr class=\"change\">").count(), 5 + 1);
    let boxes = layout(&chrome, &sample);
    assert!(
        boxes.iter().any(|b| b.starts_with("svg change-map-1 ")),
        "{boxes:?}"
    );
    assert_visible(&boxes);

    // Printed to PDF on A4.
    let pdf = tmp("b04.pdf");
    browse(
        &chrome,
        &[
            "--no-pdf-header-footer",
            &format!("--print-to-pdf={}", pdf.display()),
        ],
        &html,
        &tmp("net-pdf.json"),
    );
    let pages = pdf_pages(&std::fs::read(&pdf).unwrap());
    assert!(PAGES.contains(&pages), "{pages} pages");
}

/// Kita places in the report come from the same PLR → Sozialraum assignment
/// as the children (as in `lor points`): a Kita in the 0440 polygon whose
/// PLR belongs to 0420 counts in 0420 (1,701 places, not 1,671).
#[test]
fn report_places_follow_the_plr_assignment() {
    let html = tmp("b04-places.html");
    b04_report(
        &html,
        Some("124=04030417"),
        &[
            "--points",
            s(&berlin("points/kitas.geojson.gz")),
            "--points-sum",
            "e_platz",
        ],
    );
    let fig = html_figures(&std::fs::read_to_string(&html).unwrap());
    let places = |k: &str| fig[&(k.to_string(), "e_platz".to_string())];
    let expected = [
        ("0410", 702.0),
        ("0420", 1701.0),
        ("0430", 4644.0),
        ("0440", 1949.0),
        ("0450", 4296.0),
    ];
    for (k, v) in expected {
        assert_eq!(places(k), v, "{k}");
    }
    assert_eq!(expected.iter().map(|(_, v)| v).sum::<f64>(), 13292.0);
}

/// The text report of `lor mismatch` is in the run's language: German
/// words and numbers by default, English with `--lang en`.
#[test]
fn mismatch_text_report_in_both_languages() {
    let run = |lang: &str| {
        let o = lor(&[
            "mismatch",
            berlin("lor-2006/plr.geojson.gz").to_str().unwrap(),
            berlin("lor-2021/pgr.geojson.gz").to_str().unwrap(),
            "--bezirk",
            "04",
            "--stats",
            berlin("stats/EWR201812E_Matrix.csv").to_str().unwrap(),
            "--format",
            "text",
            "--lang",
            lang,
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8(o.stdout).unwrap()
    };
    let de = run("de");
    for line in [
        "Rauschen: Teile unter 1,0 % einer Einheit oder unter 1.000 m²",
        "Verteilte Planungsräume:",
        "  04030726 Droysenstraße (338.730 m², 5.795 Einwohnerinnen und Einwohner)",
        "     19,09 %        64.671 m²  0430 Charlottenburg Zentrum      1.106 Einwohnerinnen und Einwohner",
        "Einheiten von pgr.geojson.gz:",
        // BZR and PGR named from the built-in LOR 2006 list without --names.
        "  0403 CW 3 (12.154.615 m², 145.503 Einwohnerinnen und Einwohner)",
        "  040307 Neue Kantstraße (1.488.054 m²",
    ] {
        assert!(de.contains(line), "{line}\n{de}");
    }
    assert!(!de.contains("Split ") && !de.contains("slivers"), "{de}");
    let en = run("en");
    assert!(
        en.contains("  04030726 Droysenstraße (338,730 m², 5,795 inhabitants)")
            && en.contains("Split Planungsräume:"),
        "{en}"
    );
}
