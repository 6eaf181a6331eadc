//! The command-line layer shared by all subcommands: typed values for every
//! closed set of choices, and the flag groups used wherever a command reads
//! the same kind of input.
//!
//! Layer options are named after the layer they apply to, because one
//! command often reads several layers: `--units-fix-id`, `--sozialraum-crs`,
//! `--a-id-field`, `--from-fix-id`, … Every layer a command reads has the
//! same four: `-id-field`, `-name-field`, `-crs` and `-fix-id`.

use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::ValueEnum;
use lor::aggregation::aggregate::MissingPolicy;
use lor::error::usage_error;
use lor::mapping::weights::Assign;
use lor::spatial::geometry::{FixId, LayerOptions};
use lor::table::key::{Level, Vintage};

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
/// the flags every message of the statistics reader may name. Every
/// command that reads a statistics file has this group.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct StatsReadArgs {
    /// Column with the PLR keys (found by name or content otherwise).
    #[arg(long, value_name = "COLUMN", help_heading = "Input")]
    pub key: Option<String>,
    /// Field delimiter: one character such as ';', ',' or '|', or 'tab'
    /// (sniffed otherwise).
    #[arg(long, value_name = "CHAR", help_heading = "Input", value_parser = delimiter_value)]
    pub delimiter: Option<u8>,
    /// Decimal separator: ',' or '.' (detected otherwise; needed only when
    /// the file does not tell, e.g. only `1.234`).
    #[arg(long, value_name = "SEP", help_heading = "Input", value_parser = decimal_value)]
    pub decimal: Option<u8>,
    /// Text encoding, e.g. windows-1252 (UTF-8 with or without BOM, or
    /// Windows-1252, are detected).
    #[arg(long, value_name = "NAME", help_heading = "Input")]
    pub encoding: Option<String>,
    /// Sheet of an XLSX workbook (default: the first).
    #[arg(long, value_name = "NAME", help_heading = "Input")]
    pub sheet: Option<String>,
    /// The row with the column names, counted from 1 (detected below title
    /// rows otherwise).
    #[arg(long, value_name = "N", help_heading = "Input")]
    pub header_row: Option<usize>,
    /// LOR vintage of the keys: 2006 or 2021 (detected otherwise); keys
    /// that look like keys of the other vintage are a warning.
    #[arg(long, value_name = "YEAR", help_heading = "Input", alias = "lor", value_parser = vintage_value)]
    pub vintage: Option<Vintage>,
    /// The columns the file must have, comma-separated (e.g. for a
    /// quarterly delivery): a missing one is an error naming it (exit 1),
    /// one that is not listed a warning.
    #[arg(
        long,
        value_name = "COLUMNS",
        help_heading = "Input",
        value_delimiter = ',',
        conflicts_with = "expect_columns_of"
    )]
    pub expect_columns: Vec<String>,
    /// The columns the file must have are those of FILE (e.g. the last
    /// delivery): a missing one is an error naming it (exit 1), one that
    /// FILE does not have a warning.
    #[arg(long, value_name = "FILE", help_heading = "Input")]
    pub expect_columns_of: Option<InputPath>,
}

impl StatsReadArgs {
    pub fn options(&self) -> lor::table::stats::ReadOptions {
        lor::table::stats::ReadOptions {
            key: self.key.clone(),
            delimiter: self.delimiter,
            decimal: self.decimal,
            encoding: self.encoding.clone(),
            sheet: self.sheet.clone(),
            header_row: self.header_row,
            vintage: self.vintage,
            allow_duplicate_keys: false,
            expect: self.expected(),
        }
    }

