"""Subject access and a client's audit trail (issue 8, §3–4).

`subject_access_report` gathers everything held about one client on this device: the client
row, notes, assessments, plans and their steps, placements, vouchers, outcomes, feedback and
the audit events about any of them. `write_subject_access` writes it as JSON (for machines)
and as readable Finnish text (for the person), files readable by their owner only, and
appends a `subject_access` audit event. `client_audit_trail` lists who saw or changed the
client's data and when. Both need the supervisor role.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from kenttä.services.context import Workspace, utc_now
from kenttä.services.privacy.audit import audit
from kenttä.services.roles import require
from kenttä.store.files import write_private

# table -> (Finnish heading, column pointing at the client)
RELATED: dict[str, tuple[str, str]] = {
    "notes": ("Merkinnät", "client_id"),
    "assessments": ("Palvelutarvearviot", "client_id"),
    "plans": ("Työllistymissuunnitelmat", "client_id"),
    "plan_steps": ("Suunnitelman vaiheet", "client_id"),
    "placements": ("Työkokeilut, palkkatuki- ja muut jaksot", "client_id"),
    "vouchers": ("Palvelusetelit", "client_id"),
    "outcomes": ("Tulokset ja seuranta", "client_id"),
    "feedback": ("Palaute", "client_id"),
    "event_attendees": ("Infotilaisuudet", "client_id"),
}

LABELS: dict[str, str] = {
    "henkilotunnus": "Henkilötunnus",
    "first_name": "Etunimi",
    "last_name": "Sukunimi",
    "birth_date": "Syntymäaika",
    "sex": "Sukupuoli (henkilötunnuksesta)",
    "gender": "Sukupuoli",
    "municipality": "Kotikunta (koodi)",
    "postal_code": "Postinumero",
    "language": "Kieli",
    "phone": "Puhelin",
    "email": "Sähköposti",
    "education": "Koulutus",
    "labour_status": "Työmarkkina-asema",
    "unemployed_since": "Työtön alkaen",
    "benefit_days": "Etuuspäivät",
    "referral_source": "Ohjautunut",
    "programme": "Hanke",
    "status": "Tila",
    "owner": "Vastuuhenkilö",
    "consent": "Suostumus",
    "entry_date": "Aloituspäivä",
    "exit_date": "Päättymispäivä",
    "outcome": "Tulos",
    "scope": "Alue",
    "disability": "Vammaisuus",
    "foreign_background": "Ulkomainen tausta",
    "minority": "Vähemmistö",
    "homelessness": "Asunnottomuus",
    "third_country_national": "Kolmannen maan kansalainen",
    "consent_date": "Suostumuksen päivä",
    "months_unemployed_last_16": "Työttömyyskuukaudet viimeisten 16 kuukauden aikana",
    "earnings_related_allowance": "Oikeus ansiosidonnaiseen päivärahaan",
    "eligibility_exception": "Kelpoisuuspoikkeuksen peruste",
    "eligibility_exception_programme": "Kelpoisuuspoikkeuksen hanke",
    "eligibility_exception_on": "Kelpoisuuspoikkeus kirjattu",
    "written_at": "Kirjoitettu",
    "author": "Kirjoittaja",
    "body": "Teksti",
    "at": "Aika",
    "actor": "Käyttäjä",
    "action": "Toimenpide",
    "record_table": "Tieto",
    "device_id": "Laite",
}

ACTIONS_FI: dict[str, str] = {
    "view": "katsoi",
    "create": "loi",
    "change": "muutti",
    "export": "vei ulos",
    "erase": "poisti",
    "subject_access": "laati rekisteriotteen",
}

AUDIT_COLUMNS = ("at", "actor", "device_id", "action", "record_table", "record_id", "detail")


class SubjectAccessError(ValueError):
    """No such client, or nothing can be written; never names the person, `code` names the
    reason for the screens' catalogue."""

    def __init__(self, message: str, *, code: str = "subject_access_refused") -> None:
        super().__init__(message)
        self.code = code


