//! The one output path: every file and stdout write of every command goes
//! through here.
//!
//! The rules (see docs/safety.md, "Outputs and safety"):
//! - An output that resolves to an input of the same command or job (same
//!   canonical path, or the same device and inode for hard links) is refused
//!   with a usage error before anything is written. The inputs are a value
//!   of the run ([`Inputs`], from the paths its plan names), passed to
//!   every write.
//! - A regular file is replaced atomically: a temporary file beside it, then
//!   a rename. A symlink is followed and its *target* replaced; the link stays.
//! - An existing non-regular target (a device such as `/dev/null`, a FIFO, a
//!   socket) is written in place, never renamed over.
//! - Missing parent folders are created (in every command).
//! - Several files ([`write_files`], `--output-dir`, `lor run`) are committed
//!   all or none: the replaced files are kept as backups until every move has
//!   succeeded; a failure rolls back, and the work folder of a killed run is
//!   rolled back by the next run that writes beside it ([`recover`]).
//! - stdout: a closed pipe (`| head`) is a normal end; any other error (a
//!   full disk) is an error (exit code 1).

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::error::{input_error, usage_error};
use crate::table::input::{resolve, Inputs};

/// Prefix of the work folders beside the targets (staged files, backups,
/// journal); followed by the process id.
pub const WORK_PREFIX: &str = ".lor-run-";

/// Device and inode of an existing file (following symlinks).
fn identity(path: &Path) -> Option<(u64, u64)> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

/// Refuse (usage error) outputs that name one of `inputs`, one another, or
/// a file of the bundled Berlin data (which commands also read without a
/// flag naming it: the built-in catalogue, the layers of `lor series`).
pub fn refuse_inputs(targets: &[PathBuf], inputs: &Inputs) -> Result<()> {
    let bundled = resolve(&crate::table::catalogue::data_dir()).ok();
    let input_ids: Vec<(PathBuf, Option<(u64, u64)>)> = inputs
        .paths()
        .iter()
        .map(|i| (i.clone(), identity(i)))
        .collect();
    let mut seen_path: std::collections::HashMap<PathBuf, usize> = Default::default();
    let mut seen_id: std::collections::HashMap<(u64, u64), usize> = Default::default();
    for (n, t) in targets.iter().enumerate() {
        let r = resolve(t)?;
        if let Some(dir) = bundled.as_ref().filter(|d| r.starts_with(d)) {
            return Err(usage_error(format!(
                "{}: this output is in the bundled Berlin data ({}), which lor reads; nothing written — choose another output name",
                t.display(),
                dir.display()
            )));
        }
        let id = identity(&r);
        if let Some((i, _)) = input_ids
            .iter()
            .find(|(i, iid)| *i == r || (id.is_some() && *iid == id))
        {
            return Err(usage_error(format!(
                "{}: this output is an input of the same run ({}); nothing written — choose another output name",
                t.display(),
                i.display()
            )));
        }
        let earlier = seen_path
            .insert(r, n)
            .or_else(|| id.and_then(|id| seen_id.insert(id, n)));
        if let Some(j) = earlier {
            return Err(usage_error(format!(
                "{} and {} are the same file: two outputs cannot share one file; nothing written",
                targets[j].display(),
                t.display()
            )));
        }
    }
    Ok(())
}

/// What is at a resolved target path.
enum Kind {
    /// Nothing, or a regular file: replaced by a rename.
    Regular,
    /// A device, FIFO or socket: written in place.
    Special,
}

fn kind_of(resolved: &Path, shown: &Path) -> Result<Kind> {
    match std::fs::metadata(resolved) {
        Ok(m) if m.is_dir() => Err(usage_error(format!(
            "{}: is a folder; give a file name",
            shown.display()
        ))),
        Ok(m) if m.is_file() => Ok(Kind::Regular),
        Ok(_) => Ok(Kind::Special),
        Err(_) => Ok(Kind::Regular),
    }
}

fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

fn create_folder(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir)
        .map_err(|e| input_error(format!("{}: cannot create the folder: {e}", dir.display())))
}