    /// `--expect-columns` or `--expect-columns-of`, for the library.
    fn expected(&self) -> Option<lor::table::stats::expect::Expected> {
        use lor::table::stats::expect::Expected;
        let list: Vec<String> = self
            .expect_columns
            .iter()
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty())
            .collect();
        match &self.expect_columns_of {
            Some(f) => Some(Expected::columns_of(f.to_path_buf())),
            None if !list.is_empty() => Some(Expected::List(list)),
            None => None,
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

/// clap's value parser for `--delimiter`: one ASCII character, or 'tab'.
pub fn delimiter_value(s: &str) -> Result<u8, String> {
    match s {
        "tab" | "\\t" | "\t" => Ok(b'\t'),
        s if s.len() == 1 && s.is_ascii() => Ok(s.as_bytes()[0]),
        _ => Err(format!(
            "'{s}': give one character such as ';' or ',', or 'tab'"
        )),
    }
}

/// clap's value parser for `--vintage` (and its old spelling `--lor`):
/// 2006 (also 2019, its last revision) or 2021.
pub fn vintage_value(s: &str) -> Result<Vintage, String> {
    Vintage::parse(s).ok_or_else(|| format!("'{s}': use 2006 or 2021"))
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
                help = concat!("Correct a wrong id in ", $what, ": FEATURE=KEY (feature number counted from 1, e.g. 124=04030417) or WRONG=KEY (the one feature with id WRONG); KEY must be a key of the layer's level and vintage. Repeatable. Corrections the built-in catalogue proves are applied by default, each with a note; 'none' turns them off, and a correction written here always wins."))]
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

/// The Sozialraum flags: the Sozialräume, how PLR go to them, what counts
/// as digitising noise, and the flags of their layer (`aggregate`,
/// `points`, `map`, `report`). [`SozialraumArgs::plan`] turns them into a
/// [`SozialraumPlan`]; `series` and `translate`, whose Sozialräume have no
/// layer flags, use [`SozialraumPlan::new`] and [`SozialraumPlan::list_only`].
#[derive(clap::Args, Debug, Clone)]
pub struct SozialraumArgs {
    /// Sozialräume as polygons (GeoJSON, Shapefile) or, where a command
    /// does not draw them (aggregate, points), as a CSV/XLSX list "PLR (or
    /// BZR) → Sozialraum"; adds the level 'sozialraum'. Figures go to the
    /// Sozialraum of their PLR (in `lor points` the facilities too, by the
    /// same assignment as the denominator).
    #[arg(long, value_name = "FILE", help_heading = "Sozialräume")]
    pub sozialraum: Option<InputPath>,
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
        value_parser = share_value,
        help_heading = "Sozialräume"
    )]
    pub min_share: f64,
    /// Parts of a PLR smaller than this many m² are digitising noise.
    #[arg(
        long,
        value_name = "M2",
        default_value_t = 1000.0,
        value_parser = area_value,
        help_heading = "Sozialräume"
    )]
    pub min_area: f64,
    #[command(flatten)]
    pub sozialraum_layer: SozialraumLayer,
}

impl SozialraumArgs {
    /// The checked Sozialräume (`None` without --sozialraum).
    pub fn plan(&self) -> Result<Option<SozialraumPlan>> {
        self.sozialraum
            .as_deref()
            .map(|p| SozialraumPlan::new(p, self.assign, self.sozialraum_layer.options()))
            .transpose()
    }

    /// What counts as digitising noise when PLR are cut by the polygons.
    pub fn tolerance(&self) -> Result<lor::spatial::overlay::Tolerance> {
        lor::spatial::overlay::Tolerance::new(self.min_share, self.min_area)
    }
}

/// The Sozialräume of a run, checked before a file is read: a list
/// "PLR (or BZR) → Sozialraum", or polygons with how PLR go to them.
#[derive(Debug, Clone)]
pub enum SozialraumPlan {
    /// A CSV/XLSX list (by the file's extension).
    List(PathBuf),
    /// Polygons, each PLR assigned by `assign`, read with `layer`.
    Polygons {
        path: PathBuf,
        assign: Assign,
        layer: LayerOptions,
    },
}

impl SozialraumPlan {
    /// --sozialraum FILE with --assign: a list file is a list (whatever
    /// --assign says); polygons go by 'largest' or 'area', and '--assign
    /// list' with polygons is a usage error.
    pub fn new(path: &Path, assign: AssignArg, layer: LayerOptions) -> Result<SozialraumPlan> {
        if lor::mapping::weights::is_list_path(path) {
            return Ok(SozialraumPlan::List(path.to_path_buf()));
        }
        let assign = match assign {
            AssignArg::List => {
                return Err(usage_error(
                    "--assign list needs --sozialraum to be a CSV/XLSX list 'PLR → Sozialraum'",
                ))
            }
            AssignArg::Largest => Assign::Largest,
            AssignArg::Area => Assign::Area,
        };
        Ok(SozialraumPlan::Polygons {
            path: path.to_path_buf(),
            assign,
            layer,
        })
    }

