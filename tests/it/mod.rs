//! One module per topic.

mod berlin_aggregate;
mod berlin_sozialraum;
mod catalogue;
mod cli;
mod cli_layer;
mod crosswalk;
mod dialects;
mod geometry_input;
mod hostile;
mod job;
mod layout;
mod layout_tradeoff;
mod maps;
mod output_safety;
mod overlay_clip;
mod points;
mod points_fast;
mod points_sozialraum;
mod properties;
mod read_layers;
mod readme;
mod report;
mod series;
mod tables;
