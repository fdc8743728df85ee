"""Human output of the command line in the configured language (issue 14).

Tables printed for a person name clients by name and show codes in words (the catalogue,
`kenttä.i18n`); `--json` keeps the stored codes and ids for scripts (and adds names where a
person reads them too). CSV and xlsx stay as they were: codes and ids.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import Any

from kenttä.domain import localtime
from kenttä.i18n import LANGUAGES, code, set_language, t


def use_language(language: str | None) -> None:
    """The config's language for everything the command prints for a person."""
    if language in LANGUAGES:
        set_language(language)


def day(value: date | str | None) -> str:
    """`18.1.2027`, as people write dates (empty for none)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return value
    return f"{value.day}.{value.month}.{value.year}"


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """Aligned columns; an empty list is one line saying so."""
    if not rows:
        return t("cli_text.none")
    cells = [["–" if v is None or v == "" else str(v) for v in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    for row in cells:
        lines.append("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())
    return "\n".join(lines)


def followups_table(items: Sequence[dict[str, Any]]) -> str:
    headers = [
        t("cli_text.col_due"),
        t("cli_text.col_checkpoint"),
        t("cli_text.col_client"),
        t("cli_text.col_exit"),
        t("cli_text.col_programme"),
        t("cli_text.col_owner"),
    ]
    rows = [
        [
            day(i["due_on"]) + (f" ({t('reports.followups.overdue')})" if i["overdue"] else ""),
            code("checkpoint", i["checkpoint"]),
            i.get("name") or i["client_id"],
            day(i["exit_date"]),
            i["programme"],
            i["owner"],
        ]
        for i in items
    ]
    return table(headers, rows)


def quality_table(items: Sequence[dict[str, Any]]) -> str:
    headers = [t("cli_text.col_finding"), t("cli_text.col_record"), t("cli_text.col_detail")]
    rows = []
    for i in items:
        detail = i["detail"] or ""
        if i["code"] == "missing_start_data":
            detail = ", ".join(code("column", part.strip()) for part in detail.split(","))
        elif i["code"] == "outside_target_group":
            detail = t(f"eligibility.{detail}", age="?", months="?", days="?")
        elif detail in ("sponsor", "network"):
            detail = t(f"cli_text.employer_{detail}")
        rows.append([t(f"reports.quality.{i['code']}"), i["label"], detail])
    return table(headers, rows)


def conflicts_table(rows: Sequence[dict[str, Any]], names: dict[tuple[str, str], str]) -> str:
    from kenttä.services.sync import stamp_time

    headers = [
        t("cli_text.col_conflict"),
        t("sync_text.col_record"),
        t("sync_text.col_field"),
        "A",
        "B",
    ]

    def side(row: dict[str, Any], s: str) -> str:
        when = stamp_time(row[f"stamp_{s}"])
        local = localtime.local_datetime(when) if when else None  # Helsinki time
        at = f"{day(local.date())} {local.hour}.{local.minute:02d}" if local else ""
        return f"{json.dumps(row[f'value_{s}'], ensure_ascii=False)} ({row[f'author_{s}']}, {at})"

    out = []
    for row in rows:
        record = names.get((row["tbl"], row["row_id"])) or row["row_id"]
        state = (
            f" · {t('cli_text.resolved_by', who=row['resolved_by'])}"
            if row.get("resolved_stamp")
            else ""
        )
        out.append(
            [
                row["id"],
                f"{record} · {code('record_kind', row['tbl'])}",
                code("column", row["col"]),
                side(row, "a"),
                side(row, "b") + state,
            ]
        )
    return table(headers, out)


def vouchers_table(vouchers: Sequence[Any], euros: Any) -> str:
    headers = [
        t("vouchers.col_number"),
        t("vouchers.col_status"),
        t("vouchers.col_service"),
        t("vouchers.col_value"),
        t("vouchers.col_valid"),
    ]
    rows = [
        [v.number, code("voucher", v.status), v.service_code, euros(v.value_cents),
         day(v.valid_until)]
        for v in vouchers
    ]  # fmt: skip
    return table(headers, rows)


def voucher_state(number: str, status: str) -> str:
    return f"{number} {code('voucher', status)}"


def voucher_card(voucher: Any, names: dict[tuple[str, str], str], euros: Any) -> str:
    """`kenttä voucher show` for a person: labelled lines, the client, service and provider
    by name, the status in words (`--json` keeps the stored fields)."""
    lines = [
        (t("vouchers.col_number"), voucher.number),
        (t("vouchers.col_client"), names.get(("clients", voucher.client_id), voucher.client_id)),
        (t("vouchers.col_service"),
         names.get(("services", voucher.service_code), voucher.service_code)),
        (t("voucher_words.provider"),
         names.get(("providers", voucher.provider_id or ""), voucher.provider_id or "")),
        (t("vouchers.col_value"), euros(voucher.value_cents)),
        (t("voucher_words.issued_on"), day(voucher.issued_on)),
        (t("vouchers.col_valid"), day(voucher.valid_until)),
        (t("vouchers.col_status"), code("voucher", voucher.status)),
        (t("voucher_words.issued_by"), voucher.issued_by),
    ]  # fmt: skip
    width = max(len(label) for label, _ in lines)
    return "\n".join(f"{label + ':':<{width + 1}} {value or '–'}" for label, value in lines)


def moment(value: str | None) -> str:
    """An ISO time (UTC) as people write it, in Helsinki time: `18.1.2027 9.05`."""
    from datetime import datetime

    if not value:
        return ""
    try:
        local = localtime.local_datetime(datetime.fromisoformat(value))
    except ValueError:
        return value
    return f"{day(local.date())} {local.hour}.{local.minute:02d}"
