"""CSV import: bad rows reported by line and left out, good rows in one transaction."""

from __future__ import annotations

from datetime import date

import pytest

from kenttä.services.context import Workspace
from kenttä.services.data.synthetic import henkilotunnus
from kenttä.services.transfer.csv_import import CsvImportError, import_csv, read_rows

HETU_1 = henkilotunnus(date(1980, 1, 15), 901)
HETU_2 = henkilotunnus(date(1975, 6, 30), 942)
HETU_3 = henkilotunnus(date(2001, 12, 1), 977)
BAD_CHECK = HETU_1[:-1] + ("A" if HETU_1[-1] != "A" else "B")

CLIENTS_FI = (
    "hetu;Etunimi;Sukunimi;Kunta;Puhelin;Sähköposti;Kieli;Hanke;Tila;Ohjaaja;"
    "Aloituspäivä;Lopetuspäivä;Tulos\n"
    f"{HETU_1};Väinö;Mäkelä;Kuopio;040 111 2222;vaino@example.fi;suomi;TOPI;osallistuu;"
    "maija;1.3.2026;;\n"
    f"{BAD_CHECK};Aino;Hämäläinen;297;;;;;;;;;\n"
    f"{HETU_2};Säde;Pölönen;534;;;fi;VÄLKE;finished;;2025-09-01;15.10.2026;job\n"
    ";;Nimetön;Tervo;;;;;;;;;\n"
    ";Olli;Ojala;Atlantis;;;;;;;;;\n"
    ";Kalle;Kuusi;Tervo;;ei-sahkoposti;;;;;;;\n"
    ";Kaija;Koivu;Vesanto;;;;;;;32.1.2026;;\n"
    f"{HETU_2};Säde;Toinen;Kuopio;;;;;;;;;\n"
    ";Eero;Järvinen;Rautalampi;;;sv;KUOPIO;met;;;;\n"
)


def write(tmp_path, text: str, name: str = "asiakkaat.csv", bom: bool = False) -> str:
    path = tmp_path / name
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
    return str(path)


def count(ws: Workspace, sql: str, *args: object) -> int:
    return ws.store.conn.execute(sql, args).fetchone()[0]


def test_mixed_good_and_bad_rows(workspace: Workspace, tmp_path) -> None:
    result = import_csv(workspace, "clients", write(tmp_path, CLIENTS_FI, bom=True))
    assert (result.imported, result.updated, result.unchanged) == (3, 0, 0)
    assert [e.line for e in result.errors] == [3, 5, 6, 7, 8, 9]
    reasons = {e.line: e.reason for e in result.errors}
    assert "check character" in reasons[3]
    assert "first_name" in reasons[5]
    assert "municipality" in reasons[6]
    assert "email" in reasons[7]
    assert "unemployed_since" not in reasons[8] and "entry_date" in reasons[8]
    assert "line 4" in reasons[9]
    for error in result.errors:  # personal data never appears in a reason
        for secret in (
            BAD_CHECK,
            HETU_2,
            "Aino",
            "Hämäläinen",
            "Atlantis",
            "ei-sahkoposti",
            "32.1.2026",
            "Toinen",
        ):
            assert secret not in error.reason
    assert str(result.errors[0]).startswith("line 3: ")
    assert result.summary() == "imported 3, updated 0, unchanged 0, rejected 6"


def test_values_are_read_the_finnish_way(workspace: Workspace, tmp_path) -> None:
    import_csv(workspace, "clients", write(tmp_path, CLIENTS_FI))
    row = workspace.store.conn.execute(
        "SELECT municipality, language, programme, status, owner, entry_date, birth_date, sex,"
        " scope FROM clients WHERE henkilotunnus = ?",
        (HETU_1,),
    ).fetchone()
    assert row == ("297", "fi", "TOPI", "participating", "maija", "2026-03-01", "1980-01-15",
                   "male", "kuopio")  # fmt: skip
    merged = workspace.store.conn.execute(
        "SELECT municipality, programme, exit_date, outcome FROM clients WHERE henkilotunnus = ?",
        (HETU_2,),
    ).fetchone()
    assert merged == ("297", "VALKE", "2026-10-15", "job")  # Nilsiä (534) merged into Kuopio
    # a client without an owner column value is owned by the importer
    assert count(workspace, "SELECT count(*) FROM clients WHERE owner = ?", workspace.user) == 2


