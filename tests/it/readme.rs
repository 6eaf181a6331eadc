//! Every `lor …` example in README.md runs and succeeds.

use crate::common;

use std::path::Path;

/// Split a command line like a POSIX shell would for the simple cases used
/// in the README: spaces, single and double quotes.
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => cur.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                in_word = true;
            }
            (None, ' ') => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            (None, c) => {
                cur.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    words
}

/// The `lor` commands in the README's ```sh blocks, continuation lines joined.
fn readme_commands() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("README.md")).unwrap();
    let mut cmds = Vec::new();
    let mut in_sh = false;
    let mut pending = String::new();
    for line in text.lines() {
        if line.starts_with("```") {
            in_sh = line == "```sh";
            continue;
        }
        if !in_sh {
            continue;
        }
        let l = line.trim();
        if let Some(part) = l.strip_suffix('\\') {
            pending.push_str(part);
            pending.push(' ');
            continue;
        }
        pending.push_str(l);
        let cmd = std::mem::take(&mut pending);
        if cmd.starts_with("lor ") {
            cmds.push(cmd);
        }
    }
    cmds
}

#[test]
fn readme_examples_run() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .canonicalize()
        .unwrap();
    let cmds = readme_commands();
    assert!(cmds.len() >= 6, "{cmds:?}");
    let dir = common::scratch("readme");
    for cmd in cmds {
        let words = shell_words(&cmd);
        // Paths in the README are relative to the project directory; outputs go
        // to a scratch directory instead.
        let args: Vec<String> = words[1..]
            .iter()
            .map(|w| {
                if w.starts_with("data/") || w.starts_with("jobs/") {
                    root.join(w).display().to_string()
                } else {
                    w.clone()
                }
            })
            .collect();
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_lor"))
            .args(&args)
            .current_dir(&dir)
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "README example failed: {cmd}\n{}",
            common::stderr(&o)
        );
    }
    // The examples' outputs exist.
    let files = common::listing(&dir);
    for f in [
        "auenwalde.xlsx",
        "ewr-2018-12.csv",
        "mss-2021",
        "t2-bzr-pgr.csv",
    ] {
        assert!(files.contains(&f.to_string()), "{f} missing in {files:?}");
    }
}