/// Write in place (devices, FIFOs, sockets): no temporary file, no rename.
fn write_in_place(
    resolved: &Path,
    shown: &Path,
    fill: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
) -> Result<()> {
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .open(resolved)
        .map_err(|e| input_error(format!("{}: cannot open for writing: {e}", shown.display())))?;
    fill(&mut f)
        .and_then(|_| f.flush())
        .map_err(|e| input_error(format!("{}: cannot write: {e}", shown.display())))
}

/// Write one file, never onto one of `inputs` (see the module rules).
pub fn write_file(path: &Path, bytes: &[u8], inputs: &Inputs) -> Result<()> {
    write_file_with(path, inputs, |f| f.write_all(bytes))
}

/// [`write_file`] for output written piece by piece (streamed into the
/// temporary file, so memory does not grow with its size).
pub fn write_file_with(
    path: &Path,
    inputs: &Inputs,
    fill: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
) -> Result<()> {
    refuse_inputs(&[path.to_path_buf()], inputs)?;
    let resolved = resolve(path)?;
    if let Kind::Special = kind_of(&resolved, path)? {
        return write_in_place(&resolved, path, fill);
    }
    let dir = folder_of(&resolved);
    create_folder(&dir)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".lor-")
        .suffix(".part")
        .tempfile_in(&dir)
        .map_err(|e| {
            input_error(format!(
                "{}: cannot create a temporary file: {e}",
                dir.display()
            ))
        })?;
    fill(tmp.as_file_mut())
        .and_then(|_| tmp.as_file().sync_all())
        .map_err(|e| input_error(format!("{}: cannot write: {e}", path.display())))?;
    set_permissions(tmp.as_file(), &resolved);
    tmp.persist(&resolved).map_err(|e| {
        input_error(format!(
            "{}: cannot replace the file: {}",
            path.display(),
            e.error
        ))
    })?;
    Ok(())
}

/// A file written piece by piece into its temporary file (generated output
/// too large to hold in memory).
pub type Fill = Box<dyn FnOnce(&mut std::fs::File) -> std::io::Result<()> + Send>;

/// What a command writes: files (all of them or none), a file streamed
/// into place, what goes to stdout, and the lines that say so on stderr.
/// Every command's pipeline returns one; [`Outputs::write`] is the one
/// output step.
#[derive(Default)]
pub struct Outputs {
    pub files: Vec<(PathBuf, Vec<u8>)>,
    /// Streamed through [`write_file_with`], after `files`.
    pub streamed: Option<(PathBuf, Fill)>,
    pub stdout: Option<Vec<u8>>,
    /// Lines of information (a summary, the files written), printed on
    /// stderr once everything is written.
    pub summary: Vec<String>,
}

impl std::fmt::Debug for Outputs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Outputs")
            .field(
                "files",
                &self.files.iter().map(|f| &f.0).collect::<Vec<_>>(),
            )
            .field("streamed", &self.streamed.as_ref().map(|s| &s.0))
            .field("stdout", &self.stdout.as_ref().map(Vec::len))
            .field("summary", &self.summary)
            .finish()
    }
}

impl Outputs {
    /// One document: to the file `output`, or to stdout without one.
    pub fn one(output: Option<&Path>, bytes: Vec<u8>) -> Outputs {
        match output {
            Some(p) => Outputs {
                files: vec![(p.to_path_buf(), bytes)],
                ..Outputs::default()
            },
            None => Outputs {
                stdout: Some(bytes),
                ..Outputs::default()
            },
        }
    }

    /// These outputs, with `lines` of summary after their own.
    pub fn with_summary(mut self, lines: impl IntoIterator<Item = String>) -> Outputs {
        self.summary.extend(lines);
        self
    }

    /// Write the files (one through [`write_file`], several all or none
    /// through [`write_files`]), the streamed file, then stdout, none onto
    /// one of `inputs`; the summary lines are returned for stderr.
    pub fn write(self, inputs: &Inputs) -> Result<Vec<String>> {
        match self.files.as_slice() {
            [] => {}
            [(path, bytes)] => write_file(path, bytes, inputs)?,
            files => write_files(files, inputs)?,
        }
        if let Some((path, fill)) = self.streamed {
            write_file_with(&path, inputs, fill)?;
        }
        if let Some(bytes) = self.stdout {
            write_stdout(&bytes)?;
        }
        Ok(self.summary)
    }
}

