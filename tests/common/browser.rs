//! Headless Chromium for the tests that open a report in a real browser.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The Chromium binary, when one is installed.
pub fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser"].iter().find_map(|c| {
        let o = Command::new("sh")
            .args(["-c", &format!("command -v {c}")])
            .output()
            .ok()?;
        o.status
            .success()
            .then(|| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()))
    })
}

/// Chromium, or None where a browser test may be skipped: without it,
/// `CI=true` is a failure with a clear message (`.ci/run` installs it).
pub fn chromium_or_skip(test: &str) -> Option<PathBuf> {
    let found = chromium();
    if found.is_none() {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("{test}: CI=true but chromium is not installed: .ci/run installs it (apt-get install chromium fonts-dejavu-core)");
        }
        eprintln!("SKIPPED {test}: chromium is not installed (apt-get install chromium); CI=true makes this a failure");
    }
    found
}

/// Headless Chromium with the network off: no proxy reachable, every host
/// unresolvable, a fresh profile beside `netlog`. Returns (stdout, stderr).
pub fn browse(chrome: &Path, extra: &[&str], page: &Path, netlog: &Path) -> (String, String) {
    let profile = netlog.with_file_name(format!(
        "profile-{}",
        netlog.file_name().unwrap().to_string_lossy()
    ));
    let o = Command::new(chrome)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--enable-logging=stderr",
            "--v=0",
            "--proxy-server=127.0.0.1:9",
            "--host-resolver-rules=MAP * ~NOTFOUND",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--log-net-log={}", netlog.display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    (
        String::from_utf8_lossy(&o.stdout).to_string(),
        String::from_utf8_lossy(&o.stderr).to_string(),
    )
}
