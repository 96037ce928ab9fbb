//! Writing result files so that a reader never sees half a file: write a
//! temporary file next to the target, flush it to disk, then rename it over
//! the target (atomic on POSIX file systems). [`AtomicFile`] streams a large
//! file (a trace, a sweep document) into the temporary file without holding
//! it in memory; [`write_atomic`] writes bytes already in memory.
//!
//! A symbolic link is written through: the file it points at is replaced,
//! and the link stays. Temporary files being written are registered, so
//! that a process stopped by a signal removes them before it exits
//! ([`exit_abandoning`]): a temporary file exists only while a file is
//! being written.

use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

/// Temporary files being written now, and files completed.
#[derive(Debug)]
struct Registry {
    /// Temporary files being written, or written and staged.
    pending: Vec<PathBuf>,
    done: Vec<PathBuf>,
}

thread_local! {
    /// This thread's open [`OutputSet`]s: while there is one, a file it
    /// commits is staged. Per thread, so that a set is the files of the
    /// command (or test) that began it.
    static SETS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    /// Files this thread wrote completely and flushed, waiting for their
    /// set's commit to be renamed into place (their temporary files stay
    /// registered as pending until then).
    static STAGED: std::cell::RefCell<Vec<Staged>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// A written temporary file and where its set's commit puts it.
#[derive(Debug)]
struct Staged {
    path: PathBuf,
    target: PathBuf,
    tmp: PathBuf,
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
    let mut file = AtomicFile::create(path)?;
    file.write_all(bytes)?;
    file.commit()
}

/// A file written in pieces that appears at its path only when
/// [`commit`](Self::commit)ted, complete. Until then the data goes to a
/// registered temporary file beside the target (buffered), which is deleted
/// if the writer is dropped uncommitted, the commit fails or a signal stops
/// the process ([`exit_abandoning`]); the target is never touched.
#[derive(Debug)]
pub struct AtomicFile {
    /// The path as given (what the user is told was written).
    path: PathBuf,
    /// The file it names once symbolic links are followed.
    target: PathBuf,
    tmp: PathBuf,
    /// `None` once committed.
    file: Option<BufWriter<fs::File>>,
}

impl AtomicFile {
    /// Starts writing `path` (a regular file, a new path, or a symbolic link
    /// to either).
    ///
    /// # Errors
    /// The I/O error: `path` is a directory or a special file, or its
    /// directory does not accept a new file.
    pub fn create(path: &Path) -> io::Result<Self> {
        refuse_special(path)?;
        let target = resolve_links(path)?;
        refuse_special(&target)?;
        refuse_standard_streams(&target)?;
        names_a_file(path)?;
        let tmp = temp_path(&target);
        // Created and registered under the lock, renamed or removed under it:
        // `exit_abandoning` sees either no temporary file or a registered one.
        let file = {
            let mut reg = registry();
            let file = create_temp(&tmp)?;
            reg.pending.push(tmp.clone());
            file
        };
        // The file keeps its permissions (a private file stays private).
        if let Ok(meta) = fs::metadata(&target) {
            let _ = fs::set_permissions(&tmp, meta.permissions());
        }
        Ok(Self { path: path.to_path_buf(), target, tmp, file: Some(BufWriter::new(file)) })
    }

    /// Flushes everything to disk and renames the file into place.
    ///
    /// # Errors
    /// The I/O error; the temporary file is removed and the target is
    /// untouched.
    pub fn commit(mut self) -> io::Result<()> {
        let Some(file) = self.file.take() else { return Ok(()) };
        let written = file
            .into_inner()
            .map_err(io::IntoInnerError::into_error)
            .and_then(|file| file.sync_all());
        if SETS.get() > 0 && written.is_ok() {
            // Renamed with the rest of its set; still pending until then.
            let (path, target) = (self.path.clone(), self.target.clone());
            STAGED.with_borrow_mut(|st| st.push(Staged { path, target, tmp: self.tmp.clone() }));
            return Ok(());
        }
        let mut reg = registry();
        let result = written.and_then(|()| fs::rename(&self.tmp, &self.target));
        if result.is_err() {
            let _ = fs::remove_file(&self.tmp);
        } else {
            reg.done.push(self.path.clone());
        }
        reg.pending.retain(|t| t != &self.tmp);
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
            let mut reg = registry();
            let _ = fs::remove_file(&self.tmp);
            reg.pending.retain(|t| t != &self.tmp);
        }
    }
}

