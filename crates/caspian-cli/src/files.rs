//! Which file a path names, and reading input files within bounds.
//!
//! Two paths name the same file when, once symbolic links are followed,
//! they lead to the same (device, inode) pair: this also catches hard
//! links and different spellings (`./a`, `dir/../a`). A file that does not
//! exist yet is named by its canonical directory and file name.

use std::path::{Path, PathBuf};

use caspian_montecarlo::atomic::resolve_links;
use caspian_montecarlo::input::{InputKind, read_text};
use caspian_montecarlo::shown_path;

use crate::failure::Failure;

/// What a path names, comparable across spellings and links.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Identity {
    /// An existing file: its device and inode.
    #[cfg(unix)]
    Inode(u64, u64),
    /// A file to be created (or, off Unix, any file): its canonical path.
    Path(PathBuf),
}

/// The identity of the file `path` names, if it can be found (`None` when
/// its directory does not exist: nothing can be read or written there).
pub(crate) fn identity(path: &Path) -> Option<Identity> {
    let target = resolve_links(path).ok()?;
    if let Ok(meta) = std::fs::metadata(&target) {
        return Some(existing(&meta, &target));
    }
    let dir = target.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = target.file_name()?;
    Some(Identity::Path(dir.canonicalize().ok()?.join(name)))
}

#[cfg(unix)]
fn existing(meta: &std::fs::Metadata, _: &Path) -> Identity {
    use std::os::unix::fs::MetadataExt;
    Identity::Inode(meta.dev(), meta.ino())
}

#[cfg(not(unix))]
fn existing(_: &std::fs::Metadata, path: &Path) -> Identity {
    Identity::Path(path.canonicalize().unwrap_or_else(|_| path.to_path_buf()))
}

/// Reads an input file of `kind`: a regular file within the kind's size
/// cap, as UTF-8 text; anything else is exit code 2, naming the file.
pub(crate) fn read_input(path: &Path, kind: InputKind) -> Result<String, Failure> {
    read_text(path, kind)
        .map_err(|e| Failure::Input(format!("cannot read {}: {e}", shown_path(path))))
}
