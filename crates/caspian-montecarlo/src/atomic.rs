//! Writing result files so that a reader never sees half a file: write a
//! temporary file next to the target, flush it to disk, then rename it over
//! the target (atomic on POSIX file systems). [`AtomicFile`] streams a large
//! file (a trace, a sweep document) into the temporary file without holding
//! it in memory; [`write_atomic`] writes bytes already in memory.

use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// Writes `bytes` to `path` atomically.
///
/// # Errors
/// The I/O error; the temporary file is removed and `path` is untouched.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = AtomicFile::create(path)?;
    file.write_all(bytes)?;
    file.commit()
}

/// A file written in pieces that appears at its path only when
/// [`commit`](Self::commit)ted, complete. Until then the data goes to a
/// temporary file beside it (buffered), which is deleted if the writer is
/// dropped uncommitted or the commit fails; the target is never touched.
#[derive(Debug)]
pub struct AtomicFile {
    path: PathBuf,
    tmp: PathBuf,
    /// `None` once committed.
    file: Option<BufWriter<fs::File>>,
}

impl AtomicFile {
    /// Starts writing `path` (a regular file or a new path).
    ///
    /// # Errors
    /// The I/O error: `path` is a directory or a special file, or its
    /// directory does not accept a new file.
    pub fn create(path: &Path) -> io::Result<Self> {
        refuse_special(path)?;
        let tmp = temp_path(path);
        let file = BufWriter::new(fs::File::create(&tmp)?);
        Ok(Self { path: path.to_path_buf(), tmp, file: Some(file) })
    }

    /// Flushes everything to disk and renames the file into place.
    ///
    /// # Errors
    /// The I/O error; the temporary file is removed and the target is
    /// untouched.
    pub fn commit(mut self) -> io::Result<()> {
        let Some(file) = self.file.take() else { return Ok(()) };
        let result = (|| {
            let file = file.into_inner().map_err(io::IntoInnerError::into_error)?;
            file.sync_all()?;
            fs::rename(&self.tmp, &self.path)
        })();
        if result.is_err() {
            let _ = fs::remove_file(&self.tmp);
        }
        result
    }

    fn open(&mut self) -> io::Result<&mut BufWriter<fs::File>> {
        self.file.as_mut().ok_or_else(|| io::Error::other("the file was already committed"))
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.open()?.write(buf)
    }
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.open()?.write_all(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.open()?.flush()
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if self.file.take().is_some() {
            let _ = fs::remove_file(&self.tmp);
        }
    }
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
        // A streamed file appears only on commit; dropped, it leaves nothing.
        let mut streamed = AtomicFile::create(&target).unwrap();
        streamed.write_all(b"th").unwrap();
        streamed.write_all(b"ird").unwrap();
        assert_eq!(fs::read(&target).unwrap(), b"second", "untouched until committed");
        streamed.commit().unwrap();
        assert_eq!(fs::read(&target).unwrap(), b"third");
        let mut abandoned = AtomicFile::create(&target).unwrap();
        abandoned.write_all(b"half").unwrap();
        drop(abandoned);
        assert_eq!(fs::read(&target).unwrap(), b"third");
        let leftovers: Vec<_> = fs::read_dir(&dir).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "only out.json remains");
        fs::remove_dir_all(&dir).unwrap();
    }
}
