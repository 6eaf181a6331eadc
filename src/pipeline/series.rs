//! `lor series`: statistics of many dates, one table per level over time.

use std::path::PathBuf;

use anyhow::Result;

use crate::aggregation::aggregate::MissingPolicy;
use crate::aggregation::rename::{rename_columns, InputRename};
use crate::aggregation::rules::RuleFlags;
use crate::error::Warnings;
use crate::mapping::sozialraum::SozialraumFile;
use crate::mapping::weights::Assign;
use crate::pipeline::crosswalk::Overlay;
use crate::pipeline::Outcome;
use crate::render::labels::{Codebook, HeaderCodes};
use crate::render::output::{table_outputs, Format, Presentation, Target};
use crate::series::build::{build, Series};
use crate::series::changes::{change_columns, Against, Changes};
use crate::series::dates::{Date, Dated};
use crate::series::input::{catalogue_names, check_coverage, expand_inputs, read_dated};
use crate::series::sozialraum::{sozialraum_weights, SozialraumInput};
use crate::series::tables::Shape;
use crate::series::translate::{bundled_polygons, needs_translation, Translation};
use crate::spatial::geometry::LayerOptions;
use crate::table::key::{Level, Vintage};
use crate::table::level::LevelTable;
use crate::table::names::Names;
use crate::table::scope::{levels_in, Bezirk};
use crate::table::stats::ReadOptions;
use crate::text::Lang;

/// The Sozialräume of a series: the same assignment for every date.
pub struct Sozialraum {
    /// A CSV/XLSX list "PLR (or BZR) → Sozialraum", or polygons.
    pub file: SozialraumFile,
    /// How PLR go to polygons.
    pub assign: Assign,
    /// The PLR polygons, for polygons.
    pub units: Option<PathBuf>,
}

/// The checked plan of one `lor series` run.
pub struct Plan {
    /// Files, folders or globs of statistics files.
    pub inputs: Vec<String>,
    /// Dates of files that do not say them (`--date FILE=YYYY-MM`).
    pub given: Vec<(PathBuf, Date)>,
    /// How the files are read (each in its own vintage: `vintage` is the
    /// series').
    pub read: ReadOptions,
    /// `--rename-input [GLOB:]OLD=NEW`: columns of the files renamed
    /// before the rules, so that one column joins differently named ones.
    pub rename_input: Vec<InputRename>,
    /// Only this Bezirk: every dated file's rows and the names are cut to
    /// it, and it is the top level (no Berlin row).
    pub bezirk: Option<Bezirk>,
    /// The names of the units; the built-in catalogue without them.
    pub names: Option<PathBuf>,
    pub rules: RuleFlags,
    pub missing: MissingPolicy,
    pub levels: Vec<Level>,
    /// One vintage for the whole series: dates in the other are translated.
    pub vintage: Option<Vintage>,
    /// Crosswalks or key tables from the other vintage, chained.
    pub crosswalk: Vec<PathBuf>,
    /// Polygons of the other vintage (read with their options) and of the
    /// series' vintage, instead of the bundled ones.
    pub polygons: Option<((PathBuf, LayerOptions), PathBuf)>,
    /// How a crosswalk is built from polygons.
    pub overlay: Overlay,
    /// Changes against the previous date and/or the year before, of these
    /// columns (names or globs; all counts without them).
    pub against: Vec<Against>,
    pub change_columns: Vec<String>,
    pub sozialraum: Option<Sozialraum>,
    /// The dates side by side (XLSX always is).
    pub wide: bool,
    /// `--round`: counts of every date rounded so that the levels add up;
    /// the changes are the differences of the rounded values.
    pub round: Option<u32>,
    /// `--decimals`: shares, ratios, means and the relative changes.
    pub decimals: Option<u32>,
    /// `--labels`, `--rename`: the headers of the series' columns.
    pub codebook: Codebook,
    pub format: Format,
    pub target: Target,
    /// The language of the workbook's title rows and notes (`--lang`).
    pub lang: Lang,
}

