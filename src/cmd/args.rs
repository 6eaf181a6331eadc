//! The command-line layer shared by all subcommands: typed values for every
//! closed set of choices, and the flag groups used wherever a command reads
//! the same kind of input.
//!
//! Layer options are named after the layer they apply to, because one
//! command often reads several layers: `--units-fix-id`, `--sozialraum-crs`,
//! `--a-id-field`, `--from-fix-id`, … Every layer a command reads has the
//! same four: `-id-field`, `-name-field`, `-crs` and `-fix-id`.

use std::path::PathBuf;

use anyhow::Result;
use clap::ValueEnum;
use lor::aggregation::aggregate::MissingPolicy;
use lor::error::usage_error;
use lor::spatial::geometry::{FixId, LayerOptions};
use lor::table::key::Level;

/// Warnings and errors on stderr: text lines or one JSON object a line.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

/// Members with a missing value (empty or '.').
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Missing {
    /// The sum of a unit with a missing member is empty.
    #[default]
    Propagate,
    /// The known values are summed.
    Skip,
}

impl From<Missing> for MissingPolicy {
    fn from(m: Missing) -> MissingPolicy {
        match m {
            Missing::Propagate => MissingPolicy::Propagate,
            Missing::Skip => MissingPolicy::Skip,
        }
    }
}

/// How source units go to target polygons.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// The whole unit to the target with its largest real part.
    Largest,
    /// Apportioned by area.
    Area,
}

impl From<Method> for lor::mapping::weights::Assign {
    fn from(m: Method) -> lor::mapping::weights::Assign {
        match m {
            Method::Largest => lor::mapping::weights::Assign::Largest,
            Method::Area => lor::mapping::weights::Assign::Area,
        }
    }
}

/// How PLR go to Sozialräume.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssignArg {
    /// The whole PLR to the Sozialraum with its largest real part.
    Largest,
    /// Apportioned by area.
    Area,
    /// By a list "PLR (or BZR) → Sozialraum" (the default for a list file).
    List,
}

/// A table output format.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormatArg {
    Csv,
    /// ';'-separated, decimal comma, BOM: opens correctly in German Excel.
    #[value(
        name = "excel-csv",
        alias = "csv-excel",
        alias = "csv-de",
        alias = "excel"
    )]
    ExcelCsv,
    Json,
    #[value(alias = "pq")]
    Parquet,
    Xlsx,
    /// A readable table.
    #[value(alias = "text", alias = "txt")]
    Table,
    /// Polygons with the figures as properties (needs the unit polygons).
    Geojson,
}

impl From<FormatArg> for lor::render::output::Format {
    fn from(f: FormatArg) -> lor::render::output::Format {
        use lor::render::output::Format;
        match f {
            FormatArg::Csv => Format::Csv,
            FormatArg::ExcelCsv => Format::ExcelCsv,
            FormatArg::Json => Format::Json,
            FormatArg::Parquet => Format::Parquet,
            FormatArg::Xlsx => Format::Xlsx,
            FormatArg::Table => Format::Table,
            FormatArg::Geojson => Format::GeoJson,
        }
    }
}

/// A report format (`mismatch`).
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    #[value(alias = "text", alias = "txt")]
    Table,
    Csv,
    Json,
}

/// The format of `check`'s report.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CheckFormat {
    #[default]
    Text,
    Json,
}

/// LOR levels, from a comma-separated list (`bzr,pgr`, `all`), and whether
/// the Sozialraum level was named (it may stand alone: its table comes from
/// `--sozialraum`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Levels(pub Vec<Level>, pub bool);

/// Does one part of a `--levels` value name the Sozialraum level?
fn names_sozialraum(part: &str) -> bool {
    let p = part.trim().to_lowercase();
    p == lor::mapping::sozialraum::LEVEL || p == "sr" || p == "sozialräume"
}

/// Parse `--levels`: plr, bzr, pgr, bez, berlin (German names too),
/// sozialraum, or all.
pub fn parse_levels(s: &str) -> Result<Levels> {
    let mut levels = Vec::new();
    let mut sozialraum = false;
    for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        if names_sozialraum(part) {
            sozialraum = true;
            continue;
        }
        if part == "all" {
            levels.extend([Level::Bzr, Level::Pgr, Level::Bezirk, Level::Berlin]);
            continue;
        }
        let l = Level::parse(part).ok_or_else(|| {
            usage_error(format!(
                "--levels: unknown level '{part}'; use plr, bzr, pgr, bez, berlin, sozialraum"
            ))
        })?;
        if !levels.contains(&l) {
            levels.push(l);
        }
    }
    if levels.is_empty() && !sozialraum {
        return Err(usage_error("--levels: no level given"));
    }
    levels.sort();
    levels.dedup();
    Ok(Levels(levels, sozialraum))
}

