"""Finnish identifiers: DVV test codes, 2023 century signs, Y-tunnus, postal and municipality."""

from __future__ import annotations

from datetime import date

import pytest

from kenttä.domain.identifiers import (
    CHECK_CHARACTERS,
    IdentifierError,
    expected_check_character,
    merged_municipalities,
    municipalities,
    municipality_by_name,
    parse_henkilotunnus,
    validate_municipality,
    validate_postal_code,
    validate_y_tunnus,
)
from kenttä.services.data.synthetic import henkilotunnus, y_tunnus


@pytest.mark.parametrize(
    ("code", "birth", "sex"),
    [
        ("010594Y9032", date(1994, 5, 1), "male"),
        ("020516C903K", date(2016, 5, 2), "male"),
        ("131052-308T", date(1952, 10, 13), "female"),
    ],
)
def test_dvv_published_test_codes_are_valid(code: str, birth: date, sex: str) -> None:
    identity = parse_henkilotunnus(code)
    assert identity.code == code
    assert identity.birth_date == birth
    assert identity.sex == sex


def test_individual_numbers_900_to_999_are_temporary_and_accepted() -> None:
    assert parse_henkilotunnus("010594Y9032").temporary is True
    assert parse_henkilotunnus("131052-308T").temporary is False


def test_lower_case_and_spaces_are_normalised() -> None:
    assert parse_henkilotunnus("  131052-308t ").code == "131052-308T"


def test_wrong_check_character_names_the_expected_one() -> None:
    with pytest.raises(IdentifierError) as info:
        parse_henkilotunnus("131052-308U")
    assert info.value.code == "hetu_check"
    assert "should be T" in str(info.value)
    assert "131052" not in str(info.value)  # the code itself is personal data


def test_impossible_date_is_rejected() -> None:
    # 31 February does not exist; the check character is right for the digits
    digits = "310290" + "903"
    code = f"310290-903{CHECK_CHARACTERS[int(digits) % 31]}"
    with pytest.raises(IdentifierError) as info:
        parse_henkilotunnus(code)
    assert info.value.code == "hetu_date"


def test_29_february_only_in_leap_years() -> None:
    assert parse_henkilotunnus(henkilotunnus(date(2000, 2, 29), 905)).birth_date.day == 29
    code = "290223-905" + CHECK_CHARACTERS[int("290223905") % 31]
    with pytest.raises(IdentifierError):
        parse_henkilotunnus(code)


@pytest.mark.parametrize("sign", ["G", "Z", "*", "/"])
def test_unknown_century_sign(sign: str) -> None:
    with pytest.raises(IdentifierError) as info:
        parse_henkilotunnus(f"010594{sign}9032")
    assert info.value.code == "hetu_century"


@pytest.mark.parametrize("sign", ["-", "Y", "X", "W", "V", "U"])
def test_2023_century_signs_for_the_1900s(sign: str) -> None:
    code = f"010594{sign}9032"
    assert parse_henkilotunnus(code).birth_date == date(1994, 5, 1)


@pytest.mark.parametrize("sign", ["A", "B", "C", "D", "E", "F"])
def test_2023_century_signs_for_the_2000s(sign: str) -> None:
    code = f"020516{sign}903K"
    assert parse_henkilotunnus(code).birth_date == date(2016, 5, 2)


def test_plus_sign_is_the_1800s() -> None:
    digits = "010199" + "902"
    code = f"010199+902{CHECK_CHARACTERS[int(digits) % 31]}"
    assert parse_henkilotunnus(code).birth_date == date(1899, 1, 1)


@pytest.mark.parametrize("bad", ["", "123", "010594Y903", "010594Y90322", "01059AY9032"])
def test_malformed_codes(bad: str) -> None:
    with pytest.raises(IdentifierError) as info:
        parse_henkilotunnus(bad)
    assert info.value.code in {"hetu_format", "hetu_century"}


def test_individual_number_000_and_001_are_never_valid() -> None:
    for individual in ("000", "001"):
        digits = "010594" + individual
        code = f"010594-{individual}{CHECK_CHARACTERS[int(digits) % 31]}"
        with pytest.raises(IdentifierError):
            parse_henkilotunnus(code)


def test_expected_check_character() -> None:
    assert expected_check_character("131052-308T") == "T"
    assert expected_check_character("010594Y9032") == "2"


def test_synthetic_generator_only_makes_900_to_999() -> None:
    code = henkilotunnus(date(1980, 3, 4), 950)
    identity = parse_henkilotunnus(code)
    assert identity.temporary and identity.birth_date == date(1980, 3, 4)
    with pytest.raises(ValueError):
        henkilotunnus(date(1980, 3, 4), 123)


# -- Y-tunnus ------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["0171450-7", "0174666-4", "2296962-1"])
def test_valid_y_tunnus(code: str) -> None:
    assert validate_y_tunnus(code) == code


def test_y_tunnus_with_six_digits_is_zero_padded() -> None:
    assert validate_y_tunnus("171450-7") == "0171450-7"


def test_wrong_y_tunnus_check_digit_names_the_expected_one() -> None:
    with pytest.raises(IdentifierError) as info:
        validate_y_tunnus("0171450-8")
    assert info.value.code == "ytunnus_check"
    assert "should be 7" in str(info.value)


def test_remainder_one_is_never_a_y_tunnus() -> None:
    # weights 7 9 10 5 8 4 2: 0000006 sums to 12, remainder 1
    for check in "0123456789":
        with pytest.raises(IdentifierError) as info:
            validate_y_tunnus(f"0000006-{check}")
        assert info.value.code == "ytunnus_invalid"


@pytest.mark.parametrize("bad", ["", "0171450", "01714507", "0171450_7", "A171450-7"])
def test_malformed_y_tunnus(bad: str) -> None:
    with pytest.raises(IdentifierError) as info:
        validate_y_tunnus(bad)
    assert info.value.code == "ytunnus_format"


def test_generated_y_tunnus_are_valid() -> None:
    import random

    rng = random.Random(1)
    for _ in range(500):
        code = y_tunnus(rng)
        assert validate_y_tunnus(code) == code


# -- postal codes and municipalities -------------------------------------------------------


def test_postal_code() -> None:
    assert validate_postal_code(" 70100 ") == "70100"
    for bad in ("7010", "701000", "7O100", ""):
        with pytest.raises(IdentifierError):
            validate_postal_code(bad)


def test_municipality_codes_and_names() -> None:
    assert municipalities()["297"] == "Kuopio"
    assert validate_municipality("297") == "297"
    assert validate_municipality("5") == "005"  # Alajärvi, written without leading zeros
    assert validate_municipality("Jyväskylä") == "179"
    assert validate_municipality("jyväskylä") == "179"
    assert municipality_by_name("Utsjoki") == "890"


def test_merged_municipalities_map_to_their_successor() -> None:
    assert merged_municipalities()["534"] == "297"  # Nilsiä → Kuopio (2013)
    assert validate_municipality("534") == "297"
    assert validate_municipality("911") == "541"  # Valtimo → Nurmes (2020)
    assert validate_municipality("Nilsiä") == "297"
    with pytest.raises(IdentifierError):
        validate_municipality("534", map_merged=False)


@pytest.mark.parametrize("bad", ["999", "1234", "Atlantis", ""])
def test_unknown_municipality(bad: str) -> None:
    with pytest.raises(IdentifierError) as info:
        validate_municipality(bad)
    assert info.value.code.startswith("municipality")