def _rows(ws: Workspace, sql: str, params: tuple[Any, ...]) -> list[dict[str, Any]]:
    cur = ws.store.conn.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [
        {k: v for k, v in zip(names, row, strict=True) if not k.startswith("_") or k == "_erased"}
        for row in cur.fetchall()
    ]


def resolve_client(ws: Workspace, ref: str) -> str:
    """A client id from an id or a henkilötunnus; the error never repeats `ref`."""
    ref = ref.strip()
    row = ws.store.conn.execute("SELECT id FROM clients WHERE id = ?", (ref,)).fetchone()
    if row is None and len(ref) == 11:
        row = ws.store.conn.execute(
            "SELECT id FROM clients WHERE henkilotunnus = ? ORDER BY _deleted IS NOT NULL, id",
            (ref.upper(),),
        ).fetchone()
    if row is None:
        raise SubjectAccessError(
            "no client with that id or henkilötunnus on this device", code="subject_not_found"
        )
    return str(row[0])


def _related(ws: Workspace, client_id: str) -> dict[str, list[dict[str, Any]]]:
    return {
        table: _rows(ws, f"SELECT * FROM {table} WHERE {col} = ? ORDER BY id", (client_id,))
        for table, (_, col) in RELATED.items()
    }


def _audit_rows(ws: Workspace, client_id: str, related: dict[str, list[dict[str, Any]]]) -> list:
    keys = [("clients", client_id)] + [
        (table, row["id"]) for table, rows in related.items() for row in rows
    ]
    events: list[dict[str, Any]] = []
    for table, row_id in keys:
        events += _rows(
            ws,
            f"SELECT id, {', '.join(AUDIT_COLUMNS)} FROM audit_events"
            " WHERE record_table = ? AND record_id = ?",
            (table, row_id),
        )
    # Whole-table exports (record id "*") of a table holding their data, since they were known.
    since = min((e["at"] for e in events if e["at"]), default="")
    tables = ["clients", *RELATED]
    events += _rows(
        ws,
        f"SELECT id, {', '.join(AUDIT_COLUMNS)} FROM audit_events WHERE record_id = '*'"
        f" AND record_table IN ({', '.join('?' * len(tables))}) AND at >= ?",
        (*tables, since),
    )
    events.sort(key=lambda e: (e["at"] or "", e["id"]))
    return events


def client_audit_trail(ws: Workspace, client_id: str, *, record: bool = True) -> list[dict]:
    """Who saw or changed the client's data (the client and rows about them), oldest first.

    Reading the trail is itself audited (an `export` event with detail `audit trail`).
    """
    require(ws, "view_audit")
    client_id = resolve_client(ws, client_id)
    events = _audit_rows(ws, client_id, _related(ws, client_id))
    if record:
        audit(ws, "export", "clients", client_id, detail="audit trail")
    return events


def subject_access_report(ws: Workspace, client_id: str) -> dict[str, Any]:
    """Everything held about the client on this device (not audited: see write_…)."""
    require(ws, "subject_access")
    client_id = resolve_client(ws, client_id)
    client = _rows(ws, "SELECT * FROM clients WHERE id = ?", (client_id,))[0]
    related = _related(ws, client_id)
    for placement in related["placements"]:
        name = ws.store.conn.execute(
            "SELECT name FROM employers WHERE id = ?", (placement.get("employer_id"),)
        ).fetchone()
        placement["employer_name"] = name[0] if name else None
    return {
        "kind": "kenttä subject access report",
        "generated_at": utc_now().isoformat(timespec="seconds"),
        "generated_by": ws.user,
        "device_id": ws.device_id,
        "client": client,
        **related,
        "audit_events": _audit_rows(ws, client_id, related),
    }


