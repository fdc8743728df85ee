"""Files that hold personal data are the owner's alone (issue 12): mode 0600 on POSIX.

The local database (and, because SQLite gives its -wal and -shm the database file's
mode, those too), exports, reports, bundles and subject-access files are created with
`os.open(…, 0o600)`; a file left over with a wider mode (a `.part` from an interrupted
write) is narrowed before it is written. On Windows the mode is not a permission system
(only the read-only bit): there these are plain creates, and the user's profile folder is
what keeps others out.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO, Any

PRIVATE_MODE = 0o600


def create_private(path: Path | str) -> bool:
    """Create `path` empty with mode 0600 unless it exists; True when it was created.

    False also when it cannot be created (a read-only folder): opening it then fails with
    the database's own reason."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_MODE)
    except OSError:
        return False
    os.close(fd)
    return True


def open_private(path: Path | str, mode: str = "w", **kwargs: Any) -> IO[Any]:
    """`open(path, mode)` for writing ("w" or "wb"), the file created (or narrowed) to 0600."""
    if mode not in ("w", "wb"):
        raise ValueError("open_private writes: mode 'w' or 'wb'")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_MODE)
    if hasattr(os, "fchmod"):
        os.fchmod(fd, PRIVATE_MODE)  # an existing file keeps its mode otherwise
    return os.fdopen(fd, mode, **kwargs)


def write_private(path: Path | str, data: str | bytes, encoding: str = "utf-8") -> None:
    """Write the whole file (text or bytes) with mode 0600."""
    if isinstance(data, bytes):
        with open_private(path, "wb") as fh:
            fh.write(data)
    else:
        with open_private(path, "w", encoding=encoding) as fh:
            fh.write(data)
