//! The data folder: where the agent and the command line keep the history
//! database, the audit key and anchor, the certificates and the agent's
//! key. Which folder, how it is made, and how a command that only reads
//! history opens it, are decided here and nowhere else.

use std::path::{Path, PathBuf};

use crate::error::{Error, Kind};
use crate::i18n::Text;
use crate::store::{Store, DATABASE_FILE};

/// The data folder: `--data-dir` if given, else `LEDGERLENS_DATA_DIR`,
/// else the platform's per-user data folder (`%LOCALAPPDATA%`,
/// `~/Library/Application Support`, `$XDG_DATA_HOME` or
/// `~/.local/share`) + `ledgerlens`.
pub fn resolve(explicit: Option<&Path>) -> PathBuf {
    if let Some(dir) = explicit {
        return dir.to_path_buf();
    }
    if let Some(dir) = std::env::var_os("LEDGERLENS_DATA_DIR").filter(|d| !d.is_empty()) {
        return dir.into();
    }
    dirs::data_local_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join("ledgerlens")
}

/// Creates the folder if needed, readable by the user only: it holds
/// ledger data, keys and the token.
pub fn prepare(dir: &Path) -> Result<(), Error> {
    std::fs::create_dir_all(dir)
        .map_err(|e| Error::file(Text::new("폴더를 만들 수 없습니다", "creating"), dir, e))?;
    crate::files::restrict_dir(dir).map_err(|e| {
        Error::file(
            Text::new("폴더 권한을 바꿀 수 없습니다", "restricting"),
            dir,
            e,
        )
    })
}

/// Opens the database a folder already has; a command that reads history
/// never creates an empty one where the user mistyped the folder.
pub fn open_existing_store(dir: &Path) -> Result<Store, Error> {
    let path = dir.join(DATABASE_FILE);
    if !path.is_file() {
        return Err(Error::new(
            Kind::NotFound,
            "no_database",
            Text::new(
                format!(
                    "{}: 데이터베이스가 없습니다 (--data-dir 로 폴더를 지정하세요)",
                    path.display()
                ),
                format!(
                    "{}: no database here (name the folder with --data-dir)",
                    path.display()
                ),
            ),
        ));
    }
    Ok(Store::open(&path)?)
}