/// Write to stdout. A closed pipe (`lor … | head`) is a normal end; any
/// other error (a full disk) is an error naming stdout (exit code 1).
pub fn write_stdout(bytes: &[u8]) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(input_error(format!("stdout: cannot write: {e}"))),
    }
}

/// Is this error (anywhere in its chain) a closed pipe?
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// A temporary file is private (0600); the result gets the permissions of
/// the file it replaces, or those of a new file (0644 less the umask).
fn set_permissions(tmp: &std::fs::File, target: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = match std::fs::metadata(target) {
            Ok(m) => m.permissions().mode() & 0o7777,
            Err(_) => 0o644 & !umask(),
        };
        let _ = tmp.set_permissions(std::fs::Permissions::from_mode(mode));
    }
    #[cfg(not(unix))]
    let _ = (tmp, target);
}

#[cfg(unix)]
fn umask() -> u32 {
    // The umask can only be read by setting it; read it from /proc instead
    // where available and assume the usual 022 otherwise.
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("Umask:"))
                .and_then(|v| u32::from_str_radix(v.trim(), 8).ok())
        })
        .unwrap_or(0o022)
}

/// The work folder of this process beside the files of `dir`.
pub fn work_dir(dir: &Path) -> PathBuf {
    dir.join(format!("{WORK_PREFIX}{}", std::process::id()))
}

/// Write several files all or none, none onto one of `inputs`: each is
/// staged in the work folder beside its target, then [`commit`] moves them
/// into place.
pub fn write_files(files: &[(PathBuf, Vec<u8>)], inputs: &Inputs) -> Result<()> {
    let targets: Vec<PathBuf> = files.iter().map(|f| f.0.clone()).collect();
    refuse_inputs(&targets, inputs)?;
    let mut moves = Vec::new();
    let mut work_dirs = Vec::new();
    // Whatever stops the staging (a target that is a folder, a disk that
    // is full), nothing of it is left behind.
    let staged = stage_files(files, &mut moves, &mut work_dirs);
    let result = staged.and_then(|()| commit(&moves, inputs));
    for d in &work_dirs {
        let _ = std::fs::remove_dir_all(d);
    }
    result
}

/// Write each file into the work folder beside its target; `moves` gets
/// (staged, target), `work_dirs` every work folder made.
fn stage_files(
    files: &[(PathBuf, Vec<u8>)],
    moves: &mut Vec<(PathBuf, PathBuf)>,
    work_dirs: &mut Vec<PathBuf>,
) -> Result<()> {
    for (path, bytes) in files {
        let resolved = resolve(path)?;
        kind_of(&resolved, path)?;
        let dir = folder_of(&resolved);
        create_folder(&dir)?;
        recover(&dir);
        let work = work_dir(&dir);
        if !work_dirs.contains(&work) {
            std::fs::create_dir_all(&work)
                .map_err(|e| input_error(format!("{}: cannot create: {e}", work.display())))?;
            work_dirs.push(work.clone());
        }
        let staged = work.join(resolved.file_name().expect("resolved to a file name"));
        std::fs::File::create(&staged)
            .and_then(|mut f| {
                f.write_all(bytes)?;
                f.sync_all()?;
                set_permissions(&f, &resolved);
                Ok(())
            })
            .map_err(|e| input_error(format!("{}: cannot write: {e}", path.display())))?;
        moves.push((staged, path.clone()));
    }
    Ok(())
}

/// The moves of a commit with their backups: every target checked (a
/// folder where a file should go is refused) and its work folder made.
fn plan_moves(
    flat: &[(PathBuf, PathBuf)],
    entries: &mut Vec<Entry>,
    work_dirs: &mut Vec<PathBuf>,
) -> Result<()> {
    for (staged, shown) in flat {
        let target = resolve(shown)?;
        let special = matches!(kind_of(&target, shown)?, Kind::Special);
        let dir = folder_of(&target);
        create_folder(&dir)?;
        let work = work_dir(&dir);
        let backups = work.join(".old");
        std::fs::create_dir_all(&backups)
            .map_err(|e| input_error(format!("{}: cannot create: {e}", backups.display())))?;
        if !work_dirs.contains(&work) {
            work_dirs.push(work.clone());
        }
        entries.push(Entry {
            staged: staged.clone(),
            backup: backups.join(target.file_name().expect("a file name")),
            existed: !special && target.exists(),
            target,
            shown: shown.clone(),
            special,
        });
    }
    Ok(())
}

