//! The crosswalk between two layers as CSV and Parquet (`lor crosswalk`).

use crate::mapping::crosswalk::{CrossRow, Crosswalk};
use crate::text::{guard_cell, FormulaGuard};

impl Crosswalk {
    /// The crosswalk as Parquet, with the same columns as [`Crosswalk::to_csv`].
    pub fn to_parquet(&self) -> anyhow::Result<Vec<u8>> {
        use crate::render::output::{parquet_of, ParquetColumn as C};
        let text = |f: &dyn Fn(&CrossRow) -> String| {
            C::Text(self.rows.iter().map(|r| Some(f(r))).collect())
        };
        let num = |f: &dyn Fn(&CrossRow) -> Option<f64>| C::Num(self.rows.iter().map(f).collect());
        let mut cols = vec![
            ("from".to_string(), text(&|r| r.from.clone())),
            ("to".to_string(), text(&|r| r.to.clone())),
            ("area_m2".to_string(), num(&|r| Some(r.area))),
            ("area_share".to_string(), num(&|r| Some(r.area_share))),
        ];
        if self.rows.iter().any(|r| r.population_share.is_some()) {
            cols.push(("population_share".to_string(), num(&|r| r.population_share)));
        }
        cols.push(("weight".to_string(), num(&|r| Some(r.weight))));
        parquet_of(cols)
    }

    /// The crosswalk as CSV: `from,to,area_m2,area_share[,population_share],weight`;
    /// text cells through the formula guard.
    pub fn to_csv(&self, guard: FormulaGuard) -> Vec<u8> {
        let pop = self.rows.iter().any(|r| r.population_share.is_some());
        let mut w = csv::Writer::from_writer(Vec::new());
        let mut h = vec!["from", "to", "area_m2", "area_share"];
        if pop {
            h.push("population_share");
        }
        h.push("weight");
        w.write_record(&h).expect("memory");
        for r in &self.rows {
            let mut rec = vec![
                guard_cell(&r.from, guard).into_owned(),
                guard_cell(&r.to, guard).into_owned(),
                format!("{:.1}", r.area),
                format!("{:.9}", r.area_share),
            ];
            if pop {
                rec.push(format!("{:.9}", r.population_share.unwrap_or(0.0)));
            }
            rec.push(format!("{}", r.weight));
            w.write_record(&rec).expect("memory");
        }
        w.into_inner().expect("memory")
    }
}