def test_exit_creates_the_follow_up_records(workspace: Workspace, tmp_path) -> None:
    import_csv(workspace, "clients", write(tmp_path, CLIENTS_FI))
    rows = workspace.store.conn.execute(
        "SELECT o.checkpoint, o.due_on, o.checked_on, o.outcome FROM outcomes o"
        " JOIN clients c ON c.id = o.client_id WHERE c.henkilotunnus = ? ORDER BY o.due_on",
        (HETU_2,),
    ).fetchall()
    assert rows == [
        ("exit", "2026-10-15", "2026-10-15", "job"),
        ("days_28", "2026-11-12", None, None),
        ("months_6", "2027-04-15", None, None),
    ]


def test_reimporting_the_same_file_changes_nothing(workspace: Workspace, tmp_path) -> None:
    path = write(tmp_path, CLIENTS_FI)
    import_csv(workspace, "clients", path)
    changes = count(workspace, "SELECT count(*) FROM _changes")
    audits = count(workspace, "SELECT count(*) FROM audit_events")
    again = import_csv(workspace, "clients", path)
    assert (again.imported, again.updated, again.unchanged, again.rejected) == (0, 0, 3, 6)
    assert count(workspace, "SELECT count(*) FROM _changes") == changes
    assert count(workspace, "SELECT count(*) FROM audit_events") == audits
    assert count(workspace, "SELECT count(*) FROM clients") == 3


def test_update_by_henkilotunnus_logs_only_changed_columns(workspace: Workspace, tmp_path) -> None:
    import_csv(workspace, "clients", write(tmp_path, CLIENTS_FI))
    client_id = workspace.store.conn.execute(
        "SELECT id FROM clients WHERE henkilotunnus = ?", (HETU_1,)
    ).fetchone()[0]
    before = count(workspace, "SELECT max(seq) FROM _changes")
    update = (
        "henkilotunnus,first_name,last_name,phone,status\n"
        f"{HETU_1},Väinö,Mäkelä,050 999 8888,finished\n"  # comma-separated this time
        f"{HETU_3},Uusi,Asiakas,,\n"
    )
    result = import_csv(workspace, "clients", write(tmp_path, update, "paivitys.csv"))
    assert (result.imported, result.updated, result.unchanged) == (1, 1, 0)
    logged = workspace.store.conn.execute(
        "SELECT col FROM _changes WHERE seq > ? AND tbl = 'clients' AND row_id = ? ORDER BY col",
        (before, client_id),
    ).fetchall()
    assert logged == [("phone",), ("status",)]
    # an empty cell never clears a stored value
    assert count(workspace, "SELECT count(*) FROM clients WHERE email IS NOT NULL") == 1
    actions = workspace.store.conn.execute(
        "SELECT action, detail FROM audit_events WHERE record_id = ? ORDER BY at, _stamp",
        (client_id,),
    ).fetchall()
    assert actions == [("create", "csv import"), ("change", "csv import: phone, status")]


def test_changing_the_outcome_updates_the_exit_record(workspace: Workspace, tmp_path) -> None:
    import_csv(workspace, "clients", write(tmp_path, CLIENTS_FI))
    text = f"hetu;etunimi;sukunimi;tulos\n{HETU_2};Säde;Pölönen;tutkintokoulutus\n"
    result = import_csv(workspace, "clients", write(tmp_path, text, "tulos.csv"))
    assert result.updated == 1
    assert count(workspace, "SELECT count(*) FROM outcomes WHERE outcome = 'degree_education'"
                            " AND checkpoint = 'exit'") == 1  # fmt: skip
    assert count(workspace, "SELECT count(*) FROM outcomes") == 3


def test_every_client_touched_is_audited(workspace: Workspace, tmp_path) -> None:
    import_csv(workspace, "clients", write(tmp_path, CLIENTS_FI))
    assert count(workspace, "SELECT count(*) FROM audit_events WHERE action = 'create'"
                            " AND record_table = 'clients'") == 3  # fmt: skip
    assert count(workspace, "SELECT count(DISTINCT tx_id) FROM _changes") == 1


def test_dry_run_writes_nothing(workspace: Workspace, tmp_path) -> None:
    result = import_csv(workspace, "clients", write(tmp_path, CLIENTS_FI), dry_run=True)
    assert (result.imported, result.rejected) == (3, 6)
    assert count(workspace, "SELECT count(*) FROM _changes") == 0