/// One move of a commit.
struct Entry {
    staged: PathBuf,
    /// The resolved target.
    target: PathBuf,
    /// The target as the user named it (for messages).
    shown: PathBuf,
    backup: PathBuf,
    existed: bool,
    special: bool,
}

const JOURNAL: &str = "journal";
const COMMITTED: &str = "committed";

/// Move staged files (or the files of staged folders) onto their targets,
/// all or none. The files they replace are kept in the work folder beside
/// each target until every move has succeeded; on failure they are moved
/// back. A journal in each work folder lets [`recover`] roll back a commit
/// that was killed half-way. No target may be one of `inputs`.
pub fn commit(moves: &[(PathBuf, PathBuf)], inputs: &Inputs) -> Result<()> {
    // Staged folders (`--output-dir` in a job) become one move per file.
    let mut flat = Vec::new();
    for (staged, target) in moves {
        if staged.is_dir() {
            let mut entries: Vec<_> = std::fs::read_dir(staged)
                .map_err(|e| input_error(format!("{}: cannot read: {e}", staged.display())))?
                .filter_map(|e| e.ok())
                .filter(|e| !e.file_name().to_string_lossy().starts_with(WORK_PREFIX))
                .collect();
            entries.sort_by_key(|e| e.file_name());
            for e in entries {
                flat.push((e.path(), target.join(e.file_name())));
            }
        } else if staged.exists() {
            flat.push((staged.clone(), target.clone()));
        }
    }
    let targets: Vec<PathBuf> = flat.iter().map(|m| m.1.clone()).collect();
    refuse_inputs(&targets, inputs)?;
    let mut entries = Vec::new();
    let mut work_dirs: Vec<PathBuf> = Vec::new();
    if let Err(e) = plan_moves(&flat, &mut entries, &mut work_dirs) {
        // Nothing was moved: the (empty) backup folders go again; a work
        // folder that holds more (a job's staging) stays for its owner.
        for w in &work_dirs {
            let _ = std::fs::remove_dir(w.join(".old"));
            let _ = std::fs::remove_dir(w);
        }
        return Err(e);
    }
    // The journal: the same in every work folder, naming all of them and the
    // one "committed" marker (in the first).
    let marker = work_dirs.first().map(|w| w.join(COMMITTED));
    let mut journal = String::new();
    if let Some(m) = &marker {
        journal.push_str(&format!("marker\t{}\n", m.display()));
    }
    for w in &work_dirs {
        journal.push_str(&format!("work\t{}\n", w.display()));
    }
    for e in entries.iter().filter(|e| !e.special) {
        journal.push_str(&format!(
            "move\t{}\t{}\t{}\t{}\n",
            u8::from(e.existed),
            e.staged.display(),
            e.target.display(),
            e.backup.display()
        ));
    }
    for w in &work_dirs {
        std::fs::write(w.join(JOURNAL), &journal)
            .and_then(|_| std::fs::File::open(w.join(JOURNAL))?.sync_all())
            .map_err(|e| input_error(format!("{}: cannot write the journal: {e}", w.display())))?;
    }
    // Only the final moves onto the real targets (not a step's output into
    // a job's staging folder).
    let fault = fault_after_moves().filter(|_| {
        !entries.iter().any(|e| {
            e.target
                .components()
                .any(|c| c.as_os_str().to_string_lossy().starts_with(WORK_PREFIX))
        })
    });
    for (done, e) in entries.iter().filter(|e| !e.special).enumerate() {
        if fault == Some(done) {
            // Fault injection (debug builds only): die like a killed process.
            std::process::abort();
        }
        let moved = (if e.existed {
            std::fs::rename(&e.target, &e.backup)
        } else {
            Ok(())
        })
        .and_then(|_| {
            std::fs::rename(&e.staged, &e.target).inspect_err(|_| {
                if e.existed {
                    let _ = std::fs::rename(&e.backup, &e.target);
                }
            })
        });
        if let Err(err) = moved {
            roll_back(&entries[..], done);
            return Err(input_error(format!(
                "{}: cannot move the new output into place: {err}; the previous files are restored",
                e.shown.display()
            )));
        }
    }
    if let Some(m) = &marker {
        let _ = std::fs::write(m, b"");
    }
    // Devices and FIFOs cannot be part of the rename: written last, in place.
    for e in entries.iter().filter(|e| e.special) {
        let bytes = std::fs::read(&e.staged)
            .map_err(|err| input_error(format!("{}: cannot read: {err}", e.staged.display())))?;
        write_in_place(&e.target, &e.shown, |f| f.write_all(&bytes))?;
    }
    // Other work folders first, the one with the marker last; a work folder
    // that only held backups goes (a job's staging folder is removed by it).
    for w in work_dirs.iter().rev() {
        let _ = std::fs::remove_dir_all(w.join(".old"));
        let _ = std::fs::remove_file(w.join(JOURNAL));
        if Some(w) == work_dirs.first() {
            let _ = std::fs::remove_file(w.join(COMMITTED));
        }
        let _ = std::fs::remove_dir(w);
    }
    Ok(())
}

