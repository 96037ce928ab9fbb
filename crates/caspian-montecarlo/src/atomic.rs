//! Writing result files so that a reader never sees half a file: write a
//! temporary file next to the target, flush it to disk, then rename it over
//! the target (atomic on POSIX file systems).

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Writes `bytes` to `path` atomically.
///
/// # Errors
/// The I/O error; the temporary file is removed and `path` is untouched.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    refuse_special(path)?;
    let tmp = temp_path(path);
    let result = (|| {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Checks, before a long computation, that `path` can be written: its
/// directory exists and accepts a new file, and `path` is not a directory.
///
/// # Errors
/// The I/O error explaining why not.
pub fn check_writable(path: &Path) -> io::Result<()> {
    refuse_special(path)?;
    let tmp = temp_path(path);
    fs::File::create(&tmp)?;
    fs::remove_file(&tmp)
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
        fs::remove_dir_all(&dir).unwrap();
    }
}
