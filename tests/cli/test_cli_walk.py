"""Issue 14: a walk of every command's human output in Swedish, English and Finnish.

The command tree is read from the click root, so a new command without a case here (or a
reason to skip it) fails `test_every_command_is_walked`. Each case runs in-process (CliRunner)
on one seeded caseload database per language, reads first, then writes, then erasure; its
output (stdout and stderr) must hold no Finnish left on sv/en, no English left on fi/sv, no
raw code or catalogue key, and no henkilötunnus.
"""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from kenttä.cli import cli
from tests.cli.test_cli_i18n import _config, _every_command
from tests.ui.caseload import TODAY
from tests.ui.i18n_words import WORD, problems

# English a catalogue may not know (kenttä_sync's own summaries, a forgotten f-string): the
# glue of an English sentence, which Finnish and Swedish do not use
ENGLISH_GLUE = {
    "the", "with", "was", "were", "and", "of", "this", "that", "would", "already", "cannot",
    "written", "wrote", "entries", "dropped", "kept", "rows", "changes", "enrolled",
    "imported", "exported", "added", "retired", "resolved", "expired", "returned", "erased",
    "created", "saved", "none"
}  # fmt: skip
# a date for a person is written 16.3.2026; an ISO date is a budget's id part (TOPI:2026-01-01)
ISO_DAY = re.compile(r"(?<![:\d])\d{4}-\d{2}-\d{2}(?!\d)")
HETU = re.compile(r"\b\d{6}[-+A-FU-Y]\d{3}[0-9A-Y]\b")
PERIOD = ("--from", "2020-01-01", "--to", TODAY.isoformat())

# commands not walked, and why
SKIPPED = {
    ("open",): "opens the Textual app (the screens' walk covers it)",
    ("server", "run"): "a long-running server",
}

