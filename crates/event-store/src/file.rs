//! The log as a file on disk: who may open it, with what rights, and what that leaves behind.
//!
//! * **Private.** A log holds full My Numbers, so it is created `0600`; SQLite gives its `-wal`
//!   and `-shm` files the mode of the database file, so they are private too.
//! * **One writer.** A writer holds an exclusive `flock` on the database file itself for as
//!   long as its store is open (decision 0009: no lock file to leave behind or to race over, and
//!   the kernel drops the lock when the process dies, so a killed run never leaves its log
//!   locked). A second writer, or a reader while a writer is active, is refused with
//!   [`StoreError::Locked`]. Readers hold a shared lock, so a writer never truncates or unlinks a
//!   log that a reader has open. `flock` and SQLite's own POSIX locks are separate mechanisms on
//!   Linux; the lock's file is closed only after SQLite's connection, because closing any
//!   descriptor of a file drops the process's POSIX locks on it.
//! * **Reading never writes.** A reader opens the database read-only. A finished log has no
//!   write-ahead file, and is opened `immutable`: SQLite then takes no locks and creates no
//!   `-shm`/`-wal`, so a log on a read-only file or mount reads as well as any. Only the log of
//!   a run that was killed still has committed transactions in its `-wal`; that one is read
//!   through the WAL, read-only, using the `-shm` the killed writer left.

use std::fs::{File, OpenOptions};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use crate::error::{NotALog, StoreError};

/// The mode of every log file: read and write for the owner only.
pub(crate) const PRIVATE: u32 = 0o600;

/// `path` with `suffix` appended to its file name (`run.db` → `run.db-wal`).
pub(crate) fn sidecar(path: &Path, suffix: &str) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(suffix);
    PathBuf::from(p)
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> StoreError + '_ {
    move |source| StoreError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// How a store holds its file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Hold {
    /// The one writer.
    Exclusive,
    /// One of any number of readers.
    Shared,
}

/// How long a lock held by someone else is waited for before giving up: a few tries over
/// half a second. A `flock` belongs to the open file, and a child a multi-threaded process
/// forks holds a copy of every descriptor until it execs, so a log just closed may stay locked
/// for a moment; a real second writer holds it far longer.
const LOCK_TRIES: u32 = 25;
const LOCK_PAUSE: std::time::Duration = std::time::Duration::from_millis(20);

/// Takes the lock, or says the log is in use.
pub(crate) fn lock(file: &File, path: &Path, hold: Hold) -> Result<(), StoreError> {
    for _ in 1..LOCK_TRIES {
        match try_lock(file, hold) {
            Err(std::fs::TryLockError::WouldBlock) => std::thread::sleep(LOCK_PAUSE),
            other => return result(other, path),
        }
    }
    result(try_lock(file, hold), path)
}

fn try_lock(file: &File, hold: Hold) -> Result<(), std::fs::TryLockError> {
    match hold {
        Hold::Exclusive => file.try_lock(),
        Hold::Shared => file.try_lock_shared(),
    }
}

fn result(taken: Result<(), std::fs::TryLockError>, path: &Path) -> Result<(), StoreError> {
    taken.map_err(|e| match e {
        std::fs::TryLockError::WouldBlock => StoreError::Locked {
            path: path.to_path_buf(),
        },
        std::fs::TryLockError::Error(source) => StoreError::Io {
            path: path.to_path_buf(),
            source,
        },
    })
}

/// Opens (creating it `0600` if missing) the database file for a writer and locks it.
pub(crate) fn open_for_writing(path: &Path, create: bool) -> Result<File, StoreError> {
    // A device, FIFO or directory is never a log, and opening one to write could block or
    // (with the chmod below) change a system file.
    if let Ok(meta) = std::fs::metadata(path)
        && !meta.is_file()
    {
        return Err(StoreError::NotAnEventLog {
            reason: NotALog::NotARegularFile,
        });
    }
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(create)
        .mode(PRIVATE)
        .open(path)
        .map_err(io(path))?;
    lock(&file, path, Hold::Exclusive)?;
    // The lock is on the file this process opened. If a writer that failed removed it
    // meanwhile (or someone renamed another file over it), the lock guards nothing anyone
    // will read: refuse rather than write a log into a file no longer at `path`.
    if !same_file(&file, path) {
        return Err(StoreError::Locked {
            path: path.to_path_buf(),
        });
    }
    Ok(file)
}

/// Whether `path` still names the open `file`.
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(open), Ok(named)) => open.dev() == named.dev() && open.ino() == named.ino(),
        _ => false,
    }
}

/// Removes a log this process has just created and failed to initialise, with its sidecars,
/// while it still holds the lock: a failed run leaves nothing behind. Anyone who opened the
/// file meanwhile finds it gone once they get the lock (see [`open_for_writing`]).
pub(crate) fn remove_failed(path: &Path) {
    for p in [
        path.to_path_buf(),
        sidecar(path, "-wal"),
        sidecar(path, "-shm"),
    ] {
        let _ = std::fs::remove_file(p);
    }
}

/// Makes the locked file private: a file that existed keeps its mode on open, and the log it
/// is about to hold is not for other users. Called once the file is known to be ours.
pub(crate) fn make_private(file: &File, path: &Path) -> Result<(), StoreError> {
    file.set_permissions(std::fs::Permissions::from_mode(PRIVATE))
        .map_err(io(path))
}

/// The length of the locked file.
pub(crate) fn len(file: &File, path: &Path) -> Result<u64, StoreError> {
    Ok(file.metadata().map_err(io(path))?.len())
}

/// Opens the database file for a reader and takes a shared lock.
pub(crate) fn open_for_reading(path: &Path) -> Result<File, StoreError> {
    let file = File::open(path).map_err(io(path))?;
    lock(&file, path, Hold::Shared)?;
    Ok(file)
}

/// Whether the write-ahead file holds committed data that is not yet in the database file:
/// only the log of a run that did not finish (a finished run folds it in and removes it).
pub(crate) fn has_pending_wal(path: &Path) -> bool {
    std::fs::metadata(sidecar(path, "-wal")).is_ok_and(|m| m.len() > 0)
}

/// An SQLite URI for `path` opened read-only, `immutable` unless the write-ahead file must be
/// read. Every byte but the unreserved ones and `/` is percent-encoded, so any file name works.
pub(crate) fn read_only_uri(path: &Path, immutable: bool) -> String {
    let mut uri = String::from("file:");
    for &b in path.as_os_str().as_bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            uri.push(char::from(b));
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    uri.push_str("?mode=ro");
    if immutable {
        uri.push_str("&immutable=1");
    }
    uri
}

/// Removes the write-ahead and shared-memory files of a log about to be replaced. The caller
/// holds the exclusive lock, so no zairyu process has them open.
pub(crate) fn remove_sidecars(path: &Path) -> Result<(), StoreError> {
    for suffix in ["-wal", "-shm"] {
        let p = sidecar(path, suffix);
        match std::fs::remove_file(&p) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => return Err(StoreError::Io { path: p, source }),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_escape_everything_sqlite_could_misread() {
        assert_eq!(
            read_only_uri(Path::new("/tmp/a b/r?#%.db"), true),
            "file:/tmp/a%20b/r%3F%23%25.db?mode=ro&immutable=1"
        );
        assert_eq!(
            read_only_uri(Path::new("runs/x.db"), false),
            "file:runs/x.db?mode=ro"
        );
    }
}
