//! One module per topic.

mod berlin_aggregate;
mod berlin_sozialraum;
mod catalogue;
mod cli;
mod cli_layer;
mod crosswalk;
mod dialects;
mod fuzz_regressions;
mod geometry_input;
mod geometry_repair;
mod hostile;
mod issue10_text;
mod job;
mod layout;
mod maps;
mod output_safety;
mod overlay_clip;
mod points;
mod properties;
mod readme;
mod series;
mod tables;