/// clap's value parser for `--levels`.
pub fn levels_value(s: &str) -> Result<Levels, String> {
    parse_levels(s).map_err(|e| e.to_string())
}

/// How a statistics file is read where the reader cannot tell by itself:
/// the flags every message of the statistics reader may name.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct StatsReadArgs {
    /// Column with the PLR keys (found by name or content otherwise).
    #[arg(long, value_name = "COLUMN", help_heading = "Input")]
    pub key: Option<String>,
    /// Sheet of an XLSX workbook (default: the first).
    #[arg(long, value_name = "NAME", help_heading = "Input")]
    pub sheet: Option<String>,
    /// The row with the column names, counted from 1 (detected below title
    /// rows otherwise).
    #[arg(long, value_name = "N", help_heading = "Input")]
    pub header_row: Option<usize>,
    /// Decimal separator: ',' or '.' (detected otherwise; needed only when
    /// the file does not tell, e.g. only `1.234`).
    #[arg(long, value_name = "SEP", help_heading = "Input", value_parser = decimal_value)]
    pub decimal: Option<u8>,
}

impl StatsReadArgs {
    pub fn options(&self) -> lor::table::stats::ReadOptions {
        lor::table::stats::ReadOptions {
            key: self.key.clone(),
            sheet: self.sheet.clone(),
            header_row: self.header_row,
            decimal: self.decimal,
            ..Default::default()
        }
    }
}

/// clap's value parser for `--decimal`: ',' or '.'.
pub fn decimal_value(s: &str) -> Result<u8, String> {
    match s {
        "," => Ok(b','),
        "." => Ok(b'.'),
        d => Err(format!("'{d}': use ',' or '.'")),
    }
}

/// clap's value parser for `--bezirk`.
pub fn bezirk_value(s: &str) -> Result<lor::table::scope::Bezirk, String> {
    lor::table::scope::Bezirk::parse(s).map_err(|e| e.to_string())
}

/// clap's value parser for the `-fix-id` flags.
pub fn fix_id_value(s: &str) -> Result<FixId, String> {
    FixId::parse("fix-id", s).map_err(|e| e.to_string())
}

/// clap's value parser for the `-crs` flags.
pub fn crs_value(s: &str) -> Result<lor::spatial::crs::Crs, String> {
    lor::spatial::crs::parse_crs_flag("CRS", s).map_err(|e| e.to_string())
}

/// The options of one polygon layer, for the library.
pub fn layer_options(
    prefix: &str,
    id_field: &Option<String>,
    name_field: &Option<String>,
    crs: Option<lor::spatial::crs::Crs>,
    fixes: &[FixId],
) -> LayerOptions {
    let mut opts = LayerOptions {
        id_field: id_field.clone(),
        name_field: name_field.clone(),
        crs,
        flag_prefix: format!("--{prefix}-"),
        ..LayerOptions::default()
    };
    for f in fixes {
        f.apply(&mut opts);
    }
    opts
}

/// The flag group of one polygon layer: a struct with `-id-field`,
/// `-name-field`, `-crs` and `-fix-id` flags named after the layer, and
/// `options()` for the library. Field names are the flag names (clap ids
/// must be unique within a command).
macro_rules! layer_args {
    (
        $(#[$meta:meta])*
        $name:ident, $prefix:literal, $what:literal, $heading:literal,
        $id:ident, $nm:ident, $crs:ident, $fix:ident $(, fix_alias = $alias:literal)?
    ) => {
        $(#[$meta])*
        #[derive(clap::Args, Debug, Clone, Default)]
        pub struct $name {
            #[arg(long, value_name = "NAME", help_heading = $heading,
                help = concat!("Property with the ids of ", $what, " (detected otherwise: id, PLR_ID, Schlüssel, …)."))]
            pub $id: Option<String>,
            #[arg(long, value_name = "NAME", help_heading = $heading,
                help = concat!("Property with the names of ", $what, " (detected otherwise)."))]
            pub $nm: Option<String>,
            #[arg(long, value_name = "EPSG", help_heading = $heading, value_parser = crs_value,
                help = concat!("CRS of ", $what, " when the file does not declare it, or declares it wrongly (EPSG:25833, EPSG:4326, EPSG:25832, EPSG:3068)."))]
            pub $crs: Option<lor::spatial::crs::Crs>,
            #[arg(long, value_name = "N=KEY", help_heading = $heading, value_parser = fix_id_value,
                $(visible_alias = $alias,)?
                help = concat!("Correct a wrong id in ", $what, ": FEATURE=KEY (feature number counted from 1, e.g. 124=04030417) or WRONG=KEY (the one feature with id WRONG). Repeatable."))]
            pub $fix: Vec<FixId>,
        }

        impl $name {
            /// The library's options for this layer; messages name this layer's flags.
            pub fn options(&self) -> LayerOptions {
                layer_options($prefix, &self.$id, &self.$nm, self.$crs, &self.$fix)
            }
        }
    };
}