/// Undo the first `done` moves of a failed commit.
fn roll_back(entries: &[Entry], done: usize) {
    let moved: Vec<&Entry> = entries.iter().filter(|e| !e.special).take(done).collect();
    for e in moved.into_iter().rev() {
        let _ = std::fs::rename(&e.target, &e.staged);
        if e.existed {
            let _ = std::fs::rename(&e.backup, &e.target);
        }
    }
}

/// `LOR_FAULT_AFTER_MOVES=N`: abort after N moves of a commit (tests of the
/// all-or-none promise; read only in debug builds).
fn fault_after_moves() -> Option<usize> {
    if cfg!(debug_assertions) {
        std::env::var("LOR_FAULT_AFTER_MOVES")
            .ok()
            .and_then(|v| v.parse().ok())
    } else {
        None
    }
}

/// Is the process with this id gone? `None` where that cannot be told.
fn process_gone(pid: u32) -> Option<bool> {
    if !Path::new("/proc/self").exists() {
        return None;
    }
    Some(pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists())
}

/// Work folders of killed runs beside `dir`: a commit that was killed
/// half-way is rolled back (the previous files restored, new ones removed),
/// a completed one is cleaned up, a staging that never got to commit is
/// removed.
pub fn recover(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(pid) = name
            .strip_prefix(WORK_PREFIX)
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        if process_gone(pid) != Some(true) {
            continue;
        }
        let work = e.path();
        match std::fs::read_to_string(work.join(JOURNAL)) {
            Ok(journal) => replay(&journal),
            Err(_) => {
                let _ = std::fs::remove_dir_all(&work);
            }
        }
    }
}

