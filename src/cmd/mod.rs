//! One file per subcommand; the flags they share are in [`args`].

pub mod aggregate;
pub mod args;
pub mod catalogue;
pub mod crosswalk;
#[cfg(test)]
pub mod docs;
pub mod layout;
pub mod map;
pub mod mismatch;
pub mod points;
pub mod report;
pub mod sample;
pub mod series;
pub mod translate;

use anyhow::Result;
use lor::aggregation::aggregate::MissingPolicy;
use lor::aggregation::rules::RuleFlags;
use lor::error::{usage_error, WarningCode, Warnings};

pub mod check;
pub mod run;

/// Options shared by all subcommands, and the one place that writes
/// messages on stderr: warnings, notes and summaries go through here, so
/// that `--log-format json` makes every stderr line a JSON object.
#[derive(Debug, Clone, Default)]
pub struct Context {
    pub quiet: bool,
    /// Messages as JSON lines on stderr (for log collectors).
    pub log_json: bool,
    /// Warning codes that are accepted: printed, but never a reason for exit 3.
    pub allow: Vec<WarningCode>,
    /// The files this run reads (from the command's input flags,
    /// [`args::inputs_of`]): no output may replace one. Each step of a job
    /// has its own.
    pub inputs: lor::table::input::Inputs,
}

impl Context {
    /// Accepted by `--allow`, or a note (never a finding).
    fn allowed(&self, code: WarningCode) -> bool {
        self.allow.contains(&code) || lor::error::is_note(code)
    }

    /// Print warnings on stderr (never on stdout, which carries data).
    pub fn warn(&self, warnings: &Warnings) {
        if self.quiet {
            return;
        }
        for w in warnings.distinct() {
            let allowed = self.allowed(w.code);
            if self.log_json {
                let line = serde_json::json!({
                    "level": if allowed { "note" } else { "warning" },
                    "code": w.code.as_str(),
                    "message": w.message,
                });
                print_err(&line.to_string());
            } else if allowed {
                print_err(&format!("note ({}): {}", w.code, w.message));
            } else {
                print_err(&format!("warning: {}", w.message));
            }
        }
    }

    /// A line of information (a summary, a file written) on stderr; not
    /// with --quiet.
    pub fn info(&self, message: &str) {
        if self.quiet {
            return;
        }
        if self.log_json {
            let line = serde_json::json!({"level": "info", "message": message});
            print_err(&line.to_string());
        } else {
            print_err(message);
        }
    }

    /// Warnings that count as findings (not allowed by `--allow`).
    pub fn findings<'w>(&self, warnings: &'w Warnings) -> Vec<&'w lor::error::Warning> {
        warnings.iter().filter(|w| !self.allowed(w.code)).collect()
    }

    /// With `--strict`, findings are an error (exit code 3, nothing written).
    pub fn check_strict(&self, strict: bool, warnings: &Warnings) -> Result<()> {
        let n = self.findings(warnings).len();
        if strict && n > 0 {
            let mut codes: Vec<&str> = self
                .findings(warnings)
                .iter()
                .map(|w| w.code.as_str())
                .collect();
            codes.sort_unstable();
            codes.dedup();
            return Err(lor::error::quality_error(format!(
                "{n} warning{} ({}) and --strict: nothing written; accept a kind with --allow CODE",
                if n == 1 { "" } else { "s" },
                codes.join(", ")
            )));
        }
        Ok(())
    }
}

impl Context {
    /// The binary's part after a pipeline ran: print its warnings, fail
    /// under `--strict` (nothing written), write its outputs through the
    /// one output step (never onto this run's inputs), then its summary.
    pub fn finish(&self, strict: bool, (outputs, warnings): lor::pipeline::Outcome) -> Result<()> {
        self.warn(&warnings);
        self.check_strict(strict, &warnings)?;
        for line in outputs.write(&self.inputs)? {
            self.info(&line);
        }
        Ok(())
    }
}

/// Text safety of CSV output, shared by every command that writes CSV.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct TextArgs {
    /// Write text cells that start with = + - @ (not numbers) as they are.
    /// By default they get a leading ' in csv and excel-csv output, so that
    /// a spreadsheet shows them as text instead of running them as formulas.
    #[arg(long, help_heading = "Output")]
    no_formula_guard: bool,
}

impl TextArgs {
    /// The formula guard of this command's output: a value that travels
    /// with the output, never a process-wide setting.
    pub fn guard(&self) -> lor::text::FormulaGuard {
        lor::text::FormulaGuard(!self.no_formula_guard)
    }
}

