"""The reason in words for any refusal a service raises, as a person reads it: on a screen
(`kenttä.ui.errors.error_text`) and in the command line's human output (`kenttä.cli`), in
fi, sv or en (issue 14). `--json` output keeps the codes and English reasons instead.

A storage problem (locked, read-only, disk full) by its `storage.*` words; a model's own
check (pydantic) by the field at fault; a role that may not by its `permission.<action>`; a
refusal with a `code` by `error.<code>` (identifier codes by `validation.<code>`); anything
else never in English on a Finnish or Swedish screen.
"""

from __future__ import annotations

import sys

from kenttä.i18n import get_language, has, t, validation_message

__all__ = ["refusal_text"]


def refusal_text(exc: Exception, *, refusal: bool = False) -> str:
    """A reason in words for any error a service raises (never a traceback), in the
    current language (`kenttä.i18n.get_language`). `refusal`: the caller caught `exc` as a
    known refusal (the command line's `kenttä_sync` errors, which are not ValueErrors), so
    it is said like one, not as a failure."""
    from kenttä.store.problems import storage_problem

    if (key := storage_problem(exc)) is not None:  # locked, read-only, disk full
        return t(key)
    # pydantic is not on the start path: when it is not loaded, exc cannot be its error.
    pydantic = sys.modules.get("pydantic")
    if pydantic is not None and isinstance(exc, pydantic.ValidationError):
        errors = exc.errors()
        if errors:
            first = errors[0]
            inner = first.get("ctx", {}).get("error")
            if isinstance(inner, Exception):
                return refusal_text(inner, refusal=refusal)
            return t("error.invalid_field", field=_field_words(first.get("loc", ())))
    if type(exc).__name__ == "PermissionDenied":  # the role may not: say what, in words
        action = getattr(exc, "action", "")
        return t(f"permission.{action}") if has(f"permission.{action}") else t("error.permission")
    code = getattr(exc, "code", None)
    if code is not None:
        if code.startswith(("hetu_", "ytunnus_", "municipality_", "postal_")):
            return validation_message(exc)
        if has(f"error.{code}"):
            text = t(f"error.{code}", **_values(exc))
            return text if "{" not in text else t("error.invalid")  # a value it lacks
    return _untranslated(exc, refusal)


def _field_words(loc: tuple) -> str:
    """The field at fault in words: `ratings.skills` is the ratings, `learning_periods.0.end`
    the learning periods (the field a person filled), when the whole path has no words."""
    where = ".".join(str(p) for p in loc)
    for key in (f"field.{where}", f"field.{loc[0]}" if loc else ""):
        if key and has(key):
            return t(key)
    return where


def _values(exc: Exception) -> dict[str, str]:
    """The values a refusal carries for its words, none of them personal: the field at
    fault (ClientError.field), in words."""
    field = getattr(exc, "field", None)
    if not isinstance(field, str) or not field:
        return {}
    return {"field": t(f"field.{field}") if has(f"field.{field}") else field}


def _untranslated(exc: Exception, refusal: bool) -> str:
    """An error with no words in the catalogue: the UI's or the command line's own (already
    in words) as it is; a service's English reason only in English; elsewhere the
    catalogue's general refusal, never English on a Finnish or Swedish screen (issue 14)."""
    if not (
        refusal or isinstance(exc, ValueError)
    ):  # a bug or the machine: its kind, never its text
        return t("error.unexpected", error=type(exc).__name__)
    if type(exc).__module__.startswith(("kenttä.ui", "kenttä.cli")) or get_language() == "en":
        return str(exc) or type(exc).__name__
    return t("error.refused")
