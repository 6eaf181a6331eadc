//! The documentation is tested: every `lor …` example in the ```sh blocks of
//! README.md and docs/*.md runs and succeeds, every repository path the
//! documents name exists, and every relative link leads to a file (and a
//! heading of it).

use crate::common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .canonicalize()
        .unwrap()
}

/// README.md and every docs/*.md, as paths relative to the repository.
fn documents() -> Vec<String> {
    let mut docs: Vec<String> = std::fs::read_dir(root().join("docs"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".md"))
        .map(|n| format!("docs/{n}"))
        .collect();
    docs.sort();
    docs.insert(0, "README.md".to_string());
    docs
}

fn read(doc: &str) -> String {
    std::fs::read_to_string(root().join(doc)).unwrap()
}

/// Split a command line like a POSIX shell would for the simple cases used
/// in the documents: spaces, single and double quotes.
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

/// The marker of a block whose examples cannot run here (they need a file
/// the user brings): ```` ```sh no-run ````.
const NO_RUN: &str = "sh no-run";

/// The marker of a block that shows what the `lor` command just above it
/// prints on stdout: ```` ```text output ````; the test compares it.
const OUTPUT: &str = "text output";

/// One `lor` command of a ```sh block, continuation lines joined.
#[derive(Debug, Clone, PartialEq, Default)]
struct Example {
    command: String,
    /// False in a `sh no-run` block.
    run: bool,
    /// What it prints on stdout, from a ```text output block after it.
    output: Option<String>,
}

/// The `lor` commands in a document's ```sh blocks. A ```sh block with any
/// other marker than `no-run` is an error (a typo would silently skip it).
fn examples(text: &str) -> Result<Vec<Example>, String> {
    let mut out: Vec<Example> = Vec::new();
    let mut block: Option<bool> = None; // Some(run) inside a ```sh block
    let mut in_other = false;
    let mut output: Option<String> = None; // inside a ```text output block
    let mut pending = String::new();
    for (n, line) in text.lines().enumerate() {
        let l = line.trim();
        if let Some(shown) = &mut output {
            if l == "```" {
                let shown = output.take().unwrap_or_default();
                let last: Option<&mut Example> = out.last_mut().filter(|e| e.run);
                match last {
                    Some(e) if e.output.is_none() => e.output = Some(shown),
                    _ => {
                        return Err(format!(
                            "line {}: a ```{OUTPUT} block must follow the ```sh block of the command it shows",
                            n + 1
                        ))
                    }
                }
            } else {
                shown.push_str(line);
                shown.push('\n');
            }
            continue;
        }
        if let Some(info) = l.strip_prefix("```") {
            if block.is_some() || in_other {
                block = None;
                in_other = false;
            } else if info == OUTPUT {
                output = Some(String::new());
            } else if info == "sh" {
                block = Some(true);
            } else if info == NO_RUN {
                block = Some(false);
            } else if info.starts_with("sh") {
                return Err(format!(
                    "line {}: unknown block marker ```{info} (```sh or ```{NO_RUN})",
                    n + 1
                ));
            } else {
                in_other = true;
            }
            continue;
        }
        let Some(run) = block else { continue };
        if let Some(part) = l.strip_suffix('\\') {
            pending.push_str(part.trim_end());
            pending.push(' ');
            continue;
        }
        pending.push_str(l);
        let command = std::mem::take(&mut pending);
        if command.starts_with("lor ") {
            out.push(Example {
                command,
                run,
                output: None,
            });
        }
    }
    Ok(out)
}

/// Commands that write into the repository (the bundled jobs write to
/// out/, `lor sample` may rewrite data/sample) run one at a time.
static REPOSITORY_WRITES: Mutex<()> = Mutex::new(());

/// Run one document's examples in order, in a scratch folder of its own;
/// the failures as messages.
fn run_examples(doc: &str, dir: &Path) -> Vec<String> {
    let root = root();
    let mut failures = Vec::new();
    for ex in examples(&read(doc)).unwrap() {
        let words = shell_words(&ex.command);
        // Paths in the documents are relative to the repository; outputs go
        // to the scratch folder instead.
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
        let writes_repository =
            words[1] == "sample" || words.iter().any(|w| w.starts_with("jobs/"));
        let _guard = writes_repository.then(|| {
            REPOSITORY_WRITES
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
        });
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_lor"))
            .args(&args)
            .current_dir(dir)
            .output()
            .unwrap();
        let code = o.status.code();
        if let Some(shown) = &ex.output {
            let printed = String::from_utf8_lossy(&o.stdout);
            let tidy = |t: &str| -> String {
                t.lines()
                    .map(|l| l.trim_end())
                    .collect::<Vec<_>>()
                    .join("\n")
                    .trim()
                    .to_string()
            };
            if tidy(&printed) != tidy(shown) {
                failures.push(format!(
                    "{doc}: the output shown for {} is not what it prints:\n{printed}",
                    ex.command
                ));
            }
        }
        if ex.run && !o.status.success() {
            failures.push(format!(
                "{doc}: example failed ({code:?}): {}\n{}",
                ex.command,
                common::stderr(&o)
            ));
        }
        // An example that cannot run here must still be a valid command:
        // it fails for its missing input (1), not for its flags (2).
        if !ex.run && code != Some(1) {
            failures.push(format!(
                "{doc}: a no-run example must fail only for its missing input (exit 1), got {code:?}: {}\n{}",
                ex.command,
                common::stderr(&o)
            ));
        }
    }
    failures
}

