//! Where results go: stdout, or files written whole. Every file is staged beside its
//! target and renamed into place only when all are written; the report's set of files is
//! written to a fresh folder and swapped with the old one in one step where the platform can.

use crate::config::{Config, Target};
use crate::error::Error;
use crate::render::Format;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes `text` to the configured target: stdout, or a file written whole.
pub(crate) fn emit(cfg: &Config, text: &str) -> Result<(), Error> {
    let text = shown(cfg, text);
    let text = text.as_ref();
    match &cfg.target {
        Target::Stdout => write_stdout(text),
        Target::File(p) => write_files(&[(p.clone(), text.as_bytes())]),
    }
}

/// The text as written: text and Markdown are read in a terminal, so control characters from
/// the data are written out (the renderer's colour codes kept); CSV, JSON and HTML carry the
/// data as it is.
pub(crate) fn shown<'a>(cfg: &Config, text: &'a str) -> std::borrow::Cow<'a, str> {
    match cfg.format {
        Format::Table | Format::Markdown => crate::diag::visible(text, cfg.colour),
        _ => std::borrow::Cow::Borrowed(text),
    }
}

pub(crate) fn write_stdout(text: &str) -> Result<(), Error> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Error::Write { path: PathBuf::from("<stdout>"), source: e }),
    }
}

/// Writes files all or nothing: each is staged beside its target under a name unique to
/// this run, and only when every one is staged are they renamed into place. Anything that
/// is not a regular file (a device, a FIFO) is written through; symlinks are followed.
pub(crate) fn write_files(files: &[(PathBuf, &[u8])]) -> Result<(), Error> {
    // A killed run's leftovers are cleared once per folder written to.
    let mut dirs: Vec<PathBuf> = files.iter().map(|(p, _)| staging_dir(&write_target(p))).collect();
    dirs.sort();
    dirs.dedup();
    for d in &dirs {
        remove_stale_staging(d);
    }
    let mut staging = Staging::default();
    for (path, bytes) in files {
        staging.stage(path, bytes)?;
    }
    staging.commit()
}

/// Refuses `path` before a long run, with the error writing it would end with, when the folder
/// it would be written in is missing or not a folder.
pub(crate) fn check_destination(path: &Path) -> Result<(), Error> {
    let dir = staging_dir(&write_target(path));
    let failed = |source| Error::Write { path: path.to_path_buf(), source };
    match std::fs::metadata(&dir) {
        Ok(m) if m.is_dir() => Ok(()),
        Ok(_) => Err(failed(std::io::Error::new(
            std::io::ErrorKind::NotADirectory,
            format!("{} is not a folder; nothing was computed or written", dir.display()),
        ))),
        Err(e) => Err(failed(std::io::Error::new(
            e.kind(),
            format!("the folder {} cannot be used ({e}); nothing was computed or written", dir.display()),
        ))),
    }
}

/// The start of a temporary file's name: `.swfscore-PID-` then random characters and
/// `.tmp`, about 25 characters whatever the target's name (a name the file system accepts
/// always leaves room for it), with the process id so a later run can tell a killed run's
/// leftovers from a running one's.
fn staging_prefix() -> String {
    format!(".swfscore-{}-", std::process::id())
}

