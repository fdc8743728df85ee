from __future__ import annotations

import pytest

from kenttä.services.reports import Period
from tests.reports.cohort import PERIOD_END, PERIOD_START, Cohort


@pytest.fixture
def cohort(workspace) -> Cohort:
    return Cohort(workspace)


@pytest.fixture
def period() -> Period:
    return Period(PERIOD_START, PERIOD_END)