EMPLOYERS = (
    "Y-tunnus;Nimi;Tyyppi;Toimiala;Kunta;Yhteyshenkilö;Kummityönantaja\n"
    "0171450-7;Kuopion kaupunki;kunta;84110;Kuopio;Liisa Laine;kyllä\n"
    "0171450-8;Väärä Tunnus Oy;;;;;\n"
    "0000006-0;Jäännös Yksi Oy;;;;;\n"
    ";Savon Siivous Ky;yritys;81210;Siilinjärvi;;ei\n"
    "2296962-1;KEHA-keskus;;;Jyväskylä;;maybe\n"
)


def test_employers(workspace: Workspace, tmp_path) -> None:
    path = write(tmp_path, EMPLOYERS, "tyonantajat.csv")
    result = import_csv(workspace, "employers", path)
    assert (result.imported, result.rejected) == (2, 3)
    reasons = {e.line: e.reason for e in result.errors}
    assert "should be 7" in reasons[3]
    assert "no Y-tunnus" in reasons[4]
    assert "sponsor" in reasons[6]
    row = workspace.store.conn.execute(
        "SELECT kind, municipality, sponsor FROM employers WHERE y_tunnus = '0171450-7'"
    ).fetchone()
    assert row == ("municipality", "297", 1)
    again = import_csv(workspace, "employers", path)
    assert (again.imported, again.updated, again.unchanged) == (0, 0, 2)
    assert count(workspace, "SELECT count(*) FROM audit_events") == 0  # organisations