#[test]
fn examples_are_found_with_their_markers() {
    let text = "a\n```sh\nlor aggregate x \\\n    --levels bez\ncargo test\n```\n\
                ```text\nlor not-run\n```\n  ```sh no-run\n  lor crosswalk a b\n  ```\n";
    assert_eq!(
        examples(text).unwrap(),
        vec![
            Example {
                command: "lor aggregate x --levels bez".into(),
                run: true,
                output: None,
            },
            Example {
                command: "lor crosswalk a b".into(),
                run: false,
                output: None,
            },
        ]
    );
    let shown =
        examples("```sh\nlor sample\n```\n\n```text output\nkey  E_E\n13   5\n```\n").unwrap();
    assert_eq!(shown[0].output.as_deref(), Some("key  E_E\n13   5\n"));
    let e = examples("```text output\nx\n```\n").unwrap_err();
    assert!(e.contains("must follow"), "{e}");
    let e = examples("x\n```sh norun\nlor a\n```\n").unwrap_err();
    assert!(e.starts_with("line 2: unknown block marker"), "{e}");
    assert_eq!(
        shell_words(r#"lor a 'K*=EW 31.12.2020' "x y" z"#),
        vec!["lor", "a", "K*=EW 31.12.2020", "x y", "z"]
    );
}

#[test]
fn documentation_examples_run() {
    let docs = documents();
    let mut counts = Vec::new();
    let mut no_run = 0;
    for doc in &docs {
        let ex = examples(&read(doc)).unwrap_or_else(|e| panic!("{doc}: {e}"));
        no_run += ex.iter().filter(|e| !e.run).count();
        counts.push((doc.clone(), ex.len()));
    }
    // Examples that cannot run are the exception.
    assert!(no_run <= 3, "{no_run} no-run examples: keep them rare");
    let readme_count = counts[0].1;
    assert!(readme_count >= 10, "README recipes: {counts:?}");
    assert!(
        counts.iter().map(|(_, n)| n).sum::<usize>() >= 50,
        "{counts:?}"
    );

    // The documents run side by side (each in order, in its own folder).
    let queue = Mutex::new(docs.clone());
    let failures = Mutex::new(Vec::new());
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
        .clamp(1, 4);
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| loop {
                let Some(doc) = queue.lock().unwrap().pop() else {
                    break;
                };
                let dir = common::scratch(&format!("docs-{}", doc.replace('/', "-")));
                let f = run_examples(&doc, &dir);
                failures.lock().unwrap().extend(f);
            });
        }
    });
    let failures = failures.into_inner().unwrap();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));

    // The README recipes' outputs exist.
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("docs-README.md");
    let files = common::listing(&dir);
    for f in [
        "auenwalde.xlsx",
        "ewr-2018-12.csv",
        "mss-2021",
        "t2-bzr-pgr.csv",
        "kita-plaetze-sr.csv",
        "auenwalde-bericht.html",
    ] {
        assert!(files.contains(&f.to_string()), "{f} missing in {files:?}");
    }
    let bezirke = common::listing(&dir.join("mss-2021"));
    assert!(bezirke.contains(&"bez.csv".to_string()), "{bezirke:?}");
}

/// The folders whose paths the documents name, relative to the repository.
const PATH_PREFIXES: &[&str] = &[
    "data/", "jobs/", "benches/", "tests/", "src/", "docs/", "fuzz/", ".ci/",
];

/// Repository paths named in a text: words starting with one of
/// [`PATH_PREFIXES`] (not inside another path or a URL), up to the first
/// character that cannot be part of a path; trailing punctuation dropped.
fn named_paths(text: &str) -> Vec<String> {
    // Markdown escapes (`\*`, `\_` in the generated tables) are the character.
    let text = text.replace("\\*", "*").replace("\\_", "_");
    let text = text.as_str();
    let is_path_char = |c: char| c.is_alphanumeric() || "_-./*".contains(c);
    let mut out = Vec::new();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for (i, &(at, _)) in chars.iter().enumerate() {
        let before = if i == 0 { ' ' } else { chars[i - 1].1 };
        if is_path_char(before) || before == ':' {
            continue;
        }
        let rest = &text[at..];
        if !PATH_PREFIXES.iter().any(|p| rest.starts_with(p)) {
            continue;
        }
        let end = rest.find(|c: char| !is_path_char(c)).unwrap_or(rest.len());
        let path = rest[..end].trim_end_matches(['.', ',']);
        out.push(path.to_string());
    }
    out
}