/// One line on stderr: the only place the subcommands print messages.
#[allow(clippy::print_stderr)]
pub fn print_err(line: &str) {
    eprintln!("{line}");
}

/// Parse an `--allow` code (or a job file's `allow`): only known codes.
pub fn parse_allow(text: &str) -> Result<WarningCode> {
    WarningCode::parse_known(text)
}

/// clap's value parser for `--allow`.
pub fn allow_value(text: &str) -> std::result::Result<WarningCode, String> {
    parse_allow(text).map_err(|e| e.to_string())
}

/// The aggregation rules as flags, shared by every command that aggregates
/// statistics (`aggregate`, `translate`, `map`, `report`, …).
#[derive(clap::Args, Debug, Clone)]
pub struct RuleArgs {
    /// Sum these columns (comma-separated names or globs), even if they look
    /// like shares.
    #[arg(long, value_name = "COLS", help_heading = "Rules")]
    sum: Vec<String>,
    /// Weighted mean: 'COLS=WEIGHT', e.g. 'K01=EW 31.12.2020' or
    /// '*_percentage=inhabitants'. Repeatable.
    #[arg(long, value_name = "COLS=WEIGHT", help_heading = "Rules")]
    weighted: Vec<String>,
    /// Share recomputed from counts: 'COL=NUMERATOR/DENOMINATOR[*FACTOR]',
    /// e.g. 'Anteil_w=E_EW/E_E*100'; numerator and denominator may be
    /// expressions as in --add: 'Anteil_65plus=(E_E65U80+E_E80U110)/E_E*100'.
    /// Repeatable.
    #[arg(long, value_name = "COL=NUM/DEN", help_heading = "Rules")]
    ratio: Vec<String>,
    /// A new column computed in every PLR, then aggregated by its own rule:
    /// 'NAME=EXPR' with + - * /, parentheses, numbers and columns (quote
    /// names with spaces: "EW 31.12.2020" or `EW 31.12.2020`), e.g.
    /// 'Kinder_u6=E_EU1+E_E1U6'. Repeatable.
    #[arg(long, value_name = "NAME=EXPR", help_heading = "Rules")]
    add: Vec<String>,
    /// Smallest value of the members.
    #[arg(long, value_name = "COLS", help_heading = "Rules")]
    min: Vec<String>,
    /// Largest value of the members.
    #[arg(long, value_name = "COLS", help_heading = "Rules")]
    max: Vec<String>,
    /// Keep as a label (where all members agree).
    #[arg(long, value_name = "COLS", help_heading = "Rules")]
    carry: Vec<String>,
    /// Leave these columns out.
    #[arg(long, value_name = "COLS", help_heading = "Rules")]
    drop: Vec<String>,
    /// Members with a missing value (empty or '.'): 'propagate' leaves the
    /// sum empty, 'skip' sums the known values. Means always skip them.
    #[arg(
        long,
        value_name = "HOW",
        value_enum,
        default_value_t = args::Missing::Propagate,
        help_heading = "Rules"
    )]
    missing: args::Missing,
}

impl RuleArgs {
    pub fn flags(&self) -> RuleFlags {
        RuleFlags {
            sum: self.sum.clone(),
            weighted: self.weighted.clone(),
            ratio: self.ratio.clone(),
            min: self.min.clone(),
            max: self.max.clone(),
            carry: self.carry.clone(),
            drop: self.drop.clone(),
            add: self.add.clone(),
        }
    }

    pub fn missing_policy(&self) -> MissingPolicy {
        self.missing.into()
    }
}