    /// A command that takes only a list (`translate`): polygons are a
    /// usage error.
    pub fn list_only(path: &Path) -> Result<SozialraumPlan> {
        if lor::mapping::weights::is_list_path(path) {
            Ok(SozialraumPlan::List(path.to_path_buf()))
        } else {
            Err(usage_error(format!(
                "--sozialraum {}: give a CSV/XLSX list 'unit → Sozialraum' here (polygons are read by lor aggregate)",
                path.display()
            )))
        }
    }

    /// The file of the Sozialräume.
    pub fn path(&self) -> &Path {
        match self {
            SozialraumPlan::List(p) | SozialraumPlan::Polygons { path: p, .. } => p,
        }
    }

    /// The file for the library (`lor::pipeline::inputs`), with the layer
    /// options of polygons.
    pub fn file(&self) -> lor::mapping::sozialraum::SozialraumFile {
        use lor::mapping::sozialraum::SozialraumFile;
        match self {
            SozialraumPlan::List(p) => SozialraumFile::List(p.clone()),
            SozialraumPlan::Polygons { path, layer, .. } => SozialraumFile::Polygons {
                path: path.clone(),
                layer: layer.clone(),
            },
        }
    }

    /// How PLR go to the polygons (`None` for a list).
    pub fn assign(&self) -> Option<Assign> {
        match self {
            SozialraumPlan::List(_) => None,
            SozialraumPlan::Polygons { assign, .. } => Some(*assign),
        }
    }

    /// The polygons of a command that draws them (`map`, `report`): a list
    /// is a usage error.
    pub fn polygons(self, command: &str) -> Result<(PathBuf, Assign, LayerOptions)> {
        match self {
            SozialraumPlan::Polygons {
                path,
                assign,
                layer,
            } => Ok((path, assign, layer)),
            SozialraumPlan::List(p) => Err(usage_error(format!(
                "--sozialraum {}: lor {command} draws the Sozialräume and needs their polygons (GeoJSON or Shapefile), not a list",
                p.display()
            ))),
        }
    }
}

/// A table output shared by the commands that write one table (or one
/// table per level): `--format` and `--output`, the format decided by
/// [`super::table_format`].
#[derive(clap::Args, Debug, Clone, Default)]
pub struct TableOutputArgs {
    /// Output format. Default: from --output's extension, else csv (a
    /// readable table on a terminal).
    #[arg(long, short, value_name = "FORMAT", help_heading = "Output")]
    pub format: Option<FormatArg>,
    /// Write the table to FILE instead of stdout, atomically (all levels
    /// in one long table).
    #[arg(long, short, value_name = "FILE", help_heading = "Output")]
    pub output: Option<OutputPath>,
}

impl TableOutputArgs {
    /// The format: --format, else --output's extension, else CSV (or a
    /// table on a terminal when `table_on_terminal`).
    pub fn format(&self, table_on_terminal: bool) -> Result<lor::render::output::Format> {
        super::table_format(self.format, self.path(), table_on_terminal)
    }

    /// --output.
    pub fn path(&self) -> Option<&Path> {
        self.output.as_deref()
    }

    /// Where the table goes: --output, else stdout (the pipeline renders
    /// it there with `lor::render::output::table_outputs`).
    pub fn target(&self) -> lor::render::output::Target {
        match self.path() {
            Some(p) => lor::render::output::Target::File(p.to_path_buf()),
            None => lor::render::output::Target::Stdout,
        }
    }
}

/// Blocks that `layout propose` never cuts.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlocksArg {
    Plr,
    Bzr,
}

impl From<BlocksArg> for Level {
    fn from(b: BlocksArg) -> Level {
        match b {
            BlocksArg::Plr => Level::Plr,
            BlocksArg::Bzr => Level::Bzr,
        }
    }
}

/// clap's value parser for `--classes`: quantiles, equal, jenks or
/// breaks:1,2,3 (with their aliases).
pub fn classes_value(s: &str) -> Result<lor::render::classify::Method, String> {
    lor::render::classify::Method::parse(s).map_err(|e| e.to_string())
}

/// clap's value parser for `-k`: 1 to 9 classes.
pub fn class_count_value(s: &str) -> Result<usize, String> {
    match s.trim().parse::<usize>() {
        Ok(k) if (1..=9).contains(&k) => Ok(k),
        _ => Err(format!("'{s}': give 1 to 9 classes")),
    }
}