/// Removes temporary files that a killed run left in `dir` (their process is gone), in this
/// version's form and the earlier `.NAME.PID.swfscore-tmp`.
fn remove_stale_staging(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let pid = if let Some(rest) = name.strip_prefix(".swfscore-").filter(|_| name.ends_with(".tmp")) {
            rest.split('-').next().and_then(|p| p.parse::<u32>().ok())
        } else if let Some(rest) = name.strip_suffix(".swfscore-tmp") {
            rest.rsplit('.').next().and_then(|p| p.parse::<u32>().ok())
        } else {
            continue;
        };
        let alive = pid.is_some_and(|p| p == std::process::id() || Path::new(&format!("/proc/{p}")).exists());
        // Only files: never follow or remove anything else that happens to match.
        if !alive && e.file_type().is_ok_and(|t| t.is_file()) {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// Files staged for an all-or-nothing write; dropping it without `commit` removes them.
#[derive(Debug, Default)]
struct Staging {
    /// (temporary file, target), in the order staged; a temporary file not yet renamed is
    /// removed when dropped.
    staged: Vec<(tempfile::TempPath, PathBuf)>,
}

impl Staging {
    /// Writes `bytes` to a temporary file beside `path` (or straight through, when `path` is
    /// not a regular file).
    fn stage(&mut self, path: &Path, bytes: &[u8]) -> Result<(), Error> {
        self.staged.extend(stage_file(path, |f| f.write_all(bytes))?);
        Ok(())
    }

    /// Renames every staged file into place.
    fn commit(mut self) -> Result<(), Error> {
        let staged = std::mem::take(&mut self.staged);
        let mut rest = staged.into_iter();
        while let Some((tmp, target)) = rest.next() {
            if let Err(e) = tmp.persist(&target) {
                // The unrenamed files (this one included) are removed as they drop.
                drop(e.path);
                drop(rest);
                return Err(Error::Write { path: target, source: e.error });
            }
        }
        Ok(())
    }
}

/// Where writing `path` lands: a symlink's destination (even one that does not exist yet),
/// else `path` itself.
fn write_target(path: &Path) -> PathBuf {
    if let Ok(real) = std::fs::canonicalize(path) {
        return real;
    }
    // A dangling symlink: the file it names is created, the link kept.
    match std::fs::read_link(path) {
        Ok(to) => path.parent().map_or(to.clone(), |dir| dir.join(&to)),
        Err(_) => path.to_path_buf(),
    }
}

/// Writes a file with `write`: to a fresh temporary file beside `path` (created exclusively,
/// under a random name, so no link planted there can redirect it), returned with the target
/// for [`Staging`] to rename or remove (callers first clear stale ones with
/// [`remove_stale_staging`]). Replacing a file keeps its permissions, and a
/// read-only file is refused. Written straight through, not renamed: a target that exists and
/// is not a regular file (a FIFO, /dev/stdout), and a file with several hard links (every name
/// keeps seeing it; that write is not atomic). A symlink's destination is written, the link
/// kept. A failed write removes its temporary file.
fn stage_file(
    path: &Path,
    write: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
) -> Result<Option<(tempfile::TempPath, PathBuf)>, Error> {
    let failed = |e| Error::Write { path: path.to_path_buf(), source: e };
    let target = write_target(path);
    let existing = std::fs::metadata(&target).ok();
    if let Some(m) = &existing {
        if m.is_file() && m.permissions().readonly() {
            return Err(failed(std::io::Error::new(
                std::io::ErrorKind::PermissionDenied,
                "the file is read-only; nothing was written (make it writable to replace it)",
            )));
        }
        if !m.is_file() || hard_links(m) > 1 {
            let mut open = std::fs::OpenOptions::new();
            open.write(true).truncate(m.is_file());
            return open.open(&target).and_then(|mut f| write(&mut f)).map(|()| None).map_err(failed);
        }
    }
    let dir = staging_dir(&target);
    let prefix = staging_prefix();
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    // A new file gets the mode `File::create` would give (0666 less the umask); a replaced
    // one keeps its own.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut tmp = builder.tempfile_in(&dir).map_err(failed)?;
    let written = write(tmp.as_file_mut()).and_then(|()| match &existing {
        Some(m) => tmp.as_file().set_permissions(m.permissions()),
        None => Ok(()),
    });
    match written {
        Ok(()) => Ok(Some((tmp.into_temp_path(), target))),
        Err(e) => Err(failed(e)),
    }
}

/// The folder a target's temporary file is made in: the target's own.
fn staging_dir(target: &Path) -> PathBuf {
    match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// How many names a file has (1 where the platform does not say).
fn hard_links(m: &std::fs::Metadata) -> u64 {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        m.nlink()
    }
    #[cfg(not(unix))]
    {
        let _ = m;
        1
    }
}

/// A [`std::fmt::Write`] over an [`std::io::Write`] that keeps the I/O error `fmt` cannot carry.
struct FmtIo<W: Write> {
    w: W,
    error: Option<std::io::Error>,
}

impl<W: Write> std::fmt::Write for FmtIo<W> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.w.write_all(s.as_bytes()).map_err(|e| {
            self.error.get_or_insert(e);
            std::fmt::Error
        })
    }
}

