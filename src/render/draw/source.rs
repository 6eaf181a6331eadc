//! The source line of a map: given, or the attribution of each input from
//! the README.md beside it.

/// The source line of a map: `given` (`--source`), else the attribution
/// of each input from the README.md beside it (the bundled data's
/// provenance files: an `## Attribution` section, or the bullet naming the
/// file with its `Attribution: "…"`). Inputs without one are named by file.
pub fn source_line(inputs: &[&std::path::Path], given: Option<&str>) -> String {
    if let Some(g) = given {
        return format!("Source: {g}");
    }
    let mut parts: Vec<String> = Vec::new();
    for p in inputs {
        let text = attribution_of(p).unwrap_or_else(|| {
            p.file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default()
        });
        if !text.is_empty() && !parts.contains(&text) {
            parts.push(text);
        }
    }
    format!("Source: {}", parts.join("; "))
}

fn attribution_of(path: &std::path::Path) -> Option<String> {
    let readme = std::fs::read_to_string(path.parent()?.join("README.md")).ok()?;
    let file = path.file_name()?.to_string_lossy().to_string();
    let clean = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .trim_matches(|c| c == '"' || c == '.' || c == ' ')
            .to_string()
    };
    // A bullet that names the file and carries its own attribution.
    let mut block = String::new();
    let mut blocks = Vec::new();
    for line in readme.lines() {
        if (line.starts_with("- ") || line.starts_with('#') || line.trim().is_empty())
            && !block.is_empty()
        {
            blocks.push(std::mem::take(&mut block));
        }
        block.push_str(line);
        block.push('\n');
    }
    blocks.push(block);
    let stem = file.trim_end_matches(".gz");
    for b in &blocks {
        if b.starts_with("- ") && b.contains(stem) {
            if let Some(i) = b.find("Attribution:") {
                return Some(clean(&b[i + "Attribution:".len()..]));
            }
        }
    }
    // Else the README's attribution section.
    let i = readme.find("## Attribution")?;
    let rest = &readme[i + "## Attribution".len()..];
    let end = rest.find("\n#").unwrap_or(rest.len());
    Some(clean(&rest[..end]))
}
