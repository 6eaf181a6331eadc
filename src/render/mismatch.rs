//! The documents of `lor mismatch`: the report as text, CSV and JSON, and
//! the SVG map of both boundary systems with the split parts coloured.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::Result;

use crate::quality::mismatch::report::{LevelReport, Mismatch};
use crate::quality::mismatch::Compared;
use crate::spatial::geometry::Layer;
use crate::spatial::overlay::{PartClass, UnitParts, UnitStatus};
use crate::table::scope::Bezirk;
use crate::text::{guard_cell, short, FormulaGuard, Lang};

impl Mismatch {
    /// The readable report for a terminal: the header and summary, the
    /// split units of every level (coarsest first), the units of A outside
    /// B or inside up to noise, then the units of B and what composes them.
    pub fn to_text(&self, lang: Lang) -> String {
        let mut s = String::new();
        self.text_header(&mut s, lang);
        for l in self.levels.iter().rev() {
            self.text_split(&mut s, l, lang);
        }
        self.text_base(&mut s, lang);
        self.text_b_units(&mut s, lang);
        s
    }

    /// The report as CSV; text cells through the formula guard.
    pub fn to_csv(&self, guard: FormulaGuard) -> Vec<u8> {
        let mut w = csv::Writer::from_writer(Vec::new());
        let mut header = vec![
            "level",
            "key",
            "name",
            "status",
            "area_m2",
            "target",
            "target_name",
            "part_m2",
            "share",
            "class",
        ];
        let people_col = self.people_column.clone().unwrap_or_default();
        if self.people_column.is_some() {
            header.push(&people_col);
        }
        let header: Vec<String> = header
            .iter()
            .map(|h| guard_cell(h, guard).into_owned())
            .collect();
        w.write_record(&header).expect("memory");
        let g = |s: String| guard_cell(&s, guard).into_owned();
        for r in self.rows() {
            let mut rec = vec![
                r.level,
                g(r.key),
                g(r.name),
                r.status.to_string(),
                format!("{:.1}", r.area_m2),
                g(r.target),
                g(r.target_name),
                format!("{:.1}", r.part_m2),
                format!("{:.6}", r.share),
                r.class.to_string(),
            ];
            if self.people_column.is_some() {
                rec.push(r.people.map(|p| format!("{p:.1}")).unwrap_or_default());
            }
            w.write_record(&rec).expect("memory");
        }
        w.into_inner().expect("memory")
    }

    /// The report as JSON; its summary in `lang`.
    pub fn to_json(&self, lang: Lang) -> Vec<u8> {
        let rows: Vec<serde_json::Value> = self
            .rows()
            .into_iter()
            .map(|r| {
                let mut m = serde_json::Map::new();
                m.insert("level".into(), r.level.into());
                m.insert("key".into(), r.key.into());
                m.insert("name".into(), r.name.into());
                m.insert("status".into(), r.status.into());
                m.insert("area_m2".into(), round1(r.area_m2).into());
                m.insert("target".into(), r.target.into());
                m.insert("target_name".into(), r.target_name.into());
                m.insert("part_m2".into(), round1(r.part_m2).into());
                m.insert("share".into(), ((r.share * 1e6).round() / 1e6).into());
                m.insert("class".into(), r.class.into());
                if let Some(p) = r.people {
                    m.insert("people".into(), round1(p).into());
                }
                serde_json::Value::Object(m)
            })
            .collect();
        let doc = serde_json::json!({
            "a": self.a_source,
            "b": self.b_source,
            "tolerance": {"min_share": self.tolerance.min_share, "min_area_m2": self.tolerance.min_area},
            "summary": self.summary(lang),
            "rows": rows,
        });
        let mut out = serde_json::to_vec_pretty(&doc).expect("memory");
        out.push(b'\n');
        out
    }

    fn text_header(&self, s: &mut String, lang: Lang) {
        let (share, area) = (
            lang.dec(self.tolerance.min_share * 100.0, 1),
            lang.int(self.tolerance.min_area),
        );
        let (a, b) = (short(&self.a_source), short(&self.b_source));
        let _ = match lang {
            Lang::De => writeln!(
                s,
                "{a} im Vergleich mit {b}\nRauschen: Teile unter {share} % einer Einheit oder unter {area} m²\n"
            ),
            Lang::En => writeln!(
                s,
                "{a} compared with {b}\nnoise: parts under {share} % of a unit or under {area} m²\n"
            ),
        };
        for line in self.summary(lang) {
            let _ = writeln!(s, "  {line}");
        }
    }

    /// The split units of one level, each with its real parts and slivers.
    fn text_split(&self, s: &mut String, l: &LevelReport, lang: Lang) {
        let split: Vec<&UnitParts> = l.split().collect();
        if split.is_empty() {
            return;
        }
        let _ = match lang {
            Lang::De => writeln!(s, "\nVerteilte {}:", l.title),
            Lang::En => writeln!(s, "\nSplit {}:", l.title),
        };
        for u in split {
            let people =
                self.people_text(l.people_total(&u.key), lang, |v, c| format!(", {v} {c}"));
            let _ = writeln!(
                s,
                "  {} {} ({} m²{people})",
                u.key,
                u.name,
                lang.int(u.area)
            );
            for p in u.parts.iter().filter(|p| p.class != PartClass::Noise) {
                let people = self.people_text(l.people_in(&u.key, &p.target), lang, |v, c| {
                    format!("  {v:>9} {c}")
                });
                let _ = writeln!(
                    s,
                    "    {:>6} %  {:>12} m²  {}{people}",
                    lang.dec(p.share * 100.0, 2),
                    lang.int(p.area),
                    self.b_name(&p.target, lang)
                );
            }
            let noise: Vec<&crate::spatial::overlay::Part> = u
                .parts
                .iter()
                .filter(|p| p.class == PartClass::Noise)
                .collect();
            if !noise.is_empty() {
                let a: f64 = noise.iter().map(|p| p.area).sum();
                let _ = writeln!(
                    s,
                    "    + {} {} ({} m², {})",
                    noise.len(),
                    lang.pick("Splitter", "slivers"),
                    lang.int(a),
                    lang.pick("Rauschen", "noise")
                );
            }
        }
    }

