#![no_main]
//! Any text as a LOR key: normalised keys are stable and have their level's length.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let s = String::from_utf8_lossy(data);
    if let Ok((level, key)) = lor::table::key::normalize_key(&s) {
        assert_eq!(key.len(), level.digits());
        assert_eq!(lor::table::key::normalize_key(&key).unwrap(), (level, key.clone()));
        let _ = lor::table::key::Vintage::of_key(&key);
    }
    let _ = lor::table::stats::numbers::parse_number(&s, true);
    let _ = lor::table::stats::numbers::parse_number(&s, false);
    let _ = lor::aggregation::rules::glob_match(&s, "inhabitants_percentage");
});
