"""`kenttä report esf` for a person: every figure labelled in the configured language.

The table follows the JSON's order (`flatten`), so a figure added to the report shows up
here too; its label comes from the catalogue (`esf_words.*`), codes in words (outcomes,
voucher statuses, the funnel's client statuses) and services by their names in the tray.
Euros as money, rates as percentages, with the language's decimal mark. `--json`, CSV and
xlsx keep the figure keys and plain numbers.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kenttä.cli.words import day, table
from kenttä.i18n import code, has, t
from kenttä.i18n.numbers import euros
from kenttä.services.reports._base import flatten

# where a part of a figure's key is a code: the catalogue kind that names it
CODE_KINDS = {"outcomes": "outcome", "funnel": "status", "by_status": "voucher"}


def label_of(key: str, services: Mapping[str, str]) -> str:
    """`vouchers.by_service.coaching.count` → "Palvelusetelit: palveluittain / Valmennus /
    määrä" (a part with no words in the catalogue stays as it is, so a test can find it)."""
    parts = key.split(".")
    head = t(f"esf_words.{parts[0]}") if has(f"esf_words.{parts[0]}") else parts[0]
    words: list[str] = []
    for i, part in enumerate(parts[1:], start=1):
        parent = parts[i - 1]
        context = f"esf_words.{parts[0]}_{part}"
        if parent == "by_service":
            words.append(services.get(part, part))
        elif parent in CODE_KINDS and has(f"{CODE_KINDS[parent]}.{part}"):
            words.append(code(CODE_KINDS[parent], part))
        elif has(context):
            words.append(t(context))
        elif has(f"esf_words.word.{part}"):
            words.append(t(f"esf_words.word.{part}"))
        else:
            words.append(part)
    return f"{head}: {' / '.join(words)}" if words else head


def _number(value: float, decimals: int) -> str:
    from kenttä.i18n.numbers import number

    return number(value, decimals)


def shown(key: str, value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return t("esf_words.yes") if value else t("esf_words.no")
    if key.endswith("_rate"):
        return f"{_number(value * 100, 1)} %"
    if key.endswith("euros"):
        cents = round(value * 100)
        return euros(cents)
    if isinstance(value, float):
        return _number(value, 2)
    if isinstance(value, int):
        return _number(value, 0)
    return str(value)


def esf_table(report: Any, services: Mapping[str, str]) -> str:
    """Label and value, one figure a line (the value in cents is left to the JSON)."""
    data = report.model_dump(mode="json")
    period = data.get("period") or {}
    rows = [
        [t("esf_words.period"), f"{day(period.get('from'))}–{day(period.get('to'))}"],
        [t("esf_words.programme"), data.get("programme") or t("esf_words.all_programmes")],
    ]
    for key, value in flatten(data):
        if key.split(".")[0] in ("period", "programme") or key.endswith("value_cents"):
            continue
        rows.append([label_of(key, services), shown(key, value)])
    return table([t("esf_words.col_figure"), t("esf_words.col_value")], rows)


def explain_table(records: list[dict[str, str]]) -> str:
    """`--explain FIGURE` for a person: each record's kind in words, its id and its label
    (no names, as the figures hold none: programme, dates, status and outcome in words)."""
    headers = [t("cli_said.col_kind"), "ID", t("cli_said.col_label")]
    rows = [[code("record_kind", r["table"]), r["id"], r["label"]] for r in records]
    return table(headers, rows)