    /// The units of A outside every unit of B (how many lie inside one the
    /// summary says).
    fn text_base(&self, s: &mut String, lang: Lang) {
        let base = &self.levels[0];
        let outside: Vec<String> = base
            .units
            .iter()
            .filter(|u| u.status == UnitStatus::Outside)
            .map(|u| format!("{} {}", u.key, u.name))
            .collect();
        if !outside.is_empty() {
            let _ = writeln!(
                s,
                "\n{} {}: {}",
                base.title,
                lang.pick("außerhalb aller Einheiten von B", "outside every unit of B"),
                crate::error::examples(&outside, 10)
            );
        }
    }

    /// Units of B and the units of A's coarsest level that compose them.
    fn text_b_units(&self, s: &mut String, lang: Lang) {
        let _ = match lang {
            Lang::De => writeln!(s, "\nEinheiten von {}:", short(&self.b_source)),
            Lang::En => writeln!(s, "\nUnits of {}:", short(&self.b_source)),
        };
        let coarse = self.levels.last().expect("at least one level");
        for (bk, (bn, barea)) in &self.b_units {
            let t = Some(bk.clone());
            let members: Vec<String> = coarse
                .units
                .iter()
                .flat_map(|u| u.parts.iter().map(move |p| (u, p)))
                .filter(|(_, p)| p.target == t && p.class != PartClass::Noise)
                .map(|(u, p)| {
                    let split = if p.class == PartClass::Split {
                        lang.pick(", verteilt", ", split")
                    } else {
                        ""
                    };
                    format!(
                        "{} {} ({} %{split})",
                        u.key,
                        u.name,
                        lang.dec(p.share * 100.0, 1)
                    )
                })
                .collect();
            let _ = writeln!(
                s,
                "  {bk} {bn} ({} m²): {}",
                lang.int(*barea),
                if members.is_empty() {
                    lang.pick("nichts", "nothing").to_string()
                } else {
                    members.join("; ")
                }
            );
        }
    }
}

impl Mismatch {
    /// The subtitle of a map: the summary line of the finest level and,
    /// when people per part are estimated, the line that says so.
    pub fn map_subtitle(&self, lang: Lang) -> String {
        let lines = self.summary(lang);
        let mut shown = vec![lines[0].as_str()];
        if lines.len() > self.levels.len() {
            shown.extend(lines.last().map(String::as_str));
        }
        shown.join(" · ")
    }
}

impl Compared {
    /// The texts of the SVG map in `lang`: titles from the LOR levels of
    /// the layers (the Bezirk named), the report's summary, the source line
    /// of `inputs` (or `source`), the units without a polygon with their
    /// names.
    pub fn map_text(
        &self,
        bezirk: Option<&Bezirk>,
        inputs: &[&Path],
        source: Option<&str>,
        lang: Lang,
    ) -> crate::render::draw::mismatch::MismatchText {
        let title_of = |l: &Layer, other: &str| match l.lor_level() {
            Some(l) => l.german_plural().to_string(),
            None => other.to_string(),
        };
        let a_title = title_of(&self.a, lang.pick("Einheiten", "units"));
        let b_title = match &self.polygons {
            Some((b, _)) => title_of(b, "Sozialräume"),
            None => "Sozialräume".to_string(),
        };
        let bezirk = bezirk.map(|b| b.code()).map(|b| {
            format!(
                "Bezirk {b}{}",
                crate::table::key::bezirk_name(b)
                    .map(|n| format!(" {n}"))
                    .unwrap_or_default()
            )
        });
        let title = match (lang, bezirk) {
            (Lang::De, Some(b)) => {
                format!("{b}: wo die {a_title} nicht in die {b_title} passen")
            }
            (Lang::De, None) => format!("Wo die {a_title} nicht in die {b_title} passen"),
            (Lang::En, Some(b)) => format!("{a_title} of {b} against the {b_title}"),
            (Lang::En, None) => format!("{a_title} against the {b_title}"),
        };
        crate::render::draw::mismatch::MismatchText {
            id: String::new(),
            title,
            subtitle: self.report.map_subtitle(lang),
            source: crate::render::draw::source::source_line(inputs, source),
            a_title,
            b_title,
            no_geometry: self
                .no_geometry
                .iter()
                .map(|k| match self.names.name(k) {
                    Some(n) if !n.is_empty() => format!("{k} {n}"),
                    _ => k.clone(),
                })
                .collect(),
            lang,
        }
    }

    /// The intersection pieces as GeoJSON (none when B is a list).
    pub fn pieces_geojson(&self) -> Option<Result<Vec<u8>>> {
        let (b, ov) = self.polygons.as_ref()?;
        Some(crate::render::draw::mismatch::pieces_geojson(
            ov,
            &self.a,
            b,
            &self.report.levels[0].units,
        ))
    }

    /// The SVG map of both systems with the split parts coloured (none
    /// when B is a list).
    pub fn svg(&self, text: &crate::render::draw::mismatch::MismatchText) -> Option<String> {
        let (b, ov) = self.polygons.as_ref()?;
        Some(
            crate::render::draw::mismatch::mismatch_map(
                ov,
                &self.a,
                b,
                &self.report.levels[0].units,
                text,
            )
            .svg(),
        )
    }
}

fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}
