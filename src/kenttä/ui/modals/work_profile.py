"""A client's work interests, licences, area and skills (issue 16), and the open needs that
fit them; opened from the client card."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.widget import Widget
from textual.widgets import Input, SelectionList, Static

from kenttä.domain.codes import Licence
from kenttä.domain.identifiers import municipalities, municipality_by_name
from kenttä.domain.occupations import find_occupation, occupation_name
from kenttä.i18n import code, t
from kenttä.services.employers import matching
from kenttä.ui.modals.form import FormError, FormModal
from kenttä.ui.modals.need_fields import reason_text


def _items(text: str) -> list[str]:
    return [p.strip() for p in text.split(",") if p.strip()]


class WorkProfileModal(FormModal):
    TITLE_KEY = "needs.profile.title"
    DEFAULT_CSS = """
    WorkProfileModal #profile-licences { height: auto; max-height: 5; border: none; padding: 0; }
    WorkProfileModal #profile-fits { height: auto; color: $text-muted; }
    """

    def __init__(self, client_id: str) -> None:
        super().__init__()
        self.client_id = client_id

    def fields(self) -> Iterable[Widget]:
        yield self.label("needs.profile.occupations")
        yield Input(id="profile-occupations")
        yield self.label("needs.profile.licences")
        yield SelectionList[str](
            *[(code("licence", lic.value), lic.value) for lic in Licence], id="profile-licences"
        )
        yield self.label("needs.profile.municipalities")
        yield Input(id="profile-municipalities")
        yield self.label("needs.profile.skills")
        yield Input(id="profile-skills")
        yield self.label("needs.profile.fits")
        yield Static(id="profile-fits")

    def reload(self) -> None:
        def load(ws: Any) -> tuple[dict[str, Any], list[matching.NeedMatch]]:
            return matching.get_profile(ws, self.client_id), matching.needs_for_client(
                ws, self.client_id, limit=5
            )

        self.db(load, done=self.show, group="profile")

    def show(self, loaded: tuple[dict[str, Any], list[matching.NeedMatch]]) -> None:
        profile, fits = loaded
        names = municipalities()
        self.query_one("#profile-occupations", Input).value = ", ".join(profile["occupations"])
        self.query_one("#profile-municipalities", Input).value = ", ".join(
            names.get(m, m) for m in profile["municipalities"]
        )
        self.query_one("#profile-skills", Input).value = profile["skills"]
        licences = self.query_one("#profile-licences", SelectionList)
        for value in profile["licences"]:
            licences.select(value)
        self.query_one("#profile-fits", Static).update(
            "\n".join(
                f"{f.need['employer']} · {f.need['title'] or occupation_name(f.need['occupation'])}"
                f" · {reason_text(f.reasons, f.missing)}"
                for f in fits
            )
            or t("needs.profile.none_fit")
        )
        self._opened_with = self.field_values()

    def submit(self) -> None:
        occupations = []
        for item in _items(self.value("profile-occupations")):
            found = find_occupation(item)
            if found is None:
                raise FormError("profile-occupations", t("needs.error_occupation", part=item))
            occupations.append(found)
        areas = []
        for item in _items(self.value("profile-municipalities")):
            found = item if item in municipalities() else municipality_by_name(item)
            if found is None:
                raise FormError(
                    "profile-municipalities", f"{t('needs.unknown_municipality')}: {item}"
                )
            areas.append(found)
        self.write(
            matching.save_profile,
            self.client_id,
            occupations=occupations,
            licences=list(self.query_one("#profile-licences", SelectionList).selected),
            municipalities=areas,
            skills=self.value("profile-skills"),
            done=lambda _: self._done(),
            failed=self.failed,
        )

    def _done(self) -> None:
        self.app.notify(t("needs.profile.saved"))
        self.dismiss(True)
