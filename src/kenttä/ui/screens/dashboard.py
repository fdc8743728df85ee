"""The supervisor's dashboard: the ESF figures, a month-by-month chart and the funnel.

`DashboardScreen(ws, today)` reads through `kenttä.services.reports` in a thread worker (the
figures are the same as `kenttä report esf`); bindings switch the period between this year,
the last 12 months and the programme's lifetime. The programme is the config's, when set.
"""

from __future__ import annotations

import math
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult, RenderResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Footer, Header, OptionList, Static
from textual.worker import get_current_worker

from kenttä.domain import localtime
from kenttä.i18n import t
from kenttä.i18n.numbers import euros, percent
from kenttä.services.context import Workspace
from kenttä.services.reports import Period, ReportError, resolve_programme
from kenttä.services.reports.esf import EsfReport, compute, explain
from kenttä.services.reports.trend import MonthPoint, monthly_trend, period_for
from kenttä.ui.base import Translated
from kenttä.ui.parsing import format_date
from kenttä.ui.screens.dashboard_feedback import FeedbackLine, FeedbackModal, feedback_line

BLOCKS = " ▁▂▃▄▅▆▇█"
EXPLAIN_LIMIT = 500
# figure cell → the report figure whose records Enter lists
FIGURES = {
    "participants": "participants",
    "finished": "finished",
    "positive_path_rate": "positive_paths",
    "job_or_degree_rate": "job_or_degree",
    "companies": "participating_companies",
    "vouchers": "vouchers",
}
FUNNEL_STAGES = ("contacted", "met", "participating", "finished", "declined")
ENTERED_STYLE = "bold cyan"
LEFT_STYLE = "bold green"


@dataclass
class DashboardData:
    period: Period
    programme: str | None
    report: EsfReport
    trend: list[MonthPoint]
    feedback: dict[str, Any] | None = None  # `report feedback --by service` over the period


def load_dashboard(ws: Workspace, kind: str, today: date, programme: str | None) -> DashboardData:
    """Everything the dashboard shows, for one period kind (runs in a worker thread)."""
    from kenttä.services.reports.feedback import feedback_report

    period = period_for(ws, kind, today, programme)
    return DashboardData(
        period, programme, compute(ws, period, programme), monthly_trend(ws, period, programme),
        feedback_report(ws, by="service", period=period, programme=programme),
    )  # fmt: skip


def _percent(value: float | None) -> str:
    return percent(value)  # the language's decimal mark (en: a point)


def _euros(cents: int) -> str:
    return euros(cents, whole_short=True, sign=False)


class TrendChart(Widget):
    """Vertical bars per month (entered, finished); months are grouped to fit the width."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.points: list[MonthPoint] = []

    def set_points(self, points: list[MonthPoint]) -> None:
        self.points = points
        self.refresh()

    def render(self) -> RenderResult:
        width, height = self.size.width, self.size.height
        if not self.points or width < 6 or height < 4:
            return Text("")
        per_group = math.ceil(len(self.points) * 3 / width)
        groups = [self.points[i : i + per_group] for i in range(0, len(self.points), per_group)]
        series = [
            (sum(p.entered for p in g), sum(p.finished for p in g), g[0].month) for g in groups
        ]
        top = max(max(e, f) for e, f, _ in series) or 1
        rows = height - 2
        group_width = min(max(3, width // len(series)), 9)
        bar = (group_width - 1) // 2
        gap = " " * (group_width - 2 * bar)
        text = Text()
        for row in range(rows - 1, -1, -1):
            for entered, left, _ in series:
                for value, style in ((entered, ENTERED_STYLE), (left, LEFT_STYLE)):
                    eighths = round(value / top * rows * 8)
                    fill = min(max(eighths - row * 8, 0), 8)
                    text.append(BLOCKS[fill] * bar, style)
                text.append(gap)
            text.append("\n")
        for _, _, month in series:
            text.append(month[5:7].ljust(group_width), "dim")
        text.append("\n")
        text.append("█ ", ENTERED_STYLE).append(t("reports.dashboard.entered") + "  ")
        text.append("█ ", LEFT_STYLE).append(t("reports.dashboard.left"))
        text.append(f"  max {top}", "dim")
        return text


class FunnelChart(Widget):
    """Horizontal bars: contacted → met → participating → finished, and declined."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.counts: dict[str, int] = {}

    def set_counts(self, counts: dict[str, int]) -> None:
        self.counts = counts
        self.refresh()

    def render(self) -> RenderResult:
        if not self.counts:
            return Text("")
        labels = {stage: t(f"reports.funnel.{stage}") for stage in FUNNEL_STAGES}
        label_width = max(len(label) for label in labels.values()) + 1
        numbers = {stage: str(self.counts.get(stage, 0)) for stage in FUNNEL_STAGES}
        number_width = max(len(n) for n in numbers.values())
        room = max(self.size.width - label_width - number_width - 1, 1)
        top = max(self.counts.get(stage, 0) for stage in FUNNEL_STAGES) or 1
        text = Text()
        for stage in FUNNEL_STAGES:
            value = self.counts.get(stage, 0)
            bar = "█" * round(value / top * room)
            style = "red" if stage == "declined" else "magenta"
            text.append(labels[stage].ljust(label_width))
            text.append(bar.ljust(room), style)
            text.append(" " + numbers[stage].rjust(number_width) + "\n\n")
        return text


