//! Writing result files so that a reader never sees half a file: write a
//! temporary file next to the target, flush it to disk, then rename it over
//! the target (atomic on POSIX file systems).
//!
//! A symbolic link is written through: the file it points at is replaced,
//! and the link stays. Temporary files being written are registered, so
//! that a process stopped by a signal removes them before it exits
//! ([`exit_abandoning`]): a temporary file exists only while a file is
//! being written.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

/// Temporary files being written now, and files completed.
#[derive(Debug)]
struct Registry {
    pending: Vec<PathBuf>,
    done: Vec<PathBuf>,
}

static REGISTRY: Mutex<Registry> = Mutex::new(Registry { pending: Vec::new(), done: Vec::new() });

fn registry() -> MutexGuard<'static, Registry> {
    REGISTRY.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Writes `bytes` to `path` atomically (through a symbolic link, to the
/// file it points at).
///
/// # Errors
/// The I/O error; the temporary file is removed and `path` is untouched.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let target = resolve_links(path)?;
    refuse_special(&target)?;
    let tmp = temp_path(&target);
    // Created and registered under the lock, renamed or removed under it:
    // `exit_abandoning` sees either no temporary file or a registered one.
    let mut file = {
        let mut reg = registry();
        let file = fs::File::create(&tmp)?;
        reg.pending.push(tmp.clone());
        file
    };
    let written = file.write_all(bytes).and_then(|()| file.sync_all());
    drop(file);
    let mut reg = registry();
    let result = written.and_then(|()| fs::rename(&tmp, &target));
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    } else {
        reg.done.push(path.to_path_buf());
    }
    reg.pending.retain(|t| t != &tmp);
    result
}

/// Checks, before a long computation, that `path` can be written: its
/// directory exists and accepts a new file, and `path` is not a directory.
///
/// # Errors
/// The I/O error explaining why not.
pub fn check_writable(path: &Path) -> io::Result<()> {
    let target = resolve_links(path)?;
    refuse_special(&target)?;
    let tmp = temp_path(&target);
    let _reg = registry();
    fs::File::create(&tmp)?;
    fs::remove_file(&tmp)
}

/// For a process stopped by a signal: removes every temporary file being
/// written, runs `last_words` with the files completed so far (to say
/// what was written), and exits with `code`. The registry stays locked
/// until the process is gone, so no new temporary file appears meanwhile.
pub fn exit_abandoning(code: i32, last_words: impl FnOnce(&[PathBuf])) -> ! {
    let mut reg = registry();
    for tmp in reg.pending.drain(..) {
        let _ = fs::remove_file(tmp);
    }
    last_words(&reg.done);
    std::process::exit(code)
}

/// The file that `path` names once symbolic links are followed (the link
/// itself when it dangles: its target is then created). Relative links are
/// resolved from the link's directory.
///
/// # Errors
/// More than 40 links in a chain (a loop), or a link that cannot be read.
pub fn resolve_links(path: &Path) -> io::Result<PathBuf> {
    let mut p = path.to_path_buf();
    for _ in 0..40 {
        match fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => {
                let to = fs::read_link(&p)?;
                p = match p.parent() {
                    Some(dir) if to.is_relative() => dir.join(to),
                    _ => to,
                };
            }
            _ => return Ok(p),
        }
    }
    Err(io::Error::other("too many levels of symbolic links"))
}

/// Renaming over a directory, a device (`/dev/full`), a pipe or a socket
/// would replace it with a plain file: only regular files (or new paths) are
/// written.
fn refuse_special(path: &Path) -> io::Result<()> {
    match fs::metadata(path) {
        Ok(m) if m.is_dir() => Err(io::Error::new(io::ErrorKind::IsADirectory, "is a directory")),
        Ok(m) if !m.is_file() => Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "is not a regular file (a device, pipe or socket); results are only written to files",
        )),
        _ => Ok(()),
    }
}

/// `dir/.name.tmp-PID`, in the target's directory so the rename stays on one
/// file system.
fn temp_path(path: &Path) -> PathBuf {
    let name = path.file_name().map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
    path.with_file_name(format!(".{name}.tmp-{}", std::process::id()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_whole_files_and_leaves_nothing_on_failure() {
        let dir = std::env::temp_dir().join(format!("caspian-atomic-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let target = dir.join("out.json");
        write_atomic(&target, b"first").unwrap();
        write_atomic(&target, b"second").unwrap();
        assert_eq!(fs::read(&target).unwrap(), b"second");
        check_writable(&target).unwrap();
        let bad = dir.join("no-such-dir").join("out.json");
        assert!(write_atomic(&bad, b"x").is_err());
        assert!(check_writable(&bad).is_err());
        assert!(check_writable(&dir).is_err());
        // Devices are never replaced by a plain file.
        let null = Path::new("/dev/null");
        if null.exists() {
            assert!(check_writable(null).is_err());
            assert!(write_atomic(null, b"x").is_err());
            assert!(!fs::metadata(null).unwrap().is_file(), "still a device");
        }
        let leftovers: Vec<_> = fs::read_dir(&dir).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "only out.json remains");
        // A symbolic link is written through and stays a link.
        #[cfg(unix)]
        {
            let link = dir.join("link.json");
            std::os::unix::fs::symlink("out.json", &link).unwrap();
            write_atomic(&link, b"third").unwrap();
            assert!(fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
            assert_eq!(fs::read(&target).unwrap(), b"third");
            let dangling = dir.join("dangling.json");
            std::os::unix::fs::symlink("new.json", &dangling).unwrap();
            write_atomic(&dangling, b"new").unwrap();
            assert!(fs::symlink_metadata(&dangling).unwrap().file_type().is_symlink());
            assert_eq!(fs::read(dir.join("new.json")).unwrap(), b"new");
        }
        fs::remove_dir_all(&dir).unwrap();
    }
}
