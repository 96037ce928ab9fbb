//! Reading input files within bounds: only regular files, and at most a cap
//! per kind of input, so that `/dev/zero` cannot exhaust memory and a FIFO
//! cannot hang a command.
//!
//! The file type is checked before the file is opened (opening a FIFO
//! blocks until a writer appears) and again on the opened file. A path
//! swapped for a FIFO between the two checks can still block the open: that
//! race needs someone replacing the file on purpose and is accepted. A file
//! that grows past the cap while it is read is caught: at most cap + 1 bytes
//! are ever read.

use std::borrow::Cow;
use std::fs::{self, File, Metadata};
use std::io::{self, Read};
use std::path::Path;

use thiserror::Error;

/// What an input file holds; each kind has its own size cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum InputKind {
    /// A scenario (TOML), written by hand or generated: the shipped ones are
    /// a few kB, so 16 MiB leaves room for generated scenarios while a
    /// mistaken file is refused at once.
    Scenario,
    /// A result document (JSON), a per-replication CSV, a trace CSV or a
    /// sweep checkpoint: written by caspian-sim, and as large as the
    /// replications they hold. 2 GiB is what one machine can parse in
    /// memory comfortably; split larger work with `--shard`.
    Result,
}

impl InputKind {
    /// The largest file of this kind that is read, in bytes.
    pub fn cap(self) -> u64 {
        match self {
            InputKind::Scenario => 16 << 20,
            InputKind::Result => 2 << 30,
        }
    }

    fn describe(self) -> &'static str {
        match self {
            InputKind::Scenario => "16 MiB, the cap for a scenario",
            InputKind::Result => "2 GiB, the cap for a result, CSV, trace or checkpoint",
        }
    }
}

/// An input file that is not read.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum InputError {
    /// A directory.
    #[error("is a directory, not a file")]
    Directory,
    /// A device, FIFO or socket.
    #[error("is not a regular file (a device, FIFO or socket); inputs are read from files only")]
    Special,
    /// Larger than the cap of its kind.
    #[error("is larger than {}", kind.describe())]
    TooLarge {
        /// The kind of input.
        kind: InputKind,
    },
    /// Not UTF-8.
    #[error("is not UTF-8 text")]
    NotText,
    /// The I/O error.
    #[error("{0}")]
    Io(#[from] io::Error),
}

/// Reads the text of the input file at `path`, a regular file of at most
/// `kind`'s cap (symbolic links are followed).
///
/// # Errors
/// [`InputError`]: not a regular file, too large, not UTF-8, or the I/O
/// error.
pub fn read_text(path: &Path, kind: InputKind) -> Result<String, InputError> {
    regular(&fs::metadata(path)?)?;
    let file = File::open(path)?;
    let meta = file.metadata()?;
    regular(&meta)?;
    let cap = kind.cap();
    if meta.len() > cap {
        return Err(InputError::TooLarge { kind });
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(cap + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > cap {
        return Err(InputError::TooLarge { kind });
    }
    String::from_utf8(bytes).map_err(|_| InputError::NotText)
}

/// `text` with its Windows line ends (CR LF) turned into LF, for the CSV
/// readers: the `csv` crate counts the lines of a CR LF file one low, so its
/// errors, and the positions of its records, would name the line above the
/// one at fault. Borrowed when there is no CR.
pub fn lf_line_ends(text: &str) -> Cow<'_, str> {
    if text.contains('\r') { Cow::Owned(text.replace("\r\n", "\n")) } else { Cow::Borrowed(text) }
}

fn regular(meta: &Metadata) -> Result<(), InputError> {
    if meta.is_dir() {
        Err(InputError::Directory)
    } else if meta.is_file() {
        Ok(())
    } else {
        Err(InputError::Special)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_files_and_refuses_everything_else() {
        let dir = std::env::temp_dir().join(format!("caspian-input-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let file = dir.join("s.toml");
        fs::write(&file, "name = \"x\"\n").unwrap();
        assert_eq!(read_text(&file, InputKind::Scenario).unwrap(), "name = \"x\"\n");
        assert!(matches!(read_text(&dir, InputKind::Scenario), Err(InputError::Directory)));
        let zero = Path::new("/dev/zero");
        if zero.exists() {
            assert!(matches!(read_text(zero, InputKind::Result), Err(InputError::Special)));
        }
        let big = dir.join("big.toml");
        let f = File::create(&big).unwrap();
        f.set_len(InputKind::Scenario.cap() + 1).unwrap();
        let err = read_text(&big, InputKind::Scenario).unwrap_err();
        assert!(err.to_string().contains("16 MiB"), "{err}");
        fs::write(&file, [0xff, 0xfe]).unwrap();
        assert!(matches!(read_text(&file, InputKind::Scenario), Err(InputError::NotText)));
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn windows_line_ends_become_unix_ones() {
        assert!(matches!(lf_line_ends("a,b\n1,2\n"), Cow::Borrowed("a,b\n1,2\n")));
        assert_eq!(lf_line_ends("a,b\r\n1,2\r\n"), "a,b\n1,2\n");
        // A lone CR (old Mac line end) is left to the csv crate.
        assert_eq!(lf_line_ends("a\rb\r\n"), "a\rb\n");
    }
}