/// Writes a set of files into `dir` as one, each rendered by `render` on every core.
///
/// On Linux the files go into a fresh folder beside `dir`, which is then swapped with `dir`
/// in one step (`renameat2` with `RENAME_EXCHANGE`): a reader, or a run killed at any moment,
/// finds the old set or the new one, never a mix. Anything else in `dir` is carried over
/// (files as hard links, folders and symlinks recreated), and the old folder is removed after
/// the swap; a killed run's folder is removed by the next run. Where the swap cannot be used
/// (another platform, `dir` a symlink or the current folder or one above it, a file of the set
/// that is a symlink or has other names, a file system without hard links or the exchange),
/// each file is staged beside its target and the files are renamed in turn: every file is
/// whole, but a run killed between two renames leaves a set that mixes two runs, which
/// `report --check` names.
pub(crate) fn write_set<F>(dir: &Path, names: &[String], render: F) -> Result<(), Error>
where
    F: Fn(&str, &mut dyn std::fmt::Write) -> std::fmt::Result + Sync,
{
    use rayon::prelude::*;
    std::fs::create_dir_all(dir).map_err(|e| Error::Write { path: dir.to_path_buf(), source: e })?;
    remove_stale_staging(dir);
    let write_one = |file: &mut std::fs::File, name: &str| {
        let mut w = FmtIo { w: std::io::BufWriter::with_capacity(1 << 16, file), error: None };
        let written = render(name, &mut w);
        match (written, w.error.take()) {
            (_, Some(e)) => Err(e),
            (Err(_), None) => Err(std::io::Error::other("the report could not be rendered")),
            (Ok(()), None) => w.w.flush(),
        }
    };
    #[cfg(target_os = "linux")]
    if let Some(swap) = swap::Swap::prepare(dir, names)? {
        let written: Vec<Result<(), Error>> = names
            .par_iter()
            .map(|name| {
                let path = swap.staged(name);
                std::fs::File::create(&path)
                    .and_then(|mut f| write_one(&mut f, name).and_then(|()| swap.keep_mode(name, &f)))
                    .map_err(|e| Error::Write { path: dir.join(name), source: e })
            })
            .collect();
        written.into_iter().collect::<Result<Vec<()>, Error>>()?;
        if swap.exchange()? {
            return Ok(());
        }
    }
    let staged: Vec<Result<Option<(tempfile::TempPath, PathBuf)>, Error>> =
        names.par_iter().map(|name| stage_file(&dir.join(name), |file| write_one(file, name))).collect();
    let mut staging = Staging::default();
    let mut failed = None;
    for s in staged {
        match s {
            Ok(s) => staging.staged.extend(s),
            Err(e) => {
                failed.get_or_insert(e);
            }
        }
    }
    if let Some(e) = failed {
        return Err(e);
    }
    staging.commit()
}

/// The folder swap of [`write_set`].
#[cfg(target_os = "linux")]
mod swap {
    use super::{Error, hard_links};
    use std::path::{Path, PathBuf};

    /// A fresh folder beside the target folder, holding what is carried over and the new files.
    #[derive(Debug)]
    pub(super) struct Swap {
        target: PathBuf,
        /// Removed when dropped: the new set before the swap, the old one after it.
        fresh: tempfile::TempDir,
    }

    /// `.NAME.swfscore-PID-`: a later run can tell a killed run's folder from a running one's.
    fn prefix(name: &std::ffi::OsStr) -> String {
        format!(".{}.swfscore-{}-", name.to_string_lossy(), std::process::id())
    }

