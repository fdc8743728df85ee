"""Encryption at rest: the local database as an SQLCipher file keyed by the user's passphrase.

SQLCipher (through `sqlcipher3`) encrypts every page of the database and of its WAL with a
key derived from the passphrase (PBKDF2-HMAC-SHA512, 256 000 iterations, SQLCipher 4
defaults), so a lost laptop's file shows no name or henkilötunnus. The passphrase is never
stored: it comes from the prompt or from KENTTA_PASSPHRASE.

Plain files stay on the standard library's sqlite3. So that code written against
`sqlite3.IntegrityError` and friends (ours, sqlite-utils') also catches SQLCipher's errors,
each SQLCipher exception class is given the standard library's class of the same name as an
extra base when this module is first used. What does not carry over: an encrypted
connection is not an `sqlite3.Connection` (no isinstance checks), and `sqlite3.Row` cannot
be its row_factory (it insists on a stdlib cursor): use tuples or a dict factory.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sqlite3
from pathlib import Path
from typing import Any

from kenttä.store import files
from kenttä.store.problems import StoreError

SQLITE_HEADER = b"SQLite format 3\x00"

_ERRORS = (
    "InterfaceError",
    "DatabaseError",
    "DataError",
    "OperationalError",
    "IntegrityError",
    "InternalError",
    "ProgrammingError",
    "NotSupportedError",
)


@functools.cache
def _cipher() -> Any:
    """sqlcipher3's DB-API module, imported on first use (plain databases never pay for it).

    Each of its exception classes gets sqlite3's class of the same name as an extra base.
    """
    from sqlcipher3 import dbapi2

    for name in _ERRORS:
        theirs, ours = getattr(dbapi2, name), getattr(sqlite3, name)
        if not issubclass(theirs, ours):
            theirs.__bases__ = (*theirs.__bases__, ours)
    return dbapi2


class StoreLocked(StoreError):
    """The database is encrypted and no passphrase was given."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(
            message
            or "the database is encrypted: give its passphrase (prompt or KENTTA_PASSPHRASE)"
        )


class WrongPassphrase(StoreLocked):
    """The passphrase does not open the database (or the file is not a kenttä database)."""

    def __init__(self) -> None:
        super().__init__("wrong passphrase for the database (or the file is not a database)")


def is_encrypted(path: Path | str) -> bool:
    """True when `path` exists, is not empty and does not start with SQLite's plain header."""
    if str(path) == ":memory:":
        return False
    try:
        with open(path, "rb") as fh:
            head = fh.read(len(SQLITE_HEADER))
    except (FileNotFoundError, IsADirectoryError):
        return False
    return len(head) > 0 and head != SQLITE_HEADER


def uses_cipher(path: Path | str, passphrase: str | None) -> bool:
    """Whether to open `path` with SQLCipher: it is encrypted, or it is new and keyed.

    An existing plain file stays plain even when a passphrase is given (`encrypt_existing`
    converts it), so a script with KENTTA_PASSPHRASE set can still read a plain demo file.
    """
    if is_encrypted(path):
        return True
    if passphrase is None:
        return False
    return str(path) == ":memory:" or not Path(path).exists() or Path(path).stat().st_size == 0


def _quote(passphrase: str) -> str:
    if not passphrase:
        raise StoreLocked("an empty passphrase cannot encrypt the database")
    return "'" + passphrase.replace("'", "''") + "'"


def _raw_connect(path: Path | str) -> Any:
    conn = _cipher().connect(str(path), isolation_level=None, check_same_thread=False)
    # Before the key: otherwise a wrong key makes SQLCipher log "hmac check failed" to stderr.
    conn.execute("PRAGMA cipher_log_level = NONE")
    return conn