/// Roll a killed commit back (or, if it had completed, just clean up).
fn replay(journal: &str) {
    let mut marker = None;
    let mut works = Vec::new();
    let mut moves = Vec::new();
    for line in journal.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        match f.as_slice() {
            ["marker", m] => marker = Some(PathBuf::from(m)),
            ["work", w] => works.push(PathBuf::from(w)),
            ["move", existed, staged, target, backup] => moves.push((
                *existed == "1",
                PathBuf::from(staged),
                PathBuf::from(target),
                PathBuf::from(backup),
            )),
            _ => {}
        }
    }
    let completed = marker.as_ref().is_some_and(|m| m.exists());
    if !completed {
        for (existed, staged, target, backup) in moves.iter().rev() {
            if backup.exists() {
                let _ = std::fs::rename(backup, target);
            } else if !existed && !staged.exists() && target.exists() {
                // A new file this commit had put in place.
                let _ = std::fs::remove_file(target);
            }
        }
    }
    for w in works.iter().rev() {
        let _ = std::fs::remove_dir_all(w);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolve_follows_links_and_dots() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.csv");
        std::fs::write(&real, "x").unwrap();
        let link = dir.path().join("link.csv");
        std::os::unix::fs::symlink("real.csv", &link).unwrap();
        let canon = std::fs::canonicalize(&real).unwrap();
        assert_eq!(resolve(&link).unwrap(), canon);
        assert_eq!(resolve(&dir.path().join("sub/../real.csv")).unwrap(), canon);
        // A link to a file that does not exist yet resolves to that file.
        let dangling = dir.path().join("new.csv");
        std::os::unix::fs::symlink("later/x.csv", &dangling).unwrap();
        assert!(resolve(&dangling).unwrap().ends_with("later/x.csv"));
    }

    #[test]
    fn inputs_and_hard_links_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.csv");
        std::fs::write(&a, "x").unwrap();
        let hard = dir.path().join("hard.csv");
        std::fs::hard_link(&a, &hard).unwrap();
        let inputs = Inputs::of([&a]);
        let e = refuse_inputs(std::slice::from_ref(&hard), &inputs).unwrap_err();
        assert_eq!(crate::error::exit_code_of(&e), 2);
        assert!(e.to_string().contains("is an input"), "{e}");
        assert!(refuse_inputs(&[dir.path().join("b.csv")], &inputs).is_ok());
        let none = Inputs::default();
        let e = refuse_inputs(
            &[dir.path().join("b.csv"), dir.path().join("./b.csv")],
            &none,
        )
        .unwrap_err();
        assert!(e.to_string().contains("same file"), "{e}");
    }

    /// The bundled Berlin data is never an output, named or not.
    #[test]
    fn the_bundled_data_is_never_an_output() {
        let target = crate::table::catalogue::data_dir().join("lor-2006/plr.geojson.gz");
        let e = refuse_inputs(&[target], &Inputs::default()).unwrap_err();
        assert_eq!(crate::error::exit_code_of(&e), 2);
        assert!(e.to_string().contains("bundled Berlin data"), "{e}");
    }

    /// Only the inputs passed are refused: what another run (a step of the
    /// same job) read is no input of this one.
    #[test]
    fn only_the_runs_own_inputs_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a.csv"), dir.path().join("b.csv"));
        std::fs::write(&a, "a").unwrap();
        std::fs::write(&b, "b").unwrap();
        let first = Inputs::of([&a]);
        let second = Inputs::of([&b]);
        assert!(write_file(&a, b"new a", &first).is_err());
        write_file(&a, b"new a", &second).unwrap();
        assert_eq!(std::fs::read(&a).unwrap(), b"new a");
        assert!(write_files(&[(b.clone(), b"x".to_vec())], &second).is_err());
        assert_eq!(std::fs::read(&b).unwrap(), b"b");
    }

    #[test]
    fn commit_replaces_all_and_keeps_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.csv");
        std::fs::write(&a, "old a").unwrap();
        let files = vec![
            (a.clone(), b"new a".to_vec()),
            (dir.path().join("sub/b.csv"), b"new b".to_vec()),
        ];
        write_files(&files, &Inputs::default()).unwrap();
        assert_eq!(std::fs::read(&a).unwrap(), b"new a");
        assert_eq!(
            std::fs::read(dir.path().join("sub/b.csv")).unwrap(),
            b"new b"
        );
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left.len(), 2, "{left:?}");
    }

    #[test]
    fn replay_rolls_back_a_half_done_commit() {
        let dir = tempfile::tempdir().unwrap();
        let work = dir.path().join(".lor-run-999999999");
        std::fs::create_dir_all(work.join(".old")).unwrap();
        let (a, b) = (dir.path().join("a.csv"), dir.path().join("b.csv"));
        // a was replaced (old copy in the backup), b was new and put in place.
        std::fs::write(&a, "new a").unwrap();
        std::fs::write(work.join(".old/a.csv"), "old a").unwrap();
        std::fs::write(&b, "new b").unwrap();
        let journal = format!(
            "marker\t{w}/committed\nwork\t{w}\nmove\t1\t{w}/a.csv\t{a}\t{w}/.old/a.csv\nmove\t0\t{w}/b.csv\t{b}\t{w}/.old/b.csv\n",
            w = work.display(),
            a = a.display(),
            b = b.display()
        );
        std::fs::write(work.join(JOURNAL), journal).unwrap();
        recover(dir.path());
        assert_eq!(std::fs::read(&a).unwrap(), b"old a");
        assert!(!b.exists());
        assert!(!work.exists());
    }
}
