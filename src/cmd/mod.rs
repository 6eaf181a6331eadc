//! One file per subcommand.

pub mod aggregate;
pub mod crosswalk;
pub mod layout;
pub mod mismatch;
pub mod points;
pub mod sample;
pub mod translate;

use anyhow::Result;
use lor::aggregate::MissingPolicy;
use lor::error::{usage_error, Warnings};
use lor::rules::RuleFlags;

pub mod check;
pub mod run;

/// Options shared by all subcommands.
#[derive(Debug, Clone, Default)]
pub struct Context {
    pub quiet: bool,
    /// Warnings as JSON lines on stderr (for log collectors).
    pub log_json: bool,
    /// Warning codes that are accepted: printed, but never a reason for exit 3.
    pub allow: Vec<String>,
}

impl Context {
    /// Print warnings on stderr (never on stdout, which carries data).
    pub fn warn(&self, warnings: &Warnings) {
        if self.quiet {
            return;
        }
        for w in warnings.iter() {
            let allowed = self.allow.iter().any(|a| a == w.code);
            if self.log_json {
                let line = serde_json::json!({
                    "level": if allowed { "note" } else { "warning" },
                    "code": w.code,
                    "message": w.message,
                });
                eprintln!("{line}");
            } else if allowed {
                eprintln!("note ({}): {}", w.code, w.message);
            } else {
                eprintln!("warning: {}", w.message);
            }
        }
    }

    /// Warnings that count as findings (not allowed by `--allow`).
    pub fn findings<'w>(&self, warnings: &'w Warnings) -> Vec<&'w lor::error::Warning> {
        warnings
            .iter()
            .filter(|w| !self.allow.iter().any(|a| a == w.code))
            .collect()
    }

    /// With `--strict`, findings are an error (exit code 3, nothing written).
    pub fn check_strict(&self, strict: bool, warnings: &Warnings) -> Result<()> {
        let n = self.findings(warnings).len();
        if strict && n > 0 {
            let mut codes: Vec<&str> = self.findings(warnings).iter().map(|w| w.code).collect();
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

/// The aggregation rules as flags, shared by `aggregate` and `translate`.
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
    /// e.g. 'Anteil_w=E_EW/E_E*100'. Repeatable.
    #[arg(long, value_name = "COL=NUM/DEN", help_heading = "Rules")]
    ratio: Vec<String>,
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
        default_value = "propagate",
        help_heading = "Rules"
    )]
    missing: String,
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
        }
    }

    pub fn missing_policy(&self) -> Result<MissingPolicy> {
        match self.missing.as_str() {
            "propagate" => Ok(MissingPolicy::Propagate),
            "skip" => Ok(MissingPolicy::Skip),
            m => Err(usage_error(format!(
                "--missing '{m}': use propagate or skip"
            ))),
        }
    }
}

/// How a crosswalk is built from two layers, shared by `crosswalk` and `translate`.
#[derive(clap::Args, Debug, Clone)]
pub struct CrosswalkArgs {
    /// How source units go to targets: 'largest' (whole unit to the target
    /// with its largest real part; the default, best between LOR vintages
    /// whose split-off parts are mostly streets, rail and parks) or 'area'
    /// (apportioned by area).
    #[arg(long, value_name = "HOW", default_value = "largest")]
    method: String,
    /// Dasymetric refinement: points with population (addresses, buildings)
    /// whose counts split the split units instead of their area.
    #[arg(long, value_name = "FILE")]
    population: Option<std::path::PathBuf>,
    /// The count attribute of --population (each point counts 1 without it).
    #[arg(long, value_name = "ATTR", requires = "population")]
    population_attr: Option<String>,
    /// CRS of --population when it does not declare one (CSV).
    #[arg(long, value_name = "EPSG", requires = "population")]
    population_crs: Option<String>,
    /// Parts smaller than this share of their source unit are noise.
    #[arg(long, value_name = "SHARE", default_value_t = 0.01)]
    min_share: f64,
    /// Parts smaller than this many m² are noise.
    #[arg(long, value_name = "M2", default_value_t = 1000.0)]
    min_area: f64,
}

impl CrosswalkArgs {
    /// Build the crosswalk FROM → TO with these options.
    pub fn build(
        &self,
        from: &lor::geometry::Layer,
        to: &lor::geometry::Layer,
        level: &str,
        warnings: &mut Warnings,
    ) -> Result<(lor::crosswalk::Crosswalk, Warnings)> {
        let method = lor::weights::Assign::parse(&self.method).ok_or_else(|| {
            usage_error(format!("--method '{}': use largest or area", self.method))
        })?;
        let tol = lor::overlay::Tolerance::new(self.min_share, self.min_area)?;
        let pop = match &self.population {
            Some(p) => {
                let crs = self
                    .population_crs
                    .as_deref()
                    .map(|c| lor::crs::parse_crs_flag("--population-crs", c))
                    .transpose()?;
                let (pop, w) = lor::crosswalk::part_population(
                    from,
                    to,
                    p,
                    self.population_attr.as_deref(),
                    crs,
                )?;
                warnings.extend(w);
                Some(pop)
            }
            None => None,
        };
        Ok(lor::crosswalk::build(
            from,
            to,
            &tol,
            level,
            method,
            pop.as_ref(),
        ))
    }
}

/// The format of a table output: `--format`, else the output file's
/// extension, else (on stdout) a readable table on a terminal when
/// `table_on_terminal`, else CSV. Binary formats never go to stdout.
pub fn table_format(
    format: Option<&String>,
    output: Option<&std::path::Path>,
    table_on_terminal: bool,
) -> Result<lor::output::Format> {
    use lor::output::Format;
    use std::io::IsTerminal;
    let f = match (format, output) {
        (Some(f), _) => Format::parse(f)?,
        (None, Some(o)) => Format::from_path(o).unwrap_or(Format::Csv),
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

/// Check a `--bezirk` value: two digits.
pub fn check_bezirk(bezirk: Option<&String>) -> Result<()> {
    if let Some(b) = bezirk {
        if b.len() != 2 || !b.bytes().all(|c| c.is_ascii_digit()) {
            return Err(usage_error(format!(
                "--bezirk '{b}': give the two-digit Bezirk number, e.g. 04"
            )));
        }
    }
    Ok(())
}
