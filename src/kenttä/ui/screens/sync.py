"""Sync: unsynced changes, the last sync and its summary or error; conflicts for supervisors."""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import DataTable, Footer, Header, Input, ProgressBar, Static

from kenttä.i18n import code, t
from kenttä.services.sync import Conflict, SyncStatus
from kenttä.services.sync import status as sync_status
from kenttä.ui.base import BaseScreen
from kenttä.ui.modals.form import FormModal
from kenttä.ui.parsing import clip, format_date, format_time
from kenttä.ui.widgets.table import Table


def conflict_columns() -> list[Any]:
    return [
        (t("sync_text.col_record"), 18),
        (t("sync_text.col_field"), 14),
        ("A", 18),
        ("B", 18),
    ]


def column_name(column: str) -> str:
    """A record's field in words (the stored column name when the catalogue has none)."""
    return code("column", column)


def summary_line(status: SyncStatus) -> str:
    """The last sync in words, from its counts (the stored one-line summary is English)."""
    counts = status.last_counts
    if not counts:
        return status.last_summary or ""
    key = "sync_text.summary_bundle" if counts.get("bundle") else "sync_text.summary"
    return t(
        key,
        pushed=counts.get("pushed", 0),
        pulled=counts.get("pulled", 0),
        conflicts=counts.get("conflicts", 0),
        refused=counts.get("refused", 0),
    )