/// clap's value parser for `map --level`: plr, bzr, pgr or sozialraum.
pub fn map_level_value(s: &str) -> Result<lor::render::map::MapLevel, String> {
    lor::render::map::MapLevel::parse(s).map_err(|e| e.to_string())
}

/// Path newtypes: what a flag's value is, for `lor run` job files (which
/// paths are inputs, resolved against the job file, and which outputs,
/// staged and committed all or none). Every flag that names a file or a
/// folder has one of these types (a test in `cmd/run.rs` checks it).
macro_rules! path_type {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $name(pub PathBuf);

        impl std::ops::Deref for $name {
            type Target = Path;
            fn deref(&self) -> &Path {
                &self.0
            }
        }

        impl AsRef<Path> for $name {
            fn as_ref(&self) -> &Path {
                &self.0
            }
        }

        impl clap::builder::ValueParserFactory for $name {
            type Parser = clap::builder::MapValueParser<
                clap::builder::PathBufValueParser,
                fn(PathBuf) -> $name,
            >;
            fn value_parser() -> Self::Parser {
                use clap::builder::TypedValueParser;
                clap::builder::PathBufValueParser::new().map($name as fn(PathBuf) -> $name)
            }
        }
    };
}

path_type!(
    /// A file (or folder) a command reads.
    InputPath
);
path_type!(
    /// A file a command writes.
    OutputPath
);
path_type!(
    /// A folder a command writes its files into.
    OutputDir
);

/// Statistics files, a folder of them, or a glob (`series`, `report
/// --series`): an input; in a job file resolved against its folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputPattern(pub String);

impl clap::builder::ValueParserFactory for InputPattern {
    type Parser =
        clap::builder::MapValueParser<clap::builder::StringValueParser, fn(String) -> InputPattern>;
    fn value_parser() -> Self::Parser {
        use clap::builder::TypedValueParser;
        clap::builder::StringValueParser::new().map(InputPattern as fn(String) -> InputPattern)
    }
}

/// `--labels`: the keyword 'de' or a codebook file (an input, resolved
/// against a job file's folder; the keyword is left as it is).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelsArg(pub String);

impl LabelsArg {
    /// The values that are keywords, not files.
    pub const KEYWORDS: &'static [&'static str] = &["de"];
}

impl clap::builder::ValueParserFactory for LabelsArg {
    type Parser =
        clap::builder::MapValueParser<clap::builder::StringValueParser, fn(String) -> LabelsArg>;
    fn value_parser() -> Self::Parser {
        use clap::builder::TypedValueParser;
        clap::builder::StringValueParser::new().map(LabelsArg as fn(String) -> LabelsArg)
    }
}

/// `series --date FILE=YYYY-MM`: the date of a file that does not say it.
/// The file is an input (in a job file resolved against its folder).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatedFile {
    pub file: PathBuf,
    pub date: lor::series::dates::Date,
}

impl DatedFile {
    /// Between the file and the date.
    pub const SEPARATOR: char = '=';
}

/// clap's value parser for `--date FILE=YYYY-MM`.
pub fn dated_file_value(d: &str) -> Result<DatedFile, String> {
    let (f, v) = d
        .rsplit_once(DatedFile::SEPARATOR)
        .filter(|(f, _)| !f.is_empty())
        .ok_or_else(|| format!("'{d}': write FILE=YYYY-MM, e.g. t1.csv=2020-12"))?;
    let date = lor::series::dates::Date::parse(v)
        .ok_or_else(|| format!("'{d}': '{v}' is not a date such as 2020-12"))?;
    Ok(DatedFile {
        file: PathBuf::from(f),
        date,
    })
}

/// What the value of a flag is, by its type: the one place `lor run`
/// learns which job keys are paths.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathKind {
    /// A file, folder or glob that is read.
    Input,
    /// A keyword (left as it is) or else a file that is read.
    InputOrKeyword(&'static [&'static str]),
    /// A file that is written.
    Output,
    /// A folder that files are written into.
    OutputDir,
    /// A file that is read, then the separator and a value (`FILE=DATE`).
    InputThen(char),
}

