"""The database problems a person can do something about, recognised so they can be said in
words (issue 12): another program holds the lock, the file is read-only, the disk is full.

`storage_problem(exc)` gives the catalogue key (`storage.locked`, `storage.read_only`,
`storage.disk_full`, `storage.io_error`) for an SQLite (or SQLCipher) error, or a StoreError
that wraps one, and None for anything else. The CLI (`cli/common.run_guarded`) and the app
(`services/refusal_words.refusal_text`, the screens' error_text) show `t(key)` instead of "internal error". The messages SQLite gives
for these are fixed English phrases with no data in them; the match is on those phrases.
"""

from __future__ import annotations

import sqlite3


class StoreError(RuntimeError):
    """The database cannot be opened or upgraded; the message says why in one line."""


# SQLite's own texts (sqlite3ErrStr) for SQLITE_BUSY/LOCKED, READONLY, FULL and IOERR
_PHRASES: tuple[tuple[str, str], ...] = (
    ("database is locked", "storage.locked"),
    ("database table is locked", "storage.locked"),
    ("database schema is locked", "storage.locked"),
    ("attempt to write a readonly database", "storage.read_only"),
    ("readonly database", "storage.read_only"),
    ("database or disk is full", "storage.disk_full"),
    ("disk i/o error", "storage.io_error"),
)


def storage_problem(exc: BaseException) -> str | None:
    """The catalogue key for a locked, read-only or full database; None otherwise."""
    if not isinstance(exc, (sqlite3.Error, StoreError)):
        return None
    text = str(exc).casefold()
    for phrase, key in _PHRASES:
        if phrase in text:
            return key
    return None