/// Checks, before a long computation, that `path` can be written: it ends
/// in a file name (not in `/`), it is not a directory or a special file,
/// its directory exists and accepts a new file, and (when it does not exist
/// yet) the file system takes its name: a file of that exact name is
/// created and removed again, which catches a name too long for the file
/// system or one it forbids. The probe never opens what is there (an
/// existing file's name needs no probe), and it is removed before a signal
/// can end the process, so it never outlives the check.
///
/// # Errors
/// The I/O error explaining why not, in plain words.
pub fn check_writable(path: &Path) -> io::Result<()> {
    // The path itself first: the kernel follows links `resolve_links`
    // cannot read as paths (`/dev/stdout` on a pipe: `pipe:[N]`).
    refuse_special(path)?;
    let target = resolve_links(path)?;
    refuse_special(&target)?;
    refuse_standard_streams(&target)?;
    names_a_file(path)?;
    let tmp = temp_path(&target);
    // Held until both probes are gone: `exit_abandoning` waits for them.
    let _reg = registry();
    // Said of the folder: the file itself may well exist (`/proc/version`)
    // when its folder takes no new files.
    create_temp(&tmp).map_err(|e| {
        let dir = target.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        io::Error::new(e.kind(), format!("cannot create a file in {}: {e}", folder_shown(dir)))
    })?;
    fs::remove_file(&tmp)?;
    match fs::OpenOptions::new().write(true).create_new(true).open(&target) {
        Ok(probe) => {
            drop(probe);
            fs::remove_file(&target)
        }
        // There already (the name is valid), or a name the file system refuses.
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(refused_name(&target, &e)),
    }
}

/// Refuses a path that cannot name a file to create: one ending in a path
/// separator (`out.json/`), or with no file name at all (`..`, `/`).
fn names_a_file(path: &Path) -> io::Result<()> {
    let text = path.as_os_str().to_string_lossy();
    if text.ends_with(std::path::is_separator) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "a file name may not end in \"/\"",
        ));
    }
    if path.file_name().is_none() {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, "does not end in a file name"));
    }
    Ok(())
}

/// Why the file system refused to create `target`: for a name too long,
/// how long it is; otherwise the OS message.
fn refused_name(target: &Path, e: &io::Error) -> io::Error {
    if e.kind() != io::ErrorKind::InvalidFilename {
        return io::Error::new(e.kind(), e.to_string());
    }
    let name = target.file_name().map_or(0, |n| n.as_encoded_bytes().len());
    let whole = target.as_os_str().as_encoded_bytes().len();
    let what = if name > 255 {
        format!("the file name is {name} bytes, too long for this file system (most allow 255)")
    } else {
        format!(
            "the file name ({name} bytes) or the whole path ({whole} bytes) is too long for this \
             file system"
        )
    };
    io::Error::new(e.kind(), format!("{what}: {e}"))
}

/// A folder as the user can find it: a relative one is shown from the
/// current folder too (`ro (/home/me/ro)`, `. (/home/me)`).
fn folder_shown(dir: &Path) -> String {
    let shown = crate::shown_path(dir);
    match std::path::absolute(dir) {
        Ok(abs) if dir.is_relative() => format!("{shown} ({})", crate::shown_path(&abs)),
        _ => shown,
    }
}

/// The result files of one command, written as a set: from
/// [`OutputSet::begin`] on, a committed [`AtomicFile`] (and
/// [`write_atomic`]) is written and flushed in full but left beside its
/// target, and [`OutputSet::commit`] renames them all into place, in the
/// order they were written. Dropped uncommitted (a later file of the set
/// could not be written), every file of the set is removed and every
/// target left as it was: a failed command does not leave some outputs new
/// and others old. Only the renames are left to the commit, and a rename
/// within a directory needs no room on the disk.
#[derive(Debug)]
#[must_use = "an output set that is dropped uncommitted removes its files"]
pub struct OutputSet {
    /// How many files were staged before this set began (an enclosing set's).
    first: usize,
    /// Set by [`commit`](Self::commit): nothing left for `drop` to remove.
    committed: bool,
}

impl OutputSet {
    /// Starts staging the files this thread commits.
    pub fn begin() -> Self {
        SETS.set(SETS.get() + 1);
        Self { first: STAGED.with_borrow(Vec::len), committed: false }
    }