/// Does a path, possibly with `*` in its parts, name something in `dir`?
fn exists(dir: &Path, path: &str) -> bool {
    let path = path.trim_end_matches('/');
    let mut parts = path.splitn(2, '/');
    let first = parts.next().unwrap();
    let rest = parts.next();
    let matches: Vec<PathBuf> = if first.contains('*') {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return false;
        };
        entries
            .map(|e| e.unwrap())
            .filter(|e| glob_match(first, &e.file_name().to_string_lossy()))
            .map(|e| e.path())
            .collect()
    } else {
        vec![dir.join(first)]
    };
    matches.iter().any(|m| match rest {
        None => m.exists(),
        Some(r) => exists(m, r),
    })
}

/// `*` matches any run of characters, everything else itself.
fn glob_match(pattern: &str, name: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == name,
        Some((head, tail)) => {
            name.starts_with(head)
                && (head.len()..=name.len())
                    .any(|i| name.is_char_boundary(i) && glob_match(tail, &name[i..]))
        }
    }
}

#[test]
fn paths_are_found_in_text() {
    let text = "see `data/berlin/*/README.md`, data/sample/series. Not /tmp/data/x, \
                https://x.org/src/y or ../data/z; (tests/it/) and `src/cmd/<name>.rs`, \
                'data/sample/series/EWR\\*.csv'";
    assert_eq!(
        named_paths(text),
        vec![
            "data/berlin/*/README.md",
            "data/sample/series",
            "tests/it/",
            "src/cmd/",
            "data/sample/series/EWR*.csv"
        ]
    );
    let root = root();
    assert!(exists(&root, "data/berlin/*/README.md"));
    assert!(exists(&root, "data/sample/series/EWR2024*_Matrix.csv"));
    assert!(!exists(&root, "data/sample/series/EWR2019*_Matrix.csv"));
    assert!(!exists(&root, "data/berlin/lor-2006/plr.json"));
    assert!(glob_match("EWR*_Matrix.csv", "EWR202412E_Matrix.csv"));
    assert!(!glob_match("EWR*_Matrix.csv", "EWR202412E_Matrix.xlsx"));
}

#[test]
fn every_path_the_documents_name_exists() {
    let root = root();
    let mut missing = BTreeSet::new();
    let mut checked = 0;
    for doc in documents() {
        for p in named_paths(&read(&doc)) {
            checked += 1;
            if !exists(&root, &p) {
                missing.insert(format!("{doc}: {p}"));
            }
        }
    }
    assert!(checked >= 50, "only {checked} paths found");
    assert!(missing.is_empty(), "paths that do not exist:\n{missing:#?}");
}

/// The anchor GitHub gives a heading: lower case, letters, digits, spaces,
/// `-` and `_` kept, spaces to `-`.
fn anchor(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'))
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

/// The anchors of a Markdown document's headings (outside code blocks).
fn anchors(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut in_code = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if !in_code && line.starts_with('#') {
            out.insert(anchor(line.trim_start_matches('#')));
        }
    }
    out
}

/// The targets of the Markdown links `[text](target)` of a text.
fn links(text: &str) -> Vec<String> {
    text.split("](")
        .skip(1)
        .filter_map(|rest| rest.split_once(')').map(|(t, _)| t.to_string()))
        .collect()
}

#[test]
fn headings_and_links_are_read_like_github() {
    assert_eq!(
        anchor(" One Bezirk: `--bezirk`"),
        "one-bezirk---bezirk".to_string()
    );
    assert_eq!(
        anchor(" Sozialräume and other units"),
        "sozialräume-and-other-units"
    );
    assert_eq!(
        links("a [x](docs/a.md#b) and ![img](p.png) [y](https://e.org)"),
        vec!["docs/a.md#b", "p.png", "https://e.org"]
    );
}

#[test]
fn every_link_leads_to_a_file_and_heading() {
    let root = root();
    let mut broken = Vec::new();
    let mut linked = BTreeSet::new();
    for doc in documents() {
        let dir = root.join(&doc).parent().unwrap().to_path_buf();
        let text = read(&doc);
        for target in links(&text) {
            if target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            let (file, heading) = match target.split_once('#') {
                Some((f, h)) => (f, Some(h)),
                None => (target.as_str(), None),
            };
            let path = if file.is_empty() {
                root.join(&doc)
            } else {
                dir.join(file)
            };
            if !path.exists() {
                broken.push(format!("{doc}: {target}: no such file"));
                continue;
            }
            if let Ok(p) = path.canonicalize() {
                linked.insert(p);
            }
            if let Some(h) = heading {
                let text = std::fs::read_to_string(&path).unwrap();
                if !anchors(&text).contains(h) {
                    broken.push(format!("{doc}: {target}: no such heading"));
                }
            }
        }
    }
    assert!(broken.is_empty(), "{}", broken.join("\n"));
    // Every guide can be reached from the README.
    for doc in documents().iter().skip(1) {
        let p = root.join(doc).canonicalize().unwrap();
        assert!(linked.contains(&p), "{doc} is not linked from any document");
    }
}
