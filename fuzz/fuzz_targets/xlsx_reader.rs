#![no_main]
//! Any bytes as an .xlsx file, and any text as the cells of a real workbook
//! (one row per line, cells split at `;`): read as statistics, an error or a
//! table, never a panic or a huge allocation.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else { return };
    let dir = std::env::temp_dir().join(format!("lor-fuzz-xlsx-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join("s.xlsx");
    if first % 2 == 0 {
        // Raw bytes: the zip and XML layers.
        std::fs::write(&path, rest).unwrap();
    } else {
        // A well-formed workbook with fuzzed cells, some far away.
        let text = String::from_utf8_lossy(rest);
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        for (r, line) in text.lines().take(200).enumerate() {
            for (c, cell) in line.split(';').take(50).enumerate() {
                let (row, col) = if cell.starts_with('~') {
                    (r as u32 * 4099, (c as u16).saturating_mul(331))
                } else {
                    (r as u32, c as u16)
                };
                let _ = match cell.parse::<f64>() {
                    Ok(v) => ws.write_number(row, col.min(16_383), v).map(|_| ()),
                    Err(_) => ws.write_string(row, col.min(16_383), cell).map(|_| ()),
                };
            }
        }
        if wb.save(&path).is_err() {
            return;
        }
    }
    let _ = lor::table::stats::read_stats(&path, &Default::default());
});
