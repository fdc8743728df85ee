"""What the issue-14 screen tests share: a caseload with vouchers and a conflict whose
numbers and times do not move between runs, and the text a screen shows."""

from __future__ import annotations

import time
from typing import Any

import pytest

from kenttä.services.vouchers import core as vouchers
from tests.ui.caseload import TODAY
from tests.ui.conflicts import make_phone_conflict

# 16.3.2026 12.00 in Helsinki (UTC+2): the two sides of the conflict, a minute apart
STAMP_MS = (1_773_655_200_000, 1_773_655_260_000)


def fixed_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    """Times on screen in one zone whatever the machine's."""
    monkeypatch.setenv("TZ", "Europe/Helsinki")
    time.tzset()


def add_vouchers_and_conflict(ws: Any) -> None:
    """Three vouchers (one with its provider chosen) and a phone-number conflict."""
    ws.store.conn.execute(
        "INSERT OR REPLACE INTO _sync_state (key, value) VALUES ('device_code', 'TEST')"
    )
    clients = ws.ids["clients"]
    made = []
    for index, service in ((1, "VALM"), (2, "KOUL"), (9, "VALM")):
        made.append(
            vouchers.issue_voucher(ws, client_id=clients[index], service_code=service, today=TODAY)
        )
    provider = vouchers.providers_for(ws, "VALM")[0]
    vouchers.transition(ws, made[0].number, "provider_chosen", provider_id=provider.id, today=TODAY)
    make_phone_conflict(ws, clients[0], local="040 111 1111", remote="050 222 2222")
    # side a is the lower stamp, which the real clocks made either way: a is this laptop's
    sides = ("stamp", "value", "author", "change")
    swap = ", ".join(f"{c}_a = {c}_b, {c}_b = {c}_a" for c in sides)
    ws.store.conn.execute(f"UPDATE _conflicts SET {swap} WHERE author_a <> ?", (ws.user,))
    for column, wall in zip(("stamp_a", "stamp_b"), STAMP_MS, strict=True):
        ws.store.conn.execute(
            f"UPDATE _conflicts SET {column} = ? || substr({column}, 17)", (f"{wall:016d}",)
        )


def screen_text(app: Any) -> str:
    """Every character the terminal shows now (the screen and the toasts over it)."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())