/// Read every date, translate, build the series, its changes and render;
/// how a crosswalk was built from polygons is the summary.
pub fn run(plan: &Plan) -> Result<Outcome> {
    let mut warnings = Warnings::default();
    let files = expand_inputs(&plan.inputs, Some("--date"), &mut warnings)?;
    let (mut dated, w) = read_dated(&files, &plan.read, &plan.given)?;
    warnings.extend(w);
    rename_columns(dated.iter_mut().map(|d| &mut d.table), &plan.rename_input)?;
    if let Some(b) = &plan.bezirk {
        for d in &mut dated {
            b.filter_table(&mut d.table)?;
        }
    }
    let mut names = match &plan.names {
        Some(p) => {
            let (mut n, w) = Names::read(p)?;
            warnings.extend(w);
            if let Some(b) = &plan.bezirk {
                b.filter_names_checked(&mut n)?;
            }
            warnings.extend(check_coverage(&dated, &n, plan.vintage));
            Some(n)
        }
        None => catalogue_names(&dated, plan.vintage).map(|(n, w)| {
            warnings.extend(w);
            n
        }),
    };
    if let (Some(b), Some(n)) = (&plan.bezirk, names.as_mut()) {
        b.filter_names(n);
    }
    let mut summary = Vec::new();
    let build_plan = build_plan(plan, &dated, names.as_ref(), &mut summary, &mut warnings)?;
    let (mut s, w) = build(&dated, &build_plan)?;
    warnings.extend(w);
    let changes = Changes {
        columns: if plan.against.is_empty() {
            Vec::new()
        } else {
            change_columns(&s, &plan.change_columns)?
        },
        against: plan.against.clone(),
        round: plan.round,
        decimals: plan.decimals,
    };
    // Rounded before the changes are taken: a change is the difference of
    // the values shown.
    s.round(plan.round, plan.decimals);
    let shape = match plan.format {
        Format::Xlsx => Shape::Sheets,
        _ if plan.wide => Shape::Wide,
        _ => Shape::Long {
            with_translated: plan.vintage.is_some(),
        },
    };
    let (tables, codes) = labelled_tables(&mut s, &changes, shape, &plan.codebook)?;
    let title = series_title(plan, &files, &dated, &s, &tables);
    let presentation = Presentation {
        title: Some(title),
        codes,
        identity: plan.codebook.identity(),
        notes: warnings.clone(),
        lang: plan.lang,
        ..Presentation::default()
    };
    let outputs =
        table_outputs(&tables, plan.format, &plan.target, &presentation)?.with_summary(summary);
    Ok((outputs, warnings))
}

/// The title rows of a series: what it counts, the area, its first and
/// last date, the vintage of the series and the sources of its files.
fn series_title(
    plan: &Plan,
    files: &[PathBuf],
    dated: &[Dated],
    s: &Series,
    tables: &[LevelTable],
) -> crate::render::output::Title {
    use crate::pipeline::title::{area, month_end, source_of};
    let lang = plan.lang;
    let subject = crate::render::output::subject_of(
        dated
            .iter()
            .flat_map(|d| d.table.columns.iter().map(|c| c.name.as_str())),
        lang,
    );
    let period = match (s.dates.first(), s.dates.last()) {
        (Some(a), Some(b)) if a != b => Some((month_end(*a, lang), month_end(*b, lang))),
        _ => None,
    };
    let paths: Vec<&std::path::Path> = files.iter().map(PathBuf::as_path).collect();
    crate::render::output::Title {
        subject,
        area: area(plan.bezirk.as_ref(), tables),
        date: match s.dates.as_slice() {
            [one] => Some(month_end(*one, lang)),
            _ => None,
        },
        period,
        vintage: plan
            .vintage
            .or_else(|| {
                dated
                    .first()
                    .and_then(|d| d.table.vintage().map(|(v, _)| v))
            })
            .map(|v| v.label().to_string()),
        source: source_of(None, &paths, lang),
    }
}

