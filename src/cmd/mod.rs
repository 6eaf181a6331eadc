//! One file per subcommand.

pub mod aggregate;
pub mod crosswalk;
pub mod mismatch;
pub mod points;
pub mod sample;
pub mod translate;

use anyhow::Result;
use lor::aggregate::MissingPolicy;
use lor::error::{usage_error, Warnings};
use lor::rules::RuleFlags;

/// Options shared by all subcommands.
pub struct Context {
    pub quiet: bool,
}

impl Context {
    /// Print warnings on stderr (never on stdout, which carries data).
    pub fn warn(&self, warnings: &Warnings) {
        if self.quiet {
            return;
        }
        for w in warnings.iter() {
            eprintln!("warning: {}", w.message);
        }
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