def test_quoted_cells_with_line_breaks_keep_physical_line_numbers(
    workspace: Workspace, tmp_path
) -> None:
    text = 'nimi,kunta\n"Monirivinen\nNimi Oy",Kuopio\nHyvä Oy,Atlantis\n'
    result = import_csv(workspace, "employers", write(tmp_path, text, "e.csv"))
    assert result.imported == 1
    assert [e.line for e in result.errors] == [4]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"\xff\xfe\x00n\x00a\x00", "starts as UTF-16"),
        (b"etunimi;kunta\nAino;Kuopio\n", "last_name"),
    ],
)
def test_unreadable_files(workspace: Workspace, tmp_path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(CsvImportError) as info:
        import_csv(workspace, "clients", path)
    assert message in str(info.value)
    assert count(workspace, "SELECT count(*) FROM _changes") == 0


def test_unknown_table_and_missing_file(workspace: Workspace, tmp_path) -> None:
    with pytest.raises(CsvImportError):
        import_csv(workspace, "vouchers", b"a\n")
    with pytest.raises(CsvImportError):
        import_csv(workspace, "clients", tmp_path / "nope.csv")


def test_delimiter_is_sniffed() -> None:
    assert read_rows(b"a;b,c\n1;2,3\n") == (["a", "b,c"], [(2, ["1", "2,3"])])
    assert read_rows(b"a,b\n1,2\n") == (["a", "b"], [(2, ["1", "2"])])


def test_rows_without_henkilotunnus_match_on_name_whatever_the_case(
    workspace: Workspace, tmp_path
) -> None:
    first = "etunimi;sukunimi;kunta;puhelin\nÖrjan;Äijälä;Kuopio;040 123 4567\n"
    import_csv(workspace, "clients", write(tmp_path, first, "a.csv"))
    changes = count(workspace, "SELECT count(*) FROM _changes")
    again = "etunimi;sukunimi;kunta;puhelin\nÖRJAN;ÄIJÄLÄ;297;040 123 4567\n"
    result = import_csv(workspace, "clients", write(tmp_path, again, "b.csv"))
    assert (result.imported, result.updated) == (0, 1)  # the names' case is the update
    assert count(workspace, "SELECT count(*) FROM clients") == 1
    logged = workspace.store.conn.execute(
        "SELECT col FROM _changes WHERE seq > ? AND tbl = 'clients' ORDER BY col", (changes,)
    ).fetchall()
    assert logged == [("first_name",), ("last_name",)]


def test_a_big_import_indexes_names_once(workspace: Workspace, tmp_path) -> None:
    from kenttä.services.data.seed import seeded_henkilotunnus
    from kenttä.store import fts

    lines = ["hetu;etunimi;sukunimi"]
    lines += [f"{seeded_henkilotunnus(i)[0]};Aino;Äijälä{i}" for i in range(2500)]
    result = import_csv(workspace, "clients", write(tmp_path, "\n".join(lines), "big.csv"))
    assert result.imported == 2500
    conn = workspace.store.conn
    assert fts.missing_triggers(conn) == []
    assert conn.execute(
        "SELECT count(*) FROM clients_fts WHERE clients_fts MATCH 'äijälä2499'"
    ).fetchone() == (1,)


def test_exit_without_outcome_then_corrected(workspace: Workspace, tmp_path) -> None:
    first = f"hetu;etunimi;sukunimi;tila;lopetuspäivä\n{HETU_3};Aino;Ärjä;päättynyt;1.10.2026\n"
    import_csv(workspace, "clients", write(tmp_path, first, "a.csv"))

    def outcomes() -> list[tuple]:
        return workspace.store.conn.execute(
            "SELECT checkpoint, due_on, checked_on, outcome FROM outcomes ORDER BY due_on"
        ).fetchall()

    assert outcomes() == [
        ("exit", "2026-10-01", None, None),  # not checked until the outcome is known
        ("days_28", "2026-10-29", None, None),
        ("months_6", "2027-04-01", None, None),
    ]
    fixed = f"hetu;etunimi;sukunimi;lopetuspäivä;tulos\n{HETU_3};Aino;Ärjä;3.10.2026;palkkatuki\n"
    result = import_csv(workspace, "clients", write(tmp_path, fixed, "b.csv"))
    assert result.updated == 1
    assert outcomes() == [
        ("exit", "2026-10-03", "2026-10-03", "wage_subsidised_job"),
        ("days_28", "2026-10-31", None, None),
        ("months_6", "2027-04-03", None, None),
    ]
    again = import_csv(workspace, "clients", write(tmp_path, fixed, "b.csv"))
    assert (again.updated, again.unchanged) == (0, 1)


def test_employer_update_by_y_tunnus(workspace: Workspace, tmp_path) -> None:
    import_csv(workspace, "employers", write(tmp_path, EMPLOYERS, "e1.csv"))
    before = count(workspace, "SELECT max(seq) FROM _changes")
    text = "y_tunnus,name,industry,sponsor\n171450-7,Kuopion kaupunki,84110,0\n"
    result = import_csv(workspace, "employers", write(tmp_path, text, "e2.csv"))
    assert (result.imported, result.updated, result.unchanged) == (0, 1, 0)
    logged = workspace.store.conn.execute(
        "SELECT col, value FROM _changes WHERE seq > ?", (before,)
    ).fetchall()
    assert logged == [("sponsor", "0")]


def test_a_row_names_every_problem_and_a_phone_must_be_a_phone_number(
    workspace: Workspace, tmp_path
) -> None:
    """Issue 14: "040 abc" is no phone number; a row with several problems names them all
    (English reasons, each with its column and code, for scripts); good rows are written."""
    text = (
        "etunimi;sukunimi;puhelin;sähköposti;aloituspäivä\n"
        "Testi;Hyvä;+358 40 123 4567;;\n"
        ";Huono;040 abc;ei-sähköposti;32.1.2026\n"
        "Testi;Lyhyt;0401;;\n"
    )
    result = import_csv(workspace, "clients", write(tmp_path, text))
    assert result.imported == 1 and [e.line for e in result.errors] == [3, 4]
    bad = result.errors[0]
    assert [(p.where(), p.error_code()) for p in bad.problems] == [
        ("first_name", "missing"),
        ("phone", "phone"),
        ("email", "invalid"),
        ("entry_date", "invalid"),
    ]
    assert str(bad).startswith("line 3: first_name: missing; phone: not a phone number")
    for secret in ("abc", "ei-sähköposti", "32.1.2026", "Huono"):
        assert secret not in str(bad)
    assert result.as_dict()["errors"][0]["problems"][1] == {
        "column": "phone", "code": "phone", "reason": bad.problems[1].reason,
    }  # fmt: skip
    assert [(p.where(), p.error_code()) for p in result.errors[1].problems] == [("phone", "phone")]
    phones = workspace.store.conn.execute("SELECT phone FROM clients WHERE last_name IN"
                                          " ('Hyvä', 'Huono', 'Lyhyt')").fetchall()  # fmt: skip
    assert phones == [("+358 40 123 4567",)]