class FigureCell(Static, can_focus=True):
    """One figure; focus it and press Enter to see the records behind it."""

    def __init__(self, key: str, **kwargs: Any) -> None:
        super().__init__(t(f"reports.dashboard.{key}"), id=f"fig-{key}", classes="figure", **kwargs)
        self.key = key


class ExplainModal(ModalScreen[None]):
    """The records behind a figure, by the names the supervisor may see."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", show=False)]

    def __init__(self, title: str, records: list[dict[str, str]]) -> None:
        super().__init__()
        self.title_text = title
        self.records = records

    def compose(self) -> ComposeResult:
        shown = [r["label"] for r in self.records[:EXPLAIN_LIMIT]]
        if len(self.records) > EXPLAIN_LIMIT:
            shown.append(t("reports.dashboard.more", count=len(self.records) - EXPLAIN_LIMIT))
        if not shown:
            shown = [t("reports.dashboard.no_records")]
        options = OptionList(*shown, id="explain-list")
        options.border_title = f"{self.title_text} ({len(self.records)})"
        yield options

    def action_close(self) -> None:
        self.dismiss(None)


class DashboardScreen(Translated, Screen):
    """The supervisor's dashboard; `today` fixes the date (tests, screenshots).

    `Translated` (the app's convention) recomposes it and reloads after a language switch.
    """

    TITLE_KEY: ClassVar[str] = "reports.dashboard.title"
    CSS_PATH = "dashboard.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "period('year')", "reports.dashboard.this_year"),
        Binding("m", "period('12m')", "reports.dashboard.last_12_months"),
        Binding("l", "period('lifetime')", "reports.dashboard.lifetime"),
        Binding("enter", "explain", "reports.dashboard.explain"),
        Binding("escape", "close", "reports.dashboard.close", show=False),
        Binding("q", "quality", "keys.quality"),  # issue 15: quality gaps, each to its fix
    ]

    def __init__(
        self, ws: Workspace, today: date | None = None, programme: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.ws = ws
        self.today = today or localtime.today()
        self.requested_programme = programme
        self.kind = "year"
        self.data: DashboardData | None = None
        self._init_translation()

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(t("reports.dashboard.loading"), id="dash-period")
        with Grid(id="dash-figures"):
            for key in FIGURES:
                yield FigureCell(key)
        yield FeedbackLine(id="dash-feedback")
        yield Static(id="dash-targets")  # issue 16: shown when the programme has targets
        with Horizontal(id="dash-charts"):
            trend = TrendChart(id="dash-trend")
            trend.border_title = t("reports.dashboard.trend")
            yield trend
            funnel = FunnelChart(id="dash-funnel")
            funnel.border_title = t("reports.dashboard.funnel")
            yield funnel
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = t(self.TITLE_KEY)
        self.load(self.kind)

    def action_period(self, kind: str) -> None:
        self.kind = kind
        self.load(kind)

    def action_close(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    def action_quality(self) -> None:
        """The quality gaps of the period and programme shown; Enter on one opens its fix."""
        from kenttä.ui.screens.quality import QualityScreen

        data = self.data
        self.app.push_screen(QualityScreen(data and data.period, data and data.programme))

    def action_explain(self) -> None:
        cell = self.focused
        if isinstance(cell, FeedbackLine) and self.data and self.data.feedback:
            self.app.push_screen(FeedbackModal(self.data.feedback))
        if isinstance(cell, FigureCell) and self.data is not None:
            self.explain_figure(cell.key, self.data)

    @work(thread=True, exclusive=True, group="dashboard-explain")
    def explain_figure(self, key: str, data: DashboardData) -> None:
        worker = get_current_worker()
        lock = getattr(self.app, "db_lock", None) or nullcontext()
        try:
            with lock:
                records = explain(self.ws, FIGURES[key], data.period, data.programme, names=True)
        except Exception:
            if not worker.is_cancelled:
                self.app.call_from_thread(self._failed)
            return
        if not worker.is_cancelled:
            title = t(f"reports.dashboard.{key}")
            self.app.call_from_thread(self.app.push_screen, ExplainModal(title, records))

    def reload(self) -> None:
        self.load(self.kind)

    @work(thread=True, exclusive=True, group="dashboard")
    def load(self, kind: str) -> None:
        worker = get_current_worker()
        lock = getattr(self.app, "db_lock", None) or nullcontext()
        try:
            with lock:
                programme = self.requested_programme or self.ws.config.programme
                try:
                    programme = resolve_programme(self.ws, programme)
                except ReportError:
                    programme = None
                data = load_dashboard(self.ws, kind, self.today, programme)
        except Exception:  # shown in words, never as a traceback
            if not worker.is_cancelled:
                self.app.call_from_thread(self._failed)
            return
        if not worker.is_cancelled:
            self.app.call_from_thread(self._show, data)

    def _failed(self) -> None:
        if not self.is_attached:
            return
        self.query_one("#dash-period", Static).update(t("reports.dashboard.error"))

    def _figure(self, key: str, value: str, extra: str = "") -> None:
        text = Text(t(f"reports.dashboard.{key}") + "\n", "dim")
        text.append(value, "bold")
        if extra:
            text.append("  " + extra, "dim")
        self.query_one(f"#fig-{key}", Static).update(text)

    def _targets(self, targets: dict[str, dict[str, Any]]) -> None:
        """Actual against target, per figure with a target (green once reached)."""
        widget = self.query_one("#dash-targets", Static)
        widget.display = bool(targets)
        text = Text(t("reports.dashboard.targets") + ": ", "bold")
        for n, (key, pair) in enumerate(targets.items()):
            actual, target = pair["actual"], pair["target"]
            rate = key.endswith("_rate")
            shown = f"{_percent(actual)}/{_percent(target)}" if rate else f"{actual}/{target}"
            reached = actual is not None and target is not None and actual >= target
            text.append(" · " if n else "")
            text.append(t(f"reports.dashboard.target_{key}") + " ")
            text.append(shown, "bold green" if reached else "bold yellow")
        widget.update(text)

    def _show(self, data: DashboardData) -> None:
        if not self.is_attached:
            return
        self.data = data
        r = data.report
        kind_label = {
            "year": "this_year",
            "12m": "last_12_months",
            "lifetime": "lifetime",
        }[self.kind]
        period = t(
            "reports.dashboard.period",
            start=format_date(data.period.start),
            end=format_date(data.period.end),
        )
        who = (
            t("reports.dashboard.programme", programme=data.programme)
            if data.programme
            else t("reports.dashboard.all_programmes")
        )
        line = f"{t('reports.dashboard.' + kind_label)} · {period} · {who}"
        if r.participants == 0:
            line += " · " + t("reports.dashboard.no_data")
        self.query_one("#dash-period", Static).update(line)
        self._figure("participants", str(r.participants))
        self._figure("finished", str(r.finished))
        self._figure(
            "positive_path_rate",
            _percent(r.positive_path_rate),
            f"{r.positive_paths}/{r.finished}",
        )
        self._figure(
            "job_or_degree_rate", _percent(r.job_or_degree_rate), f"{r.job_or_degree}/{r.finished}"
        )
        self._figure("companies", str(r.participating_companies))
        self._figure(
            "vouchers",
            t(
                "reports.dashboard.vouchers_value",
                count=r.vouchers.count,
                euros=_euros(r.vouchers.value_cents),
            ),
        )
        self.query_one("#dash-feedback", FeedbackLine).update(feedback_line(data.feedback))
        self._targets(r.targets)
        self.query_one(TrendChart).set_points(data.trend)
        self.query_one(FunnelChart).set_counts(r.funnel.model_dump())