    /// Renames every file of the set into place. Within an enclosing set,
    /// its files stay staged for the enclosing set's commit.
    ///
    /// # Errors
    /// The first rename that fails, naming its file; the files not renamed
    /// yet are removed.
    pub fn commit(mut self) -> io::Result<()> {
        self.committed = true;
        if SETS.get() > 1 { Ok(()) } else { rename_staged(self.first) }
    }
}

impl Drop for OutputSet {
    fn drop(&mut self) {
        SETS.set(SETS.get() - 1);
        if self.committed {
            return;
        }
        let abandoned: Vec<Staged> = STAGED.with_borrow_mut(|st| st.drain(self.first..).collect());
        let mut reg = registry();
        for s in abandoned {
            let _ = fs::remove_file(&s.tmp);
            reg.pending.retain(|t| t != &s.tmp);
        }
    }
}

/// Renames this thread's staged files from `first` on into place, in order.
fn rename_staged(first: usize) -> io::Result<()> {
    let staged: Vec<Staged> = STAGED.with_borrow_mut(|st| st.drain(first..).collect());
    let mut reg = registry();
    let mut failed = None;
    for s in staged {
        reg.pending.retain(|t| t != &s.tmp);
        if failed.is_some() {
            let _ = fs::remove_file(&s.tmp);
            continue;
        }
        match fs::rename(&s.tmp, &s.target) {
            Ok(()) => reg.done.push(s.path),
            Err(e) => {
                let _ = fs::remove_file(&s.tmp);
                failed =
                    Some(io::Error::new(e.kind(), format!("{}: {e}", crate::shown_path(&s.path))));
            }
        }
    }
    failed.map_or(Ok(()), Err)
}

/// Removes `path` from the files reported as completed (a checkpoint,
/// deleted once its study finished).
pub fn forget(path: &Path) {
    registry().done.retain(|p| p != path);
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
/// written. `path` is followed through its links by the kernel, so
/// `/dev/stdout` is refused as what standard output is (a pipe, a
/// terminal).
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

/// Refuses the file this process's standard output or error is redirected
/// to (`caspian run --csv out.txt > out.txt`, or `--csv /dev/stdout >
/// out.txt`): the rename would replace it, and what was printed there
/// would be lost. Same file = same device and inode; nothing to compare
/// where `path` does not exist yet or the streams have no path.
fn refuse_standard_streams(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let Ok(target) = fs::metadata(path) else { return Ok(()) };
        for (stream, name) in [("/dev/stdout", "output"), ("/dev/stderr", "error")] {
            let same = fs::metadata(stream)
                .is_ok_and(|m| m.is_file() && m.dev() == target.dev() && m.ino() == target.ino());
            if same {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!(
                        "is where this command's standard {name} goes: the result would replace \
                         what is printed there; write it to another file"
                    ),
                ));
            }
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// Creates the temporary file `tmp` anew, never opening what is already
/// there: a stale one (a killed process with the same id), or a FIFO or a
/// link planted at that name, is removed first (a link itself, not what it
/// points at).
fn create_temp(tmp: &Path) -> io::Result<fs::File> {
    let create = || fs::OpenOptions::new().write(true).create_new(true).open(tmp);
    match create() {
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            fs::remove_file(tmp)?;
            create()
        }
        other => other,
    }
}