/// The files a parsed command line reads: the values of every argument
/// whose type is an input ([`path_kind`]) of the command and its
/// subcommand, a folder or glob as the statistics files it stands for
/// (`lor::series::input::expand_inputs`), keywords left out.
pub fn inputs_of(command: &clap::Command, matches: &clap::ArgMatches) -> lor::table::input::Inputs {
    let mut files = Vec::new();
    input_values(command, matches, &mut files);
    lor::table::input::Inputs::of(files)
}

fn input_values(command: &clap::Command, matches: &clap::ArgMatches, out: &mut Vec<PathBuf>) {
    for a in command.get_arguments() {
        let Some(kind) = path_kind(a) else { continue };
        let Ok(Some(values)) = matches.try_get_raw(a.get_id().as_str()) else {
            continue;
        };
        for v in values {
            let v = v.to_string_lossy();
            let file = match kind {
                PathKind::Input => Some(v.to_string()),
                PathKind::InputOrKeyword(words) => {
                    (!words.contains(&v.as_ref())).then(|| v.to_string())
                }
                PathKind::InputThen(sep) => v.rsplit_once(sep).map(|(f, _)| f.to_string()),
                PathKind::Output | PathKind::OutputDir => None,
            };
            let Some(file) = file else { continue };
            let mut ignored = lor::error::Warnings::default();
            if let Ok(expanded) =
                lor::series::input::expand_inputs(std::slice::from_ref(&file), None, &mut ignored)
            {
                out.extend(expanded);
            }
            out.push(PathBuf::from(file));
        }
    }
    if let Some((name, sub)) = matches.subcommand() {
        if let Some(c) = command.find_subcommand(name) {
            input_values(c, sub, out);
        }
    }
}

/// The kind of path a clap argument takes, from its value parser's type
/// (`None`: not a path). A plain `PathBuf` is `Input`, but no flag should
/// have one (a test checks it).
pub fn path_kind(arg: &clap::Arg) -> Option<PathKind> {
    use std::any::TypeId;
    if !arg.get_action().takes_values() {
        return None;
    }
    let t = arg.get_value_parser().type_id();
    if t == TypeId::of::<InputPath>() || t == TypeId::of::<InputPattern>() {
        Some(PathKind::Input)
    } else if t == TypeId::of::<LabelsArg>() {
        Some(PathKind::InputOrKeyword(LabelsArg::KEYWORDS))
    } else if t == TypeId::of::<OutputPath>() {
        Some(PathKind::Output)
    } else if t == TypeId::of::<OutputDir>() {
        Some(PathKind::OutputDir)
    } else if t == TypeId::of::<DatedFile>() {
        Some(PathKind::InputThen(DatedFile::SEPARATOR))
    } else if t == TypeId::of::<PathBuf>() {
        Some(PathKind::Input)
    } else {
        None
    }
}

/// `--bezirk BB`: one Bezirk of the run (aggregate, series, translate).
#[derive(clap::Args, Debug, Clone, Default)]
pub struct BezirkArgs {
    /// Only this Bezirk (two digits): statistics rows (of every file),
    /// names, lists and LOR-keyed layers; the Bezirk is the top row (no
    /// Berlin row).
    #[arg(long, value_name = "BB", value_parser = bezirk_value)]
    pub bezirk: Option<lor::table::scope::Bezirk>,
}

/// clap's value parser for `--rename-input`.
pub fn input_rename_value(s: &str) -> Result<lor::aggregation::rename::InputRename, String> {
    lor::aggregation::rename::InputRename::parse(s).map_err(|e| e.to_string())
}

/// `--rename-input [GLOB:]OLD=NEW`: input columns renamed after reading,
/// before the rules (aggregate, series, translate).
#[derive(clap::Args, Debug, Clone, Default)]
pub struct InputRenameArgs {
    /// Rename a column of the input files before the rules: 'OLD=NEW' (in
    /// every file that has OLD) or 'GLOB:OLD=NEW' (in the files whose name
    /// matches GLOB, e.g. '*2020*:inhabitants=E_E'). Repeatable. Unlike
    /// --rename, which names output columns.
    #[arg(long, value_name = "[GLOB:]OLD=NEW", value_parser = input_rename_value, help_heading = "Input")]
    pub rename_input: Vec<lor::aggregation::rename::InputRename>,
}