def connect_encrypted(path: Path | str, passphrase: str | None) -> sqlite3.Connection:
    """An SQLCipher connection keyed with `passphrase` (a new file is created encrypted).

    Raises StoreLocked with no passphrase, WrongPassphrase when it does not open the file.
    The caller sets the usual pragmas (journal mode, foreign keys) afterwards.
    """
    if passphrase is None:
        raise StoreLocked()
    if str(path) != ":memory:":
        scrub_leftovers(path)
    conn = _raw_connect(path)
    try:
        conn.execute(f"PRAGMA key = {_quote(passphrase)}")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError:
        conn.close()
        raise WrongPassphrase() from None
    except BaseException:
        conn.close()
        raise
    return conn  # type: ignore[no-any-return]


def verify_passphrase(path: Path | str, passphrase: str) -> bool:
    """Whether `passphrase` opens the encrypted database at `path` (costs one key derivation)."""
    try:
        conn = connect_encrypted(path, passphrase)
    except StoreLocked:
        return False
    conn.close()
    return True


def _sidecars(path: Path) -> list[Path]:
    return [Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")]


def scrub(path: Path) -> None:
    """Overwrite a file with zeros, flush it and remove it (best effort on SSDs: see docs)."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return
    with open(path, "r+b") as fh:
        block = b"\x00" * 65536
        left = size
        while left > 0:
            left -= fh.write(block[: min(left, len(block))])
        fh.flush()
        os.fsync(fh.fileno())
    path.unlink()


def change_passphrase(path: Path | str, old: str, new: str) -> None:
    """Re-key the encrypted database at `path` from `old` to `new` (PRAGMA rekey)."""
    new_quoted = _quote(new)
    conn = connect_encrypted(path, old)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute(f"PRAGMA rekey = {new_quoted}")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    if not verify_passphrase(path, new):
        raise StoreError("the passphrase change did not take effect; the old one still works")


def encrypt_existing(path: Path | str, passphrase: str) -> None:
    """Encrypt the plain database at `path` in place, leaving no plaintext copy behind.

    The data is exported with sqlcipher_export into a new keyed file next to it, which then
    atomically replaces the original; the original's bytes, WAL and shared memory are
    overwritten with zeros and removed. Nobody else may have the database open.
    """
    path = Path(path)
    quoted = _quote(passphrase)
    if not path.exists():
        raise StoreError(f"no database at {path}")
    if is_encrypted(path):
        raise StoreError("the database is already encrypted: use `kenttä passphrase change`")
    tmp = path.with_name(path.name + ".encrypting")
    old = path.with_name(path.name + ".plain-old")
    for leftover in (tmp, *_sidecars(tmp)):
        leftover.unlink(missing_ok=True)
    files.create_private(tmp)
    conn = _raw_connect(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        conn.execute(f"ATTACH DATABASE ? AS encrypted KEY {quoted}", (str(tmp),))
        conn.execute("SELECT sqlcipher_export('encrypted')")
        conn.execute(f"PRAGMA encrypted.user_version = {int(version)}")
        conn.execute("DETACH DATABASE encrypted")
    except BaseException:
        conn.close()
        tmp.unlink(missing_ok=True)
        raise
    conn.close()
    if not verify_passphrase(tmp, passphrase):  # pragma: no cover - defensive
        tmp.unlink(missing_ok=True)
        raise StoreError("encrypting the database failed; the original is unchanged")
    with open(tmp, "rb+") as fh:
        os.fsync(fh.fileno())
    old.unlink(missing_ok=True)
    with contextlib.suppress(OSError):  # a name for the plaintext inode, to scrub after the swap
        os.link(path, old)
    os.replace(tmp, path)
    for leftover in (old, *_sidecars(path), *_sidecars(tmp)):
        with contextlib.suppress(FileNotFoundError):
            scrub(leftover)
    _fsync_dir(path.parent)


def scrub_leftovers(path: Path | str) -> None:
    """Remove the plaintext an interrupted encrypt_existing() may have left next to `path`.

    Only once `path` itself is encrypted: before the swap the plain file is the database.
    """
    path = Path(path)
    leftover = path.with_name(path.name + ".plain-old")
    if leftover.exists() and is_encrypted(path):
        scrub(leftover)


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