/// `dir/.name.tmp-PID`, in the target's directory so the rename stays on one
/// file system. A long name is cut to at most 100 bytes (whole characters),
/// so that the temporary name fits where the target's name fits, whatever
/// the script (a character may take four bytes).
fn temp_path(path: &Path) -> PathBuf {
    let name = path.file_name().map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
    let mut short = String::new();
    for c in name.chars() {
        if short.len() + c.len_utf8() > 100 {
            break;
        }
        short.push(c);
    }
    path.with_file_name(format!(".{short}.tmp-{}", std::process::id()))
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
        streamed.write_all(b"st").unwrap();
        streamed.write_all(b"reamed").unwrap();
        assert_eq!(fs::read(&target).unwrap(), b"second", "untouched until committed");
        streamed.commit().unwrap();
        assert_eq!(fs::read(&target).unwrap(), b"streamed");
        let mut abandoned = AtomicFile::create(&target).unwrap();
        abandoned.write_all(b"half").unwrap();
        drop(abandoned);
        assert_eq!(fs::read(&target).unwrap(), b"streamed");
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

    #[test]
    fn an_output_set_appears_whole_or_not_at_all() {
        let dir = std::env::temp_dir().join(format!("caspian-atomic-set-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let (a, b) = (dir.join("a.csv"), dir.join("b.json"));
        write_atomic(&a, b"old a").unwrap();
        write_atomic(&b, b"old b").unwrap();
        let files = || fs::read_dir(&dir).unwrap().count();
        // The second file fails: the first, written, is not moved into place.
        let set = OutputSet::begin();
        write_atomic(&a, b"new a").unwrap();
        assert_eq!(fs::read(&a).unwrap(), b"old a", "staged, not renamed");
        assert_eq!(files(), 3, "its temporary file waits beside it");
        assert!(write_atomic(&dir.join("no-such-dir").join("b.json"), b"x").is_err());
        drop(set);
        assert_eq!(
            (fs::read(&a).unwrap(), fs::read(&b).unwrap()),
            (b"old a".to_vec(), b"old b".to_vec())
        );
        assert_eq!(files(), 2, "the staged file is removed");
        // Every file written: all renamed on commit, in place of the old.
        let set = OutputSet::begin();
        write_atomic(&a, b"new a").unwrap();
        let mut streamed = AtomicFile::create(&b).unwrap();
        streamed.write_all(b"new b").unwrap();
        streamed.commit().unwrap();
        assert_eq!(fs::read(&b).unwrap(), b"old b");
        set.commit().unwrap();
        assert_eq!(
            (fs::read(&a).unwrap(), fs::read(&b).unwrap()),
            (b"new a".to_vec(), b"new b".to_vec())
        );
        assert_eq!(files(), 2);
        assert!(
            registry().pending.is_empty()
                || !registry().pending.iter().any(|p| p.starts_with(&dir))
        );
        // Outside a set, files are renamed at once again.
        write_atomic(&a, b"plain").unwrap();
        assert_eq!(fs::read(&a).unwrap(), b"plain");
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn refuses_names_the_file_system_would_refuse_before_any_work() {
        let dir = std::env::temp_dir().join(format!("caspian-atomic-names-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let slash = dir.join("x.json/");
        let e = check_writable(&slash).unwrap_err();
        assert!(e.to_string().contains("may not end in \"/\""), "{e}");
        assert!(write_atomic(&slash, b"x").is_err());
        let long = dir.join(format!("{}.json", "a".repeat(300)));
        let e = check_writable(&long).unwrap_err();
        assert!(e.to_string().contains("the file name is 305 bytes"), "{e}");
        // Short names in a four-byte script: the temporary name fits too.
        let wide = dir.join("\u{1F6A2}".repeat(63));
        check_writable(&wide).unwrap();
        write_atomic(&wide, b"ship").unwrap();
        // An existing file is neither clobbered nor removed by the probe.
        let kept = dir.join("kept.json");
        fs::write(&kept, b"mine").unwrap();
        check_writable(&kept).unwrap();
        assert_eq!(fs::read(&kept).unwrap(), b"mine");
        // The probes leave nothing behind.
        let mut left: Vec<_> =
            fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
        left.sort();
        assert_eq!(left, [kept.file_name().unwrap(), wide.file_name().unwrap()]);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn keeps_permissions_and_takes_long_names() {
        let dir = std::env::temp_dir().join(format!("caspian-atomic-perm-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let long = dir.join(format!("{}.json", "a".repeat(250)));
        write_atomic(&long, b"long").unwrap();
        assert_eq!(fs::read(&long).unwrap(), b"long");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let private = dir.join("private.json");
            write_atomic(&private, b"one").unwrap();
            fs::set_permissions(&private, fs::Permissions::from_mode(0o600)).unwrap();
            write_atomic(&private, b"two").unwrap();
            let mode = fs::metadata(&private).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "a private file stays private");
            // A stale temporary file of this process id is replaced, not opened.
            std::os::unix::fs::symlink(&long, temp_path(&private)).unwrap();
            write_atomic(&private, b"three").unwrap();
            assert_eq!(fs::read(&long).unwrap(), b"long", "the planted link's target is untouched");
        }
        fs::remove_dir_all(&dir).unwrap();
    }
}