/// `--labels` and `--rename`: the headers of the output columns.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct LabelArgs {
    /// Column headers: 'de' for the built-in German labels of the
    /// statistics office's codes (E_E, E_EU1, K01, inhabitants…) and German
    /// key and name headers (Schlüssel, Bezirksregion), or a CSV file
    /// 'code;label'. XLSX keeps the codes in a second header row.
    #[arg(long, value_name = "de|FILE", help_heading = "Output")]
    pub labels: Option<LabelsArg>,
    /// Rename a column in the output, also the identity headers level, key
    /// and name: 'OLD=NEW' (e.g. key=Schlüssel). Repeatable.
    #[arg(long, value_name = "OLD=NEW", help_heading = "Output")]
    pub rename: Vec<String>,
}

impl LabelArgs {
    /// The codebook of the output's headers.
    pub fn codebook(&self) -> anyhow::Result<lor::render::labels::Codebook> {
        lor::render::labels::Codebook::from_flags(
            self.labels.as_ref().map(|l| l.0.as_str()),
            &self.rename,
        )
    }
}

/// `--round` and `--decimals`: totals-preserving rounding of the output.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct RoundArgs {
    /// Round counts to N decimals so that every level still adds up: the
    /// units of a level add up to their rounded parent (largest remainder).
    /// Without it, counts stay as computed (fractions after --assign area).
    /// N from 0 (whole people) to 6.
    #[arg(long, value_name = "N", help_heading = "Output", value_parser = round_value)]
    pub round: Option<u32>,
    /// Round shares, ratios and means to N decimals (0–10).
    #[arg(long, value_name = "N", help_heading = "Output", value_parser = decimals_value)]
    pub decimals: Option<u32>,
}

/// `--lang`: the language of what a person reads (documents, map texts,
/// workbook titles and notes); stderr stays English.
#[derive(clap::Args, Debug, Clone)]
pub struct LangArgs {
    /// Language of the documents and map texts: de (German numbers, dates and
    /// words) or en. Messages on stderr are English either way.
    #[arg(long, value_name = "de|en", default_value = "de", value_parser = lang_value, help_heading = "Output")]
    pub lang: lor::text::Lang,
}

pub fn lang_value(s: &str) -> Result<lor::text::Lang, String> {
    lor::text::Lang::parse(s).ok_or_else(|| format!("'{s}': say de or en"))
}

/// A finite number from `lo` to `hi` (written `range` in the message): the
/// value parser of every numeric flag. NaN and infinities are refused.
pub fn number_in(s: &str, lo: f64, hi: f64, range: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && (lo..=hi).contains(&v) => Ok(v),
        Ok(v) if v.is_finite() => Err(format!("'{s}' is outside {range}")),
        _ => Err(format!("'{s}' is not a finite number ({range})")),
    }
}

/// A share of a unit: 0 to 1 (`--min-share`, `--balance`).
pub fn share_value(s: &str) -> Result<f64, String> {
    number_in(s, 0.0, 1.0, "0–1, e.g. 0.01 for 1 %")
}

/// An area in m², up to 1,000 km² (Berlin is 891 km²): `--min-area`,
/// `--tolerance`.
pub fn area_value(s: &str) -> Result<f64, String> {
    number_in(s, 0.0, 1e9, "0–1000000000 m²")
}

/// A difference from a published value, in the column's unit
/// (`--check-tolerance`): 0 to 1,000,000.
pub fn tolerance_value(s: &str) -> Result<f64, String> {
    number_in(s, 0.0, 1e6, "0–1000000")
}

/// The most decimals `--round` keeps for counts: a double holds about 16
/// significant digits, and counts of Berlin have up to 7 before the point.
pub const MAX_ROUND: u32 = 6;
/// The most decimals `--decimals` keeps for shares, ratios and means.
pub const MAX_DECIMALS: u32 = 10;

fn digits_in(s: &str, max: u32) -> Result<u32, String> {
    match s.trim().parse::<u32>() {
        Ok(n) if n <= max => Ok(n),
        Ok(_) => Err(format!(
            "'{s}': at most {max} decimals (more than a double holds exactly)"
        )),
        Err(_) => Err(format!("'{s}' is not a whole number from 0 to {max}")),
    }
}

/// `--round N`: 0 to [`MAX_ROUND`].
pub fn round_value(s: &str) -> Result<u32, String> {
    digits_in(s, MAX_ROUND)
}

