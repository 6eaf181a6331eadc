//! All integration tests in one binary, so that they link once: one
//! module per topic under tests/it/. (A new `tests/<topic>.rs` beside this
//! file still works as its own binary; move it under it/ to join.)

// Tests may say what they measured or skipped.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod common;
mod it;
