"""The reason in words for any error a service raises, as screens and modals show it."""

from __future__ import annotations

from kenttä.services.refusal_words import refusal_text


def error_text(exc: Exception) -> str:
    """A reason in words for any error a service raises (never a traceback): the same words
    the command line prints (`kenttä.services.refusal_words.refusal_text`)."""
    return refusal_text(exc)
