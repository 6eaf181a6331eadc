//! All integration tests in one binary, so that they link once: one
//! module per topic under tests/it/. (A new `tests/<topic>.rs` beside this
//! file still works as its own binary; move it under it/ to join.)

mod common;
mod it;
