#![no_main]
//! Any text as a job file for `lor run`, through the library's job file
//! model (`lor::jobs::JobFile`: steps as tables of spanned keys and values,
//! unknown fields refused): an error or a job, never a panic; spans lie
//! inside the text.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(job) = lor::jobs::JobFile::parse(text, "job.toml") {
        for (_, steps) in job.steps() {
            for step in steps {
                for (k, v) in step {
                    assert!(k.span().end <= text.len());
                    assert!(v.span().end <= text.len());
                }
            }
        }
    }
});