def _value(value: Any) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, str) and value[:1] in "[{":
        try:
            parsed = json.loads(value)
        except ValueError:
            return value
        if isinstance(parsed, dict):
            return ", ".join(f"{k}: {v}" for k, v in parsed.items()) or "–"
        if isinstance(parsed, list):
            return ", ".join(str(v) for v in parsed) or "–"
    return str(value)


def _when(value: Any) -> str:
    """A stored timestamp as a person in Finland reads it: `3.12.2026 0.30`, Helsinki time
    whatever the laptop's zone; anything else unchanged."""
    from kenttä.domain import localtime

    if not isinstance(value, str) or len(value) < 16 or value[10:11] not in ("T", " "):
        return _value(value)
    try:
        local = localtime.local_datetime(value)
    except ValueError:
        return _value(value)
    return f"{local.day}.{local.month}.{local.year} {local.hour}.{local.minute:02d}"


def _block(row: dict[str, Any], skip: tuple[str, ...] = ()) -> list[str]:
    from kenttä.i18n import catalogue

    words = catalogue("fi")
    lines = []
    for key, value in row.items():
        if key in skip or key == "_erased":
            continue
        if key.endswith("_at") or key == "at":
            lines.append(f"  {LABELS.get(key, key)}: {_when(value)}")
            continue
        shown = words.get(f"{key}.{value}", _value(value)) if isinstance(value, str) else value
        lines.append(f"  {LABELS.get(key, key)}: {_value(shown)}")
    return lines


def render_text(report: dict[str, Any]) -> str:
    """The report as plain Finnish text a person can read."""
    client = report["client"]
    out = [
        "REKISTERIOTE – tiedot, jotka kenttä-järjestelmässä on sinusta",
        f"Laadittu: {_when(report['generated_at'])}  Laatija: {report['generated_by']}",
        "",
        "Asiakastiedot",
        "-------------",
    ]
    if client.get("_erased"):
        out.append("  Henkilötiedot on poistettu (tietojen poisto).")
    out += _block(client, skip=("id",))
    for table, (heading, _) in RELATED.items():
        rows = report.get(table, [])
        out += ["", f"{heading} ({len(rows)})", "-" * (len(heading) + 4 + len(str(len(rows))))]
        if not rows:
            out.append("  ei tietoja")
        for i, row in enumerate(rows, 1):
            out.append(f" {i}.")
            out += _block(row, skip=("id", "client_id", "scope"))
    events = report.get("audit_events", [])
    out += ["", f"Tietojen käsittely – kuka katsoi tai muutti tietoja ({len(events)})", "-" * 60]
    for event in events:
        what = ACTIONS_FI.get(event["action"], event["action"])
        out.append(
            f"  {_when(event['at'])}  {event['actor']}  {what}  {event['record_table']}"
            + (f"  ({event['detail']})" if event.get("detail") else "")
        )
    out.append("")
    return "\n".join(out)


def _targets(out: Path, client_id: str) -> tuple[Path, Path]:
    if out.is_dir():
        base = out / f"rekisteriote-{client_id}"
    else:
        base = out.with_suffix("") if out.suffix in (".json", ".txt") else out
    return base.with_name(base.name + ".json"), base.with_name(base.name + ".txt")


def _write_private(path: Path, text: str) -> None:
    write_private(path, text)


def write_subject_access(ws: Workspace, client_id: str, out: Path) -> tuple[Path, Path]:
    """Write FILE.json and FILE.txt (or into a directory); audited as `subject_access`."""
    report = subject_access_report(ws, client_id)
    real_id = report["client"]["id"]
    json_path, text_path = _targets(Path(out), real_id)
    if not json_path.parent.is_dir():
        raise SubjectAccessError("the output folder does not exist", code="no_folder")
    _write_private(json_path, json.dumps(report, ensure_ascii=False, indent=2, sort_keys=True))
    _write_private(text_path, render_text(report))
    audit(ws, "subject_access", "clients", real_id, scope=report["client"].get("scope"))
    return json_path, text_path