    /// Removes the folders killed runs left beside `target`.
    fn remove_stale(parent: &Path, name: &std::ffi::OsStr) {
        let start = format!(".{}.swfscore-", name.to_string_lossy());
        let Ok(entries) = std::fs::read_dir(parent) else { return };
        for e in entries.flatten() {
            let n = e.file_name().to_string_lossy().into_owned();
            let Some(pid) = n.strip_prefix(&start).and_then(|r| r.split('-').next()?.parse::<u32>().ok()) else {
                continue;
            };
            let alive = pid == std::process::id() || Path::new(&format!("/proc/{pid}")).exists();
            // Only real folders: never follow a symlink that happens to match.
            if !alive && e.file_type().is_ok_and(|t| t.is_dir()) {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
    }

    /// Copies `from` into `to` without copying data: files as hard links, folders and symlinks
    /// recreated.
    fn carry(from: &Path, to: &Path) -> std::io::Result<()> {
        let t = std::fs::symlink_metadata(from)?.file_type();
        if t.is_symlink() {
            std::os::unix::fs::symlink(std::fs::read_link(from)?, to)
        } else if t.is_dir() {
            std::fs::create_dir(to)?;
            for e in std::fs::read_dir(from)? {
                let e = e?;
                carry(&e.path(), &to.join(e.file_name()))?;
            }
            std::fs::set_permissions(to, std::fs::metadata(from)?.permissions())
        } else if t.is_file() {
            std::fs::hard_link(from, to)
        } else {
            Err(std::io::Error::other("not a file, folder or symlink"))
        }
    }

    impl Swap {
        /// The fresh folder with everything in `dir` that is not in `names`, or `None` where
        /// the swap cannot be used.
        pub(super) fn prepare(dir: &Path, names: &[String]) -> Result<Option<Swap>, Error> {
            let Ok(target) = std::fs::canonicalize(dir) else { return Ok(None) };
            let linked = std::fs::symlink_metadata(dir).map(|m| m.file_type().is_symlink()).unwrap_or(true);
            let under_cwd = std::env::current_dir()
                .and_then(std::fs::canonicalize)
                .map(|cwd| cwd.starts_with(&target))
                .unwrap_or(true);
            let (Some(parent), Some(name)) = (target.parent(), target.file_name()) else { return Ok(None) };
            if linked || under_cwd {
                return Ok(None);
            }
            for n in names {
                match std::fs::symlink_metadata(target.join(n)) {
                    Ok(m) if !m.file_type().is_file() || hard_links(&m) > 1 => return Ok(None),
                    Ok(m) if m.permissions().readonly() => {
                        return Err(Error::Write {
                            path: dir.join(n),
                            source: std::io::Error::new(
                                std::io::ErrorKind::PermissionDenied,
                                "the file is read-only; nothing was written (make it writable to replace it)",
                            ),
                        });
                    }
                    _ => {}
                }
            }
            remove_stale(parent, name);
            let failed = |e| Error::Write { path: dir.to_path_buf(), source: e };
            let fresh = tempfile::Builder::new().prefix(&prefix(name)).tempdir_in(parent).map_err(failed)?;
            let meta = std::fs::metadata(&target).map_err(failed)?;
            std::fs::set_permissions(fresh.path(), meta.permissions()).map_err(failed)?;
            let listing = std::fs::read_dir(&target).map_err(failed)?;
            for e in listing {
                let e = e.map_err(failed)?;
                if names.iter().any(|n| e.file_name() == n.as_str()) {
                    continue;
                }
                if carry(&e.path(), &fresh.path().join(e.file_name())).is_err() {
                    return Ok(None);
                }
            }
            Ok(Some(Swap { target, fresh }))
        }

        /// Where file `name` of the new set is written.
        pub(super) fn staged(&self, name: &str) -> PathBuf {
            self.fresh.path().join(name)
        }

        /// A replaced file keeps its mode.
        pub(super) fn keep_mode(&self, name: &str, f: &std::fs::File) -> std::io::Result<()> {
            match std::fs::metadata(self.target.join(name)) {
                Ok(m) => f.set_permissions(m.permissions()),
                Err(_) => Ok(()),
            }
        }

        /// Swaps the new set into place; `false` where the file system cannot exchange.
        pub(super) fn exchange(self) -> Result<bool, Error> {
            use rustix::fs::{CWD, RenameFlags, renameat_with};
            match renameat_with(CWD, self.fresh.path(), CWD, &self.target, RenameFlags::EXCHANGE) {
                // The fresh folder now holds the old set, removed as it drops.
                Ok(()) => Ok(true),
                Err(e) if e == rustix::io::Errno::INVAL || e == rustix::io::Errno::NOSYS => Ok(false),
                Err(e) => Err(Error::Write { path: self.target.clone(), source: e.into() }),
            }
        }
    }
}
