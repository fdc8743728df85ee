"""The needs tests reuse the UI tests' caseload and app."""

from tests.ui.conftest import caseload_ws, make_app  # noqa: F401