/// The tables of the series in `shape`, headed by the codebook's labels
/// (`--labels`, `--rename` name the series' columns; the change and date
/// columns follow them), with the code of each header.
fn labelled_tables(
    s: &mut Series,
    changes: &Changes,
    shape: Shape,
    codebook: &Codebook,
) -> Result<(Vec<LevelTable>, Option<HeaderCodes>)> {
    let coded = s.tables(changes, shape);
    if codebook.is_empty() {
        return Ok((coded, None));
    }
    s.columns = codebook.relabel(&s.columns)?;
    let labelled = s.tables(changes, shape);
    let codes = labelled
        .iter()
        .zip(&coded)
        .flat_map(|(l, c)| l.columns.iter().cloned().zip(c.columns.iter().cloned()))
        .collect();
    Ok((labelled, Some(codes)))
}

/// The library's plan of the series: rules, levels, names, and the
/// translation and Sozialräume (read here: they need the dates).
fn build_plan<'a>(
    plan: &Plan,
    dated: &[Dated],
    names: Option<&'a Names>,
    summary: &mut Vec<String>,
    warnings: &mut Warnings,
) -> Result<crate::series::build::Plan<'a>> {
    let translation = match plan.vintage {
        Some(v) if needs_translation(dated, plan.vintage) => {
            Some(translation(plan, v, summary, warnings)?)
        }
        _ => None,
    };
    let sozialraum = match &plan.sozialraum {
        None => None,
        Some(sr) => {
            let input = SozialraumInput {
                file: &sr.file,
                assign: sr.assign,
                units: sr.units.as_deref(),
                bezirk: plan.bezirk.as_ref(),
            };
            let (sr, w) = sozialraum_weights(dated, plan.vintage, input)?;
            warnings.extend(w);
            Some(sr)
        }
    };
    Ok(crate::series::build::Plan {
        rules: plan.rules.clone(),
        missing: plan.missing,
        levels: levels_in(plan.bezirk.as_ref(), &plan.levels),
        names,
        vintage: plan.vintage,
        translation,
        sozialraum,
    })
}