layer_args!(
    /// Options of the PLR polygons (`--units`).
    UnitsLayer, "units", "the --units polygons", "Units layer",
    units_id_field, units_name_field, units_crs, units_fix_id
);
layer_args!(
    /// Options of the Sozialraum polygons (`--sozialraum`).
    SozialraumLayer, "sozialraum", "the --sozialraum polygons", "Sozialraum layer",
    sozialraum_id_field, sozialraum_name_field, sozialraum_crs, sozialraum_fix_id
);
layer_args!(
    /// Options of layer A (`mismatch`).
    ALayer, "a", "A", "Layer A",
    a_id_field, a_name_field, a_crs, a_fix_id
);
layer_args!(
    /// Options of layer B (`mismatch`).
    BLayer, "b", "B", "Layer B",
    b_id_field, b_name_field, b_crs, b_fix_id
);
layer_args!(
    /// Options of the source polygons (`crosswalk`, `translate`).
    FromLayer, "from", "the source polygons", "Source layer",
    from_id_field, from_name_field, from_crs, from_fix_id, fix_alias = "fix-from-id"
);
layer_args!(
    /// Options of the target polygons (`crosswalk`, `translate`).
    ToLayer, "to", "the target polygons", "Target layer",
    to_id_field, to_name_field, to_crs, to_fix_id, fix_alias = "fix-to-id"
);
layer_args!(
    /// Options of the polygon layers of `check` (applied to each of them).
    GeometryLayer, "geometry", "the polygon layers", "Polygon layers",
    geometry_id_field, geometry_name_field, geometry_crs, geometry_fix_id
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_parse_sorted_and_all() {
        assert_eq!(
            parse_levels("pgr, bzr,pgr").unwrap().0,
            vec![Level::Bzr, Level::Pgr]
        );
        assert_eq!(parse_levels("all").unwrap().0.len(), 4);
        assert!(parse_levels("kiez").is_err());
        assert!(parse_levels(" , ").is_err());
    }

    #[test]
    fn layer_options_carry_fixes_and_flag_names() {
        let l = UnitsLayer {
            units_fix_id: vec![
                FixId::parse("x", "124=04030417").unwrap(),
                FixId::parse("x", "06010102=04030417").unwrap(),
            ],
            ..UnitsLayer::default()
        };
        let o = l.options();
        assert_eq!(o.fix_ids, vec![(124, "04030417".to_string())]);
        assert_eq!(
            o.fix_keys,
            vec![("06010102".to_string(), "04030417".to_string())]
        );
        assert_eq!(o.flag("fix-id"), "--units-fix-id");
    }
}

/// The Sozialraum flags of `aggregate` and `points`: the Sozialräume, how
/// PLR go to them, what counts as digitising noise, and the flags of their
/// layer.
#[derive(clap::Args)]
pub struct SozialraumArgs {
    /// Sozialräume as polygons (GeoJSON, Shapefile) or as a CSV/XLSX list
    /// "PLR (or BZR) → Sozialraum"; adds the level 'sozialraum'. Figures go
    /// to the Sozialraum of their PLR (in `lor points` the facilities too,
    /// by the same assignment as the denominator).
    #[arg(long, value_name = "FILE", help_heading = "Sozialräume")]
    pub sozialraum: Option<PathBuf>,
    /// How PLR go to Sozialraum polygons: 'largest' (whole PLR to the
    /// Sozialraum with its largest part) or 'area' (apportioned by area;
    /// counts become fractions). 'list' when --sozialraum is a list.
    #[arg(
        long,
        value_name = "HOW",
        value_enum,
        default_value_t = AssignArg::Largest,
        help_heading = "Sozialräume"
    )]
    pub assign: AssignArg,
    /// Parts of a PLR smaller than this share are digitising noise.
    #[arg(
        long,
        value_name = "SHARE",
        default_value_t = 0.01,
        help_heading = "Sozialräume"
    )]
    pub min_share: f64,
    /// Parts of a PLR smaller than this many m² are digitising noise.
    #[arg(
        long,
        value_name = "M2",
        default_value_t = 1000.0,
        help_heading = "Sozialräume"
    )]
    pub min_area: f64,
    #[command(flatten)]
    pub sozialraum_layer: SozialraumLayer,
}
