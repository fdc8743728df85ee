"""The employment plan editor: the goal, and steps with due dates and status."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import DataTable, Footer, Header, Input, Label

from kenttä.i18n import code, t
from kenttä.services.clients import plans
from kenttä.ui.base import BaseScreen
from kenttä.ui.modals.form import FormModal
from kenttä.ui.parsing import format_date
from kenttä.ui.widgets.table import Table

PLAN_EDITOR = "plan-editor"


def open_plan_editor(app: Any, client_id: str) -> None:
    """A client's plan: one editor, kept and emptied for each opening."""
    from kenttä.ui.kept import open_kept

    open_kept(
        app,
        PLAN_EDITOR,
        lambda: PlanEditorScreen(client_id),
        lambda editor: editor.reuse(client_id),
    )


class StepForm(FormModal):
    TITLE_KEY = "plan.step_title"

    def __init__(self, client_id: str) -> None:
        super().__init__()
        self.client_id = client_id

    def fields(self) -> Iterable[Widget]:
        yield self.label("plan.step_description")
        yield Input(id="step-description")
        yield self.label("plan.step_due")
        yield Input(placeholder=t("plan.step_due_hint"), id="step-due")
        yield self.label("plan.step_service")
        yield Input(id="step-service")

    def submit(self) -> None:
        description = self.required("step-description")
        due = self.date_value("step-due")
        self.write(
            plans.add_step,
            self.client_id,
            description=description,
            due_date=due,
            service_code=self.value("step-service").strip() or None,
            today=self.kapp.today,
            done=lambda _: self.dismiss(True),
            failed=self.failed,
        )


class PlanEditorScreen(BaseScreen):
    TITLE_KEY = "plan.title"
    RECOMPOSE_ON_LANGUAGE = False  # keep an unsaved goal
    DEFAULT_CSS = """
    PlanEditorScreen #plan-goal { margin: 0 1; }
    PlanEditorScreen #plan-steps { height: 1fr; }
    PlanEditorScreen Label { margin: 0 1; color: $text-muted; }
    """
    BINDINGS: ClassVar = [
        Binding("escape", "back", "keys.back"),
        Binding("ctrl+s", "save_goal", "keys.save_goal", priority=True),
        Binding("a", "add_step", "keys.add_step"),
        Binding("ctrl+n", "new_step", "keys.add_step", show=False, priority=True),
        Binding("space", "cycle_status", "keys.step_status"),
    ]

    def __init__(self, client_id: str) -> None:
        super().__init__()
        self.client_id = client_id
        self.steps: dict[str, dict[str, Any]] = {}
        self.saved_goal: str | None = None  # the goal as saved (None until loaded)
        self._first_show = True

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label(t("plan.goal"))
        yield Input(id="plan-goal")
        yield Label(t("plan.steps"))
        yield Table([t("plan.col_due"), t("plan.col_step"), t("plan.col_status")], id="plan-steps")
        yield Footer()

    def reuse(self, client_id: str) -> None:
        """Make this kept editor `client_id`'s plan: empty until it is read (nothing of the
        plan before, not for a frame); the plan is read when the editor is shown."""
        self.client_id = client_id
        self.steps = {}
        self.saved_goal = None
        self._first_show = True
        if not self.is_mounted:
            return
        self.query_one("#plan-goal", Input).value = ""
        self.query_one("#plan-steps", DataTable).clear()

    def reload(self) -> None:
        client_id = self.client_id
        if not client_id:  # built ahead (kenttä.ui.kept): nothing to read until reused
            return
        self.db_now(lambda ws: (client_id, plans.plan_of(ws, client_id)), done=self.show)

    def show(self, read: tuple[str, tuple[dict[str, Any] | None, list[dict[str, Any]]]]) -> None:
        client_id, (plan, steps) = read
        if client_id != self.client_id:  # read for the client this editor had before
            return
        self.steps = {step["id"]: step for step in steps}
        self.saved_goal = (plan["goal"] or "") if plan else ""
        goal = self.query_one("#plan-goal", Input)
        if plan and not goal.value:
            goal.value = self.saved_goal
        table = self.query_one("#plan-steps", DataTable)
        keep = self._step_id()
        table.clear()
        for step in steps:
            table.add_row(
                format_date(step["due_date"]),
                step["description"],
                code("step", step["status"]),
                key=step["id"],
            )
        if keep in self.steps:  # the cursor stays on the step it was on (by id)
            table.move_cursor(row=table.get_row_index(keep))
        if self._first_show:
            self._first_show = False
            (table if goal.value else goal).focus()

    def _step_id(self) -> str | None:
        table = self.query_one("#plan-steps", DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return None if key is None else str(key)

    def action_back(self) -> None:
        goal = self.query_one("#plan-goal", Input).value.strip()
        if goal == (self.saved_goal or "").strip():
            self.app.pop_screen()
            return
        from kenttä.ui.modals.confirm import ConfirmModal

        def answer(yes: bool | None) -> None:
            if yes and self.app.screen is self:
                self.app.pop_screen()

        self.app.push_screen(ConfirmModal(t("unsaved.question")), answer)

    def action_save_goal(self) -> None:
        goal = self.query_one("#plan-goal", Input).value.strip()

        def saved(_: Any) -> None:
            self.saved_goal = goal
            self.notify(t("plan.saved"))

        self.write(plans.save_plan, self.client_id, goal=goal, today=self.kapp.today, done=saved)

    def action_add_step(self) -> None:
        self.app.push_screen(StepForm(self.client_id))

    def action_new_step(self) -> None:
        if self.app.screen is self:
            self.action_add_step()

    def action_cycle_status(self) -> None:
        table = self.query_one("#plan-steps", DataTable)
        step = self.steps.get(self._step_id() or "")
        if step is None or self.focused is not table:
            return
        self.write(
            plans.set_step_status,
            step["id"],
            plans.next_status(step["status"]),
            done=lambda _: self.reload(),
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in {"add_step", "cycle_status"} and isinstance(self.focused, Input):
            return None  # the key types into the goal (Ctrl+N adds a step from anywhere)
        return True
