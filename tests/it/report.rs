//! `lor report` beyond one date: the change against the previous date of a
//! series (equal to `lor series --change previous`), maps of changes, German
//! labels from the codebook, and the `[[report]]` step of `lor run`.

use crate::common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::{berlin, lor, scratch, stderr};

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn root(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

const SHARE_65: &str = "Anteil_65plus=(E_E65U80+E_E80U110)/E_E*100";

/// The sample district's report; `extra` adds flags.
fn sample_report(out: &Path, extra: &[&str]) -> std::process::Output {
    let (stats, plr, sr, names) = (
        root("data/sample/EWR202412E_Matrix.csv"),
        root("data/sample/plr.geojson"),
        root("data/sample/sozialraeume.geojson"),
        root("data/sample/plr.csv"),
    );
    let mut args = vec![
        "report",
        s(&stats),
        "--units",
        s(&plr),
        "--sozialraum",
        s(&sr),
        "--names",
        s(&names),
        "--output",
        s(out),
    ];
    args.extend(extra);
    lor(&args)
}

/// `data-key` → `data-col` → `data-value` of every cell of the key-figure table.
fn html_cells(html: &str) -> BTreeMap<(String, String), f64> {
    let table = &html[html.find("id=\"key-figures\"").unwrap()..];
    let table = &table[..table.find("</table>").unwrap()];
    let mut out = BTreeMap::new();
    for cell in table.split("<td data-key=\"").skip(1) {
        let key = &cell[..cell.find('"').unwrap()];
        let rest = &cell[cell.find("data-col=\"").unwrap() + 10..];
        let col = &rest[..rest.find('"').unwrap()];
        if let Some(i) = rest[..rest.find('>').unwrap()].find("data-value=\"") {
            let v = &rest[i + 12..];
            let v: f64 = v[..v.find('"').unwrap()].parse().unwrap();
            out.insert((key.to_string(), col.to_string()), v);
        }
    }
    out
}

/// `lor series` of the two dates with the change against the previous one:
/// (level key, date) → column → value.
fn series_rows() -> BTreeMap<(String, String), BTreeMap<String, f64>> {
    let out = scratch("report_series").join("series.csv");
    let o = lor(&[
        "series",
        s(&root("data/sample/series/EWR202406E_Matrix.csv")),
        s(&root("data/sample/series/EWR202412E_Matrix.csv")),
        "--sozialraum",
        s(&root("data/sample/sozialraeume.geojson")),
        "--units",
        s(&root("data/sample/plr.geojson")),
        "--levels",
        "bez",
        "--change",
        "previous",
        "--output",
        s(&out),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    common::numeric_rows(&out)
        .into_iter()
        .map(|(r, m)| ((r[1].to_string(), r[3].to_string()), m))
        .collect()
}

#[test]
fn report_changes_equal_lor_series() {
    let dir = scratch("report_changes");
    let out = dir.join("sample.html");
    // The whole series folder: the report takes the latest date before its
    // own (2024-06); the older dates in LOR 2006 keys are not needed.
    let o = sample_report(
        &out,
        &[
            "--series",
            s(&root("data/sample/series")),
            "--change-map",
            SHARE_65,
            "--change-map",
            "E_E",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let html = std::fs::read_to_string(&out).unwrap();
    let cells = html_cells(&html);
    let rows = series_rows();
    let mut checked = 0;
    for key in ["SR1", "SR2", "SR3", "SR4", "SR5", "13"] {
        let now = &rows[&(key.to_string(), "2024-12".to_string())];
        let before = &rows[&(key.to_string(), "2024-06".to_string())];
        let ch = |c: &str| now[&format!("{c} change previous")];
        let sum =
            |r: &BTreeMap<String, f64>, cols: &[&str]| cols.iter().map(|c| r[*c]).sum::<f64>();
        let groups: [(&str, &[&str]); 6] = [
            ("E_E", &["E_E"]),
            ("E_u6", &["E_EU1", "E_E1U6"]),
            ("E_6u15", &["E_E6U15"]),
            ("E_15u18", &["E_E15U18"]),
            ("E_18u65", &["E_E18U25", "E_E25U55", "E_E55U65"]),
            ("E_65plus", &["E_E65U80", "E_E80U110"]),
        ];
        for (name, cols) in groups {
            // Counts: the sum of lor series' changes of the columns.
            let want: f64 = cols.iter().map(|c| ch(c)).sum();
            let got = cells[&(key.to_string(), format!("{name} change previous"))];
            assert_eq!(got, want, "{key} {name}");
            checked += 1;
            if name == "E_E" {
                continue;
            }
            // Shares: percentage points between lor series' two dates.
            let share = |r: &BTreeMap<String, f64>| sum(r, cols) / r["E_E"] * 100.0;
            let want = share(now) - share(before);
            let got = cells[&(key.to_string(), format!("Anteil {name} change previous pp"))];
            assert!((got - want).abs() < 1e-9, "{key} {name}: {got} vs {want}");
            checked += 1;
        }
        // The figures themselves are those of the report's date.
        assert_eq!(cells[&(key.to_string(), "E_E".to_string())], now["E_E"]);
    }
    assert_eq!(checked, 6 * 11);
    // A planner's reading: SR1 Nordwest grew by 340 people (37,373 → 37,713).
    assert_eq!(cells[&("SR1".into(), "E_E change previous".into())], 340.0);
    assert!(html.contains("<td class=\"name\">Veränderung gegenüber 30.06.2024</td>"));
    // The previous date's file among the sources, by its README entry, never by path.
    assert!(!html.contains("data/sample/series"));
    assert!(html.contains("<li>lor, „Beispielbezirk Auenwalde (erfunden), Einwohnerinnen und Einwohner“, Stand 30.06.2024, Lizenz: frei verwendbar</li>"));
    // Maps of the changes: diverging colours, the middle one for "about no change".
    for (id, legend) in [
        ("change-map-1", "Veränderung gegenüber 30.06.2024 (Pp)"),
        ("change-map-2", "Veränderung gegenüber 30.06.2024"),
    ] {
        let m = &html[html.find(&format!("id=\"{id}\"")).unwrap()..];
        let m = &m[..m.find("</section>").unwrap()];
        assert!(m.contains(&format!(">{legend}</text>")), "{id}");
        for c in ["#e66101", "#f7f7f7", "#5e3c99"] {
            assert!(m.contains(&format!("fill=\"{c}\"")), "{id} {c}");
        }
        assert!(m.contains("gleich breit um null"));
    }
    assert!(html.contains(
        "<h2>Anteil 65 Jahre und älter in %: Veränderung gegenüber 30.06.2024 je Planungsraum</h2>"
    ));
    // Same inputs, same bytes.
    let again = dir.join("again.html");
    let o = sample_report(
        &again,
        &[
            "--series",
            s(&root("data/sample/series")),
            "--change-map",
            SHARE_65,
            "--change-map",
            "E_E",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(std::fs::read(&again).unwrap(), html.as_bytes());

    // Without a series: one date, no change rows.
    let one = dir.join("one.html");
    let o = sample_report(&one, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let html = std::fs::read_to_string(&one).unwrap();
    assert!(!html.contains("class=\"change\"") && !html.contains("change previous"));
}

#[test]
fn report_change_errors() {
    let dir = scratch("report_change_errors");
    let out = dir.join("x.html");
    // Only the report's own date and later: nothing to compare with.
    let o = sample_report(
        &out,
        &[
            "--series",
            s(&root("data/sample/series/EWR202412E_Matrix.csv")),
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("the series has no date before 2024-12"),
        "{}",
        stderr(&o)
    );
    // The previous date in the other LOR vintage is refused, not mixed.
    let o = sample_report(
        &out,
        &[
            "--series",
            s(&root("data/sample/series/EWR202212E_Matrix.csv")),
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("EWR202212E_Matrix.csv (2022-12) has LOR 2006 keys")
            && stderr(&o).contains("translate the earlier file into LOR 2021 first"),
        "{}",
        stderr(&o)
    );
    // A map of changes needs the series.
    let o = sample_report(&out, &["--change-map", "E_E"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--series"), "{}", stderr(&o));
    assert!(!out.exists());
}

#[test]
fn report_and_map_labels_are_german() {
    let dir = scratch("report_labels");
    let out = dir.join("b04.html");
    let o = lor(&[
        "report",
        s(&berlin("stats/EWR201812E_Matrix.csv")),
        "--bezirk",
        "04",
        "--units",
        s(&berlin("lor-2006/plr.geojson.gz")),
        "--units-fix-id",
        "124=04030417",
        "--sozialraum",
        s(&berlin("lor-2021/pgr.geojson.gz")),
        "--output",
        s(&out),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let html = std::fs::read_to_string(&out).unwrap();
    // Section, map title and legend: the codebook's words, not the code.
    assert!(html.contains("<h2>Anteil 65 Jahre und älter in % je Planungsraum</h2>"));
    assert!(html.contains(">Anteil 65 Jahre und älter in % je Planungsraum</text>"));
    assert!(html.contains("font-weight=\"bold\">Anteil 65 Jahre und älter in %</text>"));
    assert!(html.contains("<h2>Anteil unter 6 Jahre in % je Planungsraum</h2>"));
    // A share the codebook names is not spelt out in codes on the map.
    assert!(!html.contains("Anteil_65plus = (E_E65U80 + E_E80U110) / (E_E) in %"));
    // Table headers.
    for th in [
        "Einwohner&shy;innen und Einwohner insgesamt</th>",
        ">unter 6 Jahre</th>",
        ">6 bis unter 15 Jahre</th>",
        ">18 bis unter 65 Jahre</th>",
        ">65 Jahre und älter</th>",
        "<th>Einwohnerinnen und Einwohner insgesamt (geschätzt nach Fläche)</th>",
    ] {
        assert!(html.contains(th), "{th}");
    }
    assert!(!html.contains(">Anteil_65plus per"));
    // lor map: a plain EWR column by its label; an unknown one by its code.
    for (col, title) in [
        (
            "E_E",
            "Einwohnerinnen und Einwohner insgesamt per Planungsraum",
        ),
        (
            "E_EW",
            "Einwohnerinnen und Einwohner weiblich per Planungsraum",
        ),
        (
            "E_E65U80",
            "Einwohnerinnen und Einwohner, Altersgruppe 65 bis unter 80 Jahre per Planungsraum",
        ),
        (
            "Kinder=(E_EU1+E_E1U6)/E_E*100",
            "Anteil unter 6 Jahre in % per Planungsraum",
        ),
        ("Quote=E_EU1/E_EW*100", "Quote per Planungsraum"),
    ] {
        let o = lor(&[
            "map",
            s(&berlin("stats/EWR201812E_Matrix.csv")),
            "--units",
            s(&berlin("lor-2006/plr.geojson.gz")),
            "--bezirk",
            "04",
            "--column",
            col,
            "--lang",
            "en",
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        let svg = String::from_utf8(o.stdout).unwrap();
        assert!(svg.contains(&format!(">{title}</text>")), "{col}: {title}");
    }
}

#[test]
fn job_step_writes_the_report() {
    let dir = scratch("report_job");
    let text = std::fs::read_to_string(root("jobs/auenwalde.toml"))
        .unwrap()
        .replace("../data/", &format!("{}/data/", root("").display()))
        .replace("../out/", &format!("{}/out/", dir.display()));
    let job = dir.join("auenwalde.toml");
    std::fs::write(&job, text).unwrap();
    // The step as a command line: the stats positional, the series folder,
    // the output staged.
    let o = lor(&["run", s(&job), "--dry-run"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let plan = String::from_utf8(o.stdout).unwrap();
    let line = plan
        .lines()
        .find(|l| l.starts_with("lor report "))
        .expect("a report step");
    assert!(
        line.contains("data/sample/EWR202412E_Matrix.csv --"),
        "{line}"
    );
    assert!(
        line.contains("--series ") && line.contains("data/sample/series"),
        "{line}"
    );
    assert!(line.contains("--strict"), "{line}");
    let o = lor(&["run", s(&job)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let report = dir.join("out/auenwalde/202412/sozialraum-bericht.html");
    let html = std::fs::read_to_string(&report).unwrap();
    let cells = html_cells(&html);
    // The same report as the command's.
    let direct = dir.join("direct.html");
    let o = sample_report(
        &direct,
        &[
            "--series",
            s(&root("data/sample/series")),
            "--change-map",
            SHARE_65,
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        cells,
        html_cells(&std::fs::read_to_string(&direct).unwrap())
    );
    assert_eq!(cells[&("SR1".into(), "E_E change previous".into())], 340.0);
    assert_eq!(cells[&("13".into(), "E_E".into())], 217309.0);
    assert!(html.contains("id=\"change-map-1\""));
}

/// The sample's 2024-06 file, changed by `edit` (a line at a time, line
/// ends kept), in a folder of its own: the report's series.
fn earlier(name: &str, edit: impl Fn(&str) -> Option<String>) -> PathBuf {
    let dir = scratch(name);
    let text = std::fs::read_to_string(root("data/sample/series/EWR202406E_Matrix.csv")).unwrap();
    let out: String = text.split_inclusive('\n').filter_map(edit).collect();
    std::fs::write(dir.join("EWR202406E_Matrix.csv"), out).unwrap();
    dir
}

#[test]
fn a_plr_missing_at_the_earlier_date_is_named_not_counted_as_change() {
    let dir = earlier("report_missing_row", |l| {
        (!l.starts_with("202406;13100101;")).then(|| l.to_string())
    });
    let out = scratch("report_missing_row_out").join("r.html");
    let o = sample_report(&out, &["--series", s(&dir)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("(2024-06): no row for 1 Planungsraum of the other dates")
            && err.contains("13100101"),
        "{err}"
    );
    // The warning is in the report too, where a reader of the change sees it.
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.contains("missing-plr"), "the report lists the warning");
}

#[test]
fn a_change_map_of_a_column_the_earlier_file_lacks_names_that_file() {
    // Drop E_E65U80 (the 47th field: ZEIT … STADTRAUM, E_E …) from every line.
    let header = std::fs::read_to_string(root("data/sample/series/EWR202406E_Matrix.csv")).unwrap();
    let at = header
        .lines()
        .next()
        .unwrap()
        .split(';')
        .position(|c| c == "E_E65U80")
        .expect("the sample has E_E65U80");
    let dir = earlier("report_missing_column", move |l| {
        let mut f: Vec<&str> = l.split(';').collect();
        f.remove(at);
        Some(f.join(";"))
    });
    let out = scratch("report_missing_column_out").join("r.html");
    let o = sample_report(&out, &["--series", s(&dir), "--change-map", SHARE_65]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("EWR202406E_Matrix.csv: no column 'E_E65U80'")
            && err.contains("at 2024-06, so the change of 'Anteil_65plus' cannot be mapped"),
        "{err}"
    );
    assert!(!out.exists(), "no report written");
}

#[test]
fn a_report_step_sets_the_number_of_classes_and_help_is_no_setting() {
    let dir = scratch("report_job_k");
    let job = dir.join("k.toml");
    let body = format!(
        "name = \"k\"\noutput_root = \"out\"\n[[report]]\nstats = \"{}\"\nunits = \"{}\"\nsozialraum = \"{}\"\nk = 4\noutput = \"out/r.html\"\n",
        s(&root("data/sample/EWR202412E_Matrix.csv")),
        s(&root("data/sample/plr.geojson")),
        s(&root("data/sample/sozialraeume.geojson")),
    );
    std::fs::write(&job, &body).unwrap();
    let o = lor(&["run", s(&job), "--dry-run"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let plan = String::from_utf8_lossy(&o.stdout).to_string();
    assert!(plan.contains(" -k 4 "), "{plan}");
    std::fs::write(&job, body.replace("k = 4", "help = true")).unwrap();
    let o = lor(&["run", s(&job), "--dry-run"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("unknown key 'help'") && err.contains(", k, "),
        "{err}"
    );
}

/// The Bezirk-04 report of the open-data population table of 31.12.2018
/// has the same key figures as that of the register file of the same date:
/// people, each age group and its share, per Sozialraum and for the Bezirk.
#[test]
fn report_on_an_open_data_table_equals_the_register_files() {
    let dir = scratch("report_open_data");
    let run = |stats: &str, out: &str| {
        let out = dir.join(out);
        let o = lor(&[
            "report",
            s(&berlin(stats)),
            "--bezirk",
            "04",
            "--units",
            s(&berlin("lor-2006/plr.geojson.gz")),
            "--sozialraum",
            s(&berlin("lor-2021/pgr.geojson.gz")),
            "--output",
            s(&out),
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        (std::fs::read_to_string(out).unwrap(), stderr(&o))
    };
    let (open, notes) = run(
        "stats/population-2018-12/t2-planning-areas.csv",
        "open.html",
    );
    assert!(notes.contains("note (proven-share)"), "{notes}");
    assert_eq!(notes.matches("note (proven-share)").count(), 1, "{notes}");
    let (register, _) = run("stats/EWR201812E_Matrix.csv", "ewr.html");
    let (open, register) = (html_cells(&open), html_cells(&register));
    let groups = ["u6", "6u15", "15u18", "18u65", "65plus"];
    let mut compared = 0;
    for key in ["0410", "0420", "0430", "0440", "0450", "04"] {
        let pairs = std::iter::once(("inhabitants".to_string(), "E_E".to_string())).chain(
            groups.iter().flat_map(|g| {
                [
                    (format!("inhabitants_{g}"), format!("E_{g}")),
                    (format!("Anteil inhabitants_{g}"), format!("Anteil E_{g}")),
                ]
            }),
        );
        for (o, r) in pairs {
            let get = |m: &BTreeMap<(String, String), f64>, c: &str| {
                *m.get(&(key.to_string(), c.to_string()))
                    .unwrap_or_else(|| panic!("no {key} {c}"))
            };
            let (a, b) = (get(&open, &o), get(&register, &r));
            assert!((a - b).abs() < 1e-9, "{key} {o}: {a} vs {r}: {b}");
            compared += 1;
        }
    }
    assert_eq!(compared, 66);
    assert_eq!(
        open[&("04".to_string(), "inhabitants".to_string())],
        341_327.0
    );
    assert_eq!(
        open[&("04".to_string(), "inhabitants_u6".to_string())],
        16_262.0
    );
}

// ---- the Bezirk 04 report as a person reads it ---------------------------

/// What the browser shows of a report in a frame `width` px wide: its
/// `lang`, its visible text (`innerText`; `own` without the maps and the
/// mismatch summary lines, which `render::draw` and
/// `quality::mismatch::report` write), the width of the page and of the
/// key-figure table against the frame.
struct Shown {
    lang: String,
    text: String,
    own: String,
    page_width: u64,
    table_width: u64,
    view_width: u64,
}

fn shown(chrome: &Path, page: &Path, width: u32) -> Shown {
    use common::browser::browse;
    let probe = page.with_file_name(format!("probe-{width}.html"));
    std::fs::write(
        &probe,
        format!(
            r#"<!DOCTYPE html><html><body>
<iframe id="f" src="{}" style="width:{width}px;height:900px;border:0"></iframe><pre id="out">not loaded</pre>
<script>
document.getElementById('f').addEventListener('load', function () {{
  var d = this.contentDocument;
  if (!d) {{ document.getElementById('out').textContent = 'no access'; return; }}
  var all = d.body.innerText;
  d.querySelectorAll('svg, #mismatch ul.summary').forEach(function (e) {{ e.remove(); }});
  var t = d.getElementById('key-figures');
  document.getElementById('out').textContent = JSON.stringify({{
    lang: d.documentElement.lang, text: all, own: d.body.innerText,
    page: d.documentElement.scrollWidth, table: t.getBoundingClientRect().right,
    view: d.documentElement.clientWidth }});
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
        &page.with_file_name(format!("net-probe-{width}.json")),
    );
    let json = &dom[dom.find("<pre id=\"out\">").unwrap() + 14..];
    let json = &json[..json.find("</pre>").unwrap()];
    let json = json
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&");
    let v: serde_json::Value =
        serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}: {json}"));
    let text = |k: &str| v[k].as_str().unwrap().to_string();
    let num = |k: &str| v[k].as_f64().unwrap().round() as u64;
    Shown {
        lang: text("lang"),
        text: text("text"),
        own: text("own"),
        page_width: num("page"),
        table_width: num("table"),
        view_width: num("view"),
    }
}

/// English a German document must not show: words and phrases.
const ENGLISH: &[&str] = &[
    "of",
    "per",
    "change since",
    "key figures",
    "source",
    "sources",
    "warnings",
    "borders",
    "classes",
];

/// The English words and phrases of [`ENGLISH`] in `text`, as whole words.
fn english_in(text: &str) -> Vec<&'static str> {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase())
        .collect();
    let joined = format!(" {} ", words.join(" "));
    ENGLISH
        .iter()
        .copied()
        .filter(|e| joined.contains(&format!(" {e} ")))
        .collect()
}

/// What a person reads in a German report: no path, no short name, no
/// English, German numbers and dates.
fn assert_german(text: &str) {
    for bad in [
        "/", ".csv", ".geojson", "lor2006:", "lor2021:", "E_E", "e_platz",
    ] {
        assert!(!text.contains(bad), "'{bad}' in the report:\n{text}");
    }
    assert_eq!(english_in(text), Vec::<&str>::new(), "{text}");
}

fn b04_report(out: &Path, bundled: bool) {
    let (plr, pgr) = if bundled {
        ("lor2006:plr".to_string(), "lor2021:pgr".to_string())
    } else {
        (
            s(&berlin("lor-2006/plr.geojson.gz")).to_string(),
            s(&berlin("lor-2021/pgr.geojson.gz")).to_string(),
        )
    };
    let o = lor(&[
        "report",
        s(&berlin("stats/EWR201812E_Matrix.csv")),
        "--bezirk",
        "04",
        "--units",
        &plr,
        "--sozialraum",
        &pgr,
        "--points",
        s(&berlin("points/kitas.geojson.gz")),
        "--points-sum",
        "e_platz",
        "--output",
        s(out),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
}

/// The Bezirk 04 report in headless Chromium at 720 px: German, with
/// German numbers (19.478 people in 0410, 5,9 % under 6, 0,61 places per
/// child; 341.327 in the Bezirk), dates (31.12.2018), every source with its
/// date and licence, no path, no short name, no English; the page no wider
/// than the screen.
#[test]
fn b04_report_reads_as_german_at_720_px() {
    let Some(chrome) = common::browser::chromium_or_skip("b04_report_reads_as_german_at_720_px")
    else {
        return;
    };
    let dir = scratch("report-german");
    let html = dir.join("b04.html");
    b04_report(&html, true);
    let shown = shown(&chrome, &html, 720);
    assert_eq!(shown.lang, "de");
    let text = &shown.own;
    assert_german(text);
    for expected in [
        "Sozialräume im Bezirk 04 Charlottenburg-Wilmersdorf",
        "Kennzahlen je Sozialraum",
        "Stand der Zahlen: 31.12.2018.",
        "19.478",
        "5,9",
        "0,61",
        "341.327",
        "13.292",
        "Genehmigte Plätze",
        "je Kind unter 6 Jahren",
        "Geteilte Planungsräume",
        "Hinweise",
        "Quellen und Stand",
        "Amt für Statistik Berlin-Brandenburg, „Einwohnerregisterstatistik Berlin, Einwohnerinnen und Einwohner nach Planungsräumen“, Stand 31.12.2018",
        "„Lebensweltlich orientierte Räume (LOR 2006), Planungsräume“",
        "„Lebensweltlich orientierte Räume (LOR 2021), Prognoseräume“, Stand 01.01.2021",
        "„Kindertagesstätten (Kita-Verzeichnis)“, Stand Dezember 2022, Lizenz: Datenlizenz Deutschland – Namensnennung – Version 2.0",
    ] {
        assert!(text.contains(expected), "no '{expected}' in:\n{text}");
    }
    for english in ["19,478", "341,327", "5.9 ", "0.61"] {
        assert!(!text.contains(english), "'{english}' in:\n{text}");
    }
    // Nothing runs off a 720 px screen: the page and the key figures fit.
    assert!(
        shown.page_width <= shown.view_width,
        "page {} px wide in a {} px frame",
        shown.page_width,
        shown.view_width
    );
    assert!(
        shown.table_width <= shown.view_width,
        "key figures end at {} px in a {} px frame",
        shown.table_width,
        shown.view_width
    );
}

/// The same check on everything the report shows, maps and the mismatch
/// summary included: those texts come from `render::draw` and
/// `quality::mismatch::report`, made German on their own branch (issue 23).
#[test]
fn b04_report_maps_read_as_german() {
    let Some(chrome) = common::browser::chromium_or_skip("b04_report_maps_read_as_german") else {
        return;
    };
    let dir = scratch("report-german-maps");
    let html = dir.join("b04.html");
    b04_report(&html, true);
    assert_german(&shown(&chrome, &html, 720).text);
}

/// A table of people without age groups (the open-data t1 table) makes a
/// report with the people per Sozialraum and no default maps, not an error.
#[test]
fn report_on_a_table_without_age_groups_has_people_and_no_default_maps() {
    let dir = scratch("report_t1");
    let out = dir.join("t1.html");
    let o = lor(&[
        "report",
        s(&berlin("stats/population-2018-12/t1-planning-areas.csv")),
        "--bezirk",
        "04",
        "--units",
        s(&berlin("lor-2006/plr.geojson.gz")),
        "--sozialraum",
        s(&berlin("lor-2021/pgr.geojson.gz")),
        "--output",
        s(&out),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let html = std::fs::read_to_string(&out).unwrap();
    let cells = html_cells(&html);
    assert_eq!(
        cells[&("04".to_string(), "inhabitants".to_string())],
        341_327.0
    );
    assert_eq!(
        cells[&("0410".to_string(), "inhabitants".to_string())],
        19_478.0
    );
    assert!(
        !html.contains("id=\"map-1\""),
        "a default map without its columns"
    );
}
