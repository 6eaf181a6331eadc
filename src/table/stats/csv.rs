//! CSV text: the encoding (a label given, a byte order mark, UTF-8, else
//! Windows-1252; two encodings in one file refused), the delimiter sniffed,
//! and the rows with their line numbers.

use anyhow::Result;

use crate::error::{input_error, usage_error};
use crate::table::stats::{Dialect, RawTable};

pub(super) fn decode(
    name: &str,
    bytes: &[u8],
    label: Option<&str>,
) -> Result<(String, &'static str, bool)> {
    if let Some(label) = label {
        let enc = encoding_rs::Encoding::for_label(label.as_bytes()).ok_or_else(|| {
            usage_error(format!(
                "unknown encoding '{label}' (try utf-8, windows-1252, iso-8859-1, utf-16)"
            ))
        })?;
        let (text, _, had_errors) = enc.decode(bytes);
        if had_errors {
            return Err(input_error(format!(
                "{name}: the file is not valid {} text",
                enc.name()
            )));
        }
        return Ok((text.into_owned(), enc.name(), false));
    }
    if let Some((enc, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        if had_errors {
            return Err(input_error(format!(
                "{name}: the file starts with a {} byte order mark but is not valid {} text",
                enc.name(),
                enc.name()
            )));
        }
        return Ok((text.into_owned(), enc.name(), true));
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok((s.to_string(), "UTF-8", false)),
        Err(_) => {
            // UTF-8 characters (ü as two bytes) beside bytes that are not
            // UTF-8: two encodings in one file. Read as Windows-1252 every
            // ü would turn into 'Ã¼'; refused instead, naming the line.
            let mut utf8_chars = 0usize;
            let mut first_bad: Option<(usize, u8)> = None;
            let mut at = 0usize;
            for chunk in bytes.utf8_chunks() {
                utf8_chunks_count(chunk.valid(), &mut utf8_chars);
                at += chunk.valid().len();
                if first_bad.is_none() {
                    if let Some(&b) = chunk.invalid().first() {
                        first_bad = Some((at, b));
                    }
                }
                at += chunk.invalid().len();
            }
            if let (true, Some((pos, b))) = (utf8_chars > 0, first_bad) {
                let line = bytes[..pos].iter().filter(|&&c| c == b'\n').count() + 1;
                return Err(input_error(format!(
                    "{name}: line {line} has the byte 0x{b:02X}, which is not UTF-8, while the file has {utf8_chars} UTF-8 characters such as umlauts elsewhere: two encodings in one file; save it again as UTF-8 in one piece"
                )));
            }
            // Excel on German Windows saves CSV as Windows-1252.
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
            Ok((text.into_owned(), "windows-1252", false))
        }
    }
}

/// Count the characters beyond ASCII in valid UTF-8 text.
fn utf8_chunks_count(valid: &str, n: &mut usize) {
    *n += valid.chars().filter(|c| !c.is_ascii()).count();
}

/// The delimiter of a CSV: the most frequent of `;`, tab, `,`, `|` outside
/// quotes in the first line that has one (title lines above the header have
/// none).
pub fn sniff_delimiter(text: &str) -> u8 {
    let mut lines = text.lines().filter(|l| !l.trim().is_empty()).take(30);
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let first = lines
        .find(|l| l.bytes().any(|b| matches!(b, b';' | b'\t' | b',' | b'|')))
        .unwrap_or(first);
    let mut counts = [(b';', 0usize), (b'\t', 0), (b',', 0), (b'|', 0)];
    let mut in_quotes = false;
    for b in first.bytes() {
        if b == b'"' {
            in_quotes = !in_quotes;
        } else if !in_quotes {
            for c in counts.iter_mut() {
                if c.0 == b {
                    c.1 += 1;
                }
            }
        }
    }
    // Ties go to the earlier entry (`;` before tab before `,`).
    let mut best = counts[0];
    for c in &counts[1..] {
        if c.1 > best.1 {
            best = *c;
        }
    }
    if best.1 == 0 {
        b','
    } else {
        best.0
    }
}

pub(super) fn parse_csv(
    name: &str,
    text: &str,
    delimiter: Option<u8>,
    encoding: &'static str,
    bom: bool,
) -> Result<RawTable> {
    if text.trim().is_empty() {
        return Err(input_error(format!("{name}: the file is empty")));
    }
    let delimiter = delimiter.unwrap_or_else(|| sniff_delimiter(text));
    let mut rdr = ::csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut record = ::csv::StringRecord::new();
    // Line numbers from byte offsets: the csv crate counts a record after a
    // blank line from the blank line.
    let bytes = text.as_bytes();
    let (mut seen, mut newlines) = (0usize, 0usize);
    loop {
        match rdr.read_record(&mut record) {
            Ok(true) => {
                let mut b = record.position().map(|p| p.byte() as usize).unwrap_or(0);
                while b < bytes.len() && matches!(bytes[b], b'\r' | b'\n') {
                    b += 1;
                }
                if b >= seen {
                    newlines += bytes[seen..b].iter().filter(|&&c| c == b'\n').count();
                    seen = b;
                }
                let line = newlines + 1;
                if record.iter().all(|c| c.trim().is_empty()) {
                    continue;
                }
                rows.push((line, record.iter().map(|c| c.to_string()).collect()));
            }
            Ok(false) => break,
            Err(e) => {
                let line = e
                    .position()
                    .map(|p| {
                        let b = (p.byte() as usize).min(bytes.len());
                        1 + bytes[..b].iter().filter(|&&c| c == b'\n').count()
                    })
                    .unwrap_or(0);
                return Err(input_error(format!(
                    "{name}, line {line}: cannot read CSV: {e}"
                )));
            }
        }
    }
    Ok(RawTable {
        dialect: Dialect {
            format: "csv",
            delimiter,
            encoding,
            bom,
            decimal_comma: false,
        },
        line_word: "line",
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delimiters() {
        assert_eq!(sniff_delimiter("a;b;c\n1;2;3"), b';');
        assert_eq!(sniff_delimiter("a,b,c\n"), b',');
        assert_eq!(sniff_delimiter("a\tb\tc\n"), b'\t');
        assert_eq!(sniff_delimiter("\"a;x\",b,c\n"), b',');
    }
}