# (command path, arguments after it, exit codes allowed); `{name}` is filled from the walk's
# values (ids of the seeded database, paths under tmp_path). In the order they run.
CASES: list[tuple[tuple[str, ...], tuple[str, ...], tuple[int, ...]]] = [
    # -- reads ---------------------------------------------------------------------------
    (("report", "followups"), ("--today", TODAY.isoformat(), "--window", "400"), (0,)),
    (("report", "quality"), (), (0,)),
    (("report", "quality"), ("--format", "xlsx", "--out", "{tmp}/laatu.xlsx"), (0,)),
    (("report", "followups"), ("--out", "{tmp}/seuranta.txt"), (0,)),
    (("report", "esf"), PERIOD, (0,)),
    (("report", "esf"), (*PERIOD, "--explain", "participants"), (0,)),
    (("report", "feedback"), PERIOD, (0,)),
    (("report", "feedback"), (*PERIOD, "--by", "service"), (0,)),
    (("report", "feedback"), (*PERIOD, "--by", "provider"), (0,)),
    (("report", "sectors"), PERIOD, (0,)),
    (("report", "segments"), PERIOD, (0,)),
    (("report", "targets", "list"), (), (0,)),
    (("conflicts",), (), (0,)),
    (("voucher", "list"), (), (0,)),
    (("voucher", "show"), ("{voucher}",), (0,)),
    (("voucher", "show"), ("{voucher}", "--text"), (0,)),
    (("voucher", "budget"), (), (0,)),
    (("voucher", "services"), (), (0,)),
    (("voucher", "services", "list"), ("--all",), (0,)),
    (("voucher", "providers"), (), (0,)),
    (("voucher", "providers", "list"), ("--all",), (0,)),
    (("clients", "list"), (), (0,)),
    (("clients", "list"), ("--plan", "missing", "--municipality", "Kuopio"), (0,)),
    (("clients", "list"), ("--eligible", "TOPI", "--no-activity-days", "1"), (0,)),
    (("clients", "segments", "list"), ("--all",), (0,)),
    (("needs", "list"), (), (0,)),
    (("events", "list"), (), (0,)),
    (("sync", "status"), (), (0,)),
    (("audit", "client"), ("{client}",), (0,)),
    (("audit", "client"), ("{client}", "--out", "{tmp}/loki.json"), (0,)),
    (("doctor",), (), (0,)),
    (("export",), ("clients", "--out", "{tmp}/clients.jsonl"), (0,)),
    (("subject-access",), ("{client}", "--out", "{tmp}/tiedot"), (0,)),
    (("purge",), ("--dry-run", "--today", "2099-01-01"), (0,)),
    # -- the office's store --------------------------------------------------------------
    (("server", "init"), ("--store", "{store}"), (0,)),
    (
        ("server", "enroll"),
        ("--store", "{store}", "--scope", "kuopio", "--role", "supervisor"),
        (0,),
    ),
    (("server", "devices", "list"), ("--store", "{store}"), (0,)),
    (("server", "devices", "revoke"), ("--store", "{store}", "nobody"), (1,)),
    (("server", "conflicts"), ("--store", "{store}", "--all"), (0,)),
    (("server", "compact"), ("--store", "{store}"), (0,)),
    (("server", "export"), ("--store", "{store}", "clients", "--out", "{tmp}/c.jsonl"), (0,)),
    (
        ("server", "budget", "set"),
        (
            "--store",
            "{store}",
            "--programme",
            "TOPI",
            *PERIOD,
            "--amount",
            "1000",
            "--rule",
            "equal",
        ),
        (0,),
    ),
    (("server", "budget", "show"), ("--store", "{store}"), (0,)),
    (
        ("server", "budget", "grant"),
        ("--store", "{store}", "--programme", "TOPI", "--device", "nobody", "--amount", "1"),
        (1,),
    ),
    (
        ("server", "budget", "move"),
        (
            "--store",
            "{store}",
            "--programme",
            "TOPI",
            "--from-device",
            "a",
            "--to-device",
            "b",
            "--amount",
            "1",
        ),
        (1,),
    ),
    (
        ("server", "budget", "request-return"),
        ("--store", "{store}", "--programme", "TOPI", "--device", "a", "--amount", "1"),
        (1,),
    ),
    # -- sync: enrolled through a stand-in office, then by bundle ------------------------
    (("sync",), ("--quiet", "--retries", "0"), (1,)),  # not enrolled yet
    (("enroll",), ("http://127.0.0.1:9", "{code}", "--name", "testikone"), (0,)),
    (("sync", "status"), (), (0,)),
    (("sync", "export"), ("{tmp}/siirto",), (0,)),
    (
        ("server", "import-bundle"),
        ("--store", "{store}", "{tmp}/siirto", "--reply", "{tmp}/vastaus"),
        (0,),
    ),
    (("sync", "import"), ("{tmp}/vastaus",), (0,)),
    (("server", "devices", "list"), ("--store", "{store}"), (0,)),
    (("server", "devices", "revoke"), ("--store", "{store}", "{device}"), (0,)),
    (("server", "devices", "list"), ("--store", "{store}"), (0,)),
    (("sync",), ("--quiet", "--retries", "0"), (3,)),  # nobody answers at the address
    (("sync", "status"), (), (0,)),  # the last sync's figures, and the failure since
    # -- writes --------------------------------------------------------------------------
    (("import",), ("clients", "--dry-run", "{tmp}/clients.csv"), (0,)),
    (("import",), ("clients", "{tmp}/clients.csv"), (0,)),
    (("report", "targets", "set"), ("TOPI", "--participants", "40"), (0,)),
    (("report", "targets", "list"), (), (0,)),
    (
        ("clients", "segments", "add"),
        ("nuoret", "--fi", "Nuoret", "--sv", "Unga", "--en", "Young"),
        (0,),
    ),
    (("clients", "set-segment"), ("{client}", "nuoret"), (0,)),
    (("report", "segments"), PERIOD, (0,)),
    (("clients", "segments", "retire"), ("nuoret",), (0,)),
    (("clients", "segments", "list"), ("--all",), (0,)),
    (
        ("events", "add"),
        (
            "--date",
            TODAY.isoformat(),
            "--place",
            "Kuopio",
            "--organiser",
            "testi.valmentaja",
            "--attended",
            "3",
        ),
        (0,),
    ),
    (("events", "list"), (), (0,)),
    (
        ("voucher", "services", "add"),
        ("testi", "--name", "Testipalvelu", "--category", "coaching", "--price", "450"),
        (0,),
    ),
    (("voucher", "services", "change"), ("testi", "--price", "500"), (0,)),
    (("voucher", "services", "retire"), ("testi",), (0,)),
    (("voucher", "services", "list"), ("--all",), (0,)),
    (("voucher", "services", "defaults"), (), (0,)),
    (
        ("voucher", "providers", "add"),
        ("--name", "Testi Oy", "--y-tunnus", "{ytunnus}", "--services", "VALM"),
        (0,),
    ),
    (("voucher", "providers", "change"), ("{ytunnus}", "--contact-name", "Testi"), (0,)),
    (("voucher", "providers", "retire"), ("{ytunnus}",), (0,)),
    (("voucher", "providers", "list"), ("--all",), (0,)),
    (("voucher", "issue"), ("--client", "{client}", "--service", "VALM"), (0,)),
    (("voucher", "transition"), ("{voucher}", "used"), (0,)),
    (("voucher", "cancel"), ("{voucher2}", "--yes"), (0,)),
    (("voucher", "expire"), (), (0,)),
    (("voucher", "return-share"), ("{budget}", "1"), (0, 1)),
    (("conflicts", "resolve"), ("{conflict}", "--keep", "a"), (0,)),
    (("conflicts",), (), (0,)),
    (("seed",), ("--clients", "2", "--notes-per-client", "1"), (0,)),
    (("passphrase", "set"), (), (1,)),  # no KENTTA_NEW_PASSPHRASE, no terminal
    (("passphrase", "change"), (), (1,)),  # the database is not encrypted
    # -- erasure -------------------------------------------------------------------------
    (("erase", "client"), ("{client}", "--yes"), (0,)),
    (("erase", "client"), ("{client}", "--yes"), (0,)),  # already erased
    (("purge",), ("--yes", "--today", "2099-01-01"), (0,)),
    (("init",), (), (0,)),
    (("demo",), ("--no-ui", "--path", "{tmp}/demo.db"), (0,)),  # builds it, prints the path
]