/// How a crosswalk is built from two layers, shared by `crosswalk` and `translate`.
#[derive(clap::Args, Debug, Clone)]
pub struct CrosswalkArgs {
    /// How source units go to targets: 'largest' (whole unit to the target
    /// with its largest real part; the default, best between LOR vintages
    /// whose split-off parts are mostly streets, rail and parks) or 'area'
    /// (apportioned by area).
    #[arg(long, value_name = "HOW", value_enum, default_value_t = args::Method::Largest)]
    method: args::Method,
    /// Dasymetric refinement: points with population (addresses, buildings)
    /// whose counts split the split units instead of their area.
    #[arg(long, value_name = "FILE")]
    population: Option<args::InputPath>,
    /// The count attribute of --population (each point counts 1 without it).
    #[arg(long, value_name = "ATTR", requires = "population")]
    population_attr: Option<String>,
    /// CRS of --population when it does not declare one (CSV).
    #[arg(long, value_name = "EPSG", requires = "population")]
    population_crs: Option<String>,
    /// The x (easting or longitude) column of a --population CSV (detected
    /// otherwise: x, rechtswert, lon, …).
    #[arg(long, value_name = "COLUMN", requires = "population")]
    population_x: Option<String>,
    /// The y (northing or latitude) column of a --population CSV (detected
    /// otherwise: y, hochwert, lat, …).
    #[arg(long, value_name = "COLUMN", requires = "population")]
    population_y: Option<String>,
    /// Parts smaller than this share of their source unit are noise.
    #[arg(long, value_name = "SHARE", default_value_t = 0.01, value_parser = args::share_value)]
    min_share: f64,
    /// Parts smaller than this many m² are noise.
    #[arg(long, value_name = "M2", default_value_t = 1000.0, value_parser = args::area_value)]
    min_area: f64,
}

impl CrosswalkArgs {
    /// How the --population points are read, and the flags messages name.
    fn population_points(&self) -> Result<lor::points::read::PointOptions> {
        let crs = self
            .population_crs
            .as_deref()
            .map(|c| lor::spatial::crs::parse_crs_flag("--population-crs", c))
            .transpose()?;
        Ok(lor::points::read::PointOptions {
            sum: self.population_attr.iter().cloned().collect(),
            crs,
            x: self.population_x.clone(),
            y: self.population_y.clone(),
            flags: population_flags(),
            ..Default::default()
        })
    }

    /// The checked overlay of these flags (no file read).
    pub fn overlay(&self) -> Result<lor::pipeline::crosswalk::Overlay> {
        let population = match &self.population {
            Some(p) => Some((p.to_path_buf(), self.population_points()?)),
            None => None,
        };
        Ok(lor::pipeline::crosswalk::Overlay {
            method: self.method.into(),
            population,
            tolerance: lor::spatial::overlay::Tolerance::new(self.min_share, self.min_area)?,
        })
    }
}

/// The flags of the --population points in messages (`crosswalk`,
/// `translate`). They have no category or id attribute, so those two are
/// never named.
fn population_flags() -> lor::points::read::PointFlags {
    lor::points::read::PointFlags {
        sum: "--population-attr".into(),
        ..lor::points::read::PointFlags::prefixed("population-")
    }
}

/// The format of a table output: `--format`, else the output file's
/// extension, else (on stdout) a readable table on a terminal when
/// `table_on_terminal`, else CSV. Binary formats never go to stdout.
pub fn table_format(
    format: Option<args::FormatArg>,
    output: Option<&std::path::Path>,
    table_on_terminal: bool,
) -> Result<lor::render::output::Format> {
    use lor::render::output::Format;
    use std::io::IsTerminal;
    let f = match (format, output) {
        (Some(f), _) => f.into(),
        (None, Some(o)) => Format::for_output(o)?,
        (None, None) if table_on_terminal && std::io::stdout().is_terminal() => Format::Table,
        (None, None) => Format::Csv,
    };
    if output.is_none() && matches!(f, Format::Parquet | Format::Xlsx) {
        return Err(usage_error(
            "parquet and xlsx are binary formats: write them to a file with --output",
        ));
    }
    Ok(f)
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    /// Messages about the --population points name flags of the commands
    /// that read them.
    #[test]
    fn population_messages_name_flags_of_crosswalk_and_translate() {
        let f = super::population_flags();
        let root = crate::Cli::command();
        for cmd in ["crosswalk", "translate"] {
            let sub = root.find_subcommand(cmd).unwrap();
            for flag in [&f.x, &f.y, &f.crs, &f.sum] {
                let long = flag.trim_start_matches("--");
                assert!(
                    sub.get_arguments().any(|a| a.get_long() == Some(long)),
                    "lor {cmd} has no {flag}"
                );
            }
        }
        // `lor points` names its own flags.
        let f = lor::points::read::PointFlags::default();
        let sub = root.find_subcommand("points").unwrap();
        for flag in [&f.x, &f.y, &f.crs, &f.sum, &f.by, &f.id_field] {
            let long = flag.trim_start_matches("--");
            assert!(
                sub.get_arguments().any(|a| a.get_long() == Some(long)),
                "{flag}"
            );
        }
    }
}
