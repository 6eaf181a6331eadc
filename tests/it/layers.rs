//! The folders of `src/` are layers: a module imports only from its own
//! folder and the folders below it, in the order ARCHITECTURE.md declares
//! under "## Layers". Read from the code as text: every `crate::FOLDER`
//! path outside test modules is an import of that folder.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The layers from the bottom up: the numbered list under "## Layers",
/// each item starting with its folder (or top-level module) in backticks.
fn declared_layers() -> Vec<String> {
    let text = std::fs::read_to_string(root().join("ARCHITECTURE.md")).unwrap();
    let start = text
        .find("\n## Layers")
        .expect("ARCHITECTURE.md has '## Layers'");
    let section = &text[start + 1..];
    let end = section[3..].find("\n## ").map_or(section.len(), |e| e + 3);
    section[..end]
        .lines()
        .filter_map(|l| {
            let l = l.trim_start();
            let (num, rest) = l.split_once(". ")?;
            num.parse::<u32>().ok()?;
            let name = rest.strip_prefix('`')?.split('`').next()?;
            Some(name.trim_end_matches('/').to_string())
        })
        .collect()
}

/// The library's top-level modules: folders and files of `src/` but the
/// binary's (`main.rs`, `cmd/`) and `lib.rs`.
fn library_modules() -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(root().join("src"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter_map(|p| {
            let name = p.file_name()?.to_str()?.to_string();
            match name.as_str() {
                "main.rs" | "lib.rs" | "cmd" => None,
                n if p.is_dir() => Some(n.to_string()),
                n => n.strip_suffix(".rs").map(str::to_string),
            }
        })
        .collect();
    out.sort();
    out
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// A file's code without its test modules (`#[cfg(test)]` and the item
/// after it).
fn without_tests(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find("#[cfg(test)]") {
        out.push_str(&rest[..i]);
        let after = &rest[i..];
        // Skip the next item: to its closing brace, or its semicolon.
        let mut depth = 0usize;
        let mut end = after.len();
        for (j, c) in after.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = j + 1;
                        break;
                    }
                }
                ';' if depth == 0 => {
                    end = j + 1;
                    break;
                }
                _ => {}
            }
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// The top-level modules a file's code names with `crate::NAME`.
fn imports(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, _) in code.match_indices("crate::") {
        let before = code[..i].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$') {
            continue;
        }
        let name: String = code[i + 7..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if !name.is_empty() && !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

#[test]
fn every_library_module_has_a_layer() {
    let mut declared = declared_layers();
    assert!(declared.len() >= 10, "layers read: {declared:?}");
    declared.sort();
    assert_eq!(
        declared,
        library_modules(),
        "ARCHITECTURE.md '## Layers' must list every top-level module of src/ once"
    );
}

#[test]
fn no_module_imports_from_a_layer_above_its_own() {
    let layers = declared_layers();
    let floor: BTreeMap<&str, usize> = layers
        .iter()
        .enumerate()
        .map(|(i, l)| (l.as_str(), i))
        .collect();
    let src = root().join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut climbing = Vec::new();
    for f in files {
        let rel = f.strip_prefix(&src).unwrap().to_string_lossy().to_string();
        let top = rel
            .split('/')
            .next()
            .unwrap()
            .trim_end_matches(".rs")
            .to_string();
        let Some(&own) = floor.get(top.as_str()) else {
            continue; // main.rs, lib.rs, cmd/: the binary and the crate root
        };
        let code = without_tests(&std::fs::read_to_string(&f).unwrap());
        for m in imports(&code) {
            match floor.get(m.as_str()) {
                Some(&other) if other > own => climbing.push(format!("{rel} uses crate::{m}")),
                Some(_) => {}
                None => climbing.push(format!("{rel} uses crate::{m}, which is no layer")),
            }
        }
    }
    assert!(
        climbing.is_empty(),
        "imports that climb the layers of ARCHITECTURE.md:\n{}",
        climbing.join("\n")
    );
}

#[test]
fn the_crate_root_only_declares_the_layers() {
    let lib = std::fs::read_to_string(root().join("src/lib.rs")).unwrap();
    let code: Vec<&str> = lib
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("//"))
        .collect();
    assert!(
        code.iter().all(|l| l.starts_with("pub mod ")),
        "src/lib.rs declares the layers and nothing else (no re-exported aliases): {code:?}"
    );
}

#[test]
fn the_layer_reader_sees_test_modules_and_paths() {
    let code = "use crate::table::key;\nfn f() { crate::render::x(); }\n#[cfg(test)]\nmod tests { use crate::jobs::y; }\nfn g() {}\n";
    let code = without_tests(code);
    assert!(code.contains("fn g()"), "{code}");
    assert_eq!(imports(&code), vec!["table", "render"]);
    assert_eq!(
        imports("use lor_crate::x; my_crate::y;"),
        Vec::<String>::new()
    );
}

/// Where a file's `#[cfg(test)] mod tests { … }` ends, if it has one.
fn test_module_end(text: &str) -> Option<usize> {
    let start = text.find("#[cfg(test)]\nmod tests")?;
    let open = start + text[start..].find('{')?;
    let mut depth = 0usize;
    for (j, c) in text[open..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(open + j + 1);
                }
            }
            _ => {}
        }
    }
    None
}

#[test]
fn code_stands_before_the_test_module() {
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    let after: Vec<String> = files
        .iter()
        .filter(|f| {
            let text = std::fs::read_to_string(f).unwrap();
            test_module_end(&text).is_some_and(|end| !text[end..].trim().is_empty())
        })
        .map(|f| f.display().to_string())
        .collect();
    assert!(after.is_empty(), "code after the test module: {after:?}");
    assert_eq!(
        test_module_end("fn a() {}\n#[cfg(test)]\nmod tests { fn b() { } }\n"),
        Some(47)
    );
}
