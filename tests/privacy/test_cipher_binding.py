"""The encryption binding (sqlcipher3-wheels) reads what the first one (sqlcipher3-binary) wrote.

`data/sqlcipher3-binary-0.6.0.db` was made with sqlcipher3-binary 0.6.0 (SQLCipher 4.12.0 at
its defaults: PBKDF2-HMAC-SHA512, 256 000 iterations, 4096-byte pages, HMAC-SHA512), keyed
with the synthetic passphrase below; it holds one word and an FTS5 table, no personal data.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kenttä.store import crypto

FIXTURE = Path(__file__).parent / "data" / "sqlcipher3-binary-0.6.0.db"
OLD_PASS = "vanha sidos 2026"

# What SQLCipher 4 uses by default, and what every kenttä database so far was written with.
SQLCIPHER4_DEFAULTS = {
    "kdf_iter": "256000",
    "cipher_page_size": "4096",
    "cipher_hmac_algorithm": "HMAC_SHA512",
    "cipher_kdf_algorithm": "PBKDF2_HMAC_SHA512",
}


@pytest.fixture
def old_db(tmp_path: Path) -> Path:
    path = tmp_path / "vanha.db"
    shutil.copyfile(FIXTURE, path)
    return path


def test_database_from_the_previous_binding_opens(old_db: Path) -> None:
    assert crypto.is_encrypted(old_db)
    conn = crypto.connect_encrypted(old_db, OLD_PASS)
    try:
        assert conn.execute("SELECT word FROM probe").fetchall() == [("kenttä-fixture",)]
        hits = conn.execute("SELECT word FROM probe_fts WHERE probe_fts MATCH 'tämä'").fetchall()
        assert hits == [("tämä sana",)]
        assert conn.execute("PRAGMA user_version").fetchone() == (7,)
        conn.execute("INSERT INTO probe(word) VALUES ('uusi')")  # and it can be written
    finally:
        conn.close()
    assert not crypto.verify_passphrase(old_db, "väärä")
    assert crypto.verify_passphrase(old_db, OLD_PASS)


def test_binding_is_sqlcipher4_with_fts5_and_the_same_defaults(tmp_path: Path) -> None:
    conn = crypto.connect_encrypted(tmp_path / "uusi.db", "uusi tunnuslause")
    try:
        version = conn.execute("PRAGMA cipher_version").fetchone()[0]
        assert version.split(".")[0] == "4"
        for pragma, expected in SQLCIPHER4_DEFAULTS.items():
            assert conn.execute(f"PRAGMA {pragma}").fetchone()[0] == expected, pragma
        conn.execute("CREATE VIRTUAL TABLE t USING fts5(a)")
        conn.execute("INSERT INTO t(a) VALUES ('hyvä päivä')")
        assert conn.execute("SELECT a FROM t WHERE t MATCH 'päivä'").fetchall() == [("hyvä päivä",)]
        conn.execute("SELECT jsonb('{}')")  # JSONB, which the previous binding also had
    finally:
        conn.close()


def test_encrypted_store_in_a_home_folder_with_scandinavian_letters(tmp_path: Path) -> None:
    from kenttä.store.db import open_store

    folder = tmp_path / "Käyttäjät" / "Åsa Öhman" / "AppData"
    folder.mkdir(parents=True)
    store = open_store(folder / "kenttä.db", passphrase="pässi sana")
    store.close()
    assert crypto.is_encrypted(folder / "kenttä.db")
    assert crypto.verify_passphrase(folder / "kenttä.db", "pässi sana")
