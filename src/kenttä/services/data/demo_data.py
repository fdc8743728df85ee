"""The demo caseload's fixed facts: regions, coaches, funnel and outcome mix, service tray."""

from __future__ import annotations

from kenttä.domain.codes import ClientStatus, Outcome, OutcomeCheck
from kenttä.services.vouchers import default_service_tray

DEMO_USER = "maija.koskinen"
# (checkpoint, days after exit): the exit itself, 28 days and 6 months (ESF+)
EXIT_CHECKPOINTS = (
    (OutcomeCheck.EXIT, 0),
    (OutcomeCheck.DAYS_28, 28),
    (OutcomeCheck.MONTHS_6, 182),
)

# municipality name -> (scope, postal codes, programmes, coaches)
_KUOPIO_PROGRAMMES = ("TOPI", "TOPI", "KUOPIO", "VALKE")
REGIONS: dict[str, tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "Kuopio": (
        "kuopio",
        ("70100", "70500", "70820"),
        _KUOPIO_PROGRAMMES,
        ("maija.koskinen", "jari.heikkinen"),
    ),
    "Siilinjärvi": ("kuopio", ("71800",), _KUOPIO_PROGRAMMES, ("jari.heikkinen",)),
    "Suonenjoki": ("kuopio", ("77600",), ("VALKE", "TOPI"), ("sanna.rasanen",)),
    "Rautalampi": ("kuopio", ("77700",), ("VALKE",), ("sanna.rasanen",)),
    "Tervo": ("kuopio", ("72210",), ("VALKE",), ("pekka.hyvonen",)),
    "Vesanto": ("kuopio", ("72300",), ("VALKE",), ("pekka.hyvonen",)),
    "Tuusniemi": ("kuopio", ("73100",), ("KUOPIO", "TOPI"), ("maija.koskinen",)),
    "Jyväskylä": ("jyvaskyla", ("40100", "40320", "40700"), ("VIRTAA",), ("laura.salo",)),
    "Rovaniemi": ("lappi", ("96100", "96200"), ("POLKU",), ("antti.niemi",)),
    "Inari": ("lappi", ("99800", "99870"), ("POLKU",), ("kirsi.aikio",)),
    "Utsjoki": ("lappi", ("99980",), ("POLKU",), ("kirsi.aikio",)),
}
# relative weight of each municipality in the caseload
WEIGHTS = (40, 12, 8, 6, 5, 5, 6, 20, 14, 8, 4)
FUNNEL_WEIGHTS = {
    ClientStatus.CONTACTED: 12,
    ClientStatus.MET: 17,
    ClientStatus.PARTICIPATING: 38,
    ClientStatus.FINISHED: 26,
    ClientStatus.DECLINED: 7,
}
OUTCOME_WEIGHTS = {
    Outcome.JOB: 28,
    Outcome.WAGE_SUBSIDISED_JOB: 15,
    Outcome.DEGREE_EDUCATION: 9,
    Outcome.OTHER_EDUCATION: 7,
    Outcome.OTHER_SERVICE: 12,
    Outcome.UNEMPLOYED: 18,
    Outcome.INACTIVE: 6,
    Outcome.UNKNOWN: 5,
}
# The shipped tray (one code per service: issue 14), in the demo's order.
SERVICES = tuple(
    (s.code, s.name, s.category, s.default_value_cents) for s in default_service_tray()
)
PROVIDERS = (
    ("Valmennuspolku Oy", ("coaching", "career_coaching")),
    ("Savon Koulutuskeskus Oy",
     ("hygiene_passport", "occupational_safety_card", "digital_job_search")),
    ("Työhönvalmennus Kaari ry", ("coaching", "work_trial_support")),
    ("Lapin Uraverkko Oy", ("career_coaching", "digital_job_search", "coaching")),
    ("Keski-Suomen Osaamispalvelut Oy",
     ("coaching", "hygiene_passport", "occupational_safety_card")),
)  # fmt: skip
