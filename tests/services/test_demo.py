"""The demo caseload: believable, synthetic, deterministic for a seed and a day."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from kenttä.domain import models as m
from kenttä.domain.identifiers import municipalities, parse_henkilotunnus, validate_y_tunnus
from kenttä.services.data.demo import DEMO_USER, build_demo, ensure_demo_database
from kenttä.services.vouchers.tray import default_service_tray
from kenttä.store.db import Store, open_store
from kenttä.store.fts import search_notes
from kenttä.store.schema import MODELS

TODAY = date(2026, 11, 22)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Store:
    store = open_store(tmp_path_factory.mktemp("demo") / "demo.db")
    build_demo(store, seed=2016, today=TODAY)
    yield store
    store.close()


def one(store: Store, sql: str, *args: object) -> object:
    return store.conn.execute(sql, args).fetchone()[0]


def test_about_150_clients_across_the_eleven_municipalities(demo: Store) -> None:
    assert one(demo, "SELECT count(*) FROM clients") == 150
    names = {
        municipalities()[code]
        for (code,) in demo.conn.execute("SELECT DISTINCT municipality FROM clients")
    }
    assert names == {
        "Kuopio", "Siilinjärvi", "Suonenjoki", "Tuusniemi", "Rautalampi", "Tervo",
        "Vesanto", "Jyväskylä", "Rovaniemi", "Inari", "Utsjoki",
    }  # fmt: skip
    programmes = {r[0] for r in demo.conn.execute("SELECT DISTINCT programme FROM clients")}
    assert programmes == {"TOPI", "KUOPIO", "VALKE", "POLKU", "VIRTAA"}
    statuses = {r[0] for r in demo.conn.execute("SELECT DISTINCT status FROM clients")}
    assert statuses == {"contacted", "met", "participating", "finished", "declined"}


def test_every_row_validates_against_its_model(demo: Store) -> None:
    for table, model in MODELS.items():
        cursor = demo.conn.execute(f"SELECT * FROM {table}")
        names = [d[0] for d in cursor.description]
        for raw in cursor:
            row = {k: v for k, v in zip(names, raw, strict=True) if not k.startswith("_")}
            for key in ("assessors", "ratings", "recommended_services", "visitors",
                        "labour_needs", "openings", "follow_ups", "services", "coaches"):  # fmt: skip
                if isinstance(row.get(key), str):
                    row[key] = json.loads(row[key])
            model.model_validate(row)


def test_henkilotunnus_are_synthetic_only(demo: Store) -> None:
    codes = [r[0] for r in demo.conn.execute("SELECT henkilotunnus FROM clients") if r[0]]
    assert len(codes) > 100 and len(codes) == len(set(codes))
    for code in codes:
        identity = parse_henkilotunnus(code)
        assert identity.temporary, "demo data must use individual numbers 900–999"


def test_employers_and_providers_have_valid_y_tunnus(demo: Store) -> None:
    for table in ("employers", "providers"):
        for (code,) in demo.conn.execute(f"SELECT y_tunnus FROM {table}"):
            assert validate_y_tunnus(code) == code


def test_every_record_kind_is_there(demo: Store) -> None:
    for table in ("notes", "assessments", "plans", "plan_steps", "employers", "visits",
                  "placements", "services", "providers", "vouchers", "outcomes", "feedback"):  # fmt: skip
        assert one(demo, f"SELECT count(*) FROM {table}") > 0, table
    codes = {r[0] for r in demo.conn.execute("SELECT code FROM services")}
    assert codes == {s.code for s in default_service_tray()}  # the shipped tray (issue 14)
    assert one(demo, "SELECT min(default_value_cents) FROM services") > 0


def test_the_today_screen_has_something_due(demo: Store) -> None:
    soon = (TODAY + timedelta(days=7)).isoformat()
    assert one(demo, "SELECT count(*) FROM plan_steps WHERE status != 'done'"
                     " AND due_date BETWEEN ? AND ?", TODAY.isoformat(), soon) > 0  # fmt: skip
    assert one(demo, "SELECT count(*) FROM visits WHERE next_contact BETWEEN ? AND ?",
               TODAY.isoformat(), soon) > 0  # fmt: skip
    assert one(demo, "SELECT count(*) FROM outcomes WHERE checked_on IS NULL"
                     " AND checkpoint = 'days_28' AND due_on <= ?", soon) > 0  # fmt: skip


def test_finished_clients_have_exit_checks_at_28_days_and_6_months(demo: Store) -> None:
    rows = demo.conn.execute(
        "SELECT c.exit_date, o.checkpoint, o.due_on FROM clients c"
        " JOIN outcomes o ON o.client_id = c.id WHERE c.status = 'finished'"
    ).fetchall()
    offsets = {
        (cp, (date.fromisoformat(due) - date.fromisoformat(ex)).days) for ex, cp, due in rows
    }
    assert offsets == {("exit", 0), ("days_28", 28), ("months_6", 182)}
    assert (
        one(demo, "SELECT count(*) FROM clients WHERE status = 'finished' AND outcome IS NULL") == 0
    )


def test_voucher_numbers(demo: Store) -> None:
    numbers = [r[0] for r in demo.conn.execute("SELECT number FROM vouchers")]
    assert len(numbers) == len(set(numbers))
    device = demo.device_id[:6].upper()
    for number in numbers:
        programme, year, code, seq = number.split("-")
        assert programme in {"TOPI", "KUOPIO", "VALKE", "POLKU", "VIRTAA"}
        assert year.isdigit() and code == device and seq.isdigit()


def test_the_demo_laptop_holds_a_voucher_share_per_programme(demo: Store) -> None:
    from kenttä.config import Config
    from kenttä.services.context import Workspace
    from kenttä.services.vouchers.budgets.share import shares

    held = shares(Workspace(demo, Config(user=DEMO_USER)), on=TODAY)
    issued = dict(
        demo.conn.execute(
            "SELECT c.programme, SUM(v.value_cents) FROM vouchers v"
            " JOIN clients c ON c.id = v.client_id GROUP BY c.programme"
        ).fetchall()
    )
    assert {s.programme for s in held} == set(issued)
    for share in held:  # every demo voucher charged, and room left to issue more
        assert share.granted_cents - share.remaining_cents == issued[share.programme]
        assert share.remaining_cents >= 1_000_000


def test_notes_are_finnish_and_searchable(demo: Store) -> None:
    bodies = [r[0] for r in demo.conn.execute("SELECT body FROM notes")]
    assert any("ä" in b for b in bodies) and any("ö" in b for b in bodies)
    assert search_notes(demo.conn, "työkokeilu")


def test_every_row_has_its_change_log_entry(demo: Store) -> None:
    total = sum(one(demo, f"SELECT count(*) FROM {t}") for t in MODELS)
    assert one(demo, "SELECT count(*) FROM _changes WHERE op = 'insert'") == total


def test_same_seed_and_day_give_the_same_caseload(tmp_path: Path, demo: Store) -> None:
    other = open_store(tmp_path / "other.db")
    build_demo(other, seed=2016, today=TODAY)

    def content(store: Store) -> list[tuple]:
        return sorted(store.conn.execute(
            "SELECT henkilotunnus, first_name, last_name, status, programme, exit_date"
            " FROM clients").fetchall(), key=repr)  # fmt: skip

    assert content(other) == content(demo)
    third = open_store(tmp_path / "third.db")
    build_demo(third, seed=7, today=TODAY)
    assert content(third) != content(demo)
    other.close()
    third.close()


def test_ensure_demo_database_builds_once(tmp_path: Path) -> None:
    path = tmp_path / "demo.db"
    ws = ensure_demo_database(path, seed=2016, today=TODAY)
    assert ws.user == DEMO_USER
    first_device = ws.device_id
    with ws.store.replica.transaction(ws.user) as tx:
        tx.insert("clients", m.Client(first_name="Lisätty", last_name="Käsin").to_row())
    ws.close()
    again = ensure_demo_database(path, seed=2016, today=TODAY + timedelta(days=1))
    assert again.device_id == first_device
    assert one(again.store, "SELECT count(*) FROM clients") == 151
    again.close()
    # another seed, or a database two weeks stale, is rebuilt
    rebuilt = ensure_demo_database(path, seed=2016, today=TODAY + timedelta(days=30))
    assert one(rebuilt.store, "SELECT count(*) FROM clients") == 150
    rebuilt.close()


def test_default_path_is_in_the_data_dir(tmp_path: Path) -> None:
    ws = ensure_demo_database(today=TODAY)
    assert ws.store.path == tmp_path / "data" / "demo.db"
    assert one(ws.store, "SELECT count(*) FROM services") == 6
    ws.close()


@pytest.mark.parametrize(
    ("role", "user"),
    [("coach", DEMO_USER), ("coordinator", "outi.lehtonen"), ("supervisor", "ritva.mononen")],
)
def test_the_demo_opens_in_the_role_config_toml_names(tmp_path: Path, role: str, user: str) -> None:
    import os

    Path(os.environ["KENTTA_CONFIG"]).write_text(
        f'role = "{role}"\nlanguage = "sv"\nuser = "someone.else"\n', encoding="utf-8"
    )
    ws = ensure_demo_database(tmp_path / "demo.db", today=TODAY)
    try:
        assert (ws.config.role, ws.user, ws.config.language) == (role, user, "sv")
        assert ws.config.scope == "kuopio"
    finally:
        ws.close()