def show_value(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


class ConflictModal(FormModal):
    """Both values side by side: keep one (a / b), or write another and press Ctrl+S."""

    TITLE_KEY = "conflict.title"
    DEFAULT_CSS = """
    ConflictModal #sides { height: auto; }
    ConflictModal .side { width: 1fr; border: round $primary; padding: 0 1; height: auto; }
    """
    BINDINGS: ClassVar = [
        Binding("a", "keep('a')", "keys.keep_a"),
        Binding("b", "keep('b')", "keys.keep_b"),
    ]

    def __init__(self, conflict: Conflict) -> None:
        super().__init__()
        self.conflict = conflict

    def fields(self) -> Iterable[Widget]:
        c = self.conflict
        yield Static(
            t(
                "sync_text.where",
                record=c.record or "–",
                kind=code("record_kind", c.table),
                field=column_name(c.column),
            )
        )
        with Horizontal(id="sides"):
            for index, side in enumerate(c.values[:2]):
                letter = side.get("side") or "ab"[index]
                who = t(
                    "sync_text.side",
                    author=side.get("author") or "–",
                    time=format_time(sync_status.stamp_time(side.get("stamp"))) or "–",
                )
                text = Text(f"{letter.upper()}  {who}\n", style="bold")
                text.append(show_value(side.get("value")))
                yield Static(text, classes="side")
        yield self.label("conflict.other")
        yield Input(id="conflict-other")

    def focus_first(self) -> None:
        self.query_one("#form-box").focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "keep" and isinstance(self.focused, Input):
            return None
        return True

    def action_keep(self, side: str) -> None:
        self._resolve(choose=side)

    def submit(self) -> None:
        other = self.value("conflict-other")
        if other.strip():
            self._resolve(value=other)

    def _resolve(self, **how: Any) -> None:
        self.write(
            sync_status.resolve,
            self.conflict.id,
            **how,
            done=lambda _: self._done(),
            failed=self.failed,
        )

    def _done(self) -> None:
        self.app.notify(t("conflict.resolved"))
        self.dismiss(True)


class SyncScreen(BaseScreen):
    TITLE_KEY = "sync.title"
    DEFAULT_CSS = """
    SyncScreen #sync-status { height: auto; padding: 0 1; }
    SyncScreen #sync-progress { margin: 0 1; display: none; }
    SyncScreen #sync-progress.-running { display: block; }
    SyncScreen #sync-phase { height: auto; padding: 0 1; }
    SyncScreen .section { padding: 0 1; text-style: bold; color: $accent; }
    SyncScreen #conflict-table { height: 1fr; }
    """
    BINDINGS: ClassVar = [
        Binding("s", "sync_now", "keys.sync_now"),
        Binding("r", "refresh", "keys.refresh"),
        Binding("enter", "open_conflict", "keys.resolve", show=False),
    ]
    syncing = False

    def compose(self) -> ComposeResult:
        # Everything the screen shows is made here (not in on_mount): a language switch
        # recomposes the screen, and on_mount does not run again.
        supervisor = self.kapp.ws.role == "supervisor"
        self.conflicts: list[Conflict] = []
        yield Header()
        with Vertical():
            yield Static(id="sync-status")
            yield ProgressBar(id="sync-progress", show_eta=False)
            yield Static(id="sync-phase")
            title = Static(t("sync.conflicts"), classes="section", id="conflict-title")
            title.display = supervisor
            yield title
            table = Table(conflict_columns(), id="conflict-table")
            table.display = supervisor
            yield table
        yield Footer()

    def reload(self) -> None:
        self.db_now(sync_status.status, done=self.show_status)
        if self.kapp.ws.role == "supervisor":
            self.db_now(sync_status.conflicts, done=self.show_conflicts, group="conflicts")

    def action_refresh(self) -> None:
        self.reload()

    def show_status(self, status: SyncStatus) -> None:
        text = Text()
        text.append(f"{t('sync.unsynced')}: ", style="bold")
        text.append(f"{status.unsynced}\n")
        text.append(f"{t('sync.last_sync')}: ", style="bold")
        text.append(
            (format_date(status.last_sync) if status.last_sync else t("today.never")) + "\n"
        )
        if status.last_summary or status.last_counts:
            text.append(f"{t('sync.last_summary')}: ", style="bold")
            text.append(summary_line(status) + "\n")
        if status.last_error:
            text.append(f"{t('sync.last_error')}: ", style="bold red")
            text.append(status.last_error + "\n")
        text.append(t("sync.how"), style="italic")
        self.query_one("#sync-status", Static).update(text)

    def set_progress(self, phase: str, done: int, total: int) -> None:
        """Progress of a running sync (from the sync worker, through call_from_thread)."""
        bar = self.query_one("#sync-progress", ProgressBar)
        bar.add_class("-running")
        bar.update(total=max(total, 1), progress=done)
        self.query_one("#sync-phase", Static).update(
            t(f"sync.phase_{phase}", done=done, total=total)
        )

    def show_retry(self, line: str) -> None:
        """A retry of a running sync over a bad link, in words (from the sync worker)."""
        self.query_one("#sync-phase", Static).update(line)

    def action_sync_now(self) -> None:
        """Push and pull with the office in a thread; the screen stays usable meanwhile."""
        if self.syncing:
            return
        self.syncing = True
        self.query_one("#sync-phase", Static).update(t("sync.starting"))
        self.run_worker(self._sync_job, thread=True, group="sync", exit_on_error=False)

    def _sync_job(self) -> None:
        from kenttä.services.sync import client as sync_client
        from kenttä.services.sync.status import retry_line

        app = self.kapp
        lock = app.db_lock

        def progress(phase: str, done: int, total: int) -> None:
            app.call_from_thread(self.set_progress, phase, done, total)
            lock.release()  # between batches: let the screens read meanwhile
            time.sleep(0.01)
            lock.acquire()

        def notify(notice: Any) -> None:  # a cut or a stall: say so, in words, at once
            app.call_from_thread(self.show_retry, retry_line(notice))

        def wait(seconds: float) -> None:
            # waiting for the link to come back: the screens keep reading and writing
            # meanwhile (never inside a transaction: the sync commits before it goes out)
            held = not app.ws.store.conn.in_transaction
            if held:
                lock.release()
            try:
                time.sleep(seconds)
            finally:
                if held:
                    lock.acquire()

        try:
            with lock:
                if sync_client.enrolment(app.ws) is None:
                    raise sync_client.NotEnrolledHere("not enrolled")
                summary = sync_client.sync(app.ws, progress=progress, notify=notify, sleep=wait)
        except Exception as exc:
            app.call_from_thread(self._sync_finished, None, exc)
        else:
            app.call_from_thread(self._sync_finished, summary, None)

    def _sync_finished(self, summary: Any, exc: Exception | None) -> None:
        self.syncing = False
        self.query_one("#sync-progress", ProgressBar).remove_class("-running")
        phase = self.query_one("#sync-phase", Static)
        if exc is not None:
            if type(exc).__name__ == "NotEnrolledHere":
                message = t("sync.not_enrolled")
            else:
                from kenttä.store.problems import storage_problem

                key = storage_problem(exc)  # a locked or full database: in words
                reason = t(key) if key else (str(exc).splitlines() or [type(exc).__name__])[0]
                message = t("sync.failed", reason=reason)
            phase.update(message)
            self.notify(message, severity="error", timeout=8)
        else:
            message = t(
                "sync.done",
                pushed=summary.pushed,
                pulled=summary.pulled,
                conflicts=summary.conflicts,
            )
            if getattr(summary, "snapshot_rows", 0):  # a first sync: the scope as it is now
                message += " · " + t("sync_link.snapshot_rows", rows=summary.snapshot_rows)
            phase.update(message)
            self.notify(message)
        self.reload()

    def show_conflicts(self, conflicts: list[Conflict]) -> None:
        self.conflicts = conflicts
        table = self.query_one("#conflict-table", DataTable)
        keep = None
        if table.row_count:
            keep = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        table.clear()
        for c in conflicts:
            values = [show_value(v.get("value")) for v in c.values[:2]] + ["", ""]
            table.add_row(
                clip(c.record or code("record_kind", c.table), 18),
                clip(column_name(c.column), 14),
                clip(values[0], 18),
                clip(values[1], 18),
                key=c.id,
            )
        if keep is not None and any(c.id == keep for c in conflicts):
            table.move_cursor(row=table.get_row_index(keep))
        self.query_one("#conflict-title", Static).update(
            t("sync.conflicts_count", count=len(conflicts))
        )

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_open_conflict()

    def action_open_conflict(self) -> None:
        table = self.query_one("#conflict-table", DataTable)
        if not (self.conflicts and table.display and table.row_count):
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        conflict = next((c for c in self.conflicts if c.id == key), None)  # by id, not index
        if conflict is not None:
            self.app.push_screen(ConflictModal(conflict))

    def screen_commands(self) -> list[tuple[str, str, Any]]:
        return [
            (t("command.sync_now"), t("command.sync_now_help"), self.action_sync_now),
            (t("command.refresh"), t("command.refresh_help"), self.action_refresh),
        ]
