//! Writing files: every file ledgerlens writes goes through here, so each
//! is written whole or not at all, readable by the user only, and never
//! over the input it was made from.
//!
//! - [`write_private`] and [`create_private`] write to a temporary file in
//!   the destination's folder and rename it into place once it is complete
//!   and on disk: a failed write (a full disk) leaves the old file, or no
//!   file, never a truncated one.
//! - Everything written holds ledger data, keys or evidence: it is 0600 on
//!   Unix, as the token and key files are.
//! - [`same_file`] compares file identity (device and inode, or volume and
//!   file index on Windows), so a hard link or a symbolic link to the input
//!   is known to be the input whatever its name.

use std::io::Write;
use std::path::Path;

/// A file being written beside its destination; [`Pending::commit`] puts it
/// in place, dropping it unwritten removes it.
pub struct Pending {
    file: tempfile::NamedTempFile,
}

impl Pending {
    /// A private temporary file in `dest`'s folder (a rename never crosses
    /// file systems).
    pub fn beside(dest: &Path) -> std::io::Result<Pending> {
        let dir = match dest.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        // tempfile makes the file 0600 on Unix.
        let file = tempfile::Builder::new()
            .prefix(".ledgerlens-")
            .suffix(".part")
            .tempfile_in(dir)?;
        Ok(Pending { file })
    }

    pub fn path(&self) -> &Path {
        self.file.path()
    }

    pub fn as_file_mut(&mut self) -> &mut std::fs::File {
        self.file.as_file_mut()
    }

    /// Flushes to disk and renames into place, replacing any file there.
    pub fn commit(self, dest: &Path) -> std::io::Result<()> {
        self.file.as_file().sync_all()?;
        self.file.persist(dest).map_err(|e| e.error)?;
        Ok(())
    }

    /// As [`Pending::commit`], but refuses if `dest` exists (checked by the
    /// rename itself, so no race can slip a file in between).
    pub fn commit_new(self, dest: &Path) -> std::io::Result<()> {
        self.file.as_file().sync_all()?;
        self.file.persist_noclobber(dest).map_err(|e| e.error)?;
        Ok(())
    }
}

/// Writes `contents` whole to `path` (made or replaced), readable by the
/// user only, and waits until it is on disk: keys, the token, manifests,
/// the audit anchor. A crash mid-write leaves the old file, never a torn key.
pub fn write_private(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let mut pending = Pending::beside(path)?;
    pending.as_file_mut().write_all(contents)?;
    pending.commit(path)
}

/// Writes `contents` whole to a new file `path`; an existing one is refused.
pub fn create_private(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let mut pending = Pending::beside(path)?;
    pending.as_file_mut().write_all(contents)?;
    pending.commit_new(path)
}

/// Sets a Unix mode (nothing elsewhere: Windows files take their folder's
/// ACL, and the data folder under `%LOCALAPPDATA%` is the user's own).
fn set_mode(path: &Path, mode: u32) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))?;
    }
    #[cfg(not(unix))]
    let _ = (path, mode);
    Ok(())
}

/// Makes an existing file readable by the user only (a file another
/// program wrote for us, such as SQLite's `VACUUM INTO`, or an old token).
pub fn restrict(path: &Path) -> std::io::Result<()> {
    set_mode(path, 0o600)
}

/// Makes a folder reachable by the user only.
pub fn restrict_dir(path: &Path) -> std::io::Result<()> {
    set_mode(path, 0o700)
}

/// True when both paths name one existing file, by identity, not by name.
pub fn same_file(a: &Path, b: &Path) -> bool {
    same_file::is_same_file(a, b).unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hard_link_is_the_same_file() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("in.csv");
        std::fs::write(&a, "x").unwrap();
        let b = dir.path().join("h.xlsx");
        std::fs::hard_link(&a, &b).unwrap();
        assert!(same_file(&a, &b));
        assert!(same_file(&a, &dir.path().join("./in.csv")));
        assert!(!same_file(&a, &dir.path().join("other")));
    }

    #[cfg(unix)]
    #[test]
    fn written_files_are_private_and_whole() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.xlsx");
        create_private(&path, b"one").unwrap();
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
        assert!(create_private(&path, b"two").is_err(), "never overwrites");
        assert_eq!(std::fs::read(&path).unwrap(), b"one");
        write_private(&path, b"three").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"three");
        // No temporary file is left behind.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
