"""Programmes on the employer side (issue 16): participating companies, network size and
sponsors per programme in `report esf --programme P`, against a hand count."""

from __future__ import annotations

import json
from datetime import date

import pytest
from click.testing import CliRunner

from kenttä.cli import cli
from tests.reports.cohort import Cohort

PERIOD = ["--from", "2024-01-01", "--to", "2024-12-31"]


@pytest.fixture
def cohort(workspace) -> Cohort:  # type: ignore[no-untyped-def]
    return Cohort(workspace)


def _esf(store, programme: str | None) -> dict:  # type: ignore[no-untyped-def]
    extra = ["--programme", programme] if programme else []
    result = CliRunner().invoke(
        cli, ["--db", str(store.path), "report", "esf", *PERIOD, *extra, "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_report_esf_counts_companies_per_programme(store, cohort):
    cohort.client("topi_client", programme="TOPI")
    cohort.client("kuopio_client", programme="KUOPIO")
    since = {"network_since": date(2023, 1, 1)}
    for name in ("a", "b", "c", "d", "e", "f"):
        cohort.employer(name, **since)
    cohort.employer("sponsor", sponsor=True, **since)
    cohort.employer("idle", **since)  # in the network, no programme has worked with it
    # TOPI: a and b visited, c takes a TOPI client; the sponsor visited by TOPI in 2023
    cohort.visit("v_a", "a", date(2024, 3, 1), programme="TOPI")
    cohort.visit("v_b", "b", date(2024, 5, 1), programme="TOPI")
    cohort.placement("p_c", "topi_client", "c", date(2024, 6, 1))  # by the client's programme
    cohort.visit("v_sponsor", "sponsor", date(2023, 6, 1), programme="TOPI")
    # KUOPIO: d visited; e takes a placement marked KUOPIO (the client is TOPI's)
    cohort.visit("v_d", "d", date(2024, 2, 1), programme="KUOPIO")
    cohort.placement("p_e", "topi_client", "e", date(2024, 7, 1), programme="KUOPIO")
    # f: a KUOPIO need only (network, not support); a is visited by KUOPIO too, after the period
    cohort.need("n_f", "f", date(2024, 4, 1), programme="KUOPIO")
    cohort.visit("v_a_late", "a", date(2025, 2, 1), programme="KUOPIO")
    # a visit with no programme counts for all programmes together only
    cohort.visit("v_none", "idle", date(2024, 8, 1))

    topi, kuopio, everyone = _esf(store, "TOPI"), _esf(store, "KUOPIO"), _esf(store, None)
    # hand count: TOPI {a, b, c}; KUOPIO {d, e}; all {a, b, c, d, e, idle}
    assert topi["participating_companies"] == 3
    assert kuopio["participating_companies"] == 2
    assert everyone["participating_companies"] == 6
    # network: TOPI has worked with a, b, c, sponsor; KUOPIO with d, e, f (a only in 2025)
    assert (topi["network_size"], topi["sponsor_employers"]) == (4, 1)
    assert (kuopio["network_size"], kuopio["sponsor_employers"]) == (3, 0)
    assert (everyone["network_size"], everyone["sponsor_employers"]) == (8, 1)