def _leaves() -> set[tuple[str, ...]]:
    """Every command that runs on its own: the commands, and the groups that print."""
    found = set()
    for path, command in _every_command():
        group = isinstance(command, click.Group)
        if path and (not group or command.invoke_without_command):
            found.add(path)
    return found


def test_every_command_is_walked() -> None:
    """A command added to the tree needs a case below, or a reason to skip it."""
    walked = {path for path, _, _ in CASES}
    assert sorted(_leaves() - walked - set(SKIPPED)) == []
    assert sorted((walked | set(SKIPPED)) - _leaves()) == []


def _add_need(db: str) -> None:
    """A labour need, so `needs list` has a row to print."""
    from kenttä.config import Config
    from kenttä.services.context import Workspace
    from kenttä.services.employers.needs import record_need
    from kenttä.store.db import open_store

    store = open_store(Path(db))
    ws = Workspace(store, Config(user="testi.valmentaja", scope="kuopio", role="supervisor"))
    employer = store.conn.execute("SELECT id FROM employers LIMIT 1").fetchone()[0]
    record_need(ws, employer_id=employer, recorded_on=TODAY, title="Varastotyö", headcount=2,
                occupation="933", licences=["safety_card"], starts_on=TODAY)  # fmt: skip
    store.close()


def _table_words(db: str) -> set[str]:
    """The database's table names: `doctor` lists them as they are, for whoever repairs it."""
    conn = sqlite3.connect(db)
    names = " ".join(r[0] for r in conn.execute("SELECT name FROM sqlite_master"))
    conn.close()
    return {w.casefold() for w in WORD.findall(names.replace("_", " "))}


def _values(db: str, tmp_path: Path) -> dict[str, str]:
    _add_need(db)
    conn = sqlite3.connect(db)
    one = lambda sql: str(conn.execute(sql).fetchone()[0])  # noqa: E731
    values = {
        "client": one("SELECT id FROM clients ORDER BY last_name LIMIT 1"),
        "voucher": one("SELECT number FROM vouchers WHERE status = 'provider_chosen'"),
        "voucher2": one("SELECT number FROM vouchers WHERE status = 'issued' LIMIT 1"),
        "budget": one("SELECT budget_id FROM voucher_grants LIMIT 1"),
        "conflict": one("SELECT id FROM _conflicts LIMIT 1"),
        "store": f"sqlite:{tmp_path / 'central.db'}",
        "tmp": str(tmp_path),
        "ytunnus": "0737546-2",
    }
    # a write the office refused, as `sync status` lists it
    conn.execute(
        "INSERT INTO _rejected (change_id, tx_id, reason) SELECT change_id, tx_id,"
        " 'outside your scope' FROM _changes WHERE tbl = 'clients' LIMIT 1"
    )
    conn.commit()
    conn.executemany(
        "INSERT OR REPLACE INTO _sync_state (key, value) VALUES (?, ?)",
        [("last_sync", "2026-03-16T08:05:00+00:00"),
         ("last_sync_summary", '{"pushed": 2, "pulled": 3, "conflicts": 1, "refused": 1}'),
         ("last_summary", "pushed 2, pulled 3, conflicts 1, refused 1")],
    )  # fmt: skip
    conn.commit()
    conn.close()
    (tmp_path / "clients.csv").write_text(
        "etunimi;sukunimi;puhelin\nTesti;Tuonti;040 123 4567\n;Tuonti;040 abc\n",
        encoding="utf-8",
    )
    return values


