"""Canonical export: the same state gives the same bytes, on every replica."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest

from kenttä.config import Config
from kenttä.services.context import Workspace
from kenttä.services.data.demo import build_demo
from kenttä.services.transfer.export import ExportError, export_text
from kenttä.store.db import open_store
from kenttä.store.schema import SCHEMA

TODAY = date(2026, 11, 22)


def copy_rows(source: Workspace, target: Workspace) -> None:
    """Replay every live row into another replica, in a different order and new stamps."""
    with target.store.replica.transaction("kopio") as tx:
        for table in SCHEMA.table_names:
            spec = SCHEMA.table(table)
            cols = ["id", *spec.columns]
            rows = source.store.conn.execute(
                f"SELECT {', '.join(cols)} FROM {table} ORDER BY id DESC"
            ).fetchall()
            tx.bulk_insert(table, [dict(zip(cols, r, strict=True)) for r in rows])


@pytest.fixture
def supervisor(store) -> Workspace:
    """Whole-table export is a supervisor's (services.roles)."""
    return Workspace(store, Config(user="testi.esihenkilo", role="supervisor", scope="kuopio"))


@pytest.fixture
def demo_ws(supervisor: Workspace) -> Workspace:
    build_demo(supervisor.store, seed=5, today=TODAY, clients=30)
    return supervisor


def test_a_coach_exports_no_whole_tables(workspace: Workspace) -> None:
    from kenttä.services.roles import PermissionDenied

    with pytest.raises(PermissionDenied):
        export_text(workspace, "clients")


def test_two_replicas_in_the_same_state_export_identical_bytes(demo_ws, tmp_path: Path) -> None:
    other = Workspace(open_store(tmp_path / "other.db"), Config(user="toinen", role="supervisor"))
    copy_rows(demo_ws, other)
    for table in ("clients", "notes", "visits", "assessments", "vouchers", "services"):
        for fmt in ("jsonl", "csv"):
            assert export_text(demo_ws, table, format=fmt) == export_text(
                other, table, format=fmt
            ), (table, fmt)
    other.close()


def test_jsonl_is_sorted_by_id_with_sorted_keys(demo_ws) -> None:
    text = export_text(demo_ws, "clients")
    lines = text.split("\n")
    assert lines[-1] == "" and "\r" not in text
    rows = [json.loads(line) for line in lines[:-1]]
    assert len(rows) == 30
    assert [r["id"] for r in rows] == sorted(r["id"] for r in rows)
    for line, row in zip(lines, rows, strict=False):
        assert line == json.dumps(row, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        assert not any(k.startswith("_") for k in row)
    assert any("ä" in line for line in lines)  # UTF-8 kept, not \u00e4
    assert isinstance(rows[0]["consent"], bool)


def test_json_columns_are_structured(demo_ws) -> None:
    row = json.loads(export_text(demo_ws, "visits").split("\n")[0])
    assert isinstance(row["visitors"], list) and isinstance(row["labour_needs"], list)


def test_csv_has_fixed_columns_and_unix_line_endings(demo_ws) -> None:
    text = export_text(demo_ws, "employers", format="csv")
    assert "\r" not in text
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["id", *SCHEMA.table("employers").columns]
    assert [r[0] for r in rows[1:]] == sorted(r[0] for r in rows[1:])
    assert {r[rows[0].index("sponsor")] for r in rows[1:]} <= {"true", "false"}


def test_meta_and_tombstones_only_on_request(demo_ws) -> None:
    employer = demo_ws.store.conn.execute("SELECT id FROM employers ORDER BY id").fetchone()[0]
    with demo_ws.store.replica.transaction("testi") as tx:
        tx.delete("employers", employer)
    plain = export_text(demo_ws, "employers")
    assert employer not in plain
    full = export_text(demo_ws, "employers", include_meta=True, include_deleted=True)
    first = json.loads(full.split("\n")[0])
    assert first["id"] == employer and first["_deleted"] and first["_stamp"]


def test_exporting_personal_data_is_audited(demo_ws) -> None:
    def exports() -> list[tuple]:
        return demo_ws.store.conn.execute(
            "SELECT record_table, detail, actor FROM audit_events WHERE action = 'export'"
        ).fetchall()

    export_text(demo_ws, "services")
    assert exports() == []
    export_text(demo_ws, "clients", format="csv")
    assert exports() == [("clients", "csv, 30 rows", demo_ws.user)]


def test_unknown_table_or_format(supervisor: Workspace) -> None:
    with pytest.raises(ExportError):
        export_text(supervisor, "_changes")
    with pytest.raises(ExportError):
        export_text(supervisor, "clients", format="xml")
