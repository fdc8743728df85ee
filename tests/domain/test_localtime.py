"""Dates are Helsinki's whatever zone the laptop is set to (issue 17).

Each case runs in a fresh interpreter with TZ set, so the C library's local zone really is
UTC or New York there; a control line shows that zone differs from Helsinki's.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest

from kenttä.domain.localtime import HELSINKI, local_date

SCRIPT = r"""
import json, sys
from datetime import UTC, datetime
from pathlib import Path
from kenttä.config import Config
from kenttä.domain.localtime import HELSINKI, now, today
from kenttä.services.clients.core import create_client
from kenttä.services.context import Workspace
from kenttä.services.clients.notes import add_note, list_notes
from kenttä.services.reports._base import to_day
from kenttä.store.db import open_store
from kenttä.ui.screens.client_card import render_note

ws = Workspace(open_store(Path(sys.argv[1])), Config(user="testi.valmentaja", scope="kuopio"))
client = create_client(ws, first_name="Testi", last_name="Henkilö")
out = {"offset_hours": now().utcoffset().total_seconds() / 3600,
       "today_is_helsinki": today() == datetime.now(HELSINKI).date()}
for day in ("2026-12-04", "2026-06-15"):  # winter (UTC+2) and summer (UTC+3)
    written = datetime.fromisoformat(day + "T00:30").replace(tzinfo=HELSINKI)
    add_note(ws, client.id, "Tapaaminen " + day, now=written.astimezone(UTC))  # as utc_now()
notes = {n["body"][-10:]: n for n in list_notes(ws, client.id)}
for day, note in sorted(notes.items()):
    out[day] = {
        "stored": note["written_at"],
        "screen": render_note(note)[0],
        "report_day": to_day(note["written_at"]).isoformat(),
        "laptop_zone_day": datetime.fromisoformat(note["written_at"]).astimezone().date().isoformat(),
    }
from kenttä.services.privacy.subject_access import render_text, subject_access_report
ws.config = ws.config.copy_with(role="supervisor")  # a person's data is the supervisor's
out["subject_access"] = render_text(subject_access_report(ws, client.id))
ws.close()
print(json.dumps(out))
"""


@pytest.mark.slow
@pytest.mark.parametrize("zone", ["UTC", "America/New_York"])
def test_note_written_half_past_midnight_is_dated_the_helsinki_day(
    zone: str, tmp_path: Path
) -> None:
    env = {**os.environ, "TZ": zone}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path / "kentta.db")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["offset_hours"] in (2.0, 3.0)
    assert out["today_is_helsinki"]
    for day, screen in (("2026-12-04", "4.12.2026"), ("2026-06-15", "15.6.2026")):
        seen = out[day]
        assert seen["stored"] < day  # stored in UTC: the evening before
        assert seen["laptop_zone_day"] < day  # the control: the laptop's zone says the day before
        assert seen["screen"] == screen
        assert seen["report_day"] == day
        assert f"Kirjoitettu: {screen} 0.30" in out["subject_access"]  # the register extract


def test_local_date_reads_dates_and_timestamps() -> None:
    assert local_date("2026-12-03") == date(2026, 12, 3)
    assert local_date("2026-12-03T22:30:00+00:00") == date(2026, 12, 4)
    assert local_date("2026-12-03T22:30:00") == date(2026, 12, 4)  # naive stored means UTC
    assert local_date(datetime(2026, 12, 4, 0, 30, tzinfo=HELSINKI)) == date(2026, 12, 4)
    assert local_date("2026-01-01/2026-12-31") == date(2026, 1, 1)  # a period: its start
    with pytest.raises(ValueError):
        local_date("3.12.2026")