def _stand_in_office(monkeypatch: pytest.MonkeyPatch, store_url: str) -> None:
    """`kenttä enroll` answered as the office's server would, from the walk's central store
    (its code redeemed there), without an HTTP server."""
    from kenttä_sync.transport.client import HttpTransport
    from kenttä_sync.transport.server import enrolment
    from kenttä_sync.transport.server.stores import open_central

    from kenttä.store.schema import SCHEMA

    def enroll(self, code, device_id, schema, name=None, nonce=None):
        central = open_central(store_url, SCHEMA)
        try:
            secret, dev = enrolment.redeem(central, code, device_id, name, nonce)
            return {"device_id": dev.device_id, "secret": secret, "role": dev.role,
                    "scopes": list(dev.scopes),
                    "device_code": enrolment.device_code(central, dev.device_id)}  # fmt: skip
        finally:
            central.close()

    monkeypatch.setattr(HttpTransport, "enroll", enroll)


@pytest.mark.parametrize("language", ["sv", "en", "fi"])
def test_every_command_speaks_the_language(
    tmp_path, caseload_db, monkeypatch, language: str
) -> None:
    """Every case of CASES, in order, on one caseload: its output in the language."""
    db, allowed, _ = caseload_db
    tables = _table_words(db)
    _config(tmp_path, language)
    monkeypatch.delenv("KENTTA_PASSPHRASE", raising=False)
    monkeypatch.delenv("KENTTA_NEW_PASSPHRASE", raising=False)
    values = _values(db, tmp_path)
    _stand_in_office(monkeypatch, values["store"])
    # typed by the person or named by the data: paths, the seeded values, option words
    allowed = allowed | {w.casefold() for w in WORD.findall(" ".join(values.values()))}
    allowed |= {"testikone", "nobody", "nuoret", "unga", "young", "testipalvelu", "testi",
                "siirto", "vastaus", "laatu", "seuranta", "tiedot", "loki"}  # fmt: skip
    runner = CliRunner()
    found = []
    for path, args, codes in CASES:
        line = [*path, *(a.format(**values) for a in args)]
        init = path == ("init",)
        where = str(tmp_path / "new.db") if init else db
        result = runner.invoke(cli, ["--db", where, *line])
        if path == ("server", "enroll"):  # the code the laptop enrols with
            values["code"] = result.stdout.strip()
        if path == ("enroll",):
            state = runner.invoke(cli, ["--db", db, "sync", "status", "--json"]).stdout
            values["device"] = json.loads(state)["device_id"]
        text = (result.stdout or "") + (result.stderr or "")
        if result.exit_code not in codes:
            found.append((line, f"exit {result.exit_code} {result.exception!r}", text))
            continue
        known = allowed | (tables if path == ("doctor",) else set())
        said = problems(text, language, known)
        if language == "fi":  # Finnish is the language here
            said = [p for p in said if not p.startswith("finnish")]
        if language != "en":
            left = {w.casefold() for w in WORD.findall(text)} & ENGLISH_GLUE - known
            said += [f"english {w}" for w in sorted(left)]
        if ISO_DAY.search(text):
            said.append(f"an ISO date {ISO_DAY.search(text)[0]}")
        if HETU.search(text):
            said.append("a henkilötunnus")
        if said:
            found.append((line, said, text))
    assert not found, "\n\n".join(
        " ".join(map(str, item[:2])) + "\n" + item[2][:1500] for item in found
    )
