//! One file per subcommand.

pub mod aggregate;
pub mod mismatch;
pub mod points;
pub mod sample;

use lor::error::Warnings;

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
