"""Industries: Statistics Finland's Toimialaluokitus 2008 (TOL 2008), by section.

An employer's `industry` is a TOL 2008 code (five digits, e.g. 56101 restaurants); its first
two digits are the division, and each division belongs to one section (A–U), which is how
the sector view groups needs. The sections' names are in the catalogue (`industry.A` …).
"""

from __future__ import annotations

# (first division, last division, section), as TOL 2008 assigns the divisions
_SECTIONS = (
    (1, 3, "A"), (5, 9, "B"), (10, 33, "C"), (35, 35, "D"), (36, 39, "E"), (41, 43, "F"),
    (45, 47, "G"), (49, 53, "H"), (55, 56, "I"), (58, 63, "J"), (64, 66, "K"), (68, 68, "L"),
    (69, 75, "M"), (77, 82, "N"), (84, 84, "O"), (85, 85, "P"), (86, 88, "Q"), (90, 93, "R"),
    (94, 96, "S"), (97, 98, "T"), (99, 99, "U"),
)  # fmt: skip
SECTIONS = tuple(section for _, _, section in _SECTIONS)


def section_of(industry: str | None) -> str | None:
    """The TOL 2008 section (A–U) of an industry code, or None when it is not one."""
    code = (industry or "").strip()
    if len(code) < 2 or not code[:2].isdigit():
        return None
    division = int(code[:2])
    for first, last, section in _SECTIONS:
        if first <= division <= last:
            return section
    return None
