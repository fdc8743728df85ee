"""The demo caseload's fixed facts: regions, coaches, funnel and outcome mix, service tray."""

from __future__ import annotations

from kenttä.domain.codes import ClientStatus, Outcome, OutcomeCheck

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
SERVICES = (
    ("COACHING", "Yksilövalmennus", "coaching", 120_000),
    ("CAREER", "Uravalmennus", "coaching", 90_000),
    ("WORKTRIAL", "Työkokeilun tuki", "work_trial", 60_000),
    ("HYGIENE", "Hygieniapassi", "training", 4_500),
    ("SAFETY", "Työturvallisuuskortti", "training", 12_000),
    ("DIGI", "Digitaalisen työnhaun valmennus", "coaching", 30_000),
)
PROVIDERS = (
    ("Valmennuspolku Oy", ("COACHING", "CAREER")),
    ("Savon Koulutuskeskus Oy", ("HYGIENE", "SAFETY", "DIGI")),
    ("Työhönvalmennus Kaari ry", ("COACHING", "WORKTRIAL")),
    ("Lapin Uraverkko Oy", ("CAREER", "DIGI", "COACHING")),
    ("Keski-Suomen Osaamispalvelut Oy", ("COACHING", "HYGIENE", "SAFETY")),
)