/// `--decimals N`: 0 to [`MAX_DECIMALS`].
pub fn decimals_value(s: &str) -> Result<u32, String> {
    digits_in(s, MAX_DECIMALS)
}

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

    /// Every command that reads a statistics file has the whole reading
    /// group, with `--lor` as the hidden old spelling of `--vintage`.
    #[test]
    fn every_statistics_command_has_the_reading_flags() {
        use clap::CommandFactory;
        let mut root = crate::Cli::command();
        root.build();
        let commands: Vec<clap::Command> = [
            "aggregate",
            "check",
            "points",
            "map",
            "report",
            "series",
            "translate",
            "mismatch",
        ]
        .iter()
        .map(|c| root.find_subcommand(c).unwrap().clone())
        .chain(
            root.find_subcommand("layout")
                .unwrap()
                .get_subcommands()
                .filter(|s| s.get_name() != "help")
                .cloned(),
        )
        .collect();
        assert_eq!(commands.len(), 10);
        for c in &commands {
            for flag in [
                "key",
                "delimiter",
                "decimal",
                "encoding",
                "sheet",
                "header-row",
                "vintage",
            ] {
                let a = c
                    .get_arguments()
                    .find(|a| a.get_long() == Some(flag))
                    .unwrap_or_else(|| panic!("lor {} has no --{flag}", c.get_name()));
                if flag == "vintage" {
                    assert_eq!(a.get_all_aliases(), Some(vec!["lor"]));
                    assert!(a.get_visible_aliases().unwrap_or_default().is_empty());
                }
            }
        }
    }

    /// One parser per value, the same values as before.
    #[test]
    fn reading_values_parse_as_before() {
        assert_eq!(decimal_value(","), Ok(b','));
        assert_eq!(decimal_value("."), Ok(b'.'));
        assert_eq!(decimal_value(";"), Err("';': use ',' or '.'".to_string()));
        for tab in ["tab", "\\t", "\t"] {
            assert_eq!(delimiter_value(tab), Ok(b'\t'), "{tab:?}");
        }
        assert_eq!(delimiter_value(";"), Ok(b';'));
        assert_eq!(delimiter_value("|"), Ok(b'|'));
        assert!(delimiter_value(";;").unwrap_err().contains("one character"));
        assert!(delimiter_value("§").is_err());
        assert_eq!(vintage_value("2006"), Ok(Vintage::Lor2006));
        assert_eq!(vintage_value("2019"), Ok(Vintage::Lor2006));
        assert_eq!(vintage_value(" 2021"), Ok(Vintage::Lor2021));
        assert_eq!(
            vintage_value("1999"),
            Err("'1999': use 2006 or 2021".into())
        );
        let opts = StatsReadArgs {
            delimiter: Some(b'\t'),
            encoding: Some("windows-1252".into()),
            vintage: Some(Vintage::Lor2021),
            ..StatsReadArgs::default()
        }
        .options();
        assert_eq!(opts.delimiter, Some(b'\t'));
        assert_eq!(opts.encoding.as_deref(), Some("windows-1252"));
        assert_eq!(opts.vintage, Some(Vintage::Lor2021));
        assert!(!opts.allow_duplicate_keys);
    }

    #[test]
    fn dated_files() {
        let d = dated_file_value("data/t1.csv=2020-12").unwrap();
        assert_eq!(d.file, PathBuf::from("data/t1.csv"));
        assert_eq!(Some(d.date), lor::series::dates::Date::parse("2020-12"));
        // The date is after the last '='.
        let d = dated_file_value("a=b.csv=201812").unwrap();
        assert_eq!(d.file, PathBuf::from("a=b.csv"));
        assert_eq!(
            dated_file_value("t1.csv"),
            Err("'t1.csv': write FILE=YYYY-MM, e.g. t1.csv=2020-12".into())
        );
        assert_eq!(
            dated_file_value("t1.csv=later"),
            Err("'t1.csv=later': 'later' is not a date such as 2020-12".into())
        );
    }

    #[test]
    fn classes_and_their_number() {
        use lor::render::classify::Method;
        assert_eq!(classes_value("jenks"), Ok(Method::NaturalBreaks));
        assert_eq!(classes_value("quantile"), Ok(Method::Quantiles));
        assert_eq!(
            classes_value("breaks:1,2"),
            Ok(Method::Breaks(vec![1.0, 2.0]))
        );
        assert!(classes_value("breaks:2,1")
            .unwrap_err()
            .contains("must increase"));
        assert!(classes_value("median")
            .unwrap_err()
            .contains("use quantiles, equal, jenks or breaks:1,2,3"));
        assert_eq!(class_count_value("1"), Ok(1));
        assert_eq!(class_count_value("9"), Ok(9));
        for bad in ["0", "10", "x", "-1"] {
            assert_eq!(
                class_count_value(bad),
                Err(format!("'{bad}': give 1 to 9 classes"))
            );
        }
        assert_eq!(Level::from(BlocksArg::Bzr), Level::Bzr);
        assert!(BlocksArg::from_str("pgr", false).is_err());
        assert_eq!(
            map_level_value("sr"),
            Ok(lor::render::map::MapLevel::Sozialraum)
        );
        assert!(map_level_value("bez").is_err());
    }

    /// The one Sozialraum plan: a list file is a list whatever --assign
    /// says; polygons go by 'largest' or 'area'.
    #[test]
    fn sozialraum_plan_from_file_and_assign() {
        let layer = || LayerOptions::default();
        let list = Path::new("sr.csv");
        let polygons = Path::new("sr.geojson");
        for how in [AssignArg::Largest, AssignArg::Area, AssignArg::List] {
            let p = SozialraumPlan::new(list, how, layer()).unwrap();
            assert!(matches!(&p, SozialraumPlan::List(f) if f == list));
            assert_eq!(p.assign(), None);
        }
        let p = SozialraumPlan::new(polygons, AssignArg::Area, layer()).unwrap();
        assert_eq!(p.assign(), Some(Assign::Area));
        assert_eq!(p.path(), polygons);
        let p = SozialraumPlan::new(polygons, AssignArg::Largest, layer()).unwrap();
        assert_eq!(p.clone().polygons("map").unwrap().1, Assign::Largest);
        let e = SozialraumPlan::new(polygons, AssignArg::List, layer()).unwrap_err();
        assert_eq!(lor::error::exit_code_of(&e), 2);
        assert!(e.to_string().contains("--assign list needs"), "{e}");
        let e = SozialraumPlan::List(list.into())
            .polygons("map")
            .unwrap_err();
        assert!(
            e.to_string().contains("lor map draws the Sozialräume"),
            "{e}"
        );
        assert!(SozialraumPlan::list_only(list).is_ok());
        let e = SozialraumPlan::list_only(polygons).unwrap_err();
        assert_eq!(lor::error::exit_code_of(&e), 2);
        // The group: no --sozialraum, no plan.
        let sr = SozialraumArgs {
            sozialraum: None,
            assign: AssignArg::Largest,
            min_share: 0.01,
            min_area: 1000.0,
            sozialraum_layer: SozialraumLayer::default(),
        };
        assert!(sr.plan().unwrap().is_none());
        let sr = SozialraumArgs {
            sozialraum: Some(InputPath(polygons.into())),
            assign: AssignArg::Area,
            ..sr
        };
        assert!(matches!(
            sr.plan().unwrap(),
            Some(SozialraumPlan::Polygons { assign: Assign::Area, layer, .. })
                if layer.flag("crs") == "--sozialraum-crs"
        ));
    }

    /// --format, else --output's extension, else CSV; binary formats only
    /// to a file.
    #[test]
    fn table_output_format() {
        use lor::render::output::Format;
        let out = |format: Option<FormatArg>, output: Option<&str>| TableOutputArgs {
            format,
            output: output.map(|o| OutputPath(o.into())),
        };
        assert_eq!(
            out(None, Some("a.xlsx")).format(false).unwrap(),
            Format::Xlsx
        );
        assert_eq!(
            out(Some(FormatArg::Json), Some("a.csv"))
                .format(false)
                .unwrap(),
            Format::Json
        );
        assert_eq!(out(None, None).format(false).unwrap(), Format::Csv);
        let e = out(Some(FormatArg::Parquet), None)
            .format(false)
            .unwrap_err();
        assert!(e.to_string().contains("binary formats"), "{e}");
        assert_eq!(out(None, Some("a.csv")).path(), Some(Path::new("a.csv")));
        assert_eq!(
            out(None, Some("a.csv")).target(),
            lor::render::output::Target::File("a.csv".into())
        );
        assert_eq!(
            out(None, None).target(),
            lor::render::output::Target::Stdout
        );
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