/// The crosswalk other vintage → `want`: built from polygons (the bundled
/// ones by default), then chained with the crosswalk tables. A crosswalk
/// built from polygons says so in `summary`.
fn translation(
    plan: &Plan,
    want: Vintage,
    summary: &mut Vec<String>,
    warnings: &mut Warnings,
) -> Result<Translation> {
    let mut start = None;
    if plan.crosswalk.is_empty() || plan.polygons.is_some() {
        let (from, to, fix) = match &plan.polygons {
            Some(((f, fix), t)) => (f.clone(), t.clone(), fix.clone()),
            None => bundled_polygons(want)?,
        };
        let to_opts = LayerOptions::default();
        let cw = plan
            .overlay
            .build_from_polygons((&from, &fix), (&to, &to_opts), warnings)?;
        summary.push(format!("crosswalk {} → {}:", from.display(), to.display()));
        summary.extend(cw.summary.lines().into_iter().map(|l| format!("  {l}")));
        start = Some(cw.table);
    }
    let (chain, w) = crate::mapping::crosswalk::read_chain(start, &plan.crosswalk)?;
    warnings.extend(w);
    let chain = chain.ok_or_else(|| {
        crate::error::usage_error("--vintage: give --crosswalk FILE or --from and --to polygons")
    })?;
    let (t, w) = Translation::new(chain, want)?;
    warnings.extend(w);
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::testdata::sample;
    use std::collections::BTreeMap;

    /// The people of each sample half-year by hand, as the series' keys
    /// carry them: new keys as they are, old keys × the sum of their
    /// weights in the key table. By date "YYYY-MM" (from ZEIT).
    fn people_by_date() -> BTreeMap<String, f64> {
        let table = std::fs::read_to_string(sample("lor-alt-neu.csv")).unwrap();
        let mut weight: BTreeMap<String, f64> = BTreeMap::new();
        for l in table.lines().skip(1) {
            let f: Vec<&str> = l.split(';').collect();
            *weight.entry(f[0].to_string()).or_default() += f[2].parse::<f64>().unwrap();
        }
        let mut out = BTreeMap::new();
        for e in std::fs::read_dir(sample("series")).unwrap() {
            let text = std::fs::read_to_string(e.unwrap().path()).unwrap();
            let mut lines = text.lines();
            let header: Vec<&str> = lines.next().unwrap().split(';').collect();
            let col = |n: &str| header.iter().position(|h| *h == n).unwrap();
            let (zeit, key, e) = (col("ZEIT"), col("RAUMID"), col("E_E"));
            for l in lines {
                let f: Vec<&str> = l.split(';').collect();
                let w = weight.get(f[key]).copied().unwrap_or(1.0);
                let date = format!("{}-{}", &f[zeit][..4], &f[zeit][4..]);
                *out.entry(date).or_default() += f[e].parse::<f64>().unwrap() * w;
            }
        }
        out
    }

    fn plan(against: Vec<Against>, target: Target) -> Plan {
        Plan {
            inputs: vec![sample("series").display().to_string()],
            given: Vec::new(),
            read: ReadOptions::default(),
            rename_input: Vec::new(),
            bezirk: None,
            names: Some(sample("plr.csv")),
            rules: RuleFlags::default(),
            missing: MissingPolicy::default(),
            levels: vec![Level::Bezirk],
            vintage: Some(Vintage::Lor2021),
            crosswalk: vec![sample("lor-alt-neu.csv")],
            polygons: None,
            overlay: Overlay {
                method: Assign::Largest,
                population: None,
                tolerance: crate::spatial::overlay::Tolerance::default(),
            },
            change_columns: if against.is_empty() {
                Vec::new()
            } else {
                vec!["E_E".into()]
            },
            against,
            sozialraum: None,
            wide: false,
            round: None,
            decimals: None,
            codebook: Codebook::default(),
            format: Format::Csv,
            target,
            lang: Lang::De,
        }
    }

    /// The six half-years of the sample district in the new keys: the
    /// Bezirk row of each date holds that date's people, the old dates are
    /// marked; a key table gives no summary.
    #[test]
    fn the_sample_half_years_in_the_new_keys() {
        let (outputs, warnings) = run(&plan(Vec::new(), Target::Stdout)).unwrap();
        assert!(outputs.files.is_empty() && outputs.summary.is_empty());
        assert!(
            warnings.iter().all(|w| crate::error::is_note(w.code)),
            "{warnings:?}"
        );
        let mut r = csv::Reader::from_reader(outputs.stdout.as_deref().unwrap());
        let h = r.headers().unwrap().clone();
        let col = |n: &str| h.iter().position(|x| x == n).unwrap();
        let (date, from, e) = (col("date"), col("translated_from"), col("E_E"));
        let mut ours = BTreeMap::new();
        for rec in r.records() {
            let rec = rec.unwrap();
            assert_eq!(&rec[0], "bez");
            let old = rec[date].starts_with("2022");
            assert_eq!(&rec[from], if old { "LOR 2006" } else { "" }, "{rec:?}");
            ours.insert(rec[date].to_string(), rec[e].parse::<f64>().unwrap());
        }
        let oracle = people_by_date();
        assert_eq!(ours.len(), 6);
        for (d, p) in &oracle {
            assert!((ours[d] - p).abs() < 1e-6, "{d}: {} vs {p}", ours[d]);
        }
    }

    /// `--change previous` into a file: the change of each half-year is
    /// the difference of the hand-summed people.
    #[test]
    fn the_change_to_the_previous_half_year_into_a_file() {
        let out = PathBuf::from("series.csv");
        let (outputs, _) = run(&plan(vec![Against::Previous], Target::File(out.clone()))).unwrap();
        assert!(outputs.stdout.is_none());
        assert_eq!(outputs.files[0].0, out);
        let mut r = csv::Reader::from_reader(outputs.files[0].1.as_slice());
        let h = r.headers().unwrap().clone();
        let change = h
            .iter()
            .position(|x| x == "E_E change previous")
            .unwrap_or_else(|| panic!("no change column in {h:?}"));
        let date = h.iter().position(|x| x == "date").unwrap();
        let oracle = people_by_date();
        let dates: Vec<&String> = oracle.keys().collect();
        for rec in r.records() {
            let rec = rec.unwrap();
            let i = dates.iter().position(|d| **d == rec[date]).unwrap();
            if i == 0 {
                assert_eq!(&rec[change], "");
            } else {
                let want = oracle[dates[i]] - oracle[dates[i - 1]];
                let got: f64 = rec[change].parse().unwrap();
                assert!((got - want).abs() < 1e-6, "{rec:?}: {got} vs {want}");
            }
        }
    }

    /// (level, key, date) → the named columns of a CSV output.
    fn cells(csv: &[u8], cols: &[&str]) -> BTreeMap<(String, String, String), Vec<String>> {
        let mut r = csv::Reader::from_reader(csv);
        let h = r.headers().unwrap().clone();
        let at: Vec<usize> = cols
            .iter()
            .map(|c| {
                h.iter()
                    .position(|x| x == *c)
                    .unwrap_or_else(|| panic!("no {c} in {h:?}"))
            })
            .collect();
        r.records()
            .map(|x| {
                let x = x.unwrap();
                let key = (x[0].to_string(), x[1].to_string(), x[3].to_string());
                (key, at.iter().map(|&j| x[j].to_string()).collect())
            })
            .collect()
    }

    /// `--round 0 --labels de --change previous` on the sample half-years
    /// in the new keys: the old PLR 1301… split in halves (13100101 and
    /// 13100102 hold 8411.5 each in 2022-06) become whole people, 8412 and
    /// 8411; at every date the PLR add up to their PGR and the PGR to the
    /// Bezirk, which is the hand-summed total; each change is the
    /// difference of the values shown; the headers are the German labels.
    #[test]
    fn the_sample_series_in_whole_people_with_labels() {
        let mut p = plan(vec![Against::Previous], Target::Stdout);
        p.levels = vec![Level::Plr, Level::Pgr, Level::Bezirk];
        p.round = Some(0);
        p.codebook = Codebook::from_flags(Some("de"), &[]).unwrap();
        let (outputs, _) = run(&p).unwrap();
        let e = "Einwohnerinnen und Einwohner insgesamt";
        let change = format!("{e} change previous");
        let rows = cells(outputs.stdout.as_deref().unwrap(), &[e, &change]);
        let num = |s: &str| s.parse::<f64>().unwrap();
        let at = |l: &str, k: &str, d: &str| num(&rows[&(l.into(), k.into(), d.into())][0]);
        assert_eq!(at("plr", "13100101", "2022-06"), 8412.0);
        assert_eq!(at("plr", "13100102", "2022-06"), 8411.0);
        let oracle = people_by_date();
        let dates: Vec<&String> = oracle.keys().collect();
        for (i, d) in dates.iter().enumerate() {
            assert_eq!(at("bez", "13", d), oracle[*d], "{d}");
            let of = |level: &str, prefix: &str| -> f64 {
                rows.iter()
                    .filter(|((l, k, dd), _)| l == level && k.starts_with(prefix) && dd == *d)
                    .map(|(_, v)| num(&v[0]))
                    .sum()
            };
            assert_eq!(of("pgr", "13"), oracle[*d], "{d}");
            for pgr in ["1310", "1320", "1330", "1340", "1350"] {
                assert_eq!(of("plr", pgr), at("pgr", pgr, d), "{pgr} {d}");
            }
            for ((l, k, dd), v) in &rows {
                if dd != *d {
                    continue;
                }
                assert_eq!(num(&v[0]).fract(), 0.0, "{l} {k} {d}");
                if i == 0 {
                    assert_eq!(v[1], "");
                } else {
                    let before = at(l, k, dates[i - 1]);
                    assert_eq!(num(&v[1]), num(&v[0]) - before, "{l} {k} {d}");
                }
            }
        }
    }

    /// XLSX is wide, with the changes in sheets of their own: every
    /// labelled header has its code (for the second header row), also the
    /// date and change columns.
    #[test]
    fn labelled_wide_headers_keep_their_codes() {
        let p = plan(vec![Against::Previous], Target::Stdout);
        let files = expand_inputs(&p.inputs, None, &mut Warnings::default()).unwrap();
        let (dated, _) = read_dated(&files, &p.read, &p.given).unwrap();
        let mut w = Warnings::default();
        let bp = build_plan(&p, &dated, None, &mut Vec::new(), &mut w).unwrap();
        let (mut s, _) = build(&dated, &bp).unwrap();
        let changes = Changes {
            columns: change_columns(&s, &["E_E".into()]).unwrap(),
            against: vec![Against::Previous],
            ..Changes::default()
        };
        let cb = Codebook::from_flags(Some("de"), &["E_EM=Männer".into()]).unwrap();
        let (tables, codes) = labelled_tables(&mut s, &changes, Shape::Sheets, &cb).unwrap();
        let codes = codes.unwrap();
        assert_eq!(tables.len(), 2);
        let e = "Einwohnerinnen und Einwohner insgesamt";
        assert_eq!(codes[&format!("{e} 2024-12")], "E_E 2024-12");
        assert_eq!(codes["Männer 2023-06"], "E_EM 2023-06");
        assert_eq!(
            codes[&format!("{e} change previous 2022-12 (LOR 2006)")],
            "E_E change previous 2022-12 (LOR 2006)"
        );
        assert!(tables[1]
            .columns
            .contains(&format!("{e} change previous % 2024-12")));
        // A --rename of a column the series does not have.
        let cb = Codebook::from_flags(None, &["EW=Einwohner".into()]).unwrap();
        let e = labelled_tables(&mut s, &changes, Shape::Wide, &cb).unwrap_err();
        assert!(e.to_string().contains("no column 'EW'"), "{e}");
    }

    /// `--bezirk 04 --sozialraum LIST` with a list of all Berlin (PLR →
    /// its 2006 Prognoseraum): the list is cut to the Bezirk, so there is
    /// no warning about the other Bezirke's PLR, and its six Sozialräume
    /// hold the Bezirk's 341,327 people of 31.12.2018.
    #[test]
    fn a_bezirk_cuts_the_sozialraum_list() {
        let ewr = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("data/berlin/stats/EWR201812E_Matrix.csv");
        let mut list = String::from("PLR;Sozialraum;Sozialraum_Name\n");
        for l in std::fs::read_to_string(&ewr).unwrap().lines().skip(1) {
            let k = l.split(';').nth(1).unwrap();
            list.push_str(&format!("{k};SR{};Raum {}\n", &k[..4], &k[..4]));
        }
        let dir = std::env::temp_dir().join(format!("lor-series-bezirk-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("liste.csv");
        std::fs::write(&path, list).unwrap();
        let mut p = plan(Vec::new(), Target::Stdout);
        p.inputs = vec![ewr.display().to_string()];
        p.names = None;
        p.vintage = None;
        p.crosswalk = Vec::new();
        p.bezirk = Some(Bezirk::parse("04").unwrap());
        p.sozialraum = Some(Sozialraum {
            file: SozialraumFile::List(path),
            assign: Assign::Largest,
            units: None,
        });
        let (outputs, warnings) = run(&p).unwrap();
        std::fs::remove_dir_all(&dir).ok();
        assert!(
            warnings.iter().all(|w| crate::error::is_note(w.code)),
            "{warnings:?}"
        );
        let rows = cells(outputs.stdout.as_deref().unwrap(), &["E_E"]);
        let sr: Vec<(&str, f64)> = rows
            .iter()
            .filter(|((l, _, _), _)| l == "sozialraum")
            .map(|((_, k, _), v)| (k.as_str(), v[0].parse().unwrap()))
            .collect();
        assert_eq!(
            sr,
            [
                ("SR0401", 19478.0),
                ("SR0402", 41777.0),
                ("SR0403", 145503.0),
                ("SR0404", 52968.0),
                ("SR0405", 81529.0),
                ("SR0406", 72.0)
            ]
        );
        assert_eq!(sr.iter().map(|r| r.1).sum::<f64>(), 341_327.0);
        assert_eq!(
            rows[&("bez".into(), "04".into(), "2018-12".into())][0],
            "341327"
        );
    }
}
