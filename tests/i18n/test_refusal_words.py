"""Issue 14: refusals that used to reach a Finnish or Swedish screen as the general "not
accepted" now say what is wrong, in the language (through `error_text`, as forms show them).
Each is raised by the real service or model, not built by hand."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import date

import pytest
from pydantic import ValidationError

from kenttä.i18n import catalogue, set_language
from kenttä.ui.errors import error_text


@pytest.fixture(params=["fi", "sv"])
def language(request: pytest.FixtureRequest) -> Iterator[str]:
    set_language(request.param)
    try:
        yield request.param
    finally:
        set_language("fi")


def _refusal(action: Callable[[], object]) -> Exception:
    try:
        action()
    except ValueError as exc:
        return exc
    raise AssertionError("the action was not refused")


def _rating_of_seven() -> object:
    from kenttä.domain.models import Assessment

    return Assessment(client_id="c", assessed_on=date(2026, 1, 5), ratings={"skills": 7})


def _learning_period_backwards() -> object:
    from kenttä.domain.models import LearningPeriod

    return LearningPeriod(start=date(2026, 3, 1), end=date(2026, 2, 1))


def _negative_days() -> object:
    from kenttä.services.clients.screening import Screening

    return Screening(min_benefit_days=-1)


def _voucher_over_share() -> object:
    from kenttä.services.vouchers.budgets.escrow import check_issue

    return check_issue(50_000, 20_000)


def _unknown_period_kind() -> object:
    from kenttä.services.reports.trend import period_for

    return period_for(None, "fortnight", date(2026, 1, 5))  # type: ignore[arg-type]


CASES = {
    "rating_range": _rating_of_seven,  # a model's own validator (pydantic)
    "learning_period_order": _learning_period_backwards,
    "screening_days": _negative_days,
    "over_budget": _voucher_over_share,
    "period_kind": _unknown_period_kind,
}


@pytest.mark.parametrize("code", sorted(CASES))
def test_a_refusal_says_what_is_wrong_in_the_language(language: str, code: str) -> None:
    exc = _refusal(CASES[code])
    if isinstance(exc, ValidationError):
        assert getattr(exc.errors()[0]["ctx"]["error"], "code", None) == code
    else:
        assert getattr(exc, "code", None) == code
    words = catalogue(language)
    assert error_text(exc) == words[f"error.{code}"] != words["error.refused"]


def test_a_service_refuses_a_client_that_is_not_there_in_words(language: str, workspace) -> None:
    from kenttä.services.clients.assessments import save_assessment
    from kenttä.services.employers.events import add_event

    missing = str(uuid.uuid4())
    for action in (
        lambda: save_assessment(workspace, missing, assessed_on=date(2026, 1, 5), ratings={}),
        lambda: add_event(
            workspace, held_on=date(2026, 1, 5), place="Kirjasto", client_ids=[missing]
        ),
    ):
        exc = _refusal(action)
        assert str(exc) == "no such client"  # the English reason stays for logs and tests
        assert error_text(exc) == catalogue(language)["error.no_client"]


def test_the_field_at_fault_is_named_in_the_language(language: str) -> None:
    from kenttä.services.clients.rules import ClientError

    words = catalogue(language)
    named = error_text(ClientError("invalid_field", "first_name is missing", "first_name"))
    assert named == words["error.invalid_field"].format(field=words["field.first_name"])
    unnamed = error_text(ClientError("invalid_field", "a field is missing"))
    assert unnamed == words["error.invalid"]  # never a raw "{field}"


def test_a_models_check_names_the_field_in_the_language(language: str) -> None:
    """A value of the wrong kind: "check the field: …" with the field in words, also for a
    part of a field (a rating of one area is the ratings)."""
    from kenttä.domain.models import Assessment

    words = catalogue(language)
    for data, field in (
        ({"assessed_on": "kesäkuussa"}, "assessed_on"),
        ({"assessed_on": date(2026, 1, 5), "ratings": {"skills": "hyvä"}}, "ratings"),
    ):
        exc = _refusal(lambda data=data: Assessment(client_id="c", **data))
        shown = error_text(exc)
        assert shown == words["error.invalid_field"].format(field=words[f"field.{field}"])
        assert field not in shown  # never the field's code
